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
//! - **attribution** ([`SuggestionSource::Attribution`]): claims opened by Arabic
//!   reporting cues, and `said_by` relation suggestions ([`RelationSuggestion`]) from
//!   each to its speaker, a tagged or suggested actor ([`attribution`]). Claims join
//!   the list in text order; the relations come from
//!   [`Suggester::suggest_document_with_relations`]. A claim never takes the bounds of
//!   a name suggestion (one suggestion per place). Documents over
//!   [`ATTRIBUTION_MAX_BYTES`] get none (the finder reads the whole document after
//!   every edit).
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

pub mod attribution;
pub mod clitics;
pub mod commands;
pub mod evaluate;
pub mod gazetteer;
pub mod matcher;
pub mod merge;
pub mod table;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

pub use self::attribution::{Endpoint, RelationSuggestion};
pub use self::commands::{
    accept_suggestions, accept_suggestions_with_relations, clear_rejections, reject_suggestion,
    set_gazetteer, set_suggestions_enabled,
};
pub use self::evaluate::{EvaluationReport, evaluate};
pub use self::gazetteer::{GazetteerEntry, GazetteerError, load_gazetteer, parse_gazetteer};
pub use self::matcher::{FoldedText, fold_key};
pub use self::merge::merge_model;
pub use crate::model::SuggestionSource;
use crate::model::{AnnotationSet, Document, Project, Rejected, Span};
use crate::text::normalize::SearchOptions;
use matcher::Matcher;
pub use table::SpanChange;
use table::{Candidate, LearnedCounts, Table, better};

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
    /// For a claim ([`SuggestionSource::Attribution`]): the reporting cue that opens
    /// it, as written («وقال»).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
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
    /// Suggest claims and their `said_by` relations ([`attribution`]; on by default).
    pub attribution: bool,
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
            attribution: true,
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

/// Hash sets of places: foldhash, not SipHash (a local project's offsets and labels).
type FastSet<T> = foldhash::HashSet<T>;

/// The best candidate at a place of the folded text.
#[derive(Debug, Clone, Copy)]
struct Offer<'a> {
    s: usize,
    e: usize,
    c: &'a Candidate,
}

/// The places (start, end, label) of a set's spans, asked in increasing order. A set
/// is kept in (start, end, id) order, so the places are walked once beside the offers
/// (hashing the 36,750 spans of a 1.8 MB article after every edit cost ≈ 2 ms, a
/// binary search per offer more). A set out of order (never made by the workspace) is
/// hashed.
enum Tagged<'s> {
    Sorted { spans: &'s [Span], at: usize },
    Hashed(FastSet<(usize, usize, &'s str)>),
}

impl<'s> Tagged<'s> {
    fn new(spans: &'s [Span]) -> Self {
        if spans.is_sorted_by_key(|s| (s.start, s.end)) {
            Tagged::Sorted { spans, at: 0 }
        } else {
            Tagged::Hashed(
                spans
                    .iter()
                    .map(|x| (x.start, x.end, x.label.as_str()))
                    .collect(),
            )
        }
    }

    /// Whether a span of `label` covers exactly `start..end`; places asked out of
    /// order are found by binary search.
    fn contains(&mut self, start: usize, end: usize, label: &str) -> bool {
        match self {
            Tagged::Sorted { spans, at } => {
                let before = |s: &Span| (s.start, s.end) < (start, end);
                if *at > 0 && !before(&spans[*at - 1]) {
                    *at = spans.partition_point(before);
                }
                while *at < spans.len() && before(&spans[*at]) {
                    *at += 1;
                }
                spans[*at..]
                    .iter()
                    .take_while(|s| (s.start, s.end) == (start, end))
                    .any(|s| s.label == label)
            }
            Tagged::Hashed(set) => set.contains(&(start, end, label)),
        }
    }
}

/// Documents longer than this (UTF-8 bytes, about 100,000 Arabic characters: thirty
/// long articles in one) get no claim suggestions: the claim finder reads the whole
/// document after every edit, which cost ≈ 30 ms of each frame on a 1.8 MB document
/// (`cargo bench --bench gui_paths`), against < 5 ms on a news article.
pub const ATTRIBUTION_MAX_BYTES: usize = 200_000;

/// A number no automaton of this process had before.
fn next_generation() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The occurrences of every name in one folded text ([`Suggester::find_places`]).
#[derive(Debug, Clone)]
pub struct Places {
    generation: u64,
    list: Vec<matcher::Place>,
}

impl Places {
    /// The automaton that found them ([`Suggester::generation`]).
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// Offers suggestions for one annotator of one project (see the module doc).
#[derive(Debug, Clone)]
pub struct Suggester {
    annotator: String,
    options: SuggestOptions,
    search: SearchOptions,
    enabled: bool,
    /// The registry's and the gazetteer's candidates.
    fixed: BTreeMap<String, Vec<Candidate>>,
    /// The spans learned from, counted.
    learned: LearnedCounts,
    table: Table,
    matcher: Matcher,
    /// Which automaton this is (unique in the process): places found by it stay valid
    /// while it is current.
    generation: u64,
    /// The automaton before this one and its names: places it found are brought up to
    /// date by matching only the names added since ([`Suggester::update_places`]).
    previous: Option<(u64, Vec<String>)>,
    /// Claims and speakers ([`attribution`]); `None` when the schema has no claims.
    attribution: Option<attribution::Attribution>,
}

impl Suggester {
    pub fn new(project: &Project, annotator: &str, options: SuggestOptions) -> Self {
        let search = options.search();
        let fixed = table::fixed_candidates(project, &options, &search);
        let learned = LearnedCounts::of(project, annotator, &options, &search);
        let table = table::combine(
            &fixed,
            &learned,
            project,
            annotator,
            options.min_score,
            &search,
        );
        let matcher = Matcher::new(&table.keys);
        let attribution = attribution::Attribution::new(project, annotator, &options, &search);
        Suggester {
            annotator: annotator.to_string(),
            options,
            search,
            enabled: project.suggestions.enabled,
            fixed,
            learned,
            table,
            matcher,
            generation: next_generation(),
            previous: None,
            attribution,
        }
    }

    /// Relearns from `project` after an edit. The automaton is rebuilt only when the
    /// folded names changed; returns whether it was.
    pub fn refresh(&mut self, project: &Project) -> bool {
        self.fixed = table::fixed_candidates(project, &self.options, &self.search);
        self.learned = LearnedCounts::of(project, &self.annotator, &self.options, &self.search);
        self.retable(project)
    }

    /// Relearns after edits that only changed spans (and relations, rejections, …: see
    /// [`SpanChange::of`]), from what they changed: `project` is the project after
    /// them. Gives the same suggester as [`Suggester::refresh`]; returns whether the
    /// automaton was rebuilt.
    pub fn follow(&mut self, project: &Project, changes: &[&SpanChange]) -> bool {
        for c in changes {
            self.learned
                .follow(c, &self.annotator, &self.options, &self.search);
        }
        self.retable(project)
    }

    /// The table from the fixed and learned candidates and the project's rejections;
    /// the automaton again when the names changed.
    fn retable(&mut self, project: &Project) -> bool {
        self.enabled = project.suggestions.enabled;
        let table = table::combine(
            &self.fixed,
            &self.learned,
            project,
            &self.annotator,
            self.options.min_score,
            &self.search,
        );
        let rebuilt = table.keys != self.table.keys;
        if rebuilt {
            self.matcher = Matcher::new(&table.keys);
            let old = std::mem::take(&mut self.table.keys);
            self.previous = Some((self.generation, old));
            self.generation = next_generation();
        }
        self.table = table;
        attribution::Attribution::refresh(
            &mut self.attribution,
            project,
            &self.annotator,
            &self.options,
            &self.search,
        );
        rebuilt
    }

    /// Which automaton is current: places found ([`Suggester::find_places`]) with the
    /// same generation can be used again.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The words learned as reporting cues from the annotator's claims (see
    /// [`attribution`]), sorted.
    pub fn learned_cues(&self) -> &[String] {
        self.attribution.as_ref().map_or(&[], |a| a.learned_cues())
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
        self.suggest_document_with_relations(doc, set, rejected).0
    }

    /// Like [`Suggester::suggest_document`], with the relation suggestions (`said_by`
    /// from each claim suggestion to its speaker, [`attribution`]).
    pub fn suggest_document_with_relations(
        &self,
        doc: &Document,
        set: Option<&AnnotationSet>,
        rejected: &[Rejected],
    ) -> (Vec<Suggestion>, Vec<RelationSuggestion>) {
        if !self.enabled {
            return (Vec::new(), Vec::new());
        }
        let folded = self.fold(&doc.text);
        self.suggest_folded_with_relations(doc, &folded, set, rejected)
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
        self.suggest_folded_with_relations(doc, folded, set, rejected)
            .0
    }

    /// Like [`Suggester::suggest_folded`], with the relation suggestions.
    pub fn suggest_folded_with_relations(
        &self,
        doc: &Document,
        folded: &FoldedText,
        set: Option<&AnnotationSet>,
        rejected: &[Rejected],
    ) -> (Vec<Suggestion>, Vec<RelationSuggestion>) {
        let places = self.find_places(folded);
        self.suggest_at_with_relations(doc, folded, &places, set, rejected)
    }

    /// Every occurrence of a name in `folded`, found by the current automaton: keep
    /// them with the folded text, they stay valid until the automaton changes (a new
    /// name is learned, [`Suggester::generation`]), so after most edits only
    /// [`Suggester::suggest_at`] runs again (matching 1.8 MB took ≈ 4 ms).
    pub fn find_places(&self, folded: &FoldedText) -> Places {
        let mut list = self.matcher.find(folded);
        list.sort_unstable_by_key(|p| (p.start, p.end, p.entry));
        list.dedup();
        Places {
            generation: self.generation,
            list,
        }
    }

    /// `places` (of `folded`) made current: as they are when found by the current
    /// automaton; when found by the one before it, their names renumbered, those
    /// dropped since left out and only the names added since matched (tagging a new
    /// name on a 1.8 MB article matched every name again: ≈ 4 ms); otherwise found
    /// again.
    pub fn update_places(&self, places: Places, folded: &FoldedText) -> Places {
        if places.generation == self.generation {
            return places;
        }
        let Some((before, old_keys)) = &self.previous else {
            return self.find_places(folded);
        };
        if places.generation != *before {
            return self.find_places(folded);
        }
        let keys = &self.table.keys;
        let index = |k: &String| keys.binary_search(k).ok().map(|i| i as u32);
        let renumber: Vec<Option<u32>> = old_keys.iter().map(index).collect();
        let mut list: Vec<matcher::Place> = places
            .list
            .into_iter()
            .filter_map(|p| {
                let entry = (*renumber.get(p.entry as usize)?)?;
                Some(matcher::Place { entry, ..p })
            })
            .collect();
        let added: Vec<String> = keys
            .iter()
            .filter(|k| old_keys.binary_search(k).is_err())
            .cloned()
            .collect();
        if !added.is_empty() {
            let small = Matcher::new(&added);
            list.extend(small.find(folded).into_iter().filter_map(|p| {
                let entry = index(added.get(p.entry as usize)?)?;
                Some(matcher::Place { entry, ..p })
            }));
        }
        list.sort_unstable_by_key(|p| (p.start, p.end, p.entry));
        list.dedup();
        Places {
            generation: self.generation,
            list,
        }
    }

    /// Like [`Suggester::suggest_folded`], with the places already found by
    /// [`Suggester::find_places`] (found again when the automaton changed since).
    pub fn suggest_at(
        &self,
        doc: &Document,
        folded: &FoldedText,
        places: &Places,
        set: Option<&AnnotationSet>,
        rejected: &[Rejected],
    ) -> Vec<Suggestion> {
        self.suggest_at_with_relations(doc, folded, places, set, rejected)
            .0
    }

    /// Like [`Suggester::suggest_at`], with the relation suggestions.
    pub fn suggest_at_with_relations(
        &self,
        doc: &Document,
        folded: &FoldedText,
        places: &Places,
        set: Option<&AnnotationSet>,
        rejected: &[Rejected],
    ) -> (Vec<Suggestion>, Vec<RelationSuggestion>) {
        if !self.enabled {
            return (Vec::new(), Vec::new());
        }
        let here: FastSet<(usize, usize, &str)> = rejected
            .iter()
            .filter(|r| r.document == doc.id && r.applies_to(&self.annotator))
            .map(|r| (r.start, r.end, r.label.as_str()))
            .collect();
        if places.generation != self.generation {
            let places = self.find_places(folded);
            return self.suggest_with(doc, folded, &places.list, set, &here);
        }
        self.suggest_with(doc, folded, &places.list, set, &here)
    }

    /// Name suggestions, then claims and their relations merged in (text order).
    fn suggest_with(
        &self,
        doc: &Document,
        folded: &FoldedText,
        places: &[matcher::Place],
        set: Option<&AnnotationSet>,
        rejected: &FastSet<(usize, usize, &str)>,
    ) -> (Vec<Suggestion>, Vec<RelationSuggestion>) {
        if !self.enabled {
            return (Vec::new(), Vec::new());
        }
        let mut names = self.names_with(doc, folded, places, set, rejected);
        let Some(a) = self
            .attribution
            .as_ref()
            .filter(|_| doc.text.len() <= ATTRIBUTION_MAX_BYTES)
        else {
            return (names, Vec::new());
        };
        let (claims, relations) = a.suggest(doc, folded, set, rejected, &names);
        if !claims.is_empty() {
            names.extend(claims);
            names.sort_by_key(|s| s.start);
        }
        (names, relations)
    }

    /// The name suggestions (entity, learned, gazetteer) of a document.
    fn names_with(
        &self,
        doc: &Document,
        folded: &FoldedText,
        places: &[matcher::Place],
        set: Option<&AnnotationSet>,
        rejected: &FastSet<(usize, usize, &str)>,
    ) -> Vec<Suggestion> {
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
        let mut tagged = Tagged::new(set.map_or(&[][..], |s| &s.spans[..]));
        kept.into_iter()
            .filter_map(|Offer { s, e, c }| {
                let (cs, ce) = (folded.code_point(s), folded.code_point(e));
                if tagged.contains(cs, ce, &c.label) {
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
                    cue: None,
                })
            })
            .collect()
    }

    /// Suggestions for every document of `project` (the annotator's sets and the
    /// project's rejections), in document then text order. Documents are spread over
    /// the available cores.
    pub fn suggest_all(&self, project: &Project) -> Vec<Suggestion> {
        self.suggest_all_with_relations(project).0
    }

    /// Like [`Suggester::suggest_all`], with the relation suggestions.
    pub fn suggest_all_with_relations(
        &self,
        project: &Project,
    ) -> (Vec<Suggestion>, Vec<RelationSuggestion>) {
        if !self.enabled || project.documents.is_empty() {
            return (Vec::new(), Vec::new());
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
            let places = self.find_places(&folded);
            let set = sets.get(doc.id.as_str()).copied();
            let rej = rejected.get(doc.id.as_str()).unwrap_or(&none);
            self.suggest_with(doc, &folded, &places.list, set, rej)
        };
        let docs = &project.documents;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(docs.len());
        let part = |part: &[Document]| {
            let mut out = (Vec::new(), Vec::new());
            for d in part {
                let (s, r) = one(d);
                out.0.extend(s);
                out.1.extend(r);
            }
            out
        };
        if threads <= 1 {
            return part(docs);
        }
        let chunk = docs.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = docs
                .chunks(chunk)
                .map(|p| scope.spawn(move || part(p)))
                .collect();
            let mut out = (Vec::new(), Vec::new());
            for h in handles {
                match h.join() {
                    Ok((s, r)) => {
                        out.0.extend(s);
                        out.1.extend(r);
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            out
        })
    }
}

#[cfg(test)]
mod tests;
