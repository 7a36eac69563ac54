//! The folded text suggestions are found in, and the one automaton that finds them.
//!
//! [`FoldedText`] folds a document with the search normaliser
//! ([`crate::text::normalize::fold_char`], the same folds as search) and, in addition,
//! folds every run of whitespace to one space, or to a line break when the run holds a
//! blank line, so a two-word name matches across a line break inside a paragraph but
//! never across paragraphs. For every folded byte it keeps the code point and the byte
//! of the original character, so a match maps back to exact offsets (marks after a
//! name's last letter belong to it, as in search).
//!
//! [`Matcher`] holds one Aho–Corasick automaton over every name (and every contracted
//! form, see [`crate::suggest`]) and reports each occurrence that starts at a word
//! start or after a proclitic chain and ends at a word end.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::clitics;
use crate::text::normalize::{SearchOptions, fold_char};

/// Letters and digits; anything else (space, punctuation, symbols) ends a word.
pub(crate) fn is_word(c: char) -> bool {
    // Fast paths for what news text is made of (the general lookup is slow for Arabic).
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Arabic letters that [`fold_char`] leaves alone under every option: U+0621–U+064A
/// except the hamza forms of alef (آ أ إ), ة, tatweel and ى. A fast path only (folding
/// 1 MB spent 40 % of its time in the call); `fold_char` stays the one normaliser.
#[inline]
fn folds_to_itself(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c)
        && !matches!(
            c,
            '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0629}' | '\u{0640}' | '\u{0649}'
        )
}

/// A text folded for matching, mapped back to the original.
#[derive(Debug, Clone)]
pub struct FoldedText {
    text: String,
    /// For each byte of `text`, and one past its end: the code point and the byte
    /// offset of the original character it came from.
    origin: Vec<(u32, u32)>,
}

impl FoldedText {
    pub fn new(text: &str, o: &SearchOptions) -> Self {
        let mut t = FoldedText {
            text: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len() + 1),
        };
        // A pending whitespace run: where it starts (code point, byte), its line breaks.
        let mut run: Option<(u32, u32, u32)> = None;
        let mut cp = 0u32;
        for (b, c) in text.char_indices() {
            if folds_to_itself(c) {
                if let Some(r) = run.take() {
                    t.push_run(r);
                }
                t.push(c, cp, b as u32);
            } else if c.is_whitespace() {
                let nl = u32::from(c == '\n');
                match &mut run {
                    Some(r) => r.2 += nl,
                    None => run = Some((cp, b as u32, nl)),
                }
            } else if let Some(f) = fold_char(c, o) {
                if let Some(r) = run.take() {
                    t.push_run(r);
                }
                t.push(f, cp, b as u32);
            }
            cp += 1;
        }
        if let Some(r) = run.take() {
            t.push_run(r);
        }
        t.origin.push((cp, text.len() as u32));
        t
    }

    fn push_run(&mut self, (cp, b, newlines): (u32, u32, u32)) {
        self.push(if newlines >= 2 { '\n' } else { ' ' }, cp, b);
    }

    fn push(&mut self, c: char, cp: u32, b: u32) {
        self.text.push(c);
        let n = c.len_utf8();
        self.origin.extend_from_slice(&[(cp, b); 4][..n]);
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The original code point where folded byte `i` came from (`i` may be the end).
    pub fn code_point(&self, i: usize) -> usize {
        self.origin[i].0 as usize
    }

    /// The original byte offset where folded byte `i` came from.
    pub fn byte(&self, i: usize) -> usize {
        self.origin[i].1 as usize
    }
}

/// A string folded as names are: whitespace folded and trimmed.
pub fn fold_key(s: &str, o: &SearchOptions) -> String {
    let f = FoldedText::new(s, o);
    f.text.trim_matches([' ', '\n']).to_string()
}

/// How a pattern is written in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// As the name is written.
    Whole,
    /// A name with the article, after ل: the article's alef is dropped («للسراج»).
    Contracted,
}

/// One meaning of a pattern: the entry (a folded name) it stands for, and how.
#[derive(Debug, Clone, Copy)]
struct Alt {
    entry: u32,
    form: Form,
    article: bool,
}

/// A name found in a folded text: folded byte range and entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub start: usize,
    pub end: usize,
    pub entry: u32,
}

/// The automaton over a list of folded names.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    ac: Option<AhoCorasick>,
    alts: Vec<Vec<Alt>>,
    /// Why there is no automaton although there are names (never seen in practice:
    /// the automaton's limits are far above any registry).
    pub error: Option<String>,
}

impl Matcher {
    /// An automaton over `keys` (folded names, entry `i` is `keys[i]`).
    pub fn new(keys: &[String]) -> Matcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut alts: Vec<Vec<Alt>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut add = |p: String, alt: Alt| {
            let id = *index.entry(p.clone()).or_insert_with(|| {
                patterns.push(p);
                alts.push(Vec::new());
                alts.len() - 1
            });
            alts[id].push(alt);
        };
        for (i, k) in keys.iter().enumerate() {
            let article = clitics::has_article(k);
            let entry = i as u32;
            add(
                k.clone(),
                Alt {
                    entry,
                    form: Form::Whole,
                    article,
                },
            );
            if article {
                // «السراج» after ل is written «للسراج»: the pattern «لسراج».
                add(
                    k['ا'.len_utf8()..].to_string(),
                    Alt {
                        entry,
                        form: Form::Contracted,
                        article,
                    },
                );
            }
        }
        if patterns.is_empty() {
            return Matcher {
                ac: None,
                alts,
                error: None,
            };
        }
        match AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            // A contiguous NFA: built in a third of the DFA's time (the automaton is
            // rebuilt after a tag that adds a name) and searched as fast here
            // (benches/suggest.rs: 0.8 vs 2.4 ms refresh, 11 vs 14 ms after a tag).
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
        {
            Ok(ac) => Matcher {
                ac: Some(ac),
                alts,
                error: None,
            },
            Err(e) => Matcher {
                ac: None,
                alts,
                error: Some(e.to_string()),
            },
        }
    }

    /// Every occurrence of every name in `t` that starts at a word start or after a
    /// proclitic chain and ends at a word end, in no particular order; overlapping
    /// occurrences are all reported.
    pub fn find(&self, t: &FoldedText) -> Vec<Place> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let hay = t.as_str();
        let mut out = Vec::new();
        for m in ac.find_overlapping_iter(hay) {
            let (s, e) = (m.start(), m.end());
            if hay[e..].chars().next().is_some_and(is_word) {
                continue;
            }
            // The letters of the word before the match: a proclitic chain has at most
            // four ("وبال", "فلل").
            let mut word_start = s;
            let mut letters = 0;
            for (i, c) in hay[..s].char_indices().rev() {
                if !is_word(c) || letters == 5 {
                    break;
                }
                word_start = i;
                letters += 1;
            }
            if letters == 5 {
                continue;
            }
            let prefix = &hay[word_start..s];
            for alt in &self.alts[m.pattern().as_usize()] {
                let ok = match alt.form {
                    Form::Whole => clitics::may_precede(prefix, alt.article),
                    Form::Contracted => clitics::may_precede_contracted(prefix),
                };
                if ok {
                    out.push(Place {
                        start: s,
                        end: e,
                        entry: alt.entry,
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_fold_char() {
        let d = SearchOptions::default();
        let all = SearchOptions {
            ta_marbuta_as_ha: true,
            unify_digits: true,
            ..d
        };
        let none = SearchOptions {
            ignore_marks: false,
            ignore_tatweel: false,
            unify_alef: false,
            unify_ya: false,
            ta_marbuta_as_ha: false,
            unify_digits: false,
            ignore_case: false,
        };
        for c in (0u32..0x800).filter_map(char::from_u32) {
            if folds_to_itself(c) {
                for o in [d, all, none] {
                    assert_eq!(fold_char(c, &o), Some(c), "{c:?}");
                }
            }
        }
    }

    #[test]
    fn offsets_map_back() {
        let t = FoldedText::new("أَحمد  \nـعلي\n\nx", &SearchOptions::default());
        assert_eq!(t.as_str(), "احمد علي\nx");
        // «ع» is folded byte 9 (after «احمد» and a space); it was code point 9.
        assert_eq!((t.code_point(9), t.byte(9)), (9, 15));
        assert_eq!(t.code_point(t.as_str().len()), 15);
    }
}
