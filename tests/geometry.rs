//! Hit testing and highlight geometry of the text engine, property-tested on the sample
//! article at two widths (and with CRLF line endings at a third), and on the
//! mixed-direction lines of `tests/bidi.rs`.
//!
//! The reference geometry is the engine's own list of grapheme clusters per line
//! (`ArticleLayout::line_runs`, whose glyphs `tests/shaping.rs` checks against
//! HarfBuzz): each cluster is a box from its left to its right edge, over the line's
//! height. Against it:
//! - `hit_char` of a point inside a line returns a cluster whose box contains the point,
//!   and `caret_at` a caret drawn on one of the edges of that box;
//! - the union of `range_rects(s, e)` contains the centre of every cluster inside
//!   `s..e` and of no cluster outside it;
//! - `hit_char` at the centre of the rectangle of `i..i+1` is `i`, for every code point
//!   that starts a grapheme.
//!
//! Case counts are kept small so that `cargo test` stays quick in debug builds.

use hashiya::text::{ArticleLayout, ClusterBox, LayoutParams, Rect, TextEngine};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use unicode_segmentation::UnicodeSegmentation;

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/derna-sirte.txt"
    ))
    .unwrap()
}

fn mixed() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bidi-lines.txt"
    ))
    .unwrap()
}

/// A laid-out text with the cluster boxes of each line.
struct Laid {
    text: String,
    layout: ArticleLayout,
    /// Per line: (top, bottom, clusters in visual order).
    lines: Vec<(f32, f32, Vec<ClusterBox>)>,
}

fn lay_out(text: String, width: f32) -> Laid {
    let mut engine = TextEngine::new();
    let layout = ArticleLayout::new(&mut engine, &text, LayoutParams::new(width, 22.0));
    let lines = (0..layout.lines().len())
        .map(|li| {
            let l = &layout.lines()[li];
            let clusters = layout
                .line_runs(&engine, li)
                .into_iter()
                .flat_map(|r| r.clusters)
                .collect();
            (l.top, l.bottom, clusters)
        })
        .collect();
    Laid {
        text,
        layout,
        lines,
    }
}

fn cases(n: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    })
}

const EPS: f32 = 0.01;

fn layouts() -> Vec<(&'static str, Laid)> {
    vec![
        ("sample@800", lay_out(sample(), 800.0)),
        ("sample@317", lay_out(sample(), 317.0)),
        ("mixed@400", lay_out(mixed(), 400.0)),
        (
            "sample-crlf@500",
            lay_out(sample().replace('\n', "\r\n"), 500.0),
        ),
    ]
}

#[test]
fn a_point_on_a_glyph_hits_that_glyph() {
    for (name, t) in layouts() {
        let lines: Vec<usize> = (0..t.lines.len())
            .filter(|&i| !t.lines[i].2.is_empty())
            .collect();
        let strategy = (0..lines.len(), 0.0f32..1.0, 0.02f32..0.98);
        cases(200)
            .run(&strategy, |(li, fx, fy)| {
                let (top, bottom, clusters) = &t.lines[lines[li]];
                let x0 = clusters.first().unwrap().x0;
                let x1 = clusters.last().unwrap().x1;
                let (x, y) = (x0 + fx * (x1 - x0), top + fy * (bottom - top));
                let under: Vec<&ClusterBox> = clusters
                    .iter()
                    .filter(|c| c.x1 - c.x0 > EPS && c.x0 - EPS <= x && x <= c.x1 + EPS)
                    .collect();
                prop_assume!(!under.is_empty());
                let hit = t.layout.hit_char(x, y);
                prop_assert!(
                    under.iter().any(|c| Some(c.range.start) == hit),
                    "{name}: ({x}, {y}) hit {hit:?}, clusters under it {under:?}"
                );
                // The caret a click there sets is drawn on an edge of that glyph.
                let caret = t.layout.caret_at(x, y);
                let r = t.layout.caret_rect(caret, false);
                prop_assert!(
                    under
                        .iter()
                        .any(|c| c.x0 - EPS <= r.x0 && r.x0 <= c.x1 + EPS),
                    "{name}: ({x}, {y}) caret {caret} drawn at x {} y {}..{}, clusters under the point {under:?}",
                    r.x0,
                    r.y0,
                    r.y1
                );
                prop_assert!(
                    (r.y0 - top).abs() < 1.0 && (r.y1 - bottom).abs() < 1.0,
                    "{name}: ({x}, {y}) caret {caret} drawn on another line: y {}..{} (line {top}..{bottom})",
                    r.y0,
                    r.y1
                );
                Ok(())
            })
            .unwrap();
    }
}

/// Checks that the union of `rects` covers the centre of every cluster of `s..e` and of
/// no other cluster (clusters only partly inside are not checked).
fn check_cover(t: &Laid, name: &str, s: usize, e: usize, rects: &[Rect]) -> Result<(), String> {
    for (top, bottom, clusters) in &t.lines {
        let cy = (top + bottom) / 2.0;
        for c in clusters {
            if c.x1 - c.x0 < 0.5 {
                continue;
            }
            let inside = s <= c.range.start && c.range.end <= e;
            let outside = c.range.end <= s || e <= c.range.start;
            if !inside && !outside {
                continue;
            }
            let cx = (c.x0 + c.x1) / 2.0;
            let covered = rects.iter().any(|r| r.contains(cx, cy));
            if covered != inside {
                let ch: String = t
                    .text
                    .chars()
                    .skip(c.range.start)
                    .take(c.range.len())
                    .collect();
                return Err(format!(
                    "{name}: range {s}..{e}: cluster {:?} {ch:?} at x {}..{} y {top}..{bottom} is {} but {}",
                    c.range,
                    c.x0,
                    c.x1,
                    if inside { "inside" } else { "outside" },
                    if covered { "covered" } else { "not covered" },
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn range_rects_cover_exactly_the_range() {
    for (name, t) in layouts() {
        let n = t.text.chars().count();
        let strategy = (0..n, 1usize..300);
        cases(60)
            .run(&strategy, |(s, len)| {
                let e = (s + len).min(n);
                let rects = t.layout.range_rects(s, e);
                check_cover(&t, name, s, e, &rects).map_err(TestCaseError::fail)
            })
            .unwrap();
    }
}

/// Every grapheme except the alef of a lam-alef: Noto Naskh Arabic draws lam-alef as
/// the lam's glyph followed by a zero-advance alef (`tests/shaping.rs` checks that
/// HarfBuzz does the same), so that alef has no area of its own to hit or highlight.
#[test]
fn the_centre_of_a_characters_rect_hits_that_character() {
    for (name, t) in layouts() {
        let zero_width: std::collections::HashSet<usize> = t
            .lines
            .iter()
            .flat_map(|l| l.2.iter())
            .filter(|c| c.x1 - c.x0 < EPS)
            .map(|c| c.range.start)
            .collect();
        let chars: Vec<char> = t.text.chars().collect();
        let mut cp = 0;
        let (mut checked, mut alefs) = (0, 0);
        for g in t.text.graphemes(true) {
            let n = g.chars().count();
            let rects = t.layout.range_rects(cp, cp + 1);
            if g == "\n" || g == "\r\n" {
                assert!(
                    rects.is_empty(),
                    "{name}: a rectangle for the newline at {cp}"
                );
            } else if zero_width.contains(&cp) {
                // The lam may carry a mark (قتيلًا).
                let base = chars[..cp]
                    .iter()
                    .rev()
                    .find(|c| !('\u{064B}'..='\u{0652}').contains(*c));
                assert!(
                    "اأإآ".contains(chars[cp]) && base == Some(&'ل'),
                    "{name}: zero-width grapheme {g:?} at {cp} is not the alef of a lam-alef"
                );
                assert!(
                    rects.iter().all(|r| r.width() < EPS),
                    "{name}: {cp}: {rects:?}"
                );
                alefs += 1;
            } else {
                assert!(!rects.is_empty(), "{name}: no rectangle for {cp} {g:?}");
                let (x, y) = rects[0].center();
                assert_eq!(
                    t.layout.hit_char(x, y),
                    Some(cp),
                    "{name}: centre ({x}, {y}) of the rectangle of {cp} {g:?}: {rects:?}"
                );
                checked += 1;
            }
            cp += n;
        }
        if name.starts_with("sample") {
            assert!(
                checked > 2000 && alefs == 26,
                "{name}: {checked} graphemes, {alefs} alefs"
            );
        }
    }
}

/// The drawn caret (what the view paints for a caret at `cp`) and its line.
fn drawn(t: &Laid, cp: usize) -> (f32, usize) {
    let r = t.layout.caret_rect(cp, false);
    (r.x0, t.layout.line_at_y((r.y0 + r.y1) / 2.0).unwrap())
}

/// From every caret position (every third one in the sample, to keep debug builds
/// quick), each arrow key moves the drawn caret: the way it points on the same line, or
/// to the neighbouring line in reading order.
#[test]
fn an_arrow_key_moves_the_drawn_caret_the_way_it_points() {
    for (name, t) in layouts() {
        let n = t.text.chars().count();
        let rtl = t.layout.is_rtl();
        let step = if name.starts_with("sample") { 3 } else { 1 };
        let mut problems = Vec::new();
        for cp in (0..=n).step_by(step) {
            for left in [true, false] {
                let next = t.layout.move_visual(cp, left);
                let ((x0, l0), (x1, l1)) = (drawn(&t, cp), drawn(&t, next));
                let key = if left { "Left" } else { "Right" };
                let ok = if next == cp {
                    // Only at the ends of the document.
                    let last = t.lines.len() - 1;
                    l0 == if left == rtl { last } else { 0 }
                } else if l1 == l0 {
                    if left { x1 < x0 } else { x1 > x0 }
                } else {
                    l1 == if left == rtl {
                        l0 + 1
                    } else {
                        l0.wrapping_sub(1)
                    }
                };
                if !ok {
                    problems.push(format!(
                        "{name}: {key} from {cp} (line {l0}, x {x0}) to {next} (line {l1}, x {x1})"
                    ));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems[..problems.len().min(20)].join("\n")
        );
    }
}

/// Holding an arrow key walks the whole document, line by line in reading order, and
/// stops at its end: no caret position is left twice, none is a dead end. (On the
/// narrow layouts only: each press costs a line's worth of caret geometry.)
#[test]
fn holding_an_arrow_key_walks_every_line() {
    for (name, t) in layouts()
        .into_iter()
        .filter(|(name, _)| ["sample@317", "mixed@400"].contains(name))
    {
        let n = t.text.chars().count();
        let rtl = t.layout.is_rtl();
        for left in [true, false] {
            let forward = left == rtl;
            let mut cp = if forward { 0 } else { n };
            let mut lines = vec![drawn(&t, cp).1];
            let mut presses = 0;
            loop {
                let next = t.layout.move_visual(cp, left);
                if next == cp {
                    break;
                }
                presses += 1;
                assert!(presses <= n + t.lines.len(), "{name}: no end in sight");
                let l = drawn(&t, next).1;
                if lines.last() != Some(&l) {
                    lines.push(l);
                }
                cp = next;
            }
            let mut all: Vec<usize> = (0..t.lines.len()).collect();
            if !forward {
                all.reverse();
            }
            assert_eq!(
                lines,
                all,
                "{name}: lines visited holding {}",
                if left { "Left" } else { "Right" }
            );
            assert!(presses >= n / 2, "{name}: only {presses} presses");
        }
    }
}
