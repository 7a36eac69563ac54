//! Label Studio's JSON export: a list of tasks with their annotations.
//!
//! ```json
//! [{"id": 1,
//!   "data": {"text": "…", "document_id": "d1", "title": "…", "meta": {"section": "…"}},
//!   "annotations": [{"id": 1, "hashiya_annotator": "annotator-a", "was_cancelled": false,
//!     "result": [
//!       {"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
//!        "value": {"start": 4, "end": 14, "text": "خليفة حفتر", "labels": ["actor"]},
//!        "meta": {"text": ["a note"]}},
//!       {"id": "s1", "from_name": "kind", "to_name": "text", "type": "choices",
//!        "value": {"start": 4, "end": 14, "choices": ["person"]}},
//!       {"id": "s1", "from_name": "entity_id", "to_name": "text", "type": "textarea",
//!        "value": {"start": 4, "end": 14, "text": ["e-haftar"]}},
//!       {"id": "s1", "from_name": "entity_name", "to_name": "text", "type": "textarea",
//!        "value": {"start": 4, "end": 14, "text": ["خليفة حفتر"]}},
//!       {"from_id": "s2", "to_id": "s1", "type": "relation", "direction": "right",
//!        "labels": ["said_by"]}]}],
//!   "predictions": []}]
//! ```
//!
//! **Document metadata** (`Document::meta`) is the object `data.meta` (key → string),
//! left out when empty: Label Studio keeps every `data` field of a task as it is, shows
//! it in the Data Manager and can display it in the labeling view (`$meta`), whereas
//! the task-level `meta` is internal to Label Studio and not shown. `data.source`
//! holds outlet, URL and date. Both are read back on import.
//!
//! One task per document, one annotation per annotator's set. **Offsets are UTF-16
//! code units** (Label Studio slices the text as a JavaScript string). A span is a
//! `labels` region whose id is the Hashiya span id; its attributes are per-region
//! results with the same id: `choices` for attributes with a fixed value list, else
//! `textarea`; its entity link is two `textarea` results named `entity_id` and
//! `entity_name`; its note is the region's `meta.text`. Relations are `relation`
//! results (Label Studio relations have no id; they get `r1`, `r2`… on import).
//! The labeling config to use in Label Studio names a `Labels` control `label`, a
//! `Text` object `text`, and per-region controls named after the attributes.
//!
//! On import, `data.text` is required; the document id is `data.document_id`, else
//! `labelstudio-<task id>`; the annotator is `hashiya_annotator`, else the
//! `completed_by` user's email, else `labelstudio-user-<id>`, else `labelstudio`
//! (`--annotator` replaces all of these).
//! Cancelled annotations and `predictions` are skipped. A region with several labels,
//! a result type Hashiya has no place for, or an offset inside a surrogate pair is
//! refused with its task, annotation and result number.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::builder::{Builder, Incoming, IncomingSpan, Origin};
use super::clean::{Cleaned, clean_fragment, decode_utf8, utf16_to_clean_cp};
use super::reader::{import_files, json_kind, read_file, strip_position};
use super::units::{ExportUnit, Output, entity_index};
use super::{FormatError, ImportIssue, Progress};
use crate::model::{Document, OffsetMap, Project, Relation, Source};
use crate::store::limits::MAX_PROJECT_BYTES;

pub(crate) fn export(
    project: &Project,
    units: &[ExportUnit],
    progress: Progress,
) -> Result<Output, FormatError> {
    let entities = entity_index(project);
    // One task per document, its annotations in unit order.
    let mut tasks: Vec<(&Document, Vec<Value>)> = Vec::new();
    let mut annotation_id = 1u64;
    for (n, unit) in units.iter().enumerate() {
        if tasks.last().is_none_or(|(d, _)| d.id != unit.doc.id) {
            tasks.push((unit.doc, Vec::new()));
        }
        if let (Some(set), Some((_, anns))) = (unit.set, tasks.last_mut()) {
            let map = OffsetMap::new(&unit.doc.text);
            let mut result = Vec::new();
            for s in &set.spans {
                let (Some(start), Some(end)) = (map.cp_to_utf16(s.start), map.cp_to_utf16(s.end))
                else {
                    return Err(FormatError::Export(format!(
                        "document \"{}\", span \"{}\": offsets {}..{} are past the end of the text",
                        unit.doc.id, s.id, s.start, s.end
                    )));
                };
                let mut region = json!({
                    "id": s.id, "from_name": "label", "to_name": "text", "type": "labels",
                    "origin": "manual",
                    "value": {"start": start, "end": end, "text": s.text, "labels": [s.label]},
                });
                if let Some(note) = &s.note {
                    region["meta"] = json!({"text": [note]});
                }
                result.push(region);
                let def = project.schema.label(&s.label);
                for (name, value) in &s.attributes {
                    let fixed = def
                        .and_then(|l| l.attributes.iter().find(|a| &a.name == name))
                        .is_some_and(|a| !a.is_free_text());
                    let (kind, key) = if fixed {
                        ("choices", "choices")
                    } else {
                        ("textarea", "text")
                    };
                    result.push(json!({
                        "id": s.id, "from_name": name, "to_name": "text", "type": kind,
                        "value": {"start": start, "end": end, key: [value]},
                    }));
                }
                if let Some(eid) = &s.entity {
                    let name = entities.get(eid.as_str()).map(|e| e.name.as_str());
                    for (control, v) in [("entity_id", Some(eid.as_str())), ("entity_name", name)] {
                        if let Some(v) = v {
                            result.push(json!({
                                "id": s.id, "from_name": control, "to_name": "text",
                                "type": "textarea",
                                "value": {"start": start, "end": end, "text": [v]},
                            }));
                        }
                    }
                }
            }
            for r in &set.relations {
                result.push(json!({
                    "from_id": r.from, "to_id": r.to, "type": "relation",
                    "direction": "right", "labels": [r.kind],
                }));
            }
            anns.push(json!({
                "id": annotation_id,
                "hashiya_annotator": set.annotator,
                "was_cancelled": false,
                "ground_truth": false,
                "result": result,
            }));
            annotation_id += 1;
        }
        progress(n + 1, units.len());
    }
    let tasks: Vec<Value> = tasks
        .into_iter()
        .enumerate()
        .map(|(i, (doc, anns))| {
            let mut data = json!({"text": doc.text, "document_id": doc.id, "title": doc.title});
            if !doc.source.is_empty() {
                data["source"] = json!(doc.source);
            }
            if !doc.meta.is_empty() {
                data["meta"] = json!(doc.meta);
            }
            json!({"id": i + 1, "data": data, "annotations": anns, "predictions": []})
        })
        .collect();
    let mut bytes =
        serde_json::to_vec_pretty(&tasks).map_err(|e| FormatError::Export(e.to_string()))?;
    bytes.push(b'\n');
    Ok(Output::file(bytes, Default::default()))
}

pub(crate) fn import(b: &mut Builder, inputs: &[PathBuf], progress: Progress) {
    import_files(b, inputs, &["json"], progress, import_file);
}

fn import_file(b: &mut Builder, path: &Path) -> Result<(), ImportIssue> {
    let bytes = read_file(path, MAX_PROJECT_BYTES)?;
    let text = decode_utf8(path, &bytes)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportIssue::new(
            path,
            Some(e.line()),
            format!(
                "invalid JSON at column {}: {}",
                e.column(),
                strip_position(&e.to_string())
            ),
        )
    })?;
    let tasks = match value {
        Value::Array(tasks) => tasks,
        task @ Value::Object(_) => vec![task],
        other => {
            return Err(ImportIssue::new(
                path,
                None,
                format!(
                    "the file is {}; a Label Studio export is a list of tasks",
                    json_kind(&other)
                ),
            ));
        }
    };
    let origin = Origin::new(path, None);
    for (i, task) in tasks.iter().enumerate() {
        if let Err(reason) = task_incomings(b, task, &origin) {
            b.issue(origin.issue(format!("task {}: {reason}", i + 1)));
        }
    }
    Ok(())
}

fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Adds one task's document and each annotation's set.
fn task_incomings(b: &mut Builder, task: &Value, origin: &Origin) -> Result<(), String> {
    let task = task
        .as_object()
        .ok_or_else(|| format!("is {}, not an object", json_kind(task)))?;
    let data = task
        .get("data")
        .and_then(Value::as_object)
        .ok_or("no \"data\" object")?;
    let raw = data
        .get("text")
        .and_then(Value::as_str)
        .ok_or("no \"data.text\" string (Hashiya reads the document text from data.text)")?;
    let task_id = task.get("id").and_then(id_string);
    let doc_id = data
        .get("document_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| task_id.as_ref().map(|i| format!("labelstudio-{i}")))
        .ok_or("neither data.document_id nor a task id to name the document")?;
    let title = data
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_string);
    let source: Source = match data.get("source") {
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| format!("data.source: {e}"))?,
        None => Source::default(),
    };
    let mut meta = std::collections::BTreeMap::new();
    match data.get("meta") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => continue,
                    other => {
                        return Err(format!("data.meta.{k} is {}, not text", json_kind(other)));
                    }
                };
                meta.insert(k.clone(), v);
            }
        }
        Some(other) => return Err(format!("data.meta is {}, not an object", json_kind(other))),
    }
    let map = OffsetMap::new(raw);
    let cleaned = Cleaned::new(raw);
    let base = Incoming {
        origin: origin.clone(),
        id: doc_id,
        title,
        source,
        text: cleaned.text.clone(),
        meta,
        id_generated: false,
        annotator: None,
        annotated: false,
        spans: Vec::new(),
        relations: Vec::new(),
    };
    let anns = match task.get("annotations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => {
            return Err(format!(
                "\"annotations\" is {}, not a list",
                json_kind(other)
            ));
        }
    };
    let live: Vec<(usize, &Value)> = anns
        .into_iter()
        .enumerate()
        .filter(|(_, a)| a.get("was_cancelled").and_then(Value::as_bool) != Some(true))
        .collect();
    if live.is_empty() {
        b.add(base);
        return Ok(());
    }
    for (j, ann) in live {
        let mut inc = base.clone();
        annotation(&mut inc, ann, &map, &cleaned)
            .map_err(|e| format!("annotation {}: {e}", j + 1))?;
        b.add(inc);
    }
    Ok(())
}

/// Fills `inc` with one annotation's spans and relations.
fn annotation(
    inc: &mut Incoming,
    ann: &Value,
    map: &OffsetMap,
    cleaned: &Cleaned,
) -> Result<(), String> {
    let ann = ann.as_object().ok_or("is not an object")?;
    inc.annotated = true;
    inc.annotator = annotator_of(ann);
    let results = match ann.get("result") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(r)) => r.iter().collect(),
        Some(other) => return Err(format!("\"result\" is {}, not a list", json_kind(other))),
    };
    // Regions first (a per-region result may come before its region), then the rest.
    let mut order: HashMap<String, usize> = HashMap::new();
    for (k, r) in results.iter().enumerate() {
        region(inc, &mut order, k, r, map, cleaned)?;
    }
    let mut used: HashSet<String> = order.keys().cloned().collect();
    let mut next_relation = 1;
    for (k, r) in results.iter().enumerate() {
        let what = format!("result {}", k + 1);
        let Some(r) = r.as_object() else { continue };
        let kind = r.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "labels" => {}
            "relation" => {
                let rel = relation(r, &what, &order, &mut used, &mut next_relation)?;
                inc.relations.push(rel);
            }
            "choices" | "textarea" => region_value(inc, r, kind, &what, &order)?,
            other => {
                return Err(format!(
                    "{what}: a \"{other}\" result; Hashiya imports labels regions, per-region choices and textareas, and relations"
                ));
            }
        }
    }
    Ok(())
}

/// Who made an annotation: Hashiya's own field, else Label Studio's user (e-mail, or
/// `labelstudio-user-<id>`).
fn annotator_of(ann: &Map<String, Value>) -> Option<String> {
    ann.get("hashiya_annotator")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| match ann.get("completed_by") {
            Some(Value::Object(u)) => u
                .get("email")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    u.get("id")
                        .and_then(id_string)
                        .map(|i| format!("labelstudio-user-{i}"))
                }),
            Some(v) => id_string(v).map(|i| format!("labelstudio-user-{i}")),
            None => None,
        })
}

/// A `labels` result (a region) becomes a span; other results are left for later.
fn region(
    inc: &mut Incoming,
    order: &mut HashMap<String, usize>,
    k: usize,
    r: &Value,
    map: &OffsetMap,
    cleaned: &Cleaned,
) -> Result<(), String> {
    let what = format!("result {}", k + 1);
    let r = r.as_object().ok_or(format!("{what} is not an object"))?;
    if r.get("type").and_then(Value::as_str) != Some("labels") {
        return Ok(());
    }
    let id = r
        .get("id")
        .and_then(id_string)
        .ok_or(format!("{what}: a region without \"id\""))?;
    let value = r
        .get("value")
        .and_then(Value::as_object)
        .ok_or(format!("{what}: no \"value\""))?;
    let labels: Vec<&str> = value
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let label = match labels.as_slice() {
        [one] => one.to_string(),
        [] => return Err(format!("{what}: region \"{id}\" has no label")),
        many => {
            return Err(format!(
                "{what}: region \"{id}\" has {} labels ({}); a Hashiya span has one",
                many.len(),
                many.join(", ")
            ));
        }
    };
    let (start, end) = bounds(value, map, cleaned).map_err(|e| format!("{what}: {e}"))?;
    let note = r
        .get("meta")
        .and_then(|m| m.get("text"))
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|n| !n.is_empty());
    if order.insert(id.clone(), inc.spans.len()).is_some() {
        return Err(format!("{what}: region id \"{id}\" is used twice"));
    }
    inc.spans.push(IncomingSpan {
        id,
        start,
        end,
        label,
        text: value
            .get("text")
            .and_then(Value::as_str)
            .map(clean_fragment),
        note,
        ..Default::default()
    });
    Ok(())
}

/// A `relation` result between two regions of this annotation; its type is its one
/// label. Ids `r1`, `r2`… not used by a region.
fn relation(
    r: &Map<String, Value>,
    what: &str,
    order: &HashMap<String, usize>,
    used: &mut HashSet<String>,
    next_relation: &mut usize,
) -> Result<Relation, String> {
    let end = |key: &str| {
        r.get(key)
            .and_then(id_string)
            .filter(|id| order.contains_key(id))
            .ok_or(format!(
                "{what}: relation \"{key}\" is not a region of this annotation"
            ))
    };
    let (from, to) = (end("from_id")?, end("to_id")?);
    let labels: Vec<&str> = r
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [label] = labels.as_slice() else {
        return Err(format!(
            "{what}: a relation needs exactly one label (its type), it has {}",
            labels.len()
        ));
    };
    let mut id = format!("r{}", *next_relation);
    while used.contains(&id) {
        *next_relation += 1;
        id = format!("r{}", *next_relation);
    }
    used.insert(id.clone());
    *next_relation += 1;
    Ok(Relation {
        id,
        kind: label.to_string(),
        from,
        to,
    })
}

/// A per-region `choices` or `textarea` result: an attribute of its region's span (or
/// its entity's id or name).
fn region_value(
    inc: &mut Incoming,
    r: &Map<String, Value>,
    kind: &str,
    what: &str,
    order: &HashMap<String, usize>,
) -> Result<(), String> {
    let id = r.get("id").and_then(id_string);
    let Some(&at) = id.as_ref().and_then(|id| order.get(id)) else {
        return Err(format!(
            "{what}: a {kind} result that belongs to no region (document-level classification is not imported)"
        ));
    };
    let name = r
        .get("from_name")
        .and_then(Value::as_str)
        .ok_or(format!("{what}: no \"from_name\""))?;
    let key = if kind == "choices" { "choices" } else { "text" };
    let values: Vec<&str> = r
        .get("value")
        .and_then(|v| v.get(key))
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let value = match (kind, values.as_slice()) {
        (_, [one]) => one.to_string(),
        ("textarea", many) if !many.is_empty() => many.join("\n"),
        (_, other) => {
            return Err(format!(
                "{what}: \"{name}\" needs one value, it has {}",
                other.len()
            ));
        }
    };
    let span = &mut inc.spans[at];
    match name {
        "entity_id" => span.entity_id = Some(value),
        "entity_name" => span.entity_name = Some(value),
        _ => {
            span.attributes.insert(name.to_string(), value);
        }
    }
    Ok(())
}

fn bounds(
    value: &Map<String, Value>,
    map: &OffsetMap,
    cleaned: &Cleaned,
) -> Result<(usize, usize), String> {
    let get = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_u64)
            .map(|n| n as usize)
            .ok_or(format!(
                "value.{key} is not a whole number (only plain-text regions are imported)"
            ))
    };
    let start = utf16_to_clean_cp(map, cleaned, get("start")?).map_err(|e| format!("start {e}"))?;
    let end = utf16_to_clean_cp(map, cleaned, get("end")?).map_err(|e| format!("end {e}"))?;
    Ok((start, end))
}
