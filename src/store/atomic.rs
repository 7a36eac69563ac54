//! Crash-safe file replacement.
//!
//! The target is never open for writing: the new content goes to a temporary file in
//! the same folder (same file system, so the rename is atomic), which is fsynced and
//! then renamed over the target; the folder is fsynced so the rename itself survives a
//! power cut. Before the rename the current file is hard-linked (or, where links are not
//! supported, copied atomically) to `<file>.bak`. At every instant the target is either
//! the complete old file or the complete new one (`tests/kill.rs` kills a saving process
//! at random moments and checks exactly that).
//!
//! **What is written.** A symbolic link is followed (through every link of a chain):
//! the file it points to gets the new content, its temporary file and `.bak` go beside
//! that file, and the link stays a link (`import --into link.json` no longer turns the
//! link into a separate copy). A target that exists and is not a regular file (a
//! folder, a FIFO, a device, a socket) is refused with [`StoreError::NotAFile`] before
//! anything is written: renaming over it would replace `/dev/null` with a regular file
//! (as root) or never read a FIFO's reader. See [`resolve_target`].
//!
//! A process killed mid-save leaves its temporary file behind
//! (`.<file>.tmp-<pid>-<n>`, and `.<file>.tmp-<pid>-<n>.bak` for a staged backup).
//! Every save first removes such leftovers of the same target whose process is gone (or
//! that are older than a day, where liveness cannot be checked or the pid was reused),
//! so they never accumulate.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::StoreError;

/// Where to simulate a crash, for tests of what survives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Stop after the temporary file is written and synced, before the rename.
    BeforeRename,
    /// Stop halfway through writing the temporary file.
    MidWrite,
}

/// Temporary files older than this are removed even if their process seems alive.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// `<file>.bak` next to `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

/// The `.bak` of `path` if there is one: beside `path`, or beside the file a symbolic
/// link at `path` points to (where saves keep it). For messages, which must never
/// suggest a backup that does not exist.
pub fn existing_backup(path: &Path) -> Option<PathBuf> {
    let beside = backup_path(path);
    if beside.is_file() {
        return Some(beside);
    }
    let resolved = backup_path(&resolve_target(path).ok()?);
    resolved.is_file().then_some(resolved)
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into())
}

/// The prefix of every temporary file of `path`: `.<file>.tmp-`.
fn temp_prefix(path: &Path) -> String {
    format!(".{}.tmp-", file_name(path))
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!("{}{}-{n}", temp_prefix(path), std::process::id()))
}

/// The regular file that writing to `path` must replace (or create): `path` itself,
/// or, for a symbolic link, the file at the end of its chain of links (which may not
/// exist yet). Anything else that exists there — a folder, a FIFO, a device, a
/// socket — is refused with [`StoreError::NotAFile`], naming what it is; so is a
/// chain of more than 40 links (a loop). Nothing is opened, so a FIFO never blocks.
pub fn resolve_target(path: &Path) -> Result<PathBuf, StoreError> {
    let mut target = path.to_path_buf();
    // A followed link's target, with its folder written without `..` or links (for
    // messages), when that folder exists.
    let tidy = |target: PathBuf, followed: bool| match (followed, target.file_name()) {
        (true, Some(name)) => fs::canonicalize(parent_dir(&target))
            .map(|dir| dir.join(name))
            .unwrap_or(target),
        _ => target,
    };
    for hop in 0..40 {
        let meta = match fs::symlink_metadata(&target) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(tidy(target, hop > 0)),
            Err(e) => {
                check_folder(parent_dir(&target))?;
                return Err(StoreError::io(path, e));
            }
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Ok(tidy(target, hop > 0));
        }
        if !kind.is_symlink() {
            return Err(StoreError::NotAFile {
                path: path.to_path_buf(),
                what: describe_kind(&target, &meta),
            });
        }
        let link = fs::read_link(&target).map_err(|e| StoreError::io(path, e))?;
        target = if link.is_absolute() {
            link
        } else {
            parent_dir(&target).join(link)
        };
    }
    Err(StoreError::NotAFile {
        path: path.to_path_buf(),
        what: "a chain of more than 40 symbolic links (a loop?)".into(),
    })
}

/// What a non-regular file is, in words, for [`StoreError::NotAFile`].
fn describe_kind(target: &Path, meta: &fs::Metadata) -> String {
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "a folder".to_string()
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                "a FIFO (named pipe)".to_string()
            } else if kind.is_char_device() || kind.is_block_device() {
                "a device".to_string()
            } else if kind.is_socket() {
                "a socket".to_string()
            } else {
                "not a regular file".to_string()
            }
        }
        #[cfg(not(unix))]
        {
            "not a regular file".to_string()
        }
    };
    format!("{what} ({})", target.display())
}

/// Refuses a folder path whose nearest existing part is not a folder (after following
/// links), naming that part: the folder of an output, or an output that is a folder.
pub fn check_folder(dir: &Path) -> Result<(), StoreError> {
    for part in dir.ancestors().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(m) = fs::metadata(part) {
            if m.is_dir() {
                return Ok(());
            }
            return Err(StoreError::NotAFolder {
                path: part.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Replaces `path` with `bytes` atomically, keeping the old content as `<file>.bak`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_inner(path, bytes, Fault::None, true, || Ok(()))
}

/// [`write_atomic`] that stops where `fault` says, as a crash would: for the tests of
/// what survives one (`tests/store.rs`, the unit tests; feature `test-support`). Not
/// for the program.
#[cfg(any(test, feature = "test-support"))]
pub fn write_atomic_crashing(path: &Path, bytes: &[u8], fault: Fault) -> Result<(), StoreError> {
    write_inner(path, bytes, fault, true, || Ok(()))
}

/// Replaces `path` with `bytes` atomically without keeping a `.bak`: for files that can
/// be regenerated, such as exports, where a backup beside each file would be clutter.
pub fn replace_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_inner(path, bytes, Fault::None, false, || Ok(()))
}

/// Replaces many files, each atomically and without a `.bak` (a folder export):
/// [`replace_atomic`] for each, but each folder is scanned for stale temporary files
/// once and synced once, instead of once per file (which made a 2,000-file export
/// quadratic in the number of files). Each file is written to its temporary file and
/// synced before any is renamed; on an error, the temporary files are removed and the
/// files already renamed stay replaced (each one is whole, old or new).
///
/// A file whose content on disk is already `bytes` is not touched (re-exporting a
/// corpus after a few edits rewrites only the documents that changed). Returns how
/// many files were written.
pub fn replace_atomic_all(files: &[(PathBuf, Vec<u8>)]) -> Result<usize, StoreError> {
    use std::collections::{BTreeMap, HashSet};
    let mut changed: Vec<(PathBuf, &[u8])> = Vec::new();
    for (path, bytes) in files {
        if !has_content(path, bytes) {
            changed.push((resolve_target(path)?, bytes));
        }
    }
    if changed.is_empty() {
        return Ok(0);
    }
    let files: Vec<(&PathBuf, &[u8])> = changed.iter().map(|(p, b)| (p, *b)).collect();
    let mut dirs: BTreeMap<&Path, HashSet<String>> = BTreeMap::new();
    for (path, _) in files.iter().copied() {
        check_folder(parent_dir(path))?;
        dirs.entry(parent_dir(path))
            .or_default()
            .insert(file_name(path));
    }
    for (dir, names) in &dirs {
        remove_stale_temps_of(dir, names);
    }
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = fs::remove_file(t);
        }
    };
    for (path, bytes) in files.iter().copied() {
        let tmp = temp_path(path);
        let written = (|| {
            let mut f = File::create(&tmp)?;
            temps.push(tmp.clone());
            f.write_all(bytes)
        })();
        if let Err(e) = written {
            cleanup(&temps);
            return Err(StoreError::io(path, e));
        }
    }
    // Every temporary file on disk before any rename: one `syncfs` per file system
    // instead of an fsync per file (2,000 fsyncs took 2 s of a 3 s brat export).
    if let Err((i, e)) = sync_files(&temps, dirs.keys().copied()) {
        cleanup(&temps);
        return Err(StoreError::io(files[i].0, e));
    }
    for (i, ((path, _), tmp)) in files.iter().zip(&temps).enumerate() {
        let path: &Path = path;
        if let Err(e) = fs::rename(tmp, path) {
            cleanup(&temps[i..]);
            return Err(StoreError::io(path, e));
        }
    }
    for dir in dirs.keys() {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(files.len())
}

/// Whether the file at `path` holds exactly `bytes` (read only when the size matches).
fn has_content(path: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Makes the written `files` durable: on Linux one `syncfs` of the file system of each
/// of `dirs` (the folders they are in), elsewhere (or if that fails) an fsync of each
/// file. On error, the index of the file that failed.
fn sync_files<'a>(
    files: &[PathBuf],
    dirs: impl Iterator<Item = &'a Path>,
) -> Result<(), (usize, std::io::Error)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let mut all = true;
        for dir in dirs {
            // SAFETY: syncfs takes any open descriptor of the file system; `d` lives
            // until after the call.
            let ok = File::open(dir).is_ok_and(|d| unsafe { libc::syncfs(d.as_raw_fd()) } == 0);
            all &= ok;
        }
        if all {
            return Ok(());
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dirs;
    for (i, f) in files.iter().enumerate() {
        File::open(f)
            .and_then(|f| f.sync_all())
            .map_err(|e| (i, e))?;
    }
    Ok(())
}

/// Like [`write_atomic`], but calls `precondition` after the new content is safely in
/// the temporary file and just before the target is touched; if it fails, nothing is
/// replaced and its error is returned. Used to refuse overwriting a file that changed on
/// disk, with the smallest possible window between the check and the rename.
pub fn write_atomic_if(
    path: &Path,
    bytes: &[u8],
    precondition: impl FnOnce() -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    write_inner(path, bytes, Fault::None, true, precondition)
}

fn write_inner(
    path: &Path,
    bytes: &[u8],
    fault: Fault,
    backup: bool,
    precondition: impl FnOnce() -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let target = resolve_target(path)?;
    check_folder(parent_dir(&target))?;
    let path = target.as_path();
    remove_stale_temps(path);
    let err = |e| StoreError::io(path, e);
    let tmp = temp_path(path);
    let written = (|| {
        let mut f = File::create(&tmp)?;
        if fault == Fault::MidWrite {
            f.write_all(&bytes[..bytes.len() / 2])?;
            return Err(std::io::Error::other("simulated crash while writing"));
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if fault == Fault::BeforeRename {
            return Err(std::io::Error::other("simulated crash before rename"));
        }
        Ok(())
    })();
    let result = match written {
        Err(e) => Err(err(e)),
        Ok(()) => match precondition() {
            Err(e) => Err(e),
            Ok(()) => (|| {
                if backup && path.exists() {
                    keep_backup(path)?;
                }
                fs::rename(&tmp, path)?;
                sync_dir(path);
                Ok(())
            })()
            .map_err(err),
        },
    };
    if result.is_err() && fault == Fault::None {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Keeps the current content of the file at `path` as a backup that replaces no other:
/// `<file>.bak` when there is none yet, else the first free `<file>.2.bak`,
/// `<file>.3.bak`, … (hard-linked, or copied where links are not supported; a name
/// that appears meanwhile is never overwritten). Returns the backup's path. For
/// replacing a file whose every earlier version matters (`hashiya assign --force`).
pub fn keep_numbered_backup(path: &Path) -> Result<PathBuf, StoreError> {
    let target = resolve_target(path)?;
    let err = |e| StoreError::io(&target, e);
    for n in 1..=10_000u32 {
        let bak = if n == 1 {
            backup_path(&target)
        } else {
            with_suffix(&target, &format!(".{n}.bak"))
        };
        match fs::hard_link(&target, &bak) {
            Ok(()) => {
                sync_dir(&bak);
                return Ok(bak);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {}
        }
        // No hard links here: a copy into a file that must not exist yet.
        let mut f = match File::options().write(true).create_new(true).open(&bak) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(err(e)),
        };
        let bytes = fs::read(&target).map_err(err)?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(err)?;
        sync_dir(&bak);
        return Ok(bak);
    }
    Err(err(std::io::Error::other(
        "10,000 backups of this file already exist; remove old ones",
    )))
}

/// Makes `<file>.bak` the current content of `path`, atomically.
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let bak = backup_path(path);
    let staged = with_suffix(&temp_path(path), ".bak");
    if fs::hard_link(path, &staged).is_err() {
        fs::copy(path, &staged)?;
        File::open(&staged)?.sync_all()?;
    }
    let renamed = fs::rename(&staged, &bak);
    if renamed.is_err() {
        let _ = fs::remove_file(&staged);
    }
    renamed
}

fn sync_dir(path: &Path) {
    let dir = parent_dir(path);
    // Opening a folder for fsync is a Unix notion; elsewhere the rename is all we have.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The pid in a temporary file name of `path` (`.<file>.tmp-<pid>-<n>[.bak]`), or
/// `None` if `name` is not one.
fn temp_file_pid(path: &Path, name: &str) -> Option<u32> {
    let rest = name.strip_prefix(&temp_prefix(path))?;
    let rest = rest.strip_suffix(".bak").unwrap_or(rest);
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Removes temporary files of `path` left by processes that were killed mid-save.
/// Returns how many were removed. Files of this process, and of processes that are
/// still running, are left alone unless older than [`STALE_TEMP_AGE`].
pub fn remove_stale_temps(path: &Path) -> usize {
    remove_stale_temps_of(
        parent_dir(path),
        &std::iter::once(file_name(path)).collect(),
    )
}

/// [`remove_stale_temps`] for every file of `dir` named in `names`, in one scan.
fn remove_stale_temps_of(dir: &Path, names: &std::collections::HashSet<String>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `.<file>.tmp-<pid>-<n>[.bak]`: find <file>, then parse the rest.
        let Some((file, _)) = name.strip_prefix('.').and_then(|n| n.rsplit_once(".tmp-")) else {
            continue;
        };
        if !names.contains(file) {
            continue;
        }
        let Some(pid) = temp_file_pid(&dir.join(file), &name) else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if ((pid != me && !process_alive(pid)) || old) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether a process with this id exists. Where that cannot be known, `true` (the file
/// then goes only when it is older than [`STALE_TEMP_AGE`]).
#[cfg(unix)]
pub fn process_alive(pid: u32) -> bool {
    // 0 and values that do not fit a positive pid_t would address process groups.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only checks for existence and permission; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
pub fn process_alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
#[path = "atomic_tests.rs"]
mod tests;
