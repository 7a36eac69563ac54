//! The gazetteer file: one name per line, `text<TAB>label`.
//!
//! Blank lines and lines starting with `#` are skipped; the text and the label are
//! trimmed. A line without a tab, with an empty text or label, or with a label the
//! schema does not have is an error that names the line (1-based), so the user can fix
//! the file; the whole file is refused rather than half-used.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::LabelSchema;

/// One line of a gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerEntry {
    pub text: String,
    pub label: String,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum GazetteerError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: IoMessage,
    },
    #[error("{}line {line}: {message}", file_prefix(path.as_deref()))]
    Line {
        path: Option<PathBuf>,
        line: usize,
        message: String,
    },
}

/// An I/O error's message (kept as text so the error compares in tests).
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{0}")]
pub struct IoMessage(pub String);

fn file_prefix(path: Option<&Path>) -> String {
    path.map(|p| format!("{}: ", p.display()))
        .unwrap_or_default()
}

/// Parses a gazetteer's text; labels must be in `schema`.
pub fn parse_gazetteer(
    text: &str,
    schema: &LabelSchema,
) -> Result<Vec<GazetteerEntry>, GazetteerError> {
    let mut out = Vec::new();
    let err = |line: usize, message: String| GazetteerError::Line {
        path: None,
        line,
        message,
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let Some((name, label)) = raw.split_once('\t') else {
            return Err(err(
                line,
                "no tab: write the name, a tab, then the label (e.g. «درنة<TAB>location»)".into(),
            ));
        };
        let (name, label) = (name.trim(), label.trim());
        if name.is_empty() {
            return Err(err(line, "the name before the tab is empty".into()));
        }
        if label.is_empty() || label.contains('\t') {
            return Err(err(
                line,
                "write one label after the tab (e.g. location)".into(),
            ));
        }
        if schema.label(label).is_none() {
            let known: Vec<&str> = schema.labels.iter().map(|l| l.id.as_str()).collect();
            return Err(err(
                line,
                format!(
                    "no label \"{label}\" in the project's schema; its labels are: {}",
                    known.join(", ")
                ),
            ));
        }
        out.push(GazetteerEntry {
            text: name.to_string(),
            label: label.to_string(),
        });
    }
    Ok(out)
}

/// Reads and parses a gazetteer file.
pub fn load_gazetteer(
    path: &Path,
    schema: &LabelSchema,
) -> Result<Vec<GazetteerEntry>, GazetteerError> {
    let text = std::fs::read_to_string(path).map_err(|e| GazetteerError::Io {
        path: path.to_path_buf(),
        source: IoMessage(e.to_string()),
    })?;
    parse_gazetteer(&text, schema).map_err(|e| match e {
        GazetteerError::Line { line, message, .. } => GazetteerError::Line {
            path: Some(path.to_path_buf()),
            line,
            message,
        },
        other => other,
    })
}

/// Where the project's gazetteer is: its path is relative to the project file.
pub fn gazetteer_path(project_file: &Path, gazetteer: &str) -> PathBuf {
    let g = Path::new(gazetteer);
    if g.is_absolute() {
        return g.to_path_buf();
    }
    project_file
        .parent()
        .map_or_else(|| g.to_path_buf(), |dir| dir.join(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_bad_lines() {
        let schema = LabelSchema::news_default();
        let ok = parse_gazetteer("# places\nدرنة\tlocation\n\n  سرت \t location\n", &schema);
        assert_eq!(
            ok.unwrap(),
            [
                GazetteerEntry {
                    text: "درنة".into(),
                    label: "location".into()
                },
                GazetteerEntry {
                    text: "سرت".into(),
                    label: "location".into()
                }
            ]
        );
        let e = parse_gazetteer("درنة\tlocation\nسرت location\n", &schema).unwrap_err();
        assert!(matches!(e, GazetteerError::Line { line: 2, .. }), "{e}");
        let e = parse_gazetteer("درنة\tplace\n", &schema).unwrap_err();
        assert!(
            e.to_string().starts_with("line 1: no label \"place\""),
            "{e}"
        );
        let e = parse_gazetteer("\tlocation\n", &schema).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn path_is_relative_to_the_project() {
        assert_eq!(
            gazetteer_path(Path::new("/p/study.json"), "names.tsv"),
            PathBuf::from("/p/names.tsv")
        );
        assert_eq!(
            gazetteer_path(Path::new("study.json"), "names.tsv"),
            PathBuf::from("names.tsv")
        );
    }
}
