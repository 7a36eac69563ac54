//! Choosing what to export, rendering it in memory, writing it atomically.
//!
//! The unit of export is an [`Item`]: one document with at most one annotator's set.
//! With an annotator chosen (`--set NAME`) there is one item per document, carrying
//! that annotator's set (or an empty one where they did not annotate the document).
//! Without one, there is one item per set, in document order, plus one bare item for
//! each document nobody annotated, so no text is left out.
//!
//! [`render`] produces the bytes of every file in memory; [`export`] then writes them,
//! each through a temporary file renamed over the target, so an interrupted export
//! leaves every file either complete and new or as it was. Files of an earlier export
//! that this one does not produce are left alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ExportFormat, FormatError, Progress, names};
use crate::model::{AnnotationSet, Document, Entity, Project, Relation, Span};
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
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            annotator: None,
            bom: true,
            labels: None,
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

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct ExportReport {
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
    pub documents: usize,
    /// Export units ([`Item`]s): the `total` of the progress callback.
    pub items: usize,
    /// Annotation sets exported.
    pub sets: usize,
    pub spans: usize,
    pub relations: usize,
    /// Things the user should know (spans a format could not represent…).
    pub notes: Vec<String>,
}

/// The bytes an export produces, before anything is written.
#[derive(Debug, Clone)]
pub enum Rendered {
    /// One file, written at the output path.
    File(Vec<u8>),
    /// Files inside the output folder; each path is a list of plain file names
    /// (sub-folder names, then the file name), already sanitised.
    Folder(Vec<(Vec<String>, Vec<u8>)>),
}

/// A rendered export and its counts.
#[derive(Debug, Clone)]
pub struct Output {
    pub rendered: Rendered,
    pub report: ExportReport,
}

/// One document and at most one annotator's set on it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub doc: &'a Document,
    pub annotator: Option<&'a str>,
    pub set: Option<&'a AnnotationSet>,
}

impl<'a> Item<'a> {
    pub fn spans(&self) -> &'a [Span] {
        self.set.map_or(&[], |s| &s.spans)
    }

    pub fn relations(&self) -> &'a [Relation] {
        self.set.map_or(&[], |s| &s.relations)
    }
}

/// The items to export: see the module documentation.
pub fn items<'a>(
    project: &'a Project,
    annotator: Option<&str>,
) -> Result<Vec<Item<'a>>, FormatError> {
    let mut out = Vec::new();
    match annotator {
        Some(name) => {
            let known = project.annotators();
            let Some(&name) = known.iter().find(|a| **a == name) else {
                return Err(FormatError::Export(format!(
                    "no annotator \"{name}\" in project \"{}\"; its annotators are: {}",
                    project.name,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            for doc in &project.documents {
                let set = project.set(name, &doc.id);
                out.push(Item {
                    doc,
                    annotator: set.map(|_| name),
                    set,
                });
            }
        }
        None => {
            for doc in &project.documents {
                let mut any = false;
                for set in project.sets.iter().filter(|s| s.document == doc.id) {
                    any = true;
                    out.push(Item {
                        doc,
                        annotator: Some(&set.annotator),
                        set: Some(set),
                    });
                }
                if !any {
                    out.push(Item {
                        doc,
                        annotator: None,
                        set: None,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Entities by id.
pub(crate) fn entity_index(project: &Project) -> HashMap<&str, &Entity> {
    project
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect()
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
    let items = items(project, opts.annotator.as_deref())?;
    let mut out = match format {
        ExportFormat::Jsonl => super::jsonl::export(project, &items, progress)?,
        ExportFormat::Doccano => super::doccano::export(project, &items, progress)?,
        ExportFormat::Brat => {
            super::brat::export(project, &items, opts.annotator.is_none(), progress)?
        }
        ExportFormat::Conll => super::conll::export(project, &items, progress)?,
        ExportFormat::Csv => super::csv::export(project, &items, opts, progress)?,
        ExportFormat::LabelStudio => super::labelstudio::export(project, &items, progress)?,
    };
    let r = &mut out.report;
    r.documents = {
        let mut ids: Vec<&str> = items.iter().map(|i| i.doc.id.as_str()).collect();
        ids.dedup();
        ids.len()
    };
    r.items = items.len();
    r.sets = items.iter().filter(|i| i.set.is_some()).count();
    r.spans = items.iter().map(|i| i.spans().len()).sum();
    r.relations = items.iter().map(|i| i.relations().len()).sum();
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
    } = render(project, format, opts, &mut *progress)?;
    match rendered {
        Rendered::File(bytes) => {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| FormatError::io(parent, e))?;
            }
            atomic::replace_atomic(out, &bytes)?;
            report.files.push(out.to_path_buf());
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
            atomic::replace_atomic_all(&placed)?;
            report.files.extend(placed.into_iter().map(|(p, _)| p));
        }
    }
    progress(report.items, report.items);
    Ok(report)
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
