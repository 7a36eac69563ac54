//! Recovery files: unsaved work written aside while the user edits, and when the
//! program panics.
//!
//! `<file>.recovery` sits next to the project. It is written atomically (like a save)
//! while there are unsaved changes (the GUI's 30 s autosave), removed after a successful
//! save, and offered on the next start when it is newer than the project file
//! ([`pending_recovery`]).
//!
//! A panic must not lose the edits since the last autosave either. The GUI keeps the
//! latest unsaved state registered with [`set_unsaved`] (a clone per edit, no
//! serialisation: cloning a 20,000-span project takes about a millisecond) and
//! [`install_panic_hook`] writes that state as the recovery file before the process
//! ends, and prints where. A SIGKILL or a power cut cannot run any hook: then what the
//! last autosave wrote is what survives (`tests/recovery.rs` checks both).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, TryLockError};
use std::time::{Duration, Instant, SystemTime};

use super::atomic::{with_suffix, write_atomic};
use super::{Loaded, StoreError, load, to_bytes};
use crate::model::Project;

pub fn recovery_path(project_path: &Path) -> PathBuf {
    with_suffix(project_path, ".recovery")
}

/// Writes the recovery file for `project_path`.
pub fn write_recovery(project: &Project, project_path: &Path) -> Result<PathBuf, StoreError> {
    let path = recovery_path(project_path);
    let bytes = to_bytes(project)?;
    write_atomic(&path, &bytes)?;
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

/// The unsaved state the panic hook writes.
struct Unsaved {
    /// The project file; `None` for a project never saved.
    path: Option<PathBuf>,
    project: Project,
}

static UNSAVED: Mutex<Option<Unsaved>> = Mutex::new(None);

fn unsaved() -> std::sync::MutexGuard<'static, Option<Unsaved>> {
    UNSAVED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers the current unsaved state of the project for the panic hook. Call after
/// every edit that leaves the project dirty; `path` is the project's file (`None` if it
/// has none yet: the hook then writes to the temporary folder).
pub fn set_unsaved(path: Option<&Path>, project: &Project) {
    let snapshot = Unsaved {
        path: path.map(Path::to_path_buf),
        project: project.clone(),
    };
    // Clone outside the lock so the hook never waits on a clone.
    *unsaved() = Some(snapshot);
}

/// Forgets the registered state: call after a save, and when the edits are undone back
/// to the saved state or the project is closed.
pub fn clear_unsaved() {
    *unsaved() = None;
}

/// Where the hook writes the work of a project that has no file yet.
pub fn orphan_recovery_path() -> PathBuf {
    std::env::temp_dir().join(format!("hashiya-unsaved-{}.json", std::process::id()))
}

/// Writes the state registered with [`set_unsaved`] to its recovery file, now. Returns
/// the path written, `Ok(None)` if nothing is registered. What the panic hook runs.
pub fn write_registered() -> Result<Option<PathBuf>, StoreError> {
    // The panicking thread may be the one holding the lock (a panic inside
    // `set_unsaved`'s assignment is not possible, but a hook must never deadlock): wait
    // briefly, then give up.
    let deadline = Instant::now() + Duration::from_secs(2);
    let guard = loop {
        match UNSAVED.try_lock() {
            Ok(g) => break g,
            Err(TryLockError::Poisoned(p)) => break p.into_inner(),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::Serialize(
                    "the unsaved state was locked by another thread".into(),
                ));
            }
        }
    };
    let Some(u) = guard.as_ref() else {
        return Ok(None);
    };
    match &u.path {
        Some(p) => write_recovery(&u.project, p).map(Some),
        None => {
            let path = orphan_recovery_path();
            let bytes = to_bytes(&u.project)?;
            write_atomic(&path, &bytes)?;
            Ok(Some(path))
        }
    }
}

/// Installs a panic hook that first writes the registered unsaved work (see
/// [`set_unsaved`]), then runs the previous hook (the usual panic message), then says
/// where the work is. Install once, at start-up, before the window opens.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let written = write_registered();
        previous(info);
        match written {
            Ok(Some(path)) => eprintln!(
                "Hashiya stopped because of an internal error. Your unsaved work was written to {}; \
                 start Hashiya on the project again to recover it.",
                path.display()
            ),
            Ok(None) => {}
            Err(e) => eprintln!(
                "Hashiya stopped because of an internal error, and could not write your unsaved work: {e}"
            ),
        }
    }));
}
