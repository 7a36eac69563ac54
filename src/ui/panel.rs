//! The two shapes every part of the window takes (as egui_demo_lib's `View` and `Demo`):
//! a [`Panel`] draws itself inside a region (a tab of the right panel), a [`Window`]
//! floats over the article and can be closed. Both read the workspace through a
//! [`PanelContext`] and return the [`Action`] the user asked for; neither changes
//! anything else. The structs keep their own view state (filters, scroll, fields).

use super::action::{Action, WindowKind};
use super::annotations::AnnotationsPanel;
use super::article_view::TextRenderer;
use super::conflicts::ConflictsWindow;
use super::corpus_search::CorpusSearchPanel;
use super::curation::CurationPanel;
use super::entities::EntitiesPanel;
use super::progress::ProgressWindow;
use super::review_panel::ReviewNavigator;
use super::suggestions::SuggestionsPanel;
use crate::review::adjudicate::Item;
use crate::review::curate::Candidate;
use crate::workspace::Workspace;

/// What a panel or window is given each frame.
pub struct PanelContext<'a> {
    pub ws: &'a Workspace,
    /// The text engine, for Arabic labels and fields.
    pub text: &'a mut TextRenderer,
    /// The current document's disagreements (review tab only, else empty).
    pub review_items: &'a [Item],
    /// The curation candidates of the current document (curation tab only, else empty).
    pub candidates: &'a [Candidate],
}

/// A part of the window drawn inside a region.
pub trait Panel {
    /// Its name on its tab.
    fn title(&self) -> &'static str;
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action>;
}

/// A floating window, open or closed.
pub trait Window {
    /// Which window it is (the app keeps the set of open ones).
    fn kind(&self) -> WindowKind;
    /// Draws it while open; `open` is cleared by its close button.
    fn show(
        &mut self,
        ctx: &egui::Context,
        cx: &mut PanelContext,
        open: &mut bool,
    ) -> Option<Action>;
}

impl Panel for AnnotationsPanel {
    fn title(&self) -> &'static str {
        "Annotations"
    }
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action> {
        self.ui(ui, cx.ws, cx.text)
    }
}

impl Panel for EntitiesPanel {
    fn title(&self) -> &'static str {
        "Entities"
    }
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action> {
        self.ui(ui, cx.ws, cx.text)
    }
}

impl Panel for ReviewNavigator {
    fn title(&self) -> &'static str {
        "Review"
    }
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action> {
        self.ui(ui, cx.ws, cx.review_items, cx.text)
    }
}

impl Panel for CurationPanel {
    fn title(&self) -> &'static str {
        "Curation"
    }
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action> {
        self.ui(ui, cx.ws, cx.candidates, cx.text)
    }
}

impl Panel for SuggestionsPanel {
    fn title(&self) -> &'static str {
        "Suggestions"
    }
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action> {
        self.ui(ui, cx.ws, cx.text)
    }
}

impl Panel for CorpusSearchPanel {
    fn title(&self) -> &'static str {
        "Search"
    }
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) -> Option<Action> {
        self.ui(ui, cx.ws, cx.text)
    }
}

impl Window for ConflictsWindow {
    fn kind(&self) -> WindowKind {
        WindowKind::Conflicts
    }
    fn show(
        &mut self,
        ctx: &egui::Context,
        cx: &mut PanelContext,
        open: &mut bool,
    ) -> Option<Action> {
        self.ui(ctx, cx.ws, open)
    }
}

impl Window for ProgressWindow {
    fn kind(&self) -> WindowKind {
        WindowKind::Progress
    }
    fn show(
        &mut self,
        ctx: &egui::Context,
        cx: &mut PanelContext,
        open: &mut bool,
    ) -> Option<Action> {
        self.ui(ctx, cx.ws, open);
        None
    }
}
