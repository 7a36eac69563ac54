//! The in-app file browser of the path prompt, for desktops where no system file
//! dialog (XDG desktop portal) answers: places (home, the project's folder, recent
//! folders), the current folder with an "up" button, its sub-folders and the files the
//! purpose wants. Names are drawn with the text engine, so Arabic file names are shaped
//! and ordered right. The listing itself is `workspace::files`.

use std::path::{Path, PathBuf};

use egui::{Color32, RichText, Sense};

use super::article_view::TextRenderer;
use crate::workspace::files::{self, DirEntry};

/// What a click in the browser chose.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked {
    /// A file was clicked: put its path in the field.
    File(PathBuf),
    /// A file was double-clicked: use it now.
    Open(PathBuf),
}

pub struct FileBrowser {
    dir: PathBuf,
    extensions: Vec<&'static str>,
    entries: Result<Vec<DirEntry>, String>,
    places: Vec<(String, PathBuf)>,
    /// A double click on a file uses it (Open, Compare, Import; never where it would
    /// overwrite: Save As, Export).
    open_on_double_click: bool,
    /// The file of the last click: a double click counts only when both clicks were on
    /// the same file (the first click of a double click on a folder enters it, and the
    /// second must not take the file that took its place).
    last_file: Option<PathBuf>,
}

impl FileBrowser {
    /// A browser showing `start` (or the first place), listing folders and the files
    /// with `extensions` (all files when empty).
    pub fn new(
        start: Option<&Path>,
        extensions: Vec<&'static str>,
        places: Vec<(String, PathBuf)>,
    ) -> Self {
        let dir = start
            .filter(|d| d.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| places.first().map(|(_, p)| p.clone()))
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut b = FileBrowser {
            dir: PathBuf::new(),
            extensions,
            entries: Ok(Vec::new()),
            places,
            open_on_double_click: false,
            last_file: None,
        };
        b.go(dir);
        b
    }

    /// Lets a double click on a file use it at once.
    pub fn open_on_double_click(mut self, on: bool) -> Self {
        self.open_on_double_click = on;
        self
    }

    /// The folder shown.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn go(&mut self, dir: PathBuf) {
        self.last_file = None;
        self.entries = files::list_dir(&dir, &self.extensions)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()));
        self.dir = dir;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, text: &mut TextRenderer) -> Option<Picked> {
        let mut picked = None;
        let mut go_to = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Places:").weak());
            for (name, p) in &self.places {
                if ui
                    .button(name)
                    .on_hover_text(p.display().to_string())
                    .clicked()
                {
                    go_to = Some(p.clone());
                }
            }
        });
        ui.horizontal(|ui| {
            let up = self.dir.parent().map(Path::to_path_buf);
            if ui
                .add_enabled(up.is_some(), egui::Button::new("Up (parent folder)"))
                .clicked()
            {
                go_to = up;
            }
            let color = ui.visuals().text_color();
            text.label_line(ui, &self.dir.display().to_string(), 14.0, color);
        });
        ui.separator();
        let color = ui.visuals().text_color();
        let weak = ui.visuals().weak_text_color();
        match &self.entries {
            Err(e) => {
                ui.colored_label(Color32::from_rgb(200, 60, 60), e);
            }
            Ok(entries) if entries.is_empty() => {
                ui.label(RichText::new("(nothing here to open)").weak());
            }
            Ok(entries) => {
                let row = 22.0;
                egui::ScrollArea::vertical()
                    .id_salt("file-browser")
                    .max_height(260.0)
                    .auto_shrink([false, true])
                    .show_rows(ui, row, entries.len(), |ui, rows| {
                        for e in &entries[rows] {
                            ui.horizontal(|ui| {
                                ui.label(
                                    RichText::new(if e.is_dir { "folder" } else { "file" })
                                        .small()
                                        .color(weak),
                                );
                                let r = text.label(ui, &e.name, 15.0, color, Sense::click());
                                if r.clicked() {
                                    if e.is_dir {
                                        go_to = Some(e.path.clone());
                                    } else {
                                        let again = self.last_file.as_ref() == Some(&e.path);
                                        picked = Some(
                                            if again
                                                && r.double_clicked()
                                                && self.open_on_double_click
                                            {
                                                Picked::Open(e.path.clone())
                                            } else {
                                                Picked::File(e.path.clone())
                                            },
                                        );
                                        self.last_file = Some(e.path.clone());
                                    }
                                }
                            });
                        }
                    });
            }
        }
        if let Some(d) = go_to {
            self.go(d);
        }
        picked
    }
}
