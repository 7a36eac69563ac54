//! doccano's JSONL for sequence labelling with relations.
//!
//! ```json
//! {"id": 1, "text": "…",
//!  "entities": [{"id": 1, "label": "actor", "start_offset": 4, "end_offset": 14}],
//!  "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "said_by"}],
//!  "hashiya": {"document_id": "d1", "title": "…", "annotator": "annotator-a",
//!              "spans": {"1": {"span_id": "s1", "attributes": {"kind": "person"},
//!                              "entity_id": "e-haftar", "entity_name": "خليفة حفتر"}},
//!              "relations": {"1": "r1"}}}
//! ```
//!
//! **Document metadata** (`Document::meta`) is written as extra keys on the line,
//! where doccano keeps a task's metadata (it stores every key of an imported line
//! other than `text` and the labels as the example's `meta`, shows it beside the text
//! and writes it back on export): `{"id": 1, "text": "…", "section": "سياسة", …}`.
//! A key that is doccano's own (`id`, `text`, `entities`, `relations`, `label`,
//! `comments`, `cats`) or `hashiya` goes to `hashiya.meta` instead. On import, every
//! other key with a string, number or boolean value becomes metadata.
//!
//! **Offsets are UTF-16 code units**, as doccano (a JavaScript front end) counts them:
//! an emoji outside the BMP counts 2. Entity and relation ids are numbers unique in
//! the file, as in doccano's own export. doccano has no attributes, entity links or
//! notes; they travel in the `hashiya` object, which doccano keeps as metadata and
//! ignores otherwise, so a round trip through Hashiya loses nothing.
//!
//! On import, `text` is required; spans come from `entities` (objects as above) or
//! from `label` as `[start, end, "label"]` triples (doccano's format without
//! relations). An offset inside a surrogate pair or past the end is refused. Without
//! the `hashiya` object, the document id is `doccano-<id>` (or `<file>-<line>`), span
//! ids `s<entity id>`, relation ids `r<relation id>`, and the annotator is `doccano`
//! (`--annotator` replaces it, with or without the `hashiya` object).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::builder::{Builder, Incoming, IncomingSpan, Origin};
use super::clean::{Cleaned, utf16_to_clean_cp};
use super::reader::{import_files, json_kind, read_json_lines};
use super::units::{ExportUnit, Output, entity_index};
use super::{FormatError, ImportIssue, Progress};
use crate::model::{OffsetMap, Project, Relation, Source};

/// What doccano cannot carry, kept per line.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub document_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Source::is_empty")]
    pub source: Source,
    #[serde(default)]
    pub annotator: Option<String>,
    /// By doccano entity id (as a string).
    #[serde(default)]
    pub spans: BTreeMap<String, SpanMeta>,
    /// Hashiya relation id by doccano relation id.
    #[serde(default)]
    pub relations: BTreeMap<String, String>,
    /// Document metadata whose key is one of doccano's own (`id`, `text`…), which
    /// cannot be a key of the line; the other keys are on the line itself.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// Keys of a line that are doccano's or ours, never document metadata.
const RESERVED: [&str; 9] = [
    "id",
    "text",
    "entities",
    "relations",
    "label",
    "hashiya",
    "comments",
    "Comments",
    "cats",
];

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SpanMeta {
    #[serde(default)]
    pub span_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub(crate) fn export(
    project: &Project,
    units: &[ExportUnit],
    progress: Progress,
) -> Result<Output, FormatError> {
    let entities = entity_index(project);
    let mut out = Vec::new();
    let mut next_entity = 1u64;
    let mut next_relation = 1u64;
    for (n, unit) in units.iter().enumerate() {
        let map = OffsetMap::new(&unit.doc.text);
        let mut meta = Meta {
            document_id: Some(unit.doc.id.clone()),
            title: Some(unit.doc.title.clone()),
            source: unit.doc.source.clone(),
            annotator: unit.annotator.map(str::to_string),
            ..Default::default()
        };
        let mut ids: BTreeMap<&str, u64> = BTreeMap::new();
        let mut ents = Vec::new();
        for s in unit.spans() {
            let (Some(start), Some(end)) = (map.cp_to_utf16(s.start), map.cp_to_utf16(s.end))
            else {
                return Err(FormatError::Export(format!(
                    "document \"{}\", span \"{}\": offsets {}..{} are past the end of the text",
                    unit.doc.id, s.id, s.start, s.end
                )));
            };
            let id = next_entity;
            next_entity += 1;
            ids.insert(&s.id, id);
            ents.push(
                json!({"id": id, "label": s.label, "start_offset": start, "end_offset": end}),
            );
            meta.spans.insert(
                id.to_string(),
                SpanMeta {
                    span_id: Some(s.id.clone()),
                    attributes: s.attributes.clone().into(),
                    entity_id: s.entity.clone(),
                    entity_name: s
                        .entity
                        .as_deref()
                        .and_then(|e| entities.get(e))
                        .map(|e| e.name.clone()),
                    note: s.note.clone(),
                },
            );
        }
        let mut rels = Vec::new();
        for r in unit.relations() {
            let (Some(from), Some(to)) = (ids.get(r.from.as_str()), ids.get(r.to.as_str())) else {
                return Err(FormatError::Export(format!(
                    "document \"{}\", relation \"{}\": an end is not a span of the set",
                    unit.doc.id, r.id
                )));
            };
            let id = next_relation;
            next_relation += 1;
            rels.push(json!({"id": id, "from_id": from, "to_id": to, "type": r.kind}));
            meta.relations.insert(id.to_string(), r.id.clone());
        }
        let mut line = json!({
            "id": n + 1,
            "text": unit.doc.text,
            "entities": ents,
            "relations": rels,
        });
        for (k, v) in &unit.doc.meta {
            if RESERVED.contains(&k.as_str()) {
                meta.meta.insert(k.clone(), v.clone());
            } else {
                line[k] = json!(v);
            }
        }
        line["hashiya"] = json!(meta);
        serde_json::to_writer(&mut out, &line).map_err(|e| FormatError::Export(e.to_string()))?;
        out.push(b'\n');
        progress(n + 1, units.len());
    }
    Ok(Output::file(out, Default::default()))
}

pub(crate) fn import(b: &mut Builder, inputs: &[PathBuf], progress: Progress) {
    import_files(b, inputs, &["jsonl", "ndjson"], progress, |b, path| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        read_json_lines(b, path, |b, value, origin| {
            b.add(incoming(&value, origin, &stem)?);
            Ok(())
        })
    });
}

fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn offset(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_u64).map(|n| n as usize)
}

fn incoming(value: &Value, origin: Origin, stem: &str) -> Result<Incoming, ImportIssue> {
    let obj = value
        .as_object()
        .ok_or_else(|| origin.issue("not a JSON object"))?;
    let Some(raw) = obj.get("text").and_then(Value::as_str) else {
        return Err(
            origin.issue("no \"text\" string; a doccano line needs the document text in \"text\"")
        );
    };
    let mut meta: Meta = match obj.get("hashiya") {
        None | Some(Value::Null) => Meta::default(),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| origin.issue(format!("\"hashiya\" metadata is malformed: {e}")))?,
    };
    let mut doc_meta = std::mem::take(&mut meta.meta);
    for (k, v) in obj {
        if RESERVED.contains(&k.as_str()) {
            continue;
        }
        let v = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        doc_meta.insert(k.clone(), v);
    }
    let map = OffsetMap::new(raw);
    let cleaned = Cleaned::new(raw);
    let conv = |unit: usize, what: &str| -> Result<usize, ImportIssue> {
        utf16_to_clean_cp(&map, &cleaned, unit).map_err(|e| origin.issue(format!("{what}: {e}")))
    };

    let mut spans = Vec::new();
    let mut span_of: BTreeMap<String, String> = BTreeMap::new();
    match (obj.get("entities"), obj.get("label")) {
        (Some(Value::Array(ents)), _) => {
            for (i, e) in ents.iter().enumerate() {
                let what = format!("entity {}", i + 1);
                let Some(e) = e.as_object() else {
                    return Err(origin.issue(format!("{what} is {}, not an object", json_kind(e))));
                };
                let eid = e
                    .get("id")
                    .and_then(id_string)
                    .unwrap_or_else(|| (i + 1).to_string());
                let what = format!("entity {eid}");
                let (Some(start), Some(end)) =
                    (offset(e.get("start_offset")), offset(e.get("end_offset")))
                else {
                    return Err(origin.issue(format!(
                        "{what}: needs whole-number \"start_offset\" and \"end_offset\""
                    )));
                };
                let Some(label) = e.get("label").and_then(Value::as_str) else {
                    return Err(origin.issue(format!("{what}: needs a \"label\" string")));
                };
                let m = meta.spans.get(&eid).cloned().unwrap_or_default();
                let span_id = m.span_id.clone().unwrap_or_else(|| format!("s{eid}"));
                if span_of.insert(eid.clone(), span_id.clone()).is_some() {
                    return Err(origin.issue(format!("{what}: the id is used twice")));
                }
                spans.push(IncomingSpan {
                    id: span_id,
                    start: conv(start, &what)?,
                    end: conv(end, &what)?,
                    label: label.to_string(),
                    attributes: m.attributes,
                    entity_id: m.entity_id,
                    entity_name: m.entity_name,
                    note: m.note,
                    ..Default::default()
                });
            }
        }
        (Some(other), _) => {
            return Err(origin.issue(format!(
                "\"entities\" is {}, not an array",
                json_kind(other)
            )));
        }
        (None, Some(Value::Array(labels))) => {
            for (i, l) in labels.iter().enumerate() {
                let what = format!("label {}", i + 1);
                let triple = l.as_array().filter(|a| a.len() == 3);
                let Some(((start, end), label)) = triple.and_then(|a| {
                    Some(((offset(a.first())?, offset(a.get(1))?), a.get(2)?.as_str()?))
                }) else {
                    return Err(origin.issue(format!(
                        "{what}: expected [start, end, \"label\"]{}",
                        if l.is_string() {
                            " (this looks like a text classification export, which Hashiya does not import)"
                        } else {
                            ""
                        }
                    )));
                };
                spans.push(IncomingSpan {
                    id: format!("s{}", i + 1),
                    start: conv(start, &what)?,
                    end: conv(end, &what)?,
                    label: label.to_string(),
                    ..Default::default()
                });
            }
        }
        (None, Some(other)) => {
            return Err(origin.issue(format!(
                "\"label\" is {}, not an array of [start, end, \"label\"]",
                json_kind(other)
            )));
        }
        (None, None) => {}
    }

    let relations = relations(obj, &meta, &span_of, &origin)?;

    let id = meta
        .document_id
        .clone()
        .or_else(|| {
            obj.get("id")
                .and_then(id_string)
                .map(|i| format!("doccano-{i}"))
        })
        .unwrap_or_else(|| format!("{stem}-{}", origin.line.unwrap_or(0)));
    Ok(Incoming {
        origin,
        id,
        title: meta.title,
        source: meta.source,
        text: cleaned.text,
        meta: doc_meta,
        id_generated: false,
        annotated: meta.annotator.is_some() || !spans.is_empty(),
        annotator: meta.annotator,
        spans,
        relations,
    })
}

/// The line's `relations`, between its entities (by their span ids); a relation's id
/// is the one Hashiya exported, else `r<doccano id>`.
fn relations(
    obj: &Map<String, Value>,
    meta: &Meta,
    span_of: &BTreeMap<String, String>,
    origin: &Origin,
) -> Result<Vec<Relation>, ImportIssue> {
    let mut relations = Vec::new();
    if let Some(rels) = obj.get("relations") {
        let Some(rels) = rels.as_array() else {
            return Err(origin.issue(format!(
                "\"relations\" is {}, not an array",
                json_kind(rels)
            )));
        };
        for (i, r) in rels.iter().enumerate() {
            let rid = r
                .get("id")
                .and_then(id_string)
                .unwrap_or_else(|| (i + 1).to_string());
            let what = format!("relation {rid}");
            let end = |key: &str| -> Result<String, ImportIssue> {
                let v = r
                    .get(key)
                    .and_then(id_string)
                    .ok_or_else(|| origin.issue(format!("{what}: needs \"{key}\"")))?;
                span_of.get(&v).cloned().ok_or_else(|| {
                    origin.issue(format!("{what}: {key} {v} is not an entity of this line"))
                })
            };
            let (from, to) = (end("from_id")?, end("to_id")?);
            let Some(kind) = r.get("type").and_then(Value::as_str) else {
                return Err(origin.issue(format!("{what}: needs a \"type\" string")));
            };
            relations.push(Relation {
                id: meta
                    .relations
                    .get(&rid)
                    .cloned()
                    .unwrap_or_else(|| format!("r{rid}")),
                kind: kind.to_string(),
                from,
                to,
            });
        }
    }
    Ok(relations)
}
