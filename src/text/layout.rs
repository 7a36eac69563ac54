//! [`ArticleLayout`]: a whole document laid out for display, and the queries the view
//! needs (visible lines, hit testing, highlight rectangles, caret movement).
//!
//! The text is split into paragraphs on `\n`; each non-empty paragraph is one parley
//! layout, with its direction taken from its first strong character (UAX #9 P2–P3) and
//! aligned to its start edge (Arabic paragraphs right-aligned). Empty paragraphs are a
//! line with no runs. Paragraph tops and a flat list of lines are kept so that the
//! lines in a vertical interval are found by binary search, never by a scan.
//!
//! A layout is built when the text, the width, the font size or the scale change —
//! never per frame. Everything it returns is in code points of the document text;
//! the conversion from parley's byte offsets happens here, through one [`OffsetMap`].

use std::ops::Range;

use parley::{
    Affinity, Alignment, AlignmentOptions, Cluster, Cursor, FontFamily, Layout, LineHeight,
    PositionedLayoutItem, Selection, StyleProperty,
};

use super::engine::{FontId, TextEngine};
use crate::model::OffsetMap;

/// What a layout depends on besides the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutParams {
    /// Wrap width in pixels (logical points in the GUI).
    pub width: f32,
    /// Font size (em) in pixels.
    pub font_size: f32,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
}

impl LayoutParams {
    pub fn new(width: f32, font_size: f32) -> Self {
        LayoutParams {
            width,
            font_size,
            line_height: DEFAULT_LINE_HEIGHT,
        }
    }
}

/// Naskh needs room above and below for marks; the view also draws underline lanes
/// under the text.
pub const DEFAULT_LINE_HEIGHT: f32 = 2.0;

/// An axis-aligned rectangle, `y` positive downward.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn center(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
}

struct Paragraph {
    /// `None` for an empty paragraph.
    layout: Option<Layout<()>>,
    /// Byte range in the document (without the `\n`).
    bytes: Range<usize>,
    top: f32,
    height: f32,
    rtl: bool,
}

/// One visual line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInfo {
    pub paragraph: usize,
    /// Index of the line within its paragraph's layout.
    pub index: usize,
    pub top: f32,
    pub bottom: f32,
    /// Baseline, absolute.
    pub baseline: f32,
    /// Code points of the document on this line (the trailing space of a wrapped line
    /// included, the `\n` not).
    pub range: Range<usize>,
}

/// A glyph positioned for painting: absolute pen position of its origin on the baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub font: FontId,
    pub id: u16,
    pub x: f32,
    pub y: f32,
}

/// A shaped run of one line, for inspection.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub font: FontId,
    pub rtl: bool,
    /// Code points of the document.
    pub range: Range<usize>,
    /// Glyphs in visual order: (id, x, y, advance, cluster start code point).
    pub glyphs: Vec<(u32, f32, f32, f32, usize)>,
}

/// The text given to parley for one paragraph: characters that parley would treat as
/// hard line breaks (CR, VT, FF, NEL, U+2028, U+2029) are replaced by a space of the
/// same UTF-8 length, so byte offsets stay those of the document. Paragraphs are split
/// on `\n` only; such a break inside a paragraph, in right-to-left text and followed by
/// a combining mark, made parley's selection geometry panic (found by the fuzz mirror,
/// regression test in `tests/fuzz_mirror.rs`).
fn without_hard_breaks(piece: &str) -> std::borrow::Cow<'_, str> {
    let replace = |c: char| match c {
        '\r' | '\u{0B}' | '\u{0C}' => Some(' '),
        '\u{85}' => Some('\u{A0}'),
        '\u{2028}' | '\u{2029}' => Some('\u{2003}'),
        _ => None,
    };
    if !piece.chars().any(|c| replace(c).is_some()) {
        return std::borrow::Cow::Borrowed(piece);
    }
    let out: String = piece.chars().map(|c| replace(c).unwrap_or(c)).collect();
    debug_assert_eq!(out.len(), piece.len());
    std::borrow::Cow::Owned(out)
}

/// A document laid out at one width and font size.
pub struct ArticleLayout {
    params: LayoutParams,
    paragraphs: Vec<Paragraph>,
    lines: Vec<LineInfo>,
    offsets: OffsetMap,
    height: f32,
}

impl ArticleLayout {
    /// Lays out `text`. Cost is linear in the text length.
    pub fn new(engine: &mut TextEngine, text: &str, params: LayoutParams) -> Self {
        let offsets = OffsetMap::new(text);
        let line_px = params.font_size * params.line_height;
        let mut paragraphs = Vec::new();
        let mut lines = Vec::new();
        let mut top = 0.0f32;
        let mut start = 0usize;
        let width = params.width.max(1.0);
        for piece in text.split('\n') {
            let bytes = start..start + piece.len();
            start = bytes.end + 1;
            if piece.is_empty() {
                let cp = offsets.byte_to_cp_floor(bytes.start);
                lines.push(LineInfo {
                    paragraph: paragraphs.len(),
                    index: 0,
                    top,
                    bottom: top + line_px,
                    baseline: top + line_px * 0.7,
                    range: cp..cp,
                });
                paragraphs.push(Paragraph {
                    layout: None,
                    bytes,
                    top,
                    height: line_px,
                    rtl: false,
                });
                top += line_px;
                continue;
            }
            let shaped = without_hard_breaks(piece);
            let piece: &str = &shaped;
            let mut b = engine.lcx.ranged_builder(&mut engine.fcx, piece, 1.0, true);
            b.push_default(StyleProperty::FontFamily(FontFamily::Source(
                FAMILY_LIST.into(),
            )));
            b.push_default(StyleProperty::FontSize(params.font_size));
            b.push_default(StyleProperty::LineHeight(LineHeight::FontSizeRelative(
                params.line_height,
            )));
            let mut layout: Layout<()> = b.build(piece);
            layout.break_all_lines(Some(width));
            layout.align(Alignment::Start, AlignmentOptions::default());
            let height = layout.height();
            let para_index = paragraphs.len();
            for (i, line) in layout.lines().enumerate() {
                let m = line.metrics();
                let r = line.text_range();
                lines.push(LineInfo {
                    paragraph: para_index,
                    index: i,
                    top: top + m.block_min_coord,
                    bottom: top + m.block_max_coord,
                    baseline: top + m.baseline,
                    range: offsets.byte_to_cp_floor(bytes.start + r.start)
                        ..offsets.byte_to_cp_floor(bytes.start + r.end),
                });
            }
            paragraphs.push(Paragraph {
                rtl: layout.is_rtl(),
                layout: Some(layout),
                bytes,
                top,
                height,
            });
            top += height;
        }
        ArticleLayout {
            params,
            paragraphs,
            lines,
            offsets,
            height: top,
        }
    }

    pub fn params(&self) -> LayoutParams {
        self.params
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    pub fn lines(&self) -> &[LineInfo] {
        &self.lines
    }

    pub fn offsets(&self) -> &OffsetMap {
        &self.offsets
    }

    pub fn paragraph_count(&self) -> usize {
        self.paragraphs.len()
    }

    /// Whether the paragraph containing line `line` runs right to left.
    pub fn line_is_rtl(&self, line: usize) -> bool {
        self.paragraphs[self.lines[line].paragraph].rtl
    }

    /// Indices of the lines that intersect `y0..y1`.
    pub fn lines_in(&self, y0: f32, y1: f32) -> Range<usize> {
        let first = self.lines.partition_point(|l| l.bottom <= y0);
        let last = self.lines.partition_point(|l| l.top < y1);
        first..last.max(first)
    }

    /// The line at height `y` (clamped to the first/last line).
    pub fn line_at_y(&self, y: f32) -> Option<usize> {
        if self.lines.is_empty() {
            return None;
        }
        let i = self.lines.partition_point(|l| l.bottom <= y);
        Some(i.min(self.lines.len() - 1))
    }

    /// The line containing code point `cp` (the first one for a boundary).
    pub fn line_of(&self, cp: usize) -> Option<usize> {
        if self.lines.is_empty() {
            return None;
        }
        let i = self
            .lines
            .partition_point(|l| l.range.end <= cp && l.range.start < cp);
        Some(i.min(self.lines.len() - 1))
    }

    fn paragraph_at_y(&self, y: f32) -> usize {
        let i = self.paragraphs.partition_point(|p| p.top + p.height <= y);
        i.min(self.paragraphs.len().saturating_sub(1))
    }

    /// The paragraph containing code point `cp`; a `\n` belongs to the paragraph it ends.
    fn paragraph_of_cp(&self, cp: usize) -> usize {
        let byte = self
            .offsets
            .cp_to_byte(cp)
            .unwrap_or(self.offsets.len_bytes());
        let i = self.paragraphs.partition_point(|p| p.bytes.end < byte);
        i.min(self.paragraphs.len().saturating_sub(1))
    }

    /// The code point range of the paragraph containing `cp` (without its `\n`).
    pub fn paragraph_range(&self, cp: usize) -> Range<usize> {
        let p = &self.paragraphs[self.paragraph_of_cp(cp)];
        self.offsets.byte_to_cp_floor(p.bytes.start)..self.offsets.byte_to_cp_floor(p.bytes.end)
    }

    /// The character under a point: the first code point of the grapheme cluster whose
    /// glyphs are under (or, beside the text, nearest to) the point. `None` on an empty
    /// paragraph.
    pub fn hit_char(&self, x: f32, y: f32) -> Option<usize> {
        let p = self.paragraphs.get(self.paragraph_at_y(y))?;
        let layout = p.layout.as_ref()?;
        let (cluster, _) = Cluster::from_point(layout, x, y - p.top)?;
        Some(
            self.offsets
                .byte_to_cp_floor(p.bytes.start + cluster.text_range().start),
        )
    }

    /// The caret position (a boundary between code points) nearest to a point: what a
    /// click or a drag sets.
    pub fn caret_at(&self, x: f32, y: f32) -> usize {
        let Some(p) = self.paragraphs.get(self.paragraph_at_y(y)) else {
            return 0;
        };
        let local = match &p.layout {
            Some(l) => Cursor::from_point(l, x, y - p.top).index(),
            None => 0,
        };
        self.offsets.byte_to_cp_floor(p.bytes.start + local)
    }

    /// Rectangles covering code points `start..end`: one per line piece, several where
    /// the range crosses a bidi boundary or a line break.
    pub fn range_rects(&self, start: usize, end: usize) -> Vec<Rect> {
        let mut out = Vec::new();
        self.range_rects_with(start, end, |r| out.push(r));
        out
    }

    pub fn range_rects_with(&self, start: usize, end: usize, mut f: impl FnMut(Rect)) {
        if start >= end {
            return;
        }
        let (Some(bs), Some(be)) = (self.offsets.cp_to_byte(start), self.offsets.cp_to_byte(end))
        else {
            return;
        };
        let first = self.paragraphs.partition_point(|p| p.bytes.end <= bs);
        for p in &self.paragraphs[first..] {
            if p.bytes.start >= be {
                break;
            }
            let Some(layout) = &p.layout else { continue };
            let s = bs.max(p.bytes.start) - p.bytes.start;
            let e = be.min(p.bytes.end) - p.bytes.start;
            if s >= e {
                continue;
            }
            let sel = Selection::new(
                Cursor::from_byte_index(layout, s, Affinity::Downstream),
                Cursor::from_byte_index(layout, e, Affinity::Upstream),
            );
            sel.geometry_with(layout, |bb, _| {
                f(Rect {
                    x0: bb.x0 as f32,
                    y0: bb.y0 as f32 + p.top,
                    x1: bb.x1 as f32,
                    y1: bb.y1 as f32 + p.top,
                })
            });
        }
    }

    /// The caret rectangle (zero-width) at code point `cp`.
    pub fn caret_rect(&self, cp: usize, upstream: bool) -> Rect {
        let pi = self.paragraph_of_cp(cp);
        let p = &self.paragraphs[pi];
        let Some(layout) = &p.layout else {
            let x = if p.rtl { self.params.width } else { 0.0 };
            return Rect {
                x0: x,
                y0: p.top,
                x1: x,
                y1: p.top + p.height,
            };
        };
        let byte = self
            .offsets
            .cp_to_byte(cp)
            .unwrap_or(self.offsets.len_bytes());
        let local = byte.clamp(p.bytes.start, p.bytes.end) - p.bytes.start;
        let aff = if upstream {
            Affinity::Upstream
        } else {
            Affinity::Downstream
        };
        let bb = Cursor::from_byte_index(layout, local, aff).geometry(layout, 1.0);
        Rect {
            x0: bb.x0 as f32,
            y0: bb.y0 as f32 + p.top,
            x1: bb.x0 as f32,
            y1: bb.y1 as f32 + p.top,
        }
    }

    /// Moves a caret one character visually left or right (what the arrow keys do in
    /// this paragraph's direction), crossing into the neighbouring paragraph at its ends.
    pub fn move_visual(&self, cp: usize, left: bool) -> usize {
        let pi = self.paragraph_of_cp(cp);
        let p = &self.paragraphs[pi];
        let pstart = self.offsets.byte_to_cp_floor(p.bytes.start);
        let pend = self.offsets.byte_to_cp_floor(p.bytes.end);
        if let Some(layout) = &p.layout {
            let byte = self
                .offsets
                .cp_to_byte(cp)
                .unwrap_or(self.offsets.len_bytes());
            let local = byte.clamp(p.bytes.start, p.bytes.end) - p.bytes.start;
            let c = Cursor::from_byte_index(layout, local, Affinity::Downstream);
            let moved = if left {
                c.previous_visual(layout)
            } else {
                c.next_visual(layout)
            };
            if moved.index() != local {
                return self.offsets.byte_to_cp_floor(p.bytes.start + moved.index());
            }
        }
        // At an edge: go to the neighbouring paragraph in logical order.
        let forward = left == p.rtl;
        if forward && pi + 1 < self.paragraphs.len() {
            pend + 1
        } else if !forward && pi > 0 {
            pstart - 1
        } else {
            cp
        }
    }

    /// Glyphs of one line, for painting.
    pub fn line_glyphs(&self, engine: &TextEngine, line: usize, mut f: impl FnMut(PlacedGlyph)) {
        let info = &self.lines[line];
        let p = &self.paragraphs[info.paragraph];
        let Some(layout) = &p.layout else { return };
        let Some(l) = layout.get(info.index) else {
            return;
        };
        for item in l.items() {
            let PositionedLayoutItem::GlyphRun(gr) = item else {
                continue;
            };
            let Some(font) = engine.font_id(gr.run().font()) else {
                continue;
            };
            for g in gr.positioned_glyphs() {
                f(PlacedGlyph {
                    font,
                    id: g.id as u16,
                    x: g.x,
                    y: g.y + p.top,
                });
            }
        }
    }

    /// Runs of one line in visual order, with their glyphs and clusters (for inspection
    /// and tests against HarfBuzz).
    pub fn line_runs(&self, engine: &TextEngine, line: usize) -> Vec<RunInfo> {
        let info = &self.lines[line];
        let p = &self.paragraphs[info.paragraph];
        let mut out = Vec::new();
        let Some(layout) = &p.layout else { return out };
        let Some(l) = layout.get(info.index) else {
            return out;
        };
        let base = p.bytes.start;
        for item in l.items() {
            let PositionedLayoutItem::GlyphRun(gr) = item else {
                continue;
            };
            let run = gr.run();
            let Some(font) = engine.font_id(run.font()) else {
                continue;
            };
            let r = run.text_range();
            let mut glyphs = Vec::new();
            let mut pen = gr.offset();
            let baseline = gr.baseline() + p.top;
            for cluster in run.visual_clusters() {
                let c = self
                    .offsets
                    .byte_to_cp_floor(base + cluster.text_range().start);
                for g in cluster.glyphs() {
                    glyphs.push((g.id, pen + g.x, baseline + g.y, g.advance, c));
                    pen += g.advance;
                }
            }
            out.push(RunInfo {
                font,
                rtl: run.is_rtl(),
                range: self.offsets.byte_to_cp_floor(base + r.start)
                    ..self.offsets.byte_to_cp_floor(base + r.end),
                glyphs,
            });
        }
        out
    }
}

/// The font fallback list: Arabic first, then the Latin companion.
const FAMILY_LIST: &str = "'Noto Naskh Arabic', 'Noto Sans'";

/// The word (UAX #29) containing code point `cp`; clitics written attached to a word
/// (و ب ل ك ف) are part of it, since UAX #29 does not split Arabic letters. Falls back
/// to the single character for spaces and punctuation.
pub fn word_range(text: &str, layout: &ArticleLayout, cp: usize) -> Range<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    let m = layout.offsets();
    let para = layout.paragraph_range(cp);
    let (Some(pb), Some(pe)) = (m.cp_to_byte(para.start), m.cp_to_byte(para.end)) else {
        return cp..cp + 1;
    };
    let Some(target) = m.cp_to_byte(cp) else {
        return cp..cp;
    };
    for (i, w) in text[pb..pe].split_word_bound_indices() {
        let (s, e) = (pb + i, pb + i + w.len());
        if s <= target && target < e {
            return m.byte_to_cp_floor(s)..m.byte_to_cp_floor(e);
        }
    }
    cp..(cp + 1).min(m.len_chars())
}
