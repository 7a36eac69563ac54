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

use super::edit::document_of;
use super::error::EditError;
use super::history::{Command, Op, SetKey};
use super::offsets::ScanOffsets;
use super::project::{AnnotationSet, Project, Span};
use super::words;

/// Spans being added to one set by one command — "tag all matches" here, accepting
/// suggestions in [`crate::suggest`]: the document's text, the set as it is and the
/// spans added so far (for fresh ids and the "already tagged" check) and the ops.
///
/// Nothing is copied or built per span of the set: on a 1.8 MB article with 36,750
/// spans, accepting one suggestion cloned the set and built a table of every
/// character (≈ 15 ms). The places and ids of the set are hashed only once a command
/// adds many spans (tag all), where scanning the set for each would be quadratic.
pub struct SpanAdditions<'p> {
    key: SetKey,
    text: &'p str,
    offsets: ScanOffsets,
    existing: Option<&'p AnnotationSet>,
    added: Vec<Span>,
    /// Places (start, end, label) and ids of the set and the added spans, built on the
    /// `LOOKUPS_BEFORE_HASHING`th lookup.
    places: Option<FastSet<(usize, usize, String)>>,
    ids: Option<FastSet<String>>,
    lookups: usize,
    ops: Vec<Op>,
}

type FastSet<T> = foldhash::HashSet<T>;

/// Lookups answered by scanning the set before its places and ids are hashed.
const LOOKUPS_BEFORE_HASHING: usize = 16;

impl<'p> SpanAdditions<'p> {
    /// Refused when the document `key.document` is not in the project.
    pub fn new(p: &'p Project, key: &SetKey) -> Result<Self, EditError> {
        let doc = document_of(p, &key.document)?;
        Ok(SpanAdditions {
            key: key.clone(),
            text: &doc.text,
            offsets: ScanOffsets::new(&doc.text),
            existing: p.set(&key.annotator, &key.document),
            added: Vec::new(),
            places: None,
            ids: None,
            lookups: 0,
            ops: Vec::new(),
        })
    }

    /// The text of code points `start..end`; `None` when the range is empty or outside
    /// the document.
    pub fn text_of(&self, start: usize, end: usize) -> Option<&'p str> {
        self.offsets
            .slice(self.text, start, end)
            .filter(|_| start < end)
    }

    /// Every span: the set's, then the added ones.
    fn spans(&self) -> impl Iterator<Item = &Span> {
        self.existing
            .into_iter()
            .flat_map(|s| &s.spans)
            .chain(&self.added)
    }

    /// Counts a lookup; hashes the places and ids once there have been many.
    fn count_lookup(&mut self) {
        self.lookups += 1;
        if self.lookups == LOOKUPS_BEFORE_HASHING {
            self.places = Some(
                self.spans()
                    .map(|s| (s.start, s.end, s.label.clone()))
                    .collect(),
            );
            self.ids = Some(
                self.spans()
                    .map(|s| s.id.clone())
                    .chain(self.relations().map(|r| r.id.clone()))
                    .collect(),
            );
        }
    }

    /// Whether the set has (or this command adds) a span of `label` over exactly
    /// `start..end`.
    pub fn is_tagged(&mut self, start: usize, end: usize, label: &str) -> bool {
        self.count_lookup();
        match &self.places {
            Some(p) => p.contains(&(start, end, label.to_string())),
            None => self
                .spans()
                .any(|s| s.start == start && s.end == end && s.label == label),
        }
    }

    /// A new span with the set's next free id (not added yet: see [`Self::add`]): the
    /// same id [`AnnotationSet::fresh_id`] gives for the set with the added spans.
    pub fn new_span(&mut self, start: usize, end: usize, label: &str, text: &str) -> Span {
        self.count_lookup();
        let relations = self.relations().count();
        let mut n = self.existing.map_or(0, |s| s.spans.len()) + self.added.len() + relations + 1;
        let id = loop {
            let id = format!("s{n}");
            let used = match &self.ids {
                Some(ids) => ids.contains(&id),
                None => self.spans().any(|s| s.id == id) || self.relations().any(|r| r.id == id),
            };
            if !used {
                break id;
            }
            n += 1;
        };
        Span::new(id, start, end, label, text)
    }

    pub fn add(&mut self, span: Span) {
        if let Some(p) = &mut self.places {
            p.insert((span.start, span.end, span.label.clone()));
        }
        if let Some(ids) = &mut self.ids {
            ids.insert(span.id.clone());
        }
        self.added.push(span.clone());
        self.ops.push(Op::InsertSpan(self.key.clone(), span));
    }

    /// The id of the set's (or this command's) span of `label` over exactly
    /// `start..end`.
    pub fn span_id(&self, start: usize, end: usize, label: &str) -> Option<&str> {
        self.spans()
            .find(|s| s.start == start && s.end == end && s.label == label)
            .map(|s| s.id.as_str())
    }

    /// Every relation: the set's, then the added ones.
    fn relations(&self) -> impl Iterator<Item = &super::project::Relation> {
        let added = self.ops.iter().filter_map(|op| match op {
            Op::InsertRelation(_, r) => Some(r),
            _ => None,
        });
        self.existing
            .into_iter()
            .flat_map(|s| &s.relations)
            .chain(added)
    }

    /// Adds a relation `kind` from span `from` to span `to` (ids of the set or of this
    /// command) unless the set has it already; returns whether it was added. The
    /// caller checks the schema.
    pub fn add_relation(&mut self, kind: &str, from: &str, to: &str) -> bool {
        if self
            .relations()
            .any(|r| r.kind == kind && r.from == from && r.to == to)
        {
            return false;
        }
        // The set's next free relation id, as `AnnotationSet::fresh_id` gives it for
        // the set with this command's spans and relations.
        let taken =
            |id: &str| self.spans().any(|s| s.id == id) || self.relations().any(|r| r.id == id);
        let mut n = self.spans().count() + self.relations().count() + 1;
        while taken(&format!("r{n}")) {
            n += 1;
        }
        let r = super::project::Relation {
            id: format!("r{n}"),
            kind: kind.into(),
            from: from.into(),
            to: to.into(),
        };
        if let Some(ids) = &mut self.ids {
            ids.insert(r.id.clone());
        }
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
        if !ops.is_empty() && self.existing.is_none() {
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
) -> Result<Vec<Op>, EditError> {
    let mut adding = SpanAdditions::new(p, key)?;
    for r in ranges {
        if adding.is_tagged(r.start, r.end, label) {
            continue;
        }
        let text = adding
            .text_of(r.start, r.end)
            .ok_or_else(|| EditError::MatchOutOfRange {
                start: r.start,
                end: r.end,
                document: key.document.clone(),
            })?;
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
) -> Result<Command, EditError> {
    let ops = tag_all_ops(p, key, ranges, label)?;
    if ops.is_empty() {
        return Err(EditError::AllMatchesTagged);
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
) -> Result<Command, EditError> {
    if p.schema.label(label).is_none() {
        return Err(EditError::NoSuchLabel(label.into()));
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
        return Err(EditError::AllMatchesTagged);
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
        crate::model::history::apply_command(&mut p, &cmd).unwrap();
        assert_eq!(p.set("me", "b").unwrap().spans[0].text, "درنة");
        crate::model::history::apply_command(&mut p, &cmd.inverse()).unwrap();
        assert_eq!(p, before);
        // Everything tagged now: nothing to do.
        crate::model::history::apply_command(&mut p, &cmd).unwrap();
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
