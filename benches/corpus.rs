//! Corpus-scale review and export: `agree_1k` (agreement of two annotators over 1,000
//! documents), `export_jsonl_1k` and `export_brat_1k`, each with growth at 125, 250,
//! 500 and 1,000 documents (1×, 2×, 4×, 8×) to show that cost is linear.
//!
//! The corpus: the sample article, made unique per document (its number appended), with
//! both sample annotators' sets on every document (≈ 105 spans and 47 relations each,
//! the 7 real disagreements included): 1,000 documents ≈ 5 MB of text, 105k spans a side.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hashiya::formats::{ExportFormat, ExportOptions, export};
use hashiya::model::{Document, Project};
use hashiya::review::{Side, compare_projects};
use hashiya::store;

fn load(rel: &str) -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    store::load(&path).expect("sample loads").project
}

/// `docs` copies of the sample document with `who`'s sets, ids and texts made unique.
fn corpus(base: &Project, docs: usize) -> Project {
    let mut p = base.clone();
    p.documents.clear();
    p.sets.clear();
    p.entities.clear();
    let doc = &base.documents[0];
    for d in 0..docs {
        let id = format!("doc{d:05}");
        let mut text = doc.text.clone();
        text.push_str(&format!("\n{d}"));
        p.documents
            .push(Document::new(&id, format!("article {d}"), text));
        for set in base.sets.iter().filter(|s| s.document == doc.id) {
            let mut set = set.clone();
            set.document = id.clone();
            // Entities are project-wide; the bench keeps spans and relations only.
            for s in &mut set.spans {
                s.entity = None;
            }
            p.sets.push(set);
        }
    }
    p.canonicalize();
    p
}

const SIZES: [usize; 4] = [125, 250, 500, 1000];

fn bench(c: &mut Criterion) {
    let a = load("projects/derna-sirte.json");
    let b = load("projects/derna-sirte.annotator-b.json");
    let (ann_a, ann_b) = (a.annotators()[0].to_string(), b.annotators()[0].to_string());
    let corpora: Vec<(usize, Project, Project)> = SIZES
        .iter()
        .map(|&n| (n, corpus(&a, n), corpus(&b, n)))
        .collect();

    let mut g = c.benchmark_group("agree");
    g.sample_size(10);
    for (n, pa, pb) in &corpora {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(n),
            &(pa, pb),
            |bch, (pa, pb)| {
                bch.iter(|| {
                    let report = compare_projects(&[
                        Side {
                            project: pa,
                            annotator: &ann_a,
                            source: "a",
                        },
                        Side {
                            project: pb,
                            annotator: &ann_b,
                            source: "b",
                        },
                    ])
                    .expect("compares");
                    assert_eq!(report.documents.matched.len(), *n);
                    report
                })
            },
        );
    }
    g.finish();

    let dir = tempfile::tempdir().expect("temp dir");
    for (format, name) in [
        (ExportFormat::Jsonl, "export_jsonl"),
        (ExportFormat::Brat, "export_brat"),
    ] {
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        for (n, pa, _) in &corpora {
            let out = match format {
                ExportFormat::Brat => dir.path().join(format!("brat-{n}")),
                _ => dir.path().join(format!("out-{n}.jsonl")),
            };
            g.throughput(Throughput::Elements(*n as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), pa, |bch, pa| {
                bch.iter(|| {
                    let mut progress = |_: usize, _: usize| {};
                    export(pa, format, &out, &ExportOptions::default(), &mut progress)
                        .expect("exports")
                })
            });
        }
        g.finish();
    }

    // The brat export of 1,000 documents into an empty folder, a new one per run; the
    // folders are removed only after the whole group. Removing each right after its
    // run made ext4 search its recently deleted inodes on the next run (`perf`: 23 %
    // `recently_deleted`, 25 % `find_get_block_common`), 2.0 s instead of what a user
    // exporting into a new folder waits. And again into the folder of the previous
    // run after one document in a hundred changed: the files that already hold their
    // new content are not rewritten.
    let (_, big, _) = corpora.last().expect("corpora");
    let mut g = c.benchmark_group("export_brat_1k");
    g.sample_size(10);
    let fresh_root = tempfile::tempdir().expect("temp dir");
    let mut runs = 0usize;
    g.bench_function("fresh_folder", |bch| {
        bch.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                runs += 1;
                let d = fresh_root.path().join(format!("run-{runs}"));
                let mut progress = |_: usize, _: usize| {};
                let t = std::time::Instant::now();
                let r = export(
                    big,
                    ExportFormat::Brat,
                    &d,
                    &ExportOptions::default(),
                    &mut progress,
                )
                .expect("exports");
                total += t.elapsed();
                assert_eq!(r.unchanged, 0, "a new folder: every file written");
            }
            total
        })
    });
    drop(fresh_root);
    let again = dir.path().join("again");
    let mut progress = |_: usize, _: usize| {};
    export(
        big,
        ExportFormat::Brat,
        &again,
        &ExportOptions::default(),
        &mut progress,
    )
    .expect("exports");
    let mut edited = (*big).clone();
    for set in edited.sets.iter_mut().step_by(100) {
        set.spans.pop();
    }
    let mut flip = false;
    g.bench_function("one_percent_changed", |bch| {
        bch.iter(|| {
            flip = !flip;
            let p = if flip { &edited } else { big };
            let r = export(
                p,
                ExportFormat::Brat,
                &again,
                &ExportOptions::default(),
                &mut progress,
            )
            .expect("exports");
            assert!(
                r.unchanged > r.files.len() * 9 / 10,
                "{} of {}",
                r.unchanged,
                r.files.len()
            );
            r
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
