//! Builders for edits of the label schema (rename, recolour, remove labels, with what
//! that means for the spans and entities that use them), and the label counts the
//! schema editor shows. Re-exported from [`super::edit`].

use super::error::EditError;
use super::history::{Command, Op, SetKey};
use super::project::Project;

/// Replaces the schema with `new`, applying `renames` (old label id → new id) to every
/// span and entity, and relabelling spans of removed labels to `relabel[old]` (spans
/// of a removed label with no relabel target make the edit fail: the caller asks first).
/// One undoable step.
pub fn change_schema(
    p: &Project,
    new: super::LabelSchema,
    renames: &std::collections::BTreeMap<String, String>,
    relabel: &std::collections::BTreeMap<String, String>,
) -> Result<Command, EditError> {
    let mut ids = std::collections::HashSet::new();
    for l in &new.labels {
        if l.id.trim().is_empty() {
            return Err(EditError::LabelWithoutId);
        }
        if !ids.insert(l.id.as_str()) {
            return Err(EditError::DuplicateLabelId(l.id.clone()));
        }
        if super::schema::parse_color(&l.color).is_none() {
            return Err(EditError::BadColour(l.id.clone()));
        }
    }
    let target = |old: &str| -> Result<Option<String>, EditError> {
        let mapped = renames.get(old).cloned().unwrap_or_else(|| old.to_string());
        if new.label(&mapped).is_some() {
            return Ok((mapped != old).then_some(mapped));
        }
        match relabel.get(old) {
            Some(t) if new.label(t).is_some() => Ok(Some(t.clone())),
            _ => Err(EditError::RemovedLabelInUse(old.into())),
        }
    };
    let mut ops = Vec::new();
    for set in &p.sets {
        let key = SetKey::new(&set.annotator, &set.document);
        for s in &set.spans {
            if let Some(l) = target(&s.label)? {
                let mut after = s.clone();
                after.label = l;
                ops.push(Op::ReplaceSpan {
                    set: key.clone(),
                    before: s.clone(),
                    after,
                });
            }
        }
    }
    for e in &p.entities {
        if let Some(l) = target(&e.label)? {
            let mut after = e.clone();
            after.label = l;
            ops.push(Op::ReplaceEntity {
                before: e.clone(),
                after,
            });
        }
    }
    if new != p.schema {
        ops.push(Op::ReplaceSchema {
            before: p.schema.clone(),
            after: new,
        });
    }
    if ops.is_empty() {
        return Err(EditError::NothingChanged);
    }
    Ok(Command::new("Edit label schema", ops))
}

/// How many spans (across all sets) carry each label.
pub fn label_usage(p: &Project) -> std::collections::HashMap<String, usize> {
    let mut m = std::collections::HashMap::new();
    for set in &p.sets {
        for s in &set.spans {
            *m.entry(s.label.clone()).or_insert(0) += 1;
        }
    }
    m
}
