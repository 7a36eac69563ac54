//! The bundled sample project (`projects/derna-sirte.json`), built into the binary: what
//! the app opens with no argument when the source tree's copy is not at hand.

use std::path::Path;

use super::{Loaded, StoreError};
use crate::model::Project;

/// The bundled sample project's bytes, as in `projects/derna-sirte.json`.
pub static SAMPLE: &[u8] = include_bytes!("../../projects/derna-sirte.json");

/// The file name the sample is reported under.
pub const SAMPLE_NAME: &str = "derna-sirte.json";

/// The sample project, parsed with its load warnings.
pub fn load_sample() -> Result<Loaded, StoreError> {
    super::parse(Path::new(SAMPLE_NAME), SAMPLE)
}

/// The sample project, parsed.
pub fn sample() -> Result<Project, StoreError> {
    load_sample().map(|l| l.project)
}
