//! The units the tagger labels: the words of [`crate::text::tokenize::tokenize`] (the
//! tokenizer CoNLL export and token agreement use), each word split at most once into a
//! proclitic piece and the rest, so that a name may start after «و», «ب», «ل»….
//!
//! A word is split after a proclitic chain `p` (an optional conjunction و/ف then an
//! optional preposition ب/ل/ك, at least one of them, as in [`crate::suggest::clitics`])
//! when what is left, `r` (two letters or more), is clearly a word of its own:
//!
//! - `r` starts with the article (it has a stem after ال): «والسراج» → «و» + «السراج»,
//!   «بالعاصمة» → «ب» + «العاصمة»;
//! - `p` ends with ل and `r` is the article's contraction (ا + `r` has the article):
//!   «للسراج» → «ل» + «لسراج», the span convention of [`crate::suggest`];
//! - or `r`, of three letters or more, occurs on its own elsewhere (the [`Vocabulary`]:
//!   the words of the training documents, of their names and of the document being
//!   tagged): «بدرنة» → «ب» + «درنة» when «درنة» is written alone somewhere, while
//!   «بنغازي» stays whole (and «كان» is not ك + «ان»).
//!
//! The longest chain that qualifies wins. The article itself is never split off (a
//! name written with it owns it, as in the matcher). All comparisons are on the folded
//! form ([`crate::text::normalize::fold`], search's default folds); offsets are code
//! points of the original text, end-exclusive. Marks after the proclitic's letter stay
//! with the proclitic.

use foldhash::HashMap;

use crate::suggest::clitics;
use crate::text::normalize::{SearchOptions, fold_char};
use crate::text::tokenize::tokenize;

/// What part of a word a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece {
    /// A whole word (or a punctuation mark).
    Whole,
    /// The proclitic chain split off a word («و» of «والسراج»).
    Clitic,
    /// What follows a split-off proclitic chain («السراج» of «والسراج»).
    Rest,
}

/// One unit of the tagger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Code points of the original text, end-exclusive.
    pub start: usize,
    pub end: usize,
    /// The folded form of this piece.
    pub folded: String,
    /// The folded form of the whole word it belongs to.
    pub word: String,
    pub piece: Piece,
    /// A sentence ends after this token (`.` `؟` `!` `؛`, or a line break follows).
    pub sentence_end: bool,
}

/// Folded words known to stand alone (see the module doc), with how often.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    words: HashMap<String, u32>,
}

impl Vocabulary {
    /// Adds every word of `text`.
    pub fn add_text(&mut self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        for r in tokenize(text) {
            let w = fold_str(&chars[r]);
            if w.chars().next().is_some_and(char::is_alphanumeric) {
                match self.words.get_mut(&w) {
                    Some(n) => *n += 1,
                    None => {
                        self.words.insert(w, 1);
                    }
                }
            }
        }
    }

    pub fn contains(&self, w: &str) -> bool {
        self.words.contains_key(w)
    }

    /// How often `w` stands alone.
    pub fn count(&self, w: &str) -> u32 {
        self.words.get(w).copied().unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn fold_str(chars: &[char]) -> String {
    let o = SearchOptions::default();
    chars.iter().filter_map(|&c| fold_char(c, &o)).collect()
}

/// The proclitic chains, longest first.
const CHAINS: [&str; 11] = ["وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك"];

/// Where the folded word `w` splits (folded chars of the chain), if it does.
pub fn split_point(w: &str, vocab: &Vocabulary, extra: Option<&Vocabulary>) -> Option<usize> {
    for p in CHAINS {
        let Some(rest) = w.strip_prefix(p) else {
            continue;
        };
        if rest.chars().count() < 2 {
            continue;
        }
        debug_assert!(clitics::is_proclitic_chain(p));
        let known = |r: &str| vocab.contains(r) || extra.is_some_and(|v| v.contains(r));
        let contracted =
            p.ends_with('ل') && rest.starts_with('ل') && clitics::has_article(&format!("ا{rest}"));
        // Three letters at least for a known word: «كان» is not ك + «ان».
        let long = rest.chars().nth(2).is_some();
        if clitics::has_article(rest) || contracted || (long && known(rest)) {
            return Some(p.chars().count());
        }
    }
    None
}

fn ends_sentence(c: &[char]) -> bool {
    matches!(c, ['.'] | ['؟'] | ['!'] | ['؛'] | ['?'] | ['…'])
}

/// The tokens of `text` (see the module doc). `extra` is a second vocabulary (the
/// document's own words, at suggestion time).
pub fn tokens(text: &str, vocab: &Vocabulary, extra: Option<&Vocabulary>) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let ranges = tokenize(text);
    let o = SearchOptions::default();
    let mut out: Vec<Token> = Vec::with_capacity(ranges.len() + ranges.len() / 4);
    for (i, r) in ranges.iter().enumerate() {
        let cs = &chars[r.clone()];
        // Folded letters and the code point each came from.
        let mut folded = String::with_capacity(cs.len() * 2);
        let mut origin: Vec<usize> = Vec::with_capacity(cs.len());
        for (k, &c) in cs.iter().enumerate() {
            if let Some(f) = fold_char(c, &o) {
                folded.push(f);
                origin.push(r.start + k);
            }
        }
        let gap_has_break = ranges
            .get(i + 1)
            .is_some_and(|n| chars[r.end..n.start].contains(&'\n'));
        let sentence_end = ends_sentence(cs) || gap_has_break || i + 1 == ranges.len();
        match split_point(&folded, vocab, extra) {
            Some(k) => {
                let cut = origin[k];
                let (p, rest) = folded.split_at(folded.char_indices().nth(k).map_or(0, |x| x.0));
                out.push(Token {
                    start: r.start,
                    end: cut,
                    folded: p.to_string(),
                    word: folded.clone(),
                    piece: Piece::Clitic,
                    sentence_end: false,
                });
                out.push(Token {
                    start: cut,
                    end: r.end,
                    folded: rest.to_string(),
                    word: folded.clone(),
                    piece: Piece::Rest,
                    sentence_end,
                });
            }
            None => out.push(Token {
                start: r.start,
                end: r.end,
                word: folded.clone(),
                folded,
                piece: Piece::Whole,
                sentence_end,
            }),
        }
    }
    out
}

/// The sentences of `tokens` as index ranges (each ends at a token with `sentence_end`).
pub fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.sentence_end {
            out.push(from..i + 1);
            from = i + 1;
        }
    }
    if from < tokens.len() {
        out.push(from..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, known: &str) -> Vec<(String, Piece)> {
        let mut v = Vocabulary::default();
        v.add_text(known);
        let chars: Vec<char> = text.chars().collect();
        tokens(text, &v, None)
            .into_iter()
            .map(|t| (chars[t.start..t.end].iter().collect(), t.piece))
            .collect()
    }

    #[test]
    fn proclitics_split_before_the_article_and_known_words() {
        use Piece::*;
        let got = pieces("والسراج للسراج بدرنة بنغازي وقال", "درنة قال");
        let want = [
            ("و", Clitic),
            ("السراج", Rest),
            ("ل", Clitic),
            ("لسراج", Rest),
            ("ب", Clitic),
            ("درنة", Rest),
            ("بنغازي", Whole),
            ("و", Clitic),
            ("قال", Rest),
        ];
        let want: Vec<(String, Piece)> = want.iter().map(|(s, p)| (s.to_string(), *p)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn marks_stay_with_the_proclitic_and_offsets_are_code_points() {
        let mut v = Vocabulary::default();
        v.add_text("درنة");
        // «وَ» + «درنة»: the fatha (one code point) stays with the conjunction.
        let t = tokens("😀 وَدرنة.", &v, None);
        assert_eq!(
            t.iter().map(|t| (t.start, t.end)).collect::<Vec<_>>(),
            [(0, 1), (2, 4), (4, 8), (8, 9)]
        );
        assert_eq!(t[2].folded, "درنة");
        assert_eq!(t[2].word, "ودرنة");
        assert!(t[3].sentence_end);
        assert_eq!(sentences(&t).len(), 1);
        assert_eq!(sentences(&t)[0], 0..4);
    }

    #[test]
    fn line_breaks_end_sentences() {
        let t = tokens("أ ب\nج د", &Vocabulary::default(), None);
        assert_eq!(sentences(&t), [0..2, 2..4]);
    }
}
