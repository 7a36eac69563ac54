//! How the app carries out an [`Action`]: view changes here, project changes through
//! the workspace with commands built by [`crate::model::edit`]. Also start-up, key
//! commands, file dialogs and the screenshot mode.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::action::{Action, PathPurpose, WindowKind};
use super::app::{HashiyaApp, RightTab};
use super::dialogs::{NamePrompt, PasteDialog, RelationChooser};
use super::keymap::KeyCommand;
use crate::model::edit::{self, SpanEnd};
use crate::review::Decision;
use crate::store::Loaded;
use crate::workspace::SaveFailure;
use crate::workspace::config::Config;

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Save a PNG of the first full frame of the article here, then quit.
    pub screenshot: Option<PathBuf>,
    /// Select this span (and show its relations) before the screenshot.
    pub select_span: Option<String>,
    /// Open the search bar with this query before the screenshot.
    pub search: Option<String>,
    /// Where the user's settings live; `None` (tests, screenshots): nothing is read
    /// or written and the annotator name is never asked.
    pub config_path: Option<PathBuf>,
    /// Unsaved work found for the project at start, to offer.
    pub recovery: Option<Loaded>,
    /// Start in the dark theme (otherwise the remembered theme, or light).
    pub dark: bool,
    /// Start a review against this colleague's project.
    pub compare: Option<PathBuf>,
    /// Close once the first frame showing the laid-out article is done (start-up timing).
    pub quit_after_first_frame: bool,
}

/// The state of the `--screenshot` mode.
#[derive(Default)]
pub(super) struct Screenshot {
    pub requested: bool,
    /// Filled by eframe's screenshot callback.
    pub slot: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

impl HashiyaApp {
    /// What happens once at start: theme, settings, the span to select, the review to
    /// open, the query to search.
    pub(super) fn start(&mut self, ctx: &egui::Context) {
        self.set_theme(ctx, self.opts.dark);
        if let Some(id) = self.opts.select_span.clone() {
            self.apply_action(Action::SelectSpan {
                id: Some(id),
                reveal: true,
            });
        }
        if let Some(path) = self.opts.config_path.clone() {
            self.config = Config::load(&path);
            if self.config.dark && !self.opts.dark {
                self.set_theme(ctx, true);
            }
            match self.config.annotator.clone() {
                Some(name) => self.use_name(&name),
                None => self.name_prompt = Some(NamePrompt::new("")),
            }
            if let Some(p) = self.ws.path().map(|p| p.to_path_buf()) {
                self.remember_recent(&p);
            }
        }
        if let Some(other) = self.opts.compare.clone() {
            self.apply_action(Action::UsePath(PathPurpose::Compare, vec![other]));
        }
        if let Some(q) = self.opts.search.clone() {
            self.search.open = true;
            self.search.field.set_text(&q);
        }
        if !self.ws.warnings.is_empty() {
            self.ws.status = format!(
                "{} while loading: see the Warnings window",
                crate::model::words::count(self.ws.warnings.len(), "warning", "warnings")
            );
        }
    }

    /// The user's own sets are the ones edited; others' are shown read-only.
    pub(super) fn use_name(&mut self, name: &str) {
        self.ws.set_user(name);
    }

    fn set_theme(&mut self, ctx: &egui::Context, dark: bool) {
        self.dark = dark;
        ctx.set_theme(if dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }

    fn save_config(&mut self) {
        if let Some(cfg) = &self.opts.config_path
            && let Err(e) = self.config.save(cfg)
        {
            self.ws.status = format!("Could not save settings: {e}");
        }
    }

    pub(super) fn remember_recent(&mut self, p: &std::path::Path) {
        if self.opts.config_path.is_some() {
            self.config.add_recent(p);
            self.save_config();
        }
    }

    /// What a shortcut does (the keymap says which keys).
    pub(super) fn key_action(&mut self, k: KeyCommand) -> Option<Action> {
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
                match (self.view.selection(), &self.ws.selected_span) {
                    (None, Some(span)) => Action::Relabel {
                        span: span.clone(),
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
                let current = self.ws.review.as_ref()?.current;
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

    /// Carries out what a panel, a window or a key asked for.
    pub fn apply_action(&mut self, action: Action) {
        let now = self.now;
        let key = self.ws.set_key();
        match action {
            Action::PickPath(purpose) => self.pick_path(purpose),
            Action::UsePath(purpose, paths) => self.use_path(purpose, paths),
            Action::Save => match self.ws.save() {
                Err(SaveFailure::NoPath) => self.pick_path(PathPurpose::SaveAs),
                other => self.after_save(other),
            },
            Action::ImportWith {
                format,
                paths,
                options,
            } => {
                self.ws.import_with(format, &paths, &options);
            }
            Action::AddDocument { title, text } => {
                if self.ws.add_document(&title, &text) {
                    self.windows.remove(&WindowKind::Paste);
                    self.paste = PasteDialog::default();
                    self.view.set_selection(None);
                }
            }
            Action::OpenWindow(w) => self.open_window(w),
            Action::CloseWindow(w) => {
                self.windows.remove(&w);
            }
            Action::ToggleWindow(w) => {
                if !self.windows.remove(&w) {
                    self.open_window(w);
                }
            }
            Action::SetUserName(name) => {
                self.config.annotator = Some(name.clone());
                self.save_config();
                self.use_name(&name);
                self.name_prompt = None;
            }
            Action::SwitchAnnotator(name) => self.ws.set_annotator(&name),
            Action::StartOwnSets { copy_of } => {
                self.ws.start_own_sets(copy_of.as_deref());
            }
            Action::EditOthers(on) => self.ws.edit_others(on),
            Action::Undo => self.ws.undo(),
            Action::Redo => self.ws.redo(),
            Action::ZoomIn => self.view.zoom_in(),
            Action::ZoomOut => self.view.zoom_out(),
            Action::ZoomReset => self.view.zoom_reset(),
            Action::SetDark(dark) => {
                self.set_theme(&self.ctx.clone(), dark);
                self.config.dark = dark;
                self.save_config();
            }
            Action::RememberPanelWidth(w) => {
                self.config.right_panel_width = Some(w);
                self.save_config();
            }
            Action::SetTagOptions(o) => self.tag_options = o,
            Action::OpenSearch => self.search.open(),
            Action::CloseSearch => {
                self.search.open = false;
                self.view.marks = Default::default();
                self.view.current_mark = None;
            }
            Action::OpenCorpusSearch => {
                self.right_tab = RightTab::Search;
                self.corpus.open();
            }
            Action::RevealInDocument { document, range } => {
                if self.show_document(&document) {
                    self.view.reveal(range, now);
                }
            }
            Action::FindInDocument {
                document,
                query,
                options,
            } => {
                if self.show_document(&document) {
                    self.search.open();
                    self.search.options = options;
                    self.search.field.set_text(&query);
                }
            }
            Action::TagAllDocuments { label, hits } => {
                self.ws.tag_all_documents(&hits, &label);
            }
            Action::OpenSchemaEditor => self.schema_editor.open_for(self.ws.project()),
            Action::ChangeSchema(cmd) => {
                self.ws.apply(Ok(cmd));
            }
            Action::SwitchDocument(i) => {
                if self.ws.switch_document(i) {
                    self.view.set_selection(None);
                    self.navigator.moved();
                }
            }
            Action::SetDone(done) => {
                if let Some(key) = key {
                    self.ws.apply(edit::set_done(self.ws.project(), &key, done));
                }
            }
            Action::Tag(label) => self.tag_selection(&label),
            Action::TagAll { label, ranges } => {
                if let Some(key) = key {
                    self.ws
                        .apply(edit::tag_all(self.ws.project(), &key, &ranges, &label));
                }
            }
            Action::Relabel { span, label } => {
                if let Some(key) = key {
                    self.ws
                        .apply(edit::relabel(self.ws.project(), &key, &span, &label));
                }
            }
            Action::SetAttribute { span, name, value } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws
                        .apply(edit::set_attribute(p, &key, &span, &name, value.as_deref()));
                }
            }
            Action::SetNote { span, note } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws
                        .apply(edit::set_note(p, &key, &span, note.as_deref()));
                }
            }
            Action::DeleteSelected => {
                if let (Some(id), Some(key)) = (self.ws.selected_span.clone(), key) {
                    self.ws
                        .apply(edit::delete_span(self.ws.project(), &key, &id));
                }
            }
            Action::Nudge(end, grow) => {
                if let (Some(id), Some(key)) = (self.ws.selected_span.clone(), key) {
                    let p = self.ws.project();
                    self.ws.apply(edit::nudge_bounds(p, &key, &id, end, grow));
                }
            }
            Action::MoveBoundary {
                span,
                end,
                to,
                snap,
            } => {
                if let (Some(key), Some(doc)) = (key, self.ws.current_document()) {
                    let to = if snap {
                        edit::snap_to_word(&doc.text, to, end)
                    } else {
                        to
                    };
                    let p = self.ws.project();
                    self.ws.apply(edit::move_boundary(p, &key, &span, end, to));
                }
            }
            Action::SelectSpan { id, reveal } => {
                let range = id
                    .as_ref()
                    .and_then(|id| self.ws.current_set()?.span(id))
                    .map(|s| s.start..s.end);
                self.ws.selected_span = id.filter(|_| range.is_some());
                if let Some(r) = range {
                    self.view.set_selection(None);
                    if reveal {
                        self.view.reveal(r, now);
                    }
                }
            }
            Action::SelectNeighbour { forward } => self.select_neighbour(forward),
            Action::StartRelation => match &self.ws.selected_span {
                Some(id) => {
                    self.article.relation_from = Some(id.clone());
                    self.ws.status =
                        "Click the target span of the relation (Escape cancels)".into();
                }
                None => self.ws.status = "Select a span first, then press R".into(),
            },
            Action::Relate { from, to } => self.relate(from, to),
            Action::RelateAs { kind, from, to } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws.apply(edit::relate(p, &key, &kind, &from, &to));
                }
            }
            Action::Cancel => {
                self.article.relation_from = None;
                self.relation_choice = None;
                self.view.set_selection(None);
                self.ws.selected_span = None;
                self.windows.remove(&WindowKind::Help);
            }
            Action::Reveal(r) => self.view.reveal(r, now),
            Action::CreateEntity(span) => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws.apply(edit::create_entity_from_span(p, &key, &span));
                }
            }
            Action::LinkEntity { span, entity } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws
                        .apply(edit::link_entity(p, &key, &span, entity.as_deref()));
                }
            }
            Action::MergeEntities { keep, gone } => {
                self.ws
                    .apply(edit::merge_entities(self.ws.project(), &keep, &gone));
            }
            Action::JumpToEntity(eid) => self.jump_to_entity(&eid),
            Action::EndReview => {
                self.ws.review = None;
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
                if let Some(r) = &mut self.ws.review {
                    r.set_gold_name(&name);
                }
            }
            Action::ExportAgreement(fmt) => self.export_agreement(fmt),
            Action::ReloadFromDisk => {
                self.external_change = None;
                self.view.set_selection(None);
                if let Err(e) = self.ws.reload() {
                    self.ws.status = format!("Could not reload: {e}");
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
            Action::Status(msg) => self.ws.status = msg,
            Action::SuggestionStep { forward } => {
                let n = self.ws.current_suggestions().len();
                if n == 0 {
                    self.ws.status = "No suggestions in this document".into();
                } else {
                    let next = match (self.suggestion, forward) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    };
                    self.suggestion = Some(next);
                    let s = &self.ws.current_suggestions()[next];
                    let (r, what) = (
                        s.start..s.end,
                        format!("{} as {} ({:?})", s.text, s.label, s.source),
                    );
                    self.ws.status = format!("Suggestion {} of {n}: {what}", next + 1);
                    self.view.reveal(r, now);
                }
            }
            Action::AcceptSuggestion { everywhere } => {
                let list = self.ws.current_suggestions().to_vec();
                if let Some(cur) = self.suggestion.and_then(|i| list.get(i)).cloned() {
                    let chosen: Vec<_> = if everywhere {
                        list.into_iter()
                            .filter(|s| s.text == cur.text && s.label == cur.label)
                            .collect()
                    } else {
                        vec![cur]
                    };
                    if self.ws.accept_suggestions(&chosen) {
                        let now = self.ws.current_suggestions();
                        let (current, msg) = super::suggestions::after_accept(&chosen, now);
                        (self.suggestion, self.ws.status) = (current, msg);
                    }
                } else {
                    self.ws.status = "Walk to a suggestion first (N / P)".into();
                }
            }
            Action::AcceptSuggestions(list) => {
                if self.ws.accept_suggestions(&list) {
                    self.apply_action(Action::FindSuggestions);
                }
            }
            Action::FindSuggestions => {
                let groups = self.ws.all_suggestions();
                self.suggestions_tab.set(self.ws.revision(), groups);
            }
            Action::SetSuggestions(on) => {
                self.ws.set_suggestions_enabled(on);
            }
            Action::RejectSuggestion => {
                let list = self.ws.current_suggestions().to_vec();
                match self.suggestion.and_then(|i| list.get(i)) {
                    Some(s) => {
                        self.ws.reject_suggestion(s);
                    }
                    None => self.ws.status = "Walk to a suggestion first (N / P)".into(),
                }
            }
            Action::ResolveConflict { id, choice } => {
                let cmd = crate::team::merge::resolve_conflict(self.ws.project(), &id, choice);
                self.ws.apply(cmd);
            }
        }
    }

    fn open_window(&mut self, w: WindowKind) {
        match w {
            WindowKind::NamePrompt => {
                let name = self.config.annotator.as_deref().unwrap_or("");
                self.name_prompt = Some(NamePrompt::new(name));
            }
            WindowKind::Paste => self.paste = PasteDialog::default(),
            _ => {}
        }
        if w != WindowKind::NamePrompt {
            self.windows.insert(w);
        }
    }

    /// Tags the current text selection with a label and selects the new span.
    fn tag_selection(&mut self, label: &str) {
        let (Some(sel), Some(key)) = (self.view.selection(), self.ws.set_key()) else {
            self.ws.status = "Select some text first".into();
            return;
        };
        let cmd = edit::tag(self.ws.project(), &key, sel, label, self.tag_options);
        let before: Vec<String> = self
            .ws
            .current_set()
            .map(|s| s.spans.iter().map(|s| s.id.clone()).collect())
            .unwrap_or_default();
        if self.ws.apply(cmd).is_some() {
            let new = self
                .ws
                .current_set()
                .and_then(|s| s.spans.iter().find(|s| !before.contains(&s.id)))
                .map(|s| s.id.clone());
            self.ws.selected_span = new;
            self.view.set_selection(None);
        }
    }

    fn select_neighbour(&mut self, forward: bool) {
        let Some(set) = self.ws.current_set() else {
            return;
        };
        let n = set.spans.len();
        if n == 0 {
            return;
        }
        let cur = self
            .ws
            .selected_span
            .as_ref()
            .and_then(|id| set.spans.iter().position(|s| &s.id == id));
        let next = match (cur, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        let id = set.spans[next].id.clone();
        self.apply_action(Action::SelectSpan {
            id: Some(id),
            reveal: true,
        });
    }

    /// Adds a relation from `from` to `to`: directly when one type fits, else asks.
    fn relate(&mut self, from: String, to: String) {
        let Some(set) = self.ws.current_set() else {
            return;
        };
        let (Some(f), Some(t)) = (set.span(&from), set.span(&to)) else {
            return;
        };
        let kinds: Vec<(String, String)> = self
            .ws
            .project()
            .schema
            .relations_between(&f.label, &t.label)
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect();
        match kinds.len() {
            0 => {
                self.ws.status = format!(
                    "The schema has no relation from a {} to a {}",
                    f.label, t.label
                )
            }
            1 => {
                let kind = kinds[0].0.clone();
                self.apply_action(Action::RelateAs { kind, from, to });
            }
            _ => self.relation_choice = Some(RelationChooser { from, to, kinds }),
        }
    }

    /// Makes the document `id` current (false, with a message, when it is gone).
    fn show_document(&mut self, id: &str) -> bool {
        let p = self.ws.project();
        match p.documents.iter().position(|d| d.id == id) {
            Some(i) => {
                self.apply_action(Action::SwitchDocument(i));
                true
            }
            None => {
                self.ws.status = format!("Document {id} is no longer in the project");
                false
            }
        }
    }

    /// Selects the next mention of an entity (in document order, across documents).
    fn jump_to_entity(&mut self, eid: &str) {
        match self.ws.next_mention(eid) {
            Some((doc, span)) => {
                self.apply_action(Action::SwitchDocument(doc));
                self.apply_action(Action::SelectSpan {
                    id: Some(span),
                    reveal: true,
                });
            }
            None => {
                self.ws.status = format!("{eid} has no mentions in {}'s sets", self.ws.annotator())
            }
        }
    }

    fn reveal_disagreement(&mut self) {
        if let Some(r) = self.ws.review_current_range() {
            self.view.reveal(r, self.now);
        }
    }

    fn export_agreement(&mut self, fmt: crate::review::render::ReportFormat) {
        let Some(report) = self.ws.review.as_ref().and_then(|r| r.report.as_ref()) else {
            return;
        };
        let base = self
            .ws
            .path()
            .map_or_else(|| PathBuf::from("hashiya"), |p| p.to_path_buf());
        use crate::review::render::render;
        let out = base.with_extension(format!("agreement.{}", fmt.extension()));
        let written = render(report, fmt)
            .map_err(|e| e.to_string())
            .and_then(|body| {
                let fault = crate::store::atomic::Fault::None;
                crate::store::atomic::write_atomic(&out, body.as_bytes(), fault)
                    .map_err(|e| e.to_string())
            });
        self.ws.status = match written {
            Ok(()) => format!("Agreement report written to {}", out.display()),
            Err(e) => format!("Could not write the report: {e}"),
        };
    }

    /// Reports a save; an external change opens its dialog.
    pub(super) fn after_save(&mut self, result: Result<PathBuf, SaveFailure>) {
        match result {
            Ok(_) => self.external_change = None,
            Err(SaveFailure::NoPath) => self.pick_path(PathPurpose::SaveAs),
            Err(SaveFailure::Changed(c)) => self.external_change = Some(c),
            Err(SaveFailure::Failed(e)) => self.ws.status = format!("Save failed: {e}"),
        }
    }

    fn quit(&mut self, save: bool) {
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

    /// The current document's disagreements in review mode (cached by the workspace).
    pub(super) fn review_items(&mut self) -> Vec<crate::review::adjudicate::Item> {
        if self.right_tab == RightTab::Review {
            self.ws.review_items()
        } else {
            Vec::new()
        }
    }

    /// Waits for a running export (tests and quitting) and shows its message.
    pub fn wait_for_export(&mut self) {
        if let Some(job) = self.export_job.take() {
            self.ws.status = job.wait();
        }
    }

    /// When the window gets the focus back, checks whether another program changed the
    /// project file.
    pub(super) fn notice_external_change(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        if focused && self.external_change.is_none() {
            self.external_change = self.ws.external_change();
        }
    }

    /// Autosave, the panic hook's snapshot, glyph uploads, screenshots, timing exits.
    pub(super) fn housekeeping(&mut self, ctx: &egui::Context) {
        let focus_lost = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(false)))
        });
        if let Some(later) = self.ws.autosave(focus_lost) {
            ctx.request_repaint_after(later);
        }
        if let Some(later) = self.ws.register_unsaved() {
            ctx.request_repaint_after(later);
        }
        self.view.text.upload(ctx);
        self.take_screenshot(ctx);
        if self.opts.quit_after_first_frame && self.view.layout().is_some() {
            match self.first_frame {
                // The start-up timing ends with the first frame on screen: the process
                // ends here, without tearing down (dropping a 130 MB corpus alone
                // takes 150 ms). Nothing is unsaved in this mode.
                Some(shown) if self.frames > shown => std::process::exit(0),
                Some(_) => {}
                None => {
                    self.first_frame = Some(self.frames);
                    ctx.request_repaint();
                }
            }
        }
    }

    /// The `--screenshot` mode: once the article is laid out, asks eframe for a
    /// screenshot, writes it as PNG and quits.
    pub(super) fn take_screenshot(&mut self, ctx: &egui::Context) {
        let Some(out) = self.opts.screenshot.clone() else {
            return;
        };
        let shot = self.screenshot.slot.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = shot {
            match write_png(&out, &image) {
                Ok(()) => println!("screenshot written to {}", out.display()),
                Err(e) => eprintln!("error: could not write {}: {e}", out.display()),
            }
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if !self.screenshot.requested
            && self.frames >= 3
            && self.view.layout().is_some()
            && self.view.layout_complete()
        {
            self.screenshot.requested = true;
            let slot = self.screenshot.slot.clone();
            let c = ctx.clone();
            ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                egui::ScreenshotCallback::new(move |img| {
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(img);
                    }
                    c.request_repaint();
                }),
            ));
        }
        ctx.request_repaint();
    }
}

fn write_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    writer.write_image_data(&bytes).map_err(|e| e.to_string())
}
