//! The main window, composed of panels: menu bar and toolbar (top), search bar, status
//! bar (bottom), documents (left), annotations / entities / review / corpus search
//! (right), the article (centre), and the windows. Each panel returns an [`Action`];
//! [`super::apply`] carries it out. Nothing here changes the project.

use std::collections::HashSet;
use std::sync::Arc;

use super::action::{Action, WindowKind};
use super::annotations::AnnotationsPanel;
use super::apply::Screenshot;
pub use super::apply::StartOptions;
use super::article::{ArticlePanel, GHOSTS_LATER_BYTES, Ghosts};
use super::article_view::ArticleView;
use super::conflicts::ConflictsWindow;
use super::corpus_search::CorpusSearchPanel;
use super::curation::CurationPanel;
use super::dashboard::AgreementDashboard;
use super::dialogs::{self, NamePrompt, PasteDialog, PathPrompt, RelationChooser};
use super::documents::DocumentsPanel;
use super::entities::EntitiesPanel;
use super::keymap::{self, KeyCommand, KeyState};
use super::menu::{MenuBar, MenuState, Toolbar};
use super::progress::ProgressWindow;
use super::review_panel::ReviewNavigator;
use super::schema_editor::SchemaEditor;
use super::search::{SearchAction, SearchBar};
use super::widgets::status_bar;
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
            hold_opening: false,
            suggestion: None,
            ghosts: Ghosts::default(),
        };
        app.start(ctx);
        app
    }

    /// Read access for tests and tools: the workspace.
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Read access for tests and tools: the article widget.
    pub fn view(&self) -> &ArticleView {
        &self.view
    }

    /// The workspace given to [`HashiyaApp::new`] is the preview of `pending`: the
    /// whole project takes its place when it has been read.
    pub fn finish_opening(&mut self, pending: PendingOpen) {
        self.pending_open = Some(pending);
    }

    /// Tests: keep the preview although the whole project has arrived (`false` lets it
    /// in at the next frame).
    pub fn hold_opening(&mut self, hold: bool) {
        self.hold_opening = hold;
    }

    /// Takes the whole project in place of its preview once it has been read.
    fn take_opened(&mut self, ctx: &egui::Context) {
        let Some(pending) = &self.pending_open else {
            return;
        };
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
                if tab != RightTab::Review || self.ws.review.is_some() {
                    self.right_tab = tab;
                }
                if !self.ws.warnings.is_empty() {
                    self.ws.status = format!(
                        "{} while loading: see the Warnings window",
                        crate::model::words::count(self.ws.warnings.len(), "warning", "warnings")
                    );
                }
            }
            Some(Err(e)) => {
                self.pending_open = None;
                self.ws.status = format!(
                    "Could not open the whole project (only its first document is shown, read-only): {e}"
                );
            }
        }
    }

    /// Tests: keep showing the first screens of a long document although its whole
    /// layout is done (`false` lets it in at the next frame).
    pub fn hold_background_layout(&mut self, hold: bool) {
        self.view.layouts.hold = hold;
    }

    /// Read access for tests: the search bar.
    pub fn search(&self) -> &SearchBar {
        &self.search
    }

    /// Read access for tests: how many suggestions the article draws, and for which
    /// (revision, document index) — `None` while a long document's first frame puts
    /// them off.
    pub fn drawn_suggestions(&self) -> (usize, Option<(u64, usize)>) {
        (self.ghosts.list.len(), self.ghosts.for_)
    }

    /// Read access for tests: the corpus search panel.
    pub fn corpus_search(&self) -> &CorpusSearchPanel {
        &self.corpus
    }

    /// The source span of a relation being drawn (R pressed, target not clicked yet).
    pub fn pending_relation(&self) -> Option<&str> {
        self.article.relation_from.as_deref()
    }

    pub fn is_open(&self, w: WindowKind) -> bool {
        self.windows.contains(&w)
    }

    /// Forgets a window its close button closed.
    fn keep_open(&mut self, w: WindowKind, open: bool) {
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
            review: self.ws.review.is_some() && self.right_tab == RightTab::Review,
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

    /// The panels around and in the centre.
    fn panels(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut out = Vec::new();
        let items = self.review_items();
        let now = Some((self.ws.revision(), self.ws.doc_index()));
        if self.ghosts.for_ != now {
            let new_document = self.ghosts.for_.map(|(_, d)| d) != now.map(|(_, d)| d);
            let long = self
                .ws
                .current_document()
                .is_some_and(|d| d.text.len() > GHOSTS_LATER_BYTES);
            let frame = ui.ctx().cumulative_frame_nr();
            let wait = match (self.ghosts.deferred, now) {
                (Some((d, at)), Some(n)) if d == n => at == frame,
                _ => new_document && long,
            };
            if wait {
                // The article first, its suggestions in the next painted frame.
                self.suggestion = None;
                self.ghosts = Ghosts {
                    for_: None,
                    list: Arc::default(),
                    deferred: now.map(|n| (n, frame)),
                };
                ui.ctx().request_repaint();
            } else {
                let list = Arc::new(self.ws.current_suggestions().to_vec());
                self.suggestion = self.suggestion.filter(|&i| i < list.len());
                self.ghosts = Ghosts {
                    for_: now,
                    list,
                    deferred: None,
                };
            }
        }
        self.corpus.refresh(&mut self.ws, ui.ctx());
        let ws = &self.ws;
        egui::Panel::top("menu").show(ui, |ui| {
            let state = MenuState {
                config: &self.config,
                tag_options: self.tag_options,
                dark: self.dark,
            };
            out.extend(self.menu.ui(ui, ws, state));
            out.extend(self.toolbar.ui(ui, ws));
        });
        if self.search.open {
            if let Some(doc) = ws.current_document() {
                let key = format!("{}#{}", doc.id, doc.text_sha256);
                if self.search.refresh(&key, &doc.text) {
                    self.view.marks = Arc::new(self.search.matches.clone());
                }
            }
            let mut action = SearchAction::None;
            egui::Panel::top("search").show(ui, |ui| {
                action = self
                    .search
                    .ui(ui, &mut self.view.text, &ws.project().schema.labels);
            });
            self.view.current_mark = self.search.current;
            out.extend(match action {
                SearchAction::None => None,
                SearchAction::Reveal(r) => Some(Action::Reveal(r)),
                SearchAction::Close => Some(Action::CloseSearch),
                SearchAction::TagAll(label) => Some(Action::TagAll {
                    label,
                    ranges: self.search.matches.clone(),
                }),
            });
        }
        let selection = self.view.selection();
        egui::Panel::bottom("status").show(ui, |ui| status_bar(ui, &ws.status, selection));
        let curating = self.right_tab == RightTab::Curation;
        let candidates = if curating {
            self.curation.candidates(ws)
        } else {
            Default::default()
        };
        let text = &mut self.view.text;
        egui::Panel::left("documents")
            .default_size(200.0)
            .show(ui, |ui| out.extend(self.documents.ui(ui, ws, text)));
        let width = self.config.right_panel_width.unwrap_or(300.0);
        let resized =
            super::widgets::user_sized_panel(egui::Panel::right("annotations"), width, ui, |ui| {
                // Wrapped: a row of tabs wider than the panel would widen it on the
                // next frame and make the article lay itself out again.
                ui.horizontal_wrapped(|ui| {
                    let mut tab = |t: RightTab, name: &str| {
                        let title = egui::RichText::new(name).heading();
                        ui.selectable_value(&mut self.right_tab, t, title);
                    };
                    tab(RightTab::Annotations, "Annotations");
                    tab(RightTab::Entities, "Entities");
                    if ws.review.is_some() {
                        tab(RightTab::Review, "Review");
                    }
                    if curating || CurationPanel::applies(ws, &self.curation.gold) {
                        tab(RightTab::Curation, "Curation");
                    }
                    tab(RightTab::Suggestions, "Suggestions");
                    tab(RightTab::Search, "Search");
                });
                out.extend(match self.right_tab {
                    RightTab::Annotations => self.annotations.ui(ui, ws, text),
                    RightTab::Entities => self.entities.ui(ui, ws, text),
                    RightTab::Review => self.navigator.ui(ui, ws, &items, text),
                    RightTab::Curation => self.curation.ui(ui, ws, &candidates, text),
                    RightTab::Suggestions => self.suggestions_tab.ui(ui, ws, text),
                    RightTab::Search => self.corpus.ui(ui, ws, text),
                });
            });
        out.extend(resized.map(Action::RememberPanelWidth));
        let overlay = curating.then(|| (candidates.as_slice(), self.curation.gold.as_str()));
        let ghosts = (self.ghosts.list.as_slice(), self.suggestion);
        egui::CentralPanel::default().show(ui, |ui| {
            out.extend(self.article.ui(ui, ws, &mut self.view, overlay, ghosts));
        });
        out
    }

    /// The windows and modal questions that are open.
    fn windows_ui(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        if let Some(cmd) = self.schema_editor.ui(ctx, self.ws.project()) {
            out.push(Action::ChangeSchema(cmd));
        }
        if let Some(report) = self.ws.review.as_ref().and_then(|r| r.report.as_ref()) {
            let mut open = self.is_open(WindowKind::Dashboard);
            if open {
                out.extend(self.dashboard.ui(ctx, report, &mut open));
            }
            self.keep_open(WindowKind::Dashboard, open);
        }
        let mut open = self.is_open(WindowKind::Conflicts);
        if open {
            out.extend(self.conflicts.ui(ctx, &self.ws, &mut open));
            self.keep_open(WindowKind::Conflicts, open);
        }
        let mut open = self.is_open(WindowKind::Progress);
        if open {
            self.progress.ui(ctx, &self.ws, &mut open);
            self.keep_open(WindowKind::Progress, open);
        }
        if let Some(job) = &self.export_job {
            match job.finished() {
                Some(msg) => {
                    self.ws.status = msg;
                    self.export_job = None;
                }
                None => {
                    dialogs::export_progress(ctx, job);
                    ctx.request_repaint_after(std::time::Duration::from_millis(50));
                }
            }
        }
        if self.is_open(WindowKind::Paste) {
            out.extend(self.paste.ui(ctx, &mut self.view.text));
        }
        if self.is_open(WindowKind::Help) {
            out.extend(dialogs::help_window(ctx));
        }
        if let Some(rec) = &self.opts.recovery {
            out.extend(dialogs::recovery_prompt(
                ctx,
                &rec.project,
                self.ws.project(),
            ));
        }
        if let Some(p) = &mut self.name_prompt {
            out.extend(p.ui(ctx, &mut self.view.text));
        }
        if let Some(outcome) = self.table_import.as_mut().and_then(|d| d.ui(ctx)) {
            self.table_import = None;
            out.extend(outcome);
        }
        if let Some(outcome) = self
            .path_prompt
            .as_mut()
            .and_then(|p| p.ui(ctx, &mut self.view.text))
        {
            self.path_prompt = None;
            out.extend(outcome);
        }
        if let Some(outcome) = self.relation_choice.as_ref().and_then(|c| c.ui(ctx, None)) {
            self.relation_choice = None;
            out.extend(outcome);
        }
        self.notice_external_change(ctx);
        if let Some(change) = &self.external_change {
            out.extend(dialogs::external_change_dialog(
                ctx,
                change,
                self.ws.is_dirty(),
            ));
        }
        if ctx.input(|i| i.viewport().close_requested()) && self.ws.is_dirty() && !self.allow_close
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.windows.insert(WindowKind::QuitConfirm);
        }
        if self.is_open(WindowKind::QuitConfirm) {
            out.extend(dialogs::quit_dialog(ctx));
        }
        out
    }
}

impl eframe::App for HashiyaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}
