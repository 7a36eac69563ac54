//! Projects, documents, annotation sets, spans, relations and entities.
//!
//! Invariants that `store::validate` checks on every load (and that edits through
//! `history` preserve): ids are unique within their scope, `start < end <= len` in
//! code points, relation endpoints and entity links exist. A span's `text` is a copy
//! of the slice it covers, kept so that a file edited by hand or a changed document
//! is detected rather than silently shifted.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::attributes::Attributes;
use super::schema::LabelSchema;

/// An annotation project: the schema, the documents, the entity registry and every
/// annotator's sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Project {
    pub name: String,
    pub schema: LabelSchema,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub sets: Vec<AnnotationSet>,
    /// Who should annotate which document (made by `hashiya assign`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<super::team::Assignment>,
    /// Items a merge could not decide, waiting for a person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<super::team::Conflict>,
    /// Whether suggestions are offered, the gazetteer, and the rejected suggestions
    /// (format version 2; left out of the file while at its default).
    #[serde(default, skip_serializing_if = "SuggestionSettings::is_default")]
    pub suggestions: SuggestionSettings,
}

/// Where an offered suggestion came from (`crate::suggest`): recorded on the span when
/// the annotator accepts it, so agreement can be measured with and without them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    /// A name or alias of an entity of the registry.
    Entity,
    /// A string the annotator (or a colleague) tagged elsewhere.
    Learned,
    /// A line of the gazetteer file.
    Gazetteer,
    /// A claim opened by a reporting cue, or its speaker's relation
    /// (`crate::suggest::attribution`).
    Attribution,
    /// The tagger trained on the annotator's own spans (`crate::learn`).
    Model,
}

impl SuggestionSource {
    /// The name used in files and reports: `entity`, `learned`, `gazetteer`,
    /// `attribution`, `model`.
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionSource::Entity => "entity",
            SuggestionSource::Learned => "learned",
            SuggestionSource::Gazetteer => "gazetteer",
            SuggestionSource::Attribution => "attribution",
            SuggestionSource::Model => "model",
        }
    }
}

/// The project's suggestion settings (format version 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionSettings {
    /// Suggestions are offered (default). Studies that must annotate blind switch
    /// them off.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// A gazetteer file (`text<TAB>label` per line), relative to the project file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer: Option<String>,
    /// Suggestions the annotators rejected: never offered again at that place, and
    /// their string scores lower elsewhere. Ordered by (document, start, end, label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Default for SuggestionSettings {
    fn default() -> Self {
        SuggestionSettings {
            enabled: true,
            gazetteer: None,
            rejected: Vec::new(),
        }
    }
}

impl SuggestionSettings {
    pub fn is_default(&self) -> bool {
        *self == SuggestionSettings::default()
    }
}

/// A rejected suggestion: this label at this place of this document, rejected by this
/// annotator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejected {
    /// Document id.
    pub document: String,
    /// Code points, end-exclusive.
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The text that was suggested (a copy of the slice).
    pub text: String,
    /// Who rejected it (format version 3): the rejection applies to that annotator's
    /// suggestions only. Absent in files written before version 3: such a rejection
    /// was made for the whole project and keeps applying to every annotator (nobody
    /// can tell whose it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotator: Option<String>,
}

impl Rejected {
    /// The order rejections are kept in; a place is rejected at most once per
    /// annotator (and once for everyone).
    pub fn key(&self) -> (&str, usize, usize, &str, Option<&str>) {
        (
            &self.document,
            self.start,
            self.end,
            &self.label,
            self.annotator.as_deref(),
        )
    }

    /// Whether this rejection applies to `annotator`'s suggestions: it is theirs, or it
    /// names nobody (a rejection from before format version 3, for everyone).
    pub fn applies_to(&self, annotator: &str) -> bool {
        self.annotator.as_deref().is_none_or(|a| a == annotator)
    }
}

/// Where an article came from. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication date as written by the user (ISO 8601 recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Source {
    pub fn is_empty(&self) -> bool {
        self.outlet.is_none() && self.url.is_none() && self.date.is_none()
    }
}

/// One article. Its text never changes once it carries annotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Source::is_empty")]
    pub source: Source,
    /// The article text, LF line endings, no BOM.
    pub text: String,
    /// Lower-case hex SHA-256 of `text` in UTF-8.
    pub text_sha256: String,
    /// Free metadata from the corpus (section, country, author, …): key → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

impl Document {
    /// A document whose hash is computed from its text.
    pub fn new(id: impl Into<String>, title: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        Document {
            id: id.into(),
            title: title.into(),
            source: Source::default(),
            text_sha256: text_sha256(&text),
            text,
            meta: BTreeMap::new(),
        }
    }

    /// Length of the text in code points.
    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Lower-case hex SHA-256 of a text's UTF-8 bytes.
pub fn text_sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// A project-wide referent (a person, a group, a place) that several mentions share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub id: String,
    /// The label of the mentions it groups (`actor`, `location`).
    pub label: String,
    /// Canonical name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// One annotator's spans and relations over one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationSet {
    pub annotator: String,
    /// Id of the document annotated.
    pub document: String,
    /// The annotator marked this document as finished.
    #[serde(default, skip_serializing_if = "is_false")]
    pub done: bool,
    #[serde(default)]
    pub spans: Vec<Span>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Who last changed this set (the user's name; differs from `annotator` when
    /// someone edited another annotator's set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<String>,
    /// The annotator whose set this one started as a copy of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied_from: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl AnnotationSet {
    pub fn new(annotator: impl Into<String>, document: impl Into<String>) -> Self {
        AnnotationSet {
            annotator: annotator.into(),
            document: document.into(),
            done: false,
            spans: Vec::new(),
            relations: Vec::new(),
            modified_by: None,
            copied_from: None,
        }
    }

    pub fn span(&self, id: &str) -> Option<&Span> {
        self.spans.iter().find(|s| s.id == id)
    }

    pub fn span_mut(&mut self, id: &str) -> Option<&mut Span> {
        self.spans.iter_mut().find(|s| s.id == id)
    }

    /// Puts spans and relations in the canonical order used on disk.
    pub fn sort(&mut self) {
        self.spans
            .sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
        self.relations.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// A fresh id with the given prefix (`s`, `r`) not used by any span or relation.
    pub fn fresh_id(&self, prefix: &str) -> String {
        let used = |id: &str| {
            self.spans.iter().any(|s| s.id == id) || self.relations.iter().any(|r| r.id == id)
        };
        let mut n = self.spans.len() + self.relations.len() + 1;
        loop {
            let id = format!("{prefix}{n}");
            if !used(&id) {
                return id;
            }
            n += 1;
        }
    }
}

/// How a span of an adjudicated (gold) set came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Taken from annotator A's set.
    A,
    /// Taken from annotator B's set.
    B,
    /// Both annotators agreed.
    Both,
    /// The adjudicator changed it.
    Edited,
    /// At least k of N annotators agreed on it (curation pre-merge; format version 2).
    Agreed,
    /// The curator took it from one or more annotators' sets (format version 2).
    Curated,
}

/// A labelled stretch of text. `start`/`end` are code points, end-exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The covered text, a copy of `document.text[start..end]` (in code points).
    pub text: String,
    /// Attribute name → value. A name given twice in a file is an error (a JSON object
    /// with a repeated key would otherwise keep one of the values silently).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    /// Id of the entity this mention refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The suggestion this span was accepted from (format version 2); `None` when
    /// the annotator tagged it by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<SuggestionSource>,
}

impl Span {
    pub fn new(
        id: impl Into<String>,
        start: usize,
        end: usize,
        label: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Span {
            id: id.into(),
            start,
            end,
            label: label.into(),
            text: text.into(),
            attributes: Attributes::new(),
            entity: None,
            note: None,
            provenance: None,
            origin: None,
        }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A directed, typed link between two spans of the same set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub id: String,
    /// Relation type id from the schema (`said_by`).
    pub kind: String,
    /// Source span id.
    pub from: String,
    /// Target span id.
    pub to: String,
}

impl Project {
    pub fn new(name: impl Into<String>, schema: LabelSchema) -> Self {
        Project {
            name: name.into(),
            schema,
            documents: Vec::new(),
            entities: Vec::new(),
            sets: Vec::new(),
            assignment: None,
            conflicts: Vec::new(),
            suggestions: SuggestionSettings::default(),
        }
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// The set of `annotator` on `document`.
    pub fn set(&self, annotator: &str, document: &str) -> Option<&AnnotationSet> {
        self.sets
            .iter()
            .find(|s| s.annotator == annotator && s.document == document)
    }

    pub fn set_index(&self, annotator: &str, document: &str) -> Option<usize> {
        self.sets
            .iter()
            .position(|s| s.annotator == annotator && s.document == document)
    }

    /// Annotators with at least one set, in first-seen order.
    pub fn annotators(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.sets {
            if !out.contains(&s.annotator.as_str()) {
                out.push(&s.annotator);
            }
        }
        out
    }

    /// The oldest format version that can hold this project: 1 unless it uses what
    /// version 2 added (document metadata, who changed a set, copies, assignments,
    /// merge conflicts, suggestion settings, spans accepted from suggestions), 3 when a
    /// rejected suggestion names who rejected it (version 3). Saving writes this
    /// version, so a project that uses nothing new stays readable by older builds and
    /// byte-identical across the upgrade.
    pub fn format_version(&self) -> u64 {
        if self
            .suggestions
            .rejected
            .iter()
            .any(|r| r.annotator.is_some())
        {
            return 3;
        }
        let v2 = self.assignment.is_some()
            || !self.conflicts.is_empty()
            || !self.suggestions.is_default()
            || self.documents.iter().any(|d| !d.meta.is_empty())
            || self.sets.iter().any(|s| {
                s.modified_by.is_some()
                    || s.copied_from.is_some()
                    || s.spans.iter().any(|x| {
                        matches!(x.provenance, Some(Provenance::Agreed | Provenance::Curated))
                            || x.origin.is_some()
                    })
            });
        if v2 { 2 } else { 1 }
    }

    /// Puts everything that has no meaningful user order into canonical order, so that
    /// saving is deterministic: spans by (start, end, id), relations and entities by id,
    /// sets by document order then annotator. Documents keep the user's order.
    pub fn canonicalize(&mut self) {
        for set in &mut self.sets {
            set.sort();
        }
        self.entities.sort_by(|a, b| a.id.cmp(&b.id));
        self.conflicts.sort_by(|a, b| a.id.cmp(&b.id));
        self.suggestions
            .rejected
            .sort_by(|a, b| a.key().cmp(&b.key()));
        // Document positions by id (a scan per set was quadratic: 10,000 sets of a
        // 10,000-document corpus made 50 M string comparisons on every load).
        let mut positions = std::collections::HashMap::with_capacity(self.documents.len());
        for (i, d) in self.documents.iter().enumerate() {
            positions.entry(d.id.as_str()).or_insert(i);
        }
        let doc_pos = |id: &str| positions.get(id).copied();
        let mut keyed: Vec<_> = std::mem::take(&mut self.sets)
            .into_iter()
            .map(|s| (doc_pos(&s.document), s))
            .collect();
        keyed.sort_by(|(pa, a), (pb, b)| (pa, &a.annotator).cmp(&(pb, &b.annotator)));
        self.sets = keyed.into_iter().map(|(_, s)| s).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_arabic() {
        // `printf 'درنة' | sha256sum`
        assert_eq!(
            text_sha256("درنة"),
            "f3465e60088a466e52b962ca4b98214b45ab9f0c5032c9e19386f3b722366520"
        );
    }

    #[test]
    fn canonical_order() {
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents.push(Document::new("d2", "b", "xyz"));
        p.documents.push(Document::new("d1", "a", "abc"));
        let mut s = AnnotationSet::new("zed", "d1");
        s.spans.push(Span::new("s2", 1, 2, "actor", "b"));
        s.spans.push(Span::new("s1", 1, 2, "actor", "b"));
        s.spans.push(Span::new("s0", 0, 3, "actor", "abc"));
        p.sets.push(s);
        p.sets.push(AnnotationSet::new("amy", "d1"));
        p.sets.push(AnnotationSet::new("zed", "d2"));
        p.canonicalize();
        let order: Vec<_> = p
            .sets
            .iter()
            .map(|s| (s.document.as_str(), s.annotator.as_str()))
            .collect();
        assert_eq!(order, [("d2", "zed"), ("d1", "amy"), ("d1", "zed")]);
        let ids: Vec<_> = p.sets[2].spans.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s0", "s1", "s2"]);
    }

    #[test]
    fn fresh_ids_skip_used() {
        let mut s = AnnotationSet::new("a", "d");
        s.spans.push(Span::new("s2", 0, 1, "actor", "x"));
        assert_eq!(s.fresh_id("s"), "s3");
        s.spans.push(Span::new("s3", 0, 1, "actor", "x"));
        assert_eq!(s.fresh_id("s"), "s4");
    }
}
