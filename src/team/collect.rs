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
//!   `prefer_newer`, which decides by content, never by file times (a copy, a
//!   checkout or an unzip resets them): the version that holds everything the other
//!   holds (its spans, relations and done mark) wins, the other being an earlier state
//!   of it; the report says which won over which and why, and when an earlier
//!   collect's output wins over an input that is also a warning. When neither holds
//!   the other, both were changed and the collection fails naming both
//!   ([`CollectError::Diverged`]).
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

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::{AnnotationSet, Assignment, LabelSchema, Project, text_sha256};
use crate::store::{self, Severity, StoreError};

/// One annotator's set on one document changed differently in two files.
#[derive(Debug, Error)]
#[error(
    "«{annotator}»'s set on document «{document}» ({title}) was changed differently in {} ({only_first} not in the other) and in {} ({only_second} not in the other): neither holds the other, so nothing tells which is newer (file times do not: a copy or a checkout resets them). Compare them (hashiya agree {} {} --annotators {annotator},{annotator}), make one file hold the right version, then collect again",
    first.display(), second.display(), first.display(), second.display()
)]
pub struct Diverged {
    pub annotator: String,
    pub document: String,
    pub title: String,
    pub first: PathBuf,
    pub second: PathBuf,
    /// What only the first holds, in words.
    pub only_first: String,
    pub only_second: String,
}

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
        "«{annotator}»'s set on document «{document}» ({title}) differs between {} and {}; keep one of the two files' versions, or collect with --prefer newer, which keeps the version that holds everything the other holds (the other is an earlier state of it)",
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
    /// Both versions of a set were changed (neither holds the other).
    #[error("{0}")]
    Diverged(Box<Diverged>),
    #[error(
        "{}: this is «{annotator}»'s own file (as hashiya assign names it), so it is not collected into: the others' documents and sets would end up in «{annotator}»'s file. Collect into a new file (e.g. --into all.json), and give {} as an input",
        path.display(), path.display()
    )]
    IntoOwnFile { path: PathBuf, annotator: String },
    #[error("the collected project would be invalid (a bug; please report it):\n{0}")]
    Invalid(String),
}

#[path = "collect_report.rs"]
mod report;
use report::plural;
pub use report::{CollectReport, FileCollected, IdChange, Replaced};

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

/// Whether set `a` holds everything `b` holds: each of `b`'s spans and relations
/// (equal in every field) and `b`'s done mark. Who changed a set last (`modified_by`)
/// and `copied_from` are not content.
fn holds(a: &AnnotationSet, b: &AnnotationSet) -> bool {
    b.spans.iter().all(|s| a.spans.contains(s))
        && b.relations.iter().all(|r| a.relations.contains(r))
        && (!b.done || a.done)
}

/// What `a` has that `b` lacks, in words ("2 spans, the done mark"), for reports.
fn more(a: &AnnotationSet, b: &AnnotationSet) -> String {
    let spans = a.spans.iter().filter(|s| !b.spans.contains(s)).count();
    let relations = a
        .relations
        .iter()
        .filter(|r| !b.relations.contains(r))
        .count();
    let mut parts = Vec::new();
    if spans > 0 {
        parts.push(format!("{spans} span{}", plural(spans)));
    }
    if relations > 0 {
        parts.push(format!("{relations} relation{}", plural(relations)));
    }
    if a.done && !b.done {
        parts.push("the done mark".into());
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

/// The state of a collection while the files are added one by one.
struct Collector<'a> {
    files: &'a [(PathBuf, Project)],
    prefer_newer: bool,
    /// Whether the first file is the output of an earlier collect (its sets must
    /// never win over an input's without a word).
    base_is_output: bool,
    out: Project,
    report: CollectReport,
    /// Text hash → output document id (the first with that text).
    by_hash: HashMap<String, String>,
    /// (label, name) → output entity id (the first in id order).
    by_name: HashMap<(String, String), String>,
    /// (annotator, output document) → the file its set came from.
    source: HashMap<(String, String), usize>,
    /// The file whose plan is kept.
    plan_from: Option<usize>,
}

impl<'a> Collector<'a> {
    /// Starts from the first file, taken whole.
    fn new(
        files: &'a [(PathBuf, Project)],
        prefer_newer: bool,
        base_is_output: bool,
    ) -> Result<Self, CollectError> {
        let Some((first_path, first)) = files.first() else {
            return Err(CollectError::NoInputs);
        };
        let mut out = first.clone();
        out.canonicalize();
        let mut by_hash = HashMap::new();
        for d in &out.documents {
            by_hash
                .entry(text_sha256(&d.text))
                .or_insert_with(|| d.id.clone());
        }
        let mut by_name = HashMap::new();
        for e in &out.entities {
            by_name
                .entry((e.label.clone(), e.name.clone()))
                .or_insert_with(|| e.id.clone());
        }
        let mut source = HashMap::new();
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
        let plan_from = out.assignment.as_ref().map(|_| 0usize);
        Ok(Collector {
            files,
            prefer_newer,
            base_is_output,
            out,
            report: CollectReport {
                files: vec![base],
                ..Default::default()
            },
            by_hash,
            by_name,
            source,
            plan_from,
        })
    }

    /// Adds file `i` (> 0): its documents, entities, sets, plan and conflicts.
    fn add(&mut self, i: usize) -> Result<(), CollectError> {
        let files = self.files;
        let (path, p) = &files[i];
        let first_path = &files[0].0;
        if let Some(diff) = schema_difference(
            &self.out.schema,
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
        let mut c = FileCollected {
            file: path.clone(),
            ..Default::default()
        };
        let doc_map = self.documents(p, &mut c);
        let ent_map = self.entities(p, &mut c);
        self.sets(i, &doc_map, &ent_map, &mut c)?;
        self.plan(i, &doc_map);
        self.conflicts(p, &doc_map, &mut c);
        self.report.files.push(c);
        Ok(())
    }

    /// Documents matched by text; new texts added (renamed when the id is taken).
    /// Returns the file's document id → the output's.
    fn documents(&mut self, p: &'a Project, c: &mut FileCollected) -> HashMap<&'a str, String> {
        let mut doc_map = HashMap::new();
        for d in &p.documents {
            let h = text_sha256(&d.text);
            if let Some(id) = self.by_hash.get(&h) {
                doc_map.insert(d.id.as_str(), id.clone());
                c.documents_matched += 1;
                continue;
            }
            let out = &self.out;
            let id = renamed_if_taken(
                &d.id,
                |x| out.documents.iter().any(|o| o.id == x),
                &mut c.documents_renamed,
            );
            let mut doc = d.clone();
            doc.id = id.clone();
            self.out.documents.push(doc);
            self.by_hash.insert(h, id.clone());
            doc_map.insert(d.id.as_str(), id.clone());
            c.documents_added.push(id);
        }
        doc_map
    }

    /// Entities merged by name and label, or added (renamed when the id is taken).
    /// Returns the file's entity id → the output's.
    fn entities(&mut self, p: &'a Project, c: &mut FileCollected) -> HashMap<&'a str, String> {
        let mut ent_map = HashMap::new();
        for e in &p.entities {
            if let Some(id) = self.by_name.get(&(e.label.clone(), e.name.clone())) {
                if *id != e.id {
                    c.entities_merged.push(IdChange {
                        from: e.id.clone(),
                        to: id.clone(),
                    });
                }
                ent_map.insert(e.id.as_str(), id.clone());
                continue;
            }
            let out = &self.out;
            let id = renamed_if_taken(
                &e.id,
                |x| out.entities.iter().any(|o| o.id == x),
                &mut c.entities_renamed,
            );
            let mut ent = e.clone();
            ent.id = id.clone();
            self.out.entities.push(ent);
            self.by_name
                .insert((e.label.clone(), e.name.clone()), id.clone());
            ent_map.insert(e.id.as_str(), id.clone());
            c.entities_added.push(id);
        }
        ent_map
    }

    /// Sets re-keyed to the output's documents and entities; equal ones skipped, new
    /// ones added, differing ones decided by [`Collector::decide`].
    fn sets(
        &mut self,
        i: usize,
        doc_map: &HashMap<&str, String>,
        ent_map: &HashMap<&str, String>,
        c: &mut FileCollected,
    ) -> Result<(), CollectError> {
        let files = self.files;
        let (path, p) = &files[i];
        for s in &p.sets {
            let Some(doc) = doc_map.get(s.document.as_str()) else {
                self.report.warnings.push(format!(
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
            match self.out.set_index(&set.annotator, &set.document) {
                None => {
                    *c.sets.entry(set.annotator.clone()).or_default() += 1;
                    self.out.sets.push(set);
                    self.source.insert(key, i);
                }
                Some(at) if self.out.sets[at] == set => c.sets_same += 1,
                Some(at) => {
                    if self.decide(i, at, &set)? {
                        *c.sets.entry(set.annotator.clone()).or_default() += 1;
                        self.out.sets[at] = set;
                        self.source.insert(key, i);
                    }
                }
            }
        }
        Ok(())
    }

    /// Two versions of one annotator's set on one document: the output's (from an
    /// earlier file) and `new` from file `i`. Without `prefer_newer` an error; with it,
    /// decided by content: the version that holds everything the other holds wins (the
    /// other is an earlier state of it), and every decision is reported — loudly when
    /// an earlier collect's output wins over an input. When neither holds the other,
    /// both were changed and nothing can tell which is newer: an error naming both.
    /// Returns whether `new` replaces the output's.
    fn decide(&mut self, i: usize, at: usize, new: &AnnotationSet) -> Result<bool, CollectError> {
        let files = self.files;
        let old = &self.out.sets[at];
        let key = (new.annotator.clone(), new.document.clone());
        let from = self.source.get(&key).copied().unwrap_or(0);
        let old_path = &files[from].0;
        let path = &files[i].0;
        let title = self
            .out
            .document(&new.document)
            .map(|d| d.title.clone())
            .unwrap_or_default();
        if !self.prefer_newer {
            return Err(CollectError::SetConflict {
                annotator: new.annotator.clone(),
                document: new.document.clone(),
                title,
                first: old_path.clone(),
                second: path.clone(),
            });
        }
        let (new_holds, old_holds) = (holds(new, old), holds(old, new));
        let (take_new, reason) = match (new_holds, old_holds) {
            (true, false) => (
                true,
                format!("it holds the other's and {} more", more(new, old)),
            ),
            (false, true) => (
                false,
                format!("it holds the other's and {} more", more(old, new)),
            ),
            // Same annotations; only who changed it last (or copied_from) differs.
            (true, true) => (
                false,
                "the same annotations (only who changed it last differs); the first kept"
                    .to_string(),
            ),
            (false, false) => {
                return Err(CollectError::Diverged(Box::new(Diverged {
                    annotator: new.annotator.clone(),
                    document: new.document.clone(),
                    title,
                    first: old_path.clone(),
                    second: path.clone(),
                    only_first: more(old, new),
                    only_second: more(new, old),
                })));
            }
        };
        let (kept, dropped) = if take_new {
            (path, old_path)
        } else {
            (old_path, path)
        };
        let output_won = !take_new && from == 0 && self.base_is_output;
        if output_won {
            self.report.warnings.push(format!(
                "kept the collected file's version of «{}»'s set on «{}» over {}'s ({reason}); if «{}» deleted annotations in {} since the last collect, collect into a new file to take them as they are now",
                new.annotator,
                new.document,
                path.display(),
                new.annotator,
                path.display()
            ));
        }
        self.report.replaced.push(Replaced {
            annotator: new.annotator.clone(),
            document: new.document.clone(),
            kept: kept.clone(),
            dropped: dropped.clone(),
            reason,
            output_won,
        });
        Ok(take_new)
    }

    /// The plan: the first file's, completed with the parts of the same plan.
    fn plan(&mut self, i: usize, doc_map: &HashMap<&str, String>) {
        let files = self.files;
        let (path, p) = &files[i];
        let Some(plan) = &p.assignment else { return };
        let mut plan = plan.clone();
        plan.documents = plan
            .documents
            .into_iter()
            .map(|(d, who)| (doc_map.get(d.as_str()).cloned().unwrap_or(d), who))
            .collect();
        match &mut self.out.assignment {
            None => {
                self.out.assignment = Some(plan);
                self.plan_from = Some(i);
            }
            Some(kept) if plans_compatible(kept, &plan) => {
                for (d, who) in plan.documents {
                    kept.documents.entry(d).or_insert(who);
                }
            }
            Some(_) => {
                let k = &self.files[self.plan_from.unwrap_or(0)].0;
                self.report.warnings.push(format!(
                    "the assignment plan in {} differs from the one in {}; kept the one in {}",
                    path.display(),
                    k.display(),
                    k.display()
                ))
            }
        }
    }

    /// Recorded merge conflicts, re-keyed, once.
    fn conflicts(&mut self, p: &Project, doc_map: &HashMap<&str, String>, c: &mut FileCollected) {
        for conflict in &p.conflicts {
            let mut conflict = conflict.clone();
            if let Some(d) = &conflict.document
                && let Some(to) = doc_map.get(d.as_str())
            {
                conflict.document = Some(to.clone());
            }
            if self.out.conflicts.contains(&conflict) {
                continue;
            }
            let out = &self.out;
            conflict.id = fresh_id(&conflict.id, |x| out.conflicts.iter().any(|o| o.id == x));
            self.out.conflicts.push(conflict);
            c.conflicts_added += 1;
        }
    }

    /// The result, checked.
    fn finish(mut self) -> Result<(Project, CollectReport), CollectError> {
        self.out.canonicalize();
        let errors: Vec<String> = store::validate(&self.out)
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| p.to_string())
            .collect();
        if !errors.is_empty() {
            return Err(CollectError::Invalid(errors.join("\n")));
        }
        self.report.documents = self.out.documents.len();
        self.report.sets = self.out.sets.len();
        self.report.entities = self.out.entities.len();
        Ok((self.out, self.report))
    }
}

/// Brings `files` (path, project) together into one project; see the module doc.
/// Paths are used in messages.
pub fn collect(
    files: &[(PathBuf, Project)],
    prefer_newer: bool,
) -> Result<(Project, CollectReport), CollectError> {
    collect_files(files, prefer_newer, false)
}

/// [`collect`], saying whether the first file is the output of an earlier collect
/// (then a decision of `prefer_newer` in its favour over an input is a warning).
fn collect_files(
    files: &[(PathBuf, Project)],
    prefer_newer: bool,
    base_is_output: bool,
) -> Result<(Project, CollectReport), CollectError> {
    let mut collector = Collector::new(files, prefer_newer, base_is_output)?;
    for i in 1..files.len() {
        collector.add(i)?;
    }
    collector.finish()
}

/// The annotator whose own file `path` is, if it is one: named `<annotator>.json` as
/// `hashiya assign` names it, for an annotator of its plan or of its sets, and holding
/// no other annotator's sets (a collected project holds several annotators' sets).
fn own_file_of(path: &Path, p: &Project) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let mut candidates: Vec<&str> = p.annotators();
    candidates.extend(
        p.assignment
            .iter()
            .flat_map(|a| a.annotators.iter().map(String::as_str)),
    );
    let who = candidates
        .into_iter()
        .find(|a| super::assign::file_name(a) == name)?;
    p.sets
        .iter()
        .all(|s| s.annotator == who)
        .then(|| who.to_string())
}

/// Collects `inputs` into the project file `out`: if `out` exists it is loaded first
/// (the base, so its ids win); an input that is `out` itself is skipped. An `out` that
/// is one annotator's own file ([`CollectError::IntoOwnFile`]) is refused. Writes `out`
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
    let base_is_output = out.exists();
    if base_is_output {
        load(out, &mut files)?;
        if let Some(annotator) = own_file_of(out, &files[0].1) {
            return Err(CollectError::IntoOwnFile {
                path: out.to_path_buf(),
                annotator,
            });
        }
    }
    for input in inputs {
        if out_real.is_some() && std::fs::canonicalize(input).ok() == out_real {
            continue;
        }
        load(input, &mut files)?;
    }
    let (project, mut report) = collect_files(&files, prefer_newer, base_is_output)?;
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
