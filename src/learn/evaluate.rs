//! How good is the model? Precision, recall and F1 of its suggestions against the
//! annotator's own spans, beside the string matcher's ([`crate::suggest`], learned
//! strings only), overall, per label and **on names absent from training**.
//!
//! - [`evaluate_split`]: train on some texts, score on others. A suggestion is correct
//!   when a gold span has the same bounds and label (strict). Gold spans are every span
//!   but claims. A gold span is *unseen* when its folded text is the text of no training
//!   span (any label); an unseen suggestion likewise. The matcher only repeats tagged
//!   strings, so its recall on unseen names is 0 by construction. The model's
//!   suggestions are those scoring at least `min_score` (the application's
//!   `min_model_score`, 0.5 by default).
//! - [`evaluate`]: `hashiya suggest --evaluate`'s split, the one of
//!   [`crate::suggest::evaluate`]: the first half of the annotator's documents train,
//!   the rest is scored; with one document, its first half of paragraphs.
//! - [`curve`]: INCEpTION's evaluation simulation. The annotator's material is cut into
//!   units — documents when 80 % of them is at least 10, else sentences (across the
//!   documents, in order) — the first 80 % train and the last 20 % test; the training
//!   part grows in 10 blocks (block `k` trains on the first ⌈k·n/10⌉ units) and each
//!   block reports P/R/F1 per label for the model and the matcher.
//!
//! The scores take the annotator's spans as complete (an untagged name in a test
//! document counts against a suggestion of it), so training does too: every document
//! is learned from whole ([`TrainingData::finished`]), not only up to its last name
//! as in the application.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::model::{CLAIM_LABEL, Model, TrainOptions, TrainingData, TrainingDoc};
use super::tokens::{Vocabulary, sentences, tokens};
use crate::model::{AnnotationSet, Document, LabelSchema, Project, Span};
use crate::suggest::evaluate::Scores;
use crate::suggest::{SuggestOptions, Suggester, fold_key};
use crate::text::normalize::SearchOptions;

/// One source's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub overall: Scores,
    /// Gold spans whose text was not tagged in training, and suggestions of such texts.
    pub unseen: Scores,
    pub by_label: BTreeMap<String, Scores>,
}

/// The model beside the matcher on one split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelEvaluation {
    /// Units (documents, paragraphs or sentences) trained on and scored.
    pub train: usize,
    pub test: usize,
    /// Training spans per label (claims excluded).
    pub examples: BTreeMap<String, usize>,
    /// Labels with enough examples to be learned.
    pub learned: Vec<String>,
    pub model: Figures,
    pub matcher: Figures,
}

type Place = (usize, usize, usize, String);

fn figures(suggested: &[(Place, bool)], gold: &[(Place, bool)]) -> Figures {
    let gold_set: HashSet<&Place> = gold.iter().map(|(p, _)| p).collect();
    let count = |filter: &dyn Fn(&Place, bool) -> bool| {
        let s: Vec<&Place> = suggested
            .iter()
            .filter(|(p, u)| filter(p, *u))
            .map(|(p, _)| p)
            .collect();
        let g = gold.iter().filter(|(p, u)| filter(p, *u)).count();
        let c = s.iter().filter(|p| gold_set.contains(*p)).count();
        Scores::new(s.len(), c, g)
    };
    let labels: std::collections::BTreeSet<&String> = suggested
        .iter()
        .chain(gold)
        .map(|((_, _, _, l), _)| l)
        .collect();
    Figures {
        overall: count(&|_, _| true),
        unseen: count(&|_, u| u),
        by_label: labels
            .into_iter()
            .map(|l| (l.clone(), count(&|p, _| &p.3 == l)))
            .collect(),
    }
}

/// A project holding `docs` as documents `d0`, `d1`, … with annotator `eval`'s sets.
fn pseudo_project(docs: &[TrainingDoc]) -> Project {
    let mut p = Project::new(
        "evaluation",
        LabelSchema {
            labels: Vec::new(),
            relations: Vec::new(),
        },
    );
    for (i, d) in docs.iter().enumerate() {
        let id = format!("d{i}");
        p.documents.push(Document::new(&id, &id, d.text.as_str()));
        let chars: Vec<char> = d.text.chars().collect();
        let mut set = AnnotationSet::new("eval", &id);
        for (k, (s, e, l)) in d.spans.iter().enumerate() {
            let text: String = chars[*s..*e].iter().collect();
            set.spans.push(Span::new(format!("s{k}"), *s, *e, l, text));
        }
        p.sets.push(set);
    }
    p
}

/// Trains on `train`, scores model and matcher on `test`.
pub fn evaluate_split(
    train: &TrainingData,
    test: &[TrainingDoc],
    o: &TrainOptions,
    min_score: f64,
) -> ModelEvaluation {
    let search = SearchOptions::default();
    let model = Model::train(train, o);
    let matcher = Suggester::new(
        &pseudo_project(&train.docs),
        "eval",
        SuggestOptions {
            use_registry: false,
            ..SuggestOptions::default()
        },
    );
    let seen: HashSet<String> = train
        .docs
        .iter()
        .flat_map(|d| {
            let chars: Vec<char> = d.text.chars().collect();
            d.spans
                .iter()
                .map(move |(s, e, _)| chars[*s..*e].iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .map(|t| fold_key(&t, &search))
        .collect();
    let unseen = |text: &str| !seen.contains(&fold_key(text, &search));
    let (mut gold, mut by_model, mut by_matcher) = (Vec::new(), Vec::new(), Vec::new());
    for (i, d) in test.iter().enumerate() {
        let chars: Vec<char> = d.text.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        for (s, e, l) in d.spans.iter().filter(|x| x.2 != CLAIM_LABEL) {
            gold.push(((i, *s, *e, l.clone()), unseen(&slice(*s, *e))));
        }
        for f in model.find(&d.text) {
            if f.score >= min_score {
                let u = unseen(&slice(f.start, f.end));
                by_model.push(((i, f.start, f.end, f.label), u));
            }
        }
        let doc = Document::new(format!("t{i}"), "", d.text.as_str());
        for s in matcher.suggest_document(&doc, None, &[]) {
            let u = unseen(&s.text);
            by_matcher.push(((i, s.start, s.end, s.label), u));
        }
    }
    ModelEvaluation {
        train: train.docs.len(),
        test: test.len(),
        examples: model.examples().clone(),
        learned: model.labels().to_vec(),
        model: figures(&by_model, &gold),
        matcher: figures(&by_matcher, &gold),
    }
}

/// `text[start..end]` (code points) as a document of its own, with the spans inside
/// it shifted.
fn cut(d: &TrainingDoc, start: usize, end: usize) -> TrainingDoc {
    let text: String = d.text.chars().skip(start).take(end - start).collect();
    TrainingDoc {
        text,
        spans: d
            .spans
            .iter()
            .filter(|(s, e, _)| *s >= start && *e <= end)
            .map(|(s, e, l)| (s - start, e - start, l.clone()))
            .collect(),
        upto: d.upto.clamp(start, end) - start,
    }
}

/// Code point offsets where the paragraphs of `text` start (after a blank line).
fn paragraph_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut newlines, mut at_start) = (0, true);
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

/// The annotator's documents, without the registry (it may name the test part's
/// names), each learned from whole: the scores take their spans as complete.
fn material(project: &Project, annotator: &str) -> TrainingData {
    TrainingData::from_project(project, annotator, false, &[]).finished()
}

/// The model on `hashiya suggest --evaluate`'s split (see the module doc); `None`
/// when there is nothing to score (one document of one paragraph, or none).
pub fn evaluate(
    project: &Project,
    annotator: &str,
    o: &TrainOptions,
    min_score: f64,
) -> Option<ModelEvaluation> {
    let all = material(project, annotator);
    let (train, test) = if all.docs.len() >= 2 {
        let n = all.docs.len() / 2;
        (all.docs[..n].to_vec(), all.docs[n..].to_vec())
    } else {
        let d = all.docs.first()?;
        let p = paragraph_starts(&d.text);
        if p.len() < 2 {
            return None;
        }
        let mid = p[p.len() / 2];
        let len = d.text.chars().count();
        (vec![cut(d, 0, mid)], vec![cut(d, mid, len)])
    };
    let data = TrainingData {
        docs: train,
        names: all.names,
    };
    Some(evaluate_split(&data, &test, o, min_score))
}

/// One block of the learning curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveRow {
    /// 1 to 10.
    pub block: usize,
    /// Units trained on.
    pub train_units: usize,
    /// Training spans (claims excluded).
    pub train_spans: usize,
    pub learned: Vec<String>,
    pub model: Figures,
    pub matcher: Figures,
}

/// The learning curve (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// `documents` or `sentences`.
    pub unit: &'static str,
    pub train_units: usize,
    pub test_units: usize,
    pub rows: Vec<CurveRow>,
}

/// The sentences of `d` as documents of their own.
fn sentence_units(d: &TrainingDoc) -> Vec<TrainingDoc> {
    let toks = tokens(&d.text, &Vocabulary::default(), None);
    sentences(&toks)
        .into_iter()
        .map(|r| cut(d, toks[r.start].start, toks[r.end - 1].end))
        .collect()
}

/// INCEpTION's simulation on `annotator`'s material; `None` with fewer than two units.
pub fn curve(
    project: &Project,
    annotator: &str,
    o: &TrainOptions,
    min_score: f64,
) -> Option<Curve> {
    curve_of(&material(project, annotator), o, min_score)
}

/// [`curve`] on training data already taken from the project.
pub fn curve_of(all: &TrainingData, o: &TrainOptions, min_score: f64) -> Option<Curve> {
    let by_docs = all.docs.len() * 4 / 5 >= 10;
    let units: Vec<TrainingDoc> = if by_docs {
        all.docs.clone()
    } else {
        all.docs.iter().flat_map(sentence_units).collect()
    };
    if units.len() < 2 {
        return None;
    }
    let n_train = (units.len() * 4 / 5).clamp(1, units.len() - 1);
    let (train, test) = units.split_at(n_train);
    let rows = (1..=10)
        .map(|k| {
            let n = (n_train * k).div_ceil(10);
            let data = TrainingData {
                docs: train[..n].to_vec(),
                names: all.names.clone(),
            };
            let e = evaluate_split(&data, test, o, min_score);
            CurveRow {
                block: k,
                train_units: n,
                train_spans: e.examples.values().sum(),
                learned: e.learned,
                model: e.model,
                matcher: e.matcher,
            }
        })
        .collect();
    Some(Curve {
        unit: if by_docs { "documents" } else { "sentences" },
        train_units: n_train,
        test_units: test.len(),
        rows,
    })
}

impl std::fmt::Display for ModelEvaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let learned = if self.learned.is_empty() {
            format!("no label has {} examples yet", super::MIN_EXAMPLES)
        } else {
            self.learned.join(", ")
        };
        writeln!(
            f,
            "  model (learned: {learned}), trained on {} unit(s), scored on {}",
            self.train, self.test
        )?;
        Scores::write_header(f)?;
        for (name, c) in [("model", &self.model), ("matcher", &self.matcher)] {
            let rows = [
                (name.to_string(), &c.overall),
                (format!("  {name}, unseen names"), &c.unseen),
            ]
            .into_iter()
            .chain(c.by_label.iter().map(|(l, s)| (format!("  {l}"), s)));
            for (row, s) in rows {
                s.write_row(f, &row)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_shifts_spans_and_drops_crossing_ones() {
        let d = TrainingDoc {
            text: "أ ب ج د".into(),
            spans: vec![(0, 1, "x".into()), (2, 5, "y".into()), (4, 5, "z".into())],
            upto: 5,
        };
        let c = cut(&d, 4, 7);
        assert_eq!(c.text, "ج د");
        assert_eq!(c.spans, [(0, 1, "z".to_string())]);
        assert_eq!(c.upto, 1);
        assert_eq!(cut(&d, 0, 3).upto, 3);
        assert_eq!(cut(&d, 6, 7).upto, 0);
    }

    #[test]
    fn unseen_figures_count_only_new_names() {
        let g = |i, l: &str, u| ((0usize, i, i + 1, l.to_string()), u);
        let f = figures(
            &[g(0, "a", false), g(2, "a", true)],
            &[g(0, "a", false), g(2, "a", true), g(4, "b", true)],
        );
        assert_eq!((f.overall.correct, f.overall.gold), (2, 3));
        assert_eq!(
            (f.unseen.suggested, f.unseen.correct, f.unseen.gold),
            (1, 1, 2)
        );
        assert_eq!(f.by_label["b"].recall, Some(0.0));
    }
}
