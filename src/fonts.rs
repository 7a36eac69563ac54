//! The fonts Hashiya draws with, embedded so the program needs no installed font and
//! looks the same on every machine.
//!
//! Noto Naskh Arabic covers Arabic; Noto Sans covers Latin letters, digits and the
//! punctuation the Arabic font lacks (“ ” / …); the monochrome Noto Emoji draws emoji
//! (flags and ZWJ sequences included, as ligatures) in the text colour. All three are
//! under the SIL Open Font License (`fonts/OFL.txt`, `fonts/NotoEmoji-OFL.txt`).

// The font bytes are `static`s, not `const`s: a `const` slice of `include_bytes!` was
// copied into the binary once per use (the Arabic and Latin fonts were there 4 times
// each, the emoji font 3 times: `size -A` on the stripped binary).
static ARABIC_BYTES: [u8; include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf").len()] =
    *include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf");
static LATIN_BYTES: [u8; include_bytes!("../fonts/NotoSans-Regular.ttf").len()] =
    *include_bytes!("../fonts/NotoSans-Regular.ttf");
static EMOJI_BYTES: [u8; include_bytes!("../fonts/NotoEmoji-Regular.ttf").len()] =
    *include_bytes!("../fonts/NotoEmoji-Regular.ttf");

/// Noto Naskh Arabic Regular.
pub static ARABIC: &[u8] = &ARABIC_BYTES;
/// Noto Sans Regular, the Latin companion.
pub static LATIN: &[u8] = &LATIN_BYTES;

/// Noto Emoji Regular (monochrome, 886 kB), the last fallback.
pub static EMOJI: &[u8] = &EMOJI_BYTES;

/// Family names as the fonts declare them (what the text engine asks for).
pub const ARABIC_FAMILY: &str = "Noto Naskh Arabic";
pub const LATIN_FAMILY: &str = "Noto Sans";
pub const EMOJI_FAMILY: &str = "Noto Emoji";

/// The embedded fonts in fallback order: Arabic first, then Latin, then emoji (so the
/// digits, `#` and `*` that Noto Emoji also has keep the text fonts' shapes).
pub static ALL: [(&str, &[u8]); 3] = [
    (ARABIC_FAMILY, &ARABIC_BYTES),
    (LATIN_FAMILY, &LATIN_BYTES),
    (EMOJI_FAMILY, &EMOJI_BYTES),
];

/// The text fonts (Arabic and Latin) without the emoji font: what egui's own widgets get
/// as fallbacks (egui brings its own emoji).
pub static TEXT: [(&str, &[u8]); 2] =
    [(ARABIC_FAMILY, &ARABIC_BYTES), (LATIN_FAMILY, &LATIN_BYTES)];

/// Whether one of the embedded fonts has a glyph for `c` (controls and line breaks,
/// which are never drawn, count as covered).
pub fn covers(c: char) -> bool {
    use ab_glyph::{Font, FontRef};
    if c.is_control() || is_invisible_format(c) {
        return true;
    }
    ALL.iter().any(|(_, bytes)| {
        FontRef::try_from_slice(bytes)
            .map(|f| f.glyph_id(c).0 != 0)
            .unwrap_or(false)
    })
}

/// Zero-width format characters (bidi controls, ZWJ/ZWNJ, BOM) that shapers handle
/// without a visible glyph.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_parse_and_cover_what_we_expect() {
        assert!(covers('ش'));
        assert!(covers('“'));
        assert!(covers('/'));
        assert!(covers('4'));
        assert!(covers('I'));
        assert!(covers('😀'), "the emoji font is embedded");
        assert!(covers('🇱'), "regional indicators (flags)");
        assert!(!covers('中'));
        assert!(!covers('ሰ'), "Ethiopic");
    }

    /// One copy of each font in the binary: every list points at the same bytes (with
    /// `const`s they were separate copies, 4 of each text font in the stripped binary).
    #[test]
    fn each_font_is_embedded_once() {
        for (list, fonts) in [("ALL", &ALL[..]), ("TEXT", &TEXT[..])] {
            for (name, bytes) in fonts {
                let single = match *name {
                    ARABIC_FAMILY => ARABIC,
                    LATIN_FAMILY => LATIN,
                    _ => EMOJI,
                };
                assert!(
                    std::ptr::eq(bytes.as_ptr(), single.as_ptr()),
                    "{list}: {name}"
                );
            }
        }
    }

    #[test]
    fn arabic_font_lacks_latin_quotes_so_the_companion_is_needed() {
        use ab_glyph::{Font, FontRef};
        let ar = FontRef::try_from_slice(ARABIC).unwrap();
        assert_eq!(ar.glyph_id('“').0, 0);
        assert_ne!(ar.glyph_id('ش').0, 0);
    }
}
