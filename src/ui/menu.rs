//! The menu bar (File, Edit, Review, View, Help) and the toolbar under it (whose set is
//! being edited, one button per label). Menu items show their shortcut from the keymap.

use std::path::PathBuf;

use egui::{Button, Color32, RichText};

use super::action::{Action, PathPurpose, WindowKind};
use super::keymap::{KeyCommand, shortcut_text};
use super::widgets::label_color;
use crate::formats::{ExportFormat, ImportFormat};
use crate::model::edit::TagOptions;
use crate::model::words::count;
use crate::workspace::Workspace;
use crate::workspace::config::Config;

/// What the menus show besides the workspace.
pub struct MenuState<'a> {
    pub config: &'a Config,
    pub tag_options: TagOptions,
    pub dark: bool,
}

/// The menu bar. Stateless: everything it shows comes from the workspace and settings.
#[derive(Default)]
pub struct MenuBar;

fn item(ui: &mut egui::Ui, text: &str, key: KeyCommand) -> bool {
    let keys = shortcut_text(ui.ctx(), key);
    ui.add(Button::new(text).shortcut_text(keys)).clicked()
}

impl MenuBar {
    pub fn ui(&mut self, ui: &mut egui::Ui, ws: &Workspace, s: MenuState) -> Option<Action> {
        let mut action = None;
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| action = Self::file(ui, s.config));
            ui.menu_button("Edit", |ui| action = Self::edit(ui, ws, s.tag_options));
            ui.menu_button("Review", |ui| {
                if ui.button("Compare with a colleague's project…").clicked() {
                    action = Some(Action::PickPath(PathPurpose::Compare));
                }
                if ui.button("Progress of the team…").clicked() {
                    action = Some(Action::OpenWindow(WindowKind::Progress));
                }
                if ws.review().is_some() {
                    if ui.button("Agreement dashboard").clicked() {
                        action = Some(Action::OpenWindow(WindowKind::Dashboard));
                    }
                    if ui.button("End review").clicked() {
                        action = Some(Action::EndReview);
                    }
                }
            });
            ui.menu_button("View", |ui| {
                if item(ui, "Zoom in", KeyCommand::ZoomIn) {
                    action = Some(Action::ZoomIn);
                }
                if item(ui, "Zoom out", KeyCommand::ZoomOut) {
                    action = Some(Action::ZoomOut);
                }
                if item(ui, "Actual size", KeyCommand::ZoomReset) {
                    action = Some(Action::ZoomReset);
                }
                let mut dark = s.dark;
                if ui.checkbox(&mut dark, "Dark theme").changed() {
                    action = Some(Action::SetDark(dark));
                }
            });
            let help = shortcut_text(ui.ctx(), KeyCommand::Help);
            if ui.button(format!("Help ({help})")).clicked() {
                action = Some(Action::ToggleWindow(WindowKind::Help));
            }
        });
        action
    }

    fn file(ui: &mut egui::Ui, config: &Config) -> Option<Action> {
        let mut action = None;
        if item(ui, "Open…", KeyCommand::Open) {
            action = Some(Action::PickPath(PathPurpose::Open));
        }
        if item(ui, "Save", KeyCommand::Save) {
            action = Some(Action::Save);
        }
        if ui.button("Save As…").clicked() {
            action = Some(Action::PickPath(PathPurpose::SaveAs));
        }
        if !config.recent.is_empty() {
            ui.separator();
            ui.label("Recent projects");
            for (p, name) in config.recent.iter().zip(recent_names(&config.recent)) {
                if ui
                    .button(name)
                    .on_hover_text(p.display().to_string())
                    .clicked()
                {
                    action = Some(Action::UsePath(PathPurpose::Open, vec![p.clone()]));
                }
            }
        }
        ui.separator();
        ui.menu_button("Import", |ui| {
            for f in ImportFormat::ALL {
                if ui.button(format!("{}…", f.name())).clicked() {
                    action = Some(Action::PickPath(PathPurpose::Import(f)));
                    ui.close();
                }
            }
        });
        if ui.button("Paste text as a new document…").clicked() {
            action = Some(Action::OpenWindow(WindowKind::Paste));
        }
        ui.menu_button("Export", |ui| {
            for f in ExportFormat::ALL {
                if ui.button(format!("{}…", f.name())).clicked() {
                    action = Some(Action::PickPath(PathPurpose::Export(f)));
                    ui.close();
                }
            }
        });
        ui.separator();
        if ui.button("Change annotator name…").clicked() {
            action = Some(Action::OpenWindow(WindowKind::NamePrompt));
        }
        action
    }

    fn edit(ui: &mut egui::Ui, ws: &Workspace, tag: TagOptions) -> Option<Action> {
        let mut action = None;
        let h = ws.history();
        let undo = h.undo_name().map_or("Undo".into(), |n| format!("Undo {n}"));
        let keys = shortcut_text(ui.ctx(), KeyCommand::Undo);
        if ui
            .add_enabled(h.can_undo(), Button::new(undo).shortcut_text(keys))
            .clicked()
        {
            action = Some(Action::Undo);
        }
        let redo = h.redo_name().map_or("Redo".into(), |n| format!("Redo {n}"));
        let keys = shortcut_text(ui.ctx(), KeyCommand::Redo);
        if ui
            .add_enabled(h.can_redo(), Button::new(redo).shortcut_text(keys))
            .clicked()
        {
            action = Some(Action::Redo);
        }
        ui.separator();
        if item(ui, "Find…", KeyCommand::Find) {
            action = Some(Action::OpenSearch);
        }
        if item(ui, "Find in all documents…", KeyCommand::FindInCorpus) {
            action = Some(Action::OpenCorpusSearch);
        }
        if ui.button("Label schema…").clicked() {
            action = Some(Action::OpenSchemaEditor);
        }
        let mut t = tag;
        ui.checkbox(&mut t.trim_punctuation, "Trim punctuation from new spans");
        ui.checkbox(&mut t.snap_to_words, "Snap new spans to whole words");
        if t != tag {
            action = Some(Action::SetTagOptions(t));
        }
        action
    }
}

/// The toolbar: whose labels are shown and whether they can be edited, the choice of
/// annotator, and a button per label. When the shown labels are someone else's, a
/// second row says so and offers to start the user's own set or to edit theirs.
#[derive(Default)]
pub struct Toolbar;

impl Toolbar {
    pub fn ui(&mut self, ui: &mut egui::Ui, ws: &Workspace) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            let mut names: Vec<String> = ws
                .project()
                .annotators()
                .iter()
                .map(|s| s.to_string())
                .collect();
            for n in ws.user().into_iter().chain([ws.annotator()]) {
                if !names.iter().any(|x| x == n) {
                    names.push(n.to_string());
                }
            }
            let mut chosen = ws.annotator().to_string();
            egui::ComboBox::from_label("annotator")
                .selected_text(&chosen)
                .show_ui(ui, |ui| {
                    for n in &names {
                        let caption = if Some(n.as_str()) == ws.user() {
                            format!("{n} (you)")
                        } else {
                            n.clone()
                        };
                        ui.selectable_value(&mut chosen, n.clone(), caption);
                    }
                });
            if chosen != ws.annotator() {
                action = Some(Action::SwitchAnnotator(chosen));
            }
            let (text, color) = whose(ws);
            ui.label(RichText::new(text).color(color).strong());
            ui.separator();
            for l in &ws.project().schema.labels {
                let color = label_color(ws.project(), &l.id);
                let text = match &l.hotkey {
                    Some(k) => format!("{k}  {}", l.name),
                    None => l.name.clone(),
                };
                let b = Button::new(RichText::new(text).color(Color32::WHITE)).fill(color);
                if ui
                    .add_enabled(!ws.read_only(), b)
                    .on_hover_text(format!("Tag the selection as {}", l.name))
                    .clicked()
                {
                    action = Some(Action::Tag(l.id.clone()));
                }
            }
        });
        if ws.showing_others() {
            action = others_row(ui, ws).or(action);
        }
        let n = ws.project().conflicts.len();
        if n > 0 {
            ui.horizontal(|ui| {
                let text = format!(
                    "{} to resolve",
                    count(n, "merge conflict", "merge conflicts")
                );
                ui.label(
                    RichText::new(text)
                        .color(Color32::from_rgb(210, 50, 50))
                        .strong(),
                );
                if ui.button("Resolve…").clicked() {
                    action = Some(Action::OpenWindow(super::action::WindowKind::Conflicts));
                }
            });
        }
        action
    }
}

/// How the File menu names the recent projects: the file name, followed by its folder
/// ("p.json — work/derna") when another entry has the same file name. The folder is
/// the parent's last component, or as many last components as it takes to tell the
/// clashing entries apart (the whole path when that is what it takes).
pub fn recent_names(paths: &[PathBuf]) -> Vec<String> {
    let file = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    // The last `k` components of a path's folder.
    let folder = |p: &PathBuf, k: usize| {
        let parts: Vec<_> = p
            .parent()
            .into_iter()
            .flat_map(|d| d.components())
            .collect();
        let from = parts.len().saturating_sub(k);
        parts[from..]
            .iter()
            .collect::<PathBuf>()
            .display()
            .to_string()
    };
    paths
        .iter()
        .map(|p| {
            let name = file(p);
            let clashing: Vec<&PathBuf> = paths
                .iter()
                .filter(|q| *q != p && file(q) == name)
                .collect();
            if clashing.is_empty() {
                return name;
            }
            let depth = p.parent().map_or(0, |d| d.components().count());
            let k = (1..=depth.max(1))
                .find(|&k| clashing.iter().all(|q| folder(q, k) != folder(p, k)))
                .unwrap_or(depth.max(1));
            format!("{name} — {}", folder(p, k))
        })
        .collect()
}

/// What the toolbar says about the shown labels, and in which colour.
fn whose(ws: &Workspace) -> (String, Color32) {
    let who = ws.annotator();
    if ws.user().is_none() {
        (format!("editing {who}'s labels"), Color32::GRAY)
    } else if !ws.showing_others() {
        (
            format!("editing your labels ({who})"),
            Color32::from_rgb(40, 140, 70),
        )
    } else if ws.read_only() {
        (
            format!("viewing {who}'s labels (read-only)"),
            Color32::from_rgb(200, 120, 0),
        )
    } else {
        (
            format!("editing {who}'s labels — not yours"),
            Color32::from_rgb(210, 50, 50),
        )
    }
}

/// The row shown under the toolbar while another annotator's labels are shown.
fn others_row(ui: &mut egui::Ui, ws: &Workspace) -> Option<Action> {
    let mut action = None;
    let who = ws.annotator().to_string();
    let me_has_sets = ws
        .user()
        .is_some_and(|u| ws.project().annotators().contains(&u));
    ui.horizontal_wrapped(|ui| {
        if !me_has_sets {
            if ui.button("Start my own set").clicked() {
                action = Some(Action::StartOwnSets { copy_of: None });
            }
            if ui
                .button(format!("Start my own set as a copy of {who}'s"))
                .clicked()
            {
                action = Some(Action::StartOwnSets {
                    copy_of: Some(who.clone()),
                });
            }
        } else if let Some(me) = ws.user()
            && ui.button(format!("Back to my labels ({me})")).clicked()
        {
            action = Some(Action::SwitchAnnotator(me.to_string()));
        }
        if ws.read_only() {
            if ui.button(format!("Edit {who}'s labels")).clicked() {
                action = Some(Action::EditOthers(true));
            }
        } else if ui.button(format!("Stop editing {who}'s labels")).clicked() {
            action = Some(Action::EditOthers(false));
        }
    });
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_names_show_the_folder_only_when_file_names_clash() {
        let paths: Vec<PathBuf> = [
            "/home/sara/derna/p.json",
            "/home/sara/sirte/p.json",
            "/home/sara/other.json",
            "/a/x/q.json",
            "/b/x/q.json",
        ]
        .map(PathBuf::from)
        .to_vec();
        assert_eq!(
            recent_names(&paths),
            [
                "p.json — derna",
                "p.json — sirte",
                "other.json",
                "q.json — a/x",
                "q.json — b/x"
            ]
        );
    }
}
