//! CoNLL-style IOB2: one token per line, `token<TAB>tag` (`⇥` below), for training
//! taggers.
//!
//! ```text
//! -DOCSTART-⇥O
//!
//! قال⇥O
//! خليفة⇥B-actor
//! حفتر⇥I-actor
//! .⇥O
//!
//! ```
//!
//! - Each document starts with `-DOCSTART-<TAB>O` and a blank line. A blank line ends each
//!   sentence: after `.` `؟` `!` `?`, and at every line break of the text (a
//!   paragraph), except where that would cut a span in two.
//! - Tokens come from [`crate::text::tokenize`] (punctuation split off, clitics kept
//!   on their word), the same tokenizer token-level agreement uses.
//! - A token is tagged when it shares a character with a span: `B-label` on the
//!   span's first such token, `I-label` on the rest. Arabic attaches clitics (بـ، وـ، لـ)
//!   to the word, so a location annotated as «درنة» inside the token «بدرنة» tags that
//!   token; requiring the whole token inside the span would lose it.
//! - With `--split-clitics` ([`ExportOptions::split_clitics`](super::export::ExportOptions)),
//!   a token is first cut where a span starts after a proclitic chain
//!   ([`super::clitics`]): «بدرنة» is written as «ب» (`O`) and «درنة» (`B-location`)
//!   when the span covers the name only; tokens where no span starts after a clitic
//!   stay whole, so the rule above still applies to them.
//! - IOB cannot nest: **the outermost span wins**. Spans are taken longest-first among
//!   those starting at the same place, in text order; a span that overlaps one already
//!   taken is left out (so a claim hides the actors inside it), and a token that two
//!   taken spans share goes to the first. The export report counts what was left out;
//!   export some labels only (`--labels actor,location`) to keep what claims hide.
//! - Whitespace inside a label is written as `_` (the format is whitespace-separated).
//! - IOB has no place for document metadata either: when an exported document has
//!   `source` fields or `meta`, a side file `<name>.metadata.csv` is written next to
//!   `<name>.conll` (documents in export order; columns `document`, `title`, the
//!   `source` fields present — `outlet`, `url`, `date` — then the `meta` keys present,
//!   sorted, a key that names an earlier column written `meta:KEY`; UTF-8, with a byte order mark unless `--no-bom`).
//! - IOB has no place for an annotator, so a CoNLL export needs exactly one: with
//!   several, choose one with `--set`.
// The examples show the formats' tab separators as they are.
#![allow(clippy::tabs_in_doc_comments)]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::units::{ExportReport, ExportUnit, Output, metadata_csv};
use super::{FormatError, Progress};
use crate::model::{Project, Span};
use crate::text::tokenize::tokenize;

/// Sentence-final punctuation.
fn ends_sentence(token: &str) -> bool {
    matches!(token, "." | "؟" | "!" | "?")
}

/// The spans IOB keeps: outermost first, no two overlapping.
pub fn outermost(spans: &[Span]) -> Vec<&Span> {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end), &a.id).cmp(&(b.start, std::cmp::Reverse(b.end), &b.id))
    });
    let mut kept: Vec<&Span> = Vec::new();
    for s in sorted {
        if !kept.iter().any(|k| k.overlaps(s)) {
            kept.push(s);
        }
    }
    kept
}

/// `(token text, tag)` per token, and whether a sentence ends after it.
pub fn tag_document(
    text: &str,
    spans: &[Span],
    split_clitics: bool,
) -> (Vec<(String, String, bool)>, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = tokenize(text);
    if split_clitics {
        tokens = super::clitics::split_at_span_boundaries(&chars, tokens, spans);
    }
    let kept = outermost(spans);
    let mut tags: Vec<Option<String>> = vec![None; tokens.len()];
    let mut lost = spans.len() - kept.len();
    for s in kept {
        let label: String = s
            .label
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        let mut first = true;
        let from = tokens.partition_point(|t| t.end <= s.start);
        for (i, t) in tokens.iter().enumerate().skip(from) {
            if t.start >= s.end {
                break;
            }
            if tags[i].is_some() {
                continue;
            }
            tags[i] = Some(format!("{}-{label}", if first { "B" } else { "I" }));
            first = false;
        }
        if first {
            lost += 1;
        }
    }
    let mut out = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let word: String = chars[t.clone()].iter().collect();
        let next_inside = tags
            .get(i + 1)
            .and_then(|t| t.as_deref())
            .is_some_and(|t| t.starts_with("I-"));
        let paragraph = tokens
            .get(i + 1)
            .is_some_and(|n| chars[t.end..n.start].contains(&'\n'));
        let end = !next_inside && (ends_sentence(&word) || paragraph);
        let tag = tags[i].take().unwrap_or_else(|| "O".to_string());
        out.push((word, tag, end));
    }
    (out, lost)
}

pub(crate) fn export(
    _project: &Project,
    units: &[ExportUnit],
    bom: bool,
    split_clitics: bool,
    progress: Progress,
) -> Result<Output, FormatError> {
    let annotators: BTreeSet<&str> = units.iter().filter_map(|i| i.annotator).collect();
    if annotators.len() > 1 {
        return Err(FormatError::Export(format!(
            "CoNLL has no place for the annotator, and this project has sets of {} annotators ({}); export one at a time with --set NAME",
            annotators.len(),
            annotators.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let mut out = String::new();
    let mut lost_total = 0;
    for (n, unit) in units.iter().enumerate() {
        out.push_str("-DOCSTART-\tO\n\n");
        let (tokens, lost) = tag_document(&unit.doc.text, unit.spans(), split_clitics);
        lost_total += lost;
        let mut open = false;
        for (word, tag, end) in tokens {
            let _ = writeln!(out, "{word}\t{tag}");
            open = true;
            if end {
                out.push('\n');
                open = false;
            }
        }
        if open {
            out.push('\n');
        }
        progress(n + 1, units.len());
    }
    let mut report = ExportReport::default();
    if lost_total > 0 {
        report.notes.push(format!(
            "CoNLL: {lost_total} span{} nested in or overlapping another span {} not represented (IOB cannot nest; the outermost span wins)",
            if lost_total == 1 { "" } else { "s" },
            if lost_total == 1 { "is" } else { "are" }
        ));
    }
    let mut output = Output::file(out.into_bytes(), report);
    if let Some(meta) = metadata_csv(units, bom)? {
        output.side_files.push(("metadata.csv".to_string(), meta));
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str, spans: &[Span]) -> Vec<(String, String, bool)> {
        tag_document(text, spans, false).0
    }

    #[test]
    fn outermost_wins_and_clitics_are_tagged() {
        let text = "قال مجلس شورى درنة إن بدرنة هدوءا. ثم";
        let spans = [
            Span::new("a", 4, 18, "actor", "مجلس شورى درنة"),
            Span::new("b", 14, 18, "location", "درنة"),
            Span::new("c", 23, 27, "location", "درنة"),
        ];
        let (t, lost) = tag_document(text, &spans, false);
        let got: Vec<(&str, &str)> = t.iter().map(|(w, g, _)| (w.as_str(), g.as_str())).collect();
        assert_eq!(
            got,
            [
                ("قال", "O"),
                ("مجلس", "B-actor"),
                ("شورى", "I-actor"),
                ("درنة", "I-actor"),
                ("إن", "O"),
                ("بدرنة", "B-location"),
                ("هدوءا", "O"),
                (".", "O"),
                ("ثم", "O"),
            ]
        );
        assert_eq!(lost, 1);
        assert!(t[7].2, "sentence ends after the full stop");
        assert!(!t[6].2);
    }

    #[test]
    fn paragraphs_end_sentences_but_never_inside_a_span() {
        let text = "أ ب\nج د\nه";
        let spans = [Span::new("s", 2, 5, "claim", "ب\nج")];
        let t = tags(text, &spans);
        let ends: Vec<bool> = t.iter().map(|x| x.2).collect();
        assert_eq!(ends, [false, false, false, true, false]);
        assert_eq!(t[1].1, "B-claim");
        assert_eq!(t[2].1, "I-claim");
    }

    #[test]
    fn split_clitics_tags_the_name_only() {
        let text = "وصلوا بدرنة وبدرنة";
        let spans = [
            Span::new("a", 7, 11, "location", "درنة"),
            Span::new("b", 12, 18, "location", "وبدرنة"),
        ];
        let got: Vec<(String, String)> = tag_document(text, &spans, true)
            .0
            .into_iter()
            .map(|(w, t, _)| (w, t))
            .collect();
        let want = [
            ("وصلوا", "O"),
            ("ب", "O"),
            ("درنة", "B-location"),
            ("وبدرنة", "B-location"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(w, t)| (w.to_string(), t.to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            tags(text, &spans)[1].1,
            "B-location",
            "unsplit: the whole token"
        );
    }

    #[test]
    fn emoji_and_labels_with_spaces() {
        let text = "😀 سرت";
        let spans = [Span::new("s", 2, 5, "armed group", "سرت")];
        let t = tags(text, &spans);
        assert_eq!(t[0].0, "😀");
        assert_eq!(t[1].1, "B-armed_group");
    }
}
