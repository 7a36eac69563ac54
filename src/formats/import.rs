//! The import entry points: options, choosing the reader, saving the result.
//!
//! [`import`] gives every input to the chosen format's reader, which feeds a
//! [`Builder`] (see [`super::builder`] for what is checked and how documents and sets
//! are added); the result is all or nothing. [`import_into_file`] adds loading the
//! target project (or creating it) and saving it atomically, only if the whole import
//! succeeded.

use std::path::{Path, PathBuf};

use super::builder::{Builder, ImportReport, Imported};
use super::{FormatError, ImportFormat, Progress};
use crate::model::{LabelSchema, Project};
use crate::store;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Annotator of every imported set, replacing the names the input carries (so a
    /// colleague's export can be imported under another name). `None`: the input's
    /// names, else the format's default (`brat`, `doccano`, `labelstudio`, `imported`).
    pub annotator: Option<String>,
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
    match format {
        ImportFormat::Text => super::txt::import(&mut builder, inputs, progress),
        ImportFormat::Jsonl => super::jsonl::import(&mut builder, inputs, progress),
        ImportFormat::Doccano => super::doccano::import(&mut builder, inputs, progress),
        ImportFormat::Brat => super::brat::import(&mut builder, inputs, progress),
        ImportFormat::LabelStudio => super::labelstudio::import(&mut builder, inputs, progress),
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
