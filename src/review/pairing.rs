//! Pairing the spans of two annotators on one document, as GATE's Annotation Diff does.
//!
//! Every span of A and of B ends up in exactly one [`SpanPair`]:
//!
//! | category        | condition                                   | score |
//! |-----------------|---------------------------------------------|-------|
//! | `exact`         | same start, same end, same label            | 2     |
//! | `partial`       | overlapping (≥ 1 code point), same label    | 1     |
//! | `label_mismatch`| same start and end, different label         | 0.5   |
//! | `label_mismatch`| overlapping, different bounds and label     | 0.25  |
//! | `only_a`        | A's span left unpaired ("missing" in GATE)  | —     |
//! | `only_b`        | B's span left unpaired ("spurious")         | —     |
//!
//! The pairs are chosen to **maximise the total score** over the document, by an optimal
//! assignment (Kuhn–Munkres, from the `pathfinding` crate), not greedily: taking the
//! best-looking pair first can leave two other spans without the partner that only it
//! could have had (see the tests). Label-mismatch pairs score below a partial pair, so a
//! span is paired across labels only when no same-label partner is left for it; they
//! score above nothing, so two overlapping spans that nobody else wants are shown side
//! by side rather than as one missing and one spurious.
//!
//! Ties in the total score are broken, in this order, by more exact pairs, then by more
//! overlapping code points; a tie after that is decided by the assignment algorithm
//! deterministically (same input, same pairs).
//!
//! Spans only interact with spans they overlap, so the assignment is solved separately
//! for each connected group of overlapping spans; Kuhn–Munkres is O(n³) in the size of
//! a group, which stays small in practice (a claim and the mentions inside it). Finding
//! the overlaps is O(|A|·|B|).

use pathfinding::prelude::{Matrix, kuhn_munkres};
use serde::{Deserialize, Serialize};

use crate::model::Span;

/// How a span of A relates to a span of B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairCategory {
    /// Same bounds, same label.
    Exact,
    /// Overlapping, same label, different bounds.
    Partial,
    /// Same or overlapping bounds, different label.
    LabelMismatch,
    /// A span of A with no partner in B (GATE: missing).
    OnlyA,
    /// A span of B with no partner in A (GATE: spurious).
    OnlyB,
}

impl PairCategory {
    pub const ALL: [PairCategory; 5] = [
        PairCategory::Exact,
        PairCategory::Partial,
        PairCategory::LabelMismatch,
        PairCategory::OnlyA,
        PairCategory::OnlyB,
    ];

    /// The name used in JSON and CSV (`label_mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            PairCategory::Exact => "exact",
            PairCategory::Partial => "partial",
            PairCategory::LabelMismatch => "label_mismatch",
            PairCategory::OnlyA => "only_a",
            PairCategory::OnlyB => "only_b",
        }
    }
}

/// One entry of the diff: indices into the A and B span slices given to [`pair_spans`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanPair {
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub category: PairCategory,
}

/// The category and score of a candidate pair, `None` if the spans do not overlap.
/// The score is in quarters (exact 8 = 2.0), so that the assignment runs on integers.
pub fn classify(a: &Span, b: &Span) -> Option<(PairCategory, u32)> {
    if !(a.start < b.end && b.start < a.end) {
        return None;
    }
    let same_bounds = a.start == b.start && a.end == b.end;
    let same_label = a.label == b.label;
    Some(match (same_bounds, same_label) {
        (true, true) => (PairCategory::Exact, 8),
        (false, true) => (PairCategory::Partial, 4),
        (true, false) => (PairCategory::LabelMismatch, 2),
        (false, false) => (PairCategory::LabelMismatch, 1),
    })
}

/// The score of a category as a number (exact 2, partial 1, label mismatch 0.5 with the
/// same bounds or 0.25 overlapping).
pub fn score(a: &Span, b: &Span) -> f64 {
    classify(a, b).map_or(0.0, |(_, q)| f64::from(q) / 4.0)
}

fn overlap(a: &Span, b: &Span) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// Weights stay far below `i64::MAX` so that Kuhn–Munkres cannot overflow (it panics if
/// it does).
const WEIGHT_LIMIT: u128 = (i64::MAX / 8) as u128;

/// A group of spans that were too many to weigh without overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManySpans {
    pub spans: usize,
}

/// Pairs the spans of A and B on one document (both over the same text). The result
/// lists every span of both once, ordered by position in the text.
pub fn pair_spans(a: &[Span], b: &[Span]) -> Result<Vec<SpanPair>, TooManySpans> {
    let na = a.len();
    // Union-find over A (0..na) and B (na..na+nb), joined by overlap.
    let mut parent: Vec<usize> = (0..na + b.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut edges = Vec::new();
    for (i, sa) in a.iter().enumerate() {
        for (j, sb) in b.iter().enumerate() {
            if let Some((cat, q)) = classify(sa, sb) {
                edges.push((i, j, cat, q));
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, na + j));
                if ri != rj {
                    parent[ri] = rj;
                }
            }
        }
    }
    // Members of each group, in index order.
    let mut groups: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> =
        Default::default();
    for i in 0..na {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().0.push(i);
    }
    for j in 0..b.len() {
        let r = find(&mut parent, na + j);
        groups.entry(r).or_default().1.push(j);
    }
    let mut edge_of: std::collections::HashMap<(usize, usize), (PairCategory, u32)> =
        std::collections::HashMap::with_capacity(edges.len());
    for (i, j, cat, q) in edges {
        edge_of.insert((i, j), (cat, q));
    }

    let mut out = Vec::with_capacity(na + b.len());
    for (rows, cols) in groups.values() {
        if rows.is_empty() || cols.is_empty() {
            out.extend(rows.iter().map(|&i| SpanPair {
                a: Some(i),
                b: None,
                category: PairCategory::OnlyA,
            }));
            out.extend(cols.iter().map(|&j| SpanPair {
                a: None,
                b: Some(j),
                category: PairCategory::OnlyB,
            }));
            continue;
        }
        let assigned = assign(a, b, rows, cols, &edge_of)?;
        let mut a_done = vec![false; rows.len()];
        let mut b_done = vec![false; cols.len()];
        for (ri, ci) in assigned {
            let (i, j) = (rows[ri], cols[ci]);
            if let Some(&(category, _)) = edge_of.get(&(i, j)) {
                a_done[ri] = true;
                b_done[ci] = true;
                out.push(SpanPair {
                    a: Some(i),
                    b: Some(j),
                    category,
                });
            }
        }
        for (ri, &i) in rows.iter().enumerate() {
            if !a_done[ri] {
                out.push(SpanPair {
                    a: Some(i),
                    b: None,
                    category: PairCategory::OnlyA,
                });
            }
        }
        for (ci, &j) in cols.iter().enumerate() {
            if !b_done[ci] {
                out.push(SpanPair {
                    a: None,
                    b: Some(j),
                    category: PairCategory::OnlyB,
                });
            }
        }
    }
    out.sort_by_key(|p| position_key(p, a, b));
    Ok(out)
}

/// Text order: by the earlier start of the two spans, then the later end, then A
/// before B-only, then indices (a total order, so the output is deterministic).
fn position_key(
    p: &SpanPair,
    a: &[Span],
    b: &[Span],
) -> (usize, std::cmp::Reverse<usize>, u8, usize, usize) {
    let sa = p.a.map(|i| &a[i]);
    let sb = p.b.map(|j| &b[j]);
    let start = sa
        .map_or(usize::MAX, |s| s.start)
        .min(sb.map_or(usize::MAX, |s| s.start));
    let end = sa.map_or(0, |s| s.end).max(sb.map_or(0, |s| s.end));
    let side = match (p.a, p.b) {
        (Some(_), Some(_)) => 0,
        (Some(_), None) => 1,
        _ => 2,
    };
    (
        start,
        std::cmp::Reverse(end),
        side,
        p.a.unwrap_or(usize::MAX),
        p.b.unwrap_or(usize::MAX),
    )
}

/// Optimal assignment within one group. Returns (row index, column index) pairs in the
/// group's own numbering; pairs without an edge (weight 0) are included and must be
/// dropped by the caller.
///
/// The weight of an edge is `(score·E + exact)·M + overlap`, with `E` larger than the
/// number of pairs the group can hold and `M` larger than the total overlap any
/// assignment can reach: the total is then ordered by score first, number of exact
/// pairs second, overlap third.
fn assign(
    a: &[Span],
    b: &[Span],
    rows: &[usize],
    cols: &[usize],
    edge_of: &std::collections::HashMap<(usize, usize), (PairCategory, u32)>,
) -> Result<Vec<(usize, usize)>, TooManySpans> {
    let too_many = TooManySpans {
        spans: rows.len() + cols.len(),
    };
    let e = rows.len().min(cols.len()) as u128 + 1;
    let m = rows.iter().map(|&i| a[i].len() as u128).sum::<u128>() + 1;
    // The largest total: every possible pair exact with full overlap.
    let max_total = (8 * e + 1)
        .checked_mul(m)
        .and_then(|x| x.checked_mul(e))
        .ok_or(too_many)?;
    if max_total > WEIGHT_LIMIT {
        return Err(too_many);
    }
    let transpose = rows.len() > cols.len();
    let (nr, nc) = if transpose {
        (cols.len(), rows.len())
    } else {
        (rows.len(), cols.len())
    };
    let mut w: Matrix<i64> = Matrix::new(nr, nc, 0);
    for (ri, &i) in rows.iter().enumerate() {
        for (ci, &j) in cols.iter().enumerate() {
            if let Some(&(cat, q)) = edge_of.get(&(i, j)) {
                let exact = u128::from(cat == PairCategory::Exact);
                let weight = (u128::from(q) * e + exact) * m + overlap(&a[i], &b[j]) as u128;
                // Bounded by `max_total`, checked above to fit in i64.
                let weight = i64::try_from(weight).map_err(|_| too_many)?;
                if transpose {
                    w[(ci, ri)] = weight;
                } else {
                    w[(ri, ci)] = weight;
                }
            }
        }
    }
    let (_, assignment) = kuhn_munkres(&w);
    Ok(assignment
        .into_iter()
        .enumerate()
        .map(|(r, c)| if transpose { (c, r) } else { (r, c) })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(id: &str, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start, end, label, "")
    }

    /// (A id, B id, category) for readable assertions.
    fn named(a: &[Span], b: &[Span]) -> Vec<(String, String, PairCategory)> {
        pair_spans(a, b)
            .unwrap()
            .into_iter()
            .map(|p| {
                (
                    p.a.map_or("-".into(), |i| a[i].id.clone()),
                    p.b.map_or("-".into(), |j| b[j].id.clone()),
                    p.category,
                )
            })
            .collect()
    }

    fn total(a: &[Span], b: &[Span], pairs: &[(String, String, PairCategory)]) -> f64 {
        pairs
            .iter()
            .filter_map(|(x, y, _)| {
                let sa = a.iter().find(|s| &s.id == x)?;
                let sb = b.iter().find(|s| &s.id == y)?;
                Some(score(sa, sb))
            })
            .sum()
    }

    use PairCategory::*;

    fn row(a: &str, b: &str, c: PairCategory) -> (String, String, PairCategory) {
        (a.into(), b.into(), c)
    }

    #[test]
    fn each_category() {
        let a = [
            sp("a1", 0, 5, "actor"),      // exact with b1
            sp("a2", 10, 15, "actor"),    // partial with b2
            sp("a3", 20, 25, "actor"),    // same bounds, other label: b3
            sp("a4", 30, 35, "claim"),    // overlapping, other label: b4
            sp("a5", 40, 45, "location"), // nothing in B
        ];
        let b = [
            sp("b1", 0, 5, "actor"),
            sp("b2", 12, 18, "actor"),
            sp("b3", 20, 25, "location"),
            sp("b4", 33, 38, "actor"),
            sp("b5", 50, 55, "actor"),    // nothing in A
            sp("b6", 45, 46, "location"), // touches a5's end: no overlap (end-exclusive)
        ];
        assert_eq!(
            named(&a, &b),
            [
                row("a1", "b1", Exact),
                row("a2", "b2", Partial),
                row("a3", "b3", LabelMismatch),
                row("a4", "b4", LabelMismatch),
                row("a5", "-", OnlyA),
                row("-", "b6", OnlyB),
                row("-", "b5", OnlyB),
            ]
        );
        assert_eq!(score(&a[0], &b[0]), 2.0);
        assert_eq!(score(&a[1], &b[1]), 1.0);
        assert_eq!(score(&a[2], &b[2]), 0.5);
        assert_eq!(score(&a[3], &b[3]), 0.25);
        assert_eq!(score(&a[4], &b[5]), 0.0);
    }

    #[test]
    fn empty_sides() {
        assert!(pair_spans(&[], &[]).unwrap().is_empty());
        assert_eq!(named(&[sp("a", 0, 1, "x")], &[]), [row("a", "-", OnlyA)]);
        assert_eq!(named(&[], &[sp("b", 0, 1, "x")]), [row("-", "b", OnlyB)]);
    }

    #[test]
    fn same_label_partner_beats_label_mismatch() {
        // B's actor overlaps A's claim (mismatch, 0.25) and A's actor inside it
        // (partial, 1): the sample's «claim vs actor» case.
        let a = [sp("claim", 0, 100, "claim"), sp("actor", 10, 20, "actor")];
        let b = [sp("actor", 5, 30, "actor")];
        assert_eq!(
            named(&a, &b),
            [row("claim", "-", OnlyA), row("actor", "actor", Partial)]
        );
    }

    #[test]
    fn ties_prefer_exact_pairs() {
        // {a1–b1 exact} scores 2, as does {a1–b2 partial, a2–b1 partial}; exact wins.
        let a = [sp("a1", 0, 10, "x"), sp("a2", 8, 20, "x")];
        let b = [sp("b1", 0, 10, "x"), sp("b2", 2, 4, "x")];
        assert_eq!(
            named(&a, &b),
            [
                row("a1", "b1", Exact),
                row("-", "b2", OnlyB),
                row("a2", "-", OnlyA)
            ]
        );
    }

    /// Best-first greedy pairing: repeatedly take the heaviest remaining pair (by
    /// score, then overlap), the way a quick implementation would.
    fn greedy(a: &[Span], b: &[Span]) -> Vec<(usize, usize)> {
        let mut cand: Vec<(u32, usize, usize, usize)> = Vec::new();
        for (i, x) in a.iter().enumerate() {
            for (j, y) in b.iter().enumerate() {
                if let Some((_, q)) = classify(x, y) {
                    cand.push((q, overlap(x, y), i, j));
                }
            }
        }
        cand.sort_by_key(|c| std::cmp::Reverse((c.0, c.1)));
        let (mut ua, mut ub) = (vec![false; a.len()], vec![false; b.len()]);
        let mut out = Vec::new();
        for (_, _, i, j) in cand {
            if !ua[i] && !ub[j] {
                ua[i] = true;
                ub[j] = true;
                out.push((i, j));
            }
        }
        out
    }

    #[test]
    fn optimal_where_greedy_is_not() {
        // a1 and b1 overlap most (8 code points), so greedy pairs them first; then a2
        // (which only overlaps b1) and b2 (which only overlaps a1) are left alone:
        // total 1. Pairing a1–b2 and a2–b1 gives 2.
        let a = [sp("a1", 0, 10, "actor"), sp("a2", 11, 20, "actor")];
        let b = [sp("b1", 2, 12, "actor"), sp("b2", 0, 2, "actor")];
        let g = greedy(&a, &b);
        assert_eq!(g, [(0, 0)]);
        let g_total: f64 = g.iter().map(|&(i, j)| score(&a[i], &b[j])).sum();
        assert_eq!(g_total, 1.0);

        let got = named(&a, &b);
        assert_eq!(got, [row("a1", "b2", Partial), row("a2", "b1", Partial)]);
        assert_eq!(total(&a, &b, &got), 2.0);
    }

    #[test]
    fn optimal_where_document_order_greedy_is_not() {
        // Taking, for each A span in text order, its best free B span: a1 takes b1
        // (partial, 1), a2 is left with b2 (mismatch, 0.25): 1.25. Optimal: a2–b1 exact
        // (2) and a1–b2 same-bounds mismatch (0.5): 2.5.
        let a = [sp("a1", 0, 10, "x"), sp("a2", 5, 15, "x")];
        let b = [sp("b1", 5, 15, "x"), sp("b2", 0, 10, "y")];
        let got = named(&a, &b);
        assert_eq!(
            got,
            [row("a1", "b2", LabelMismatch), row("a2", "b1", Exact)]
        );
        assert_eq!(total(&a, &b, &got), 2.5);
    }

    #[test]
    fn more_rows_than_columns_is_transposed() {
        let a = [
            sp("a1", 0, 4, "x"),
            sp("a2", 3, 8, "x"),
            sp("a3", 7, 12, "x"),
        ];
        let b = [sp("b1", 3, 8, "x")];
        assert_eq!(
            named(&a, &b),
            [
                row("a1", "-", OnlyA),
                row("a2", "b1", Exact),
                row("a3", "-", OnlyA)
            ]
        );
    }

    #[test]
    fn every_span_appears_once() {
        // Nested and crossing spans, several labels.
        let a = [
            sp("a1", 0, 50, "claim"),
            sp("a2", 3, 8, "actor"),
            sp("a3", 10, 14, "location"),
            sp("a4", 40, 60, "claim"),
        ];
        let b = [
            sp("b1", 0, 45, "claim"),
            sp("b2", 3, 8, "location"),
            sp("b3", 10, 14, "location"),
            sp("b4", 41, 44, "actor"),
            sp("b5", 46, 60, "claim"),
        ];
        let pairs = pair_spans(&a, &b).unwrap();
        let mut seen_a: Vec<usize> = pairs.iter().filter_map(|p| p.a).collect();
        let mut seen_b: Vec<usize> = pairs.iter().filter_map(|p| p.b).collect();
        seen_a.sort();
        seen_b.sort();
        assert_eq!(seen_a, [0, 1, 2, 3]);
        assert_eq!(seen_b, [0, 1, 2, 3, 4]);
        let got = named(&a, &b);
        assert!(got.contains(&row("a1", "b1", Partial)));
        assert!(got.contains(&row("a4", "b5", Partial)));
        assert!(got.contains(&row("a2", "b2", LabelMismatch)));
        assert!(got.contains(&row("a3", "b3", Exact)));
        assert!(got.contains(&row("-", "b4", OnlyB)));
    }
}
