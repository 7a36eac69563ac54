//! What a team's work adds to a project: the assignment plan (who should annotate which
//! document) and the conflicts a three-way merge could not decide, recorded as data
//! for a person to resolve (never as text markers in the JSON).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The plan `hashiya assign` made: each document goes to some annotators. Stored in
/// every annotator's file, so `hashiya status` and the GUI know who should do what.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// Every annotator of the plan, in the order given.
    pub annotators: Vec<String>,
    /// Annotators per document in the overlap.
    pub per_document: usize,
    /// Share of the documents (0–1) that go to `per_document` annotators; the rest go
    /// to one. 1 when every document is shared.
    pub overlap: f64,
    /// The seed that made the plan (the same inputs and seed give the same plan).
    pub seed: u64,
    /// Document id → the annotators it is assigned to.
    pub documents: BTreeMap<String, Vec<String>>,
}

impl Assignment {
    /// The documents assigned to `annotator`, in id order.
    pub fn documents_of<'a>(&'a self, annotator: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.documents
            .iter()
            .filter(move |(_, who)| who.iter().any(|w| w == annotator))
            .map(|(d, _)| d.as_str())
    }
}

/// What kind of item two sides of a merge changed differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    Span,
    Relation,
    Entity,
    Schema,
    Document,
    Name,
}

/// One item that both sides of a merge changed differently (or one side deleted and
/// the other changed). The project holds `ours`; resolving replaces it with the chosen
/// version and removes the conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub id: String,
    pub kind: ConflictKind,
    /// The set of a span or relation (annotator and document id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The id of the item (span, relation, entity, document; empty for the schema and
    /// the name).
    pub item: String,
    /// The item in the common ancestor, ours and theirs; `null` where absent (deleted).
    pub base: Option<serde_json::Value>,
    pub ours: Option<serde_json::Value>,
    pub theirs: Option<serde_json::Value>,
    /// The two files' names or commits, to say where each side came from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
}
