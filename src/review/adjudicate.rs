//! Adjudication: a gold [`AnnotationSet`] built from A, B and a list of decisions.
//!
//! The diff of [`super::pairing`] is cut into **items**, one per entry: a pair of spans
//! (exact, partial, label mismatch) or a span on one side only. An item is named by its
//! [`ItemKey`], the span ids on each side, which stay valid as long as neither set
//! changes; so the decision list ([`Adjudication`]) can be saved as JSON in the middle
//! of the work and resumed later. Building the gold set is a pure function of the two
//! sets and the decisions: the inputs are never modified, and running it again gives the
//! same set.
//!
//! An item is **agreeing** when its spans are an exact pair (same bounds and label) with
//! the same attributes and entity. With `auto_accept_agreeing`, agreeing items need no
//! decision; every other item does, and until it has one it is listed as *pending* and
//! contributes nothing to the gold set. An explicit decision always wins, so an agreeing
//! span can still be rejected or edited.
//!
//! | decision      | gold spans                                  | provenance          |
//! |---------------|---------------------------------------------|---------------------|
//! | `accept_a`    | A's span                                    | `a` (`both` if the item agrees) |
//! | `accept_b`    | B's span                                    | `b` (`both` if the item agrees) |
//! | `accept_both` | A's span and B's span (both kept, e.g. nested or two readings); on an agreeing item one span | `a` and `b` (`both`) |
//! | `reject`      | none                                        | —                   |
//! | `edit`        | the given span (bounds, label, attributes, entity, note; its id and text are ignored, the text is taken from the document) | `edited` |
//!
//! `accept_a` needs an A side, `accept_b` a B side, `accept_both` both sides and is
//! refused on an exact pair whose attributes differ (that would be the same span twice
//! with two values; pick one or edit).
//!
//! **Relations** are carried over from both sets when both of their endpoints made it
//! into the gold set (an A span id maps to the gold span made from it; both ids of an
//! item map to its span for `both` and `edited`). The same (kind, from, to) is kept once.
//!
//! Gold spans get fresh ids `s1`, `s2`, … in text order and relations `r1`, `r2`, …;
//! entity ids are copied as they are, so when B's project has its own entity registry
//! the caller must reconcile them with the gold project's.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::compare::compare_attributes;
use super::pairing::{PairCategory, pair_spans};
use crate::model::{AnnotationSet, Document, Provenance, Relation, Span, offsets::slice_cp};

/// The span ids on each side of one item of the diff.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<String>,
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "A span {} / B span {}",
            self.a.as_deref().unwrap_or("(none)"),
            self.b.as_deref().unwrap_or("(none)")
        )
    }
}

/// What the adjudicator decided for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    AcceptA,
    AcceptB,
    AcceptBoth,
    Reject,
    /// Replace the item by this span.
    Edit(Span),
}

impl Decision {
    fn name(&self) -> &'static str {
        match self {
            Decision::AcceptA => "accept_a",
            Decision::AcceptB => "accept_b",
            Decision::AcceptBoth => "accept_both",
            Decision::Reject => "reject",
            Decision::Edit(_) => "edit",
        }
    }
}

/// One decision, named by the item it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionEntry {
    #[serde(flatten)]
    pub item: ItemKey,
    pub decision: Decision,
}

/// The state of an adjudication: who the gold annotator is, whether agreeing items are
/// accepted without a decision, and the decisions so far. Save it as JSON to resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjudication {
    /// Annotator name of the gold set.
    pub annotator: String,
    /// Agreeing items (exact pair, same attributes and entity) need no decision.
    #[serde(default = "yes")]
    pub auto_accept_agreeing: bool,
    #[serde(default)]
    pub decisions: Vec<DecisionEntry>,
}

fn yes() -> bool {
    true
}

impl Adjudication {
    pub fn new(annotator: impl Into<String>) -> Self {
        Adjudication {
            annotator: annotator.into(),
            auto_accept_agreeing: true,
            decisions: Vec::new(),
        }
    }

    /// Records (or replaces) the decision for an item.
    pub fn decide(&mut self, item: ItemKey, decision: Decision) {
        match self.decisions.iter_mut().find(|d| d.item == item) {
            Some(d) => d.decision = decision,
            None => self.decisions.push(DecisionEntry { item, decision }),
        }
    }

    /// Forgets the decision for an item (undo of [`Adjudication::decide`]).
    pub fn undecide(&mut self, item: &ItemKey) {
        self.decisions.retain(|d| &d.item != item);
    }
}

/// One item of the diff, as an adjudication UI would list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub key: ItemKey,
    pub category: PairCategory,
    /// Exact pair with the same attributes and entity.
    pub agreeing: bool,
}

/// The items of the diff between A and B, in text order.
pub fn items(a: &AnnotationSet, b: &AnnotationSet) -> Result<Vec<Item>, ReviewError> {
    let pairs = pair_spans(&a.spans, &b.spans).map_err(|e| ReviewError::TooManySpans {
        document: a.document.clone(),
        spans: e.spans,
    })?;
    Ok(pairs
        .into_iter()
        .map(|p| {
            let sa = p.a.map(|i| &a.spans[i]);
            let sb = p.b.map(|j| &b.spans[j]);
            let agreeing = p.category == PairCategory::Exact
                && match (sa, sb) {
                    (Some(x), Some(y)) => compare_attributes(x, y).agrees(),
                    _ => false,
                };
            Item {
                key: ItemKey {
                    a: sa.map(|s| s.id.clone()),
                    b: sb.map(|s| s.id.clone()),
                },
                category: p.category,
                agreeing,
            }
        })
        .collect())
}

/// The gold set and what still needs a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldOutcome {
    pub gold: AnnotationSet,
    /// Items with no decision (and not auto-accepted), in text order.
    pub pending: Vec<ItemKey>,
}

/// The adjudication's decisions by item: each item decided at most once, and only
/// items of this pair of sets.
fn checked_decisions<'d>(
    items: &[Item],
    adjudication: &'d Adjudication,
) -> Result<HashMap<&'d ItemKey, &'d Decision>, ReviewError> {
    let mut decisions: HashMap<&ItemKey, &Decision> = HashMap::new();
    for d in &adjudication.decisions {
        if decisions.insert(&d.item, &d.decision).is_some() {
            return Err(ReviewError::DuplicateDecision {
                item: d.item.clone(),
            });
        }
    }
    let known: BTreeSet<&ItemKey> = items.iter().map(|i| &i.key).collect();
    if let Some(d) = adjudication
        .decisions
        .iter()
        .find(|d| !known.contains(&d.item))
    {
        return Err(ReviewError::UnknownItem {
            item: d.item.clone(),
        });
    }
    Ok(decisions)
}

/// Gives the gold spans fresh ids in text order and carries over the relations of
/// both sides whose ends both made it into the gold set (by the source span id → gold
/// position maps), once each, never a span to itself.
fn renumber(
    spans: &mut [Span],
    sides: [(&AnnotationSet, &HashMap<String, usize>); 2],
) -> Vec<Relation> {
    // Fresh ids in text order; remember the old position → new id.
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by(|&x, &y| {
        let (p, q) = (&spans[x], &spans[y]);
        (p.start, p.end, &p.label, x).cmp(&(q.start, q.end, &q.label, y))
    });
    let mut new_id = vec![String::new(); spans.len()];
    for (n, &k) in order.iter().enumerate() {
        new_id[k] = format!("s{}", n + 1);
    }
    let mut relations: Vec<Relation> = Vec::new();
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (set, map) in sides {
        for r in &set.relations {
            let (Some(&f), Some(&t)) = (map.get(&r.from), map.get(&r.to)) else {
                continue;
            };
            if f == t {
                continue; // both ends became one span: no self-relation
            }
            let key = (r.kind.clone(), new_id[f].clone(), new_id[t].clone());
            if seen.insert(key.clone()) {
                relations.push(Relation {
                    id: String::new(),
                    kind: key.0,
                    from: key.1,
                    to: key.2,
                });
            }
        }
    }
    for (n, r) in relations.iter_mut().enumerate() {
        r.id = format!("r{}", n + 1);
    }
    for (k, s) in spans.iter_mut().enumerate() {
        s.id = std::mem::take(&mut new_id[k]);
    }
    relations
}

/// Builds the gold set of `document` from A's and B's sets (both over its text).
pub fn build_gold(
    document: &Document,
    a: &AnnotationSet,
    b: &AnnotationSet,
    adjudication: &Adjudication,
) -> Result<GoldOutcome, ReviewError> {
    let items = items(a, b)?;
    let decisions = checked_decisions(&items, adjudication)?;
    let len = document.len_chars();
    let mut spans: Vec<Span> = Vec::new();
    // Source span id → index in `spans`, per side.
    let mut from_a: HashMap<String, usize> = HashMap::new();
    let mut from_b: HashMap<String, usize> = HashMap::new();
    let mut pending = Vec::new();
    for item in &items {
        let sa = item.key.a.as_deref().and_then(|id| a.span(id));
        let sb = item.key.b.as_deref().and_then(|id| b.span(id));
        let decision = match decisions.get(&item.key) {
            Some(d) => *d,
            None if item.agreeing && adjudication.auto_accept_agreeing => &Decision::AcceptA,
            None => {
                pending.push(item.key.clone());
                continue;
            }
        };
        let not_applicable = |why| ReviewError::DecisionNotApplicable {
            item: item.key.clone(),
            decision: decision.name(),
            why,
        };
        let mut push = |s: &Span, prov: Provenance, ids: (Option<&str>, Option<&str>)| {
            let mut g = s.clone();
            g.provenance = Some(prov);
            spans.push(g);
            let k = spans.len() - 1;
            if let Some(id) = ids.0 {
                from_a.insert(id.to_string(), k);
            }
            if let Some(id) = ids.1 {
                from_b.insert(id.to_string(), k);
            }
        };
        let ids_a = sa.map(|s| s.id.as_str());
        let ids_b = sb.map(|s| s.id.as_str());
        match decision {
            Decision::Reject => {}
            Decision::AcceptA => {
                let s = sa.ok_or_else(|| not_applicable("the item has no span of A"))?;
                if item.agreeing {
                    push(s, Provenance::Both, (ids_a, ids_b));
                } else {
                    push(s, Provenance::A, (ids_a, None));
                }
            }
            Decision::AcceptB => {
                let s = sb.ok_or_else(|| not_applicable("the item has no span of B"))?;
                if item.agreeing {
                    push(s, Provenance::Both, (ids_a, ids_b));
                } else {
                    push(s, Provenance::B, (None, ids_b));
                }
            }
            Decision::AcceptBoth => {
                let (x, y) = match (sa, sb) {
                    (Some(x), Some(y)) => (x, y),
                    _ => return Err(not_applicable("the item has a span on one side only")),
                };
                if item.agreeing {
                    push(x, Provenance::Both, (ids_a, ids_b));
                } else if item.category == PairCategory::Exact {
                    return Err(not_applicable(
                        "the two spans have the same bounds and label but different attributes; accept one side or edit",
                    ));
                } else {
                    push(x, Provenance::A, (ids_a, None));
                    push(y, Provenance::B, (None, ids_b));
                }
            }
            Decision::Edit(e) => {
                let text = (e.start < e.end && e.end <= len)
                    .then(|| slice_cp(&document.text, e.start, e.end))
                    .flatten()
                    .ok_or_else(|| ReviewError::EditOutOfBounds {
                        item: item.key.clone(),
                        start: e.start,
                        end: e.end,
                        len,
                    })?;
                let mut s = e.clone();
                s.text = text.to_string();
                push(&s, Provenance::Edited, (ids_a, ids_b));
            }
        }
    }

    let relations = renumber(&mut spans, [(a, &from_a), (b, &from_b)]);
    let mut gold = AnnotationSet::new(adjudication.annotator.clone(), a.document.clone());
    gold.spans = spans;
    gold.relations = relations;
    gold.sort();
    Ok(GoldOutcome { gold, pending })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "قال المجلس الرئاسي إن قوات حفتر في درنة";
    // المجلس الرئاسي 4..18, قوات حفتر 22..31, حفتر 27..31, درنة 35..39

    fn sp(id: &str, start: usize, end: usize, label: &str, kind: &str) -> Span {
        let mut s = Span::new(id, start, end, label, slice_cp(TEXT, start, end).unwrap());
        s.attributes.insert("kind".into(), kind.into());
        s
    }

    fn sets() -> (Document, AnnotationSet, AnnotationSet) {
        let doc = Document::new("d", "t", TEXT);
        let mut a = AnnotationSet::new("a", "d");
        a.spans = vec![
            sp("a1", 4, 18, "actor", "government"),   // exact, agreeing
            sp("a2", 22, 31, "actor", "armed group"), // partial with b2
            sp("a3", 35, 39, "location", "city"),     // exact, kind differs
        ];
        a.relations = vec![Relation {
            id: "ar1".into(),
            kind: "located_in".into(),
            from: "a2".into(),
            to: "a3".into(),
        }];
        let mut b = AnnotationSet::new("b", "d");
        b.spans = vec![
            sp("b1", 4, 18, "actor", "government"),
            sp("b2", 27, 31, "actor", "person"),
            sp("b3", 35, 39, "location", "region"),
            sp("b4", 0, 3, "claim", "other"), // only B
        ];
        b.relations = vec![Relation {
            id: "br1".into(),
            kind: "located_in".into(),
            from: "b2".into(),
            to: "b3".into(),
        }];
        (doc, a, b)
    }

    fn key(a: Option<&str>, b: Option<&str>) -> ItemKey {
        ItemKey {
            a: a.map(String::from),
            b: b.map(String::from),
        }
    }

    #[test]
    fn agreeing_items_auto_accepted_rest_pending() {
        let (doc, a, b) = sets();
        let (a0, b0) = (a.clone(), b.clone());
        let out = build_gold(&doc, &a, &b, &Adjudication::new("gold")).unwrap();
        assert_eq!(out.gold.spans.len(), 1);
        assert_eq!(out.gold.spans[0].provenance, Some(Provenance::Both));
        assert_eq!(out.gold.annotator, "gold");
        assert_eq!(
            out.pending,
            [
                key(None, Some("b4")),
                key(Some("a2"), Some("b2")),
                key(Some("a3"), Some("b3")),
            ]
        );
        // Inputs untouched.
        assert_eq!((a, b), (a0, b0));
        // Without auto-accept, the agreeing pair is pending too.
        let mut adj = Adjudication::new("gold");
        adj.auto_accept_agreeing = false;
        let out = build_gold(&doc, &sets().1, &sets().2, &adj).unwrap();
        assert!(out.gold.spans.is_empty());
        assert_eq!(out.pending.len(), 4);
    }

    #[test]
    fn every_decision_and_relations() {
        let (doc, a, b) = sets();
        let mut adj = Adjudication::new("gold");
        adj.decide(key(Some("a2"), Some("b2")), Decision::AcceptBoth);
        adj.decide(key(Some("a3"), Some("b3")), Decision::AcceptB);
        adj.decide(key(None, Some("b4")), Decision::Reject);
        let out = build_gold(&doc, &a, &b, &adj).unwrap();
        assert!(out.pending.is_empty());
        let got: Vec<_> = out
            .gold
            .spans
            .iter()
            .map(|s| {
                (
                    s.id.as_str(),
                    s.start,
                    s.end,
                    s.attributes["kind"].as_str(),
                    s.provenance,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("s1", 4, 18, "government", Some(Provenance::Both)),
                ("s2", 22, 31, "armed group", Some(Provenance::A)),
                ("s3", 27, 31, "person", Some(Provenance::B)),
                ("s4", 35, 39, "region", Some(Provenance::B)),
            ]
        );
        // A's relation a2→a3: a3 was not taken from A, so it does not carry over;
        // B's b2→b3 does.
        let rels: Vec<_> = out
            .gold
            .relations
            .iter()
            .map(|r| (r.id.as_str(), r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(rels, [("r1", "s3", "s4")]);

        // Edit: bounds from the adjudicator, text from the document; relations of both
        // sides attach to the edited span, and the duplicate is kept once.
        let mut e = Span::new("ignored", 22, 31, "actor", "wrong text");
        e.attributes.insert("kind".into(), "armed group".into());
        adj.decide(key(Some("a2"), Some("b2")), Decision::Edit(e));
        let mut e = Span::new("ignored", 35, 39, "location", "");
        e.attributes.insert("kind".into(), "city".into());
        adj.decide(key(Some("a3"), Some("b3")), Decision::Edit(e));
        let out = build_gold(&doc, &a, &b, &adj).unwrap();
        assert_eq!(out.gold.spans.len(), 3);
        let edited = &out.gold.spans[1];
        assert_eq!(edited.text, "قوات حفتر");
        assert_eq!(edited.provenance, Some(Provenance::Edited));
        assert_eq!(out.gold.relations.len(), 1, "{:?}", out.gold.relations);
        assert_eq!(out.gold.relations[0].from, edited.id);
    }

    #[test]
    fn decisions_that_do_not_apply() {
        let (doc, a, b) = sets();
        let check = |k: ItemKey, d: Decision| {
            let mut adj = Adjudication::new("g");
            adj.decide(k, d);
            build_gold(&doc, &a, &b, &adj).unwrap_err()
        };
        assert!(matches!(
            check(key(None, Some("b4")), Decision::AcceptA),
            ReviewError::DecisionNotApplicable { .. }
        ));
        assert!(matches!(
            check(key(None, Some("b4")), Decision::AcceptBoth),
            ReviewError::DecisionNotApplicable { .. }
        ));
        assert!(matches!(
            check(key(Some("a3"), Some("b3")), Decision::AcceptBoth),
            ReviewError::DecisionNotApplicable { .. }
        ));
        assert!(matches!(
            check(key(Some("a9"), None), Decision::Reject),
            ReviewError::UnknownItem { .. }
        ));
        let e = Span::new("x", 30, 99, "actor", "");
        let err = check(key(Some("a2"), Some("b2")), Decision::Edit(e));
        assert!(matches!(err, ReviewError::EditOutOfBounds { end: 99, .. }));
        assert!(err.to_string().contains("A span a2 / B span b2"), "{err}");
    }

    #[test]
    fn decisions_round_trip_as_json() {
        let mut adj = Adjudication::new("gold");
        adj.decide(key(Some("a2"), Some("b2")), Decision::AcceptBoth);
        adj.decide(key(None, Some("b4")), Decision::Reject);
        adj.decide(
            key(Some("a3"), None),
            Decision::Edit(Span::new("e", 35, 39, "location", "درنة")),
        );
        let json = serde_json::to_string(&adj).unwrap();
        assert!(
            json.contains(r#""a":"a2","b":"b2","decision":"accept_both""#),
            "{json}"
        );
        assert!(json.contains(r#""decision":{"edit":{"id":"e""#), "{json}");
        let back: Adjudication = serde_json::from_str(&json).unwrap();
        assert_eq!(back, adj);
        // Resuming: same decisions, same gold.
        let (doc, a, b) = sets();
        let mut adj2 = Adjudication::new("gold");
        adj2.decide(key(Some("a2"), Some("b2")), Decision::AcceptBoth);
        let first = build_gold(&doc, &a, &b, &adj2).unwrap();
        let again: Adjudication =
            serde_json::from_str(&serde_json::to_string(&adj2).unwrap()).unwrap();
        assert_eq!(build_gold(&doc, &a, &b, &again).unwrap(), first);
    }
}
