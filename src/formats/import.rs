//! The import entry points: options, choosing the reader, saving the result.
//!
//! [`import`] gives every input to the chosen format's reader, which feeds a
//! [`Builder`] (see [`super::builder`] for what is checked and how documents and sets
//! are added); the result is all or nothing. [`import_into_file`] adds loading the
//! target project (or creating it) and saving it atomically, only if the whole import
//! succeeded.

use std::path::{Path, PathBuf};

use super::builder::{Builder, ImportReport, Imported};
use super::table::TableOptions;
use super::{FormatError, ImportFormat, ImportIssue, Progress};
use crate::model::{LabelSchema, Project};
use crate::store;
use encoding_rs::Encoding;

/// How to import. Build it with `..Default::default()`:
/// `ImportOptions { annotator: None, ..Default::default() }`.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Annotator of every imported set, replacing the names the input carries (so a
    /// colleague's export can be imported under another name). `None`: the input's
    /// names, else the format's default (`brat`, `doccano`, `labelstudio`, `imported`).
    pub annotator: Option<String>,
    /// Which columns hold what, for the table formats (CSV, TSV, XLSX, ODS), which
    /// refuse to run without it (the text column is required).
    pub table: Option<TableOptions>,
    /// The user's consent to convert corpus files (tables, web pages) that are not
    /// UTF-8 from this encoding (`--encoding windows-1256`, the dialog's *Convert*);
    /// see [`super::encoding`]. `None`: such files are refused, naming the encoding
    /// they seem to be in.
    pub encoding: Option<&'static Encoding>,
    /// For corpus imports: import the good rows and list the bad ones in
    /// [`ImportReport::skipped`], instead of importing nothing until they are fixed.
    pub skip_bad_rows: bool,
}

/// Imports `inputs` into a copy of `base`, all or nothing. See [`super::builder`].
pub fn import(
    base: &Project,
    format: ImportFormat,
    inputs: &[PathBuf],
    opts: &ImportOptions,
    progress: Progress,
) -> Result<Imported, FormatError> {
    let mut builder = Builder::new(base, format, opts.annotator.clone());
    builder.skip_bad_rows(opts.skip_bad_rows);
    match format {
        ImportFormat::Text => super::txt::import(&mut builder, inputs, progress),
        ImportFormat::Jsonl => super::jsonl::import(&mut builder, inputs, progress),
        ImportFormat::Doccano => super::doccano::import(&mut builder, inputs, progress),
        ImportFormat::Brat => super::brat::import(&mut builder, inputs, progress),
        ImportFormat::LabelStudio => super::labelstudio::import(&mut builder, inputs, progress),
        ImportFormat::Csv | ImportFormat::Tsv | ImportFormat::Xlsx | ImportFormat::Ods => {
            match &opts.table {
                Some(table) => super::table::import(
                    &mut builder,
                    format,
                    inputs,
                    table,
                    opts.encoding,
                    progress,
                ),
                None => builder.issue(ImportIssue::new(
                    inputs.first().cloned().unwrap_or_default(),
                    None,
                    "a table import needs to know which column holds the article text: give --text-column NAME (or choose it in the import dialog)",
                )),
            }
        }
        ImportFormat::Html => super::html::import(&mut builder, inputs, opts.encoding, progress),
    }
    builder.finish(base)
}

/// Imports into the project file at `project_path`, creating it (default news schema,
/// named after the file) if it does not exist, and saves it atomically — only if the
/// whole import succeeded.
pub fn import_into_file(
    project_path: &Path,
    format: ImportFormat,
    inputs: &[PathBuf],
    opts: &ImportOptions,
    progress: Progress,
) -> Result<ImportReport, FormatError> {
    let base = if project_path.exists() {
        store::load(project_path)?.project
    } else {
        let name = project_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "imported".to_string());
        Project::new(name, LabelSchema::news_default())
    };
    let imported = import(&base, format, inputs, opts, progress)?;
    if let Some(parent) = project_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| FormatError::io(parent, e))?;
    }
    store::save(&imported.project, project_path)?;
    Ok(imported.report)
}
