//! Semantic checks of a project.
//!
//! **Errors** (the file is refused) are problems that leave the model inconsistent, so
//! that the app could not show or edit it safely: duplicate ids, a set twice for one
//! annotator and document, impossible offsets, unknown documents, labels or relation
//! types, relations whose endpoints are missing or identical, links to missing
//! entities, entities with unknown labels, invalid colours, sizes over the limits.
//!
//! **Warnings** (the file loads, the user is told) are problems where every piece of
//! data is intact but disagrees with the schema or the text: a span whose stored text
//! differs from the document slice (kept and flagged, never fixed silently), a text
//! whose hash no longer matches, an attribute the label does not define or a value it
//! does not allow, a relation the schema does not allow between those labels, a span
//! whose label differs from its entity's, a rejected suggestion on a document the
//! project does not have.

// foldhash instead of the default SipHash: validating 100,000 span ids spent 9 % of
// `load_100k` hashing (perf); no hash-flooding concern for a local file's ids.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::error::{Problem, ProblemKind as K};
use super::limits::{MAX_DOCUMENT_BYTES, MAX_SPANS_PER_SET};
use crate::model::offsets::SparseOffsets;
use crate::model::schema::parse_color;
use crate::model::{AnnotationSet, Document, Entity, LabelDef, Project, Span, text_sha256};

/// All problems of a project, errors and warnings, in file order: the schema, the
/// documents, the entities, the sets (spans then relations), the team data.
pub fn validate(p: &Project) -> Vec<Problem> {
    let mut out = Vec::new();
    let label_ids = schema(p, &mut out);
    let docs = documents(p, &mut out);
    let entities = entities(p, &label_ids, &mut out);
    let mut seen_sets = HashSet::new();
    for set in &p.sets {
        let set_loc = format!("set {}/{}", set.annotator, set.document);
        if !seen_sets.insert((set.annotator.as_str(), set.document.as_str())) {
            err(
                &mut out,
                &set_loc,
                K::DuplicateSet {
                    annotator: set.annotator.clone(),
                    document: set.document.clone(),
                },
            );
        }
        if set.spans.len() > MAX_SPANS_PER_SET {
            err(
                &mut out,
                &set_loc,
                K::OverLimit {
                    what: "the number of spans",
                    found: set.spans.len(),
                    limit: MAX_SPANS_PER_SET,
                    fix: "split the document, or the set between annotators",
                },
            );
            continue;
        }
        let doc = docs.docs.get(set.document.as_str()).copied();
        if doc.is_none() {
            err(&mut out, &set_loc, K::UnknownDocument(set.document.clone()));
        }
        let map = doc.and_then(|d| docs.maps.get(d.id.as_str()));
        let mut ids = HashSet::new();
        let span_labels = spans(
            p,
            set,
            &set_loc,
            doc.zip(map),
            &entities,
            &mut ids,
            &mut out,
        );
        relations(p, set, &set_loc, &span_labels, &mut ids, &mut out);
    }
    team(p, &docs.docs, &mut out);
    out
}

fn err(out: &mut Vec<Problem>, loc: &str, k: K) {
    out.push(Problem::error(loc, k));
}

fn warn(out: &mut Vec<Problem>, loc: &str, k: K) {
    out.push(Problem::warning(loc, k));
}

/// Labels and relation types: duplicate ids, colours, unknown labels. Returns the
/// label ids.
fn schema<'p>(p: &'p Project, out: &mut Vec<Problem>) -> HashSet<&'p str> {
    let mut label_ids = HashSet::new();
    for l in &p.schema.labels {
        let loc = format!("schema, label \"{}\"", l.id);
        if !label_ids.insert(l.id.as_str()) {
            err(out, &loc, K::DuplicateLabelId(l.id.clone()));
        }
        if parse_color(&l.color).is_none() {
            err(out, &loc, K::BadColor(l.color.clone()));
        }
    }
    let mut rel_ids = HashSet::new();
    for r in &p.schema.relations {
        let loc = format!("schema, relation type \"{}\"", r.id);
        if !rel_ids.insert(r.id.as_str()) {
            err(out, &loc, K::DuplicateRelationTypeId(r.id.clone()));
        }
        for l in r.from.iter().chain(&r.to) {
            if !label_ids.contains(l.as_str()) {
                err(out, &loc, K::UnknownLabel(l.clone()));
            }
        }
    }
    label_ids
}

/// The documents by id, and the offset map of each that is within the limits.
struct Docs<'p> {
    docs: HashMap<&'p str, &'p Document>,
    maps: HashMap<&'p str, SparseOffsets>,
}

/// Documents: duplicate ids, size limit, text hash.
fn documents<'p>(p: &'p Project, out: &mut Vec<Problem>) -> Docs<'p> {
    let mut docs = HashMap::new();
    // The costly per-document work (hashing the text, mapping its offsets) on all
    // cores: half of validating a 10,000-document corpus.
    let checked = par_map(&p.documents, |d| {
        (d.text.len() <= MAX_DOCUMENT_BYTES)
            .then(|| (text_sha256(&d.text), SparseOffsets::new(&d.text)))
    });
    let mut maps: HashMap<&str, SparseOffsets> = HashMap::new();
    for (d, c) in p.documents.iter().zip(checked) {
        let loc = format!("document \"{}\"", d.id);
        if docs.insert(d.id.as_str(), d).is_some() {
            err(out, &loc, K::DuplicateDocumentId(d.id.clone()));
        }
        if d.text.len() > MAX_DOCUMENT_BYTES {
            err(
                out,
                &loc,
                K::OverLimit {
                    what: "the text length in bytes",
                    found: d.text.len(),
                    limit: MAX_DOCUMENT_BYTES,
                    fix: "split the article into several documents",
                },
            );
            continue;
        }
        let Some((actual, map)) = c else { continue };
        if actual != d.text_sha256 {
            warn(
                out,
                &loc,
                K::HashMismatch {
                    stored: d.text_sha256.clone(),
                    actual,
                },
            );
        }
        // The last document of an id, like `docs` (a duplicate id is an error anyway).
        maps.insert(d.id.as_str(), map);
    }
    Docs { docs, maps }
}

/// Entities: duplicate ids, unknown labels. Returns them by id.
fn entities<'p>(
    p: &'p Project,
    label_ids: &HashSet<&str>,
    out: &mut Vec<Problem>,
) -> HashMap<&'p str, &'p Entity> {
    let mut entities = HashMap::new();
    for e in &p.entities {
        let loc = format!("entity \"{}\"", e.id);
        if entities.insert(e.id.as_str(), e).is_some() {
            err(out, &loc, K::DuplicateEntityId(e.id.clone()));
        }
        if !label_ids.contains(e.label.as_str()) {
            err(out, &loc, K::EntityUnknownLabel(e.label.clone()));
        }
    }
    entities
}

/// The spans of one set: ids, labels, bounds, stored text, attributes, entity links.
/// Returns each span's label by id, for the relations.
fn spans<'p>(
    p: &'p Project,
    set: &'p AnnotationSet,
    set_loc: &str,
    doc: Option<(&Document, &SparseOffsets)>,
    entities: &HashMap<&str, &Entity>,
    ids: &mut HashSet<&'p str>,
    out: &mut Vec<Problem>,
) -> HashMap<&'p str, &'p str> {
    let mut span_labels: HashMap<&str, &str> = HashMap::new();
    for s in &set.spans {
        let loc = format!("{set_loc}, span \"{}\"", s.id);
        if !ids.insert(s.id.as_str()) {
            err(out, &loc, K::DuplicateId(s.id.clone()));
        }
        span_labels.insert(s.id.as_str(), s.label.as_str());
        let label = p.schema.label(&s.label);
        if label.is_none() {
            err(out, &loc, K::UnknownLabel(s.label.clone()));
        }
        if s.start >= s.end {
            err(
                out,
                &loc,
                K::EmptyOrInverted {
                    start: s.start,
                    end: s.end,
                },
            );
        } else if let Some((d, m)) = doc {
            if s.end > m.len_chars() {
                err(
                    out,
                    &loc,
                    K::PastEnd {
                        end: s.end,
                        len: m.len_chars(),
                    },
                );
            } else {
                let actual = m.slice(&d.text, s.start, s.end).unwrap_or_default();
                if actual != s.text {
                    warn(
                        out,
                        &loc,
                        K::SpanTextMismatch {
                            stored: s.text.clone(),
                            actual: actual.to_string(),
                        },
                    );
                }
            }
        }
        if let Some(label) = label {
            attributes(label, s, &loc, out);
        }
        if let Some(eid) = &s.entity {
            match entities.get(eid.as_str()) {
                None => err(out, &loc, K::MissingEntity(eid.clone())),
                Some(e) if e.label != s.label => warn(
                    out,
                    &loc,
                    K::EntityLabelMismatch {
                        entity: eid.clone(),
                        span_label: s.label.clone(),
                        entity_label: e.label.clone(),
                    },
                ),
                Some(_) => {}
            }
        }
    }
    span_labels
}

/// A span's attributes against its label's definitions.
fn attributes(label: &LabelDef, s: &Span, loc: &str, out: &mut Vec<Problem>) {
    for (name, value) in &s.attributes {
        match label.attributes.iter().find(|a| &a.name == name) {
            None => warn(
                out,
                loc,
                K::UnknownAttribute {
                    label: label.id.clone(),
                    name: name.clone(),
                },
            ),
            Some(a) if !a.allows(value) => warn(
                out,
                loc,
                K::AttributeValueNotAllowed {
                    label: label.id.clone(),
                    name: name.clone(),
                    value: value.clone(),
                    allowed: a.values.join(", "),
                },
            ),
            Some(_) => {}
        }
    }
}

/// The relations of one set: ids, endpoints, types and what the schema allows.
fn relations<'p>(
    p: &Project,
    set: &'p AnnotationSet,
    set_loc: &str,
    span_labels: &HashMap<&str, &str>,
    ids: &mut HashSet<&'p str>,
    out: &mut Vec<Problem>,
) {
    for r in &set.relations {
        let loc = format!("{set_loc}, relation \"{}\"", r.id);
        if !ids.insert(r.id.as_str()) {
            err(out, &loc, K::DuplicateId(r.id.clone()));
        }
        let from = span_labels.get(r.from.as_str());
        let to = span_labels.get(r.to.as_str());
        if from.is_none() {
            err(out, &loc, K::DanglingRelation(r.from.clone()));
        }
        if to.is_none() {
            err(out, &loc, K::DanglingRelation(r.to.clone()));
        }
        if r.from == r.to {
            err(out, &loc, K::SelfRelation(r.from.clone()));
        }
        match p.schema.relation_type(&r.kind) {
            None => err(out, &loc, K::UnknownRelationType(r.kind.clone())),
            Some(t) => {
                if let (Some(f), Some(tl)) = (from, to)
                    && !t.allows(f, tl)
                {
                    warn(
                        out,
                        &loc,
                        K::RelationNotAllowed {
                            kind: r.kind.clone(),
                            from: f.to_string(),
                            to: tl.to_string(),
                        },
                    );
                }
            }
        }
    }
}

/// Team data: the assignment plan, rejected suggestions, recorded merge conflicts.
fn team(p: &Project, docs: &HashMap<&str, &Document>, out: &mut Vec<Problem>) {
    if let Some(a) = &p.assignment {
        for d in a
            .documents
            .keys()
            .filter(|d| !docs.contains_key(d.as_str()))
        {
            warn(out, "assignment", K::AssignedUnknownDocument(d.clone()));
        }
    }
    // Rejected suggestions: harmless when their document is gone, but worth saying.
    let mut told = HashSet::new();
    for r in &p.suggestions.rejected {
        if !docs.contains_key(r.document.as_str()) && told.insert(r.document.as_str()) {
            warn(
                out,
                "suggestions, rejected",
                K::RejectedUnknownDocument(r.document.clone()),
            );
        }
    }
    let mut conflict_ids = HashSet::new();
    for c in &p.conflicts {
        if !conflict_ids.insert(c.id.as_str()) {
            let loc = format!("conflict \"{}\"", c.id);
            err(out, &loc, K::DuplicateConflictId(c.id.clone()));
        }
    }
}

/// `f` of every item, in order, the items split between the machine's cores.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
