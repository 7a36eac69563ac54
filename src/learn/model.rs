//! The tagger of one annotator: what it learns from ([`TrainingData`]), how
//! ([`TrainOptions`]), and the trained [`Model`] that tags a text and offers
//! suggestions.

use std::collections::BTreeMap;
use std::sync::Arc;

use foldhash::HashMap;

use super::features::{CueFn, Lexicon, features};
use super::perceptron::{self, Sequence, Weights};
use super::tokens::{Piece, Token, Vocabulary, sentences, tokens};
use crate::model::{AnnotationSet, Document, Project, Rejected};
use crate::suggest::{GazetteerEntry, Suggestion, SuggestionSource, fold_key};
use crate::text::normalize::SearchOptions;

/// The label the tagger never learns: claims are long spans, the attribution
/// suggester's business.
pub const CLAIM_LABEL: &str = "claim";

/// Examples (spans) of a label needed before the model offers it.
pub const MIN_EXAMPLES: usize = 15;

/// One text and the spans tagged on it (code points, end-exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingDoc {
    pub text: String,
    pub spans: Vec<(usize, usize, String)>,
    /// How far the annotator has got: only the sentences that start before this
    /// code point are learned from (their untagged words as not names).
    pub upto: usize,
}

/// Everything a model is trained from: a copy, so a worker thread can own it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingData {
    pub docs: Vec<TrainingDoc>,
    /// Registry names and aliases, gazetteer lines: (text, label).
    pub names: Vec<(String, String)>,
}

impl TrainingData {
    /// The annotator's documents (those with a set of theirs, in project order) and
    /// their spans, claims left out; with `registry`, the entity registry's names and
    /// the gazetteer's lines.
    pub fn from_project(
        project: &Project,
        annotator: &str,
        registry: bool,
        gazetteer: &[GazetteerEntry],
    ) -> Self {
        let mut data = TrainingData::default();
        for d in &project.documents {
            if let Some(set) = project.set(annotator, &d.id) {
                data.docs.push(TrainingDoc::of(d, set));
            }
        }
        if registry {
            for e in &project.entities {
                for n in std::iter::once(&e.name).chain(&e.aliases) {
                    data.names.push((n.clone(), e.label.clone()));
                }
            }
            for g in gazetteer {
                data.names.push((g.text.clone(), g.label.clone()));
            }
        }
        data
    }

    /// Every document learned from whole, as if its set were marked done: what an
    /// evaluation does, since it scores against the same spans as complete.
    pub fn finished(mut self) -> Self {
        for d in &mut self.docs {
            d.upto = d.text.chars().count();
        }
        self
    }

    /// Spans per label (claims are not counted: they are never in the data).
    pub fn examples(&self) -> BTreeMap<String, usize> {
        let mut out: BTreeMap<String, usize> = BTreeMap::new();
        for s in self.docs.iter().flat_map(|d| &d.spans) {
            *out.entry(s.2.clone()).or_default() += 1;
        }
        out
    }
}

impl TrainingDoc {
    /// A text whose every sentence is learned from.
    pub fn whole(text: impl Into<String>, spans: Vec<(usize, usize, String)>) -> Self {
        let text = text.into();
        let upto = text.chars().count();
        TrainingDoc { text, spans, upto }
    }

    /// The document's text and the set's spans but claims. A set marked done is
    /// learned from whole; any other up to the sentence of its last span but claims
    /// (the annotator is still working through it: what follows is not yet read, and
    /// its names must not be learned as not names). A set of claims only teaches
    /// nothing.
    pub fn of(doc: &Document, set: &AnnotationSet) -> Self {
        let spans: Vec<(usize, usize, String)> = set
            .spans
            .iter()
            .filter(|s| s.label != CLAIM_LABEL)
            .map(|s| (s.start, s.end, s.label.clone()))
            .collect();
        let upto = if set.done {
            doc.text.chars().count()
        } else {
            spans.iter().map(|s| s.1).max().unwrap_or(0)
        };
        TrainingDoc {
            text: doc.text.clone(),
            spans,
            upto,
        }
    }
}

/// How to train.
#[derive(Clone)]
pub struct TrainOptions {
    /// See [`MIN_EXAMPLES`].
    pub min_examples: usize,
    pub epochs: usize,
    /// Seeds the shuffles (the same data and seed give the same model).
    pub seed: u64,
    /// The reporting-cue test on folded words (see [`super::features`]).
    pub cue: Option<Arc<CueFn>>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            min_examples: MIN_EXAMPLES,
            epochs: 10,
            seed: 0x0048_4153_4849_5941,
            cue: None,
        }
    }
}

impl std::fmt::Debug for TrainOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainOptions")
            .field("min_examples", &self.min_examples)
            .field("epochs", &self.epochs)
            .field("seed", &self.seed)
            .field("cue", &self.cue.is_some())
            .finish()
    }
}

/// A span the model found, with its probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub score: f64,
}

/// A trained tagger (see the module doc of [`crate::learn`]).
#[derive(Debug)]
pub struct Model {
    /// The labels it offers (enough examples), sorted.
    labels: Vec<String>,
    /// Spans per label in the training data (every label but claims).
    examples: BTreeMap<String, usize>,
    rows: HashMap<u64, u32>,
    weights: Weights,
    temperature: f32,
    vocab: Vocabulary,
    lexicon: Lexicon,
}

/// The folded words of the training texts and names.
fn vocabulary(data: &TrainingData) -> Vocabulary {
    let mut v = Vocabulary::default();
    for d in &data.docs {
        v.add_text(&d.text);
    }
    for (n, _) in &data.names {
        v.add_text(n);
    }
    v
}

/// Gold tags of `toks` for `spans`: the longest span wins an overlap; a token takes a
/// span when they share a code point.
fn gold_tags(toks: &[Token], spans: &[(usize, usize, String)], labels: &[String]) -> Vec<u8> {
    let mut tags = vec![0u8; toks.len()];
    let mut order: Vec<&(usize, usize, String)> = spans.iter().collect();
    order.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    for (s, e, l) in order {
        let Ok(k) = labels.binary_search(l) else {
            continue;
        };
        let lo = toks.partition_point(|t| t.end <= *s);
        let mut hi = toks.partition_point(|t| t.start < *e);
        if lo >= hi || tags[lo..hi].iter().any(|&t| t != 0) {
            continue;
        }
        // A span may not end inside a word, after its proclitic.
        if toks[hi - 1].piece == Piece::Clitic && hi < toks.len() {
            hi += 1;
            if tags[hi - 1] != 0 {
                continue;
            }
        }
        tags[lo] = (2 * k + 1) as u8;
        for t in &mut tags[lo + 1..hi] {
            *t = (2 * k + 2) as u8;
        }
    }
    tags
}

/// A text cut into sentences, with features.
struct Tagged {
    toks: Vec<Token>,
    /// Per sentence: its token range and hashed features.
    sents: Vec<(std::ops::Range<usize>, Vec<Vec<u64>>)>,
}

fn analyse(text: &str, vocab: &Vocabulary, extra: Option<&Vocabulary>, lex: &Lexicon) -> Tagged {
    let toks = tokens(text, vocab, extra);
    let sents = sentences(&toks)
        .into_iter()
        .map(|r| {
            let f = features(&toks[r.clone()], lex);
            (r, f)
        })
        .collect();
    Tagged { toks, sents }
}

/// Temperatures tried when calibrating, as multiples of the weights' scale.
const TEMPERATURES: [f32; 12] = [
    0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0,
];

impl Model {
    /// Trains on `data`. A label with fewer than `min_examples` spans is not learned
    /// (its spans count as untagged); with no label learned, the model offers nothing.
    pub fn train(data: &TrainingData, o: &TrainOptions) -> Model {
        let examples = data.examples();
        let labels: Vec<String> = examples
            .iter()
            .filter(|(_, n)| **n >= o.min_examples.max(1))
            .map(|(l, _)| l.clone())
            .collect();
        let vocab = vocabulary(data);
        let mut lexicon = Lexicon {
            cue: o.cue.clone(),
            ..Lexicon::default()
        };
        let search = SearchOptions::default();
        for (n, l) in &data.names {
            lexicon.add_name(&fold_key(n, &search), l);
        }
        let ntags = 1 + 2 * labels.len();
        let mut rows: HashMap<u64, u32> = HashMap::default();
        let mut seqs: Vec<Sequence> = Vec::new();
        if !labels.is_empty() {
            for d in &data.docs {
                let t = analyse(&d.text, &vocab, None, &lexicon);
                let gold = gold_tags(&t.toks, &d.spans, &labels);
                for (r, feats) in t.sents {
                    if t.toks[r.start].start >= d.upto {
                        break;
                    }
                    let feats = feats
                        .into_iter()
                        .map(|fs| {
                            fs.into_iter()
                                .map(|f| {
                                    let next = rows.len() as u32;
                                    *rows.entry(f).or_insert(next)
                                })
                                .collect()
                        })
                        .collect();
                    seqs.push(Sequence {
                        feats,
                        pieces: t.toks[r.clone()].iter().map(|t| t.piece).collect(),
                        gold: gold[r].to_vec(),
                    });
                }
            }
        }
        let temperature = calibrate(&seqs, rows.len(), ntags, o);
        let weights = perceptron::train(&seqs, rows.len(), ntags, o.epochs, o.seed);
        Model {
            labels,
            examples,
            rows,
            weights,
            temperature,
            vocab,
            lexicon,
        }
    }

    /// The labels the model offers.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Training spans per label (labels under the threshold included).
    pub fn examples(&self) -> &BTreeMap<String, usize> {
        &self.examples
    }

    /// The temperature the scores are divided by (fit on a held-out fifth).
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// The learned weights (emission rows, then transitions), for checks of
    /// reproducibility.
    pub fn weights(&self) -> (&[f32], &[f32]) {
        (&self.weights.emit, &self.weights.trans)
    }

    /// The spans the model finds in `text`, in text order, each with its probability:
    /// the lowest marginal probability of its tokens' tags.
    pub fn find(&self, text: &str) -> Vec<Found> {
        if self.labels.is_empty() {
            return Vec::new();
        }
        let mut own = Vocabulary::default();
        own.add_text(text);
        let t = analyse(text, &self.vocab, Some(&own), &self.lexicon);
        let mut out = Vec::new();
        for (r, feats) in t.sents {
            let seq = Sequence {
                feats: feats
                    .into_iter()
                    .map(|fs| {
                        fs.iter()
                            .filter_map(|f| self.rows.get(f).copied())
                            .collect()
                    })
                    .collect(),
                pieces: t.toks[r.clone()].iter().map(|t| t.piece).collect(),
                gold: Vec::new(),
            };
            let em = self.weights.emissions(&seq);
            let tags = self.weights.viterbi_of(&em, &seq.pieces);
            if tags.iter().all(|&x| x == 0) {
                continue;
            }
            let m = self
                .weights
                .marginals_of(&em, &seq.pieces, self.temperature);
            let nt = self.weights.ntags;
            let toks = &t.toks[r];
            let mut i = 0;
            while i < tags.len() {
                let tag = tags[i] as usize;
                if tag == 0 || tag.is_multiple_of(2) {
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                while j < tags.len() && tags[j] as usize == tag + 1 {
                    j += 1;
                }
                let score = (i..j)
                    .map(|k| m[k * nt + tags[k] as usize])
                    .fold(1.0f64, f64::min);
                out.push(Found {
                    start: toks[i].start,
                    end: toks[j - 1].end,
                    label: self.labels[(tag - 1) / 2].clone(),
                    score,
                });
                i = j;
            }
        }
        out
    }

    /// The model's suggestions for `doc` (source [`SuggestionSource::Model`]): what
    /// [`Model::find`] finds, offered as [`Model::offer`] says.
    pub fn suggest(
        &self,
        doc: &Document,
        set: Option<&AnnotationSet>,
        annotator: &str,
        rejected: &[Rejected],
        min_score: f64,
    ) -> Vec<Suggestion> {
        let found = self.find(&doc.text);
        offer(doc, &found, set, annotator, rejected, min_score)
    }
}

/// The spans `found` in `doc` that may be offered: those that overlap no span of
/// `set` but a claim (names sit inside claims), are not rejected at that place with
/// that label, and score at least `min_score` once divided by 1 + the annotator's
/// rejections of that string with that label anywhere (as the matcher's names do).
pub fn offer(
    doc: &Document,
    found: &[Found],
    set: Option<&AnnotationSet>,
    annotator: &str,
    rejected: &[Rejected],
    min_score: f64,
) -> Vec<Suggestion> {
    if found.is_empty() {
        return Vec::new();
    }
    let search = SearchOptions::default();
    let mine: Vec<&Rejected> = rejected
        .iter()
        .filter(|r| r.applies_to(annotator))
        .collect();
    let chars: Vec<char> = doc.text.chars().collect();
    let mut out = Vec::new();
    for f in found {
        let tagged = set.is_some_and(|s| {
            s.spans
                .iter()
                .any(|x| x.label != CLAIM_LABEL && x.start < f.end && f.start < x.end)
        });
        let here = mine.iter().any(|r| {
            r.document == doc.id && (r.start, r.end) == (f.start, f.end) && r.label == f.label
        });
        if tagged || here || f.end > chars.len() {
            continue;
        }
        let text: String = chars[f.start..f.end].iter().collect();
        let r = if mine.is_empty() {
            0
        } else {
            let key = fold_key(&text, &search);
            mine.iter()
                .filter(|r| r.label == f.label && fold_key(&r.text, &search) == key)
                .count()
        };
        let score = f.score / (1.0 + r as f64);
        if score < min_score {
            continue;
        }
        out.push(Suggestion {
            document: doc.id.clone(),
            start: f.start,
            end: f.end,
            label: f.label.clone(),
            text,
            source: SuggestionSource::Model,
            score,
            entity: None,
            cue: None,
        });
    }
    out
}

/// The temperature whose marginals give the gold tags of a held-out fifth of the
/// sentences (every fifth) the highest likelihood, for a model trained on the rest.
/// With fewer than 10 sentences, 1.
fn calibrate(seqs: &[Sequence], rows: usize, ntags: usize, o: &TrainOptions) -> f32 {
    if seqs.len() < 10 || ntags < 2 {
        return 1.0;
    }
    let (mut fit, mut held) = (Vec::new(), Vec::new());
    for (i, s) in seqs.iter().enumerate() {
        if i % 5 == 4 {
            held.push(s);
        } else {
            fit.push(s.clone());
        }
    }
    let w = perceptron::train(&fit, rows, ntags, o.epochs, o.seed);
    let emissions: Vec<Vec<f32>> = held.iter().map(|s| w.emissions(s)).collect();
    let mut best = (f64::INFINITY, 1.0f32);
    for &t in &TEMPERATURES {
        let mut nll = 0.0;
        for (s, em) in held.iter().zip(&emissions) {
            let m = w.marginals_of(em, &s.pieces, t);
            for (i, &g) in s.gold.iter().enumerate() {
                nll -= m[i * ntags + g as usize].max(1e-6).ln();
            }
        }
        if nll < best.0 {
            best = (nll, t);
        }
    }
    best.1
}
