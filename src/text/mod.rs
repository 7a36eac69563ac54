//! The Arabic text engine: layout, glyph atlas, hit testing, highlight geometry and
//! Arabic-aware search normalisation. It knows nothing about annotations.
//!
//! egui's own text layout shapes Arabic but has no bidi (numbers and Latin words come
//! out reversed, wrapped lines bottom-to-top), so the article view uses this engine:
//! [`parley`] does bidi (UAX #9), shaping (harfrust, i.e. HarfBuzz's algorithm) and line
//! breaking; [`atlas`] rasterises parley's glyph ids with `ab_glyph` from the same font
//! files. Only the embedded fonts are used, so the result does not depend on the
//! machine.
//!
//! Layout works in UTF-8 bytes (what parley reports). [`ArticleLayout`] converts to
//! code points at its boundary, so everything it returns is in code points.

pub mod atlas;
pub mod engine;
pub mod inspect;
pub mod layout;
pub mod memory;
pub mod normalize;
pub mod progressive;
pub mod tokenize;

pub use engine::{FontId, TextEngine};
pub use layout::{ArticleLayout, ClusterBox, LayoutParams, LineInfo, Rect, RunInfo};
