//! `frame_1mb`: one headless egui frame of the article view scrolled to the middle of a
//! 1 MB Arabic text carrying 10,000 spans (layout cached, as in the running app).
//! `frame_scroll_1mb`: the same, but every frame scrolls on by about three lines (the
//! next of 4,000 positions through the text), so every frame shows other lines, other
//! highlights and, the first time round, other glyphs.
//! `tag_1mb` / `undo_1mb`: tagging a word of the 1 MB article carrying 21,525 spans
//! (the sample's spans on each of its 205 copies, as `tools/make_big.py`) through the
//! [`Workspace`], then the next frame of the article view with the highlights of the
//! span index updated in place for the new revision (as `ui::article::ArticlePanel`
//! does); and
//! undoing it, then the next frame. The step back (undo, resp. redo) and its frame are
//! not timed.

use criterion::{Criterion, criterion_group, criterion_main};
use hashiya::model::edit::{self, TagOptions};
use hashiya::model::{IndexUpdate, Project, Span, SpanDelta, SpanIndex};
use hashiya::ui::article_view::{ArticleView, Highlight};
use hashiya::workspace::Workspace;

fn article_1mb() -> String {
    let sample = hashiya::store::parse(
        std::path::Path::new("sample"),
        include_bytes!("../projects/derna-sirte.json"),
    )
    .expect("sample loads")
    .project
    .documents[0]
        .text
        .clone();
    let mut text = String::with_capacity(1_100_000);
    while text.len() < 1_000_000 {
        text.push_str(&sample);
        text.push('\n');
    }
    text
}

fn spans(text: &str, n: usize) -> Vec<Span> {
    let len = text.chars().count();
    let step = len / n;
    (0..n)
        .map(|i| {
            let s = i * step;
            Span::new(
                format!("s{i}"),
                s,
                (s + 12 + (i % 5) * 7).min(len),
                ["claim", "actor", "location"][i % 3],
                "",
            )
        })
        .collect()
}

/// One headless frame of `view` showing `text`, with the highlights of `spans` found
/// through `index` (as the app's article panel draws them).
fn show_frame(
    ctx: &egui::Context,
    view: &mut ArticleView,
    key: &str,
    text: &str,
    spans: &[Span],
    index: &SpanIndex,
) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            view.show(ui, key, text, &mut |r| {
                index
                    .overlapping(r)
                    .map(|i| Highlight {
                        range: spans[i].start..spans[i].end,
                        color: egui::Color32::from_rgb(76, 139, 245),
                        lane: index.lane(i),
                        chip: spans[i].label.clone(),
                        emphasised: false,
                        id: i,
                        outline: false,
                    })
                    .collect()
            });
        });
    });
    // Nothing paints here: the glyph atlas's texture updates are dropped on purpose
    // (epaint's debug check refuses a `TexturesDelta` dropped with deltas in it).
    output.textures_delta.clear();
}

fn frame_1mb(c: &mut Criterion) {
    // As the app does at start (src/main.rs).
    hashiya::text::memory::keep_freed_memory();
    let text = article_1mb();
    let spans = spans(&text, 10_000);
    let index = SpanIndex::new(&spans);
    let ctx = egui::Context::default();
    hashiya::ui::install_fonts(&ctx);
    let mut view = ArticleView::new();
    let run = |view: &mut ArticleView| show_frame(&ctx, view, "bench", &text, &spans, &index);
    // First frames: layout (the whole text arrives from the background), scroll to
    // the middle, rasterise the glyphs.
    run(&mut view);
    while !view.layout_complete() {
        std::thread::sleep(std::time::Duration::from_millis(5));
        run(&mut view);
    }
    let mid = text.chars().count() / 2;
    view.reveal(mid..mid + 1, 0.0);
    for _ in 0..5 {
        run(&mut view);
    }
    let built = view.layouts.built();
    c.bench_function("frame_1mb", |b| b.iter(|| run(&mut view)));
    assert_eq!(view.layouts.built(), built, "a frame must not re-layout");

    let n = text.chars().count();
    let positions: Vec<usize> = (0..4000).map(|i| (n / 8 + i * 200) % n).collect();
    let mut next = 0;
    c.bench_function("frame_scroll_1mb", |b| {
        b.iter(|| {
            let p = positions[next % positions.len()];
            next += 1;
            view.reveal(p..p + 1, 0.0);
            run(&mut view)
        })
    });
    assert_eq!(view.layouts.built(), built, "scrolling must not re-layout");
}

#[path = "support/sample_copies.rs"]
mod sample_copies;

/// The sample article 205 times in one document with annotator-a's spans on every copy
/// (no entity registry).
fn big_project() -> Project {
    let mut p = sample_copies::sample_copies(205);
    p.entities.clear();
    p
}

fn tag_1mb(c: &mut Criterion) {
    hashiya::text::memory::keep_freed_memory();
    let project = big_project();
    let mut ws = Workspace::new(project, None, Vec::new());
    let key = ws.set_key().expect("a set");
    let text = ws.project().documents[0].text.clone();
    eprintln!(
        "tag_1mb: {} bytes, {} spans",
        text.len(),
        ws.current_set().map_or(0, |s| s.spans.len())
    );
    // An untagged word in the middle: «الأربعاء» in copy 100.
    let unit = text.chars().count() / 205;
    let at = text
        .match_indices("الأربعاء")
        .map(|(b, _)| text[..b].chars().count())
        .find(|&cp| cp > 100 * unit)
        .expect("word in the middle");
    let word = at..at + "الأربعاء".chars().count();
    assert!(
        ws.current_set()
            .unwrap()
            .spans
            .iter()
            .all(|s| !(s.start < word.end && word.start < s.end)),
        "the word is not tagged yet"
    );
    let ctx = egui::Context::default();
    hashiya::ui::install_fonts(&ctx);
    let mut view = ArticleView::new();
    // The span index of the current revision, as ArticlePanel keeps it.
    let mut index: (u64, SpanIndex) = (u64::MAX, SpanIndex::default());
    let mut frame = |ws: &Workspace, view: &mut ArticleView| {
        let spans = &ws.current_set().unwrap().spans;
        if index.0 != ws.revision() {
            index.1.follow(ws.span_delta_since(index.0), spans);
            index.0 = ws.revision();
        }
        show_frame(&ctx, view, "big", &text, spans, &index.1);
    };
    frame(&ws, &mut view);
    while !view.layout_complete() {
        std::thread::sleep(std::time::Duration::from_millis(5));
        frame(&ws, &mut view);
    }
    view.reveal(word.clone(), 0.0);
    for _ in 0..5 {
        frame(&ws, &mut view);
    }
    let built = view.layouts.built();
    let tag = |ws: &mut Workspace| {
        let cmd = edit::tag(
            ws.project(),
            &key,
            word.clone(),
            "actor",
            TagOptions::default(),
        );
        ws.apply(cmd).expect("tagged");
    };
    c.bench_function("tag_1mb", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let t = std::time::Instant::now();
                tag(&mut ws);
                frame(&ws, &mut view);
                total += t.elapsed();
                ws.undo();
                frame(&ws, &mut view);
            }
            total
        })
    });
    c.bench_function("undo_1mb", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                tag(&mut ws);
                frame(&ws, &mut view);
                let t = std::time::Instant::now();
                ws.undo();
                frame(&ws, &mut view);
                total += t.elapsed();
            }
            total
        })
    });
    assert_eq!(view.layouts.built(), built, "tagging must not re-layout");
    // The span index: built from the set's (already sorted) spans, and updated in place
    // for one added span and back, from the delta the workspace reports (the part of
    // tag_1mb and undo_1mb that is the index).
    let spans = ws.current_set().unwrap().spans.clone();
    c.bench_function("span_index_1mb", |b| b.iter(|| SpanIndex::new(&spans)));
    tag(&mut ws);
    let tagged = ws.current_set().unwrap().spans.clone();
    ws.undo();
    assert_eq!(tagged.len(), spans.len() + 1);
    let mut index = SpanIndex::new(&spans);
    let delta = SpanDelta {
        removed: Vec::new(),
        // The first span that differs is the new one (both are sorted).
        added: tagged
            .iter()
            .zip(spans.iter().map(Some).chain([None]))
            .find(|(t, s)| Some(*t) != *s)
            .map(|(t, _)| std::iter::once(t.start..t.end).collect())
            .expect("one added span"),
    };
    c.bench_function("span_index_update_1mb", |b| {
        b.iter(|| {
            let added = index.apply_delta(&delta, &tagged);
            let removed = index.apply_delta(&delta.inverse(), &spans);
            assert!(matches!(
                added,
                IndexUpdate::InPlace {
                    added: 1,
                    removed: 0
                }
            ));
            assert!(matches!(
                removed,
                IndexUpdate::InPlace {
                    added: 0,
                    removed: 1
                }
            ));
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = frame_1mb, tag_1mb
}
criterion_main!(benches);
