//! Actions that change only what is shown: windows, zoom, theme, search bars, the current document, the selected span or text, jumps.

use super::super::action::{Action, WindowKind};
use super::super::app::{HashiyaApp, RightTab};
use super::super::dialogs::{NamePrompt, PasteDialog};

impl HashiyaApp {
    /// Carries out an action of this group; gives back any other.
    pub(in crate::ui) fn apply_view(&mut self, action: Action) -> Result<(), Box<Action>> {
        let now = self.now;
        match action {
            Action::OpenWindow(w) => self.open_window(w),
            Action::CloseWindow(w) => {
                self.windows.remove(&w);
            }
            Action::ToggleWindow(w) => {
                if !self.windows.remove(&w) {
                    self.open_window(w);
                }
            }
            Action::ZoomIn => self.view.zoom_in(),
            Action::ZoomOut => self.view.zoom_out(),
            Action::ZoomReset => self.view.zoom_reset(),
            Action::SetDark(dark) => {
                self.set_theme(&self.ctx.clone(), dark);
                self.config.dark = dark;
                self.save_config();
            }
            Action::RememberPanelWidth(w) => {
                self.config.right_panel_width = Some(w);
                self.save_config();
            }
            Action::SetTagOptions(o) => self.tag_options = o,
            Action::OpenSearch => self.search.open(),
            Action::CloseSearch => {
                self.search.open = false;
                self.view.marks = Default::default();
                self.view.current_mark = None;
            }
            Action::OpenCorpusSearch => {
                self.right_tab = RightTab::Search;
                self.corpus.open();
            }
            Action::RevealInDocument { document, range } => {
                if self.show_document(&document) {
                    self.view.reveal(range, now);
                }
            }
            Action::FindInDocument {
                document,
                query,
                options,
            } => {
                if self.show_document(&document) {
                    self.search.open();
                    self.search.options = options;
                    self.search.field.set_text(&query);
                }
            }
            Action::OpenSchemaEditor => self.schema_editor.open_for(self.ws.project()),
            Action::SwitchDocument(i) => {
                if self.ws.switch_document(i) {
                    self.view.set_selection(None);
                    self.navigator.moved();
                }
            }
            Action::SelectSpan { id, reveal } => {
                let range = id
                    .as_ref()
                    .and_then(|id| self.ws.current_set()?.span(id))
                    .map(|s| s.start..s.end);
                self.ws.select_span(id.filter(|_| range.is_some()));
                if let Some(r) = range {
                    self.view.set_selection(None);
                    if reveal {
                        self.view.reveal(r, now);
                    }
                }
            }
            Action::SelectNeighbour { forward } => self.select_neighbour(forward),
            Action::SelectText(r) => {
                self.ws.select_span(None);
                self.view.set_selection(Some(r.clone()));
                self.view.reveal(r, now);
            }
            Action::Cancel => {
                self.article.relation_from = None;
                self.relation_choice = None;
                self.view.set_selection(None);
                self.ws.select_span(None);
                self.windows.remove(&WindowKind::Help);
            }
            Action::Reveal(r) => self.view.reveal(r, now),
            Action::JumpToEntity(eid) => self.jump_to_entity(&eid),
            Action::Status(msg) => self.ws.set_status(msg),
            other => return Err(Box::new(other)),
        }
        Ok(())
    }

    pub(in crate::ui) fn open_window(&mut self, w: WindowKind) {
        match w {
            WindowKind::NamePrompt => {
                let name = self.config.annotator.as_deref().unwrap_or("");
                self.name_prompt = Some(NamePrompt::new(name));
            }
            WindowKind::Paste => self.paste = PasteDialog::default(),
            _ => {}
        }
        if w != WindowKind::NamePrompt {
            self.windows.insert(w);
        }
    }

    pub(in crate::ui) fn select_neighbour(&mut self, forward: bool) {
        let Some(set) = self.ws.current_set() else {
            return;
        };
        let n = set.spans.len();
        if n == 0 {
            return;
        }
        let cur = self
            .ws
            .selected_span()
            .and_then(|id| set.spans.iter().position(|s| s.id == id));
        let next = match (cur, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        let id = set.spans[next].id.clone();
        self.apply_action(Action::SelectSpan {
            id: Some(id),
            reveal: true,
        });
    }

    /// Makes the document `id` current (false, with a message, when it is gone).
    pub(in crate::ui) fn show_document(&mut self, id: &str) -> bool {
        let p = self.ws.project();
        match p.documents.iter().position(|d| d.id == id) {
            Some(i) => {
                self.apply_action(Action::SwitchDocument(i));
                true
            }
            None => {
                self.ws
                    .set_status(format!("Document {id} is no longer in the project"));
                false
            }
        }
    }

    /// Selects the next mention of an entity (in document order, across documents).
    pub(in crate::ui) fn jump_to_entity(&mut self, eid: &str) {
        match self.ws.next_mention(eid) {
            Some((doc, span)) => {
                self.apply_action(Action::SwitchDocument(doc));
                self.apply_action(Action::SelectSpan {
                    id: Some(span),
                    reveal: true,
                });
            }
            None => self.ws.set_status(format!(
                "{eid} has no mentions in {}'s sets",
                self.ws.annotator()
            )),
        }
    }

    pub(in crate::ui) fn set_theme(&mut self, ctx: &egui::Context, dark: bool) {
        self.dark = dark;
        ctx.set_theme(if dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }
}
