//! Unit tests of `layout` (kept in their own file).
use super::*;

const P1: &str = "أعلن مجلس شورى مجاهدي درنة وضواحيها الأربعاء الماضي تحرير كامل مدينة درنة";
const P2: &str = "ودارت المواجهات بين ائتلاف قوات من مدينتي درنة والبيضاء";

fn lay(text: &str, width: f32) -> ArticleLayout {
    ArticleLayout::new(&mut TextEngine::new(), text, LayoutParams::new(width, 22.0))
}

fn cps(s: &str) -> usize {
    s.chars().count()
}

/// The caret as drawn: x and line.
fn drawn(l: &ArticleLayout, cp: usize) -> (f32, usize) {
    let r = l.caret_rect(cp, false);
    (r.x0, l.line_at_y((r.y0 + r.y1) / 2.0).unwrap())
}

/// Laying out a long text on several threads gives exactly the one-thread layout:
/// same lines, same glyphs in the same fonts at the same places.
#[test]
fn parallel_layout_equals_the_single_threaded_one() {
    let mut text = String::new();
    let mut k = 0;
    while text.len() < 3 * PARALLEL_MIN_BYTES {
        text.push_str(&format!("{P1} 441 «Haftar» ({k})\n{P2}\n\nabc {P1}\r\n"));
        k += 1;
    }
    let params = LayoutParams::new(500.0, 22.0);
    let mut engine = TextEngine::new();
    let one = ArticleLayout::with_threads(&mut engine, &text, params, 1);
    for threads in [2, 3, 5] {
        let many = ArticleLayout::with_threads(&mut engine, &text, params, threads);
        assert_eq!(many.lines(), one.lines(), "{threads} threads");
        assert_eq!(many.height(), one.height());
        assert_eq!(many.paragraph_count(), one.paragraph_count());
        for line in (0..one.lines().len()).step_by(97) {
            let glyphs = |l: &ArticleLayout| {
                let mut v = Vec::new();
                l.line_glyphs(&engine, line, |g| v.push((g.font, g.id, g.x, g.y)));
                v
            };
            let g1 = glyphs(&one);
            assert!(!g1.is_empty() || one.lines()[line].range.is_empty());
            assert_eq!(glyphs(&many), g1, "line {line}, {threads} threads");
        }
    }
    assert!(
        engine.helpers.len() >= 4,
        "helper engines are kept for the next layout"
    );
}

/// The one-pass caret slots equal parley's per-code-point cursor geometry exactly, on
/// Arabic with harakat, lam-alef, numbers, Latin, brackets, quotes, emoji, bidi
/// controls, CRLF and empty paragraphs, at several widths.
#[test]
fn line_slots_equal_parleys_cursor_geometry() {
    let texts = [
        format!("{P1}\n\n{P2}"),
        "قال «حفتر» (ISIS) إن 441 جنديًا لا يزالون في درنة، و12.5% من القوات 😀 hello world."
            .to_string(),
        "مُحَمَّدٌ رَسُولُ اللَّهِ لَا إِلَٰهَ\r\nabc def ghi\r\n\u{202b}درنة 441\u{202c} ok".to_string(),
        "English text with عربي inside and 123 numbers, then more English words.".to_string(),
        "نص ".repeat(120),
    ];
    let mut engine = TextEngine::new();
    let mut lines = 0;
    for text in &texts {
        for width in [90.0, 180.0, 333.0, 800.0] {
            let l = ArticleLayout::new(&mut engine, text, LayoutParams::new(width, 22.0));
            for li in 0..l.lines().len() {
                assert_eq!(
                    l.line_slots(li),
                    l.line_slots_reference(li),
                    "line {li} at {width} px of {text:?}"
                );
                lines += 1;
            }
        }
    }
    assert!(lines > 60, "{lines} lines compared");
    // And on 300 pseudo-random mixtures of the same ingredients.
    let pieces = [
        "درنة",
        "لا",
        "مُحَمَّدٌ",
        " ",
        " ",
        "441",
        "12.5%",
        "ISIS",
        "(",
        ")",
        "«",
        "»",
        "\"",
        "abc",
        "😀",
        "\u{200f}",
        "\u{202b}",
        "\u{202c}",
        "\u{2067}",
        "\u{2069}",
        "\n",
        "\r\n",
        "ـ",
        "\u{0651}",
        "ﻻ",
        "\t",
    ];
    let mut seed = 0x9e3779b97f4a7c15u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        (seed >> 33) as usize % n
    };
    for _ in 0..300 {
        let text: String = (0..next(60) + 1)
            .map(|_| pieces[next(pieces.len())])
            .collect();
        let width = [40.0, 120.0, 260.0][next(3)];
        let l = ArticleLayout::new(&mut engine, &text, LayoutParams::new(width, 22.0));
        for li in 0..l.lines().len() {
            assert_eq!(
                l.line_slots(li),
                l.line_slots_reference(li),
                "{text:?} at {width}"
            );
        }
    }
}

#[test]
fn line_of_puts_a_newline_on_the_line_it_ends() {
    let text = format!("{P1}\n\n{P2}");
    let l = lay(&text, 2000.0);
    assert_eq!(l.lines().len(), 3);
    let nl = cps(P1);
    // Was line 1 (the empty paragraph after it).
    assert_eq!(l.line_of(nl), Some(0));
    assert_eq!(l.line_of(nl - 1), Some(0));
    assert_eq!(l.line_of(nl + 1), Some(1), "the empty paragraph");
    assert_eq!(l.line_of(nl + 2), Some(2));
    assert_eq!(l.line_of(cps(&text)), Some(2), "the end of the text");
}

#[test]
fn line_of_a_wrapped_paragraph() {
    let l = lay(P1, 200.0);
    assert!(l.lines().len() >= 3);
    for (i, line) in l.lines().iter().enumerate() {
        assert_eq!(l.line_of(line.range.start), Some(i));
        assert_eq!(l.line_of(line.range.end - 1), Some(i));
    }
    assert_eq!(l.line_of(cps(P1)), Some(l.lines().len() - 1));
}

#[test]
fn an_empty_paragraph_of_an_arabic_text_is_right_to_left() {
    let text = format!("{P1}\n\n{P2}");
    let l = lay(&text, 800.0);
    assert!(l.is_rtl());
    assert!(l.line_is_rtl(1), "was left-to-right (no strong character)");
    // Its caret is on the right, where the Arabic lines start.
    let empty = l.caret_rect(cps(P1) + 1, false);
    assert_eq!(empty.x0, 800.0);
    assert!((l.caret_rect(0, false).x0 - 800.0).abs() < 1.0);
}

#[test]
fn left_walks_through_an_empty_paragraph_of_an_arabic_text() {
    // Was: Left from the empty paragraph went back to the end of the first one,
    // and Left from there came back: the caret never got past it.
    let text = format!("{P1}\n\n{P2}");
    let l = lay(&text, 800.0);
    let end1 = cps(P1);
    assert_eq!(l.move_visual(end1, true), end1 + 1);
    assert_eq!(l.move_visual(end1 + 1, true), end1 + 2);
    assert_eq!(l.move_visual(end1 + 2, false), end1 + 1);
    assert_eq!(l.move_visual(end1 + 1, false), end1);
}

#[test]
fn left_leaves_a_wrapped_arabic_paragraph_at_its_end() {
    // Was: Left at the end of a wrapped RTL paragraph jumped back to the start of
    // its last line (parley's previous_visual), so holding Left cycled forever.
    let text = format!("{P1}\n{P2}");
    let l = lay(&text, 200.0);
    let end = cps(P1);
    assert!(l.line_of(end).unwrap() > 0, "wrapped");
    assert_eq!(l.move_visual(end, true), end + 1);
    assert_eq!(l.move_visual(end + 1, false), end);
}

#[test]
fn every_arrow_press_moves_the_drawn_caret() {
    // Was: around a lam-alef (لا), whose alef has no advance, one press moved the
    // caret between lam and alef without moving it on screen.
    let text = "لملاحقته في سرت";
    let l = lay(text, 800.0);
    for cp in 0..=cps(text) {
        for left in [true, false] {
            let next = l.move_visual(cp, left);
            if next != cp {
                assert_ne!(drawn(&l, cp), drawn(&l, next), "{cp} -> {next}");
            }
        }
    }
}

#[test]
fn a_click_at_the_end_of_a_wrapped_line_puts_the_caret_on_that_line() {
    // Was: the caret after the line's trailing space, drawn at the start of the
    // next line.
    let l = lay(P1, 200.0);
    for (i, line) in l.lines().iter().enumerate() {
        let y = (line.top + line.bottom) / 2.0;
        for x in [0.0, 1.0, 199.0, 200.0] {
            let cp = l.caret_at(x, y);
            assert_eq!(drawn(&l, cp).1, i, "click ({x}, {y}) -> caret {cp}");
        }
    }
}

#[test]
fn a_click_at_a_bidi_boundary_puts_the_caret_on_the_clicked_glyph() {
    // "قتل 441 شخصا": clicking the right half of "1" gives parley's upstream caret
    // after "1", which (drawn downstream) would be beside the Arabic word instead.
    let text = "قتل 441 شخصا";
    let mut engine = TextEngine::new();
    let l = ArticleLayout::new(&mut engine, text, LayoutParams::new(800.0, 22.0));
    let runs = l.line_runs(&engine, 0);
    let digits = runs.iter().find(|r| !r.rtl).unwrap();
    let line = &l.lines()[0];
    let y = (line.top + line.bottom) / 2.0;
    for c in &digits.clusters {
        for x in [c.x0 + 0.5, (c.x0 + c.x1) / 2.0 + 0.5, c.x1 - 0.5] {
            let cx = drawn(&l, l.caret_at(x, y)).0;
            assert!(
                c.x0 - 0.01 <= cx && cx <= c.x1 + 0.01,
                "click {x} in {c:?}: caret at {cx}"
            );
        }
    }
}

#[test]
fn crlf_ends_a_paragraph_like_lf() {
    // Was: parley broke the line again at each \r, so every paragraph of a CRLF
    // text had an extra empty line (and the \r its own line range).
    let lf = lay("سرت\nدرنة\n\nليبيا", 800.0);
    let crlf = lay("سرت\r\nدرنة\r\n\r\nليبيا", 800.0);
    assert_eq!(crlf.lines().len(), 4);
    assert_eq!(crlf.height(), lf.height());
    let ranges: Vec<_> = crlf.lines().iter().map(|l| l.range.clone()).collect();
    assert_eq!(ranges, [0..3, 5..9, 11..11, 13..18]);
    // The \r and the \n belong to the paragraph they end.
    assert_eq!(crlf.paragraph_range(3), 0..3);
    assert_eq!(crlf.paragraph_range(4), 0..3);
    assert_eq!(crlf.paragraph_range(5), 5..9);
    assert_eq!(crlf.line_of(4), Some(0));
    assert_eq!(crlf.range_rects(0, 5), crlf.range_rects(0, 3));
    assert_eq!(crlf.move_visual(3, true), 5);
    assert_eq!(crlf.move_visual(5, false), 3);
}

#[test]
fn a_range_ending_inside_a_grapheme_covers_it() {
    // "شخصًا": ص and its fathatan are one grapheme. Was: the range of ص alone had
    // no rectangle (its end snapped back to the start of the grapheme).
    let text = "شخصًا";
    let l = lay(text, 800.0);
    let whole = l.range_rects(2, 4);
    assert_eq!(whole.len(), 1);
    assert_eq!(l.range_rects(2, 3), whole);
    assert_eq!(l.range_rects(3, 4), whole, "starting inside it");
    assert_eq!(l.range_rects(0, 3), l.range_rects(0, 4));
}

/// Hard line breaks inside a paragraph become spaces of the same UTF-8 length, and text
/// without them (including « » and م, whose UTF-8 has the bytes C2 and 85) is not copied.
#[test]
fn hard_breaks_are_replaced_in_place_and_other_text_is_borrowed() {
    use std::borrow::Cow;
    for t in ["«قال» م ‹x› — …", "abc", "", "U+0085 as a byte of م: م"] {
        assert!(matches!(without_hard_breaks(t), Cow::Borrowed(_)), "{t:?}");
    }
    for (t, want) in [
        ("a\rb", "a b"),
        ("a\u{0B}b\u{0C}", "a b "),
        ("قال\u{85}م", "قال\u{A0}م"),
        ("«x»\u{2028}y\u{2029}", "«x»\u{2003}y\u{2003}"),
    ] {
        let got = without_hard_breaks(t);
        assert!(matches!(got, Cow::Owned(_)), "{t:?}");
        assert_eq!(got, want);
        assert_eq!(got.len(), t.len());
    }
}
