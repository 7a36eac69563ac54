//! The text engine with its glyph atlas and egui texture: everything needed to draw
//! laid-out text. One per app, shared by the article view and the panels' Arabic labels
//! (labels are laid out once and cached; the atlas is uploaded incrementally).

use std::ops::Range;

use egui::{Color32, Mesh, Pos2, Rect, Sense, Shape, TextureHandle, TextureOptions, pos2, vec2};

use crate::text::atlas::GlyphAtlas;
use crate::text::{ArticleLayout, LayoutParams, TextEngine};

/// The text engine plus the glyph atlas and its egui texture: everything needed to draw
/// laid-out text. One per app, shared by the article view and the panels' Arabic labels.
pub struct TextRenderer {
    pub engine: TextEngine,
    atlas: GlyphAtlas,
    texture: Option<TextureHandle>,
    uploaded_generation: u64,
    /// Laid-out short texts for labels, keyed by (text, font size, width).
    labels: std::collections::HashMap<(String, u32, u32), ArticleLayout>,
}

impl Default for TextRenderer {
    fn default() -> Self {
        Self::new()
    }
}

impl TextRenderer {
    pub fn new() -> Self {
        TextRenderer {
            engine: TextEngine::new(),
            atlas: GlyphAtlas::default(),
            texture: None,
            uploaded_generation: u64::MAX,
            labels: Default::default(),
        }
    }

    /// Paints the glyphs of `lines` of `layout` with the layout's origin at `origin`,
    /// one mesh per line, pixel-aligned at the current `pixels_per_point`.
    /// Paints `lines` of `layout` (built from `text`) at `origin`. A grapheme the fonts
    /// cannot draw (emoji, other scripts) is one outlined box instead of a `.notdef`
    /// box per code point ([`crate::text::layout::missing`]); hovering it in the
    /// article names its code points.
    #[allow(clippy::too_many_arguments)]
    pub fn paint_lines(
        &mut self,
        ctx: &egui::Context,
        painter: &egui::Painter,
        layout: &ArticleLayout,
        text: &str,
        lines: Range<usize>,
        origin: Pos2,
        color: Color32,
    ) {
        let tex = self.texture_id(ctx);
        let ppp = ctx.pixels_per_point();
        let fs = layout.params().font_size;
        for li in lines {
            let mut mesh = Mesh::with_texture(tex);
            let atlas = &mut self.atlas;
            let size = atlas.size() as f32;
            let mut missing = false;
            layout.line_glyphs(&self.engine, li, |g| {
                if g.id == 0 {
                    missing = true;
                    return;
                }
                let x_phys = (origin.x + g.x) * ppp;
                let (key, whole) = GlyphAtlas::key_for(g.font, g.id, fs * ppp, x_phys);
                let e = atlas.get(key);
                if e.w == 0 {
                    return;
                }
                let y_phys = ((origin.y + g.y) * ppp).round();
                let min = pos2((whole + e.left) / ppp, (y_phys + e.top) / ppp);
                let r = Rect::from_min_size(min, vec2(e.w as f32 / ppp, e.h as f32 / ppp));
                let uv = Rect::from_min_max(
                    pos2(e.x as f32 / size, e.y as f32 / size),
                    pos2((e.x + e.w) as f32 / size, (e.y + e.h) as f32 / size),
                );
                mesh.add_rect_with_uv(r, uv, color);
            });
            if !mesh.is_empty() {
                painter.add(Shape::mesh(mesh));
            }
            if missing {
                let stroke = egui::Stroke::new(1.0, color.gamma_multiply(0.7));
                for b in layout.missing_boxes(text, li) {
                    let r = b.rect;
                    let (h, w) = (r.y1 - r.y0, (r.x1 - r.x0).max(fs * 0.5));
                    let cx = (r.x0 + r.x1) / 2.0;
                    let rect = Rect::from_center_size(
                        pos2(origin.x + cx, origin.y + r.y0 + h / 2.0),
                        vec2(w - 2.0, (h * 0.62).min(fs * 0.95)),
                    );
                    painter.rect_stroke(rect, 2.0, stroke, egui::StrokeKind::Inside);
                }
            }
        }
    }

    /// A label drawn with the text engine (correct bidi), wrapped at the available width.
    /// Arabic text in lists and panels goes through here: egui's own text has no bidi.
    pub fn label(
        &mut self,
        ui: &mut egui::Ui,
        text: &str,
        size: f32,
        color: Color32,
        sense: Sense,
    ) -> egui::Response {
        let width = ui.available_width().max(40.0);
        let key = self.cache_label(text, size, width);
        let layout = &self.labels[&key];
        let (rect, response) = ui.allocate_exact_size(vec2(width, layout.height()), sense);
        if ui.is_rect_visible(rect) {
            let n = layout.lines().len();
            // Take the layout out of the cache while painting (the atlas needs &mut self).
            if let Some(layout) = self.labels.remove(&key) {
                let painter = ui.painter_at(rect.expand(4.0));
                self.paint_lines(ui.ctx(), &painter, &layout, text, 0..n, rect.min, color);
                self.labels.insert(key, layout);
            }
        }
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
        response
    }

    /// Lays out a short text for a label once and returns its cache key.
    fn cache_label(&mut self, text: &str, size: f32, width: f32) -> (String, u32, u32) {
        let key = (text.to_string(), size.to_bits(), width.to_bits());
        if !self.labels.contains_key(&key) {
            if self.labels.len() > 4000 {
                self.labels.clear();
            }
            let params = LayoutParams {
                width,
                font_size: size,
                line_height: 1.45,
            };
            let layout = ArticleLayout::new(&mut self.engine, text, params);
            self.labels.insert(key.clone(), layout);
        }
        key
    }

    /// One line of text (the first line if it wraps), clipped to a fixed height: for
    /// rows of virtualised lists.
    pub fn label_line(&mut self, ui: &mut egui::Ui, text: &str, size: f32, color: Color32) {
        let width = ui.available_width().max(40.0);
        let key = self.cache_label(text, size, width);
        let h = size * 1.45;
        let (rect, response) = ui.allocate_exact_size(vec2(width, h), Sense::hover());
        if ui.is_rect_visible(rect)
            && let Some(layout) = self.labels.remove(&key)
        {
            let painter = ui.painter_at(rect);
            let n = layout.lines().len().min(1);
            self.paint_lines(ui.ctx(), &painter, &layout, text, 0..n, rect.min, color);
            self.labels.insert(key, layout);
        }
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
    }

    /// At most `max_lines` lines of a short text with the code point range `mark` filled
    /// behind it (a search match in its context), in a fixed height: for rows of
    /// virtualised lists.
    pub fn marked_lines(
        &mut self,
        ui: &mut egui::Ui,
        text: &str,
        size: f32,
        color: Color32,
        (mark, fill): (Range<usize>, Color32),
        max_lines: usize,
    ) {
        let width = ui.available_width().max(40.0);
        let key = self.cache_label(text, size, width);
        let h = size * 1.45 * max_lines as f32;
        let (rect, _) = ui.allocate_exact_size(vec2(width, h), Sense::hover());
        if ui.is_rect_visible(rect)
            && let Some(layout) = self.labels.remove(&key)
        {
            let painter = ui.painter_at(rect);
            layout.range_rects_with(mark.start, mark.end, |r| {
                let r =
                    Rect::from_min_max(rect.min + vec2(r.x0, r.y0), rect.min + vec2(r.x1, r.y1));
                painter.rect_filled(r, 2.0, fill);
            });
            let n = layout.lines().len().min(max_lines);
            self.paint_lines(ui.ctx(), &painter, &layout, text, 0..n, rect.min, color);
            self.labels.insert(key, layout);
        }
    }

    /// Number of short texts currently laid out for labels (bounded by virtualisation).
    pub fn cached_labels(&self) -> usize {
        self.labels.len()
    }

    /// The texture id glyph meshes use; its content is uploaded by [`Self::upload`]
    /// after the frame's glyphs were rasterised, before egui paints.
    fn texture_id(&mut self, ctx: &egui::Context) -> egui::TextureId {
        if self.texture.is_none() {
            self.upload(ctx);
        }
        self.texture
            .as_ref()
            .map_or(egui::TextureId::default(), |t| t.id())
    }

    /// Sends newly rasterised glyphs to the GPU (only the rows that changed).
    pub fn upload(&mut self, ctx: &egui::Context) {
        let full = self.texture.is_none() || self.uploaded_generation != self.atlas.generation();
        let dirty = self.atlas.take_dirty();
        let size = self.atlas.size() as usize;
        let opts = TextureOptions::LINEAR;
        if full {
            let img = egui::ColorImage::new(
                [size, size],
                self.atlas
                    .pixels()
                    .iter()
                    .map(|&a| Color32::from_white_alpha(a))
                    .collect(),
            );
            match &mut self.texture {
                Some(t) => t.set(img, opts),
                None => self.texture = Some(ctx.load_texture("hashiya-glyphs", img, opts)),
            }
            self.uploaded_generation = self.atlas.generation();
        } else if let (Some((y0, y1)), Some(t)) = (dirty, &mut self.texture) {
            let (y0, y1) = (y0 as usize, (y1 as usize).min(size));
            let rows = &self.atlas.pixels()[y0 * size..y1 * size];
            let img = egui::ColorImage::new(
                [size, y1 - y0],
                rows.iter().map(|&a| Color32::from_white_alpha(a)).collect(),
            );
            t.set_partial([0, y0], img, opts);
        }
    }
}
