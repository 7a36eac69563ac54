//! Paths the user gives: the system file dialog (an XDG desktop portal), or the in-app
//! prompt where no portal answers, and what is done with the path (open, save as,
//! compare, import, export).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::action::PathPurpose;
use super::app::{HashiyaApp, RightTab};
use super::dialogs::PathPrompt;
use crate::formats::{ExportFormat, ImportFormat};
use crate::workspace::export::ExportJob;

impl HashiyaApp {
    /// Asks for a path with the system's file dialog; when no dialog service answers
    /// (rfd returns at once), asks in the window instead.
    pub(super) fn pick_path(&mut self, purpose: PathPurpose) {
        // The file dialog is a desktop portal reached over the D-Bus session bus:
        // without a session bus there is none, so ask in the window at once (rfd
        // would say "cancelled" after its connection attempt, which can take long on
        // a busy machine).
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            self.ask_for_path(purpose);
            return;
        }
        let started = Instant::now();
        let json = |d: rfd::FileDialog| d.add_filter("Hashiya project", &["json"]);
        let dialog = rfd::FileDialog::new();
        let picked: Option<Vec<PathBuf>> = match purpose {
            PathPurpose::Open | PathPurpose::Compare => json(dialog).pick_file().map(|p| vec![p]),
            PathPurpose::SaveAs => json(dialog)
                .set_file_name(format!("{}.json", self.ws.project().name))
                .save_file()
                .map(|p| vec![p]),
            PathPurpose::Import(ImportFormat::Brat) => dialog.pick_folder().map(|p| vec![p]),
            PathPurpose::Import(ImportFormat::Text) => {
                dialog.add_filter("Text", &["txt"]).pick_files()
            }
            PathPurpose::Import(f) if f.is_table() => dialog
                .add_filter(f.name(), f.extensions())
                .pick_file()
                .map(|p| vec![p]),
            PathPurpose::Import(_) => dialog.pick_files(),
            PathPurpose::Export(ExportFormat::Brat) => dialog.pick_folder().map(|p| vec![p]),
            PathPurpose::Export(_) => dialog.save_file().map(|p| vec![p]),
        };
        match picked {
            Some(paths) => self.use_path(purpose, paths),
            None if started.elapsed() < Duration::from_millis(200) => self.ask_for_path(purpose),
            None => {}
        }
    }

    /// The in-app path prompt, where no file dialog service answers.
    pub(super) fn ask_for_path(&mut self, purpose: PathPurpose) {
        let current = match purpose {
            PathPurpose::SaveAs => self.ws.path().map(|p| p.display().to_string()),
            _ => None,
        };
        let places = crate::workspace::files::places(self.ws.path(), &self.config.recent);
        self.path_prompt = Some(PathPrompt::new(
            purpose,
            current.unwrap_or_default(),
            places,
        ));
    }

    pub(super) fn use_path(&mut self, purpose: PathPurpose, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else {
            return;
        };
        match purpose {
            PathPurpose::Open => self.open_path(first),
            PathPurpose::SaveAs => {
                let result = self.ws.save_overwriting(first);
                self.after_save(result);
            }
            PathPurpose::Compare => {
                if self.ws.start_review(first) {
                    self.right_tab = RightTab::Review;
                }
            }
            PathPurpose::Import(f) if f.is_table() => {
                self.table_import = Some(super::table_import::TableImportDialog::new(first, f));
            }
            PathPurpose::Import(f) => {
                self.ws.import(f, &paths);
            }
            PathPurpose::Export(f) => {
                if self.ws.refuse_while_loading().is_ok() {
                    let job = ExportJob::start(self.ws.project().clone(), f, first);
                    self.export_job = Some(job);
                }
            }
        }
    }

    pub(super) fn open_path(&mut self, p: PathBuf) {
        if self.ws.is_dirty() {
            self.ws
                .set_status("Save or undo your changes before opening another project".into());
            return;
        }
        use crate::workspace::opening::PREVIEW_MIN_BYTES;
        match crate::workspace::Workspace::open_for_user(Some(&p), PREVIEW_MIN_BYTES) {
            Ok(opened) => {
                // A project still being opened is given up for this one.
                self.pending_open = None;
                self.install_workspace(opened.workspace);
                self.pending_open = opened.pending;
                // Unsaved work left for this project is offered before the next
                // autosave could replace it.
                self.opts.recovery = opened.recovery;
                if let Some(e) = opened.recovery_error {
                    self.ws.set_status(format!(
                        "A recovery file exists but cannot be read (left as it is): {e}"
                    ));
                }
                self.remember_recent(&p);
            }
            Err(e) => self.ws.set_status(format!("Could not open: {e}")),
        }
    }

    /// Puts `ws` in place of the open project (opened from a file, or the whole of a
    /// project whose preview was shown).
    pub(super) fn install_workspace(&mut self, ws: crate::workspace::Workspace) {
        drop(std::mem::replace(&mut self.ws, ws));
        // The closed project's memory goes back to the system (the allocator keeps
        // freed memory otherwise: `text::memory`).
        crate::text::memory::release_freed_memory();
        self.external_change = None;
        self.view.set_selection(None);
        self.right_tab = RightTab::Annotations;
        if let Some(name) = self.config.annotator.clone() {
            self.use_name(&name);
        }
    }

    /// Takes the whole project in place of its preview once it has been read.
    pub(super) fn take_opened(&mut self, ctx: &egui::Context) {
        let Some(pending) = &self.pending_open else {
            return;
        };
        #[cfg(feature = "test-support")]
        if self.hold_opening {
            return;
        }
        match pending.poll() {
            None => ctx.request_repaint_after(std::time::Duration::from_millis(30)),
            Some(Ok(ws)) => {
                self.pending_open = None;
                // Keep what the preview showed: the same annotator's labels, the
                // selection, the tab.
                let shown = self.ws.annotator().to_string();
                let (selection, tab) = (self.view.selection(), self.right_tab);
                self.install_workspace(ws);
                if self.ws.project().annotators().contains(&shown.as_str()) {
                    self.ws.set_annotator(&shown);
                }
                self.view.set_selection(selection);
                if tab != RightTab::Review || self.ws.review().is_some() {
                    self.right_tab = tab;
                }
                if !self.ws.warnings().is_empty() {
                    self.ws.set_status(format!(
                        "{} while loading: see the Warnings window",
                        crate::model::words::count(self.ws.warnings().len(), "warning", "warnings")
                    ));
                }
            }
            Some(Err(e)) => {
                self.pending_open = None;
                self.ws.set_status(format!(
                    "Could not open the whole project (only its first document is shown, read-only): {e}"
                ));
            }
        }
    }
}
