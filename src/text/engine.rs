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
    /// Blob ids of the registered fonts, in [`fonts::ALL`] order.
    blob_ids: Vec<u64>,
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
        for (_, bytes) in fonts::ALL {
            let blob: Blob<u8> = Blob::new(Arc::new(bytes));
            blob_ids.push(blob.id());
            fcx.collection.register_fonts(blob, None);
        }
        TextEngine {
            fcx,
            lcx: LayoutContext::new(),
            blob_ids,
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
