//! The table a [`super::Suggester`] matches with: folded names and their candidate
//! labels, best first (see the module doc of [`crate::suggest`] for the sources and
//! scores).
//!
//! The annotator's spans are kept as counts ([`LearnedCounts`]) that follow an edit
//! span by span ([`SpanChange`], read from the command the workspace applied), so
//! relearning after a tag costs the tag, not the corpus: rebuilding from every span
//! took 80 ms on a 270k-span corpus and ≈ 4 ms on one 1.8 MB article, after every
//! edit. The registry and gazetteer part is built once ([`fixed_candidates`]); the
//! rejections are counted again at each refresh (they are few).

use std::collections::{BTreeMap, HashMap};

use super::SuggestOptions;
use super::matcher::{fold_key, is_word};
use crate::model::history::{Command, Op};
use crate::model::{Project, Span, SuggestionSource};
use crate::text::normalize::SearchOptions;

/// A label a folded name may get.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Candidate {
    pub label: String,
    pub source: SuggestionSource,
    pub score: f64,
    pub entity: Option<String>,
}

/// Candidates ordered best first: score, then entity, learned, gazetteer.
pub(super) fn better(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.source.cmp(&b.source))
        .then(a.label.cmp(&b.label))
}

/// Folded names (sorted) and their candidates, best first.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Table {
    pub keys: Vec<String>,
    pub candidates: Vec<Vec<Candidate>>,
}

/// Adds `c` to the candidates of `key`: the same label from the same source twice
/// (two entities with one alias) keeps one candidate, without a link when they
/// disagree, with the best score.
fn add_candidate(map: &mut BTreeMap<String, Vec<Candidate>>, key: String, c: Candidate) {
    if !key.chars().any(is_word) {
        return;
    }
    let list = map.entry(key).or_default();
    match list
        .iter_mut()
        .find(|x| x.label == c.label && x.source == c.source)
    {
        Some(x) => {
            if x.entity != c.entity {
                x.entity = None;
            }
            x.score = x.score.max(c.score);
        }
        None => list.push(c),
    }
}

/// The candidates of the entity registry and the gazetteer (those that do not change
/// when spans are tagged).
pub(super) fn fixed_candidates(
    project: &Project,
    o: &SuggestOptions,
    search: &SearchOptions,
) -> BTreeMap<String, Vec<Candidate>> {
    let mut map = BTreeMap::new();
    if o.use_registry {
        for e in &project.entities {
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                let c = Candidate {
                    label: e.label.clone(),
                    source: SuggestionSource::Entity,
                    score: 1.0,
                    entity: Some(e.id.clone()),
                };
                add_candidate(&mut map, fold_key(name, search), c);
            }
        }
    }
    for g in &o.gazetteer {
        let c = Candidate {
            label: g.label.clone(),
            source: SuggestionSource::Gazetteer,
            score: 1.0,
            entity: None,
        };
        add_candidate(&mut map, fold_key(&g.text, search), c);
    }
    map
}

/// The tagged occurrences of one string with one label.
#[derive(Debug, Clone, Default, PartialEq)]
struct Tally {
    count: usize,
    /// Linked occurrences by entity id.
    entities: BTreeMap<String, usize>,
}

/// The spans a suggester learns from, counted by folded text and label.
#[derive(Debug, Clone, Default)]
pub(super) struct LearnedCounts {
    by_key: HashMap<String, BTreeMap<String, Tally>>,
    /// Span text → folded key: a corpus repeats its names (270k spans of a
    /// 10,000-document corpus have a few hundred texts), each is folded once.
    folded: HashMap<String, String>,
}

impl LearnedCounts {
    /// Counts the spans of `annotator`'s sets (every set with `include_other_sets`).
    pub fn of(
        project: &Project,
        annotator: &str,
        o: &SuggestOptions,
        search: &SearchOptions,
    ) -> Self {
        let mut counts = LearnedCounts::default();
        if !o.learn {
            return counts;
        }
        let sets = project
            .sets
            .iter()
            .filter(|s| o.include_other_sets || s.annotator == annotator);
        for span in sets.flat_map(|s| &s.spans) {
            counts.count(span, 1, search);
        }
        counts
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) one occurrence of `span`.
    fn count(&mut self, span: &Span, sign: isize, search: &SearchOptions) {
        let key = match self.folded.get(span.text.as_str()) {
            Some(k) => k.clone(),
            None => {
                let k = fold_key(&span.text, search);
                self.folded.insert(span.text.clone(), k.clone());
                k
            }
        };
        let labels = self.by_key.entry(key.clone()).or_default();
        let tally = labels.entry(span.label.clone()).or_default();
        tally.count = tally.count.saturating_add_signed(sign);
        if let Some(e) = &span.entity {
            let n = tally.entities.entry(e.clone()).or_default();
            *n = n.saturating_add_signed(sign);
            if *n == 0 {
                tally.entities.remove(e);
            }
        }
        if tally.count == 0 {
            labels.remove(&span.label);
        }
        if labels.is_empty() {
            self.by_key.remove(&key);
        }
    }

    /// Follows one edit of the sets: `change`'s spans of the counted sets.
    pub fn follow(
        &mut self,
        change: &SpanChange,
        annotator: &str,
        o: &SuggestOptions,
        search: &SearchOptions,
    ) {
        if !o.learn {
            return;
        }
        let ours = |a: &str| o.include_other_sets || a == annotator;
        for (a, span) in &change.removed {
            if ours(a) {
                self.count(span, -1, search);
            }
        }
        for (a, span) in &change.added {
            if ours(a) {
                self.count(span, 1, search);
            }
        }
    }

    /// The learned candidates: the share of each label among the tagged occurrences of
    /// a string (INCEpTION's string-matching rule), linked to an entity when every
    /// linked occurrence names the same one.
    fn candidates(&self) -> impl Iterator<Item = (&String, Candidate)> {
        self.by_key.iter().flat_map(|(key, labels)| {
            let total: usize = labels.values().map(|t| t.count).sum();
            labels.iter().map(move |(label, t)| {
                let entity = match t.entities.len() {
                    1 => t.entities.keys().next().cloned(),
                    _ => None,
                };
                let c = Candidate {
                    label: label.clone(),
                    source: SuggestionSource::Learned,
                    score: t.count as f64 / total as f64,
                    entity,
                };
                (key, c)
            })
        })
    }
}

/// The table: the fixed candidates and the learned ones, each score divided by
/// 1 + the rejections of its (folded string, label) that apply to `annotator`, those
/// under `min_score` dropped, best first.
pub(super) fn combine(
    fixed: &BTreeMap<String, Vec<Candidate>>,
    learned: &LearnedCounts,
    project: &Project,
    annotator: &str,
    min_score: f64,
    search: &SearchOptions,
) -> Table {
    let mut map = fixed.clone();
    for (key, c) in learned.candidates() {
        add_candidate(&mut map, key.clone(), c);
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
        if !rejections.is_empty() {
            for c in &mut list {
                if let Some(&r) = rejections.get(&(key.clone(), c.label.as_str())) {
                    c.score /= 1.0 + r as f64;
                }
            }
        }
        list.retain(|c| c.score >= min_score);
        if list.is_empty() {
            continue;
        }
        list.sort_by(better);
        table.keys.push(key);
        table.candidates.push(list);
    }
    table
}

/// The spans one command removed from and added to sets, with each set's annotator:
/// what [`LearnedCounts::follow`] needs to follow it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanChange {
    pub removed: Vec<(String, Span)>,
    pub added: Vec<(String, Span)>,
}

impl SpanChange {
    /// What `cmd` (or its inverse, for an undo) changes in the spans, or `None` when it
    /// also changes something else a suggester is built from (the entity registry, the
    /// schema, the gazetteer, …): then the suggester is built again. Relations,
    /// documents, rejections and the other bookkeeping change nothing it counts
    /// (rejections are counted again at every refresh).
    pub fn of(cmd: &Command, inverse: bool) -> Option<SpanChange> {
        use Op::*;
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        for op in &cmd.ops {
            match op {
                InsertSpan(k, s) => added.push((k.annotator.clone(), s.clone())),
                RemoveSpan(k, s) => removed.push((k.annotator.clone(), s.clone())),
                ReplaceSpan { set, before, after } => {
                    removed.push((set.annotator.clone(), before.clone()));
                    added.push((set.annotator.clone(), after.clone()));
                }
                InsertSet(s) => {
                    added.extend(s.spans.iter().map(|x| (s.annotator.clone(), x.clone())))
                }
                RemoveSet(s) => {
                    removed.extend(s.spans.iter().map(|x| (s.annotator.clone(), x.clone())))
                }
                ReplaceSet { before, after } => {
                    removed.extend(
                        before
                            .spans
                            .iter()
                            .map(|x| (before.annotator.clone(), x.clone())),
                    );
                    added.extend(
                        after
                            .spans
                            .iter()
                            .map(|x| (after.annotator.clone(), x.clone())),
                    );
                }
                InsertRelation(..)
                | RemoveRelation(..)
                | InsertDocument(_)
                | RemoveDocument(_)
                | ReplaceDocument { .. }
                | SetDone { .. }
                | SetModifiedBy { .. }
                | InsertConflict(_)
                | RemoveConflict(_)
                | InsertRejected(_)
                | RemoveRejected(_)
                | SetSuggestionsEnabled { .. } => {}
                InsertEntity(_)
                | RemoveEntity(_)
                | ReplaceEntity { .. }
                | ReplaceSchema { .. }
                | Rename { .. }
                | SetGazetteer { .. } => return None,
            }
        }
        if inverse {
            std::mem::swap(&mut removed, &mut added);
        }
        Some(SpanChange { removed, added })
    }
}
