//! Bringing imported text to the form Hashiya stores — valid UTF-8, no byte order
//! mark, LF line ends — while keeping the offsets that other tools counted in the
//! original.
//!
//! [`Cleaned`] records where each removed character was, so an offset into the raw
//! text (after the importer converted it to code points) maps to the same place in the
//! cleaned text: a BOM at the start and the CR of each CRLF are removed (offsets after
//! them shift down by one each); a lone CR becomes LF (no shift).

use std::path::Path;

use super::ImportIssue;
use crate::model::OffsetMap;

/// `bytes` as UTF-8, or an issue naming the byte offset, line and column of the first
/// invalid byte.
pub fn decode_utf8<'b>(path: &Path, bytes: &'b [u8]) -> Result<&'b str, ImportIssue> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let (line, column) = crate::store::line_col(bytes, at);
        ImportIssue::new(
            path,
            Some(line),
            format!(
                "not valid UTF-8 at byte {at} (column {column}): byte 0x{:02X} cannot start or continue a character here. Re-save the file as UTF-8.",
                bytes[at]
            ),
        )
    })
}

/// A text made storable, with the positions of what was removed.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub text: String,
    /// Code point offsets (in the raw text) of removed characters, ascending.
    removed: Vec<usize>,
    raw_len: usize,
}

impl Cleaned {
    /// Removes a leading BOM, turns CRLF into LF and a lone CR into LF.
    pub fn new(raw: &str) -> Self {
        let mut text = String::with_capacity(raw.len());
        let mut removed = Vec::new();
        let mut chars = raw.chars().enumerate().peekable();
        let mut raw_len = 0;
        while let Some((i, c)) = chars.next() {
            raw_len = i + 1;
            match c {
                '\u{FEFF}' if i == 0 => removed.push(i),
                '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => removed.push(i),
                '\r' => text.push('\n'),
                c => text.push(c),
            }
        }
        Cleaned {
            text,
            removed,
            raw_len,
        }
    }

    /// True if nothing was changed.
    pub fn is_unchanged(&self) -> bool {
        self.removed.is_empty()
    }

    /// Number of code points of the raw text.
    pub fn raw_len(&self) -> usize {
        self.raw_len
    }

    /// The cleaned offset of raw code point offset `cp` (`cp <= raw_len`). An offset
    /// that pointed at a removed CR now points at the LF after it.
    pub fn map(&self, cp: usize) -> usize {
        cp - self.removed.partition_point(|&r| r < cp)
    }
}

/// The title of a plain text: its first non-empty line, trimmed.
pub fn first_line_title(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// CRLF and lone CR as LF, as in a cleaned text.
pub(crate) fn clean_fragment(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Code point offset (in the cleaned text) of a UTF-16 offset, or why it has none.
pub(crate) fn utf16_to_clean_cp(
    map: &OffsetMap,
    cleaned: &Cleaned,
    unit: usize,
) -> Result<usize, String> {
    match map.utf16_to_cp(unit) {
        Some(cp) => Ok(cleaned.map(cp)),
        None if unit > map.len_utf16() => Err(format!(
            "offset {unit} is past the end of the text ({} UTF-16 code units)",
            map.len_utf16()
        )),
        None => Err(format!(
            "offset {unit} falls inside a surrogate pair (the middle of a character outside the BMP, such as an emoji); offsets must count UTF-16 code units and fall between characters"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bom_shift_offsets() {
        // ﻿ B O M, then "ab\r\ncd\re"
        let raw = "\u{FEFF}ab\r\ncd\re";
        let c = Cleaned::new(raw);
        assert_eq!(c.text, "ab\ncd\ne");
        assert_eq!(c.raw_len(), 9);
        // raw: 0 BOM, 1 a, 2 b, 3 CR, 4 LF, 5 c, 6 d, 7 CR(lone), 8 e
        assert_eq!(c.map(1), 0);
        assert_eq!(c.map(3), 2);
        assert_eq!(c.map(4), 2);
        assert_eq!(c.map(5), 3);
        assert_eq!(c.map(8), 6);
        assert_eq!(c.map(9), 7);
        assert!(!c.is_unchanged());
        assert!(Cleaned::new("درنة\n").is_unchanged());
    }

    #[test]
    fn invalid_utf8_names_byte_and_line() {
        let bytes = b"ok\nab\xFFcd";
        let e = decode_utf8(Path::new("x.txt"), bytes).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.reason.contains("byte 5"), "{}", e.reason);
        assert!(e.reason.contains("0xFF"), "{}", e.reason);
    }

    #[test]
    fn title_is_first_non_empty_line() {
        assert_eq!(
            first_line_title("\n  \n  عنوان  \nنص").as_deref(),
            Some("عنوان")
        );
        assert_eq!(first_line_title(" \n"), None);
    }
}
