//! The fuzz targets of `fuzz/` as proptest tests with modest case counts, so that
//! `cargo test` exercises the same checks (`hashiya::debug::check_parse`,
//! `check_layout`) on every run; the fuzzer explores far more.

use std::cell::RefCell;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use hashiya::debug::{LayoutInput, check_import, check_layout, check_parse};
use hashiya::text::TextEngine;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    #[test]
    fn parse_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_parse(&bytes);
    }

    /// Valid files with a few bytes replaced, inserted or removed reach far deeper into
    /// the parser and the validator than random bytes.
    #[test]
    fn parse_mutated_project(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..6)
    ) {
        let mut bytes = fixture("tests/fixtures/valid-small.json");
        for (at, what, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match what {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        check_parse(&bytes);
    }
}

/// Characters that stress layout: Arabic letters and harakat, lone combining marks,
/// bidi controls, ZWJ/ZWNJ, digits, Latin, emoji, spaces, tabs and newlines.
fn tricky_text() -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        4 => prop::char::range('\u{0621}', '\u{064A}'),
        2 => prop::char::range('\u{064B}', '\u{0652}'),
        1 => prop::char::range('\u{0300}', '\u{036F}'),
        1 => prop::sample::select(vec![
            '\u{200D}', '\u{200C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}',
            '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}', '\u{061C}', '\u{FEFF}',
        ]),
        2 => prop::char::range('0', '9'),
        1 => prop::char::range('\u{0660}', '\u{0669}'),
        2 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec!['😀', '🇱', '🇾', '👩', '\u{1F3FD}', '\u{FE0F}']),
        3 => prop::sample::select(vec![' ', '\n', '\t', '\u{00A0}', '.', '،', '«', '»']),
        1 => any::<char>(),
    ];
    proptest::collection::vec(chars, 0..120).prop_map(|v| v.into_iter().collect())
}

#[test]
fn layout_and_hit_testing_of_arbitrary_text() {
    let engine = RefCell::new(TextEngine::new());
    let mut runner = TestRunner::new(Config {
        cases: 96,
        ..Config::default()
    });
    let strategy = (
        tricky_text(),
        1u16..3000,
        0u8..90,
        proptest::collection::vec((any::<i16>(), any::<i16>(), 0u16..200, 0u16..200), 0..12),
    );
    runner
        .run(&strategy, |(text, width, font, queries)| {
            let mut bytes = width.to_le_bytes().to_vec();
            bytes.push(font);
            bytes.push(queries.len() as u8);
            for (x, y, a, b) in queries {
                for v in [x as u16, y as u16, a, b] {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
            }
            bytes.extend_from_slice(text.as_bytes());
            let input = LayoutInput::from_bytes(&bytes);
            prop_assert_eq!(&input.text, &text);
            check_layout(&mut engine.borrow_mut(), &input);
            Ok(())
        })
        .unwrap();
}

/// Found by `layout_and_hit_testing_of_arbitrary_text`: a hard line break other than
/// `\n` (CR, U+2028, U+2029…) in right-to-left text, followed by a combining mark, made
/// parley's selection geometry fail a debug assertion ("Expected the line's last logical
/// run to be a newline cluster") in `range_rects`.
#[test]
fn regression_hard_break_then_combining_mark_in_rtl_text() {
    let mut engine = TextEngine::new();
    for brk in ['\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'] {
        for text in [
            format!("\u{64B}aءءءءءءء{brk}\u{64B}"),
            format!("\u{64B}a{}{brk}\u{64B}", "ء".repeat(52)),
            format!("درنة{brk}\u{651}سرت\r\nبنغازي"),
        ] {
            let n = text.chars().count();
            for width in [2.0, 300.0] {
                let input = LayoutInput {
                    width,
                    font_size: 6.0,
                    points: vec![(0.0, 0.0), (1.0, 30.0)],
                    ranges: (0..=n).flat_map(|s| (0..=n).map(move |e| (s, e))).collect(),
                    text: text.clone(),
                };
                check_layout(&mut engine, &input);
            }
        }
    }
}

/// The hand-written seeds of the fuzz corpus, each run once.
#[test]
fn fuzz_seed_corpora_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut engine = TextEngine::new();
    let mut n = 0;
    let scratch = tempfile::tempdir().unwrap();
    for (target, dir) in [
        ("parse", root.join("parse")),
        ("layout", root.join("layout")),
        ("import", root.join("import")),
    ] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            match target {
                "parse" => check_parse(&bytes),
                "import" => check_import(scratch.path(), &bytes),
                _ => check_layout(&mut engine, &LayoutInput::from_bytes(&bytes)),
            }
            n += 1;
        }
    }
    assert!(n >= 18, "{n} seeds");
}

/// The `import` fuzz target's check on the import seeds with a few bytes replaced,
/// inserted or removed (and on the format selector changed), so every importer meets
/// broken versions of its own format and of the others'.
#[test]
fn import_mutated_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/import");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    let scratch = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 384,
        ..Config::default()
    });
    let strategy = (
        0..seeds.len(),
        any::<u8>(),
        proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 0..6),
    );
    runner
        .run(&strategy, |(seed, selector, edits)| {
            let mut bytes = seeds[seed].clone();
            if selector % 4 == 0 {
                bytes[0] = selector / 4;
            }
            for (at, what, byte) in edits {
                let i = 1 + at.index(bytes.len());
                match what {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    _ if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    _ => {}
                }
            }
            check_import(scratch.path(), &bytes);
            Ok(())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    #[test]
    fn import_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let scratch = tempfile::tempdir().unwrap();
        check_import(scratch.path(), &bytes);
    }
}
