//! Crash-safe file replacement.
//!
//! The target is never open for writing: the new content goes to a temporary file in
//! the same folder (same file system, so the rename is atomic), which is fsynced and
//! then renamed over the target; the folder is fsynced so the rename itself survives a
//! power cut. Before the rename the current file is hard-linked (or, where links are not
//! supported, copied atomically) to `<file>.bak`. At every instant the target is either
//! the complete old file or the complete new one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// `<file>.bak` next to `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Replaces `path` with `bytes` atomically, keeping the old content as `<file>.bak`.
pub fn write_atomic(path: &Path, bytes: &[u8], fault: Fault) -> Result<(), StoreError> {
    write_inner(path, bytes, fault, true)
}

/// Replaces `path` with `bytes` atomically without keeping a `.bak`: for files that can
/// be regenerated, such as exports, where a backup beside each file would be clutter.
pub fn replace_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_inner(path, bytes, Fault::None, false)
}

fn write_inner(path: &Path, bytes: &[u8], fault: Fault, backup: bool) -> Result<(), StoreError> {
    let err = |e| StoreError::io(path, e);
    let tmp = temp_path(path);
    let result = (|| {
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
        if backup && path.exists() {
            keep_backup(path)?;
        }
        fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(())
    })();
    if result.is_err() && fault == Fault::None {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Makes `<file>.bak` the current content of `path`, atomically.
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let bak = backup_path(path);
    let staged = with_suffix(&temp_path(path), ".bak");
    if fs::hard_link(path, &staged).is_err() {
        fs::copy(path, &staged)?;
        File::open(&staged)?.sync_all()?;
    }
    fs::rename(&staged, &bak)
}

fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Opening a folder for fsync is a Unix notion; elsewhere the rename is all we have.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn crash_before_rename_or_mid_write_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.json");
        write_atomic(&p, b"old content", Fault::None).unwrap();
        for fault in [Fault::BeforeRename, Fault::MidWrite] {
            assert!(write_atomic(&p, b"new content that never lands", fault).is_err());
            assert_eq!(fs::read(&p).unwrap(), b"old content");
        }
    }
}
