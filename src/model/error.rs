//! Why an edit is not possible: [`EditError`], what every command builder
//! ([`super::edit`], [`crate::suggest`]'s, conflict resolution) and
//! `Workspace::apply` refuse with. Each variant says what is wrong in the user's
//! terms; its text (`Display`) is the message the status bar and the CLI show, in
//! plain English, naming the span, label or document and, where there is one, what
//! to do next.

use thiserror::Error;

use super::history::{HistoryError, SetKey};
use super::words;

/// Which end of a relation a span is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationEnd {
    /// The relation starts at the span (`from`).
    Source,
    /// The relation ends at the span (`to`).
    Target,
}

impl RelationEnd {
    fn verb(self) -> &'static str {
        match self {
            RelationEnd::Source => "start at",
            RelationEnd::Target => "end at",
        }
    }
}

/// Why an edit cannot be made. The project is left as it was.
#[derive(Debug, PartialEq, Error)]
pub enum EditError {
    // --- What the edit names is not in the project.
    #[error("no document \"{0}\" in the project")]
    NoSuchDocument(String),
    #[error("{} has no annotations on document \"{}\"", .0.annotator, .0.document)]
    NoSuchSet(SetKey),
    #[error(
        "no span \"{id}\" in {}'s annotations on \"{}\" (it may have been deleted)",
        .set.annotator,
        .set.document
    )]
    NoSuchSpan { id: String, set: SetKey },
    #[error("no label \"{0}\" in the schema")]
    NoSuchLabel(String),
    #[error("no relation type \"{0}\"")]
    NoSuchRelationType(String),
    #[error("no entity \"{0}\"")]
    NoSuchEntity(String),
    #[error("the span's label \"{0}\" is not in the schema: relabel it first")]
    SpanLabelNotInSchema(String),
    #[error("label {label} has no attribute \"{attribute}\" (its attributes: {})", list_or_none(.known))]
    NoSuchAttribute {
        label: String,
        attribute: String,
        /// The attributes the label has.
        known: Vec<String>,
    },

    // --- The edit would change nothing, or add what is there already.
    #[error("nothing changed")]
    NothingChanged,
    #[error("this text already has this label")]
    AlreadyTagged,
    #[error("the span is already labelled {0}")]
    AlreadyLabelled(String),
    #[error("this relation exists already")]
    DuplicateRelation,
    #[error("every match is already tagged with this label")]
    AllMatchesTagged,
    #[error("the project already has this name")]
    SameName,

    // --- Offsets and bounds (code points).
    #[error("the selection holds no text to tag")]
    EmptySelection,
    #[error("offset {offset} is past the end of the text ({len} characters)")]
    PastEnd { offset: usize, len: usize },
    #[error("a span must cover at least one character: its start must come before its end")]
    EmptySpan,
    #[error("the range does not fall on character boundaries")]
    NotOnCharacters,
    #[error("match {start}..{end} out of range in \"{document}\"")]
    MatchOutOfRange {
        start: usize,
        end: usize,
        document: String,
    },
    #[error("no word after the span")]
    NoWordAfter,
    #[error("no word before the span")]
    NoWordBefore,
    #[error("the span is a single word")]
    SingleWord,

    // --- What the schema does not allow.
    #[error("a relation needs two different spans")]
    RelationToItself,
    #[error("\"{kind}\" does not go from {} to {}", words::a(.from), words::a(.to))]
    RelationNotAllowed {
        /// The relation type's name.
        kind: String,
        from: String,
        to: String,
    },
    #[error(
        "relation {relation} (\"{kind}\") cannot {} {}: delete the relation first, then relabel",
        .end.verb(),
        words::a(.label)
    )]
    RelationEndNotAllowed {
        relation: String,
        /// The relation type's name.
        kind: String,
        end: RelationEnd,
        label: String,
    },
    #[error("\"{value}\" is not a value of {attribute} (choose one of: {})", .allowed.join(", "))]
    ValueNotAllowed {
        value: String,
        attribute: String,
        allowed: Vec<String>,
    },

    // --- Documents and the project.
    #[error("the text is empty: paste or type the article first")]
    EmptyText,
    #[error("the document needs a title")]
    NoTitle,
    #[error("this text is already in the project, as \"{0}\"")]
    DuplicateText(String),
    #[error("every id derived from this text is taken")]
    NoFreeId,
    #[error("a project needs a name")]
    NoName,
    #[error(
        "the import would change the text of document \"{title}\" ({id}): a document's text never changes; import the new text as another document"
    )]
    ImportChangesText { title: String, id: String },
    #[error(
        "nothing to import: every document and annotation in these files is already in the project"
    )]
    NothingToImport,
    #[error("nothing changed: the two projects are the same")]
    SameProject,

    // --- Sets, gold sets, entities.
    #[error("the gold set needs an annotator name")]
    GoldWithoutAnnotator,
    /// Span `.0` of the gold set, and what is wrong with it.
    #[error("span {0} of the gold set: {1}")]
    BadGoldSpan(String, Box<EditError>),
    #[error(
        "span {id} of the gold set says \"{said}\" but the text at {start}–{end} is \"{text}\""
    )]
    GoldSpanText {
        id: String,
        said: String,
        start: usize,
        end: usize,
        text: String,
    },
    #[error("a set cannot be copied onto itself")]
    CopyOntoItself,
    #[error("nothing to copy: {from} has no set on a document where {to} has none")]
    NothingToCopy { from: String, to: String },
    #[error("choose two different entities")]
    SameEntity,

    // --- The label schema editor.
    #[error("a label needs an id")]
    LabelWithoutId,
    #[error("two labels have the id \"{0}\"")]
    DuplicateLabelId(String),
    #[error("label \"{0}\": colour must be #RRGGBB")]
    BadColour(String),
    #[error("label \"{0}\" is in use and was removed: choose a label to give its spans")]
    RemovedLabelInUse(String),

    // --- Suggestions.
    #[error("the suggestion «{text}» is on document \"{document}\", not on \"{current}\"")]
    SuggestionElsewhere {
        text: String,
        document: String,
        current: String,
    },
    #[error("the suggestion «{0}» is past the end of the text")]
    SuggestionPastEnd(String),
    #[error(
        "the suggestion «{text}» no longer matches the text («{found}»): refresh the suggestions"
    )]
    StaleSuggestion { text: String, found: String },
    #[error("every suggestion is already tagged")]
    AllSuggestionsTagged,
    #[error("this suggestion is already rejected")]
    AlreadyRejected,
    #[error("no rejected suggestions to forget")]
    NoRejections,
    #[error("suggestions are already {}", on_off(.0))]
    SuggestionsAlready(bool),

    // --- Resolving a merge conflict.
    #[error("no conflict \"{0}\" in the project (resolved already?)")]
    NoSuchConflict(String),
    #[error("conflict {0} does not say which set it is in")]
    ConflictWithoutSet(String),
    #[error("conflict {0}: a recorded schema is damaged")]
    DamagedConflict(String),
    #[error("the edited schema is not a label schema: {0}")]
    NotASchema(String),
    #[error("the chosen {what} is not valid: {reason}")]
    BadChoice { what: &'static str, reason: String },
    #[error("the chosen {what} has id \"{got}\"; it must keep the id \"{id}\"")]
    ChoiceChangesId {
        what: &'static str,
        got: String,
        id: String,
    },
    #[error("a document's text never changes: choose a version with the text the project has")]
    ChoiceChangesText,
    #[error("the chosen span covers {start}–{end}, outside the text (0–{len})")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error(
        "this choice would leave the project invalid ({0}); change that first, or edit the version to keep"
    )]
    LeavesProjectInvalid(String),

    // --- The workspace's own rules.
    #[error(
        "These are {0}'s labels (read-only): start your own set, or choose \"Edit {0}'s labels\" in the toolbar"
    )]
    ReadOnly(String),
    /// A command that does not fit the project (a bug in its builder).
    #[error(transparent)]
    History(#[from] HistoryError),
}

fn on_off(enabled: &bool) -> &'static str {
    if *enabled { "on" } else { "off" }
}

/// "a, b" or "none".
fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}
