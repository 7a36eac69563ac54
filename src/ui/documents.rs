//! The documents panel (left): every document with its span count and "done" mark for
//! the current annotator, filtered by text or metadata (`outlet=الجزيرة`, a date range)
//! and sorted by any column, virtualised so a 10,000-document corpus lays out only the
//! visible rows; the current document's title, id, source (outlet, date, url) and
//! metadata ("About this document", folding away); and its "done" checkbox.
//!
//! Each document's searchable text (title, source, metadata; normalised as search
//! normalises) is built once per change of the documents (tagging is not one); a keystroke in the filter then only
//! scans those strings, and the filtered order is cached until the filter changes.

use std::sync::Arc;

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::text_field::BidiTextField;
use super::widgets::fixed_row;
use crate::model::Document;
use crate::model::words::count;
use crate::text::normalize::{SearchOptions, fold};
use crate::workspace::Workspace;

/// A document's fields by name: title, outlet, url, date, then its metadata keys.
fn field<'d>(d: &'d Document, key: &str) -> Option<&'d str> {
    match key {
        "title" => Some(&d.title),
        "outlet" => d.source.outlet.as_deref(),
        "url" => d.source.url.as_deref(),
        "date" => d.source.date.as_deref(),
        k => d.meta.get(k).map(String::as_str),
    }
}

/// What the "About this document" section lists: (field, value) for the id, outlet,
/// date, url and every metadata key, in that order, leaving out what is not set.
pub fn details(d: &Document) -> Vec<(String, String)> {
    let source = [
        ("outlet", &d.source.outlet),
        ("date", &d.source.date),
        ("url", &d.source.url),
    ];
    std::iter::once(("id".to_string(), d.id.clone()))
        .chain(
            source
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.clone()?))),
        )
        .chain(d.meta.iter().map(|(k, v)| (k.clone(), v.clone())))
        .collect()
}

/// The current document's title and [`details`], under a header that folds them
/// away. Values are drawn with the text engine (Arabic outlets and authors).
fn details_section(ui: &mut egui::Ui, d: &Document, text: &mut TextRenderer) {
    egui::CollapsingHeader::new("About this document")
        .id_salt("document-details")
        .default_open(true)
        .show(ui, |ui| {
            let tc = ui.visuals().text_color();
            let weak = ui.visuals().weak_text_color();
            text.label_line(ui, &d.title, 14.0, tc);
            for (k, v) in details(d) {
                ui.label(RichText::new(format!("{k}:")).small().color(weak));
                if v.starts_with("http://") || v.starts_with("https://") {
                    ui.hyperlink_to(RichText::new(&v).small(), &v);
                } else {
                    text.label_line(ui, &v, 14.0, tc);
                }
            }
        });
}

/// What the shown order was computed for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrderKey {
    revision: u64,
    filter: String,
    sort: Option<String>,
    from: String,
    to: String,
}

pub struct DocumentsPanel {
    filter: BidiTextField,
    /// Sort by this field (None: the project's order).
    sort: Option<String>,
    /// Date range (ISO dates compare as text): documents without a date are hidden
    /// while either end is set.
    from: String,
    to: String,
    /// Each document's searchable text, folded, for one revision.
    folded: Option<(u64, Arc<Vec<String>>)>,
    /// The shown documents (indices into the project's list).
    shown: Option<(OrderKey, Arc<Vec<usize>>)>,
}

impl Default for DocumentsPanel {
    fn default() -> Self {
        DocumentsPanel {
            filter: BidiTextField::new(false),
            sort: None,
            from: String::new(),
            to: String::new(),
            folded: None,
            shown: None,
        }
    }
}

impl DocumentsPanel {
    /// Whether its filter field has the keyboard.
    pub fn typing(&self) -> bool {
        self.filter.is_focused()
    }

    fn folded(&mut self, ws: &Workspace) -> Arc<Vec<String>> {
        if let Some((rev, f)) = &self.folded
            && *rev == ws.documents_revision()
        {
            return f.clone();
        }
        let o = SearchOptions::default();
        let f: Vec<String> = ws
            .project()
            .documents
            .iter()
            .map(|d| {
                let mut s = fold(&d.title, &o);
                for v in [&d.source.outlet, &d.source.url, &d.source.date]
                    .into_iter()
                    .flatten()
                    .chain(d.meta.values())
                {
                    s.push('\n');
                    s.push_str(&fold(v, &o));
                }
                s
            })
            .collect();
        let f = Arc::new(f);
        self.folded = Some((ws.documents_revision(), f.clone()));
        f
    }

    /// The indices of the documents to show, in the chosen order.
    fn shown(&mut self, ws: &Workspace) -> Arc<Vec<usize>> {
        let key = OrderKey {
            revision: ws.documents_revision(),
            filter: self.filter.text.clone(),
            sort: self.sort.clone(),
            from: self.from.trim().to_string(),
            to: self.to.trim().to_string(),
        };
        if let Some((k, v)) = &self.shown
            && *k == key
        {
            return v.clone();
        }
        let folded = self.folded(ws);
        let o = SearchOptions::default();
        let docs = &ws.project().documents;
        // `key=value` filters one field; anything else searches every field.
        let (field_name, q) = match key.filter.split_once('=') {
            Some((k, v)) => (Some(k.trim().to_string()), fold(v.trim(), &o)),
            None => (None, fold(key.filter.trim(), &o)),
        };
        let mut v: Vec<usize> = (0..docs.len())
            .filter(|&i| match &field_name {
                None => q.is_empty() || folded[i].contains(&q),
                Some(f) => field(&docs[i], f).is_some_and(|x| fold(x, &o).contains(&q)),
            })
            .filter(|&i| {
                if key.from.is_empty() && key.to.is_empty() {
                    return true;
                }
                docs[i].source.date.as_deref().is_some_and(|d| {
                    (key.from.is_empty() || d >= key.from.as_str())
                        // "2024-05" as the end includes every day of May.
                        && (key.to.is_empty() || d.get(..key.to.len()).unwrap_or(d) <= key.to.as_str())
                })
            })
            .collect();
        if let Some(s) = &key.sort {
            v.sort_by(|&a, &b| field(&docs[a], s).cmp(&field(&docs[b], s)));
        }
        let v = Arc::new(v);
        self.shown = Some((key, v.clone()));
        v
    }

    /// The metadata keys of the project's documents, for the sort menu.
    fn keys(ws: &Workspace) -> Vec<String> {
        let mut keys: Vec<String> = ["title", "outlet", "date", "url"]
            .map(String::from)
            .to_vec();
        for d in ws.project().documents.iter().take(2_000) {
            for k in d.meta.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        ui.heading("Documents");
        let docs = &ws.project().documents;
        if docs.len() > 1 {
            self.filter
                .show(ui, text, "filter: text, or key=value (outlet=…)");
            ui.horizontal(|ui| {
                let label = ui.label("date");
                ui.add(egui::TextEdit::singleline(&mut self.from).desired_width(72.0))
                    .labelled_by(label.id);
                ui.label("–");
                ui.add(egui::TextEdit::singleline(&mut self.to).desired_width(72.0))
                    .labelled_by(label.id);
            });
            egui::ComboBox::from_label("sort")
                .selected_text(self.sort.as_deref().unwrap_or("project order"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.sort, None, "project order");
                    for k in Self::keys(ws) {
                        ui.selectable_value(&mut self.sort, Some(k.clone()), k);
                    }
                });
        }
        if let Some(d) = ws.current_document() {
            details_section(ui, d, text);
            ui.separator();
        }
        let shown = self.shown(ws);
        let summary = if shown.len() == docs.len() {
            count(docs.len(), "document", "documents")
        } else {
            format!(
                "{} of {}",
                shown.len(),
                count(docs.len(), "document", "documents")
            )
        };
        if docs.len() > 1 {
            ui.label(RichText::new(summary).weak());
        }
        let row_h = 42.0;
        let panel_h = (ui.available_height() - 40.0).max(row_h);
        egui::ScrollArea::vertical()
            .id_salt("doc-list")
            .max_height(panel_h)
            .show_rows(ui, row_h, shown.len(), |ui, rows| {
                let text_color = ui.visuals().text_color();
                for &i in &shown[rows] {
                    let d = &docs[i];
                    let set = ws.project().set(ws.annotator(), &d.id);
                    let n = set.map_or(0, |s| s.spans.len());
                    let done = if set.is_some_and(|s| s.done) {
                        "done · "
                    } else {
                        ""
                    };
                    let extra = match &self.sort {
                        Some(s) if s != "title" => {
                            field(d, s).map_or(String::new(), |v| format!(" · {v}"))
                        }
                        _ => String::new(),
                    };
                    let r = fixed_row(ui, row_h, i == ws.doc_index(), |ui| {
                        ui.label(
                            RichText::new(format!("{done}{}{extra}", count(n, "span", "spans")))
                                .small(),
                        );
                        text.label_line(ui, &d.title, 15.0, text_color);
                    });
                    if r.clicked() {
                        action = Some(Action::SwitchDocument(i));
                    }
                }
            });
        ui.separator();
        if ws.current_document().is_some() {
            let mut done = ws.current_set().is_some_and(|s| s.done);
            if ui.checkbox(&mut done, "Current document done").changed() {
                action = Some(Action::SetDone(done));
            }
        }
        action
    }
}
