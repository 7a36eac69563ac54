//! Team work speed: `merge_100k`, the three-way merge of a project with one document
//! and 100,000 spans where each side made 1,000 edits (relabels, attribute changes,
//! moves, deletions, new spans with colliding fresh ids, and 50 spans relabelled
//! differently on both sides: conflicts). Budget: under 1 s.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use hashiya::model::{AnnotationSet, Document, LabelSchema, Project, Span};
use hashiya::store;
use hashiya::team::merge::merge;

const LABELS: [&str; 3] = ["claim", "actor", "location"];

/// One long document (the sample article repeated) with `n` spans, 6 code points apart.
fn base(n: usize) -> Project {
    let sample = store::parse(
        Path::new("sample"),
        include_bytes!("../projects/derna-sirte.json"),
    )
    .expect("sample loads")
    .project
    .documents[0]
        .text
        .clone();
    let mut text = String::new();
    while text.chars().count() < n * 6 + 12_000 {
        text.push_str(&sample);
        text.push('\n');
    }
    let chars: Vec<char> = text.chars().collect();
    let mut p = Project::new("bench", LabelSchema::news_default());
    p.documents.push(Document::new("d", "t", text.clone()));
    let mut set = AnnotationSet::new("a", "d");
    for i in 0..n {
        let (s, e) = (i * 6, i * 6 + 4);
        set.spans.push(Span::new(
            format!("s{i}"),
            s,
            e,
            LABELS[i % 3],
            chars[s..e].iter().collect::<String>(),
        ));
    }
    p.sets.push(set);
    p.canonicalize();
    p
}

/// `edits` changes to `p`'s set, on spans picked with `seed`; 5 % relabel the same
/// spans as the other side (to other labels), 200 add new spans past the others.
fn side(p: &Project, edits: usize, seed: usize) -> Project {
    let mut q = p.clone();
    let text: Vec<char> = q.documents[0].text.chars().collect();
    let set = &mut q.sets[0];
    let n = set.spans.len();
    let mut gone = Vec::new();
    for k in 0..edits {
        let shared = k % 20 == 0;
        let i = if shared {
            k * 89 % n
        } else {
            (k * 7919 + seed * 104_729) % n
        };
        let s = &mut set.spans[i];
        match k % 5 {
            _ if shared => s.label = LABELS[(i + seed) % 3].into(),
            0 => s.label = LABELS[(i + 1) % 3].into(),
            1 => {
                s.attributes.insert("kind".into(), "other".into());
            }
            2 => {
                s.end += 1;
                s.text = text[s.start..s.end].iter().collect();
            }
            3 => gone.push(s.id.clone()),
            _ => {
                let start = n * 6 + k * 10 + seed;
                let span = Span::new(
                    format!("s{}", n + k),
                    start,
                    start + 3,
                    "actor",
                    text[start..start + 3].iter().collect::<String>(),
                );
                set.spans.push(span);
            }
        }
    }
    set.spans.retain(|s| !gone.contains(&s.id));
    q.canonicalize();
    q
}

fn bench(c: &mut Criterion) {
    let b = base(100_000);
    let (o, t) = (side(&b, 1_000, 1), side(&b, 1_000, 2));
    let out = merge(&b, &o, &t, ("ours", "theirs"));
    eprintln!(
        "merge_100k: {} conflicts, {} renamed, {} spans",
        out.conflicts,
        out.renamed.len(),
        out.project.sets[0].spans.len()
    );
    assert!(
        store::validate(&out.project)
            .iter()
            .all(|p| p.severity != store::Severity::Error)
    );
    c.bench_function("merge_100k", |bench| {
        bench.iter(|| merge(&b, &o, &t, ("ours", "theirs")))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
