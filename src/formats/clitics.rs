//! Splitting CoNLL tokens at span starts that follow a proclitic chain
//! (`hashiya export --format conll --split-clitics`).
//!
//! The tokenizer keeps clitics on their word («بدرنة» is one token). When a span
//! starts inside a token and everything in the token before it is a proclitic chain
//! (the rules of [`crate::suggest::clitics`]: و/ف, then ب/ل/ك, then ال or لل, harakat
//! and tatweel ignored), the token is cut there: «ب» + «درنة», «وب» + «حفتر»,
//! «ل» + «لسراج». So a location annotated on the name only gets `B-location` on the
//! name and `O` on the preposition. Nothing else is cut: a token is left whole where no
//! span starts inside it, where what comes before the span's start is not a proclitic
//! chain (a span that starts mid-word by mistake), and where a span ends inside it
//! (enclitics such as «ها» are not split off).

use std::ops::Range;

use crate::model::Span;
use crate::suggest::{clitics::is_proclitic_chain, fold_key};
use crate::text::normalize::SearchOptions;

/// `tokens` (code point ranges of `chars`, in order) with each token cut at the span
/// starts inside it that follow a proclitic chain (see the module doc).
pub fn split_at_span_boundaries(
    chars: &[char],
    tokens: Vec<Range<usize>>,
    spans: &[Span],
) -> Vec<Range<usize>> {
    let mut starts: Vec<usize> = spans.iter().map(|s| s.start).collect();
    starts.sort_unstable();
    starts.dedup();
    if starts.is_empty() {
        return tokens;
    }
    let o = SearchOptions::default();
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let from = starts.partition_point(|&b| b <= t.start);
        let mut piece = t.start;
        for &b in starts[from..].iter().take_while(|&&b| b < t.end) {
            let prefix: String = chars[t.start..b].iter().collect();
            if is_proclitic_chain(&fold_key(&prefix, &o)) {
                out.push(piece..b);
                piece = b;
            }
        }
        out.push(piece..t.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::tokenize;

    fn words(text: &str, spans: &[Span]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        split_at_span_boundaries(&chars, tokenize(text), spans)
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect()
    }

    #[test]
    fn cuts_after_proclitics_only() {
        let text = "في بدرنة وبِحفتر للسراج مدرنة بدرنة";
        let spans = [
            Span::new("a", 4, 8, "location", "درنة"),
            Span::new("b", 12, 16, "actor", "حفتر"),
            Span::new("c", 18, 23, "actor", "لسراج"),
            Span::new("d", 25, 29, "location", "درنة"),
        ];
        assert_eq!(
            words(text, &spans),
            [
                "في",
                "ب",
                "درنة",
                "وبِ",
                "حفتر",
                "ل",
                "لسراج",
                "مدرنة",
                "بدرنة"
            ]
        );
        assert_eq!(words(text, &[]).len(), 6);
    }
}
