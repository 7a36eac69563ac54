//! The open project and everything about it that is not drawing: path, history,
//! current document and annotator, span index. All edits go through [`Workspace::apply`].

use std::path::PathBuf;

use crate::model::history::{Command, History, SetKey};
use crate::model::{Project, SpanIndex};
use crate::store::{self, Problem};

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
    index: Option<(u64, usize, SpanIndex)>,
}

impl Workspace {
    pub fn new(project: Project, path: Option<PathBuf>, warnings: Vec<Problem>) -> Self {
        let annotator = project
            .annotators()
            .first()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "annotator".into());
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

    pub fn save(&mut self) -> Result<PathBuf, String> {
        let path = self
            .path
            .clone()
            .ok_or("this project has no file yet: use Save As")?;
        store::save(&self.project, &path).map_err(|e| e.to_string())?;
        store::recovery::discard_recovery(&path);
        self.history.mark_saved();
        self.status = format!("Saved {}", path.display());
        Ok(path)
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
