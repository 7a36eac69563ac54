//! Resolving a conflict a merge recorded in the project: the chosen version (ours,
//! theirs, or one the user edited) put in place and the conflict removed, as one
//! undoable command that is refused if it would leave the project invalid.

use foldhash::HashSet;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::history::{Command, Op, SetKey};
use crate::model::{
    AnnotationSet, Conflict, ConflictKind, Document, EditError, Entity, LabelSchema, OffsetMap,
    Project, Relation, RelationType, Span,
};
use crate::store::{self, Severity};

/// Which version of a conflicting item to keep.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// The version recorded as ours (`null`: the item is removed).
    Ours,
    /// The version recorded as theirs (`null`: the item is removed). For the schema:
    /// theirs' version of every label and relation type theirs changed.
    Theirs,
    /// A version the user wrote, in the item's JSON form (`null` removes the item).
    Edited(Value),
}

/// The command that resolves conflict `conflict_id` as `choice`: one undoable step that
/// puts the chosen version in place and removes the conflict (see the module doc).
pub fn resolve_conflict(
    p: &Project,
    conflict_id: &str,
    choice: Resolution,
) -> Result<Command, EditError> {
    let c = p
        .conflicts
        .iter()
        .find(|c| c.id == conflict_id)
        .ok_or_else(|| EditError::NoSuchConflict(conflict_id.into()))?;
    let (which, chosen) = match &choice {
        Resolution::Ours => ("ours", c.ours.clone()),
        Resolution::Theirs => ("theirs", c.theirs.clone()),
        Resolution::Edited(v) => ("edited", Some(v.clone()).filter(|v| !v.is_null())),
    };
    let mut ops = match c.kind {
        ConflictKind::Span => resolve_span(p, c, chosen)?,
        ConflictKind::Relation => {
            let key = set_key(c)?;
            let current = p
                .set(&key.annotator, &key.document)
                .and_then(|s| s.relations.iter().find(|r| r.id == c.item));
            let target: Option<Relation> = parse(chosen, &c.item, "relation")?;
            let mut ops = need_set(p, &key, target.is_some());
            ops.extend(swap(
                current,
                target,
                |r| Op::InsertRelation(key.clone(), r),
                |r| Op::RemoveRelation(key.clone(), r),
                |a, b| {
                    vec![
                        Op::RemoveRelation(key.clone(), a),
                        Op::InsertRelation(key.clone(), b),
                    ]
                },
            ));
            ops
        }
        ConflictKind::Entity => {
            let target: Option<Entity> = parse(chosen, &c.item, "entity")?;
            swap(
                p.entity(&c.item),
                target,
                Op::InsertEntity,
                Op::RemoveEntity,
                |before, after| vec![Op::ReplaceEntity { before, after }],
            )
        }
        ConflictKind::Document => {
            let current = p.document(&c.item);
            let target: Option<Document> = parse(chosen, &c.item, "document")?;
            if let (Some(cur), Some(t)) = (current, &target)
                && cur.text != t.text
            {
                return Err(EditError::ChoiceChangesText);
            }
            swap(
                current,
                target,
                Op::InsertDocument,
                Op::RemoveDocument,
                |before, after| vec![Op::ReplaceDocument { before, after }],
            )
        }
        ConflictKind::Schema => {
            let target = match choice {
                Resolution::Edited(v) => serde_json::from_value::<LabelSchema>(v)
                    .map_err(|e| EditError::NotASchema(e.to_string()))?,
                side => {
                    let parse_schema = |v: &Option<Value>| -> Result<LabelSchema, EditError> {
                        v.clone()
                            .and_then(|v| serde_json::from_value(v).ok())
                            .ok_or_else(|| EditError::DamagedConflict(c.id.clone()))
                    };
                    let base = parse_schema(&c.base)?;
                    let side = parse_schema(if side == Resolution::Ours {
                        &c.ours
                    } else {
                        &c.theirs
                    })?;
                    LabelSchema {
                        labels: apply_side(&base.labels, &p.schema.labels, &side.labels, |l| &l.id),
                        relations: apply_side(
                            &base.relations,
                            &p.schema.relations,
                            &side.relations,
                            |r: &RelationType| &r.id,
                        ),
                    }
                }
            };
            if target == p.schema {
                Vec::new()
            } else {
                vec![Op::ReplaceSchema {
                    before: p.schema.clone(),
                    after: target,
                }]
            }
        }
        ConflictKind::Name => {
            let target: Option<String> = parse(chosen, "", "name")?;
            let name = target.unwrap_or_default();
            if name.trim().is_empty() {
                return Err(EditError::NoName);
            }
            if name == p.name {
                Vec::new()
            } else {
                vec![Op::Rename {
                    before: p.name.clone(),
                    after: name,
                }]
            }
        }
    };
    ops.push(Op::RemoveConflict(c.clone()));
    let cmd = Command::new(
        format!("Resolve conflict on {} ({which})", describe(c)),
        ops,
    );
    check(p, &cmd)?;
    Ok(cmd)
}

/// "span s4 of amal on doc-1", "entity e-amal-1", "the schema".
fn describe(c: &Conflict) -> String {
    match (c.kind, &c.annotator, &c.document) {
        (ConflictKind::Span | ConflictKind::Relation, Some(a), Some(d)) => {
            let kind = if c.kind == ConflictKind::Span {
                "span"
            } else {
                "relation"
            };
            format!("{kind} {} of {a} on {d}", c.item)
        }
        (ConflictKind::Entity, ..) => format!("entity {}", c.item),
        (ConflictKind::Document, ..) => format!("document {}", c.item),
        (ConflictKind::Schema, ..) => "the schema".into(),
        _ => "the project name".into(),
    }
}

fn set_key(c: &Conflict) -> Result<SetKey, EditError> {
    match (&c.annotator, &c.document) {
        (Some(a), Some(d)) => Ok(SetKey::new(a, d)),
        _ => Err(EditError::ConflictWithoutSet(c.id.clone())),
    }
}

/// The chosen JSON as an item whose id must be `id` (`""`: no id to check).
fn parse<T: DeserializeOwned + Serialize>(
    v: Option<Value>,
    id: &str,
    what: &'static str,
) -> Result<Option<T>, EditError> {
    let Some(v) = v else { return Ok(None) };
    let item: T = serde_json::from_value(v).map_err(|e| EditError::BadChoice {
        what,
        reason: e.to_string(),
    })?;
    if !id.is_empty()
        && let Some(Value::String(got)) = serde_json::to_value(&item)
            .ok()
            .as_ref()
            .and_then(|v| v.get("id"))
        && got != id
    {
        return Err(EditError::ChoiceChangesId {
            what,
            got: got.clone(),
            id: id.into(),
        });
    }
    Ok(Some(item))
}

/// The op that adds the set `key` when an item goes into it and it does not exist.
fn need_set(p: &Project, key: &SetKey, inserting: bool) -> Vec<Op> {
    if inserting && p.set(&key.annotator, &key.document).is_none() {
        vec![Op::InsertSet(AnnotationSet::new(
            &key.annotator,
            &key.document,
        ))]
    } else {
        Vec::new()
    }
}

/// The ops that turn `current` into `target`.
fn swap<T: Clone + PartialEq>(
    current: Option<&T>,
    target: Option<T>,
    insert: impl FnOnce(T) -> Op,
    remove: impl FnOnce(T) -> Op,
    replace: impl FnOnce(T, T) -> Vec<Op>,
) -> Vec<Op> {
    match (current, target) {
        (None, None) => Vec::new(),
        (None, Some(t)) => vec![insert(t)],
        (Some(c), None) => vec![remove(c.clone())],
        (Some(c), Some(t)) if *c == t => Vec::new(),
        (Some(c), Some(t)) => replace(c.clone(), t),
    }
}

fn resolve_span(p: &Project, c: &Conflict, chosen: Option<Value>) -> Result<Vec<Op>, EditError> {
    let key = set_key(c)?;
    let set = p.set(&key.annotator, &key.document);
    let current = set.and_then(|s| s.span(&c.item));
    let mut target: Option<Span> = parse(chosen, &c.item, "span")?;
    if let Some(t) = &mut target {
        // The stored text follows the bounds (an edited version may have moved them).
        let doc = p
            .document(&key.document)
            .ok_or_else(|| EditError::NoSuchDocument(key.document.clone()))?;
        let map = OffsetMap::new(&doc.text);
        if t.start >= t.end || t.end > map.len_chars() {
            return Err(EditError::OutOfBounds {
                start: t.start,
                end: t.end,
                len: map.len_chars(),
            });
        }
        t.text = map
            .slice(&doc.text, t.start, t.end)
            .unwrap_or_default()
            .to_string();
    }
    let mut ops = need_set(p, &key, target.is_some());
    if let (Some(cur), None) = (current, &target) {
        // Removing the span removes the relations that point at it, as deleting does.
        let touching = set
            .into_iter()
            .flat_map(|s| s.relations.iter())
            .filter(|r| r.from == cur.id || r.to == cur.id);
        ops.extend(touching.map(|r| Op::RemoveRelation(key.clone(), r.clone())));
    }
    ops.extend(swap(
        current,
        target,
        |s| Op::InsertSpan(key.clone(), s),
        |s| Op::RemoveSpan(key.clone(), s),
        |before, after| {
            vec![Op::ReplaceSpan {
                set: key.clone(),
                before,
                after,
            }]
        },
    ));
    Ok(ops)
}

/// `current` with `side`'s changes (relative to `base`) applied, entry by entry.
fn apply_side<T: Clone + PartialEq>(
    base: &[T],
    current: &[T],
    side: &[T],
    id: impl Fn(&T) -> &String,
) -> Vec<T> {
    let find = |xs: &[T], k: &String| xs.iter().find(|x| id(x) == k).cloned();
    let order = current
        .iter()
        .map(&id)
        .chain(side.iter().map(&id).filter(|k| find(current, k).is_none()));
    let mut out = Vec::new();
    for k in order {
        let (bv, cv, sv) = (find(base, k), find(current, k), find(side, k));
        out.extend(if sv != bv { sv } else { cv });
    }
    out
}

/// Refuses a resolution that would make the project invalid, naming the problem.
fn check(p: &Project, cmd: &Command) -> Result<(), EditError> {
    let errors = |p: &Project| -> Vec<String> {
        store::validate(p)
            .into_iter()
            .filter(|x| x.severity == Severity::Error)
            .map(|x| x.to_string())
            .collect()
    };
    let mut q = p.clone();
    crate::model::history::apply_command(&mut q, cmd)?;
    let before: HashSet<String> = errors(p).into_iter().collect();
    match errors(&q).into_iter().find(|e| !before.contains(e)) {
        Some(problem) => Err(EditError::LeavesProjectInvalid(problem)),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------
// Files and git.

/// The warning for commands that read a project with unresolved merge conflicts
/// (`export`, `agree`): they see ours' version of each conflicting item. `None` when
/// there are none.
pub fn unresolved_warning(p: &Project, file: &std::path::Path, command: &str) -> Option<String> {
    let n = p.conflicts.len();
    (n > 0).then(|| {
        format!(
            "{}: {n} unresolved merge conflict{}; {command} ran on ours' side of {}. Resolve {} in Hashiya (the Conflicts list) for the final result",
            file.display(),
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "each" },
            if n == 1 { "it" } else { "them" },
        )
    })
}
