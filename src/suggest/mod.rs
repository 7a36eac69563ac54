//! Suggestions: offline, Arabic-aware pre-annotation learned from the annotator's own
//! labels, the entity registry and an optional gazetteer (issue #16).
//!
//! # Sources
//!
//! A [`Suggester`] is built once from a project, an annotator and [`SuggestOptions`].
//! It maps folded names ([`matcher::fold_key`]) to candidate labels:
//!
//! - **entity** ([`SuggestionSource::Entity`]): each entity's name and aliases → its
//!   label, with the entity id (accepting links the span to it); base score 1.
//! - **learned** ([`SuggestionSource::Learned`]): every span of the annotator's sets
//!   (with [`SuggestOptions::include_other_sets`], every annotator's) → its label. The
//!   base score is INCEpTION's string-matching rule: the share of that label among
//!   the tagged occurrences of that string (tagged «حفتر» 3 times as actor and once as
//!   location: actor 0.75, location 0.25). The entity link is carried when every
//!   linked occurrence names the same entity.
//! - **gazetteer** ([`SuggestionSource::Gazetteer`]): lines `text<TAB>label` of a file
//!   ([`gazetteer`]); base score 1.
//! - **model** ([`SuggestionSource::Model`]): not made here. The tagger of
//!   `crate::learn` (a layer above) gives its own suggestions, which [`merge_model`]
//!   joins to these (one per place, [`SuggestOptions::min_model_score`]).
//!
//! **Rejections** are the annotator's own: a rejection records who made it and applies
//! to that annotator's suggestions only (one annotator's rejections never hide
//! suggestions from the others). A rejection without an annotator (made before format
//! version 3, when rejections were project-wide) applies to everyone, as it did.
//!
//! Rejections lower the score of a string everywhere: with `r` rejections of that
//! folded string with that label anywhere in the project (the annotator's own and
//! those for everyone),
//! `score = base / (1 + r)`; a candidate under [`SuggestOptions::min_score`] (0.25 by
//! default) is not offered, so an entity name rejected three times is still offered
//! (0.25), a fourth rejection silences it. A rejected place (document, start, end,
//! label) is never offered again, whatever the score.
//!
//! The same string from several sources with the same label keeps the best score; at
//! one place, the candidate with the best score is offered (ties: entity, then learned,
//! then gazetteer), so there is at most one suggestion per place.
//!
//! # Matching
//!
//! Text and names are folded with the search normaliser (harakat, tatweel, hamza forms
//! of alef, ى/ي; ة/ه and Arabic-Indic digits when [`SuggestOptions::ta_marbuta_as_ha`]
//! and [`SuggestOptions::unify_digits`] say so; Latin case), and whitespace runs fold to
//! one space (a name matches across a line break, not across a blank line). One
//! Aho–Corasick automaton finds every occurrence of every name in one pass; offsets
//! map back to exact code points of the original text (Python-style, emoji count one).
//!
//! An occurrence is a suggestion only when:
//!
//! 1. **It ends at a word end**: the next character is not a letter or digit. No
//!    enclitic is split off: «حكومتها» does not give «حكومة» (ة written ت before a
//!    pronoun suffix is not handled), nor «قواته» «قوات». Names are proper nouns, which
//!    rarely take suffixes; a conservative choice.
//! 2. **It starts at a word start, or after a proclitic chain** ([`clitics`]): an
//!    optional conjunction و/ف, an optional preposition ب/ل/ك, an optional article ال,
//!    in that order, and nothing else in the word before it. The suggestion covers the
//!    name only: «بحفتر» gives «حفتر», «والسراج» gives «السراج».
//!    - A name written with the article (السراج) owns it: the chain before it is only
//!      و/ف and ب/ك («والسراج», «بالسراج» give «السراج»).
//!    - A name without it (حفتر, درنة) may have the article as a proclitic
//!      («الحفتر» gives «حفتر»), and ل + the article written لل («للحفتر»).
//!    - **لل + a name with the article**: ل before ال drops the article's alef, so
//!      «للسراج» is ل + السراج. The suggestion starts at the article's lam (the second
//!      ل) and covers «لسراج»: the name as written there, without the preposition.
//!      A conjunction may come first («وللسراج»).
//!    - Letters before the name that are not such a chain (another letter, a doubled
//!      preposition, more than four letters) mean the name is inside a longer word:
//!      no suggestion («مدرنة», «ببحفتر»).
//! 3. **The longest wins**: of overlapping occurrences, the one with the most folded
//!    characters is kept («خليفة حفتر» over «حفتر»), then the earlier.
//! 4. It is not **rejected** at this place with this label (then a shorter or other
//!    candidate may show instead), and not **already tagged** with the same bounds and
//!    label in the set (an occurrence inside an already tagged longer name is not
//!    offered either: the tagged name wins the overlap).
//!
//! Proclitics make matching ambiguous by nature: a word that starts with و/ف/ب/ل/ك
//! followed by a short name («كمال» for a name «مال») is suggested. Rejecting it once
//! silences that place.
//!
//! # Refreshing
//!
//! [`Suggester::refresh`] relearns after an edit and rebuilds the automaton only when
//! the set of folded names changed (a new string was tagged); the caller then
//! re-matches the current document only ([`Suggester::suggest_document`], or
//! [`Suggester::suggest_folded`] with a [`FoldedText`] kept across edits).
//! [`Suggester::suggest_all`] spreads the documents over the available cores.
//!
//! A project whose suggestions are switched off (`suggestions.enabled: false`) gets no
//! suggestions at all, from any entry point.

pub mod clitics;
pub mod commands;
pub mod evaluate;
pub mod gazetteer;
pub mod matcher;
pub mod merge;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

pub use self::commands::{
    accept_suggestions, clear_rejections, reject_suggestion, set_gazetteer, set_suggestions_enabled,
};
pub use self::evaluate::{EvaluationReport, evaluate};
pub use self::gazetteer::{GazetteerEntry, GazetteerError, load_gazetteer, parse_gazetteer};
pub use self::matcher::{FoldedText, fold_key};
pub use self::merge::merge_model;
pub use crate::model::SuggestionSource;
use crate::model::{AnnotationSet, Document, Project, Rejected};
use crate::text::normalize::SearchOptions;
use matcher::{Matcher, is_word};

/// One offered annotation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// Document id.
    pub document: String,
    /// Code points, end-exclusive.
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The original text at `start..end`.
    pub text: String,
    pub source: SuggestionSource,
    /// See the module doc: base score divided by 1 + rejections of the string.
    pub score: f64,
    /// The entity an accepted span is linked to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

/// What a [`Suggester`] learns from and how it matches.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestOptions {
    /// Offer the entity registry's names and aliases (on by default).
    pub use_registry: bool,
    /// Learn from the annotator's spans (on by default).
    pub learn: bool,
    /// Learn from every annotator's sets in the project, not only the annotator's.
    pub include_other_sets: bool,
    /// Gazetteer lines ([`load_gazetteer`]).
    pub gazetteer: Vec<GazetteerEntry>,
    /// ة and ه match each other (off by default, as in search).
    pub ta_marbuta_as_ha: bool,
    /// Arabic-Indic and ASCII digits match each other (off by default).
    pub unify_digits: bool,
    /// Candidates scoring below this are not offered (0.25 by default).
    pub min_score: f64,
    /// The learned tagger's (`crate::learn`) suggestions scoring below this (its
    /// probability) are not offered (0.5 by default; see [`merge_model`]).
    pub min_model_score: f64,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            use_registry: true,
            learn: true,
            include_other_sets: false,
            gazetteer: Vec::new(),
            ta_marbuta_as_ha: false,
            unify_digits: false,
            min_score: 0.25,
            min_model_score: 0.5,
        }
    }
}

impl SuggestOptions {
    fn search(&self) -> SearchOptions {
        SearchOptions {
            ta_marbuta_as_ha: self.ta_marbuta_as_ha,
            unify_digits: self.unify_digits,
            ..SearchOptions::default()
        }
    }
}

/// A label a folded name may get.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    label: String,
    source: SuggestionSource,
    score: f64,
    entity: Option<String>,
}

/// Candidates ordered best first: score, then entity, learned, gazetteer.
fn better(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.source.cmp(&b.source))
        .then(a.label.cmp(&b.label))
}

/// Folded names (sorted) and their candidates, best first.
#[derive(Debug, Clone, Default, PartialEq)]
struct Table {
    keys: Vec<String>,
    candidates: Vec<Vec<Candidate>>,
}

/// Which entity the linked occurrences of a learned string name.
#[derive(Debug, Clone, Default)]
struct Learned {
    count: usize,
    entity: Option<String>,
    conflict: bool,
}

fn build_table(
    project: &Project,
    annotator: &str,
    o: &SuggestOptions,
    search: &SearchOptions,
) -> Table {
    let mut map: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    let mut add = |key: String, c: Candidate| {
        if !key.chars().any(is_word) {
            return;
        }
        let list = map.entry(key).or_default();
        match list
            .iter_mut()
            .find(|x| x.label == c.label && x.source == c.source)
        {
            // The same name twice in one source (two entities with one alias): keep
            // one candidate, and no link when they disagree.
            Some(x) => {
                if x.entity != c.entity {
                    x.entity = None;
                }
                x.score = x.score.max(c.score);
            }
            None => list.push(c),
        }
    };
    if o.use_registry {
        for e in &project.entities {
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                add(
                    fold_key(name, search),
                    Candidate {
                        label: e.label.clone(),
                        source: SuggestionSource::Entity,
                        score: 1.0,
                        entity: Some(e.id.clone()),
                    },
                );
            }
        }
    }
    if o.learn {
        let mut counts: HashMap<String, BTreeMap<&str, Learned>> = HashMap::new();
        let sets = project
            .sets
            .iter()
            .filter(|s| o.include_other_sets || s.annotator == annotator);
        // A corpus repeats its names: each distinct span text is folded once
        // (270k spans of a 10,000-document corpus have a few hundred texts).
        let mut folded: HashMap<&str, String> = HashMap::new();
        for span in sets.flat_map(|s| &s.spans) {
            let key = folded
                .entry(span.text.as_str())
                .or_insert_with(|| fold_key(&span.text, search))
                .clone();
            let l = counts
                .entry(key)
                .or_default()
                .entry(&span.label)
                .or_default();
            l.count += 1;
            if let Some(e) = &span.entity {
                match &l.entity {
                    None => l.entity = Some(e.clone()),
                    Some(x) if x != e => l.conflict = true,
                    Some(_) => {}
                }
            }
        }
        for (key, labels) in counts {
            let total: usize = labels.values().map(|l| l.count).sum();
            for (label, l) in labels {
                add(
                    key.clone(),
                    Candidate {
                        label: label.to_string(),
                        source: SuggestionSource::Learned,
                        score: l.count as f64 / total as f64,
                        entity: l.entity.filter(|_| !l.conflict),
                    },
                );
            }
        }
    }
    for g in &o.gazetteer {
        add(
            fold_key(&g.text, search),
            Candidate {
                label: g.label.clone(),
                source: SuggestionSource::Gazetteer,
                score: 1.0,
                entity: None,
            },
        );
    }
    let mut rejections: HashMap<(String, &str), usize> = HashMap::new();
    for r in project
        .suggestions
        .rejected
        .iter()
        .filter(|r| r.applies_to(annotator))
    {
        *rejections
            .entry((fold_key(&r.text, search), r.label.as_str()))
            .or_default() += 1;
    }
    let mut table = Table::default();
    for (key, mut list) in map {
        for c in &mut list {
            if let Some(&r) = rejections.get(&(key.clone(), c.label.as_str())) {
                c.score /= 1.0 + r as f64;
            }
        }
        list.retain(|c| c.score >= o.min_score);
        if list.is_empty() {
            continue;
        }
        list.sort_by(better);
        table.keys.push(key);
        table.candidates.push(list);
    }
    table
}

/// Hash sets of places: foldhash, not SipHash (a local project's offsets and labels).
type FastSet<T> = foldhash::HashSet<T>;

/// The best candidate at a place of the folded text.
#[derive(Debug, Clone, Copy)]
struct Offer<'a> {
    s: usize,
    e: usize,
    c: &'a Candidate,
}

/// Offers suggestions for one annotator of one project (see the module doc).
#[derive(Debug, Clone)]
pub struct Suggester {
    annotator: String,
    options: SuggestOptions,
    search: SearchOptions,
    enabled: bool,
    table: Table,
    matcher: Matcher,
}

impl Suggester {
    pub fn new(project: &Project, annotator: &str, options: SuggestOptions) -> Self {
        let search = options.search();
        let table = build_table(project, annotator, &options, &search);
        let matcher = Matcher::new(&table.keys);
        Suggester {
            annotator: annotator.to_string(),
            options,
            search,
            enabled: project.suggestions.enabled,
            table,
            matcher,
        }
    }

    /// Relearns from `project` after an edit. The automaton is rebuilt only when the
    /// folded names changed; returns whether it was.
    pub fn refresh(&mut self, project: &Project) -> bool {
        self.enabled = project.suggestions.enabled;
        let table = build_table(project, &self.annotator, &self.options, &self.search);
        let rebuilt = table.keys != self.table.keys;
        if rebuilt {
            self.matcher = Matcher::new(&table.keys);
        }
        self.table = table;
        rebuilt
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    pub fn options(&self) -> &SuggestOptions {
        &self.options
    }

    /// Whether the project lets suggestions be offered.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// How many distinct folded names can be suggested.
    pub fn names(&self) -> usize {
        self.table.keys.len()
    }

    /// Why the automaton could not be built, if it could not (then nothing is
    /// suggested).
    pub fn build_error(&self) -> Option<&str> {
        self.matcher.error.as_deref()
    }

    /// `text` folded as this suggester matches; keep it across edits of the same
    /// document to skip folding on refresh ([`Suggester::suggest_folded`]).
    pub fn fold(&self, text: &str) -> FoldedText {
        FoldedText::new(text, &self.search)
    }

    /// Suggestions for `doc`, given the annotator's set on it (tagged places are not
    /// offered again) and the project's rejected suggestions (any document's: those of
    /// `doc` that apply to this suggester's annotator are used, see
    /// [`Rejected::applies_to`]). In text order.
    pub fn suggest_document(
        &self,
        doc: &Document,
        set: Option<&AnnotationSet>,
        rejected: &[Rejected],
    ) -> Vec<Suggestion> {
        if !self.enabled {
            return Vec::new();
        }
        let folded = self.fold(&doc.text);
        self.suggest_folded(doc, &folded, set, rejected)
    }

    /// Like [`Suggester::suggest_document`], with the document already folded by
    /// [`Suggester::fold`].
    pub fn suggest_folded(
        &self,
        doc: &Document,
        folded: &FoldedText,
        set: Option<&AnnotationSet>,
        rejected: &[Rejected],
    ) -> Vec<Suggestion> {
        let here: FastSet<(usize, usize, &str)> = rejected
            .iter()
            .filter(|r| r.document == doc.id && r.applies_to(&self.annotator))
            .map(|r| (r.start, r.end, r.label.as_str()))
            .collect();
        self.suggest_with(doc, folded, set, &here)
    }

    fn suggest_with(
        &self,
        doc: &Document,
        folded: &FoldedText,
        set: Option<&AnnotationSet>,
        rejected: &FastSet<(usize, usize, &str)>,
    ) -> Vec<Suggestion> {
        if !self.enabled {
            return Vec::new();
        }
        let mut places = self.matcher.find(folded);
        places.sort_unstable_by_key(|p| (p.start, p.end, p.entry));
        places.dedup();
        let hay = folded.as_str();
        // The best candidate at each place, in (start, end) order.
        let mut offered: Vec<Offer> = Vec::with_capacity(places.len());
        for group in places.chunk_by(|a, b| (a.start, a.end) == (b.start, b.end)) {
            let (s, e) = (group[0].start, group[0].end);
            let (cs, ce) = (folded.code_point(s), folded.code_point(e));
            let best = group
                .iter()
                .flat_map(|p| &self.table.candidates[p.entry as usize])
                .filter(|c| rejected.is_empty() || !rejected.contains(&(cs, ce, c.label.as_str())))
                .min_by(|a, b| better(a, b));
            if let Some(c) = best {
                offered.push(Offer { s, e, c });
            }
        }
        // The longest wins, then the earlier: decided within each run of overlapping
        // places (most places overlap nothing).
        let mut kept: Vec<Offer> = Vec::with_capacity(offered.len());
        let mut i = 0;
        while i < offered.len() {
            let mut j = i + 1;
            let mut reach = offered[i].e;
            while j < offered.len() && offered[j].s < reach {
                reach = reach.max(offered[j].e);
                j += 1;
            }
            if j == i + 1 {
                kept.push(offered[i]);
            } else {
                let mut run = offered[i..j].to_vec();
                let len = |o: &Offer| hay[o.s..o.e].chars().count();
                run.sort_by(|a, b| len(b).cmp(&len(a)).then(a.s.cmp(&b.s)));
                let from = kept.len();
                for o in run {
                    if !kept[from..].iter().any(|k| k.s < o.e && o.s < k.e) {
                        kept.push(o);
                    }
                }
                kept[from..].sort_by_key(|o| o.s);
            }
            i = j;
        }
        let tagged: FastSet<(usize, usize, &str)> = set
            .map(|s| {
                s.spans
                    .iter()
                    .map(|x| (x.start, x.end, x.label.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        kept.into_iter()
            .filter_map(|Offer { s, e, c }| {
                let (cs, ce) = (folded.code_point(s), folded.code_point(e));
                if tagged.contains(&(cs, ce, c.label.as_str())) {
                    return None;
                }
                Some(Suggestion {
                    document: doc.id.clone(),
                    start: cs,
                    end: ce,
                    label: c.label.clone(),
                    text: doc.text[folded.byte(s)..folded.byte(e)].to_string(),
                    source: c.source,
                    score: c.score,
                    entity: c.entity.clone(),
                })
            })
            .collect()
    }

    /// Suggestions for every document of `project` (the annotator's sets and the
    /// project's rejections), in document then text order. Documents are spread over
    /// the available cores.
    pub fn suggest_all(&self, project: &Project) -> Vec<Suggestion> {
        if !self.enabled || project.documents.is_empty() {
            return Vec::new();
        }
        let sets: HashMap<&str, &AnnotationSet> = project
            .sets
            .iter()
            .filter(|s| s.annotator == self.annotator)
            .map(|s| (s.document.as_str(), s))
            .collect();
        let mut rejected: HashMap<&str, FastSet<(usize, usize, &str)>> = HashMap::new();
        for r in project
            .suggestions
            .rejected
            .iter()
            .filter(|r| r.applies_to(&self.annotator))
        {
            rejected.entry(r.document.as_str()).or_default().insert((
                r.start,
                r.end,
                r.label.as_str(),
            ));
        }
        let none = FastSet::default();
        let one = |doc: &Document| {
            let folded = self.fold(&doc.text);
            let set = sets.get(doc.id.as_str()).copied();
            let rej = rejected.get(doc.id.as_str()).unwrap_or(&none);
            self.suggest_with(doc, &folded, set, rej)
        };
        let docs = &project.documents;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(docs.len());
        if threads <= 1 {
            return docs.iter().flat_map(one).collect();
        }
        let chunk = docs.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = docs
                .chunks(chunk)
                .map(|part| scope.spawn(|| part.iter().flat_map(&one).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| match h.join() {
                    Ok(v) => v,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests;
