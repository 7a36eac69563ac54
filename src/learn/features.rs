//! The features of a token, hashed to `u64` (foldhash with a fixed seed: the same
//! string gives the same hash in every process, so training is reproducible).
//!
//! Every feature is generic; its weight per tag is learned. For token `t`:
//!
//! | feature | value |
//! |---|---|
//! | `bias` | always on |
//! | `w` | the folded piece («السراج») |
//! | `word` | the folded whole word, for a split word («والسراج») |
//! | `piece` | whole, proclitic or rest ([`Piece`]) |
//! | `stem` | the piece without the article ال |
//! | `art` | the piece has the article |
//! | `p1` `p2` `p3` / `s1` `s2` `s3` | the stem's first / last 1–3 letters |
//! | `shape` | digits, Latin, Arabic, mixed or punctuation |
//! | `w-2` `w-1` `w+1` `w+2` | the folded neighbouring pieces (sentence edges padded) |
//! | `st-1` `st+1` | the neighbouring pieces' stems (without the article) |
//! | `w-1w` `ww+1` | the previous piece with this one, this one with the next (bigrams) |
//! | `first` | the first token of its sentence |
//! | `reg` + label | the piece (or its stem) is a word of a registry or gazetteer name with that label |
//! | `cue<k` / `cue>k` | a reporting cue is `k` (1–4) words before / after (the caller's cue test on folded words) |
//!
//! The cue test is the caller's (`data/reporting_cues.ar.txt` of the attribution
//! helper, wired in by the application); without one the cue features are absent.

use std::hash::{BuildHasher, Hash};

use foldhash::HashMap;

use super::tokens::{Piece, Token};
use crate::suggest::clitics;

/// A test on a folded word: is it a reporting cue (قال, أكد, …)?
pub type CueFn = dyn Fn(&str) -> bool + Send + Sync;

/// What the features look up besides the text.
#[derive(Default)]
pub struct Lexicon {
    /// Folded words of registry and gazetteer names → the labels of those names.
    pub name_words: HashMap<String, Vec<String>>,
    /// The reporting-cue test.
    pub cue: Option<std::sync::Arc<CueFn>>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("name_words", &self.name_words.len())
            .field("cue", &self.cue.is_some())
            .finish()
    }
}

impl Lexicon {
    /// Adds the words of a name (folded) with its label.
    pub fn add_name(&mut self, folded: &str, label: &str) {
        for w in folded.split([' ', '\n']).filter(|w| !w.is_empty()) {
            let labels = self.name_words.entry(w.to_string()).or_default();
            if !labels.iter().any(|l| l == label) {
                labels.push(label.to_string());
                labels.sort();
            }
        }
    }
}

/// A cue test from cue words (any spelling: they are folded here), which also
/// matches them with «و» or «ف» attached («وقال»): how the application turns the
/// attribution lexicon (`data/reporting_cues.ar.txt`) into [`Lexicon::cue`].
pub fn cue_test<I, S>(words: I) -> std::sync::Arc<CueFn>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let o = crate::text::normalize::SearchOptions::default();
    let set: foldhash::HashSet<String> = words
        .into_iter()
        .map(|w| crate::text::normalize::fold(w.as_ref(), &o))
        .collect();
    std::sync::Arc::new(move |w: &str| {
        set.contains(w) || w.strip_prefix(['و', 'ف']).is_some_and(|r| set.contains(r))
    })
}

/// The fixed-seed hasher of features.
fn hasher() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x0068_6173_6869_7961)
}

fn h<T: Hash>(kind: &str, value: T) -> u64 {
    hasher().hash_one((kind, value))
}

fn stem(piece: &str) -> &str {
    if clitics::has_article(piece) {
        &piece["ال".len()..]
    } else {
        piece
    }
}

fn shape(s: &str) -> &'static str {
    let (mut digit, mut latin, mut arabic, mut other) = (false, false, false, false);
    for c in s.chars() {
        if c.is_numeric() {
            digit = true;
        } else if c.is_ascii_alphabetic() {
            latin = true;
        } else if c.is_alphabetic() {
            arabic = true;
        } else {
            other = true;
        }
    }
    match (digit, latin, arabic, other) {
        (true, false, false, _) => "digits",
        (false, true, false, false) => "latin",
        (false, false, true, false) => "arabic",
        (false, false, false, _) => "punct",
        _ => "mixed",
    }
}

/// The hashed features of every token of one sentence.
pub fn features(tokens: &[Token], lex: &Lexicon) -> Vec<Vec<u64>> {
    let n = tokens.len();
    let word = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            &tokens[i as usize].folded
        }
    };
    // Whether each token is a cue (tested on the piece and the whole word).
    let cues: Vec<bool> = match &lex.cue {
        Some(f) => tokens
            .iter()
            .map(|t| f(&t.folded) || (t.piece != Piece::Whole && f(&t.word)))
            .collect(),
        None => vec![false; n],
    };
    let mut out = Vec::with_capacity(n);
    for (i, t) in tokens.iter().enumerate() {
        let mut f = Vec::with_capacity(28);
        let w = t.folded.as_str();
        let st = stem(w);
        f.push(h("bias", ()));
        f.push(h("w", w));
        if t.piece != Piece::Whole {
            f.push(h("word", &t.word));
        }
        f.push(h("piece", t.piece as u8));
        f.push(h("stem", st));
        if st.len() != w.len() {
            f.push(h("art", ()));
        }
        let letters: Vec<char> = st.chars().collect();
        for k in 1..=3.min(letters.len()) {
            f.push(h("p", &letters[..k]));
            f.push(h("s", &letters[letters.len() - k..]));
        }
        f.push(h("shape", shape(w)));
        let ii = i as isize;
        f.push(h("w-2", word(ii - 2)));
        f.push(h("w-1", word(ii - 1)));
        f.push(h("w+1", word(ii + 1)));
        f.push(h("w+2", word(ii + 2)));
        f.push(h("w-1w", (word(ii - 1), w)));
        f.push(h("st-1", stem(word(ii - 1))));
        f.push(h("st+1", stem(word(ii + 1))));
        f.push(h("ww+1", (w, word(ii + 1))));
        if i == 0 {
            f.push(h("first", ()));
        }
        for key in [w, st] {
            if let Some(labels) = lex.name_words.get(key) {
                for l in labels {
                    f.push(h("reg", l.as_str()));
                }
                break;
            }
        }
        for k in 1..=4usize {
            if i >= k && cues[i - k] {
                f.push(h("cue<", k));
                break;
            }
        }
        for k in 1..=4usize {
            if cues.get(i + k).copied().unwrap_or(false) {
                f.push(h("cue>", k));
                break;
            }
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::tokens::{Vocabulary, tokens};

    #[test]
    fn hashes_are_stable_and_features_see_cues_and_names() {
        assert_eq!(h("w", "درنة"), h("w", "درنة"));
        assert_ne!(h("w", "درنة"), h("stem", "درنة"));
        let t = tokens("وقال حفتر في درنة", &Vocabulary::default(), None);
        let mut lex = Lexicon::default();
        let plain = features(&t, &lex);
        lex.add_name("درنة", "location");
        lex.cue = Some(std::sync::Arc::new(|w: &str| w == "وقال"));
        let rich = features(&t, &lex);
        assert!(rich[1].contains(&h("cue<", 1usize)) && !plain[1].contains(&h("cue<", 1usize)));
        assert!(rich[3].contains(&h("reg", "location")));
        // «في» is two words after the cue.
        assert!(rich[2].contains(&h("cue<", 2usize)));
    }

    #[test]
    fn cue_tests_fold_and_take_a_conjunction() {
        let cue = cue_test(["قال", "أكد"]);
        assert!(cue("قال") && cue("وقال") && cue("فاكد") && cue("اكد"));
        assert!(!cue("وو") && !cue("قالت") && !cue("بقال"));
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("2024"), "digits");
        assert_eq!(shape("٢٠٢٤"), "digits");
        assert_eq!(shape("afp"), "latin");
        assert_eq!(shape("درنة"), "arabic");
        assert_eq!(shape("«"), "punct");
        assert_eq!(shape("x٢"), "mixed");
    }
}
