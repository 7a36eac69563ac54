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

/// The ops that tag every range of `ranges` not already tagged with `label` in the set
/// `key` (an `InsertSet` first when the set does not exist yet). No op at all when
/// every range is tagged already.
fn tag_all_ops(
    p: &Project,
    key: &SetKey,
    ranges: &[Range<usize>],
    label: &str,
) -> Result<Vec<Op>, String> {
    let doc = p
        .document(&key.document)
        .ok_or_else(|| format!("no document \"{}\" in the project", key.document))?;
    let map = OffsetMap::new(&doc.text);
    let mut ops = Vec::new();
    let mut set = match p.set(&key.annotator, &key.document) {
        Some(s) => s.clone(),
        None => AnnotationSet::new(&key.annotator, &key.document),
    };
    for r in ranges {
        if set
            .spans
            .iter()
            .any(|s| s.start == r.start && s.end == r.end && s.label == label)
        {
            continue;
        }
        let text = map
            .slice(&doc.text, r.start, r.end)
            .filter(|_| r.start < r.end)
            .ok_or_else(|| format!("match {r:?} out of range in \"{}\"", key.document))?
            .to_string();
        let span = Span::new(set.fresh_id("s"), r.start, r.end, label, text);
        set.spans.push(span.clone());
        ops.push(Op::InsertSpan(key.clone(), span));
    }
    if !ops.is_empty() && p.set(&key.annotator, &key.document).is_none() {
        ops.insert(
            0,
            Op::InsertSet(AnnotationSet::new(&key.annotator, &key.document)),
        );
    }
    Ok(ops)
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
    let s = if docs == 1 { "" } else { "s" };
    Ok(Command::new(
        format!("Tag {spans} matches as {label} in {docs} document{s}"),
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
