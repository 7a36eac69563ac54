//! The text engine orders mixed Arabic/Latin text like GNU FriBidi (UAX #9).
//!
//! `tests/fixtures/bidi-lines.txt` holds 13 lines mixing Arabic with European and
//! Arabic-Indic digits (441, 2016, ٤٤١, 45%, 18.6), Latin words ((ISIS), Derna is free),
//! brackets, “quotes”, a slash (يونيو/حزيران), hyphens, English lines containing
//! Arabic and lines starting with a number or a Latin word. FriBidi's answers (base
//! direction, embedding levels, visual-to-logical map, mirrored brackets) are recorded in
//! `tests/fixtures/bidi/bidi-lines.json` by `tools/gen_bidi_fixtures.py`.
//!
//! Each line is laid out on one line and its visual order is read from the engine: the
//! grapheme clusters of its glyph runs, left to right. FriBidi's `--vtol` map is turned
//! into the same thing by replacing each code point with the first code point of its
//! grapheme and merging repeats (FriBidi's command line puts a combining mark after its
//! base, so a mark and its base are compared as one grapheme).
//!
//! The fixture tests need no external tool; `fixtures_are_what_fribidi_says_now`
//! re-runs fribidi; without fribidi it fails on CI and prints a `SKIP:` line elsewhere
//! (see `tests/common/tools.rs`).

use std::process::Command;

use ab_glyph::{Font, FontRef};
use hashiya::text::{ArticleLayout, LayoutParams, TextEngine};
use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

use crate::common;

const FIXTURE: &str = "tests/fixtures/bidi/bidi-lines.json";

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn fixture() -> Value {
    let s = std::fs::read_to_string(format!("{}/{FIXTURE}", root())).unwrap();
    serde_json::from_str(&s).unwrap()
}

fn numbers(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn grapheme_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for g in text.graphemes(true) {
        let start = out.len();
        out.extend(std::iter::repeat_n(start, g.chars().count()));
    }
    out
}

#[test]
fn mixed_lines_are_ordered_like_fribidi() {
    let fx = fixture();
    let lines = fx["lines"].as_array().unwrap();
    assert!(lines.len() >= 12);
    let text: String = lines
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let mut engine = TextEngine::new();
    let layout = ArticleLayout::new(&mut engine, &text, LayoutParams::new(1.0e5, 22.0));
    assert_eq!(layout.lines().len(), lines.len(), "one line per paragraph");

    let mut start = 0;
    for (li, line) in lines.iter().enumerate() {
        let s = line["text"].as_str().unwrap();
        let n = s.chars().count();
        let info = &layout.lines()[li];
        assert_eq!(info.range, start..start + n);
        let gs = grapheme_starts(s);

        // Paragraph direction.
        let rtl = line["basedir"].as_str().unwrap() == "R";
        assert_eq!(layout.line_is_rtl(li), rtl, "{s}: paragraph direction");

        // Levels: every code point's run direction is its FriBidi level's parity.
        let levels = numbers(&line["levels"]);
        let runs = layout.line_runs(&engine, li);
        for run in &runs {
            for cp in run.range.clone() {
                assert_eq!(
                    levels[cp - start] % 2 == 1,
                    run.rtl,
                    "{s}: code point {} ({:?}) has level {} but is in a run with rtl={}",
                    cp - start,
                    s.chars().nth(cp - start).unwrap(),
                    levels[cp - start],
                    run.rtl
                );
            }
        }

        // Visual order, grapheme by grapheme.
        let engine_order: Vec<usize> = runs
            .iter()
            .flat_map(|r| r.clusters.iter().map(|c| c.range.start - start))
            .collect();
        let mut fribidi_order: Vec<usize> = Vec::new();
        for l in numbers(&line["vtol"]) {
            if fribidi_order.last() != Some(&gs[l]) {
                fribidi_order.push(gs[l]);
            }
        }
        let graphemes: std::collections::HashMap<usize, &str> = s
            .grapheme_indices(true)
            .map(|(b, g)| (s[..b].chars().count(), g))
            .collect();
        let show = |o: &[usize]| -> String {
            o.iter()
                .map(|i| graphemes.get(i).copied().unwrap_or("?"))
                .collect::<Vec<_>>()
                .join("|")
        };
        assert_eq!(
            engine_order,
            fribidi_order,
            "{s}: visual order\n engine:  {}\n fribidi: {}",
            show(&engine_order),
            show(&fribidi_order)
        );

        // Mirroring: a bracket FriBidi mirrors is drawn with the mirrored character's
        // glyph, and one it does not mirror with its own.
        let mirrored = line["mirrored"].as_object().unwrap();
        let chars: Vec<char> = s.chars().collect();
        for run in &runs {
            let font = FontRef::try_from_slice(run.font.bytes()).unwrap();
            for &(id, _, _, _, cluster) in &run.glyphs {
                let c = chars[cluster - start];
                if !"()[]{}<>«»".contains(c) {
                    continue;
                }
                let shown = mirrored
                    .get(&(cluster - start).to_string())
                    .map_or(c, |m| m.as_str().unwrap().chars().next().unwrap());
                assert_eq!(
                    id,
                    font.glyph_id(shown).0 as u32,
                    "{s}: {c:?} at {} should be drawn as {shown:?}",
                    cluster - start
                );
            }
        }
        start += n + 1;
    }
}

/// The committed fixture is still what the installed fribidi says.
#[test]
fn fixtures_are_what_fribidi_says_now() {
    if !common::tools::require_tool("fribidi", "apt-get install libfribidi-bin") {
        return;
    }
    for line in fixture()["lines"].as_array().unwrap() {
        let s = line["text"].as_str().unwrap();
        let mut child = Command::new("fribidi")
            .args([
                "--nopad",
                "--nobreak",
                "--novisual",
                "--basedir",
                "--vtol",
                "--levels",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{s}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        let mut it = out.lines();
        let basedir = it
            .next()
            .unwrap()
            .trim_start_matches("Base direction:")
            .trim();
        let parse =
            |l: &str| -> Vec<usize> { l.split_whitespace().map(|x| x.parse().unwrap()).collect() };
        assert_eq!(basedir, line["basedir"].as_str().unwrap(), "{s}");
        assert_eq!(parse(it.next().unwrap()), numbers(&line["vtol"]), "{s}");
        assert_eq!(parse(it.next().unwrap()), numbers(&line["levels"]), "{s}");
    }
}
