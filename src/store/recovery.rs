//! Recovery files: unsaved work written aside while the user edits.
//!
//! `<file>.recovery` sits next to the project. It is written atomically (like a save)
//! while there are unsaved changes, removed after a successful save, and offered on the
//! next start when it is newer than the project file.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::atomic::{Fault, with_suffix, write_atomic};
use super::{Loaded, StoreError, load, to_bytes};
use crate::model::Project;

pub fn recovery_path(project_path: &Path) -> PathBuf {
    with_suffix(project_path, ".recovery")
}

/// Writes the recovery file for `project_path`.
pub fn write_recovery(project: &Project, project_path: &Path) -> Result<PathBuf, StoreError> {
    let path = recovery_path(project_path);
    let bytes = to_bytes(project)?;
    write_atomic(&path, &bytes, Fault::None)?;
    // The recovery file's own .bak is of no use to anyone.
    let _ = std::fs::remove_file(super::atomic::backup_path(&path));
    Ok(path)
}

/// Removes the recovery file (after a save, or when the user discards it).
pub fn discard_recovery(project_path: &Path) {
    let _ = std::fs::remove_file(recovery_path(project_path));
}

fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// A recovery file newer than the project (or whose project is gone), loaded.
pub fn pending_recovery(project_path: &Path) -> Option<Result<Loaded, StoreError>> {
    let rec = recovery_path(project_path);
    let rec_time = modified(&rec)?;
    match modified(project_path) {
        Some(t) if t > rec_time => None,
        _ => Some(load(&rec)),
    }
}
