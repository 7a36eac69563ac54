//! The app's windows and modal questions. Each is a small struct holding its own form
//! state; its `ui` shows it and returns what the user chose as an [`Action`] (or a
//! typed choice), never acting itself.

use std::path::PathBuf;

use egui::{Key, RichText};

use super::action::{Action, PathPurpose, WindowKind};
use super::article_view::TextRenderer;
use super::file_browser::{FileBrowser, Picked};
use super::keymap;
use super::text_field::BidiTextField;
use crate::formats::ExportFormat;
use crate::model::Project;
use crate::model::words;
use crate::store::{self, ChangeKind, ExternalChange};
use crate::workspace::export::ExportJob;

/// "New document from text": a title and the pasted article.
pub struct PasteDialog {
    title: String,
    text: BidiTextField,
}

impl Default for PasteDialog {
    fn default() -> Self {
        let mut text = BidiTextField::new(true);
        text.focus();
        PasteDialog {
            title: String::new(),
            text,
        }
    }
}

impl PasteDialog {
    pub fn ui(&mut self, ctx: &egui::Context, text: &mut TextRenderer) -> Option<Action> {
        let mut action = None;
        egui::Window::new("New document from text")
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Title (default: the first line):");
                    ui.text_edit_singleline(&mut self.title);
                });
                ui.label("Paste the article (Ctrl+V):");
                self.text.show(ui, text, "article text");
                ui.horizontal(|ui| {
                    let ready = !self.text.text.trim().is_empty();
                    if ui
                        .add_enabled(ready, egui::Button::new("Add document"))
                        .clicked()
                    {
                        action = Some(Action::AddDocument {
                            title: self.title.clone(),
                            text: self.text.text.clone(),
                        });
                    }
                    if ui.button("Cancel").clicked() {
                        action = Some(Action::CloseWindow(WindowKind::Paste));
                    }
                });
            });
        action
    }
}

/// "Who is annotating?": asked once, remembered in the config.
pub struct NamePrompt {
    field: BidiTextField,
}

impl NamePrompt {
    pub fn new(current: &str) -> Self {
        let mut field = BidiTextField::new(false);
        field.set_text(current);
        field.focus();
        NamePrompt { field }
    }

    pub fn ui(&mut self, ctx: &egui::Context, text: &mut TextRenderer) -> Option<Action> {
        let mut action = None;
        egui::Modal::new(egui::Id::unique("annotator-name")).show(ctx, |ui| {
            ui.heading("Who is annotating?");
            ui.label("Your name (or initials) is stored with every annotation set you create, so that a colleague's labels can be compared with yours. It is remembered on this computer.");
            let r = self.field.show(ui, text, "e.g. Sara K.");
            let name = self.field.text.trim();
            let ok = ui
                .add_enabled(!name.is_empty(), egui::Button::new("OK"))
                .clicked();
            if (ok || r.submitted) && !name.is_empty() {
                action = Some(Action::SetUserName(name.to_string()));
            }
        });
        action
    }
}

/// "Unsaved work found": restore the recovery file or discard it.
pub fn recovery_prompt(
    ctx: &egui::Context,
    recovered: &Project,
    on_disk: &Project,
) -> Option<Action> {
    let count = |p: &Project| p.sets.iter().map(|s| s.spans.len()).sum::<usize>();
    let mut action = None;
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.heading("Unsaved work found");
        ui.label(format!(
            "Hashiya was closed without saving. A recovery file newer than the project holds {} in {} (the file on disk: {} in {}).",
            words::count(count(recovered), "span", "spans"),
            words::count(recovered.sets.len(), "set", "sets"),
            words::count(count(on_disk), "span", "spans"),
            words::count(on_disk.sets.len(), "set", "sets")
        ));
        ui.horizontal(|ui| {
            if ui.button("Restore the unsaved work").clicked() {
                action = Some(Action::RestoreRecovery);
            }
            if ui.button("Discard it").clicked() {
                action = Some(Action::DiscardRecovery);
            }
        });
    });
    action
}

/// The F1 overlay: every shortcut, generated from the keymap (tagging and the mouse
/// first). It fits the window: centred, at most the window's height, its rows
/// scrolling.
pub fn help_window(ctx: &egui::Context) -> Option<Action> {
    let mut open = true;
    let screen = ctx.content_rect();
    let height = (screen.height() - 120.0).max(200.0);
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(screen.center())
        .default_height(height)
        .max_height(height)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("help-rows")
                .show(ui, |ui| {
                    egui::Grid::new("keys").striped(true).show(ui, |ui| {
                        for (keys, what) in keymap::help_rows(ctx) {
                            ui.label(RichText::new(keys).monospace());
                            ui.label(what);
                            ui.end_row();
                        }
                    });
                });
        });
    (!open).then_some(Action::CloseWindow(WindowKind::Help))
}

/// A path typed in the window, where no file dialog service answered.
pub struct PathPrompt {
    pub purpose: PathPurpose,
    text: String,
    browser: FileBrowser,
}

impl PathPrompt {
    /// `text`: the path to start with (Save As: the project's); `places`: where the
    /// browser offers to start (`workspace::files::places`).
    pub fn new(purpose: PathPurpose, text: String, places: Vec<(String, PathBuf)>) -> Self {
        let extensions: Vec<&'static str> = match purpose {
            PathPurpose::Open | PathPurpose::SaveAs | PathPurpose::Compare => vec!["json"],
            PathPurpose::Import(f) => f.extensions().to_vec(),
            PathPurpose::Export(f) => f.extension().into_iter().collect(),
        };
        // The folder of the path given, else the open project's folder.
        let start = std::path::Path::new(&text)
            .parent()
            .filter(|d| d.is_dir())
            .map(PathBuf::from)
            .or_else(|| {
                places
                    .iter()
                    .find(|(name, _)| name == "Project folder")
                    .map(|(_, p)| p.clone())
            });
        let reads = matches!(
            purpose,
            PathPurpose::Open | PathPurpose::Compare | PathPurpose::Import(_)
        );
        let browser =
            FileBrowser::new(start.as_deref(), extensions, places).open_on_double_click(reads);
        PathPrompt {
            purpose,
            text,
            browser,
        }
    }

    /// `Some(Some(action))`: go; `Some(None)`: cancelled; `None`: still open.
    pub fn ui(&mut self, ctx: &egui::Context, text: &mut TextRenderer) -> Option<Option<Action>> {
        let title = match self.purpose {
            PathPurpose::Open => "Open project (no file dialog available)",
            PathPurpose::SaveAs => "Save project as (no file dialog available)",
            PathPurpose::Compare => "Compare with a colleague's project (no file dialog available)",
            PathPurpose::Import(_) => "Import (no file dialog available): a file or folder",
            PathPurpose::Export(_) => {
                "Export to (no file dialog available): a file, or a folder for brat"
            }
        };
        let mut outcome = None;
        // A folder is an answer too (every import but a table's; a brat export): a
        // click on a folder enters it and puts it in the field.
        let folder = match self.purpose {
            PathPurpose::Import(f) => !f.is_table(),
            PathPurpose::Export(f) => f == ExportFormat::Brat,
            _ => false,
        };
        egui::Window::new(title)
            .collapsible(false)
            .default_width(560.0)
            .show(ctx, |ui| {
                let shown = self.browser.dir().to_path_buf();
                match self.browser.ui(ui, text) {
                    Some(Picked::File(p)) => self.text = p.display().to_string(),
                    Some(Picked::Open(p)) => {
                        outcome = Some(Some(Action::UsePath(self.purpose, vec![p])));
                    }
                    None if folder && self.browser.dir() != shown => {
                        self.text = self.browser.dir().display().to_string();
                    }
                    None => {}
                }
                ui.separator();
                ui.label(field_label(self.purpose));
                let r = ui.text_edit_singleline(&mut self.text);
                ui.horizontal(|ui| {
                    let go = ui.button("OK").clicked()
                        || (r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)));
                    let path = self.text.trim();
                    if go && !path.is_empty() {
                        let p = vec![PathBuf::from(path)];
                        outcome = Some(Some(Action::UsePath(self.purpose, p)));
                    }
                    if folder && ui.button("Use this folder").clicked() {
                        let p = vec![self.browser.dir().to_path_buf()];
                        outcome = Some(Some(Action::UsePath(self.purpose, p)));
                    }
                    if ui.button("Cancel").clicked() {
                        outcome = Some(None);
                    }
                });
            });
        outcome
    }
}

/// What the path prompt's field holds, by purpose.
fn field_label(purpose: PathPurpose) -> &'static str {
    match purpose {
        PathPurpose::Open => "Path of the project file:",
        PathPurpose::SaveAs => "Path of the new project file:",
        PathPurpose::Compare => "Path of the colleague's project file:",
        PathPurpose::Import(f) if f.is_table() => "Path of the table to import:",
        PathPurpose::Import(_) => "Path of the file or folder to import:",
        PathPurpose::Export(ExportFormat::Brat) => "Path of the folder to export to:",
        PathPurpose::Export(_) => "Path of the file to export to:",
    }
}

/// "The project file changed on disk": reload theirs, keep mine, save mine as, later.
pub fn external_change_dialog(
    ctx: &egui::Context,
    change: &ExternalChange,
    dirty: bool,
) -> Option<Action> {
    let bak = store::atomic::backup_path(&change.path);
    let bak = bak
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let removed = change.kind == ChangeKind::Removed;
    let mut action = None;
    egui::Modal::new(egui::Id::unique("external-change")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("The project file changed on disk");
        let what = match &change.kind {
            ChangeKind::Removed => "was deleted or moved".to_string(),
            ChangeKind::Modified { was, now } => format!(
                "was changed by another program ({was} bytes when opened or last saved, {now} bytes now)"
            ),
            ChangeKind::Unreadable(e) => format!("can no longer be read ({e})"),
        };
        ui.label(format!(
            "{} {what}. Nothing has been overwritten.",
            change.path.display()
        ));
        if dirty {
            ui.label("You have unsaved changes.");
        }
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if !removed
                && ui
                    .button("Reload theirs")
                    .on_hover_text("Open the version on disk; your unsaved changes are lost")
                    .clicked()
            {
                action = Some(Action::ReloadFromDisk);
            }
            if ui
                .button("Keep mine")
                .on_hover_text(format!(
                    "Save your version over it; the other version is kept as {bak}"
                ))
                .clicked()
            {
                action = Some(Action::KeepMine);
            }
            if ui
                .button("Save mine as…")
                .on_hover_text("Save your version under another name")
                .clicked()
            {
                action = Some(Action::PickPath(PathPurpose::SaveAs));
            }
            if ui
                .button("Decide later")
                .on_hover_text("Close this; saving will ask again")
                .clicked()
            {
                action = Some(Action::DismissExternalChange);
            }
        });
    });
    action
}

/// "Unsaved changes": save and quit, quit without saving, cancel.
pub fn quit_dialog(ctx: &egui::Context) -> Option<Action> {
    let mut action = None;
    egui::Modal::new(egui::Id::unique("quit")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label("Save your changes before quitting?");
        ui.horizontal(|ui| {
            if ui.button("Save and quit").clicked() {
                action = Some(Action::Quit { save: true });
            }
            if ui.button("Quit without saving").clicked() {
                action = Some(Action::Quit { save: false });
            }
            if ui.button("Cancel").clicked() {
                action = Some(Action::CloseWindow(WindowKind::QuitConfirm));
            }
        });
    });
    action
}

/// Several relation types fit two spans: which one (buttons, or the digit keys).
pub struct RelationChooser {
    pub from: String,
    pub to: String,
    /// (type id, type name)
    pub kinds: Vec<(String, String)>,
}

impl RelationChooser {
    /// `Some(Some(action))`: chosen; `Some(None)`: cancelled; `None`: still open.
    /// `digit`: a digit key pressed this frame (1 = the first type).
    pub fn ui(&self, ctx: &egui::Context, digit: Option<u8>) -> Option<Option<Action>> {
        let choose = |i: usize| {
            self.kinds.get(i).map(|(kind, _)| Action::RelateAs {
                kind: kind.clone(),
                from: self.from.clone(),
                to: self.to.clone(),
            })
        };
        let mut outcome = digit
            .and_then(|d| choose(usize::from(d).checked_sub(1)?))
            .map(Some);
        // Next to the pointer, which is on the target span (the click after R, the end
        // of a Ctrl+drag), not at the window's corner far from both spans: a window of
        // its own per pair of spans, so that place is where it opens each time.
        let at = ctx
            .pointer_latest_pos()
            .unwrap_or_else(|| ctx.content_rect().center());
        egui::Window::new("Relation type")
            .id(egui::Id::unique(("relation-chooser", &self.from, &self.to)))
            .collapsible(false)
            .default_pos(at + egui::vec2(16.0, 16.0))
            .show(ctx, |ui| {
                ui.label("Several relation types fit these two spans:");
                for (i, (_, name)) in self.kinds.iter().enumerate() {
                    if ui.button(format!("{}  {name}", i + 1)).clicked() {
                        outcome = Some(choose(i));
                    }
                }
                if ui.button("Cancel").clicked() {
                    outcome = Some(None);
                }
            });
        outcome
    }
}

/// The progress bar of a running export.
pub fn export_progress(ctx: &egui::Context, job: &ExportJob) {
    let (d, t) = job.progress();
    egui::Window::new("Exporting")
        .collapsible(false)
        .show(ctx, |ui| {
            ui.add(
                egui::ProgressBar::new(d as f32 / t as f32)
                    .text(format!("{d} of {t}"))
                    .desired_width(300.0),
            );
        });
}
