//! The Review tab (right): the figures of the comparison, the gold set's name, and a
//! navigator over the current document's disagreements — A's and B's span side by side,
//! Accept A / Accept B / Accept both / Reject / Edit (keys 1–5), previous / next (K / J).

use egui::{Color32, RichText};

use super::action::{Action, WindowKind};
use super::article_view::TextRenderer;
use crate::model::Span;
use crate::model::edit::{SpanEnd, nudge_span};
use crate::model::words::count;
use crate::review::Decision;
use crate::review::adjudicate::Item;
use crate::workspace::Workspace;
use crate::workspace::review::{category_name, describe};

#[derive(Default)]
pub struct ReviewNavigator {
    /// The span being edited for an "Edit" decision (starts as A's, else B's).
    editing: Option<Span>,
}

impl ReviewNavigator {
    /// Starts the edit form on the current disagreement's span (key 5).
    pub fn edit(&mut self, span: Option<Span>) {
        self.editing = span;
    }

    /// The navigator moved: the edit form is for the old item.
    pub fn moved(&mut self) {
        self.editing = None;
    }

    /// `items`: the current document's disagreements (the workspace caches them).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        items: &[Item],
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let (Some(r), Some(doc)) = (ws.review(), ws.current_document()) else {
            return None;
        };
        let mut action = None;
        ui.label(format!(
            "A (fill): {}   B (dashed): {}",
            r.a_annotator, r.b_annotator
        ));
        ui.label(
            RichText::new(r.other_path.display().to_string())
                .small()
                .weak(),
        );
        if let Some(p) = r.report.as_ref().and_then(|rep| rep.pairs.first()) {
            let c = &p.spans;
            ui.label(format!(
                "exact {} · partial {} · label mismatch {} · only A {} · only B {}",
                c.exact, c.partial, c.label_mismatch, c.only_a, c.only_b
            ));
            let fig = |v: Option<f64>| v.map_or("—".into(), |k| format!("{k:.3}"));
            ui.label(format!(
                "F1 strict {:.3} · lenient {:.3} · κ {} · α {}",
                p.figures.micro.strict.f1,
                p.figures.micro.lenient.f1,
                fig(p.tokens.cohen_kappa),
                fig(p.tokens.krippendorff_alpha)
            ));
        }
        if ui.button("Agreement dashboard").clicked() {
            action = Some(Action::OpenWindow(WindowKind::Dashboard));
        }
        ui.separator();
        let adj = ws.review_adjudication()?;
        ui.horizontal(|ui| {
            let label = ui.label("Gold set annotator:");
            let mut name = adj.annotator.clone();
            if ui
                .add(egui::TextEdit::singleline(&mut name).desired_width(100.0))
                .labelled_by(label.id)
                .changed()
                && adj.decisions.is_empty()
            {
                action = Some(Action::SetGoldName(name));
            }
        });
        if r.b_set(doc).is_none() {
            ui.label("The colleague's project has no set for this document's text.");
            return action;
        }
        let decided = items
            .iter()
            .filter(|it| adj.decisions.iter().any(|d| d.item == it.key))
            .count();
        ui.label(format!(
            "{} in this document, {decided} decided",
            count(items.len(), "disagreement", "disagreements")
        ));
        let Some(item) = items.get(r.current.min(items.len().saturating_sub(1))) else {
            ui.label("The two sets agree on this document.");
            return action;
        };
        ui.horizontal(|ui| {
            let at = r.current.min(items.len() - 1) + 1;
            ui.label(RichText::new(format!("{at} of {}", items.len())).strong());
            ui.label(category_name(item.category));
        });
        if let Some(d) = adj.decisions.iter().find(|d| d.item == item.key) {
            ui.label(
                RichText::new(format!("decided: {}", decision_name(&d.decision)))
                    .color(Color32::from_rgb(60, 160, 90)),
            );
        }
        let (a_span, b_span) = ws.review_spans(item);
        let tc = ui.visuals().text_color();
        ui.columns(2, |cols| {
            for (col, (name, span)) in cols.iter_mut().zip([("A", &a_span), ("B", &b_span)]) {
                col.label(RichText::new(format!("{name}: {}", describe(span.as_ref()))).strong());
                if let Some(s) = span {
                    text.label(col, &s.text, 15.0, tc, egui::Sense::hover());
                    for (k, v) in &s.attributes {
                        col.label(RichText::new(format!("{k}: {v}")).small());
                    }
                }
            }
        });
        let both = a_span.is_some() && b_span.is_some();
        ui.horizontal_wrapped(|ui| {
            for (caption, enabled, d) in [
                ("1 Accept A", a_span.is_some(), Decision::AcceptA),
                ("2 Accept B", b_span.is_some(), Decision::AcceptB),
                ("3 Accept both", both, Decision::AcceptBoth),
                ("4 Reject", true, Decision::Reject),
            ] {
                if ui
                    .add_enabled(enabled, egui::Button::new(caption))
                    .clicked()
                {
                    action = Some(Action::Decide(d));
                }
            }
            if ui.button("5 Edit").clicked() {
                self.editing = a_span.clone().or(b_span.clone());
            }
        });
        if let Some(a) = self.edit_form(ui, ws, &doc.text, text) {
            action = Some(a);
        }
        ui.horizontal(|ui| {
            if ui.button("Previous (K)").clicked() {
                action = Some(Action::ReviewStep { forward: false });
            }
            if ui.button("Next (J)").clicked() {
                action = Some(Action::ReviewStep { forward: true });
            }
        });
        if ui.button("End review").clicked() {
            action = Some(Action::EndReview);
        }
        action
    }

    /// The edit form: the span moved by words and relabelled, then used as the decision.
    fn edit_form(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        doc_text: &str,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let e = self.editing.as_mut()?;
        let mut action = None;
        let tc = ui.visuals().text_color();
        ui.group(|ui| {
            ui.label(RichText::new("Edited span").strong());
            text.label(ui, &e.text, 15.0, tc, egui::Sense::hover());
            ui.horizontal(|ui| {
                for (caption, end, grow) in [
                    ("start −", SpanEnd::Start, false),
                    ("start +", SpanEnd::Start, true),
                    ("end −", SpanEnd::End, false),
                    ("end +", SpanEnd::End, true),
                ] {
                    if ui.small_button(caption).clicked() {
                        match nudge_span(doc_text, e, end, grow) {
                            Ok(moved) => *e = moved,
                            Err(e) => action = Some(Action::Status(e.to_string())),
                        }
                    }
                }
            });
            egui::ComboBox::new("edit-label", "label")
                .selected_text(e.label.clone())
                .show_ui(ui, |ui| {
                    for l in &ws.project().schema.labels {
                        ui.selectable_value(&mut e.label, l.id.clone(), &l.name);
                    }
                });
            if ui.button("Use the edited span").clicked() {
                action = Some(Action::Decide(Decision::Edit(e.clone())));
            }
        });
        action
    }
}

fn decision_name(d: &Decision) -> &'static str {
    match d {
        Decision::AcceptA => "accept A",
        Decision::AcceptB => "accept B",
        Decision::AcceptBoth => "accept both",
        Decision::Reject => "reject",
        Decision::Edit(_) => "edited",
    }
}
