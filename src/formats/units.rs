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
    /// Files written beside a one-file output, in the same folder, named after it:
    /// `("metadata.csv", …)` beside `out.conll` is `out.metadata.csv`.
    pub side_files: Vec<(String, Vec<u8>)>,
}

impl Output {
    /// One file and counts, nothing beside it.
    pub fn file(bytes: Vec<u8>, report: ExportReport) -> Self {
        Output {
            rendered: Rendered::File(bytes),
            report,
            side_files: Vec::new(),
        }
    }
}

/// The document metadata columns of an export, in order: the `source` fields that
/// some exported document has (`outlet`, `url`, `date`), then every `meta` key that
/// some exported document has, sorted.
pub(crate) fn metadata_columns(units: &[ExportUnit]) -> (Vec<&'static str>, Vec<String>) {
    let mut source = Vec::new();
    for (name, has) in [
        (
            "outlet",
            (|d: &Document| d.source.outlet.is_some()) as fn(&Document) -> bool,
        ),
        ("url", |d: &Document| d.source.url.is_some()),
        ("date", |d: &Document| d.source.date.is_some()),
    ] {
        if units.iter().any(|u| has(u.doc)) {
            source.push(name);
        }
    }
    let keys: std::collections::BTreeSet<&String> =
        units.iter().flat_map(|u| u.doc.meta.keys()).collect();
    (source, keys.into_iter().cloned().collect())
}

/// The value of a `source` column of [`metadata_columns`] for `doc`.
pub(crate) fn source_field<'d>(doc: &'d Document, name: &str) -> &'d str {
    match name {
        "outlet" => doc.source.outlet.as_deref(),
        "url" => doc.source.url.as_deref(),
        "date" => doc.source.date.as_deref(),
        _ => None,
    }
    .unwrap_or("")
}

/// The side file of formats that have no place for document metadata (CoNLL, brat):
/// a CSV with a row per exported document — `document`, `title`, then the columns of
/// [`metadata_columns`] — or `None` if no exported document has any metadata. UTF-8
/// (with a byte order mark if `bom`), CRLF, quoted where needed, like the CSV export.
pub(crate) fn metadata_csv(
    units: &[ExportUnit],
    bom: bool,
) -> Result<Option<Vec<u8>>, FormatError> {
    let (source, keys) = metadata_columns(units);
    if source.is_empty() && keys.is_empty() {
        return Ok(None);
    }
    let err = |e: ::csv::Error| FormatError::Export(format!("metadata CSV: {e}"));
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header: Vec<String> = ["document", "title"]
        .into_iter()
        .chain(source.iter().copied())
        .map(str::to_string)
        .collect();
    for key in &keys {
        header.push(meta_column(&header, key));
    }
    w.write_record(&header).map_err(err)?;
    let mut seen = std::collections::HashSet::new();
    for u in units {
        if !seen.insert(u.doc.id.as_str()) {
            continue;
        }
        let mut row: Vec<&str> = vec![&u.doc.id, &u.doc.title];
        row.extend(source.iter().map(|s| source_field(u.doc, s)));
        row.extend(
            keys.iter()
                .map(|k| u.doc.meta.get(k).map_or("", String::as_str)),
        );
        w.write_record(&row).map_err(err)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| FormatError::Export(format!("metadata CSV: {e}")))?;
    let mut bytes = Vec::with_capacity(body.len() + 3);
    if bom {
        bytes.extend_from_slice("\u{FEFF}".as_bytes());
    }
    bytes.extend_from_slice(&body);
    Ok(Some(bytes))
}

/// The column name of `meta` key `key` after the columns `header`: the key, or
/// `meta:KEY` when an earlier column has that name (a document's `meta` may hold a
/// `title` or a `document`; `meta:meta:KEY` if that is taken too), so that every
/// column name is unique. The span CSV export names its columns the same way.
pub(crate) fn meta_column(header: &[String], key: &str) -> String {
    let mut name = key.to_string();
    while header.contains(&name) {
        name = format!("meta:{name}");
    }
    name
}

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct ExportReport {
    /// Every file of the export, in order (written, or already up to date).
    pub files: Vec<PathBuf>,
    /// Of those, how many already held exactly their new content and were left alone.
    pub unchanged: usize,
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
