//! Painting the article view, one pass per layer, in this order: highlight fills and
//! underline lanes (collecting the chips), relation arrows, search matches, the flash
//! of a jump target, the selection, the glyphs (`TextRenderer`), the caret, the
//! selected span's handles and a drag's preview, and the label chips above all.

use std::ops::Range;

use egui::{Color32, CornerRadius, Painter, Pos2, Rect, Shape, Stroke, pos2, vec2};

use super::article_input::{Grab, handle_rects};
use super::article_view::{Arrow, Highlight};
use crate::model::edit::SpanEnd;
use crate::text::ArticleLayout;

/// Where to paint: the painter, the layout, and the text's top-left on screen.
pub(super) struct Canvas<'a> {
    pub painter: &'a Painter,
    pub layout: &'a ArticleLayout,
    pub origin: Pos2,
}

/// A label chip to draw at a span's logical start: (position, right-to-left, label,
/// colour).
pub(super) type Chip = (Pos2, bool, String, Color32);

impl Canvas<'_> {
    pub fn to_screen(&self, r: &crate::text::Rect) -> Rect {
        Rect::from_min_max(
            pos2(self.origin.x + r.x0, self.origin.y + r.y0),
            pos2(self.origin.x + r.x1, self.origin.y + r.y1),
        )
    }

    /// Fills (or a colleague's dashed outlines) and underline lanes; returns the chips
    /// to draw last.
    pub fn highlights(&self, highlights: &[Highlight]) -> Vec<Chip> {
        let (layout, painter) = (self.layout, self.painter);
        let fs = layout.params().font_size;
        let lane_gap = (fs * 0.16).max(3.0);
        let mut chips = Vec::new();
        for h in highlights {
            let mut first = true;
            let rtl_start = layout
                .line_of(h.range.start)
                .map(|l| layout.line_is_rtl(l))
                .unwrap_or(false);
            layout.range_rects_with(h.range.start, h.range.end, |r| {
                let sr = self.to_screen(&r);
                let line_h = sr.height();
                // Fill the text band of the line (not the whole line box).
                let band = Rect::from_min_max(
                    pos2(sr.min.x, sr.min.y + line_h * 0.22),
                    pos2(sr.max.x, sr.max.y - line_h * 0.18),
                );
                if h.outline {
                    // A colleague's span or a suggestion: a dashed outline.
                    let r = band.expand(1.5);
                    let stroke = Stroke::new(if h.emphasised { 2.5 } else { 1.2 }, h.color);
                    for seg in [
                        [r.left_top(), r.right_top()],
                        [r.right_top(), r.right_bottom()],
                        [r.right_bottom(), r.left_bottom()],
                        [r.left_bottom(), r.left_top()],
                    ] {
                        painter.extend(Shape::dashed_line(&seg, stroke, 4.0, 3.0));
                    }
                } else {
                    let alpha = if h.emphasised { 0.45 } else { 0.16 };
                    painter.rect_filled(band, CornerRadius::same(2), h.color.gamma_multiply(alpha));
                }
                if h.emphasised {
                    painter.rect_stroke(
                        band,
                        CornerRadius::same(2),
                        Stroke::new(1.5, h.color),
                        egui::StrokeKind::Outside,
                    );
                }
                // Own spans: an underline in their lane. An outlined one (a colleague's,
                // a suggestion) has its dashed box instead: a lane line would run into its
                // chip below the text and stick out beside it.
                if !h.outline {
                    let y = band.max.y + 1.0 + h.lane as f32 * lane_gap;
                    let seg = [pos2(sr.min.x + 1.0, y), pos2(sr.max.x - 1.0, y)];
                    painter.line_segment(seg, Stroke::new(2.0, h.color));
                }
                if first {
                    first = false;
                    let x = if rtl_start { sr.max.x } else { sr.min.x };
                    // Own spans: chip above the text; a colleague's: below it.
                    let y = if h.outline {
                        sr.max.y + 12.0
                    } else {
                        band.min.y
                    };
                    chips.push((pos2(x, y), rtl_start, h.chip.clone(), h.color));
                }
            });
        }
        chips
    }

    /// Relations of the selected span: arrows from the source's start to the target's
    /// start, above the line, with the relation's name in a pill.
    pub fn arrows(&self, arrows: &[Arrow]) {
        let (layout, painter) = (self.layout, self.painter);
        for a in arrows {
            let (Some(f), Some(t)) = (
                layout
                    .range_rects(a.from.start, a.from.end)
                    .first()
                    .copied(),
                layout.range_rects(a.to.start, a.to.end).first().copied(),
            ) else {
                continue;
            };
            let (f, t) = (self.to_screen(&f), self.to_screen(&t));
            let p0 = pos2(f.center().x, f.min.y + f.height() * 0.2);
            let p2 = pos2(t.center().x, t.min.y + t.height() * 0.2);
            let lift = 30.0 + (p0.x - p2.x).abs() * 0.15 + (p0.y - p2.y).abs() * 0.1;
            let p1 = pos2((p0.x + p2.x) / 2.0, p0.y.min(p2.y) - lift);
            let stroke = Stroke::new(2.0, a.color);
            let curve = egui::epaint::QuadraticBezierShape::from_points_stroke(
                [p0, p1, p2],
                false,
                Color32::TRANSPARENT,
                stroke,
            );
            if a.dashed {
                let points = curve.flatten(Some(0.5));
                painter.extend(Shape::dashed_line(&points, stroke, 6.0, 4.0));
            } else {
                painter.add(curve);
            }
            // Arrow head at the target.
            let dir = (p2 - p1).normalized();
            let n = vec2(-dir.y, dir.x);
            painter.add(Shape::convex_polygon(
                vec![p2, p2 - dir * 9.0 + n * 4.5, p2 - dir * 9.0 - n * 4.5],
                a.color,
                Stroke::NONE,
            ));
            let mid = pos2(p1.x, (p0.y.min(p2.y) + p1.y) / 2.0);
            let galley = painter.layout_no_wrap(
                a.label.clone(),
                egui::FontId::proportional(12.0),
                Color32::WHITE,
            );
            let pill = Rect::from_center_size(mid, galley.size() + vec2(8.0, 2.0));
            painter.rect_filled(pill, CornerRadius::same(6), a.color);
            painter.galley(pill.min + vec2(4.0, 1.0), galley, Color32::WHITE);
        }
    }

    /// Search matches in the visible range (binary search, they are sorted); the
    /// current one stronger.
    pub fn marks(&self, marks: &[Range<usize>], current: Option<usize>, visible: &Range<usize>) {
        let first = marks.partition_point(|m| m.end <= visible.start);
        for (k, m) in marks[first..].iter().enumerate() {
            if m.start >= visible.end {
                break;
            }
            let is_current = current == Some(first + k);
            let color = if is_current {
                Color32::from_rgb(255, 120, 0)
            } else {
                Color32::from_rgb(230, 180, 0)
            };
            self.layout.range_rects_with(m.start, m.end, |r| {
                self.painter.rect_stroke(
                    self.to_screen(&r).shrink2(vec2(0.0, 4.0)),
                    CornerRadius::same(2),
                    Stroke::new(if is_current { 2.5 } else { 1.5 }, color),
                    egui::StrokeKind::Outside,
                );
            });
        }
    }

    /// The flash of a jump target, fading out over its last 0.8 s (`t` from 1 to 0).
    pub fn flash(&self, r: &Range<usize>, t: f32) {
        self.layout.range_rects_with(r.start, r.end, |rr| {
            self.painter.rect_stroke(
                self.to_screen(&rr),
                CornerRadius::same(3),
                Stroke::new(3.0, Color32::from_rgb(255, 140, 0).gamma_multiply(t)),
                egui::StrokeKind::Outside,
            );
        });
    }

    pub fn selection(&self, sel: &Range<usize>, color: Color32) {
        self.layout.range_rects_with(sel.start, sel.end, |r| {
            self.painter
                .rect_filled(self.to_screen(&r), CornerRadius::ZERO, color);
        });
    }

    pub fn caret(&self, at: usize, color: Color32) {
        let r = self.to_screen(&self.layout.caret_rect(at, false));
        self.painter
            .line_segment([r.left_top(), r.left_bottom()], Stroke::new(1.5, color));
    }

    /// The selected span's handles: a bar at each end with a knob.
    pub fn handles(&self, span: &Range<usize>, color: Color32) {
        for (end, r) in handle_rects(self.layout, span) {
            let r = self.to_screen(&r);
            self.painter
                .line_segment([r.center_top(), r.center_bottom()], Stroke::new(2.0, color));
            let knob = match end {
                SpanEnd::Start => r.center_top(),
                SpanEnd::End => r.center_bottom(),
            };
            self.painter.circle_filled(knob, 3.5, color);
        }
    }

    /// What a drag would do: where a handle would land, or the line of a relation
    /// being drawn.
    pub fn grab(&self, grab: Grab, (x, y): (f32, f32)) {
        let layout = self.layout;
        match grab {
            Grab::Handle(_) => {
                let c = self.to_screen(&layout.caret_rect(layout.caret_at(x, y), false));
                let stroke = Stroke::new(2.5, Color32::from_rgb(255, 140, 0));
                self.painter
                    .line_segment([c.center_top(), c.center_bottom()], stroke);
            }
            Grab::Relation { from } => {
                if let Some(f) = layout.range_rects(from, from + 1).first() {
                    let stroke = Stroke::new(2.0, Color32::from_rgb(255, 140, 0));
                    let to = pos2(self.origin.x + x, self.origin.y + y);
                    self.painter
                        .line_segment([self.to_screen(f).center(), to], stroke);
                }
            }
        }
    }

    /// The label chips, last, above everything.
    pub fn chips(&self, chips: Vec<Chip>) {
        let fs = self.layout.params().font_size;
        for (p, rtl, label, color) in chips {
            let font = egui::FontId::proportional((fs * 0.42).max(9.0));
            let galley = self.painter.layout_no_wrap(label, font, Color32::WHITE);
            let size = galley.size() + vec2(6.0, 2.0);
            let min = if rtl {
                pos2(p.x - size.x, p.y - size.y)
            } else {
                pos2(p.x, p.y - size.y)
            };
            let r = Rect::from_min_size(min, size);
            self.painter.rect_filled(r, CornerRadius::same(3), color);
            self.painter
                .galley(r.min + vec2(3.0, 1.0), galley, Color32::WHITE);
        }
    }
}
