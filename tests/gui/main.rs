//! The GUI driven headless with egui_kittest through its widgets, one module per panel
//! (one test binary, so the GUI is linked once). Shared harness code is `support`.
#![cfg(feature = "gui")]

#[path = "../support/ui.rs"]
mod support;

mod annotations;
mod article;
mod attribution;
mod conflicts;
mod corpus_search;
mod curation;
mod dialogs;
mod documents;
mod entities;
mod files;
mod gestures;
mod keymap;
mod newcomer;
mod opening;
mod own_set;
mod progressive;
mod review;
mod schema;
mod search;
mod suggestions;
mod suggestions_tab;
mod table_import;
