//! Pure data: the project and everything in it.
//!
//! A [`Project`] holds a [`LabelSchema`], the [`Document`]s (immutable text plus its
//! SHA-256), a project-wide registry of [`Entity`]s, and one [`AnnotationSet`] per
//! annotator per document. Span offsets are Unicode code points, end-exclusive
//! (Python `str` slicing); [`offsets`] converts to UTF-8 bytes and UTF-16 units.
//!
//! Nothing here knows about files, egui or layout: `store/` reads and writes these
//! types, `ui/` changes them only through [`history`] commands.

pub mod attributes;
pub mod diff;
pub mod edit;
pub mod entities;
pub mod error;
pub mod history;
pub mod index;
mod lines;
pub mod offsets;
pub mod project;
pub mod schema;
pub mod schema_edit;
pub mod tag_all;
pub mod team;
pub mod words;

pub use attributes::Attributes;
pub use error::{EditError, RelationEnd};
pub use index::{IndexUpdate, SpanDelta, SpanIndex};
pub use offsets::OffsetMap;
pub use project::{
    AnnotationSet, Document, Entity, Project, Provenance, Rejected, Relation, Source, Span,
    SuggestionSettings, SuggestionSource, text_sha256,
};
pub use schema::{AttributeDef, LabelDef, LabelSchema, RelationType};
pub use team::{Assignment, Conflict, ConflictKind};
