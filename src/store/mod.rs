//! Reading, checking and writing project files.
//!
//! The file is JSON with a header, `"format": "hashiya-project", "version": N`,
//! followed by the fields of [`Project`]. Loading goes: size limit → UTF-8 check →
//! header (unknown format and newer versions are refused by name) → typed parse
//! (syntax errors carry line and column) → [`validate`]. Problems that would leave
//! the model inconsistent refuse the file; problems where all data is intact but
//! disagrees with the schema or the text load with warnings (see [`validate`]).
//! A failed load never writes anything.
//!
//! Saving writes a canonical, pretty-printed file (stable order, so an unchanged
//! project saves byte-identically and diffs stay small) through [`atomic`]: temporary
//! file, fsync, previous version kept as `<file>.bak`, rename, fsync of the folder.

pub mod atomic;
pub mod error;
pub mod limits;
pub mod preview;
pub mod recovery;
pub mod sample;
pub mod stamp;
pub mod validate;

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{AnnotationSet, Document, Entity, LabelSchema, Project};

pub use error::{Problem, ProblemKind, Severity, StoreError};
pub use stamp::{ChangeKind, ExternalChange, FileStamp, check_unchanged};
pub use validate::validate;

/// The value of the `format` field.
pub const FORMAT: &str = "hashiya-project";
/// The newest format version this build reads. A project is written with the oldest
/// version that holds it ([`Project::format_version`]): version 1 and 2 files need no
/// migration (versions 2 and 3 only added optional fields), and a project that uses
/// nothing new is written as before, byte for byte. Version 3 added who rejected a
/// suggestion (`suggestions.rejected[].annotator`).
pub const VERSION: u64 = 3;

/// The file as it is on disk: the header, then the project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Hashiya project",
    description = "An annotation project of Hashiya (حاشية). Offsets are Unicode code points, end-exclusive."
)]
pub struct ProjectFile {
    /// Always `"hashiya-project"`.
    pub format: String,
    /// Format version: 1, or 2 when the project uses document metadata, set
    /// provenance, an assignment, merge conflicts, suggestion settings or spans
    /// accepted from suggestions, or 3 when a rejected suggestion names who rejected
    /// it.
    pub version: u64,
    pub name: String,
    pub schema: LabelSchema,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub sets: Vec<AnnotationSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<crate::model::Assignment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<crate::model::Conflict>,
    #[serde(
        default,
        skip_serializing_if = "crate::model::SuggestionSettings::is_default"
    )]
    pub suggestions: crate::model::SuggestionSettings,
}

/// Only the header, read before the typed parse so that a file from a newer version
/// is refused by its version number, not by whichever field it changed.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// A loaded project and what was noticed while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub project: Project,
    /// Problems that did not refuse the file (stored text mismatch, unknown attribute…).
    pub warnings: Vec<Problem>,
}

impl Loaded {
    /// Ids of spans whose stored text differs from the document, per (annotator, document).
    pub fn flagged_spans(&self) -> impl Iterator<Item = &Problem> {
        self.warnings
            .iter()
            .filter(|p| matches!(p.kind, ProblemKind::SpanTextMismatch { .. }))
    }
}

/// Reads and validates a project file.
pub fn load(path: &Path) -> Result<Loaded, StoreError> {
    let bytes = limits::read_limited(path)?;
    parse(path, &bytes)
}

/// Like [`load`], and also returns the [`FileStamp`] of the bytes read, for
/// [`save_checked`] to notice later changes by other programs.
pub fn load_stamped(path: &Path) -> Result<(Loaded, FileStamp), StoreError> {
    let (bytes, meta) = limits::read_with_limit_meta(path, limits::MAX_PROJECT_BYTES)?;
    let loaded = parse(path, &bytes)?;
    Ok((loaded, FileStamp::new(&bytes, Some(&meta))))
}

/// Parses and validates project bytes; `path` is used in messages only.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Loaded, StoreError> {
    let mut warnings = Vec::new();
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        bytes = rest;
        warnings.push(Problem::warning("file", ProblemKind::ByteOrderMark));
    }
    // A project is a JSON object; anything else (an array, a note, a CSV) would
    // otherwise get a confusing message from the header's parse.
    if let Some(at) = bytes.iter().position(|b| !b.is_ascii_whitespace())
        && bytes[at] != b'{'
    {
        let (line, column) = line_col(bytes, at);
        if bytes[at..].starts_with(b"<<<<<<<") {
            // What `hashiya merge` (or git's text merge) leaves when it cannot merge.
            return Err(StoreError::Json {
                path: path.to_path_buf(),
                line,
                column,
                message: "this file holds git conflict markers (<<<<<<<, =======, >>>>>>>): a git merge of it failed and left both sides in it".into(),
                hint: "redo the merge: `git merge --abort`, repair the side `hashiya merge` named and merge again, or keep one side whole with `git checkout --ours -- FILE` (or --theirs) and `git add FILE`; without git, the part between <<<<<<< and ======= is one version and the part between ======= and >>>>>>> the other".into(),
            });
        }
        not_utf8(path, bytes)?;
        let found: String = String::from_utf8_lossy(&bytes[at..bytes.len().min(at + 12)])
            .chars()
            .take_while(|c| !c.is_control())
            .collect();
        return Err(StoreError::Json {
            path: path.to_path_buf(),
            line,
            column,
            message: format!("a project file is a JSON object, starting with `{{`; this starts with `{found}`"),
            hint: "this is not a Hashiya project file: open a project (.json) saved by Hashiya, or import articles instead".into(),
        });
    }
    // One pass over the bytes when the file is good (serde_json checks the UTF-8 of
    // every string it reads); when it is not, the encoding is checked first, then the
    // header (format, version), so the message names the first thing that is wrong.
    let file: ProjectFile = match serde_json::from_slice(bytes) {
        Ok(file) => file,
        Err(e) => {
            not_utf8(path, bytes)?;
            let header: Header = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
            check_header(path, header)?;
            return Err(json_error(path, &e));
        }
    };
    check_header(
        path,
        Header {
            format: Some(serde_json::Value::String(file.format.clone())),
            version: Some(serde_json::Value::from(file.version)),
        },
    )?;
    let mut project = Project {
        name: file.name,
        schema: file.schema,
        documents: file.documents,
        entities: file.entities,
        sets: file.sets,
        assignment: file.assignment,
        conflicts: file.conflicts,
        suggestions: file.suggestions,
    };
    let problems = validate(&project);
    let (errors, warns): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|p| p.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(StoreError::Invalid {
            path: path.to_path_buf(),
            problems: errors,
        });
    }
    warnings.extend(warns);
    project.canonicalize();
    Ok(Loaded { project, warnings })
}

/// The error for bytes that are not UTF-8, naming the first bad byte.
fn not_utf8(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        Err(e) => {
            let at = e.valid_up_to();
            let (line, column) = line_col(bytes, at);
            Err(StoreError::NotUtf8 {
                path: path.to_path_buf(),
                byte: at,
                line,
                column,
            })
        }
    }
}

fn check_header(path: &Path, h: Header) -> Result<(), StoreError> {
    let p = path.to_path_buf();
    match h.format {
        Some(serde_json::Value::String(f)) if f == FORMAT => {}
        other => {
            return Err(StoreError::NotAProject {
                path: p,
                found: other.map(|v| v.to_string()),
            });
        }
    }
    match h.version {
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(v) if v > VERSION => Err(StoreError::TooNew {
                path: p,
                found: v,
                supported: VERSION,
            }),
            Some(v) if v >= 1 => Ok(()),
            _ => Err(StoreError::BadVersion {
                path: p,
                found: n.to_string(),
            }),
        },
        other => Err(StoreError::BadVersion {
            path: p,
            found: other.map_or_else(|| "nothing".to_string(), |v| v.to_string()),
        }),
    }
}

fn json_error(path: &Path, e: &serde_json::Error) -> StoreError {
    use serde_json::error::Category;
    let message = strip_position(&e.to_string());
    // The backup is suggested only when there is one.
    let bak = atomic::existing_backup(path).map(|b| {
        let name = b
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!(", or use {name}, the version before the last save")
    });
    let bak = bak.as_deref().unwrap_or("");
    let hint = if message.contains("recursion limit exceeded") {
        format!(
            "the JSON nests deeper than {} levels there; a project file nests at most 6, so this file is damaged or not a project{bak}",
            limits::MAX_JSON_DEPTH
        )
    } else if message.starts_with("number out of range") {
        format!("write a whole number there (offsets count code points from 0){bak}")
    } else {
        match e.classify() {
            Category::Eof => {
                let or = if bak.is_empty() { " or" } else { "," };
                format!(
                    "the file ends too early (cut off while copying or saving?); restore it from a copy{or} a backup{bak}"
                )
            }
            Category::Syntax => format!(
                "fix the JSON syntax at that place (a missing comma, quote or bracket? JSON has no comments, NaN or Infinity){bak}"
            ),
            Category::Data | Category::Io => {
                format!("fix the value at that place as docs/project.schema.json describes{bak}")
            }
        }
    };
    StoreError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message,
        hint,
    }
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The canonical bytes of a project file.
pub fn to_bytes(project: &Project) -> Result<Vec<u8>, StoreError> {
    #[derive(Serialize)]
    struct Out<'a> {
        format: &'a str,
        version: u64,
        name: &'a str,
        schema: &'a LabelSchema,
        documents: &'a [Document],
        entities: &'a [Entity],
        sets: &'a [AnnotationSet],
        #[serde(skip_serializing_if = "Option::is_none")]
        assignment: Option<&'a crate::model::Assignment>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        conflicts: &'a [crate::model::Conflict],
        #[serde(skip_serializing_if = "default_suggestions")]
        suggestions: &'a crate::model::SuggestionSettings,
    }
    let canonical;
    let p = if is_canonical(project) {
        project
    } else {
        let mut c = project.clone();
        c.canonicalize();
        canonical = c;
        &canonical
    };
    let out = Out {
        format: FORMAT,
        version: p.format_version(),
        name: &p.name,
        schema: &p.schema,
        documents: &p.documents,
        entities: &p.entities,
        sets: &p.sets,
        assignment: p.assignment.as_ref(),
        conflicts: &p.conflicts,
        suggestions: &p.suggestions,
    };
    let mut bytes =
        serde_json::to_vec_pretty(&out).map_err(|e| StoreError::Serialize(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn default_suggestions(s: &&crate::model::SuggestionSettings) -> bool {
    s.is_default()
}

fn is_canonical(p: &Project) -> bool {
    let set_keys: Vec<_> = p
        .sets
        .iter()
        .map(|s| {
            (
                p.documents.iter().position(|d| d.id == s.document),
                &s.annotator,
            )
        })
        .collect();
    set_keys.windows(2).all(|w| w[0] <= w[1])
        && p.entities.windows(2).all(|w| w[0].id <= w[1].id)
        && p.sets.iter().all(|s| {
            s.spans
                .windows(2)
                .all(|w| (w[0].start, w[0].end, &w[0].id) <= (w[1].start, w[1].end, &w[1].id))
                && s.relations.windows(2).all(|w| w[0].id <= w[1].id)
        })
        && p.suggestions
            .rejected
            .windows(2)
            .all(|w| w[0].key() <= w[1].key())
}

/// Saves atomically, keeping the previous file as `<file>.bak`.
pub fn save(project: &Project, path: &Path) -> Result<(), StoreError> {
    let bytes = to_bytes(project)?;
    atomic::write_atomic(path, &bytes)
}

/// Saves like [`save`] without looking at what is on disk, and returns the stamp of
/// the file written. For a first save, Save As, and "keep mine" after an
/// [`ExternalChange`] (the other version is then kept as `<file>.bak`).
pub fn save_stamped(project: &Project, path: &Path) -> Result<FileStamp, StoreError> {
    let bytes = to_bytes(project)?;
    atomic::write_atomic(path, &bytes)?;
    Ok(stamp_written(path, &bytes))
}

/// Saves like [`save`], but only if `path` still holds what `stamp` describes (the file
/// as this program last loaded or saved it); otherwise nothing is written and the error
/// is [`StoreError::ExternalChange`], naming the file and the user's choices. On
/// success `stamp` describes the new file.
pub fn save_checked(
    project: &Project,
    path: &Path,
    stamp: &mut FileStamp,
) -> Result<(), StoreError> {
    let bytes = to_bytes(project)?;
    let expected = &*stamp;
    atomic::write_atomic_if(path, &bytes, || {
        check_unchanged(path, expected).map_err(StoreError::from)
    })?;
    *stamp = stamp_written(path, &bytes);
    Ok(())
}

fn stamp_written(path: &Path, bytes: &[u8]) -> FileStamp {
    let meta = std::fs::metadata(path).ok();
    FileStamp::new(bytes, meta.as_ref())
}

/// The JSON Schema of the project file (published as `docs/project.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ProjectFile);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_project_is_written_with_the_oldest_version_that_holds_it() {
        let sample = sample::sample().unwrap();
        let v1 = to_bytes(&sample).unwrap();
        assert!(String::from_utf8_lossy(&v1).contains("\"version\": 1,"));
        let mut p = sample.clone();
        p.documents[0]
            .meta
            .insert("section".into(), "politics".into());
        let v2 = to_bytes(&p).unwrap();
        assert!(String::from_utf8_lossy(&v2).contains("\"version\": 2,"));
        // Both load; the metadata survives.
        let back = parse(Path::new("v2.json"), &v2).unwrap().project;
        assert_eq!(back, p);
        // A version this build does not know is refused by number.
        let v4 = String::from_utf8_lossy(&v2).replace("\"version\": 2,", "\"version\": 4,");
        match parse(Path::new("v4.json"), v4.as_bytes()) {
            Err(StoreError::TooNew {
                found, supported, ..
            }) => {
                assert_eq!((found, supported), (4, VERSION))
            }
            other => panic!("{other:?}"),
        }
    }
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let b = "{\n  \"name\": \"درنة\" x".as_bytes();
        let at = b.len() - 1;
        assert_eq!(line_col(b, at), (2, 18));
    }
}
