//! The article view's input: the mouse (selection by click, drag, double and triple
//! click, Shift+click; dragging a span's handle; Ctrl+drag of a relation) and the keys
//! it takes while focused (arrows move the caret visually, copy).

use egui::{Event, Key, Pos2};

use super::article_view::{HandleDrop, ViewResponse};
use crate::model::edit::SpanEnd;
use crate::text::ArticleLayout;

/// A drag that is not a text selection: a span handle, or a relation being drawn
/// (Ctrl+drag from a span).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Grab {
    Handle(SpanEnd),
    Relation { from: usize },
}

/// How far (points) from a handle's caret a press still grabs it.
const HANDLE_REACH: f32 = 5.0;

/// Handles of `span` (start, end) as (which, caret rectangle in layout coordinates).
pub(super) fn handle_rects(
    layout: &ArticleLayout,
    span: &std::ops::Range<usize>,
) -> [(SpanEnd, crate::text::Rect); 2] {
    [
        (SpanEnd::Start, layout.caret_rect(span.start, false)),
        (SpanEnd::End, layout.caret_rect(span.end, true)),
    ]
}

/// What a drag starting at (x, y) grabs: a handle of the selected span within reach,
/// or with Ctrl (Cmd) the character under it as the source of a relation.
pub(super) fn grab_at(
    layout: &ArticleLayout,
    handles: Option<&std::ops::Range<usize>>,
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

/// The view's interaction state: the text selection and a grab in progress.
#[derive(Debug, Default, Clone)]
pub(super) struct InputState {
    /// Selection as (anchor, focus) caret positions in code points.
    pub selection: Option<(usize, usize)>,
    /// A handle or relation drag in progress, and where the pointer is (layout
    /// coordinates).
    pub grab: Option<(Grab, (f32, f32))>,
}

/// What the input passes need to know of this frame.
pub(super) struct Frame<'a> {
    pub layout: &'a ArticleLayout,
    pub text: &'a str,
    /// Top-left of the text in screen points.
    pub origin: Pos2,
    /// The selected span, whose handles can be grabbed.
    pub handles: Option<&'a std::ops::Range<usize>>,
}

impl Frame<'_> {
    fn to_local(&self, p: Pos2) -> (f32, f32) {
        (p.x - self.origin.x, p.y - self.origin.y)
    }
}

impl InputState {
    /// The selection as an ordered code point range (empty ranges are `None`).
    pub fn selection(&self) -> Option<std::ops::Range<usize>> {
        let (a, f) = self.selection?;
        (a != f).then(|| a.min(f)..a.max(f))
    }

    /// The mouse this frame: grabs, selection gestures, hover.
    pub fn pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        f: &Frame,
        out: &mut ViewResponse,
    ) {
        if response.clicked()
            || response.drag_started()
            || response.double_clicked()
            || response.triple_clicked()
        {
            response.request_focus();
        }
        let mods = ui.input(|i| i.modifiers);
        if response.drag_started()
            && let Some(origin) = ui.input(|i| i.pointer.press_origin())
        {
            let at = f.to_local(origin);
            self.grab = grab_at(f.layout, f.handles, at, mods.command).map(|g| (g, at));
        }
        if self.grab.is_some() {
            self.drag_grab(ui, response, f, mods.alt, out);
        } else if let Some(p) = response.interact_pointer_pos() {
            self.select(ui, response, f, f.to_local(p), mods.shift, out);
        }
        if let Some(p) = response.hover_pos()
            && self.grab.is_none()
            && grab_at(f.layout, f.handles, f.to_local(p), false).is_some()
        {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
        }
        if let Some(p) = response.hover_pos()
            && !response.dragged()
        {
            let (x, y) = f.to_local(p);
            let inside = f.layout.hit_char(x, y).filter(|&c| {
                f.layout
                    .range_rects(c, c + 1)
                    .iter()
                    .any(|r| r.contains(x, y))
            });
            out.hovered_char = inside;
        }
    }

    /// A handle or relation drag: follow the pointer, report the drop.
    fn drag_grab(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        f: &Frame,
        alt: bool,
        out: &mut ViewResponse,
    ) {
        let pointer = ui.input(|i| i.pointer.latest_pos()).map(|p| f.to_local(p));
        let Some((grab, at)) = &mut self.grab else {
            return;
        };
        if let Some(p) = pointer {
            *at = p;
        }
        let (x, y) = *at;
        if response.drag_stopped() {
            match *grab {
                Grab::Handle(end) => {
                    out.handle_dropped = Some(HandleDrop {
                        end,
                        at: f.layout.caret_at(x, y),
                        exact: alt,
                    })
                }
                Grab::Relation { from } => {
                    out.relation_dropped = f.layout.hit_char(x, y).map(|to| (from, to))
                }
            }
            self.grab = None;
        } else if !response.dragged() {
            self.grab = None;
        }
    }

    /// Selection gestures at (x, y): triple click (paragraph), double click (word),
    /// click or drag start (caret), Shift+click (extend), drag (move the focus).
    fn select(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        f: &Frame,
        (x, y): (f32, f32),
        shift: bool,
        out: &mut ViewResponse,
    ) {
        let layout = f.layout;
        if response.triple_clicked() {
            let cp = layout
                .hit_char(x, y)
                .unwrap_or_else(|| layout.caret_at(x, y));
            let r = layout.paragraph_range(cp);
            self.selection = Some((r.start, r.end));
            out.selection_changed = true;
        } else if response.double_clicked() {
            if let Some(cp) = layout.hit_char(x, y) {
                let r = crate::text::layout::word_range(f.text, layout, cp);
                self.selection = Some((r.start, r.end));
                out.selection_changed = true;
            }
        } else if response.drag_started() || (response.clicked() && !shift) {
            // A drag is recognised only after the pointer has moved a little: anchor
            // it where the button went down, not where the drag was noticed.
            let (ax, ay) = if response.drag_started() {
                ui.input(|i| i.pointer.press_origin())
                    .map_or((x, y), |p| f.to_local(p))
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
            if let Some((_, focus)) = &mut self.selection
                && *focus != c
            {
                *focus = c;
                out.selection_changed = true;
            }
        }
    }

    /// The keys the view takes while it has the focus: ←/→ move the caret in the
    /// visual direction (Shift extends), copy puts the selection in logical order.
    pub fn keyboard(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        f: &Frame,
        out: &mut ViewResponse,
    ) {
        out.has_focus = response.has_focus();
        if !response.has_focus() {
            return;
        }
        let events = ui.input(|i| i.events.clone());
        for ev in events {
            match ev {
                Event::Key {
                    key: key @ (Key::ArrowLeft | Key::ArrowRight),
                    pressed: true,
                    modifiers,
                    ..
                } => {
                    if let Some((a, focus)) = self.selection {
                        let nf = f.layout.move_visual(focus, key == Key::ArrowLeft);
                        self.selection = Some((if modifiers.shift { a } else { nf }, nf));
                        out.selection_changed = true;
                    }
                }
                Event::Copy => {
                    if let Some(r) = self.selection() {
                        let m = f.layout.offsets();
                        if let Some(s) = m.slice(f.text, r.start, r.end) {
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
}
