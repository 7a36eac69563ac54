//! What [`super::collect`] reports: what each file contributed, which versions of a
//! set were kept over which, and the warnings (kept in their own file).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// An id that was changed (or matched to another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdChange {
    pub from: String,
    pub to: String,
}

/// What one input contributed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileCollected {
    pub file: PathBuf,
    /// Its documents whose text was already in the output.
    pub documents_matched: usize,
    /// Its documents added to the output (their ids in the output).
    pub documents_added: Vec<String>,
    /// Added documents whose id was taken by another text.
    pub documents_renamed: Vec<IdChange>,
    /// Annotator → sets taken from this file.
    pub sets: BTreeMap<String, usize>,
    /// Sets equal to one already in the output.
    pub sets_same: usize,
    /// Its entities added to the output (their ids in the output).
    pub entities_added: Vec<String>,
    /// Its entities that are an output entity of the same name and label under another
    /// id (this file's id → the output's).
    pub entities_merged: Vec<IdChange>,
    /// Added entities whose id was taken by another entity.
    pub entities_renamed: Vec<IdChange>,
    /// Recorded merge conflicts added.
    pub conflicts_added: usize,
}

/// With `prefer_newer`: a set that differed between two files, and which one was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replaced {
    pub annotator: String,
    pub document: String,
    /// The file whose set is in the output (it holds everything the other holds).
    pub kept: PathBuf,
    /// The file whose set was dropped (an earlier state of the kept one).
    pub dropped: PathBuf,
    /// Why, in words ("it holds the other's and 2 spans more").
    pub reason: String,
    /// The kept set is the one of an earlier collect's output, over an input's (also
    /// a warning).
    pub output_won: bool,
}

/// What came from where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CollectReport {
    /// The output file ([`super::collect_into`] only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// Whether the output file was written ([`super::collect_into`]: false when it already
    /// held exactly the result).
    pub written: bool,
    /// One entry per input, in order; the first is the base.
    pub files: Vec<FileCollected>,
    pub replaced: Vec<Replaced>,
    pub warnings: Vec<String>,
    /// Totals in the output.
    pub documents: usize,
    pub sets: usize,
    pub entities: usize,
}

impl fmt::Display for CollectReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = self
            .output
            .as_ref()
            .map(|p| format!(" into {}", p.display()))
            .unwrap_or_default();
        writeln!(
            f,
            "collected {} file{}{out}: {} document{}, {} set{}, {} entit{}{}",
            self.files.len(),
            plural(self.files.len()),
            self.documents,
            plural(self.documents),
            self.sets,
            plural(self.sets),
            self.entities,
            if self.entities == 1 { "y" } else { "ies" },
            match (&self.output, self.written) {
                (Some(_), false) => " (unchanged, not written)",
                _ => "",
            }
        )?;
        for (i, c) in self.files.iter().enumerate() {
            let mut parts = Vec::new();
            if i > 0 {
                parts.push(format!("{} document(s) already there", c.documents_matched));
            }
            if !c.documents_added.is_empty() {
                parts.push(format!(
                    "{} document(s) added ({})",
                    c.documents_added.len(),
                    abbreviate(&c.documents_added)
                ));
            }
            if !c.documents_renamed.is_empty() {
                parts.push(format!(
                    "document id(s) renamed: {}",
                    changes(&c.documents_renamed)
                ));
            }
            if c.sets.is_empty() {
                parts.push("no new sets".into());
            } else {
                let per: Vec<String> = c.sets.iter().map(|(a, n)| format!("{a} {n}")).collect();
                parts.push(format!("sets: {}", per.join(", ")));
            }
            if c.sets_same > 0 {
                parts.push(format!("{} set(s) already there", c.sets_same));
            }
            if !c.entities_added.is_empty() {
                parts.push(format!("{} entit(ies) added", c.entities_added.len()));
            }
            if !c.entities_merged.is_empty() {
                parts.push(format!(
                    "entities merged by name and label: {}",
                    changes(&c.entities_merged)
                ));
            }
            if !c.entities_renamed.is_empty() {
                parts.push(format!(
                    "entity id(s) renamed: {}",
                    changes(&c.entities_renamed)
                ));
            }
            if c.conflicts_added > 0 {
                parts.push(format!("{} recorded conflict(s)", c.conflicts_added));
            }
            let base = if i == 0 { " (base)" } else { "" };
            writeln!(f, "  {}{base}: {}", c.file.display(), parts.join("; "))?;
        }
        for r in &self.replaced {
            writeln!(
                f,
                "  kept «{}»'s set on «{}» from {} over {}: {}",
                r.annotator,
                r.document,
                r.kept.display(),
                r.dropped.display(),
                r.reason
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn abbreviate(ids: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = ids
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(", … {} more", ids.len() - SHOWN));
    }
    s
}

fn changes(c: &[IdChange]) -> String {
    c.iter()
        .map(|c| format!("{} → {}", c.from, c.to))
        .collect::<Vec<_>>()
        .join(", ")
}
