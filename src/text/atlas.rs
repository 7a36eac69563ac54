//! A glyph atlas: glyphs rasterised with `ab_glyph` from the same font files parley
//! shaped with (so parley's glyph ids are valid here), packed into one alpha image.
//!
//! Entries are keyed by font, glyph id, pixel size and a sub-pixel bucket of the pen's
//! x position (a quarter pixel), so text stays crisp at any `pixels_per_point` without
//! rasterising per frame. The image grows in place; `take_dirty` tells the painter which
//! rows changed since the last upload so only those are sent to the GPU. When the atlas
//! is full it is cleared and glyphs are rasterised again on demand (`generation` tells
//! the painter to re-upload everything).
//!
//! `ab_glyph`'s `PxScale` is the ascent-to-descent height, not the em size: a font
//! drawn at "16 px" through `PxScale(16)` comes out smaller than the em size parley
//! shaped with and the letters no longer join. [`em_to_px_scale`] converts.

use std::collections::HashMap;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, point};

use super::engine::FontId;
use crate::fonts;

/// Sub-pixel positions per pixel along x.
pub const SUBPIXEL_STEPS: f32 = 4.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlyphKey {
    pub font: FontId,
    pub id: u16,
    /// Em size in 1/64 physical pixels.
    pub size_64: u32,
    /// Sub-pixel x bucket, 0..SUBPIXEL_STEPS.
    pub subpixel: u8,
}

/// Where a rasterised glyph sits in the atlas and how to place it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtlasEntry {
    /// Pixel rectangle in the atlas: x, y, width, height. Zero size for blank glyphs.
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// Offset of the bitmap's top-left from the pen position (whole pixel part), in
    /// physical pixels.
    pub left: f32,
    pub top: f32,
}

/// ab_glyph's scale for a font drawn at `em_px` pixels per em.
pub fn em_to_px_scale(font: &FontRef<'_>, em_px: f32) -> PxScale {
    let upem = font.units_per_em().unwrap_or(1000.0);
    PxScale::from(em_px * font.height_unscaled() / upem)
}

pub struct GlyphAtlas {
    fonts: Vec<FontRef<'static>>,
    size: u32,
    pixels: Vec<u8>,
    entries: HashMap<GlyphKey, AtlasEntry>,
    cursor_x: u32,
    cursor_y: u32,
    row_h: u32,
    dirty_rows: Option<(u32, u32)>,
    generation: u64,
}

const MAX_SIZE: u32 = 4096;
const PAD: u32 = 1;

impl Default for GlyphAtlas {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl GlyphAtlas {
    pub fn new(size: u32) -> Self {
        let fonts = fonts::ALL
            .iter()
            .filter_map(|(_, b)| FontRef::try_from_slice(b).ok())
            .collect();
        GlyphAtlas {
            fonts,
            size,
            pixels: vec![0; (size * size) as usize],
            entries: HashMap::new(),
            cursor_x: PAD,
            cursor_y: PAD,
            row_h: 0,
            dirty_rows: Some((0, size)),
            generation: 0,
        }
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Bumped whenever the atlas is cleared or resized: re-upload it whole.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rows `y0..y1` changed since the last call.
    pub fn take_dirty(&mut self) -> Option<(u32, u32)> {
        self.dirty_rows.take()
    }

    /// The key for a glyph drawn with its pen at physical x position `x_phys`, and the
    /// whole-pixel x to place it at.
    pub fn key_for(font: FontId, id: u16, em_px_phys: f32, x_phys: f32) -> (GlyphKey, f32) {
        let whole = x_phys.floor();
        let frac = x_phys - whole;
        let bucket = ((frac * SUBPIXEL_STEPS).round() as u32).min(SUBPIXEL_STEPS as u32) as f32;
        // A fraction that rounds up to a full pixel is the next pixel's bucket 0.
        let (whole, bucket) = if bucket >= SUBPIXEL_STEPS {
            (whole + 1.0, 0.0)
        } else {
            (whole, bucket)
        };
        (
            GlyphKey {
                font,
                id,
                size_64: (em_px_phys * 64.0).round() as u32,
                subpixel: bucket as u8,
            },
            whole,
        )
    }

    /// The atlas entry for a glyph, rasterising it on first use.
    pub fn get(&mut self, key: GlyphKey) -> AtlasEntry {
        if let Some(e) = self.entries.get(&key) {
            return *e;
        }
        let e = self.rasterize(key);
        self.entries.insert(key, e);
        e
    }

    fn rasterize(&mut self, key: GlyphKey) -> AtlasEntry {
        let blank = AtlasEntry {
            x: 0,
            y: 0,
            w: 0,
            h: 0,
            left: 0.0,
            top: 0.0,
        };
        let Some(font) = self.fonts.get(key.font.0 as usize) else {
            return blank;
        };
        let em = key.size_64 as f32 / 64.0;
        let scale = em_to_px_scale(font, em);
        let sub = key.subpixel as f32 / SUBPIXEL_STEPS;
        let glyph = GlyphId(key.id).with_scale_and_position(scale, point(sub, 0.0));
        let Some(outlined) = font.outline_glyph(glyph) else {
            return blank;
        };
        let b = outlined.px_bounds();
        let w = b.width().ceil() as u32;
        let h = b.height().ceil() as u32;
        if w == 0 || h == 0 {
            return blank;
        }
        if w + 2 * PAD > self.size || h + 2 * PAD > self.size {
            return blank; // absurdly large glyph: not drawn rather than corrupting the atlas
        }
        if self.cursor_x + w + PAD > self.size {
            self.cursor_x = PAD;
            self.cursor_y += self.row_h + PAD;
            self.row_h = 0;
        }
        if self.cursor_y + h + PAD > self.size {
            self.grow_or_clear();
            return self.rasterize(key);
        }
        let (x0, y0) = (self.cursor_x, self.cursor_y);
        let size = self.size;
        let pixels = &mut self.pixels;
        outlined.draw(|gx, gy, c| {
            if gx < w && gy < h {
                let i = ((y0 + gy) * size + x0 + gx) as usize;
                pixels[i] = (c.clamp(0.0, 1.0) * 255.0).round() as u8;
            }
        });
        self.cursor_x += w + PAD;
        self.row_h = self.row_h.max(h);
        self.mark_dirty(y0, y0 + h);
        AtlasEntry {
            x: x0,
            y: y0,
            w,
            h,
            left: b.min.x,
            top: b.min.y,
        }
    }

    fn mark_dirty(&mut self, y0: u32, y1: u32) {
        self.dirty_rows = Some(match self.dirty_rows {
            Some((a, b)) => (a.min(y0), b.max(y1)),
            None => (y0, y1),
        });
    }

    fn grow_or_clear(&mut self) {
        if self.size < MAX_SIZE {
            // Grow: keep the packed rows (they stay valid at the same coordinates).
            let new = self.size * 2;
            let mut pixels = vec![0; (new * new) as usize];
            for y in 0..self.size {
                let src = (y * self.size) as usize;
                let dst = (y * new) as usize;
                pixels[dst..dst + self.size as usize]
                    .copy_from_slice(&self.pixels[src..src + self.size as usize]);
            }
            // New rows continue below the old ones at full width.
            self.cursor_x = PAD;
            self.cursor_y += self.row_h + PAD;
            self.row_h = 0;
            self.size = new;
            self.pixels = pixels;
        } else {
            self.pixels.fill(0);
            self.entries.clear();
            self.cursor_x = PAD;
            self.cursor_y = PAD;
            self.row_h = 0;
        }
        self.generation += 1;
        self.dirty_rows = Some((0, self.size));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn px_scale_is_larger_than_em_for_naskh() {
        let f = FontRef::try_from_slice(fonts::ARABIC).unwrap();
        let s = em_to_px_scale(&f, 20.0);
        // Naskh's ascent-to-descent height exceeds its em, so PxScale must exceed 20.
        assert!(s.y > 20.0, "{s:?}");
        // And the advance ab_glyph gives at that scale equals the em-based advance.
        use ab_glyph::ScaleFont;
        let gid = f.glyph_id('ش');
        let adv = f.as_scaled(s).h_advance(gid);
        let upem = f.units_per_em().unwrap();
        let expected = f.h_advance_unscaled(gid) * 20.0 / upem;
        assert!((adv - expected).abs() < 1e-3, "{adv} vs {expected}");
    }

    #[test]
    fn caches_and_packs_glyphs() {
        let mut a = GlyphAtlas::new(64);
        let f = FontRef::try_from_slice(fonts::ARABIC).unwrap();
        let id = f.glyph_id('ش').0;
        let (k, _) = GlyphAtlas::key_for(FontId(0), id, 24.0, 10.3);
        let e1 = a.get(k);
        assert!(e1.w > 0 && e1.h > 0);
        assert!(a.pixels().iter().any(|&p| p > 128), "glyph has ink");
        assert_eq!(a.get(k), e1, "second lookup is the cached entry");
        // Fill the atlas until it grows.
        let mut n = 0;
        while a.size() == 64 && n < 500 {
            let (k, _) = GlyphAtlas::key_for(FontId(0), id, 24.0 + n as f32, 0.0);
            a.get(k);
            n += 1;
        }
        assert_eq!(a.size(), 128);
        assert_eq!(a.get(k), e1, "entries survive growth");
    }

    #[test]
    fn subpixel_buckets() {
        let (k, whole) = GlyphAtlas::key_for(FontId(0), 1, 16.0, 10.99);
        assert_eq!((k.subpixel, whole), (0, 11.0));
        let (k, whole) = GlyphAtlas::key_for(FontId(0), 1, 16.0, 10.5);
        assert_eq!((k.subpixel, whole), (2, 10.0));
    }
}
