//! The Entities tab (right): every entity of the project with its label, aliases and
//! mention count. Click: jump to its next mention (across documents); right-click:
//! merge it into another entity of the same label.

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::widgets::{label_color, read_only_why, row};
use crate::model::edit;
use crate::model::words::count;
use crate::workspace::Workspace;

#[derive(Default)]
pub struct EntitiesPanel;

impl EntitiesPanel {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let p = ws.project();
        let counts = edit::entity_mentions(p);
        ui.label(format!(
            "{} in the project",
            count(p.entities.len(), "entity", "entities")
        ));
        let mut action = None;
        let tc = ui.visuals().text_color();
        let weak = ui.visuals().weak_text_color();
        egui::ScrollArea::vertical()
            .id_salt("entity-list")
            .show(ui, |ui| {
                for e in &p.entities {
                    let n = counts.get(&e.id).copied().unwrap_or(0);
                    let r = row(ui, false, |ui| {
                        ui.label(
                            RichText::new(format!(
                                "{} · {} · {n} mention{}",
                                e.label,
                                e.id,
                                if n == 1 { "" } else { "s" }
                            ))
                            .color(label_color(p, &e.label))
                            .small(),
                        );
                        text.label(ui, &e.name, 15.0, tc, egui::Sense::hover());
                        if !e.aliases.is_empty() {
                            let aliases = e.aliases.join("، ");
                            text.label(ui, &aliases, 13.0, weak, egui::Sense::hover());
                        }
                    });
                    if r.clicked() {
                        action = Some(Action::JumpToEntity(e.id.clone()));
                    }
                    r.context_menu(|ui| {
                        ui.label("Merge into:");
                        // Merging relinks mentions in the shown sets: not while they
                        // are read-only.
                        let why = read_only_why(ws);
                        if why.is_some() {
                            ui.disable();
                        }
                        for o in p
                            .entities
                            .iter()
                            .filter(|o| o.id != e.id && o.label == e.label)
                        {
                            let b = ui.button(format!("{} ({})", o.id, o.name));
                            if b.on_disabled_hover_text(why.as_deref().unwrap_or_default())
                                .clicked()
                            {
                                action = Some(Action::MergeEntities {
                                    keep: o.id.clone(),
                                    gone: e.id.clone(),
                                });
                                ui.close();
                            }
                        }
                    });
                }
            });
        ui.label(
            RichText::new("Click: next mention · right-click: merge")
                .small()
                .weak(),
        );
        action
    }
}
