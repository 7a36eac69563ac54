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
    Affinity, Alignment, AlignmentOptions, Cluster, Cursor, FontFamily, Layout, LineHeight,
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
            b.push_default(StyleProperty::FontFamily(FontFamily::Source(
                FAMILY_LIST.into(),
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
    ///
    /// A caret is drawn downstream (`caret_rect(cp, false)`: with the character after
    /// it). Where parley's answer is an upstream caret that would be drawn elsewhere — the
    /// end of a wrapped line (drawn at the start of the next line) or a bidi boundary
    /// (drawn beside the other run) — the other edge of the cluster under the point is
    /// returned instead, so that the caret is drawn on the glyph that was clicked.
    pub fn caret_at(&self, x: f32, y: f32) -> usize {
        let Some(p) = self.paragraphs.get(self.paragraph_at_y(y)) else {
            return 0;
        };
        let Some(layout) = &p.layout else {
            return self.offsets.byte_to_cp_floor(p.bytes.start);
        };
        let ly = y - p.top;
        let mut local = Cursor::from_point(layout, x, ly).index();
        if let Some((cluster, _)) = Cluster::from_point(layout, x, ly) {
            let line = cluster.line();
            let m = line.metrics();
            let (top, bottom) = (m.block_min_coord as f64, m.block_max_coord as f64);
            let mut best: Option<(f64, usize)> = None;
            let r = cluster.text_range();
            for edge in [r.start, r.end] {
                let g = caret_geometry(layout, edge, Affinity::Downstream);
                let mid = (g.y0 + g.y1) / 2.0;
                if mid <= top || mid >= bottom {
                    continue; // drawn on another line
                }
                let d = (g.x0 - x as f64).abs();
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, edge));
                }
            }
            if let Some((_, edge)) = best {
                local = edge;
            }
        }
        self.offsets.byte_to_cp_floor(p.bytes.start + local)
    }

    /// Rectangles covering code points `start..end`: one per line piece, several where
    /// the range crosses a bidi boundary or a line break.
    pub fn range_rects(&self, start: usize, end: usize) -> Vec<Rect> {
        let mut out = Vec::new();
        self.range_rects_with(start, end, |r| out.push(r));
        out
    }

    /// [`Self::range_rects`], one rectangle at a time.
    ///
    /// Built from the clusters of each line the range touches, in visual order: a
    /// grapheme cluster is covered when it overlaps the range (a range starting or ending
    /// inside a cluster — a base letter without its mark — covers the whole cluster), and
    /// each maximal visual sequence of covered clusters is one rectangle over the line's
    /// height. (parley's `Selection::geometry` found the lines of a selection from where
    /// its end carets are drawn; an end caret drawn on the neighbouring line — at a bidi
    /// run edge at the start or end of a wrapped line — gave no rectangle at all.)
    pub fn range_rects_with(&self, start: usize, end: usize, mut f: impl FnMut(Rect)) {
        // A range running past the text (a layout of its first screens) is cut there.
        let end = end.min(self.offsets.len_chars());
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
            for line in layout.lines() {
                let lr = line.text_range();
                if lr.end <= s {
                    continue;
                }
                if lr.start >= e {
                    break;
                }
                let m = line.metrics();
                let y0 = f32::min(m.block_min_coord, m.content_block_min_coord) + p.top;
                let y1 = f32::max(m.block_max_coord, m.content_block_max_coord) + p.top;
                let mut x = m.offset + m.inline_min_coord;
                let mut open: Option<f32> = None;
                for run in line.runs() {
                    for c in run.visual_clusters() {
                        let r = c.text_range();
                        let covered = r.start < e && s < r.end;
                        match (covered, open) {
                            (true, None) => open = Some(x),
                            (false, Some(x0)) => {
                                f(Rect { x0, y0, x1: x, y1 });
                                open = None;
                            }
                            _ => {}
                        }
                        x += c.advance();
                    }
                }
                if let Some(x0) = open {
                    f(Rect { x0, y0, x1: x, y1 });
                }
            }
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
        let bb = caret_geometry(layout, local, aff);
        Rect {
            x0: bb.x0 as f32,
            y0: bb.y0 as f32 + p.top,
            x1: bb.x0 as f32,
            y1: bb.y1 as f32 + p.top,
        }
    }

    /// Caret positions on line `li` as (x, code point), as `caret_rect(cp, false)` draws
    /// them: the grapheme boundaries of the line whose caret is drawn on it (the end of a
    /// wrapped line is drawn at the start of the next line, so it belongs there).
    fn line_slots(&self, li: usize) -> Vec<(f32, usize)> {
        self.line_slots_by(li, true)
    }

    /// [`Self::line_slots`], from one walk over the line's clusters (`one_pass`) or by
    /// asking parley for every code point.
    fn line_slots_by(&self, li: usize, one_pass: bool) -> Vec<(f32, usize)> {
        let l = &self.lines[li];
        let p = &self.paragraphs[l.paragraph];
        let last = self
            .lines
            .get(li + 1)
            .is_none_or(|n| n.paragraph != l.paragraph);
        let end = if last { l.range.end + 1 } else { l.range.end };
        let Some(layout) = &p.layout else {
            return vec![(self.caret_rect(l.range.start, false).x0, l.range.start)];
        };
        let Some(line) = layout.get(l.index) else {
            return Vec::new();
        };
        // The line's clusters in visual order with their x, summed as parley's
        // `Cluster::visual_offset` sums them (so the values are identical), in one pass.
        let mut vis: Vec<(usize, f32, f32, bool)> = Vec::new();
        let mut run_x = line.metrics().offset;
        for run in line.runs().filter(|_| one_pass) {
            let mut x = run_x;
            for c in run.visual_clusters() {
                let a = c.advance();
                vis.push((c.text_range().start, x, a, c.is_rtl()));
                x += a;
            }
            run_x += run.advance();
        }
        let mut at: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::with_capacity(vis.len());
        for (i, v) in vis.iter().enumerate() {
            at.entry(v.0).or_insert(i);
        }
        let m = line.metrics();
        let mid = (f32::min(m.block_min_coord, m.content_block_min_coord)
            + f32::max(m.block_max_coord, m.content_block_max_coord))
            / 2.0
            + p.top;
        let on_line = l.top < mid && mid < l.bottom;
        let mut out = Vec::with_capacity(end - l.range.start);
        for cp in l.range.start..end {
            let local = self
                .offsets
                .cp_to_byte(cp)
                .unwrap_or(self.offsets.len_bytes())
                - p.bytes.start;
            // Where parley's `Cursor::geometry` (downstream) puts the caret: the boundary
            // between the cluster starting here and its visual neighbour — the right edge
            // of an RTL cluster, the left edge (the previous cluster's right edge) of an
            // LTR one. At the visual ends of the line parley has special rules: ask it.
            let fast = at.get(&local).and_then(|&i| {
                let (_, x, a, rtl) = vis[i];
                if rtl {
                    (i + 1 < vis.len()).then_some(x + a)
                } else {
                    (i > 0).then(|| vis[i - 1].1 + vis[i - 1].2)
                }
            });
            match fast {
                Some(x) => {
                    if on_line {
                        out.push((x, cp));
                    }
                }
                None => {
                    let c = Cursor::from_byte_index(layout, local, Affinity::Downstream);
                    if c.index() != local {
                        continue; // inside a grapheme cluster
                    }
                    let g = caret_geometry(layout, local, Affinity::Downstream);
                    let mid = (g.y0 + g.y1) as f32 / 2.0 + p.top;
                    if l.top < mid && mid < l.bottom {
                        out.push((g.x0 as f32, cp));
                    }
                }
            }
        }
        out
    }

    /// The straightforward [`Self::line_slots`]: parley's cursor geometry for every code
    /// point (quadratic in the line length). Kept as the tests' reference.
    #[cfg(test)]
    fn line_slots_reference(&self, li: usize) -> Vec<(f32, usize)> {
        self.line_slots_by(li, false)
    }

    /// Moves a caret one grapheme visually left or right (what the arrow keys do): to
    /// the nearest caret position drawn on that side on the same line; from the end of a
    /// line, to the neighbouring line in the document's reading order (for an Arabic
    /// document, Left from the left end of a line goes to the right end of the next
    /// line, whatever the line's own direction). Every press moves the drawn caret, and
    /// holding one key walks every line of the document in order.
    pub fn move_visual(&self, cp: usize, left: bool) -> usize {
        const EPS: f32 = 0.01;
        let cp = cp.min(self.offsets.len_chars());
        let here = self.caret_rect(cp, false);
        let Some(li) = self.line_at_y((here.y0 + here.y1) / 2.0) else {
            return cp;
        };
        // Going left, the best slot is the one with the largest x (the nearest one ahead
        // on this line, the right end of the next line); ties (two code points drawn at
        // one place, e.g. around the zero-width alef of lam-alef) go to the one logically
        // nearest to `cp`.
        let key = |x: f32| if left { x } else { -x };
        let pick = |slots: Vec<(f32, usize)>| -> Option<usize> {
            let best = slots.iter().map(|s| key(s.0)).max_by(f32::total_cmp)?;
            slots
                .iter()
                .filter(|s| key(s.0) >= best - EPS)
                .min_by_key(|s| s.1.abs_diff(cp))
                .map(|s| s.1)
        };
        let mut ahead = self.line_slots(li);
        ahead.retain(|s| key(s.0) < key(here.x0) - EPS);
        if let Some(c) = pick(ahead) {
            return c;
        }
        // At the end of the line: the neighbouring line in reading order.
        let next = if left == self.rtl {
            li + 1
        } else if li > 0 {
            li - 1
        } else {
            return cp;
        };
        if next >= self.lines.len() {
            return cp;
        }
        pick(self.line_slots(next)).unwrap_or(cp)
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

/// Where a caret at byte `index` of a paragraph is drawn: parley's cursor geometry when
/// that is on an edge of the caret's cluster, on the cluster's line. parley places a caret
/// beside its cluster's visual neighbour, which at a line edge can be on another line:
/// the end of an Arabic paragraph whose last line is one word was drawn at the right end
/// of the line before, and so was the start of a Latin word opening a line of an Arabic
/// paragraph. There the caret is drawn at the cluster's own edge instead: a downstream
/// caret at the leading edge of the cluster starting at `index`, the caret at the end of
/// the paragraph at the trailing edge of its last character (the left edge of a
/// right-to-left one).
fn caret_geometry(layout: &Layout<()>, index: usize, affinity: Affinity) -> parley::BoundingBox {
    let cursor = Cursor::from_byte_index(layout, index, affinity);
    let here = Cluster::from_byte_index(layout, cursor.index());
    // The cluster the caret belongs to, and whether it is at its leading edge.
    let (cluster, leading) = match (here, affinity) {
        (None, _) => match cursor.upstream_cluster(layout) {
            Some(last) => (last, false),
            None => return cursor.geometry(layout, 1.0),
        },
        (Some(c), Affinity::Downstream) => (c, true),
        (Some(_), Affinity::Upstream) => return cursor.geometry(layout, 1.0),
    };
    let line = cluster.line();
    let m = line.metrics();
    let top = f32::min(m.block_min_coord, m.content_block_min_coord) as f64;
    let bottom = f32::max(m.block_max_coord, m.content_block_max_coord) as f64;
    let x0 = cluster.visual_offset().unwrap_or_default() as f64;
    let x1 = x0 + cluster.advance() as f64;
    if here.is_some() {
        let g = cursor.geometry(layout, 1.0);
        let mid = (g.y0 + g.y1) / 2.0;
        let on_edge = (g.x0 - x0).abs() < 0.01 || (g.x0 - x1).abs() < 0.01;
        if on_edge && top < mid && mid < bottom {
            return g;
        }
    }
    let x = if cluster.is_rtl() == leading { x1 } else { x0 };
    parley::BoundingBox::new(x, top, x + 1.0, bottom)
}

/// The font fallback list: Arabic first, then the Latin companion.
const FAMILY_LIST: &str = "'Noto Naskh Arabic', 'Noto Sans', 'Noto Emoji'";

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
