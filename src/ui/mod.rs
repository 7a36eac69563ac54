//! The egui application. Panels read the model and change it only through
//! [`crate::model::history`] commands built by [`crate::model::edit`]; they hold view
//! state (selection, scroll, zoom), never business logic.

pub mod app;
pub mod article_view;
pub mod config;
pub mod review;
pub mod schema_editor;
pub mod search;
pub mod text_field;
pub mod workspace;

pub use app::{HashiyaApp, StartOptions, install_fonts};
pub use workspace::{SaveFailure, Workspace};
