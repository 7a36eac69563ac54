//! Project file speed: `load_100k` / `save_100k` (one document, 100,000 spans) and
//! `load_corpus` (10,000 documents, ≈ 50 MB), with growth at 1×, 2×, 4×, 8× of a
//! smaller size to show that cost is linear.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hashiya::model::{AnnotationSet, Document, LabelSchema, Project, Span};
use hashiya::store;

fn sample_text() -> String {
    store::parse(
        Path::new("sample"),
        include_bytes!("../projects/derna-sirte.json"),
    )
    .expect("sample loads")
    .project
    .documents[0]
        .text
        .clone()
}

/// One long document (the article repeated) with `n` spans over it.
fn project_with_spans(n: usize) -> Project {
    let base = sample_text();
    let mut text = String::new();
    while text.chars().count() < n * 6 {
        text.push_str(&base);
        text.push('\n');
    }
    let chars: Vec<char> = text.chars().collect();
    let mut p = Project::new("bench", LabelSchema::news_default());
    p.documents.push(Document::new("d", "t", text.clone()));
    let mut set = AnnotationSet::new("a", "d");
    let labels = ["claim", "actor", "location"];
    for i in 0..n {
        let s = i * 6;
        let e = s + 4;
        let mut span = Span::new(
            format!("s{i}"),
            s,
            e,
            labels[i % 3],
            chars[s..e].iter().collect::<String>(),
        );
        if i % 3 == 1 {
            span.attributes.insert("kind".into(), "person".into());
        }
        set.spans.push(span);
    }
    p.sets.push(set);
    p.canonicalize();
    p
}

/// `docs` documents of ≈ 5 KB each (the article), each with a few spans.
fn corpus(docs: usize) -> Project {
    let base = sample_text();
    let mut p = Project::new("corpus", LabelSchema::news_default());
    for d in 0..docs {
        let id = format!("doc{d:05}");
        p.documents
            .push(Document::new(&id, format!("article {d}"), base.clone()));
        let mut set = AnnotationSet::new("a", &id);
        set.spans.push(Span::new(
            "s1",
            0,
            2,
            "actor",
            base.chars().take(2).collect::<String>(),
        ));
        p.sets.push(set);
    }
    p
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");

    let p = project_with_spans(100_000);
    let path = dir.path().join("100k.json");
    store::save(&p, &path).expect("save");
    let bytes = std::fs::read(&path).expect("read");
    c.bench_function("load_100k", |b| {
        b.iter(|| store::parse(&path, &bytes).expect("parse"))
    });
    c.bench_function("save_100k", |b| {
        b.iter(|| store::save(&p, &path).expect("save"))
    });
    // What the GUI pays once per edit to hand its unsaved state to the panic hook
    // (`Workspace::register_unsaved`: one clone of the project).
    c.bench_function("clone_100k", |b| b.iter(|| std::hint::black_box(p.clone())));

    let corpus = corpus(10_000);
    let cpath = dir.path().join("corpus.json");
    store::save(&corpus, &cpath).expect("save corpus");
    let cbytes = std::fs::read(&cpath).expect("read");
    eprintln!("corpus file: {} MB", cbytes.len() / 1_000_000);
    let mut g = c.benchmark_group("load_corpus");
    g.sample_size(10);
    g.bench_function("10k_docs", |b| {
        b.iter(|| store::parse(&cpath, &cbytes).expect("parse"))
    });
    g.finish();

    let mut g = c.benchmark_group("load_growth");
    g.sample_size(10);
    for k in [1usize, 2, 4, 8] {
        let p = project_with_spans(12_500 * k);
        let path = dir.path().join(format!("g{k}.json"));
        store::save(&p, &path).expect("save");
        let bytes = std::fs::read(&path).expect("read");
        g.throughput(Throughput::Elements((12_500 * k) as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(12_500 * k),
            &bytes,
            |b, bytes| b.iter(|| store::parse(&path, bytes).expect("parse")),
        );
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
