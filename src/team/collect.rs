//! Bringing the annotators' files back into one project.
//!
//! [`collect`] starts from the first file, taken whole (its name, documents, ids,
//! entities, sets, plan and recorded conflicts), and adds each later file to it:
//!
//! - **Documents** are matched by the SHA-256 of their text, recomputed (as review
//!   matches them, [`crate::review::documents`]): a text already in the output keeps
//!   the output's id; a new text is added, under its own id unless that id is taken by
//!   a different text, then as `id~2` (`~3`…), reported.
//! - **Sets** are kept per annotator, re-keyed to the output's document ids (and their
//!   entity links to the output's entities). A set of the same annotator on the same
//!   document that is already in the output is skipped when equal; when it differs, the
//!   collection fails naming both files ([`CollectError::SetConflict`]) — unless
//!   `prefer_newer`, then the set of the file modified last wins, and the report says
//!   which won over which.
//! - **Entities**: an entity with the same name and label as one in the output is that
//!   entity (its mentions are linked to the output's id); otherwise it is added, under
//!   its own id unless that id is taken by a different entity, then as `id~2`… (span
//!   links follow).
//! - **Schema**: must be equal in every file; otherwise the error names the two files and
//!   the first difference (labels first, then relation types).
//! - **Assignment plan**: the first file's that has one, completed with the documents
//!   of the later files' plans when these are parts of the same plan (as
//!   [`super::assign`] writes them: each annotator's file lists its own documents;
//!   see [`plans_compatible`]); a different plan is a warning (the first is kept).
//! - **Recorded merge conflicts** are carried over (document ids re-keyed), once.
//!
//! Collecting is idempotent: collecting the same files again, or collecting into the
//! output with the same inputs again ([`collect_into`] loads an existing output first),
//! changes nothing, byte for byte.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use thiserror::Error;

use crate::model::{Assignment, LabelSchema, Project, text_sha256};
use crate::store::{self, Severity, StoreError};

/// Why nothing was collected.
#[derive(Debug, Error)]
pub enum CollectError {
    #[error("nothing to collect: give the annotators' project files")]
    NoInputs,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the schemas differ between {} and {}: {difference}. Collect only files made from the same corpus (or make the schemas equal first)",
        first.display(), other.display()
    )]
    SchemaMismatch {
        first: PathBuf,
        other: PathBuf,
        difference: String,
    },
    #[error(
        "«{annotator}»'s set on document «{document}» ({title}) differs between {} and {}; keep one of the two files' versions, or collect with --prefer newer to keep the one modified last",
        first.display(), second.display()
    )]
    SetConflict {
        annotator: String,
        /// The document's id in the output.
        document: String,
        title: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "«{annotator}»'s set on document «{document}» differs between {} and {}, and both files have the same modification time, so neither is newer; keep one of the two versions",
        first.display(), second.display()
    )]
    SameTime {
        annotator: String,
        document: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: cannot read the file's modification time to choose the newer set: {reason}", path.display())]
    NoTime { path: PathBuf, reason: String },
    #[error("the collected project would be invalid (a bug; please report it):\n{0}")]
    Invalid(String),
}

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
    /// The newer file, whose set is in the output.
    pub kept: PathBuf,
    /// The older file, whose set was dropped.
    pub dropped: PathBuf,
}

/// What came from where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CollectReport {
    /// The output file ([`collect_into`] only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// Whether the output file was written ([`collect_into`]: false when it already
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
                "  newer set kept: «{}» on «{}» from {} (over {})",
                r.annotator,
                r.document,
                r.kept.display(),
                r.dropped.display()
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
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

/// `id`, or `id~2`, `id~3`… : the first that `taken` refuses.
fn fresh_id(id: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(id) {
        return id.to_string();
    }
    (2..)
        .map(|n| format!("{id}~{n}"))
        .find(|c| !taken(c))
        .unwrap_or_default()
}

/// [`fresh_id`], recording a change in `renamed`.
fn renamed_if_taken(id: &str, taken: impl Fn(&str) -> bool, renamed: &mut Vec<IdChange>) -> String {
    let fresh = fresh_id(id, taken);
    if fresh != id {
        renamed.push(IdChange {
            from: id.to_string(),
            to: fresh.clone(),
        });
    }
    fresh
}

/// The first difference between two schemas, in words naming `a` and `b`.
pub fn schema_difference(a: &LabelSchema, b: &LabelSchema, na: &str, nb: &str) -> Option<String> {
    for la in &a.labels {
        let Some(lb) = b.label(&la.id) else {
            return Some(format!("label «{}» is in {na} but not in {nb}", la.id));
        };
        if la != lb {
            let what = if la.name != lb.name {
                format!("name «{}» vs «{}»", la.name, lb.name)
            } else if la.name_ar != lb.name_ar {
                format!(
                    "Arabic name «{}» vs «{}»",
                    la.name_ar.as_deref().unwrap_or(""),
                    lb.name_ar.as_deref().unwrap_or("")
                )
            } else if la.color != lb.color {
                format!("colour {} vs {}", la.color, lb.color)
            } else if la.hotkey != lb.hotkey {
                format!(
                    "key «{}» vs «{}»",
                    la.hotkey.as_deref().unwrap_or(""),
                    lb.hotkey.as_deref().unwrap_or("")
                )
            } else {
                let names = |l: &crate::model::LabelDef| {
                    l.attributes
                        .iter()
                        .map(|x| format!("{}{:?}", x.name, x.values))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                format!("attributes [{}] vs [{}]", names(la), names(lb))
            };
            return Some(format!("label «{}» differs: {what}", la.id));
        }
    }
    if let Some(lb) = b.labels.iter().find(|l| a.label(&l.id).is_none()) {
        return Some(format!("label «{}» is in {nb} but not in {na}", lb.id));
    }
    if a.labels != b.labels {
        return Some("the labels are in a different order".into());
    }
    for ra in &a.relations {
        let Some(rb) = b.relation_type(&ra.id) else {
            return Some(format!(
                "relation type «{}» is in {na} but not in {nb}",
                ra.id
            ));
        };
        if ra != rb {
            let what = if ra.name != rb.name {
                format!("name «{}» vs «{}»", ra.name, rb.name)
            } else if ra.from != rb.from {
                format!("from [{}] vs [{}]", ra.from.join(", "), rb.from.join(", "))
            } else {
                format!("to [{}] vs [{}]", ra.to.join(", "), rb.to.join(", "))
            };
            return Some(format!("relation type «{}» differs: {what}", ra.id));
        }
    }
    if let Some(rb) = b
        .relations
        .iter()
        .find(|r| a.relation_type(&r.id).is_none())
    {
        return Some(format!(
            "relation type «{}» is in {nb} but not in {na}",
            rb.id
        ));
    }
    if a.relations != b.relations {
        return Some("the relation types are in a different order".into());
    }
    None
}

/// Whether two plans are (parts of) the same plan: same annotators, `K`, overlap and
/// seed, and the same annotators for every document both list.
pub fn plans_compatible(a: &Assignment, b: &Assignment) -> bool {
    a.annotators == b.annotators
        && a.per_document == b.per_document
        && a.overlap == b.overlap
        && a.seed == b.seed
        && a.documents
            .iter()
            .all(|(d, who)| b.documents.get(d).is_none_or(|w| w == who))
}

fn mtime(path: &Path) -> Result<SystemTime, CollectError> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| CollectError::NoTime {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

/// Brings `files` (path, project) together into one project; see the module doc.
/// Paths are used in messages, and with `prefer_newer` for their modification times.
pub fn collect(
    files: &[(PathBuf, Project)],
    prefer_newer: bool,
) -> Result<(Project, CollectReport), CollectError> {
    let Some((first_path, first)) = files.first() else {
        return Err(CollectError::NoInputs);
    };
    let mut out = first.clone();
    out.canonicalize();
    let mut report = CollectReport::default();

    // Text hash → output document id (the first with that text).
    let mut by_hash: HashMap<String, String> = HashMap::new();
    for d in &out.documents {
        by_hash
            .entry(text_sha256(&d.text))
            .or_insert_with(|| d.id.clone());
    }
    // (label, name) → output entity id (the first in id order).
    let mut by_name: HashMap<(String, String), String> = HashMap::new();
    for e in &out.entities {
        by_name
            .entry((e.label.clone(), e.name.clone()))
            .or_insert_with(|| e.id.clone());
    }
    // (annotator, output document) → the file its set came from.
    let mut source: HashMap<(String, String), usize> = HashMap::new();
    let mut base = FileCollected {
        file: first_path.clone(),
        documents_added: out.documents.iter().map(|d| d.id.clone()).collect(),
        entities_added: out.entities.iter().map(|e| e.id.clone()).collect(),
        conflicts_added: out.conflicts.len(),
        ..Default::default()
    };
    for s in &out.sets {
        *base.sets.entry(s.annotator.clone()).or_default() += 1;
        source.insert((s.annotator.clone(), s.document.clone()), 0);
    }
    report.files.push(base);
    let mut plan_from = out.assignment.as_ref().map(|_| 0usize);

    for (i, (path, p)) in files.iter().enumerate().skip(1) {
        let mut c = FileCollected {
            file: path.clone(),
            ..Default::default()
        };
        if let Some(diff) = schema_difference(
            &out.schema,
            &p.schema,
            &first_path.display().to_string(),
            &path.display().to_string(),
        ) {
            return Err(CollectError::SchemaMismatch {
                first: first_path.clone(),
                other: path.clone(),
                difference: diff,
            });
        }

        // Documents.
        let mut doc_map: HashMap<&str, String> = HashMap::new();
        for d in &p.documents {
            let h = text_sha256(&d.text);
            if let Some(id) = by_hash.get(&h) {
                doc_map.insert(&d.id, id.clone());
                c.documents_matched += 1;
                continue;
            }
            let id = renamed_if_taken(
                &d.id,
                |x| out.documents.iter().any(|o| o.id == x),
                &mut c.documents_renamed,
            );
            let mut doc = d.clone();
            doc.id = id.clone();
            out.documents.push(doc);
            by_hash.insert(h, id.clone());
            doc_map.insert(&d.id, id.clone());
            c.documents_added.push(id);
        }

        // Entities.
        let mut ent_map: HashMap<&str, String> = HashMap::new();
        for e in &p.entities {
            if let Some(id) = by_name.get(&(e.label.clone(), e.name.clone())) {
                if *id != e.id {
                    c.entities_merged.push(IdChange {
                        from: e.id.clone(),
                        to: id.clone(),
                    });
                }
                ent_map.insert(&e.id, id.clone());
                continue;
            }
            let id = renamed_if_taken(
                &e.id,
                |x| out.entities.iter().any(|o| o.id == x),
                &mut c.entities_renamed,
            );
            let mut ent = e.clone();
            ent.id = id.clone();
            out.entities.push(ent);
            by_name.insert((e.label.clone(), e.name.clone()), id.clone());
            ent_map.insert(&e.id, id.clone());
            c.entities_added.push(id);
        }

        // Sets.
        for s in &p.sets {
            let Some(doc) = doc_map.get(s.document.as_str()) else {
                report.warnings.push(format!(
                    "{}: «{}»'s set is on document «{}», which the file does not hold; skipped",
                    path.display(),
                    s.annotator,
                    s.document
                ));
                continue;
            };
            let mut set = s.clone();
            set.document = doc.clone();
            for span in &mut set.spans {
                if let Some(e) = &span.entity
                    && let Some(to) = ent_map.get(e.as_str())
                {
                    span.entity = Some(to.clone());
                }
            }
            set.sort();
            let key = (set.annotator.clone(), set.document.clone());
            let Some(at) = out.set_index(&set.annotator, &set.document) else {
                *c.sets.entry(set.annotator.clone()).or_default() += 1;
                out.sets.push(set);
                source.insert(key, i);
                continue;
            };
            if out.sets[at] == set {
                c.sets_same += 1;
                continue;
            }
            let from = source.get(&key).copied().unwrap_or(0);
            let old_path = &files[from].0;
            let title = out
                .document(&set.document)
                .map(|d| d.title.clone())
                .unwrap_or_default();
            if !prefer_newer {
                return Err(CollectError::SetConflict {
                    annotator: set.annotator.clone(),
                    document: set.document.clone(),
                    title,
                    first: old_path.clone(),
                    second: path.clone(),
                });
            }
            let (t_old, t_new) = (mtime(old_path)?, mtime(path)?);
            if t_new == t_old {
                return Err(CollectError::SameTime {
                    annotator: set.annotator.clone(),
                    document: set.document.clone(),
                    first: old_path.clone(),
                    second: path.clone(),
                });
            }
            let newer = t_new > t_old;
            report.replaced.push(Replaced {
                annotator: set.annotator.clone(),
                document: set.document.clone(),
                kept: if newer { path } else { old_path }.clone(),
                dropped: if newer { old_path } else { path }.clone(),
            });
            if newer {
                *c.sets.entry(set.annotator.clone()).or_default() += 1;
                out.sets[at] = set;
                source.insert(key, i);
            }
        }

        // The plan.
        if let Some(plan) = &p.assignment {
            let mut plan = plan.clone();
            plan.documents = plan
                .documents
                .into_iter()
                .map(|(d, who)| (doc_map.get(d.as_str()).cloned().unwrap_or(d), who))
                .collect();
            match &mut out.assignment {
                None => {
                    out.assignment = Some(plan);
                    plan_from = Some(i);
                }
                Some(kept) if plans_compatible(kept, &plan) => {
                    for (d, who) in plan.documents {
                        kept.documents.entry(d).or_insert(who);
                    }
                }
                Some(_) => {
                    let k = &files[plan_from.unwrap_or(0)].0;
                    report.warnings.push(format!(
                        "the assignment plan in {} differs from the one in {}; kept the one in {}",
                        path.display(),
                        k.display(),
                        k.display()
                    ))
                }
            }
        }

        // Recorded merge conflicts.
        for conflict in &p.conflicts {
            let mut conflict = conflict.clone();
            if let Some(d) = &conflict.document
                && let Some(to) = doc_map.get(d.as_str())
            {
                conflict.document = Some(to.clone());
            }
            if out.conflicts.contains(&conflict) {
                continue;
            }
            conflict.id = fresh_id(&conflict.id, |x| out.conflicts.iter().any(|o| o.id == x));
            out.conflicts.push(conflict);
            c.conflicts_added += 1;
        }
        report.files.push(c);
    }

    out.canonicalize();
    let errors: Vec<String> = store::validate(&out)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(CollectError::Invalid(errors.join("\n")));
    }
    report.documents = out.documents.len();
    report.sets = out.sets.len();
    report.entities = out.entities.len();
    Ok((out, report))
}

/// Collects `inputs` into the project file `out`: if `out` exists it is loaded first
/// (the base, so its ids win); an input that is `out` itself is skipped. Writes `out`
/// atomically ([`store::save`]), and only when the result differs from what it holds.
pub fn collect_into(
    out: &Path,
    inputs: &[PathBuf],
    prefer_newer: bool,
) -> Result<CollectReport, CollectError> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let out_real = std::fs::canonicalize(out).ok();
    let mut load = |path: &Path, files: &mut Vec<(PathBuf, Project)>| -> Result<(), CollectError> {
        let loaded = store::load(path)?;
        for w in &loaded.warnings {
            warnings.push(format!("{}: {w}", path.display()));
        }
        files.push((path.to_path_buf(), loaded.project));
        Ok(())
    };
    if out.exists() {
        load(out, &mut files)?;
    }
    for input in inputs {
        if out_real.is_some() && std::fs::canonicalize(input).ok() == out_real {
            continue;
        }
        load(input, &mut files)?;
    }
    let (project, mut report) = collect(&files, prefer_newer)?;
    report.warnings.splice(0..0, warnings);
    report.output = Some(out.to_path_buf());
    let bytes = store::to_bytes(&project)?;
    if std::fs::read(out).ok().as_deref() != Some(&bytes[..]) {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
        }
        store::save(&project, out)?;
        report.written = true;
    }
    Ok(report)
}

#[cfg(test)]
#[path = "collect_tests.rs"]
mod tests;
