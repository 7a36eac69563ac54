//! The learned tagger (issue #27): `model_train_50docs` (training on 50 annotated
//! articles of ≈ 3,000 characters and ≈ 40 spans each; budget < 500 ms on one core)
//! and `model_suggest_article` (the model's suggestions on one such article; budget
//! < 20 ms).
//!
//! The articles are made from the test corpus (`tests/fixtures/learn/news-corpus.json`,
//! 12 annotated articles): article `i` is corpus articles `i`, `i + 5`, `i + 7`, …
//! (mod 12) joined by blank lines until it has 3,000 characters, their spans shifted
//! (claims left out, as in training). Realistic text, names and density, every article
//! a different mix.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use hashiya::learn::{Model, TrainOptions, TrainingData, TrainingDoc};
use hashiya::model::Document;
use hashiya::store;

fn corpus_docs() -> Vec<TrainingDoc> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/learn/news-corpus.json");
    let p = store::load(&path).expect("the test corpus loads").project;
    let annotator = p.annotators()[0].to_string();
    TrainingData::from_project(&p, &annotator, false, &[]).docs
}

/// Article `i` (see the module doc).
fn article(docs: &[TrainingDoc], i: usize) -> TrainingDoc {
    let mut out = TrainingDoc::whole("", Vec::new());
    let mut k = 0;
    while out.text.chars().count() < 3000 {
        let d = &docs[(i + k * 5 + k / 3) % docs.len()];
        if !out.text.is_empty() {
            out.text.push_str("\n\n");
        }
        let shift = out.text.chars().count();
        out.text.push_str(&d.text);
        out.spans.extend(
            d.spans
                .iter()
                .map(|(s, e, l)| (s + shift, e + shift, l.clone())),
        );
        k += 1;
    }
    out.upto = out.text.chars().count();
    out
}

fn bench(c: &mut Criterion) {
    let docs = corpus_docs();
    let data = TrainingData {
        docs: (0..50).map(|i| article(&docs, i)).collect(),
        names: Vec::new(),
    };
    let chars: usize = data.docs.iter().map(|d| d.text.chars().count()).sum();
    let spans: usize = data.docs.iter().map(|d| d.spans.len()).sum();
    eprintln!(
        "50 articles: {chars} characters ({} per article), {spans} spans ({} per article)",
        chars / 50,
        spans / 50
    );
    let o = TrainOptions::default();
    let mut g = c.benchmark_group("learn");
    g.sample_size(10);
    g.bench_function("model_train_50docs", |b| b.iter(|| Model::train(&data, &o)));
    let model = Model::train(&data, &o);
    let test = article(&docs, 51);
    let doc = Document::new("bench", "bench", test.text.as_str());
    eprintln!(
        "the article: {} characters, {} suggestions",
        test.text.chars().count(),
        model.suggest(&doc, None, "me", &[], 0.5).len()
    );
    g.sample_size(30);
    g.bench_function("model_suggest_article", |b| {
        b.iter(|| model.suggest(&doc, None, "me", &[], 0.5))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
