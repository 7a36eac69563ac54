//! Hashiya's own JSON Lines format: one document (with one annotator's set) per line.
//!
//! ```json
//! {"id": "d1", "title": "…", "source": {"outlet": "…"}, "text": "…", "meta": {"section": "…"},
//!  "annotator": "annotator-a",
//!  "spans": [{"id": "s1", "start": 4, "end": 14, "label": "actor", "text": "خليفة حفتر",
//!             "attributes": {"kind": "person"}, "entity_id": "e-haftar", "entity_name": "خليفة حفتر",
//!             "note": "…"}],
//!  "relations": [{"id": "r1", "type": "said_by", "from": "s2", "to": "s1"}]}
//! ```
//!
//! Offsets are Unicode code points, end-exclusive — Python `text[start:end]` — and
//! `text` of a span is that slice. `source`, `meta` (the document's free metadata,
//! key → string) and `note` are left out when empty;
//! `annotator` is `null` for a document nobody annotated; `entity_id`/`entity_name`
//! are `null` for spans without an entity link. Lines are in document order.
//!
//! On import, `id`, `text` and each span's `start`, `end`, `label` are required;
//! `title` defaults to the first non-empty line, span ids to `s1`, `s2`…, relation ids
//! to `r1`…; `kind` is accepted for `type`. A span's `text`, when given, must equal
//! the text at its offsets. Several lines may carry the same document (same id and
//! text) with different annotators. Blank lines are skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::builder::{Builder, Incoming, IncomingSpan, Origin};
use super::clean::{Cleaned, clean_fragment};
use super::reader::{import_files, read_json_lines};
use super::units::{ExportUnit, Output, entity_index};
use super::{FormatError, ImportIssue, Progress};
use crate::model::{Project, Relation, Source};

/// One line of the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Source::is_empty")]
    pub source: Source,
    pub text: String,
    /// The document's free metadata (`Document::meta`), left out when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub spans: Vec<LineSpan>,
    #[serde(default)]
    pub relations: Vec<LineRelation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineSpan {
    #[serde(default)]
    pub id: Option<String>,
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub entity_id: Option<String>,
    #[serde(default)]
    pub entity_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineRelation {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "type", alias = "kind")]
    pub kind: String,
    pub from: String,
    pub to: String,
}

pub(crate) fn export(
    project: &Project,
    units: &[ExportUnit],
    progress: Progress,
) -> Result<Output, FormatError> {
    let entities = entity_index(project);
    let mut out = Vec::new();
    for (n, unit) in units.iter().enumerate() {
        let line = Line {
            id: unit.doc.id.clone(),
            title: Some(unit.doc.title.clone()),
            source: unit.doc.source.clone(),
            text: unit.doc.text.clone(),
            meta: unit.doc.meta.clone(),
            annotator: unit.annotator.map(str::to_string),
            spans: unit
                .spans()
                .iter()
                .map(|s| LineSpan {
                    id: Some(s.id.clone()),
                    start: s.start,
                    end: s.end,
                    label: s.label.clone(),
                    text: Some(s.text.clone()),
                    attributes: s.attributes.clone().into(),
                    entity_id: s.entity.clone(),
                    entity_name: s
                        .entity
                        .as_deref()
                        .and_then(|e| entities.get(e))
                        .map(|e| e.name.clone()),
                    note: s.note.clone(),
                })
                .collect(),
            relations: unit
                .relations()
                .iter()
                .map(|r| LineRelation {
                    id: Some(r.id.clone()),
                    kind: r.kind.clone(),
                    from: r.from.clone(),
                    to: r.to.clone(),
                })
                .collect(),
        };
        serde_json::to_writer(&mut out, &line).map_err(|e| FormatError::Export(e.to_string()))?;
        out.push(b'\n');
        progress(n + 1, units.len());
    }
    Ok(Output::file(out, Default::default()))
}

pub(crate) fn import(b: &mut Builder, inputs: &[PathBuf], progress: Progress) {
    import_files(b, inputs, &["jsonl", "ndjson"], progress, |b, path| {
        read_json_lines(b, path, |b, value, origin| {
            let line: Line = serde_json::from_value(value)
                .map_err(|e| origin.issue(format!("not a Hashiya JSONL document: {e}")))?;
            b.add(incoming(line, origin)?);
            Ok(())
        })
    });
}

fn incoming(line: Line, origin: Origin) -> Result<Incoming, ImportIssue> {
    let cleaned = Cleaned::new(&line.text);
    let raw_len = cleaned.raw_len();
    let mut spans = Vec::with_capacity(line.spans.len());
    for (i, s) in line.spans.into_iter().enumerate() {
        let id = s.id.unwrap_or_else(|| format!("s{}", i + 1));
        if s.start > raw_len || s.end > raw_len {
            return Err(origin.issue(format!(
                "span \"{id}\": {}..{} is past the end of the text ({raw_len} code points); offsets count Unicode code points",
                s.start, s.end
            )));
        }
        spans.push(IncomingSpan {
            id,
            start: cleaned.map(s.start),
            end: cleaned.map(s.end),
            label: s.label,
            text: s.text.map(|t| clean_fragment(&t)),
            attributes: s.attributes,
            entity_id: s.entity_id,
            entity_name: s.entity_name,
            note: s.note,
            line: None,
        });
    }
    let relations = line
        .relations
        .into_iter()
        .enumerate()
        .map(|(i, r)| Relation {
            id: r.id.unwrap_or_else(|| format!("r{}", i + 1)),
            kind: r.kind,
            from: r.from,
            to: r.to,
        })
        .collect();
    Ok(Incoming {
        origin,
        id: line.id,
        title: line.title,
        source: line.source,
        text: cleaned.text,
        meta: line.meta,
        id_generated: false,
        annotated: line.annotator.is_some() || !spans.is_empty(),
        annotator: line.annotator,
        spans,
        relations,
    })
}
