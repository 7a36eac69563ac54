//! The open project and everything about it that is not drawing: path, history,
//! current document and annotator, span index. All edits go through [`Workspace::apply`].

use std::path::PathBuf;

use crate::model::history::{Command, History, SetKey};
use crate::model::{Project, SpanIndex};
use crate::store::{self, ExternalChange, FileStamp, Problem, StoreError};

pub struct Workspace {
    pub project: Project,
    pub path: Option<PathBuf>,
    pub history: History,
    /// Index of the current document.
    pub doc: usize,
    /// Whose set is being edited.
    pub annotator: String,
    pub warnings: Vec<Problem>,
    pub selected_span: Option<String>,
    /// Last message for the status bar.
    pub status: String,
    /// Bumped on every change, to invalidate derived data.
    pub revision: u64,
    /// The project file as last loaded or saved: a save first checks that the file
    /// still holds exactly this, so another program's change is never overwritten.
    pub stamp: Option<FileStamp>,
    /// (revision, dirty) last registered for the panic hook.
    registered: Option<(u64, bool)>,
    /// When the last snapshot for the panic hook was taken, and how long it took.
    last_snapshot: Option<(std::time::Instant, std::time::Duration)>,
    index: Option<(u64, usize, SpanIndex)>,
}

impl Workspace {
    pub fn new(project: Project, path: Option<PathBuf>, warnings: Vec<Problem>) -> Self {
        let annotator = project
            .annotators()
            .first()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "annotator".into());
        // Callers that loaded the file set the stamp of the bytes they read
        // (`store::load_stamped`); otherwise the file as it is now.
        let stamp = path.as_deref().and_then(|p| FileStamp::of_file(p).ok());
        Workspace {
            project,
            path,
            history: History::new(),
            doc: 0,
            annotator,
            warnings,
            selected_span: None,
            status: String::new(),
            revision: 0,
            stamp,
            registered: None,
            last_snapshot: None,
            index: None,
        }
    }

    pub fn set_key(&self) -> Option<SetKey> {
        let d = self.project.documents.get(self.doc)?;
        Some(SetKey::new(&self.annotator, &d.id))
    }

    pub fn current_set(&self) -> Option<&crate::model::AnnotationSet> {
        let d = self.project.documents.get(self.doc)?;
        self.project.set(&self.annotator, &d.id)
    }

    /// The span index of the current set, rebuilt only after a change.
    pub fn span_index(&mut self) -> &SpanIndex {
        let fresh =
            matches!(&self.index, Some((rev, doc, _)) if *rev == self.revision && *doc == self.doc);
        if !fresh {
            let idx = self
                .current_set()
                .map(|s| SpanIndex::new(&s.spans))
                .unwrap_or_default();
            self.index = Some((self.revision, self.doc, idx));
        }
        &self.index.as_ref().expect("just set").2
    }

    /// Applies a command through the history; returns its id when it was applied.
    pub fn apply(&mut self, cmd: Result<Command, String>) -> Option<u64> {
        match cmd {
            Ok(cmd) => {
                let name = cmd.name.clone();
                match self.history.apply(&mut self.project, cmd) {
                    Ok(()) => {
                        self.revision += 1;
                        self.status = name;
                        self.history.last_applied_id()
                    }
                    Err(e) => {
                        self.status = format!("Could not apply: {e}");
                        None
                    }
                }
            }
            Err(msg) => {
                self.status = msg;
                None
            }
        }
    }

    pub fn undo(&mut self) {
        match self.history.undo(&mut self.project) {
            Ok(name) => {
                self.revision += 1;
                self.status = format!("Undid: {name}");
                self.drop_stale_selection();
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    pub fn redo(&mut self) {
        match self.history.redo(&mut self.project) {
            Ok(name) => {
                self.revision += 1;
                self.status = format!("Redid: {name}");
                self.drop_stale_selection();
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    fn drop_stale_selection(&mut self) {
        if let Some(id) = &self.selected_span
            && self.current_set().and_then(|s| s.span(id)).is_none()
        {
            self.selected_span = None;
        }
    }

    /// Saves to the project's file, unless the file changed on disk since it was loaded
    /// or last saved (then nothing is written and the change is returned, for the user
    /// to choose: [`Workspace::reload`], [`Workspace::save_overwriting`] or Save As).
    pub fn save(&mut self) -> Result<PathBuf, SaveFailure> {
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
            Ok(()) => Ok(self.saved(path)),
            Err(StoreError::ExternalChange(c)) => {
                self.status = format!("Not saved: {} changed on disk", path.display());
                Err(SaveFailure::Changed(c))
            }
            Err(e) => Err(SaveFailure::Failed(e.to_string())),
        }
    }

    /// Saves to `path` whatever is there ("keep mine" after an external change, or Save
    /// As); the file it replaces is kept as `<file>.bak`.
    pub fn save_overwriting(&mut self, path: PathBuf) -> Result<PathBuf, SaveFailure> {
        match store::save_stamped(&self.project, &path) {
            Ok(stamp) => {
                self.stamp = Some(stamp);
                self.path = Some(path.clone());
                Ok(self.saved(path))
            }
            Err(e) => Err(SaveFailure::Failed(e.to_string())),
        }
    }

    fn saved(&mut self, path: PathBuf) -> PathBuf {
        store::recovery::discard_recovery(&path);
        store::recovery::clear_unsaved();
        self.history.mark_saved();
        self.status = format!("Saved {}", path.display());
        path
    }

    /// Replaces the project with the file on disk (the other program's version),
    /// dropping the unsaved edits and the undo history. On error nothing changes.
    pub fn reload(&mut self) -> Result<(), String> {
        let path = self.path.clone().ok_or("this project has no file")?;
        let (loaded, stamp) = store::load_stamped(&path).map_err(|e| e.to_string())?;
        let (doc, annotator) = (self.doc, self.annotator.clone());
        *self = Workspace::new(loaded.project, Some(path.clone()), loaded.warnings);
        self.stamp = Some(stamp);
        self.doc = doc.min(self.project.documents.len().saturating_sub(1));
        self.annotator = annotator;
        store::recovery::clear_unsaved();
        self.status = format!("Reloaded {} from disk", path.display());
        Ok(())
    }

    /// Registers the unsaved state for the panic hook (`store::recovery`) when the
    /// project changed since the last call; forgets it when nothing is unsaved. Called
    /// once per frame, so a burst of edits costs one snapshot. A snapshot is a clone of
    /// the project (51 ms for 100,000 spans, `cargo bench --bench store -- clone_100k`):
    /// when the last one took over 5 ms, the next waits until a second has passed, and
    /// the returned delay says when to call again.
    pub fn register_unsaved(&mut self) -> Option<std::time::Duration> {
        use std::time::{Duration, Instant};
        let key = (self.revision, self.history.is_dirty());
        if self.registered == Some(key) {
            return None;
        }
        if !key.1 {
            store::recovery::clear_unsaved();
            self.registered = Some(key);
            return None;
        }
        const INTERVAL: Duration = Duration::from_secs(1);
        if let Some((at, took)) = self.last_snapshot
            && took > Duration::from_millis(5)
            && at.elapsed() < INTERVAL
        {
            return Some(INTERVAL - at.elapsed());
        }
        let started = Instant::now();
        store::recovery::set_unsaved(self.path.as_deref(), &self.project);
        self.last_snapshot = Some((started, started.elapsed()));
        self.registered = Some(key);
        None
    }

    pub fn title(&self) -> String {
        let dirty = if self.history.is_dirty() { "● " } else { "" };
        let file = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "unsaved".into());
        format!("{dirty}{} — {file} — Hashiya", self.project.name)
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
