//! Actions on files: open, save, save as, the external change of the project file, recovery after a crash, quitting, the user's name in the settings.

use super::super::action::{Action, PathPurpose, WindowKind};
use super::super::app::HashiyaApp;
use crate::workspace::SaveFailure;
use std::path::PathBuf;

impl HashiyaApp {
    /// Carries out an action of this group; gives back any other.
    pub(in crate::ui) fn apply_files(&mut self, action: Action) -> Result<(), Box<Action>> {
        match action {
            Action::PickPath(purpose) => self.pick_path(purpose),
            Action::UsePath(purpose, paths) => self.use_path(purpose, paths),
            Action::Save => match self.ws.save() {
                Err(SaveFailure::NoPath) => self.pick_path(PathPurpose::SaveAs),
                other => self.after_save(other),
            },
            Action::ReloadFromDisk => {
                self.external_change = None;
                self.view.set_selection(None);
                if let Err(e) = self.ws.reload() {
                    self.ws.set_status(format!("Could not reload: {e}"));
                }
            }
            Action::KeepMine => {
                if let Some(change) = self.external_change.take() {
                    let result = self.ws.save_overwriting(change.path);
                    self.after_save(result);
                }
            }
            Action::DismissExternalChange => self.external_change = None,
            Action::RestoreRecovery => {
                if let Some(rec) = self.opts.recovery.take() {
                    self.ws.restore(&rec.project);
                }
            }
            Action::DiscardRecovery => {
                self.ws.discard_recovery();
                self.opts.recovery = None;
            }
            Action::Quit { save } => self.quit(save),
            Action::SetUserName(name) => {
                self.config.annotator = Some(name.clone());
                self.save_config();
                self.use_name(&name);
                self.name_prompt = None;
            }
            other => return Err(Box::new(other)),
        }
        Ok(())
    }

    /// Reports a save; an external change opens its dialog.
    pub(in crate::ui) fn after_save(&mut self, result: Result<PathBuf, SaveFailure>) {
        match result {
            Ok(_) => self.external_change = None,
            Err(SaveFailure::NoPath) => self.pick_path(PathPurpose::SaveAs),
            Err(SaveFailure::Changed(c)) => self.external_change = Some(c),
            Err(SaveFailure::Failed(e)) => self.ws.set_status(format!("Save failed: {e}")),
        }
    }

    pub(in crate::ui) fn quit(&mut self, save: bool) {
        self.windows.remove(&WindowKind::QuitConfirm);
        if save {
            self.apply_action(Action::Save);
            if self.ws.is_dirty() {
                return;
            }
        }
        self.allow_close = true;
        self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}
