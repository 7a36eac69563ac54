//! Actions of a review against a colleague's project: decisions, walking the disagreements, the gold set's name, curation, the agreement report.

use super::super::action::{Action, WindowKind};
use super::super::app::{HashiyaApp, RightTab};

impl HashiyaApp {
    /// Carries out an action of this group; gives back any other.
    pub(in crate::ui) fn apply_review(&mut self, action: Action) -> Result<(), Box<Action>> {
        let now = self.now;
        match action {
            Action::EndReview => {
                self.ws.end_review();
                self.windows.remove(&WindowKind::Dashboard);
                self.right_tab = RightTab::Annotations;
            }
            Action::PreMerge { gold, k } => {
                self.ws.premerge(&gold, k);
            }
            Action::AcceptCandidate { gold, candidate } => {
                self.ws.accept_candidate(&gold, &candidate);
            }
            Action::Decide(d) => {
                self.ws.review_decide(d);
                self.navigator.moved();
                self.reveal_disagreement();
            }
            Action::ReviewStep { forward } => {
                self.navigator.moved();
                if let Some(r) = self.ws.review_step(forward) {
                    self.view.reveal(r, now);
                }
            }
            Action::SetGoldName(name) => {
                if let Some(r) = self.ws.review_mut() {
                    r.set_gold_name(&name);
                }
            }
            Action::ExportAgreement(fmt) => self.export_agreement(fmt),
            other => return Err(Box::new(other)),
        }
        Ok(())
    }

    pub(in crate::ui) fn reveal_disagreement(&mut self) {
        if let Some(r) = self.ws.review_current_range() {
            self.view.reveal(r, self.now);
        }
    }

    pub(in crate::ui) fn export_agreement(&mut self, fmt: crate::review::render::ReportFormat) {
        if let Some(result) = self.ws.export_agreement(fmt) {
            self.ws.set_status(match result {
                Ok(out) => format!("Agreement report written to {}", out.display()),
                Err(e) => format!("Could not write the report: {e}"),
            });
        }
    }
}
