//! Who has done what: progress over the annotators' files, a collected project, or both.
//!
//! [`status`] reads any number of project files. Documents are the same article when
//! their texts are (SHA-256 recomputed, as everywhere in review and collect), so the
//! annotators' own files and a collected project can be given together. When the same
//! set (annotator, document) is in several files, the most advanced counts: started if
//! it has spans in any file, done if it is done in any, spans the largest count.
//!
//! - **assigned**: from the assignment plan (the first file's that has one, with the
//!   parts of the same plan in the other files, as `hashiya assign` writes them; a
//!   different plan is a warning) for the annotators in it; for an annotator who
//!   is not in the plan (or with no plan), the documents they have a set on.
//! - **started**: documents on which the annotator's set has at least one span.
//! - **done**: documents the annotator marked done. Started and done count every set of
//!   the annotator, assigned or not.
//! - **overlap**: the documents done by at least two annotators, which is what an
//!   agreement study can use, in total and per pair of annotators.
//!
//! # JSON (`hashiya status --json`)
//!
//! A stable interface: fields may be added, never renamed or removed without raising
//! `version`.
//!
//! ```json
//! {
//!   "format": "hashiya-status",
//!   "version": 1,
//!   "files": ["alice.json", "bob.json"],
//!   "plan": { "annotators": ["alice", "bob"], "per_document": 2, "overlap": 1.0, "seed": 7 },
//!   "annotators": [
//!     { "annotator": "alice", "in_plan": true, "assigned": 4, "started": 3, "done": 2, "spans": 9 }
//!   ],
//!   "documents": [
//!     { "document": "d1", "title": "…", "text_sha256": "…",
//!       "assigned": ["alice", "bob"], "started": ["alice"], "done": [] }
//!   ],
//!   "overlap": {
//!     "documents": 1,
//!     "pairs": [ { "a": "alice", "b": "bob", "documents": 1 } ]
//!   },
//!   "conflicts": [
//!     { "file": "all.json", "id": "c1", "kind": "span", "annotator": "alice",
//!       "document": "d1", "item": "s3" }
//!   ],
//!   "warnings": []
//! }
//! ```
//!
//! - `plan` is `null` when no file holds an assignment plan (its `documents` map is not
//!   repeated here: each document lists its `assigned` annotators).
//! - `annotators`: the plan's annotators in plan order, then the others in the order
//!   their sets are first met. `spans` counts the spans of all their sets.
//! - `documents`: in the order first met (files in order, documents in file order),
//!   then the plan's documents that no file holds (with `text_sha256` `null` and a
//!   warning). `document` and `title` are those of the first file holding the text.
//!   The three lists follow the order of `annotators`.
//! - `overlap.pairs`: every pair of annotators (in `annotators` order, `a` before `b`),
//!   even with 0 documents.
//! - `conflicts`: the merge conflicts recorded in the files and not resolved yet (the
//!   file holds ours' version of each until someone chooses), in file order then id
//!   order; `annotator` and `document` are `null` when the conflict has none (an
//!   entity, the schema, the name). Added in version 1 (a new field, not a change).

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use super::collect::plans_compatible;
use crate::model::{Assignment, Project, text_sha256};

/// The value of the report's `format` field.
pub const STATUS_FORMAT: &str = "hashiya-status";
/// The report's version.
pub const STATUS_VERSION: u32 = 1;

/// The plan, without its per-document map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub annotators: Vec<String>,
    pub per_document: usize,
    pub overlap: f64,
    pub seed: u64,
}

/// One annotator's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnotatorStatus {
    pub annotator: String,
    /// Whether the plan names this annotator.
    pub in_plan: bool,
    pub assigned: usize,
    pub started: usize,
    pub done: usize,
    pub spans: usize,
}

/// One document's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentStatus {
    pub document: String,
    pub title: String,
    /// `None` for a document of the plan that no file holds.
    pub text_sha256: Option<String>,
    pub assigned: Vec<String>,
    pub started: Vec<String>,
    pub done: Vec<String>,
}

/// Documents done by both annotators of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairOverlap {
    pub a: String,
    pub b: String,
    pub documents: usize,
}

/// What is available for agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overlap {
    /// Documents done by at least two annotators.
    pub documents: usize,
    pub pairs: Vec<PairOverlap>,
}

/// A merge conflict recorded in a file and not resolved yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictStatus {
    pub file: String,
    pub id: String,
    /// `span`, `relation`, `entity`, `schema`, `document` or `name`.
    pub kind: String,
    pub annotator: Option<String>,
    pub document: Option<String>,
    /// The id of the item both sides changed (empty for the schema and the name).
    pub item: String,
}

/// Everything `hashiya status` prints; see the module doc for the JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    pub format: String,
    pub version: u32,
    pub files: Vec<String>,
    pub plan: Option<PlanSummary>,
    pub annotators: Vec<AnnotatorStatus>,
    pub documents: Vec<DocumentStatus>,
    pub overlap: Overlap,
    pub conflicts: Vec<ConflictStatus>,
    pub warnings: Vec<String>,
}

impl StatusReport {
    pub fn annotator(&self, name: &str) -> Option<&AnnotatorStatus> {
        self.annotators.iter().find(|a| a.annotator == name)
    }

    pub fn pair(&self, a: &str, b: &str) -> Option<usize> {
        self.overlap
            .pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
            .map(|p| p.documents)
    }
}

#[derive(Default, Clone, Copy)]
struct SetState {
    started: bool,
    done: bool,
    spans: usize,
}

/// The documents of all files, one per text (in the order first met), and per file
/// its document ids → index in that list.
fn documents(files: &[(PathBuf, Project)]) -> (Vec<DocumentStatus>, Vec<HashMap<&str, usize>>) {
    let mut docs: Vec<DocumentStatus> = Vec::new();
    let mut by_hash: HashMap<String, usize> = HashMap::new();
    let mut doc_of: Vec<HashMap<&str, usize>> = Vec::with_capacity(files.len());
    for (_, p) in files {
        let mut m = HashMap::new();
        for d in &p.documents {
            let h = text_sha256(&d.text);
            let k = *by_hash.entry(h.clone()).or_insert_with(|| {
                docs.push(DocumentStatus {
                    document: d.id.clone(),
                    title: d.title.clone(),
                    text_sha256: Some(h),
                    assigned: Vec::new(),
                    started: Vec::new(),
                    done: Vec::new(),
                });
                docs.len() - 1
            });
            m.entry(d.id.as_str()).or_insert(k);
        }
        doc_of.push(m);
    }
    (docs, doc_of)
}

/// A plan and the file it is in.
type FilePlan<'a> = (usize, &'a Assignment);

/// The plan (the first file's that has one) and the parts of it in every file (a
/// different plan is a warning).
fn plan_parts<'a>(
    files: &'a [(PathBuf, Project)],
    warnings: &mut Vec<String>,
) -> (Option<FilePlan<'a>>, Vec<FilePlan<'a>>) {
    let mut plan: Option<FilePlan> = None;
    let mut parts: Vec<FilePlan> = Vec::new();
    for (i, (path, p)) in files.iter().enumerate() {
        let Some(a) = &p.assignment else { continue };
        match plan {
            None => {
                plan = Some((i, a));
                parts.push((i, a));
            }
            Some((_, first)) if plans_compatible(first, a) => parts.push((i, a)),
            Some((k, _)) => warnings.push(format!(
                "the assignment plan in {} differs from the one in {}; using the one in {}",
                path.display(),
                files[k].0.display(),
                files[k].0.display()
            )),
        }
    }
    (plan, parts)
}

/// Progress over `files` (path, project); see the module doc.
pub fn status(files: &[(PathBuf, Project)]) -> StatusReport {
    let mut warnings = Vec::new();
    let (mut docs, doc_of) = documents(files);
    let (plan, parts) = plan_parts(files, &mut warnings);

    // Annotators: the plan's, then the others as met.
    let mut names: Vec<String> = plan.map(|(_, a)| a.annotators.clone()).unwrap_or_default();
    let in_plan = names.len();
    for (_, p) in files {
        for s in &p.sets {
            if !names.contains(&s.annotator) {
                names.push(s.annotator.clone());
            }
        }
    }
    let who = |name: &str| names.iter().position(|n| n == name);

    // Set states per (annotator, document).
    let mut state: HashMap<(usize, usize), SetState> = HashMap::new();
    for (i, (_, p)) in files.iter().enumerate() {
        for s in &p.sets {
            let (Some(a), Some(&d)) = (who(&s.annotator), doc_of[i].get(s.document.as_str()))
            else {
                continue;
            };
            let st = state.entry((a, d)).or_default();
            st.started |= !s.spans.is_empty();
            st.done |= s.done;
            st.spans = st.spans.max(s.spans.len());
        }
    }

    // Assigned: (annotator, document) pairs.
    let mut assigned: Vec<(usize, usize)> = Vec::new();
    let mut missing: HashMap<&str, usize> = HashMap::new();
    for &(k, a) in &parts {
        for (id, people) in &a.documents {
            let found = doc_of[k]
                .get(id.as_str())
                .or_else(|| doc_of.iter().find_map(|m| m.get(id.as_str())))
                .copied();
            let d = found.unwrap_or_else(|| {
                *missing.entry(id.as_str()).or_insert_with(|| {
                    warnings.push(format!(
                        "document «{id}» of the assignment plan is in none of the files"
                    ));
                    docs.push(DocumentStatus {
                        document: id.clone(),
                        title: String::new(),
                        text_sha256: None,
                        assigned: Vec::new(),
                        started: Vec::new(),
                        done: Vec::new(),
                    });
                    docs.len() - 1
                })
            });
            for person in people {
                if let Some(w) = who(person) {
                    assigned.push((w, d));
                }
            }
        }
    }
    for &(a, d) in state.keys() {
        if a >= in_plan {
            assigned.push((a, d));
        }
    }
    assigned.sort_unstable();
    assigned.dedup();

    let mut annotators: Vec<AnnotatorStatus> = names
        .iter()
        .enumerate()
        .map(|(i, n)| AnnotatorStatus {
            annotator: n.clone(),
            in_plan: i < in_plan,
            assigned: 0,
            started: 0,
            done: 0,
            spans: 0,
        })
        .collect();
    for &(a, d) in &assigned {
        annotators[a].assigned += 1;
        docs[d].assigned.push(names[a].clone());
    }
    let mut states: Vec<_> = state.into_iter().collect();
    states.sort_unstable_by_key(|&(k, _)| k);
    for ((a, d), st) in states {
        annotators[a].spans += st.spans;
        if st.started {
            annotators[a].started += 1;
            docs[d].started.push(names[a].clone());
        }
        if st.done {
            annotators[a].done += 1;
            docs[d].done.push(names[a].clone());
        }
    }

    let mut overlap = Overlap {
        documents: docs.iter().filter(|d| d.done.len() >= 2).count(),
        pairs: Vec::new(),
    };
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let documents = docs
                .iter()
                .filter(|d| d.done.contains(&names[i]) && d.done.contains(&names[j]))
                .count();
            overlap.pairs.push(PairOverlap {
                a: names[i].clone(),
                b: names[j].clone(),
                documents,
            });
        }
    }

    StatusReport {
        format: STATUS_FORMAT.to_string(),
        version: STATUS_VERSION,
        files: files.iter().map(|(p, _)| p.display().to_string()).collect(),
        plan: plan.map(|(_, a)| PlanSummary {
            annotators: a.annotators.clone(),
            per_document: a.per_document,
            overlap: a.overlap,
            seed: a.seed,
        }),
        annotators,
        documents: docs,
        overlap,
        conflicts: conflicts(files),
        warnings,
    }
}

/// The unresolved merge conflicts of every file, in file order.
fn conflicts(files: &[(PathBuf, Project)]) -> Vec<ConflictStatus> {
    files
        .iter()
        .flat_map(|(path, p)| {
            p.conflicts.iter().map(move |c| ConflictStatus {
                file: path.display().to_string(),
                id: c.id.clone(),
                kind: serde_json::to_value(c.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                annotator: c.annotator.clone(),
                document: c.document.clone(),
                item: c.item.clone(),
            })
        })
        .collect()
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

/// Left-aligned columns; widths in characters.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(width[c] - cell.chars().count() + 2));
            }
        }
        out.push_str("  ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

impl fmt::Display for StatusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = self.files.len();
        match &self.plan {
            Some(p) => writeln!(
                f,
                "{files} file{}; plan: {} annotators, {} per document, overlap {}, seed {}",
                if files == 1 { "" } else { "s" },
                p.annotators.len(),
                p.per_document,
                p.overlap,
                p.seed
            )?,
            None => writeln!(
                f,
                "{files} file{}; no assignment plan (assigned = documents with a set)",
                if files == 1 { "" } else { "s" }
            )?,
        }
        let mut rows = vec![vec![
            "annotator".to_string(),
            "assigned".into(),
            "started".into(),
            "done".into(),
            "spans".into(),
        ]];
        for a in &self.annotators {
            rows.push(vec![
                format!(
                    "{}{}",
                    a.annotator,
                    if a.in_plan { "" } else { " (not in plan)" }
                ),
                a.assigned.to_string(),
                a.started.to_string(),
                a.done.to_string(),
                a.spans.to_string(),
            ]);
        }
        write!(f, "{}", table(&rows))?;
        writeln!(
            f,
            "documents done by two annotators or more (for agreement): {}",
            self.overlap.documents
        )?;
        for p in &self.overlap.pairs {
            writeln!(f, "  {} + {}: {}", p.a, p.b, p.documents)?;
        }
        let mut rows = vec![vec![
            "document".to_string(),
            "assigned".into(),
            "started".into(),
            "done".into(),
            "title".into(),
        ]];
        for d in &self.documents {
            rows.push(vec![
                d.document.clone(),
                list(&d.assigned),
                list(&d.started),
                list(&d.done),
                d.title.clone(),
            ]);
        }
        write!(f, "{}", table(&rows))?;
        if !self.conflicts.is_empty() {
            writeln!(
                f,
                "unresolved merge conflicts: {} (each file holds ours' version until resolved in the GUI's Conflicts list)",
                self.conflicts.len()
            )?;
            let mut rows = vec![vec![
                "file".to_string(),
                "conflict".into(),
                "kind".into(),
                "set".into(),
                "item".into(),
            ]];
            for c in &self.conflicts {
                let set = match (&c.annotator, &c.document) {
                    (Some(a), Some(d)) => format!("{a}/{d}"),
                    (None, Some(d)) => d.clone(),
                    (Some(a), None) => a.clone(),
                    (None, None) => "-".into(),
                };
                rows.push(vec![
                    c.file.clone(),
                    c.id.clone(),
                    c.kind.clone(),
                    set,
                    if c.item.is_empty() {
                        "-".into()
                    } else {
                        c.item.clone()
                    },
                ]);
            }
            write!(f, "{}", table(&rows))?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationSet, Document, LabelSchema, Span};

    fn doc(p: &mut Project, id: &str, text: &str) {
        p.documents.push(Document::new(id, id, text));
    }

    fn set(p: &mut Project, annotator: &str, doc: &str, spans: usize, done: bool) {
        let mut s = AnnotationSet::new(annotator, doc);
        for k in 0..spans {
            s.spans
                .push(Span::new(format!("s{k}"), k, k + 1, "actor", "x"));
        }
        s.done = done;
        p.sets.push(s);
    }

    #[test]
    fn counts_from_the_plan_and_sets() {
        let plan = Assignment {
            annotators: vec!["a".into(), "b".into(), "c".into()],
            per_document: 2,
            overlap: 1.0,
            seed: 0,
            documents: [
                ("d1".to_string(), vec!["a".to_string(), "b".to_string()]),
                ("d2".to_string(), vec!["b".to_string(), "c".to_string()]),
                ("d3".to_string(), vec!["a".to_string(), "c".to_string()]),
            ]
            .into(),
        };
        let mut fa = Project::new("p", LabelSchema::news_default());
        doc(&mut fa, "d1", "xxxx one");
        doc(&mut fa, "d3", "xxxx three");
        set(&mut fa, "a", "d1", 2, true);
        set(&mut fa, "a", "d3", 1, false);
        fa.assignment = Some(plan.clone());
        let mut fb = Project::new("p", LabelSchema::news_default());
        doc(&mut fb, "d1", "xxxx one");
        doc(&mut fb, "d2", "xxxx two");
        set(&mut fb, "b", "d1", 3, true);
        set(&mut fb, "b", "d2", 0, true);
        // Someone outside the plan.
        set(&mut fb, "z", "d2", 1, false);
        fb.assignment = Some(plan);
        let r = status(&[("a.json".into(), fa.clone()), ("b.json".into(), fb)]);
        let rows: Vec<_> = r
            .annotators
            .iter()
            .map(|a| {
                (
                    a.annotator.as_str(),
                    a.in_plan,
                    a.assigned,
                    a.started,
                    a.done,
                    a.spans,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("a", true, 2, 2, 1, 3),
                ("b", true, 2, 1, 2, 3),
                ("c", true, 2, 0, 0, 0),
                ("z", false, 1, 1, 0, 1)
            ]
        );
        let d1 = &r.documents[0];
        assert_eq!(d1.document, "d1");
        assert_eq!(
            (d1.assigned.clone(), d1.done.clone()),
            (
                vec!["a".to_string(), "b".to_string()],
                vec!["a".to_string(), "b".to_string()]
            )
        );
        assert_eq!(r.documents.len(), 3);
        assert_eq!(r.documents[2].assigned, ["b", "c", "z"]);
        assert_eq!(r.overlap.documents, 1);
        assert_eq!(r.pair("a", "b"), Some(1));
        assert_eq!(r.pair("b", "c"), Some(0));
        assert_eq!(r.overlap.pairs.len(), 6);
        assert!(r.warnings.is_empty());
        // A collected copy and the annotator's file together: counted once.
        let again = status(&[("a.json".into(), fa.clone()), ("copy.json".into(), fa)]);
        assert_eq!(again.annotator("a").unwrap().started, 2);
        assert_eq!(again.annotator("a").unwrap().spans, 3);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["format"], "hashiya-status");
        assert_eq!(json["annotators"][0]["assigned"], 2);
        assert_eq!(json["overlap"]["pairs"][0]["documents"], 1);
        let text = r.to_string();
        assert!(
            text.contains("z (not in plan)") && text.contains("a + b: 1"),
            "{text}"
        );
    }

    /// Issue #25, item 16: recorded merge conflicts are listed, with their file.
    #[test]
    fn unresolved_conflicts_are_listed() {
        let mut p = Project::new("p", LabelSchema::news_default());
        doc(&mut p, "d1", "xxxx");
        set(&mut p, "a", "d1", 1, false);
        let r = status(&[("p.json".into(), p.clone())]);
        assert!(r.conflicts.is_empty());
        assert!(!r.to_string().contains("conflict"), "{r}");
        p.conflicts.push(crate::model::Conflict {
            id: "c1".into(),
            kind: crate::model::ConflictKind::Span,
            annotator: Some("a".into()),
            document: Some("d1".into()),
            item: "s0".into(),
            base: None,
            ours: None,
            theirs: None,
            sources: Default::default(),
        });
        let r = status(&[("p.json".into(), p)]);
        assert_eq!(r.conflicts.len(), 1);
        let c = &r.conflicts[0];
        assert_eq!(
            (
                c.file.as_str(),
                c.id.as_str(),
                c.kind.as_str(),
                c.item.as_str()
            ),
            ("p.json", "c1", "span", "s0")
        );
        let text = r.to_string();
        assert!(text.contains("unresolved merge conflicts: 1"), "{text}");
        assert!(text.contains("a/d1"), "{text}");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["conflicts"][0]["document"], "d1");
    }

    #[test]
    fn without_a_plan_assigned_means_having_a_set() {
        let mut p = Project::new("p", LabelSchema::news_default());
        doc(&mut p, "d1", "xxxx");
        set(&mut p, "a", "d1", 0, false);
        let r = status(&[("p.json".into(), p)]);
        assert!(r.plan.is_none());
        assert_eq!(r.annotators[0].assigned, 1);
        assert_eq!(r.annotators[0].started, 0);
        assert!(r.overlap.pairs.is_empty());
        assert!(serde_json::to_value(&r).unwrap()["plan"].is_null());
    }
}
