//! Criterion benchmarks of the Arabic text engine (results: docs/BENCHMARKS.md).
//!
//! `cargo bench --bench text -- --warm-up-time 1 --measurement-time 5`
//!
//! - `layout_article`: the sample article (tests/fixtures/derna-sirte.txt) at 800 px;
//! - `layout_1mb`: the article repeated to about 1 MiB, at 800 px (paragraphs shaped on
//!   as many threads as there are cores, as in the app); `layout_1mb_1thread`: the same
//!   on one thread;
//! - `shape_harfrust_1mb`: the HarfBuzz-alone baseline: the same runs (same text, font,
//!   direction, script, context) shaped with `harfrust` directly, nothing else (no bidi,
//!   no line breaking, no layout objects). Budget: `layout_1mb` ≤ 2 × this, and < 600 ms;
//! - `hit_test`: `hit_char` + `caret_at` at one point of the 1 MiB layout (points spread
//!   over the whole document);
//! - `selection_geometry`: `range_rects` of a 500-code-point range (7–9 lines) of the
//!   1 MiB layout, at positions spread over the document;
//! - `layout_growth/N`: layout of N × 128 KiB (N = 1, 2, 4, 8), to show linear growth.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hashiya::fonts;
use hashiya::text::{ArticleLayout, LayoutParams, TextEngine};

const ARTICLE: &str = include_str!("../tests/fixtures/derna-sirte.txt");
const MIB: usize = 1 << 20;

/// How many copies of the article make at least `bytes`.
fn copies_for(bytes: usize) -> usize {
    bytes.div_ceil(ARTICLE.len() + 1)
}

/// The article repeated (copies separated by a newline) to at least `bytes`.
fn repeated(bytes: usize) -> String {
    vec![ARTICLE; copies_for(bytes)].join("\n")
}

fn params() -> LayoutParams {
    LayoutParams::new(800.0, 22.0)
}

/// Deterministic pseudo-random numbers (no extra dependency).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn layout(c: &mut Criterion) {
    // As the app does at start (src/main.rs).
    hashiya::text::memory::keep_freed_memory();
    let mut engine = TextEngine::new();
    let mut g = c.benchmark_group("layout");
    g.throughput(Throughput::Bytes(ARTICLE.len() as u64));
    g.bench_function("layout_article", |b| {
        b.iter(|| ArticleLayout::new(&mut engine, black_box(ARTICLE), params()))
    });
    let big = repeated(MIB);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.sample_size(10);
    g.bench_function("layout_1mb", |b| {
        b.iter(|| ArticleLayout::new(&mut engine, black_box(&big), params()))
    });
    // The same on one thread: the total CPU cost, whatever the number of cores.
    g.bench_function("layout_1mb_1thread", |b| {
        b.iter(|| ArticleLayout::with_threads(&mut engine, black_box(&big), params(), 1))
    });
    g.finish();
}

/// One directional single-font run, as the engine itemised it.
struct RunSpec {
    font: usize,
    rtl: bool,
    arabic: bool,
    /// Byte ranges in the article: the paragraph and the run within it.
    para: std::ops::Range<usize>,
    run: std::ops::Range<usize>,
    /// The engine's glyph ids for the run (visual order), to check the baseline.
    glyphs: Vec<u32>,
}

/// The runs of every paragraph of the article, taken from the engine's own layout (one
/// line per paragraph).
fn article_runs() -> Vec<RunSpec> {
    let mut engine = TextEngine::new();
    let layout = ArticleLayout::new(&mut engine, ARTICLE, LayoutParams::new(1.0e5, 22.0));
    let m = layout.offsets();
    let mut out = Vec::new();
    for li in 0..layout.lines().len() {
        let line = &layout.lines()[li];
        let para = m.cp_to_byte(line.range.start).unwrap()..m.cp_to_byte(line.range.end).unwrap();
        let mut runs: Vec<RunSpec> = layout
            .line_runs(&engine, li)
            .into_iter()
            .map(|r| {
                let run = m.cp_to_byte(r.range.start).unwrap()..m.cp_to_byte(r.range.end).unwrap();
                RunSpec {
                    font: r.font.0 as usize,
                    rtl: r.rtl,
                    // parley's script for a run of Common characters is that of
                    // the letters around it: in the sample, Arabic wherever the
                    // paragraph has an Arabic letter (all but the "441" one).
                    arabic: ARTICLE[para.clone()]
                        .chars()
                        .any(|c| ('\u{0621}'..='\u{064A}').contains(&c)),
                    para: para.clone(),
                    run,
                    glyphs: r.glyphs.iter().map(|g| g.0).collect(),
                }
            })
            .collect();
        runs.sort_by_key(|r| r.run.start);
        out.extend(runs);
    }
    out
}

fn shape_harfrust(c: &mut Criterion) {
    use harfrust::{
        BufferClusterLevel, Direction, FontRef, ShapeOptions, ShapePlan, ShaperData, UnicodeBuffer,
        script,
    };
    let runs = article_runs();
    let repeats = copies_for(MIB);
    let font_refs: Vec<FontRef> = fonts::TEXT
        .iter()
        .map(|(_, bytes)| FontRef::new(bytes).unwrap())
        .collect();
    let data: Vec<ShaperData> = font_refs.iter().map(ShaperData::new).collect();
    let shapers: Vec<_> = font_refs
        .iter()
        .zip(&data)
        .map(|(f, d)| d.shaper(f).build())
        .collect();
    // Plans per (font, direction, script), made once like parley's plan cache.
    let plan = |font: usize, rtl: bool, arabic: bool| {
        ShapePlan::new(
            &shapers[font],
            if rtl {
                Direction::RightToLeft
            } else {
                Direction::LeftToRight
            },
            Some(if arabic {
                script::ARABIC
            } else {
                script::LATIN
            }),
            None,
            &[],
        )
    };
    let plans: Vec<ShapePlan> = (0..8)
        .map(|i| plan(i >> 2, i & 2 != 0, i & 1 != 0))
        .collect();
    let shape = |r: &RunSpec, buf: UnicodeBuffer| {
        let mut buf = buf;
        buf.set_cluster_level(BufferClusterLevel::MonotoneCharacters);
        for (i, ch) in ARTICLE[r.run.clone()].chars().enumerate() {
            buf.add(ch, i as u32);
        }
        buf.set_pre_context(&ARTICLE[r.para.start..r.run.start]);
        buf.set_post_context(&ARTICLE[r.run.end..r.para.end]);
        let p = &plans[r.font * 4 + (r.rtl as usize) * 2 + r.arabic as usize];
        buf.set_direction(p.direction());
        buf.set_script(p.script().unwrap());
        shapers[r.font].shape(buf, ShapeOptions::new().plan(Some(p)))
    };
    // The baseline does the engine's shaping work: same glyphs for every run.
    for r in &runs {
        let out = shape(r, UnicodeBuffer::new());
        let ids: Vec<u32> = out.glyph_infos().iter().map(|g| g.glyph_id).collect();
        assert_eq!(ids, r.glyphs, "run {:?}", r.run);
    }
    let mut g = c.benchmark_group("shaping");
    g.throughput(Throughput::Bytes(repeated(MIB).len() as u64));
    g.sample_size(10);
    g.bench_function("shape_harfrust_1mb", |b| {
        let mut buffer = Some(UnicodeBuffer::new());
        b.iter(|| {
            let mut glyphs = 0usize;
            for _ in 0..repeats {
                for r in &runs {
                    let out = shape(r, buffer.take().unwrap());
                    glyphs += black_box(out.glyph_positions()).len();
                    buffer = Some(out.clear());
                }
            }
            glyphs
        })
    });
    g.finish();
}

fn queries(c: &mut Criterion) {
    let mut engine = TextEngine::new();
    let big = repeated(MIB);
    let layout = ArticleLayout::new(&mut engine, &big, params());
    let mut rng = Lcg(42);
    let h = layout.height();
    let points: Vec<(f32, f32)> = (0..4096)
        .map(|_| {
            let x = (rng.next() % 800) as f32;
            let y = (rng.next() % (h as u64)) as f32;
            (x, y)
        })
        .collect();
    let n = layout.offsets().len_chars();
    let ranges: Vec<(usize, usize)> = (0..4096)
        .map(|_| {
            let s = rng.next() as usize % (n - 500);
            (s, s + 500)
        })
        .collect();
    let mut g = c.benchmark_group("queries_1mb");
    let mut i = 0;
    g.bench_function("hit_test", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            let (x, y) = points[i];
            (layout.hit_char(x, y), layout.caret_at(x, y))
        })
    });
    let mut i = 0;
    g.bench_function("selection_geometry", |b| {
        b.iter(|| {
            i = (i + 1) % ranges.len();
            let (s, e) = ranges[i];
            let mut n = 0;
            layout.range_rects_with(s, e, |r| {
                black_box(r);
                n += 1;
            });
            n
        })
    });
    // One arrow-key step (`move_visual`) on the 1 MiB layout at 22 px (lines of about
    // 66 code points), and on a paragraph with lines of about 300 code points (6 px at
    // 952 px: the fuzzer's slowest input) — its cost grows with the square of the line
    // length (a caret position per code point of the line, each found from the line
    // start by parley).
    let mut i = 0;
    g.bench_function("move_visual", |b| {
        b.iter(|| {
            i = (i + 1) % ranges.len();
            layout.move_visual(ranges[i].0, i % 2 == 0)
        })
    });
    g.finish();
    let para = "نص ".repeat(340);
    let small = ArticleLayout::new(&mut engine, &para, LayoutParams::new(952.0, 6.0));
    let n = para.chars().count();
    let mut i = 0;
    c.bench_function("move_visual_300cp_lines", |b| {
        b.iter(|| {
            i = (i + 97) % n;
            small.move_visual(i, i % 2 == 0)
        })
    });
}

fn growth(c: &mut Criterion) {
    let mut engine = TextEngine::new();
    let mut g = c.benchmark_group("layout_growth");
    g.sample_size(10);
    for n in [1usize, 2, 4, 8] {
        let text = repeated(n * MIB / 8);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| ArticleLayout::new(&mut engine, black_box(text), params()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = layout, shape_harfrust, queries, growth
}
criterion_main!(benches);
