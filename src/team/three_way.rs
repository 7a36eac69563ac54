//! The three-way rules [`super::merge`] applies to every item it merges: a field, a map
//! of names to texts, a list kept as a set, and an item with an id (a span, a relation,
//! an entity, a document) merged field by field. `b` is the common ancestor (absent for
//! an item both sides added), `o` ours, `t` theirs; `None` means both sides changed it
//! differently (a conflict).

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

use crate::model::{
    Attributes, Conflict, ConflictKind, Document, Entity, Project, Relation, Span,
    SuggestionSettings,
};

/// The three-way choice: `Some(version)` when at most one side changed the item (or
/// both the same way), `None` when both changed it differently.
pub(super) fn three<'a, T: PartialEq + ?Sized>(
    b: Option<&'a T>,
    o: Option<&'a T>,
    t: Option<&'a T>,
) -> Option<Option<&'a T>> {
    if o == t || b == t {
        Some(o)
    } else if b == o {
        Some(t)
    } else {
        None
    }
}

/// [`three`] for a field every version has, cloned.
pub(super) fn field<T: PartialEq + Clone>(b: Option<&T>, o: &T, t: &T) -> Option<T> {
    three(b, Some(o), Some(t)).map(|v| v.cloned().unwrap_or_else(|| o.clone()))
}

/// What [`map3`] needs of a map of names to texts: a document's metadata is a
/// `BTreeMap`, a span's attributes are [`Attributes`].
pub(super) trait TextMap: PartialEq + Clone + Default {
    fn names(&self) -> Vec<&String>;
    fn value(&self, name: &str) -> Option<&String>;
    fn set(&mut self, name: String, value: String);
}

impl TextMap for BTreeMap<String, String> {
    fn names(&self) -> Vec<&String> {
        self.keys().collect()
    }
    fn value(&self, name: &str) -> Option<&String> {
        self.get(name)
    }
    fn set(&mut self, name: String, value: String) {
        self.insert(name, value);
    }
}

impl TextMap for Attributes {
    fn names(&self) -> Vec<&String> {
        self.keys().collect()
    }
    fn value(&self, name: &str) -> Option<&String> {
        self.get(name)
    }
    fn set(&mut self, name: String, value: String) {
        self.insert(name, value);
    }
}

/// A map merged key by key; `None` when one key was changed differently on both sides.
pub(super) fn map3<M: TextMap>(b: Option<&M>, o: &M, t: &M) -> Option<M> {
    if o == t || b == Some(t) {
        return Some(o.clone());
    }
    if b == Some(o) {
        return Some(t.clone());
    }
    let mut out = M::default();
    let mut seen = std::collections::BTreeSet::new();
    for k in o.names().into_iter().chain(t.names()) {
        if !seen.insert(k) {
            continue;
        }
        let bv = b.and_then(|b| b.value(k));
        if let Some(v) = three(bv, o.value(k), t.value(k))? {
            out.set(k.clone(), v.clone());
        }
    }
    Some(out)
}

/// A list merged as a set: what either side added is kept, what either removed is gone.
pub(super) fn set3<T: PartialEq + Clone>(b: &[T], o: &[T], t: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for x in o.iter().chain(t) {
        let removed = b.contains(x) && !(o.contains(x) && t.contains(x));
        if !removed && !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// Position of each item by id.
pub(super) fn index<T: Keyed>(xs: &[T]) -> HashMap<&str, usize> {
    let mut m = HashMap::with_capacity(xs.len());
    for (i, x) in xs.iter().enumerate() {
        m.insert(x.id(), i);
    }
    m
}

/// Something merged by id.
pub(super) trait Keyed: Clone + PartialEq + Serialize {
    const KIND: ConflictKind;
    /// Added on both sides with different content: keep both, renaming theirs.
    const RENAME_NEW: bool;
    fn id(&self) -> &str;
    fn with_id(&self, id: &str) -> Self;
    /// The field-by-field merge of versions both sides changed (`b` absent: both
    /// added); `None` when a field was changed differently.
    fn fields(b: Option<&Self>, o: &Self, t: &Self) -> Option<Self>;
    /// A key under which an addition equal to another side's (but for the id) is found.
    fn content_key(&self) -> Option<String> {
        None
    }
}

impl Keyed for Span {
    const KIND: ConflictKind = ConflictKind::Span;
    const RENAME_NEW: bool = true;
    fn id(&self) -> &str {
        &self.id
    }
    fn with_id(&self, id: &str) -> Self {
        Span {
            id: id.to_string(),
            ..self.clone()
        }
    }
    fn fields(b: Option<&Self>, o: &Self, t: &Self) -> Option<Self> {
        let bounds = |s: &Span| (s.start, s.end, s.text.clone());
        let (start, end, text) = field(b.map(bounds).as_ref(), &bounds(o), &bounds(t))?;
        Some(Span {
            id: o.id.clone(),
            start,
            end,
            text,
            label: field(b.map(|b| &b.label), &o.label, &t.label)?,
            attributes: map3(b.map(|b| &b.attributes), &o.attributes, &t.attributes)?,
            entity: field(b.map(|b| &b.entity), &o.entity, &t.entity)?,
            note: field(b.map(|b| &b.note), &o.note, &t.note)?,
            provenance: field(b.map(|b| &b.provenance), &o.provenance, &t.provenance)?,
            origin: field(b.map(|b| &b.origin), &o.origin, &t.origin)?,
        })
    }
    fn content_key(&self) -> Option<String> {
        Some(format!("{}:{}:{}", self.start, self.end, self.label))
    }
}

impl Keyed for Relation {
    const KIND: ConflictKind = ConflictKind::Relation;
    const RENAME_NEW: bool = true;
    fn id(&self) -> &str {
        &self.id
    }
    fn with_id(&self, id: &str) -> Self {
        Relation {
            id: id.to_string(),
            ..self.clone()
        }
    }
    fn fields(_: Option<&Self>, _: &Self, _: &Self) -> Option<Self> {
        None
    }
    fn content_key(&self) -> Option<String> {
        Some(format!("{}\u{0}{}\u{0}{}", self.kind, self.from, self.to))
    }
}

impl Keyed for Entity {
    const KIND: ConflictKind = ConflictKind::Entity;
    const RENAME_NEW: bool = true;
    fn id(&self) -> &str {
        &self.id
    }
    fn with_id(&self, id: &str) -> Self {
        Entity {
            id: id.to_string(),
            ..self.clone()
        }
    }
    fn fields(b: Option<&Self>, o: &Self, t: &Self) -> Option<Self> {
        let b = b?;
        Some(Entity {
            id: o.id.clone(),
            label: field(Some(&b.label), &o.label, &t.label)?,
            name: field(Some(&b.name), &o.name, &t.name)?,
            aliases: set3(&b.aliases, &o.aliases, &t.aliases),
        })
    }
}

impl Keyed for Document {
    const KIND: ConflictKind = ConflictKind::Document;
    // Document ids come from the text's hash: one id on both sides is one article.
    const RENAME_NEW: bool = false;
    fn id(&self) -> &str {
        &self.id
    }
    fn with_id(&self, id: &str) -> Self {
        Document {
            id: id.to_string(),
            ..self.clone()
        }
    }
    fn fields(b: Option<&Self>, o: &Self, t: &Self) -> Option<Self> {
        if o.text != t.text {
            return None;
        }
        Some(Document {
            id: o.id.clone(),
            title: field(b.map(|b| &b.title), &o.title, &t.title)?,
            source: field(b.map(|b| &b.source), &o.source, &t.source)?,
            text: o.text.clone(),
            text_sha256: o.text_sha256.clone(),
            meta: map3(b.map(|b| &b.meta), &o.meta, &t.meta)?,
        })
    }
}

/// Schema entries by id (ours' order, then theirs' new ones); true when one was changed
/// differently on both sides (ours' version is kept).
pub(super) fn defs<T: Clone + PartialEq>(
    b: &[T],
    o: &[T],
    t: &[T],
    id: impl Fn(&T) -> &String,
) -> (Vec<T>, bool) {
    let find = |xs: &[T], k: &String| xs.iter().find(|x| id(x) == k).cloned();
    let mut out = Vec::new();
    let mut conflict = false;
    let order = o
        .iter()
        .map(&id)
        .chain(t.iter().map(&id).filter(|k| find(o, k).is_none()));
    for k in order {
        let (bv, ov, tv) = (find(b, k), find(o, k), find(t, k));
        match three(bv.as_ref(), ov.as_ref(), tv.as_ref()) {
            Some(v) => out.extend(v.cloned()),
            None => {
                conflict = true;
                out.extend(ov);
            }
        }
    }
    (out, conflict)
}

/// Recorded conflicts of the three sides merged by id (ours when both changed one).
pub(super) fn earlier_conflicts(b: &Project, o: &Project, t: &Project) -> Vec<Conflict> {
    fn find<'p>(p: &'p Project, id: &str) -> Option<&'p Conflict> {
        p.conflicts.iter().find(|c| c.id == id)
    }
    let mut out: Vec<Conflict> = Vec::new();
    for c in o.conflicts.iter().chain(&t.conflicts) {
        if out.iter().any(|x| x.id == c.id) {
            continue;
        }
        let (bv, ov, tv) = (find(b, &c.id), find(o, &c.id), find(t, &c.id));
        match three(bv, ov, tv) {
            Some(v) => out.extend(v.cloned()),
            None => out.extend(ov.cloned()),
        }
    }
    out
}

/// The suggestion settings: a switch or gazetteer changed on one side only takes that
/// side's value (ours when both changed it); rejections of both sides are kept (a place
/// someone rejected stays rejected).
pub(super) fn merge_suggestion_settings(
    base: &Project,
    ours: &Project,
    theirs: &Project,
) -> SuggestionSettings {
    let (b, o, t) = (&base.suggestions, &ours.suggestions, &theirs.suggestions);
    fn pick<T: PartialEq + Clone>(bv: &T, ov: &T, tv: &T) -> T {
        if ov == bv { tv.clone() } else { ov.clone() }
    }
    let mut rejected = o.rejected.clone();
    for r in &t.rejected {
        if !rejected.iter().any(|x| x.key() == r.key()) {
            rejected.push(r.clone());
        }
    }
    rejected.sort_by(|x, y| x.key().cmp(&y.key()));
    SuggestionSettings {
        enabled: pick(&b.enabled, &o.enabled, &t.enabled),
        gazetteer: pick(&b.gazetteer, &o.gazetteer, &t.gazetteer),
        rejected,
    }
}
