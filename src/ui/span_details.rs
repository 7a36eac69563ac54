//! The selected span's details (top of the Annotations tab): label and text, the
//! attributes its label defines, its relations, its entity (link, unlink, create from
//! it) and its note.

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::text_field::BidiTextField;
use super::widgets::{label_color, read_only_why, row};
use crate::model::Span;
use crate::text::normalize::{SearchOptions, fold};
use crate::workspace::Workspace;

pub struct SpanDetails {
    /// The note being edited.
    note_field: BidiTextField,
    /// The span whose note the note field holds.
    note_for: Option<String>,
    /// Filter of the "link to an existing entity" list.
    entity_filter: BidiTextField,
}

impl Default for SpanDetails {
    fn default() -> Self {
        SpanDetails {
            note_field: BidiTextField::new(true),
            note_for: None,
            entity_filter: BidiTextField::new(false),
        }
    }
}

impl SpanDetails {
    /// Whether one of its fields has the keyboard.
    pub fn typing(&self) -> bool {
        self.note_field.is_focused() || self.entity_filter.is_focused()
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        span: &Span,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        let p = ws.project();
        ui.separator();
        ui.label(
            RichText::new(format!("{} · {}", span.label, span.id))
                .color(label_color(p, &span.label))
                .strong(),
        );
        let tc = ui.visuals().text_color();
        text.label(ui, &span.text, 18.0, tc, egui::Sense::hover());
        // Someone else's labels, read-only: the controls that would edit the span are
        // shown disabled, their hover text says why.
        let why = read_only_why(ws);
        let editable = why.is_none();
        let why = why.unwrap_or_default();
        if let Some(label) = p.schema.label(&span.label) {
            for a in label.attributes.iter().filter(|a| !a.is_free_text()) {
                let cur = span.attributes.get(&a.name).cloned().unwrap_or_default();
                let mut chosen = cur.clone();
                ui.add_enabled_ui(editable, |ui| {
                    egui::ComboBox::from_label(&a.name)
                        .selected_text(if cur.is_empty() { "—" } else { &cur })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut chosen, String::new(), "—");
                            for v in &a.values {
                                ui.selectable_value(&mut chosen, v.clone(), v);
                            }
                        })
                        .response
                        .on_disabled_hover_text(&why);
                });
                if chosen != cur && editable {
                    action = Some(Action::SetAttribute {
                        span: span.id.clone(),
                        name: a.name.clone(),
                        value: (!chosen.is_empty()).then_some(chosen),
                    });
                }
            }
        }
        if let Some(set) = ws.current_set() {
            for r in set
                .relations
                .iter()
                .filter(|r| r.from == span.id || r.to == span.id)
            {
                let (arrow, other) = if r.from == span.id {
                    ("to", &r.to)
                } else {
                    ("from", &r.from)
                };
                ui.label(format!("{} {arrow}", r.kind));
                let other = set.span(other).map_or("?", |s| s.text.as_str());
                text.label(ui, other, 15.0, tc, egui::Sense::hover());
            }
        }
        let entity = ui.add_enabled_ui(editable, |ui| self.entity_section(ui, ws, span, text));
        action = entity.inner.or(action);
        let note = ui.add_enabled_ui(editable, |ui| self.note_section(ui, span, text));
        action = note.inner.or(action);
        if ui
            .add_enabled(editable, egui::Button::new("Delete span (Del)"))
            .on_disabled_hover_text(&why)
            .clicked()
        {
            action = Some(Action::DeleteSelected);
        }
        action
    }

    fn entity_section(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        span: &Span,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        let tc = ui.visuals().text_color();
        let why = read_only_why(ws).unwrap_or_default();
        ui.separator();
        if let Some(e) = span.entity.as_ref().and_then(|e| ws.project().entity(e)) {
            ui.horizontal(|ui| {
                ui.label(format!("Entity {}:", e.id));
                let unlink = ui.add(egui::Button::new("Unlink").small());
                if unlink.on_disabled_hover_text(&why).clicked() {
                    action = Some(Action::LinkEntity {
                        span: span.id.clone(),
                        entity: None,
                    });
                }
            });
            text.label(ui, &e.name, 15.0, tc, egui::Sense::hover());
            return action;
        }
        ui.horizontal(|ui| {
            ui.label("Entity: none");
            let new = ui.add(egui::Button::new("New entity from this mention").small());
            if new.on_disabled_hover_text(&why).clicked() {
                action = Some(Action::CreateEntity(span.id.clone()));
            }
        });
        ui.label("Link to an existing one:");
        self.entity_filter.show(ui, text, "filter entities");
        let opts = SearchOptions::default();
        let q = fold(&self.entity_filter.text, &opts);
        let candidates = ws
            .project()
            .entities
            .iter()
            .filter(|e| e.label == span.label)
            .filter(|e| {
                q.is_empty()
                    || std::iter::once(&e.name)
                        .chain(&e.aliases)
                        .any(|n| fold(n, &opts).contains(&q))
            })
            .take(8);
        for e in candidates {
            let r = row(ui, false, |ui| {
                ui.label(RichText::new(&e.id).small());
                text.label(ui, &e.name, 14.0, tc, egui::Sense::hover());
            });
            if r.clicked() {
                action = Some(Action::LinkEntity {
                    span: span.id.clone(),
                    entity: Some(e.id.clone()),
                });
            }
        }
        action
    }

    fn note_section(
        &mut self,
        ui: &mut egui::Ui,
        span: &Span,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        if self.note_for.as_deref() != Some(span.id.as_str()) {
            self.note_for = Some(span.id.clone());
            self.note_field.set_text(span.note.as_deref().unwrap_or(""));
        }
        ui.label("Note (Ctrl+Enter saves):");
        let r = self.note_field.show(ui, text, "a note on this span");
        let note = self.note_field.text.trim().to_string();
        let changed = note != span.note.as_deref().unwrap_or("");
        let save = r.submitted
            || ui
                .add_enabled(changed, egui::Button::new("Save note"))
                .clicked();
        (save && changed).then(|| Action::SetNote {
            span: span.id.clone(),
            note: (!note.is_empty()).then_some(note),
        })
    }
}
