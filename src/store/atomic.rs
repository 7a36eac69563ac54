//! Crash-safe file replacement.
//!
//! The target is never open for writing: the new content goes to a temporary file in
//! the same folder (same file system, so the rename is atomic), which is fsynced and
//! then renamed over the target; the folder is fsynced so the rename itself survives a
//! power cut. Before the rename the current file is hard-linked (or, where links are not
//! supported, copied atomically) to `<file>.bak`. At every instant the target is either
//! the complete old file or the complete new one (`tests/kill.rs` kills a saving process
//! at random moments and checks exactly that).
//!
//! **What is written.** A symbolic link is followed (through every link of a chain):
//! the file it points to gets the new content, its temporary file and `.bak` go beside
//! that file, and the link stays a link (`import --into link.json` no longer turns the
//! link into a separate copy). A target that exists and is not a regular file (a
//! folder, a FIFO, a device, a socket) is refused with [`StoreError::NotAFile`] before
//! anything is written: renaming over it would replace `/dev/null` with a regular file
//! (as root) or never read a FIFO's reader. See [`resolve_target`].
//!
//! A process killed mid-save leaves its temporary file behind
//! (`.<file>.tmp-<pid>-<n>`, and `.<file>.tmp-<pid>-<n>.bak` for a staged backup).
//! Every save first removes such leftovers of the same target whose process is gone (or
//! that are older than a day, where liveness cannot be checked or the pid was reused),
//! so they never accumulate.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::StoreError;

/// Where to simulate a crash, for tests of what survives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Stop after the temporary file is written and synced, before the rename.
    BeforeRename,
    /// Stop halfway through writing the temporary file.
    MidWrite,
}

/// Temporary files older than this are removed even if their process seems alive.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// `<file>.bak` next to `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

/// The `.bak` of `path` if there is one: beside `path`, or beside the file a symbolic
/// link at `path` points to (where saves keep it). For messages, which must never
/// suggest a backup that does not exist.
pub fn existing_backup(path: &Path) -> Option<PathBuf> {
    let beside = backup_path(path);
    if beside.is_file() {
        return Some(beside);
    }
    let resolved = backup_path(&resolve_target(path).ok()?);
    resolved.is_file().then_some(resolved)
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into())
}

/// The prefix of every temporary file of `path`: `.<file>.tmp-`.
fn temp_prefix(path: &Path) -> String {
    format!(".{}.tmp-", file_name(path))
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!("{}{}-{n}", temp_prefix(path), std::process::id()))
}

/// The regular file that writing to `path` must replace (or create): `path` itself,
/// or, for a symbolic link, the file at the end of its chain of links (which may not
/// exist yet). Anything else that exists there — a folder, a FIFO, a device, a
/// socket — is refused with [`StoreError::NotAFile`], naming what it is; so is a
/// chain of more than 40 links (a loop). Nothing is opened, so a FIFO never blocks.
pub fn resolve_target(path: &Path) -> Result<PathBuf, StoreError> {
    let mut target = path.to_path_buf();
    // A followed link's target, with its folder written without `..` or links (for
    // messages), when that folder exists.
    let tidy = |target: PathBuf, followed: bool| match (followed, target.file_name()) {
        (true, Some(name)) => fs::canonicalize(parent_dir(&target))
            .map(|dir| dir.join(name))
            .unwrap_or(target),
        _ => target,
    };
    for hop in 0..40 {
        let meta = match fs::symlink_metadata(&target) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(tidy(target, hop > 0)),
            Err(e) => {
                check_folder(parent_dir(&target))?;
                return Err(StoreError::io(path, e));
            }
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Ok(tidy(target, hop > 0));
        }
        if !kind.is_symlink() {
            return Err(StoreError::NotAFile {
                path: path.to_path_buf(),
                what: describe_kind(&target, &meta),
            });
        }
        let link = fs::read_link(&target).map_err(|e| StoreError::io(path, e))?;
        target = if link.is_absolute() {
            link
        } else {
            parent_dir(&target).join(link)
        };
    }
    Err(StoreError::NotAFile {
        path: path.to_path_buf(),
        what: "a chain of more than 40 symbolic links (a loop?)".into(),
    })
}

/// What a non-regular file is, in words, for [`StoreError::NotAFile`].
fn describe_kind(target: &Path, meta: &fs::Metadata) -> String {
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "a folder".to_string()
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                "a FIFO (named pipe)".to_string()
            } else if kind.is_char_device() || kind.is_block_device() {
                "a device".to_string()
            } else if kind.is_socket() {
                "a socket".to_string()
            } else {
                "not a regular file".to_string()
            }
        }
        #[cfg(not(unix))]
        {
            "not a regular file".to_string()
        }
    };
    format!("{what} ({})", target.display())
}

/// Refuses a folder path whose nearest existing part is not a folder (after following
/// links), naming that part: the folder of an output, or an output that is a folder.
pub fn check_folder(dir: &Path) -> Result<(), StoreError> {
    for part in dir.ancestors().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(m) = fs::metadata(part) {
            if m.is_dir() {
                return Ok(());
            }
            return Err(StoreError::NotAFolder {
                path: part.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Replaces `path` with `bytes` atomically, keeping the old content as `<file>.bak`.
pub fn write_atomic(path: &Path, bytes: &[u8], fault: Fault) -> Result<(), StoreError> {
    write_inner(path, bytes, fault, true, || Ok(()))
}

/// Replaces `path` with `bytes` atomically without keeping a `.bak`: for files that can
/// be regenerated, such as exports, where a backup beside each file would be clutter.
pub fn replace_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_inner(path, bytes, Fault::None, false, || Ok(()))
}

/// Replaces many files, each atomically and without a `.bak` (a folder export):
/// [`replace_atomic`] for each, but each folder is scanned for stale temporary files
/// once and synced once, instead of once per file (which made a 2,000-file export
/// quadratic in the number of files). Each file is written to its temporary file and
/// synced before any is renamed; on an error, the temporary files are removed and the
/// files already renamed stay replaced (each one is whole, old or new).
///
/// A file whose content on disk is already `bytes` is not touched (re-exporting a
/// corpus after a few edits rewrites only the documents that changed). Returns how
/// many files were written.
pub fn replace_atomic_all(files: &[(PathBuf, Vec<u8>)]) -> Result<usize, StoreError> {
    use std::collections::{BTreeMap, HashSet};
    let mut changed: Vec<(PathBuf, &[u8])> = Vec::new();
    for (path, bytes) in files {
        if !has_content(path, bytes) {
            changed.push((resolve_target(path)?, bytes));
        }
    }
    if changed.is_empty() {
        return Ok(0);
    }
    let files: Vec<(&PathBuf, &[u8])> = changed.iter().map(|(p, b)| (p, *b)).collect();
    let mut dirs: BTreeMap<&Path, HashSet<String>> = BTreeMap::new();
    for (path, _) in files.iter().copied() {
        check_folder(parent_dir(path))?;
        dirs.entry(parent_dir(path))
            .or_default()
            .insert(file_name(path));
    }
    for (dir, names) in &dirs {
        remove_stale_temps_of(dir, names);
    }
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = fs::remove_file(t);
        }
    };
    for (path, bytes) in files.iter().copied() {
        let tmp = temp_path(path);
        let written = (|| {
            let mut f = File::create(&tmp)?;
            temps.push(tmp.clone());
            f.write_all(bytes)
        })();
        if let Err(e) = written {
            cleanup(&temps);
            return Err(StoreError::io(path, e));
        }
    }
    // Every temporary file on disk before any rename: one `syncfs` per file system
    // instead of an fsync per file (2,000 fsyncs took 2 s of a 3 s brat export).
    if let Err((i, e)) = sync_files(&temps, dirs.keys().copied()) {
        cleanup(&temps);
        return Err(StoreError::io(files[i].0, e));
    }
    for (i, ((path, _), tmp)) in files.iter().zip(&temps).enumerate() {
        let path: &Path = path;
        if let Err(e) = fs::rename(tmp, path) {
            cleanup(&temps[i..]);
            return Err(StoreError::io(path, e));
        }
    }
    for dir in dirs.keys() {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(files.len())
}

/// Whether the file at `path` holds exactly `bytes` (read only when the size matches).
fn has_content(path: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Makes the written `files` durable: on Linux one `syncfs` of the file system of each
/// of `dirs` (the folders they are in), elsewhere (or if that fails) an fsync of each
/// file. On error, the index of the file that failed.
fn sync_files<'a>(
    files: &[PathBuf],
    dirs: impl Iterator<Item = &'a Path>,
) -> Result<(), (usize, std::io::Error)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let mut all = true;
        for dir in dirs {
            // SAFETY: syncfs takes any open descriptor of the file system; `d` lives
            // until after the call.
            let ok = File::open(dir).is_ok_and(|d| unsafe { libc::syncfs(d.as_raw_fd()) } == 0);
            all &= ok;
        }
        if all {
            return Ok(());
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dirs;
    for (i, f) in files.iter().enumerate() {
        File::open(f)
            .and_then(|f| f.sync_all())
            .map_err(|e| (i, e))?;
    }
    Ok(())
}

/// Like [`write_atomic`], but calls `precondition` after the new content is safely in
/// the temporary file and just before the target is touched; if it fails, nothing is
/// replaced and its error is returned. Used to refuse overwriting a file that changed on
/// disk, with the smallest possible window between the check and the rename.
pub fn write_atomic_if(
    path: &Path,
    bytes: &[u8],
    fault: Fault,
    precondition: impl FnOnce() -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    write_inner(path, bytes, fault, true, precondition)
}

fn write_inner(
    path: &Path,
    bytes: &[u8],
    fault: Fault,
    backup: bool,
    precondition: impl FnOnce() -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let target = resolve_target(path)?;
    check_folder(parent_dir(&target))?;
    let path = target.as_path();
    remove_stale_temps(path);
    let err = |e| StoreError::io(path, e);
    let tmp = temp_path(path);
    let written = (|| {
        let mut f = File::create(&tmp)?;
        if fault == Fault::MidWrite {
            f.write_all(&bytes[..bytes.len() / 2])?;
            return Err(std::io::Error::other("simulated crash while writing"));
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if fault == Fault::BeforeRename {
            return Err(std::io::Error::other("simulated crash before rename"));
        }
        Ok(())
    })();
    let result = match written {
        Err(e) => Err(err(e)),
        Ok(()) => match precondition() {
            Err(e) => Err(e),
            Ok(()) => (|| {
                if backup && path.exists() {
                    keep_backup(path)?;
                }
                fs::rename(&tmp, path)?;
                sync_dir(path);
                Ok(())
            })()
            .map_err(err),
        },
    };
    if result.is_err() && fault == Fault::None {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Keeps the current content of the file at `path` as a backup that replaces no other:
/// `<file>.bak` when there is none yet, else the first free `<file>.2.bak`,
/// `<file>.3.bak`, … (hard-linked, or copied where links are not supported; a name
/// that appears meanwhile is never overwritten). Returns the backup's path. For
/// replacing a file whose every earlier version matters (`hashiya assign --force`).
pub fn keep_numbered_backup(path: &Path) -> Result<PathBuf, StoreError> {
    let target = resolve_target(path)?;
    let err = |e| StoreError::io(&target, e);
    for n in 1..=10_000u32 {
        let bak = if n == 1 {
            backup_path(&target)
        } else {
            with_suffix(&target, &format!(".{n}.bak"))
        };
        match fs::hard_link(&target, &bak) {
            Ok(()) => {
                sync_dir(&bak);
                return Ok(bak);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {}
        }
        // No hard links here: a copy into a file that must not exist yet.
        let mut f = match File::options().write(true).create_new(true).open(&bak) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(err(e)),
        };
        let bytes = fs::read(&target).map_err(err)?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(err)?;
        sync_dir(&bak);
        return Ok(bak);
    }
    Err(err(std::io::Error::other(
        "10,000 backups of this file already exist; remove old ones",
    )))
}

/// Makes `<file>.bak` the current content of `path`, atomically.
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let bak = backup_path(path);
    let staged = with_suffix(&temp_path(path), ".bak");
    if fs::hard_link(path, &staged).is_err() {
        fs::copy(path, &staged)?;
        File::open(&staged)?.sync_all()?;
    }
    let renamed = fs::rename(&staged, &bak);
    if renamed.is_err() {
        let _ = fs::remove_file(&staged);
    }
    renamed
}

fn sync_dir(path: &Path) {
    let dir = parent_dir(path);
    // Opening a folder for fsync is a Unix notion; elsewhere the rename is all we have.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The pid in a temporary file name of `path` (`.<file>.tmp-<pid>-<n>[.bak]`), or
/// `None` if `name` is not one.
fn temp_file_pid(path: &Path, name: &str) -> Option<u32> {
    let rest = name.strip_prefix(&temp_prefix(path))?;
    let rest = rest.strip_suffix(".bak").unwrap_or(rest);
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Removes temporary files of `path` left by processes that were killed mid-save.
/// Returns how many were removed. Files of this process, and of processes that are
/// still running, are left alone unless older than [`STALE_TEMP_AGE`].
pub fn remove_stale_temps(path: &Path) -> usize {
    remove_stale_temps_of(
        parent_dir(path),
        &std::iter::once(file_name(path)).collect(),
    )
}

/// [`remove_stale_temps`] for every file of `dir` named in `names`, in one scan.
fn remove_stale_temps_of(dir: &Path, names: &std::collections::HashSet<String>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `.<file>.tmp-<pid>-<n>[.bak]`: find <file>, then parse the rest.
        let Some((file, _)) = name.strip_prefix('.').and_then(|n| n.rsplit_once(".tmp-")) else {
            continue;
        };
        if !names.contains(file) {
            continue;
        }
        let Some(pid) = temp_file_pid(&dir.join(file), &name) else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if ((pid != me && !process_alive(pid)) || old) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether a process with this id exists. Where that cannot be known, `true` (the file
/// then goes only when it is older than [`STALE_TEMP_AGE`]).
#[cfg(unix)]
pub fn process_alive(pid: u32) -> bool {
    // 0 and values that do not fit a positive pid_t would address process groups.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only checks for existence and permission; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
pub fn process_alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
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
        write_atomic(&p, b"one", Fault::None).unwrap();
        assert!(!backup_path(&p).exists());
        write_atomic(&p, b"two", Fault::None).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read(backup_path(&p)).unwrap(), b"one");
        write_atomic(&p, b"three", Fault::None).unwrap();
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
        write_atomic(&p, b"old content", Fault::None).unwrap();
        for fault in [Fault::BeforeRename, Fault::MidWrite] {
            assert!(write_atomic(&p, b"new content that never lands", fault).is_err());
            assert_eq!(fs::read(&p).unwrap(), b"old content");
        }
    }

    #[test]
    fn failed_precondition_replaces_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.json");
        write_atomic(&p, b"old", Fault::None).unwrap();
        let e = write_atomic_if(&p, b"new", Fault::None, || {
            Err(StoreError::Serialize("no".into()))
        })
        .unwrap_err();
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
        write_atomic(&link2, b"new", Fault::None).unwrap();
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
            write_atomic(&fifo, b"x", Fault::None).unwrap_err(),
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
        let msg = write_atomic(&sub, b"x", Fault::None)
            .unwrap_err()
            .to_string();
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
        let e = write_atomic(&dev, b"x", Fault::None).unwrap_err();
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
}
