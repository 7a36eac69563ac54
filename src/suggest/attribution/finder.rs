//! Finding claims and their speakers in one document: words as the matcher sees them
//! (runs of letters and digits of the folded text), the punctuation between them,
//! sentences, and the cue rules of the module doc.

use super::lexicon::{Cue, CueClass, Lexicon};
use crate::suggest::SuggestionSource;
use crate::suggest::matcher::{FoldedText, is_word};

/// A word of the folded text: folded bytes and original code points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'t> {
    pub w: &'t str,
    pub fs: usize,
    pub fe: usize,
    pub cs: usize,
    pub ce: usize,
}

/// What the punctuation before a word holds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Gap {
    /// A sentence end (. ! ? ؟ ؛ …, a line break, or a dash between spaces as after
    /// a dateline «الخرطوم - ...») is in it: the word starts a sentence.
    pub sentence: bool,
    /// Code points and bytes of symbols attached to the word before («٦١٪», «5%»):
    /// they end a claim with it, as a manual tag keeps them.
    pub attached: (usize, usize),
    pub comma: bool,
    pub colon: bool,
    /// Whitespace is in it: the words on both sides are two words («7.5» is one).
    pub space: bool,
    pub open_quote: bool,
    pub close_quote: bool,
}

/// A document's words, the gaps before them (`gaps[n]` is after the last word) and
/// each word's sentence.
pub(crate) struct Tokens<'t> {
    pub toks: Vec<Token<'t>>,
    /// The words of `toks`, for lexicon lookups.
    words: Vec<&'t str>,
    pub gaps: Vec<Gap>,
    /// Sentence index of each word.
    pub sentence: Vec<u32>,
    /// The first word of each sentence, and one past the last word.
    pub sentence_starts: Vec<usize>,
}

fn classify(gap: &str, before: Option<&str>, after: Option<&str>) -> Gap {
    let mut g = Gap::default();
    if gap == " " {
        // Most gaps: one space.
        g.space = true;
        return g;
    }
    g.space = gap.contains(char::is_whitespace);
    let digit_end = |w: Option<&str>, last: bool| {
        w.and_then(|w| {
            if last {
                w.chars().next_back()
            } else {
                w.chars().next()
            }
        })
        .is_some_and(|c| c.is_numeric())
    };
    if before.is_some() {
        for c in gap.chars() {
            if c.is_whitespace() || crate::model::edit::is_trimmable_punct(c) {
                break;
            }
            g.attached.0 += 1;
            g.attached.1 += c.len_utf8();
        }
    }
    let spaced = |i: usize, n: usize| {
        gap[..i].ends_with(char::is_whitespace) && gap[i + n..].starts_with(char::is_whitespace)
    };
    for (i, c) in gap.char_indices() {
        match c {
            '.' => {
                // «7.5»: a decimal point, not a sentence end.
                let decimal = gap == "." && digit_end(before, true) && digit_end(after, false);
                g.sentence |= !decimal;
            }
            '!' | '?' | '؟' | '؛' | '\n' | '…' => g.sentence = true,
            '-' | '–' | '—' if spaced(i, c.len_utf8()) => g.sentence = true,
            '،' | ',' => g.comma = true,
            ':' => g.colon = true,
            '«' | '“' => g.open_quote = true,
            '»' | '”' => g.close_quote = true,
            '"' => {
                // A straight quote right after a word closes; otherwise one right
                // before a word, or after a space, opens.
                let glued_before = i == 0 && before.is_some();
                let glued_after = i + 1 == gap.len() && after.is_some();
                if glued_before && !glued_after {
                    g.close_quote = true;
                } else if glued_after || gap[..i].ends_with(char::is_whitespace) {
                    g.open_quote = true;
                } else {
                    g.close_quote = true;
                }
            }
            _ => {}
        }
    }
    g
}

impl<'t> Tokens<'t> {
    pub fn new(text: &str, folded: &'t FoldedText) -> Tokens<'t> {
        let hay = folded.as_str();
        let mut toks: Vec<Token<'t>> = Vec::new();
        let mut start: Option<usize> = None;
        for (i, c) in hay.char_indices().chain(std::iter::once((hay.len(), ' '))) {
            let word = i < hay.len() && is_word(c);
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    toks.push(Token {
                        w: &hay[s..i],
                        fs: s,
                        fe: i,
                        cs: folded.code_point(s),
                        ce: folded.code_point(i),
                    });
                    start = None;
                }
                _ => {}
            }
        }
        let n = toks.len();
        let mut gaps = Vec::with_capacity(n + 1);
        for i in 0..=n {
            let from = if i == 0 {
                0
            } else {
                folded.byte(toks[i - 1].fe)
            };
            let to = if i == n {
                text.len()
            } else {
                folded.byte(toks[i].fs)
            };
            let before = i.checked_sub(1).map(|j| toks[j].w);
            let after = toks.get(i).map(|t| t.w);
            gaps.push(classify(text.get(from..to).unwrap_or(""), before, after));
        }
        let mut sentence = Vec::with_capacity(n);
        let mut sentence_starts = Vec::new();
        let mut k = 0u32;
        for (i, g) in gaps.iter().enumerate().take(n) {
            if i == 0 || g.sentence {
                if i > 0 {
                    k += 1;
                }
                sentence_starts.push(i);
            }
            sentence.push(k);
        }
        sentence_starts.push(n);
        Tokens {
            words: toks.iter().map(|t| t.w).collect(),
            toks,
            gaps,
            sentence,
            sentence_starts,
        }
    }

    /// The words `i..` (for lexicon matching), at most `n`.
    pub fn words(&self, i: usize, n: usize) -> &[&'t str] {
        &self.words[i.min(self.words.len())..(i + n).min(self.words.len())]
    }

    /// The range of words of the sentence of word `i`.
    pub fn sentence_of(&self, i: usize) -> std::ops::Range<usize> {
        let k = self.sentence[i] as usize;
        self.sentence_starts[k]..self.sentence_starts[k + 1]
    }

    /// How many words lie inside code points `start..end`.
    pub fn count_in(&self, start: usize, end: usize) -> usize {
        let a = self.toks.partition_point(|t| t.cs < start);
        let b = self.toks.partition_point(|t| t.ce <= end);
        b.saturating_sub(a)
    }

    /// How many words (separated by whitespace) lie inside code points `start..end`.
    pub fn words_in(&self, start: usize, end: usize) -> usize {
        let a = self.toks.partition_point(|t| t.cs < start);
        let b = self.toks.partition_point(|t| t.ce <= end);
        (a..b).filter(|&j| j == a || self.gaps[j].space).count()
    }

    /// The word starting at code point `cs`, if one does.
    pub fn at(&self, cs: usize) -> Option<usize> {
        let i = self.toks.partition_point(|t| t.cs < cs);
        (self.toks.get(i)?.cs == cs).then_some(i)
    }
}

/// Words shared by two code point ranges over the words of the larger one: the
/// "≥ 50 % token overlap" of the evaluation and of cue precision.
pub(crate) fn token_overlap(t: &Tokens<'_>, a: (usize, usize), b: (usize, usize)) -> f64 {
    let (s, e) = (a.0.max(b.0), a.1.min(b.1));
    if s >= e {
        return 0.0;
    }
    let shared = t.count_in(s, e);
    let most = t.count_in(a.0, a.1).max(t.count_in(b.0, b.1));
    if most == 0 {
        0.0
    } else {
        shared as f64 / most as f64
    }
}

/// An actor mention a speaker may be: tagged (`source` None) or suggested.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mention {
    pub cs: usize,
    pub ce: usize,
    pub text: String,
    pub source: Option<SuggestionSource>,
    pub entity: Option<String>,
    /// 1 for a tagged span, the suggestion's score otherwise.
    pub score: f64,
}

/// A claim found at a cue, before scoring and filtering.
#[derive(Debug, Clone)]
pub(crate) struct Found<'l> {
    pub cue: &'l Cue,
    /// Code points of the cue as written (with its conjunction).
    pub cue_cs: usize,
    pub cue_ce: usize,
    /// Folded bytes of the cue.
    pub cue_fs: usize,
    pub cue_fe: usize,
    /// The claim: code points and folded bytes (for the original text).
    pub cs: usize,
    pub ce: usize,
    pub fs: usize,
    pub fe: usize,
    /// Index into the mentions.
    pub speaker: Option<usize>,
    /// Original bytes of symbols attached after the last word (in `ce` already).
    pub tail_bytes: usize,
    /// No complementiser, colon or quote opened the claim (a verb's object: «أعلنت
    /// الوزارة تسجيل ...»): scored apart from the cue's reported speech.
    pub bare: bool,
}

impl Found<'_> {
    /// The score key: the cue's group, apart for claims no complementiser opened.
    pub fn key(&self) -> String {
        if self.bare {
            format!("{} (no complementiser)", self.cue.group)
        } else {
            self.cue.group.clone()
        }
    }
}

/// How far after a verb its complementiser or quote may come (the speaker and an
/// adverbial sit between: «وقال المتحدث باسم الجيش نبيل عبد الله في بيان إن»).
const OPENER_WINDOW: usize = 14;

/// Where the claim opened by a cue ending at word `from` starts: after a
/// complementiser, at a colon or an opening quote (then `quoted`). `None` when
/// neither comes within [`OPENER_WINDOW`] words of the sentence, before another cue.
fn opener(lx: &Lexicon, t: &Tokens<'_>, from: usize, end: usize) -> Option<(usize, bool)> {
    let stop = end.min(from + OPENER_WINDOW);
    for j in from..stop {
        let g = t.gaps[j];
        if j > from && lx.match_at(t.words(j, 3), CueClass::starts_claim).is_some() {
            return None;
        }
        // A quote of up to four words without a colon before it is a name
        // («لصحيفة "إل باييس" عن»), not the claim.
        let name_quote =
            g.open_quote && !g.colon && (j + 1..end.min(j + 5)).any(|x| t.gaps[x].close_quote);
        if (g.open_quote || g.colon) && !name_quote {
            return Some((j, g.open_quote));
        }
        if let Some(c) = lx.match_at(t.words(j, 2), |c| c == CueClass::Comp) {
            let k = j + c.words.len();
            return (k < end).then(|| (k, t.gaps[k].open_quote));
        }
    }
    None
}

/// Where a claim starting at word `from` ends (exclusive word index): the sentence
/// end, the closing quote of a quoted claim, or a clause boundary: a comma before a
/// boundary word or a cue, or a cue with و/ف attached.
fn clause_end(lx: &Lexicon, t: &Tokens<'_>, from: usize, end: usize, quoted: bool) -> usize {
    for j in from + 1..end {
        let g = t.gaps[j];
        if quoted {
            if g.close_quote {
                return j;
            }
            continue;
        }
        let words = t.words(j, 3);
        if g.comma
            && lx
                .match_at(words, |_| true)
                .is_some_and(|c| c.class != CueClass::Comp)
        {
            return j;
        }
        if lx
            .match_at(words, |c| c == CueClass::Participle)
            .is_some_and(|c| c.words[0] == t.toks[j].w)
        {
            return j;
        }
        if t.toks[j].w.starts_with(['و', 'ف'])
            && lx
                .match_at(words, |c| matches!(c, CueClass::Verb | CueClass::Relay))
                .is_some_and(|c| c.words[0] != t.toks[j].w)
        {
            return j;
        }
    }
    end
}

/// The mentions (sorted by start) lying in code points `a..b`, in text order.
fn mentions_in(m: &[Mention], a: usize, b: usize) -> impl DoubleEndedIterator<Item = usize> + '_ {
    let from = m.partition_point(|x| x.cs < a);
    let to = m.partition_point(|x| x.cs < b);
    (from..to.max(from)).filter(move |&i| m[i].ce <= b)
}

/// Whether the speaker of a claim with no actor in its sentence is taken from the
/// claim before it, when that claim is in the sentence just before («وقال الوزير إن
/// ... . وأضاف أن ...»: the pronoun subject of «أضاف» is the minister). Measured on
/// the test corpus (see the module doc).
pub(crate) const PRONOUN_FROM_PREVIOUS_SENTENCE: bool = true;

/// What [`find`] searches with.
pub(crate) struct Search<'a, 'l> {
    pub lx: &'l Lexicon,
    pub t: &'a Tokens<'a>,
    /// The actors, sorted by start.
    pub mentions: &'a [Mention],
    /// The set's own claims: no claim overlaps them, no speaker is inside them.
    pub blocked: &'a [(usize, usize)],
}

/// Every claim the cues open in the document, left to right, never two overlapping
/// and none overlapping a blocked range. `keep` filters a claim before it takes its
/// place (rejected places, low scores).
pub(crate) fn find<'l>(s: &Search<'_, 'l>, keep: &dyn Fn(&Found<'l>) -> bool) -> Vec<Found<'l>> {
    let t = s.t;
    let mut out: Vec<Found<'l>> = Vec::new();
    let n = t.toks.len();
    let mut i = 0;
    while i < n {
        let Some(cue) =
            s.lx.match_at(t.words(i, 3), CueClass::starts_claim)
                .filter(|c| c.class != CueClass::Continuation || t.gaps[i].comma)
        else {
            i += 1;
            continue;
        };
        let k = i + cue.words.len();
        let sent = t.sentence_of(i);
        let found = s.claim_at(&out, cue, i, k, sent.clone()).map(|mut f| {
            if f.speaker.is_none()
                && PRONOUN_FROM_PREVIOUS_SENTENCE
                && matches!(cue.class, CueClass::Verb | CueClass::Learned)
                && let Some(last) = out.last()
                && t.at(last.cue_cs)
                    .is_some_and(|j| t.sentence[j] + 1 == t.sentence[i])
            {
                f.speaker = last.speaker;
            }
            f
        });
        let s_cs = t.toks[sent.start].cs;
        let found = found.filter(|f| {
            let free = |&(a, b): &(usize, usize)| b <= f.cs || f.ce <= a;
            s.blocked.iter().all(free)
                // Claims stay in their sentence: only this sentence's can overlap.
                && out
                    .iter()
                    .rev()
                    .take_while(|o| o.ce > s_cs)
                    .all(|o| free(&(o.cs, o.ce)))
                && t.words_in(f.cs, f.ce) >= 2
                && keep(f)
        });
        i = match found {
            Some(f) => {
                // The claim's own words are not searched for cues (a cue inside it
                // reports within the report).
                let next = if f.cs >= f.cue_ce {
                    t.toks.partition_point(|x| x.cs < f.ce)
                } else {
                    k
                };
                out.push(f);
                next.max(k)
            }
            None => k,
        };
    }
    out
}

impl<'a, 'l> Search<'a, 'l> {
    /// Whether mention `m` (of the sentence starting at `s_cs`) is outside every
    /// claim.
    fn outside_claims(&self, before: &[Found<'l>], s_cs: usize, m: usize) -> bool {
        let x = &self.mentions[m];
        let out = |a: usize, b: usize| x.ce <= a || x.cs >= b;
        before
            .iter()
            .rev()
            .take_while(|f| f.ce > s_cs)
            .all(|f| out(f.cs, f.ce))
            && self.blocked.iter().all(|&(a, b)| out(a, b))
    }

    /// The claim a cue at words `i..k` of sentence `sent` opens, and its speaker.
    fn claim_at(
        &self,
        before: &[Found<'l>],
        cue: &'l Cue,
        i: usize,
        k: usize,
        sent: std::ops::Range<usize>,
    ) -> Option<Found<'l>> {
        let (lx, t, mentions) = (self.lx, self.t, self.mentions);
        let toks = &t.toks;
        let (s_cs, s_ce) = (toks[sent.start].cs, toks[sent.end - 1].ce);
        let (cue_cs, cue_ce) = (toks[i].cs, toks[k - 1].ce);
        // SVO: the actor nearest before the cue in the sentence.
        let svo =
            || mentions_in(mentions, s_cs, cue_cs).rfind(|&m| self.outside_claims(before, s_cs, m));
        if k >= sent.end {
            return None;
        }
        let (start, end, speaker, bare) = match cue.class {
            CueClass::Prep => {
                let after = mentions_in(mentions, cue_ce, s_ce).next();
                if i == sent.start {
                    // «بحسب الوكالة، فإن ...»: the clause after the object's comma
                    // (or its complementiser).
                    let is_comp = |j: usize| lx.match_at(t.words(j, 2), |c| c == CueClass::Comp);
                    let comma =
                        (k + 1..sent.end).find(|&j| t.gaps[j].comma || is_comp(j).is_some())?;
                    let mut s = comma;
                    if let Some(c) = is_comp(s) {
                        s += c.words.len();
                    }
                    if s >= sent.end || lx.match_at(t.words(s, 3), CueClass::starts_claim).is_some()
                    {
                        // «وعلى لسان رئيستها، اعتبرت الرابطة أن ...»: the verb's.
                        return None;
                    }
                    let quoted = t.gaps[s].open_quote;
                    // The object is before the claim.
                    let object = mentions_in(mentions, cue_ce, toks[s].cs).next();
                    (s, clause_end(lx, t, s, sent.end, quoted), object, false)
                } else {
                    // «... ، حسب مصادر عسكرية»: the clause before the cue, after the
                    // sentence's last claim.
                    let from = before
                        .last()
                        .filter(|f| f.ce > s_cs)
                        .map_or(sent.start, |f| toks.partition_point(|x| x.cs < f.ce));
                    (from.max(sent.start), i, after, false)
                }
            }
            CueClass::Continuation => {
                // «، وإن أي ترسيم ...»: a second complement of the same speaker.
                let speaker = before
                    .iter()
                    .rev()
                    .take_while(|f| f.cs >= s_cs)
                    .find_map(|f| f.speaker);
                let quoted = t.gaps[k].open_quote;
                (k, clause_end(lx, t, k, sent.end, quoted), speaker, false)
            }
            _ => {
                let opened = opener(lx, t, k, sent.end);
                let (s, quoted) = match opened {
                    Some(o) => o,
                    None => {
                        // No complementiser: the claim follows the subject right
                        // after the verb («اعتبرت دار الإفتاء الانتصار ...»), or the
                        // verb.
                        let next = &toks[k];
                        match mentions_in(mentions, next.cs, s_ce)
                            .next()
                            .filter(|&m| mentions[m].cs < next.ce)
                        {
                            Some(m) => (toks.partition_point(|x| x.cs < mentions[m].ce), false),
                            None => (k, false),
                        }
                    }
                };
                if s >= sent.end {
                    return None;
                }
                let start_cs = toks[s].cs;
                let relay_to = (cue.class == CueClass::Relay)
                    .then(|| (k..s).find(|&j| toks[j].w == "عن"))
                    .flatten();
                let vso = match relay_to {
                    Some(j) => mentions_in(mentions, toks[j].ce, start_cs).next(),
                    None => mentions_in(mentions, cue_ce, start_cs).next(),
                };
                let speaker = match cue.class {
                    CueClass::Participle => {
                        // The sentence's previous speaker, unless an actor came after
                        // that claim («... نفاها المتحدث مؤكدا أن»).
                        let prev = before.iter().rev().take_while(|f| f.cs >= s_cs).next();
                        let newer = svo().filter(|&m| prev.is_none_or(|f| mentions[m].cs >= f.ce));
                        newer.or_else(|| prev.and_then(|f| f.speaker)).or_else(svo)
                    }
                    _ => vso.or_else(svo),
                };
                (
                    s,
                    clause_end(lx, t, s, sent.end, quoted),
                    speaker,
                    opened.is_none(),
                )
            }
        };
        if start >= end {
            return None;
        }
        let (a, b) = (&toks[start], &toks[end - 1]);
        let tail = t.gaps[end].attached;
        Some(Found {
            cue,
            cue_cs,
            cue_ce,
            cue_fs: toks[i].fs,
            cue_fe: toks[k - 1].fe,
            cs: a.cs,
            ce: b.ce + tail.0,
            fs: a.fs,
            fe: b.fe,
            speaker,
            tail_bytes: tail.1,
            bare,
        })
    }
}
