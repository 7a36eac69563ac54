//! The Annotations tab (right): the selected span's details, then the current set's
//! spans as a virtualised list, filtered by label and by (Arabic-aware) text. The
//! filtered list is recomputed only when the set or a filter changes, never per frame,
//! and nothing here clones the set (100,000 spans would cost that every frame).

use std::sync::Arc;

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::span_details::SpanDetails;
use super::text_field::BidiTextField;
use super::widgets::{fixed_row, label_color};
use crate::model::words::count;
use crate::text::normalize::{SearchOptions, fold};
use crate::workspace::Workspace;

/// What the filtered list was computed for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListKey {
    revision: u64,
    doc: usize,
    annotator: String,
    label: Option<String>,
    text: String,
}

pub struct AnnotationsPanel {
    /// Show only spans with this label.
    label_filter: Option<String>,
    /// Show only spans whose text contains this (normalised like search).
    text_filter: BidiTextField,
    /// Indices of the spans that pass the filters, and what they were computed for.
    cache: Option<(ListKey, Arc<Vec<usize>>)>,
    details: SpanDetails,
}

impl Default for AnnotationsPanel {
    fn default() -> Self {
        AnnotationsPanel {
            label_filter: None,
            text_filter: BidiTextField::new(false),
            cache: None,
            details: SpanDetails::default(),
        }
    }
}

impl AnnotationsPanel {
    /// Whether one of its fields has the keyboard.
    pub fn typing(&self) -> bool {
        self.text_filter.is_focused() || self.details.typing()
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let Some(set) = ws.current_set() else {
            ui.label("No annotations yet: select text and press a label's key.");
            return None;
        };
        let n_spans = set.spans.len();
        ui.label(format!(
            "{}, {}",
            count(n_spans, "span", "spans"),
            count(set.relations.len(), "relation", "relations")
        ));
        let mut action = None;
        if let Some(span) = ws.selected() {
            action = self.details.ui(ui, ws, span, text);
        }
        ui.separator();
        let labels = &ws.project().schema.labels;
        egui::ComboBox::new("list-label-filter", "label")
            .selected_text(self.label_filter.as_deref().unwrap_or("all labels"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.label_filter, None, "all labels");
                for l in labels {
                    ui.selectable_value(&mut self.label_filter, Some(l.id.clone()), &l.name);
                }
            });
        self.text_filter.show(ui, text, "filter by text");
        let shown = self.filtered(ws);
        if shown.len() != n_spans {
            let of = format!("{} of {}", shown.len(), count(n_spans, "span", "spans"));
            ui.label(RichText::new(format!("{of} shown")).weak());
        }
        let row_h = 44.0;
        egui::ScrollArea::vertical().id_salt("span-list").show_rows(
            ui,
            row_h,
            shown.len(),
            |ui, rows| {
                let tc = ui.visuals().text_color();
                for s in shown[rows].iter().filter_map(|&i| set.spans.get(i)) {
                    let selected = ws.selected_span() == Some(s.id.as_str());
                    let r = fixed_row(ui, row_h, selected, |ui| {
                        ui.label(
                            RichText::new(format!("{} · {}", s.label, s.id))
                                .color(label_color(ws.project(), &s.label))
                                .small(),
                        );
                        text.label_line(ui, &s.text, 15.0, tc);
                    });
                    if r.clicked() {
                        action = Some(Action::SelectSpan {
                            id: Some(s.id.clone()),
                            reveal: true,
                        });
                    }
                }
            },
        );
        action
    }

    /// Indices of the current set's spans that pass the filters, recomputed only when
    /// the set, the filters or the document change.
    fn filtered(&mut self, ws: &Workspace) -> Arc<Vec<usize>> {
        let key = ListKey {
            revision: ws.revision(),
            doc: ws.doc_index(),
            annotator: ws.annotator().to_string(),
            label: self.label_filter.clone(),
            text: self.text_filter.text.clone(),
        };
        if let Some((k, v)) = &self.cache
            && *k == key
        {
            return v.clone();
        }
        let opts = SearchOptions::default();
        let q = fold(&key.text, &opts);
        let v: Vec<usize> = ws
            .current_set()
            .map(|set| {
                set.spans
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| key.label.as_ref().is_none_or(|l| *l == s.label))
                    .filter(|(_, s)| q.is_empty() || fold(&s.text, &opts).contains(&q))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        let v = Arc::new(v);
        self.cache = Some((key, v.clone()));
        v
    }
}
