//! The font and layout contexts, created once and reused (parley allocates scratch
//! space in `LayoutContext`; recreating it per layout would allocate every time).

use std::sync::Arc;

use parley::fontique::Blob;
use parley::{FontContext, LayoutContext};

use crate::fonts;

/// Which embedded font a glyph run uses (index into [`fonts::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u8);

impl FontId {
    pub fn bytes(self) -> &'static [u8] {
        fonts::ALL[self.0 as usize].1
    }
    pub fn family(self) -> &'static str {
        fonts::ALL[self.0 as usize].0
    }
}

/// Owns parley's contexts with only the embedded fonts registered (no system fonts:
/// parley is built without its `system` feature).
pub struct TextEngine {
    pub(crate) fcx: FontContext,
    pub(crate) lcx: LayoutContext<()>,
    /// Blob ids of the registered fonts, in [`fonts::ALL`] order (the same in every
    /// engine: the blobs are made once per process and shared).
    blob_ids: Vec<u64>,
    /// More engines, one per extra thread, for laying out long texts in parallel
    /// (created on first need, then reused).
    pub(crate) helpers: Vec<TextEngine>,
}

/// The embedded fonts as parley blobs, made once: every engine registers these same
/// blobs, so a run shaped by any engine maps to its [`FontId`] by blob id.
fn blobs() -> &'static [Blob<u8>] {
    static BLOBS: std::sync::OnceLock<Vec<Blob<u8>>> = std::sync::OnceLock::new();
    BLOBS.get_or_init(|| {
        fonts::ALL
            .iter()
            .map(|(_, bytes)| Blob::new(Arc::new(*bytes)))
            .collect()
    })
}

impl Default for TextEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl TextEngine {
    pub fn new() -> Self {
        let mut fcx = FontContext::new();
        let mut blob_ids = Vec::new();
        for blob in blobs() {
            blob_ids.push(blob.id());
            fcx.collection.register_fonts(blob.clone(), None);
        }
        TextEngine {
            fcx,
            lcx: LayoutContext::new(),
            blob_ids,
            helpers: Vec::new(),
        }
    }

    /// The embedded font a parley run was shaped with.
    pub fn font_id(&self, font: &parley::FontData) -> Option<FontId> {
        let id = font.data.id();
        self.blob_ids
            .iter()
            .position(|&b| b == id)
            .map(|i| FontId(i as u8))
    }
}
