//! Curation of N annotators' sets in the open project: who annotated the current
//! document, the candidates with their votes, pre-merging what k of N agree on into a
//! gold set and accepting the rest one by one — each an undoable command
//! ([`crate::model::edit::write_gold_set`]); the logic is [`crate::review::curate`].

use crate::model::AnnotationSet;
use crate::model::edit;
use crate::review::curate::{self, Candidate};
use crate::review::report::{OverallAgreement, Side, compare_projects};

use super::Workspace;

impl Workspace {
    /// The sets of the current document to curate: every annotator's but the gold
    /// set's.
    pub fn curation_sets(&self, gold: &str) -> Vec<&AnnotationSet> {
        let Some(doc) = self.current_document() else {
            return Vec::new();
        };
        self.project()
            .sets
            .iter()
            .filter(|s| s.document == doc.id && s.annotator != gold && !s.spans.is_empty())
            .collect()
    }

    fn gold_set(&self, gold: &str) -> Option<&AnnotationSet> {
        let doc = self.current_document()?;
        self.project().set(gold, &doc.id)
    }

    /// The candidates of the current document not yet in the gold set, most votes first.
    pub fn curation_candidates(&self, gold: &str) -> Vec<Candidate> {
        curate::remaining(&self.curation_sets(gold), self.gold_set(gold))
    }

    /// Puts every span at least `k` annotators agree on into the gold set: one
    /// undoable step.
    pub fn premerge(&mut self, gold: &str, k: usize) -> bool {
        let Some(doc) = self.current_document().map(|d| d.id.clone()) else {
            return false;
        };
        let sets = self.curation_sets(gold);
        let before = self.gold_set(gold).map_or(0, |g| g.spans.len());
        let merged = curate::premerge(&sets, self.gold_set(gold), gold, &doc, k);
        let added = merged.spans.len() - before;
        if added == 0 {
            self.set_status(format!(
                "No span has {k} or more votes that the gold set lacks"
            ));
            return false;
        }
        let n = sets.len();
        let cmd = edit::write_gold_set(self.project(), merged).map(|mut c| {
            c.name = format!("Pre-merge spans {k} of {n} agree on");
            c
        });
        let applied = self.apply(cmd).is_some();
        if applied {
            self.set_status(format!(
                "{} with at least {k} of {n} votes added to {gold}",
                crate::model::words::count(added, "span", "spans")
            ));
        }
        applied
    }

    /// Accepts one remaining candidate into the gold set: one undoable step.
    pub fn accept_candidate(&mut self, gold: &str, c: &Candidate) -> bool {
        let Some(doc) = self.current_document().map(|d| d.id.clone()) else {
            return false;
        };
        let sets = self.curation_sets(gold);
        let base = self
            .gold_set(gold)
            .cloned()
            .unwrap_or_else(|| AnnotationSet::new(gold, &doc));
        let cmd =
            edit::write_gold_set(self.project(), curate::accept(&sets, &base, c)).map(|mut cmd| {
                cmd.name = format!("Accept {} into {gold}", c.label);
                cmd
            });
        self.apply(cmd).is_some()
    }

    /// Fleiss' κ and Krippendorff's α of the annotators of this project (every
    /// document they share), or why there is none.
    pub fn agreement_of_all(&self, gold: &str) -> Result<OverallAgreement, String> {
        let names: Vec<&str> = self
            .project()
            .annotators()
            .into_iter()
            .filter(|a| *a != gold)
            .collect();
        let sides: Vec<Side> = names
            .iter()
            .map(|a| Side {
                project: self.project(),
                annotator: a,
                source: "this project",
            })
            .collect();
        let report = compare_projects(&sides).map_err(|e| e.to_string())?;
        report
            .overall
            .ok_or_else(|| "Fleiss' κ needs three or more annotators".to_string())
    }
}
