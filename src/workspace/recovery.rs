//! Unsaved work kept safe: the recovery file (written every [`AUTOSAVE_INTERVAL`] and
//! when the window loses the focus, offered back when the project is opened again) and
//! the snapshot the panic hook writes out (`store::recovery`).

use std::time::{Duration, Instant};

use super::{AUTOSAVE_INTERVAL, Workspace};
use crate::model::Project;
use crate::model::edit;
use crate::store::{self, Loaded, StoreError};

impl Workspace {
    /// The recovery file left by a session that ended without saving, if newer than
    /// the project file.
    pub fn pending_recovery(&self) -> Option<Result<Loaded, StoreError>> {
        store::recovery::pending_recovery(self.path.as_deref()?)
    }

    /// Restores unsaved work from a recovery file as one undoable step away from the
    /// file, so the title shows the unsaved mark and Ctrl+Z goes back.
    pub fn restore(&mut self, recovered: &Project) {
        if self.refuse_while_loading().is_err() {
            return;
        }
        let cmd = edit::replace_project(&self.project, recovered, "Restore unsaved work");
        self.apply(cmd);
        self.recovery_offered = false;
    }

    /// Forgets the recovery file.
    pub fn discard_recovery(&mut self) {
        self.recovery_offered = false;
        if let Some(p) = &self.path {
            store::recovery::discard_recovery(p);
        }
    }

    /// Writes the recovery file when there are unsaved changes and the interval has
    /// passed or the window lost the focus. Returns when to call again (None: nothing
    /// unsaved).
    pub fn autosave(&mut self, focus_lost: bool) -> Option<Duration> {
        if self.loading || self.recovery_offered {
            return None;
        }
        if !self.history.is_dirty() {
            return None;
        }
        if self.last_recovery.elapsed() >= AUTOSAVE_INTERVAL || focus_lost {
            if let Some(path) = &self.path
                && let Err(e) = store::recovery::write_recovery(&self.project, path)
            {
                self.set_status(format!("Autosave failed: {e}"));
            }
            self.last_recovery = Instant::now();
        }
        Some(AUTOSAVE_INTERVAL)
    }

    /// Registers the unsaved state for the panic hook (`store::recovery`) when the
    /// project changed since the last call; forgets it when nothing is unsaved. Called
    /// once per frame, so a burst of edits costs one snapshot. A snapshot is a clone of
    /// the project (51 ms for 100,000 spans, `cargo bench --bench store -- clone_100k`):
    /// when the last one took over 5 ms, the next waits until a second has passed, and
    /// the returned delay says when to call again.
    pub fn register_unsaved(&mut self) -> Option<Duration> {
        let key = (self.revision, self.history.is_dirty());
        if self.snapshot.registered == Some(key) {
            return None;
        }
        if !key.1 {
            store::recovery::clear_unsaved();
            self.snapshot.registered = Some(key);
            return None;
        }
        const INTERVAL: Duration = Duration::from_secs(1);
        if let Some((at, took)) = self.snapshot.last
            && took > Duration::from_millis(5)
            && at.elapsed() < INTERVAL
        {
            return Some(INTERVAL - at.elapsed());
        }
        let started = Instant::now();
        store::recovery::set_unsaved(self.path.as_deref(), &self.project);
        self.snapshot.last = Some((started, started.elapsed()));
        self.snapshot.registered = Some(key);
        None
    }
}
