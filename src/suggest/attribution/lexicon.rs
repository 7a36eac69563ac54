//! The reporting-cue lexicon: `data/reporting_cues.ar.txt` (embedded), folded as the
//! matcher folds names, plus the cues learned from the annotator's own claims.

use foldhash::HashMap;

use crate::suggest::matcher::fold_key;
use crate::text::normalize::SearchOptions;

/// The built-in lexicon file (its header documents the columns).
pub const BUILTIN: &str = include_str!("../../../data/reporting_cues.ar.txt");

/// What a cue does (see the data file's header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CueClass {
    Verb,
    Relay,
    Prep,
    Participle,
    /// A conjunction with a complementiser after a comma («، وإن ...»): a second
    /// claim of the same speaker.
    Continuation,
    Comp,
    Boundary,
    /// A word that introduced the annotator's own claims twice or more: a verb.
    Learned,
}

impl CueClass {
    fn parse(s: &str) -> Option<CueClass> {
        Some(match s {
            "verb" => CueClass::Verb,
            "relay" => CueClass::Relay,
            "prep" => CueClass::Prep,
            "participle" => CueClass::Participle,
            "continuation" => CueClass::Continuation,
            "comp" => CueClass::Comp,
            "boundary" => CueClass::Boundary,
            _ => return None,
        })
    }

    /// Cues that start a claim (not complementisers or boundaries).
    pub fn starts_claim(self) -> bool {
        !matches!(self, CueClass::Comp | CueClass::Boundary)
    }
}

/// One entry: its folded words, class and group (the score key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub words: Vec<String>,
    pub class: CueClass,
    /// The group, folded: forms of one group share a score.
    pub group: String,
}

/// A line of the lexicon that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "data/reporting_cues.ar.txt line {}: {}",
            self.line, self.message
        )
    }
}

/// Parses lexicon text: `CLASS<TAB>FORM<TAB>GROUP` lines, `#` comments, blank lines.
pub fn parse(text: &str, search: &SearchOptions) -> Result<Vec<Cue>, LexiconError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let err = |message: String| LexiconError {
            line: i + 1,
            message,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        let &[class, form, group] = cols.as_slice() else {
            return Err(err(format!(
                "expected 3 columns separated by tabs (class, form, group), found {}",
                cols.len()
            )));
        };
        let class = CueClass::parse(class.trim()).ok_or_else(|| {
            err(format!(
                "unknown class «{class}»: use verb, relay, prep, participle, continuation, comp or boundary"
            ))
        })?;
        let words: Vec<String> = fold_key(form, search)
            .split([' ', '\n'])
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        if words.is_empty() {
            return Err(err("the form is empty".into()));
        }
        out.push(Cue {
            words,
            class,
            group: fold_key(group, search),
        });
    }
    Ok(out)
}

/// The cues indexed by their first folded word.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    by_first: HashMap<String, Vec<Cue>>,
}

impl Lexicon {
    /// The built-in lexicon folded with `search`. The file is part of the build and
    /// checked by a test, so it always parses; a broken edit gives an empty lexicon
    /// rather than a panic.
    pub fn builtin(search: &SearchOptions) -> Lexicon {
        let mut l = Lexicon::default();
        for c in parse(BUILTIN, search).unwrap_or_default() {
            l.insert(c);
        }
        l
    }

    pub fn insert(&mut self, cue: Cue) {
        let list = self.by_first.entry(cue.words[0].clone()).or_default();
        if !list.contains(&cue) {
            list.push(cue);
            // Longest first: «إلى أن» before a one-word entry starting the same way.
            list.sort_by_key(|c| std::cmp::Reverse(c.words.len()));
        }
    }

    /// Whether a word (folded, conjunction stripped or not) is the first word of a
    /// claim-starting cue.
    pub fn is_cue_word(&self, w: &str) -> bool {
        self.by_first
            .get(w)
            .is_some_and(|l| l.iter().any(|c| c.class.starts_claim()))
    }

    /// The longest entry that matches `words` from their start (`words[0]` may carry
    /// a conjunction و/ف when `conj` allows it, for claim-starting cues only), with
    /// the number of words it covers.
    pub fn match_at<'a>(
        &'a self,
        words: &[&str],
        classes: impl Fn(CueClass) -> bool,
    ) -> Option<&'a Cue> {
        let first = *words.first()?;
        let stripped = first.strip_prefix(['و', 'ف']).filter(|s| !s.is_empty());
        let try_first = |w: &str, with_conj: bool| {
            self.by_first.get(w).and_then(|list| {
                list.iter().find(|c| {
                    classes(c.class)
                        && (!with_conj || c.class.starts_claim())
                        && c.words.len() <= words.len()
                        && c.words[1..].iter().zip(&words[1..]).all(|(a, b)| a == b)
                })
            })
        };
        try_first(first, false).or_else(|| stripped.and_then(|s| try_first(s, true)))
    }

    /// Every folded word that starts a claim-starting cue (for other components that
    /// want "near a reporting cue" as a feature), sorted.
    pub fn cue_words(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .by_first
            .iter()
            .filter(|(_, l)| l.iter().any(|c| c.class.starts_claim()))
            .map(|(w, _)| w.clone())
            .collect();
        v.sort();
        v
    }
}

/// The folded first words of the built-in claim-starting cues (a feature for a
/// learned tagger: "a reporting cue is near").
pub fn builtin_cue_words(search: &SearchOptions) -> Vec<String> {
    Lexicon::builtin(search).cue_words()
}
