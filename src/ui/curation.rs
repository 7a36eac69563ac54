//! The Curation tab (right): the annotators of the current document, their agreement
//! (Fleiss' κ, Krippendorff's α over the project), "pre-merge spans at least k of N
//! agree on" into the gold set, then the remaining candidates with their votes, each
//! to show in the article or accept into the gold set. The article draws the remaining
//! candidates as dashed outlines with their votes.

use std::sync::Arc;

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::widgets::{label_color, row};
use crate::model::words::count;
use crate::review::curate::Candidate;
use crate::workspace::Workspace;

pub struct CurationPanel {
    /// The annotator name of the gold set being built.
    pub gold: String,
    /// Votes needed to pre-merge a span (None: a majority of the annotators).
    k: Option<usize>,
    /// The agreement figures, computed on request, and the revision they are for.
    agreement: Option<(u64, String)>,
    /// The remaining candidates, recomputed only after a change, not per frame.
    cache: Option<CandidateCache>,
}

impl Default for CurationPanel {
    fn default() -> Self {
        CurationPanel {
            gold: "gold".into(),
            k: None,
            agreement: None,
            cache: None,
        }
    }
}

/// The remaining candidates and what they were computed for.
struct CandidateCache {
    revision: u64,
    doc: usize,
    gold: String,
    list: Arc<Vec<Candidate>>,
}

impl CurationPanel {
    /// The current document's candidates not yet in the gold set, most votes first.
    pub fn candidates(&mut self, ws: &Workspace) -> Arc<Vec<Candidate>> {
        if let Some(c) = &self.cache
            && (c.revision, c.doc, c.gold.as_str()) == (ws.revision(), ws.doc_index(), &*self.gold)
        {
            return c.list.clone();
        }
        let list = Arc::new(ws.curation_candidates(&self.gold));
        self.cache = Some(CandidateCache {
            revision: ws.revision(),
            doc: ws.doc_index(),
            gold: self.gold.clone(),
            list: list.clone(),
        });
        list
    }

    /// Whether the current document has at least two annotators to curate.
    pub fn applies(ws: &Workspace, gold: &str) -> bool {
        ws.curation_sets(gold).len() >= 2
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        candidates: &[Candidate],
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        let sets = ws.curation_sets(&self.gold);
        let n = sets.len();
        let names: Vec<&str> = sets.iter().map(|s| s.annotator.as_str()).collect();
        ui.label(format!(
            "{}: {}",
            count(n, "annotator", "annotators"),
            names.join(", ")
        ));
        ui.horizontal(|ui| {
            if ui.button("Agreement (all documents)").clicked() {
                let figures = match ws.agreement_of_all(&self.gold) {
                    Ok(o) => {
                        let f = |v: Option<f64>| v.map_or("—".into(), |x| format!("{x:.3}"));
                        format!(
                            "Fleiss' κ {} · Krippendorff's α {} ({}, {})",
                            f(o.fleiss_kappa),
                            f(o.krippendorff_alpha),
                            count(o.annotators, "annotator", "annotators"),
                            count(o.tokens, "token", "tokens")
                        )
                    }
                    Err(e) => e,
                };
                self.agreement = Some((ws.revision(), figures));
            }
        });
        if let Some((rev, figures)) = &self.agreement {
            let stale = if *rev == ws.revision() {
                ""
            } else {
                " (before the last change)"
            };
            ui.label(RichText::new(format!("{figures}{stale}")).small());
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = ui.label("Gold set annotator:");
            ui.add(egui::TextEdit::singleline(&mut self.gold).desired_width(100.0))
                .labelled_by(label.id);
        });
        let mut k = self.k.unwrap_or(n / 2 + 1).clamp(1, n.max(1));
        ui.add(egui::Slider::new(&mut k, 1..=n.max(1)).text(format!("of {n} votes")));
        self.k = Some(k);
        if ui
            .button(format!("Pre-merge spans at least {k} of {n} agree on"))
            .clicked()
        {
            action = Some(Action::PreMerge {
                gold: self.gold.clone(),
                k,
            });
        }
        ui.separator();
        ui.label(format!(
            "{} candidates not in {}",
            candidates.len(),
            self.gold
        ));
        let tc = ui.visuals().text_color();
        egui::ScrollArea::vertical()
            .id_salt("curation-list")
            .show(ui, |ui| {
                for c in candidates {
                    // The button sits beside the row, not in it: the row's click area
                    // would cover a button inside it.
                    ui.horizontal(|ui| {
                        if ui.small_button("Accept").clicked() {
                            action = Some(Action::AcceptCandidate {
                                gold: self.gold.clone(),
                                candidate: c.clone(),
                            });
                        }
                        let r = row(ui, false, |ui| {
                            ui.label(
                                RichText::new(format!(
                                    "{} · {}–{} · {}/{n}: {}",
                                    c.label,
                                    c.start,
                                    c.end,
                                    c.votes(),
                                    c.voters.join(", ")
                                ))
                                .color(label_color(ws.project(), &c.label))
                                .small(),
                            );
                            text.label_line(ui, &c.text, 15.0, tc);
                        });
                        if r.clicked() {
                            action = Some(Action::Reveal(c.start..c.end));
                        }
                    });
                }
            });
        action
    }
}
