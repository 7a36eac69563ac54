//! The open project and everything about it that is not drawing: its file and the stamp
//! of what was loaded, the undo history, the current document and annotator, the span
//! index, autosave and recovery, the review in progress, background exports and corpus
//! search (`corpus_search`: the texts shared with its threads). No egui: the CLI, the
//! GUI and the tests all open and change projects through here.
//!
//! The project is read-only from outside ([`Workspace::project`]); every change goes
//! through [`Workspace::apply`] with a command built by [`crate::model::edit`], so every
//! change is validated, undoable and marks the project dirty.

pub mod config;
pub mod corpus_search;
mod curation;
pub mod export;
pub mod files;
pub mod learner;
pub mod opening;
mod recovery;
pub mod review;
mod save;
mod span_steps;
mod suggestions;

#[cfg(test)]
#[path = "span_steps_tests.rs"]
mod span_steps_tests;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::formats::{ImportFormat, ImportOptions};
use crate::model::edit;
use crate::model::history::{Command, History, Op, SetKey};
use crate::model::{AnnotationSet, EditError, Project};
use crate::store::{self, FileStamp, Problem, StoreError};

pub use review::ReviewSession;
pub use save::SaveFailure;

/// How often unsaved work is written to the recovery file.
pub const AUTOSAVE_INTERVAL: Duration = Duration::from_secs(30);

/// When the unsaved state was last handed to the panic hook, and what it was.
#[derive(Default)]
struct PanicSnapshot {
    /// (revision, dirty) last registered.
    registered: Option<(u64, bool)>,
    /// When the last snapshot was taken, and how long the clone took.
    last: Option<(Instant, Duration)>,
}

pub struct Workspace {
    project: Project,
    path: Option<PathBuf>,
    history: History,
    /// Index of the current document.
    doc: usize,
    /// Whose set is being edited.
    annotator: String,
    /// Problems found when the file was loaded (the data is intact).
    warnings: Vec<Problem>,
    /// The span selected in the article or the lists.
    selected_span: Option<String>,
    /// Last message for the status bar ([`Workspace::set_status`]).
    status: String,
    /// Bumped on every change, to invalidate derived data.
    revision: u64,
    /// The last step that was a command (apply, undo, redo): the revisions before and
    /// after it, the set that was current, and what it did to that set's spans.
    last_step: Option<span_steps::SpanStep>,
    /// Incremented when a document is added, removed or changed (not by tagging):
    /// what document lists are cached by.
    documents_revision: u64,
    /// The project file as last loaded or saved: a save first checks that the file
    /// still holds exactly this, so another program's change is never overwritten.
    stamp: Option<FileStamp>,
    snapshot: PanicSnapshot,
    /// When unsaved work was last written to the recovery file.
    last_recovery: Instant,
    /// A review against a colleague's project, when one is open.
    review: Option<ReviewSession>,
    /// The person using the app (their annotator name, from the settings); `None`
    /// when unknown (headless tools, tests): then every set is editable.
    user: Option<String>,
    /// The user explicitly chose to edit the current annotator's set though it is
    /// someone else's.
    editing_others: bool,
    /// Suggestions: the suggester and the current document's suggestions.
    suggestions: suggestions::SuggestionState,
    /// The documents' texts shared with corpus search threads.
    corpus: corpus_search::TextsCache,
    /// A preview of a project still being opened ([`opening`]): read-only.
    loading: bool,
    /// A recovery file was found when the project was opened and the user has not
    /// restored or discarded it yet: autosave must not replace it.
    recovery_offered: bool,
    /// Where the selected span was last found in the current set (an index, checked
    /// by id before use): panels ask for the selected span many times a frame, and
    /// finding it by id scanned the set from its start (≈ 0.2 ms each at the end of a
    /// 36,750-span set).
    selected_at: std::sync::atomic::AtomicUsize,
}

/// The first revision of a new workspace: distinct from every revision of the
/// workspaces before it in this process, so a panel's cache keyed by a revision never
/// takes another project (opened in its place) for the one it saw.
fn first_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1 << 32, std::sync::atomic::Ordering::Relaxed)
}

impl Workspace {
    /// A workspace on a project that is already in memory. `path` is where it will be
    /// saved; the file there (if any) is stamped as it is now.
    pub fn new(project: Project, path: Option<PathBuf>, warnings: Vec<Problem>) -> Self {
        let stamp = path.as_deref().and_then(|p| FileStamp::of_file(p).ok());
        Self::stamped(project, path, warnings, stamp)
    }

    /// [`Workspace::new`] with the file's stamp already taken (by the load that read
    /// it: a 130 MB corpus is not read and hashed twice).
    fn stamped(
        project: Project,
        path: Option<PathBuf>,
        warnings: Vec<Problem>,
        stamp: Option<FileStamp>,
    ) -> Self {
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
            revision: first_revision(),
            documents_revision: first_revision(),
            last_step: None,
            stamp,
            snapshot: PanicSnapshot::default(),
            last_recovery: Instant::now(),
            review: None,
            user: None,
            editing_others: false,
            suggestions: Default::default(),
            corpus: Default::default(),
            loading: false,
            recovery_offered: false,
            selected_at: std::sync::atomic::AtomicUsize::new(usize::MAX),
        }
    }

    /// Opens a project file: loads and validates it and stamps the bytes that were
    /// read, so a change by another program after this is noticed before any save.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        // The whole project, no preview (`open_progressive` without a size for one).
        match Self::open_progressive(path, usize::MAX)? {
            opening::Opening::Ready(ws) => Ok(ws),
            opening::Opening::Preview(_, pending) => pending.wait(),
        }
    }

    /// Opens the bundled sample project: the file in `projects/` when run from the
    /// source tree (so it can be saved), else the copy built into the binary.
    pub fn open_sample() -> Result<Self, StoreError> {
        if let Some(found) = sample_file()
            && let Ok(ws) = Workspace::open(&found)
        {
            return Ok(ws);
        }
        let l = store::sample::load_sample()?;
        Ok(Workspace::new(l.project, None, l.warnings))
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The last message for the status bar.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// Says something in the status bar: the one way messages reach the user, from the
    /// workspace's own operations and from the window alike (the last one is shown).
    pub fn set_status(&mut self, message: String) {
        self.status = message;
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// Changes with every edit, undo, redo and switch: derived data keyed on it stays
    /// fresh.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Changes when the documents change (added, removed, their text, title, source
    /// or metadata edited), not when their annotations do.
    pub fn documents_revision(&self) -> u64 {
        self.documents_revision
    }

    /// Index of the current document.
    pub fn doc_index(&self) -> usize {
        self.doc
    }

    pub fn current_document(&self) -> Option<&crate::model::Document> {
        self.project.documents.get(self.doc)
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    /// Makes document `to` current; false when there is no such document or it is
    /// current already.
    pub fn switch_document(&mut self, to: usize) -> bool {
        if to >= self.project.documents.len() || to == self.doc {
            return false;
        }
        self.doc = to;
        self.selected_span = None;
        // The project is unchanged: what the suggester learned stays current.
        self.suggestions
            .still_current(self.revision, self.revision + 1);
        self.revision += 1;
        true
    }

    /// Shows `name`'s sets from now on (editable when they are the user's own, or
    /// after [`Workspace::edit_others`]).
    pub fn set_annotator(&mut self, name: &str) {
        if name != self.annotator {
            self.annotator = name.to_string();
            self.selected_span = None;
            self.editing_others = false;
            self.revision += 1;
        }
    }

    /// The person using the app. Their own sets are shown when they have any (or when
    /// nobody has any); otherwise the first annotator's, read-only.
    pub fn set_user(&mut self, name: &str) {
        self.user = Some(name.to_string());
        let p = &self.project;
        if p.sets.is_empty() || p.annotators().contains(&name) {
            self.set_annotator(name);
        }
    }

    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Whether the shown sets are someone else's and not explicitly opened for editing.
    pub fn read_only(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| *u != self.annotator && !self.editing_others)
    }

    /// Whether the shown sets belong to someone else (editable or not).
    pub fn showing_others(&self) -> bool {
        self.user.as_ref().is_some_and(|u| *u != self.annotator)
    }

    /// The explicit act of editing another annotator's sets (the toolbar says so).
    pub fn edit_others(&mut self, on: bool) {
        self.editing_others = on;
        self.set_status(if on {
            format!("Editing {}'s labels (not yours)", self.annotator)
        } else {
            format!("{}'s labels are read-only", self.annotator)
        });
    }

    /// Starts the user's own sets: empty (they appear as you tag), or as copies of
    /// `copy_of`'s sets (one undoable step, each copy recording where it came from).
    pub fn start_own_sets(&mut self, copy_of: Option<&str>) -> bool {
        let Some(user) = self.user.clone() else {
            self.set_status("Set your name first (File → Change annotator name…)".into());
            return false;
        };
        if let Some(from) = copy_of
            && self
                .apply(edit::copy_sets(&self.project, from, &user))
                .is_none()
        {
            return false;
        }
        self.set_annotator(&user);
        self.set_status(match copy_of {
            Some(from) => format!("Your sets start as copies of {from}'s"),
            None => "Your own sets: tag to start".into(),
        });
        true
    }

    /// Refuses a command that changes the shown sets while they are read-only.
    fn check_editable(&self, cmd: &Command) -> Result<(), EditError> {
        if !self.read_only() {
            return Ok(());
        }
        let shown = cmd
            .ops
            .iter()
            .filter_map(|op| op.set_key())
            .any(|k| k.annotator == self.annotator);
        if shown {
            return Err(EditError::ReadOnly(self.annotator.clone()));
        }
        Ok(())
    }

    /// Adds to `cmd` that the user changed each set it touches (once per set: nothing
    /// is added when the user already was the last to change it).
    fn stamp_user(&self, cmd: &mut Command) {
        let Some(user) = &self.user else { return };
        let mut keys: Vec<SetKey> = Vec::new();
        for k in cmd.ops.iter().filter_map(|op| op.set_key()) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        for key in keys {
            // The set as the command leaves it: its last insert/replace, else the
            // project's; none when the command removes it.
            let mut state = self
                .project
                .set(&key.annotator, &key.document)
                .map(|s| s.modified_by.clone());
            for op in cmd
                .ops
                .iter()
                .filter(|op| op.set_key().as_ref() == Some(&key))
            {
                match op {
                    Op::InsertSet(s) | Op::ReplaceSet { after: s, .. } => {
                        state = Some(s.modified_by.clone())
                    }
                    Op::RemoveSet(_) => state = None,
                    Op::SetModifiedBy { after, .. } => state = Some(after.clone()),
                    _ => {}
                }
            }
            if let Some(before) = state
                && before.as_deref() != Some(user.as_str())
            {
                cmd.ops.push(Op::SetModifiedBy {
                    set: key,
                    before,
                    after: Some(user.clone()),
                });
            }
        }
    }

    pub fn set_key(&self) -> Option<SetKey> {
        let d = self.project.documents.get(self.doc)?;
        Some(SetKey::new(&self.annotator, &d.id))
    }

    pub fn current_set(&self) -> Option<&AnnotationSet> {
        let d = self.project.documents.get(self.doc)?;
        self.project.set(&self.annotator, &d.id)
    }

    /// Problems found when the file was loaded (the data is intact).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The id of the span selected in the article or the lists.
    pub fn selected_span(&self) -> Option<&str> {
        self.selected_span.as_deref()
    }

    /// Selects span `id` of the current set (`None`: no span).
    pub fn select_span(&mut self, id: Option<String>) {
        self.selected_span = id;
    }

    /// The selected span of the current set.
    pub fn selected(&self) -> Option<&crate::model::Span> {
        use std::sync::atomic::Ordering::Relaxed;
        let id = self.selected_span.as_deref()?;
        let spans = &self.current_set()?.spans;
        if let Some(s) = spans
            .get(self.selected_at.load(Relaxed))
            .filter(|s| s.id == id)
        {
            return Some(s);
        }
        let at = spans.iter().position(|s| s.id == id)?;
        self.selected_at.store(at, Relaxed);
        spans.get(at)
    }

    /// Applies a command built by [`crate::model::edit`]; returns its history id and
    /// what it created when it was applied. A refused edit (the builder's [`EditError`])
    /// goes to the status bar.
    pub fn apply(&mut self, cmd: Result<Command, EditError>) -> Option<Applied> {
        if self.refuse_while_loading().is_err() {
            return None;
        }
        let cmd = cmd.and_then(|mut c| {
            self.check_editable(&c)?;
            self.stamp_user(&mut c);
            Ok(c)
        });
        match cmd {
            Ok(cmd) => {
                let name = cmd.name.clone();
                let documents = cmd.touches_documents();
                let step = self.span_step(&cmd, false);
                let change = crate::suggest::SpanChange::of(&cmd, false);
                let created = Created::by(&cmd);
                match self.history.apply_and_record(&mut self.project, cmd) {
                    Ok(()) => {
                        self.last_step = step;
                        self.suggestions.note_step(self.revision, change);
                        self.revision += 1;
                        self.documents_revision += u64::from(documents);
                        self.set_status(name);
                        self.drop_stale_selection();
                        let id = self.history.last_applied_id()?;
                        Some(Applied { id, created })
                    }
                    Err(e) => {
                        self.set_status(format!("Could not apply: {e}"));
                        None
                    }
                }
            }
            Err(e) => {
                self.set_status(e.to_string());
                None
            }
        }
    }

    pub fn undo(&mut self) {
        let documents = self
            .history
            .peek_undo()
            .is_some_and(Command::touches_documents);
        let step = self
            .history
            .peek_undo()
            .and_then(|c| self.span_step(c, true));
        let change = self
            .history
            .peek_undo()
            .and_then(|c| crate::suggest::SpanChange::of(c, true));
        match self.history.undo(&mut self.project) {
            Ok(name) => {
                self.last_step = step;
                self.suggestions.note_step(self.revision, change);
                self.revision += 1;
                self.documents_revision += u64::from(documents);
                self.set_status(format!("Undid: {name}"));
                self.drop_stale_selection();
            }
            Err(e) => self.set_status(e.to_string()),
        }
    }

    pub fn redo(&mut self) {
        let documents = self
            .history
            .peek_redo()
            .is_some_and(Command::touches_documents);
        let step = self
            .history
            .peek_redo()
            .and_then(|c| self.span_step(c, false));
        let change = self
            .history
            .peek_redo()
            .and_then(|c| crate::suggest::SpanChange::of(c, false));
        match self.history.redo(&mut self.project) {
            Ok(name) => {
                self.last_step = step;
                self.suggestions.note_step(self.revision, change);
                self.revision += 1;
                self.documents_revision += u64::from(documents);
                self.set_status(format!("Redid: {name}"));
                self.drop_stale_selection();
            }
            Err(e) => self.set_status(e.to_string()),
        }
    }

    fn drop_stale_selection(&mut self) {
        if self.selected_span.is_some() && self.selected().is_none() {
            self.selected_span = None;
        }
        self.doc = self.doc.min(self.project.documents.len().saturating_sub(1));
    }

    /// The next mention of entity `eid` after the selected span, in document order
    /// across the current annotator's sets (wrapping around): (document index, span id).
    pub fn next_mention(&self, eid: &str) -> Option<(usize, String)> {
        let mentions: Vec<(usize, &str)> = self
            .project
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, self.project.set(&self.annotator, &d.id)?)))
            .flat_map(|(i, set)| {
                set.spans
                    .iter()
                    .filter(|s| s.entity.as_deref() == Some(eid))
                    .map(move |s| (i, s.id.as_str()))
            })
            .collect();
        let cur = self
            .selected_span
            .as_deref()
            .and_then(|id| mentions.iter().position(|&(d, s)| d == self.doc && s == id));
        let next = cur.map_or(0, |i| (i + 1) % mentions.len().max(1));
        mentions.get(next).map(|&(d, s)| (d, s.to_string()))
    }

    /// Imports files into the project as one undoable step that holds only what is
    /// new. On any problem nothing is imported and the status bar says what is wrong.
    pub fn import(&mut self, format: ImportFormat, paths: &[PathBuf]) -> bool {
        if self.refuse_while_loading().is_err() {
            return false;
        }
        self.import_with(format, paths, &ImportOptions::default())
    }

    /// [`Workspace::import`] with options (a table's columns, the consent to convert an
    /// encoding, importing only the good rows). The status bar lists what was left out.
    pub fn import_with(
        &mut self,
        format: ImportFormat,
        paths: &[PathBuf],
        opts: &ImportOptions,
    ) -> bool {
        if self.refuse_while_loading().is_err() {
            return false;
        }
        match crate::formats::import(&self.project, format, paths, opts, &mut |_, _| {}) {
            Ok(imported) => {
                let r = &imported.report;
                let left_out = r.duplicates.len() + r.near_duplicates.len() + r.skipped.len();
                let summary = format!(
                    "Imported {}, {}{}",
                    crate::model::words::count(r.documents_added, "document", "documents"),
                    crate::model::words::count(r.spans_added, "span", "spans"),
                    if left_out > 0 {
                        format!(
                            "; left out {} already there, {}, {}{}",
                            r.duplicates.len(),
                            crate::model::words::count(
                                r.near_duplicates.len(),
                                "near-duplicate",
                                "near-duplicates"
                            ),
                            crate::model::words::count(r.skipped.len(), "bad row", "bad rows"),
                            r.skipped
                                .first()
                                .map_or(String::new(), |s| format!(" (first: {s})"))
                        )
                    } else {
                        String::new()
                    }
                );
                let cmd = edit::import_documents(
                    &self.project,
                    &imported.project,
                    &format!("Import {}", format.name()),
                );
                let applied = self.apply(cmd).is_some();
                if applied || left_out > 0 {
                    self.set_status(summary);
                }
                applied
            }
            Err(e) => {
                self.set_status(format!("Nothing imported: {e}"));
                false
            }
        }
    }

    /// Adds a pasted text as a new document (cleaned like an imported `.txt`; the
    /// title defaults to its first line) and makes it current.
    pub fn add_document(&mut self, title: &str, text: &str) -> bool {
        if self.refuse_while_loading().is_err() {
            return false;
        }
        let cleaned = crate::formats::clean::Cleaned::new(text).text;
        let title = match title.trim() {
            "" => crate::formats::clean::first_line_title(&cleaned)
                .unwrap_or_else(|| "untitled".into()),
            t => t.to_string(),
        };
        match edit::add_document(&self.project, &title, &cleaned) {
            Ok((cmd, id)) => {
                let applied = self.apply(Ok(cmd)).is_some();
                if let Some(i) = self.project.documents.iter().position(|d| d.id == id) {
                    self.switch_document(i);
                }
                applied
            }
            Err(e) => {
                self.set_status(e.to_string());
                false
            }
        }
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

/// The sample project's file in the source tree (`projects/` of the current folder or
/// of the crate), if there is one.
pub(crate) fn sample_file() -> Option<PathBuf> {
    let here = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/projects/derna-sirte.json"
    ));
    let local = PathBuf::from("projects/derna-sirte.json");
    [local, here].into_iter().find(|p| p.is_file())
}

/// What [`Workspace::apply`] did: the command's id in the history and what it added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The command's id in the undo history.
    pub id: u64,
    pub created: Created,
}

/// The spans and relations a command inserted (with the set they went into) and the
/// entities it created: read from the command itself, so finding the new span after a
/// tag costs nothing however many spans the set holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Created {
    pub spans: Vec<(SetKey, String)>,
    pub relations: Vec<(SetKey, String)>,
    pub entities: Vec<String>,
}

impl Created {
    fn by(cmd: &Command) -> Self {
        let mut c = Created::default();
        for op in &cmd.ops {
            match op {
                Op::InsertSpan(k, s) => c.spans.push((k.clone(), s.id.clone())),
                Op::InsertRelation(k, r) => c.relations.push((k.clone(), r.id.clone())),
                Op::InsertEntity(e) => c.entities.push(e.id.clone()),
                _ => {}
            }
        }
        c
    }

    /// The first span created in set `key`.
    pub fn span_in(&self, key: &SetKey) -> Option<&str> {
        self.spans
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, id)| id.as_str())
    }
}
