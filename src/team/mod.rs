//! Teams working through a corpus: the work travels between machines as project files
//! (git, a shared drive, e-mail), never through a server of ours.
//!
//! - [`merge`]: a structural three-way merge of project files by ids, recording real
//!   conflicts in the project, and their resolution; [`driver`]: the git merge driver
//!   around it, [`git_setup`]: `hashiya git-setup`;
//! - [`assign`]: splitting a corpus among annotators, reproducibly;
//! - [`collect`]: bringing the annotators' files back into one project;
//! - [`status`]: who has done what.
//!
//! Pure functions over [`crate::model::Project`]s plus thin file helpers through
//! [`crate::store`]; no egui.

pub mod assign;
pub mod collect;
mod doc_match;
pub mod driver;
pub mod git_setup;
pub mod merge;
pub mod resolve;
pub mod status;
mod three_way;
