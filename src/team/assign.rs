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
//! safe by [`crate::formats::names::sanitize`]), atomically, and refuses to replace
//! existing files unless told to ([`AssignOptions::force`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::formats::names::{safe_join, sanitize};
use crate::model::{Assignment, Project};
use crate::store::{self, StoreError};

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
    /// [`write_assignment`] only: replace existing files in the output folder.
    pub force: bool,
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
        "not written: {} already exist{} ({}); nothing was changed. Use --force to replace {}, or choose another folder",
        if paths.len() == 1 { "a file" } else { "files" },
        if paths.len() == 1 { "s" } else { "" },
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        if paths.len() == 1 { "it" } else { "them" }
    )]
    Exists { paths: Vec<PathBuf> },
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

/// Loads the corpus at `corpus_path`, splits it and writes `out_dir/<annotator>.json`
/// for each annotator (atomically, through [`store::save`]). Refuses, before writing
/// anything, when one of those files exists (unless [`AssignOptions::force`]) or would
/// be the corpus itself. Returns the files written, in annotator order.
pub fn write_assignment(
    corpus_path: &Path,
    opts: &AssignOptions,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, AssignError> {
    let corpus = store::load(corpus_path)?.project;
    let projects = assign(&corpus, opts)?;
    let mut paths = Vec::with_capacity(projects.len());
    for (name, _) in &projects {
        let path = safe_join(out_dir, &[&file_name(name)]).map_err(|e| AssignError::Output {
            path: out_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        paths.push(path);
    }
    let corpus_real = std::fs::canonicalize(corpus_path).ok();
    for p in &paths {
        if corpus_real.is_some() && std::fs::canonicalize(p).ok() == corpus_real {
            return Err(AssignError::Output {
                path: p.clone(),
                reason: "this is the corpus itself; write the annotators' files to another folder"
                    .into(),
            });
        }
    }
    let existing: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
    if !existing.is_empty() && !opts.force {
        return Err(AssignError::Exists { paths: existing });
    }
    std::fs::create_dir_all(out_dir).map_err(|e| {
        AssignError::Store(StoreError::Io {
            path: out_dir.to_path_buf(),
            source: e,
        })
    })?;
    for ((_, project), path) in projects.iter().zip(&paths) {
        store::save(project, path)?;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationSet, Document, LabelSchema, Span};

    fn corpus(n: usize) -> Project {
        let mut p = Project::new("corpus", LabelSchema::news_default());
        for i in 0..n {
            p.documents.push(Document::new(
                format!("d{i:02}"),
                format!("t{i}"),
                format!("نص رقم {i}"),
            ));
        }
        p
    }

    fn opts(names: &[&str], k: usize, overlap: Option<f64>, seed: u64) -> AssignOptions {
        AssignOptions {
            annotators: names.iter().map(|s| s.to_string()).collect(),
            per_document: k,
            overlap,
            seed,
            force: false,
        }
    }

    fn loads(plan: &Assignment) -> Vec<usize> {
        plan.annotators
            .iter()
            .map(|a| plan.documents_of(a).count())
            .collect()
    }

    fn pair_counts(plan: &Assignment) -> Vec<usize> {
        let names = &plan.annotators;
        let mut out = Vec::new();
        for i in 0..names.len() {
            for j in i + 1..names.len() {
                out.push(
                    plan.documents
                        .values()
                        .filter(|w| w.contains(&names[i]) && w.contains(&names[j]))
                        .count(),
                );
            }
        }
        out
    }

    fn spread(v: &[usize]) -> usize {
        v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0)
    }

    #[test]
    fn splitmix64_matches_the_reference() {
        // The first outputs of SplitMix64 for seed 1234567 (as in the reference C code).
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
        assert_eq!(r.next_u64(), 9817491932198370423);
    }

    #[test]
    fn every_document_goes_to_k_annotators_and_loads_are_balanced() {
        for a in 1..=7 {
            for k in 1..=a {
                for n in [1, 2, 5, 13, 20] {
                    for seed in 0..3 {
                        let names: Vec<String> = (0..a).map(|i| format!("ann{i}")).collect();
                        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                        let plan = plan(&corpus(n), &opts(&refs, k, None, seed)).unwrap();
                        assert_eq!(plan.documents.len(), n);
                        for who in plan.documents.values() {
                            assert_eq!(who.len(), k);
                            let mut d = who.clone();
                            d.dedup();
                            assert_eq!(d.len(), k, "distinct annotators");
                        }
                        let l = loads(&plan);
                        assert!(spread(&l) <= 1, "a={a} k={k} n={n}: {l:?}");
                        assert_eq!(l.iter().sum::<usize>(), n * k);
                    }
                }
            }
        }
    }

    #[test]
    fn overlap_shares_a_rounded_fraction() {
        let names = ["a", "b", "c", "d"];
        for (n, f, shared) in [
            (10, 0.2, 2),
            (10, 0.25, 3),
            (7, 0.5, 4),
            (9, 0.0, 0),
            (9, 1.0, 9),
        ] {
            let plan = plan(&corpus(n), &opts(&names, 3, Some(f), 42)).unwrap();
            let sizes: Vec<usize> = plan.documents.values().map(|w| w.len()).collect();
            assert_eq!(sizes.iter().filter(|&&s| s == 3).count(), shared, "{n} {f}");
            assert_eq!(sizes.iter().filter(|&&s| s == 1).count(), n - shared);
            assert!(spread(&loads(&plan)) <= 1);
            assert_eq!(plan.overlap, f);
            assert_eq!(plan.per_document, 3);
        }
    }

    #[test]
    fn the_pair_sequence_holds_every_pair_once_and_stays_balanced() {
        for a in 2..=12usize {
            let seq = pair_sequence(a);
            assert_eq!(seq.len(), a * (a - 1) / 2);
            let mut seen = std::collections::HashSet::new();
            let mut deg = vec![0usize; a];
            for &(x, y) in &seq {
                assert!(x != y && x < a && y < a);
                assert!(seen.insert((x.min(y), x.max(y))), "a={a}: ({x},{y}) twice");
                deg[x] += 1;
                deg[y] += 1;
                assert!(spread(&deg) <= 1, "a={a}: {deg:?}");
            }
        }
    }

    #[test]
    fn pairs_spread_evenly_with_two_per_document() {
        for a in 2..=8usize {
            let rounds = a * (a - 1) / 2;
            for n in 1..=3 * rounds {
                for seed in [0, 7] {
                    let names: Vec<String> = (0..a).map(|i| format!("ann{i}")).collect();
                    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                    let plan = plan(&corpus(n), &opts(&refs, 2, None, seed)).unwrap();
                    let p = pair_counts(&plan);
                    assert!(spread(&p) <= 1, "a={a} n={n} seed={seed}: {p:?}");
                }
            }
        }
    }

    #[test]
    fn reproducible_with_the_seed() {
        let c = corpus(30);
        let names = ["amina", "badr", "salwa", "omar"];
        let p1 = plan(&c, &opts(&names, 2, Some(0.5), 99)).unwrap();
        let p2 = plan(&c, &opts(&names, 2, Some(0.5), 99)).unwrap();
        assert_eq!(p1, p2);
        let differ = (100..110)
            .filter(|s| {
                plan(&c, &opts(&names, 2, Some(0.5), *s)).unwrap().documents != p1.documents
            })
            .count();
        assert!(differ >= 9, "other seeds give other plans ({differ} of 10)");
        // Pinned: the generator and the algorithm must not change silently.
        let small = plan(&corpus(4), &opts(&["a", "b", "c"], 2, None, 1)).unwrap();
        let got: Vec<String> = small.documents.values().map(|w| w.join("+")).collect();
        assert_eq!(got, PINNED);
    }

    const PINNED: [&str; 4] = ["b+c", "a+c", "a+c", "a+b"];

    #[test]
    fn projects_hold_own_documents_sets_registry_and_plan() {
        let mut c = corpus(6);
        c.entities.push(crate::model::Entity {
            id: "e1".into(),
            label: "actor".into(),
            name: "حفتر".into(),
            aliases: vec![],
        });
        let mut s = AnnotationSet::new("b", "d00");
        s.spans.push(Span::new("s1", 0, 2, "actor", "نص"));
        c.sets.push(s);
        c.sets.push(AnnotationSet::new("zed", "d00"));
        let out = assign(&c, &opts(&["a", "b", "c"], 2, None, 5)).unwrap();
        assert_eq!(
            out.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let plan = super::plan(&c, &opts(&["a", "b", "c"], 2, None, 5)).unwrap();
        for (name, p) in &out {
            let own = p.assignment.as_ref().unwrap();
            assert_eq!(
                (&own.annotators, own.per_document, own.seed),
                (&plan.annotators, plan.per_document, plan.seed)
            );
            for (d, who) in &own.documents {
                assert_eq!(&plan.documents[d], who);
            }
            assert_eq!(own.documents.len(), plan.documents_of(name).count());
            assert_eq!(p.entities, c.entities);
            assert_eq!(p.schema, c.schema);
            let ids: Vec<&str> = p.documents.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(ids, plan.documents_of(name).collect::<Vec<_>>());
            assert!(p.sets.iter().all(|s| s.annotator == *name));
            assert_eq!(p.format_version(), 2);
            assert!(store::validate(p).is_empty(), "{:?}", store::validate(p));
        }
        let b = &out[1].1;
        assert_eq!(
            b.sets.len(),
            usize::from(plan.documents["d00"].contains(&"b".to_string()))
        );
    }

    #[test]
    fn names_are_checked_and_sanitised() {
        let c = corpus(3);
        assert!(matches!(
            assign(&c, &opts(&[], 1, None, 0)),
            Err(AssignError::NoAnnotators)
        ));
        assert!(matches!(
            assign(&c, &opts(&["a", "  "], 1, None, 0)),
            Err(AssignError::EmptyName { position: 2 })
        ));
        match assign(&c, &opts(&["a/b", "a_b"], 1, None, 0)) {
            Err(AssignError::SameFileName { a, b, file }) => {
                assert_eq!(
                    (a.as_str(), b.as_str(), file.as_str()),
                    ("a/b", "a_b", "a_b.json")
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            assign(&c, &opts(&["Ali", "ali"], 1, None, 0)),
            Err(AssignError::SameFileName { .. })
        ));
        assert!(matches!(
            assign(&c, &opts(&["a", "b"], 3, None, 0)),
            Err(AssignError::PerDocument {
                per_document: 3,
                annotators: 2
            })
        ));
        assert!(matches!(
            assign(&c, &opts(&["a"], 0, None, 0)),
            Err(AssignError::PerDocument { .. })
        ));
        for f in [-0.1, 1.5, f64::NAN] {
            assert!(matches!(
                assign(&c, &opts(&["a"], 1, Some(f), 0)),
                Err(AssignError::Overlap(_))
            ));
        }
        assert!(matches!(
            assign(&corpus(0), &opts(&["a"], 1, None, 0)),
            Err(AssignError::NoDocuments)
        ));
        // Names stay as given (trimmed) inside the projects; only files are sanitised.
        let out = assign(&c, &opts(&[" a/b ", ".."], 1, None, 0)).unwrap();
        assert_eq!(out[0].0, "a/b");
        assert_eq!(file_name(&out[0].0), "a_b.json");
        assert_eq!(file_name(&out[1].0), "__.json");
        assert_eq!(
            out[1].1.assignment.as_ref().unwrap().annotators,
            ["a/b", ".."]
        );
    }

    #[test]
    fn write_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let corpus_path = dir.path().join("corpus.json");
        store::save(&corpus(4), &corpus_path).unwrap();
        let out = dir.path().join("out");
        let mut o = opts(&["a/b", "..", "c"], 2, None, 3);
        let written = write_assignment(&corpus_path, &o, &out).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a_b.json", "__.json", "c.json"]);
        for p in &written {
            let back = store::load(p).unwrap().project;
            assert!(back.assignment.is_some());
        }
        let before = std::fs::read(&written[2]).unwrap();
        o.seed = 4;
        match write_assignment(&corpus_path, &o, &out) {
            Err(e @ AssignError::Exists { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("--force") && msg.contains("c.json"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            std::fs::read(&written[2]).unwrap(),
            before,
            "nothing written"
        );
        o.force = true;
        write_assignment(&corpus_path, &o, &out).unwrap();
        // The corpus itself is never overwritten.
        let o = opts(&["corpus"], 1, None, 0);
        let o = AssignOptions { force: true, ..o };
        assert!(matches!(
            write_assignment(&corpus_path, &o, dir.path()),
            Err(AssignError::Output { .. })
        ));
    }
}
