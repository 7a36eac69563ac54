//! Precision, recall and F1 of B against A (A is the reference, "key" in GATE's terms).
//!
//! For a label L, with |A_L| and |B_L| the spans each annotator gave label L:
//!
//! - **strict**: a true positive is an *exact* pair labelled L;
//! - **lenient**: a true positive is an *exact or partial* pair labelled L.
//!
//! precision = TP / |B_L|, recall = TP / |A_L|, F1 = 2·P·R / (P + R). A label-mismatch
//! pair is an error in both modes: a miss of A's label and a spurious span of B's label.
//!
//! **Micro** sums TP, |A| and |B| over labels, then divides. **Macro** is the unweighted
//! mean of the per-label P, R and F1 (the macro F1 is the mean of the F1s, as
//! scikit-learn computes it, not the F1 of the mean P and R), over the labels that occur
//! in A or in B. A ratio 0/0 counts as 0 (scikit-learn's `zero_division=0`), so a label
//! that only one annotator used scores 0 rather than disappearing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::pairing::{PairCategory, SpanPair};
use crate::model::Span;

/// Precision, recall, F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

impl Prf {
    /// From counts: true positives, reference size (|A|), response size (|B|).
    pub fn from_counts(tp: usize, a: usize, b: usize) -> Prf {
        let precision = ratio(tp as f64, b as f64);
        let recall = ratio(tp as f64, a as f64);
        Prf {
            precision,
            recall,
            f1: ratio(2.0 * precision * recall, precision + recall),
        }
    }
}

/// Counts and figures for one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelFigures {
    pub label: String,
    /// Spans of A with this label.
    pub a: usize,
    /// Spans of B with this label.
    pub b: usize,
    /// Exact pairs with this label.
    pub exact: usize,
    /// Partial pairs with this label.
    pub partial: usize,
    pub strict: Prf,
    pub lenient: Prf,
}

/// Strict and lenient figures of one averaging.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StrictLenient {
    pub strict: Prf,
    pub lenient: Prf,
}

/// Per-label and averaged figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// One entry per label used by A or B, sorted by label id.
    pub per_label: Vec<LabelFigures>,
    pub micro: StrictLenient,
    #[serde(rename = "macro")]
    pub macro_: StrictLenient,
}

/// Accumulates counts over documents, then computes the figures.
#[derive(Debug, Clone, Default)]
pub struct FigureCounts {
    /// label → (|A_L|, |B_L|, exact, partial)
    per_label: BTreeMap<String, [usize; 4]>,
}

impl FigureCounts {
    /// Adds one document's spans and pairs.
    pub fn add(&mut self, a: &[Span], b: &[Span], pairs: &[SpanPair]) {
        for s in a {
            self.entry(&s.label)[0] += 1;
        }
        for s in b {
            self.entry(&s.label)[1] += 1;
        }
        for p in pairs {
            let slot = match p.category {
                PairCategory::Exact => 2,
                PairCategory::Partial => 3,
                _ => continue,
            };
            if let Some(i) = p.a {
                self.entry(&a[i].label)[slot] += 1;
            }
        }
    }

    fn entry(&mut self, label: &str) -> &mut [usize; 4] {
        self.per_label.entry(label.to_string()).or_default()
    }

    pub fn figures(&self) -> Figures {
        let per_label: Vec<LabelFigures> = self
            .per_label
            .iter()
            .map(|(label, &[a, b, exact, partial])| LabelFigures {
                label: label.clone(),
                a,
                b,
                exact,
                partial,
                strict: Prf::from_counts(exact, a, b),
                lenient: Prf::from_counts(exact + partial, a, b),
            })
            .collect();
        let sum = |f: fn(&LabelFigures) -> usize| per_label.iter().map(f).sum::<usize>();
        let (ta, tb, te, tp) = (
            sum(|l| l.a),
            sum(|l| l.b),
            sum(|l| l.exact),
            sum(|l| l.partial),
        );
        let micro = StrictLenient {
            strict: Prf::from_counts(te, ta, tb),
            lenient: Prf::from_counts(te + tp, ta, tb),
        };
        let mean = |f: fn(&LabelFigures) -> Prf| {
            let n = per_label.len() as f64;
            if per_label.is_empty() {
                return Prf::default();
            }
            let mut m = Prf::default();
            for l in &per_label {
                let p = f(l);
                m.precision += p.precision / n;
                m.recall += p.recall / n;
                m.f1 += p.f1 / n;
            }
            m
        };
        let macro_ = StrictLenient {
            strict: mean(|l| l.strict),
            lenient: mean(|l| l.lenient),
        };
        Figures {
            per_label,
            micro,
            macro_,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::pairing::pair_spans;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::new("s", start, end, label, "")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn strict_lenient_micro_macro_by_hand() {
        // actor: A 3, B 2; one exact, one partial.       strict P 1/2 R 1/3; lenient P 1 R 2/3
        // location: A 1, B 2; one exact, one spurious.   strict = lenient: P 1/2 R 1
        let a = [
            sp(0, 5, "actor"),
            sp(10, 15, "actor"),
            sp(20, 25, "actor"),
            sp(30, 35, "location"),
        ];
        let b = [
            sp(0, 5, "actor"),
            sp(11, 15, "actor"),
            sp(30, 35, "location"),
            sp(40, 45, "location"),
        ];
        let pairs = pair_spans(&a, &b).unwrap();
        let mut c = FigureCounts::default();
        c.add(&a, &b, &pairs);
        let f = c.figures();
        assert_eq!(f.per_label.len(), 2);
        let actor = &f.per_label[0];
        assert_eq!((actor.a, actor.b, actor.exact, actor.partial), (3, 2, 1, 1));
        assert!(close(actor.strict.precision, 0.5));
        assert!(close(actor.strict.recall, 1.0 / 3.0));
        assert!(close(actor.strict.f1, 0.4)); // 2·(1/2)(1/3)/(5/6)
        assert!(close(actor.lenient.precision, 1.0));
        assert!(close(actor.lenient.recall, 2.0 / 3.0));
        assert!(close(actor.lenient.f1, 0.8));
        let loc = &f.per_label[1];
        assert!(close(loc.strict.f1, 2.0 / 3.0));
        // micro strict: TP 2, |A| 4, |B| 4 → 0.5; lenient TP 3 → 0.75.
        assert!(close(f.micro.strict.f1, 0.5));
        assert!(close(f.micro.lenient.precision, 0.75));
        assert!(close(f.micro.lenient.f1, 0.75));
        // macro strict F1 = (0.4 + 2/3)/2; lenient F1 = (0.8 + 2/3)/2.
        assert!(close(f.macro_.strict.f1, (0.4 + 2.0 / 3.0) / 2.0));
        assert!(close(f.macro_.lenient.f1, (0.8 + 2.0 / 3.0) / 2.0));
        assert!(close(f.macro_.strict.recall, (1.0 / 3.0 + 1.0) / 2.0));
    }

    #[test]
    fn label_mismatch_and_zero_division() {
        // Same bounds, different label: a miss for actor, spurious for location.
        let a = [sp(0, 5, "actor")];
        let b = [sp(0, 5, "location")];
        let pairs = pair_spans(&a, &b).unwrap();
        let mut c = FigureCounts::default();
        c.add(&a, &b, &pairs);
        let f = c.figures();
        assert_eq!(f.per_label.len(), 2);
        for l in &f.per_label {
            assert_eq!(l.strict, Prf::default(), "{}", l.label);
            assert_eq!(l.lenient, Prf::default(), "{}", l.label);
        }
        assert_eq!(f.micro.lenient.f1, 0.0);
        // Nothing at all: zeros, no NaN.
        let f = FigureCounts::default().figures();
        assert!(f.per_label.is_empty());
        assert_eq!(f.macro_.strict, Prf::default());
        assert_eq!(f.micro.strict, Prf::default());
    }
}
