//! How good are the claim and `said_by` suggestions? Scored against an annotator's
//! own claims and relations on documents not learned from.
//!
//! The suggester learns from a training project (the cues learned and each cue's
//! precision). On each test document, the annotator's set **with its claims and
//! relations removed** is given (their actors stay: an annotator tags the names
//! first, or accepts them as suggestions; a speaker is then a tagged actor), and:
//!
//! - **claims, exact**: a claim suggestion is correct when a claim of the annotator
//!   has the same bounds;
//! - **claims, overlap**: when it shares at least half the words of the longer of the
//!   two (each claim of the annotator matched once, in text order);
//! - **said_by**: a relation suggestion is correct when the annotator has a `said_by`
//!   from a claim overlapping the suggested claim (as above) to an actor with the
//!   suggested speaker's exact bounds.

use serde::Serialize;

use super::finder::{Tokens, token_overlap};
use super::{CLAIM, SAID_BY};
use crate::model::{AnnotationSet, Document, Project};
use crate::suggest::evaluate::Scores;
use crate::suggest::{SuggestOptions, Suggester};

/// Claims and `said_by`, scored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AttributionScores {
    pub claims_exact: Scores,
    pub claims_overlap: Scores,
    pub said_by: Scores,
    /// The words learned as cues from the training claims.
    pub learned_cues: Vec<String>,
}

/// Greedy one-to-one matching in order: how many of `got` find a partner in `gold`.
fn matched<T, U>(got: &[T], gold: &[U], fits: impl Fn(&T, &U) -> bool) -> usize {
    let mut used = vec![false; gold.len()];
    let mut n = 0;
    for g in got {
        if let Some(i) = (0..gold.len()).find(|&i| !used[i] && fits(g, &gold[i])) {
            used[i] = true;
            n += 1;
        }
    }
    n
}

/// Scores the attribution suggestions of a suggester learned from `train` on
/// `test` (documents of `project`), counting only claims that start at or after
/// `cut` (a paragraph split; 0 otherwise).
pub fn evaluate_attribution(
    project: &Project,
    annotator: &str,
    train: &Project,
    test: &[&Document],
    cut: usize,
) -> AttributionScores {
    let mut enabled;
    let train = if train.suggestions.enabled {
        train
    } else {
        enabled = train.clone();
        enabled.suggestions.enabled = true;
        &enabled
    };
    let suggester = Suggester::new(train, annotator, SuggestOptions::default());
    let mut counts = [(0usize, 0usize, 0usize); 3];
    for doc in test {
        let Some(gold) = project.set(annotator, &doc.id) else {
            continue;
        };
        let mut given: AnnotationSet = gold.clone();
        given.spans.retain(|s| s.label != CLAIM);
        given.relations.clear();
        let (spans, relations) = suggester.suggest_document_with_relations(doc, Some(&given), &[]);
        let folded = suggester.fold(&doc.text);
        let t = Tokens::new(&doc.text, &folded);
        let claims: Vec<(usize, usize)> = spans
            .iter()
            .filter(|s| s.label == CLAIM && s.start >= cut)
            .map(|s| (s.start, s.end))
            .collect();
        let gold_claims: Vec<(usize, usize)> = gold
            .spans
            .iter()
            .filter(|s| s.label == CLAIM && s.start >= cut)
            .map(|s| (s.start, s.end))
            .collect();
        let overlaps = |a: &(usize, usize), b: &(usize, usize)| token_overlap(&t, *a, *b) >= 0.5;
        counts[0].0 += claims.len();
        counts[0].1 += matched(&claims, &gold_claims, |a, b| a == b);
        counts[0].2 += gold_claims.len();
        counts[1].0 += claims.len();
        counts[1].1 += matched(&claims, &gold_claims, overlaps);
        counts[1].2 += gold_claims.len();
        let rel: Vec<((usize, usize), (usize, usize))> = relations
            .iter()
            .filter(|r| r.kind == SAID_BY && r.from.start >= cut)
            .map(|r| ((r.from.start, r.from.end), (r.to.start, r.to.end)))
            .collect();
        let gold_rel: Vec<((usize, usize), (usize, usize))> = gold
            .relations
            .iter()
            .filter(|r| r.kind == SAID_BY)
            .filter_map(|r| {
                let (f, t) = (gold.span(&r.from)?, gold.span(&r.to)?);
                (f.start >= cut).then_some(((f.start, f.end), (t.start, t.end)))
            })
            .collect();
        counts[2].0 += rel.len();
        counts[2].1 += matched(&rel, &gold_rel, |a, b| overlaps(&a.0, &b.0) && a.1 == b.1);
        counts[2].2 += gold_rel.len();
    }
    let s = |(a, b, c): (usize, usize, usize)| Scores::new(a, b, c);
    AttributionScores {
        claims_exact: s(counts[0]),
        claims_overlap: s(counts[1]),
        said_by: s(counts[2]),
        learned_cues: suggester.learned_cues().to_vec(),
    }
}
