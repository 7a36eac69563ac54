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
//! The same properties, and the arrow-key walks, also run on generated paragraphs mixing
//! Arabic, Latin, European and Arabic-Indic digits, brackets and punctuation, wrapped at
//! generated widths; and on many such paragraphs (`mixed_paragraphs_*`):
//! - every non-empty range has rectangles, and on each line the union of a range's
//!   rectangles is the union of the extents of the range's clusters on that line;
//! - the caret of every offset is drawn on an edge of its cluster, on that cluster's line;
//! - whitespace at the end of a line is at the line's end edge (UAX #9 L1: it takes the
//!   paragraph's level), so nothing of the line is drawn beyond it.
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

/// Pieces of generated mixed-direction news text.
const ARABIC: &[&str] = &[
    "قال",
    "المجلس",
    "الرئاسي",
    "ممثلي",
    "حكومة",
    "الوفاق",
    "درنة",
    "سرت",
    "لا",
    "إلى",
    "منازلهم",
    "شخصًا",
    "الأمم",
    "المتحدة",
    "وزارة",
    "الصحة",
    "بنغازي",
    "و«الدولة»",
];
const LATIN: &[&str] = &[
    "The",
    "talks",
    "in",
    "Geneva",
    "UN",
    "envoy",
    "Reuters",
    "GNA",
    "Haftar",
    "said",
    "European",
    "Union",
    "al-Sarraj",
    "and",
];
const NUMBERS: &[&str] = &[
    "40",
    "2016",
    "12.5%",
    "1,200",
    "٣٥",
    "١٢٣٬٤٥٦",
    "٧٠",
    "14:30",
    "091-234",
];
const MARKS: &[&str] = &[
    "(", ")", "[", "]", "«", "»", "\"", ".", "،", ",", "؟", ":", "-", "/",
];

/// A generated text: tokens from the lists above (picked by `picks`: kind, index,
/// separator), separated by a space, nothing or (rarely) a new paragraph.
fn mixed_text(picks: &[(u8, u8, u8)]) -> String {
    let mut text = String::new();
    for &(kind, i, sep) in picks {
        let list = match kind % 7 {
            0 | 1 => ARABIC,
            2 | 3 => LATIN,
            4 => NUMBERS,
            _ => MARKS,
        };
        text.push_str(list[i as usize % list.len()]);
        text.push_str(match sep % 12 {
            0 => "",
            1 if !text.ends_with('\n') => "\n",
            2 => "  ",
            _ => " ",
        });
    }
    text
}

/// Deterministic generated texts for the shared property tests.
fn generated(n: usize, seed: u64) -> Vec<(String, f32)> {
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    (0..n)
        .map(|_| {
            let len = 30 + next() as usize % 40;
            let picks: Vec<(u8, u8, u8)> = (0..len)
                .map(|_| (next() as u8, next() as u8, next() as u8))
                .collect();
            (mixed_text(&picks), 90.0 + (next() % 300) as f32)
        })
        .collect()
}

fn layouts() -> Vec<(&'static str, Laid)> {
    let mut v = vec![
        ("sample@800", lay_out(sample(), 800.0)),
        ("sample@317", lay_out(sample(), 317.0)),
        ("mixed@400", lay_out(mixed(), 400.0)),
        (
            "sample-crlf@500",
            lay_out(sample().replace('\n', "\r\n"), 500.0),
        ),
    ];
    for (text, width) in generated(4, 19) {
        v.push(("generated", lay_out(text, width)));
    }
    v
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
        .filter(|(name, _)| ["sample@317", "mixed@400", "generated"].contains(name))
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

/// Per line: the merged horizontal intervals of some boxes (touching ones joined).
fn merged(mut v: Vec<(usize, f32, f32)>) -> Vec<(usize, f32, f32)> {
    v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out: Vec<(usize, f32, f32)> = Vec::new();
    for (l, x0, x1) in v {
        match out.last_mut() {
            Some(last) if last.0 == l && x0 <= last.2 + EPS => last.2 = last.2.max(x1),
            _ => out.push((l, x0, x1)),
        }
    }
    out
}

/// The properties of one generated layout, as a list of failures.
fn check_mixed(t: &Laid, ranges: &[(usize, usize)]) -> Vec<String> {
    let mut problems = Vec::new();
    let chars: Vec<char> = t.text.chars().collect();
    let n = chars.len();
    let show = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
    // Ranges: every word (UAX #29 segment) and the given ones.
    let mut all: Vec<(usize, usize)> = ranges.to_vec();
    let mut cp = 0;
    for w in t.text.split_word_bounds() {
        let k = w.chars().count();
        all.push((cp, cp + k));
        cp += k;
    }
    for &(s, e) in &all {
        let (s, e) = (s.min(n), e.min(n));
        if s >= e {
            continue;
        }
        let rects = t.layout.range_rects(s, e);
        let drawn: Vec<(usize, f32, f32)> = rects
            .iter()
            .map(|r| {
                let (_, y) = r.center();
                (t.layout.line_at_y(y).unwrap(), r.x0, r.x1)
            })
            .collect();
        let expected: Vec<(usize, f32, f32)> = t
            .lines
            .iter()
            .enumerate()
            .flat_map(|(li, (_, _, clusters))| {
                clusters
                    .iter()
                    .filter(|c| c.range.start < e && s < c.range.end)
                    .map(move |c| (li, c.x0, c.x1))
            })
            .collect();
        if !chars[s..e].iter().all(|&c| c == '\n') && rects.is_empty() {
            problems.push(format!("range {s}..{e} {:?}: no rectangle", show(s, e)));
            continue;
        }
        let (drawn, expected) = (merged(drawn), merged(expected));
        let same = drawn.len() == expected.len()
            && drawn
                .iter()
                .zip(&expected)
                .all(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() < EPS && (a.2 - b.2).abs() < EPS);
        if !same {
            problems.push(format!(
                "range {s}..{e} {:?}: rectangles {drawn:?}, clusters {expected:?}",
                show(s, e)
            ));
        }
    }
    // Carets: every offset on an edge of the cluster containing it (the end of a
    // paragraph: of its last cluster), on that cluster's line.
    for cp in 0..=n {
        let at = |k: usize| {
            t.lines.iter().enumerate().find_map(|(li, (_, _, cl))| {
                cl.iter()
                    .find(|c| c.range.start <= k && k < c.range.end)
                    .map(|c| (li, c.clone()))
            })
        };
        let found = match at(cp) {
            Some(f) => Some(f),
            None if cp > 0 && chars[cp - 1] != '\n' => at(cp - 1),
            None => None,
        };
        let Some((li, c)) = found else { continue };
        let r = t.layout.caret_rect(cp, false);
        let line = t.layout.line_at_y((r.y0 + r.y1) / 2.0).unwrap();
        let on_edge = (r.x0 - c.x0).abs() < EPS || (r.x0 - c.x1).abs() < EPS;
        if !on_edge || line != li {
            problems.push(format!(
                "caret {cp} drawn at x {} on line {line}; its cluster {:?} {:?} is at {}..{} on line {li}",
                r.x0,
                c.range,
                show(c.range.start, c.range.end),
                c.x0,
                c.x1
            ));
        }
    }
    // UAX #9 L1: the whitespace ending a line is at its end edge.
    for (li, (_, _, clusters)) in t.lines.iter().enumerate() {
        let info = &t.layout.lines()[li];
        let mut trailing: Vec<&ClusterBox> = clusters
            .iter()
            .filter(|c| {
                c.range.start >= info.range.start
                    && chars[c.range.clone()].iter().all(|&ch| ch == ' ')
                    && chars[c.range.end..info.range.end.max(c.range.end)]
                        .iter()
                        .all(|&ch| ch == ' ')
            })
            .collect();
        if trailing.is_empty() || trailing.len() == clusters.len() {
            continue;
        }
        trailing.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let (lo, hi) = (trailing[0].x0, trailing.last().unwrap().x1);
        let content = clusters.iter().filter(|c| !trailing.contains(c));
        let ok = if t.layout.line_is_rtl(li) {
            content.clone().all(|c| c.x0 >= hi - EPS)
        } else {
            content.clone().all(|c| c.x1 <= lo + EPS)
        };
        if !ok {
            problems.push(format!(
                "line {li} {:?}: its trailing whitespace at {lo}..{hi} is not at the line's end edge ({})",
                show(info.range.start, info.range.end),
                if t.layout.line_is_rtl(li) { "left" } else { "right" }
            ));
        }
    }
    problems
}

#[test]
fn mixed_paragraphs_ranges_carets_and_line_ends() {
    let picks = prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 8..70);
    let ranges = prop::collection::vec((0usize..400, 1usize..40), 12);
    let strategy = (picks, 60.0f32..420.0, ranges);
    cases(120)
        .run(&strategy, |(picks, width, ranges)| {
            let t = lay_out(mixed_text(&picks), width);
            let ranges: Vec<(usize, usize)> = ranges.iter().map(|&(s, k)| (s, s + k)).collect();
            let problems = check_mixed(&t, &ranges);
            prop_assert!(
                problems.is_empty(),
                "{:?} at {width} px: {} problems:\n{}",
                t.text,
                problems.len(),
                problems[..problems.len().min(12)].join("\n")
            );
            Ok(())
        })
        .unwrap();
}

/// The two texts of issue #19, at the widths where their ranges had no rectangle and
/// where a wrapped line's space sat inside the embedded run.
#[test]
fn mixed_paragraphs_of_issue_19() {
    let texts = [
        "أعلنت الحكومة (GNA) أن 40 ألف شخص عادوا إلى منازلهم.",
        "The talks in Geneva included ممثلي المجلس الرئاسي and the envoy.",
        "The UN envoy Martin Kobler met رئيس المجلس الرئاسي فائز السراج in Tripoli on Monday.",
    ];
    for text in texts {
        for width in (200..=360).step_by(5) {
            let t = lay_out(text.to_string(), width as f32);
            let problems = check_mixed(&t, &[]);
            assert!(
                problems.is_empty(),
                "{text:?} at {width} px:\n{}",
                problems.join("\n")
            );
        }
    }
    // «منازلهم.» at 220 px and «الرئاسي» at 317 px have their rectangle.
    for (text, word, width) in [(texts[0], "منازلهم.", 220.0), (texts[1], "الرئاسي", 317.0)]
    {
        let t = lay_out(text.to_string(), width);
        let s = text[..text.find(word).unwrap()].chars().count();
        let rects = t.layout.range_rects(s, s + word.chars().count());
        assert_eq!(rects.len(), 1, "{word} at {width}: {rects:?}");
    }
}
