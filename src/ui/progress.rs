//! The Progress window: who has done what in the open project — per annotator the
//! documents assigned (by the plan of `hashiya assign`, else those they have sets on),
//! started and done and their spans; per document who is assigned, started, done; and
//! the overlap available for agreement. The figures come from
//! [`crate::team::status`] (the same as `hashiya status`), recomputed only when the
//! project changes.

use egui::RichText;

use crate::model::words::count;
use crate::team::status::{StatusReport, status};
use crate::workspace::Workspace;

#[derive(Default)]
pub struct ProgressWindow {
    /// The report and the revision it was computed for.
    report: Option<(u64, StatusReport)>,
}

impl ProgressWindow {
    fn report(&mut self, ws: &Workspace) -> &StatusReport {
        let fresh = matches!(&self.report, Some((rev, _)) if *rev == ws.revision());
        if !fresh {
            let path = ws.path().map(|p| p.to_path_buf()).unwrap_or_default();
            let r = status(&[(path, ws.project().clone())]);
            self.report = Some((ws.revision(), r));
        }
        match &self.report {
            Some((_, r)) => r,
            None => unreachable!("computed just above"),
        }
    }

    /// Shows the window while `open`; its close button clears it.
    pub fn ui(&mut self, ctx: &egui::Context, ws: &Workspace, open: &mut bool) {
        let report = self.report(ws);
        egui::Window::new("Progress")
            .open(open)
            .default_width(560.0)
            .show(ctx, |ui| {
                if let Some(p) = &report.plan {
                    ui.label(format!(
                        "Plan: {} annotators, {} per shared document, overlap {:.0} %, seed {}",
                        p.annotators.len(),
                        p.per_document,
                        p.overlap * 100.0,
                        p.seed
                    ));
                }
                egui::Grid::new("progress-annotators")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in ["annotator", "assigned", "started", "done", "spans"] {
                            ui.label(RichText::new(h).strong());
                        }
                        ui.end_row();
                        for a in &report.annotators {
                            ui.label(&a.annotator);
                            ui.label(a.assigned.to_string());
                            ui.label(a.started.to_string());
                            ui.label(a.done.to_string());
                            ui.label(a.spans.to_string());
                            ui.end_row();
                        }
                    });
                ui.separator();
                ui.label(format!(
                    "Done by two annotators or more (available for agreement): {}",
                    count(report.overlap.documents, "document", "documents")
                ));
                for pair in report.overlap.pairs.iter().filter(|p| p.documents > 0) {
                    ui.label(format!("  {} + {}: {}", pair.a, pair.b, pair.documents));
                }
                ui.separator();
                egui::ScrollArea::vertical()
                    .id_salt("progress-documents")
                    .max_height(300.0)
                    .show(ui, |ui| {
                        egui::Grid::new("progress-documents-grid")
                            .striped(true)
                            .show(ui, |ui| {
                                for h in ["document", "assigned", "started", "done"] {
                                    ui.label(RichText::new(h).strong());
                                }
                                ui.end_row();
                                for d in &report.documents {
                                    ui.label(&d.title);
                                    ui.label(d.assigned.join(", "));
                                    ui.label(d.started.join(", "));
                                    ui.label(d.done.join(", "));
                                    ui.end_row();
                                }
                            });
                    });
                for w in &report.warnings {
                    ui.label(RichText::new(w).small().weak());
                }
            });
    }
}
