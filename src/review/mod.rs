//! Reviewing a colleague's labels: comparing two (or more) annotators' sets over the
//! same documents, agreement figures, and the data side of adjudication.
//!
//! The semantics are those researchers already know, so that a figure printed here
//! means what it means in their papers:
//!
//! - [`documents`] matches documents across projects by the SHA-256 of their *text*
//!   (recomputed, never trusted from the file), not by id or title: two people may
//!   import the same article under different ids, and the same id may hold a different
//!   text after a re-import.
//! - [`pairing`] pairs the spans of annotator A and annotator B on one document the way
//!   GATE's Annotation Diff does (exact, partial, label mismatch, only A, only B), with an
//!   optimal assignment (Kuhn–Munkres) that maximises the total pair score.
//! - [`compare`] follows relations and attributes across paired spans.
//! - [`figures`] gives precision/recall/F1 with A as the reference, strict and lenient,
//!   per label and micro/macro averaged.
//! - [`tokens`] turns spans into one label per token (the [`crate::text::tokenize`]
//!   tokens) and [`agreement`] computes Cohen's κ, Fleiss' κ and Krippendorff's α
//!   (nominal) on those sequences, as INCEpTION does on token positions. The numbers are
//!   checked against scikit-learn, statsmodels and the `krippendorff` package
//!   (`tests/fixtures/review/`).
//! - [`adjudicate`] builds a gold set from A, B and a serialisable list of decisions;
//!   [`curate`] pre-merges what k of N annotators agree on into a gold set.
//! - [`report`] assembles all of it into an [`AgreementReport`] (stable JSON), and
//!   [`render`] prints it as a text table, CSV or standalone HTML.
//!
//! Everything here is pure: it reads [`crate::model`] values and returns new ones. It
//! never loads or saves files (that is `store/`), and inputs are never modified.

pub mod adjudicate;
pub mod agreement;
pub mod compare;
pub mod curate;
pub mod documents;
pub mod figures;
pub mod pairing;
pub mod render;
pub mod report;
pub mod tokens;

use thiserror::Error;

pub use adjudicate::{Adjudication, Decision, DecisionEntry, GoldOutcome, ItemKey, build_gold};
pub use agreement::{cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal};
pub use pairing::{PairCategory, SpanPair, pair_spans};
pub use render::{ReportFormat, render};
pub use report::{AgreementReport, Side, compare_projects, confusion};

/// What can go wrong while reviewing. Every message names the thing to look at.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReviewError {
    #[error(
        "the label sequences have different lengths ({a} and {b} tokens); every annotator must label the same tokens"
    )]
    LengthMismatch { a: usize, b: usize },
    #[error("agreement needs at least {needed} annotators, got {got}")]
    TooFewAnnotators { needed: usize, got: usize },
    #[error(
        "project «{project}» has no annotation set by «{annotator}»; its annotators are: {available}"
    )]
    AnnotatorNotFound {
        project: String,
        annotator: String,
        available: String,
    },
    #[error("project «{project}» has no annotation sets, so there is nothing to compare")]
    NoAnnotator { project: String },
    #[error(
        "too many overlapping spans to pair in one stretch of document «{document}» ({spans} spans); split the document"
    )]
    TooManySpans { document: String, spans: usize },
    #[error(
        "decision for {item} matches no disagreement between the two sets (were the sets changed since the decision was saved?)"
    )]
    UnknownItem { item: ItemKey },
    #[error("two decisions for {item}; keep one")]
    DuplicateDecision { item: ItemKey },
    #[error("decision {decision} does not apply to {item}: {why}")]
    DecisionNotApplicable {
        item: ItemKey,
        decision: &'static str,
        why: &'static str,
    },
    #[error(
        "edited span {start}..{end} for {item} is outside the document ({len} code points) or empty; start must be below end"
    )]
    EditOutOfBounds {
        item: ItemKey,
        start: usize,
        end: usize,
        len: usize,
    },
}
