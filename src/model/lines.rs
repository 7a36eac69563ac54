//! Lines of a text around a point, and their words: what edits that move by words
//! read instead of the whole text (word boundaries never cross a line break, UAX #29
//! WB3a/b), so they cost a line, not a 1.8 MB article.

use std::ops::Range;

use super::edit::word_ranges;
use super::offsets::{OffsetMap, count_chars};

/// Bytes of the line of `text` around byte `b` (without its line break).
pub(super) fn line_around(text: &str, b: usize) -> Range<usize> {
    let start = text[..b].rfind('\n').map_or(0, |i| i + 1);
    let stop = text[b..].find('\n').map_or(text.len(), |i| b + i);
    start..stop
}

/// Words (code points) of whole lines `lines` (bytes, a line start to a line end) of
/// `text`, whose first character is code point `base`.
pub(super) fn words_in_lines(text: &str, lines: Range<usize>, base: usize) -> Vec<Range<usize>> {
    let part = &text[lines];
    word_ranges(part, &OffsetMap::new(part))
        .into_iter()
        .map(|w| w.start + base..w.end + base)
        .collect()
}

/// The words of each line after a line ending at byte `end` (code point `cp`).
pub(super) struct LinesAfter<'t> {
    text: &'t str,
    end: usize,
    cp: usize,
}

impl<'t> LinesAfter<'t> {
    pub(super) fn new(text: &'t str, end: usize, cp: usize) -> Self {
        LinesAfter { text, end, cp }
    }
}

impl Iterator for LinesAfter<'_> {
    type Item = Vec<Range<usize>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.end >= self.text.len() {
            return None;
        }
        // Past the line break.
        let start = self.end + 1;
        let line = line_around(self.text, start);
        let base = self.cp + 1;
        let words = words_in_lines(self.text, line.clone(), base);
        self.cp = base + count_chars(&self.text[line.clone()]);
        self.end = line.end;
        Some(words)
    }
}

/// The words of each line before a line starting at byte `start` (code point `cp`),
/// nearest first.
pub(super) struct LinesBefore<'t> {
    text: &'t str,
    start: usize,
    cp: usize,
}

impl<'t> LinesBefore<'t> {
    pub(super) fn new(text: &'t str, start: usize, cp: usize) -> Self {
        LinesBefore { text, start, cp }
    }
}

impl Iterator for LinesBefore<'_> {
    type Item = Vec<Range<usize>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.start == 0 {
            return None;
        }
        // Before the line break.
        let end = self.start - 1;
        let line = line_around(self.text, end);
        let base = self.cp - 1 - count_chars(&self.text[line.clone()]);
        let words = words_in_lines(self.text, line.clone(), base);
        self.cp = base;
        self.start = line.start;
        Some(words)
    }
}
