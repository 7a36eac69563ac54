//! The agreement dashboard (a window in review mode): κ, α and F1 figures, per-label F1
//! bars (strict and lenient), the label confusion matrix, and export of the report as
//! JSON, CSV or HTML (written by [`crate::review::render`], as the CLI writes it).

use egui::{Color32, RichText};

use super::action::Action;
use crate::review::render::ReportFormat;
use crate::review::report::{AgreementReport, confusion};

#[derive(Default)]
pub struct AgreementDashboard;

impl AgreementDashboard {
    /// Shows the window while `open`; the close button clears it.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        report: &AgreementReport,
        open: &mut bool,
    ) -> Option<Action> {
        let mut action = None;
        egui::Window::new("Agreement")
            .open(open)
            .default_width(520.0)
            .show(ctx, |ui| {
                let Some(p) = report.pairs.first() else {
                    ui.label("Nothing compared.");
                    return;
                };
                ui.label(format!("{} (A, reference) vs {} (B)", p.a, p.b));
                let fig = |v: Option<f64>| v.map_or("—".into(), |k| format!("{k:.4}"));
                ui.label(format!(
                    "Cohen's κ {} · Krippendorff's α {} on {} tokens",
                    fig(p.tokens.cohen_kappa),
                    fig(p.tokens.krippendorff_alpha),
                    p.tokens.tokens
                ));
                ui.label(format!(
                    "micro F1 strict {:.4} · lenient {:.4}   macro F1 strict {:.4} · lenient {:.4}",
                    p.figures.micro.strict.f1,
                    p.figures.micro.lenient.f1,
                    p.figures.macro_.strict.f1,
                    p.figures.macro_.lenient.f1
                ));
                f1_bars(ui, p);
                ui.separator();
                confusion_grid(ui, report);
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label("Export the report:");
                    for (caption, fmt) in [
                        ("JSON", ReportFormat::Json),
                        ("CSV", ReportFormat::Csv),
                        ("HTML", ReportFormat::Html),
                    ] {
                        if ui.button(caption).clicked() {
                            action = Some(Action::ExportAgreement(fmt));
                        }
                    }
                });
            });
        action
    }
}

fn f1_bars(ui: &mut egui::Ui, p: &crate::review::report::PairReport) {
    // Per-label F1 bars: strict and lenient side by side.
    use egui_plot::{Bar, BarChart, Legend, Plot};
    let strict: Vec<Bar> = p
        .figures
        .per_label
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Bar::new(i as f64 - 0.18, l.strict.f1)
                .width(0.34)
                .name(&l.label)
        })
        .collect();
    let lenient: Vec<Bar> = p
        .figures
        .per_label
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Bar::new(i as f64 + 0.18, l.lenient.f1)
                .width(0.34)
                .name(&l.label)
        })
        .collect();
    let names: Vec<String> = p
        .figures
        .per_label
        .iter()
        .map(|l| l.label.clone())
        .collect();
    Plot::new("f1-bars")
        .height(180.0)
        .legend(Legend::default())
        .include_y(0.0)
        .include_y(1.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |m, _| {
            names
                .get(m.value.round() as usize)
                .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                .cloned()
                .unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("F1 strict", strict).color(Color32::from_rgb(76, 139, 245)),
            );
            plot.bar_chart(
                BarChart::new("F1 lenient", lenient).color(Color32::from_rgb(232, 163, 61)),
            );
        });
}

fn confusion_grid(ui: &mut egui::Ui, report: &AgreementReport) {
    ui.label(RichText::new("Label confusion (rows: A, columns: B, — = no span)").strong());
    let conf = confusion(report);
    let mut labels: Vec<&String> = conf.iter().flat_map(|((a, b), _)| [a, b]).collect();
    labels.sort();
    labels.dedup();
    egui::Grid::new("confusion").striped(true).show(ui, |ui| {
        ui.label("");
        for b in &labels {
            ui.label(RichText::new(*b).strong());
        }
        ui.end_row();
        for a in &labels {
            ui.label(RichText::new(*a).strong());
            for b in &labels {
                let n = conf
                    .iter()
                    .find(|((x, y), _)| x == *a && y == *b)
                    .map_or(0, |(_, n)| *n);
                ui.label(if n == 0 {
                    "·".to_string()
                } else {
                    n.to_string()
                });
            }
            ui.end_row();
        }
    });
}
