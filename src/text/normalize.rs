//! Arabic-aware normalisation for search.
//!
//! Arabic is written with optional marks (harakat, shadda, sukun, dagger alef, Quranic
//! marks), decorative elongation (tatweel) and spelling variants (أ إ آ ٱ for alef,
//! ى for final ya, ة/ه, Arabic-Indic or ASCII digits). A researcher searching «احمد»
//! must find «أحمد» and «أَحْمَد». [`NormalizedText`] folds a text under
//! [`SearchOptions`] and keeps, for every folded character, the code point it came from,
//! so a match maps back to an exact code point range of the original text (including
//! marks that follow its last letter).

use std::ops::Range;

/// Each fold can be switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Ignore harakat and other marks: U+064B–U+065F, U+0670, U+0610–U+061A, U+06D6–U+06ED.
    pub ignore_marks: bool,
    /// Ignore tatweel (U+0640).
    pub ignore_tatweel: bool,
    /// أ إ آ ٱ → ا.
    pub unify_alef: bool,
    /// ى → ي.
    pub unify_ya: bool,
    /// ة → ه (off by default: it merges distinct words).
    pub ta_marbuta_as_ha: bool,
    /// Arabic-Indic and Eastern Arabic-Indic digits ↔ ASCII digits (off by default).
    pub unify_digits: bool,
    /// Latin letters compared case-insensitively.
    pub ignore_case: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            ignore_marks: true,
            ignore_tatweel: true,
            unify_alef: true,
            unify_ya: true,
            ta_marbuta_as_ha: false,
            unify_digits: false,
            ignore_case: true,
        }
    }
}

/// Whether `c` is an Arabic mark that search ignores.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c,
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0610}'..='\u{061A}' | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// Folds one character; `None` drops it.
pub fn fold_char(c: char, o: &SearchOptions) -> Option<char> {
    if o.ignore_marks && is_arabic_mark(c) {
        return None;
    }
    if o.ignore_tatweel && c == '\u{0640}' {
        return None;
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' if o.unify_alef => 'ا',
        'ى' if o.unify_ya => 'ي',
        'ة' if o.ta_marbuta_as_ha => 'ه',
        '٠'..='٩' if o.unify_digits => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' if o.unify_digits => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        c if o.ignore_case && c.is_ascii_uppercase() => c.to_ascii_lowercase(),
        c => c,
    })
}

/// Folds a whole string (for the query).
pub fn fold(s: &str, o: &SearchOptions) -> String {
    s.chars().filter_map(|c| fold_char(c, o)).collect()
}

/// A folded text with a map back to the original code points.
pub struct NormalizedText {
    folded: Vec<char>,
    /// `origin[i]` = code point of the original text that folded character `i` came from;
    /// one extra entry: the original length.
    origin: Vec<usize>,
}

impl NormalizedText {
    pub fn new(text: &str, o: &SearchOptions) -> Self {
        let mut folded = Vec::with_capacity(text.len() / 2);
        let mut origin = Vec::with_capacity(text.len() / 2);
        let mut n = 0;
        for (i, c) in text.chars().enumerate() {
            if let Some(f) = fold_char(c, o) {
                folded.push(f);
                origin.push(i);
            }
            n = i + 1;
        }
        origin.push(n);
        NormalizedText { folded, origin }
    }

    /// All non-overlapping matches of `query` (folded the same way), as code point
    /// ranges of the original text.
    pub fn find_all(&self, query: &str, o: &SearchOptions) -> Vec<Range<usize>> {
        let q: Vec<char> = fold(query, o).chars().collect();
        let mut out = Vec::new();
        if q.is_empty() || q.len() > self.folded.len() {
            return out;
        }
        let mut i = 0;
        while i + q.len() <= self.folded.len() {
            if self.folded[i..i + q.len()] == q[..] {
                // The match ends where the next kept character starts, so marks after
                // its last letter belong to it.
                out.push(self.origin[i]..self.origin[i + q.len()]);
                i += q.len();
            } else {
                i += 1;
            }
        }
        out
    }
}

/// Convenience: matches of `query` in `text`.
pub fn find_all(text: &str, query: &str, o: &SearchOptions) -> Vec<Range<usize>> {
    NormalizedText::new(text, o).find_all(query, o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(text: &str, r: &Range<usize>) -> String {
        text.chars().skip(r.start).take(r.end - r.start).collect()
    }

    #[test]
    fn shadda_and_harakat_are_ignored() {
        let o = SearchOptions::default();
        // «محمّد» with shadda, and fully vocalised «مُحَمَّدٌ».
        let text = "قال محمّد ثم مُحَمَّدٌ وسكت";
        let m = find_all(text, "محمد", &o);
        assert_eq!(m.len(), 2);
        assert_eq!(cps(text, &m[0]), "محمّد");
        assert_eq!(
            cps(text, &m[1]),
            "مُحَمَّدٌ",
            "trailing tanwin belongs to the match"
        );
    }

    #[test]
    fn hamza_forms_of_alef() {
        let o = SearchOptions::default();
        let text = "أحمد إبراهيم آمال ٱلله";
        assert_eq!(find_all(text, "احمد", &o).len(), 1);
        assert_eq!(find_all(text, "ابراهيم", &o).len(), 1);
        assert_eq!(find_all(text, "امال", &o).len(), 1);
        assert_eq!(find_all(text, "الله", &o).len(), 1);
        // And the query may carry the hamza itself.
        assert_eq!(find_all("احمد", "أحمد", &o).len(), 1);
        let strict = SearchOptions {
            unify_alef: false,
            ..o
        };
        assert_eq!(find_all(text, "احمد", &strict).len(), 0);
    }

    #[test]
    fn tatweel_is_ignored() {
        let o = SearchOptions::default();
        let text = "مدينة درنـــة الساحلية";
        let m = find_all(text, "درنة", &o);
        assert_eq!(m.len(), 1);
        assert_eq!(cps(text, &m[0]), "درنـــة");
    }

    #[test]
    fn alef_maqsura_and_ta_marbuta() {
        let o = SearchOptions::default();
        assert_eq!(find_all("مستشفى", "مستشفي", &o).len(), 1);
        assert_eq!(
            find_all("درنه", "درنة", &o).len(),
            0,
            "ة/ه stays distinct by default"
        );
        let loose = SearchOptions {
            ta_marbuta_as_ha: true,
            ..o
        };
        assert_eq!(find_all("درنه", "درنة", &loose).len(), 1);
    }

    #[test]
    fn digits_optional() {
        let o = SearchOptions::default();
        assert_eq!(find_all("عام ٢٠١٦", "2016", &o).len(), 0);
        let d = SearchOptions {
            unify_digits: true,
            ..o
        };
        assert_eq!(find_all("عام ٢٠١٦", "2016", &d), vec![4..8]);
        assert_eq!(find_all("عام 2016", "٢٠١٦", &d), vec![4..8]);
    }

    #[test]
    fn offsets_are_code_points_after_emoji() {
        let o = SearchOptions::default();
        let text = "😀 درنة";
        assert_eq!(find_all(text, "درنة", &o), vec![2..6]);
    }
}
