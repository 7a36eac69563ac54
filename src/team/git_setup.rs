//! `hashiya git-setup`: makes git merge project files with `hashiya merge`.
//!
//! Two halves, shared differently: the `.gitattributes` line (`*.json merge=hashiya`)
//! is a file of the repository, which must be committed so that every clone has it;
//! the driver (`merge.hashiya.driver`) is in `.git/config`, which git never shares, so
//! every clone must run `hashiya git-setup` once. A clone that has the attribute but not
//! the driver merges project files with git's text merge. `.gitignore` gets `*.bak` and
//! `*.recovery` (the backup and the autosave beside each project): committed, they
//! would conflict in every merge.

use std::path::{Path, PathBuf};

use super::driver::MergeError;

/// What [`git_setup`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupReport {
    /// The `.gitattributes` file written.
    pub gitattributes: PathBuf,
    /// False when the line was there already.
    pub attributes_added: bool,
    /// The `.gitignore` file.
    pub gitignore: PathBuf,
    /// The patterns added to it (none when all were there).
    pub ignored_added: Vec<String>,
    /// The driver command configured (`merge.hashiya.driver`).
    pub driver: String,
}

/// What `hashiya git-setup` prints: what it did, and what the user must still do.
impl std::fmt::Display for SetupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.attributes_added {
            format!("added `{ATTRIBUTES_LINE}`")
        } else {
            "already set".into()
        };
        let ignored = if self.ignored_added.is_empty() {
            "already ignores *.bak and *.recovery".to_string()
        } else {
            format!("added {}", self.ignored_added.join(", "))
        };
        writeln!(f, "{}: {what}", self.gitattributes.display())?;
        writeln!(f, "{}: {ignored}", self.gitignore.display())?;
        writeln!(f, "merge.hashiya.driver = {}", self.driver)?;
        writeln!(
            f,
            "Next: commit .gitattributes and .gitignore (`git add .gitattributes .gitignore && git commit`) so that every clone gets them. The driver itself is in .git/config, which git does not share: everyone who merges must run `hashiya git-setup` once in their clone, or git merges project files as plain text."
        )
    }
}

/// The `.gitattributes` line that sends JSON files to the driver.
pub const ATTRIBUTES_LINE: &str = "*.json merge=hashiya";

/// The `.gitignore` patterns: the `.bak` and the autosave beside each project.
pub const IGNORED: [&str; 2] = ["*.bak", "*.recovery"];

/// The arguments git passes the driver (`git help gitattributes`): the three versions,
/// the conflict marker size, the file's path, and (git 2.44 and later) the names of the
/// base, ours and theirs, as git writes them in conflict markers. Older gits leave
/// `%S`, `%X`, `%Y` as they are, which `hashiya merge` ignores.
pub const DRIVER_ARGS: &str =
    "merge %O %A %B --marker-size %L --path %P --base-name %S --ours-name %X --theirs-name %Y";

/// `hashiya git-setup [DIR]`: makes git merge project files in the repository at `dir`
/// with this program (see [`git_setup_with`]), calling it by its absolute path.
pub fn git_setup(dir: &Path) -> Result<SetupReport, MergeError> {
    let exe = std::env::current_exe().map_err(|source| MergeError::Io {
        path: PathBuf::from("hashiya"),
        source,
    })?;
    git_setup_with(dir, &exe)
}

/// Appends [`ATTRIBUTES_LINE`] to `dir/.gitattributes` and [`IGNORED`] to
/// `dir/.gitignore` (those not there yet) and sets the repository's `merge.hashiya.name`
/// and `merge.hashiya.driver` (`'<exe>' ` + [`DRIVER_ARGS`], the path quoted for the
/// shell git runs it with). Running it again changes nothing.
pub fn git_setup_with(dir: &Path, exe: &Path) -> Result<SetupReport, MergeError> {
    git(dir, &["rev-parse", "--git-dir"]).map_err(|e| match e {
        MergeError::Git { message, .. } => MergeError::NotARepository {
            dir: dir.to_path_buf(),
            message,
        },
        other => other,
    })?;
    let gitattributes = dir.join(".gitattributes");
    let attributes_added = !append_missing(&gitattributes, &[ATTRIBUTES_LINE])?.is_empty();
    let gitignore = dir.join(".gitignore");
    let ignored_added = append_missing(&gitignore, &IGNORED)?;
    let driver = format!("{} {DRIVER_ARGS}", shell_quote(&exe.to_string_lossy()));
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
        gitattributes,
        attributes_added,
        gitignore,
        ignored_added,
        driver,
    })
}

/// Appends each of `lines` that `path` does not have (compared word by word) to it,
/// creating it if needed; returns those added.
fn append_missing(path: &Path, lines: &[&str]) -> Result<Vec<String>, MergeError> {
    let old = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(MergeError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let words = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let have: Vec<Vec<String>> = old.lines().map(words).collect();
    let missing: Vec<String> = lines
        .iter()
        .filter(|l| !have.contains(&words(l)))
        .map(|l| l.to_string())
        .collect();
    if missing.is_empty() {
        return Ok(missing);
    }
    let mut new = old;
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    for l in &missing {
        new.push_str(l);
        new.push('\n');
    }
    std::fs::write(path, new).map_err(|source| MergeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(missing)
}

/// `s` in single quotes for a POSIX shell (git runs drivers with `sh -c`).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `git args` in `dir`; its stdout, or its stderr as the error.
pub(super) fn git(dir: &Path, args: &[&str]) -> Result<String, MergeError> {
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
