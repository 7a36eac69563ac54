//! The export entry points: options, choosing the writer, writing atomically.
//!
//! [`render`] applies the options (`--labels`, then `--set` through
//! [`units::units`](super::units::units)), hands the [`ExportUnit`]s to the chosen
//! format's writer and fills in the counts; it produces the bytes of every file in
//! memory. [`export`] then writes them, each through a temporary file renamed over the
//! target, so an interrupted export leaves every file either complete and new or as it
//! was. Files of an earlier export that this one does not produce are left alone, and
//! so are files that already hold exactly what this export would write (a re-export
//! of a corpus rewrites only what changed).
//!
//! [`ExportUnit`]: super::units::ExportUnit

use std::path::Path;

use super::units::{ExportReport, Output, Rendered, units};
use super::{ExportFormat, FormatError, Progress, names};
use crate::model::Project;
use crate::store::atomic;

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Export only this annotator's sets (`--set`); `None` exports every set.
    pub annotator: Option<String>,
    /// CSV only: start the file with a UTF-8 byte order mark, which Excel needs to
    /// read Arabic correctly. On by default.
    pub bom: bool,
    /// Export only spans with these labels (`--labels actor,location`), and only the
    /// relations between them; `None` exports every label. For CoNLL this is how to
    /// get actors and locations that claims would otherwise hide.
    pub labels: Option<Vec<String>>,
    /// CoNLL only: cut tokens where a span starts after a proclitic chain («ب» +
    /// «درنة»; `--split-clitics`, see [`super::clitics`]). Off by default.
    pub split_clitics: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            annotator: None,
            bom: true,
            labels: None,
            split_clitics: false,
        }
    }
}

/// A copy of `project` with only the spans labelled `labels` and the relations
/// between them.
fn only_labels(project: &Project, labels: &[String]) -> Result<Project, FormatError> {
    if let Some(unknown) = labels.iter().find(|l| {
        project.schema.label(l).is_none()
            && !project
                .sets
                .iter()
                .flat_map(|s| &s.spans)
                .any(|s| &s.label == *l)
    }) {
        let known: Vec<&str> = project
            .schema
            .labels
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        return Err(FormatError::Export(format!(
            "no label \"{unknown}\" in project \"{}\"; its labels are: {}",
            project.name,
            known.join(", ")
        )));
    }
    let mut p = project.clone();
    for set in &mut p.sets {
        set.spans.retain(|s| labels.contains(&s.label));
        let kept: std::collections::HashSet<&str> =
            set.spans.iter().map(|s| s.id.as_str()).collect();
        set.relations
            .retain(|r| kept.contains(r.from.as_str()) && kept.contains(r.to.as_str()));
    }
    Ok(p)
}

/// Renders an export in memory.
pub fn render(
    project: &Project,
    format: ExportFormat,
    opts: &ExportOptions,
    progress: Progress,
) -> Result<Output, FormatError> {
    let filtered;
    let project = match &opts.labels {
        Some(labels) => {
            filtered = only_labels(project, labels)?;
            &filtered
        }
        None => project,
    };
    let units = units(project, opts.annotator.as_deref())?;
    let mut out = match format {
        ExportFormat::Jsonl => super::jsonl::export(project, &units, progress)?,
        ExportFormat::Doccano => super::doccano::export(project, &units, progress)?,
        ExportFormat::Brat => super::brat::export(
            project,
            &units,
            opts.annotator.is_none(),
            opts.bom,
            progress,
        )?,
        ExportFormat::Conll => {
            super::conll::export(project, &units, opts.bom, opts.split_clitics, progress)?
        }
        ExportFormat::Csv => super::csv::export(project, &units, opts.bom, progress)?,
        ExportFormat::LabelStudio => super::labelstudio::export(project, &units, progress)?,
    };
    let r = &mut out.report;
    r.documents = {
        let mut ids: Vec<&str> = units.iter().map(|u| u.doc.id.as_str()).collect();
        ids.dedup();
        ids.len()
    };
    r.items = units.len();
    r.sets = units.iter().filter(|u| u.set.is_some()).count();
    r.spans = units.iter().map(|u| u.spans().len()).sum();
    r.relations = units.iter().map(|u| u.relations().len()).sum();
    Ok(out)
}

/// Exports `project` to `out`: a file, or a folder for [`ExportFormat::writes_folder`]
/// formats (created if missing).
pub fn export(
    project: &Project,
    format: ExportFormat,
    out: &Path,
    opts: &ExportOptions,
    progress: Progress,
) -> Result<ExportReport, FormatError> {
    check_output(format, out)?;
    let Output {
        rendered,
        mut report,
        side_files,
    } = render(project, format, opts, &mut *progress)?;
    match rendered {
        Rendered::File(bytes) => {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| FormatError::io(parent, e))?;
            }
            let mut placed = vec![(out.to_path_buf(), bytes)];
            for (suffix, bytes) in side_files {
                placed.push((side_file_path(out, &suffix), bytes));
            }
            let written = atomic::replace_atomic_all(&placed)?;
            report.unchanged += placed.len() - written;
            report.files.extend(placed.into_iter().map(|(p, _)| p));
        }
        Rendered::Folder(files) => {
            std::fs::create_dir_all(out).map_err(|e| FormatError::io(out, e))?;
            let mut placed = Vec::with_capacity(files.len());
            for (parts, bytes) in files {
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                let path = names::safe_join(out, &parts)?;
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| FormatError::io(parent, e))?;
                }
                placed.push((path, bytes));
            }
            let written = atomic::replace_atomic_all(&placed)?;
            report.unchanged += placed.len() - written;
            report.files.extend(placed.into_iter().map(|(p, _)| p));
        }
    }
    progress(report.items, report.items);
    Ok(report)
}

/// `out.conll` + `metadata.csv` → `out.metadata.csv`, in the folder of `out`.
fn side_file_path(out: &Path, suffix: &str) -> std::path::PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_string());
    out.with_file_name(format!("{stem}.{suffix}"))
}

fn check_output(format: ExportFormat, out: &Path) -> Result<(), FormatError> {
    let bad = |reason: &str| {
        Err(FormatError::Output {
            path: out.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    if format.writes_folder() {
        if out.exists() && !out.is_dir() {
            return bad("the brat export is a folder, but this is a file; choose a folder");
        }
    } else if out.is_dir() {
        return bad(&format!(
            "this is a folder; the {} export is one file, so give a file name{}",
            format.name(),
            format
                .extension()
                .map(|e| format!(" (e.g. export.{e})"))
                .unwrap_or_default()
        ));
    }
    Ok(())
}
