//! `frame_1mb`: one headless egui frame of the article view scrolled to the middle of a
//! 1 MB Arabic text carrying 10,000 spans (layout cached, as in the running app).
//! `frame_scroll_1mb`: the same, but every frame scrolls on by about three lines (the
//! next of 4,000 positions through the text), so every frame shows other lines, other
//! highlights and, the first time round, other glyphs.

use criterion::{Criterion, criterion_group, criterion_main};
use hashiya::model::{Span, SpanIndex};
use hashiya::ui::article_view::{ArticleView, Highlight};

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

fn frame_1mb(c: &mut Criterion) {
    // As the app does at start (src/main.rs).
    hashiya::text::memory::keep_freed_memory();
    let text = article_1mb();
    let spans = spans(&text, 10_000);
    let index = SpanIndex::new(&spans);
    let ctx = egui::Context::default();
    hashiya::ui::install_fonts(&ctx);
    let mut view = ArticleView::new();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let run = |view: &mut ArticleView| {
        let _ = ctx.run_ui(input(), |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                view.show(ui, "bench", &text, &mut |r| {
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
    };
    // First frames: layout, scroll to the middle, rasterise the glyphs.
    run(&mut view);
    let mid = text.chars().count() / 2;
    view.reveal(mid..mid + 1, 0.0);
    for _ in 0..5 {
        run(&mut view);
    }
    let built = view.layouts_built;
    c.bench_function("frame_1mb", |b| b.iter(|| run(&mut view)));
    assert_eq!(view.layouts_built, built, "a frame must not re-layout");

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
    assert_eq!(view.layouts_built, built, "scrolling must not re-layout");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = frame_1mb
}
criterion_main!(benches);
