//! A quick look at a large project file: its name, schema, entity registry, first
//! document and that document's sets, read without building the rest — what the window
//! shows while the whole file is parsed and validated on another thread
//! (`workspace::opening`).
//!
//! The file is read once with serde_json, but everything after the first document is
//! skipped without being built (`IgnoredAny`), and reading stops at the first set of
//! another document. That relies on the canonical order Hashiya writes (documents,
//! entities, then sets by document order); a file with its sets before its documents
//! gets no preview and is opened in one go, and in a file written by hand whose first
//! document's sets are not all at the start of `sets` the preview shows only the first
//! of them (until the whole project arrives a moment later). The preview is validated like a project;
//! suggestions are off in it (the project's own setting comes after the sets), and it
//! is never edited or saved.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::Severity;
use super::validate::validate;
use crate::model::{AnnotationSet, Document, Entity, LabelSchema, Project, SuggestionSettings};

/// What was read so far.
#[derive(Default)]
struct Partial {
    format: Option<String>,
    version: Option<u64>,
    name: Option<String>,
    schema: Option<LabelSchema>,
    first: Option<Document>,
    entities: Vec<Entity>,
    sets: Vec<AnnotationSet>,
    /// The sets were reached and read as far as needed.
    sets_done: bool,
}

/// The error that ends reading once the preview has what it needs.
const STOP: &str = "hashiya-preview-stop";

/// The preview of `bytes` (a project file), or `None` when it cannot be made quickly
/// and safely (not in canonical order, not a valid project at the start, or a first
/// document with problems): then the file is opened in one go.
pub fn preview(bytes: &[u8]) -> Option<Project> {
    let partial = RefCell::new(Partial::default());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match (&mut de).deserialize_map(Top(&partial)) {
        Ok(()) => {}
        Err(e) if e.to_string().starts_with(STOP) => {}
        Err(_) => return None,
    }
    let p = partial.into_inner();
    if p.format.as_deref() != Some(super::FORMAT)
        || !p.version.is_some_and(|v| (1..=super::VERSION).contains(&v))
        || !p.sets_done
    {
        return None;
    }
    let project = Project {
        name: p.name?,
        schema: p.schema?,
        documents: vec![p.first?],
        entities: p.entities,
        sets: p.sets,
        assignment: None,
        conflicts: Vec::new(),
        suggestions: SuggestionSettings {
            enabled: false,
            ..SuggestionSettings::default()
        },
    };
    let clean = validate(&project)
        .iter()
        .all(|problem| problem.severity != Severity::Error);
    clean.then_some(project)
}

struct Top<'a>(&'a RefCell<Partial>);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a project")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let mut p = self.0.borrow_mut();
            match key.as_str() {
                "format" => p.format = Some(map.next_value()?),
                "version" => p.version = Some(map.next_value()?),
                "name" => p.name = Some(map.next_value()?),
                "schema" => p.schema = Some(map.next_value()?),
                "documents" => p.first = map.next_value_seed(FirstDocument)?,
                "entities" => p.entities = map.next_value()?,
                "sets" => {
                    let Some(id) = p.first.as_ref().map(|d| d.id.clone()) else {
                        // Sets before documents: not the canonical order.
                        return Err(serde::de::Error::custom("sets before documents"));
                    };
                    drop(p);
                    map.next_value_seed(SetsOf(self.0, id))?;
                    self.0.borrow_mut().sets_done = true;
                    return Err(serde::de::Error::custom(STOP));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        // No sets at all: the whole file was read.
        self.0.borrow_mut().sets_done = true;
        Ok(())
    }
}

/// The first element of the documents array; the others skipped.
struct FirstDocument;

impl<'de> DeserializeSeed<'de> for FirstDocument {
    type Value = Option<Document>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FirstDocument {
    type Value = Option<Document>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of documents")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let first = seq.next_element::<Document>()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first)
    }
}

/// The sets of document `.1`, which come first (canonical order); reading stops at the
/// first set of another document.
struct SetsOf<'a>(&'a RefCell<Partial>, String);

impl<'de> DeserializeSeed<'de> for SetsOf<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SetsOf<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of sets")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(set) = seq.next_element::<AnnotationSet>()? {
            if set.document != self.1 {
                break;
            }
            self.0.borrow_mut().sets.push(set);
        }
        self.0.borrow_mut().sets_done = true;
        Err(serde::de::Error::custom(STOP))
    }
}
