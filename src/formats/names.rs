//! File names made from document ids and annotator names.
//!
//! Ids are arbitrary strings (they come from imported files, from users, from other
//! tools), so they never become paths as they are. [`sanitize`] keeps letters, digits
//! (any script), Arabic harakat, `-`, `_` and inner `.`; everything else — `/`, `\`,
//! `:`, NUL and other controls, spaces, bidi controls such as U+202E — becomes `_`.
//! Leading and trailing dots become `_` (so no `.`, `..` or hidden files, and nothing
//! that Windows would trim), Windows device names (`CON`, `NUL`, `COM1`, `LPT9`…, with
//! or without an extension) get a leading `_`, and names are cut to
//! [`MAX_STEM_BYTES`]. [`FileNamer`] then makes the names unique, ignoring case (for
//! case-insensitive file systems), by appending `~2`, `~3`…: `~` never survives
//! [`sanitize`], so a suffixed name cannot equal another id's name.
//!
//! [`safe_join`] is the last guard: it refuses any component that is not one plain
//! file name, so nothing is written outside the output folder even if a bug let a
//! bad name through.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use super::FormatError;

/// Longest stem in bytes; leaves room for `~NN`, an extension and the output folder
/// within the 255-byte name limit of common file systems.
pub const MAX_STEM_BYTES: usize = 100;

fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

fn is_windows_device(stem: &str) -> bool {
    let base = stem.split('.').next().unwrap_or(stem).to_ascii_uppercase();
    matches!(
        base.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((base.starts_with("COM") || base.starts_with("LPT"))
        && base.chars().count() == 4
        && base
            .chars()
            .nth(3)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '¹' | '²' | '³')))
}

/// A file name stem for `id` that is one plain, portable file name.
pub fn sanitize(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || is_arabic_mark(c) || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Dots at either end: `.`, `..`, hidden files, names Windows would trim.
    let lead = out.len() - out.trim_start_matches('.').len();
    let trail = out.len() - out.trim_end_matches('.').len();
    if lead == out.len() {
        out = "_".repeat(out.len());
    } else {
        out = format!(
            "{}{}{}",
            "_".repeat(lead),
            &out[lead..out.len() - trail],
            "_".repeat(trail)
        );
    }
    if out.is_empty() {
        out.push('_');
    }
    if is_windows_device(&out) {
        out.insert(0, '_');
    }
    if out.len() > MAX_STEM_BYTES {
        let mut cut = MAX_STEM_BYTES;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        // Cutting may leave a trailing dot.
        while out.ends_with('.') {
            out.pop();
            out.push('_');
        }
    }
    out
}

/// Gives each id a sanitised stem no other id got (case-insensitively).
#[derive(Debug, Default)]
pub struct FileNamer {
    used: HashSet<String>,
}

impl FileNamer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A unique stem for `id`: [`sanitize`]d, then `~2`, `~3`… if already taken.
    pub fn stem(&mut self, id: &str) -> String {
        let base = sanitize(id);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.used.insert(candidate.to_lowercase()) {
            candidate = format!("{base}~{n}");
            n += 1;
        }
        candidate
    }
}

/// `root` joined with `parts`, each of which must be one plain file name (no
/// separator, no `.`/`..`, no root or drive prefix).
pub fn safe_join(root: &Path, parts: &[&str]) -> Result<PathBuf, FormatError> {
    let mut path = root.to_path_buf();
    for part in parts {
        let mut comps = Path::new(part).components();
        let ok = matches!(comps.next(), Some(Component::Normal(c)) if c == std::ffi::OsStr::new(part))
            && comps.next().is_none()
            && !part.contains(['/', '\\', '\0']);
        if !ok {
            return Err(FormatError::Output {
                path: root.to_path_buf(),
                reason: format!("refusing to write \"{part}\": it is not a plain file name"),
            });
        }
        path.push(part);
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_become_plain_names() {
        for (id, want) in [
            ("../etc/passwd", "___etc_passwd"),
            ("..", "__"),
            (".", "_"),
            ("", "_"),
            ("a/b\\c", "a_b_c"),
            ("nul\0byte", "nul_byte"),
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("COM1", "_COM1"),
            ("lpt9.x", "_lpt9.x"),
            ("COM10", "COM10"),
            ("console", "console"),
            (".hidden", "_hidden"),
            ("trailing.", "trailing_"),
            ("C:\\x", "C__x"),
            ("درنة-سرت", "درنة-سرت"),
            ("مُحَمَّد", "مُحَمَّد"),
            ("evil\u{202E}txt.exe", "evil_txt.exe"),
            ("two words", "two_words"),
        ] {
            assert_eq!(sanitize(id), want, "{id:?}");
            assert!(safe_join(Path::new("/out"), &[&sanitize(id)]).is_ok());
        }
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let id = "د".repeat(300);
        let s = sanitize(&id);
        assert!(s.len() <= MAX_STEM_BYTES);
        assert_eq!(s, "د".repeat(50));
        let s = sanitize(&format!("{}.{}", "a".repeat(99), "b".repeat(10)));
        assert_eq!(s.len(), 100);
        assert!(s.ends_with('_'));
    }

    #[test]
    fn collisions_get_suffixes_case_insensitively() {
        let mut n = FileNamer::new();
        assert_eq!(n.stem("a/b"), "a_b");
        assert_eq!(n.stem("a\\b"), "a_b~2");
        assert_eq!(n.stem("A_B"), "A_B~3");
        assert_eq!(n.stem("a_b~2"), "a_b_2");
        let long = "x".repeat(200);
        assert_eq!(n.stem(&long), "x".repeat(100));
        assert_eq!(
            n.stem(&format!("{long}y")),
            format!("{}~2", "x".repeat(100))
        );
    }

    #[test]
    fn safe_join_refuses_anything_but_plain_names() {
        let root = Path::new("/out");
        for bad in ["..", ".", "a/b", "/abs", "a\\b", "", "x\0"] {
            assert!(safe_join(root, &[bad]).is_err(), "{bad:?}");
        }
        assert_eq!(
            safe_join(root, &["ann", "d1.txt"]).unwrap(),
            Path::new("/out/ann/d1.txt")
        );
    }
}
