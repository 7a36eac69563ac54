//! A spreadsheet of spans: one row per span, for pandas, R or Excel.
//!
//! Columns: `document`, `annotator`, `span_id`, `label`, `start`, `end` (code points,
//! end-exclusive), `text`, then one column per attribute name (the schema's, in schema
//! order, then any other name a span uses; a name that equals a fixed column is
//! written `attribute:NAME`), then `entity_id`, `entity_name`, `said_by` (the text of
//! the span(s) this span is `said_by`, joined with ` | ` — for claims, who said it)
//! and `note`, then the document's metadata: the `source` fields that some exported
//! document has (`outlet`, `url`, `date`), then one column per `meta` key that some
//! exported document has, sorted (a name already used by an earlier column is written
//! `meta:NAME`). A project without metadata gets no such column. Empty cells are
//! empty strings.
//!
//! The file is UTF-8 with a byte order mark by default (Excel needs it to read Arabic;
//! pandas reads it with `encoding="utf-8-sig"`), `--no-bom` leaves it out. Records
//! end with CRLF (RFC 4180); fields with commas, quotes or line breaks are quoted.
//! Cells are written as they are: a text starting with `=` is not neutralised, so open
//! untrusted exports in a spreadsheet with care.

use std::collections::HashMap;

use super::units::{ExportUnit, Output, entity_index, meta_column, metadata_columns, source_field};
use super::{FormatError, Progress};
use crate::model::Project;

const FIXED: [&str; 11] = [
    "document",
    "annotator",
    "span_id",
    "label",
    "start",
    "end",
    "text",
    "entity_id",
    "entity_name",
    "said_by",
    "note",
];

/// The relation type whose target names the speaker of a claim.
pub const SAID_BY: &str = "said_by";

fn csv_error(e: impl std::fmt::Display) -> FormatError {
    FormatError::Export(format!("CSV: {e}"))
}

pub(crate) fn export(
    project: &Project,
    units: &[ExportUnit],
    bom: bool,
    progress: Progress,
) -> Result<Output, FormatError> {
    let entities = entity_index(project);
    let mut attr_names: Vec<String> = Vec::new();
    for l in &project.schema.labels {
        for a in &l.attributes {
            if !attr_names.contains(&a.name) {
                attr_names.push(a.name.clone());
            }
        }
    }
    let mut extra: Vec<String> = units
        .iter()
        .flat_map(|i| i.spans())
        .flat_map(|s| s.attributes.keys())
        .filter(|n| !attr_names.contains(n))
        .cloned()
        .collect();
    extra.sort();
    extra.dedup();
    attr_names.extend(extra);

    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header: Vec<String> = FIXED[..7].iter().map(|s| s.to_string()).collect();
    for n in &attr_names {
        header.push(if FIXED.contains(&n.as_str()) {
            format!("attribute:{n}")
        } else {
            n.clone()
        });
    }
    header.extend(FIXED[7..].iter().map(|s| s.to_string()));
    let (source_cols, meta_keys) = metadata_columns(units);
    for name in source_cols
        .iter()
        .copied()
        .map(str::to_string)
        .chain(meta_keys.iter().cloned())
    {
        let name = meta_column(&header, &name);
        header.push(name);
    }
    w.write_record(&header).map_err(csv_error)?;

    for (n, unit) in units.iter().enumerate() {
        let text_of: HashMap<&str, &str> = unit
            .spans()
            .iter()
            .map(|s| (s.id.as_str(), s.text.as_str()))
            .collect();
        for s in unit.spans() {
            let said_by: Vec<&str> = unit
                .relations()
                .iter()
                .filter(|r| r.kind == SAID_BY && r.from == s.id)
                .filter_map(|r| text_of.get(r.to.as_str()).copied())
                .collect();
            let mut row: Vec<String> = vec![
                unit.doc.id.clone(),
                unit.annotator.unwrap_or("").to_string(),
                s.id.clone(),
                s.label.clone(),
                s.start.to_string(),
                s.end.to_string(),
                s.text.clone(),
            ];
            for a in &attr_names {
                row.push(s.attributes.get(a).cloned().unwrap_or_default());
            }
            row.push(s.entity.clone().unwrap_or_default());
            row.push(
                s.entity
                    .as_deref()
                    .and_then(|e| entities.get(e))
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
            );
            row.push(said_by.join(" | "));
            row.push(s.note.clone().unwrap_or_default());
            for c in &source_cols {
                row.push(source_field(unit.doc, c).to_string());
            }
            for k in &meta_keys {
                row.push(unit.doc.meta.get(k).cloned().unwrap_or_default());
            }
            w.write_record(&row).map_err(csv_error)?;
        }
        progress(n + 1, units.len());
    }
    let body = w.into_inner().map_err(csv_error)?;
    let mut bytes = Vec::with_capacity(body.len() + 3);
    if bom {
        bytes.extend_from_slice("\u{FEFF}".as_bytes());
    }
    bytes.extend_from_slice(&body);
    Ok(Output::file(bytes, Default::default()))
}
