//! Attribution: claims and who said them (issue #27), suggested from reporting cues.
//!
//! # Cues
//!
//! The built-in lexicon `data/reporting_cues.ar.txt` (its header documents the
//! columns) lists verbs of saying with their common conjugations, prepositional cues
//! (بحسب، وفق، على لسان …), circumstantial participles («، مؤكدا أن»),
//! complementisers (أن، إن، بأن، إلى أن …) and clause boundaries («، مما»، «، وهو ما»
//! …). Forms are folded with the search normaliser, as names are; a cue matches a
//! whole word of the folded text (a run of letters and digits, as the matcher sees
//! words), with «و» or «ف» attached or not («وقال», «فأكدت»).
//!
//! **Learned cues**: a word that comes right before two or more of the annotator's
//! own claims that have a `said_by` relation (the complementiser skipped, and the
//! relation's speaker right before it, «أردف الوزير أن», stepped over), in sentences
//! where no cue of the lexicon comes before the claim, becomes a cue like a verb.
//!
//! # Claims
//!
//! A **claim suggestion** is the reported content a cue opens, in the cue's sentence
//! (sentences end at . ! ? ؟ ؛ … or a line break; «7.5» is no sentence end):
//!
//! - after a verb: after the first complementiser, colon or opening quote within 14
//!   words (the speaker and an adverbial come between: «وقال المتحدث باسم الجيش نبيل
//!   عبد الله في بيان إن ...»), or, with none, after the actor right after the verb
//!   («اعتبرت دار الإفتاء الانتصار ...»), else right after the verb;
//! - after a prepositional cue that opens the sentence («وبحسب الوكالة، فإن ...»):
//!   after the comma that follows its object (and the complementiser); in mid-sentence
//!   («...، حسب مصادر عسكرية»): the clause before it, from the sentence start or the
//!   end of the sentence's previous claim;
//! - it ends at the sentence end, at the closing quote of a quoted claim
//!   («قال: «...»» gives the quoted text), at a comma followed by a boundary word or a
//!   cue («، مضيفا أن», «، وهو ما», «، حسب»), or at a verb cue with a conjunction
//!   («... وأضاف أن»);
//! - its bounds are words, so it starts and ends as a manual tag does after trimming
//!   (no space or punctuation at either end);
//! - it is offered only with two words or more, when it overlaps none of the set's
//!   claims nor an earlier claim suggestion, when that place is not rejected, when no
//!   name suggestion has the very same bounds (one suggestion per place), and when its
//!   score is at least [`crate::suggest::SuggestOptions::min_score`].
//!
//! # Speakers
//!
//! The speaker is an actor mention: a tagged actor span of the set or an actor
//! suggestion of the other sources (the name suggestions of the same document). For a
//! verb: the first actor between the verb and the claim (VSO, «وقال المتحدث ...»;
//! for «نقل», the first after «عن»: «ونقلت الوكالة عن المتحدث قوله إن»), else the
//! actor nearest before the verb in the sentence (SVO), outside any claim. For a
//! prepositional cue: the first actor after it in the sentence (its object). For a
//! participle («، مضيفا أن»): the speaker of the sentence's previous claim.
//!
//! **No actor in the sentence** (a pronoun subject: «وقالت إن ...»): when the claim
//! before it is in the previous sentence, its speaker is taken
//! ([`finder::PRONOUN_FROM_PREVIOUS_SENTENCE`]); otherwise the claim is suggested
//! without a speaker (no `said_by` suggestion). On the test corpus
//! (`tests/fixtures/learn`), the fallback's effect is in the evaluation test's note.
//!
//! # Scores
//!
//! Each cue group (a verb and its conjugations, see the data file) has a score:
//! its precision on the annotator's own claims, smoothed toward a default of 0.5:
//! `(hits + 2 × 0.5) / (fired + 2)`, where `fired` counts the claims the cue opens in
//! the documents where the annotator tagged claims and `hits` those that share at
//! least half their words with one of the annotator's claims. A cue never seen scores
//! 0.5. Like rejected names, `score / (1 + r)` with `r` the annotator's rejected claim
//! suggestions opened by that cue. A `said_by` suggestion scores the claim's score
//! times its speaker's (1 for a tagged actor, the suggestion's score otherwise).
//!
//! The labels are the news schema's: `claim`, `actor` and `said_by`; a project whose
//! schema lacks one of them gets no attribution suggestions.

pub mod evaluate;
pub(crate) mod finder;
pub mod lexicon;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use serde::Serialize;

use self::finder::{Found, Mention, Search, Tokens, token_overlap};
use self::lexicon::{Cue, CueClass, Lexicon};
use super::{FastSet, FoldedText, SuggestOptions, Suggestion, SuggestionSource};
use crate::model::{AnnotationSet, Document, Project};
use crate::text::normalize::SearchOptions;

/// The label of claims.
pub const CLAIM: &str = "claim";
/// The label of speakers.
pub const ACTOR: &str = "actor";
/// The relation from a claim to its speaker.
pub const SAID_BY: &str = "said_by";

/// A cue group's score when nothing is known of it (and the prior of the smoothing).
pub const DEFAULT_SCORE: f64 = 0.5;
/// The weight of the prior: a cue's score moves from the default as it fires.
const PRIOR_WEIGHT: f64 = 2.0;

/// One end of a suggested relation, by offsets (scripts match it without ids).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    /// Code points, end-exclusive.
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    /// Already tagged in the annotator's set; otherwise a suggestion too, accepted
    /// with the relation.
    pub tagged: bool,
    /// The suggestion this end is (when not tagged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SuggestionSource>,
    /// The entity an accepted speaker span is linked to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

/// A suggested relation: `said_by` from a claim suggestion to its speaker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationSuggestion {
    pub document: String,
    /// The relation type (`said_by`).
    pub kind: String,
    pub from: Endpoint,
    pub to: Endpoint,
    /// The claim's score times the speaker's (see the module doc).
    pub score: f64,
    pub source: SuggestionSource,
    /// The cue as written in the text («وقال»).
    pub cue: String,
}

/// What attribution learned from a project for one annotator.
#[derive(Debug, Clone)]
pub(crate) struct Attribution {
    lexicon: Lexicon,
    /// Learned cue words, sorted.
    learned: Vec<String>,
    /// Cue group → score (after rejections).
    scores: HashMap<String, f64>,
    /// What the learning was computed from (see [`fingerprint`]).
    fingerprint: u64,
    min_score: f64,
}

/// Whether attribution is asked for and the project's schema has claims, actors and
/// `said_by` between them.
fn wanted(p: &Project, o: &SuggestOptions) -> bool {
    o.attribution
        && p.schema.label(CLAIM).is_some()
        && p.schema.label(ACTOR).is_some()
        && p.schema
            .relation_type(SAID_BY)
            .is_some_and(|r| r.allows(CLAIM, ACTOR))
}

/// The sets attribution learns from: the annotator's (every annotator's with
/// `include_other_sets`) that hold a claim, with their documents.
fn learning_sets<'p>(
    p: &'p Project,
    annotator: &str,
    o: &SuggestOptions,
) -> Vec<(&'p AnnotationSet, &'p Document)> {
    let sets: Vec<&AnnotationSet> = claim_sets(p, annotator, o).collect();
    if sets.is_empty() {
        return Vec::new();
    }
    // Documents by id (a lookup per set was a scan of every document).
    let docs: HashMap<&str, &Document> = p.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    sets.into_iter()
        .filter_map(|s| Some((s, *docs.get(s.document.as_str())?)))
        .collect()
}

/// The learning sets, without their documents.
fn claim_sets<'p, 'a>(
    p: &'p Project,
    annotator: &'a str,
    o: &SuggestOptions,
) -> impl Iterator<Item = &'p AnnotationSet> + 'a
where
    'p: 'a,
{
    let (learn, others) = (o.learn, o.include_other_sets);
    p.sets
        .iter()
        .filter(move |s| learn && (others || s.annotator == annotator))
        .filter(|s| s.spans.iter().any(|x| x.label == CLAIM))
}

/// A hash of everything the learning reads: the learning sets' claims, their
/// `said_by` relations (both ends' bounds) and the annotator's rejected claims. A
/// refresh after any other edit (tagging a name) keeps what was learned.
fn fingerprint(p: &Project, annotator: &str, o: &SuggestOptions) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for s in claim_sets(p, annotator, o) {
        s.document.hash(&mut h);
        for x in s.spans.iter().filter(|x| x.label == CLAIM) {
            (x.start, x.end).hash(&mut h);
        }
        for r in s.relations.iter().filter(|r| r.kind == SAID_BY) {
            if let (Some(f), Some(t)) = (s.span(&r.from), s.span(&r.to)) {
                (f.start, f.end, &f.label, t.start, t.end).hash(&mut h);
            }
        }
    }
    for r in p.suggestions.rejected.iter() {
        if r.label == CLAIM && r.applies_to(annotator) {
            (&r.document, r.start, r.end).hash(&mut h);
        }
    }
    h.finish()
}

/// The tagged actors of a set, as mentions.
fn tagged_actors(set: Option<&AnnotationSet>) -> Vec<Mention> {
    set.map(|s| {
        s.spans
            .iter()
            .filter(|x| x.label == ACTOR)
            .map(|x| Mention {
                cs: x.start,
                ce: x.end,
                text: x.text.clone(),
                source: None,
                entity: x.entity.clone(),
                score: 1.0,
            })
            .collect()
    })
    .unwrap_or_default()
}

fn sort_mentions(m: &mut [Mention]) {
    m.sort_by_key(|x| (x.cs, std::cmp::Reverse(x.ce)));
}

/// The word before each of the set's `said_by` claims, when no lexicon cue comes
/// before the claim in its sentence: learned-cue candidates.
fn words_before_claims(lx: &Lexicon, t: &Tokens<'_>, set: &AnnotationSet) -> Vec<String> {
    let mut out = Vec::new();
    for r in set.relations.iter().filter(|r| r.kind == SAID_BY) {
        let Some(claim) = set.span(&r.from).filter(|s| s.label == CLAIM) else {
            continue;
        };
        let Some(a) = t.at(claim.start) else {
            continue;
        };
        let sent = t.sentence_of(a);
        if (sent.start..a).any(|j| {
            lx.match_at(t.words(j, 3.min(a - j)), CueClass::starts_claim)
                .is_some()
        }) {
            continue;
        }
        let mut b = a;
        for len in [2, 1] {
            if b >= sent.start + len {
                let words: Vec<&str> = t.toks[b - len..b].iter().map(|x| x.w).collect();
                if lx
                    .match_at(&words, |c| c == CueClass::Comp)
                    .is_some_and(|c| c.words.len() == len)
                {
                    b -= len;
                    break;
                }
            }
        }
        // Over the speaker to the verb before it: «أردف الوزير أن».
        if let Some(speaker) = set.span(&r.to)
            && b > sent.start
            && t.toks[b - 1].ce == speaker.end
        {
            b = t
                .toks
                .partition_point(|x| x.cs < speaker.start)
                .max(sent.start);
        }
        if b <= sent.start {
            continue;
        }
        let w = t.toks[b - 1];
        if w.w.chars().count() >= 2 && !w.w.chars().any(|c| c.is_numeric()) {
            out.push(w.w.to_string());
        }
    }
    out
}

impl Attribution {
    /// `None` when the options turn it off or the schema has no claims, actors or
    /// `said_by`.
    pub(crate) fn new(
        p: &Project,
        annotator: &str,
        o: &SuggestOptions,
        search: &SearchOptions,
    ) -> Option<Attribution> {
        if !wanted(p, o) {
            return None;
        }
        let sets = learning_sets(p, annotator, o);
        let mut lexicon = Lexicon::builtin(search);
        // Learned cues.
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (set, doc) in &sets {
            let folded = FoldedText::new(&doc.text, search);
            let t = Tokens::new(&doc.text, &folded);
            for w in words_before_claims(&lexicon, &t, set) {
                // «وأردف» counts for «أردف» too (a cue matches with و/ف attached).
                if let Some(bare) = w.strip_prefix(['و', 'ف'])
                    && bare.chars().count() >= 2
                {
                    *counts.entry(bare.to_string()).or_default() += 1;
                }
                *counts.entry(w).or_default() += 1;
            }
        }
        let mut learned: Vec<String> = counts
            .iter()
            .filter(|&(_, &n)| n >= 2)
            .map(|(w, _)| w.clone())
            .collect();
        // «وأردف» is redundant beside «أردف».
        let bare: Vec<String> = learned.clone();
        learned.retain(|w| {
            !w.strip_prefix(['و', 'ف'])
                .is_some_and(|b| bare.iter().any(|x| x == b))
        });
        for w in &learned {
            lexicon.insert(Cue {
                words: vec![w.clone()],
                class: CueClass::Learned,
                group: w.clone(),
            });
        }
        // Precision of each cue group on the annotator's own claims.
        let mut stats: HashMap<String, (usize, usize)> = HashMap::new();
        for (set, doc) in &sets {
            let folded = FoldedText::new(&doc.text, search);
            let t = Tokens::new(&doc.text, &folded);
            let claims: Vec<(usize, usize)> = set
                .spans
                .iter()
                .filter(|x| x.label == CLAIM)
                .map(|x| (x.start, x.end))
                .collect();
            // Without speakers: a cue's claims, whoever said them (so tagging a name
            // changes nothing learned here).
            let search = Search {
                lx: &lexicon,
                t: &t,
                mentions: &[],
                blocked: &[],
            };
            for f in finder::find(&search, &|_| true) {
                let e = stats.entry(f.key()).or_default();
                e.0 += 1;
                e.1 += usize::from(
                    claims
                        .iter()
                        .any(|&c| token_overlap(&t, (f.cs, f.ce), c) >= 0.5),
                );
            }
        }
        let mut scores: HashMap<String, f64> = stats
            .into_iter()
            .map(|(g, (fired, hits))| {
                let s =
                    (hits as f64 + PRIOR_WEIGHT * DEFAULT_SCORE) / (fired as f64 + PRIOR_WEIGHT);
                (g, s)
            })
            .collect();
        for (group, r) in rejected_by_group(p, annotator, &lexicon, search) {
            let s = scores.entry(group).or_insert(DEFAULT_SCORE);
            *s /= 1.0 + r as f64;
        }
        Some(Attribution {
            lexicon,
            learned,
            scores,
            fingerprint: fingerprint(p, annotator, o),
            min_score: o.min_score,
        })
    }

    /// Relearns when what it learned from changed (claims, relations, rejected
    /// claims); returns whether it did.
    pub(crate) fn refresh(
        this: &mut Option<Attribution>,
        p: &Project,
        annotator: &str,
        o: &SuggestOptions,
        search: &SearchOptions,
    ) -> bool {
        let current = match this {
            Some(a) => wanted(p, o) && a.fingerprint == fingerprint(p, annotator, o),
            None => !wanted(p, o),
        };
        if !current {
            *this = Attribution::new(p, annotator, o, search);
        }
        !current
    }

    /// The words learned as cues, sorted.
    pub(crate) fn learned_cues(&self) -> &[String] {
        &self.learned
    }

    /// A cue group's score.
    pub(crate) fn score(&self, group: &str) -> f64 {
        self.scores.get(group).copied().unwrap_or(DEFAULT_SCORE)
    }

    /// Claim suggestions and their `said_by` suggestions for `doc`. `names` are the
    /// document's other suggestions (their actors may be speakers; a claim never
    /// takes the very bounds of one); `rejected` the rejected places of the document.
    pub(crate) fn suggest(
        &self,
        doc: &Document,
        folded: &FoldedText,
        set: Option<&AnnotationSet>,
        rejected: &FastSet<(usize, usize, &str)>,
        names: &[Suggestion],
    ) -> (Vec<Suggestion>, Vec<RelationSuggestion>) {
        let t = Tokens::new(&doc.text, folded);
        let mut mentions = tagged_actors(set);
        mentions.extend(names.iter().filter(|s| s.label == ACTOR).map(|s| Mention {
            cs: s.start,
            ce: s.end,
            text: s.text.clone(),
            source: Some(s.source),
            entity: s.entity.clone(),
            score: s.score,
        }));
        sort_mentions(&mut mentions);
        let blocked: Vec<(usize, usize)> = set
            .map(|s| {
                s.spans
                    .iter()
                    .filter(|x| x.label == CLAIM)
                    .map(|x| (x.start, x.end))
                    .collect()
            })
            .unwrap_or_default();
        let names_at: FastSet<(usize, usize)> = names.iter().map(|s| (s.start, s.end)).collect();
        let keep = |f: &Found<'_>| {
            !rejected.contains(&(f.cs, f.ce, CLAIM))
                && !names_at.contains(&(f.cs, f.ce))
                && self.score(&f.key()) >= self.min_score
        };
        let search = Search {
            lx: &self.lexicon,
            t: &t,
            mentions: &mentions,
            blocked: &blocked,
        };
        let found = finder::find(&search, &keep);
        let slice = |fs: usize, fe: usize| doc.text[folded.byte(fs)..folded.byte(fe)].to_string();
        let claim_text = |f: &Found<'_>| {
            doc.text[folded.byte(f.fs)..folded.byte(f.fe) + f.tail_bytes].to_string()
        };
        let mut claims = Vec::with_capacity(found.len());
        let mut relations = Vec::new();
        for f in found {
            let score = self.score(&f.key());
            let text = claim_text(&f);
            let cue = slice(f.cue_fs, f.cue_fe);
            // A speaker is never inside its own claim (the finder's rules should not
            // give one; this guard keeps the promise whatever the text): no relation.
            let speaker = f
                .speaker
                .map(|i| &mentions[i])
                .filter(|m| m.ce <= f.cs || f.ce <= m.cs);
            if let Some(m) = speaker {
                relations.push(RelationSuggestion {
                    document: doc.id.clone(),
                    kind: SAID_BY.into(),
                    from: Endpoint {
                        start: f.cs,
                        end: f.ce,
                        label: CLAIM.into(),
                        text: text.clone(),
                        tagged: false,
                        source: Some(SuggestionSource::Attribution),
                        entity: None,
                    },
                    to: Endpoint {
                        start: m.cs,
                        end: m.ce,
                        label: ACTOR.into(),
                        text: m.text.clone(),
                        tagged: m.source.is_none(),
                        source: m.source,
                        entity: m.entity.clone(),
                    },
                    score: score * m.score,
                    source: SuggestionSource::Attribution,
                    cue: cue.clone(),
                });
            }
            claims.push(Suggestion {
                document: doc.id.clone(),
                start: f.cs,
                end: f.ce,
                label: CLAIM.into(),
                text,
                source: SuggestionSource::Attribution,
                score,
                entity: None,
                cue: Some(cue),
            });
        }
        (claims, relations)
    }
}

/// The annotator's rejected claim suggestions, counted by the cue group that opens
/// them (the claim found at the same place, else the one sharing most words).
fn rejected_by_group(
    p: &Project,
    annotator: &str,
    lexicon: &Lexicon,
    search: &SearchOptions,
) -> BTreeMap<String, usize> {
    let mut by_doc: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for r in &p.suggestions.rejected {
        if r.label == CLAIM && r.applies_to(annotator) {
            by_doc
                .entry(&r.document)
                .or_default()
                .push((r.start, r.end));
        }
    }
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    for (id, places) in by_doc {
        let Some(doc) = p.document(id) else {
            continue;
        };
        let folded = FoldedText::new(&doc.text, search);
        let t = Tokens::new(&doc.text, &folded);
        let s = Search {
            lx: lexicon,
            t: &t,
            mentions: &[],
            blocked: &[],
        };
        let found = finder::find(&s, &|_| true);
        for place in places {
            let best = found
                .iter()
                .map(|f| (token_overlap(&t, (f.cs, f.ce), place), f))
                .filter(|(o, _)| *o > 0.0)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, f)) = best {
                *out.entry(f.key()).or_default() += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
