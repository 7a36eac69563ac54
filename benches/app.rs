//! The whole app on a 10,000-document corpus, driven headless with egui_kittest (the
//! real `HashiyaApp`, every panel; kittest also builds the AccessKit tree each frame,
//! which the running app does only for a screen reader, so these are upper bounds):
//!
//! - `switch_doc_10k`: Ctrl+PageDown, to the end of the frame that shows the next
//!   document (its layout included; target < 16 ms);
//! - `filter_docs_10k`: one keystroke in the documents filter (a letter, then
//!   Backspace), to the end of its frame (target < 16 ms a keystroke).
//!
//! The corpus is `tools/make_corpus.py`'s, built here: the sample article made unique
//! per document (≈ 5 KB each, 52 MB), five outlets, a date each, and every fourth span
//! of annotator-a's set on every document (270k spans).

use criterion::{Criterion, criterion_group, criterion_main};
use egui::accesskit::Role;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hashiya::model::{Document, Project};
use hashiya::ui::{HashiyaApp, StartOptions, Workspace};

fn corpus(docs: usize) -> Project {
    let base = hashiya::store::parse(
        std::path::Path::new("sample"),
        include_bytes!("../projects/derna-sirte.json"),
    )
    .expect("sample loads")
    .project;
    let doc = &base.documents[0];
    let set = &base.sets[0];
    let outlets = [
        "Al Jazeera Net",
        "Al Arabiya",
        "BBC Arabic",
        "Libya Observer",
        "Al Wasat",
    ];
    let mut p = base.clone();
    p.documents.clear();
    p.sets.clear();
    for d in 0..docs {
        let id = format!("doc{d:05}");
        let mut x = Document::new(
            &id,
            format!("{} ({d})", doc.title),
            format!("{}\n{d}", doc.text),
        );
        x.source.outlet = Some(outlets[d % outlets.len()].to_string());
        x.source.date = Some(format!(
            "20{:02}-{:02}-{:02}",
            15 + d % 10,
            1 + d % 12,
            1 + d % 28
        ));
        p.documents.push(x);
        let mut s = set.clone();
        s.document = id;
        s.relations.clear();
        s.spans = s.spans.into_iter().step_by(4).collect();
        p.sets.push(s);
    }
    p
}

fn time_frames(
    h: &mut Harness<'static, HashiyaApp>,
    iters: u64,
    mut input: impl FnMut(&mut Harness<'static, HashiyaApp>, u64),
) -> std::time::Duration {
    let mut total = std::time::Duration::ZERO;
    for i in 0..iters {
        input(h, i);
        let t = std::time::Instant::now();
        h.run_steps(1);
        total += t.elapsed();
    }
    total
}

fn bench(c: &mut Criterion) {
    hashiya::text::memory::keep_freed_memory();
    let project = corpus(10_000);
    let ws = Workspace::new(project, None, Vec::new());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, StartOptions::default()));
    h.run_steps(5);

    let before = h.state().workspace().doc_index();
    c.bench_function("switch_doc_10k", |b| {
        b.iter_custom(|iters| {
            time_frames(&mut h, iters, |h, _| {
                h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown)
            })
        })
    });
    assert_ne!(
        h.state().workspace().doc_index(),
        before,
        "documents were switched"
    );

    // The filter field, by its hint (AccessKit placeholder).
    let hint = "filter: text, or key=value (outlet=…)";
    h.get_by(|n| n.role() == Role::TextInput && n.data().placeholder() == Some(hint))
        .click();
    h.run_steps(2);
    c.bench_function("filter_docs_10k", |b| {
        b.iter_custom(|iters| {
            time_frames(&mut h, iters, |h, i| {
                if i % 2 == 0 {
                    h.event(Event::Text("w".into()));
                } else {
                    h.key_press(Key::Backspace);
                }
            })
        })
    });
    // The filter works: «wasat» keeps a fifth of the corpus.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.key_press(Key::Backspace);
    h.run_steps(1);
    for ch in "wasat".chars() {
        h.event(Event::Text(ch.to_string()));
        h.run_steps(1);
    }
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("2000 of 10000 documents")
            .is_some(),
        "«wasat» keeps the Al Wasat fifth of the corpus (filtered: {})",
        h.query_by_label_contains("of 10000 documents").is_some()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
