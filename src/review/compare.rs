//! Relations and attributes, compared across the pairs that [`super::pairing`] found.
//!
//! **Relations.** A relation of A *matches* a relation of B when both have the same
//! kind and B's endpoints are the partners of A's endpoints (`from` with `from`, `to` with
//! `to`), whatever the category of those pairs (exact, partial or label mismatch): the
//! question asked is "did both annotators link the same two things", and the bounds of
//! the things are already judged by the span figures. A match is also counted as
//! *strict* when both endpoint pairs are exact, which is what a comparison on exact
//! (start, end, label) signatures would find. A relation whose endpoint has no partner
//! can match nothing. Each relation matches at most one relation of the other side.
//!
//! **Attributes.** For every pair of spans, each attribute name present on either side
//! is listed as agreeing (same value) or differing (different or missing on one side).
//! The entity link (`entity`) is compared the same way; note that entity ids come from
//! each annotator's own project, so they only agree when both projects share the
//! registry (as the samples do).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::pairing::{PairCategory, SpanPair};
use crate::model::{Relation, Span};

/// How one relation fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationItem {
    /// `matched`, `only_a` or `only_b`.
    pub status: RelationStatus,
    pub kind: String,
    /// Relation id in A's set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub a: Option<String>,
    /// Relation id in B's set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub b: Option<String>,
    /// Both endpoint pairs are exact (only for `matched`).
    #[serde(default)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationStatus {
    Matched,
    OnlyA,
    OnlyB,
}

/// Compares the relations of A and B given the span pairs of the same document.
pub fn compare_relations(
    a_spans: &[Span],
    b_spans: &[Span],
    pairs: &[SpanPair],
    a_rel: &[Relation],
    b_rel: &[Relation],
) -> Vec<RelationItem> {
    // A span id → (B span id, pair is exact).
    let mut partner: HashMap<&str, (&str, bool)> = HashMap::new();
    for p in pairs {
        if let (Some(i), Some(j)) = (p.a, p.b) {
            partner.insert(
                &a_spans[i].id,
                (&b_spans[j].id, p.category == PairCategory::Exact),
            );
        }
    }
    // B relations by (kind, from, to), each usable once (in id order).
    let mut b_free: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    for (k, r) in b_rel.iter().enumerate().rev() {
        b_free.entry((&r.kind, &r.from, &r.to)).or_default().push(k);
    }
    let mut b_used = vec![false; b_rel.len()];
    let mut out = Vec::new();
    for r in a_rel {
        let found = match (partner.get(r.from.as_str()), partner.get(r.to.as_str())) {
            (Some(&(bf, ef)), Some(&(bt, et))) => b_free
                .get_mut(&(r.kind.as_str(), bf, bt))
                .and_then(|v| v.pop())
                .map(|k| (k, ef && et)),
            _ => None,
        };
        match found {
            Some((k, strict)) => {
                b_used[k] = true;
                out.push(RelationItem {
                    status: RelationStatus::Matched,
                    kind: r.kind.clone(),
                    a: Some(r.id.clone()),
                    b: Some(b_rel[k].id.clone()),
                    strict,
                });
            }
            None => out.push(RelationItem {
                status: RelationStatus::OnlyA,
                kind: r.kind.clone(),
                a: Some(r.id.clone()),
                b: None,
                strict: false,
            }),
        }
    }
    for (k, r) in b_rel.iter().enumerate() {
        if !b_used[k] {
            out.push(RelationItem {
                status: RelationStatus::OnlyB,
                kind: r.kind.clone(),
                a: None,
                b: Some(r.id.clone()),
                strict: false,
            });
        }
    }
    out
}

/// An attribute on which a pair agrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeAgrees {
    pub name: String,
    pub value: String,
}

/// An attribute on which a pair differs; `None` = absent on that side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDiffers {
    pub name: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// Attribute and entity comparison of one pair of spans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeComparison {
    pub agree: Vec<AttributeAgrees>,
    pub differ: Vec<AttributeDiffers>,
    /// `(A's entity, B's entity)` when they differ.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub entity_differs: Option<(Option<String>, Option<String>)>,
}

impl AttributeComparison {
    /// Nothing differs (attributes and entity).
    pub fn agrees(&self) -> bool {
        self.differ.is_empty() && self.entity_differs.is_none()
    }
}

/// Compares the attributes (by name, sorted) and the entity link of two spans.
pub fn compare_attributes(a: &Span, b: &Span) -> AttributeComparison {
    let mut out = AttributeComparison::default();
    let names: std::collections::BTreeSet<&String> =
        a.attributes.keys().chain(b.attributes.keys()).collect();
    for name in names {
        match (a.attributes.get(name), b.attributes.get(name)) {
            (Some(x), Some(y)) if x == y => out.agree.push(AttributeAgrees {
                name: name.clone(),
                value: x.clone(),
            }),
            (x, y) => out.differ.push(AttributeDiffers {
                name: name.clone(),
                a: x.cloned(),
                b: y.cloned(),
            }),
        }
    }
    if a.entity != b.entity {
        out.entity_differs = Some((a.entity.clone(), b.entity.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::pairing::pair_spans;

    fn sp(id: &str, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start, end, label, "")
    }
    fn rel(id: &str, kind: &str, from: &str, to: &str) -> Relation {
        Relation {
            id: id.into(),
            kind: kind.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn relations_follow_pairs() {
        // claim a1/b1 partial, actor a2/b2 exact, location a3 only in A.
        let a = [
            sp("a1", 0, 20, "claim"),
            sp("a2", 30, 35, "actor"),
            sp("a3", 40, 45, "location"),
        ];
        let b = [sp("b1", 1, 20, "claim"), sp("b2", 30, 35, "actor")];
        let pairs = pair_spans(&a, &b).unwrap();
        let ra = [
            rel("ra1", "said_by", "a1", "a2"),
            rel("ra2", "located_in", "a2", "a3"),
            rel("ra3", "about", "a1", "a2"),
        ];
        let rb = [
            rel("rb1", "said_by", "b1", "b2"),
            rel("rb2", "about", "b2", "b1"), // reversed direction: no match
        ];
        let got = compare_relations(&a, &b, &pairs, &ra, &rb);
        let brief: Vec<_> = got
            .iter()
            .map(|r| (r.status, r.a.as_deref(), r.b.as_deref(), r.strict))
            .collect();
        assert_eq!(
            brief,
            [
                (RelationStatus::Matched, Some("ra1"), Some("rb1"), false),
                (RelationStatus::OnlyA, Some("ra2"), None, false),
                (RelationStatus::OnlyA, Some("ra3"), None, false),
                (RelationStatus::OnlyB, None, Some("rb2"), false),
            ]
        );
    }

    #[test]
    fn strict_when_both_endpoints_exact_and_each_used_once() {
        let a = [sp("a1", 0, 5, "claim"), sp("a2", 6, 9, "actor")];
        let b = [sp("b1", 0, 5, "claim"), sp("b2", 6, 9, "actor")];
        let pairs = pair_spans(&a, &b).unwrap();
        // Two identical relations in A, one in B: one matches, one is only in A.
        let ra = [
            rel("r1", "said_by", "a1", "a2"),
            rel("r2", "said_by", "a1", "a2"),
        ];
        let rb = [rel("q1", "said_by", "b1", "b2")];
        let got = compare_relations(&a, &b, &pairs, &ra, &rb);
        assert_eq!(got[0].status, RelationStatus::Matched);
        assert!(got[0].strict);
        assert_eq!(got[1].status, RelationStatus::OnlyA);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn attributes_agree_differ_and_missing() {
        let mut a = sp("a", 0, 5, "actor");
        let mut b = sp("b", 0, 5, "actor");
        a.attributes.insert("kind".into(), "person".into());
        b.attributes.insert("kind".into(), "person".into());
        assert!(compare_attributes(&a, &b).agrees());
        b.attributes.insert("kind".into(), "state".into());
        a.attributes.insert("role".into(), "speaker".into());
        b.entity = Some("e-x".into());
        let c = compare_attributes(&a, &b);
        assert!(!c.agrees());
        assert!(c.agree.is_empty());
        assert_eq!(
            c.differ,
            [
                AttributeDiffers {
                    name: "kind".into(),
                    a: Some("person".into()),
                    b: Some("state".into())
                },
                AttributeDiffers {
                    name: "role".into(),
                    a: Some("speaker".into()),
                    b: None
                },
            ]
        );
        assert_eq!(c.entity_differs, Some((None, Some("e-x".into()))));
    }
}
