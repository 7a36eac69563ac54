//! Size limits, checked before anything is read whole.
//!
//! They exist so that a wrong file (a 300 MB database dump, a whole corpus pasted as
//! one "article") gives a clear message instead of exhausting memory. They are far above
//! what the benchmarks show the app handling smoothly. Each is checked with a message
//! that says the limit and what to do (`tests/limits.rs` has one test per limit).
//!
//! JSON nesting deeper than [`MAX_JSON_DEPTH`] is refused by serde_json's recursion
//! limit (a project file nests 6 levels), so a hostile file cannot overflow the stack.

use std::io::Read;
use std::path::Path;

use super::StoreError;

/// Largest project file opened: 256 MiB.
pub const MAX_PROJECT_BYTES: u64 = 256 * 1024 * 1024;
/// Longest document text: 16 MiB of UTF-8 (≈ 8 million Arabic letters).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// Most spans in one annotation set.
pub const MAX_SPANS_PER_SET: usize = 1_000_000;
/// Deepest JSON nesting parsed (serde_json's fixed recursion limit).
pub const MAX_JSON_DEPTH: usize = 128;

/// Reads a file whole after checking its size against [`MAX_PROJECT_BYTES`].
pub fn read_limited(path: &Path) -> Result<Vec<u8>, StoreError> {
    read_with_limit(path, MAX_PROJECT_BYTES)
}

pub fn read_with_limit(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    read_with_limit_meta(path, limit).map(|(bytes, _)| bytes)
}

/// Reads a file whole after checking its size, with the metadata of the same open file
/// (taken before reading, for [`super::FileStamp`]).
pub fn read_with_limit_meta(
    path: &Path,
    limit: u64,
) -> Result<(Vec<u8>, std::fs::Metadata), StoreError> {
    let file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let meta = file.metadata().map_err(|e| StoreError::io(path, e))?;
    if meta.is_dir() {
        return Err(StoreError::io(
            path,
            std::io::Error::other("this is a folder; choose a project file (.json) in it"),
        ));
    }
    let size = meta.len();
    if size > limit {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows while we read it.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok((bytes, meta))
}
