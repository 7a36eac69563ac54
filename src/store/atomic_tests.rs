//! Unit tests of `atomic` (kept in their own file).
use super::*;

/// Files that already hold their new content are left alone (same inode, no
/// rename); the others are replaced.
#[test]
fn unchanged_files_are_not_rewritten() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    let files = vec![(a.clone(), b"one".to_vec()), (b.clone(), b"two".to_vec())];
    assert_eq!(replace_atomic_all(&files).unwrap(), 2);
    let ino = |p: &Path| fs::metadata(p).unwrap().ino();
    let (ia, ib) = (ino(&a), ino(&b));
    assert_eq!(replace_atomic_all(&files).unwrap(), 0, "nothing changed");
    assert_eq!((ino(&a), ino(&b)), (ia, ib));
    // Same size, other content: rewritten; the other file is not.
    let files = vec![(a.clone(), b"one".to_vec()), (b.clone(), b"TWO".to_vec())];
    assert_eq!(replace_atomic_all(&files).unwrap(), 1);
    assert_eq!(ino(&a), ia);
    assert_ne!(ino(&b), ib);
    assert_eq!(fs::read(&b).unwrap(), b"TWO");
}

#[test]
fn replaces_and_keeps_backup() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    write_atomic(&p, b"one").unwrap();
    assert!(!backup_path(&p).exists());
    write_atomic(&p, b"two").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"two");
    assert_eq!(fs::read(backup_path(&p)).unwrap(), b"one");
    write_atomic(&p, b"three").unwrap();
    assert_eq!(fs::read(backup_path(&p)).unwrap(), b"two");
    // No temporary files left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn replace_keeps_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.jsonl");
    replace_atomic(&p, b"one").unwrap();
    replace_atomic(&p, b"two").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"two");
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn replace_all_writes_every_file_and_clears_dead_temps_once() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let a = dir.path().join("a.txt");
    fs::write(&a, b"old a").unwrap();
    // A temporary file of a.txt left by a dead process (pid 0x7ffffff0 is not
    // running), one of a file not in the batch, and one of this process.
    let dead = dir.path().join(".a.txt.tmp-2147483632-0");
    let other = dir.path().join(".z.txt.tmp-2147483632-0");
    let mine = dir
        .path()
        .join(format!(".a.txt.tmp-{}-999", std::process::id()));
    for t in [&dead, &other, &mine] {
        fs::write(t, b"junk").unwrap();
    }
    let files = vec![
        (a.clone(), b"new a".to_vec()),
        (dir.path().join("b.ann"), b"b".to_vec()),
        (sub.join("c.txt"), b"c".to_vec()),
    ];
    replace_atomic_all(&files).unwrap();
    for (p, bytes) in &files {
        assert_eq!(&fs::read(p).unwrap(), bytes);
    }
    assert!(
        !dead.exists(),
        "a dead process's temp file of a batch file is removed"
    );
    assert!(
        other.exists(),
        "temp files of other files are not ours to remove"
    );
    assert!(mine.exists(), "this process's temp files are left alone");
    let left: Vec<_> = fs::read_dir(&sub)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    // A file that cannot be written: an error naming it, no temporary files left.
    let blocked = dir.path().join("blocked");
    fs::create_dir(&blocked).unwrap();
    let bad = vec![
        (dir.path().join("d.txt"), b"d".to_vec()),
        (blocked.clone(), b"x".to_vec()),
    ];
    let e = replace_atomic_all(&bad).unwrap_err().to_string();
    assert!(e.contains("blocked"), "{e}");
    let temps = fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let n = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned();
            n.starts_with(".d.txt.tmp-") || n.starts_with(".blocked.tmp-")
        })
        .count();
    assert_eq!(temps, 0);
}

#[test]
fn crash_before_rename_or_mid_write_keeps_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    write_atomic(&p, b"old content").unwrap();
    for fault in [Fault::BeforeRename, Fault::MidWrite] {
        assert!(write_atomic_crashing(&p, b"new content that never lands", fault).is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old content");
    }
}

#[test]
fn failed_precondition_replaces_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    write_atomic(&p, b"old").unwrap();
    let e = write_atomic_if(&p, b"new", || Err(StoreError::Serialize("no".into()))).unwrap_err();
    assert!(matches!(e, StoreError::Serialize(_)));
    assert_eq!(fs::read(&p).unwrap(), b"old");
    assert!(!backup_path(&p).exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn temp_names_are_recognised_exactly() {
    let p = Path::new("/x/p.json");
    assert_eq!(temp_file_pid(p, ".p.json.tmp-123-4"), Some(123));
    assert_eq!(temp_file_pid(p, ".p.json.tmp-123-4.bak"), Some(123));
    assert_eq!(temp_file_pid(p, ".p.json.tmp-123-"), None);
    assert_eq!(temp_file_pid(p, ".p.json.tmp-x-4"), None);
    assert_eq!(temp_file_pid(p, ".p.json.tmp-1-4.old"), None);
    assert_eq!(temp_file_pid(p, ".q.json.tmp-123-4"), None);
    assert_eq!(temp_file_pid(p, ".p.json.recovery.tmp-123-4"), None);
    assert_eq!(temp_file_pid(p, "p.json"), None);
}

/// Issue #25, item 13: a symbolic link is followed (the file it points to gets the
/// content, the link stays a link); a FIFO, a folder and a device are refused by
/// name before anything is written.
#[cfg(unix)]
#[test]
fn links_are_followed_and_special_files_refused() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    fs::write(&real, b"old").unwrap();
    let sub = dir.path().join("links");
    fs::create_dir(&sub).unwrap();
    // A relative link, through a second link.
    let link = sub.join("link.json");
    let link2 = sub.join("link2.json");
    std::os::unix::fs::symlink("../real.json", &link).unwrap();
    std::os::unix::fs::symlink("link.json", &link2).unwrap();
    write_atomic(&link2, b"new").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::symlink_metadata(&link2)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&real).unwrap(), b"new");
    assert_eq!(fs::read(backup_path(&real)).unwrap(), b"old");
    assert_eq!(existing_backup(&link2), Some(backup_path(&real)));
    replace_atomic_all(&[(link.clone(), b"third".to_vec())]).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&real).unwrap(), b"third");
    // A dangling link: the file it names is created.
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink("created.json", &dangling).unwrap();
    replace_atomic(&dangling, b"x").unwrap();
    assert_eq!(fs::read(dir.path().join("created.json")).unwrap(), b"x");
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // A FIFO: refused without opening it (opening would block).
    let fifo = dir.path().join("fifo.json");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for e in [
        write_atomic(&fifo, b"x").unwrap_err(),
        replace_atomic_all(&[(fifo.clone(), b"x".to_vec())]).unwrap_err(),
    ] {
        let msg = e.to_string();
        assert!(matches!(e, StoreError::NotAFile { .. }), "{msg}");
        assert!(msg.contains("fifo.json") && msg.contains("FIFO"), "{msg}");
    }
    let fifo_link = dir.path().join("fifo-link.json");
    std::os::unix::fs::symlink(&fifo, &fifo_link).unwrap();
    let msg = replace_atomic(&fifo_link, b"x").unwrap_err().to_string();
    assert!(msg.contains("FIFO"), "{msg}");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // A folder where a file is expected, and a file where a folder is.
    let msg = write_atomic(&sub, b"x").unwrap_err().to_string();
    assert!(msg.contains("a folder"), "{msg}");
    let msg = replace_atomic(&real.join("x.json"), b"x")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("where a folder is expected"), "{msg}");
    // No temporary file was left anywhere.
    let temps = fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp-")
        })
        .count();
    assert_eq!(temps, 0);
}

/// Item 13: a device node (like /dev/null or /dev/full) stays a device. Making one
/// needs root; without it the test says SKIP (never on /dev itself: the code before
/// the fix would have replaced the machine's /dev/null).
#[cfg(unix)]
#[test]
fn device_nodes_are_refused() {
    use std::io::Write as _;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("null");
    let c = std::ffi::CString::new(dev.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; (1, 3) is the null device.
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    if made != 0 {
        let _ = writeln!(
            std::io::stderr(),
            "SKIP: device_nodes_are_refused: cannot make a device node ({}); run as root to check it",
            std::io::Error::last_os_error()
        );
        return;
    }
    let e = write_atomic(&dev, b"x").unwrap_err();
    assert!(e.to_string().contains("a device"), "{e}");
    let e = replace_atomic_all(&[(dev.clone(), b"x".to_vec())]).unwrap_err();
    assert!(e.to_string().contains("a device"), "{e}");
    assert!(
        fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[cfg(unix)]
#[test]
fn liveness_of_processes() {
    assert!(process_alive(std::process::id()));
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    assert!(!process_alive(pid), "a reaped child is gone");
    // Never a process group.
    assert!(process_alive(0));
    assert!(process_alive(u32::MAX));
}
