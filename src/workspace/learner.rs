//! The learned tagger in the open project ([`crate::learn`]): trained on a worker
//! thread, never on the frame, and retrained once the annotator pauses.
//!
//! The GUI calls [`Workspace::poll_learner`] every frame with the current time. It
//!
//! 1. swaps in a model a worker has finished (the current document's suggestions are
//!    recomputed with it), if it was trained for the annotator still shown;
//! 2. notices a change of what the model learns from — the shown annotator's spans,
//!    the entity registry — by a fingerprint taken when the revision moves (a document
//!    switch changes nothing), and remembers when;
//! 3. starts a worker when the data differ from the last model's and nothing changed
//!    for [`DEBOUNCE`] (1.5 s), or at once when there is no model yet (opening a
//!    project, switching annotators). One worker at a time; edits made while it runs
//!    are learned by the next one.
//!
//! The frame thread only copies the annotator's documents and spans
//! ([`TrainingData::from_project`]) when a worker starts. [`Workspace::learner_status`]
//! says what the Learning window shows (training now, last training time and length,
//! examples per label, labels learned); [`Workspace::request_learning_curve`] computes
//! the learning curve on a worker too ([`Workspace::learning_curve`] once ready).

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::learn::{self, CueFn, Curve, Found, Model, TrainOptions, TrainingData};
use crate::model::Project;

use super::Workspace;

/// How long the annotator must pause before the model is retrained.
pub const DEBOUNCE: Duration = Duration::from_millis(1500);

/// A model being trained.
struct Job {
    annotator: String,
    rx: Receiver<(Model, Duration)>,
}

/// What the Learning window shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearnerStatus {
    /// A worker is training now.
    pub training: bool,
    /// The data changed since the last training started (it will be retrained after
    /// the pause).
    pub stale: bool,
    /// When the current model was swapped in, and how long its training took.
    pub trained_at: Option<Instant>,
    pub duration: Option<Duration>,
    /// Training spans per label (claims excluded), and the labels with enough of them.
    pub examples: BTreeMap<String, usize>,
    pub learned: Vec<String>,
    /// Bumped each time a model is swapped in (or dropped).
    pub generation: u64,
    /// Why the last training did not finish, if it did not.
    pub error: Option<String>,
}

/// (model generation, text hash): what the current document's spans were found for.
type FoundKey = (u64, String);

/// The learner's state, kept in the workspace's suggestion state.
#[derive(Default)]
pub struct Learner {
    annotator: Option<String>,
    model: Option<Arc<Model>>,
    /// The fingerprint of the data the current model (or the running job) learned.
    trained: Option<u64>,
    /// The fingerprint of the data now, and the revision it was taken at.
    wanted: Option<u64>,
    seen_revision: Option<u64>,
    /// When the data last changed.
    changed_at: Option<Instant>,
    job: Option<Job>,
    status: LearnerStatus,
    cue: Option<Arc<CueFn>>,
    curve: Option<Curve>,
    curve_job: Option<Receiver<Option<Curve>>>,
    /// The current document's spans found by the current model: (generation, text
    /// hash) → spans; only the filtering runs again after a tag.
    found: Option<(FoundKey, Arc<Vec<Found>>)>,
}

impl Learner {
    /// Bumped each time a model is swapped in (or dropped).
    pub(super) fn generation(&self) -> u64 {
        self.status.generation
    }
}

/// A fingerprint of what a model learns from: the annotator's spans but claims, and
/// the registry. Fixed-seed hashing: the same data give the same value.
fn fingerprint(project: &Project, annotator: &str) -> u64 {
    let state = foldhash::fast::FixedState::with_seed(27);
    let mut parts: Vec<u64> = Vec::new();
    for set in project.sets.iter().filter(|s| s.annotator == annotator) {
        for s in set.spans.iter().filter(|s| s.label != learn::CLAIM_LABEL) {
            parts.push(state.hash_one((&set.document, s.start, s.end, &s.label)));
        }
    }
    for e in &project.entities {
        parts.push(state.hash_one((&e.name, &e.aliases, &e.label)));
    }
    parts.sort_unstable();
    state.hash_one(&parts)
}

/// The built-in attribution lexicon's cue words (`data/reporting_cues.ar.txt`) as the
/// model's reporting-cue feature, unless [`Workspace::set_reporting_cues`] gave another.
fn builtin_cues() -> Arc<CueFn> {
    static CUES: std::sync::LazyLock<Arc<CueFn>> = std::sync::LazyLock::new(|| {
        let search = crate::text::normalize::SearchOptions::default();
        crate::learn::features::cue_test(crate::suggest::attribution::lexicon::builtin_cue_words(
            &search,
        ))
    });
    CUES.clone()
}

impl Workspace {
    /// Drives the background training (see the module doc); call it every frame.
    /// Returns true when a new model was swapped in (or the old one dropped): the
    /// suggestions changed, repaint.
    pub fn poll_learner(&mut self, now: Instant) -> bool {
        let annotator = self.annotator.clone();
        let mut changed = self.finish_training(&annotator);
        let l = &mut self.suggestions.learner;
        if let Some(rx) = &l.curve_job {
            match rx.try_recv() {
                Ok(c) => {
                    l.curve = c;
                    l.curve_job = None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => l.curve_job = None,
            }
        }
        if l.annotator.as_deref() != Some(annotator.as_str()) {
            l.annotator = Some(annotator.clone());
            changed |= l.model.take().is_some();
            l.trained = None;
            l.wanted = None;
            l.seen_revision = None;
            l.changed_at = None;
            l.curve = None;
            l.status = LearnerStatus {
                generation: l.status.generation + 1,
                ..LearnerStatus::default()
            };
        }
        if !self.project.suggestions.enabled {
            return changed;
        }
        if l.seen_revision != Some(self.revision) {
            l.seen_revision = Some(self.revision);
            let f = fingerprint(&self.project, &annotator);
            if l.wanted != Some(f) {
                l.wanted = Some(f);
                l.changed_at = Some(now);
            }
        }
        let first = l.trained.is_none() && l.job.is_none();
        let due = first
            || l.changed_at
                .is_none_or(|t| now.duration_since(t) >= DEBOUNCE);
        if l.job.is_none() && l.wanted != l.trained && due {
            let gazetteer = self
                .suggestions
                .suggester_options()
                .map(|o| o.gazetteer.clone())
                .unwrap_or_default();
            let data = TrainingData::from_project(&self.project, &annotator, true, &gazetteer);
            let l = &mut self.suggestions.learner;
            let fp = l.wanted.unwrap_or_default();
            l.trained = Some(fp);
            let options = TrainOptions {
                cue: Some(l.cue.clone().unwrap_or_else(builtin_cues)),
                ..TrainOptions::default()
            };
            let (tx, rx) = mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name("hashiya-learner".into())
                .spawn(move || {
                    let t = Instant::now();
                    let model = Model::train(&data, &options);
                    // The receiver is gone when the workspace was closed: nothing to do.
                    let _ = tx.send((model, t.elapsed()));
                });
            match spawned {
                Ok(_) => {
                    l.job = Some(Job { annotator, rx });
                    l.status.training = true;
                }
                Err(e) => l.status.error = Some(format!("could not start training: {e}")),
            }
        }
        changed
    }

    /// Takes a finished model from the worker; true when one was swapped in.
    fn finish_training(&mut self, annotator: &str) -> bool {
        let l = &mut self.suggestions.learner;
        let Some(job) = &l.job else {
            return false;
        };
        match job.rx.try_recv() {
            Err(TryRecvError::Empty) => false,
            Err(TryRecvError::Disconnected) => {
                l.job = None;
                l.trained = None;
                l.status.training = false;
                l.status.error = Some("the training stopped unexpectedly".into());
                false
            }
            Ok((model, took)) => {
                let job = l.job.take();
                l.status.training = false;
                if job.is_none_or(|j| j.annotator != annotator) {
                    return false;
                }
                l.status.examples = model.examples().clone();
                l.status.learned = model.labels().to_vec();
                l.status.trained_at = Some(Instant::now());
                l.status.duration = Some(took);
                l.status.generation += 1;
                l.status.error = None;
                l.model = Some(Arc::new(model));
                true
            }
        }
    }

    /// The Learning window's figures (see [`LearnerStatus`]).
    pub fn learner_status(&self) -> LearnerStatus {
        let l = &self.suggestions.learner;
        LearnerStatus {
            stale: l.wanted != l.trained,
            ..l.status.clone()
        }
    }

    /// The current model for the shown annotator, if one is trained.
    pub fn learned_model(&self) -> Option<Arc<Model>> {
        let l = &self.suggestions.learner;
        l.model
            .clone()
            .filter(|_| l.annotator.as_deref() == Some(self.annotator.as_str()))
    }

    /// The reporting-cue test the model's features use (the attribution lexicon);
    /// the model is retrained with it.
    pub fn set_reporting_cues(&mut self, cue: Option<Arc<CueFn>>) {
        let l = &mut self.suggestions.learner;
        l.cue = cue;
        l.trained = None;
        l.changed_at = None;
    }

    /// Starts computing the learning curve of the shown annotator on a worker
    /// ([`crate::learn::curve`]); [`Workspace::learning_curve`] has it once
    /// [`Workspace::poll_learner`] has collected it.
    pub fn request_learning_curve(&mut self) {
        let min = self.suggestions.min_model_score();
        let l = &mut self.suggestions.learner;
        if l.curve_job.is_some() {
            return;
        }
        // No registry: it may name the test part's names (as `hashiya suggest --curve`).
        let data =
            TrainingData::from_project(&self.project, &self.annotator, false, &[]).finished();
        let options = TrainOptions {
            cue: Some(l.cue.clone().unwrap_or_else(builtin_cues)),
            ..TrainOptions::default()
        };
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("hashiya-curve".into())
            .spawn(move || {
                let _ = tx.send(learn::evaluate::curve_of(&data, &options, min));
            });
        if spawned.is_ok() {
            l.curve_job = Some(rx);
        }
    }

    /// The last learning curve computed, if any.
    pub fn learning_curve(&self) -> Option<&Curve> {
        self.suggestions.learner.curve.as_ref()
    }

    /// Whether the learning curve is being computed.
    pub fn learning_curve_pending(&self) -> bool {
        self.suggestions.learner.curve_job.is_some()
    }

    /// What the current model finds in the current document (cached by model and
    /// text), or nothing without a model.
    pub(super) fn model_found(&mut self) -> Option<(Arc<Model>, Arc<Vec<Found>>)> {
        let doc = self.project.documents.get(self.doc)?;
        let l = &mut self.suggestions.learner;
        if l.annotator.as_deref() != Some(self.annotator.as_str()) {
            return None;
        }
        let model = l.model.clone()?;
        let key = (l.status.generation, doc.text_sha256.clone());
        if let Some((k, found)) = &l.found
            && *k == key
        {
            return Some((model, found.clone()));
        }
        let found = Arc::new(model.find(&doc.text));
        l.found = Some((key, found.clone()));
        Some((model, found))
    }
}
