//! The documents panel (left): every document with its span count and "done" mark for
//! the current annotator, virtualised so a 10,000-document corpus lays out only the
//! visible rows; and the "done" checkbox of the current document.

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::widgets::fixed_row;
use crate::workspace::Workspace;

#[derive(Default)]
pub struct DocumentsPanel;

impl DocumentsPanel {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        ui.heading("Documents");
        let docs = &ws.project().documents;
        if docs.len() > 1 {
            ui.label(RichText::new(format!("{} documents", docs.len())).weak());
        }
        let row_h = 42.0;
        let panel_h = (ui.available_height() - 40.0).max(row_h);
        egui::ScrollArea::vertical()
            .id_salt("doc-list")
            .max_height(panel_h)
            .show_rows(ui, row_h, docs.len(), |ui, rows| {
                let text_color = ui.visuals().text_color();
                for i in rows {
                    let d = &docs[i];
                    let set = ws.project().set(ws.annotator(), &d.id);
                    let n = set.map_or(0, |s| s.spans.len());
                    let done = if set.is_some_and(|s| s.done) {
                        "done · "
                    } else {
                        ""
                    };
                    let r = fixed_row(ui, row_h, i == ws.doc_index(), |ui| {
                        ui.label(RichText::new(format!("{done}{n} spans")).small());
                        text.label_line(ui, &d.title, 15.0, text_color);
                    });
                    if r.clicked() {
                        action = Some(Action::SwitchDocument(i));
                    }
                }
            });
        ui.separator();
        if ws.current_document().is_some() {
            let mut done = ws.current_set().is_some_and(|s| s.done);
            if ui.checkbox(&mut done, "Current document done").changed() {
                action = Some(Action::SetDone(done));
            }
        }
        action
    }
}
