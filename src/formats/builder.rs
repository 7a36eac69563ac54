//! Building a project from imported documents, all or nothing: the [`Builder`] every
//! format reader feeds, and the [`Incoming`] documents it takes.
//!
//! Each reader turns its input into [`Incoming`] documents: text already cleaned (see
//! [`super::clean`]) and span offsets already in code points of that cleaned text. The
//! [`Builder`] adds them to a copy of the target project:
//!
//! - a document whose id is new is added; one whose id exists with the **same text**
//!   is reused (so a colleague's annotations of the same article join the project as
//!   another set); the same id with a different text is refused;
//! - the set goes to `--annotator` if given (replacing what the input says), else to
//!   the annotator the input names, else to the format's default; a set that already
//!   exists for that annotator and document is refused (nothing is merged silently);
//! - span bounds are checked, and a span text given by the input must equal the text
//!   at its offsets (this is what catches offsets counted in another unit);
//! - labels and relation types the schema lacks are added to it (reported), so that
//!   annotations from other tools can be imported at all; entities are created from
//!   entity links, or reused when the id exists.
//!
//! Problems are collected with file and line, and the whole import fails if there is
//! any; otherwise the result is checked with [`crate::store::validate()`] and returned.
//! Nothing is written before that: [`super::import_into_file`] saves only a valid result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{FormatError, ImportFormat, ImportIssue};
use crate::model::{
    AnnotationSet, AttributeDef, Document, Entity, LabelDef, OffsetMap, Project, Relation,
    RelationType, Source, Span,
};
use crate::store::{self, Problem, Severity};

/// What an import added.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub files_read: usize,
    /// Data rows read from corpus tables (header and blank rows excluded; bad rows
    /// included), so that a report shows how many rows became how many documents.
    pub rows_read: usize,
    pub documents_added: usize,
    /// Documents already in the project (same id, same text) that got new sets.
    pub documents_reused: usize,
    pub sets_added: usize,
    pub spans_added: usize,
    pub relations_added: usize,
    pub entities_added: usize,
    pub labels_added: Vec<String>,
    pub relation_types_added: Vec<String>,
    /// Validation warnings that the import introduced (not those the project had).
    pub warnings: Vec<Problem>,
    /// Corpus rows and pages not added because their text is already in the project
    /// (or earlier in the same import), byte for byte (compared by SHA-256).
    pub duplicates: Vec<Duplicate>,
    /// Corpus rows and pages not added because their text equals a document's text once
    /// whitespace is normalised (runs of spaces, tabs and line breaks as one space, ends
    /// trimmed): almost certainly the same article, re-saved. Warnings: skipped, listed.
    pub near_duplicates: Vec<Duplicate>,
    /// Bad rows left out by `skip_bad_rows` (otherwise they fail the import).
    pub skipped: Vec<ImportIssue>,
}

/// A corpus row or page whose text the project already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub file: PathBuf,
    /// Line of the input, where it has lines.
    pub line: Option<usize>,
    /// Table row (header = row 1), for tables.
    pub row: Option<usize>,
    /// The id the row or page would have had.
    pub id: String,
    /// The document (already in the project, or added earlier by this import) with that text.
    pub existing: String,
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(row) = self.row {
            write!(f, ": row {row}")?;
        }
        write!(f, ": same text as document \"{}\"", self.existing)
    }
}

/// The new project and what changed.
#[derive(Debug, Clone)]
pub struct Imported {
    pub project: Project,
    pub report: ImportReport,
}

/// Where an incoming document came from, for messages.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// Table row (header = row 1), for tables.
    pub row: Option<usize>,
}

impl Origin {
    pub fn new(file: &Path, line: Option<usize>) -> Self {
        Origin {
            file: file.to_path_buf(),
            line,
            row: None,
        }
    }

    pub fn issue(&self, reason: impl Into<String>) -> ImportIssue {
        ImportIssue::new(&self.file, self.line, reason).at_cell(self.row, None)
    }
}

/// A span read from an input, offsets in code points of the cleaned text.
#[derive(Debug, Clone, Default)]
pub struct IncomingSpan {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The covered text as the input states it, if it does.
    pub text: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub entity_id: Option<String>,
    pub entity_name: Option<String>,
    pub note: Option<String>,
    /// Line of the span in the input, where it has its own (brat `.ann`).
    pub line: Option<usize>,
}

/// A document read from an input.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub origin: Origin,
    pub id: String,
    pub title: Option<String>,
    pub source: Source,
    pub text: String,
    /// Free metadata (see `Document::meta`).
    pub meta: BTreeMap<String, String>,
    /// True if the id was made up by the reader (`<file>-<row>`), not given by the
    /// input: a clash with an existing id then picks another id instead of failing.
    pub id_generated: bool,
    /// The annotator the input names (`--annotator` replaces it; `None`: the format's default).
    pub annotator: Option<String>,
    /// Whether the input carries annotations at all (plain text does not: no set).
    pub annotated: bool,
    pub spans: Vec<IncomingSpan>,
    pub relations: Vec<Relation>,
}

impl Incoming {
    /// A document without annotations (plain text, a table row, a web page).
    pub fn unannotated(origin: Origin, id: String, text: String) -> Self {
        Incoming {
            origin,
            id,
            title: None,
            source: Source::default(),
            text,
            meta: BTreeMap::new(),
            id_generated: false,
            annotator: None,
            annotated: false,
            spans: Vec::new(),
            relations: Vec::new(),
        }
    }
}

const PALETTE: [&str; 8] = [
    "#8E6CC8", "#D9534F", "#2AA198", "#B58900", "#6C71C4", "#CB4B16", "#859900", "#268BD2",
];

/// Accumulates incoming documents into a copy of the target project.
pub struct Builder {
    project: Project,
    issues: Vec<ImportIssue>,
    report: ImportReport,
    /// `--annotator`, which wins over the input's names.
    forced_annotator: Option<String>,
    fallback_annotator: String,
    /// Documents added by this import, by id, for reuse by later inputs.
    new_docs: HashSet<String>,
    /// Relation types added by this import: allowed (from, to) labels seen.
    new_rel_types: BTreeMap<String, (Vec<String>, Vec<String>)>,
    /// Entity ids created by this import and the origin that created them.
    new_entities: HashSet<String>,
    /// Corpus documents: text index for duplicates, built on first use.
    texts: Option<TextIndex>,
    /// Position of each document of the project by id, and the (annotator, document)
    /// of each set, so that adding N documents takes time in N, not N squared.
    doc_at: HashMap<String, usize>,
    set_keys: HashSet<(String, String)>,
    /// `skip_bad_rows`: a corpus document that cannot be added is listed in
    /// `report.skipped` instead of failing the import.
    skip_bad: bool,
}

/// Document ids by exact text hash and by whitespace-normalised text hash.
struct TextIndex {
    exact: HashMap<String, String>,
    near: HashMap<u64, Vec<String>>,
}

/// The text with runs of whitespace as one space and the ends trimmed.
fn normalise_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn quick_hash(text: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::quality::FixedState::with_seed(15).build_hasher();
    h.write(text.as_bytes());
    h.finish()
}

impl Builder {
    /// `annotator`: `--annotator`, the annotator of every imported set (see
    /// `ImportOptions::annotator`).
    pub fn new(base: &Project, format: ImportFormat, annotator: Option<String>) -> Self {
        Builder {
            project: base.clone(),
            issues: Vec::new(),
            report: ImportReport::default(),
            forced_annotator: annotator,
            fallback_annotator: format.default_annotator().to_string(),
            new_docs: HashSet::new(),
            new_rel_types: BTreeMap::new(),
            new_entities: HashSet::new(),
            texts: None,
            skip_bad: false,
            doc_at: base
                .documents
                .iter()
                .enumerate()
                .map(|(i, d)| (d.id.clone(), i))
                .collect(),
            set_keys: base
                .sets
                .iter()
                .map(|s| (s.annotator.clone(), s.document.clone()))
                .collect(),
        }
    }

    /// `skip_bad_rows`: see [`Builder::add_corpus`].
    pub fn skip_bad_rows(&mut self, skip: bool) {
        self.skip_bad = skip;
    }

    /// Records a bad corpus row: an issue, or with `skip_bad_rows` a skipped row.
    pub fn bad_row(&mut self, issue: ImportIssue) {
        if self.skip_bad {
            self.report.skipped.push(issue);
        } else {
            self.issues.push(issue);
        }
    }

    /// Adds a corpus document (table row, web page) without annotations, unless its text
    /// is already in the project or earlier in this import: then it is listed in
    /// `report.duplicates` (same bytes) or `report.near_duplicates` (same text once
    /// whitespace is normalised) and not added. A made-up id that is taken gets a
    /// suffix (`-2`, `-3`…). With `skip_bad_rows`, a document that cannot be added is
    /// listed in `report.skipped` instead of failing the import.
    pub fn add_corpus(&mut self, mut inc: Incoming) {
        let exact_key = crate::model::text_sha256(&inc.text);
        let normalised = normalise_whitespace(&inc.text);
        let near_key = quick_hash(&normalised);
        let index = self.texts.get_or_insert_with(|| {
            let mut index = TextIndex {
                exact: HashMap::new(),
                near: HashMap::new(),
            };
            for d in &self.project.documents {
                index
                    .exact
                    .entry(d.text_sha256.clone())
                    .or_insert_with(|| d.id.clone());
                index
                    .near
                    .entry(quick_hash(&normalise_whitespace(&d.text)))
                    .or_default()
                    .push(d.id.clone());
            }
            index
        });
        let dup = |existing: &str| Duplicate {
            file: inc.origin.file.clone(),
            line: inc.origin.line,
            row: inc.origin.row,
            id: inc.id.clone(),
            existing: existing.to_string(),
        };
        if let Some(existing) = index.exact.get(&exact_key) {
            let d = dup(existing);
            self.report.duplicates.push(d);
            return;
        }
        if let Some(ids) = index.near.get(&near_key) {
            let (project, doc_at) = (&self.project, &self.doc_at);
            if let Some(existing) = ids.iter().find(|id| {
                doc_at.get(id.as_str()).is_some_and(|&i| {
                    normalise_whitespace(&project.documents[i].text) == normalised
                })
            }) {
                let d = dup(existing);
                self.report.near_duplicates.push(d);
                return;
            }
        }
        if inc.id_generated && self.doc_at.contains_key(&inc.id) {
            let base = inc.id.clone();
            let mut n = 2;
            while self.doc_at.contains_key(&format!("{base}-{n}")) {
                n += 1;
            }
            inc.id = format!("{base}-{n}");
        }
        let id = inc.id.clone();
        let before = self.issues.len();
        self.add(inc);
        if self.issues.len() > before {
            if self.skip_bad {
                let bad: Vec<ImportIssue> = self.issues.drain(before..).collect();
                self.report.skipped.extend(bad);
            }
            return;
        }
        if let Some(index) = self.texts.as_mut() {
            index.exact.insert(exact_key, id.clone());
            index.near.entry(near_key).or_default().push(id);
        }
    }

    pub fn issue(&mut self, issue: ImportIssue) {
        self.issues.push(issue);
    }

    pub fn file_read(&mut self) {
        self.report.files_read += 1;
    }

    /// Counts `n` table rows read (see [`ImportReport::rows_read`]).
    pub fn rows_read(&mut self, n: usize) {
        self.report.rows_read += n;
    }

    /// Adds one document and its annotations, or records why it cannot be added.
    pub fn add(&mut self, inc: Incoming) {
        let before = self.issues.len();
        let Some((reuse, annotator)) = self.check_document(&inc) else {
            return;
        };
        let spans = self.check_annotations(&inc);
        if self.issues.len() > before {
            return;
        }
        self.add_checked(inc, reuse, annotator, spans);
    }

    /// Checks the document itself (id, size, characters, a document or set of that
    /// id already there): whether it reuses a document, and the annotator of its set;
    /// `None` if an issue was recorded.
    fn check_document(&mut self, inc: &Incoming) -> Option<(bool, String)> {
        let o = inc.origin.clone();
        if inc.id.trim().is_empty() {
            self.issue(o.issue("the document has an empty id"));
            return None;
        }
        if inc.text.len() > store::limits::MAX_DOCUMENT_BYTES {
            self.issue(o.issue(format!(
                "document \"{}\" is {} bytes; Hashiya takes documents of at most {} bytes",
                inc.id,
                inc.text.len(),
                store::limits::MAX_DOCUMENT_BYTES
            )));
            return None;
        }
        if let Some(at) = inc.text.find('\0') {
            let before = &inc.text[..at];
            self.issue(o.issue(format!(
                "document \"{}\": the text holds a NUL character (U+0000) at code point {} (line {} of the text): the input is probably not text, or not in the encoding it is read in; remove the character",
                inc.id,
                before.chars().count(),
                before.matches('\n').count() + 1
            )));
            return None;
        }
        // The document: new, or an existing one with the same text.
        let existing = self
            .doc_at
            .get(&inc.id)
            .map(|&i| &self.project.documents[i]);
        let reuse = match existing {
            Some(d) if d.text == inc.text => true,
            Some(d) => {
                let (a, b) = first_difference(&d.text, &inc.text);
                self.issue(o.issue(format!(
                    "document id \"{}\" is already in the project with a different text (they differ from code point {a}: «{b}»); rename one of them",
                    inc.id
                )));
                return None;
            }
            None => false,
        };
        let annotator = self
            .forced_annotator
            .clone()
            .or_else(|| inc.annotator.clone())
            .unwrap_or_else(|| self.fallback_annotator.clone());
        if inc.annotated && self.set_keys.contains(&(annotator.clone(), inc.id.clone())) {
            self.issue(o.issue(format!(
                "the project already has a set of annotator \"{annotator}\" on document \"{}\"{}",
                inc.id,
                if self.forced_annotator.is_some() {
                    " (the input has several sets for this document, or the project has this one already)"
                } else {
                    "; import it under another name with --annotator NAME, or remove that set first"
                }
            )));
            return None;
        }

        Some((reuse, annotator))
    }

    /// Checks the spans and relations of `inc` (recording issues); the spans as they
    /// will be stored, with their entity names and origins.
    fn check_annotations(&mut self, inc: &Incoming) -> Vec<(Span, Option<String>, Origin)> {
        let o = inc.origin.clone();
        let map = OffsetMap::new(&inc.text);
        let mut ids = HashSet::new();
        let mut spans = Vec::with_capacity(inc.spans.len());
        for s in &inc.spans {
            let at = Origin {
                file: o.file.clone(),
                line: s.line.or(o.line),
                row: o.row,
            };
            let name = format!("span \"{}\"", s.id);
            if !ids.insert(s.id.clone()) {
                self.issue(at.issue(format!("{name}: the id is used twice in this document")));
                continue;
            }
            if s.label.is_empty() {
                self.issue(at.issue(format!("{name}: no label")));
                continue;
            }
            if s.start >= s.end {
                self.issue(at.issue(format!(
                    "{name}: start {} is not before end {}",
                    s.start, s.end
                )));
                continue;
            }
            let Some(actual) = map.slice(&inc.text, s.start, s.end) else {
                self.issue(at.issue(format!(
                    "{name}: end {} is past the end of the text ({} code points)",
                    s.end,
                    map.len_chars()
                )));
                continue;
            };
            if let Some(stated) = &s.text
                && stated != actual
            {
                self.issue(at.issue(format!(
                    "{name}: its text «{stated}» is not the text at {}..{} «{actual}» (offsets counted in another unit, or a different text?)",
                    s.start, s.end
                )));
                continue;
            }
            let mut span = Span::new(&s.id, s.start, s.end, &s.label, actual);
            span.attributes = s.attributes.clone().into();
            span.note = s.note.clone().filter(|n| !n.is_empty());
            if let Some(eid) = &s.entity_id {
                if eid.is_empty() {
                    self.issue(at.issue(format!("{name}: empty entity id")));
                    continue;
                }
                span.entity = Some(eid.clone());
            }
            spans.push((span, s.entity_name.clone(), at));
        }
        for r in &inc.relations {
            if !ids.insert(r.id.clone()) {
                self.issue(o.issue(format!(
                    "relation \"{}\": the id is used twice in this document (span and relation ids share one namespace)",
                    r.id
                )));
            }
            for end in [&r.from, &r.to] {
                if !inc.spans.iter().any(|s| &s.id == end) {
                    self.issue(o.issue(format!(
                        "relation \"{}\": its end \"{end}\" is not a span of this document",
                        r.id
                    )));
                }
            }
            if r.from == r.to {
                self.issue(o.issue(format!(
                    "relation \"{}\" goes from span \"{}\" to itself",
                    r.id, r.from
                )));
            }
            if r.kind.is_empty() {
                self.issue(o.issue(format!("relation \"{}\": no type", r.id)));
            }
        }
        spans
    }

    /// Adds the checked document (unless it is reused) and its set.
    fn add_checked(
        &mut self,
        inc: Incoming,
        reuse: bool,
        annotator: String,
        spans: Vec<(Span, Option<String>, Origin)>,
    ) {
        if !reuse {
            let mut doc = Document::new(
                &inc.id,
                inc.title
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .or_else(|| super::clean::first_line_title(&inc.text))
                    .unwrap_or_else(|| inc.id.clone()),
                inc.text.clone(),
            );
            doc.source = inc.source.clone();
            doc.meta = inc.meta.clone();
            self.doc_at
                .insert(doc.id.clone(), self.project.documents.len());
            self.project.documents.push(doc);
            self.new_docs.insert(inc.id.clone());
            self.report.documents_added += 1;
        } else if inc.annotated && !self.new_docs.contains(&inc.id) {
            self.report.documents_reused += 1;
        }
        if !inc.annotated {
            return;
        }
        let mut set = AnnotationSet::new(&annotator, &inc.id);
        for (span, entity_name, at) in spans {
            self.ensure_label(&span.label, &span.attributes);
            if let Some(eid) = &span.entity {
                self.ensure_entity(eid, &span, entity_name, &at);
            }
            set.spans.push(span);
        }
        let label_of: HashMap<&str, &str> = set
            .spans
            .iter()
            .map(|s| (s.id.as_str(), s.label.as_str()))
            .collect();
        for r in &inc.relations {
            if self.project.schema.relation_type(&r.kind).is_none()
                || self.new_rel_types.contains_key(&r.kind)
            {
                let entry = self.new_rel_types.entry(r.kind.clone()).or_default();
                for (list, end) in [(&mut entry.0, &r.from), (&mut entry.1, &r.to)] {
                    if let Some(l) = label_of.get(end.as_str())
                        && !list.iter().any(|x| x == l)
                    {
                        list.push(l.to_string());
                    }
                }
            }
        }
        set.relations = inc.relations.clone();
        self.report.sets_added += 1;
        self.report.spans_added += set.spans.len();
        self.report.relations_added += set.relations.len();
        self.set_keys
            .insert((set.annotator.clone(), set.document.clone()));
        self.project.sets.push(set);
    }

    fn ensure_label(&mut self, label: &str, attributes: &crate::model::Attributes) {
        let n = self.project.schema.labels.len();
        let added = self.report.labels_added.iter().any(|l| l == label);
        match self
            .project
            .schema
            .labels
            .iter_mut()
            .find(|l| l.id == label)
        {
            Some(def) if added => {
                // A label this import created: give it every attribute name it meets.
                for name in attributes.keys() {
                    if !def.attributes.iter().any(|a| &a.name == name) {
                        def.attributes.push(AttributeDef {
                            name: name.clone(),
                            values: Vec::new(),
                        });
                    }
                }
            }
            Some(_) => {}
            None => {
                self.project.schema.labels.push(LabelDef {
                    id: label.to_string(),
                    name: label.to_string(),
                    name_ar: None,
                    color: PALETTE[n % PALETTE.len()].to_string(),
                    hotkey: None,
                    attributes: attributes
                        .keys()
                        .map(|name| AttributeDef {
                            name: name.clone(),
                            values: Vec::new(),
                        })
                        .collect(),
                });
                self.report.labels_added.push(label.to_string());
            }
        }
    }

    fn ensure_entity(&mut self, id: &str, span: &Span, name: Option<String>, at: &Origin) {
        match self.project.entity(id) {
            Some(e) => {
                if self.new_entities.contains(id)
                    && let Some(n) = &name
                    && &e.name != n
                {
                    let msg = format!(
                        "span \"{}\": entity \"{id}\" is named «{n}» here but «{}» elsewhere in this import",
                        span.id, e.name
                    );
                    self.issue(at.issue(msg));
                }
            }
            None => {
                self.project.entities.push(Entity {
                    id: id.to_string(),
                    label: span.label.clone(),
                    name: name
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| span.text.clone()),
                    aliases: Vec::new(),
                });
                self.new_entities.insert(id.to_string());
                self.report.entities_added += 1;
            }
        }
    }

    /// The new project, if nothing went wrong; `base` is the project it started from
    /// (its own warnings are not reported again).
    pub fn finish(mut self, base: &Project) -> Result<Imported, FormatError> {
        for (id, (from, to)) in std::mem::take(&mut self.new_rel_types) {
            if self.project.schema.relation_type(&id).is_none() {
                self.project.schema.relations.push(RelationType {
                    id: id.clone(),
                    name: id.clone(),
                    from,
                    to,
                });
                self.report.relation_types_added.push(id);
            }
        }
        if !self.issues.is_empty() {
            return Err(FormatError::Import {
                issues: self.issues,
            });
        }
        let old: Vec<Problem> = store::validate(base);
        let mut errors = Vec::new();
        for p in store::validate(&self.project) {
            if old.contains(&p) {
                continue;
            }
            match p.severity {
                Severity::Error => {
                    errors.push(ImportIssue::new("(imported project)", None, p.to_string()))
                }
                Severity::Warning => self.report.warnings.push(p),
            }
        }
        if !errors.is_empty() {
            return Err(FormatError::Import { issues: errors });
        }
        self.project.canonicalize();
        Ok(Imported {
            project: self.project,
            report: self.report,
        })
    }
}

/// First code point where two texts differ, and a short excerpt of the second there.
fn first_difference(a: &str, b: &str) -> (usize, String) {
    let i = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    (i, b.chars().skip(i).take(20).collect())
}
