//! The merge driver around [`super::merge::merge`]: reading the three files git passes
//! (`%O %A %B`), writing the result over OURS atomically, falling back to `git
//! merge-file` for files that are not Hashiya projects, and `git-setup`.

use std::path::{Path, PathBuf};

use thiserror::Error;

use serde_json::Value;

use super::merge::merge;
use crate::model::{LabelSchema, Project};
use crate::store::{self, Severity, StoreError};

/// How [`merge_files`] merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeStatus {
    /// Merged as Hashiya projects; `conflicts` recorded in the file for a person.
    Project { conflicts: usize, renamed: usize },
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

/// Why a merge or a set-up could not be done. OURS is never touched then.
#[derive(Debug, Error)]
pub enum MergeError {
    #[error("{source} (nothing was merged; {} was left as it was)", ours.display())]
    Load {
        ours: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("{}: could not write the merged project: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("{}: the merged project would not be valid ({problem}); this is a bug in hashiya merge, please report it with the three files. Merge this file by hand (git checkout --ours or --theirs)", path.display())]
    Invalid { path: PathBuf, problem: String },
    #[error("{}: not a Hashiya project, so it needs git's text merge, but git is not installed or not on PATH; install git (https://git-scm.com) and merge again. The file was left as it was", path.display())]
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

fn read(path: &Path) -> Result<Vec<u8>, MergeError> {
    store::limits::read_limited(path).map_err(|source| MergeError::Load {
        ours: path.to_path_buf(),
        source,
    })
}

/// The merge driver: merges `theirs` into `ours` (both descended from `base`) and
/// writes the result over `ours`. Projects merge structurally; other files go to
/// `git merge-file`. An empty `base` (the file was added on both sides) counts as an
/// empty project.
pub fn merge_files(base: &Path, ours: &Path, theirs: &Path) -> Result<MergeStatus, MergeError> {
    let (b, o, t) = (read(base)?, read(ours)?, read(theirs)?);
    let base_empty = b.iter().all(u8::is_ascii_whitespace);
    if !(is_project(&o) && is_project(&t) && (base_empty || is_project(&b))) {
        return text_merge(base, ours, theirs);
    }
    let load = |path: &Path, bytes: &[u8]| {
        store::parse(path, bytes)
            .map(|l| l.project)
            .map_err(|source| MergeError::Load {
                ours: ours.to_path_buf(),
                source,
            })
    };
    let base_project = if base_empty {
        Project::new(
            "",
            LabelSchema {
                labels: Vec::new(),
                relations: Vec::new(),
            },
        )
    } else {
        load(base, &b)?
    };
    let (op, tp) = (load(ours, &o)?, load(theirs, &t)?);
    let names = (ours.display().to_string(), theirs.display().to_string());
    let out = merge(&base_project, &op, &tp, (&names.0, &names.1));
    if let Some(problem) = store::validate(&out.project)
        .into_iter()
        .find(|x| x.severity == Severity::Error)
    {
        return Err(MergeError::Invalid {
            path: ours.to_path_buf(),
            problem: problem.to_string(),
        });
    }
    let bytes = store::to_bytes(&out.project).map_err(|source| MergeError::Write {
        path: ours.to_path_buf(),
        source,
    })?;
    // Only rewrite OURS when the result differs (a no-op merge leaves it untouched).
    if bytes != o {
        store::atomic::replace_atomic(ours, &bytes).map_err(|source| MergeError::Write {
            path: ours.to_path_buf(),
            source,
        })?;
    }
    Ok(MergeStatus::Project {
        conflicts: out.project.conflicts.len(),
        renamed: out.renamed.len(),
    })
}

/// git's own three-way text merge, result in `ours`.
fn text_merge(base: &Path, ours: &Path, theirs: &Path) -> Result<MergeStatus, MergeError> {
    let out = std::process::Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .output();
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

/// `hashiya merge BASE OURS THEIRS`: [`merge_files`], a one-line summary on stderr, and
/// the exit code git expects (0 clean, 1 conflicts, 2 could not merge).
pub fn run_driver(base: &Path, ours: &Path, theirs: &Path) -> i32 {
    let name = ours.display();
    match merge_files(base, ours, theirs) {
        Ok(s) => {
            match &s {
                MergeStatus::Project {
                    conflicts: 0,
                    renamed,
                } => eprintln!(
                    "hashiya merge: {name}: merged cleanly{}",
                    if *renamed > 0 {
                        format!(" ({renamed} of theirs' new ids renamed)")
                    } else {
                        String::new()
                    }
                ),
                MergeStatus::Project { conflicts, .. } => eprintln!(
                    "hashiya merge: {name}: {conflicts} conflict(s) recorded in the project; open it in Hashiya to resolve them, then `git add` it"
                ),
                MergeStatus::Text { clean: true } => {
                    eprintln!(
                        "hashiya merge: {name}: not a Hashiya project; git's text merge was clean"
                    )
                }
                MergeStatus::Text { clean: false } => eprintln!(
                    "hashiya merge: {name}: not a Hashiya project; git's text merge left conflict markers"
                ),
            }
            s.exit_code()
        }
        Err(e) => {
            eprintln!("hashiya merge: {e}");
            2
        }
    }
}

/// What [`git_setup`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupReport {
    /// The `.gitattributes` file written.
    pub gitattributes: PathBuf,
    /// False when the line was there already.
    pub attributes_added: bool,
    /// The driver command configured (`merge.hashiya.driver`).
    pub driver: String,
}

/// The `.gitattributes` line that sends JSON files to the driver.
pub const ATTRIBUTES_LINE: &str = "*.json merge=hashiya";

/// `hashiya git-setup [DIR]`: makes git merge project files in the repository at `dir`
/// with this program (see [`git_setup_with`]), calling it by its absolute path.
pub fn git_setup(dir: &Path) -> Result<SetupReport, MergeError> {
    let exe = std::env::current_exe().map_err(|source| MergeError::Io {
        path: PathBuf::from("hashiya"),
        source,
    })?;
    git_setup_with(dir, &exe)
}

/// Appends [`ATTRIBUTES_LINE`] to `dir/.gitattributes` (unless it is there) and sets the
/// repository's `merge.hashiya.name` and `merge.hashiya.driver` (`'<exe>' merge %O %A
/// %B`, the path quoted for the shell git runs it with). Running it again changes
/// nothing.
pub fn git_setup_with(dir: &Path, exe: &Path) -> Result<SetupReport, MergeError> {
    git(dir, &["rev-parse", "--git-dir"]).map_err(|e| match e {
        MergeError::Git { message, .. } => MergeError::NotARepository {
            dir: dir.to_path_buf(),
            message,
        },
        other => other,
    })?;
    let path = dir.join(".gitattributes");
    let old = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(MergeError::Io { path, source }),
    };
    let present = old.lines().any(|l| {
        l.split_whitespace().collect::<Vec<_>>() == ATTRIBUTES_LINE.split(' ').collect::<Vec<_>>()
    });
    if !present {
        let mut new = old.clone();
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        new.push_str(ATTRIBUTES_LINE);
        new.push('\n');
        std::fs::write(&path, new).map_err(|source| MergeError::Io {
            path: path.clone(),
            source,
        })?;
    }
    let driver = format!("{} merge %O %A %B", shell_quote(&exe.to_string_lossy()));
    git(
        dir,
        &[
            "config",
            "merge.hashiya.name",
            "Hashiya project merge (by ids)",
        ],
    )?;
    git(dir, &["config", "merge.hashiya.driver", &driver])?;
    Ok(SetupReport {
        gitattributes: path,
        attributes_added: !present,
        driver,
    })
}

/// `s` in single quotes for a POSIX shell (git runs drivers with `sh -c`).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `git args` in `dir`; its stdout, or its stderr as the error.
fn git(dir: &Path, args: &[&str]) -> Result<String, MergeError> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                MergeError::Git {
                    dir: dir.to_path_buf(),
                    command: args.join(" "),
                    message:
                        "git is not installed or not on PATH; install git (https://git-scm.com)"
                            .into(),
                }
            } else {
                MergeError::Io {
                    path: dir.to_path_buf(),
                    source,
                }
            }
        })?;
    if !out.status.success() {
        return Err(MergeError::Git {
            dir: dir.to_path_buf(),
            command: args.join(" "),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
