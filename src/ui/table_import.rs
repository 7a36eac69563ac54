//! The table import dialog (File → Import → CSV / TSV / XLSX / ODS): a preview of the
//! first rows, the sheet, which column holds the text, the ids and the titles, which
//! columns become metadata, the consent to convert a file that is not UTF-8 (the
//! encoding is named, never guessed silently), and "import the good rows".

use std::path::PathBuf;

use egui::RichText;

use super::action::Action;
use crate::formats::table::{
    MetaColumns, PreviewOptions, TableOptions, TablePreview, preview_table,
};
use crate::formats::{ImportFormat, ImportOptions};

pub struct TableImportDialog {
    pub path: PathBuf,
    pub format: ImportFormat,
    preview: Result<TablePreview, String>,
    sheet: Option<String>,
    text_column: Option<String>,
    id_column: Option<String>,
    title_column: Option<String>,
    /// For each header: whether it becomes metadata.
    meta: Vec<bool>,
    convert: bool,
    skip_bad_rows: bool,
}

/// A guess at the text column: the header that names it, else the column with the
/// longest cells in the preview.
fn guess_text_column(p: &TablePreview) -> Option<String> {
    let named = ["text", "body", "content", "article", "نص", "النص"];
    if let Some(h) = p
        .headers
        .iter()
        .find(|h| named.contains(&h.trim().to_lowercase().as_str()))
    {
        return Some(h.clone());
    }
    let len = |i: usize| {
        p.rows
            .iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .sum::<usize>()
    };
    (0..p.headers.len())
        .max_by_key(|&i| len(i))
        .map(|i| p.headers[i].clone())
}

impl TableImportDialog {
    pub fn new(path: PathBuf, format: ImportFormat) -> Self {
        let mut d = TableImportDialog {
            path,
            format,
            preview: Err(String::new()),
            sheet: None,
            text_column: None,
            id_column: None,
            title_column: None,
            meta: Vec::new(),
            convert: false,
            skip_bad_rows: false,
        };
        d.reload();
        d
    }

    fn reload(&mut self) {
        let opts = PreviewOptions {
            format: Some(self.format),
            sheet: self.sheet.clone(),
            ..Default::default()
        };
        self.preview = preview_table(&self.path, &opts).map_err(|e| e.to_string());
        if let Ok(p) = &self.preview {
            self.sheet = p.sheet.clone();
            if self
                .text_column
                .as_ref()
                .is_none_or(|t| !p.headers.contains(t))
            {
                self.text_column = guess_text_column(p);
            }
            self.meta = p
                .headers
                .iter()
                .map(|h| Some(h) != self.text_column.as_ref())
                .collect();
        }
    }

    /// The options the user chose.
    fn options(&self, p: &TablePreview) -> Option<ImportOptions> {
        let text = self.text_column.clone()?;
        let skip = |h: &String| {
            Some(h) == self.text_column.as_ref()
                || Some(h) == self.id_column.as_ref()
                || Some(h) == self.title_column.as_ref()
        };
        let meta: Vec<String> = p
            .headers
            .iter()
            .zip(&self.meta)
            .filter(|(h, on)| **on && !skip(h))
            .map(|(h, _)| h.clone())
            .collect();
        Some(ImportOptions {
            table: Some(TableOptions {
                text_column: text,
                id_column: self.id_column.clone(),
                title_column: self.title_column.clone(),
                meta: if meta.is_empty() {
                    MetaColumns::None
                } else {
                    MetaColumns::List(meta)
                },
                sheet: self.sheet.clone(),
                delimiter: None,
            }),
            encoding: (p.needs_conversion && self.convert).then_some(p.encoding),
            skip_bad_rows: self.skip_bad_rows,
            ..Default::default()
        })
    }

    /// `Some(Some(action))`: import; `Some(None)`: cancelled; `None`: still open.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Option<Action>> {
        let mut outcome = None;
        let mut reload = false;
        let title = format!("Import {}", self.path.display());
        egui::Window::new(title)
            .default_width(720.0)
            .collapsible(false)
            .show(ctx, |ui| {
                let p = match &self.preview {
                    Ok(p) => p.clone(),
                    Err(e) => {
                        ui.label(RichText::new(e).color(egui::Color32::from_rgb(200, 50, 50)));
                        if ui.button("Close").clicked() {
                            outcome = Some(None);
                        }
                        return;
                    }
                };
                if !p.sheets.is_empty() {
                    let mut sheet = self.sheet.clone().unwrap_or_default();
                    egui::ComboBox::from_label("sheet")
                        .selected_text(&sheet)
                        .show_ui(ui, |ui| {
                            for s in &p.sheets {
                                ui.selectable_value(&mut sheet, s.clone(), s);
                            }
                        });
                    if Some(&sheet) != self.sheet.as_ref() {
                        self.sheet = Some(sheet);
                        reload = true;
                    }
                }
                ui.label(format!(
                    "{} rows · {} ({}){}",
                    p.total_rows,
                    p.encoding.name(),
                    p.encoding_found_by,
                    p.delimiter.map_or(String::new(), |d| format!(
                        " · delimiter {}",
                        if d == '\t' {
                            "tab".to_string()
                        } else {
                            d.to_string()
                        }
                    ))
                ));
                if p.needs_conversion {
                    ui.checkbox(
                        &mut self.convert,
                        format!(
                            "Convert from {} to UTF-8 (the file is not UTF-8)",
                            p.encoding.name()
                        ),
                    );
                }
                column_combo(ui, "text column", &p.headers, &mut self.text_column, false);
                column_combo(ui, "id column", &p.headers, &mut self.id_column, true);
                column_combo(ui, "title column", &p.headers, &mut self.title_column, true);
                ui.label("Metadata columns:");
                ui.horizontal_wrapped(|ui| {
                    for (h, on) in p.headers.iter().zip(self.meta.iter_mut()) {
                        ui.checkbox(on, h);
                    }
                });
                ui.checkbox(
                    &mut self.skip_bad_rows,
                    "Import the good rows and list the bad ones",
                );
                ui.separator();
                egui::ScrollArea::both().max_height(220.0).show(ui, |ui| {
                    egui::Grid::new("table-preview")
                        .striped(true)
                        .show(ui, |ui| {
                            for h in &p.headers {
                                ui.label(RichText::new(h).strong());
                            }
                            ui.end_row();
                            for r in &p.rows {
                                for c in r {
                                    let short: String = c.chars().take(60).collect();
                                    ui.label(short);
                                }
                                ui.end_row();
                            }
                        });
                });
                ui.horizontal(|ui| {
                    let opts = self.options(&p);
                    let ready = opts.is_some() && (!p.needs_conversion || self.convert);
                    if ui.add_enabled(ready, egui::Button::new("Import")).clicked()
                        && let Some(opts) = opts
                    {
                        outcome = Some(Some(Action::ImportWith {
                            format: self.format,
                            paths: vec![self.path.clone()],
                            options: Box::new(opts),
                        }));
                    }
                    if ui.button("Cancel").clicked() {
                        outcome = Some(None);
                    }
                });
            });
        if reload {
            self.reload();
        }
        outcome
    }
}

/// A combo box choosing one of the headers (or none, when `optional`).
fn column_combo(
    ui: &mut egui::Ui,
    label: &str,
    headers: &[String],
    chosen: &mut Option<String>,
    optional: bool,
) {
    egui::ComboBox::from_label(label)
        .selected_text(chosen.clone().unwrap_or_else(|| "—".into()))
        .show_ui(ui, |ui| {
            if optional {
                ui.selectable_value(chosen, None, "—");
            }
            for h in headers {
                ui.selectable_value(chosen, Some(h.clone()), h);
            }
        });
}
