//! Curation of N annotators' sets over one document into a gold set.
//!
//! Every annotator's spans are grouped by their exact bounds and label: a
//! [`Candidate`] is one (start, end, label) with the annotators who tagged it (its
//! votes). [`premerge`] puts every candidate that at least `k` of the N annotators
//! agree on into the gold set in one step (provenance `agreed`), keeping the spans the
//! gold set already has; the curator then walks the remaining candidates and accepts
//! ([`accept`], provenance `curated`) or skips each one.
//!
//! What travels with a pre-merged span: attributes and the entity link on which all
//! its voters agree (a value any voter differs on is left out), no note. A relation is
//! pre-merged when at least `k` annotators drew it (same type, between spans with the
//! same bounds and labels) and both its ends are in the gold set.
//!
//! Only exact agreement counts as a vote here; partial overlaps stay separate
//! candidates for the curator (they are what [`super::pairing`] reports as partial).
//! Pure: the input sets are never changed.

use std::collections::{BTreeMap, HashMap};

use crate::model::{AnnotationSet, Provenance, Relation, Span};

/// The exact bounds and label that annotators' spans share.
type Key = (usize, usize, String);

fn key(s: &Span) -> Key {
    (s.start, s.end, s.label.clone())
}

/// One distinct (start, end, label) and who tagged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    /// The annotators whose sets hold this span, in set order.
    pub voters: Vec<String>,
}

impl Candidate {
    pub fn votes(&self) -> usize {
        self.voters.len()
    }
}

/// The candidates of a document, by start, end and label.
pub fn candidates(sets: &[&AnnotationSet]) -> Vec<Candidate> {
    let mut by_key: BTreeMap<Key, Candidate> = BTreeMap::new();
    for set in sets {
        for s in &set.spans {
            let c = by_key.entry(key(s)).or_insert_with(|| Candidate {
                start: s.start,
                end: s.end,
                label: s.label.clone(),
                text: s.text.clone(),
                voters: Vec::new(),
            });
            if !c.voters.contains(&set.annotator) {
                c.voters.push(set.annotator.clone());
            }
        }
    }
    by_key.into_values().collect()
}

/// The candidates not yet in `gold` (same bounds and label), most votes first.
pub fn remaining(sets: &[&AnnotationSet], gold: Option<&AnnotationSet>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = candidates(sets)
        .into_iter()
        .filter(|c| {
            gold.is_none_or(|g| {
                !g.spans
                    .iter()
                    .any(|s| (s.start, s.end, s.label.as_str()) == (c.start, c.end, &*c.label))
            })
        })
        .collect();
    out.sort_by(|a, b| b.votes().cmp(&a.votes()).then(a.start.cmp(&b.start)));
    out
}

/// The voters' spans of a candidate.
fn spans_of<'a>(sets: &'a [&'a AnnotationSet], c: &Candidate) -> Vec<&'a Span> {
    sets.iter()
        .filter_map(|set| {
            set.spans
                .iter()
                .find(|s| (s.start, s.end, s.label.as_str()) == (c.start, c.end, &*c.label))
        })
        .collect()
}

/// A gold span for a candidate: attributes and entity on which every voter agrees.
fn gold_span(id: String, c: &Candidate, voted: &[&Span], provenance: Provenance) -> Span {
    let mut s = Span::new(id, c.start, c.end, c.label.clone(), c.text.clone());
    if let Some(first) = voted.first() {
        for (k, v) in &first.attributes {
            if voted.iter().all(|o| o.attributes.get(k) == Some(v)) {
                s.attributes.insert(k.clone(), v.clone());
            }
        }
        if voted.iter().all(|o| o.entity == first.entity) {
            s.entity = first.entity.clone();
        }
    }
    s.provenance = Some(provenance);
    s
}

/// `gold` (or a new set of `gold_annotator` on `document`) plus every candidate at
/// least `k` annotators agree on, and the relations at least `k` drew between spans
/// that are then in the gold set.
pub fn premerge(
    sets: &[&AnnotationSet],
    gold: Option<&AnnotationSet>,
    gold_annotator: &str,
    document: &str,
    k: usize,
) -> AnnotationSet {
    let mut out = gold
        .cloned()
        .unwrap_or_else(|| AnnotationSet::new(gold_annotator, document));
    let k = k.max(1);
    for c in remaining(sets, gold).into_iter().filter(|c| c.votes() >= k) {
        let id = out.fresh_id("g");
        let voted = spans_of(sets, &c);
        out.spans
            .push(gold_span(id, &c, &voted, Provenance::Agreed));
    }
    merge_relations(sets, &mut out, k);
    out.sort();
    out
}

/// Adds the relations that at least `k` annotators drew, when both ends are in `gold`.
fn merge_relations(sets: &[&AnnotationSet], gold: &mut AnnotationSet, k: usize) {
    let gold_ids: HashMap<Key, String> =
        gold.spans.iter().map(|s| (key(s), s.id.clone())).collect();
    let mut votes: BTreeMap<(String, Key, Key), usize> = BTreeMap::new();
    for set in sets {
        let by_id: HashMap<&str, &Span> = set.spans.iter().map(|s| (s.id.as_str(), s)).collect();
        for r in &set.relations {
            if let (Some(f), Some(t)) = (by_id.get(r.from.as_str()), by_id.get(r.to.as_str())) {
                *votes.entry((r.kind.clone(), key(f), key(t))).or_default() += 1;
            }
        }
    }
    for ((kind, f, t), n) in votes {
        let (Some(from), Some(to)) = (gold_ids.get(&f), gold_ids.get(&t)) else {
            continue;
        };
        let exists = gold
            .relations
            .iter()
            .any(|r| r.kind == kind && r.from == *from && r.to == *to);
        if n >= k && !exists {
            let id = gold.fresh_id("gr");
            gold.relations.push(Relation {
                id,
                kind,
                from: from.clone(),
                to: to.clone(),
            });
        }
    }
}

/// `gold` with one candidate accepted by the curator (provenance `curated`).
pub fn accept(sets: &[&AnnotationSet], gold: &AnnotationSet, c: &Candidate) -> AnnotationSet {
    let mut out = gold.clone();
    let voted = spans_of(sets, c);
    let id = out.fresh_id("g");
    out.spans
        .push(gold_span(id, c, &voted, Provenance::Curated));
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(annotator: &str, spans: &[(usize, usize, &str)]) -> AnnotationSet {
        let mut s = AnnotationSet::new(annotator, "d");
        for (i, (a, b, l)) in spans.iter().enumerate() {
            let mut sp = Span::new(format!("s{i}"), *a, *b, *l, "x");
            sp.attributes.insert("kind".into(), annotator.into());
            s.spans.push(sp);
        }
        s
    }

    #[test]
    fn two_of_three_are_premerged_and_the_rest_remain() {
        let a = set(
            "a",
            &[(0, 4, "actor"), (10, 14, "location"), (20, 30, "claim")],
        );
        let b = set("b", &[(0, 4, "actor"), (10, 14, "actor")]);
        let mut c = set("c", &[(0, 4, "actor"), (20, 30, "claim")]);
        c.spans[0].attributes.insert("kind".into(), "a".into());
        let sets = [&a, &b, &c];
        let gold = premerge(&sets, None, "gold", "d", 2);
        let got: Vec<_> = gold
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str(), s.provenance))
            .collect();
        assert_eq!(
            got,
            [
                (0, 4, "actor", Some(Provenance::Agreed)),
                (20, 30, "claim", Some(Provenance::Agreed)),
            ]
        );
        // The voters disagree on "kind" (a, b, a): it is left out.
        assert!(gold.spans[0].attributes.is_empty());
        let rest = remaining(&sets, Some(&gold));
        assert_eq!(rest.len(), 2, "{rest:?}");
        assert!(rest.iter().all(|c| c.votes() == 1));
        // k = 3: only the span all three agree on.
        assert_eq!(premerge(&sets, None, "gold", "d", 3).spans.len(), 1);
        // Accepting one of the rest adds it as curated, inputs untouched.
        let more = accept(&sets, &gold, &rest[0]);
        assert_eq!(more.spans.len(), 3);
        assert!(
            more.spans
                .iter()
                .any(|s| s.provenance == Some(Provenance::Curated))
        );
        assert_eq!(a.spans.len(), 3);
    }

    #[test]
    fn relations_drawn_by_k_annotators_follow_their_spans() {
        let mut a = set("a", &[(0, 4, "actor"), (20, 30, "claim")]);
        let mut b = set("b", &[(0, 4, "actor"), (20, 30, "claim")]);
        for s in [&mut a, &mut b] {
            s.relations.push(Relation {
                id: "r1".into(),
                kind: "said_by".into(),
                from: "s1".into(),
                to: "s0".into(),
            });
        }
        let c = set("c", &[(0, 4, "actor")]);
        let gold = premerge(&[&a, &b, &c], None, "gold", "d", 2);
        assert_eq!(gold.relations.len(), 1);
        let r = &gold.relations[0];
        let from = gold.span(&r.from).unwrap();
        assert_eq!((from.start, from.label.as_str()), (20, "claim"));
        // Pre-merging again adds nothing.
        let again = premerge(&[&a, &b, &c], Some(&gold), "gold", "d", 2);
        assert_eq!(again, gold);
    }
}
