//! Snapping and nudging in the lines around a point equal the whole text's answers.

use super::*;

/// Snapping reads only the paragraph around the point; it must give what segmenting
/// the whole text gives, at every code point of a text of several paragraphs
/// (Arabic, digits, Latin, an emoji, empty lines, a last line without a break).
#[test]
fn snapping_in_the_paragraph_equals_snapping_in_the_whole_text() {
    let text = "قال حفتر في بنغازي\n\nالعدد 441 كبير 😀 نعم\nword ليبيا\nآخر";
    let map = OffsetMap::new(text);
    let words = word_ranges(text, &map);
    for cp in 0..=text.chars().count() {
        for end in [SpanEnd::Start, SpanEnd::End] {
            let whole =
                words
                    .iter()
                    .find(|w| w.start < cp && cp < w.end)
                    .map_or(cp, |w| match end {
                        SpanEnd::Start => w.start,
                        SpanEnd::End => w.end,
                    });
            assert_eq!(snap_to_word(text, cp, end), whole, "at {cp} ({end:?})");
        }
    }
}

/// Nudging reads only the lines it needs; it must give what the whole text's words
/// give (the former implementation, here as the oracle), for every range of a text
/// of several lines (empty lines, a line without words, Arabic, digits, Latin, an
/// emoji, a last line without a break), both ends, both directions.
#[test]
fn nudging_in_the_lines_around_equals_nudging_in_the_whole_text() {
    fn whole(text: &str, r: Range<usize>, end: SpanEnd, grow: bool) -> Option<Range<usize>> {
        let words = word_ranges(text, &OffsetMap::new(text));
        let (mut s, mut e) = (r.start, r.end);
        match (end, grow) {
            (SpanEnd::End, true) => e = words.iter().find(|w| w.end > e)?.end,
            (SpanEnd::End, false) => e = words.iter().rev().find(|w| w.end < e && w.end > s)?.end,
            (SpanEnd::Start, true) => s = words.iter().rev().find(|w| w.start < s)?.start,
            (SpanEnd::Start, false) => s = words.iter().find(|w| w.start > s && w.start < e)?.start,
        }
        Some(s..e)
    }
    let text = "قال حفتر في بنغازي\n\n— !\nالعدد 441 كبير 😀 نعم\nword ليبيا\n\nآخر";
    let n = text.chars().count();
    for a in 0..n {
        for b in a + 1..=n {
            for end in [SpanEnd::Start, SpanEnd::End] {
                for grow in [true, false] {
                    assert_eq!(
                        nudge_range(text, a..b, end, grow).ok(),
                        whole(text, a..b, end, grow),
                        "{a}..{b} {end:?} grow={grow}"
                    );
                }
            }
        }
    }
}

#[test]
fn snapping_moves_an_end_inside_a_word_to_the_word_edge() {
    let text = "قال حفتر في بنغازي";
    // «حفتر» is code points 4..8; «بنغازي» 12..18.
    assert_eq!(snap_to_word(text, 6, SpanEnd::Start), 4);
    assert_eq!(snap_to_word(text, 6, SpanEnd::End), 8);
    assert_eq!(
        snap_to_word(text, 8, SpanEnd::End),
        8,
        "between words: stays"
    );
    assert_eq!(snap_to_word(text, 3, SpanEnd::Start), 3);
    assert_eq!(snap_to_word(text, 13, SpanEnd::End), 18);
}
