//! Splitting a corpus among annotators, reproducibly.
//!
//! [`assign`] gives each document to `K` annotators ([`AssignOptions::per_document`]),
//! or, with an overlap fraction `f`, to `K` annotators for `round(f·n)` of the `n`
//! documents and to one annotator for the rest. It returns one project per annotator
//! holding the schema, the whole entity registry, the annotator's documents (in corpus
//! order, with their corpus ids) and the annotator's own sets on them if the corpus has
//! any (nobody else's sets, and no recorded merge conflicts). Every project carries the
//! plan ([`Assignment`]: annotators, `K`, overlap, seed, and for each of its documents
//! all the annotators it went to), so `hashiya status` and the GUI know who should do
//! what; each file's copy lists only its own documents (a plan naming documents the
//! project lacks draws a load warning), and collecting the files puts the whole plan
//! back together.
//!
//! **What is guaranteed.**
//! - Every document of the overlap goes to exactly `K` distinct annotators, every other
//!   document to exactly one.
//! - Loads are balanced: the numbers of documents of any two annotators differ by at
//!   most 1 (with the overlap, counting shared and single documents together).
//! - The same corpus, annotators (in the same order), options and seed give the same
//!   plan, on every machine: the only randomness is a SplitMix64 generator seeded with
//!   [`AssignOptions::seed`].
//!
//! - With `K = 2`, pairs are spread evenly too: the number of shared documents of any
//!   two annotators differs by at most 1 from that of any other two. The shared
//!   documents walk through a sequence of all pairs in which every prefix is balanced
//!   ([`pair_sequence`]), over a seeded shuffle of the annotators; the single documents
//!   then go to the least loaded.
//!
//! **Other `K`, best effort for pairs.** Each shared document's annotators are chosen
//! one by one among those with the fewest documents so far (which is what keeps the
//! loads balanced); among those, the one whose pairings with the ones already chosen
//! are rarest wins (smallest largest pair count, then smallest sum), ties broken by the
//! seed. Pair counts are then usually, not always, within 1 of each other (with `K = 1`
//! and `K` = all annotators the question does not arise).
//!
//! [`write_assignment`] writes `DIR/<annotator>.json` for each annotator (the name made
//! safe by [`crate::formats::names::sanitize`]), atomically. It refuses to replace
//! existing files unless told to ([`AssignOptions::force`]), and even then never
//! replaces a file that holds sets (someone's work) or that it cannot read; a new batch
//! of documents is added to existing files with [`AssignOptions::add`] ([`add_batch`]).
//! A replaced file is kept as `.bak`, or as the first free `<file>.N.bak` when a `.bak`
//! is already there: a backup is never overwritten by another.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::formats::names::{safe_join, sanitize};
use crate::model::{Assignment, Project};
use crate::store::{self, StoreError, atomic};

/// How to split a corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignOptions {
    /// The annotators, in the order given (surrounding spaces are removed).
    pub annotators: Vec<String>,
    /// `K`: annotators per shared document (1 ≤ K ≤ number of annotators).
    pub per_document: usize,
    /// Fraction (0–1) of the documents that are shared by `K` annotators; the others go
    /// to one. `None`: every document is shared.
    pub overlap: Option<f64>,
    /// Seed of the generator: the same inputs and seed give the same plan.
    pub seed: u64,
    /// [`write_assignment`] only: replace existing files in the output folder that
    /// hold no sets (a file holding someone's work is never replaced).
    pub force: bool,
    /// [`write_assignment`] only: add the corpus documents that the existing files'
    /// plan does not have yet to those files, keeping their sets ([`add_batch`]).
    pub add: bool,
}

/// Why a corpus could not be split or written.
#[derive(Debug, Error)]
pub enum AssignError {
    #[error("no annotators given; name at least one (--annotators a,b,c)")]
    NoAnnotators,
    #[error("annotator number {position} has an empty name; give every annotator a name")]
    EmptyName { position: usize },
    #[error(
        "annotators «{a}» and «{b}» would both be written to {file}; give them names that differ in letters or digits"
    )]
    SameFileName { a: String, b: String, file: String },
    #[error(
        "{per_document} annotators per document is not possible with {annotators} annotator(s); choose from 1 to {annotators}"
    )]
    PerDocument {
        per_document: usize,
        annotators: usize,
    },
    #[error(
        "overlap must be a fraction from 0 to 1 (0.2 shares a fifth of the documents); got {0}"
    )]
    Overlap(f64),
    #[error("the corpus has no documents to assign; import articles first")]
    NoDocuments,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}: {reason}", path.display())]
    Output { path: PathBuf, reason: String },
    #[error(
        "not written: {} already exist{} ({}); nothing was changed. Use --add to add the corpus's new documents to the existing files (their work is kept), --force to replace files that hold no sets yet, or choose another folder",
        if paths.len() == 1 { "a file" } else { "files" },
        if paths.len() == 1 { "s" } else { "" },
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Exists { paths: Vec<PathBuf> },
    #[error(
        "not written, even with --force: {} already hold{} annotations ({}); nothing was changed. To give the annotators a new batch of documents, import it into the corpus and use --add (it adds only the new documents and keeps every set); to start over, move {} away first",
        if files.len() == 1 { "a file" } else { "files" },
        if files.len() == 1 { "s" } else { "" },
        files.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("; "),
        if files.len() == 1 { "it" } else { "them" }
    )]
    HoldsWork { files: Vec<HeldWork> },
    #[error(
        "{}: cannot be read as a project, so it is not replaced (it may hold someone's work): {reason}. Move it away or repair it first",
        path.display()
    )]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}: --add cannot extend this assignment: {what}", dir.display())]
    AddMismatch { dir: PathBuf, what: String },
    #[error(
        "--add found no assignment to extend: none of {} exists or holds a plan. Run assign without --add to make the files",
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NothingToExtend { paths: Vec<PathBuf> },
}

/// An existing file that holds annotations, for [`AssignError::HoldsWork`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldWork {
    pub path: PathBuf,
    pub sets: usize,
    pub spans: usize,
}

impl HeldWork {
    fn of(path: &Path, p: &Project) -> Self {
        HeldWork {
            path: path.to_path_buf(),
            sets: p.sets.len(),
            spans: p.sets.iter().map(|s| s.spans.len()).sum(),
        }
    }
}

impl fmt::Display for HeldWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} holds {} span{} in {} set{}",
            self.path.display(),
            self.spans,
            if self.spans == 1 { "" } else { "s" },
            self.sets,
            if self.sets == 1 { "" } else { "s" }
        )
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (> 0), without modulo bias.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The annotators' names, trimmed and checked: non-empty, and distinct once made into
/// file names (ignoring case, for case-insensitive file systems).
fn checked_names(opts: &AssignOptions) -> Result<Vec<String>, AssignError> {
    if opts.annotators.is_empty() {
        return Err(AssignError::NoAnnotators);
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, raw) in opts.annotators.iter().enumerate() {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AssignError::EmptyName { position: i + 1 });
        }
        let file = file_name(name);
        if let Some(prev) = seen.insert(file.to_lowercase(), name.to_string()) {
            return Err(AssignError::SameFileName {
                a: prev,
                b: name.to_string(),
                file,
            });
        }
        out.push(name.to_string());
    }
    Ok(out)
}

/// The file an annotator's project is written to, inside the output folder.
pub fn file_name(annotator: &str) -> String {
    format!("{}.json", sanitize(annotator.trim()))
}

/// Checks the options and makes the plan for `corpus` (without the projects).
pub fn plan(corpus: &Project, opts: &AssignOptions) -> Result<Assignment, AssignError> {
    let names = checked_names(opts)?;
    let a = names.len();
    let k = opts.per_document;
    if k == 0 || k > a {
        return Err(AssignError::PerDocument {
            per_document: k,
            annotators: a,
        });
    }
    let f = opts.overlap.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&f) {
        return Err(AssignError::Overlap(f));
    }
    let n = corpus.documents.len();
    if n == 0 {
        return Err(AssignError::NoDocuments);
    }
    let shared = ((f * n as f64).round() as usize).min(n);

    let mut rng = SplitMix64::new(opts.seed);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);

    // With two per document, the shared documents walk through a fixed sequence of
    // all pairs (see `pair_sequence`) over a shuffled order of the annotators.
    let mut who: Vec<usize> = (0..a).collect();
    rng.shuffle(&mut who);
    let sequence = if k == 2 { pair_sequence(a) } else { Vec::new() };

    let mut load = vec![0usize; a];
    let mut pairs = vec![vec![0usize; a]; a];
    let mut chosen_for: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (rank, &doc) in order.iter().enumerate() {
        let want = if rank < shared { k } else { 1 };
        let mut chosen: Vec<usize> = Vec::with_capacity(want);
        if want == 2 {
            let (x, y) = sequence[rank % sequence.len()];
            chosen = vec![who[x], who[y]];
            load[who[x]] += 1;
            load[who[y]] += 1;
        }
        while chosen.len() < want {
            // Candidates: the least loaded among those not chosen yet. Picking only
            // from the minimum keeps every load within 1 of every other.
            let min = (0..a)
                .filter(|i| !chosen.contains(i))
                .map(|i| load[i])
                .min()
                .unwrap_or(0);
            let mut candidates: Vec<usize> = (0..a)
                .filter(|i| !chosen.contains(i) && load[*i] == min)
                .collect();
            rng.shuffle(&mut candidates);
            let score = |i: usize| {
                let max = chosen.iter().map(|&c| pairs[i][c]).max().unwrap_or(0);
                let sum: usize = chosen.iter().map(|&c| pairs[i][c]).sum();
                (max, sum)
            };
            let best = candidates
                .iter()
                .copied()
                .min_by_key(|&i| score(i))
                .unwrap_or(0);
            for &c in &chosen {
                pairs[best][c] += 1;
                pairs[c][best] += 1;
            }
            load[best] += 1;
            chosen.push(best);
        }
        chosen.sort_unstable();
        chosen_for[doc] = chosen;
    }
    let documents = corpus
        .documents
        .iter()
        .zip(&chosen_for)
        .map(|(d, who)| {
            (
                d.id.clone(),
                who.iter().map(|&i| names[i].clone()).collect(),
            )
        })
        .collect();
    Ok(Assignment {
        annotators: names,
        per_document: k,
        overlap: f,
        seed: opts.seed,
        documents,
    })
}

/// Every pair of `a` (≥ 2) annotators once, ordered so that in every prefix the
/// numbers of pairs of any two annotators differ by at most 1 (and are equal after the
/// whole sequence, `a − 1` each).
///
/// Even `a`: the rounds of the circle method (each round pairs everyone once). Odd `a`:
/// Walecki's decomposition into `(a − 1)/2` Hamiltonian cycles; each cycle
/// `c₀ c₁ … c₍ₐ₋₁₎` is walked as the edges `c₀c₁, c₂c₃, …` (everyone but `c₍ₐ₋₁₎` once),
/// then `c₍ₐ₋₁₎c₀`, then `c₁c₂, c₃c₄, …`, so every prefix stays balanced.
pub fn pair_sequence(a: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(a * a.saturating_sub(1) / 2);
    if a < 2 {
        return out;
    }
    if a.is_multiple_of(2) {
        let m = a - 1;
        for r in 0..m {
            out.push((r, a - 1));
            for i in 1..a / 2 {
                out.push(((r + i) % m, (r + m - i) % m));
            }
        }
    } else {
        let m = (a - 1) / 2;
        let circle = 2 * m;
        for i in 0..m {
            // ∞, i, i+1, i−1, i+2, i−2, …, i+m (mod 2m).
            let mut cycle = vec![a - 1, i];
            for step in 1..=m {
                cycle.push((i + step) % circle);
                if step < m {
                    cycle.push((i + circle - step) % circle);
                }
            }
            let edge = |j: usize| (cycle[j], cycle[(j + 1) % a]);
            out.extend((0..a - 1).step_by(2).map(edge));
            out.push(edge(a - 1));
            out.extend((1..a - 1).step_by(2).map(edge));
        }
    }
    out
}

/// One project per annotator (in the order given), each with its documents, the
/// schema, the entity registry, its own sets and the whole plan.
pub fn assign(
    corpus: &Project,
    opts: &AssignOptions,
) -> Result<Vec<(String, Project)>, AssignError> {
    let plan = plan(corpus, opts)?;
    Ok(plan
        .annotators
        .iter()
        .map(|name| (name.clone(), project_for(corpus, &plan, name)))
        .collect())
}

/// `annotator`'s project under `plan`. Its copy of the plan lists only the documents
/// the file holds (each with all its annotators: who else has it), since a plan naming
/// a document that is not in the project is a load warning; [`super::collect`] and
/// [`super::status`] put the files' plans back together.
pub fn project_for(corpus: &Project, plan: &Assignment, annotator: &str) -> Project {
    let mine = |id: &str| {
        plan.documents
            .get(id)
            .is_some_and(|who| who.iter().any(|w| w == annotator))
    };
    let mut p = Project::new(corpus.name.clone(), corpus.schema.clone());
    p.documents = corpus
        .documents
        .iter()
        .filter(|d| mine(&d.id))
        .cloned()
        .collect();
    p.entities = corpus.entities.clone();
    p.sets = corpus
        .sets
        .iter()
        .filter(|s| s.annotator == annotator && mine(&s.document))
        .cloned()
        .collect();
    let mut own = plan.clone();
    own.documents
        .retain(|id, _| p.documents.iter().any(|d| d.id == *id));
    p.assignment = Some(own);
    p.canonicalize();
    p
}

/// One annotator's file as [`write_assignment`] left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWritten {
    pub annotator: String,
    pub path: PathBuf,
    /// Documents written into the file: all of them for a new or replaced file, the
    /// new batch's with [`AssignOptions::add`].
    pub documents: usize,
    /// Whether the file was there before (replaced, or extended with `add`).
    pub existed: bool,
    /// Where the file's previous content was kept (a `.bak` that existed before is
    /// never overwritten: the next free `<file>.N.bak` is used).
    pub backup: Option<PathBuf>,
}

/// What [`write_assignment`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignReport {
    /// The folder.
    pub out_dir: PathBuf,
    /// Every annotator's file, in annotator order, written or not.
    pub files: Vec<FileWritten>,
    /// With [`AssignOptions::add`]: the corpus documents that no file's plan had yet.
    pub new_documents: Option<usize>,
    /// The seed of the split.
    pub seed: u64,
}

impl AssignReport {
    /// The annotators' files, in annotator order.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }
}

impl fmt::Display for AssignReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let written = match self.new_documents {
            Some(_) => self
                .files
                .iter()
                .filter(|w| !w.existed || w.documents > 0)
                .count(),
            None => self.files.len(),
        };
        match self.new_documents {
            Some(n) => writeln!(
                f,
                "{}: {n} new document{} added; {written} annotator file{} written (seed {})",
                self.out_dir.display(),
                if n == 1 { "" } else { "s" },
                if written == 1 { "" } else { "s" },
                self.seed
            )?,
            None => writeln!(
                f,
                "{}: wrote {written} annotator file{} (seed {})",
                self.out_dir.display(),
                if written == 1 { "" } else { "s" },
                self.seed
            )?,
        }
        for w in &self.files {
            let what = match (self.new_documents.is_some(), w.existed) {
                (true, true) if w.documents == 0 => "unchanged".to_string(),
                (true, true) => format!("+{} document(s), its sets kept", w.documents),
                (_, false) => format!("created, {} document(s)", w.documents),
                (false, true) => format!("replaced (it held no sets), {} document(s)", w.documents),
            };
            let bak = w
                .backup
                .as_ref()
                .map(|b| format!("; previous version kept as {}", b.display()))
                .unwrap_or_default();
            writeln!(f, "  {}: {what}{bak}", w.path.display())?;
        }
        Ok(())
    }
}

/// The annotators' files in `out_dir`, in annotator order (refusing the corpus itself
/// and a `--out` that is a file).
fn target_paths(
    corpus_path: &Path,
    names: &[String],
    out_dir: &Path,
) -> Result<Vec<PathBuf>, AssignError> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(AssignError::Output {
            path: out_dir.to_path_buf(),
            reason: "this is a file, not a folder: --out names the folder the annotators' files go into (created if needed), e.g. --out team/".into(),
        });
    }
    let corpus_real = std::fs::canonicalize(corpus_path).ok();
    let mut paths = Vec::with_capacity(names.len());
    for name in names {
        let path = safe_join(out_dir, &[&file_name(name)]).map_err(|e| AssignError::Output {
            path: out_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        if corpus_real.is_some() && std::fs::canonicalize(&path).ok() == corpus_real {
            return Err(AssignError::Output {
                path,
                reason: "this is the corpus itself; write the annotators' files to another folder"
                    .into(),
            });
        }
        paths.push(path);
    }
    Ok(paths)
}

/// An existing annotator file, loaded; one that cannot be read is an error (it may
/// hold work: it is never replaced unread).
fn load_existing(path: &Path) -> Result<Project, AssignError> {
    store::load(path)
        .map(|l| l.project)
        .map_err(|e| AssignError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

/// Writes `project` to `path` atomically; an existing file's content is kept first as
/// the first free `.bak` ([`atomic::keep_numbered_backup`]), never over an older one.
fn write_keeping(project: &Project, path: &Path) -> Result<Option<PathBuf>, AssignError> {
    let bytes = store::to_bytes(project)?;
    let backup = if path.exists() {
        Some(atomic::keep_numbered_backup(path)?)
    } else {
        None
    };
    atomic::replace_atomic(path, &bytes)?;
    Ok(backup)
}

/// Loads the corpus at `corpus_path`, splits it and writes `out_dir/<annotator>.json`
/// for each annotator (atomically). Nothing is written when any check fails:
///
/// - an existing file is not replaced without [`AssignOptions::force`], and never when
///   it holds sets (someone's work: [`AssignError::HoldsWork`] names it and its span
///   count) or cannot be read; a replaced file is kept as `.bak` (or the first free
///   `<file>.N.bak`: an earlier `.bak` is never overwritten);
/// - with [`AssignOptions::add`], see [`add_batch`]: only the corpus's new documents
///   are assigned and added to the existing files, whose sets stay;
/// - the corpus itself, and an `out_dir` that is a file, are refused.
pub fn write_assignment(
    corpus_path: &Path,
    opts: &AssignOptions,
    out_dir: &Path,
) -> Result<AssignReport, AssignError> {
    let corpus = store::load(corpus_path)?.project;
    if opts.add {
        return add_batch(corpus_path, &corpus, opts, out_dir);
    }
    let projects = assign(&corpus, opts)?;
    let names: Vec<String> = projects.iter().map(|(n, _)| n.clone()).collect();
    let paths = target_paths(corpus_path, &names, out_dir)?;
    let existing: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
    if !existing.is_empty() && !opts.force {
        return Err(AssignError::Exists { paths: existing });
    }
    let mut work = Vec::new();
    for path in &existing {
        let p = load_existing(path)?;
        if !p.sets.is_empty() {
            work.push(HeldWork::of(path, &p));
        }
    }
    if !work.is_empty() {
        return Err(AssignError::HoldsWork { files: work });
    }
    std::fs::create_dir_all(out_dir).map_err(|e| StoreError::io(out_dir, e))?;
    let mut report = AssignReport {
        out_dir: out_dir.to_path_buf(),
        seed: opts.seed,
        ..Default::default()
    };
    for ((name, project), path) in projects.iter().zip(&paths) {
        let existed = path.exists();
        let backup = write_keeping(project, path)?;
        report.files.push(FileWritten {
            annotator: name.clone(),
            path: path.clone(),
            documents: project.documents.len(),
            existed,
            backup,
        });
    }
    Ok(report)
}

/// `--add`: the plan of the files already in `out_dir` stays as it is; the corpus
/// documents it does not name (a new batch, by document id) are split among the same
/// annotators with the same `K` and overlap (balanced within the batch, seeded with
/// [`AssignOptions::seed`]) and added to their files, with the annotator's own sets on
/// them from the corpus if any. Each file keeps its documents and sets and gets the new
/// part of the plan; a file with nothing new is not rewritten; an annotator of the plan
/// whose file is missing gets a new one with all their documents. Refused when no file
/// exists yet, when a file cannot be read, or when the annotators, `K` or overlap
/// differ from the files' plan (naming both).
pub fn add_batch(
    corpus_path: &Path,
    corpus: &Project,
    opts: &AssignOptions,
    out_dir: &Path,
) -> Result<AssignReport, AssignError> {
    let names = checked_names(opts)?;
    let paths = target_paths(corpus_path, &names, out_dir)?;
    let mut files: Vec<Option<Project>> = Vec::with_capacity(paths.len());
    for path in &paths {
        files.push(if path.exists() {
            Some(load_existing(path)?)
        } else {
            None
        });
    }
    let mut plan = existing_plan(&paths, &files)?;
    let mismatch = |what: String| AssignError::AddMismatch {
        dir: out_dir.to_path_buf(),
        what,
    };
    if plan.annotators != names {
        return Err(mismatch(format!(
            "its files were assigned to {}, and --add names {}; give the same annotators in the same order",
            plan.annotators.join(","),
            names.join(",")
        )));
    }
    if plan.per_document != opts.per_document {
        return Err(mismatch(format!(
            "its plan has {} annotators per document, and --per-document is {}",
            plan.per_document, opts.per_document
        )));
    }
    if opts.overlap.is_some_and(|f| f != plan.overlap) {
        return Err(mismatch(format!(
            "its plan has overlap {}, and --overlap is {}",
            plan.overlap,
            opts.overlap.unwrap_or(1.0)
        )));
    }
    let mut batch = Project::new(corpus.name.clone(), corpus.schema.clone());
    batch.documents = corpus
        .documents
        .iter()
        .filter(|d| !plan.documents.contains_key(&d.id))
        .cloned()
        .collect();
    let mut report = AssignReport {
        out_dir: out_dir.to_path_buf(),
        new_documents: Some(batch.documents.len()),
        seed: opts.seed,
        ..Default::default()
    };
    let new_plan = if batch.documents.is_empty() {
        None
    } else {
        let batch_opts = AssignOptions {
            overlap: Some(plan.overlap),
            ..opts.clone()
        };
        let new_plan = self::plan(&batch, &batch_opts)?;
        plan.documents.extend(new_plan.documents.clone());
        Some(new_plan)
    };
    for ((name, path), existing) in names.iter().zip(&paths).zip(files) {
        let (project, documents) = match existing {
            None => {
                let p = project_for(corpus, &plan, name);
                let n = p.documents.len();
                (Some(p), n)
            }
            Some(p) => match &new_plan {
                Some(new_plan) => extend_file(p, corpus, new_plan, name),
                None => (None, 0),
            },
        };
        let existed = path.exists();
        let backup = match &project {
            Some(p) => write_keeping(p, path)?,
            None => None,
        };
        report.files.push(FileWritten {
            annotator: name.clone(),
            path: path.clone(),
            documents,
            existed,
            backup,
        });
    }
    Ok(report)
}

/// The plan of the existing files, put together (each file lists its own documents).
fn existing_plan(paths: &[PathBuf], files: &[Option<Project>]) -> Result<Assignment, AssignError> {
    let mut plan: Option<(usize, Assignment)> = None;
    for (i, p) in files.iter().enumerate() {
        let Some(a) = p.as_ref().and_then(|p| p.assignment.as_ref()) else {
            continue;
        };
        match &mut plan {
            None => plan = Some((i, a.clone())),
            Some((_, kept)) if super::collect::plans_compatible(kept, a) => {
                for (d, who) in &a.documents {
                    kept.documents
                        .entry(d.clone())
                        .or_insert_with(|| who.clone());
                }
            }
            Some((k, _)) => {
                return Err(AssignError::AddMismatch {
                    dir: paths[i].parent().unwrap_or(Path::new(".")).to_path_buf(),
                    what: format!(
                        "{} and {} hold different assignment plans; --add extends one plan",
                        paths[*k].display(),
                        paths[i].display()
                    ),
                });
            }
        }
    }
    plan.map(|(_, a)| a)
        .ok_or_else(|| AssignError::NothingToExtend {
            paths: paths.to_vec(),
        })
}

/// `file` (an annotator's project) with `annotator`'s documents of `new_plan` added
/// (and their own sets on them from the corpus), its plan extended; `None` when it
/// gets nothing new. Returns the number of documents added.
fn extend_file(
    mut file: Project,
    corpus: &Project,
    new_plan: &Assignment,
    annotator: &str,
) -> (Option<Project>, usize) {
    let part = project_for(corpus, new_plan, annotator);
    let added: Vec<_> = part
        .documents
        .into_iter()
        .filter(|d| file.document(&d.id).is_none())
        .collect();
    if added.is_empty() {
        return (None, 0);
    }
    for e in &corpus.entities {
        if file.entity(&e.id).is_none() {
            file.entities.push(e.clone());
        }
    }
    file.sets.extend(
        part.sets
            .into_iter()
            .filter(|s| added.iter().any(|d| d.id == s.document)),
    );
    if let Some(a) = &mut file.assignment {
        for d in &added {
            if let Some(who) = new_plan.documents.get(&d.id) {
                a.documents.insert(d.id.clone(), who.clone());
            }
        }
    }
    let n = added.len();
    file.documents.extend(added);
    file.canonicalize();
    (Some(file), n)
}

#[cfg(test)]
#[path = "assign_tests.rs"]
mod tests;
