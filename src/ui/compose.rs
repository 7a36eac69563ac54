//! The window's layout: the panels around the article and the windows over it, each
//! drawn from its own struct and returning the [`Action`]s the user asked for. Nothing
//! here changes the project.

use std::sync::Arc;

use super::action::{Action, WindowKind};
use super::app::{HashiyaApp, RightTab};
use super::article::{GHOSTS_LATER_BYTES, Ghosts};
use super::curation::CurationPanel;
use super::dialogs;
use super::menu::MenuState;
use super::panel::{Panel, PanelContext, Window};
use super::search::SearchAction;
use super::widgets::status_bar;

impl HashiyaApp {
    /// The panels around and in the centre.
    pub(super) fn panels(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
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
                    relations: Arc::default(),
                    deferred: now.map(|n| (n, frame)),
                };
                ui.ctx().request_repaint();
            } else {
                let list = Arc::new(self.ws.current_suggestions().to_vec());
                let relations = Arc::new(self.ws.current_relation_suggestions().to_vec());
                self.suggestion = self.suggestion.filter(|&i| i < list.len());
                self.ghosts = Ghosts {
                    for_: now,
                    list,
                    relations,
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
        egui::Panel::bottom("status").show(ui, |ui| status_bar(ui, ws.status(), selection));
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
        let mut cx = PanelContext {
            ws,
            text,
            review_items: &items,
            candidates: &candidates,
        };
        let curation_tab = curating || CurationPanel::applies(ws, &self.curation.gold);
        let width = self.config.right_panel_width.unwrap_or(300.0);
        let resized =
            super::widgets::user_sized_panel(egui::Panel::right("annotations"), width, ui, |ui| {
                let tabs: [(RightTab, &mut dyn Panel, bool); 6] = [
                    (RightTab::Annotations, &mut self.annotations, true),
                    (RightTab::Entities, &mut self.entities, true),
                    (RightTab::Review, &mut self.navigator, ws.review().is_some()),
                    (RightTab::Curation, &mut self.curation, curation_tab),
                    (RightTab::Suggestions, &mut self.suggestions_tab, true),
                    (RightTab::Search, &mut self.corpus, true),
                ];
                // Wrapped: a row of tabs wider than the panel would widen it on the
                // next frame and make the article lay itself out again.
                ui.horizontal_wrapped(|ui| {
                    for (t, panel, shown) in &tabs {
                        if *shown {
                            let title = egui::RichText::new(panel.title()).heading();
                            ui.selectable_value(&mut self.right_tab, *t, title);
                        }
                    }
                });
                if let Some((_, panel, _)) = tabs.into_iter().find(|(t, ..)| *t == self.right_tab) {
                    out.extend(panel.show(ui, &mut cx));
                }
            });
        out.extend(resized.map(Action::RememberPanelWidth));
        let overlay = curating.then(|| (candidates.as_slice(), self.curation.gold.as_str()));
        let ghosts = (
            self.ghosts.list.as_slice(),
            self.ghosts.relations.as_slice(),
            self.suggestion,
        );
        egui::CentralPanel::default().show(ui, |ui| {
            out.extend(self.article.ui(ui, ws, &mut self.view, overlay, ghosts));
        });
        out
    }

    /// The windows and modal questions that are open.
    pub(super) fn windows_ui(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        if let Some(cmd) = self.schema_editor.ui(ctx, self.ws.project()) {
            out.push(Action::ChangeSchema(cmd));
        }
        if let Some(report) = self.ws.review().and_then(|r| r.report.as_ref()) {
            let mut open = self.is_open(WindowKind::Dashboard);
            if open {
                out.extend(self.dashboard.ui(ctx, report, &mut open));
            }
            self.keep_open(WindowKind::Dashboard, open);
        }
        let mut cx = PanelContext {
            ws: &self.ws,
            text: &mut self.view.text,
            review_items: &[],
            candidates: &[],
        };
        let windows: [&mut dyn Window; 2] = [&mut self.conflicts, &mut self.progress];
        for w in windows {
            let mut open = self.windows.contains(&w.kind());
            if open {
                out.extend(w.show(ctx, &mut cx, &mut open));
                if !open {
                    self.windows.remove(&w.kind());
                }
            }
        }
        if let Some(job) = &self.export_job {
            match job.finished() {
                Some(msg) => {
                    self.ws.set_status(msg);
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
