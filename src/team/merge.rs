//! A structural three-way merge of project files, and the git merge driver built on it
//! (`hashiya merge BASE OURS THEIRS`, git's `%O %A %B`).
//!
//! [`merge`] matches items by id, never by position or text: the project name, the
//! schema (labels and relation types by id), documents, entities, annotation sets (by
//! annotator and document) and, inside a set, spans and relations. For each item, with
//! `b`, `o`, `t` its versions in the base, ours and theirs (absent = deleted or not
//! made yet):
//!
//! - `o == t`: that (both made the same change, or neither changed it);
//! - `b == o`: theirs (only theirs changed, added or deleted it); `b == t`: ours;
//! - otherwise both changed it differently, and the rules below apply.
//!
//! # Rules when both sides changed an item
//!
//! - **Added on both sides under one id, with different content** (a span, relation
//!   or entity: both sides made the same fresh id): both are kept; theirs gets a new id
//!   `<id>-<n>` (recorded in [`MergeOutcome::renamed`]) and theirs' relations and
//!   entity links follow the rename. This is not a conflict.
//! - **The same thing added on both sides under different ids** (a span with equal
//!   bounds, label, attributes, note and link; a relation with equal type and ends) is
//!   kept once, under ours' id; theirs' relations follow. Entities are never merged by
//!   content: two people's "درنة" may be two places (merge them in the entity panel).
//! - **Spans** merge field by field: bounds (start, end and text together), label,
//!   entity link, note and provenance each take the side that changed them;
//!   attributes merge per name (one side set `kind`, the other `note`: both). Two
//!   different changes to the same field or attribute are a conflict.
//! - **Entities**: label and name field by field; aliases as a set (an alias either
//!   side added is kept, one either side removed is removed).
//! - **Documents**: title and source field by field, metadata per key; the text
//!   never changes (two texts under one id are a conflict).
//! - **Relations**, the **name**, and one **label or relation type** of the schema:
//!   two different changes are a conflict (the schema merges label by label, so each
//!   side may add labels).
//! - **Deleted on one side and changed on the other**: a conflict.
//! - **A set's fields**: `done` takes the side that changed it (so it is true when
//!   either side marked a new document done, false when either unmarked it);
//!   `modified_by` and `copied_from` take the side that changed them, ours when both
//!   did. A set deleted on one side and changed on the other merges as if the deleting
//!   side had emptied it (its spans deleted, each one a conflict if the other side
//!   changed it), and is kept.
//! - **The assignment plan**: the side that changed it, ours when both did.
//! - **Recorded conflicts** (from an earlier merge): by id as above (one resolved on
//!   one side and untouched on the other is resolved), ours when both changed one; a
//!   conflict this merge finds on the same item replaces the old one.
//!
//! A **conflict** never loses a side: the project keeps ours' version of the item (or
//! none, when ours deleted it) and a [`Conflict`] records the base, ours and theirs as
//! JSON, with `sources` naming the two sides. Its id is `kind/annotator/document/item`
//! (`span/amal/doc-1/s4`, `entity/e-amal-1`, `document/doc-1`, `schema`, `name`), so a
//! merge of the same files gives the same ids. For the schema the three values are
//! the whole schemas; the project holds the label-by-label merge with ours' version of
//! the labels both sides changed.
//!
//! # What the result always is
//!
//! A valid project ([`crate::store::validate`] finds no errors). Something the merged
//! project still needs is kept even if a side deleted it, and recorded as a conflict:
//! a span a kept relation points at (a span deleted on one side and untouched on the
//! other is otherwise deleted), an entity a kept span links to, a document a kept set
//! annotates, a label or relation type still in use.
//!
//! Merging a side with itself, or with an unchanged base, gives that side exactly
//! (ours when `ours == theirs` or `theirs == base`, theirs when `ours == base`).
//!
//! # Resolving
//!
//! [`resolve_conflict`] builds one undoable [`Command`] that puts the chosen version
//! in place (inserting, replacing or removing the item; removing a span removes the
//! relations that point at it) and removes the conflict. It refuses a choice that
//! would leave the project invalid, naming what is in the way.
//!
//! # Documents
//!
//! Before merging, theirs' and the base's documents are matched to ours' by their text
//! ([`super::doc_match`]): the same text under another id is ours' document; another
//! text under one of ours' ids is another document, kept under a fresh id `<id>~2`
//! (recorded in [`MergeOutcome::renamed`]), its sets following it.
//!
//! # Without a base
//!
//! [`merge_without_base`] merges two sides with no common ancestor (git's empty base
//! when the file was added on both branches). Nothing tells an addition from a
//! deletion or a change then, so it is conservative: an item on one side only is kept
//! (a span one side deleted comes back, never one side's work lost); an item on both
//! sides with the same content is kept once (or under ours' id when theirs has it under
//! another); the same id with different content on the two sides is a conflict (ours
//! kept, both recorded), never two items.
//!
//! The git driver around it is in [`super::driver`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use serde::Serialize;
use serde_json::Value;

use crate::model::history::SetKey;
use crate::model::{
    AnnotationSet, Conflict, ConflictKind, Document, Entity, LabelDef, LabelSchema, Project,
    Relation, Span,
};

use super::three_way::{
    Keyed, defs, earlier_conflicts, field, index, merge_suggestion_settings, three,
};

/// What [`merge`] made.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    /// The merged project (canonical order), holding ours' version of each conflict.
    pub project: Project,
    /// How many conflicts this merge recorded in the project.
    pub conflicts: usize,
    /// Theirs' items that got a new id because ours added another item under the same id.
    pub renamed: Vec<Renamed>,
}

/// One of theirs' items renamed by the merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// `Span`, `Relation` or `Entity`.
    pub kind: ConflictKind,
    /// The set of a span or relation.
    pub set: Option<SetKey>,
    pub from: String,
    pub to: String,
}

/// Merges `ours` and `theirs`, both descended from `base` (see the module doc).
/// `sources` names ours and theirs (file names, branches) in recorded conflicts.
pub fn merge(
    base: &Project,
    ours: &Project,
    theirs: &Project,
    sources: (&str, &str),
) -> MergeOutcome {
    merge_sides(Some(base), ours, theirs, sources)
}

/// Merges `ours` and `theirs` that have no common ancestor (the file was added on both
/// sides: git passes an empty base), conservatively (see "Without a base" in the module
/// doc): what one side has is kept, what both have differently is a conflict.
pub fn merge_without_base(ours: &Project, theirs: &Project, sources: (&str, &str)) -> MergeOutcome {
    merge_sides(None, ours, theirs, sources)
}

fn merge_sides(
    base: Option<&Project>,
    ours: &Project,
    theirs: &Project,
    sources: (&str, &str),
) -> MergeOutcome {
    let no_base = base.is_none();
    let empty = Project::new(
        "",
        LabelSchema {
            labels: Vec::new(),
            relations: Vec::new(),
        },
    );
    let matched = super::doc_match::match_documents(base.unwrap_or(&empty), ours, theirs);
    let (base, theirs) = (&*matched.base, &*matched.theirs);
    let same = |p: &Project| MergeOutcome {
        project: p.clone(),
        conflicts: 0,
        renamed: matched.renamed.clone(),
    };
    if ours == theirs || (!no_base && theirs == base) {
        return same(ours);
    }
    if !no_base && ours == base {
        return same(theirs);
    }
    let mut m = Merger {
        sources: BTreeMap::from([
            ("ours".to_string(), sources.0.to_string()),
            ("theirs".to_string(), sources.1.to_string()),
        ]),
        conflicts: BTreeMap::new(),
        renamed: matched.renamed.clone(),
        no_base,
    };
    let name = match three(Some(&base.name), Some(&ours.name), Some(&theirs.name)) {
        Some(n) => n.cloned().unwrap_or_default(),
        None => {
            m.record(
                ConflictKind::Name,
                None,
                "",
                (!no_base).then_some(&base.name),
                Some(&ours.name),
                Some(&theirs.name),
            );
            ours.name.clone()
        }
    };
    let schema = m.schema(&base.schema, &ours.schema, &theirs.schema);
    let (entities, entity_renames) = m.entities(base, ours, theirs);
    let documents = m.documents(base, ours, theirs);
    let sets = m.sets(base, ours, theirs, &entity_renames);
    let assignment = match three(
        base.assignment.as_ref(),
        ours.assignment.as_ref(),
        theirs.assignment.as_ref(),
    ) {
        Some(a) => a.cloned(),
        None => ours.assignment.clone(),
    };
    let mut project = Project {
        name,
        schema,
        documents,
        entities,
        sets,
        assignment,
        conflicts: earlier_conflicts(base, ours, theirs),
        suggestions: merge_suggestion_settings(base, ours, theirs),
    };
    let sides = Sides {
        base,
        ours,
        theirs,
        entity_renames: &entity_renames,
    };
    m.keep_alive(&mut project, &sides);
    let conflicts = m.conflicts.len();
    let new_ids: HashSet<&str> = m.conflicts.keys().map(String::as_str).collect();
    project
        .conflicts
        .retain(|c| !new_ids.contains(c.id.as_str()));
    project.conflicts.extend(m.conflicts.into_values());
    project.canonicalize();
    MergeOutcome {
        project,
        conflicts,
        renamed: m.renamed,
    }
}

/// Ids in use in one scope (a set's spans and relations, or the entities), for new ids
/// that take none of them.
struct Ids<'a> {
    taken: HashSet<&'a str>,
    made: HashSet<String>,
}

impl<'a> Ids<'a> {
    fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        Ids {
            taken: ids.collect(),
            made: HashSet::new(),
        }
    }

    /// `<id>-2`, `<id>-3`, … whichever is free first.
    fn fresh(&mut self, id: &str) -> String {
        (2..)
            .map(|n| format!("{id}-{n}"))
            .find(|c| !self.taken.contains(c.as_str()) && !self.made.contains(c))
            .inspect(|c| {
                self.made.insert(c.clone());
            })
            .unwrap_or_default()
    }
}

/// The three projects, for the pass that keeps what the result still needs.
struct Sides<'a> {
    base: &'a Project,
    ours: &'a Project,
    theirs: &'a Project,
    entity_renames: &'a HashMap<String, String>,
}

struct Merger {
    sources: BTreeMap<String, String>,
    /// Conflicts found by this merge, by id.
    conflicts: BTreeMap<String, Conflict>,
    renamed: Vec<Renamed>,
    /// No common ancestor: both sides' versions of an item are additions.
    no_base: bool,
}

/// A conflict id part, with `/` (the separator) and `%` escaped.
fn id_part(s: &str) -> String {
    s.replace('%', "%25").replace('/', "%2F")
}

/// The stable id of the conflict on an item (see the module doc).
pub fn conflict_id(kind: ConflictKind, set: Option<&SetKey>, item: &str) -> String {
    let kind_name = match kind {
        ConflictKind::Span => "span",
        ConflictKind::Relation => "relation",
        ConflictKind::Entity => "entity",
        ConflictKind::Schema => "schema",
        ConflictKind::Document => "document",
        ConflictKind::Name => "name",
    };
    let mut id = kind_name.to_string();
    if let Some(k) = set {
        id.push('/');
        id.push_str(&id_part(&k.annotator));
        id.push('/');
        id.push_str(&id_part(&k.document));
    }
    if !item.is_empty() {
        id.push('/');
        id.push_str(&id_part(item));
    }
    id
}

fn json<T: Serialize + ?Sized>(x: Option<&T>) -> Option<Value> {
    x.and_then(|x| serde_json::to_value(x).ok())
}

impl Merger {
    /// Records a conflict (the first one recorded on an item stays).
    fn record<T: Serialize + ?Sized>(
        &mut self,
        kind: ConflictKind,
        set: Option<&SetKey>,
        item: &str,
        b: Option<&T>,
        o: Option<&T>,
        t: Option<&T>,
    ) {
        let id = conflict_id(kind, set, item);
        if self.conflicts.contains_key(&id) {
            return;
        }
        let c = Conflict {
            id: id.clone(),
            kind,
            annotator: set.map(|k| k.annotator.clone()),
            document: set.map(|k| k.document.clone()),
            item: item.to_string(),
            base: json(b),
            ours: json(o),
            theirs: json(t),
            sources: self.sources.clone(),
        };
        self.conflicts.insert(id, c);
    }

    /// Merges a list of items by id (ours' order, then theirs' additions). Returns the
    /// merged items and theirs' ids that changed (renamed, or found equal to ours'
    /// addition under another id).
    fn items<T: Keyed>(
        &mut self,
        set: Option<&SetKey>,
        b: &[T],
        o: &[T],
        t: &[T],
        ids: &mut Ids,
    ) -> (Vec<T>, HashMap<String, String>) {
        let (bm, om, tm) = (index(b), index(o), index(t));
        fn get<'x, T>(xs: &'x [T], m: &HashMap<&str, usize>, id: &str) -> Option<&'x T> {
            m.get(id).map(|&i| &xs[i])
        }
        // Ours' additions by content, to find theirs' equal additions under another id.
        let mut added: HashMap<String, usize> = HashMap::new();
        for (i, x) in o.iter().enumerate() {
            if !bm.contains_key(x.id())
                && let Some(k) = x.content_key()
            {
                added.entry(k).or_insert(i);
            }
        }
        let mut out = Vec::with_capacity(o.len().max(t.len()));
        let mut renames = HashMap::new();
        let order = o
            .iter()
            .map(|x| x.id())
            .chain(t.iter().map(|x| x.id()).filter(|id| !om.contains_key(*id)));
        for id in order {
            let (bv, ov, tv) = (get(b, &bm, id), get(o, &om, id), get(t, &tm, id));
            if ov == tv {
                out.extend(ov.cloned());
                continue;
            }
            if bv.is_none()
                && let Some(tv) = tv
                && let Some(same) = tv
                    .content_key()
                    .and_then(|k| added.get(&k))
                    .map(|&i| &o[i])
                    .filter(|same| tv.with_id(same.id()) == **same)
            {
                // The same addition on both sides under different ids: keep ours'.
                renames.insert(id.to_string(), same.id().to_string());
                out.extend(ov.cloned());
                continue;
            }
            match (bv, ov, tv) {
                _ if bv == ov => out.extend(tv.cloned()),
                _ if bv == tv => out.extend(ov.cloned()),
                // No base: the same id with two contents is a conflict.
                (None, Some(ov), Some(tv)) if self.no_base => {
                    self.record(T::KIND, set, id, None, Some(ov), Some(tv));
                    out.push(ov.clone());
                }
                (None, Some(ov), Some(tv)) if T::RENAME_NEW => {
                    let new = ids.fresh(id);
                    out.push(ov.clone());
                    out.push(tv.with_id(&new));
                    renames.insert(id.to_string(), new.clone());
                    self.renamed.push(Renamed {
                        kind: T::KIND,
                        set: set.cloned(),
                        from: id.to_string(),
                        to: new,
                    });
                }
                (bv, Some(ov), Some(tv)) => match T::fields(bv, ov, tv) {
                    Some(merged) => out.push(merged),
                    None => {
                        self.record(T::KIND, set, id, bv, Some(ov), Some(tv));
                        out.push(ov.clone());
                    }
                },
                // Deleted on one side, changed on the other.
                (bv, ov, tv) => {
                    self.record(T::KIND, set, id, bv, ov, tv);
                    out.extend(ov.cloned());
                }
            }
        }
        (out, renames)
    }

    /// The schema, label by label and relation type by relation type.
    fn schema(&mut self, b: &LabelSchema, o: &LabelSchema, t: &LabelSchema) -> LabelSchema {
        if let Some(s) = three(Some(b), Some(o), Some(t)) {
            return s.cloned().unwrap_or_else(|| o.clone());
        }
        let (labels, l_conflict) = defs(&b.labels, &o.labels, &t.labels, |l: &LabelDef| &l.id);
        let (relations, r_conflict) = defs(&b.relations, &o.relations, &t.relations, |r| &r.id);
        if l_conflict || r_conflict {
            self.record(ConflictKind::Schema, None, "", Some(b), Some(o), Some(t));
        }
        LabelSchema { labels, relations }
    }

    /// Entities by id; returns theirs' renamed ids too, for the links in theirs' sets.
    fn entities(
        &mut self,
        b: &Project,
        o: &Project,
        t: &Project,
    ) -> (Vec<Entity>, HashMap<String, String>) {
        if let Some(e) = three(Some(&b.entities), Some(&o.entities), Some(&t.entities)) {
            return (e.cloned().unwrap_or_default(), HashMap::new());
        }
        let all = [&b.entities, &o.entities, &t.entities];
        let mut ids = Ids::new(all.into_iter().flatten().map(|e| e.id.as_str()));
        self.items(None, &b.entities, &o.entities, &t.entities, &mut ids)
    }

    fn documents(&mut self, b: &Project, o: &Project, t: &Project) -> Vec<Document> {
        if let Some(d) = three(Some(&b.documents), Some(&o.documents), Some(&t.documents)) {
            return d.cloned().unwrap_or_default();
        }
        let mut ids = Ids::new(std::iter::empty());
        self.items(None, &b.documents, &o.documents, &t.documents, &mut ids)
            .0
    }

    /// Sets by annotator and document (ours' order, then theirs' new sets).
    fn sets<'a>(
        &mut self,
        b: &'a Project,
        o: &'a Project,
        t: &'a Project,
        entity_renames: &HashMap<String, String>,
    ) -> Vec<AnnotationSet> {
        let index = |p: &'_ Project| -> HashMap<(String, String), usize> {
            let mut m = HashMap::with_capacity(p.sets.len());
            for (i, s) in p.sets.iter().enumerate() {
                m.insert((s.annotator.clone(), s.document.clone()), i);
            }
            m
        };
        let (bm, om, tm) = (index(b), index(o), index(t));
        let get = |p: &'a Project, m: &HashMap<(String, String), usize>, k: &(String, String)| {
            m.get(k).map(|&i| &p.sets[i])
        };
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for s in o.sets.iter().chain(t.sets.iter()) {
            let k = (s.annotator.clone(), s.document.clone());
            if !seen.insert(k.clone()) {
                continue;
            }
            let (bs, os) = (get(b, &bm, &k), get(o, &om, &k));
            let ts = get(t, &tm, &k).map(|s| relink(s, entity_renames));
            match three(bs, os, ts.as_deref()) {
                Some(s) => out.extend(s.cloned()),
                None => out.push(self.set(bs, os, ts.as_deref())),
            }
        }
        out
    }

    /// One set both sides changed (at least one of `o`, `t` present).
    fn set(
        &mut self,
        b: Option<&AnnotationSet>,
        o: Option<&AnnotationSet>,
        t: Option<&AnnotationSet>,
    ) -> AnnotationSet {
        let any = o.or(t).or(b).expect("a set on some side");
        let empty = AnnotationSet::new(&any.annotator, &any.document);
        let key = SetKey::new(&any.annotator, &any.document);
        let (bs, os, ts) = (
            b.unwrap_or(&empty),
            o.unwrap_or(&empty),
            t.unwrap_or(&empty),
        );
        let mut ids = Ids::new([bs, os, ts].into_iter().flat_map(|s| {
            let spans = s.spans.iter().map(|x| x.id.as_str());
            spans.chain(s.relations.iter().map(|r| r.id.as_str()))
        }));
        let (spans, span_renames) =
            self.items(Some(&key), &bs.spans, &os.spans, &ts.spans, &mut ids);
        let their_relations: Cow<[Relation]> = if span_renames.is_empty() {
            Cow::Borrowed(&ts.relations)
        } else {
            let follow = |id: &String| span_renames.get(id).unwrap_or(id).clone();
            Cow::Owned(
                ts.relations
                    .iter()
                    .map(|r| Relation {
                        from: follow(&r.from),
                        to: follow(&r.to),
                        ..r.clone()
                    })
                    .collect(),
            )
        };
        // A relation of theirs whose two ends became one span (both ends found equal to
        // one span of ours; without a base, where spans are not renamed) is recorded,
        // not kept.
        let their_relations: Cow<[Relation]> = if their_relations.iter().all(|r| r.from != r.to) {
            their_relations
        } else {
            let (loops, kept): (Vec<&Relation>, Vec<&Relation>) =
                their_relations.iter().partition(|r| r.from == r.to);
            for r in loops {
                let find = |s: &AnnotationSet| s.relations.iter().find(|x| x.id == r.id).cloned();
                let (b, o, t) = (find(bs), find(os), find(ts));
                self.record(
                    ConflictKind::Relation,
                    Some(&key),
                    &r.id,
                    b.as_ref(),
                    o.as_ref(),
                    t.as_ref(),
                );
            }
            Cow::Owned(kept.into_iter().cloned().collect())
        };
        let (relations, _) = self.items(
            Some(&key),
            &bs.relations,
            &os.relations,
            &their_relations,
            &mut ids,
        );
        let done = match b {
            None => os.done || ts.done,
            Some(b) => field(Some(&b.done), &os.done, &ts.done).unwrap_or(os.done),
        };
        let bm = b.map(|b| &b.modified_by);
        let bc = b.map(|b| &b.copied_from);
        AnnotationSet {
            annotator: key.annotator.clone(),
            document: key.document.clone(),
            done,
            spans,
            relations,
            modified_by: field(bm, &os.modified_by, &ts.modified_by)
                .unwrap_or_else(|| os.modified_by.clone()),
            copied_from: field(bc, &os.copied_from, &ts.copied_from)
                .unwrap_or_else(|| os.copied_from.clone()),
        }
    }

    /// Puts back what a side deleted but the merged project still needs (see the module
    /// doc), recording each as a conflict.
    fn keep_alive(&mut self, p: &mut Project, s: &Sides) {
        self.keep_related_spans(p, s);
        self.keep_linked_entities(p, s);
        self.keep_annotated_documents(p, s);
        self.keep_used_schema(p, s);
    }

    /// Spans that kept relations point at (or, when no side has one, those relations
    /// dropped).
    fn keep_related_spans(&mut self, p: &mut Project, s: &Sides) {
        let versions = |proj: &Project, k: &SetKey| proj.set(&k.annotator, &k.document).cloned();
        // Spans that kept relations point at.
        for set in &mut p.sets {
            let key = SetKey::new(&set.annotator, &set.document);
            let missing: Vec<String> = {
                let ids: HashSet<&str> = set.spans.iter().map(|x| x.id.as_str()).collect();
                let mut m: Vec<String> = set
                    .relations
                    .iter()
                    .flat_map(|r| [&r.from, &r.to])
                    .filter(|id| !ids.contains(id.as_str()))
                    .cloned()
                    .collect();
                m.sort();
                m.dedup();
                m
            };
            if missing.is_empty() {
                continue;
            }
            let (bs, os, ts) = (
                versions(s.base, &key),
                versions(s.ours, &key),
                versions(s.theirs, &key).map(|x| relink(&x, s.entity_renames).into_owned()),
            );
            let span_of =
                |x: &Option<AnnotationSet>, id: &str| x.as_ref().and_then(|x| x.span(id)).cloned();
            for id in missing {
                let (b, o, t) = (span_of(&bs, &id), span_of(&os, &id), span_of(&ts, &id));
                match o.clone().or(t.clone()).or(b.clone()) {
                    Some(span) => {
                        set.spans.push(span);
                        self.record(
                            ConflictKind::Span,
                            Some(&key),
                            &id,
                            b.as_ref(),
                            o.as_ref(),
                            t.as_ref(),
                        );
                    }
                    None => {
                        // No side has the span (a hand-edited file): drop the relations.
                        let rel_of = |x: &Option<AnnotationSet>, rid: &str| {
                            x.as_ref()
                                .and_then(|x| x.relations.iter().find(|r| r.id == rid))
                                .cloned()
                        };
                        let gone: Vec<Relation> = set
                            .relations
                            .iter()
                            .filter(|r| r.from == id || r.to == id)
                            .cloned()
                            .collect();
                        for r in gone {
                            let (b, o, t) =
                                (rel_of(&bs, &r.id), rel_of(&os, &r.id), rel_of(&ts, &r.id));
                            self.record(
                                ConflictKind::Relation,
                                Some(&key),
                                &r.id,
                                b.as_ref(),
                                o.as_ref(),
                                t.as_ref(),
                            );
                            set.relations.retain(|x| x.id != r.id);
                        }
                    }
                }
            }
        }
    }

    /// Entities that kept spans link to (or the links dropped).
    fn keep_linked_entities(&mut self, p: &mut Project, s: &Sides) {
        let present: HashSet<String> = p.entities.iter().map(|e| e.id.clone()).collect();
        let mut missing: Vec<String> = p
            .sets
            .iter()
            .flat_map(|x| x.spans.iter().filter_map(|x| x.entity.clone()))
            .filter(|e| !present.contains(e))
            .collect();
        missing.sort();
        missing.dedup();
        for id in missing {
            let (b, o, t) = (s.base.entity(&id), s.ours.entity(&id), s.theirs.entity(&id));
            match o.or(t).or(b) {
                Some(e) => {
                    p.entities.push(e.clone());
                    self.record(ConflictKind::Entity, None, &id, b, o, t);
                }
                None => {
                    for x in p.sets.iter_mut().flat_map(|x| x.spans.iter_mut()) {
                        if x.entity.as_deref() == Some(id.as_str()) {
                            x.entity = None;
                        }
                    }
                }
            }
        }
    }

    /// Documents that kept sets annotate.
    fn keep_annotated_documents(&mut self, p: &mut Project, s: &Sides) {
        let mut missing: Vec<String> = p
            .sets
            .iter()
            .filter(|x| p.document(&x.document).is_none())
            .map(|x| x.document.clone())
            .collect();
        missing.sort();
        missing.dedup();
        for id in missing {
            let (b, o, t) = (
                s.base.document(&id),
                s.ours.document(&id),
                s.theirs.document(&id),
            );
            if let Some(d) = o.or(t).or(b) {
                p.documents.push(d.clone());
                self.record(ConflictKind::Document, None, &id, b, o, t);
            }
        }
    }

    /// Relation types and labels still in use.
    fn keep_used_schema(&mut self, p: &mut Project, s: &Sides) {
        let sides = [&s.ours.schema, &s.theirs.schema, &s.base.schema];
        let mut restored = false;
        let kinds: Vec<String> = p
            .sets
            .iter()
            .flat_map(|x| x.relations.iter().map(|r| r.kind.clone()))
            .collect();
        for kind in kinds {
            if p.schema.relation_type(&kind).is_none()
                && let Some(rt) = sides.iter().find_map(|x| x.relation_type(&kind))
            {
                p.schema.relations.push(rt.clone());
                restored = true;
            }
        }
        let used: Vec<String> = p
            .sets
            .iter()
            .flat_map(|x| x.spans.iter().map(|x| x.label.clone()))
            .chain(p.entities.iter().map(|e| e.label.clone()))
            .chain(
                p.schema
                    .relations
                    .iter()
                    .flat_map(|r| r.from.iter().chain(&r.to).cloned()),
            )
            .collect();
        for label in used {
            if p.schema.label(&label).is_none()
                && let Some(l) = sides.iter().find_map(|x| x.label(&label))
            {
                p.schema.labels.push(l.clone());
                restored = true;
            }
        }
        if restored {
            let (b, o, t) = (&s.base.schema, &s.ours.schema, &s.theirs.schema);
            self.record(ConflictKind::Schema, None, "", Some(b), Some(o), Some(t));
        }
    }
}

/// Theirs' set with its entity links following theirs' renamed entities.
fn relink<'a>(set: &'a AnnotationSet, renames: &HashMap<String, String>) -> Cow<'a, AnnotationSet> {
    let renamed = |s: &Span| s.entity.as_ref().is_some_and(|e| renames.contains_key(e));
    if renames.is_empty() || !set.spans.iter().any(renamed) {
        return Cow::Borrowed(set);
    }
    let mut set = set.clone();
    for s in &mut set.spans {
        if let Some(new) = s.entity.as_ref().and_then(|e| renames.get(e)) {
            s.entity = Some(new.clone());
        }
    }
    Cow::Owned(set)
}

// ---------------------------------------------------------------------------------
// Resolving conflicts.

pub use super::resolve::{Resolution, resolve_conflict};

pub use super::driver::{
    ATTRIBUTES_LINE, DRIVER_ARGS, IGNORED, MergeError, MergeNames, MergeStatus, SetupReport, Side,
    git_setup, git_setup_with, is_project, merge_files, merge_files_named, run_driver,
    run_driver_named,
};

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
