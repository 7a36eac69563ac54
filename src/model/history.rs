//! Every change to a project, undoable.
//!
//! A [`Command`] is a named list of [`Op`]s applied as one step ("Tag all matches" may
//! insert hundreds of spans; one undo removes them all). Each `Op` carries the full
//! data on both sides (the span inserted, the span before and after a replace), so its
//! inverse is just the mirrored op: no op ever needs to look anything up to be undone.
//! Applying checks that the project is in the state the op expects; a mismatch is a
//! bug in the caller and is reported as [`HistoryError`], leaving the project as it was
//! (ops already applied in the command are rolled back).
//!
//! [`History`] keeps the undo and redo stacks and knows whether the project differs
//! from its last saved state (`is_dirty`), which drives the title mark and autosave.
//!
//! # Limits
//!
//! The undo stack is bounded: [`History::new`] keeps the last [`DEFAULT_LIMIT`]
//! (1,000) commands, [`History::with_limit`] any other number. Applying a command past
//! the limit drops the oldest one for good: it can no longer be undone, and the state
//! before it can no longer be reached. Dirty tracking stays right across the drop: if
//! the saved state was the one before a dropped command, the project counts as dirty
//! until it is saved again (it cannot be undone back to the saved state). The redo
//! stack holds only undone commands, so it never outgrows the limit.
//!
//! Memory is per command, not per project: each op carries its full data, so a Tag
//! holds one span, an attribute or note edit two copies of one span, an adjudication
//! the old and the new gold set of one document, and an import the documents, sets and
//! entities it added or changed (never a copy of what it left alone). A command that
//! adds long documents costs their text; 1,000 span edits cost a few hundred KB.

use std::collections::VecDeque;

use thiserror::Error;

use super::project::{AnnotationSet, Document, Entity, Project, Rejected, Relation, Span};
use super::schema::LabelSchema;
use super::team::Conflict;

/// Which annotation set an op touches: (annotator, document id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetKey {
    pub annotator: String,
    pub document: String,
}

impl SetKey {
    pub fn new(annotator: impl Into<String>, document: impl Into<String>) -> Self {
        SetKey {
            annotator: annotator.into(),
            document: document.into(),
        }
    }
}

/// One primitive, invertible change.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    InsertSpan(SetKey, Span),
    RemoveSpan(SetKey, Span),
    ReplaceSpan {
        set: SetKey,
        before: Span,
        after: Span,
    },
    InsertRelation(SetKey, Relation),
    RemoveRelation(SetKey, Relation),
    InsertEntity(Entity),
    RemoveEntity(Entity),
    ReplaceEntity {
        before: Entity,
        after: Entity,
    },
    ReplaceSchema {
        before: LabelSchema,
        after: LabelSchema,
    },
    /// Adds a set (it must not exist yet); its content comes with it.
    InsertSet(AnnotationSet),
    RemoveSet(AnnotationSet),
    /// Replaces the set of `before.annotator` on `before.document` in place (same
    /// annotator and document on both sides), so the order of sets is kept.
    ReplaceSet {
        before: AnnotationSet,
        after: AnnotationSet,
    },
    InsertDocument(Document),
    RemoveDocument(Document),
    /// Replaces a document in place (same id on both sides), keeping the user's order.
    ReplaceDocument {
        before: Document,
        after: Document,
    },
    SetDone {
        set: SetKey,
        before: bool,
        after: bool,
    },
    /// Who last changed a set (added by the workspace to the first command a user
    /// applies to a set someone else changed last).
    SetModifiedBy {
        set: SetKey,
        before: Option<String>,
        after: Option<String>,
    },
    Rename {
        before: String,
        after: String,
    },
    /// Records a conflict a merge could not decide (its id must not be taken); kept in
    /// id order.
    InsertConflict(Conflict),
    /// Removes a recorded conflict (resolving it); it must be exactly as given.
    RemoveConflict(Conflict),
    /// Records a rejected suggestion (kept in (document, start, end, label) order).
    InsertRejected(Rejected),
    RemoveRejected(Rejected),
    /// Switches suggestions on or off for the project.
    SetSuggestionsEnabled {
        before: bool,
        after: bool,
    },
    /// The gazetteer file of the project (relative to the project file).
    SetGazetteer {
        before: Option<String>,
        after: Option<String>,
    },
}

impl Op {
    /// The annotation set this op changes, if it changes one.
    pub fn set_key(&self) -> Option<SetKey> {
        use Op::*;
        match self {
            InsertSpan(k, _) | RemoveSpan(k, _) | InsertRelation(k, _) | RemoveRelation(k, _) => {
                Some(k.clone())
            }
            ReplaceSpan { set, .. } | SetDone { set, .. } | SetModifiedBy { set, .. } => {
                Some(set.clone())
            }
            InsertSet(s) | RemoveSet(s) | ReplaceSet { after: s, .. } => {
                Some(SetKey::new(&s.annotator, &s.document))
            }
            _ => None,
        }
    }

    pub fn inverse(&self) -> Op {
        use Op::*;
        match self.clone() {
            InsertSpan(k, s) => RemoveSpan(k, s),
            RemoveSpan(k, s) => InsertSpan(k, s),
            ReplaceSpan { set, before, after } => ReplaceSpan {
                set,
                before: after,
                after: before,
            },
            InsertRelation(k, r) => RemoveRelation(k, r),
            RemoveRelation(k, r) => InsertRelation(k, r),
            InsertEntity(e) => RemoveEntity(e),
            RemoveEntity(e) => InsertEntity(e),
            ReplaceEntity { before, after } => ReplaceEntity {
                before: after,
                after: before,
            },
            ReplaceSchema { before, after } => ReplaceSchema {
                before: after,
                after: before,
            },
            InsertSet(s) => RemoveSet(s),
            RemoveSet(s) => InsertSet(s),
            ReplaceSet { before, after } => ReplaceSet {
                before: after,
                after: before,
            },
            InsertDocument(d) => RemoveDocument(d),
            RemoveDocument(d) => InsertDocument(d),
            ReplaceDocument { before, after } => ReplaceDocument {
                before: after,
                after: before,
            },
            SetDone { set, before, after } => SetDone {
                set,
                before: after,
                after: before,
            },
            SetModifiedBy { set, before, after } => SetModifiedBy {
                set,
                before: after,
                after: before,
            },
            Rename { before, after } => Rename {
                before: after,
                after: before,
            },
            InsertConflict(c) => RemoveConflict(c),
            RemoveConflict(c) => InsertConflict(c),
            InsertRejected(r) => RemoveRejected(r),
            RemoveRejected(r) => InsertRejected(r),
            SetSuggestionsEnabled { before, after } => SetSuggestionsEnabled {
                before: after,
                after: before,
            },
            SetGazetteer { before, after } => SetGazetteer {
                before: after,
                after: before,
            },
        }
    }
}

/// A user-level step: what the undo menu shows and what one Ctrl+Z reverts.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub name: String,
    pub ops: Vec<Op>,
}

impl Command {
    /// What the command does to the spans of set `key`: the ranges it removes and adds
    /// (empty when it does not touch the set), or `None` when it adds, removes or
    /// replaces the set or changes a document, which a span index cannot follow span by
    /// span.
    pub fn span_delta(&self, key: &SetKey) -> Option<super::SpanDelta> {
        use Op::*;
        let mut delta = super::SpanDelta::default();
        let ours = |s: &AnnotationSet| s.annotator == key.annotator && s.document == key.document;
        for op in &self.ops {
            match op {
                InsertSpan(k, span) if k == key => delta.added.push(span.start..span.end),
                RemoveSpan(k, span) if k == key => delta.removed.push(span.start..span.end),
                ReplaceSpan { set, before, after } if set == key => {
                    delta.removed.push(before.start..before.end);
                    delta.added.push(after.start..after.end);
                }
                InsertSet(s) | RemoveSet(s) if ours(s) => return None,
                ReplaceSet { before, .. } if ours(before) => return None,
                InsertDocument(_) | RemoveDocument(_) | ReplaceDocument { .. } | Rename { .. } => {
                    return None;
                }
                _ => {}
            }
        }
        Some(delta)
    }

    pub fn new(name: impl Into<String>, ops: Vec<Op>) -> Self {
        Command {
            name: name.into(),
            ops,
        }
    }

    /// Whether it adds, removes or changes a document (its text, title, source or
    /// metadata): what lists of documents are rebuilt for; tagging is not.
    pub fn touches_documents(&self) -> bool {
        self.ops.iter().any(|op| {
            matches!(
                op,
                Op::InsertDocument(_) | Op::RemoveDocument(_) | Op::ReplaceDocument { .. }
            )
        })
    }

    pub fn single(name: impl Into<String>, op: Op) -> Self {
        Command::new(name, vec![op])
    }

    pub fn inverse(&self) -> Command {
        Command {
            name: self.name.clone(),
            ops: self.ops.iter().rev().map(Op::inverse).collect(),
        }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum HistoryError {
    #[error("no annotation set of annotator \"{0}\" on document \"{1}\"")]
    NoSet(String, String),
    #[error("span \"{0}\" is not in the state this edit expects")]
    SpanMismatch(String),
    #[error("a span or relation with id \"{0}\" already exists")]
    DuplicateId(String),
    #[error("relation \"{0}\" is not in the state this edit expects")]
    RelationMismatch(String),
    #[error("entity \"{0}\" is not in the state this edit expects")]
    EntityMismatch(String),
    #[error("the label schema changed underneath this edit")]
    SchemaMismatch,
    #[error("set of \"{0}\" on \"{1}\" is not in the state this edit expects")]
    SetMismatch(String, String),
    #[error("document \"{0}\" is not in the state this edit expects")]
    DocumentMismatch(String),
    #[error("merge conflict \"{0}\" is not in the state this edit expects")]
    ConflictMismatch(String),
    #[error("the suggestion settings are not in the state this edit expects")]
    SuggestionsMismatch,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
}

fn set_mut<'p>(p: &'p mut Project, k: &SetKey) -> Result<&'p mut AnnotationSet, HistoryError> {
    p.sets
        .iter_mut()
        .find(|s| s.annotator == k.annotator && s.document == k.document)
        .ok_or_else(|| HistoryError::NoSet(k.annotator.clone(), k.document.clone()))
}

/// Where `span` is in a set's spans: by binary search on the canonical order (start,
/// end, id) the sets are kept in, else (a set loaded out of order) by a scan.
fn span_position(spans: &[Span], span: &Span) -> Option<usize> {
    let key = (span.start, span.end, span.id.as_str());
    let at = spans.partition_point(|s| (s.start, s.end, s.id.as_str()) < key);
    spans[at..]
        .iter()
        .take_while(|s| (s.start, s.end, s.id.as_str()) == key)
        .position(|s| s == span)
        .map(|i| at + i)
        .or_else(|| spans.iter().position(|s| s == span))
}

/// Applies one op. On error the project is unchanged.
pub fn apply_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
    use Op::*;
    match op {
        InsertSpan(..)
        | RemoveSpan(..)
        | ReplaceSpan { .. }
        | InsertRelation(..)
        | RemoveRelation(..) => apply_span_op(p, op),
        InsertEntity(_) | RemoveEntity(_) | ReplaceEntity { .. } => apply_entity_op(p, op),
        InsertSet(_) | RemoveSet(_) | ReplaceSet { .. } | SetDone { .. } | SetModifiedBy { .. } => {
            apply_set_op(p, op)
        }
        InsertDocument(_) | RemoveDocument(_) | ReplaceDocument { .. } => apply_document_op(p, op),
        ReplaceSchema { .. }
        | Rename { .. }
        | InsertConflict(_)
        | RemoveConflict(_)
        | InsertRejected(_)
        | RemoveRejected(_)
        | SetSuggestionsEnabled { .. }
        | SetGazetteer { .. } => apply_project_op(p, op),
    }
}

/// [`apply_op`] for: Spans and relations inside a set (kept in canonical order).
fn apply_span_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
    use Op::*;
    match op {
        InsertSpan(k, span) => {
            let set = set_mut(p, k)?;
            if set.spans.iter().any(|s| s.id == span.id)
                || set.relations.iter().any(|r| r.id == span.id)
            {
                return Err(HistoryError::DuplicateId(span.id.clone()));
            }
            // Keep canonical order so lists and indexes never need a re-sort.
            let key = (span.start, span.end, &span.id);
            let at = set.spans.partition_point(|s| (s.start, s.end, &s.id) < key);
            set.spans.insert(at, span.clone());
        }
        RemoveSpan(k, span) => {
            let set = set_mut(p, k)?;
            let i = span_position(&set.spans, span)
                .ok_or_else(|| HistoryError::SpanMismatch(span.id.clone()))?;
            set.spans.remove(i);
        }
        ReplaceSpan { set, before, after } => {
            let set = set_mut(p, set)?;
            let i = span_position(&set.spans, before)
                .ok_or_else(|| HistoryError::SpanMismatch(before.id.clone()))?;
            set.spans.remove(i);
            let key = (after.start, after.end, &after.id);
            let at = set.spans.partition_point(|s| (s.start, s.end, &s.id) < key);
            set.spans.insert(at, after.clone());
        }
        InsertRelation(k, rel) => {
            let set = set_mut(p, k)?;
            if set.relations.iter().any(|r| r.id == rel.id)
                || set.spans.iter().any(|s| s.id == rel.id)
            {
                return Err(HistoryError::DuplicateId(rel.id.clone()));
            }
            let at = set.relations.partition_point(|r| r.id < rel.id);
            set.relations.insert(at, rel.clone());
        }
        RemoveRelation(k, rel) => {
            let set = set_mut(p, k)?;
            let i = set
                .relations
                .iter()
                .position(|r| r == rel)
                .ok_or_else(|| HistoryError::RelationMismatch(rel.id.clone()))?;
            set.relations.remove(i);
        }
        _ => unreachable!("dispatched by apply_op"),
    }
    Ok(())
}

/// [`apply_op`] for: The entity registry (kept in id order).
fn apply_entity_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
    use Op::*;
    match op {
        InsertEntity(e) => {
            if p.entities.iter().any(|x| x.id == e.id) {
                return Err(HistoryError::DuplicateId(e.id.clone()));
            }
            let at = p.entities.partition_point(|x| x.id < e.id);
            p.entities.insert(at, e.clone());
        }
        RemoveEntity(e) => {
            let i = p
                .entities
                .iter()
                .position(|x| x == e)
                .ok_or_else(|| HistoryError::EntityMismatch(e.id.clone()))?;
            p.entities.remove(i);
        }
        ReplaceEntity { before, after } => {
            let slot = p
                .entities
                .iter_mut()
                .find(|x| *x == before)
                .ok_or_else(|| HistoryError::EntityMismatch(before.id.clone()))?;
            *slot = after.clone();
        }
        _ => unreachable!("dispatched by apply_op"),
    }
    Ok(())
}

/// [`apply_op`] for: Whole annotation sets and their flags.
fn apply_set_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
    use Op::*;
    match op {
        InsertSet(s) => {
            if p.set(&s.annotator, &s.document).is_some() {
                return Err(HistoryError::SetMismatch(
                    s.annotator.clone(),
                    s.document.clone(),
                ));
            }
            p.sets.push(s.clone());
        }
        RemoveSet(s) => {
            let i = p.sets.iter().position(|x| x == s).ok_or_else(|| {
                HistoryError::SetMismatch(s.annotator.clone(), s.document.clone())
            })?;
            p.sets.remove(i);
        }
        ReplaceSet { before, after } => {
            let slot = p
                .sets
                .iter_mut()
                .find(|x| *x == before)
                .filter(|_| {
                    (&before.annotator, &before.document) == (&after.annotator, &after.document)
                })
                .ok_or_else(|| {
                    HistoryError::SetMismatch(before.annotator.clone(), before.document.clone())
                })?;
            *slot = after.clone();
        }
        SetDone { set, before, after } => {
            let s = set_mut(p, set)?;
            if s.done != *before {
                return Err(HistoryError::SetMismatch(
                    set.annotator.clone(),
                    set.document.clone(),
                ));
            }
            s.done = *after;
        }
        SetModifiedBy { set, before, after } => {
            let s = set_mut(p, set)?;
            if s.modified_by != *before {
                return Err(HistoryError::SetMismatch(
                    set.annotator.clone(),
                    set.document.clone(),
                ));
            }
            s.modified_by = after.clone();
        }
        _ => unreachable!("dispatched by apply_op"),
    }
    Ok(())
}

/// [`apply_op`] for: Documents (their order is the user's).
fn apply_document_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
    use Op::*;
    match op {
        InsertDocument(d) => {
            if p.document(&d.id).is_some() {
                return Err(HistoryError::DuplicateId(d.id.clone()));
            }
            p.documents.push(d.clone());
        }
        RemoveDocument(d) => {
            let i = p
                .documents
                .iter()
                .position(|x| x == d)
                .ok_or_else(|| HistoryError::DocumentMismatch(d.id.clone()))?;
            p.documents.remove(i);
        }
        ReplaceDocument { before, after } => {
            let slot = p
                .documents
                .iter_mut()
                .find(|x| *x == before)
                .filter(|_| before.id == after.id)
                .ok_or_else(|| HistoryError::DocumentMismatch(before.id.clone()))?;
            *slot = after.clone();
        }
        _ => unreachable!("dispatched by apply_op"),
    }
    Ok(())
}

/// [`apply_op`] for: The schema, the name, merge conflicts and suggestion settings.
fn apply_project_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
    use Op::*;
    match op {
        ReplaceSchema { before, after } => {
            if p.schema != *before {
                return Err(HistoryError::SchemaMismatch);
            }
            p.schema = after.clone();
        }
        Rename { before, after } => {
            if p.name != *before {
                return Err(HistoryError::SchemaMismatch);
            }
            p.name = after.clone();
        }
        InsertConflict(c) => {
            if p.conflicts.iter().any(|x| x.id == c.id) {
                return Err(HistoryError::ConflictMismatch(c.id.clone()));
            }
            let at = p.conflicts.partition_point(|x| x.id < c.id);
            p.conflicts.insert(at, c.clone());
        }
        RemoveConflict(c) => {
            let i = p
                .conflicts
                .iter()
                .position(|x| x == c)
                .ok_or_else(|| HistoryError::ConflictMismatch(c.id.clone()))?;
            p.conflicts.remove(i);
        }
        InsertRejected(r) => {
            let list = &mut p.suggestions.rejected;
            let at = list.partition_point(|x| x.key() < r.key());
            if list.get(at).is_some_and(|x| x.key() == r.key()) {
                return Err(HistoryError::SuggestionsMismatch);
            }
            list.insert(at, r.clone());
        }
        RemoveRejected(r) => {
            let list = &mut p.suggestions.rejected;
            let i = list
                .iter()
                .position(|x| x == r)
                .ok_or(HistoryError::SuggestionsMismatch)?;
            list.remove(i);
        }
        SetSuggestionsEnabled { before, after } => {
            if p.suggestions.enabled != *before {
                return Err(HistoryError::SuggestionsMismatch);
            }
            p.suggestions.enabled = *after;
        }
        SetGazetteer { before, after } => {
            if p.suggestions.gazetteer != *before {
                return Err(HistoryError::SuggestionsMismatch);
            }
            p.suggestions.gazetteer = after.clone();
        }
        _ => unreachable!("dispatched by apply_op"),
    }
    Ok(())
}

/// Applies all ops of a command, or none: on error the ops already applied are undone.
pub fn apply_command(p: &mut Project, cmd: &Command) -> Result<(), HistoryError> {
    for (i, op) in cmd.ops.iter().enumerate() {
        if let Err(e) = apply_op(p, op) {
            for done in cmd.ops[..i].iter().rev() {
                // Undoing ops that just succeeded cannot fail: each inverse sees exactly
                // the state its op produced.
                let _ = apply_op(p, &done.inverse());
            }
            return Err(e);
        }
    }
    Ok(())
}

/// How many commands [`History::new`] keeps for undo (see the module's "Limits").
pub const DEFAULT_LIMIT: usize = 1_000;

/// Undo/redo stacks plus dirty tracking.
#[derive(Debug)]
pub struct History {
    undo: VecDeque<(u64, Command)>,
    redo: Vec<(u64, Command)>,
    next_id: u64,
    /// Id of the command on top of the undo stack when the project was last saved
    /// (0: the empty stack of a fresh history).
    saved_at: u64,
    /// Most commands the undo stack keeps.
    limit: usize,
    /// Id of the newest command dropped from the bottom of the undo stack (0: none):
    /// the state an emptied undo stack stands for.
    dropped: u64,
}

impl Default for History {
    fn default() -> Self {
        History::new()
    }
}

impl History {
    /// A history that keeps the last [`DEFAULT_LIMIT`] commands for undo.
    pub fn new() -> Self {
        History::with_limit(DEFAULT_LIMIT)
    }

    /// A history that keeps the last `limit` commands for undo (0: none, but dirty
    /// tracking still works).
    pub fn with_limit(limit: usize) -> Self {
        History {
            undo: VecDeque::new(),
            redo: Vec::new(),
            next_id: 1,
            saved_at: 0,
            limit,
            dropped: 0,
        }
    }

    /// Most commands kept for undo.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Applies a command and records it; clears the redo stack.
    pub fn apply_and_record(&mut self, p: &mut Project, cmd: Command) -> Result<(), HistoryError> {
        if cmd.ops.is_empty() {
            return Ok(());
        }
        apply_command(p, &cmd)?;
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        self.undo.push_back((id, cmd));
        self.redo.clear();
        while self.undo.len() > self.limit {
            if let Some((old, _)) = self.undo.pop_front() {
                self.dropped = old;
            }
        }
        Ok(())
    }

    pub fn undo(&mut self, p: &mut Project) -> Result<String, HistoryError> {
        let (id, cmd) = self.undo.pop_back().ok_or(HistoryError::NothingToUndo)?;
        if let Err(e) = apply_command(p, &cmd.inverse()) {
            self.undo.push_back((id, cmd));
            return Err(e);
        }
        let name = cmd.name.clone();
        self.redo.push((id, cmd));
        Ok(name)
    }

    pub fn redo(&mut self, p: &mut Project) -> Result<String, HistoryError> {
        let (id, cmd) = self.redo.pop().ok_or(HistoryError::NothingToRedo)?;
        if let Err(e) = apply_command(p, &cmd) {
            self.redo.push((id, cmd));
            return Err(e);
        }
        let name = cmd.name.clone();
        self.undo.push_back((id, cmd));
        Ok(name)
    }

    /// Ids of the applied commands, most recent first (what undo would revert, in order).
    pub fn applied_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.undo.iter().rev().map(|(id, _)| *id)
    }

    /// Id of the most recently applied command.
    pub fn last_applied_id(&self) -> Option<u64> {
        self.undo.back().map(|(id, _)| *id)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The command the next undo reverts.
    pub fn peek_undo(&self) -> Option<&Command> {
        self.undo.back().map(|(_, c)| c)
    }

    /// The command the next redo applies again.
    pub fn peek_redo(&self) -> Option<&Command> {
        self.redo.last().map(|(_, c)| c)
    }

    pub fn undo_name(&self) -> Option<&str> {
        self.undo.back().map(|(_, c)| c.name.as_str())
    }

    pub fn redo_name(&self) -> Option<&str> {
        self.redo.last().map(|(_, c)| c.name.as_str())
    }

    /// Id standing for the current state: the top command's, or, with an empty undo
    /// stack, the newest dropped command's (0 when nothing was ever dropped).
    fn top(&self) -> u64 {
        self.undo.back().map_or(self.dropped, |(id, _)| *id)
    }

    /// Records that the current state is what is on disk.
    pub fn mark_saved(&mut self) {
        self.saved_at = self.top();
    }

    /// Whether the project differs from its last saved state.
    pub fn is_dirty(&self) -> bool {
        self.top() != self.saved_at
    }

    /// Forgets everything (a project was opened or reloaded); keeps the limit.
    pub fn clear(&mut self) {
        *self = History::with_limit(self.limit);
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
