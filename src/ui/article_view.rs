//! The article view: draws a document with the text engine, lets the user select text
//! with the mouse and keyboard, and draws annotation highlights.
//!
//! The layout is cached and rebuilt only when the document, the width, the font size
//! or `pixels_per_point` change. Each frame paints only the lines inside the visible
//! rectangle (binary search on line tops) and only the highlights the caller passes for
//! that range. Glyphs come from a [`GlyphAtlas`] uploaded to one egui texture,
//! incrementally.

use std::ops::Range;

use egui::{Color32, CornerRadius, Event, Key, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};

use super::layout_cache::LayoutCache;
use crate::model::edit::SpanEnd;
use crate::text::{ArticleLayout, LayoutParams};

pub use super::text_renderer::TextRenderer;

/// A span to draw, in code points.
#[derive(Debug, Clone)]
pub struct Highlight {
    pub range: Range<usize>,
    pub color: Color32,
    /// Underline lane (0 = closest to the text; outlined highlights have none).
    pub lane: u8,
    /// Short label drawn in a chip at the span's logical start.
    pub chip: String,
    /// Drawn with a stronger fill and an outline (the selected span).
    pub emphasised: bool,
    /// Opaque id the caller uses to know which span was clicked.
    pub id: usize,
    /// Drawn as an outline below the text instead of a fill (a colleague's span in
    /// review).
    pub outline: bool,
}

/// A relation to draw: an arrow from one span to another.
#[derive(Debug, Clone)]
pub struct Arrow {
    pub from: Range<usize>,
    pub to: Range<usize>,
    pub color: Color32,
    pub label: String,
}

/// A span handle let go after a drag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleDrop {
    pub end: SpanEnd,
    /// The caret position (code points) where it was let go.
    pub at: usize,
    /// Alt was held: exactly there, no snapping to words.
    pub exact: bool,
}

/// A drag that is not a text selection: a span handle, or a relation being drawn
/// (Ctrl+drag from a span).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Grab {
    Handle(SpanEnd),
    Relation { from: usize },
}

/// Handles of `span` (start, end) as (which, caret rectangle in layout coordinates).
fn handle_rects(layout: &ArticleLayout, span: &Range<usize>) -> [(SpanEnd, crate::text::Rect); 2] {
    [
        (SpanEnd::Start, layout.caret_rect(span.start, false)),
        (SpanEnd::End, layout.caret_rect(span.end, true)),
    ]
}

/// What a drag starting at (x, y) grabs: a handle of the selected span within reach,
/// or with Ctrl (Cmd) the character under it as the source of a relation.
fn grab_at(
    layout: &ArticleLayout,
    handles: Option<&Range<usize>>,
    (x, y): (f32, f32),
    command: bool,
) -> Option<Grab> {
    if let Some(span) = handles {
        for (end, r) in handle_rects(layout, span) {
            if (x - r.x0).abs() <= HANDLE_REACH
                && y >= r.y0 - HANDLE_REACH
                && y <= r.y1 + HANDLE_REACH
            {
                return Some(Grab::Handle(end));
            }
        }
    }
    if command {
        return layout.hit_char(x, y).map(|from| Grab::Relation { from });
    }
    None
}

/// How far (points) from a handle's caret a press still grabs it.
const HANDLE_REACH: f32 = 5.0;

/// What happened in the view this frame.
#[derive(Debug, Default, Clone)]
pub struct ViewResponse {
    /// A handle of the selected span was dragged and let go.
    pub handle_dropped: Option<HandleDrop>,
    /// A Ctrl+drag from one character to another ended: (from, to) in code points.
    pub relation_dropped: Option<(usize, usize)>,
    /// A click (not a drag) at this character.
    pub clicked_char: Option<usize>,
    /// The selection changed.
    pub selection_changed: bool,
    /// The view has keyboard focus.
    pub has_focus: bool,
    /// The character under the pointer, when it hovers the text.
    pub hovered_char: Option<usize>,
    /// The text area's response (for tooltips and context menus).
    pub response: Option<egui::Response>,
}

pub struct ArticleView {
    /// The engine and glyph atlas, shared with the Arabic labels of the panels.
    pub text: TextRenderer,
    /// The document's layout (first screens, then whole, for long documents).
    pub layouts: LayoutCache,
    /// Selection as (anchor, focus) caret positions in code points.
    selection: Option<(usize, usize)>,
    pub font_size: f32,
    scroll_to: Option<usize>,
    /// Rectangle of the text area in screen points during the last frame.
    last_origin: Pos2,
    /// Character to flash (jump target) and until when.
    flash: Option<(Range<usize>, f64)>,
    /// Relations to draw this frame (set by the caller before `show`).
    pub arrows: Vec<Arrow>,
    /// The id of the text area widget (it takes keyboard focus).
    widget_id: Option<egui::Id>,
    /// Search matches to mark (sorted, non-overlapping) and the current one.
    pub marks: std::sync::Arc<Vec<Range<usize>>>,
    pub current_mark: Option<usize>,
    /// The selected span, whose ends get drag handles (set by the caller before `show`).
    pub handles: Option<Range<usize>>,
    /// A handle or relation drag in progress, and where the pointer is (layout
    /// coordinates).
    grab: Option<(Grab, (f32, f32))>,
    /// A jump waiting for the background layout, and the document it is in.
    scroll_waits_for: Option<String>,
}

pub const DEFAULT_FONT_SIZE: f32 = 22.0;
const MARGIN: f32 = 24.0;

impl Default for ArticleView {
    fn default() -> Self {
        Self::new()
    }
}

impl ArticleView {
    pub fn new() -> Self {
        ArticleView {
            text: TextRenderer::new(),
            layouts: LayoutCache::default(),
            selection: None,
            font_size: DEFAULT_FONT_SIZE,
            scroll_to: None,
            last_origin: Pos2::ZERO,
            flash: None,
            arrows: Vec::new(),
            widget_id: None,
            marks: Default::default(),
            current_mark: None,
            handles: None,
            grab: None,
            scroll_waits_for: None,
        }
    }

    /// Whether the shown layout covers the whole document (false while the rest of a
    /// long document is laid out in the background).
    pub fn layout_complete(&self) -> bool {
        self.layouts.is_complete()
    }

    /// The selection as an ordered code point range (empty ranges are `None`).
    pub fn selection(&self) -> Option<Range<usize>> {
        let (a, f) = self.selection?;
        (a != f).then(|| a.min(f)..a.max(f))
    }

    pub fn set_selection(&mut self, range: Option<Range<usize>>) {
        self.selection = range.map(|r| (r.start, r.end));
    }

    pub fn widget_id(&self) -> Option<egui::Id> {
        self.widget_id
    }

    pub fn layout(&self) -> Option<&ArticleLayout> {
        self.layouts.layout()
    }

    /// Top-left of the text area on screen during the last frame (for tests and for
    /// mapping layout coordinates to the screen).
    pub fn origin(&self) -> Pos2 {
        self.last_origin
    }

    /// Scrolls so that code point `cp` is visible next frame, and flashes `range`.
    pub fn reveal(&mut self, range: Range<usize>, now: f64) {
        self.scroll_to = Some(range.start);
        self.flash = Some((range, now + 0.8));
    }

    /// The range being flashed (a revealed match or span), while it flashes.
    pub fn flashing(&self) -> Option<Range<usize>> {
        self.flash.as_ref().map(|(r, _)| r.clone())
    }

    pub fn zoom_in(&mut self) {
        self.font_size = (self.font_size * 1.1).min(72.0);
    }
    pub fn zoom_out(&mut self) {
        self.font_size = (self.font_size / 1.1).max(10.0);
    }
    pub fn zoom_reset(&mut self) {
        self.font_size = DEFAULT_FONT_SIZE;
    }

    /// Makes the cached layout that of `doc_key` at this width ([`LayoutCache`]).
    fn ensure_layout(
        &mut self,
        ctx: &egui::Context,
        doc_key: &str,
        text: &str,
        width: f32,
        min_height: f32,
    ) {
        let params = LayoutParams::new(width, self.font_size);
        let engine = &mut self.text.engine;
        self.layouts
            .ensure(engine, ctx, doc_key, text, params, min_height);
    }

    /// Shows the document. `doc_key` must change whenever the text does (document id
    /// plus hash). `highlights_for` is asked for the highlights of a code point range
    /// (the visible part only).
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        doc_key: &str,
        text: &str,
        highlights_for: &mut dyn FnMut(Range<usize>) -> Vec<Highlight>,
    ) -> ViewResponse {
        let mut out = ViewResponse::default();
        let avail = ui.available_width();
        let width = (avail - 2.0 * MARGIN).max(50.0);
        // The first screens: what the window shows, and as much again for a scroll.
        let min_height = 2.0 * ui.ctx().content_rect().height() + 2.0 * MARGIN;
        self.ensure_layout(ui.ctx(), doc_key, text, width, min_height);
        // A jump to text not laid out yet waits for the background layout of its
        // document (and is dropped when another document is shown meanwhile).
        if self
            .scroll_waits_for
            .as_deref()
            .is_some_and(|d| d != doc_key)
        {
            self.scroll_to = None;
            self.scroll_waits_for = None;
        }
        let laid_out = self.layout().map_or(0, |l| l.offsets().len_chars());
        let scroll_target = match self.scroll_to {
            Some(cp) if !self.layouts.is_complete() && cp >= laid_out => {
                self.scroll_waits_for = Some(doc_key.to_string());
                None
            }
            target => {
                // A jump that waited flashes its target now.
                if target.is_some()
                    && self.scroll_waits_for.take().is_some()
                    && let Some((r, _)) = self.flash.take()
                {
                    self.flash = Some((r, ui.input(|i| i.time) + 0.8));
                }
                self.scroll_to.take()
            }
        };
        let text_color = ui.visuals().text_color();
        let dark = ui.visuals().dark_mode;
        let sel_color = ui
            .visuals()
            .selection
            .bg_fill
            .gamma_multiply(if dark { 0.6 } else { 0.5 });
        let now = ui.input(|i| i.time);

        let height = self.layouts.height() + 2.0 * MARGIN;
        let scroll = egui::ScrollArea::vertical()
            .id_salt("article")
            .auto_shrink([false, false]);
        let scroll = if let Some(cp) = scroll_target {
            let y = self
                .layout()
                .map(|l| l.caret_rect(cp, false).y0)
                .unwrap_or(0.0);
            scroll.vertical_scroll_offset((y - 120.0).max(0.0))
        } else {
            scroll
        };
        // Handles only for a span laid out whole (a handle past the first screens
        // would be drawn, and dropped, at their end).
        let handles = self
            .handles
            .clone()
            .filter(|h| self.layouts.is_complete() || h.end <= laid_out);
        scroll.show_viewport(ui, |ui, viewport| {
            let (rect, response) =
                ui.allocate_exact_size(vec2(avail, height), Sense::click_and_drag());
            let origin = rect.min + vec2(MARGIN, MARGIN);
            self.last_origin = origin;
            self.widget_id = Some(response.id);
            let Some(layout) = self.layouts.layout() else {
                return;
            };
            let to_local = |p: Pos2| (p.x - origin.x, p.y - origin.y);

            // Input: mouse.
            if response.clicked()
                || response.drag_started()
                || response.double_clicked()
                || response.triple_clicked()
            {
                response.request_focus();
            }
            let mods = ui.input(|i| i.modifiers);
            let shift = mods.shift;
            if response.drag_started()
                && let Some(origin) = ui.input(|i| i.pointer.press_origin())
            {
                let at = to_local(origin);
                self.grab = grab_at(layout, handles.as_ref(), at, mods.command).map(|g| (g, at));
            }
            let pointer = ui.input(|i| i.pointer.latest_pos()).map(to_local);
            if let Some((grab, at)) = &mut self.grab {
                if let Some(p) = pointer {
                    *at = p;
                }
                let (x, y) = *at;
                if response.drag_stopped() {
                    match *grab {
                        Grab::Handle(end) => {
                            out.handle_dropped = Some(HandleDrop {
                                end,
                                at: layout.caret_at(x, y),
                                exact: mods.alt,
                            })
                        }
                        Grab::Relation { from } => {
                            out.relation_dropped = layout.hit_char(x, y).map(|to| (from, to))
                        }
                    }
                    self.grab = None;
                } else if !response.dragged() {
                    self.grab = None;
                }
            } else if let Some(p) = response.interact_pointer_pos() {
                let (x, y) = to_local(p);
                if response.triple_clicked() {
                    let cp = layout
                        .hit_char(x, y)
                        .unwrap_or_else(|| layout.caret_at(x, y));
                    let r = layout.paragraph_range(cp);
                    self.selection = Some((r.start, r.end));
                    out.selection_changed = true;
                } else if response.double_clicked() {
                    if let Some(cp) = layout.hit_char(x, y) {
                        let r = crate::text::layout::word_range(text, layout, cp);
                        self.selection = Some((r.start, r.end));
                        out.selection_changed = true;
                    }
                } else if response.drag_started() || (response.clicked() && !shift) {
                    // A drag is recognised only after the pointer has moved a little: anchor
                    // it where the button went down, not where the drag was noticed.
                    let (ax, ay) = if response.drag_started() {
                        ui.input(|i| i.pointer.press_origin())
                            .map_or((x, y), to_local)
                    } else {
                        (x, y)
                    };
                    let c = layout.caret_at(ax, ay);
                    if !(response.clicked() && shift) {
                        self.selection = Some((c, c));
                    }
                    if response.clicked() {
                        out.clicked_char = layout.hit_char(x, y);
                    }
                    out.selection_changed = true;
                } else if response.clicked() && shift {
                    let c = layout.caret_at(x, y);
                    let anchor = self.selection.map_or(c, |(a, _)| a);
                    self.selection = Some((anchor, c));
                    out.selection_changed = true;
                }
                if response.dragged() && !response.drag_started() {
                    let c = layout.caret_at(x, y);
                    if let Some((a, f)) = &mut self.selection
                        && *f != c
                    {
                        let _ = a;
                        *f = c;
                        out.selection_changed = true;
                    }
                }
            }

            if let Some(p) = response.hover_pos()
                && self.grab.is_none()
                && grab_at(layout, handles.as_ref(), to_local(p), false).is_some()
            {
                ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
            }
            if let Some(p) = response.hover_pos()
                && !response.dragged()
            {
                let (x, y) = to_local(p);
                let inside = layout.hit_char(x, y).filter(|&c| {
                    layout
                        .range_rects(c, c + 1)
                        .iter()
                        .any(|r| r.contains(x, y))
                });
                out.hovered_char = inside;
            }

            // Input: keyboard (only while focused).
            out.has_focus = response.has_focus();
            if response.has_focus() {
                let events = ui.input(|i| i.events.clone());
                for ev in events {
                    match ev {
                        Event::Key {
                            key: key @ (Key::ArrowLeft | Key::ArrowRight),
                            pressed: true,
                            modifiers,
                            ..
                        } => {
                            if let Some((a, f)) = self.selection {
                                let nf = layout.move_visual(f, key == Key::ArrowLeft);
                                self.selection = Some((if modifiers.shift { a } else { nf }, nf));
                                out.selection_changed = true;
                            }
                        }
                        Event::Copy => {
                            if let Some(r) = self.selection() {
                                let m = layout.offsets();
                                if let Some(s) = m.slice(text, r.start, r.end) {
                                    ui.ctx().copy_text(s.to_string());
                                }
                            }
                        }
                        _ => {}
                    }
                }
                // Keep arrow keys for us rather than for focus navigation.
                ui.memory_mut(|m| {
                    m.set_focus_lock_filter(
                        response.id,
                        egui::EventFilter {
                            horizontal_arrows: true,
                            vertical_arrows: false,
                            tab: false,
                            escape: false,
                        },
                    )
                });
            }

            // Paint: only the visible lines.
            let painter = ui.painter_at(rect);
            if !self.layouts.is_complete() && viewport.max.y - MARGIN > layout.height() {
                // Below the first screens, while the rest is laid out.
                painter.text(
                    pos2(rect.center().x, origin.y + layout.height() + MARGIN),
                    egui::Align2::CENTER_TOP,
                    "Laying out the rest of the document…",
                    egui::FontId::proportional(14.0),
                    ui.visuals().weak_text_color(),
                );
            }
            let visible = layout.lines_in(viewport.min.y - MARGIN, viewport.max.y - MARGIN);
            if visible.is_empty() {
                return;
            }
            let lines = layout.lines();
            let vis_cp = lines[visible.start].range.start..lines[visible.end - 1].range.end + 1;
            let to_screen = |r: &crate::text::Rect| {
                Rect::from_min_max(
                    pos2(origin.x + r.x0, origin.y + r.y0),
                    pos2(origin.x + r.x1, origin.y + r.y1),
                )
            };

            // Highlights: fills first, then underline lanes and chips.
            let highlights = highlights_for(vis_cp.clone());
            let fs = layout.params().font_size;
            let lane_gap = (fs * 0.16).max(3.0);
            let mut chips = Vec::new();
            for h in &highlights {
                let mut first = true;
                let rtl_start = layout
                    .line_of(h.range.start)
                    .map(|l| layout.line_is_rtl(l))
                    .unwrap_or(false);
                layout.range_rects_with(h.range.start, h.range.end, |r| {
                    let sr = to_screen(&r);
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
                        painter.rect_filled(
                            band,
                            CornerRadius::same(2),
                            h.color.gamma_multiply(alpha),
                        );
                    }
                    if h.emphasised {
                        painter.rect_stroke(
                            band,
                            CornerRadius::same(2),
                            Stroke::new(1.5, h.color),
                            egui::StrokeKind::Outside,
                        );
                    }
                    // Own spans: an underline in their lane. An outlined one (a
                    // colleague's, a suggestion) has its dashed box instead: a lane line
                    // would run into its chip below the text and stick out beside it.
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
            // Relations of the selected span: arrows from the source's start to the
            // target's start, above the line.
            for a in &self.arrows {
                let (Some(f), Some(t)) = (
                    layout
                        .range_rects(a.from.start, a.from.end)
                        .first()
                        .copied(),
                    layout.range_rects(a.to.start, a.to.end).first().copied(),
                ) else {
                    continue;
                };
                let (f, t) = (to_screen(&f), to_screen(&t));
                let p0 = pos2(f.center().x, f.min.y + f.height() * 0.2);
                let p2 = pos2(t.center().x, t.min.y + t.height() * 0.2);
                let lift = 30.0 + (p0.x - p2.x).abs() * 0.15 + (p0.y - p2.y).abs() * 0.1;
                let p1 = pos2((p0.x + p2.x) / 2.0, p0.y.min(p2.y) - lift);
                let stroke = Stroke::new(2.0, a.color);
                painter.add(egui::epaint::QuadraticBezierShape::from_points_stroke(
                    [p0, p1, p2],
                    false,
                    Color32::TRANSPARENT,
                    stroke,
                ));
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
            // Search matches in the visible range (binary search, they are sorted).
            let first_mark = self.marks.partition_point(|m| m.end <= vis_cp.start);
            for (k, m) in self.marks[first_mark..].iter().enumerate() {
                if m.start >= vis_cp.end {
                    break;
                }
                let current = self.current_mark == Some(first_mark + k);
                let color = if current {
                    Color32::from_rgb(255, 120, 0)
                } else {
                    Color32::from_rgb(230, 180, 0)
                };
                layout.range_rects_with(m.start, m.end, |r| {
                    painter.rect_stroke(
                        to_screen(&r).shrink2(vec2(0.0, 4.0)),
                        CornerRadius::same(2),
                        Stroke::new(if current { 2.5 } else { 1.5 }, color),
                        egui::StrokeKind::Outside,
                    );
                });
            }
            // Flash the jump target.
            if let Some((r, until)) = &self.flash {
                if now < *until {
                    let t = ((until - now) / 0.8) as f32;
                    layout.range_rects_with(r.start, r.end, |rr| {
                        painter.rect_stroke(
                            to_screen(&rr),
                            CornerRadius::same(3),
                            Stroke::new(3.0, Color32::from_rgb(255, 140, 0).gamma_multiply(t)),
                            egui::StrokeKind::Outside,
                        );
                    });
                    ui.ctx().request_repaint();
                } else {
                    self.flash = None;
                }
            }
            // Selection.
            if let Some(sel) = self.selection() {
                layout.range_rects_with(sel.start, sel.end, |r| {
                    painter.rect_filled(to_screen(&r), CornerRadius::ZERO, sel_color);
                });
            }
            // Glyphs: one mesh per line.
            self.text.paint_lines(
                ui.ctx(),
                &painter,
                layout,
                text,
                visible.clone(),
                origin,
                text_color,
            );
            // Caret.
            if let Some((_, f)) = self.selection
                && response.has_focus()
            {
                let c = layout.caret_rect(f, false);
                let r = to_screen(&c);
                painter.line_segment(
                    [r.left_top(), r.left_bottom()],
                    Stroke::new(1.5, text_color),
                );
            }
            // Handles of the selected span (while the pointer is over the text), and
            // what a handle or relation drag would do.
            if let Some(span) = &handles
                && (response.hovered() || self.grab.is_some())
            {
                for (end, r) in handle_rects(layout, span) {
                    let r = to_screen(&r);
                    let stroke = Stroke::new(2.0, text_color);
                    painter.line_segment([r.center_top(), r.center_bottom()], stroke);
                    let knob = match end {
                        SpanEnd::Start => r.center_top(),
                        SpanEnd::End => r.center_bottom(),
                    };
                    painter.circle_filled(knob, 3.5, text_color);
                }
            }
            match self.grab {
                Some((Grab::Handle(_), (x, y))) => {
                    let c = to_screen(&layout.caret_rect(layout.caret_at(x, y), false));
                    let stroke = Stroke::new(2.5, Color32::from_rgb(255, 140, 0));
                    painter.line_segment([c.center_top(), c.center_bottom()], stroke);
                }
                Some((Grab::Relation { from }, (x, y))) => {
                    if let Some(f) = layout.range_rects(from, from + 1).first() {
                        let stroke = Stroke::new(2.0, Color32::from_rgb(255, 140, 0));
                        let to = pos2(origin.x + x, origin.y + y);
                        painter.line_segment([to_screen(f).center(), to], stroke);
                    }
                }
                None => {}
            }
            // Chips last, above everything.
            for (p, rtl, label, color) in chips {
                let font = egui::FontId::proportional((fs * 0.42).max(9.0));
                let galley = painter.layout_no_wrap(label, font, Color32::WHITE);
                let size = galley.size() + vec2(6.0, 2.0);
                let min = if rtl {
                    pos2(p.x - size.x, p.y - size.y)
                } else {
                    pos2(p.x, p.y - size.y)
                };
                let r = Rect::from_min_size(min, size);
                painter.rect_filled(r, CornerRadius::same(3), color);
                painter.galley(r.min + vec2(3.0, 1.0), galley, Color32::WHITE);
            }
            self.text.upload(ui.ctx());
            out.response = Some(response);
        });
        out
    }
}

/// Screen position of a layout point, given the view's origin.
pub fn layout_to_screen(origin: Pos2, x: f32, y: f32) -> Pos2 {
    origin + Vec2::new(x, y)
}
