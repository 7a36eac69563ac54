//! [`ArticleLayout`]: a whole document laid out for display, and the queries the view
//! needs (visible lines, hit testing, highlight rectangles, caret movement).
//!
//! The text is split into paragraphs on `\n` (or `\r\n`); each non-empty paragraph is one parley
//! layout, with its direction taken from its first strong character (UAX #9 P2–P3) and
//! aligned to its start edge (Arabic paragraphs right-aligned). Empty paragraphs are a
//! line with no runs, in the document's direction (that of its first paragraph with a
//! letter). Paragraph tops and a flat list of lines are kept so that the
//! lines in a vertical interval are found by binary search, never by a scan.
//!
//! A layout is built when the text, the width, the font size or the scale change —
//! never per frame. Everything it returns is in code points of the document text;
//! the conversion from parley's byte offsets happens here, through one [`OffsetMap`].

use std::ops::Range;

use parley::{
    Alignment, AlignmentOptions, FontFamily, FontFamilyName, Layout, LineHeight,
    PositionedLayoutItem, StyleProperty,
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
    /// Byte range in the document (without the `\n` or `\r\n`).
    bytes: Range<usize>,
    /// Where the next paragraph starts (after the line ending).
    next: usize,
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
    /// Pen position of the run's left edge on its baseline (absolute): a glyph's offset
    /// from its pen position is `x - (origin.0 + advances of the glyphs before it)` and
    /// `y - origin.1`.
    pub origin: (f32, f32),
    /// Glyphs in visual order: (id, x, y, advance, cluster start code point).
    pub glyphs: Vec<(u32, f32, f32, f32, usize)>,
    /// The run's grapheme clusters in visual order (left to right), with their
    /// horizontal extent; a ligature's advance is shared among the clusters it covers.
    pub clusters: Vec<ClusterBox>,
}

/// One grapheme cluster of a run: code points of the document and horizontal extent.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterBox {
    pub range: Range<usize>,
    pub x0: f32,
    pub x1: f32,
}

/// Texts shorter than this are laid out on the calling thread only.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// How many threads a layout uses: `HASHIYA_LAYOUT_THREADS` if set (1 turns the
/// parallel layout off), else the available cores, at most 8.
pub fn layout_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::env::var("HASHIYA_LAYOUT_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            })
            .min(8)
    })
}

/// (font size, line height, wrap width).
type Metrics = (f32, f32, f32);

/// The parley layout of every paragraph (`None` for an empty one), broken into lines at
/// the wrap width and aligned. Long texts are split into contiguous chunks of about equal
/// size, one per thread, each laid out with its own [`TextEngine`].
fn build_paragraphs(
    engine: &mut TextEngine,
    text: &str,
    pieces: &[(Range<usize>, usize)],
    metrics: Metrics,
    threads: usize,
) -> Vec<Option<Layout<()>>> {
    if threads < 2 || text.len() < PARALLEL_MIN_BYTES || pieces.len() < 2 {
        return build_chunk(engine, text, pieces, metrics);
    }
    // Chunk boundaries at paragraph starts, by byte count.
    let per = text.len().div_ceil(threads);
    let mut chunks: Vec<&[(Range<usize>, usize)]> = Vec::with_capacity(threads);
    let mut from = 0;
    for k in 1..threads {
        let to = pieces.partition_point(|(r, _)| r.start < k * per).max(from);
        chunks.push(&pieces[from..to]);
        from = to;
    }
    chunks.push(&pieces[from..]);
    // The helper engines are taken out of the main one for the duration, so both can
    // be borrowed mutably; they are kept for the next layout (a resize).
    let mut helpers = std::mem::take(&mut engine.helpers);
    while helpers.len() < chunks.len() - 1 {
        helpers.push(TextEngine::new());
    }
    let out = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks[1..]
            .iter()
            .zip(helpers.iter_mut())
            .map(|(chunk, helper)| scope.spawn(move || build_chunk(helper, text, chunk, metrics)))
            .collect();
        let mut out = build_chunk(engine, text, chunks[0], metrics);
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    });
    engine.helpers = helpers;
    out
}

fn build_chunk(
    engine: &mut TextEngine,
    text: &str,
    pieces: &[(Range<usize>, usize)],
    (font_size, line_height, width): Metrics,
) -> Vec<Option<Layout<()>>> {
    pieces
        .iter()
        .map(|(bytes, _)| {
            let piece = &text[bytes.clone()];
            if piece.is_empty() {
                return None;
            }
            let shaped = without_hard_breaks(piece);
            let piece: &str = &shaped;
            let mut b = engine.lcx.ranged_builder(&mut engine.fcx, piece, 1.0, true);
            b.push_default(StyleProperty::FontFamily(FontFamily::List(
                std::borrow::Cow::Borrowed(&FAMILY_LIST),
            )));
            b.push_default(StyleProperty::FontSize(font_size));
            b.push_default(StyleProperty::LineHeight(LineHeight::FontSizeRelative(
                line_height,
            )));
            let mut layout: Layout<()> = b.build(piece);
            layout.break_all_lines(Some(width));
            layout.align(Alignment::Start, AlignmentOptions::default());
            Some(layout)
        })
        .collect()
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
    // Every such character starts with one of these bytes (U+0085 is C2 85, U+2028/9
    // E2 80 A8/A9): a byte scan rules most paragraphs out before the character scan.
    let may_have = piece
        .bytes()
        .any(|b| matches!(b, 0x0B..=0x0D | 0xC2 | 0xE2));
    if !may_have || !piece.chars().any(|c| replace(c).is_some()) {
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
    /// The document's direction: that of its first paragraph with a letter.
    rtl: bool,
}

impl ArticleLayout {
    /// Lays out `text`. Cost is linear in the text length.
    pub fn new(engine: &mut TextEngine, text: &str, params: LayoutParams) -> Self {
        Self::with_threads(engine, text, params, layout_threads())
    }

    /// Like [`ArticleLayout::new`] with at most `threads` threads shaping paragraphs
    /// (the result is the same for any number; texts under 64 KiB use one).
    pub fn with_threads(
        engine: &mut TextEngine,
        text: &str,
        params: LayoutParams,
        threads: usize,
    ) -> Self {
        let offsets = OffsetMap::new(text);
        let line_px = params.font_size * params.line_height;
        let width = params.width.max(1.0);
        // Phase 1: the paragraphs (byte range, start of the next) and their parley
        // layouts — independent of each other, so a long text is shaped on several
        // threads. Phase 2 (below) places them one under the other.
        let mut pieces = Vec::new();
        let mut start = 0usize;
        for piece in text.split('\n') {
            let next = start + piece.len() + 1;
            // A CRLF line ending: the \r is part of it (parley would break the line at
            // it, adding an empty line to every paragraph).
            let piece = piece.strip_suffix('\r').unwrap_or(piece);
            pieces.push((start..start + piece.len(), next));
            start = next;
        }
        let built = build_paragraphs(
            engine,
            text,
            &pieces,
            (params.font_size, params.line_height, width),
            threads,
        );
        let mut paragraphs = Vec::with_capacity(pieces.len());
        let mut lines = Vec::new();
        let mut top = 0.0f32;
        for ((bytes, next), layout) in pieces.into_iter().zip(built) {
            let Some(layout) = layout else {
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
                    next,
                    top,
                    height: line_px,
                    rtl: false,
                });
                top += line_px;
                continue;
            };
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
                next,
                top,
                height,
            });
            top += height;
        }
        // Empty paragraphs have no strong character; they take the document's direction
        // (an empty line of an Arabic article has its caret on the right).
        let rtl = paragraphs
            .iter()
            .find(|p| p.layout.is_some() && text[p.bytes.clone()].chars().any(char::is_alphabetic))
            .is_some_and(|p| p.rtl);
        for p in &mut paragraphs {
            if p.layout.is_none() {
                p.rtl = rtl;
            }
        }
        ArticleLayout {
            params,
            paragraphs,
            lines,
            offsets,
            height: top,
            rtl,
        }
    }

    /// The document's direction: that of its first paragraph containing a letter (empty
    /// paragraphs take it too). The arrow keys walk lines in this direction.
    pub fn is_rtl(&self) -> bool {
        self.rtl
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

    /// The line containing code point `cp`: the line whose range holds it; the `\n`
    /// ending a paragraph (and the end of the text) is on that paragraph's last line.
    pub fn line_of(&self, cp: usize) -> Option<usize> {
        if self.lines.is_empty() {
            return None;
        }
        let p = self.paragraph_of_cp(cp);
        // The last line of paragraph `p` that starts at or before `cp`.
        let i = self
            .lines
            .partition_point(|l| l.paragraph < p || (l.paragraph == p && l.range.start <= cp));
        Some(i.saturating_sub(1))
    }

    fn paragraph_at_y(&self, y: f32) -> usize {
        let i = self.paragraphs.partition_point(|p| p.top + p.height <= y);
        i.min(self.paragraphs.len().saturating_sub(1))
    }

    /// The paragraph containing code point `cp`; a `\n` (or `\r\n`) belongs to the
    /// paragraph it ends.
    fn paragraph_of_cp(&self, cp: usize) -> usize {
        let byte = self
            .offsets
            .cp_to_byte(cp)
            .unwrap_or(self.offsets.len_bytes());
        let i = self.paragraphs.partition_point(|p| p.next <= byte);
        i.min(self.paragraphs.len().saturating_sub(1))
    }

    /// The code point range of the paragraph containing `cp` (without its line ending).
    pub fn paragraph_range(&self, cp: usize) -> Range<usize> {
        let p = &self.paragraphs[self.paragraph_of_cp(cp)];
        self.offsets.byte_to_cp_floor(p.bytes.start)..self.offsets.byte_to_cp_floor(p.bytes.end)
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
            let mut clusters = Vec::new();
            let mut pen = gr.offset();
            let mut cluster_pen = gr.offset();
            let baseline = gr.baseline() + p.top;
            for cluster in run.visual_clusters() {
                let cr = cluster.text_range();
                let c = self.offsets.byte_to_cp_floor(base + cr.start);
                for g in cluster.glyphs() {
                    glyphs.push((g.id, pen + g.x, baseline + g.y, g.advance, c));
                    pen += g.advance;
                }
                let advance = cluster.advance();
                clusters.push(ClusterBox {
                    range: c..self.offsets.byte_to_cp_floor(base + cr.end),
                    x0: cluster_pen,
                    x1: cluster_pen + advance,
                });
                cluster_pen += advance;
            }
            out.push(RunInfo {
                font,
                rtl: run.is_rtl(),
                range: self.offsets.byte_to_cp_floor(base + r.start)
                    ..self.offsets.byte_to_cp_floor(base + r.end),
                origin: (gr.offset(), baseline),
                glyphs,
                clusters,
            });
        }
        out
    }
}

/// The font fallback list: Arabic first, then the Latin companion, then the emoji font
/// (a list of names: no CSS string to parse for every paragraph).
static FAMILY_LIST: [FontFamilyName<'static>; 3] = [
    FontFamilyName::Named(std::borrow::Cow::Borrowed(crate::fonts::ARABIC_FAMILY)),
    FontFamilyName::Named(std::borrow::Cow::Borrowed(crate::fonts::LATIN_FAMILY)),
    FontFamilyName::Named(std::borrow::Cow::Borrowed(crate::fonts::EMOJI_FAMILY)),
];

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

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;

#[path = "missing.rs"]
pub mod missing;

#[path = "queries.rs"]
mod queries;
