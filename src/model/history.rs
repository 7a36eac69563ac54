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
    pub fn new(name: impl Into<String>, ops: Vec<Op>) -> Self {
        Command {
            name: name.into(),
            ops,
        }
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

/// Applies one op. On error the project is unchanged.
pub fn apply_op(p: &mut Project, op: &Op) -> Result<(), HistoryError> {
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
            let i = set
                .spans
                .iter()
                .position(|s| s == span)
                .ok_or_else(|| HistoryError::SpanMismatch(span.id.clone()))?;
            set.spans.remove(i);
        }
        ReplaceSpan { set, before, after } => {
            let set = set_mut(p, set)?;
            let i = set
                .spans
                .iter()
                .position(|s| s == before)
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
        ReplaceSchema { before, after } => {
            if p.schema != *before {
                return Err(HistoryError::SchemaMismatch);
            }
            p.schema = after.clone();
        }
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
    }
    Ok(())
}

/// Applies all ops of a command, or none: on error the ops already applied are undone.
pub fn apply(p: &mut Project, cmd: &Command) -> Result<(), HistoryError> {
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
    pub fn apply(&mut self, p: &mut Project, cmd: Command) -> Result<(), HistoryError> {
        if cmd.ops.is_empty() {
            return Ok(());
        }
        apply(p, &cmd)?;
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
        if let Err(e) = apply(p, &cmd.inverse()) {
            self.undo.push_back((id, cmd));
            return Err(e);
        }
        let name = cmd.name.clone();
        self.redo.push((id, cmd));
        Ok(name)
    }

    pub fn redo(&mut self, p: &mut Project) -> Result<String, HistoryError> {
        let (id, cmd) = self.redo.pop().ok_or(HistoryError::NothingToRedo)?;
        if let Err(e) = apply(p, &cmd) {
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
mod tests {
    use super::*;

    fn project() -> Project {
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents
            .push(Document::new("d", "t", "قال حفتر في درنة"));
        p.sets.push(AnnotationSet::new("a", "d"));
        p
    }

    fn key() -> SetKey {
        SetKey::new("a", "d")
    }

    #[test]
    fn undo_redo_restores_exact_states() {
        let mut p = project();
        let mut h = History::new();
        let s0 = p.clone();
        let actor = Span::new("s1", 4, 8, "actor", "حفتر");
        h.apply(
            &mut p,
            Command::single("Tag actor", Op::InsertSpan(key(), actor.clone())),
        )
        .unwrap();
        let s1 = p.clone();
        let mut after = actor.clone();
        after.attributes.insert("kind".into(), "person".into());
        h.apply(
            &mut p,
            Command::single(
                "Set kind",
                Op::ReplaceSpan {
                    set: key(),
                    before: actor,
                    after,
                },
            ),
        )
        .unwrap();
        let s2 = p.clone();
        assert!(h.is_dirty());
        assert_eq!(h.undo(&mut p).unwrap(), "Set kind");
        assert_eq!(p, s1);
        h.undo(&mut p).unwrap();
        assert_eq!(p, s0);
        assert_eq!(h.undo(&mut p), Err(HistoryError::NothingToUndo));
        assert!(!h.is_dirty());
        h.redo(&mut p).unwrap();
        h.redo(&mut p).unwrap();
        assert_eq!(p, s2);
        h.mark_saved();
        assert!(!h.is_dirty());
        h.undo(&mut p).unwrap();
        assert!(h.is_dirty());
        h.redo(&mut p).unwrap();
        assert!(!h.is_dirty());
    }

    #[test]
    fn failed_command_rolls_back() {
        let mut p = project();
        let before = p.clone();
        let cmd = Command::new(
            "bad",
            vec![
                Op::InsertSpan(key(), Span::new("s1", 4, 8, "actor", "حفتر")),
                // Second insert of the same id must fail and undo the first.
                Op::InsertSpan(key(), Span::new("s1", 12, 16, "location", "درنة")),
            ],
        );
        let mut h = History::new();
        assert_eq!(
            h.apply(&mut p, cmd),
            Err(HistoryError::DuplicateId("s1".into()))
        );
        assert_eq!(p, before);
        assert!(!h.can_undo());
    }

    #[test]
    fn new_edit_clears_redo() {
        let mut p = project();
        let mut h = History::new();
        h.apply(
            &mut p,
            Command::single(
                "a",
                Op::InsertSpan(key(), Span::new("s1", 4, 8, "actor", "حفتر")),
            ),
        )
        .unwrap();
        h.undo(&mut p).unwrap();
        assert!(h.can_redo());
        h.apply(
            &mut p,
            Command::single(
                "b",
                Op::InsertSpan(key(), Span::new("s2", 12, 16, "location", "درنة")),
            ),
        )
        .unwrap();
        assert!(!h.can_redo());
    }

    #[test]
    fn inserts_keep_canonical_order() {
        let mut p = project();
        let mut h = History::new();
        h.apply(
            &mut p,
            Command::single(
                "b",
                Op::InsertSpan(key(), Span::new("s2", 12, 16, "location", "درنة")),
            ),
        )
        .unwrap();
        h.apply(
            &mut p,
            Command::single(
                "a",
                Op::InsertSpan(key(), Span::new("s1", 4, 8, "actor", "حفتر")),
            ),
        )
        .unwrap();
        let ids: Vec<_> = p.sets[0].spans.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2"]);
    }

    fn tag(n: usize) -> Command {
        let id = format!("s{n}");
        Command::single(
            format!("Tag {n}"),
            Op::InsertSpan(key(), Span::new(id, 4, 8, "actor", "حفتر")),
        )
    }

    #[test]
    fn limit_drops_the_oldest_commands() {
        let mut p = project();
        let mut h = History::with_limit(2);
        for n in 1..=3 {
            h.apply(&mut p, tag(n)).unwrap();
        }
        assert_eq!(h.limit(), 2);
        assert_eq!(h.undo(&mut p).unwrap(), "Tag 3");
        assert_eq!(h.undo(&mut p).unwrap(), "Tag 2");
        assert_eq!(h.undo(&mut p), Err(HistoryError::NothingToUndo));
        // The dropped command stays applied.
        assert_eq!(p.sets[0].spans.len(), 1);
        h.redo(&mut p).unwrap();
        h.redo(&mut p).unwrap();
        assert_eq!(p.sets[0].spans.len(), 3);
        assert_eq!(History::new().limit(), DEFAULT_LIMIT);
    }

    #[test]
    fn dirty_when_the_saved_state_was_dropped() {
        let mut p = project();
        let mut h = History::with_limit(2);
        h.mark_saved(); // saved with nothing applied
        for n in 1..=3 {
            h.apply(&mut p, tag(n)).unwrap();
        }
        h.undo(&mut p).unwrap();
        h.undo(&mut p).unwrap();
        // Tag 1 is still applied: this is not the saved state.
        assert!(h.is_dirty());
        h.mark_saved();
        assert!(!h.is_dirty());
        h.redo(&mut p).unwrap();
        assert!(h.is_dirty());
        h.undo(&mut p).unwrap();
        assert!(!h.is_dirty());
        // Saved after a command that is later dropped: an emptied stack is that state.
        let mut h = History::with_limit(1);
        let mut p = project();
        h.apply(&mut p, tag(1)).unwrap();
        h.mark_saved();
        h.apply(&mut p, tag(2)).unwrap();
        assert!(h.is_dirty());
        h.undo(&mut p).unwrap();
        assert!(!h.is_dirty());
        h.clear();
        assert_eq!(h.limit(), 1);
    }

    #[test]
    fn suggestion_settings_ops_invert() {
        use super::super::project::Rejected;
        let mut p = project();
        let before = p.clone();
        let r = |start: usize, label: &str| Rejected {
            document: "d".into(),
            start,
            end: start + 4,
            label: label.into(),
            text: "حفتر".into(),
        };
        let cmd = Command::new(
            "s",
            vec![
                Op::InsertRejected(r(12, "actor")),
                Op::InsertRejected(r(4, "actor")),
                Op::SetSuggestionsEnabled {
                    before: true,
                    after: false,
                },
                Op::SetGazetteer {
                    before: None,
                    after: Some("places.tsv".into()),
                },
            ],
        );
        apply(&mut p, &cmd).unwrap();
        let starts: Vec<usize> = p.suggestions.rejected.iter().map(|x| x.start).collect();
        assert_eq!(starts, [4, 12], "kept in order");
        assert!(!p.suggestions.enabled);
        assert_eq!(p.suggestions.gazetteer.as_deref(), Some("places.tsv"));
        // The same rejection twice, or a toggle from the wrong state, is refused whole.
        let again = Command::new(
            "again",
            vec![
                Op::RemoveRejected(r(4, "actor")),
                Op::InsertRejected(r(12, "actor")),
            ],
        );
        let mid = p.clone();
        assert_eq!(
            apply(&mut p, &again),
            Err(HistoryError::SuggestionsMismatch)
        );
        assert_eq!(p, mid);
        apply(&mut p, &cmd.inverse()).unwrap();
        assert_eq!(p, before);
        assert!(p.suggestions.is_default());
    }

    #[test]
    fn replace_set_and_document_keep_their_place() {
        let mut p = project();
        p.documents.push(Document::new("e", "u", "نص"));
        p.sets.push(AnnotationSet::new("b", "d"));
        let before = p.clone();
        let mut set = p.sets[0].clone();
        set.done = true;
        let mut doc = p.documents[0].clone();
        doc.title = "new".into();
        let cmd = Command::new(
            "r",
            vec![
                Op::ReplaceSet {
                    before: p.sets[0].clone(),
                    after: set.clone(),
                },
                Op::ReplaceDocument {
                    before: p.documents[0].clone(),
                    after: doc.clone(),
                },
            ],
        );
        apply(&mut p, &cmd).unwrap();
        assert_eq!((&p.sets[0], &p.documents[0]), (&set, &doc));
        apply(&mut p, &cmd.inverse()).unwrap();
        assert_eq!(p, before);
        // A replace that changes the set's key is refused.
        let mut other = set.clone();
        other.annotator = "z".into();
        let bad = Op::ReplaceSet {
            before: p.sets[0].clone(),
            after: other,
        };
        assert!(apply_op(&mut p, &bad).is_err());
        assert_eq!(p, before);
    }

    fn conflict(id: &str) -> Conflict {
        Conflict {
            id: id.into(),
            kind: crate::model::ConflictKind::Name,
            annotator: None,
            document: None,
            item: String::new(),
            base: Some("t".into()),
            ours: Some("t".into()),
            theirs: Some("u".into()),
            sources: Default::default(),
        }
    }

    #[test]
    fn conflicts_insert_in_id_order_remove_exactly_and_invert() {
        let mut p = project();
        let before = p.clone();
        let cmd = Command::new(
            "record",
            vec![
                Op::InsertConflict(conflict("name-b")),
                Op::InsertConflict(conflict("name-a")),
            ],
        );
        apply(&mut p, &cmd).unwrap();
        let ids: Vec<_> = p.conflicts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["name-a", "name-b"]);
        // A second conflict with a taken id is refused, and so is removing one that
        // differs from what is recorded; the project is left as it was.
        let recorded = p.clone();
        let dup = Op::InsertConflict(conflict("name-a"));
        assert_eq!(
            apply_op(&mut p, &dup),
            Err(HistoryError::ConflictMismatch("name-a".into()))
        );
        let mut other = conflict("name-a");
        other.theirs = Some("v".into());
        assert!(apply_op(&mut p, &Op::RemoveConflict(other)).is_err());
        assert_eq!(p, recorded);
        // Resolving (remove) and its undo (insert back).
        let resolve = Command::single("resolve", Op::RemoveConflict(conflict("name-a")));
        let mut h = History::new();
        h.apply(&mut p, resolve).unwrap();
        assert_eq!(p.conflicts.len(), 1);
        h.undo(&mut p).unwrap();
        assert_eq!(p, recorded);
        apply(&mut p, &cmd.inverse()).unwrap();
        assert_eq!(p, before);
    }
}
