//! The Merge conflicts window: what a three-way merge (`hashiya merge`, the git merge
//! driver) could not decide, recorded in the project. Each conflict shows the common
//! ancestor's, our and their version of the item; keep ours, take theirs, or edit the
//! JSON and use that — each one undoable step ([`crate::team::merge::resolve_conflict`]).

use std::collections::HashMap;

use egui::RichText;
use serde_json::Value;

use super::action::Action;
use crate::model::Conflict;
use crate::team::merge::Resolution;
use crate::workspace::Workspace;

#[derive(Default)]
pub struct ConflictsWindow {
    /// Conflict id → the JSON being edited for "use edited".
    editing: HashMap<String, String>,
}

/// A short, readable form of one side of a conflict.
fn describe(v: &Option<Value>) -> String {
    let Some(v) = v else {
        return "(deleted)".into();
    };
    if let (Some(label), Some(start), Some(end)) = (v.get("label"), v.get("start"), v.get("end")) {
        let text = v.get("text").and_then(Value::as_str).unwrap_or("");
        return format!(
            "{} {}–{} «{text}»",
            label.as_str().unwrap_or("?"),
            start,
            end
        );
    }
    if let Some(name) = v.get("name").and_then(Value::as_str) {
        return format!("«{name}»");
    }
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

impl ConflictsWindow {
    /// Shows the window while `open`; its close button clears it.
    pub fn ui(&mut self, ctx: &egui::Context, ws: &Workspace, open: &mut bool) -> Option<Action> {
        let mut action = None;
        let conflicts = &ws.project().conflicts;
        egui::Window::new(format!("Merge conflicts ({})", conflicts.len()))
            .open(open)
            .default_width(620.0)
            .show(ctx, |ui| {
                if conflicts.is_empty() {
                    ui.label("No conflicts: the merge decided everything.");
                    return;
                }
                egui::ScrollArea::vertical()
                    .max_height(480.0)
                    .show(ui, |ui| {
                        for c in conflicts {
                            if let Some(a) = self.conflict(ui, c) {
                                action = Some(a);
                            }
                            ui.separator();
                        }
                    });
            });
        action
    }

    fn conflict(&mut self, ui: &mut egui::Ui, c: &Conflict) -> Option<Action> {
        let mut action = None;
        let place = match (&c.annotator, &c.document) {
            (Some(a), Some(d)) => format!(" in {a}'s set of {d}"),
            _ => String::new(),
        };
        ui.label(RichText::new(format!("{:?} {}{place}", c.kind, c.item)).strong());
        let side = |name: &str| {
            c.sources
                .get(name)
                .map_or(String::new(), |s| format!(" ({s})"))
        };
        ui.label(format!("base: {}", describe(&c.base)));
        ui.label(format!("ours{}: {}", side("ours"), describe(&c.ours)));
        ui.label(format!("theirs{}: {}", side("theirs"), describe(&c.theirs)));
        let resolve = |choice| Action::ResolveConflict {
            id: c.id.clone(),
            choice,
        };
        ui.horizontal(|ui| {
            if ui.button("Keep ours").clicked() {
                action = Some(resolve(Resolution::Ours));
            }
            if ui.button("Take theirs").clicked() {
                action = Some(resolve(Resolution::Theirs));
            }
            if !self.editing.contains_key(&c.id) && ui.button("Edit…").clicked() {
                let start = c.ours.clone().or(c.theirs.clone()).unwrap_or(Value::Null);
                let text = serde_json::to_string_pretty(&start).unwrap_or_else(|e| e.to_string());
                self.editing.insert(c.id.clone(), text);
            }
        });
        if let Some(text) = self.editing.get_mut(&c.id) {
            ui.add(
                egui::TextEdit::multiline(text)
                    .code_editor()
                    .desired_rows(6)
                    .desired_width(f32::INFINITY),
            );
            match serde_json::from_str::<Value>(text) {
                Ok(v) => {
                    if ui.button("Use the edited version").clicked() {
                        action = Some(resolve(Resolution::Edited(v)));
                    }
                }
                Err(e) => {
                    ui.label(RichText::new(format!("not JSON yet: {e}")).small().weak());
                }
            }
        }
        action
    }
}
