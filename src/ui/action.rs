//! What the panels ask the app to do. A panel reads the workspace and returns an
//! [`Action`]; only [`super::HashiyaApp::apply_action`] changes anything, and it changes
//! the project only through the workspace with commands built by
//! [`crate::model::edit`].

use std::ops::Range;
use std::path::PathBuf;

use crate::formats::{ExportFormat, ImportFormat};
use crate::model::edit::{SpanEnd, TagOptions};
use crate::model::history::Command;
use crate::review::Decision;
use crate::review::render::ReportFormat;

/// The windows that are either open or closed (those holding a form keep their state
/// in their own struct).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowKind {
    Help,
    Dashboard,
    Progress,
    Conflicts,
    Paste,
    NamePrompt,
    QuitConfirm,
}

/// Why the app asks for a path in the window (no file dialog service answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    Open,
    SaveAs,
    Compare,
    Import(ImportFormat),
    Export(ExportFormat),
}

#[derive(Debug, Clone)]
pub enum Action {
    /// Ask for a path (file dialog, else the in-app prompt), then act on it.
    PickPath(PathPurpose),
    /// Act on a path the user gave.
    UsePath(PathPurpose, Vec<PathBuf>),
    Save,
    /// Import with options chosen in a dialog (a table's columns, an encoding).
    ImportWith {
        format: ImportFormat,
        paths: Vec<PathBuf>,
        options: Box<crate::formats::ImportOptions>,
    },
    AddDocument {
        title: String,
        text: String,
    },
    OpenWindow(WindowKind),
    CloseWindow(WindowKind),
    ToggleWindow(WindowKind),
    /// The user's name (asked once, remembered in the config).
    SetUserName(String),
    /// Whose set is shown (and edited, when it is the user's own).
    SwitchAnnotator(String),
    /// Start the user's own sets: empty, or as copies of an annotator's.
    StartOwnSets {
        copy_of: Option<String>,
    },
    /// Explicitly allow (or stop) editing the shown sets of another annotator.
    EditOthers(bool),
    Undo,
    Redo,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    SetDark(bool),
    /// The user resized the right panel to this width: remembered in the settings.
    RememberPanelWidth(f32),
    SetTagOptions(TagOptions),
    OpenSearch,
    CloseSearch,
    /// Show the corpus search tab and focus its query.
    OpenCorpusSearch,
    /// Make a document current and scroll to and flash a range of it (a corpus search
    /// result).
    RevealInDocument {
        document: String,
        range: Range<usize>,
    },
    /// Make a document current and open the search bar on it with this query.
    FindInDocument {
        document: String,
        query: String,
        options: crate::text::normalize::SearchOptions,
    },
    /// Tag the matches of several documents ((document id, ranges) pairs) with `label`
    /// in the shown annotator's sets, one undoable step.
    TagAllDocuments {
        label: String,
        hits: Vec<(String, Vec<Range<usize>>)>,
    },
    OpenSchemaEditor,
    ChangeSchema(Command),
    SwitchDocument(usize),
    SetDone(bool),
    /// Select this text of the current document (code points) and scroll it into view.
    SelectText(Range<usize>),
    /// Tag the text selection with a label.
    Tag(String),
    TagAll {
        label: String,
        ranges: Vec<Range<usize>>,
    },
    Relabel {
        span: String,
        label: String,
    },
    SetAttribute {
        span: String,
        name: String,
        value: Option<String>,
    },
    SetNote {
        span: String,
        note: Option<String>,
    },
    DeleteSelected,
    /// Move an end of the selected span by a word.
    Nudge(SpanEnd, bool),
    /// Move an end of a span to a code point (a dragged handle); `snap`: to the
    /// enclosing word's edge.
    MoveBoundary {
        span: String,
        end: SpanEnd,
        to: usize,
        snap: bool,
    },
    /// Select a span (None: nothing); `reveal` scrolls its text into view (from a
    /// list), not for a click in the article (the text must not move under the
    /// pointer).
    SelectSpan {
        id: Option<String>,
        reveal: bool,
    },
    SelectNeighbour {
        forward: bool,
    },
    /// Wait for a click on the target of a relation from the selected span.
    StartRelation,
    /// Relate two spans: directly when one type fits, else ask which.
    Relate {
        from: String,
        to: String,
    },
    RelateAs {
        kind: String,
        from: String,
        to: String,
    },
    /// Escape: clear selections, cancel a pending relation, close the overlay.
    Cancel,
    Reveal(Range<usize>),
    CreateEntity(String),
    LinkEntity {
        span: String,
        entity: Option<String>,
    },
    MergeEntities {
        keep: String,
        gone: String,
    },
    JumpToEntity(String),
    EndReview,
    /// Put every span at least `k` annotators agree on into the gold set.
    PreMerge {
        gold: String,
        k: usize,
    },
    /// Accept one curation candidate into the gold set.
    AcceptCandidate {
        gold: String,
        candidate: crate::review::curate::Candidate,
    },
    Decide(Decision),
    ReviewStep {
        forward: bool,
    },
    SetGoldName(String),
    ExportAgreement(ReportFormat),
    /// The project file changed on disk: take theirs.
    ReloadFromDisk,
    /// The project file changed on disk: write mine over it (theirs → `.bak`).
    KeepMine,
    /// Leave the external change for later.
    DismissExternalChange,
    RestoreRecovery,
    DiscardRecovery,
    Quit {
        save: bool,
    },
    /// Show a message in the status bar.
    Status(String),
    /// Walk the current document's suggestions.
    SuggestionStep {
        forward: bool,
    },
    /// Accept the current suggestion (`everywhere`: every one of its text and label in
    /// this document), one undoable step.
    AcceptSuggestion {
        everywhere: bool,
    },
    RejectSuggestion,
    /// Accept these suggestions (of any documents) as one undoable step.
    AcceptSuggestions(Vec<crate::suggest::Suggestion>),
    /// Switch suggestions on or off for the project.
    SetSuggestions(bool),
    /// Find every document's suggestions for the Suggestions tab.
    FindSuggestions,
    /// Resolve a merge conflict recorded in the project.
    ResolveConflict {
        id: String,
        choice: crate::team::merge::Resolution,
    },
}
