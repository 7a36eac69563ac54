//! The egui application, one struct per panel. Panels read the [`Workspace`] and
//! return an [`action::Action`]; the app ([`app`], [`actions`]) carries it out, changing
//! the project only through the workspace. Panels hold view state (selection, scroll,
//! filters, form fields), never business logic.
//!
//! | file | owns |
//! |---|---|
//! | `app.rs` | the app's state and its frame: keys, panels, windows, actions, housekeeping |
//! | `compose.rs` | the window's layout: the panels around the article, the windows over it |
//! | `panel.rs` | the `Panel` (a region, a tab) and `Window` (floating) traits the parts implement |
//! | `actions/` | carrying out actions, one file per group: `edit.rs` (the project), `files.rs`, `review.rs`, `view.rs`; the keys' actions |
//! | `startup.rs` | start options, start-up, autosave and housekeeping between frames, screenshot mode |
//! | `layout_cache.rs` | the article's layout: rebuilt on a change only, long texts first screens then whole in the background |
//! | `paths.rs` | file dialogs, the in-app path prompt, opening and saving paths |
//! | `action.rs` | the actions panels return, the window kinds |
//! | `keymap.rs` | every shortcut, once: key handler, menu texts, F1 overlay |
//! | `menu.rs` | menu bar and label toolbar |
//! | `documents.rs` | document list (left) |
//! | `annotations.rs` | annotation list with filters (right) |
//! | `span_details.rs` | the selected span: attributes, relations, entity, note |
//! | `entities.rs` | entity list (right) |
//! | `review_panel.rs` | review navigator (right) |
//! | `curation.rs` | curation of N annotators into a gold set (right) |
//! | `dashboard.rs` | agreement dashboard window |
//! | `conflicts.rs` | merge conflicts recorded in the project: keep ours, take theirs, edit |
//! | `progress.rs` | the team's progress window (who has done what) |
//! | `article.rs` | article interactions: highlights, clicks, tooltips |
//! | `article_view.rs` | the article widget: layout cache, scrolling, the frame's passes |
//! | `article_input.rs` | the article's mouse and keys: selection gestures, handle and relation drags |
//! | `article_paint.rs` | painting the article, one pass per layer (highlights, arrows, marks, glyphs, chips) |
//! | `dialogs.rs` | windows and modal questions |
//! | `suggestions.rs` | suggestions grouped by text and label, accepted across documents |
//! | `table_import.rs` | importing a corpus table: preview, columns, encoding |
//! | `search.rs` | the search bar |
//! | `corpus_search.rs` | search of every document (right tab): results by document, tag all |
//! | `schema_editor.rs` | the label schema window |
//! | `text_renderer.rs` | the text engine, glyph atlas and texture; cached Arabic labels |
//! | `text_field.rs` | a text field laid out by our engine (Arabic input) |
//! | `widgets.rs` | list rows, label colours |

pub mod action;
mod actions;
pub mod annotations;
pub mod app;
pub mod article;
mod article_input;
mod article_paint;
pub mod article_view;
mod compose;
pub mod conflicts;
pub mod corpus_search;
pub mod curation;
pub mod dashboard;
pub mod dialogs;
pub mod documents;
pub mod entities;
pub mod file_browser;
pub mod keymap;
pub mod layout_cache;
pub mod menu;
pub mod panel;
mod paths;
pub mod progress;
pub mod review_panel;
pub mod schema_editor;
pub mod search;
pub mod span_details;
mod startup;
pub mod suggestions;
pub mod table_import;
pub mod text_field;
pub mod text_renderer;
pub mod widgets;

pub use crate::workspace::{SaveFailure, Workspace};
pub use app::{HashiyaApp, StartOptions};
pub use widgets::install_fonts;
