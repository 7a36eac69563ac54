//! Corpus search (Ctrl+Shift+F): `search_corpus_10k`, the time from a query to all its
//! results over 10,000 documents (target < 300 ms): [`CorpusSearch::start`] on the
//! shared text snapshot, then [`CorpusSearch::wait`] until every document's hits have
//! arrived, snippets included — what the panel shows once "n of N documents" reaches N.
//! `search_corpus_10k_frequent` is the same for a query found ≈ 300 times per document
//! («ال»: 3 million matches, 50 snippets per document). `corpus_texts_10k` is the
//! snapshot's one copy of the texts (once per project), `corpus_texts_reuse_10k` the
//! snapshot rebuilt after a change to the document list (texts shared, not copied),
//! `corpus_texts_check_10k` the check after any other change (once per revision).
//!
//! The corpus is built like `benches/suggest.rs`: the sample article made unique per
//! document (its number appended), ≈ 5 KB each, 10,000 documents ≈ 52 MB.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use hashiya::model::{Document, Project};
use hashiya::store;
use hashiya::text::normalize::SearchOptions;
use hashiya::workspace::corpus_search::{CorpusSearch, CorpusTexts};

fn load(rel: &str) -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    store::load(&path).expect("sample loads").project
}

fn corpus(base: &Project, docs: usize) -> Project {
    let mut p = base.clone();
    p.documents.clear();
    p.sets.clear();
    let doc = &base.documents[0];
    for d in 0..docs {
        let mut text = doc.text.clone();
        text.push_str(&format!("\n{d}"));
        p.documents.push(Document::new(
            format!("doc{d:05}"),
            format!("article {d}"),
            text,
        ));
    }
    p
}

fn bench(c: &mut Criterion) {
    let base = load("projects/derna-sirte.json");
    let p = corpus(&base, 10_000);
    let bytes: usize = p.documents.iter().map(|d| d.text.len()).sum();
    let texts = Arc::new(CorpusTexts::of(&p));
    let o = SearchOptions::default();
    let run = |q: &str| {
        let mut s = CorpusSearch::start(texts.clone(), q, o, || {});
        s.wait();
        assert!(s.is_done());
        s.matches()
    };
    eprintln!(
        "{} documents, {bytes} bytes; «درنة»: {} matches, «ال»: {} matches",
        p.documents.len(),
        run("درنة"),
        run("ال")
    );

    let mut g = c.benchmark_group("corpus_search");
    g.sample_size(10);
    g.bench_function("search_corpus_10k", |b| b.iter(|| run("درنة")));
    g.bench_function("search_corpus_10k_frequent", |b| b.iter(|| run("ال")));
    g.bench_function("corpus_texts_10k", |b| b.iter(|| CorpusTexts::of(&p)));
    let mut more = p.clone();
    more.documents.push(Document::new("new", "new", "نص جديد"));
    g.bench_function("corpus_texts_reuse_10k", |b| {
        b.iter(|| CorpusTexts::reusing(&texts, &more))
    });
    g.bench_function("corpus_texts_check_10k", |b| b.iter(|| texts.describes(&p)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
