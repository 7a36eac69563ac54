//! Reading import inputs: folders expanded into their files, files read whole within a
//! size limit, and the per-file loop the text, JSONL, doccano and Label Studio readers
//! share (brat pairs each `.txt` with its `.ann`, so it walks folders itself). Every
//! failure becomes an [`ImportIssue`] naming the file, so an import lists every problem
//! at once. JSON Lines inputs (JSONL, doccano) are read line by line with
//! [`read_json_lines`].

use std::path::{Path, PathBuf};

use super::builder::{Builder, Origin};
use super::clean::decode_utf8;
use super::{ImportIssue, Progress};
use crate::store;
use crate::store::limits::MAX_PROJECT_BYTES;

/// The loop every one-file-per-unit importer runs: expands `inputs` (folders into their
/// files with one of `extensions`), reports progress, counts each file read, and records
/// the issue `read` returns for a file (the other files are still read, so every
/// problem is listed).
pub(crate) fn import_files(
    b: &mut Builder,
    inputs: &[PathBuf],
    extensions: &[&str],
    progress: Progress,
    mut read: impl FnMut(&mut Builder, &Path) -> Result<(), ImportIssue>,
) {
    let mut issues = Vec::new();
    let files = expand_inputs(inputs, extensions, &mut issues);
    for i in issues {
        b.issue(i);
    }
    let total = files.len();
    for (n, path) in files.iter().enumerate() {
        progress(n, total);
        b.file_read();
        if let Err(issue) = read(b, path) {
            b.issue(issue);
        }
    }
    progress(total, total);
}

/// Expands folders into their files with one of `extensions` (not recursive, sorted
/// by name) and keeps files as they are.
pub(crate) fn expand_inputs(
    inputs: &[PathBuf],
    extensions: &[&str],
    issues: &mut Vec<ImportIssue>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            match std::fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| {
                            p.is_file()
                                && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                                    extensions.iter().any(|x| x.eq_ignore_ascii_case(e))
                                })
                        })
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        issues.push(ImportIssue::new(
                            input,
                            None,
                            format!(
                                "the folder has no {} files",
                                extensions
                                    .iter()
                                    .map(|e| format!(".{e}"))
                                    .collect::<Vec<_>>()
                                    .join(" or ")
                            ),
                        ));
                    }
                    out.extend(found);
                }
                Err(e) => issues.push(ImportIssue::new(input, None, e.to_string())),
            }
        } else if input.is_file() {
            out.push(input.clone());
        } else {
            issues.push(ImportIssue::new(input, None, "no such file or folder"));
        }
    }
    out
}

/// Reads a file whole within `limit` bytes, or records why not.
pub(crate) fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ImportIssue> {
    store::limits::read_with_limit(path, limit).map_err(|e| match e {
        store::StoreError::Io { source, .. } => ImportIssue::new(path, None, source.to_string()),
        store::StoreError::TooLarge { size, limit, .. } => ImportIssue::new(
            path,
            None,
            format!("the file is {size} bytes; Hashiya imports files of at most {limit} bytes"),
        ),
        other => ImportIssue::new(path, None, other.to_string()),
    })
}

/// Calls `each` with every non-blank line of a JSONL file parsed as a JSON object.
pub(crate) fn read_json_lines(
    b: &mut Builder,
    path: &Path,
    mut each: impl FnMut(&mut Builder, serde_json::Value, Origin) -> Result<(), ImportIssue>,
) -> Result<(), ImportIssue> {
    let bytes = read_file(path, MAX_PROJECT_BYTES)?;
    let text = decode_utf8(path, &bytes)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let origin = Origin::new(path, Some(i + 1));
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                b.issue(origin.issue(format!(
                    "invalid JSON at column {}: {}",
                    e.column(),
                    strip_position(&e.to_string())
                )));
                continue;
            }
        };
        if !value.is_object() {
            b.issue(origin.issue(format!(
                "the line is {}, not a JSON object; each line must be one document {{…}}",
                json_kind(&value)
            )));
            continue;
        }
        if let Err(issue) = each(b, value, origin) {
            b.issue(issue);
        }
    }
    Ok(())
}

/// "a string", "an array"…: what a JSON value is, for messages.
pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// serde_json's message without its ` at line L column C` suffix (the issue states the
/// line and column itself).
pub(crate) fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}
