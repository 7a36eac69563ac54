//! Characters the embedded fonts cannot draw (scripts other than Arabic and Latin,
//! emoji newer than the embedded Noto Emoji): where they are on a line, one box per
//! **grapheme cluster** — a Devanagari conjunct or an unknown emoji sequence is one box,
//! not one per code point — and which code points a grapheme holds, for the hover text.
//!
//! The shaper gives such characters the font's `.notdef` glyph (id 0); the painter
//! skips those glyphs and draws the boxes from [`ArticleLayout::missing_boxes`].

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::{ArticleLayout, Rect};

/// A grapheme cluster drawn as a replacement box: its code points and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingBox {
    /// Code point range of the grapheme cluster in the document.
    pub range: Range<usize>,
    /// Union of the `.notdef` clusters of the grapheme, over the line's height.
    pub rect: Rect,
}

impl ArticleLayout {
    /// The graphemes of line `line` that the fonts cannot draw, in visual order.
    /// `text` is the document the layout was built from.
    pub fn missing_boxes(&self, text: &str, line: usize) -> Vec<MissingBox> {
        let mut out: Vec<MissingBox> = Vec::new();
        let Some(info) = self.lines.get(line) else {
            return out;
        };
        let p = &self.paragraphs[info.paragraph];
        let Some(layout) = &p.layout else { return out };
        let Some(l) = layout.get(info.index) else {
            return out;
        };
        let Some(piece) = text.get(p.bytes.clone()) else {
            return out;
        };
        let lr = l.text_range();
        // Grapheme starts of the line (line breaks fall between graphemes).
        let starts: Vec<usize> = piece
            .get(lr.clone())
            .map(|s| {
                s.grapheme_indices(true)
                    .map(|(i, _)| lr.start + i)
                    .collect()
            })
            .unwrap_or_default();
        let grapheme_of = |b: usize| -> Range<usize> {
            let k = starts.partition_point(|&s| s <= b).saturating_sub(1);
            let s = starts.get(k).copied().unwrap_or(lr.start);
            let e = starts.get(k + 1).copied().unwrap_or(lr.end);
            s..e
        };
        let m = l.metrics();
        let y0 = f32::min(m.block_min_coord, m.content_block_min_coord) + p.top;
        let y1 = f32::max(m.block_max_coord, m.content_block_max_coord) + p.top;
        let mut x = m.offset + m.inline_min_coord;
        for run in l.runs() {
            for c in run.visual_clusters() {
                let advance = c.advance();
                let r = c.text_range();
                let blank = piece
                    .get(r.clone())
                    .is_some_and(|s| s.chars().all(|ch| ch.is_whitespace() || ch.is_control()));
                let notdef = c.glyphs().any(|g| g.id == 0);
                if notdef && !blank {
                    let g = grapheme_of(r.start);
                    let cps = self.offsets.byte_to_cp_floor(p.bytes.start + g.start)
                        ..self.offsets.byte_to_cp_floor(p.bytes.start + g.end);
                    match out.last_mut() {
                        // Another cluster of the same grapheme (in visual order they
                        // are next to each other): one box over both.
                        Some(b) if b.range == cps => {
                            b.rect.x0 = b.rect.x0.min(x);
                            b.rect.x1 = b.rect.x1.max(x + advance);
                        }
                        _ => out.push(MissingBox {
                            range: cps,
                            rect: Rect {
                                x0: x,
                                y0,
                                x1: x + advance,
                                y1,
                            },
                        }),
                    }
                }
                x += advance;
            }
        }
        out
    }
}

/// The code points of `s` as `U+XXXX` (what the hover text shows).
pub fn code_points(s: &str) -> String {
    s.chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The grapheme cluster of `text` containing byte `byte` (its byte range), if the
/// embedded fonts cannot draw one of its visible characters. Looks at the paragraph
/// around `byte` only.
pub fn missing_grapheme(text: &str, byte: usize) -> Option<Range<usize>> {
    if !text.is_char_boundary(byte) || byte >= text.len() {
        return None;
    }
    let ps = text[..byte].rfind('\n').map_or(0, |i| i + 1);
    let pe = text[byte..].find('\n').map_or(text.len(), |i| byte + i);
    let (gs, g) = text[ps..pe]
        .grapheme_indices(true)
        .map(|(i, g)| (ps + i, g))
        .find(|&(i, g)| i <= byte && byte < i + g.len())?;
    g.chars()
        .any(|c| !crate::fonts::covers(c) && !c.is_whitespace())
        .then_some(gs..gs + g.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{LayoutParams, TextEngine};

    const TEXT: &str = "قال 😀 إن ليبيا 🇱🇾 بخير والعائلة 👩‍👩‍👧 هنا: नमस्ते ሰላም abc";

    /// One box per grapheme: the Hindi word's 3 graphemes (Unicode 15.1 conjuncts: न,
    /// म, स्ते), the 3 Ethiopic letters; nothing for Arabic, Latin or the emoji (the
    /// emoji font draws them).
    #[test]
    fn one_box_per_grapheme_the_fonts_cannot_draw() {
        let layout = ArticleLayout::new(
            &mut TextEngine::new(),
            TEXT,
            LayoutParams::new(2000.0, 22.0),
        );
        assert_eq!(layout.lines().len(), 1);
        let boxes = layout.missing_boxes(TEXT, 0);
        let mut texts: Vec<String> = boxes
            .iter()
            .map(|b| {
                TEXT.chars()
                    .skip(b.range.start)
                    .take(b.range.len())
                    .collect()
            })
            .collect();
        texts.sort();
        let mut want: Vec<String> = ["ሰ", "ላ", "ም"].map(String::from).to_vec();
        let hindi: Vec<String> = "नमस्ते".graphemes(true).map(String::from).collect();
        want.extend(hindi);
        want.sort();
        assert_eq!(texts, want);
        for b in &boxes {
            assert!(b.rect.x1 > b.rect.x0, "{b:?} has a width");
            // The box is where the grapheme's glyphs are.
            let rr = layout.range_rects(b.range.start, b.range.end);
            assert!(
                rr.iter()
                    .any(|r| r.x0 <= b.rect.x0 + 0.5 && b.rect.x1 <= r.x1 + 0.5),
                "{b:?} vs {rr:?}"
            );
        }
        // The hover side agrees.
        let conjunct = TEXT.find("स्ते").unwrap();
        let virama = conjunct + 'स'.len_utf8();
        assert_eq!(
            missing_grapheme(TEXT, virama),
            Some(conjunct..conjunct + "स्ते".len())
        );
        assert_eq!(missing_grapheme(TEXT, 0), None, "Arabic is drawn");
        let flag = TEXT.find('\u{1F1F1}').unwrap();
        assert_eq!(missing_grapheme(TEXT, flag + 4), None, "the flag is drawn");
        assert_eq!(code_points("🇱🇾"), "U+1F1F1 U+1F1FE");
    }

    /// Emoji are drawn by the embedded Noto Emoji, one glyph per grapheme: a flag (two
    /// regional indicators) and a ZWJ family (five code points) are the font's
    /// ligatures, a plain emoji is its cmap glyph; Arabic and digits keep their fonts.
    #[test]
    fn emoji_are_drawn_by_the_emoji_font_one_glyph_per_grapheme() {
        use ab_glyph::{Font, FontRef};
        let emoji_font = FontRef::try_from_slice(crate::fonts::EMOJI).unwrap();
        let mut engine = TextEngine::new();
        let text = "قال 441 😀 ليبيا 🇱🇾 العائلة 👩‍👩‍👧";
        let layout = ArticleLayout::new(&mut engine, text, LayoutParams::new(2000.0, 22.0));
        assert_eq!(layout.lines().len(), 1);
        assert!(layout.missing_boxes(text, 0).is_empty());
        let runs = layout.line_runs(&engine, 0);
        let glyphs_of = |g: &str| -> Vec<(u32, &'static str)> {
            let s = text[..text.find(g).unwrap()].chars().count();
            let e = s + g.chars().count();
            runs.iter()
                .flat_map(|r| {
                    r.glyphs
                        .iter()
                        .filter(|gl| (s..e).contains(&gl.4))
                        .map(|gl| (gl.0, r.font.family()))
                })
                .collect()
        };
        let emoji = crate::fonts::EMOJI_FAMILY;
        let smile = glyphs_of("😀");
        assert_eq!(smile, vec![(u32::from(emoji_font.glyph_id('😀').0), emoji)]);
        for g in ["🇱🇾", "👩‍👩‍👧"] {
            let got = glyphs_of(g);
            assert_eq!(got.len(), 1, "{g}: one glyph, the font's ligature: {got:?}");
            assert_eq!(got[0].1, emoji, "{g}");
            assert_ne!(got[0].0, 0, "{g}: not .notdef");
            let first = g.chars().next().unwrap();
            assert_ne!(
                got[0].0,
                u32::from(emoji_font.glyph_id(first).0),
                "{g}: a ligature, not the first code point's glyph"
            );
        }
        assert!(glyphs_of("441").iter().all(|&(_, f)| f != emoji), "digits");
        assert!(
            glyphs_of("ليبيا")
                .iter()
                .all(|&(_, f)| f == crate::fonts::ARABIC_FAMILY)
        );
    }

    /// Font fallback picks, for every grapheme, the first font of the family list whose
    /// cmap has all its code points (what parley's query does; our patched parley answers
    /// from the first font's cached charmap when it covers the grapheme, see
    /// vendor/PATCHES.md). Checked against the fonts' own cmaps (ab_glyph) on text
    /// that mixes the three fonts, marks, graphemes no font has, and pairs that share a
    /// slot of the patch's coverage cache inside one run (گ then ©, ڵ then →, alef then
    /// `!`): a cache that ignored its tag gives © the Arabic font and fails here.
    #[test]
    fn each_grapheme_gets_the_first_font_that_has_all_its_code_points() {
        use ab_glyph::{Font, FontRef};
        let fonts: Vec<FontRef> = crate::fonts::ALL
            .iter()
            .map(|(_, b)| FontRef::try_from_slice(b).unwrap())
            .collect();
        let text = "قالَ «الوزير» ! a ٧ 7 # * © € ß Ω Ж ç e\u{301} ـ ، ٪ گ ﷺ → 😀 🇱🇾 中 नमस्ते \
                    abc!ا!a٧a Tripoli قالگ© ڵ→ ا! ﷽ (طرابلس) 2024م 👍 x";
        let mut engine = TextEngine::new();
        let layout = ArticleLayout::new(&mut engine, text, LayoutParams::new(1.0e5, 22.0));
        assert_eq!(layout.lines().len(), 1);
        let runs = layout.line_runs(&engine, 0);
        let mut cp = 0;
        let mut checked = 0;
        for g in text.graphemes(true) {
            let n = g.chars().count();
            let range = cp..cp + n;
            cp += n;
            let Some(want) = fonts
                .iter()
                .position(|f| g.chars().all(|c| f.glyph_id(c).0 != 0))
            else {
                continue; // no font has it: a box (tested above)
            };
            let run = runs
                .iter()
                .find(|r| r.range.start <= range.start && range.end <= r.range.end)
                .unwrap_or_else(|| panic!("{g:?} is in no run"));
            assert_eq!(
                run.font.family(),
                crate::fonts::ALL[want].0,
                "{g:?} ({})",
                code_points(g)
            );
            checked += 1;
        }
        assert!(checked > 60, "{checked}");
    }
}
