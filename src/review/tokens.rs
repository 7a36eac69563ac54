//! Spans to one label per token, the units of κ and α.
//!
//! Tokens are those of [`crate::text::tokenize::tokenize`] (the same ones CoNLL export
//! uses), so agreement counts words and punctuation marks, not characters.
//!
//! - **Covered** means *overlapping*: a token takes a span's label if the two share at
//!   least one code point. Hashiya's spans are not snapped to tokens: `لتنظيم` inside
//!   `للتنظيم` (the preposition left out) and `فائز السراج` starting inside the typo
//!   `برئاسةفائز` are annotations on part of a token. Under a containment rule those
//!   spans would label no token at all and an annotator's decision would vanish from κ;
//!   under overlap every span labels at least one token.
//! - **Nested spans**: when several spans cover a token, the **innermost** wins, i.e. the
//!   shortest span (in code points); between spans of equal length the label whose id
//!   sorts first (byte order) wins. So an actor inside a claim labels its own tokens
//!   `actor` and the rest of the claim `claim`.
//! - A token covered by no span is labelled [`OUTSIDE`] (`O`).

use std::ops::Range;

use crate::model::Span;
use crate::text::tokenize::tokenize;

/// The label of a token outside every span.
pub const OUTSIDE: &str = "O";

/// The label of each token of `text` given `spans` (see the module doc for the rules).
pub fn token_labels(text: &str, spans: &[Span]) -> Vec<String> {
    let tokens = tokenize(text);
    labels_for_tokens(&tokens, spans)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Like [`token_labels`] for tokens already computed (sorted, non-overlapping).
pub fn labels_for_tokens<'s>(tokens: &[Range<usize>], spans: &'s [Span]) -> Vec<&'s str> {
    // Best (length, label) per token so far.
    let mut best: Vec<Option<(usize, &'s str)>> = vec![None; tokens.len()];
    for s in spans {
        // Tokens overlapping s: those ending after s.start and starting before s.end.
        let lo = tokens.partition_point(|t| t.end <= s.start);
        let hi = tokens.partition_point(|t| t.start < s.end);
        let key = (s.len(), s.label.as_str());
        for slot in best.iter_mut().take(hi).skip(lo) {
            if slot.is_none_or(|cur| key < cur) {
                *slot = Some(key);
            }
        }
    }
    best.into_iter()
        .map(|b| b.map_or(OUTSIDE, |(_, l)| l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::new("s", start, end, label, "")
    }

    #[test]
    fn outside_inside_and_punctuation() {
        // قال «حفتر»، إن — tokens: قال « حفتر » ، إن
        let text = "قال «حفتر»، إن";
        assert_eq!(tokenize(text).len(), 6);
        let labels = token_labels(text, &[sp(5, 9, "actor")]);
        assert_eq!(labels, ["O", "O", "actor", "O", "O", "O"]);
    }

    #[test]
    fn overlap_not_containment() {
        // «للتنظيم» is one token; the span «لتنظيم» starts one code point inside it.
        let text = "معقل للتنظيم في";
        let start = 6;
        assert_eq!(
            crate::model::offsets::slice_cp(text, start, 12),
            Some("لتنظيم")
        );
        let labels = token_labels(text, &[sp(start, 12, "actor")]);
        assert_eq!(labels, ["O", "actor", "O"]);
        // A span ending one code point into a token also covers it.
        assert_eq!(
            token_labels(text, &[sp(0, 6, "location")]),
            ["location", "location", "O"]
        );
    }

    #[test]
    fn innermost_span_wins_then_label_id() {
        // tokens: 0..3 «ABC», 4..7 «DEF», 8..11 «GHI»
        let text = "ABC DEF GHI";
        let spans = [
            sp(0, 11, "claim"),
            sp(4, 7, "location"),
            sp(4, 7, "actor"), // same length as the location: "actor" < "location"
        ];
        assert_eq!(token_labels(text, &spans), ["claim", "actor", "claim"]);
        // Order of the spans does not matter.
        let rev: Vec<Span> = spans.iter().rev().cloned().collect();
        assert_eq!(token_labels(text, &rev), ["claim", "actor", "claim"]);
        // A longer span never beats a shorter one, whatever its label.
        let spans = [sp(0, 7, "actor"), sp(4, 11, "zzz"), sp(4, 8, "zz")];
        assert_eq!(token_labels(text, &spans), ["actor", "zz", "zzz"]);
    }

    #[test]
    fn empty_text_and_spans() {
        assert!(token_labels("", &[]).is_empty());
        assert_eq!(token_labels("a b", &[]), ["O", "O"]);
        // Spans beyond the text label nothing and do not panic.
        assert_eq!(token_labels("a b", &[sp(10, 20, "x")]), ["O", "O"]);
    }
}
