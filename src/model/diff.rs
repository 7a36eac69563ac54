//! The smallest list of ops that turns one project into another, for imports and for
//! restoring a recovery file as one undoable step.
//!
//! Documents, sets and entities are matched by their keys (document id, annotator and
//! document, entity id); only what differs becomes an op, so the undo of an import
//! holds what the import added or changed, never a copy of the whole project. Changed
//! documents and sets are replaced in place, so their order is kept. New documents are
//! appended and new sets are added after the others, as every edit adds them.

use super::error::EditError;
use super::history::{Command, Op};
use super::project::{Document, Project};

/// Whether things present in `from` but absent in `to` are removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Removals {
    Keep,
    Remove,
}

/// The ops that turn `from` into `to` (see the module doc). With [`Removals::Keep`],
/// what `to` lacks is left alone.
fn diff(from: &Project, to: &Project, removals: Removals) -> Vec<Op> {
    let mut ops = Vec::new();
    if from.name != to.name {
        ops.push(Op::Rename {
            before: from.name.clone(),
            after: to.name.clone(),
        });
    }
    if from.schema != to.schema {
        ops.push(Op::ReplaceSchema {
            before: from.schema.clone(),
            after: to.schema.clone(),
        });
    }
    if removals == Removals::Remove {
        let gone_sets = from
            .sets
            .iter()
            .filter(|s| to.set(&s.annotator, &s.document).is_none());
        ops.extend(gone_sets.cloned().map(Op::RemoveSet));
        let gone_entities = from.entities.iter().filter(|e| to.entity(&e.id).is_none());
        ops.extend(gone_entities.cloned().map(Op::RemoveEntity));
        let gone_docs = from
            .documents
            .iter()
            .filter(|d| to.document(&d.id).is_none());
        ops.extend(gone_docs.cloned().map(Op::RemoveDocument));
    }
    let docs = to.documents.iter().map(|d| {
        let replace = |before, after| Op::ReplaceDocument { before, after };
        upsert(from.document(&d.id), d, Op::InsertDocument, replace)
    });
    let entities = to.entities.iter().map(|e| {
        let replace = |before, after| Op::ReplaceEntity { before, after };
        upsert(from.entity(&e.id), e, Op::InsertEntity, replace)
    });
    let sets = to.sets.iter().map(|s| {
        let replace = |before, after| Op::ReplaceSet { before, after };
        upsert(
            from.set(&s.annotator, &s.document),
            s,
            Op::InsertSet,
            replace,
        )
    });
    ops.extend(docs.chain(entities).chain(sets).flatten());
    if removals == Removals::Remove {
        ops.extend(project_state(from, to));
    }
    ops
}

/// What a restore must also bring back besides documents, sets and entities: the
/// recorded merge conflicts and the suggestion settings (switch, gazetteer,
/// rejections). The assignment plan has no op: it is only ever written by
/// `hashiya assign` and read, never edited in a session.
fn project_state(from: &Project, to: &Project) -> Vec<Op> {
    let mut ops = Vec::new();
    let gone = from.conflicts.iter().filter(|c| !to.conflicts.contains(c));
    ops.extend(gone.cloned().map(Op::RemoveConflict));
    let new = to.conflicts.iter().filter(|c| !from.conflicts.contains(c));
    ops.extend(new.cloned().map(Op::InsertConflict));
    let (f, t) = (&from.suggestions, &to.suggestions);
    if f.enabled != t.enabled {
        ops.push(Op::SetSuggestionsEnabled {
            before: f.enabled,
            after: t.enabled,
        });
    }
    if f.gazetteer != t.gazetteer {
        ops.push(Op::SetGazetteer {
            before: f.gazetteer.clone(),
            after: t.gazetteer.clone(),
        });
    }
    let gone = f.rejected.iter().filter(|r| !t.rejected.contains(r));
    ops.extend(gone.cloned().map(Op::RemoveRejected));
    let new = t.rejected.iter().filter(|r| !f.rejected.contains(r));
    ops.extend(new.cloned().map(Op::InsertRejected));
    ops
}

/// The op that brings `old` (absent: `None`) to `new`, or none if they are equal.
fn upsert<T: Clone + PartialEq>(
    old: Option<&T>,
    new: &T,
    insert: impl FnOnce(T) -> Op,
    replace: impl FnOnce(T, T) -> Op,
) -> Option<Op> {
    match old {
        None => Some(insert(new.clone())),
        Some(old) if old != new => Some(replace(old.clone(), new.clone())),
        Some(_) => None,
    }
}

/// Turns `p` into `imported` (the whole project an importer returned) with the ops for
/// what the import added or changed; nothing is removed. `name` names the undo step
/// ("Import JSONL"). An import that would change the text of a document already in the
/// project is refused: a document's text never changes once it is in a project.
pub fn import_documents(p: &Project, imported: &Project, name: &str) -> Result<Command, EditError> {
    let rewritten = |d: &&Document| p.document(&d.id).is_some_and(|old| old.text != d.text);
    if let Some(d) = imported.documents.iter().find(rewritten) {
        return Err(EditError::ImportChangesText {
            title: d.title.clone(),
            id: d.id.clone(),
        });
    }
    let ops = diff(p, imported, Removals::Keep);
    if ops.is_empty() {
        return Err(EditError::NothingToImport);
    }
    Ok(Command::new(name, ops))
}

/// Turns `p` into `other` as one undoable step (restoring a recovery file): the same
/// ops as [`import_documents`] plus the removal of what `other` lacks.
pub fn replace_project(p: &Project, other: &Project, name: &str) -> Result<Command, EditError> {
    let ops = diff(p, other, Removals::Remove);
    if ops.is_empty() {
        return Err(EditError::SameProject);
    }
    Ok(Command::new(name, ops))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history::apply_command;
    use crate::model::{AnnotationSet, Document, Entity, LabelSchema, Span};

    fn two_documents() -> Project {
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents.push(Document::new("d1", "one", "قال حفتر"));
        p.documents.push(Document::new("d2", "two", "في درنة"));
        let mut s = AnnotationSet::new("a", "d1");
        s.spans.push(Span::new("s1", 4, 8, "actor", "حفتر"));
        p.sets.push(s);
        p.entities.push(Entity {
            id: "e1".into(),
            label: "actor".into(),
            name: "حفتر".into(),
            aliases: Vec::new(),
        });
        p
    }

    #[test]
    fn a_restore_brings_back_rejections_and_conflicts_too() {
        let p = two_documents();
        let mut q = p.clone();
        q.suggestions.enabled = false;
        q.suggestions.rejected.push(crate::model::Rejected {
            document: "d2".into(),
            start: 3,
            end: 7,
            label: "location".into(),
            text: "درنة".into(),
            annotator: None,
        });
        let cmd = replace_project(&p, &q, "Restore").unwrap();
        let mut r = p.clone();
        apply_command(&mut r, &cmd).unwrap();
        assert_eq!(r, q);
        apply_command(&mut r, &cmd.inverse()).unwrap();
        assert_eq!(r, p);
    }

    fn with_third(p: &Project) -> Project {
        let mut q = p.clone();
        q.documents.push(Document::new("d3", "three", "سرت"));
        let mut s = AnnotationSet::new("a", "d3");
        s.spans.push(Span::new("s1", 0, 3, "location", "سرت"));
        q.sets.push(s);
        q
    }

    #[test]
    fn import_of_a_third_document_holds_only_it() {
        let p = two_documents();
        let imported = with_third(&p);
        let cmd = import_documents(&p, &imported, "Import text").unwrap();
        assert_eq!(cmd.name, "Import text");
        assert!(matches!(
            cmd.ops.as_slice(),
            [Op::InsertDocument(d), Op::InsertSet(s)] if d.id == "d3" && s.document == "d3"
        ));
        let mut q = p.clone();
        apply_command(&mut q, &cmd).unwrap();
        assert_eq!(q, imported);
        apply_command(&mut q, &cmd.inverse()).unwrap();
        assert_eq!(q, p);
        apply_command(&mut q, &cmd).unwrap();
        assert_eq!(q, imported);
    }

    #[test]
    fn import_replaces_changed_sets_and_entities_in_place() {
        let p = two_documents();
        let mut imported = p.clone();
        imported.sets[0]
            .spans
            .push(Span::new("s2", 0, 3, "claim", "قال"));
        imported.entities[0].aliases.push("خليفة".into());
        let cmd = import_documents(&p, &imported, "Import").unwrap();
        assert!(matches!(
            cmd.ops.as_slice(),
            [Op::ReplaceEntity { .. }, Op::ReplaceSet { .. }]
        ));
        let mut q = p.clone();
        apply_command(&mut q, &cmd).unwrap();
        assert_eq!(q, imported);
        apply_command(&mut q, &cmd.inverse()).unwrap();
        assert_eq!(q, p);
    }

    #[test]
    fn import_never_removes_and_refuses_nothing_new() {
        let p = two_documents();
        let mut smaller = p.clone();
        smaller.documents.pop();
        smaller.entities.clear();
        let err = import_documents(&p, &smaller, "Import")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("nothing to import: "), "{err}");
        assert!(import_documents(&p, &p, "Import").is_err());
        let mut rewritten = p.clone();
        rewritten.documents[0].text = "نص آخر".into();
        let err = import_documents(&p, &rewritten, "Import")
            .unwrap_err()
            .to_string();
        assert!(err.contains("change the text of document \"one\""), "{err}");
    }

    #[test]
    fn replace_project_removes_what_the_other_lacks() {
        let p = with_third(&two_documents());
        let mut other = two_documents();
        other.name = "restored".into();
        other.entities.clear();
        other.documents[1].title = "two, renamed".into();
        let cmd = replace_project(&p, &other, "Restore recovery file").unwrap();
        assert_eq!(cmd.ops.len(), 5, "{:#?}", cmd.ops);
        let mut q = p.clone();
        apply_command(&mut q, &cmd).unwrap();
        assert_eq!(q, other);
        apply_command(&mut q, &cmd.inverse()).unwrap();
        assert_eq!(q, p);
        let err = replace_project(&p, &p, "Restore").unwrap_err().to_string();
        assert!(err.starts_with("nothing changed"), "{err}");
    }
}
