//! What every format writer takes and returns: the [`ExportUnit`]s a project is cut
//! into, and the [`Output`] (bytes and counts) a writer makes of them.
//!
//! The unit of export is one document with at most one annotator's set. With an
//! annotator chosen (`--set NAME`) there is one unit per document, carrying that
//! annotator's set (or none where they did not annotate the document). Without one,
//! there is one unit per set, in document order, plus one bare unit for each document
//! nobody annotated, so no text is left out. [`units`] makes that cut; the writers
//! (`jsonl`, `doccano`, `brat`, `conll`, `csv`, `labelstudio`) read units and return
//! an [`Output`], and the `export` module only picks the writer and writes the files,
//! so this module is all the two sides share.

use std::collections::HashMap;
use std::path::PathBuf;

use super::FormatError;
use crate::model::{AnnotationSet, Document, Entity, Project, Relation, Span};

/// One document and at most one annotator's set on it: a document with one
/// annotator's set, or a document nobody annotated.
#[derive(Debug, Clone, Copy)]
pub struct ExportUnit<'a> {
    pub doc: &'a Document,
    pub annotator: Option<&'a str>,
    pub set: Option<&'a AnnotationSet>,
}

impl<'a> ExportUnit<'a> {
    pub fn spans(&self) -> &'a [Span] {
        self.set.map_or(&[], |s| &s.spans)
    }

    pub fn relations(&self) -> &'a [Relation] {
        self.set.map_or(&[], |s| &s.relations)
    }
}

/// The units to export: see the module documentation.
pub fn units<'a>(
    project: &'a Project,
    annotator: Option<&str>,
) -> Result<Vec<ExportUnit<'a>>, FormatError> {
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
                out.push(ExportUnit {
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
                    out.push(ExportUnit {
                        doc,
                        annotator: Some(&set.annotator),
                        set: Some(set),
                    });
                }
                if !any {
                    out.push(ExportUnit {
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

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct ExportReport {
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
    pub documents: usize,
    /// Export units ([`ExportUnit`]s): the `total` of the progress callback.
    pub items: usize,
    /// Annotation sets exported.
    pub sets: usize,
    pub spans: usize,
    pub relations: usize,
    /// Things the user should know (spans a format could not represent…).
    pub notes: Vec<String>,
}
