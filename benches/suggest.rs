//! Suggestions: `suggest_corpus_10k` (every suggestion over 10,000 documents, target
//! < 1 s) and `suggest_after_tag` (after tagging one new string in a 1 MB document:
//! relearn, rebuild the automaton, re-match that document; target < 16 ms, one frame).
//!
//! The corpus: the sample article made unique per document (its number appended,
//! ≈ 5 KB each, 10,000 documents ≈ 52 MB), the sample's 26-entity registry, and
//! annotator-a's spans on the first 100 documents (learned); every other document is
//! untagged, so each gets its ≈ 60 suggestions (≈ 600k in all).
//!
//! The 1 MB document: the sample article 200 times, annotator-a's spans on the first
//! 20 copies (≈ 2,100 spans). The measured step is what the GUI does after a tag:
//! [`Suggester::refresh`] (the new string forces an automaton rebuild) then
//! [`Suggester::suggest_document`] (folds and matches the whole document);
//! `suggest_after_tag_kept_fold` keeps the folded text across edits
//! ([`Suggester::suggest_folded`]). `suggest_after_tag_workspace` is the GUI's own path:
//! [`Workspace::apply`] of the tag, then [`Workspace::current_suggestions`] (which keeps
//! the folded text of recent documents); the undo that restores the state between
//! iterations is not timed.
//!
//! `attribution_article` (issue #27, budget < 5 ms): every suggestion of one
//! ≈ 2,800-character article, the sample, with claims and `said_by` relations: the
//! annotator's set with its claims and relations removed (its actors are the
//! speakers), learned from the same project (cues and their precision). The name
//! matching of the same call is included: an upper bound of the attribution's cost.

use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hashiya::model::edit::{self, TagOptions};
use hashiya::model::{AnnotationSet, Document, Project, Span};
use hashiya::store;
use hashiya::suggest::{SuggestOptions, Suggester};
use hashiya::workspace::Workspace;

fn load(rel: &str) -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    store::load(&path).expect("sample loads").project
}

const ME: &str = "annotator-a";

fn corpus(base: &Project, docs: usize, tagged: usize) -> Project {
    let mut p = base.clone();
    p.documents.clear();
    p.sets.clear();
    let doc = &base.documents[0];
    let set = base.set(ME, &doc.id).expect("sample set");
    for d in 0..docs {
        let id = format!("doc{d:05}");
        let mut text = doc.text.clone();
        text.push_str(&format!("\n{d}"));
        p.documents
            .push(Document::new(&id, format!("article {d}"), text));
        if d < tagged {
            let mut s = set.clone();
            s.document = id;
            p.sets.push(s);
        }
    }
    p
}

/// The sample article `copies` times in one document, the first `tagged` copies tagged.
fn long_document(base: &Project, copies: usize, tagged: usize) -> Project {
    let mut p = base.clone();
    p.documents.clear();
    p.sets.clear();
    let doc = &base.documents[0];
    let set = base.set(ME, &doc.id).expect("sample set");
    let unit = format!("{}\n\n", doc.text);
    let len = unit.chars().count();
    let mut out = AnnotationSet::new(ME, "long");
    for c in 0..tagged {
        for s in &set.spans {
            let mut x: Span = s.clone();
            x.id = format!("{}-{c}", s.id);
            x.start += c * len;
            x.end += c * len;
            out.spans.push(x);
        }
    }
    p.documents
        .push(Document::new("long", "long", unit.repeat(copies)));
    p.sets.push(out);
    p
}

fn bench(c: &mut Criterion) {
    let base = load("projects/derna-sirte.json");

    // Set-up on first use: criterion calls a closure only when its bench is selected
    // (and then several times).
    let big = std::cell::OnceCell::new();
    c.bench_function("suggest_corpus_10k", |b| {
        let (p, s) = big.get_or_init(|| {
            let p = corpus(&base, 10_000, 100);
            let s = Suggester::new(&p, ME, SuggestOptions::default());
            let n = s.suggest_all(&p).len();
            eprintln!(
                "suggest_corpus_10k: {} documents, {} MB, {n} suggestions",
                p.documents.len(),
                p.documents.iter().map(|d| d.text.len()).sum::<usize>() / 1_000_000
            );
            (p, s)
        });
        b.iter(|| s.suggest_all(p))
    });

    let p = long_document(&base, 200, 20);
    let doc = &p.documents[0];
    let base_suggester = Suggester::new(&p, ME, SuggestOptions::default());
    // Tag one string nobody tagged before, «الأربعاء» (Wednesday), so the names change
    // and the automaton is rebuilt.
    let at = doc.text.find("الأربعاء").expect("in the sample");
    let start = doc.text[..at].chars().count();
    let mut tagged = p.clone();
    tagged.sets[0]
        .spans
        .push(Span::new("new", start, start + 8, "actor", "الأربعاء"));
    let set = tagged.set(ME, "long");
    let rejected = &tagged.suggestions.rejected;
    let mut check = base_suggester.clone();
    assert!(check.refresh(&tagged), "the tag adds a name");
    let n = check.suggest_document(doc, set, rejected).len();
    eprintln!(
        "suggest_after_tag: {} MB document, {} spans, {} names, {n} suggestions",
        doc.text.len() / 1_000_000,
        tagged.sets[0].spans.len(),
        check.names()
    );
    c.bench_function("suggest_after_tag", |b| {
        b.iter_batched(
            || base_suggester.clone(),
            |mut s| {
                s.refresh(&tagged);
                s.suggest_document(doc, set, rejected)
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("suggest_after_tag_kept_fold", |b| {
        let folded = base_suggester.fold(&doc.text);
        b.iter_batched(
            || base_suggester.clone(),
            |mut s| {
                s.refresh(&tagged);
                s.suggest_folded(doc, &folded, set, rejected)
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("suggest_after_tag_workspace", |b| {
        let mut ws = Workspace::new(p.clone(), None, Vec::new());
        ws.set_annotator(ME);
        let key = ws.set_key().expect("a current set");
        let before = ws.current_suggestions().len();
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let t = std::time::Instant::now();
                let cmd = edit::tag(
                    ws.project(),
                    &key,
                    start..start + 8,
                    "actor",
                    TagOptions::default(),
                );
                ws.apply(cmd).expect("tagged");
                let n = ws.current_suggestions().len();
                total += t.elapsed();
                assert!(n > before, "the new name is suggested elsewhere");
                ws.undo();
                ws.current_suggestions();
            }
            total
        })
    });
    // The parts: relearning alone, and matching alone.
    c.bench_function("suggest_refresh_only", |b| {
        b.iter_batched(
            || base_suggester.clone(),
            |mut s| s.refresh(&tagged),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("suggest_fold_only", |b| {
        b.iter(|| base_suggester.fold(&doc.text))
    });

    let article = &base.documents[0];
    let mut given = base.set(ME, &article.id).expect("sample set").clone();
    given.spans.retain(|s| s.label != "claim");
    given.relations.clear();
    let s = Suggester::new(&base, ME, SuggestOptions::default());
    let (spans, rels) = s.suggest_document_with_relations(article, Some(&given), &[]);
    eprintln!(
        "attribution_article: {} characters, {} claims, {} said_by",
        article.text.chars().count(),
        spans.iter().filter(|x| x.label == "claim").count(),
        rels.len()
    );
    c.bench_function("attribution_article", |b| {
        b.iter(|| s.suggest_document_with_relations(article, Some(&given), &[]))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
