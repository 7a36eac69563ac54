//! How good would the suggestions have been? Precision, recall and F1 of the
//! suggestions against an annotator's own spans.
//!
//! Per annotator, the documents that have a set of theirs are taken in project order:
//! the suggester learns from the first half (`n / 2` documents, rounded down) and is
//! scored on the rest. With a single document (the sample projects have one each),
//! its **paragraphs** (separated by a blank line) are split instead: the spans that end
//! before the first paragraph of the second half train, the suggestions and spans that
//! start at or after it are scored. With fewer than two documents or paragraphs there
//! is nothing to score.
//!
//! A suggestion is correct when a span of the annotator has the same bounds and label
//! (strict). The test half is matched with no set (nothing counts as already tagged)
//! and no rejections. Two configurations are scored: **learned** (the first half's
//! spans only) and **registry** (learned plus the entity registry's names; the
//! registry may have been made from the whole corpus, so this is an upper bound).
//! Claims count as spans (the attribution's claim suggestions among them; there the
//! test half is matched with no set, so no actor is tagged). The claim and `said_by`
//! rows ([`super::attribution::evaluate`]) score attribution given the annotator's
//! actors: claims with exact bounds and with half their words shared, and `said_by`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::attribution::evaluate::{AttributionScores, evaluate_attribution};
use super::{SuggestOptions, Suggester};
use crate::model::{Document, Project, SuggestionSettings};

/// Counts and figures of one comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Suggestions made on the test half.
    pub suggested: usize,
    /// Of those, equal to one of the annotator's spans (bounds and label).
    pub correct: usize,
    /// The annotator's spans on the test half.
    pub gold: usize,
    /// `null` when nothing was suggested.
    pub precision: Option<f64>,
    /// `null` when there is no span to find.
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl Scores {
    /// The column heads of the rows [`Scores::write_row`] writes (the reports of
    /// `hashiya suggest --evaluate`).
    pub fn write_header(f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  {:<22} {:>9} {:>7} {:>5} {:>9} {:>6} {:>5}",
            "", "suggested", "correct", "gold", "precision", "recall", "F1"
        )
    }

    /// One row of a report: `name`, then the counts and percentages.
    pub fn write_row(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        writeln!(
            f,
            "  {:<22} {:>9} {:>7} {:>5} {:>9} {:>6} {:>5}",
            name,
            self.suggested,
            self.correct,
            self.gold,
            pct(self.precision),
            pct(self.recall),
            pct(self.f1)
        )
    }

    /// The figures of `correct` suggestions out of `suggested`, against `gold` spans.
    pub fn new(suggested: usize, correct: usize, gold: usize) -> Self {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        let (p, r) = (ratio(correct, suggested), ratio(correct, gold));
        let f1 = match (p, r) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        Scores {
            suggested,
            correct,
            gold,
            precision: p,
            recall: r,
            f1,
        }
    }
}

/// How an annotator's material was halved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Documents,
    Paragraphs,
    /// One document of one paragraph, or none: nothing scored.
    None,
}

/// One configuration's figures, overall and per label.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Configuration {
    pub overall: Scores,
    pub by_label: BTreeMap<String, Scores>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnotatorEvaluation {
    pub annotator: String,
    pub split: Split,
    /// Documents (or paragraphs) learned from.
    pub train: usize,
    /// Documents (or paragraphs) scored.
    pub test: usize,
    pub learned: Configuration,
    pub registry: Configuration,
    /// Claims and `said_by` ([`super::attribution::evaluate`]), learned from the same
    /// half; absent when nothing is scored or the schema has no claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<AttributionScores>,
}

/// What [`evaluate`] found, per annotator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationReport {
    pub project: String,
    pub annotators: Vec<AnnotatorEvaluation>,
}

/// Code point offsets where the paragraphs of `text` start (a blank line separates
/// paragraphs).
fn paragraph_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut newlines = 0;
    let mut at_start = true;
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            newlines += usize::from(c == '\n');
            continue;
        }
        if at_start || newlines >= 2 {
            starts.push(i);
        }
        at_start = false;
        newlines = 0;
    }
    starts
}

/// The part of the material scored: documents, and on them the offsets from which.
struct Halves<'p> {
    split: Split,
    train_docs: Vec<&'p Document>,
    test_docs: Vec<&'p Document>,
    /// With a paragraph split: the first offset of the test half.
    cut: usize,
    train: usize,
    test: usize,
}

fn halves<'p>(project: &'p Project, annotator: &str) -> Halves<'p> {
    let docs: Vec<&Document> = project
        .documents
        .iter()
        .filter(|d| project.set(annotator, &d.id).is_some())
        .collect();
    if docs.len() >= 2 {
        let n = docs.len() / 2;
        return Halves {
            split: Split::Documents,
            train_docs: docs[..n].to_vec(),
            test_docs: docs[n..].to_vec(),
            cut: 0,
            train: n,
            test: docs.len() - n,
        };
    }
    let paragraphs = docs
        .first()
        .map_or(Vec::new(), |d| paragraph_starts(&d.text));
    if paragraphs.len() < 2 {
        return Halves {
            split: Split::None,
            train_docs: Vec::new(),
            test_docs: Vec::new(),
            cut: 0,
            train: 0,
            test: 0,
        };
    }
    let n = paragraphs.len() / 2;
    Halves {
        split: Split::Paragraphs,
        train_docs: docs.clone(),
        test_docs: docs,
        cut: paragraphs[n],
        train: n,
        test: paragraphs.len() - n,
    }
}

fn score(project: &Project, annotator: &str, h: &Halves<'_>, train: &Project) -> Configuration {
    let suggester = Suggester::new(train, annotator, SuggestOptions::default());
    let mut suggested: Vec<(String, usize, usize, String)> = Vec::new();
    let mut gold: HashSet<(String, usize, usize, String)> = HashSet::new();
    for d in &h.test_docs {
        suggested.extend(
            suggester
                .suggest_document(d, None, &[])
                .into_iter()
                .filter(|s| s.start >= h.cut)
                .map(|s| (s.document, s.start, s.end, s.label)),
        );
        if let Some(set) = project.set(annotator, &d.id) {
            gold.extend(
                set.spans
                    .iter()
                    .filter(|s| s.start >= h.cut)
                    .map(|s| (d.id.clone(), s.start, s.end, s.label.clone())),
            );
        }
    }
    let mut per: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut correct = 0;
    for s in &suggested {
        let hit = gold.contains(s);
        correct += usize::from(hit);
        let e = per.entry(s.3.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(hit);
    }
    for g in &gold {
        per.entry(g.3.clone()).or_default().2 += 1;
    }
    Configuration {
        overall: Scores::new(suggested.len(), correct, gold.len()),
        by_label: per
            .into_iter()
            .map(|(l, (s, c, g))| (l, Scores::new(s, c, g)))
            .collect(),
    }
}

/// Scores the suggestions of `annotator` (every annotator when `None`) against their
/// own spans, learning from the first half of their material (see the module doc).
pub fn evaluate(project: &Project, annotator: Option<&str>) -> EvaluationReport {
    let names: Vec<&str> = match annotator {
        Some(a) => vec![a],
        None => project.annotators(),
    };
    let mut annotators = Vec::new();
    for a in names {
        let h = halves(project, a);
        // The training project: the first half of the annotator's spans, no rejections
        // (suggestions enabled, whatever the project says: this is a measurement).
        let train_ids: HashSet<&str> = h.train_docs.iter().map(|d| d.id.as_str()).collect();
        let mut train = project.clone();
        train.suggestions = SuggestionSettings::default();
        train
            .sets
            .retain(|s| s.annotator == a && train_ids.contains(s.document.as_str()));
        if h.split == Split::Paragraphs {
            for s in &mut train.sets {
                s.spans.retain(|x| x.end <= h.cut);
            }
        }
        let registry = score(project, a, &h, &train);
        train.entities.clear();
        for s in &mut train.sets {
            for x in &mut s.spans {
                x.entity = None;
            }
        }
        let learned = score(project, a, &h, &train);
        let attribution = (h.split != Split::None
            && project.schema.label(super::attribution::CLAIM).is_some())
        .then(|| evaluate_attribution(project, a, &train, &h.test_docs, h.cut));
        annotators.push(AnnotatorEvaluation {
            annotator: a.to_string(),
            split: h.split,
            train: h.train,
            test: h.test,
            learned,
            registry,
            attribution,
        });
    }
    EvaluationReport {
        project: project.name.clone(),
        annotators,
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |v| format!("{:.1}", v * 100.0))
}

impl fmt::Display for EvaluationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Suggestions evaluated on \"{}\"", self.project)?;
        for a in &self.annotators {
            let unit = match a.split {
                Split::Documents => "documents",
                Split::Paragraphs => "paragraphs",
                Split::None => {
                    writeln!(
                        f,
                        "\n{}: nothing to score (one document of one paragraph)",
                        a.annotator
                    )?;
                    continue;
                }
            };
            writeln!(
                f,
                "\n{}: learned from {} {unit}, scored on {}",
                a.annotator, a.train, a.test
            )?;
            Scores::write_header(f)?;
            for (name, c) in [("learned", &a.learned), ("learned + registry", &a.registry)] {
                let rows = std::iter::once((name.to_string(), &c.overall))
                    .chain(c.by_label.iter().map(|(l, s)| (format!("  {l}"), s)));
                for (row, s) in rows {
                    s.write_row(f, &row)?;
                }
            }
            if let Some(at) = &a.attribution {
                let rows = [
                    ("claims (exact)", &at.claims_exact),
                    ("claims (overlap)", &at.claims_overlap),
                    ("said_by", &at.said_by),
                ];
                for (row, s) in rows {
                    s.write_row(f, row)?;
                }
                if !at.learned_cues.is_empty() {
                    writeln!(f, "  learned cues: {}", at.learned_cues.join(" "))?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_start_after_blank_lines() {
        assert_eq!(paragraph_starts("\nأ ب\nج\n\n  د\n \nه"), vec![1, 10, 14]);
        assert!(paragraph_starts(" \n").is_empty());
    }

    #[test]
    fn scores() {
        let s = Scores::new(4, 2, 8);
        assert_eq!((s.precision, s.recall), (Some(0.5), Some(0.25)));
        assert!((s.f1.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(Scores::new(0, 0, 3).f1, None);
        assert_eq!(Scores::new(2, 0, 3).f1, Some(0.0));
    }
}
