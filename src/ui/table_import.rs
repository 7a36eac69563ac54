//! The table import dialog (File → Import → CSV / TSV / XLSX / ODS): a preview of the
//! first rows, the sheet, which column holds the text, the ids and the titles, which
//! columns become metadata, the consent to convert a file that is not UTF-8 (the
//! encoding is named, never guessed silently), and "import the good rows".
//!
//! The id and title columns start as the ones whose header names them
//! ([`ID_HEADERS`], [`TITLE_HEADERS`]: `id`, `ID`, `doc_id`, `title`, `headline`…,
//! case-insensitive); the text column as the one named `text` (or the longest cells).

use std::path::PathBuf;

use egui::RichText;

use super::action::Action;
use crate::formats::table::{
    MetaColumns, PreviewOptions, TableOptions, TablePreview, preview_table,
};
use crate::formats::{ImportFormat, ImportOptions};
use crate::model::words::count;

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

/// Header names (compared lower-case, trimmed, with `-` and spaces read as `_`) that
/// preselect the id column: `id`, `ID`, `doc_id`, `Document ID`, `article-id`…
const ID_HEADERS: &[&str] = &[
    "id",
    "doc_id",
    "docid",
    "document_id",
    "article_id",
    "identifier",
    "المعرف",
    "معرف",
];

/// Header names that preselect the title column: `title`, `Headline`, `heading`…
const TITLE_HEADERS: &[&str] = &["title", "headline", "heading", "العنوان", "عنوان"];

/// The first header that is one of `names` (see [`ID_HEADERS`] for how they compare).
fn named_column(p: &TablePreview, names: &[&str]) -> Option<String> {
    let norm = |h: &str| h.trim().to_lowercase().replace(['-', ' '], "_");
    p.headers
        .iter()
        .find(|h| names.contains(&norm(h).as_str()))
        .cloned()
}

/// A cell as the preview shows it: on one line, and when longer than `max`
/// characters, cut at the last space before that (mid-word only for a single long
/// word) and ended with "…".
pub fn preview_cell(cell: &str, max: usize) -> String {
    let one_line: String = cell
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        return one_line;
    }
    let head: String = one_line.chars().take(max).collect();
    let cut = match head.rfind(' ') {
        Some(i) if head[..i].chars().count() >= max / 2 => &head[..i],
        _ => head.as_str(),
    };
    format!("{}…", cut.trim_end())
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
            // The id and title columns: the ones their header names, unless chosen.
            for (chosen, names) in [
                (&mut self.id_column, ID_HEADERS),
                (&mut self.title_column, TITLE_HEADERS),
            ] {
                if chosen.as_ref().is_none_or(|c| !p.headers.contains(c)) {
                    *chosen =
                        named_column(p, names).filter(|c| Some(c) != self.text_column.as_ref());
                }
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
                    "{} · {} ({}){}",
                    count(p.total_rows, "row", "rows"),
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
                                    ui.label(preview_cell(c, 60)).on_hover_text(c);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_cells_are_cut_between_words_with_an_ellipsis() {
        assert_eq!(preview_cell("short", 60), "short");
        assert_eq!(preview_cell("one two\nthree", 60), "one two three");
        assert_eq!(preview_cell("alpha beta gamma delta", 13), "alpha beta…");
        assert_eq!(preview_cell("abcdefghijklmnop", 5), "abcde…");
        assert_eq!(preview_cell("قال المتحدث باسم الجيش", 14), "قال المتحدث…");
    }
}
