//! Builders for edits of the entity registry: entity ids that name their creator (so
//! two machines never make the same id), creating an entity from a mention, linking and
//! unlinking mentions, merging two entities, and counting mentions. Re-exported from
//! [`super::edit`], where the other builders are.

use super::edit::{span_in, update_span};
use super::error::EditError;
use super::history::{Command, Op, SetKey};
use super::project::Project;

/// The part of an entity id that names its creator: the annotator's name lower-cased,
/// letters and digits kept (Arabic ones too), every run of anything else one `-`;
/// `anon` for a name with no letter or digit.
pub fn annotator_slug(annotator: &str) -> String {
    let mut slug = String::new();
    for c in annotator.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("anon");
    }
    slug
}

/// A fresh entity id for an entity `annotator` creates: `e-<annotator slug>-<n>`, the
/// smallest `n` (from the number of that annotator's entities plus one) not used in the
/// project. Entities are project-wide, but each annotator makes ids only in their own
/// namespace, so two people who add entities on different machines never make the
/// same id (span and relation ids are per set, which is one annotator's already).
pub fn fresh_entity_id(p: &Project, annotator: &str) -> String {
    let prefix = format!("e-{}-", annotator_slug(annotator));
    let mut n = p
        .entities
        .iter()
        .filter(|e| e.id.starts_with(&prefix))
        .count()
        + 1;
    loop {
        let id = format!("{prefix}{n}");
        if p.entity(&id).is_none() {
            return id;
        }
        n += 1;
    }
}

/// Creates an entity named after a span's text and links the span to it.
pub fn create_entity_from_span(
    p: &Project,
    key: &SetKey,
    span_id: &str,
) -> Result<Command, EditError> {
    let span = span_in(p, key, span_id)?;
    let entity = super::Entity {
        id: fresh_entity_id(p, &key.annotator),
        label: span.label.clone(),
        name: span.text.clone(),
        aliases: Vec::new(),
    };
    let mut after = span.clone();
    after.entity = Some(entity.id.clone());
    Ok(Command::new(
        "Create entity",
        vec![
            Op::InsertEntity(entity),
            Op::ReplaceSpan {
                set: key.clone(),
                before: span.clone(),
                after,
            },
        ],
    ))
}

/// Links a span to an existing entity (or unlinks it with `None`).
pub fn link_entity(
    p: &Project,
    key: &SetKey,
    span_id: &str,
    entity: Option<&str>,
) -> Result<Command, EditError> {
    if let Some(e) = entity
        && p.entity(e).is_none()
    {
        return Err(EditError::NoSuchEntity(e.into()));
    }
    update_span(
        p,
        key,
        span_id,
        if entity.is_some() {
            "Link entity"
        } else {
            "Unlink entity"
        },
        |s| s.entity = entity.map(str::to_string),
    )
}

/// Merges entity `gone` into `keep`: every mention of `gone` (in every set) now points
/// to `keep`, whose aliases gain `gone`'s name and aliases; `gone` is removed.
pub fn merge_entities(p: &Project, keep: &str, gone: &str) -> Result<Command, EditError> {
    if keep == gone {
        return Err(EditError::SameEntity);
    }
    let no_entity = |id: &str| EditError::NoSuchEntity(id.into());
    let k = p.entity(keep).ok_or_else(|| no_entity(keep))?;
    let g = p.entity(gone).ok_or_else(|| no_entity(gone))?;
    let mut ops = Vec::new();
    for set in &p.sets {
        let key = SetKey::new(&set.annotator, &set.document);
        for s in set
            .spans
            .iter()
            .filter(|s| s.entity.as_deref() == Some(gone))
        {
            let mut after = s.clone();
            after.entity = Some(keep.to_string());
            ops.push(Op::ReplaceSpan {
                set: key.clone(),
                before: s.clone(),
                after,
            });
        }
    }
    let mut merged = k.clone();
    for a in std::iter::once(&g.name).chain(&g.aliases) {
        if *a != merged.name && !merged.aliases.contains(a) {
            merged.aliases.push(a.clone());
        }
    }
    ops.push(Op::ReplaceEntity {
        before: k.clone(),
        after: merged,
    });
    ops.push(Op::RemoveEntity(g.clone()));
    Ok(Command::new(
        format!("Merge {} into {}", g.name, k.name),
        ops,
    ))
}

/// Mentions of each entity across all documents and sets.
pub fn entity_mentions(p: &Project) -> std::collections::HashMap<String, usize> {
    let mut m = std::collections::HashMap::new();
    for set in &p.sets {
        for s in &set.spans {
            if let Some(e) = &s.entity {
                *m.entry(e.clone()).or_insert(0) += 1;
            }
        }
    }
    m
}
