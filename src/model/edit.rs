//! Builders for the edits the user makes: each returns a [`Command`] for the history,
//! or an [`EditError`] saying why the edit is not possible. The UI only calls these.
//!
//! Tagging trims the selection: leading and trailing whitespace always, punctuation
//! (« » “ ” " ' ، ؛ ؟ . , ; : ! ? ( ) [ ] …) when `trim_punctuation` is on, and, with
//! `snap_to_words`, widens each end to the enclosing UAX #29 word so a drag that stops
//! mid-word still tags the whole word (clitics like و ب ل stay part of their word:
//! UAX #29 does not split Arabic letters).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

pub use super::diff::{import_documents, replace_project};
pub use super::entities::{
    annotator_slug, create_entity_from_span, entity_mentions, fresh_entity_id, link_entity,
    merge_entities,
};
pub use super::error::{EditError, RelationEnd};
use super::history::{Command, Op, SetKey};
use super::lines::{LinesAfter, LinesBefore, line_around, words_in_lines};
use super::offsets::{CodePoints, OffsetMap, ScanOffsets, count_chars, cp_to_byte_scan};
use super::project::{AnnotationSet, Document, Project, Relation, Span, text_sha256};
use super::schema::AttributeDef;
pub use super::schema_edit::{change_schema, label_usage};
pub use super::tag_all::{tag_all, tag_all_documents};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagOptions {
    pub trim_punctuation: bool,
    pub snap_to_words: bool,
}

impl Default for TagOptions {
    fn default() -> Self {
        TagOptions {
            trim_punctuation: true,
            snap_to_words: true,
        }
    }
}

/// Punctuation trimmed from the ends of a new span.
pub fn is_trimmable_punct(c: char) -> bool {
    matches!(
        c,
        '«' | '»'
            | '“'
            | '”'
            | '"'
            | '\''
            | '‘'
            | '’'
            | '،'
            | '؛'
            | '؟'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '…'
            | '-'
            | '–'
            | '—'
            | '/'
            | '٫'
            | '٬'
            | '۔'
    )
}

/// The range a selection becomes when tagged (code points), or `None` if nothing is left.
pub fn adjust_range(
    text: &str,
    map: &impl CodePoints,
    range: Range<usize>,
    o: TagOptions,
) -> Option<Range<usize>> {
    let (mut s, mut e) = (range.start, range.end.min(map.len_chars()));
    if s >= e {
        return None;
    }
    let slice = text.get(map.byte_of(text, s)?..map.byte_of(text, e)?)?;
    let chars: Vec<char> = slice.chars().collect();
    let trim = |c: char| c.is_whitespace() || (o.trim_punctuation && is_trimmable_punct(c));
    let lead = chars.iter().take_while(|&&c| trim(c)).count();
    if lead == chars.len() {
        return None;
    }
    let trail = chars.iter().rev().take_while(|&&c| trim(c)).count();
    s += lead;
    e -= trail;
    if o.snap_to_words {
        let (bs, be) = (map.byte_of(text, s)?, map.byte_of(text, e)?);
        // Look at the line around the range only.
        let ls = text[..bs].rfind('\n').map_or(0, |i| i + 1);
        let le = text[be..].find('\n').map_or(text.len(), |i| be + i);
        let mut ns = bs;
        let mut ne = be;
        for (i, w) in text[ls..le].split_word_bound_indices() {
            let (wa, wb) = (ls + i, ls + i + w.len());
            let is_word = w.chars().any(|c| c.is_alphanumeric());
            if !is_word {
                continue;
            }
            if wa < bs && bs < wb {
                ns = wa;
            }
            if wa < be && be < wb {
                ne = wb;
            }
        }
        // Word bounds are character boundaries: count the characters moved over.
        s -= text.get(ns..bs)?.chars().count();
        e += text.get(be..ne)?.chars().count();
    }
    (s < e).then_some(s..e)
}

fn set_of<'p>(p: &'p Project, key: &SetKey) -> Option<&'p AnnotationSet> {
    p.set(&key.annotator, &key.document)
}

/// The document `id`, or the error naming it.
pub(super) fn document_of<'p>(p: &'p Project, id: &str) -> Result<&'p Document, EditError> {
    p.document(id)
        .ok_or_else(|| EditError::NoSuchDocument(id.into()))
}

/// The set `key`, or the error naming its annotator and document.
fn set_in<'p>(p: &'p Project, key: &SetKey) -> Result<&'p AnnotationSet, EditError> {
    set_of(p, key).ok_or_else(|| EditError::NoSuchSet(key.clone()))
}

/// Span `id` of the set `key`, or the error naming it.
pub(super) fn span_in<'p>(p: &'p Project, key: &SetKey, id: &str) -> Result<&'p Span, EditError> {
    set_in(p, key)?
        .span(id)
        .ok_or_else(|| EditError::NoSuchSpan {
            id: id.into(),
            set: key.clone(),
        })
}

/// The command replacing `before` by `after`, refusing an edit that changes nothing.
fn replace_span(
    key: &SetKey,
    before: &Span,
    after: Span,
    name: impl Into<String>,
) -> Result<Command, EditError> {
    if after == *before {
        return Err(EditError::NothingChanged);
    }
    Ok(Command::single(
        name,
        Op::ReplaceSpan {
            set: key.clone(),
            before: before.clone(),
            after,
        },
    ))
}

/// Tags `range` with `label` in the set `key` (creating the set if needed).
pub fn tag(
    p: &Project,
    key: &SetKey,
    range: Range<usize>,
    label: &str,
    o: TagOptions,
) -> Result<Command, EditError> {
    let doc = document_of(p, &key.document)?;
    if p.schema.label(label).is_none() {
        return Err(EditError::NoSuchLabel(label.into()));
    }
    // No table: building the full one cost 2 ms on a 1 MB text, per tag, the sparse
    // one 1.5 ms on 1.8 MB; a few scanned lookups cost a fraction of that.
    let map = ScanOffsets::new(&doc.text);
    let r = adjust_range(&doc.text, &map, range, o).ok_or(EditError::EmptySelection)?;
    let mut ops = Vec::new();
    let new_set;
    let set = match set_of(p, key) {
        Some(s) => s,
        None => {
            new_set = AnnotationSet::new(&key.annotator, &key.document);
            ops.push(Op::InsertSet(new_set.clone()));
            &new_set
        }
    };
    if set
        .spans
        .iter()
        .any(|s| s.start == r.start && s.end == r.end && s.label == label)
    {
        return Err(EditError::AlreadyTagged);
    }
    let text = map
        .slice(&doc.text, r.start, r.end)
        .unwrap_or_default()
        .to_string();
    let span = Span::new(set.fresh_id("s"), r.start, r.end, label, text);
    ops.push(Op::InsertSpan(key.clone(), span));
    Ok(Command::new(format!("Tag {label}"), ops))
}

/// Deletes a span and the relations that touch it.
pub fn delete_span(p: &Project, key: &SetKey, id: &str) -> Result<Command, EditError> {
    let set = set_in(p, key)?;
    let span = span_in(p, key, id)?;
    let mut ops: Vec<Op> = set
        .relations
        .iter()
        .filter(|r| r.from == id || r.to == id)
        .map(|r| Op::RemoveRelation(key.clone(), r.clone()))
        .collect();
    ops.push(Op::RemoveSpan(key.clone(), span.clone()));
    Ok(Command::new("Delete span", ops))
}

/// Replaces a span with an edited copy (label, attributes, note, entity, bounds).
pub fn update_span(
    p: &Project,
    key: &SetKey,
    id: &str,
    name: &str,
    f: impl FnOnce(&mut Span),
) -> Result<Command, EditError> {
    let before = span_in(p, key, id)?;
    let mut after = before.clone();
    f(&mut after);
    replace_span(key, before, after, name)
}

/// Moves a span's bounds, keeping its stored text in step with the document.
pub fn set_bounds(
    p: &Project,
    key: &SetKey,
    id: &str,
    range: Range<usize>,
) -> Result<Command, EditError> {
    move_span(p, key, id, "Move span bounds", |text, s| {
        with_bounds(text, s, range)
    })
}

/// Replaces span `id` with the copy `bounds` makes from the document text and the span.
fn move_span(
    p: &Project,
    key: &SetKey,
    id: &str,
    name: &str,
    bounds: impl FnOnce(&str, &Span) -> Result<Span, EditError>,
) -> Result<Command, EditError> {
    let doc = document_of(p, &key.document)?;
    let before = span_in(p, key, id)?;
    let after = bounds(&doc.text, before)?;
    replace_span(key, before, after, name)
}

/// A copy of `span` covering `range` of `text`, its stored text updated; refuses a
/// range that is empty, reversed or past the end of the text.
fn with_bounds(text: &str, span: &Span, range: Range<usize>) -> Result<Span, EditError> {
    // Scanned lookups: a full table of a 1.8 MB article took 8–13 ms per moved end.
    let map = ScanOffsets::new(text);
    if range.end > map.len_chars() {
        return Err(EditError::PastEnd {
            offset: range.end,
            len: map.len_chars(),
        });
    }
    if range.start >= range.end {
        return Err(EditError::EmptySpan);
    }
    let covered = map
        .slice(text, range.start, range.end)
        .ok_or(EditError::NotOnCharacters)?;
    Ok(Span {
        start: range.start,
        end: range.end,
        text: covered.to_string(),
        ..span.clone()
    })
}

/// Adds a relation of `kind` from span `from` to span `to`, checking the schema.
pub fn relate(
    p: &Project,
    key: &SetKey,
    kind: &str,
    from: &str,
    to: &str,
) -> Result<Command, EditError> {
    let set = set_in(p, key)?;
    let (f, t) = (span_in(p, key, from)?, span_in(p, key, to)?);
    if from == to {
        return Err(EditError::RelationToItself);
    }
    let rt = p
        .schema
        .relation_type(kind)
        .ok_or_else(|| EditError::NoSuchRelationType(kind.into()))?;
    if !rt.allows(&f.label, &t.label) {
        return Err(EditError::RelationNotAllowed {
            kind: rt.name.clone(),
            from: f.label.clone(),
            to: t.label.clone(),
        });
    }
    if set
        .relations
        .iter()
        .any(|r| r.kind == kind && r.from == from && r.to == to)
    {
        return Err(EditError::DuplicateRelation);
    }
    let rel = Relation {
        id: set.fresh_id("r"),
        kind: kind.into(),
        from: from.into(),
        to: to.into(),
    };
    Ok(Command::single(
        format!("Add {} relation", rt.name),
        Op::InsertRelation(key.clone(), rel),
    ))
}

/// Which end of a span a boundary edit moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanEnd {
    Start,
    End,
}

/// Word boundaries (UAX #29, words only: alphanumeric segments) of `text` as code point
/// ranges.
pub(super) fn word_ranges(text: &str, map: &OffsetMap) -> Vec<Range<usize>> {
    text.split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(|c| c.is_alphanumeric()))
        .filter_map(|(i, w)| Some(map.byte_to_cp(i)?..map.byte_to_cp(i + w.len())?))
        .collect()
}

/// Moves one end of a span by one word: `grow` widens the span, otherwise it shrinks
/// (never to nothing).
pub fn nudge_bounds(
    p: &Project,
    key: &SetKey,
    id: &str,
    end: SpanEnd,
    grow: bool,
) -> Result<Command, EditError> {
    move_span(p, key, id, "Move span bounds", |text, s| {
        nudge_span(text, s, end, grow)
    })
}

/// A code point range with one end moved by one word (see [`nudge_bounds`]).
///
/// Only the lines around the range are segmented (word boundaries never cross a line
/// break, UAX #29 WB3a/b), and the lines before or after it only when the word sought
/// is not in them: E / B on a 1.8 MB article no longer segments the whole text.
pub fn nudge_range(
    text: &str,
    range: Range<usize>,
    end: SpanEnd,
    grow: bool,
) -> Result<Range<usize>, EditError> {
    let offsets = ScanOffsets::new(text);
    let outside = || EditError::PastEnd {
        offset: range.end,
        len: offsets.len_chars(),
    };
    let bs = offsets.byte_of(text, range.start).ok_or_else(outside)?;
    let be = offsets.byte_of(text, range.end).ok_or_else(outside)?;
    let lines = line_around(text, bs).start..line_around(text, be).end;
    let base = range.start - count_chars(&text[lines.start..bs]);
    let words = words_in_lines(text, lines.clone(), base);
    let (mut s, mut e) = (range.start, range.end);
    match (end, grow) {
        (SpanEnd::End, true) => {
            e = match words.iter().find(|w| w.end > e) {
                Some(w) => w.end,
                None => LinesAfter::new(text, lines.end, base + count_chars(&text[lines]))
                    .find_map(|ws| ws.first().map(|w| w.end))
                    .ok_or(EditError::NoWordAfter)?,
            }
        }
        (SpanEnd::End, false) => {
            e = words
                .iter()
                .rev()
                .find(|w| w.end < e && w.end > s)
                .map(|w| w.end)
                .ok_or(EditError::SingleWord)?
        }
        (SpanEnd::Start, true) => {
            s = match words.iter().rev().find(|w| w.start < s) {
                Some(w) => w.start,
                None => LinesBefore::new(text, lines.start, base)
                    .find_map(|ws| ws.last().map(|w| w.start))
                    .ok_or(EditError::NoWordBefore)?,
            }
        }
        (SpanEnd::Start, false) => {
            s = words
                .iter()
                .find(|w| w.start > s && w.start < e)
                .map(|w| w.start)
                .ok_or(EditError::SingleWord)?
        }
    }
    Ok(s..e)
}

/// Gives a span another label. Attributes the new label does not define (or whose
/// value it does not allow) are dropped; a relation the schema would no longer allow
/// refuses the edit, naming the relation to delete first.
pub fn relabel(
    p: &Project,
    key: &SetKey,
    span_id: &str,
    label: &str,
) -> Result<Command, EditError> {
    let before = span_in(p, key, span_id)?;
    let def = p
        .schema
        .label(label)
        .ok_or_else(|| EditError::NoSuchLabel(label.into()))?;
    if before.label == label {
        return Err(EditError::AlreadyLabelled(label.into()));
    }
    let set = set_in(p, key)?;
    let label_of = |id: &str| {
        if id == span_id {
            label
        } else {
            set.span(id).map_or("", |s| s.label.as_str())
        }
    };
    let breaks = |r: &&Relation| {
        (r.from == span_id || r.to == span_id)
            && p.schema
                .relation_type(&r.kind)
                .is_some_and(|t| !t.allows(label_of(&r.from), label_of(&r.to)))
    };
    if let Some(r) = set.relations.iter().find(breaks) {
        // Name the end the span is at: the relation's source (from) or target (to).
        let end = if r.from == span_id {
            RelationEnd::Source
        } else {
            RelationEnd::Target
        };
        let kind = p.schema.relation_type(&r.kind).map_or(&r.kind, |t| &t.name);
        return Err(EditError::RelationEndNotAllowed {
            relation: r.id.clone(),
            kind: kind.clone(),
            end,
            label: label.into(),
        });
    }
    let mut after = before.clone();
    after.label = label.to_string();
    after.attributes.retain(|name, value| {
        def.attributes
            .iter()
            .any(|a| a.name == *name && a.allows(value))
    });
    replace_span(key, before, after, "Relabel span")
}

/// Sets attribute `name` of a span to `value`; `None` (or a blank value) removes it.
/// The attribute must be one the span's label defines, and the value one of its values
/// unless the attribute takes free text (which is trimmed).
pub fn set_attribute(
    p: &Project,
    key: &SetKey,
    span_id: &str,
    name: &str,
    value: Option<&str>,
) -> Result<Command, EditError> {
    let before = span_in(p, key, span_id)?;
    let def = attribute_def(p, &before.label, name)?;
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    if let Some(v) = value
        && !def.allows(v)
    {
        return Err(EditError::ValueNotAllowed {
            value: v.into(),
            attribute: name.into(),
            allowed: def.values.clone(),
        });
    }
    let mut after = before.clone();
    match value {
        Some(v) => after.attributes.insert(name.to_string(), v.to_string()),
        None => after.attributes.remove(name),
    };
    replace_span(key, before, after, format!("Set {name}"))
}

/// Attribute `name` of `label` in the schema, or a message listing the label's attributes.
fn attribute_def<'p>(
    p: &'p Project,
    label: &str,
    name: &str,
) -> Result<&'p AttributeDef, EditError> {
    let def = p
        .schema
        .label(label)
        .ok_or_else(|| EditError::SpanLabelNotInSchema(label.into()))?;
    def.attributes
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(|| EditError::NoSuchAttribute {
            label: label.into(),
            attribute: name.into(),
            known: def.attributes.iter().map(|a| a.name.clone()).collect(),
        })
}

/// Sets a span's note (trimmed; empty or `None` removes it).
pub fn set_note(
    p: &Project,
    key: &SetKey,
    span_id: &str,
    note: Option<&str>,
) -> Result<Command, EditError> {
    let before = span_in(p, key, span_id)?;
    let mut after = before.clone();
    after.note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    replace_span(key, before, after, "Edit note")
}

/// Moves one end of a span to code point offset `to` (a drag of the span's handle);
/// the span must still cover at least one character of the text.
pub fn move_boundary(
    p: &Project,
    key: &SetKey,
    span_id: &str,
    end: SpanEnd,
    to: usize,
) -> Result<Command, EditError> {
    move_span(p, key, span_id, "Move span boundary", |text, s| {
        let range = match end {
            SpanEnd::Start => to..s.end,
            SpanEnd::End => s.start..to,
        };
        with_bounds(text, s, range)
    })
}

/// Where a dragged span end lands when it snaps to words: a start inside a word moves
/// to the word's start, an end inside a word to the word's end (UAX #29 words, so
/// clitics stay with their word); between words it stays where it is.
pub fn snap_to_word(text: &str, cp: usize, end: SpanEnd) -> usize {
    // Only the paragraph around `cp` is segmented: word boundaries never cross a line
    // break (UAX #29, WB3a/WB3b), so this is the whole text's answer without reading
    // the whole text (70 ms on a 1.8 MB article: `cargo bench --bench gui_paths`).
    let Some(b) = cp_to_byte_scan(text, cp) else {
        return cp;
    };
    let start = text[..b].rfind('\n').map_or(0, |i| i + 1);
    let stop = text[b..].find('\n').map_or(text.len(), |i| b + i);
    let para = &text[start..stop];
    let base = cp - text[start..b].chars().count();
    let map = OffsetMap::new(para);
    word_ranges(para, &map)
        .into_iter()
        .map(|w| w.start + base..w.end + base)
        .find(|w| w.start < cp && cp < w.end)
        .map_or(cp, |w| match end {
            SpanEnd::Start => w.start,
            SpanEnd::End => w.end,
        })
}

/// A copy of `span` with one end moved by one word of `text` (`grow` widens it,
/// otherwise it shrinks, never to nothing) and its stored text updated.
pub fn nudge_span(text: &str, span: &Span, end: SpanEnd, grow: bool) -> Result<Span, EditError> {
    let range = nudge_range(text, span.start..span.end, end, grow)?;
    with_bounds(text, span, range)
}

/// Adds a document and returns the command and the new document's id.
///
/// The id is `doc-` and the first 8 hex digits of the text's SHA-256 (more digits if
/// another text took those), so two people who add the same article on different
/// machines get the same id and different articles practically never collide. The
/// text is stored as given: the caller cleans it (line endings, BOM) first.
pub fn add_document(p: &Project, title: &str, text: &str) -> Result<(Command, String), EditError> {
    let title = title.trim();
    if text.trim().is_empty() {
        return Err(EditError::EmptyText);
    }
    if title.is_empty() {
        return Err(EditError::NoTitle);
    }
    let hash = text_sha256(text);
    if let Some(d) = p.documents.iter().find(|d| d.text_sha256 == hash) {
        return Err(EditError::DuplicateText(d.title.clone()));
    }
    let id = (8..=hash.len())
        .map(|n| format!("doc-{}", &hash[..n]))
        .find(|id| p.document(id).is_none())
        .ok_or(EditError::NoFreeId)?;
    let doc = Document::new(id.clone(), title, text);
    Ok((Command::single("Add document", Op::InsertDocument(doc)), id))
}

/// Writes an adjudicated set: replaces the set of `gold.annotator` on `gold.document`
/// (or adds it). The document must exist and every span must lie within its text and
/// carry the text it covers.
///
/// A gold set equal to the one in the project is still a command: a review decision
/// that leaves the gold set as it was (rejecting a span B alone has) is a step the
/// adjudicator can undo.
pub fn write_gold_set(p: &Project, gold: AnnotationSet) -> Result<Command, EditError> {
    if gold.annotator.trim().is_empty() {
        return Err(EditError::GoldWithoutAnnotator);
    }
    let doc = document_of(p, &gold.document)?;
    for s in &gold.spans {
        let checked = with_bounds(&doc.text, s, s.start..s.end)
            .map_err(|e| EditError::BadGoldSpan(s.id.clone(), Box::new(e)))?;
        if checked.text != s.text {
            return Err(EditError::GoldSpanText {
                id: s.id.clone(),
                said: s.text.clone(),
                start: s.start,
                end: s.end,
                text: checked.text,
            });
        }
    }
    let op = match p.set(&gold.annotator, &gold.document) {
        Some(before) => Op::ReplaceSet {
            before: before.clone(),
            after: gold,
        },
        None => Op::InsertSet(gold),
    };
    Ok(Command::single("Adjudicate", op))
}

/// Starts `to`'s own sets as copies of `from`'s, on every document where `to` has no
/// set yet; each copy records `copied_from`, so agreement can leave copied work out.
pub fn copy_sets(p: &Project, from: &str, to: &str) -> Result<Command, EditError> {
    if from == to {
        return Err(EditError::CopyOntoItself);
    }
    let ops: Vec<Op> = p
        .sets
        .iter()
        .filter(|s| s.annotator == from && p.set(to, &s.document).is_none())
        .map(|s| {
            let mut copy = s.clone();
            copy.annotator = to.to_string();
            copy.done = false;
            copy.copied_from = Some(from.to_string());
            copy.modified_by = None;
            Op::InsertSet(copy)
        })
        .collect();
    if ops.is_empty() {
        return Err(EditError::NothingToCopy {
            from: from.into(),
            to: to.into(),
        });
    }
    Ok(Command::new(
        format!("Start my sets as a copy of {from}'s"),
        ops,
    ))
}

/// Renames the project.
pub fn rename_project(p: &Project, name: &str) -> Result<Command, EditError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(EditError::NoName);
    }
    if name == p.name {
        return Err(EditError::SameName);
    }
    Ok(Command::single(
        "Rename project",
        Op::Rename {
            before: p.name.clone(),
            after: name.to_string(),
        },
    ))
}

/// Marks a document done (or not) for an annotator, creating the empty set if needed.
pub fn set_done(p: &Project, key: &SetKey, done: bool) -> Result<Command, EditError> {
    let mut ops = Vec::new();
    let before = match set_of(p, key) {
        Some(s) => s.done,
        None => {
            ops.push(Op::InsertSet(AnnotationSet::new(
                &key.annotator,
                &key.document,
            )));
            false
        }
    };
    if before == done {
        return Err(EditError::NothingChanged);
    }
    ops.push(Op::SetDone {
        set: key.clone(),
        before,
        after: done,
    });
    Ok(Command::new(
        if done {
            "Mark document done"
        } else {
            "Mark document not done"
        },
        ops,
    ))
}

#[cfg(test)]
#[path = "edit_snap_tests.rs"]
mod snap_tests;

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
