//! Size limits, checked before anything is read whole.
//!
//! They exist so that a wrong file (a 300 MB database dump, a whole corpus pasted as
//! one "article") gives a clear message instead of exhausting memory. They are far above
//! what the benchmarks show the app handling smoothly.

use std::io::Read;
use std::path::Path;

use super::StoreError;

/// Largest project file opened: 256 MiB.
pub const MAX_PROJECT_BYTES: u64 = 256 * 1024 * 1024;
/// Longest document text: 16 MiB of UTF-8 (≈ 8 million Arabic letters).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// Most spans in one annotation set.
pub const MAX_SPANS_PER_SET: usize = 1_000_000;

/// Reads a file whole after checking its size against [`MAX_PROJECT_BYTES`].
pub fn read_limited(path: &Path) -> Result<Vec<u8>, StoreError> {
    read_with_limit(path, MAX_PROJECT_BYTES)
}

pub fn read_with_limit(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    let file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let size = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
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
    Ok(bytes)
}
