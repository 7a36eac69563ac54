//! Saving the open project: to its file unless another program changed it since it
//! was loaded or saved (then the user chooses: reload, keep mine, or save as), over a
//! file whatever it holds (keep mine, Save As), reloading from disk, and noticing an
//! external change.

use std::path::PathBuf;

use super::Workspace;
use crate::store::{self, ExternalChange, StoreError};

impl Workspace {
    /// Saves to the project's file, unless the file changed on disk since it was loaded
    /// or last saved (then nothing is written and the change is returned, for the user
    /// to choose: [`Workspace::reload`], [`Workspace::save_overwriting`] or Save As).
    pub fn save(&mut self) -> Result<PathBuf, SaveFailure> {
        self.refuse_while_loading().map_err(SaveFailure::Failed)?;
        let path = self.path.clone().ok_or(SaveFailure::NoPath)?;
        let result = match self.stamp.as_mut() {
            Some(stamp) => store::save_checked(&self.project, &path, stamp),
            // No file when the project was opened (a new project, or Save As to a new
            // name): nothing to protect.
            None if !path.exists() => {
                store::save_stamped(&self.project, &path).map(|st| self.stamp = Some(st))
            }
            None => Err(StoreError::ExternalChange(ExternalChange {
                path: path.clone(),
                kind: store::ChangeKind::Modified {
                    was: 0,
                    now: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
                },
            })),
        };
        match result {
            Ok(()) => self.saved(path),
            Err(StoreError::ExternalChange(c)) => {
                self.set_status(format!("Not saved: {} changed on disk", path.display()));
                Err(SaveFailure::Changed(c))
            }
            Err(e) => Err(SaveFailure::Failed(e.to_string())),
        }
    }

    /// Saves to `path` whatever is there ("keep mine" after an external change, or Save
    /// As); the file it replaces is kept as `<file>.bak`.
    pub fn save_overwriting(&mut self, path: PathBuf) -> Result<PathBuf, SaveFailure> {
        self.refuse_while_loading().map_err(SaveFailure::Failed)?;
        match store::save_stamped(&self.project, &path) {
            Ok(stamp) => {
                self.stamp = Some(stamp);
                self.path = Some(path.clone());
                self.saved(path)
            }
            Err(e) => Err(SaveFailure::Failed(e.to_string())),
        }
    }

    /// After a save: forget the recovery file, mark the history clean, and save the
    /// review's decisions beside the project.
    fn saved(&mut self, path: PathBuf) -> Result<PathBuf, SaveFailure> {
        store::recovery::discard_recovery(&path);
        store::recovery::clear_unsaved();
        self.history.mark_saved();
        self.set_status(format!("Saved {}", path.display()));
        if let Some(r) = &self.review
            && let Err(e) = r.save_sidecar(&path, self.history.applied_ids())
        {
            self.set_status(format!(
                "Saved, but the adjudication state could not be saved: {e}"
            ));
        }
        Ok(path)
    }

    /// Replaces the project with the file on disk (the other program's version),
    /// dropping the unsaved edits and the undo history. On error nothing changes.
    pub fn reload(&mut self) -> Result<(), String> {
        self.refuse_while_loading()?;
        let path = self.path.clone().ok_or("this project has no file")?;
        let fresh = Workspace::open(&path).map_err(|e| e.to_string())?;
        let (doc, annotator) = (self.doc, std::mem::take(&mut self.annotator));
        let (review, user, editing_others) =
            (self.review.take(), self.user.take(), self.editing_others);
        // Revisions only grow: caches keyed by them must not take the reloaded
        // project for one they saw before.
        let (revision, documents_revision) = (self.revision, self.documents_revision);
        *self = fresh;
        self.revision = revision;
        self.documents_revision = documents_revision + 1;
        self.doc = doc.min(self.project.documents.len().saturating_sub(1));
        self.annotator = annotator;
        self.review = review;
        self.user = user;
        self.editing_others = editing_others;
        self.revision += 1;
        store::recovery::clear_unsaved();
        self.set_status(format!("Reloaded {} from disk", path.display()));
        Ok(())
    }

    /// Whether another program changed the project file since it was loaded or saved:
    /// size and modification time first, the content hash only when they differ.
    pub fn external_change(&self) -> Option<ExternalChange> {
        let (path, stamp) = (self.path.as_ref()?, self.stamp.as_ref()?);
        let meta = std::fs::metadata(path);
        let same_meta = meta
            .as_ref()
            .is_ok_and(|m| m.len() == stamp.len && m.modified().ok() == stamp.modified);
        if same_meta {
            return None;
        }
        store::check_unchanged(path, stamp).err()
    }
}

/// Why [`Workspace::save`] wrote nothing.
#[derive(Debug)]
pub enum SaveFailure {
    /// The project has no file yet: Save As.
    NoPath,
    /// Another program changed or removed the file: the user chooses.
    Changed(ExternalChange),
    /// The save itself failed (disk full, permissions…); the old file is intact.
    Failed(String),
}

impl std::fmt::Display for SaveFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveFailure::NoPath => f.write_str("this project has no file yet: use Save As"),
            SaveFailure::Changed(c) => c.fmt(f),
            SaveFailure::Failed(e) => f.write_str(e),
        }
    }
}
