//! Small widgets the panels share: clickable list rows and label colours.

use egui::Color32;

use crate::model::schema::parse_color;

/// A clickable list row of a fixed height (for virtualised lists).
pub fn fixed_row(
    ui: &mut egui::Ui,
    height: f32,
    selected: bool,
    add: impl FnOnce(&mut egui::Ui),
) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::click(),
    );
    if selected {
        ui.painter()
            .rect_filled(rect, 3, ui.visuals().selection.bg_fill.gamma_multiply(0.5));
    } else if resp.hovered() {
        ui.painter().rect_stroke(
            rect,
            3,
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
    }
    let mut child =
        ui.new_child(egui::UiBuilder::new().max_rect(rect.shrink2(egui::vec2(4.0, 2.0))));
    child.set_clip_rect(rect.intersect(ui.clip_rect()));
    add(&mut child);
    resp
}

/// Shows `add` as wide as `ui`'s available width, in a child whose content cannot
/// widen `ui`: a row wider than that is clipped, text wraps at that width. A side
/// panel's width then stays what the user dragged it to whatever its tab shows, so
/// the article beside it is not laid out again (and the reading position kept).
pub fn fixed_width<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let rect = ui.available_rect_before_wrap();
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::top_down(egui::Align::Min)),
    );
    child.shrink_clip_rect(rect);
    let r = add(&mut child);
    let height = child.min_rect().height().min(rect.height());
    ui.advance_cursor_after_rect(egui::Rect::from_min_size(
        rect.min,
        egui::vec2(rect.width(), height),
    ));
    r
}

/// Shows a side panel `width` wide (the user's, remembered in the settings) whose
/// content is laid out by [`fixed_width`]: its width changes only when the user drags
/// its edge, never with its content, so the article beside it keeps its lines and the
/// reading position. Returns the new width once such a drag is over (to remember).
pub fn user_sized_panel(
    panel: egui::Panel,
    width: f32,
    ui: &mut egui::Ui,
    add: impl FnOnce(&mut egui::Ui),
) -> Option<f32> {
    let r = panel
        .default_size(width)
        .show(ui, |ui| fixed_width(ui, add));
    let now = r.response.rect.width();
    ((now - width).abs() > 0.5 && !ui.input(|i| i.pointer.any_down())).then_some(now)
}

/// A clickable list row (highlighted when selected) holding arbitrary content.
pub fn row(ui: &mut egui::Ui, selected: bool, add: impl FnOnce(&mut egui::Ui)) -> egui::Response {
    let fill = if selected {
        ui.visuals().selection.bg_fill.gamma_multiply(0.5)
    } else {
        Color32::TRANSPARENT
    };
    let inner = egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(4, 2))
        .corner_radius(3)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui)
        });
    let r = ui.interact(
        inner.response.rect,
        inner.response.id.with("row"),
        egui::Sense::click(),
    );
    if r.hovered() {
        ui.painter().rect_stroke(
            inner.response.rect,
            3,
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
    }
    r
}

/// Why the shown labels cannot be edited now (someone else's, shown read-only; a
/// project still being opened), for the hover text of the controls that would edit
/// them, which are shown disabled; `None` when they can be edited.
pub fn read_only_why(ws: &crate::workspace::Workspace) -> Option<String> {
    if ws.is_loading() {
        return Some("Read-only while the project is still being opened".into());
    }
    ws.read_only().then(|| {
        let who = ws.annotator();
        format!(
            "Read-only: these are {who}'s labels. Start your own set, or choose \"Edit {who}'s labels\" in the toolbar"
        )
    })
}

/// The colour of a label from the schema (grey for unknown labels).
pub fn label_color(p: &crate::model::Project, label: &str) -> Color32 {
    p.schema
        .label(label)
        .and_then(|l| parse_color(&l.color))
        .map(|[r, g, b]| Color32::from_rgb(r, g, b))
        .unwrap_or(Color32::GRAY)
}

/// Adds the embedded fonts to egui's own text (menus, lists) as fallbacks, so Arabic
/// letters in panels have glyphs. The article itself is drawn by our text engine.
pub fn install_fonts(ctx: &egui::Context) {
    let mut defs = egui::FontDefinitions::default();
    for (name, bytes) in crate::fonts::TEXT {
        defs.font_data.insert(
            name.to_string(),
            std::sync::Arc::new(egui::FontData::from_static(bytes)),
        );
        for fam in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            defs.families.entry(fam).or_default().push(name.to_string());
        }
    }
    ctx.set_fonts(defs);
}

/// The status bar: the last message, and the text selection's offsets on the right.
pub fn status_bar(ui: &mut egui::Ui, status: &str, selection: Option<std::ops::Range<usize>>) {
    ui.horizontal(|ui| {
        ui.label(status);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(sel) = selection {
                ui.label(format!(
                    "selection {}–{} ({})",
                    sel.start,
                    sel.end,
                    crate::model::words::count(sel.len(), "char", "chars")
                ));
            }
        });
    });
}

/// A combo box choosing one of the schema's labels by name; `label` holds its id.
pub fn label_choice(
    ui: &mut egui::Ui,
    id: &str,
    text: &str,
    labels: &[crate::model::schema::LabelDef],
    label: &mut String,
) {
    egui::ComboBox::new(id, text)
        .selected_text(
            labels
                .iter()
                .find(|l| l.id == *label)
                .map_or("", |l| l.name.as_str()),
        )
        .show_ui(ui, |ui| {
            for l in labels {
                ui.selectable_value(label, l.id.clone(), &l.name);
            }
        });
}
