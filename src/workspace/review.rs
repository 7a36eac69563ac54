//! The review screen: a colleague's project loaded next to the open one, both sets on
//! the same article, a navigator over the disagreements with Accept A / Accept B /
//! Accept both / Reject / Edit, and the agreement dashboard.
//!
//! All comparison and adjudication logic is in [`crate::review`]; the session keeps the
//! state (the other project, the decisions) and turns each decision into one command
//! ([`crate::model::edit::write_gold_set`]) that replaces the gold set, so undo works as
//! everywhere. The decisions that
//! go with each state of the history are remembered by command id, so undoing a
//! decision also forgets it. Decisions are saved next to the project
//! (`<project>.adjudication.json`) so an adjudication can be interrupted and resumed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::edit;
use crate::model::history::Command;
use crate::model::{AnnotationSet, Document, EditError, Project, Span, text_sha256};
use crate::review::adjudicate::{Item, items};
use crate::review::report::{AgreementReport, Side, compare_projects};
use crate::review::{Adjudication, Decision, ItemKey, PairCategory, ReviewError, build_gold};
use crate::workspace::Workspace;
use std::ops::Range;

/// What is saved to resume an adjudication.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedReview {
    pub other: PathBuf,
    pub a_annotator: String,
    pub b_annotator: String,
    pub adjudication: Adjudication,
}

pub fn sidecar_path(project: &Path) -> PathBuf {
    let mut s = project.as_os_str().to_owned();
    s.push(".adjudication.json");
    PathBuf::from(s)
}

/// Why a review decision cannot be recorded ([`ReviewSession::decide`]).
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("the colleague's project has no set for this text")]
    NoColleagueSet,
    /// The decisions do not fit the two sets.
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// The gold set they make cannot be written.
    #[error(transparent)]
    Edit(#[from] EditError),
}

pub struct ReviewSession {
    pub other_path: PathBuf,
    pub other: Project,
    pub a_annotator: String,
    pub b_annotator: String,
    /// Decisions before any command of this session.
    base: Adjudication,
    /// Decisions after each command this session applied, by command id.
    snapshots: HashMap<u64, Adjudication>,
    pub report: Option<AgreementReport>,
    /// Index into the current document's disagreements.
    pub current: usize,
    /// (document index, revision) the items were computed for, and the items.
    items_cache: Option<((usize, u64), Vec<Item>)>,
}

impl ReviewSession {
    /// Starts (or resumes, when `saved` matches) a review of `a_annotator`'s sets in
    /// `project` against `b_annotator`'s in `other`.
    pub fn start(
        project: &Project,
        a_annotator: &str,
        other_path: PathBuf,
        other: Project,
        b_annotator: Option<&str>,
        saved: Option<SavedReview>,
    ) -> Result<Self, String> {
        let b = match b_annotator {
            Some(b) => b.to_string(),
            None => other
                .annotators()
                .iter()
                .find(|n| **n != a_annotator)
                .or(other.annotators().first())
                .map(|s| s.to_string())
                .ok_or("the other project has no annotation sets")?,
        };
        let mut base = Adjudication::new("gold");
        if let Some(s) = saved
            && s.a_annotator == a_annotator
            && s.b_annotator == b
        {
            base = s.adjudication;
        }
        let mut session = ReviewSession {
            other_path,
            other,
            a_annotator: a_annotator.to_string(),
            b_annotator: b,
            base,
            snapshots: HashMap::new(),
            report: None,
            current: 0,
            items_cache: None,
        };
        session.refresh_report(project)?;
        Ok(session)
    }

    pub fn refresh_report(&mut self, project: &Project) -> Result<(), String> {
        let sides = [
            Side {
                project,
                annotator: &self.a_annotator,
                source: "open project",
            },
            Side {
                project: &self.other,
                annotator: &self.b_annotator,
                source: "colleague",
            },
        ];
        self.report = Some(compare_projects(&sides).map_err(|e| e.to_string())?);
        Ok(())
    }

    /// The decisions in force for the current state of the history.
    pub fn adjudication(&self, applied: impl Iterator<Item = u64>) -> Adjudication {
        for id in applied {
            if let Some(a) = self.snapshots.get(&id) {
                return a.clone();
            }
        }
        self.base.clone()
    }

    /// Writes the decisions next to the project file (`<project>.adjudication.json`),
    /// atomically.
    pub fn save_sidecar(
        &self,
        project_path: &Path,
        applied: impl Iterator<Item = u64>,
    ) -> Result<(), String> {
        let mut bytes =
            serde_json::to_vec_pretty(&self.saved(applied)).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        crate::store::atomic::write_atomic(&sidecar_path(project_path), &bytes)
            .map_err(|e| e.to_string())
    }

    pub fn saved(&self, applied: impl Iterator<Item = u64>) -> SavedReview {
        SavedReview {
            other: self.other_path.clone(),
            a_annotator: self.a_annotator.clone(),
            b_annotator: self.b_annotator.clone(),
            adjudication: self.adjudication(applied),
        }
    }

    /// B's set for a document of the open project (matched by text hash), re-keyed to
    /// the open project's document id.
    pub fn b_set(&self, doc: &Document) -> Option<AnnotationSet> {
        let hash = text_sha256(&doc.text);
        let other_doc = self
            .other
            .documents
            .iter()
            .find(|d| text_sha256(&d.text) == hash)?;
        let mut set = self.other.set(&self.b_annotator, &other_doc.id)?.clone();
        set.document = doc.id.clone();
        Some(set)
    }

    pub fn a_set(&self, project: &Project, doc: &Document) -> AnnotationSet {
        project
            .set(&self.a_annotator, &doc.id)
            .cloned()
            .unwrap_or_else(|| AnnotationSet::new(&self.a_annotator, &doc.id))
    }

    /// The disagreements (non-agreeing items) of a document, cached per revision.
    pub fn disagreements(
        &mut self,
        project: &Project,
        doc_index: usize,
        revision: u64,
    ) -> Vec<Item> {
        if let Some((k, v)) = &self.items_cache
            && *k == (doc_index, revision)
        {
            return v.clone();
        }
        let Some(doc) = project.documents.get(doc_index) else {
            return Vec::new();
        };
        let a = self.a_set(project, doc);
        let v = match self.b_set(doc) {
            Some(b) => items(&a, &b)
                .map(|v| v.into_iter().filter(|i| !i.agreeing).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        self.items_cache = Some(((doc_index, revision), v.clone()));
        v
    }

    /// The command that records `decision` for `item` and rewrites the gold set.
    pub fn decide(
        &mut self,
        project: &Project,
        doc: &Document,
        applied: impl Iterator<Item = u64>,
        item: ItemKey,
        decision: Decision,
    ) -> Result<(Command, Adjudication), DecideError> {
        let mut adj = self.adjudication(applied);
        adj.decide(item, decision);
        let a = self.a_set(project, doc);
        let b = self.b_set(doc).ok_or(DecideError::NoColleagueSet)?;
        let outcome = build_gold(doc, &a, &b, &adj)?;
        let mut gold = outcome.gold;
        gold.document = doc.id.clone();
        gold.annotator = adj.annotator.clone();
        Ok((edit::write_gold_set(project, gold)?, adj))
    }

    pub fn record(&mut self, command_id: u64, adj: Adjudication) {
        self.snapshots.insert(command_id, adj);
    }

    pub fn set_gold_name(&mut self, name: &str) {
        self.base.annotator = name.to_string();
    }
}

/// A short description of a span for the navigator.
pub fn describe(span: Option<&Span>) -> String {
    match span {
        Some(s) => format!("{} {}–{}", s.label, s.start, s.end),
        None => "—".into(),
    }
}

pub fn category_name(c: PairCategory) -> &'static str {
    match c {
        PairCategory::Exact => "same span, attributes differ",
        PairCategory::Partial => "partial overlap",
        PairCategory::LabelMismatch => "label mismatch",
        PairCategory::OnlyA => "only A (missing in B)",
        PairCategory::OnlyB => "only B (spurious)",
    }
}

/// The review as the workspace runs it: one session at a time, decisions applied through
/// the history.
impl Workspace {
    /// The review against a colleague's project, when one is open.
    pub fn review(&self) -> Option<&ReviewSession> {
        self.review.as_ref()
    }

    /// The open review, to change its settings (the gold set's name).
    pub fn review_mut(&mut self) -> Option<&mut ReviewSession> {
        self.review.as_mut()
    }

    /// Ends the review (the gold set written so far stays in the project).
    pub fn end_review(&mut self) {
        self.review = None;
    }

    /// Loads a colleague's project and starts (or resumes, from the decisions saved
    /// beside the open project) the review of the current annotator against them.
    pub fn start_review(&mut self, other_path: PathBuf) -> bool {
        if self.refuse_while_loading().is_err() {
            return false;
        }
        let other = match crate::store::load(&other_path) {
            Ok(l) => l.project,
            Err(e) => {
                self.set_status(format!("Could not open the colleague's project: {e}"));
                return false;
            }
        };
        let saved = self
            .path()
            .and_then(|p| std::fs::read(sidecar_path(p)).ok())
            .and_then(|b| serde_json::from_slice::<SavedReview>(&b).ok())
            .filter(|s| s.other == other_path);
        let a = self.annotator().to_string();
        match ReviewSession::start(self.project(), &a, other_path, other, None, saved) {
            Ok(r) => {
                self.set_status(format!(
                    "Reviewing {} against {}",
                    r.a_annotator, r.b_annotator
                ));
                self.review = Some(r);
                true
            }
            Err(e) => {
                self.set_status(format!("Could not compare: {e}"));
                false
            }
        }
    }

    /// The disagreements of the current document.
    pub fn review_items(&mut self) -> Vec<Item> {
        let (doc, rev) = (self.doc_index(), self.revision());
        let project = &self.project;
        match &mut self.review {
            Some(r) => r.disagreements(project, doc, rev),
            None => Vec::new(),
        }
    }

    /// A's and B's spans of a disagreement of the current document.
    pub fn review_spans(&self, item: &Item) -> (Option<Span>, Option<Span>) {
        let (Some(r), Some(doc)) = (&self.review, self.current_document()) else {
            return (None, None);
        };
        let a = item.key.a.as_ref().and_then(|id| {
            self.project
                .set(&r.a_annotator, &doc.id)
                .and_then(|s| s.span(id))
                .cloned()
        });
        let b = item
            .key
            .b
            .as_ref()
            .and_then(|id| r.b_set(doc).and_then(|s| s.span(id).cloned()));
        (a, b)
    }

    /// Where the disagreement under the navigator is (A's span, else B's).
    pub fn review_current_range(&mut self) -> Option<Range<usize>> {
        let items = self.review_items();
        let item = items.get(self.review.as_ref()?.current)?;
        let (a, b) = self.review_spans(item);
        a.or(b).map(|s| s.start..s.end)
    }

    /// Moves the navigator to the next (or previous) disagreement; returns where it is.
    pub fn review_step(&mut self, forward: bool) -> Option<Range<usize>> {
        let n = self.review_items().len();
        let r = self.review.as_mut()?;
        if n == 0 {
            return None;
        }
        r.current = if forward {
            (r.current + 1) % n
        } else {
            (r.current + n - 1) % n
        };
        self.review_current_range()
    }

    /// Records a decision on the current disagreement as one undoable step, then moves
    /// the navigator to the next undecided one.
    pub fn review_decide(&mut self, decision: Decision) {
        let items = self.review_items();
        let Some(r) = &self.review else { return };
        let Some(item) = items
            .get(r.current.min(items.len().saturating_sub(1)))
            .cloned()
        else {
            self.set_status("No disagreement left in this document".into());
            return;
        };
        let Some(doc) = self.current_document().cloned() else {
            return;
        };
        let applied: Vec<u64> = self.history().applied_ids().collect();
        let decided = match self.review.as_mut() {
            Some(r) => r.decide(&self.project, &doc, applied.into_iter(), item.key, decision),
            None => return,
        };
        let (cmd, adj) = match decided {
            Ok(d) => d,
            Err(e) => {
                self.set_status(format!("Could not adjudicate: {e}"));
                return;
            }
        };
        let Some(id) = self.apply(Ok(cmd)).map(|a| a.id) else {
            return;
        };
        let applied: Vec<u64> = self.history().applied_ids().collect();
        if let Some(r) = &mut self.review {
            r.record(id, adj);
            let decided = r.adjudication(applied.into_iter());
            if let Some(next) = items
                .iter()
                .enumerate()
                .skip(r.current + 1)
                .chain(items.iter().enumerate())
                .find(|(_, it)| !decided.decisions.iter().any(|d| d.item == it.key))
                .map(|(i, _)| i)
            {
                r.current = next;
            }
        }
    }

    /// The decisions in force now.
    pub fn review_adjudication(&self) -> Option<Adjudication> {
        let r = self.review.as_ref()?;
        Some(r.adjudication(self.history().applied_ids()))
    }
}

impl Workspace {
    /// Writes the open review's agreement report beside the project
    /// (`<project>.agreement.<ext>`, atomically); `None` when no report is open.
    pub fn export_agreement(
        &self,
        fmt: crate::review::render::ReportFormat,
    ) -> Option<Result<PathBuf, String>> {
        let report = self.review.as_ref()?.report.as_ref()?;
        let base = self
            .path()
            .map_or_else(|| PathBuf::from("hashiya"), Path::to_path_buf);
        let out = base.with_extension(format!("agreement.{}", fmt.extension()));
        let written = crate::review::render::render(report, fmt)
            .map_err(|e| e.to_string())
            .and_then(|body| {
                crate::store::atomic::write_atomic(&out, body.as_bytes()).map_err(|e| e.to_string())
            });
        Some(written.map(|()| out))
    }
}
