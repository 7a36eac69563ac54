//! Noticing that a project file changed on disk behind Hashiya's back.
//!
//! When a file is loaded or saved, its identity is recorded as a [`FileStamp`]: size,
//! modification time and SHA-256 of the bytes. Before a checked save
//! ([`super::save_checked`]) the file on disk is compared with the stamp; if another
//! program (a colleague's `git pull`, a second Hashiya window, a text editor) changed or
//! removed it, the save is refused with an [`ExternalChange`] naming the file, and the
//! user chooses: reload theirs, keep mine (an unchecked save, which keeps theirs as
//! `<file>.bak`), or save under another name.
//!
//! The content hash decides: a file rewritten with the same size and the same mtime but
//! other bytes is a change; a file only touched (new mtime, same bytes) is not.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::limits::MAX_PROJECT_BYTES;

/// The identity of a file's content at one moment.
#[derive(Clone, PartialEq, Eq)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, where the file system has one.
    pub modified: Option<SystemTime>,
    /// SHA-256 of the content.
    pub sha256: [u8; 32],
}

impl fmt::Debug for FileStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStamp")
            .field("len", &self.len)
            .field("modified", &self.modified)
            .field("sha256", &hex(&self.sha256))
            .finish()
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = Sha256::digest(bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    out
}

impl FileStamp {
    /// The stamp of `bytes` read from a file with metadata `meta`.
    pub fn new(bytes: &[u8], meta: Option<&Metadata>) -> Self {
        FileStamp {
            len: bytes.len() as u64,
            modified: meta.and_then(|m| m.modified().ok()),
            sha256: sha256(bytes),
        }
    }

    /// Reads `path` now and stamps it.
    pub fn of_file(path: &Path) -> std::io::Result<Self> {
        let mut f = File::open(path)?;
        let meta = f.metadata()?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        f.read_to_end(&mut bytes)?;
        Ok(FileStamp::new(&bytes, Some(&meta)))
    }
}

/// What happened to the file since it was loaded or saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// It is no longer there (deleted, or moved away).
    Removed,
    /// Its content differs.
    Modified {
        /// Size when loaded or saved.
        was: u64,
        /// Size now.
        now: u64,
    },
    /// It cannot be read any more (permissions, not a file…).
    Unreadable(String),
}

/// The project file changed on disk since Hashiya loaded or saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalChange {
    pub path: PathBuf,
    pub kind: ChangeKind,
}

impl std::error::Error for ExternalChange {}

impl fmt::Display for ExternalChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            ChangeKind::Removed => "was deleted or moved".to_string(),
            ChangeKind::Modified { was, now } if was == now => format!(
                "was changed by another program (same size, {now} bytes, but different content)"
            ),
            ChangeKind::Modified { was, now } => {
                format!("was changed by another program ({was} bytes when opened, {now} bytes now)")
            }
            ChangeKind::Unreadable(e) => format!("can no longer be read ({e})"),
        };
        write!(
            f,
            "{}: not saved: the file {what} since Hashiya opened or last saved it. \
             Reload it to see the other version (your unsaved changes are lost), \
             save your version under another name (Save As), \
             or overwrite it with yours (Keep mine; the other version is kept as {}).",
            self.path.display(),
            super::atomic::backup_path(&self.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )
    }
}

/// Checks that `path` still holds exactly the content `stamp` describes.
pub fn check_unchanged(path: &Path, stamp: &FileStamp) -> Result<(), ExternalChange> {
    let change = |kind| ExternalChange {
        path: path.to_path_buf(),
        kind,
    };
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(change(ChangeKind::Removed));
        }
        Err(e) => return Err(change(ChangeKind::Unreadable(e.to_string()))),
    };
    let meta = f
        .metadata()
        .map_err(|e| change(ChangeKind::Unreadable(e.to_string())))?;
    if !meta.is_file() {
        return Err(change(ChangeKind::Unreadable("not a file".into())));
    }
    let modified = ChangeKind::Modified {
        was: stamp.len,
        now: meta.len(),
    };
    if meta.len() != stamp.len {
        return Err(change(modified));
    }
    // Same size: only the content can tell (an mtime can be equal after a rewrite within
    // the file system's time resolution, or set back on purpose).
    let mut bytes = Vec::with_capacity(stamp.len.min(MAX_PROJECT_BYTES) as usize);
    (&mut f)
        .take(MAX_PROJECT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| change(ChangeKind::Unreadable(e.to_string())))?;
    if bytes.len() as u64 != stamp.len || sha256(&bytes) != stamp.sha256 {
        return Err(change(ChangeKind::Modified {
            was: stamp.len,
            now: bytes.len() as u64,
        }));
    }
    Ok(())
}
