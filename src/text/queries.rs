//! The queries of an [`ArticleLayout`] the view asks on input: the character under a
//! point, the caret for a point, highlight rectangles of a range, the caret rectangle,
//! and moving the caret by one visual position. All in code points of the document.

use parley::{Affinity, Cluster, Cursor, Layout};

use super::{ArticleLayout, Rect};

impl ArticleLayout {
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
    pub(super) fn line_slots(&self, li: usize) -> Vec<(f32, usize)> {
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
    pub(super) fn line_slots_reference(&self, li: usize) -> Vec<(f32, usize)> {
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
