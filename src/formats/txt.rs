//! Plain text import: one document per `.txt` file.
//!
//! Inputs are files or folders (a folder contributes its `.txt` files, sorted by name;
//! sub-folders are not entered). Each file must be UTF-8: otherwise the import names
//! the file, the byte offset, line and column of the first bad byte. A leading byte
//! order mark is removed, CRLF and lone CR become LF. The document id is the file stem
//! (`2017-05-derna.txt` → `2017-05-derna`), the title its first non-empty line. An
//! empty (or whitespace-only) file is refused. No annotation set is created.

use std::path::PathBuf;

use super::builder::{Builder, Incoming, Origin};
use super::clean::{Cleaned, decode_utf8, first_line_title};
use super::reader::{import_files, read_file};
use super::{ImportIssue, Progress};
use crate::store::limits::MAX_DOCUMENT_BYTES;

pub(crate) fn import(b: &mut Builder, inputs: &[PathBuf], progress: Progress) {
    import_files(b, inputs, &["txt"], progress, |b, path| {
        b.add(read_one(path)?);
        Ok(())
    });
}

fn read_one(path: &std::path::Path) -> Result<Incoming, ImportIssue> {
    // A BOM and CRs make the raw file a little longer than the document may be.
    let bytes = read_file(path, MAX_DOCUMENT_BYTES as u64 + 1024)?;
    let raw = decode_utf8(path, &bytes)?;
    let cleaned = Cleaned::new(raw);
    let text = cleaned.text;
    let Some(title) = first_line_title(&text) else {
        return Err(ImportIssue::new(
            path,
            None,
            "the file is empty (or only whitespace)",
        ));
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Incoming {
        title: Some(title),
        ..Incoming::unannotated(Origin::new(path, None), id, text)
    })
}
