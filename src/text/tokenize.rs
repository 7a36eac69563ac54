//! The one Arabic-aware tokenizer used by CoNLL export and by token-level agreement.
//!
//! Rule: a token is a maximal run of characters that are neither whitespace nor
//! punctuation; every punctuation character is a token of its own. Punctuation means
//! Unicode general category P* or S* (so ، ؛ ؟ « » “ ” ( ) / - . , are split off), except
//! inside a number, where `.` `,` `٫` `٬` between digits stay part of it (3.5, ٣٫٥).
//! Clitics written attached to a word (و ب ل ك ف ال) stay part of it: splitting them
//! needs a morphological analyser, and the annotations themselves are on whole words.
//! Tatweel and harakat are letters' companions and stay inside their token.
//!
//! Tokens are code point ranges of the text.

use std::ops::Range;

fn is_punct(c: char) -> bool {
    // ASCII and the common Arabic and typographic marks; other symbols via char methods.
    c.is_ascii_punctuation()
        || matches!(
            c,
            '،' | '؛'
                | '؟'
                | '«'
                | '»'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '„'
                | '…'
                | '–'
                | '—'
                | '٪'
                | '٫'
                | '٬'
                | '۔'
                | '٭'
                | '﴾'
                | '﴿'
                | '•'
                | '·'
                | '″'
                | '′'
        )
        || (!c.is_alphanumeric()
            && !c.is_whitespace()
            && !is_mark_or_joiner(c)
            && (c as u32) >= 0x2000
            && (c as u32) <= 0x2BFF)
}

fn is_mark_or_joiner(c: char) -> bool {
    crate::text::normalize::is_arabic_mark(c)
        || matches!(
            c,
            '\u{0640}' | '\u{200C}' | '\u{200D}' | '\u{0300}'..='\u{036F}'
        )
}

fn is_number_joiner(c: char) -> bool {
    matches!(c, '.' | ',' | '٫' | '٬')
}

/// Tokens of `text` as code point ranges.
pub fn tokenize(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        let in_number = is_number_joiner(c)
            && i > 0
            && chars[i - 1].is_numeric()
            && chars.get(i + 1).is_some_and(|n| n.is_numeric())
            && start.is_some();
        if c.is_whitespace() || (is_punct(c) && !in_number) {
            if let Some(s) = start.take() {
                out.push(s..i);
            }
            if !c.is_whitespace() {
                out.push(i..i + 1);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(s..chars.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(text)
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect()
    }

    #[test]
    fn splits_arabic_punctuation_and_keeps_clitics() {
        assert_eq!(
            words("وقال «حفتر»، إن قواته (في درنة) ستتقدم؟"),
            [
                "وقال",
                "«",
                "حفتر",
                "»",
                "،",
                "إن",
                "قواته",
                "(",
                "في",
                "درنة",
                ")",
                "ستتقدم",
                "؟"
            ]
        );
    }

    #[test]
    fn slash_dash_quotes_and_numbers() {
        assert_eq!(
            words("يونيو/حزيران “فهل” -والدول 3.5 ٣٫٥ 441."),
            [
                "يونيو",
                "/",
                "حزيران",
                "“",
                "فهل",
                "”",
                "-",
                "والدول",
                "3.5",
                "٣٫٥",
                "441",
                "."
            ]
        );
    }

    #[test]
    fn harakat_and_tatweel_stay_in_the_word() {
        assert_eq!(words("مُحَمَّدٌ درنـــة"), ["مُحَمَّدٌ", "درنـــة"]);
    }

    #[test]
    fn offsets_are_code_points_with_emoji() {
        assert_eq!(tokenize("😀 سرت"), vec![0..1, 2..5]);
    }
}
