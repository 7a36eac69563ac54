//! Builders for the edits the user makes: each returns a [`Command`] for the history,
//! or a message saying why the edit is not possible. The UI only calls these.
//!
//! Tagging trims the selection: leading and trailing whitespace always, punctuation
//! (« » “ ” " ' ، ؛ ؟ . , ; : ! ? ( ) [ ] …) when `trim_punctuation` is on, and, with
//! `snap_to_words`, widens each end to the enclosing UAX #29 word so a drag that stops
//! mid-word still tags the whole word (clitics like و ب ل stay part of their word:
//! UAX #29 does not split Arabic letters).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::history::{Command, Op, SetKey};
use super::offsets::OffsetMap;
use super::project::{AnnotationSet, Project, Relation, Span};

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
    map: &OffsetMap,
    range: Range<usize>,
    o: TagOptions,
) -> Option<Range<usize>> {
    let (mut s, mut e) = (range.start, range.end.min(map.len_chars()));
    if s >= e {
        return None;
    }
    let slice = map.slice(text, s, e)?;
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
        let (bs, be) = (map.cp_to_byte(s)?, map.cp_to_byte(e)?);
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
        s = map.byte_to_cp(ns)?;
        e = map.byte_to_cp(ne)?;
    }
    (s < e).then_some(s..e)
}

fn set_of<'p>(p: &'p Project, key: &SetKey) -> Option<&'p AnnotationSet> {
    p.set(&key.annotator, &key.document)
}

/// Tags `range` with `label` in the set `key` (creating the set if needed).
pub fn tag(
    p: &Project,
    key: &SetKey,
    range: Range<usize>,
    label: &str,
    o: TagOptions,
) -> Result<Command, String> {
    let doc = p
        .document(&key.document)
        .ok_or_else(|| format!("no document \"{}\"", key.document))?;
    if p.schema.label(label).is_none() {
        return Err(format!("no label \"{label}\" in the schema"));
    }
    let map = OffsetMap::new(&doc.text);
    let r = adjust_range(&doc.text, &map, range, o).ok_or("the selection holds no text to tag")?;
    let mut ops = Vec::new();
    let set = match set_of(p, key) {
        Some(s) => s.clone(),
        None => {
            let s = AnnotationSet::new(&key.annotator, &key.document);
            ops.push(Op::InsertSet(s.clone()));
            s
        }
    };
    if set
        .spans
        .iter()
        .any(|s| s.start == r.start && s.end == r.end && s.label == label)
    {
        return Err("this text already has this label".into());
    }
    let text = map
        .slice(&doc.text, r.start, r.end)
        .unwrap_or_default()
        .to_string();
    let span = Span::new(set.fresh_id("s"), r.start, r.end, label, text);
    ops.push(Op::InsertSpan(key.clone(), span));
    Ok(Command::new(format!("Tag {label}"), ops))
}

/// Tags every range in `ranges` not already tagged with `label`: one undo step.
pub fn tag_all(
    p: &Project,
    key: &SetKey,
    ranges: &[Range<usize>],
    label: &str,
) -> Result<Command, String> {
    let doc = p
        .document(&key.document)
        .ok_or_else(|| format!("no document \"{}\"", key.document))?;
    let map = OffsetMap::new(&doc.text);
    let mut ops = Vec::new();
    let mut set = match set_of(p, key) {
        Some(s) => s.clone(),
        None => {
            let s = AnnotationSet::new(&key.annotator, &key.document);
            ops.push(Op::InsertSet(s.clone()));
            s
        }
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
            .ok_or("match out of range")?
            .to_string();
        let span = Span::new(set.fresh_id("s"), r.start, r.end, label, text);
        set.spans.push(span.clone());
        ops.push(Op::InsertSpan(key.clone(), span));
    }
    if ops.iter().all(|o| matches!(o, Op::InsertSet(_))) {
        return Err("every match is already tagged with this label".into());
    }
    Ok(Command::new(format!("Tag all matches as {label}"), ops))
}

/// Deletes a span and the relations that touch it.
pub fn delete_span(p: &Project, key: &SetKey, id: &str) -> Result<Command, String> {
    let set = set_of(p, key).ok_or("no annotation set")?;
    let span = set.span(id).ok_or_else(|| format!("no span \"{id}\""))?;
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
) -> Result<Command, String> {
    let set = set_of(p, key).ok_or("no annotation set")?;
    let before = set
        .span(id)
        .ok_or_else(|| format!("no span \"{id}\""))?
        .clone();
    let mut after = before.clone();
    f(&mut after);
    if after == before {
        return Err("nothing changed".into());
    }
    Ok(Command::single(
        name,
        Op::ReplaceSpan {
            set: key.clone(),
            before,
            after,
        },
    ))
}

/// Moves a span's bounds, keeping its stored text in step with the document.
pub fn set_bounds(
    p: &Project,
    key: &SetKey,
    id: &str,
    range: Range<usize>,
) -> Result<Command, String> {
    let doc = p.document(&key.document).ok_or("no document")?;
    let map = OffsetMap::new(&doc.text);
    if range.start >= range.end || range.end > map.len_chars() {
        return Err("a span must cover at least one character of the document".into());
    }
    let text = map
        .slice(&doc.text, range.start, range.end)
        .unwrap_or_default()
        .to_string();
    update_span(p, key, id, "Move span bounds", |s| {
        s.start = range.start;
        s.end = range.end;
        s.text = text;
    })
}

/// Adds a relation of `kind` from span `from` to span `to`, checking the schema.
pub fn relate(
    p: &Project,
    key: &SetKey,
    kind: &str,
    from: &str,
    to: &str,
) -> Result<Command, String> {
    let set = set_of(p, key).ok_or("no annotation set")?;
    let (f, t) = (
        set.span(from)
            .ok_or_else(|| format!("no span \"{from}\""))?,
        set.span(to).ok_or_else(|| format!("no span \"{to}\""))?,
    );
    if from == to {
        return Err("a relation needs two different spans".into());
    }
    let rt = p
        .schema
        .relation_type(kind)
        .ok_or_else(|| format!("no relation type \"{kind}\""))?;
    if !rt.allows(&f.label, &t.label) {
        return Err(format!(
            "\"{}\" does not go from a {} to a {}",
            rt.name, f.label, t.label
        ));
    }
    if set
        .relations
        .iter()
        .any(|r| r.kind == kind && r.from == from && r.to == to)
    {
        return Err("this relation exists already".into());
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
fn word_ranges(text: &str, map: &OffsetMap) -> Vec<Range<usize>> {
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
) -> Result<Command, String> {
    let doc = p.document(&key.document).ok_or("no document")?;
    let set = set_of(p, key).ok_or("no annotation set")?;
    let span = set.span(id).ok_or_else(|| format!("no span \"{id}\""))?;
    let r = nudge_range(&doc.text, span.start..span.end, end, grow)?;
    set_bounds(p, key, id, r)
}

/// A code point range with one end moved by one word (see [`nudge_bounds`]).
pub fn nudge_range(
    text: &str,
    range: Range<usize>,
    end: SpanEnd,
    grow: bool,
) -> Result<Range<usize>, String> {
    let map = OffsetMap::new(text);
    let words = word_ranges(text, &map);
    let (mut s, mut e) = (range.start, range.end);
    match (end, grow) {
        (SpanEnd::End, true) => {
            e = words
                .iter()
                .find(|w| w.end > e)
                .map(|w| w.end)
                .ok_or("no word after the span")?
        }
        (SpanEnd::End, false) => {
            e = words
                .iter()
                .rev()
                .find(|w| w.end < e && w.end > s)
                .map(|w| w.end)
                .ok_or("the span is a single word")?
        }
        (SpanEnd::Start, true) => {
            s = words
                .iter()
                .rev()
                .find(|w| w.start < s)
                .map(|w| w.start)
                .ok_or("no word before the span")?
        }
        (SpanEnd::Start, false) => {
            s = words
                .iter()
                .find(|w| w.start > s && w.start < e)
                .map(|w| w.start)
                .ok_or("the span is a single word")?
        }
    }
    Ok(s..e)
}

/// A fresh entity id not used in the project.
fn fresh_entity_id(p: &Project) -> String {
    let mut n = p.entities.len() + 1;
    loop {
        let id = format!("e{n}");
        if p.entity(&id).is_none() {
            return id;
        }
        n += 1;
    }
}

/// Creates an entity named after a span's text and links the span to it.
pub fn create_entity_from_span(
    p: &Project,
    key: &SetKey,
    span_id: &str,
) -> Result<Command, String> {
    let set = set_of(p, key).ok_or("no annotation set")?;
    let span = set
        .span(span_id)
        .ok_or_else(|| format!("no span \"{span_id}\""))?;
    let entity = super::Entity {
        id: fresh_entity_id(p),
        label: span.label.clone(),
        name: span.text.clone(),
        aliases: Vec::new(),
    };
    let mut after = span.clone();
    after.entity = Some(entity.id.clone());
    Ok(Command::new(
        "Create entity",
        vec![
            Op::InsertEntity(entity),
            Op::ReplaceSpan {
                set: key.clone(),
                before: span.clone(),
                after,
            },
        ],
    ))
}

/// Links a span to an existing entity (or unlinks it with `None`).
pub fn link_entity(
    p: &Project,
    key: &SetKey,
    span_id: &str,
    entity: Option<&str>,
) -> Result<Command, String> {
    if let Some(e) = entity
        && p.entity(e).is_none()
    {
        return Err(format!("no entity \"{e}\""));
    }
    update_span(
        p,
        key,
        span_id,
        if entity.is_some() {
            "Link entity"
        } else {
            "Unlink entity"
        },
        |s| s.entity = entity.map(str::to_string),
    )
}

/// Merges entity `gone` into `keep`: every mention of `gone` (in every set) now points
/// to `keep`, whose aliases gain `gone`'s name and aliases; `gone` is removed.
pub fn merge_entities(p: &Project, keep: &str, gone: &str) -> Result<Command, String> {
    if keep == gone {
        return Err("choose two different entities".into());
    }
    let k = p
        .entity(keep)
        .ok_or_else(|| format!("no entity \"{keep}\""))?;
    let g = p
        .entity(gone)
        .ok_or_else(|| format!("no entity \"{gone}\""))?;
    let mut ops = Vec::new();
    for set in &p.sets {
        let key = SetKey::new(&set.annotator, &set.document);
        for s in set
            .spans
            .iter()
            .filter(|s| s.entity.as_deref() == Some(gone))
        {
            let mut after = s.clone();
            after.entity = Some(keep.to_string());
            ops.push(Op::ReplaceSpan {
                set: key.clone(),
                before: s.clone(),
                after,
            });
        }
    }
    let mut merged = k.clone();
    for a in std::iter::once(&g.name).chain(&g.aliases) {
        if *a != merged.name && !merged.aliases.contains(a) {
            merged.aliases.push(a.clone());
        }
    }
    ops.push(Op::ReplaceEntity {
        before: k.clone(),
        after: merged,
    });
    ops.push(Op::RemoveEntity(g.clone()));
    Ok(Command::new(
        format!("Merge {} into {}", g.name, k.name),
        ops,
    ))
}

/// Marks a document done (or not) for an annotator, creating the empty set if needed.
pub fn set_done(p: &Project, key: &SetKey, done: bool) -> Result<Command, String> {
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
        return Err("nothing changed".into());
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

/// Replaces the schema with `new`, applying `renames` (old label id → new id) to every
/// span and entity, and relabelling spans of removed labels to `relabel[old]` (spans
/// of a removed label with no relabel target make the edit fail: the caller asks first).
/// One undoable step.
pub fn change_schema(
    p: &Project,
    new: super::LabelSchema,
    renames: &std::collections::BTreeMap<String, String>,
    relabel: &std::collections::BTreeMap<String, String>,
) -> Result<Command, String> {
    let mut ids = std::collections::HashSet::new();
    for l in &new.labels {
        if l.id.trim().is_empty() {
            return Err("a label needs an id".into());
        }
        if !ids.insert(l.id.as_str()) {
            return Err(format!("two labels have the id \"{}\"", l.id));
        }
        if super::schema::parse_color(&l.color).is_none() {
            return Err(format!("label \"{}\": colour must be #RRGGBB", l.id));
        }
    }
    let target = |old: &str| -> Result<Option<String>, String> {
        let mapped = renames.get(old).cloned().unwrap_or_else(|| old.to_string());
        if new.label(&mapped).is_some() {
            return Ok((mapped != old).then_some(mapped));
        }
        match relabel.get(old) {
            Some(t) if new.label(t).is_some() => Ok(Some(t.clone())),
            _ => Err(format!(
                "label \"{old}\" is in use and was removed: choose a label to give its spans"
            )),
        }
    };
    let mut ops = Vec::new();
    for set in &p.sets {
        let key = SetKey::new(&set.annotator, &set.document);
        for s in &set.spans {
            if let Some(l) = target(&s.label)? {
                let mut after = s.clone();
                after.label = l;
                ops.push(Op::ReplaceSpan {
                    set: key.clone(),
                    before: s.clone(),
                    after,
                });
            }
        }
    }
    for e in &p.entities {
        if let Some(l) = target(&e.label)? {
            let mut after = e.clone();
            after.label = l;
            ops.push(Op::ReplaceEntity {
                before: e.clone(),
                after,
            });
        }
    }
    if new != p.schema {
        ops.push(Op::ReplaceSchema {
            before: p.schema.clone(),
            after: new,
        });
    }
    if ops.is_empty() {
        return Err("nothing changed".into());
    }
    Ok(Command::new("Edit label schema", ops))
}

/// How many spans (across all sets) carry each label.
pub fn label_usage(p: &Project) -> std::collections::HashMap<String, usize> {
    let mut m = std::collections::HashMap::new();
    for set in &p.sets {
        for s in &set.spans {
            *m.entry(s.label.clone()).or_insert(0) += 1;
        }
    }
    m
}

/// Mentions of each entity across all documents and sets.
pub fn entity_mentions(p: &Project) -> std::collections::HashMap<String, usize> {
    let mut m = std::collections::HashMap::new();
    for set in &p.sets {
        for s in &set.spans {
            if let Some(e) = &s.entity {
                *m.entry(e.clone()).or_insert(0) += 1;
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, LabelSchema, history::apply};

    const TEXT: &str = "قال «خليفة حفتر»، إن قواته في درنة.";

    fn project() -> Project {
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents.push(Document::new("d", "t", TEXT));
        p
    }

    fn range_of(s: &str) -> Range<usize> {
        let b = TEXT.find(s).unwrap();
        let start = TEXT[..b].chars().count();
        start..start + s.chars().count()
    }

    #[test]
    fn trims_quotes_commas_and_spaces() {
        let m = OffsetMap::new(TEXT);
        let sel = range_of(" «خليفة حفتر»، ");
        let r = adjust_range(TEXT, &m, sel.clone(), TagOptions::default()).unwrap();
        assert_eq!(m.slice(TEXT, r.start, r.end), Some("خليفة حفتر"));
        let keep = TagOptions {
            trim_punctuation: false,
            snap_to_words: false,
        };
        let r = adjust_range(TEXT, &m, sel, keep).unwrap();
        assert_eq!(m.slice(TEXT, r.start, r.end), Some("«خليفة حفتر»،"));
    }

    #[test]
    fn snaps_to_whole_words_keeping_clitics() {
        let m = OffsetMap::new(TEXT);
        // Start in the middle of «قواته», end in the middle of «درنة».
        let w = range_of("واته في در");
        let r = adjust_range(TEXT, &m, w.clone(), TagOptions::default()).unwrap();
        assert_eq!(m.slice(TEXT, r.start, r.end), Some("قواته في درنة"));
        let off = TagOptions {
            snap_to_words: false,
            ..TagOptions::default()
        };
        let r = adjust_range(TEXT, &m, w, off).unwrap();
        assert_eq!(m.slice(TEXT, r.start, r.end), Some("واته في در"));
    }

    #[test]
    fn whitespace_only_selection_is_refused() {
        let p = project();
        let key = SetKey::new("a", "d");
        let sp = range_of("، ");
        assert!(tag(&p, &key, sp, "actor", TagOptions::default()).is_err());
    }

    #[test]
    fn tag_creates_set_and_delete_removes_relations() {
        let mut p = project();
        let key = SetKey::new("a", "d");
        let c = tag(
            &p,
            &key,
            range_of("خليفة حفتر"),
            "actor",
            TagOptions::default(),
        )
        .unwrap();
        apply(&mut p, &c).unwrap();
        let c = tag(
            &p,
            &key,
            range_of("إن قواته في درنة"),
            "claim",
            TagOptions::default(),
        )
        .unwrap();
        apply(&mut p, &c).unwrap();
        let set = p.set("a", "d").unwrap();
        let actor = set
            .spans
            .iter()
            .find(|s| s.label == "actor")
            .unwrap()
            .id
            .clone();
        let claim = set
            .spans
            .iter()
            .find(|s| s.label == "claim")
            .unwrap()
            .id
            .clone();
        assert!(
            relate(&p, &key, "said_by", &actor, &claim).is_err(),
            "said_by goes claim → actor"
        );
        let c = relate(&p, &key, "said_by", &claim, &actor).unwrap();
        apply(&mut p, &c).unwrap();
        assert_eq!(p.set("a", "d").unwrap().relations.len(), 1);
        let c = delete_span(&p, &key, &actor).unwrap();
        apply(&mut p, &c).unwrap();
        let set = p.set("a", "d").unwrap();
        assert!(set.relations.is_empty());
        assert_eq!(set.spans.len(), 1);
    }

    #[test]
    fn boundaries_move_by_whole_words() {
        let mut p = project();
        let key = SetKey::new("a", "d");
        {
            let c = tag(&p, &key, range_of("قواته"), "actor", TagOptions::default()).unwrap();
            apply(&mut p, &c).unwrap();
        }
        let id = p.set("a", "d").unwrap().spans[0].id.clone();
        let text_of = |p: &Project| p.set("a", "d").unwrap().spans[0].text.clone();
        {
            let c = nudge_bounds(&p, &key, &id, SpanEnd::End, true).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(text_of(&p), "قواته في");
        {
            let c = nudge_bounds(&p, &key, &id, SpanEnd::End, true).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(text_of(&p), "قواته في درنة");
        {
            let c = nudge_bounds(&p, &key, &id, SpanEnd::Start, true).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(text_of(&p), "إن قواته في درنة");
        {
            let c = nudge_bounds(&p, &key, &id, SpanEnd::Start, false).unwrap();
            apply(&mut p, &c).unwrap();
        }
        {
            let c = nudge_bounds(&p, &key, &id, SpanEnd::End, false).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(text_of(&p), "قواته في");
        {
            let c = nudge_bounds(&p, &key, &id, SpanEnd::End, false).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert!(
            nudge_bounds(&p, &key, &id, SpanEnd::End, false).is_err(),
            "never shrinks to nothing"
        );
        assert_eq!(text_of(&p), "قواته");
    }

    #[test]
    fn entities_create_link_merge() {
        let mut p = project();
        let key = SetKey::new("a", "d");
        {
            let c = tag(
                &p,
                &key,
                range_of("خليفة حفتر"),
                "actor",
                TagOptions::default(),
            )
            .unwrap();
            apply(&mut p, &c).unwrap();
        }
        {
            let c = tag(&p, &key, range_of("قواته"), "actor", TagOptions::default()).unwrap();
            apply(&mut p, &c).unwrap();
        }
        let ids: Vec<String> = p
            .set("a", "d")
            .unwrap()
            .spans
            .iter()
            .map(|s| s.id.clone())
            .collect();
        {
            let c = create_entity_from_span(&p, &key, &ids[0]).unwrap();
            apply(&mut p, &c).unwrap();
        }
        {
            let c = create_entity_from_span(&p, &key, &ids[1]).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(p.entities.len(), 2);
        let (e1, e2) = (p.entities[0].id.clone(), p.entities[1].id.clone());
        let before = p.clone();
        {
            let c = merge_entities(&p, &e1, &e2).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.entities[0].aliases, ["قواته"]);
        assert!(
            p.set("a", "d")
                .unwrap()
                .spans
                .iter()
                .all(|s| s.entity.as_deref() == Some(e1.as_str()))
        );
        assert_eq!(entity_mentions(&p)[&e1], 2);
        assert!(
            crate::store::validate(&p).is_empty(),
            "{:?}",
            crate::store::validate(&p)
        );
        // Undo restores both entities and links exactly.
        let cmd = merge_entities(&before, &e1, &e2).unwrap();
        let mut q = before.clone();
        apply(&mut q, &cmd).unwrap();
        apply(&mut q, &cmd.inverse()).unwrap();
        assert_eq!(q, before);
        {
            let c = link_entity(&p, &key, &ids[1], None).unwrap();
            apply(&mut p, &c).unwrap();
        }
        assert_eq!(entity_mentions(&p)[&e1], 1);
    }

    #[test]
    fn schema_rename_keeps_spans_and_removal_needs_a_target() {
        use std::collections::BTreeMap;
        let mut p = project();
        let key = SetKey::new("a", "d");
        {
            let c = tag(
                &p,
                &key,
                range_of("خليفة حفتر"),
                "actor",
                TagOptions::default(),
            )
            .unwrap();
            apply(&mut p, &c).unwrap();
        }
        {
            let c = tag(
                &p,
                &key,
                range_of("درنة"),
                "location",
                TagOptions::default(),
            )
            .unwrap();
            apply(&mut p, &c).unwrap();
        }
        let mut schema = p.schema.clone();
        schema.labels[1].id = "person".into();
        for r in &mut schema.relations {
            for l in r.to.iter_mut().chain(r.from.iter_mut()) {
                if l == "actor" {
                    *l = "person".into();
                }
            }
        }
        let renames = BTreeMap::from([("actor".to_string(), "person".to_string())]);
        let before = p.clone();
        let c = change_schema(&p, schema.clone(), &renames, &BTreeMap::new()).unwrap();
        apply(&mut p, &c).unwrap();
        let labels: Vec<_> = p
            .set("a", "d")
            .unwrap()
            .spans
            .iter()
            .map(|s| s.label.clone())
            .collect();
        assert_eq!(labels, ["person", "location"]);
        assert!(
            crate::store::validate(&p).is_empty(),
            "{:?}",
            crate::store::validate(&p)
        );
        apply(&mut p, &c.inverse()).unwrap();
        assert_eq!(p, before);
        // Removing "location" (in use) needs a relabel target.
        let mut smaller = p.schema.clone();
        smaller.labels.retain(|l| l.id != "location");
        for r in &mut smaller.relations {
            r.to.retain(|l| l != "location");
        }
        assert!(change_schema(&p, smaller.clone(), &BTreeMap::new(), &BTreeMap::new()).is_err());
        let relabel = BTreeMap::from([("location".to_string(), "actor".to_string())]);
        let c = change_schema(&p, smaller, &BTreeMap::new(), &relabel).unwrap();
        apply(&mut p, &c).unwrap();
        assert!(
            p.set("a", "d")
                .unwrap()
                .spans
                .iter()
                .all(|s| s.label == "actor")
        );
        assert_eq!(label_usage(&p)["actor"], 2);
    }
}
