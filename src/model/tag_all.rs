//! "Tag all matches": tagging every match of a search with one label, in one document
//! (the Ctrl+F bar, [`tag_all`]) or across documents (corpus search, Ctrl+Shift+F,
//! [`tag_all_documents`]). Both follow the same rules: a range already tagged with that
//! label (same start and end) is skipped, a missing set is created, each new span
//! stores the text it covers, and the whole edit is one command, so one undo removes
//! every span it added. Re-exported from [`super::edit`].
//!
//! Whether the sets may be changed at all (someone else's read-only sets) is the
//! workspace's rule, checked when it applies the command.

use std::ops::Range;

use super::history::{Command, Op, SetKey};
use super::offsets::OffsetMap;
use super::project::{AnnotationSet, Project, Span};
use super::words;

/// Spans being added to one set by one command — "tag all matches" here, accepting
/// suggestions in [`crate::suggest`]: the document's text and offset table, the set as
/// it will be (for fresh ids and the "already tagged" check) and the ops so far.
pub struct SpanAdditions<'p> {
    key: SetKey,
    text: &'p str,
    map: OffsetMap,
    set: AnnotationSet,
    /// Whether the set exists already (else an `InsertSet` comes first).
    exists: bool,
    ops: Vec<Op>,
}

impl<'p> SpanAdditions<'p> {
    /// Refused when the document `key.document` is not in the project.
    pub fn new(p: &'p Project, key: &SetKey) -> Result<Self, String> {
        let doc = p
            .document(&key.document)
            .ok_or_else(|| format!("no document \"{}\" in the project", key.document))?;
        let existing = p.set(&key.annotator, &key.document);
        Ok(SpanAdditions {
            key: key.clone(),
            text: &doc.text,
            map: OffsetMap::new(&doc.text),
            set: existing
                .cloned()
                .unwrap_or_else(|| AnnotationSet::new(&key.annotator, &key.document)),
            exists: existing.is_some(),
            ops: Vec::new(),
        })
    }

    /// The text of code points `start..end`; `None` when the range is empty or outside
    /// the document.
    pub fn text_of(&self, start: usize, end: usize) -> Option<&'p str> {
        self.map
            .slice(self.text, start, end)
            .filter(|_| start < end)
    }

    /// Whether the set has (or this command adds) a span of `label` over exactly
    /// `start..end`.
    pub fn is_tagged(&self, start: usize, end: usize, label: &str) -> bool {
        self.set
            .spans
            .iter()
            .any(|s| s.start == start && s.end == end && s.label == label)
    }

    /// A new span with the set's next free id (not added yet: see [`Self::add`]).
    pub fn new_span(&self, start: usize, end: usize, label: &str, text: &str) -> Span {
        Span::new(self.set.fresh_id("s"), start, end, label, text)
    }

    pub fn add(&mut self, span: Span) {
        self.set.spans.push(span.clone());
        self.ops.push(Op::InsertSpan(self.key.clone(), span));
    }

    /// The id of the set's (or this command's) span of `label` over exactly
    /// `start..end`.
    pub fn span_id(&self, start: usize, end: usize, label: &str) -> Option<&str> {
        self.set
            .spans
            .iter()
            .find(|s| s.start == start && s.end == end && s.label == label)
            .map(|s| s.id.as_str())
    }

    /// Adds a relation `kind` from span `from` to span `to` (ids of the set or of this
    /// command) unless the set has it already; returns whether it was added. The
    /// caller checks the schema.
    pub fn add_relation(&mut self, kind: &str, from: &str, to: &str) -> bool {
        if self
            .set
            .relations
            .iter()
            .any(|r| r.kind == kind && r.from == from && r.to == to)
        {
            return false;
        }
        let r = super::project::Relation {
            id: self.set.fresh_id("r"),
            kind: kind.into(),
            from: from.into(),
            to: to.into(),
        };
        self.set.relations.push(r.clone());
        self.ops.push(Op::InsertRelation(self.key.clone(), r));
        true
    }

    /// How many spans were added.
    pub fn added(&self) -> usize {
        self.ops.len()
    }

    /// The ops: an `InsertSet` first when the set is new and a span was added.
    pub fn into_ops(self) -> Vec<Op> {
        let mut ops = self.ops;
        if !ops.is_empty() && !self.exists {
            ops.insert(
                0,
                Op::InsertSet(AnnotationSet::new(&self.key.annotator, &self.key.document)),
            );
        }
        ops
    }
}

/// The ops that tag every range of `ranges` not already tagged with `label` in the set
/// `key` (an `InsertSet` first when the set does not exist yet). No op at all when
/// every range is tagged already.
fn tag_all_ops(
    p: &Project,
    key: &SetKey,
    ranges: &[Range<usize>],
    label: &str,
) -> Result<Vec<Op>, String> {
    let mut adding = SpanAdditions::new(p, key)?;
    for r in ranges {
        if adding.is_tagged(r.start, r.end, label) {
            continue;
        }
        let text = adding
            .text_of(r.start, r.end)
            .ok_or_else(|| format!("match {r:?} out of range in \"{}\"", key.document))?;
        let span = adding.new_span(r.start, r.end, label, text);
        adding.add(span);
    }
    Ok(adding.into_ops())
}

/// Tags every range in `ranges` not already tagged with `label`: one undo step.
pub fn tag_all(
    p: &Project,
    key: &SetKey,
    ranges: &[Range<usize>],
    label: &str,
) -> Result<Command, String> {
    let ops = tag_all_ops(p, key, ranges, label)?;
    if ops.is_empty() {
        return Err("every match is already tagged with this label".into());
    }
    Ok(Command::new(format!("Tag all matches as {label}"), ops))
}

/// Tags the matches of several documents in `annotator`'s sets: `hits` holds (document
/// id, code point ranges) pairs. The rules of [`tag_all`] per document; documents whose
/// matches are all tagged already are left alone; one command (one undo step) for all.
/// Refused when the label is not in the schema, a document is missing or a range lies
/// outside its text (the corpus changed since the search).
pub fn tag_all_documents(
    p: &Project,
    annotator: &str,
    hits: &[(String, Vec<Range<usize>>)],
    label: &str,
) -> Result<Command, String> {
    if p.schema.label(label).is_none() {
        return Err(format!("no label \"{label}\" in the schema"));
    }
    let mut ops = Vec::new();
    let mut docs = 0;
    for (doc, ranges) in hits {
        let more = tag_all_ops(p, &SetKey::new(annotator, doc.as_str()), ranges, label)?;
        if !more.is_empty() {
            docs += 1;
            ops.extend(more);
        }
    }
    let spans = ops
        .iter()
        .filter(|o| matches!(o, Op::InsertSpan(..)))
        .count();
    if spans == 0 {
        return Err("every match is already tagged with this label".into());
    }
    Ok(Command::new(
        format!(
            "Tag {} as {label} in {}",
            words::count(spans, "match", "matches"),
            words::count(docs, "document", "documents")
        ),
        ops,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, LabelSchema};

    fn project() -> Project {
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents.push(Document::new("a", "A", "درنة ثم درنة"));
        p.documents.push(Document::new("b", "B", "في درنة"));
        p.documents.push(Document::new("c", "C", "سرت"));
        p
    }

    #[test]
    fn one_command_across_documents_skipping_tagged_ranges() {
        let mut p = project();
        let mut set = AnnotationSet::new("me", "a");
        set.spans
            .push(Span::new("s1", 0, 4, "location", "درنة".to_string()));
        p.sets.push(set);
        let hits = vec![
            ("a".to_string(), vec![0..4, 8..12]),
            ("b".to_string(), vec![3..7; 1]),
            ("c".to_string(), vec![]),
        ];
        let cmd = tag_all_documents(&p, "me", &hits, "location").unwrap();
        let inserted: Vec<(String, usize)> = cmd
            .ops
            .iter()
            .filter_map(|o| match o {
                Op::InsertSpan(k, s) => Some((k.document.clone(), s.start)),
                _ => None,
            })
            .collect();
        assert_eq!(inserted, [("a".into(), 8), ("b".into(), 3)]);
        assert!(
            matches!(&cmd.ops[1], Op::InsertSet(s) if s.document == "b"),
            "b's set is created before its span: {:?}",
            cmd.ops
        );
        assert_eq!(cmd.name, "Tag 2 matches as location in 2 documents");
        // Applied and undone as one command.
        let before = p.clone();
        crate::model::history::apply(&mut p, &cmd).unwrap();
        assert_eq!(p.set("me", "b").unwrap().spans[0].text, "درنة");
        crate::model::history::apply(&mut p, &cmd.inverse()).unwrap();
        assert_eq!(p, before);
        // Everything tagged now: nothing to do.
        crate::model::history::apply(&mut p, &cmd).unwrap();
        assert!(tag_all_documents(&p, "me", &hits, "location").is_err());
    }

    #[test]
    fn refuses_unknown_labels_documents_and_ranges() {
        let p = project();
        let hits = |d: &str, r: Range<usize>| vec![(d.to_string(), vec![r; 1])];
        assert!(tag_all_documents(&p, "me", &hits("a", 0..4), "nope").is_err());
        assert!(tag_all_documents(&p, "me", &hits("zz", 0..4), "actor").is_err());
        assert!(tag_all_documents(&p, "me", &hits("c", 2..9), "actor").is_err());
        assert!(tag_all_documents(&p, "me", &hits("c", 2..2), "actor").is_err());
        assert!(tag_all(&p, &SetKey::new("me", "c"), &[0..3; 1], "actor").is_ok());
    }
}
