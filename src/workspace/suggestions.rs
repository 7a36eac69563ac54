//! Suggestions in the open project: the [`Suggester`] built from the project (entity
//! registry, the annotator's own spans, the project's gazetteer) and kept in step with
//! it, the current document's suggestions (recomputed only after a change), and
//! accepting or rejecting them — each one undoable step. The logic is
//! [`crate::suggest`]. The learned tagger's suggestions ([`super::learner`]) join the
//! current document's ([`crate::suggest::merge_model`]).

use std::collections::BTreeMap;

use crate::model::history::{Command, SetKey};
use crate::suggest::{
    self, Places, RelationSuggestion, SpanChange, SuggestOptions, Suggester, Suggestion,
};

use super::Workspace;

/// Up to this much text in the project (UTF-8 bytes: about a million Arabic
/// characters), "find suggestions in every document" asks the model about every
/// document; above it, about the current one only.
const MODEL_ALL_DOCUMENTS_BYTES: usize = 2_000_000;

/// (revision, document index, annotator, model generation).
type CurrentKey = (u64, usize, String, u64);

/// The current document's suggestions and relation suggestions, and what for.
type Current = (CurrentKey, Vec<Suggestion>, Vec<RelationSuggestion>);

/// The suggester and what its current suggestions were computed for.
#[derive(Default)]
pub struct SuggestionState {
    suggester: Option<Suggester>,
    /// The workspace revision the suggester last learned from: switching documents
    /// changes nothing it knows (relearning a 270k-span corpus took 80 ms).
    learned_at: u64,
    /// What each command since `learned_at` changed in the spans, by the revision it
    /// started from (`None`: something else, the suggester is built again): the
    /// suggester follows these instead of counting every span again.
    steps: Vec<(u64, Option<SpanChange>)>,
    /// (revision, document index, annotator) → the current document's suggestions
    /// and relation suggestions.
    current: Option<Current>,
    /// Documents already matched, by text hash: their folded text (a document's text
    /// never changes) and the places the current automaton found in it, so after a tag
    /// only the choice among places runs again.
    folded: std::collections::HashMap<String, (suggest::FoldedText, Option<Places>)>,
    /// The learned tagger, trained in the background.
    pub(super) learner: super::learner::Learner,
    /// The threshold of the model's suggestions, when the user set one.
    min_model_score: Option<f64>,
}

/// Commands remembered for the suggester to follow; more, and it is built again.
const STEPS_KEPT: usize = 64;

impl SuggestionState {
    /// The revision moves from `from` to `to` without a change to the project (a
    /// document switch): a suggester current at `from` is current at `to`.
    pub(super) fn still_current(&mut self, from: u64, to: u64) {
        if self.learned_at == from {
            self.learned_at = to;
        }
    }

    /// A command moved the project from revision `from` to `from + 1`, changing
    /// `change` ([`SpanChange::of`] the command, taken before it was applied).
    pub(super) fn note_step(&mut self, from: u64, change: Option<SpanChange>) {
        if self.steps.len() >= STEPS_KEPT {
            self.steps.clear();
        }
        self.steps.push((from, change));
    }

    /// The changes of `steps` from revision `learned_at` to `now`, if every step
    /// between is known.
    fn chain(
        steps: &[(u64, Option<SpanChange>)],
        learned_at: u64,
        now: u64,
    ) -> Option<Vec<&SpanChange>> {
        let mut at = learned_at;
        let mut out = Vec::new();
        for (from, change) in steps {
            if *from < at {
                continue;
            }
            if *from != at {
                return None;
            }
            out.push(change.as_ref()?);
            at += 1;
        }
        (at == now).then_some(out)
    }

    /// The options of the suggester, once built.
    pub(super) fn suggester_options(&self) -> Option<&SuggestOptions> {
        self.suggester.as_ref().map(Suggester::options)
    }

    /// The threshold of the model's suggestions.
    pub(super) fn min_model_score(&self) -> f64 {
        self.min_model_score
            .unwrap_or(SuggestOptions::default().min_model_score)
    }
}

impl Workspace {
    /// The suggester for the shown annotator, brought up to date after every change:
    /// by following the edits when they only changed spans, else built again.
    fn suggester(&mut self) -> &Suggester {
        let annotator = self.annotator().to_string();
        let state = &mut self.suggestions;
        let stale = state
            .suggester
            .as_ref()
            .is_none_or(|s| s.annotator() != annotator);
        if stale {
            let mut options = SuggestOptions::default();
            if let (Some(path), Some(g)) = (&self.path, &self.project.suggestions.gazetteer) {
                match suggest::load_gazetteer(
                    &suggest::gazetteer::gazetteer_path(path, g),
                    &self.project.schema,
                ) {
                    Ok(entries) => options.gazetteer = entries,
                    Err(e) => self.status = format!("Gazetteer not used: {e}"),
                }
            }
            state.suggester = Some(Suggester::new(&self.project, &annotator, options));
            state.learned_at = self.revision;
            state.steps.clear();
        } else if state.learned_at != self.revision {
            let steps = std::mem::take(&mut state.steps);
            let chain = SuggestionState::chain(&steps, state.learned_at, self.revision);
            if let Some(s) = &mut state.suggester {
                match chain {
                    Some(changes) => s.follow(&self.project, &changes),
                    None => s.refresh(&self.project),
                };
            }
            state.learned_at = self.revision;
        }
        match &state.suggester {
            Some(s) => s,
            None => unreachable!("built above"),
        }
    }

    /// Whether suggestions are on for this project (some studies annotate blind).
    pub fn suggestions_enabled(&self) -> bool {
        self.project.suggestions.enabled
    }

    /// The current document's suggestions, in text order (recomputed after a change).
    /// Claims (label `claim`, source `attribution`) are among them; accepting one with
    /// [`Workspace::accept_suggestions`] also accepts its speaker and `said_by`.
    pub fn current_suggestions(&mut self) -> &[Suggestion] {
        self.refresh_current();
        match &self.suggestions.current {
            Some((_, v, _)) => v,
            None => unreachable!("computed by refresh_current"),
        }
    }

    /// The current document's relation suggestions: `said_by` from each claim
    /// suggestion of [`Workspace::current_suggestions`] that has a speaker to that
    /// speaker (a tagged actor, or an actor suggestion: `to.tagged` says which), by
    /// offsets. For drawing arrows; accepting the claim accepts its relation.
    pub fn current_relation_suggestions(&mut self) -> &[RelationSuggestion] {
        self.refresh_current();
        match &self.suggestions.current {
            Some((_, _, r)) => r,
            None => unreachable!("computed by refresh_current"),
        }
    }

    /// Recomputes the current document's suggestions after a change.
    fn refresh_current(&mut self) {
        let key = (
            self.revision(),
            self.doc_index(),
            self.annotator().to_string(),
            self.suggestions.learner.generation(),
        );
        let fresh = matches!(&self.suggestions.current, Some((k, _, _)) if *k == key);
        if !fresh {
            let list = if self.suggestions_enabled() && self.current_document().is_some() {
                // Brings the suggester up to date, then borrows the project and the
                // suggestion state side by side: no copy of the (possibly 1 MB) text,
                // the set or the rejections.
                self.suggester();
                let doc = &self.project.documents[self.doc];
                let set = self.project.set(&self.annotator, &doc.id);
                let state = &mut self.suggestions;
                let Some(suggester) = state.suggester.as_ref() else {
                    unreachable!("built by suggester()")
                };
                let (folded, places) = match state.folded.remove(&doc.text_sha256) {
                    Some(f) => f,
                    None => (suggester.fold(&doc.text), None),
                };
                let places = match places {
                    Some(p) => suggester.update_places(p, &folded),
                    None => suggester.find_places(&folded),
                };
                let list = suggester.suggest_at_with_relations(
                    doc,
                    &folded,
                    &places,
                    set,
                    &self.project.suggestions.rejected,
                );
                // A few recent documents only: a corpus must not keep a folded
                // copy of every text it ever showed.
                if state.folded.len() >= 8 {
                    state.folded.clear();
                }
                state
                    .folded
                    .insert(doc.text_sha256.clone(), (folded, Some(places)));
                let (names, relations) = list;
                (self.with_model_suggestions(names), relations)
            } else {
                (Vec::new(), Vec::new())
            };
            self.suggestions.current = Some((key, list.0, list.1));
        }
    }

    /// Every document's suggestions, grouped by (text, label): what the Suggestions
    /// panel lists.
    pub fn all_suggestions(&mut self) -> BTreeMap<(String, String), Vec<Suggestion>> {
        let mut groups: BTreeMap<(String, String), Vec<Suggestion>> = BTreeMap::new();
        if !self.suggestions_enabled() {
            return groups;
        }
        let annotator = self.annotator().to_string();
        let project = self.project.clone();
        // The model tags every document of a project up to a million characters, else
        // the current one only: tagging a whole corpus with the model takes seconds
        // (the matcher's automaton, milliseconds).
        let current = self.current_document().map(|d| d.id.clone());
        let mut model = self.model_suggestions();
        let every = project
            .documents
            .iter()
            .map(|d| d.text.len())
            .sum::<usize>()
            <= MODEL_ALL_DOCUMENTS_BYTES;
        let learned = self.learned_model().filter(|_| every);
        let min = self.suggestions.min_model_score();
        let s = self.suggester();
        for doc in &project.documents {
            let set = project.set(&annotator, &doc.id);
            let mut list = s.suggest_document(doc, set, &project.suggestions.rejected);
            if current.as_deref() == Some(doc.id.as_str()) {
                list = suggest::merge_model(list, std::mem::take(&mut model), min);
            } else if let Some(m) = &learned {
                let rejected = &project.suggestions.rejected;
                let found = m.suggest(doc, set, &annotator, rejected, min);
                list = suggest::merge_model(list, found, min);
            }
            for sg in list {
                groups
                    .entry((sg.text.clone(), sg.label.clone()))
                    .or_default()
                    .push(sg);
            }
        }
        groups
    }

    /// `list` (the current document's matcher suggestions) with the current model's
    /// joined, one per place.
    fn with_model_suggestions(&mut self, list: Vec<Suggestion>) -> Vec<Suggestion> {
        let model = self.model_suggestions();
        if model.is_empty() {
            return list;
        }
        suggest::merge_model(list, model, self.suggestions.min_model_score())
    }

    /// The current model's suggestions on the current document (none without a model).
    fn model_suggestions(&mut self) -> Vec<Suggestion> {
        let Some((_, found)) = self.model_found() else {
            return Vec::new();
        };
        let min = self.suggestions.min_model_score();
        let doc = &self.project.documents[self.doc];
        let set = self.project.set(&self.annotator, &doc.id);
        crate::learn::offer(
            doc,
            &found,
            set,
            &self.annotator,
            &self.project.suggestions.rejected,
            min,
        )
    }

    /// Accepts suggestions (of one or several documents) as one undoable step. A
    /// claim suggestion brings its `said_by` suggestion: the relation, and the speaker
    /// span when that was a suggestion too.
    pub fn accept_suggestions(&mut self, list: &[Suggestion]) -> bool {
        let mut by_doc: BTreeMap<&str, Vec<Suggestion>> = BTreeMap::new();
        for s in list {
            by_doc.entry(&s.document).or_default().push(s.clone());
        }
        let mut ops = Vec::new();
        for (doc, list) in by_doc {
            let key = SetKey::new(self.annotator(), doc);
            let relations = if list
                .iter()
                .any(|s| s.source == suggest::SuggestionSource::Attribution)
            {
                self.relation_suggestions_of(doc)
            } else {
                Vec::new()
            };
            match suggest::accept_suggestions_with_relations(&self.project, &key, &list, &relations)
            {
                Ok(cmd) => ops.extend(cmd.ops),
                Err(e) => {
                    self.set_status(e.to_string());
                    return false;
                }
            }
        }
        let n = list.len();
        let name = if n == 1 {
            format!("Accept suggestion {}", list[0].label)
        } else {
            format!("Accept {n} suggestions")
        };
        self.apply(Ok(Command::new(name, ops))).is_some()
    }

    /// The relation suggestions of a document (the current one's are kept).
    fn relation_suggestions_of(&mut self, doc: &str) -> Vec<RelationSuggestion> {
        if self.current_document().is_some_and(|d| d.id == doc) {
            return self.current_relation_suggestions().to_vec();
        }
        self.suggester();
        let Some(s) = self.suggestions.suggester.as_ref() else {
            return Vec::new();
        };
        let Some(d) = self.project.document(doc) else {
            return Vec::new();
        };
        let set = self.project.set(&self.annotator, doc);
        s.suggest_document_with_relations(d, set, &self.project.suggestions.rejected)
            .1
    }

    /// Rejects a suggestion for the current annotator: not offered to them again at
    /// that place (saved in the project, with their name).
    pub fn reject_suggestion(&mut self, s: &Suggestion) -> bool {
        let cmd = suggest::reject_suggestion(&self.project, s, self.annotator());
        self.apply(cmd).is_some()
    }

    /// The threshold under which the model's suggestions are not offered (its
    /// probability; [`SuggestOptions::min_model_score`], 0.5 by default).
    pub fn min_model_score(&self) -> f64 {
        self.suggestions.min_model_score()
    }

    /// Sets that threshold (the Suggestions tab's slider); clamped to 0–1.
    pub fn set_min_model_score(&mut self, score: f64) {
        let score = if score.is_nan() {
            0.5
        } else {
            score.clamp(0.0, 1.0)
        };
        if self.suggestions.min_model_score != Some(score) {
            self.suggestions.min_model_score = Some(score);
            self.suggestions.current = None;
        }
    }

    /// Switches suggestions on or off for the project (one undoable step).
    pub fn set_suggestions_enabled(&mut self, on: bool) -> bool {
        let cmd = suggest::set_suggestions_enabled(&self.project, on);
        self.apply(cmd).is_some()
    }
}
