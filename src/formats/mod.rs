//! Import and export: getting articles and annotations in from other tools and out to
//! the tools researchers train and analyse with.
//!
//! | format        | export                         | import | offsets            |
//! |---------------|--------------------------------|--------|--------------------|
//! | `jsonl`       | one file, a line per document  | yes    | code points        |
//! | `doccano`     | one JSONL file                 | yes    | UTF-16 code units  |
//! | `brat`        | a folder of `.txt` + `.ann`    | yes    | code points        |
//! | `conll`       | one file, IOB2 tags            | no     | (tokens)           |
//! | `csv`         | one file, a row per span       | no     | code points        |
//! | `labelstudio` | one JSON file (task list)      | yes    | UTF-16 code units  |
//! | `text`        | —                              | yes    | (`.txt` files)     |
//! | `csv`, `tsv`  | —  (the `csv` export is spans) | yes    | (a row per article)|
//! | `xlsx`, `ods` | —                              | yes    | (a row per article)|
//! | `html`        | —                              | yes    | (saved web pages)  |
//!
//! **Corpora** come as tables (CSV/TSV, Excel, LibreOffice: [`table`]) or saved web
//! pages ([`html`]), with their metadata: the columns (or page tags) for outlet, URL
//! and date fill the document's `source`, the others its `meta`. Files that are not
//! UTF-8 are detected and converted only with the user's consent ([`encoding`]).
//! Re-importing an article already in the project adds nothing: it is listed in
//! [`ImportReport::duplicates`] (or `near_duplicates`). A bad row fails the import
//! with its file, row and column, unless `skip_bad_rows` asks to import the others.
//!
//! **Metadata on export.** JSONL writes `meta` on each line (and reads it back),
//! doccano writes it as extra keys of the line, Label Studio as `data.meta`, the CSV
//! export as extra columns; CoNLL and brat, which have no place for it, write a
//! `metadata.csv` side file. Each module's documentation says where exactly.
//!
//! Each format lives in its own module with its writer and reader side by side; their
//! doc comments say exactly what is written and read. Offsets are converted with
//! [`crate::model::OffsetMap`] only; UTF-16 offsets that fall inside a surrogate pair are
//! refused, never rounded.
//!
//! **Export** ([`export()`]) renders everything in memory first, then writes each file
//! atomically (temporary file, fsync, rename), so a failure never leaves a half-written
//! file; document ids become file names only through [`names`], so nothing is written
//! outside the chosen folder.
//!
//! **Import** ([`import()`]) reads every input, converts and checks it, builds the new
//! project in memory, runs [`crate::store::validate()`] on it, and returns it only if
//! nothing is wrong: an import is all or nothing. Every problem is listed with file,
//! line and reason ([`ImportIssue`]). [`import_into_file`] adds the saving step.
//!
//! Both take a progress callback `(done, total)`, called from the calling thread, so a
//! GUI can run them on a worker thread and show a bar.
//!
//! **Layers.** The format modules depend only on what they share, never on the entry
//! points that call them nor on each other:
//!
//! ```text
//! export ──▶ jsonl, doccano, brat, conll, csv, labelstudio ──▶ units
//! import ──▶ txt, jsonl, doccano, brat, labelstudio, table, html ──▶ builder, reader, clean, encoding
//! ```
//!
//! - [`units`]: the [`units::ExportUnit`]s a project is cut into and the
//!   [`units::Output`] every writer returns;
//! - [`builder`]: the [`builder::Builder`] every reader feeds [`builder::Incoming`]
//!   documents to, and what it reports;
//! - `reader`: reading input files and folders, and the per-file loop;
//! - [`clean`], [`encoding`], [`names`], `error`: text clean-up, encoding detection
//!   and consented conversion, safe file names, errors.

pub mod brat;
pub mod builder;
pub mod clean;
pub mod clitics;
pub mod conll;
pub mod csv;
pub mod doccano;
pub mod encoding;
mod error;
pub mod export;
pub mod html;
pub mod import;
pub mod jsonl;
pub mod labelstudio;
pub mod names;
mod reader;
pub mod table;
pub mod txt;
pub mod units;

pub use builder::{Duplicate, ImportReport, Imported};
pub use error::{FormatError, ImportIssue};
pub use export::{ExportOptions, export, render};
pub use import::{ImportOptions, import, import_into_file};
pub use table::{MetaColumns, PreviewOptions, TableOptions, TablePreview, preview_table};
pub use units::ExportReport;

/// Progress callback: `(done, total)` in export units ([`units::ExportUnit`]: a document
/// with one annotator's set, or a document nobody annotated) or input files (import).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// A progress callback that ignores progress.
pub fn no_progress() -> impl FnMut(usize, usize) {
    |_, _| {}
}

/// The formats Hashiya writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Jsonl,
    Doccano,
    Brat,
    Conll,
    Csv,
    LabelStudio,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Jsonl,
        ExportFormat::Doccano,
        ExportFormat::Brat,
        ExportFormat::Conll,
        ExportFormat::Csv,
        ExportFormat::LabelStudio,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Doccano => "doccano",
            ExportFormat::Brat => "brat",
            ExportFormat::Conll => "conll",
            ExportFormat::Csv => "csv",
            ExportFormat::LabelStudio => "labelstudio",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// True if the output is a folder (brat); otherwise it is one file.
    pub fn writes_folder(self) -> bool {
        self == ExportFormat::Brat
    }

    /// The usual file extension, for a GUI's save dialog (`None` for folders).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            ExportFormat::Jsonl | ExportFormat::Doccano => Some("jsonl"),
            ExportFormat::Brat => None,
            ExportFormat::Conll => Some("conll"),
            ExportFormat::Csv => Some("csv"),
            ExportFormat::LabelStudio => Some("json"),
        }
    }
}

/// The formats Hashiya reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportFormat {
    /// Plain `.txt` files or folders of them: documents without annotations.
    Text,
    Jsonl,
    Doccano,
    Brat,
    LabelStudio,
    /// A corpus table: comma-, semicolon- or tab-separated values, a row per article
    /// (see [`table`]; needs [`TableOptions`]).
    Csv,
    /// Tab-separated values (as [`ImportFormat::Csv`] with a tab delimiter).
    Tsv,
    /// An Excel workbook (`.xlsx`, also `.xlsm`, `.xlsb`, `.xls`), one sheet.
    Xlsx,
    /// An OpenDocument spreadsheet (`.ods`, LibreOffice), one sheet.
    Ods,
    /// Saved web pages (`.html`/`.htm` files or folders): the article of each page
    /// (see [`html`]).
    Html,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 10] = [
        ImportFormat::Text,
        ImportFormat::Jsonl,
        ImportFormat::Doccano,
        ImportFormat::Brat,
        ImportFormat::LabelStudio,
        ImportFormat::Csv,
        ImportFormat::Tsv,
        ImportFormat::Xlsx,
        ImportFormat::Ods,
        ImportFormat::Html,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Text => "text",
            ImportFormat::Jsonl => "jsonl",
            ImportFormat::Doccano => "doccano",
            ImportFormat::Brat => "brat",
            ImportFormat::LabelStudio => "labelstudio",
            ImportFormat::Csv => "csv",
            ImportFormat::Tsv => "tsv",
            ImportFormat::Xlsx => "xlsx",
            ImportFormat::Ods => "ods",
            ImportFormat::Html => "html",
        }
    }

    /// True for the table formats, which need [`ImportOptions::table`].
    pub fn is_table(self) -> bool {
        matches!(
            self,
            ImportFormat::Csv | ImportFormat::Tsv | ImportFormat::Xlsx | ImportFormat::Ods
        )
    }

    /// The format a file's extension suggests, for a GUI's file picker (`.json` is Label
    /// Studio; `.jsonl` is Hashiya's JSONL, not doccano's).
    pub fn for_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => ImportFormat::Text,
            "jsonl" | "ndjson" => ImportFormat::Jsonl,
            "json" => ImportFormat::LabelStudio,
            "ann" => ImportFormat::Brat,
            "csv" => ImportFormat::Csv,
            "tsv" | "tab" => ImportFormat::Tsv,
            "xlsx" | "xlsm" | "xlsb" | "xls" => ImportFormat::Xlsx,
            "ods" => ImportFormat::Ods,
            "html" | "htm" => ImportFormat::Html,
            _ => return None,
        })
    }

    /// The file extensions a file picker should offer, and that a folder given as
    /// input contributes (a file named explicitly is read whatever its extension:
    /// Excel's "Unicode text" is a `.txt` to import as `tsv`).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ImportFormat::Text => &["txt"],
            ImportFormat::Jsonl | ImportFormat::Doccano => &["jsonl", "ndjson"],
            ImportFormat::Brat => &["txt", "ann"],
            ImportFormat::LabelStudio => &["json"],
            ImportFormat::Csv => &["csv"],
            ImportFormat::Tsv => &["tsv", "tab"],
            ImportFormat::Xlsx => &["xlsx", "xlsm", "xlsb", "xls"],
            ImportFormat::Ods => &["ods"],
            ImportFormat::Html => &["html", "htm"],
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "txt" => Some(ImportFormat::Text),
            "htm" => Some(ImportFormat::Html),
            _ => Self::ALL.into_iter().find(|f| f.name() == name),
        }
    }

    /// The annotator name given to sets when neither the input nor the options name one.
    pub fn default_annotator(self) -> &'static str {
        match self {
            ImportFormat::Text => "imported",
            ImportFormat::Jsonl => "imported",
            ImportFormat::Doccano => "doccano",
            ImportFormat::Brat => "brat",
            ImportFormat::LabelStudio => "labelstudio",
            ImportFormat::Csv
            | ImportFormat::Tsv
            | ImportFormat::Xlsx
            | ImportFormat::Ods
            | ImportFormat::Html => "imported",
        }
    }
}
