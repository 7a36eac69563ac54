//! Joining the model's suggestions ([`crate::learn`], source `model`) to the string
//! matcher's, with one suggestion per place.
//!
//! The model's suggestions come in as plain [`Suggestion`]s: this module (and the rest
//! of `suggest`) never imports `learn`, which sits above it.
//!
//! - A model suggestion under [`super::SuggestOptions::min_model_score`] is dropped.
//! - At the same place (bounds) the better score wins; a tie goes to the matcher.
//!   (Each source offers at most one label per place.)
//! - A model suggestion that overlaps a matcher suggestion with other bounds is
//!   dropped: the matcher's names are strings the annotator or the registry gave, the
//!   model's a guess.
//! - Model suggestions never overlap each other (one Viterbi path per sentence).
//! - Claim suggestions (source `attribution`) are long spans that hold names: they
//!   neither block nor are replaced by a model suggestion.

use super::Suggestion;

/// `matched` (the matcher's, in text order) with the `model`'s suggestions of the same
/// document joined (see the module doc), in text order.
pub fn merge_model(
    matched: Vec<Suggestion>,
    model: Vec<Suggestion>,
    min_model_score: f64,
) -> Vec<Suggestion> {
    let mut out = matched;
    let from = out.len();
    let names = |s: &Suggestion| s.source != crate::model::SuggestionSource::Attribution;
    for m in model.into_iter().filter(|m| m.score >= min_model_score) {
        let same = out[..from].iter().position(|s| {
            names(s) && s.document == m.document && (s.start, s.end) == (m.start, m.end)
        });
        match same {
            Some(i) => {
                if m.score > out[i].score {
                    out[i] = m;
                }
            }
            None => {
                let overlaps = out[..from].iter().any(|s| {
                    names(s) && s.document == m.document && s.start < m.end && m.start < s.end
                });
                if !overlaps {
                    out.push(m);
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.document.as_str(), a.start, a.end).cmp(&(b.document.as_str(), b.start, b.end))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SuggestionSource;

    fn s(start: usize, end: usize, source: SuggestionSource, score: f64) -> Suggestion {
        Suggestion {
            document: "d".into(),
            start,
            end,
            label: "actor".into(),
            text: String::new(),
            source,
            score,
            entity: None,
            cue: None,
        }
    }

    #[test]
    fn one_suggestion_per_place() {
        use SuggestionSource::{Learned, Model};
        let got = merge_model(
            vec![s(0, 4, Learned, 0.5), s(10, 14, Learned, 1.0)],
            vec![
                s(0, 4, Model, 0.9),   // same place, better: replaces
                s(10, 14, Model, 0.9), // same place, worse: dropped
                s(12, 20, Model, 0.9), // overlaps a matcher suggestion: dropped
                s(30, 34, Model, 0.4), // under the threshold
                s(22, 26, Model, 0.6), // new place
            ],
            0.5,
        );
        let got: Vec<_> = got.iter().map(|x| (x.start, x.source)).collect();
        assert_eq!(got, [(0, Model), (10, Learned), (22, Model)]);
    }
}
