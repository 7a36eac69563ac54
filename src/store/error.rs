//! What can go wrong with a project file, said so that the user can act on it.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// A file could not be loaded or saved.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: the file is {size} bytes; Hashiya opens project files of at most {limit} bytes. Split the project (one file per batch of documents).", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}:{line}:{column}: the file is not valid UTF-8 (byte {byte}). Re-save it as UTF-8.", path.display())]
    NotUtf8 {
        path: PathBuf,
        byte: usize,
        line: usize,
        column: usize,
    },
    #[error("{}:{line}:{column}: invalid project JSON: {message}; {hint}.", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// What the user can do about it.
        hint: String,
    },
    #[error("{}: not a Hashiya project (\"format\" is {}, expected \"hashiya-project\"). Import articles with `hashiya import` or the Import menu instead.", path.display(), found.as_deref().unwrap_or("missing"))]
    NotAProject {
        path: PathBuf,
        found: Option<String>,
    },
    #[error("{}: this project is format version {found}, but this Hashiya reads versions up to {supported}. Open it with a newer Hashiya.", path.display())]
    TooNew {
        path: PathBuf,
        found: u64,
        supported: u64,
    },
    #[error("{}: \"version\" must be a whole number from 1, found {found}. Hashiya writes version 1: set it to 1 if the rest is a Hashiya project.", path.display())]
    BadVersion { path: PathBuf, found: String },
    #[error("{}: {} problem{} refuse{} this file:\n{}", path.display(), problems.len(), if problems.len() == 1 { "" } else { "s" }, if problems.len() == 1 { "s" } else { "" }, list(problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("could not serialise the project: {0}")]
    Serialize(String),
    #[error("{}: {what}", path.display())]
    Limit { path: PathBuf, what: String },
    #[error("{}: not written: this is {what}, not a regular file; Hashiya writes only regular files (and follows symbolic links to them). Give the path of a file, or move that one away", path.display())]
    NotAFile { path: PathBuf, what: String },
    #[error("{}: not written: this is a file where a folder is expected; give a folder (it is created if needed), or move the file away", path.display())]
    NotAFolder { path: PathBuf },
    #[error(transparent)]
    ExternalChange(#[from] super::stamp::ExternalChange),
}

fn list(problems: &[Problem]) -> String {
    let mut s = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i == 20 {
            s.push_str(&format!("  … and {} more\n", problems.len() - 20));
            break;
        }
        s.push_str(&format!("  - {p}\n"));
    }
    s.pop();
    s
}

impl StoreError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file is refused.
    Error,
    /// The file loads; the user is told.
    Warning,
}

/// One thing wrong in a project, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// Where: `document "d1"`, `set annotator-a/d1, span "s3"`, `schema, label "actor"`.
    pub location: String,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn error(location: impl Into<String>, kind: ProblemKind) -> Self {
        Problem {
            severity: Severity::Error,
            location: location.into(),
            kind,
        }
    }
    pub fn warning(location: impl Into<String>, kind: ProblemKind) -> Self {
        Problem {
            severity: Severity::Warning,
            location: location.into(),
            kind,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

/// Every problem `validate` knows, each with its own message and fix.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProblemKind {
    #[error("duplicate document id \"{0}\"; give each document its own id")]
    DuplicateDocumentId(String),
    #[error("duplicate entity id \"{0}\"; merge the two entities or rename one")]
    DuplicateEntityId(String),
    #[error("duplicate conflict id \"{0}\"; resolve one of the two conflicts or rename it")]
    DuplicateConflictId(String),
    #[error(
        "the assignment names document \"{0}\", which is not in the project; it is ignored (run hashiya assign again to make a new plan)"
    )]
    AssignedUnknownDocument(String),
    #[error(
        "a rejected suggestion names document \"{0}\", which is not in the project; it is ignored (it is dropped when you clear the rejections of the project)"
    )]
    RejectedUnknownDocument(String),
    #[error("duplicate label id \"{0}\" in the schema; rename one of the two labels")]
    DuplicateLabelId(String),
    #[error("duplicate relation type id \"{0}\" in the schema; rename one of the two types")]
    DuplicateRelationTypeId(String),
    #[error(
        "a second set of annotator \"{annotator}\" on document \"{document}\"; merge the two sets"
    )]
    DuplicateSet { annotator: String, document: String },
    #[error(
        "duplicate id \"{0}\" in this set (span and relation ids share one namespace); rename one of them"
    )]
    DuplicateId(String),
    #[error(
        "start {start} is not before end {end}; a span must cover at least one character: fix its bounds or delete it"
    )]
    EmptyOrInverted { start: usize, end: usize },
    #[error(
        "end {end} is past the end of the document ({len} code points); offsets count Unicode code points: fix its bounds or delete it"
    )]
    PastEnd { end: usize, len: usize },
    #[error("unknown document \"{0}\"; the set must name a document of this project")]
    UnknownDocument(String),
    #[error("unknown label \"{0}\"; add it to the schema or relabel the span")]
    UnknownLabel(String),
    #[error("unknown relation type \"{0}\"; add it to the schema")]
    UnknownRelationType(String),
    #[error(
        "relation endpoint \"{0}\" is not a span of this set; delete the relation or restore the span"
    )]
    DanglingRelation(String),
    #[error("relation from span \"{0}\" to itself; delete it or point it at another span")]
    SelfRelation(String),
    #[error("links to entity \"{0}\", which does not exist; create it or remove the link")]
    MissingEntity(String),
    #[error(
        "entity has unknown label \"{0}\"; add the label to the schema or change the entity's label"
    )]
    EntityUnknownLabel(String),
    #[error("invalid colour \"{0}\"; write it as #RRGGBB")]
    BadColor(String),
    #[error(
        "stored text «{stored}» differs from the document text «{actual}» at these offsets; the span is kept and flagged — fix its bounds or its text"
    )]
    SpanTextMismatch { stored: String, actual: String },
    #[error(
        "text hash {stored} does not match the text (its hash is {actual}): the text was changed after it was annotated, so offsets may be wrong"
    )]
    HashMismatch { stored: String, actual: String },
    #[error("label \"{label}\" has no attribute \"{name}\" (the value is kept)")]
    UnknownAttribute { label: String, name: String },
    #[error(
        "value \"{value}\" is not allowed for {label}.{name} (allowed: {allowed}); the value is kept — choose an allowed value or add it to the schema"
    )]
    AttributeValueNotAllowed {
        label: String,
        name: String,
        value: String,
        allowed: String,
    },
    #[error(
        "the schema does not allow \"{kind}\" from a {from} to a {to}; the relation is kept — change its type or allow it in the schema"
    )]
    RelationNotAllowed {
        kind: String,
        from: String,
        to: String,
    },
    #[error(
        "span labelled \"{span_label}\" links to entity \"{entity}\" labelled \"{entity_label}\""
    )]
    EntityLabelMismatch {
        entity: String,
        span_label: String,
        entity_label: String,
    },
    #[error("the file starts with a byte order mark; it is ignored and not written back")]
    ByteOrderMark,
    #[error("{what} is {found}, above the limit of {limit}; {fix}")]
    OverLimit {
        what: &'static str,
        found: usize,
        limit: usize,
        /// What the user can do about it.
        fix: &'static str,
    },
}
