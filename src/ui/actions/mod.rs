//! How the app carries out an [`Action`], one file per group of what it touches:
//! [`edit`] (the project, through the workspace), [`files`] (opening, saving,
//! recovery, quitting), [`review`] (a review against a colleague), [`suggest`]
//! (suggestions) and [`view`] (what is shown). Also what each shortcut asks for ([`HashiyaApp::key_action`]).

mod edit;
mod files;
mod review;
mod suggest;
mod view;

use super::action::{Action, PathPurpose, WindowKind};
use super::app::HashiyaApp;
use super::keymap::KeyCommand;
use crate::model::edit::SpanEnd;
use crate::review::Decision;

/// What an action touches: which handler carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Edit,
    Files,
    Review,
    Suggest,
    View,
}

/// The group of an action (every variant named: a new action must be given one).
pub fn group(action: &Action) -> Group {
    match action {
        Action::SetDone { .. } => Group::Edit,
        Action::Tag { .. } => Group::Edit,
        Action::TagAll { .. } => Group::Edit,
        Action::TagAllDocuments { .. } => Group::Edit,
        Action::Relabel { .. } => Group::Edit,
        Action::SetAttribute { .. } => Group::Edit,
        Action::SetNote { .. } => Group::Edit,
        Action::DeleteSelected => Group::Edit,
        Action::Nudge { .. } => Group::Edit,
        Action::MoveBoundary { .. } => Group::Edit,
        Action::StartRelation => Group::Edit,
        Action::Relate { .. } => Group::Edit,
        Action::RelateAs { .. } => Group::Edit,
        Action::CreateEntity { .. } => Group::Edit,
        Action::LinkEntity { .. } => Group::Edit,
        Action::MergeEntities { .. } => Group::Edit,
        Action::ChangeSchema { .. } => Group::Edit,
        Action::Undo => Group::Edit,
        Action::Redo => Group::Edit,
        Action::AddDocument { .. } => Group::Edit,
        Action::ImportWith { .. } => Group::Edit,
        Action::StartOwnSets { .. } => Group::Edit,
        Action::EditOthers { .. } => Group::Edit,
        Action::SwitchAnnotator { .. } => Group::Edit,
        Action::SuggestionStep { .. } => Group::Suggest,
        Action::AcceptSuggestion { .. } => Group::Suggest,
        Action::AcceptSuggestions { .. } => Group::Suggest,
        Action::RejectSuggestion => Group::Suggest,
        Action::SetSuggestions { .. } => Group::Suggest,
        Action::FindSuggestions => Group::Suggest,
        Action::ResolveConflict { .. } => Group::Edit,
        Action::PickPath { .. } => Group::Files,
        Action::UsePath { .. } => Group::Files,
        Action::Save => Group::Files,
        Action::ReloadFromDisk => Group::Files,
        Action::KeepMine => Group::Files,
        Action::DismissExternalChange => Group::Files,
        Action::RestoreRecovery => Group::Files,
        Action::DiscardRecovery => Group::Files,
        Action::Quit { .. } => Group::Files,
        Action::SetUserName { .. } => Group::Files,
        Action::EndReview => Group::Review,
        Action::PreMerge { .. } => Group::Review,
        Action::AcceptCandidate { .. } => Group::Review,
        Action::Decide { .. } => Group::Review,
        Action::ReviewStep { .. } => Group::Review,
        Action::SetGoldName { .. } => Group::Review,
        Action::ExportAgreement { .. } => Group::Review,
        Action::OpenWindow { .. } => Group::View,
        Action::CloseWindow { .. } => Group::View,
        Action::ToggleWindow { .. } => Group::View,
        Action::ZoomIn => Group::View,
        Action::ZoomOut => Group::View,
        Action::ZoomReset => Group::View,
        Action::SetDark { .. } => Group::View,
        Action::SetTagOptions { .. } => Group::View,
        Action::RememberPanelWidth { .. } => Group::View,
        Action::OpenSearch => Group::View,
        Action::CloseSearch => Group::View,
        Action::OpenCorpusSearch => Group::View,
        Action::RevealInDocument { .. } => Group::View,
        Action::FindInDocument { .. } => Group::View,
        Action::OpenSchemaEditor => Group::View,
        Action::SwitchDocument { .. } => Group::View,
        Action::SelectSpan { .. } => Group::View,
        Action::SelectNeighbour { .. } => Group::View,
        Action::SelectText { .. } => Group::View,
        Action::Cancel => Group::View,
        Action::Reveal { .. } => Group::View,
        Action::JumpToEntity { .. } => Group::View,
        Action::Status { .. } => Group::View,
    }
}

impl HashiyaApp {
    /// Carries out what a panel, a window or a key asked for.
    pub fn apply_action(&mut self, action: Action) {
        let result = match group(&action) {
            Group::Edit => self.apply_edit(action),
            Group::Files => self.apply_files(action),
            Group::Review => self.apply_review(action),
            Group::Suggest => self.apply_suggest(action),
            Group::View => self.apply_view(action),
        };
        if let Err(a) = result {
            debug_assert!(false, "{a:?} is not handled by its group");
            self.ws
                .set_status(format!("Not carried out (this is a bug in Hashiya): {a:?}"));
        }
    }

    /// What a shortcut does (the keymap says which keys).
    pub(in crate::ui) fn key_action(&mut self, k: KeyCommand) -> Option<Action> {
        use KeyCommand as K;
        Some(match k {
            K::Undo => Action::Undo,
            K::Redo => Action::Redo,
            K::Save => Action::Save,
            K::Open => Action::PickPath(PathPurpose::Open),
            K::ZoomIn => Action::ZoomIn,
            K::ZoomOut => Action::ZoomOut,
            K::ZoomReset => Action::ZoomReset,
            K::NextDocument => Action::SwitchDocument(self.ws.doc_index() + 1),
            K::PreviousDocument => Action::SwitchDocument(self.ws.doc_index().checked_sub(1)?),
            K::Find => Action::OpenSearch,
            K::FindInCorpus => Action::OpenCorpusSearch,
            K::Help => Action::ToggleWindow(WindowKind::Help),
            K::DeleteSpan => Action::DeleteSelected,
            K::GrowEnd => Action::Nudge(SpanEnd::End, true),
            K::ShrinkEnd => Action::Nudge(SpanEnd::End, false),
            K::GrowStart => Action::Nudge(SpanEnd::Start, true),
            K::ShrinkStart => Action::Nudge(SpanEnd::Start, false),
            K::Relate => Action::StartRelation,
            K::Cancel => Action::Cancel,
            K::NextSpan => Action::SelectNeighbour { forward: true },
            K::PreviousSpan => Action::SelectNeighbour { forward: false },
            K::Digit(d) => {
                let label = self
                    .ws
                    .project()
                    .schema
                    .label_for_hotkey(&d.to_string())?
                    .id
                    .clone();
                match (self.view.selection(), self.ws.selected_span()) {
                    (None, Some(span)) => Action::Relabel {
                        span: span.to_string(),
                        label,
                    },
                    _ => Action::Tag(label),
                }
            }
            K::AcceptA => Action::Decide(Decision::AcceptA),
            K::AcceptB => Action::Decide(Decision::AcceptB),
            K::AcceptBoth => Action::Decide(Decision::AcceptBoth),
            K::Reject => Action::Decide(Decision::Reject),
            K::EditDecision => {
                let items = self.ws.review_items();
                let current = self.ws.review()?.current;
                let (a, b) = self.ws.review_spans(items.get(current)?);
                self.navigator.edit(a.or(b));
                return None;
            }
            K::NextSuggestion => Action::SuggestionStep { forward: true },
            K::PreviousSuggestion => Action::SuggestionStep { forward: false },
            K::AcceptSuggestion => Action::AcceptSuggestion { everywhere: false },
            K::AcceptSuggestionEverywhere => Action::AcceptSuggestion { everywhere: true },
            K::RejectSuggestion => Action::RejectSuggestion,
            K::NextDisagreement => Action::ReviewStep { forward: true },
            K::PreviousDisagreement => Action::ReviewStep { forward: false },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(in crate::ui) fn every_group_names_its_actions_exactly() {
        // The group of a few actions of each kind (the match in `group` is
        // exhaustive, so every action has one).
        assert_eq!(group(&Action::Tag("actor".into())), Group::Edit);
        assert_eq!(group(&Action::Save), Group::Files);
        assert_eq!(group(&Action::Decide(Decision::Reject)), Group::Review);
        assert_eq!(group(&Action::ZoomIn), Group::View);
        assert_eq!(group(&Action::RejectSuggestion), Group::Suggest);
    }
}
