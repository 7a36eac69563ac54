//! Corpus tables: a row per article, from CSV/TSV files and spreadsheets (`.xlsx`,
//! `.xls`, `.ods`), with its metadata.
//!
//! **Reading.** The first row is the header: columns are named by it (or by their
//! 1-based number, `3`, when no header is called that). A CSV file is UTF-8 with or
//! without a byte order mark; any other encoding (Windows-1256, UTF-16…) is detected
//! and converted only with the user's consent (see [`super::encoding`]). Its delimiter
//! is `,`, `;` or tab, whichever the header line has most of outside quotes (TSV: tab;
//! [`TableOptions::delimiter`] overrides). Quoted cells may hold delimiters, quotes
//! (`""`) and line breaks; CRLF and lone CR become LF. A quote that opens a cell but
//! does not close it (text after the closing quote, or no closing quote at all) makes
//! that record a bad row, with its line; the next line is read as the next record.
//! Tab-separated text is read with quotes only if all of them are well formed, and
//! otherwise literally (see `delimited` for the exact rules). Spreadsheets are read
//! with `calamine`, one sheet ([`TableOptions::sheet`], else the first), within limits
//! on what their zip archive unpacks to ([`MAX_PART_BYTES`], [`MAX_RATIO`]): numbers
//! are written as a spreadsheet shows them without formatting (`42`, `3.5`; integers
//! above 2^53 exactly as an `.xlsx` writes them, or refused), dates as ISO 8601
//! (`2024-03-01`, or `2024-03-01T09:30:00` with a time; a date before the epoch is
//! refused), booleans as `true`/`false`; a cell holding an error (`#DIV/0!`) is a bad
//! cell (see `sheet` for the details). A cell holding a NUL character is a bad cell.
//! A table without data rows is refused.
//!
//! **Rows to documents.** [`TableOptions`] names the text column (required) and
//! optionally the id column, the title column and the metadata columns. A row's
//! document id is its id cell, else `<file stem>-<row>` (row numbers as a spreadsheet
//! shows them: the header is row 1, so the first article of `articles.csv` is
//! `articles-2`; a made-up id that is taken gets `-2`, `-3`…). The title is the title
//! cell, else the first line of the text. Rows whose cells are all empty are skipped.
//!
//! **Metadata.** Each chosen metadata column whose header is a known name fills the
//! document's `source` (the header compared without case, spaces and `-` as `_`):
//!
//! | source field | headers                                                            |
//! |--------------|--------------------------------------------------------------------|
//! | `outlet`     | outlet, site, source, publisher, newspaper, site_name, المصدر, الموقع, الصحيفة |
//! | `url`        | url, link, permalink, الرابط                                        |
//! | `date`       | date, published, published_at, publication_date, pubdate, التاريخ |
//!
//! (the first such column wins; a second one for the same field goes to `meta`).
//! Every other chosen column goes to `meta` under its header, trimmed. Empty cells add
//! nothing; values are trimmed.
//!
//! **Bad rows.** A row with a bad quote, an empty text (or id) cell, more cells than
//! the header, or an error cell in a chosen column is reported with file, line, row and
//! column, and nothing is imported — unless `skip_bad_rows`, which imports the other
//! rows and lists the bad ones in the report. The report counts the rows read
//! ([`super::ImportReport::rows_read`]). A text already in the project is not imported again (see
//! [`super::builder::Builder::add_corpus`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, UTF_8};

use super::builder::{Builder, Incoming, Origin};
use super::clean::clean_fragment;
use super::encoding;
use super::reader::{import_files, read_file};
use super::{FormatError, ImportFormat, ImportIssue, Progress};
use crate::model::Source;
use crate::store::limits::MAX_PROJECT_BYTES;

mod delimited;
mod read;
mod sheet;
use read::read_table;
pub use sheet::{MAX_PART_BYTES, MAX_RATIO, RATIO_FLOOR};

/// Which columns of a corpus table hold what.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// The column with the article text (header name, or 1-based number). Required.
    pub text_column: String,
    /// The column with document ids; `None`: `<file stem>-<row>`.
    pub id_column: Option<String>,
    /// The column with titles; `None`: the first line of the text.
    pub title_column: Option<String>,
    /// Which columns become metadata.
    pub meta: MetaColumns,
    /// The sheet of a spreadsheet, by name; `None`: the first. Ignored for CSV/TSV.
    pub sheet: Option<String>,
    /// CSV delimiter byte; `None`: sniffed among `,` `;` tab (TSV: tab).
    pub delimiter: Option<u8>,
}

impl TableOptions {
    /// Options that take the text from `column` and nothing else.
    pub fn text(column: impl Into<String>) -> Self {
        TableOptions {
            text_column: column.into(),
            ..Default::default()
        }
    }
}

/// Which columns become document metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MetaColumns {
    /// None (`source` stays empty).
    #[default]
    None,
    /// These columns (names or 1-based numbers), in any order.
    List(Vec<String>),
    /// Every column but the text, id and title columns (`--all-meta`).
    All,
}

/// What the import dialog shows before the user picks columns.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePreview {
    pub format: ImportFormat,
    /// The sheets of a spreadsheet, in workbook order (empty for CSV/TSV).
    pub sheets: Vec<String>,
    /// The sheet shown.
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    /// The first data rows (after the header), each as long as its cells.
    pub rows: Vec<Vec<String>>,
    /// Data rows in the table (non-empty ones, header excluded).
    pub total_rows: usize,
    /// The file's encoding (UTF-8 for spreadsheets); the preview is decoded with it.
    pub encoding: &'static Encoding,
    /// How the encoding was found (`"valid UTF-8"`, `"byte order mark"`, `"guessed"`…).
    pub encoding_found_by: &'static str,
    /// True if importing needs the user's consent to convert from `encoding` (pass
    /// it as `ImportOptions::encoding`).
    pub needs_conversion: bool,
    /// The CSV delimiter used (`None` for spreadsheets).
    pub delimiter: Option<char>,
}

/// How to preview a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewOptions {
    /// `None`: from the file's extension ([`ImportFormat::for_path`]).
    pub format: Option<ImportFormat>,
    pub sheet: Option<String>,
    pub delimiter: Option<u8>,
    /// How many data rows to return.
    pub max_rows: usize,
}

impl Default for PreviewOptions {
    fn default() -> Self {
        PreviewOptions {
            format: None,
            sheet: None,
            delimiter: None,
            max_rows: 20,
        }
    }
}

/// Reads the start of a corpus table for the import dialog: sheets, headers, the
/// first rows, the encoding and delimiter. A file that is not UTF-8 is previewed
/// decoded with the detected encoding, and `needs_conversion` says that the import
/// needs consent.
pub fn preview_table(path: &Path, options: &PreviewOptions) -> Result<TablePreview, FormatError> {
    let format = match options.format.or_else(|| ImportFormat::for_path(path)) {
        Some(f) if f.is_table() => f,
        _ => {
            return Err(import_error(ImportIssue::new(
                path,
                None,
                "not a table: choose a .csv, .tsv, .xlsx, .xls or .ods file (or say which format it is)",
            )));
        }
    };
    let (table, info) = read_table(
        path,
        format,
        options.sheet.as_deref(),
        options.delimiter,
        Consent::Preview,
    )
    .map_err(import_error)?;
    let rows = table
        .rows
        .iter()
        .take(options.max_rows)
        .map(|r| match &r.error {
            Some(e) => vec![e.clone()],
            None => {
                let mut cells = vec![String::new(); r.width.min(MAX_PREVIEW_COLUMNS)];
                for (i, c) in &r.cells {
                    if let Some(slot) = cells.get_mut(*i) {
                        *slot = c.clone().unwrap_or_else(|e| e);
                    }
                }
                cells
            }
        })
        .collect();
    Ok(TablePreview {
        format,
        sheets: info.sheets,
        sheet: info.sheet,
        total_rows: table.rows.len(),
        headers: table.headers,
        rows,
        encoding: info.encoding.encoding,
        encoding_found_by: info.encoding.how,
        needs_conversion: !info.encoding.is_utf8(),
        delimiter: info.delimiter.map(char::from),
    })
}

fn import_error(issue: ImportIssue) -> FormatError {
    FormatError::Import {
        issues: vec![issue],
    }
}

/// Imports every table in `inputs` (folders: their files with the format's extensions).
pub(crate) fn import(
    b: &mut Builder,
    format: ImportFormat,
    inputs: &[PathBuf],
    options: &TableOptions,
    consent: Option<&'static Encoding>,
    progress: Progress,
) {
    import_files(b, inputs, format.extensions(), progress, |b, path| {
        import_one(b, path, format, options, consent)
    });
}

/// A cell's text, or why it has none (a spreadsheet error cell).
type Cell = Result<String, String>;

struct Row {
    /// Spreadsheet row number (header = 1).
    row: usize,
    /// CSV: the line the record starts on.
    line: Option<usize>,
    /// (column, cell) by column, 0-based; a column not listed is empty. (Sheets are
    /// sparse: a far-away cell costs one entry.)
    cells: Vec<(usize, Cell)>,
    /// How many cells the row has (CSV: all of them; sheets: up to the last one that
    /// is not empty).
    width: usize,
    /// Why the row cannot be read at all (CSV: a bad quote).
    error: Option<String>,
}

impl Row {
    fn cell(&self, column: usize) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&column, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }
}

struct Table {
    headers: Vec<String>,
    rows: Vec<Row>,
    /// From a spreadsheet (else CSV/TSV text): messages give the hints that fit.
    spreadsheet: bool,
}

/// A preview row is at most this wide (a sheet may have a cell in column 16384).
const MAX_PREVIEW_COLUMNS: usize = 1024;

struct TableInfo {
    sheets: Vec<String>,
    sheet: Option<String>,
    encoding: encoding::Detected,
    delimiter: Option<u8>,
}

#[derive(Clone, Copy)]
enum Consent {
    /// Decode with whatever is detected (the preview shows it, imports nothing).
    Preview,
    /// Import: UTF-8, or the encoding the user consented to.
    Import(Option<&'static Encoding>),
}

fn import_one(
    b: &mut Builder,
    path: &Path,
    format: ImportFormat,
    options: &TableOptions,
    consent: Option<&'static Encoding>,
) -> Result<(), ImportIssue> {
    let (table, _) = read_table(
        path,
        format,
        options.sheet.as_deref(),
        options.delimiter,
        Consent::Import(consent),
    )?;
    if table.rows.is_empty() {
        return Err(ImportIssue::new(
            path,
            None,
            if table.headers.is_empty() {
                "the table is empty: no header and no rows".to_string()
            } else {
                format!(
                    "the table has a header ({}) but no rows: nothing to import",
                    quoted_list(&table.headers)
                )
            },
        ));
    }
    b.rows_read(table.rows.len());
    let columns = Columns::resolve(path, &table.headers, options)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "row".to_string());
    for row in &table.rows {
        match columns.incoming(path, &stem, &table, row) {
            Ok(inc) => b.add_corpus(inc),
            Err(issue) => b.bad_row(issue),
        }
    }
    Ok(())
}

fn quoted_list(names: &[String]) -> String {
    if names.is_empty() {
        return "(none)".to_string();
    }
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if n.is_empty() {
                format!("{} (no name)", i + 1)
            } else {
                format!("\"{n}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Outlet,
    Url,
    Date,
}

/// The `source` field a header names, if any (see the module documentation).
fn source_field(header: &str) -> Option<Field> {
    let key: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    Some(match key.as_str() {
        "outlet" | "site" | "source" | "publisher" | "newspaper" | "site_name" | "المصدر"
        | "الموقع" | "الصحيفة" => Field::Outlet,
        "url" | "link" | "permalink" | "الرابط" => Field::Url,
        "date" | "published" | "published_at" | "publication_date" | "pubdate" | "التاريخ" => {
            Field::Date
        }
        _ => return None,
    })
}

/// Where a metadata column goes.
#[derive(Debug, Clone)]
enum Target {
    Source(Field),
    Meta(String),
}

/// The table's columns resolved to positions.
struct Columns {
    text: usize,
    id: Option<usize>,
    title: Option<usize>,
    meta: Vec<(usize, Target)>,
}

impl Columns {
    fn resolve(path: &Path, headers: &[String], o: &TableOptions) -> Result<Self, ImportIssue> {
        let find = |name: &str, what: &str| {
            column_index(headers, name, what).map_err(|e| ImportIssue::new(path, None, e))
        };
        let text = find(&o.text_column, "the text")?;
        let id = o.id_column.as_deref().map(|c| find(c, "ids")).transpose()?;
        let title = o
            .title_column
            .as_deref()
            .map(|c| find(c, "titles"))
            .transpose()?;
        let chosen: Vec<usize> = match &o.meta {
            MetaColumns::None => Vec::new(),
            MetaColumns::List(names) => names
                .iter()
                .map(|n| find(n, "metadata"))
                .collect::<Result<_, _>>()?,
            MetaColumns::All => (0..headers.len())
                .filter(|i| Some(*i) != Some(text) && Some(*i) != id && Some(*i) != title)
                .collect(),
        };
        let mut meta: Vec<(usize, Target)> = Vec::new();
        let mut keys = std::collections::HashSet::new();
        for i in chosen {
            if meta.iter().any(|(j, _)| *j == i) {
                continue;
            }
            let header = headers[i].trim();
            let target = match source_field(header) {
                Some(f)
                    if !meta
                        .iter()
                        .any(|(_, t)| matches!(t, Target::Source(g) if *g == f)) =>
                {
                    Target::Source(f)
                }
                _ => {
                    let key = if header.is_empty() {
                        format!("column{}", i + 1)
                    } else {
                        header.to_string()
                    };
                    if !keys.insert(key.clone()) {
                        return Err(ImportIssue::new(
                            path,
                            None,
                            format!(
                                "two metadata columns are called \"{key}\"; rename one, or choose the columns by number"
                            ),
                        ));
                    }
                    Target::Meta(key)
                }
            };
            meta.push((i, target));
        }
        Ok(Columns {
            text,
            id,
            title,
            meta,
        })
    }

    fn incoming(
        &self,
        path: &Path,
        stem: &str,
        table: &Table,
        row: &Row,
    ) -> Result<Incoming, ImportIssue> {
        let headers = &table.headers;
        let header = |i: usize| -> String {
            match headers.get(i) {
                Some(h) if !h.is_empty() => h.clone(),
                _ => format!("{}", i + 1),
            }
        };
        let at = |col: Option<usize>, reason: String| {
            ImportIssue::new(path, row.line, reason)
                .at_cell(Some(row.row), col.map(header).as_deref())
        };
        if let Some(e) = &row.error {
            return Err(at(None, e.clone()));
        }
        if row.width > headers.len() {
            return Err(at(
                None,
                if table.spreadsheet {
                    format!(
                        "the row has a value in column {} but the header names {} columns; give that column a header, or clear the cell",
                        row.width,
                        headers.len()
                    )
                } else {
                    format!(
                        "the row has {} cells but the header has {}; a cell probably holds an unquoted delimiter (quote it: \"…\")",
                        row.width,
                        headers.len()
                    )
                },
            ));
        }
        let cell = |i: usize| -> Result<&str, ImportIssue> {
            match row.cell(i) {
                None => Ok(""),
                Some(Ok(t)) => Ok(t.as_str()),
                Some(Err(e)) => Err(at(Some(i), e.clone())),
            }
        };
        let text = cell(self.text)?;
        if text.trim().is_empty() {
            return Err(at(Some(self.text), "the text cell is empty".to_string()));
        }
        let (id, id_generated) = match self.id {
            Some(i) => {
                let id = cell(i)?.trim();
                if id.is_empty() {
                    return Err(at(Some(i), "the id cell is empty".to_string()));
                }
                (id.to_string(), false)
            }
            None => (format!("{stem}-{}", row.row), true),
        };
        let title = match self.title {
            Some(i) => Some(cell(i)?.trim().to_string()).filter(|t| !t.is_empty()),
            None => None,
        };
        let mut source = Source::default();
        let mut meta = BTreeMap::new();
        for (i, target) in &self.meta {
            let value = cell(*i)?.trim();
            if value.is_empty() {
                continue;
            }
            let value = value.to_string();
            match target {
                Target::Source(Field::Outlet) => source.outlet = Some(value),
                Target::Source(Field::Url) => source.url = Some(value),
                Target::Source(Field::Date) => source.date = Some(value),
                Target::Meta(key) => {
                    meta.insert(key.clone(), value);
                }
            }
        }
        let mut origin = Origin::new(path, row.line);
        origin.row = Some(row.row);
        Ok(Incoming {
            title,
            source,
            meta,
            id_generated,
            ..Incoming::unannotated(origin, id, text.to_string())
        })
    }
}

/// The position of the column called `name` (exactly, else ignoring case), else of
/// column number `name` (1-based); or a message listing the headers.
fn column_index(headers: &[String], name: &str, what: &str) -> Result<usize, String> {
    let name = name.trim();
    let exact: Vec<usize> = (0..headers.len()).filter(|&i| headers[i] == name).collect();
    let matches = if exact.is_empty() {
        (0..headers.len())
            .filter(|&i| headers[i].to_lowercase() == name.to_lowercase())
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => return Ok(*one),
        [] => {}
        many => {
            return Err(format!(
                "the column for {what}: {} columns are called \"{name}\" (numbers {}); choose one by number",
                many.len(),
                many.iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if let Ok(n) = name.parse::<usize>()
        && (1..=headers.len()).contains(&n)
    {
        return Ok(n - 1);
    }
    Err(format!(
        "no column \"{name}\" for {what}; the columns are: {}",
        quoted_list(headers)
    ))
}

#[cfg(test)]
mod tests {
    use super::read::{read_csv, sniff_delimiter};
    use super::sheet::cell_text;
    use super::*;

    #[test]
    fn delimiters_are_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"x,y,z\";b"), b';');
        assert_eq!(sniff_delimiter("text"), b',');
    }

    #[test]
    fn csv_rows_keep_quotes_newlines_and_row_numbers() {
        let t = read_csv(
            "id,text\r\n1,\"سطر\r\nثان, مع \"\"اقتباس\"\"\"\r\n\r\n,,\r\n2,ب\r\n",
            b',',
        )
        .unwrap();
        assert_eq!(t.headers, ["id", "text"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0].cells[1].1.as_deref(),
            Ok("سطر\nثان, مع \"اقتباس\"")
        );
        assert_eq!(t.rows[0].row, 2);
        assert_eq!(t.rows[0].line, Some(2));
        // The blank line is not a record; the empty one is row 3 and skipped.
        assert_eq!(t.rows[1].row, 4);
        assert_eq!(t.rows[1].line, Some(6));
    }

    #[test]
    fn columns_by_name_case_or_number() {
        let h: Vec<String> = ["ID", "Text", "site"].map(String::from).to_vec();
        assert_eq!(column_index(&h, "Text", "t"), Ok(1));
        assert_eq!(column_index(&h, "text", "t"), Ok(1));
        assert_eq!(column_index(&h, "3", "t"), Ok(2));
        let e = column_index(&h, "body", "the text").unwrap_err();
        assert!(e.contains("\"ID\", \"Text\", \"site\""), "{e}");
    }

    #[test]
    fn known_headers_fill_the_source() {
        assert_eq!(source_field("Site"), Some(Field::Outlet));
        assert_eq!(source_field("published-at"), Some(Field::Date));
        assert_eq!(source_field("الرابط"), Some(Field::Url));
        assert_eq!(source_field("section"), None);
    }

    #[test]
    fn spreadsheet_cells_as_text() {
        use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
        assert_eq!(cell_text(&Data::Float(42.0)), Ok("42".into()));
        assert_eq!(cell_text(&Data::Float(3.5)), Ok("3.5".into()));
        let d = ExcelDateTime::new(45352.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(d)), Ok("2024-03-01".into()));
        let d = ExcelDateTime::new(45352.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(d)),
            Ok("2024-03-01T12:00:00".into())
        );
        assert!(cell_text(&Data::Error(calamine::CellErrorType::Div0)).is_err());
    }
}
