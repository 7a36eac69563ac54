//! The corpus search panel (Ctrl+Shift+F), a tab of the right panel: one query over
//! every document with the search bar's Arabic-aware matching and options, results
//! grouped by document (title, count) with a snippet per match, the match marked.
//! Clicking a result (or Enter / Shift+Enter) makes its document current and flashes
//! the match; "Tag all in every document" tags them all as one undoable step.
//!
//! The search itself is [`crate::workspace::corpus_search`]: it runs on background
//! threads and [`CorpusSearchPanel::refresh`] only takes the hits that have arrived, so
//! the window stays live on a large corpus ("n of N documents" while it runs). A new
//! query or new options drop the running search, which cancels it.

use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, RichText};

use super::action::Action;
use super::article_view::TextRenderer;
use super::search::options_menu;
use super::text_field::BidiTextField;
use super::widgets::fixed_row;
use crate::model::words::count;
use crate::text::normalize::SearchOptions;
use crate::workspace::Workspace;
use crate::workspace::corpus_search::CorpusSearch;

/// The hint of the query field.
pub const HINT: &str = "search every document";
const ROW_H: f32 = 46.0;
const SNIPPET_SIZE: f32 = 14.0;

/// One row of the result list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    /// A document: its title and number of matches (index into the results).
    Document(usize),
    /// A match with its snippet: (result, match).
    Hit(usize, usize),
    /// The matches of a document beyond those with a snippet.
    More(usize),
}

#[derive(Default)]
pub struct CorpusSearchPanel {
    pub field: BidiTextField,
    pub options: SearchOptions,
    /// Label used by "Tag all in every document".
    pub label: String,
    search: Option<CorpusSearch>,
    /// The rows of the results received so far, and how many results they cover.
    rows: Vec<Row>,
    rows_for: usize,
    /// The result shown last: (result, match).
    current: Option<(usize, usize)>,
}

impl CorpusSearchPanel {
    /// Focuses the query (the tab is shown by the app).
    pub fn open(&mut self) {
        self.field.focus();
    }

    /// The running or finished search, if there is a query.
    pub fn search(&self) -> Option<&CorpusSearch> {
        self.search.as_ref()
    }

    /// Starts a search when the query, the options or the documents changed, and takes
    /// the hits that arrived since the last frame. Never waits for the search.
    pub fn refresh(&mut self, ws: &mut Workspace, ctx: &egui::Context) {
        let query = &self.field.text;
        if query.trim().is_empty() {
            if self.search.take().is_some() {
                self.clear_rows();
            }
            return;
        }
        let texts = ws.corpus_texts();
        let stale = self.search.as_ref().is_none_or(|s| {
            s.query() != query || s.options() != self.options || !Arc::ptr_eq(s.texts(), &texts)
        });
        if stale {
            let c = ctx.clone();
            // Replacing the old search drops it, which cancels it.
            self.search = Some(CorpusSearch::start(texts, query, self.options, move || {
                c.request_repaint()
            }));
            self.clear_rows();
        }
        let Some(s) = &mut self.search else { return };
        s.poll();
        for (k, h) in s.results().iter().enumerate().skip(self.rows_for) {
            self.rows.push(Row::Document(k));
            self.rows
                .extend((0..h.snippets.len()).map(|i| Row::Hit(k, i)));
            if h.ranges.len() > h.snippets.len() {
                self.rows.push(Row::More(k));
            }
        }
        self.rows_for = s.results().len();
        if !s.is_done() {
            // The workers wake the window after each batch; this is a fallback.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    fn clear_rows(&mut self) {
        self.rows.clear();
        self.rows_for = 0;
        self.current = None;
    }

    /// The action showing result `(k, i)`.
    fn reveal(&mut self, k: usize, i: usize) -> Option<Action> {
        let h = self.search.as_ref()?.results().get(k)?;
        let range = h.ranges.get(i)?.clone();
        self.current = Some((k, i));
        Some(Action::RevealInDocument {
            document: h.id.clone(),
            range,
        })
    }

    /// The next (previous) result with a snippet after the current one, wrapping.
    fn step(&mut self, forward: bool) -> Option<Action> {
        let hits: Vec<(usize, usize)> = self
            .rows
            .iter()
            .filter_map(|r| match *r {
                Row::Hit(k, i) => Some((k, i)),
                _ => None,
            })
            .collect();
        let n = hits.len();
        if n == 0 {
            return None;
        }
        let at = self.current.and_then(|c| hits.iter().position(|&h| h == c));
        let next = match (at, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        let (k, i) = hits[next];
        self.reveal(k, i)
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        let labels = &ws.project().schema.labels;
        if !labels.iter().any(|l| l.id == self.label)
            && let Some(l) = labels.first()
        {
            self.label = l.id.clone();
        }
        let r = self.field.show(ui, text, HINT);
        if r.submitted {
            action = self.step(true);
        } else if r.submitted_back {
            action = self.step(false);
        }
        ui.horizontal(|ui| {
            ui.menu_button("Match options", |ui| options_menu(ui, &mut self.options));
            ui.label(self.summary());
            if self.search.as_ref().is_some_and(|s| !s.is_done()) {
                ui.spinner();
            }
        });
        let done = self.search.as_ref().filter(|s| s.is_done());
        let n = done.map_or(0, |s| s.matches());
        ui.horizontal(|ui| {
            super::widgets::label_choice(ui, "corpus-tag-label", "tag as", labels, &mut self.label);
            let button = egui::Button::new("Tag all in every document");
            if ui
                .add_enabled(n > 0, button)
                .on_hover_text("Every match not already tagged with this label, one undo step")
                .clicked()
                && let Some(s) = done
            {
                action = Some(Action::TagAllDocuments {
                    label: self.label.clone(),
                    hits: s.hits_by_document(),
                });
            }
        });
        ui.separator();
        action.or_else(|| self.list(ui, text))
    }

    /// "n of N documents" while searching, then the totals.
    fn summary(&self) -> String {
        let Some(s) = &self.search else {
            return String::new();
        };
        let (searched, total) = s.progress();
        if !s.is_done() {
            return format!("{searched} of {}", count(total, "document", "documents"));
        }
        match s.results().len() {
            0 => "no matches".into(),
            docs => format!(
                "{} in {docs} of {}",
                count(s.matches(), "match", "matches"),
                count(total, "document", "documents")
            ),
        }
    }

    /// The virtualised list of documents and their matches.
    fn list(&mut self, ui: &mut egui::Ui, text: &mut TextRenderer) -> Option<Action> {
        let mut clicked: Option<Row> = None;
        let Some(s) = &self.search else { return None };
        let results = s.results();
        let tc = ui.visuals().text_color();
        let fill = Color32::from_rgba_unmultiplied(255, 200, 0, 110);
        egui::ScrollArea::vertical()
            .id_salt("corpus-results")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_H, self.rows.len(), |ui, range| {
                for &row in &self.rows[range] {
                    let (selected, label) = match row {
                        Row::Document(k) => (false, {
                            let h = &results[k];
                            format!("{}: {}", h.title, count(h.ranges.len(), "match", "matches"))
                        }),
                        Row::Hit(k, i) => (
                            self.current == Some((k, i)),
                            results[k].snippets[i].text.clone(),
                        ),
                        Row::More(k) => (false, {
                            let h = &results[k];
                            let rest = h.ranges.len() - h.snippets.len();
                            format!("… {rest} more: find them in this document")
                        }),
                    };
                    let r = fixed_row(ui, ROW_H, selected, |ui| match row {
                        Row::Document(k) => {
                            let h = &results[k];
                            ui.label(
                                RichText::new(count(h.ranges.len(), "match", "matches"))
                                    .small()
                                    .weak(),
                            );
                            text.label_line(ui, &h.title, 15.0, tc);
                        }
                        Row::Hit(k, i) => {
                            let sn = &results[k].snippets[i];
                            let mark = (sn.hit.clone(), fill);
                            text.marked_lines(ui, &sn.text, SNIPPET_SIZE, tc, mark, 2);
                        }
                        Row::More(_) => {
                            ui.label(RichText::new(&label).small());
                        }
                    });
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                    if r.clicked() {
                        clicked = Some(row);
                    }
                }
            });
        match clicked? {
            Row::Document(k) => self.reveal(k, 0),
            Row::Hit(k, i) => self.reveal(k, i),
            Row::More(k) => {
                let s = self.search.as_ref()?;
                Some(Action::FindInDocument {
                    document: s.results().get(k)?.id.clone(),
                    query: s.query().to_string(),
                    options: s.options(),
                })
            }
        }
    }
}
