//! A project file changed on disk by another program is never overwritten silently.

use std::fs;
use std::path::{Path, PathBuf};

use hashiya::debug::sample;
use hashiya::store::{self, ChangeKind, StoreError, atomic};

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    store::save(&sample().unwrap(), &file).unwrap();
    (dir, file)
}

fn no_temp_files(dir: &Path) {
    let names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

fn refused(err: StoreError, file: &Path) -> ChangeKind {
    let msg = err.to_string();
    assert!(
        msg.contains(&file.display().to_string()),
        "names the file: {msg}"
    );
    assert!(
        msg.contains("Reload") && msg.contains("Save As") && msg.contains("Keep mine"),
        "says what to do: {msg}"
    );
    match err {
        StoreError::ExternalChange(c) => {
            assert_eq!(c.path, file);
            c.kind
        }
        other => panic!("expected an external change, got {other}"),
    }
}

#[test]
fn unchanged_file_saves_and_the_stamp_follows_each_save() {
    let (dir, file) = setup();
    let (loaded, mut stamp) = store::load_stamped(&file).unwrap();
    assert_eq!(stamp.len, fs::metadata(&file).unwrap().len());
    store::check_unchanged(&file, &stamp).unwrap();
    let mut p = loaded.project;
    for i in 0..3 {
        p.name = format!("edit {i}");
        store::save_checked(&p, &file, &mut stamp).unwrap();
        assert_eq!(
            store::load(&file).unwrap().project.name,
            format!("edit {i}")
        );
    }
    assert_eq!(stamp, store::FileStamp::of_file(&file).unwrap());
    no_temp_files(dir.path());
}

#[test]
fn a_file_changed_behind_our_back_is_not_overwritten() {
    let (dir, file) = setup();
    let (loaded, mut stamp) = store::load_stamped(&file).unwrap();
    // Another program rewrites it (here: a different name, so a different size).
    let mut theirs = loaded.project.clone();
    theirs.name = "their version, with a name longer than the original one".into();
    let their_bytes = store::to_bytes(&theirs).unwrap();
    fs::write(&file, &their_bytes).unwrap();

    let mut mine = loaded.project;
    mine.name = "mine".into();
    let before = stamp.clone();
    let kind = refused(
        store::save_checked(&mine, &file, &mut stamp).unwrap_err(),
        &file,
    );
    assert!(
        matches!(kind, ChangeKind::Modified { was, now } if was != now),
        "{kind:?}"
    );
    assert_eq!(
        fs::read(&file).unwrap(),
        their_bytes,
        "their file is intact"
    );
    assert_eq!(stamp, before, "a refused save does not move the stamp");
    no_temp_files(dir.path());

    // "Keep mine": an unchecked save; theirs stays as the backup.
    let new_stamp = store::save_stamped(&mine, &file).unwrap();
    assert_eq!(store::load(&file).unwrap().project.name, "mine");
    assert_eq!(fs::read(atomic::backup_path(&file)).unwrap(), their_bytes);
    store::check_unchanged(&file, &new_stamp).unwrap();

    // "Reload": a fresh stamp, and checked saves work again.
    fs::write(&file, &their_bytes).unwrap();
    let (reloaded, mut stamp) = store::load_stamped(&file).unwrap();
    assert_eq!(reloaded.project.name, theirs.name);
    store::save_checked(&reloaded.project, &file, &mut stamp).unwrap();
}

#[test]
fn same_size_and_same_mtime_but_other_content_is_a_change() {
    let (_dir, file) = setup();
    let (loaded, mut stamp) = store::load_stamped(&file).unwrap();
    let mtime = stamp.modified.expect("this file system has mtimes");
    let original = fs::read(&file).unwrap();
    // Same length: one letter of the name replaced; then the mtime set back.
    let text = String::from_utf8(original.clone()).unwrap();
    let changed = text.replacen("Derna and Sirte", "Derna and Sirtx", 1);
    assert_ne!(changed, text);
    assert_eq!(changed.len(), text.len());
    fs::write(&file, &changed).unwrap();
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let meta = fs::metadata(&file).unwrap();
    assert_eq!((meta.len(), meta.modified().unwrap()), (stamp.len, mtime));

    let err = store::check_unchanged(&file, &stamp).unwrap_err();
    assert!(
        err.to_string().contains("same size") && err.to_string().contains("different content"),
        "{err}"
    );
    let kind = refused(
        store::save_checked(&loaded.project, &file, &mut stamp).unwrap_err(),
        &file,
    );
    assert!(matches!(kind, ChangeKind::Modified { was, now } if was == now));
    assert_eq!(fs::read_to_string(&file).unwrap(), changed);
}

#[test]
fn a_touched_file_is_not_a_change_and_a_deleted_one_is() {
    let (_dir, file) = setup();
    let (loaded, mut stamp) = store::load_stamped(&file).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(later)
        .unwrap();
    store::check_unchanged(&file, &stamp).unwrap();
    store::save_checked(&loaded.project, &file, &mut stamp).unwrap();

    fs::remove_file(&file).unwrap();
    let kind = refused(
        store::save_checked(&loaded.project, &file, &mut stamp).unwrap_err(),
        &file,
    );
    assert_eq!(kind, ChangeKind::Removed);
    assert!(!file.exists(), "a refused save does not recreate the file");
    // Save As / keep mine recreates it.
    store::save_stamped(&loaded.project, &file).unwrap();
    assert!(store::load(&file).is_ok());
}
