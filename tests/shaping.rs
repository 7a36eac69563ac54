//! The text engine shapes exactly like HarfBuzz.
//!
//! Every paragraph of the sample article (and of the mixed-direction lines of
//! `tests/bidi.rs`) is laid out on one line at a font size equal to the fonts' units per
//! em (1000 for both Noto fonts, checked below), so that advances and offsets are in font
//! units. Each glyph run is compared, glyph by glyph, with `hb-shape`'s output for that
//! run's text, font and direction, recorded in `tests/fixtures/hb/*.json` by
//! `tools/gen_hb_fixtures.py` (read its docstring for the exact hb-shape options):
//! glyph ids, advances, x/y offsets (HarfBuzz's y offset is positive up, the engine's
//! y positive down) and clusters.
//!
//! Clusters are compared at grapheme granularity: parley reports every glyph under the
//! first code point of its (UAX #29) grapheme cluster, while HarfBuzz gives a combining
//! mark, ZWJ or ZWNJ its own cluster. Each HarfBuzz cluster is therefore mapped to the
//! first code point of the grapheme that contains it before comparing.
//!
//! The run boundaries in the fixtures come from the engine (hb-shape does neither bidi
//! nor font fallback), so they are checked here against facts computed without it:
//! FriBidi's embedding levels (a run's direction is its levels' parity) and Noto Naskh
//! Arabic's coverage (the engine asks for Naskh first, Noto Sans only for what Naskh
//! lacks).
//!
//! The fixture tests need no external tool. `fixtures_are_what_hb_shape_says_now`
//! re-runs hb-shape on every recorded run; without hb-shape it fails on CI and prints a
//! `SKIP:` line elsewhere (see `tests/common/tools.rs`).

use std::collections::HashMap;
use std::process::Command;

use ab_glyph::{Font, FontRef};
use hashiya::fonts;
use hashiya::text::{ArticleLayout, LayoutParams, TextEngine};
use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

use crate::common;

const FIXTURES: [&str; 2] = [
    "tests/fixtures/hb/derna-sirte.json",
    "tests/fixtures/hb/bidi-lines.json",
];

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn load(path: &str) -> Value {
    let s = std::fs::read_to_string(format!("{}/{path}", root())).unwrap();
    serde_json::from_str(&s).unwrap()
}

/// For every code point of `text`, the first code point of its grapheme cluster.
fn grapheme_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for g in text.graphemes(true) {
        let start = out.len();
        out.extend(std::iter::repeat_n(start, g.chars().count()));
    }
    out
}

#[test]
fn fonts_are_1000_units_per_em() {
    // The text fonts; the emoji font (2048 units) is in no fixture.
    for (name, bytes) in fonts::TEXT {
        let f = FontRef::try_from_slice(bytes).unwrap();
        assert_eq!(f.units_per_em(), Some(1000.0), "{name}");
    }
}

/// Compares one fixture file with the engine; returns the number of glyphs compared.
fn compare_fixture(path: &str) -> usize {
    let fx = load(path);
    let upem = fx["upem"].as_f64().unwrap() as f32;
    let text =
        std::fs::read_to_string(format!("{}/{}", root(), fx["source"].as_str().unwrap())).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let gstart = grapheme_starts(&text);
    let covers: HashMap<char, bool> = fx["naskh_covers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.chars().next().unwrap(), v.as_bool().unwrap()))
        .collect();

    let mut engine = TextEngine::new();
    let layout = ArticleLayout::new(&mut engine, &text, LayoutParams::new(1.0e7, upem));
    let mut glyphs_compared = 0;
    let paragraphs = fx["paragraphs"].as_array().unwrap();
    assert!(!paragraphs.is_empty());
    for para in paragraphs {
        let pstart = para["start"].as_u64().unwrap() as usize;
        let ptext = para["text"].as_str().unwrap();
        let plen = ptext.chars().count();
        let levels: Vec<u64> = para["levels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(levels.len(), plen);
        let li = layout
            .lines()
            .iter()
            .position(|l| l.range == (pstart..pstart + plen))
            .unwrap_or_else(|| panic!("{path}: no single line for the paragraph at {pstart}"));
        let runs = layout.line_runs(&engine, li);
        let fruns = para["runs"].as_array().unwrap();
        assert_eq!(
            runs.len(),
            fruns.len(),
            "{path}: run count of paragraph at {pstart}"
        );

        for (run, fr) in runs.iter().zip(fruns) {
            let ctx = format!("{path}: paragraph at {pstart}, run {:?}", run.range);
            let frange: Vec<usize> = fr["range"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(run.range, frange[0]..frange[1], "{ctx}: range");
            assert_eq!(
                run.font.family(),
                fr["font"].as_str().unwrap(),
                "{ctx}: font"
            );
            assert_eq!(run.rtl, fr["rtl"].as_bool().unwrap(), "{ctx}: direction");

            // The segmentation, against FriBidi and Naskh's coverage.
            for cp in run.range.clone() {
                assert_eq!(
                    levels[cp - pstart] % 2 == 1,
                    run.rtl,
                    "{ctx}: code point {cp} has FriBidi level {}",
                    levels[cp - pstart]
                );
            }
            let naskh = run.font.family() == fonts::ARABIC_FAMILY;
            let mut cp = run.range.start;
            while cp < run.range.end {
                let mut end = cp + 1;
                while end < run.range.end && gstart[end] == cp {
                    end += 1;
                }
                let all_covered = (cp..end).all(|i| covers[&chars[i]]);
                assert_eq!(
                    naskh,
                    all_covered,
                    "{ctx}: grapheme {:?} in {} but Naskh coverage is {all_covered}",
                    &chars[cp..end],
                    run.font.family()
                );
                cp = end;
            }

            // The glyphs, against HarfBuzz.
            let hb = fr["glyphs"].as_array().unwrap();
            assert_eq!(run.glyphs.len(), hb.len(), "{ctx}: glyph count");
            let run_text: String = chars[run.range.clone()].iter().collect();
            let byte_to_cp: HashMap<usize, usize> = run_text
                .char_indices()
                .enumerate()
                .map(|(i, (b, _))| (b, run.range.start + i))
                .collect();
            let mut pen = run.origin.0;
            for (i, (g, h)) in run.glyphs.iter().zip(hb).enumerate() {
                let &(id, x, y, advance, cluster) = g;
                let hf = |k: &str| h[k].as_f64().unwrap() as f32;
                let hb_cluster = byte_to_cp[&(h["cl"].as_u64().unwrap() as usize)];
                let what = format!("{ctx}: glyph {i} (engine {g:?}, hb-shape {h})");
                assert_eq!(id, h["g"].as_u64().unwrap() as u32, "{what}: id");
                assert_eq!(advance, hf("ax"), "{what}: advance");
                assert_eq!(hf("ay"), 0.0, "{what}: vertical advance");
                assert_eq!(x - pen, hf("dx"), "{what}: x offset");
                assert_eq!(y - run.origin.1, -hf("dy"), "{what}: y offset");
                assert_eq!(cluster, gstart[hb_cluster], "{what}: cluster (as grapheme)");
                pen += advance;
                glyphs_compared += 1;
            }
        }
    }
    glyphs_compared
}

#[test]
fn sample_article_shapes_like_harfbuzz() {
    let n = compare_fixture(FIXTURES[0]);
    assert!(n > 2000, "only {n} glyphs compared");
}

#[test]
fn mixed_lines_shape_like_harfbuzz() {
    let n = compare_fixture(FIXTURES[1]);
    assert!(n > 400, "only {n} glyphs compared");
}

/// The glyphs `line_runs` reports (what the comparisons above check) are the glyphs the
/// view paints (`line_glyphs`), at the same positions.
#[test]
fn inspected_glyphs_are_the_painted_glyphs() {
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/derna-sirte.txt", root())).unwrap();
    let mut engine = TextEngine::new();
    for width in [800.0, 333.0] {
        let layout = ArticleLayout::new(&mut engine, &text, LayoutParams::new(width, 22.0));
        for li in 0..layout.lines().len() {
            let mut painted = Vec::new();
            layout.line_glyphs(&engine, li, |g| painted.push(g));
            let inspected: Vec<_> = layout
                .line_runs(&engine, li)
                .into_iter()
                .flat_map(|r| r.glyphs.into_iter().map(move |g| (r.font, g)))
                .collect();
            assert_eq!(painted.len(), inspected.len(), "line {li}");
            for (p, (font, (id, x, y, _, _))) in painted.iter().zip(inspected) {
                assert_eq!((p.font, p.id as u32), (font, id), "line {li}");
                assert!(
                    (p.x - x).abs() < 1e-3 && (p.y - y).abs() < 1e-3,
                    "line {li}"
                );
            }
        }
    }
}

/// The committed fixtures are still what the installed hb-shape says (regenerate with
/// `tools/gen_hb_fixtures.py` if this fails after a HarfBuzz upgrade).
#[test]
fn fixtures_are_what_hb_shape_says_now() {
    if !common::tools::require_tool("hb-shape", "apt-get install libharfbuzz-bin") {
        return;
    }
    for path in FIXTURES {
        let fx = load(path);
        for para in fx["paragraphs"].as_array().unwrap() {
            let ptext: Vec<char> = para["text"].as_str().unwrap().chars().collect();
            let pstart = para["start"].as_u64().unwrap() as usize;
            for fr in para["runs"].as_array().unwrap() {
                let r = fr["range"].as_array().unwrap();
                let (a, b) = (
                    r[0].as_u64().unwrap() as usize - pstart,
                    r[1].as_u64().unwrap() as usize - pstart,
                );
                let font = match fr["font"].as_str().unwrap() {
                    fonts::ARABIC_FAMILY => "fonts/NotoNaskhArabic-Regular.ttf",
                    _ => "fonts/NotoSans-Regular.ttf",
                };
                let s = |r: std::ops::Range<usize>| ptext[r].iter().collect::<String>();
                let out = Command::new("hb-shape")
                    .current_dir(root())
                    .env("LANG", "C.UTF-8")
                    .env("LC_ALL", "C.UTF-8")
                    .args([
                        &format!(
                            "--direction={}",
                            if fr["rtl"].as_bool().unwrap() {
                                "rtl"
                            } else {
                                "ltr"
                            }
                        ),
                        &format!("--script={}", fr["script"].as_str().unwrap()),
                        "--cluster-level=1",
                        "--utf8-clusters",
                        "--no-glyph-names",
                        "--output-format=json",
                        "--font-size=upem",
                        &format!("--text-before={}", s(0..a)),
                        &format!("--text-after={}", s(b..ptext.len())),
                        font,
                        &format!("--text={}", s(a..b)),
                    ])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let live: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(&live, &fr["glyphs"], "{path}: run {r:?}");
            }
        }
    }
}
