//! The review screen: a colleague's project loaded next to the open one, both sets on
//! the same article, a navigator over the disagreements with Accept A / Accept B /
//! Accept both / Reject / Edit, and the agreement dashboard.
//!
//! All comparison and adjudication logic is in [`crate::review`]; this panel keeps the
//! session state (the other project, the decisions) and turns each decision into one
//! command that replaces the gold set, so undo works as everywhere. The decisions that
//! go with each state of the history are remembered by command id, so undoing a
//! decision also forgets it. Decisions are saved next to the project
//! (`<project>.adjudication.json`) so an adjudication can be interrupted and resumed.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::edit::{SpanEnd, nudge_range};
use crate::model::history::{Command, Op};
use crate::model::{AnnotationSet, Document, Project, Span, text_sha256};
use crate::review::adjudicate::{Item, items};
use crate::review::report::{AgreementReport, Side, compare_projects};
use crate::review::{Adjudication, Decision, ItemKey, PairCategory, build_gold};

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
    /// Span being edited for an "Edit" decision.
    pub editing: Option<Span>,
    pub show_dashboard: bool,
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
            editing: None,
            show_dashboard: false,
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
    ) -> Result<(Command, Adjudication), String> {
        let mut adj = self.adjudication(applied);
        adj.decide(item, decision);
        let a = self.a_set(project, doc);
        let b = self
            .b_set(doc)
            .ok_or("the colleague's project has no set for this text")?;
        let outcome = build_gold(doc, &a, &b, &adj).map_err(|e| e.to_string())?;
        let mut gold = outcome.gold;
        gold.document = doc.id.clone();
        gold.annotator = adj.annotator.clone();
        let mut ops = Vec::new();
        if let Some(old) = project.set(&adj.annotator, &doc.id) {
            ops.push(Op::RemoveSet(old.clone()));
        }
        ops.push(Op::InsertSet(gold));
        Ok((Command::new("Adjudicate", ops), adj))
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

/// Moves one end of the span being edited by a word.
pub fn nudge(text: &str, s: &mut Span, end: SpanEnd, grow: bool) {
    if let Ok(r) = nudge_range(text, s.start..s.end, end, grow) {
        let r: Range<usize> = r;
        s.start = r.start;
        s.end = r.end;
        s.text = crate::model::offsets::slice_cp(text, r.start, r.end)
            .unwrap_or_default()
            .to_string();
    }
}

/// Label confusion counts (A label, B label) over the paired spans of a report; `—`
/// stands for "no span".
pub fn confusion(report: &AgreementReport) -> Vec<((String, String), usize)> {
    let mut m: std::collections::BTreeMap<(String, String), usize> = Default::default();
    if let Some(p) = report.pairs.first() {
        for d in &p.documents {
            for it in &d.items {
                let a = it.a.as_ref().map_or("—".to_string(), |s| s.label.clone());
                let b = it.b.as_ref().map_or("—".to_string(), |s| s.label.clone());
                *m.entry((a, b)).or_insert(0) += 1;
            }
        }
    }
    m.into_iter().collect()
}
