//! A text field drawn by the text engine, so Arabic typed into it is shaped and ordered
//! correctly (egui's `TextEdit` has no bidi: mixed text comes out reversed and the
//! caret is mirrored).
//!
//! It is deliberately small: one paragraph (or several with `multiline`), caret and
//! selection in code points, visual arrow keys, Home/End, Backspace/Delete, select all,
//! copy/cut/paste, click to place the caret and Shift+click to extend. The text is laid
//! out again only when it or the width changes.

use std::ops::Range;

use egui::{CornerRadius, Event, Key, Sense, Stroke, pos2, vec2};

use super::article_view::TextRenderer;
use crate::model::offsets::cp_to_byte;
use crate::text::{ArticleLayout, LayoutParams};

#[derive(Default)]
pub struct BidiTextField {
    pub text: String,
    /// Caret and selection anchor, in code points.
    caret: usize,
    anchor: usize,
    layout: Option<(String, u32, ArticleLayout)>,
    /// Whether the field had keyboard focus during the last frame.
    pub focused: bool,
    pub multiline: bool,
    request_focus: bool,
}

/// What the user did to the field this frame.
#[derive(Debug, Default, Clone, Copy)]
pub struct FieldResponse {
    pub changed: bool,
    /// Enter (Ctrl+Enter in a multi-line field).
    pub submitted: bool,
    /// Shift+Enter.
    pub submitted_back: bool,
    pub escaped: bool,
}

const FONT: f32 = 17.0;

impl BidiTextField {
    pub fn new(multiline: bool) -> Self {
        BidiTextField {
            multiline,
            ..Default::default()
        }
    }

    pub fn set_text(&mut self, t: &str) {
        self.text = t.to_string();
        let n = self.len();
        self.caret = n;
        self.anchor = n;
    }

    pub fn focus(&mut self) {
        self.request_focus = true;
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn selection(&self) -> Range<usize> {
        self.anchor.min(self.caret)..self.anchor.max(self.caret)
    }

    fn byte(&self, cp: usize) -> usize {
        cp_to_byte(&self.text, cp).unwrap_or(self.text.len())
    }

    /// Replaces the selection with `s`.
    fn insert(&mut self, s: &str) {
        let s: String = if self.multiline {
            s.replace("\r\n", "\n")
        } else {
            s.replace(['\r', '\n'], " ")
        };
        let r = self.selection();
        let (b0, b1) = (self.byte(r.start), self.byte(r.end));
        self.text.replace_range(b0..b1, &s);
        self.caret = r.start + s.chars().count();
        self.anchor = self.caret;
    }

    fn delete_selection(&mut self) -> bool {
        let r = self.selection();
        if r.is_empty() {
            return false;
        }
        let (b0, b1) = (self.byte(r.start), self.byte(r.end));
        self.text.replace_range(b0..b1, "");
        self.caret = r.start;
        self.anchor = r.start;
        true
    }

    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        renderer: &mut TextRenderer,
        hint: &str,
    ) -> FieldResponse {
        let mut out = FieldResponse::default();
        let width = ui.available_width().clamp(80.0, 600.0);
        let inner_w = width - 12.0;
        let height = if self.multiline {
            FONT * 1.6 * 4.0
        } else {
            FONT * 1.6
        } + 8.0;
        let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::click_and_drag());
        if self.request_focus {
            response.request_focus();
            self.request_focus = false;
        }
        if response.clicked() || response.drag_started() {
            response.request_focus();
        }
        self.caret = self.caret.min(self.len());
        self.anchor = self.anchor.min(self.len());

        if response.has_focus() {
            self.keyboard(ui, &response, &mut out);
        }
        self.focused = response.has_focus();

        // Layout (only when the text or width changed).
        let stale =
            !matches!(&self.layout, Some((t, w, _)) if *t == self.text && *w == inner_w.to_bits());
        if stale {
            let params = LayoutParams {
                width: inner_w,
                font_size: FONT,
                line_height: 1.6,
            };
            let l = ArticleLayout::new(&mut renderer.engine, &self.text, params);
            self.layout = Some((self.text.clone(), inner_w.to_bits(), l));
        }
        let Some((_, _, layout)) = &self.layout else {
            return out;
        };
        let origin = rect.min + vec2(6.0, 4.0);

        // Mouse.
        if let Some(p) = response.interact_pointer_pos() {
            let c = layout
                .caret_at(p.x - origin.x, p.y - origin.y)
                .min(self.len());
            if response.drag_started() || (response.clicked() && !ui.input(|i| i.modifiers.shift)) {
                self.anchor = c;
            }
            self.caret = c;
        }

        self.paint(ui, renderer, rect, origin, hint);
        let label = if self.text.is_empty() {
            hint.to_string()
        } else {
            self.text.clone()
        };
        response.widget_info(|| egui::WidgetInfo::text_edit(true, String::new(), &label, hint));
        if out.changed {
            ui.ctx().request_repaint();
        }
        out
    }

    /// The keys and clipboard events of this frame, while the field has the focus.
    fn keyboard(&mut self, ui: &egui::Ui, response: &egui::Response, out: &mut FieldResponse) {
        ui.memory_mut(|m| {
            m.set_focus_lock_filter(
                response.id,
                egui::EventFilter {
                    horizontal_arrows: true,
                    vertical_arrows: true,
                    tab: false,
                    escape: true,
                },
            )
        });
        let events = ui.input(|i| i.events.clone());
        for ev in events {
            match ev {
                Event::Text(t) => {
                    self.insert(&t);
                    out.changed = true;
                }
                Event::Paste(t) => {
                    self.insert(&t);
                    out.changed = true;
                }
                Event::Copy | Event::Cut => {
                    let r = self.selection();
                    if !r.is_empty() {
                        let s = self.text[self.byte(r.start)..self.byte(r.end)].to_string();
                        ui.ctx().copy_text(s);
                        if matches!(ev, Event::Cut) {
                            self.delete_selection();
                            out.changed = true;
                        }
                    }
                }
                Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } => self.key(key, modifiers, out),
                _ => {}
            }
        }
    }

    /// One key press: editing, caret moves in the visual direction (Shift extends),
    /// Enter (a new line, or submit; Shift+Enter: submit backwards), Escape.
    fn key(&mut self, key: Key, modifiers: egui::Modifiers, out: &mut FieldResponse) {
        match key {
            Key::Backspace => {
                if !self.delete_selection() && self.caret > 0 {
                    self.anchor = self.caret - 1;
                    self.delete_selection();
                }
                out.changed = true;
            }
            Key::Delete => {
                if !self.delete_selection() && self.caret < self.len() {
                    self.anchor = self.caret + 1;
                    self.delete_selection();
                }
                out.changed = true;
            }
            Key::ArrowLeft | Key::ArrowRight => {
                if let Some((_, _, l)) = &self.layout {
                    self.caret = l
                        .move_visual(self.caret, key == Key::ArrowLeft)
                        .min(self.len());
                }
                if !modifiers.shift {
                    self.anchor = self.caret;
                }
            }
            Key::Home => {
                self.caret = 0;
                if !modifiers.shift {
                    self.anchor = 0;
                }
            }
            Key::End => {
                self.caret = self.len();
                if !modifiers.shift {
                    self.anchor = self.caret;
                }
            }
            Key::A if modifiers.command => {
                self.anchor = 0;
                self.caret = self.len();
            }
            Key::Enter => {
                if self.multiline && !modifiers.command {
                    self.insert("\n");
                    out.changed = true;
                } else if modifiers.shift {
                    out.submitted_back = true;
                } else {
                    out.submitted = true;
                }
            }
            Key::Escape => out.escaped = true,
            _ => {}
        }
    }

    /// The frame, the selection, the text (or the hint) and the caret.
    fn paint(
        &self,
        ui: &egui::Ui,
        renderer: &mut TextRenderer,
        rect: egui::Rect,
        origin: egui::Pos2,
        hint: &str,
    ) {
        let Some((_, _, layout)) = &self.layout else {
            return;
        };
        let visuals = ui.visuals();
        let stroke = if self.focused {
            visuals.selection.stroke
        } else {
            visuals.widgets.inactive.bg_stroke
        };
        let painter = ui.painter_at(rect);
        painter.rect(
            rect,
            CornerRadius::same(3),
            visuals.extreme_bg_color,
            stroke,
            egui::StrokeKind::Inside,
        );
        let sel = self.selection();
        if !sel.is_empty() {
            let fill = visuals.selection.bg_fill.gamma_multiply(0.6);
            layout.range_rects_with(sel.start, sel.end, |r| {
                painter.rect_filled(
                    egui::Rect::from_min_max(
                        pos2(origin.x + r.x0, origin.y + r.y0),
                        pos2(origin.x + r.x1, origin.y + r.y1),
                    ),
                    0.0,
                    fill,
                );
            });
        }
        if self.text.is_empty() {
            painter.text(
                origin + vec2(0.0, 2.0),
                egui::Align2::LEFT_TOP,
                hint,
                egui::FontId::proportional(14.0),
                visuals.weak_text_color(),
            );
        }
        let color = visuals.text_color();
        let n = layout.lines().len();
        renderer.paint_lines(ui.ctx(), &painter, layout, &self.text, 0..n, origin, color);
        if self.focused {
            let c = layout.caret_rect(self.caret, false);
            let x = origin.x + c.x0;
            painter.line_segment(
                [
                    pos2(x, origin.y + c.y0 + 2.0),
                    pos2(x, origin.y + c.y1 - 2.0),
                ],
                Stroke::new(1.5, color),
            );
        }
    }

    /// Whether this field holds keyboard focus (checked by the app's shortcut guard).
    pub fn is_focused(&self) -> bool {
        self.focused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_and_delete_in_code_points() {
        let mut f = BidiTextField::new(false);
        f.insert("درنة");
        assert_eq!(f.caret, 4);
        f.insert(" 😀");
        assert_eq!(f.text, "درنة 😀");
        assert_eq!(f.caret, 6);
        f.anchor = 0;
        f.caret = 2;
        f.insert("س");
        assert_eq!(f.text, "سنة 😀");
        f.anchor = 3;
        f.caret = 6;
        assert!(f.delete_selection());
        assert_eq!(f.text, "سنة");
        f.insert("a\nb");
        assert_eq!(
            f.text, "سنةa b",
            "single-line fields turn newlines into spaces"
        );
    }
}
