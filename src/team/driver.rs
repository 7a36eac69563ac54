//! The git merge driver around [`super::merge::merge`] (`hashiya merge`; set up by
//! [`super::git_setup`]).
//!
//! [`merge_files`] reads the three files git passes (`%O %A %B`) and writes the result
//! over OURS atomically (no `.bak`: git's OURS is a temporary file):
//!
//! - **Which files are projects** is decided from their first 64 KiB (a
//!   `"format": "hashiya-project"` there), before any size limit, so a big JSON data
//!   file in the same repository is never refused. When none of the three is a project,
//!   the files go to git's own text merge (`git merge-file`), so `*.json merge=hashiya`
//!   is safe in any repository.
//! - **When one is a project, all must be**: ours and theirs must load, and the base
//!   must load unless it is no project at all (empty: the file was added on both
//!   branches; or another file both sides replaced): then they merge without a base
//!   ([`super::merge::merge_without_base`]). A side that does not load (a botched hand
//!   edit, an empty or cut-off file, not a project) stops the merge with an error that
//!   names the side (ours / theirs / base, with git's names for them and the file's
//!   path, never git's temporary file) and the line:column of the problem.
//! - **Names**: git 2.44 and later pass the names of the three sides (`%S %X %Y`, what
//!   git writes in conflict markers: a commit, `HEAD`, a branch) and the path (`%P`);
//!   [`MergeNames`] carries them into recorded conflicts and messages. The old
//!   three-argument configuration (`merge %O %A %B`) still works: the messages then say
//!   ours / theirs.
//!
//! [`run_driver`] is the `hashiya merge` command: exit 0 when clean, 1 with conflicts
//! (recorded in the project), 2 when it could not merge. Then it does not leave ours'
//! file as if merged (a `git add` would silently drop theirs' work): it writes **both
//! sides between git conflict markers** over OURS (`<<<<<<< ours` … `=======` …
//! `>>>>>>> theirs`, as git's text merge does), so the file does not open until the
//! merge is redone (Hashiya's message for such a file says how) and git lists the path
//! as unmerged (any non-zero exit does that).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use serde_json::Value;

use super::merge::{merge, merge_without_base};
use crate::model::{ConflictKind, Project};
use crate::store::{self, Severity, StoreError, limits::MAX_PROJECT_BYTES};

pub use super::git_setup::{
    ATTRIBUTES_LINE, DRIVER_ARGS, IGNORED, SetupReport, git_setup, git_setup_with,
};

/// How [`merge_files`] merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeStatus {
    /// Merged as Hashiya projects; `conflicts` recorded in the file for a person,
    /// `renamed` of theirs' ids changed; `documents` says what happened to theirs'
    /// documents matched by text (one sentence each).
    Project {
        conflicts: usize,
        renamed: usize,
        documents: Vec<String>,
    },
    /// Not Hashiya projects: git's text merge; `clean` is false when it left conflict
    /// markers.
    Text { clean: bool },
}

impl MergeStatus {
    pub fn is_clean(&self) -> bool {
        match self {
            MergeStatus::Project { conflicts, .. } => *conflicts == 0,
            MergeStatus::Text { clean } => *clean,
        }
    }

    /// The merge driver's exit code: 0 clean, 1 with conflicts.
    pub fn exit_code(&self) -> i32 {
        if self.is_clean() { 0 } else { 1 }
    }
}

/// One of the three versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Base,
    Ours,
    Theirs,
}

impl Side {
    pub fn word(self) -> &'static str {
        match self {
            Side::Base => "base",
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }
}

/// What git says about the merge (all optional: the old `merge %O %A %B` driver line
/// passes none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeNames {
    /// The file's path in the repository (`%P`).
    pub path: Option<String>,
    /// The names git gives the base, ours and theirs (`%S %X %Y`).
    pub base: Option<String>,
    pub ours: Option<String>,
    pub theirs: Option<String>,
    /// The length of conflict markers (`%L`; 7 when absent).
    pub marker_size: Option<usize>,
}

impl MergeNames {
    /// git's name of `side`, unless absent, empty or not expanded by an old git.
    pub fn label(&self, side: Side) -> Option<&str> {
        let (v, placeholder) = match side {
            Side::Base => (&self.base, "%S"),
            Side::Ours => (&self.ours, "%X"),
            Side::Theirs => (&self.theirs, "%Y"),
        };
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != placeholder)
    }

    fn path(&self) -> Option<&str> {
        self.path.as_deref().filter(|p| !p.is_empty() && *p != "%P")
    }

    /// `theirs (feature) of team/p.json`, `theirs of team/p.json`, `theirs (t.json)`,
    /// or `theirs` (for one of git's temporary files, never named).
    pub fn describe(&self, side: Side, file: &Path) -> String {
        let mut s = side.word().to_string();
        if let Some(l) = self.label(side) {
            s.push_str(&format!(" ({l})"));
        }
        match self.path() {
            Some(p) => s.push_str(&format!(" of {p}")),
            None if self.label(side).is_none() && !is_git_temp(file) => {
                s.push_str(&format!(" ({})", file.display()));
            }
            None => {}
        }
        s
    }

    /// Where a side came from, for recorded conflicts: `team/p.json on feature`, the
    /// file name given, or `ours` / `theirs`.
    fn source(&self, side: Side, file: &Path) -> String {
        match (self.path(), self.label(side)) {
            (Some(p), Some(l)) => format!("{p} on {l}"),
            (None, Some(l)) => l.to_string(),
            (Some(p), None) => format!("{p}, {}", side.word()),
            (None, None) if is_git_temp(file) => side.word().to_string(),
            (None, None) => file.display().to_string(),
        }
    }

    /// The label of a conflict marker: git's name of the side, else ours / theirs.
    fn marker(&self, side: Side) -> String {
        self.label(side).unwrap_or(side.word()).to_string()
    }

    /// The file named in messages: the path, else OURS (unless one of git's temporary
    /// files: the old driver line does not pass the path).
    fn file(&self, ours: &Path) -> String {
        match self.path() {
            Some(p) => p.to_string(),
            None if is_git_temp(ours) => "this file".into(),
            None => ours.display().to_string(),
        }
    }
}

/// git's temporary files: `.merge_file_XXXXXX`.
fn is_git_temp(file: &Path) -> bool {
    file.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".merge_file_"))
}

/// Why a merge or a set-up could not be done. OURS is never touched then (but see
/// [`run_driver`]).
#[derive(Debug, Error)]
pub enum MergeError {
    /// One of the three files is not a loadable project while another is a project.
    #[error("{problem}")]
    Side { side: Side, problem: String },
    #[error("{}: could not write the merged project: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error(
        "{path}: the merged project would not be valid ({problem}); this is a bug in hashiya merge, please report it with the three files"
    )]
    Invalid { path: String, problem: String },
    #[error("{}: not a Hashiya project, so it needs git's text merge, but git is not installed or not on PATH; install git (https://git-scm.com) and merge again", path.display())]
    GitMissing { path: PathBuf },
    #[error("{}: `git {command}` failed: {message}", dir.display())]
    Git {
        dir: PathBuf,
        command: String,
        message: String,
    },
    #[error("{} is not inside a git repository ({message}); run `git init` there first, or give the repository's folder", dir.display())]
    NotARepository { dir: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Whether `bytes` are a Hashiya project file (a JSON object whose `format` is
/// `"hashiya-project"`), judged from the header alone.
pub fn is_project(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<Value>,
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    matches!(
        serde_json::from_slice::<Header>(bytes),
        Ok(Header { format: Some(Value::String(f)) }) if f == store::FORMAT
    )
}

/// How much of each file is read to tell a project from other files.
const HEAD_BYTES: u64 = 64 * 1024;

/// What the start of a file says.
struct Head {
    /// `"format": "hashiya-project"` is in the first [`HEAD_BYTES`].
    project: bool,
    /// The first byte that is not white space is `{` (or there is none in the head).
    object: bool,
    size: u64,
}

fn head(side: Side, path: &Path, names: &MergeNames) -> Result<Head, MergeError> {
    let io = |e: std::io::Error| MergeError::Side {
        side,
        problem: format!("{}: {e}", names.describe(side, path)),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut bytes = Vec::with_capacity(size.min(HEAD_BYTES) as usize);
    file.take(HEAD_BYTES).read_to_end(&mut bytes).map_err(io)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(Head {
        project: declares_project(bytes),
        object: matches!(
            bytes.iter().find(|b| !b.is_ascii_whitespace()),
            None | Some(&b'{')
        ),
        size,
    })
}

/// Whether `head` holds `"format"`, a colon and `"hashiya-project"` (white space
/// between them allowed), as every project Hashiya writes does at its start.
fn declares_project(head: &[u8]) -> bool {
    const KEY: &[u8] = b"\"format\"";
    const VALUE: &[u8] = b"\"hashiya-project\"";
    let skip = |bytes: &[u8], mut at: usize| {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    let mut from = 0;
    while let Some(i) = head[from..].windows(KEY.len()).position(|w| w == KEY) {
        let at = skip(head, from + i + KEY.len());
        if head.get(at) == Some(&b':') && head[skip(head, at + 1)..].starts_with(VALUE) {
            return true;
        }
        from += i + 1;
    }
    false
}

/// One side loaded: `None` when the file is empty (or only white space).
fn load_side(side: Side, path: &Path, names: &MergeNames) -> Result<Option<Project>, MergeError> {
    let name = names.describe(side, path);
    let bytes = store::limits::read_limited(path).map_err(|e| MergeError::Side {
        side,
        problem: match e {
            StoreError::TooLarge { size, limit, .. } => format!(
                "{name} is {size} bytes; Hashiya opens project files of at most {limit} bytes (split the project: one file per batch of documents)"
            ),
            StoreError::Io { source, .. } => format!("{name}: {source}"),
            other => other.to_string(),
        },
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    store::parse(Path::new(&name), &bytes)
        .map(|l| Some(l.project))
        .map_err(|e| MergeError::Side {
            side,
            problem: reworded(e, &name),
        })
}

/// A load error of a side, said as such (the store's hints about a `.bak` do not apply
/// to a version in git).
fn reworded(e: StoreError, name: &str) -> String {
    match e {
        StoreError::Json {
            line,
            column,
            message,
            ..
        } => format!("{name} is not a loadable Hashiya project: at {line}:{column}: {message}"),
        // The others start with the name already.
        other => other.to_string(),
    }
}

/// [`merge_files_named`] without names (messages say ours / theirs / the file names).
pub fn merge_files(base: &Path, ours: &Path, theirs: &Path) -> Result<MergeStatus, MergeError> {
    merge_files_named(base, ours, theirs, &MergeNames::default())
}

/// The merge driver: merges `theirs` into `ours` (both descended from `base`) and
/// writes the result over `ours` (see the module doc). OURS is untouched on error.
pub fn merge_files_named(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    names: &MergeNames,
) -> Result<MergeStatus, MergeError> {
    let files = [
        (Side::Base, base),
        (Side::Ours, ours),
        (Side::Theirs, theirs),
    ];
    let mut heads = Vec::with_capacity(3);
    for (side, path) in files {
        heads.push(head(side, path, names)?);
    }
    let mut project = heads.iter().any(|h| h.project);
    if !project
        && heads
            .iter()
            .all(|h| h.object && h.size <= MAX_PROJECT_BYTES)
    {
        // A project whose "format" is not near its start (written by hand): the header.
        project = files
            .iter()
            .any(|(_, f)| store::limits::read_limited(f).is_ok_and(|bytes| is_project(&bytes)));
    }
    if !project {
        return text_merge(base, ours, theirs, names);
    }
    let empty = |side: Side, path: &Path| MergeError::Side {
        side,
        problem: format!(
            "{} is empty, not a Hashiya project (the other side is one)",
            names.describe(side, path)
        ),
    };
    let op = load_side(Side::Ours, ours, names)?.ok_or_else(|| empty(Side::Ours, ours))?;
    let tp = load_side(Side::Theirs, theirs, names)?.ok_or_else(|| empty(Side::Theirs, theirs))?;
    // A base that is not a project at all (empty: the file was added on both branches;
    // another file both sides replaced) is no base; one that says it is a project must
    // load.
    let base_is_project = heads[0].project
        || (heads[0].size <= MAX_PROJECT_BYTES
            && store::limits::read_limited(base).is_ok_and(|b| is_project(&b)));
    let bp = if base_is_project {
        load_side(Side::Base, base, names)?
    } else {
        None
    };
    let sources = (
        names.source(Side::Ours, ours),
        names.source(Side::Theirs, theirs),
    );
    let sources = (sources.0.as_str(), sources.1.as_str());
    let out = match &bp {
        Some(bp) => merge(bp, &op, &tp, sources),
        None => merge_without_base(&op, &tp, sources),
    };
    if let Some(problem) = store::validate(&out.project)
        .into_iter()
        .find(|x| x.severity == Severity::Error)
    {
        return Err(MergeError::Invalid {
            path: names.file(ours),
            problem: problem.to_string(),
        });
    }
    let bytes = store::to_bytes(&out.project).map_err(|source| MergeError::Write {
        path: ours.to_path_buf(),
        source,
    })?;
    // Only rewrite OURS when the result differs (a no-op merge leaves it untouched).
    if std::fs::read(ours).ok().as_deref() != Some(&bytes[..]) {
        store::atomic::replace_atomic(ours, &bytes).map_err(|source| MergeError::Write {
            path: ours.to_path_buf(),
            source,
        })?;
    }
    let documents = out
        .renamed
        .iter()
        .filter(|r| r.kind == ConflictKind::Document)
        .map(|r| match op.document(&r.to) {
            Some(_) => format!(
                "theirs' document «{}» has the text of ours' «{}»: they are one document now",
                r.from, r.to
            ),
            None => format!(
                "theirs' document «{}» has another text than ours' «{}»: both kept, theirs' as «{}» (its sets follow it)",
                r.from, r.from, r.to
            ),
        })
        .collect();
    Ok(MergeStatus::Project {
        conflicts: out.project.conflicts.len(),
        renamed: out.renamed.len(),
        documents,
    })
}

/// git's own three-way text merge, result in `ours`.
fn text_merge(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    names: &MergeNames,
) -> Result<MergeStatus, MergeError> {
    let mut cmd = std::process::Command::new("git");
    cmd.arg("merge-file");
    if let Some(n) = names.marker_size {
        cmd.arg(format!("--marker-size={n}"));
    }
    for side in [Side::Ours, Side::Base, Side::Theirs] {
        cmd.arg("-L").arg(names.marker(side));
    }
    let out = cmd.arg(ours).arg(base).arg(theirs).output();
    let out = match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(MergeError::GitMissing {
                path: ours.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(MergeError::Io {
                path: ours.to_path_buf(),
                source,
            });
        }
    };
    // merge-file exits with the number of conflicts (at most 127), negative on error.
    match out.status.code() {
        Some(0) => Ok(MergeStatus::Text { clean: true }),
        Some(n) if (1..=127).contains(&n) => Ok(MergeStatus::Text { clean: false }),
        _ => Err(MergeError::Git {
            dir: ours.to_path_buf(),
            command: "merge-file".into(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }),
    }
}

/// Writes ours and theirs between git conflict markers over `ours` (streamed: the
/// files may be larger than a project may be).
pub fn write_failure_markers(
    ours: &Path,
    theirs: &Path,
    names: &MergeNames,
) -> std::io::Result<()> {
    let n = names.marker_size.unwrap_or(7).clamp(7, 100);
    let mut tmp_name = ours.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".hashiya-merge.tmp");
    let tmp = ours.with_file_name(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for (side, path, before) in [
            (Side::Ours, ours, "<".repeat(n)),
            (Side::Theirs, theirs, "=".repeat(n)),
        ] {
            if side == Side::Ours {
                writeln!(out, "{before} {}", names.marker(side))?;
            } else {
                writeln!(out, "{before}")?;
            }
            let mut f = std::fs::File::open(path)?;
            let mut last = [b'\n'];
            let mut buf = vec![0; 64 * 1024];
            loop {
                let k = f.read(&mut buf)?;
                if k == 0 {
                    break;
                }
                out.write_all(&buf[..k])?;
                last[0] = buf[k - 1];
            }
            if last[0] != b'\n' {
                out.write_all(b"\n")?;
            }
        }
        writeln!(out, "{} {}", ">".repeat(n), names.marker(Side::Theirs))?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, ours)
    };
    let r = write();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// [`run_driver_named`] without names (the old `merge %O %A %B` driver line).
pub fn run_driver(base: &Path, ours: &Path, theirs: &Path) -> i32 {
    run_driver_named(base, ours, theirs, &MergeNames::default())
}

/// `hashiya merge BASE OURS THEIRS [--path P] [--…-name N]`: [`merge_files_named`], a
/// summary on stderr, and the exit code git expects (0 clean, 1 conflicts, 2 could not
/// merge: then both sides between conflict markers over OURS, see the module doc).
pub fn run_driver_named(base: &Path, ours: &Path, theirs: &Path, names: &MergeNames) -> i32 {
    let file = names.file(ours);
    if names.path().is_none() && is_git_temp(ours) {
        eprintln!(
            "hashiya merge: (the merge driver line in .git/config does not pass the file's path: run `hashiya git-setup` again to have files and branches named)"
        );
    }
    match merge_files_named(base, ours, theirs, names) {
        Ok(s) => {
            eprintln!("hashiya merge: {file}: {}", summary(&s));
            if let MergeStatus::Project { documents, .. } = &s {
                for d in documents {
                    eprintln!("hashiya merge: {file}: {d}");
                }
            }
            s.exit_code()
        }
        Err(e) => {
            eprintln!("hashiya merge: {file}: could not merge: {e}");
            match write_failure_markers(ours, theirs, names) {
                Ok(()) => eprintln!(
                    "hashiya merge: {file} now holds both sides between conflict markers (<<<<<<< {} … ======= … >>>>>>> {}) and git lists it as unmerged; it does not open until the merge is redone. Either `git merge --abort`, repair the broken side on its branch (`hashiya validate` of the file there names the place) and merge again; or keep one side whole: `git checkout --ours -- {file}` (or --theirs), then `git add {file}`.",
                    names.marker(Side::Ours),
                    names.marker(Side::Theirs)
                ),
                Err(w) => eprintln!(
                    "hashiya merge: {file}: could not write the conflict markers either ({w}); ours was left as it was: do not `git add` it before merging it by hand"
                ),
            }
            2
        }
    }
}

/// The one-line summary of a merge.
fn summary(s: &MergeStatus) -> String {
    match s {
        MergeStatus::Project {
            conflicts: 0,
            renamed,
            ..
        } => format!(
            "merged cleanly{}",
            if *renamed > 0 {
                format!(" ({renamed} of theirs' ids renamed)")
            } else {
                String::new()
            }
        ),
        MergeStatus::Project { conflicts, .. } => format!(
            "{conflicts} conflict(s) recorded in the project; open it in Hashiya to resolve them, then `git add` it"
        ),
        MergeStatus::Text { clean: true } => {
            "not a Hashiya project; git's text merge was clean".into()
        }
        MergeStatus::Text { clean: false } => {
            "not a Hashiya project; git's text merge left conflict markers".into()
        }
    }
}

/// The current branch's name when git calls ours `HEAD` (run in the repository, as
/// git runs its drivers), else `HEAD`.
pub fn head_name(label: &str) -> String {
    if label != "HEAD" {
        return label.to_string();
    }
    std::process::Command::new("git")
        .args(["symbolic-ref", "--short", "-q", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| label.to_string())
}
