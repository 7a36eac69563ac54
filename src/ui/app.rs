//! The main window's state and its frame: the keys pressed, the panels around the
//! article and the windows over it ([`super::compose`]), each returning [`Action`]s that
//! [`HashiyaApp::apply_action`] (`super::actions`) carries out, then the housekeeping
//! between frames ([`super::startup`]). Nothing here changes the project.

use std::collections::HashSet;

use super::action::{Action, WindowKind};
use super::annotations::AnnotationsPanel;
use super::article::{ArticlePanel, Ghosts};
use super::article_view::ArticleView;
use super::conflicts::ConflictsWindow;
use super::corpus_search::CorpusSearchPanel;
use super::curation::CurationPanel;
use super::dashboard::AgreementDashboard;
use super::dialogs::{NamePrompt, PasteDialog, PathPrompt, RelationChooser};
use super::documents::DocumentsPanel;
use super::entities::EntitiesPanel;
use super::keymap::{self, KeyCommand, KeyState};
use super::menu::{MenuBar, Toolbar};
use super::progress::ProgressWindow;
use super::review_panel::ReviewNavigator;
use super::schema_editor::SchemaEditor;
use super::search::SearchBar;
use super::startup::Screenshot;
pub use super::startup::StartOptions;
use crate::model::edit::TagOptions;
use crate::store::ExternalChange;
use crate::workspace::Workspace;
use crate::workspace::config::Config;
use crate::workspace::export::ExportJob;
use crate::workspace::opening::PendingOpen;

/// The tabs of the right panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightTab {
    Annotations,
    Entities,
    Review,
    Curation,
    Suggestions,
    /// Corpus search (Ctrl+Shift+F).
    Search,
}

pub struct HashiyaApp {
    /// The egui context (a cheap handle), for actions that talk to the window.
    pub(super) ctx: egui::Context,
    /// The open project (everything that is not drawing).
    pub(super) ws: Workspace,
    /// The article widget: layout cache, text selection, zoom.
    pub(super) view: ArticleView,
    pub(super) opts: StartOptions,
    /// The user's settings (name, recent projects, theme).
    pub(super) config: Config,
    /// How a selection becomes a span (trim punctuation, snap to words).
    pub(super) tag_options: TagOptions,
    pub(super) dark: bool,
    /// The input time of this frame (animations of revealed spans).
    pub(super) now: f64,
    /// The windows that are open.
    pub(super) windows: HashSet<WindowKind>,
    pub(super) right_tab: RightTab,
    pub(super) menu: MenuBar,
    pub(super) toolbar: Toolbar,
    pub(super) documents: DocumentsPanel,
    pub(super) annotations: AnnotationsPanel,
    pub(super) entities: EntitiesPanel,
    pub(super) navigator: ReviewNavigator,
    pub(super) curation: CurationPanel,
    pub(super) suggestions_tab: super::suggestions::SuggestionsPanel,
    pub(super) progress: ProgressWindow,
    pub(super) conflicts: ConflictsWindow,
    pub(super) dashboard: AgreementDashboard,
    pub(super) article: ArticlePanel,
    pub(super) search: SearchBar,
    pub(super) corpus: CorpusSearchPanel,
    pub(super) schema_editor: SchemaEditor,
    pub(super) paste: PasteDialog,
    pub(super) name_prompt: Option<NamePrompt>,
    pub(super) path_prompt: Option<PathPrompt>,
    pub(super) table_import: Option<super::table_import::TableImportDialog>,
    pub(super) relation_choice: Option<RelationChooser>,
    /// The project file changed on disk behind our back: the user chooses.
    pub(super) external_change: Option<ExternalChange>,
    pub(super) export_job: Option<ExportJob>,
    pub(super) screenshot: Screenshot,
    /// Frames drawn so far.
    pub(super) frames: u64,
    /// `--quit-after-first-frame`: the frame that showed the article (the process
    /// ends at the next one, once that frame is on screen).
    pub(super) first_frame: Option<u64>,
    /// The window title last sent (sent again only when it changes).
    pub(super) window_title: String,
    /// The suggestion under the N / P walk (index into the current document's).
    pub(super) suggestion: Option<usize>,
    /// The current document's suggestions as drawn.
    pub(super) ghosts: Ghosts,
    /// The user confirmed quitting.
    pub(super) allow_close: bool,
    /// The whole project, while its preview is shown (`workspace::opening`).
    pub(super) pending_open: Option<PendingOpen>,
    /// Tests: keep showing the preview although the whole project has arrived.
    #[cfg(feature = "test-support")]
    pub(super) hold_opening: bool,
}

impl HashiyaApp {
    pub fn new(ctx: &egui::Context, ws: Workspace, opts: StartOptions) -> Self {
        super::widgets::install_fonts(ctx);
        let mut app = HashiyaApp {
            ctx: ctx.clone(),
            ws,
            view: ArticleView::new(),
            opts,
            config: Config::default(),
            tag_options: TagOptions::default(),
            dark: false,
            now: 0.0,
            windows: HashSet::new(),
            right_tab: RightTab::Annotations,
            menu: MenuBar,
            toolbar: Toolbar,
            documents: DocumentsPanel::default(),
            annotations: AnnotationsPanel::default(),
            entities: EntitiesPanel,
            navigator: ReviewNavigator::default(),
            curation: CurationPanel::default(),
            suggestions_tab: Default::default(),
            progress: ProgressWindow::default(),
            conflicts: ConflictsWindow::default(),
            dashboard: AgreementDashboard,
            article: ArticlePanel::default(),
            search: SearchBar::default(),
            corpus: CorpusSearchPanel::default(),
            schema_editor: SchemaEditor::default(),
            paste: PasteDialog::default(),
            name_prompt: None,
            path_prompt: None,
            table_import: None,
            relation_choice: None,
            external_change: None,
            export_job: None,
            screenshot: Screenshot::default(),
            frames: 0,
            first_frame: None,
            window_title: String::new(),
            allow_close: false,
            pending_open: None,
            #[cfg(feature = "test-support")]
            hold_opening: false,
            suggestion: None,
            ghosts: Ghosts::default(),
        };
        app.start(ctx);
        app
    }

    /// The workspace given to [`HashiyaApp::new`] is the preview of `pending`: the
    /// whole project takes its place when it has been read.
    pub fn finish_opening(&mut self, pending: PendingOpen) {
        self.pending_open = Some(pending);
    }

    /// The source span of a relation being drawn (R pressed, target not clicked yet).
    pub fn pending_relation(&self) -> Option<&str> {
        self.article.relation_from.as_deref()
    }

    pub fn is_open(&self, w: WindowKind) -> bool {
        self.windows.contains(&w)
    }

    /// Forgets a window its close button closed.
    pub(super) fn keep_open(&mut self, w: WindowKind, open: bool) {
        if !open {
            self.windows.remove(&w);
        }
    }

    /// Whether a text field has the keyboard: then keys without modifiers type.
    fn typing(&self, ctx: &egui::Context) -> bool {
        ctx.text_edit_focused()
            || self.is_open(WindowKind::Paste)
            || self.name_prompt.is_some()
            || self.schema_editor.open
            || self.search.field.is_focused()
            || (self.right_tab == RightTab::Search && self.corpus.field.is_focused())
            || self.annotations.typing()
            || self.documents.typing()
    }

    /// One frame of the whole UI (also what the headless tests drive).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.take_opened(&ctx);
        self.frames += 1;
        self.now = ctx.input(|i| i.time);
        let keys = KeyState {
            typing: self.typing(&ctx),
            review: self.ws.review().is_some() && self.right_tab == RightTab::Review,
            popup: egui::Popup::is_any_open(&ctx),
        };
        let mut actions: Vec<Action> = Vec::new();
        for k in keymap::pressed(&ctx, keys) {
            match (k, &self.relation_choice) {
                (KeyCommand::Digit(d), Some(chooser)) => {
                    if let Some(outcome) = chooser.ui(&ctx, Some(d)) {
                        self.relation_choice = None;
                        actions.extend(outcome);
                    }
                }
                _ => actions.extend(self.key_action(k)),
            }
        }
        let title = self.ws.title();
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
        actions.extend(self.panels(ui));
        actions.extend(self.windows_ui(&ctx));
        for a in actions {
            self.apply_action(a);
        }
        self.housekeeping(&ctx);
    }
}

impl eframe::App for HashiyaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}

/// Hooks for the tests and benches (feature `test-support`, which they enable through
/// the package's dev-dependency on itself): read access to the app's parts, and holding
/// back what arrives from background threads. Not in the program.
#[cfg(feature = "test-support")]
impl HashiyaApp {
    /// The workspace.
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// The article widget.
    pub fn view(&self) -> &ArticleView {
        &self.view
    }

    /// Keeps the preview although the whole project has arrived (`false` lets it in at
    /// the next frame).
    pub fn hold_opening(&mut self, hold: bool) {
        self.hold_opening = hold;
    }

    /// Keeps showing the first screens of a long document although its whole layout is
    /// done (`false` lets it in at the next frame).
    pub fn hold_background_layout(&mut self, hold: bool) {
        self.view.layouts.hold(hold);
    }

    /// The search bar.
    pub fn search(&self) -> &SearchBar {
        &self.search
    }

    /// How many suggestions the article draws, and for which (revision, document
    /// index) — `None` while a long document's first frame puts them off.
    pub fn drawn_suggestions(&self) -> (usize, Option<(u64, usize)>) {
        (self.ghosts.list.len(), self.ghosts.for_)
    }

    /// The suggestions drawn in the article.
    pub fn drawn_suggestions_list(&self) -> &[crate::suggest::Suggestion] {
        &self.ghosts.list
    }

    /// The corpus search panel.
    pub fn corpus_search(&self) -> &CorpusSearchPanel {
        &self.corpus
    }
}
