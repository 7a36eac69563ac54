//! The article view: draws a document with the text engine, lets the user select text
//! with the mouse and keyboard, and draws annotation highlights.
//!
//! The layout is cached and rebuilt only when the document, the width, the font size
//! or `pixels_per_point` change. Each frame paints only the lines inside the visible
//! rectangle (binary search on line tops) and only the highlights the caller passes for
//! that range. Glyphs come from a [`GlyphAtlas`] uploaded to one egui texture,
//! incrementally.

use std::ops::Range;

use egui::{Color32, Pos2, Sense, Vec2, pos2, vec2};

use super::article_input::{Frame, InputState};
use super::article_paint::Canvas;
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
    /// A suggested relation (the current claim suggestion's speaker): drawn dashed.
    pub dashed: bool,
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
    /// The text selection and a handle or relation drag in progress.
    input: InputState,
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
            input: InputState::default(),
            font_size: DEFAULT_FONT_SIZE,
            scroll_to: None,
            last_origin: Pos2::ZERO,
            flash: None,
            arrows: Vec::new(),
            widget_id: None,
            marks: Default::default(),
            current_mark: None,
            handles: None,
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
        self.input.selection()
    }

    pub fn set_selection(&mut self, range: Option<Range<usize>>) {
        self.input.selection = range.map(|r| (r.start, r.end));
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
        let laid_out = self.layout().map_or(0, |l| l.offsets().len_chars());
        let scroll_target = self.scroll_target(doc_key, laid_out, ui.input(|i| i.time));
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
            let frame = Frame {
                layout,
                text,
                origin,
                handles: handles.as_ref(),
            };
            self.input.pointer(ui, &response, &frame, &mut out);
            self.input.keyboard(ui, &response, &frame, &mut out);
            let painter = ui.painter_at(rect);
            let canvas = Canvas {
                painter: &painter,
                layout,
                origin,
            };
            let paint = Paint {
                ui,
                rect,
                response: &response,
                viewport,
                handles: handles.as_ref(),
                text,
            };
            paint_frame(
                &canvas,
                &paint,
                PaintState {
                    input: &self.input,
                    arrows: &self.arrows,
                    marks: &self.marks,
                    current_mark: self.current_mark,
                    flash: &mut self.flash,
                    renderer: &mut self.text,
                    complete: self.layouts.is_complete(),
                },
                highlights_for,
            );
            self.text.upload(ui.ctx());
            out.response = Some(response);
        });
        out
    }

    /// Where to scroll this frame: a jump to text not laid out yet waits for the
    /// background layout of its document (and is dropped when another document is
    /// shown meanwhile); a jump that waited flashes its target when it is made.
    fn scroll_target(&mut self, doc_key: &str, laid_out: usize, now: f64) -> Option<usize> {
        if self
            .scroll_waits_for
            .as_deref()
            .is_some_and(|d| d != doc_key)
        {
            self.scroll_to = None;
            self.scroll_waits_for = None;
        }
        match self.scroll_to {
            Some(cp) if !self.layouts.is_complete() && cp >= laid_out => {
                self.scroll_waits_for = Some(doc_key.to_string());
                None
            }
            target => {
                if target.is_some()
                    && self.scroll_waits_for.take().is_some()
                    && let Some((r, _)) = self.flash.take()
                {
                    self.flash = Some((r, now + 0.8));
                }
                self.scroll_to.take()
            }
        }
    }
}

/// This frame's drawing inputs that are not the view's own state.
struct Paint<'a> {
    ui: &'a egui::Ui,
    /// The text area (the whole document's height).
    rect: egui::Rect,
    response: &'a egui::Response,
    viewport: egui::Rect,
    handles: Option<&'a Range<usize>>,
    text: &'a str,
}

/// The view's state the painting reads (and the flash it ends, the glyphs it adds).
struct PaintState<'a> {
    input: &'a InputState,
    arrows: &'a [Arrow],
    marks: &'a [Range<usize>],
    current_mark: Option<usize>,
    flash: &'a mut Option<(Range<usize>, f64)>,
    renderer: &'a mut TextRenderer,
    complete: bool,
}

/// Paints the visible lines: the layers of [`super::article_paint`], in order.
fn paint_frame(
    canvas: &Canvas,
    p: &Paint,
    st: PaintState,
    highlights_for: &mut dyn FnMut(Range<usize>) -> Vec<Highlight>,
) {
    let (ui, layout, origin) = (p.ui, canvas.layout, canvas.origin);
    let text_color = ui.visuals().text_color();
    let dark = ui.visuals().dark_mode;
    let sel_color = ui
        .visuals()
        .selection
        .bg_fill
        .gamma_multiply(if dark { 0.6 } else { 0.5 });
    let now = ui.input(|i| i.time);
    if !st.complete && p.viewport.max.y - MARGIN > layout.height() {
        // Below the first screens, while the rest is laid out.
        canvas.painter.text(
            pos2(p.rect.center().x, origin.y + layout.height() + MARGIN),
            egui::Align2::CENTER_TOP,
            "Laying out the rest of the document…",
            egui::FontId::proportional(14.0),
            ui.visuals().weak_text_color(),
        );
    }
    let visible = layout.lines_in(p.viewport.min.y - MARGIN, p.viewport.max.y - MARGIN);
    if visible.is_empty() {
        return;
    }
    let lines = layout.lines();
    let vis_cp = lines[visible.start].range.start..lines[visible.end - 1].range.end + 1;
    let chips = canvas.highlights(&highlights_for(vis_cp.clone()));
    canvas.arrows(st.arrows);
    canvas.marks(st.marks, st.current_mark, &vis_cp);
    if let Some((r, until)) = st.flash.as_ref() {
        if now < *until {
            canvas.flash(r, ((until - now) / 0.8) as f32);
            ui.ctx().request_repaint();
        } else {
            *st.flash = None;
        }
    }
    if let Some(sel) = st.input.selection() {
        canvas.selection(&sel, sel_color);
    }
    // Glyphs: one mesh per line.
    st.renderer.paint_lines(
        ui.ctx(),
        canvas.painter,
        layout,
        p.text,
        visible,
        origin,
        text_color,
    );
    if let Some((_, focus)) = st.input.selection
        && p.response.has_focus()
    {
        canvas.caret(focus, text_color);
    }
    // Handles of the selected span (while the pointer is over the text), and what a
    // handle or relation drag would do.
    if let Some(span) = p.handles
        && (p.response.hovered() || st.input.grab.is_some())
    {
        canvas.handles(span, text_color);
    }
    if let Some((grab, at)) = st.input.grab {
        canvas.grab(grab, at);
    }
    canvas.chips(chips);
}

/// Screen position of a layout point, given the view's origin.
pub fn layout_to_screen(origin: Pos2, x: f32, y: f32) -> Pos2 {
    origin + Vec2::new(x, y)
}
