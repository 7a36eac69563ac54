//! The learned tagger: a model trained, offline, on one annotator's own spans, that
//! suggests names it has never seen (issue #27). Pure logic: no egui, no threads (the
//! workspace trains it on a worker thread, `workspace::learner`).
//!
//! # What it learns from
//!
//! Every document that has a set of the annotator, every span label but claims
//! ([`CLAIM_LABEL`]: the attribution suggester's). A label is learned once it has
//! [`MIN_EXAMPLES`] (15) spans: fewer give a model that mostly repeats the few strings
//! tagged, which the string matcher of [`crate::suggest`] already does better. The
//! registry's names and the gazetteer's lines are features (membership), not examples.
//!
//! # How
//!
//! - **Tokens** ([`tokens`]): the words of the project's tokenizer, a proclitic chain
//!   (و/ف then ب/ل/ك) split off when the rest is clearly a word, so a span can cover
//!   «السراج» in «والسراج» and «درنة» in «بدرنة», as the matcher's suggestions do.
//! - **Features** ([`features`]): folded form, stem without the article, 1–3 letter
//!   prefixes and suffixes, the neighbouring pieces ±2, the article, the shape (digits,
//!   Latin), registry/gazetteer membership, nearness to a reporting cue. Generic
//!   templates hashed to `u64`; every weight is learned, there is no list of title words.
//! - **Model** ([`perceptron`]): an averaged structured perceptron over BIO tags with
//!   Viterbi decoding, 10 epochs over the sentences in a seeded order — deterministic:
//!   the same data give the same weights bit for bit, hence the same suggestions.
//!   Chosen over a CRF (`crfs`) for the train-time budget (50 articles in well under
//!   500 ms on one core), no new dependency, and because a linear CRF's gain over an
//!   averaged perceptron on small NER data is about a point of F1.
//! - **Score**: a probability. The scores divided by a temperature are read as a
//!   linear-chain CRF's log-potentials; forward–backward gives each token's marginal
//!   probability of each tag, and a span's score is the lowest marginal of its tokens'
//!   tags. The temperature is the one (of a grid) that maximises the likelihood of the
//!   gold tags of a held-out fifth of the sentences, for a model trained on the other
//!   four fifths (`tests/learn.rs` checks that high-score suggestions are more precise
//!   than low-score ones).
//!
//! # Suggestions
//!
//! [`Model::suggest`] gives suggestions with source `model` for a document: not over a
//! span already tagged (claims aside: names sit inside claims), not at a rejected place,
//! the score divided by 1 + the annotator's rejections of that string with that label
//! (as for the matcher's names), under `SuggestOptions::min_model_score` (0.5) not
//! offered. [`crate::suggest::merge_model`] joins them to the matcher's: one suggestion
//! per place. (`suggest` never imports `learn`: the merge takes plain suggestions.)
//!
//! # Evaluation
//!
//! [`evaluate`] compares the model with the matcher, on names absent from training too,
//! and draws INCEpTION's learning curve (`hashiya suggest --evaluate`, `--curve`).

pub mod evaluate;
pub mod features;
pub mod model;
pub mod perceptron;
pub mod tokens;

pub use evaluate::{Curve, CurveRow, Figures, ModelEvaluation, curve, evaluate_split};
pub use features::{CueFn, cue_test};
pub use model::{
    CLAIM_LABEL, Found, MIN_EXAMPLES, Model, TrainOptions, TrainingData, TrainingDoc, offer,
};

#[cfg(test)]
mod tests;
