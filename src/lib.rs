//! Hashiya (حاشية): annotate claims, actors and locations in Arabic news articles,
//! and review a colleague's labels.
//!
//! Layers, lowest first; a layer never imports a higher one:
//! - [`model`]: pure data and the undoable edit history;
//! - [`store`]: the versioned JSON project file (load, validate, atomic save, recovery);
//! - [`text`]: the Arabic text engine (parley layout, ab_glyph atlas, hit testing,
//!   highlight geometry, search normalisation), knowing nothing of annotations;
//! - [`suggest`]: offline pre-annotation (entity registry, learned strings, gazetteer)
//!   with Arabic clitic rules, and its command builders (uses model and text only);
//! - [`learn`]: the tagger trained on an annotator's own spans (averaged perceptron,
//!   Viterbi), its suggestions and their evaluation (uses model, text and suggest);
//! - [`formats`]: import and export;
//! - [`review`]: comparing sets, agreement, adjudication;
//! - [`team`]: assignment, collection, progress and the three-way merge of team files;
//! - [`workspace`]: the open project, its file, history, review and settings (no egui);
//! - [`ui`]: the egui application (only with the `gui` feature, on by default);
//! - [`cli`]: the command line's arguments, reports and errors (`src/main.rs` runs them).

pub mod cli;
#[doc(hidden)]
pub mod debug;
pub mod fonts;
pub mod formats;
pub mod learn;
pub mod model;
pub mod review;
pub mod store;
pub mod suggest;
pub mod team;
pub mod text;
#[cfg(feature = "gui")]
pub mod ui;
pub mod workspace;
