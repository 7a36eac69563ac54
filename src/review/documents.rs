//! Which documents of two (or more) projects are the same article.
//!
//! Documents are matched by the SHA-256 of their text, recomputed here: the stored
//! `text_sha256` may be stale after a hand edit (the store only warns about that), and
//! ids and titles are chosen by whoever imported the article. Two documents are compared
//! only when their texts are byte-identical, because every offset depends on it.
//!
//! What does not match is reported, never dropped silently:
//! - `text_differs`: documents with the same id (or, failing that, the same title) in
//!   several projects whose texts are not all the same: usually a re-import or an edit;
//! - `only_in`: a document whose text is not in every project;
//! - `not_annotated`: the text is in every project but some annotator has no set on it,
//!   so it is not compared (an empty set would count as "labelled nothing");
//! - `duplicates`: a second document with the same text in one project; only the first
//!   (preferring one the annotator has a set on) is compared.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::{Project, text_sha256};

/// A document present, with the same text, in every project and annotated by everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedDocument {
    /// SHA-256 of the text (recomputed).
    pub text_sha256: String,
    /// Title in the first annotator's project.
    pub title: String,
    /// The document's id in each annotator's project, in annotator order.
    pub documents: Vec<String>,
    /// Number of tokens (the units of κ and α).
    pub tokens: usize,
    /// Index of the document in each project (not serialised).
    #[serde(skip)]
    pub indices: Vec<usize>,
}

/// One project's document in a report entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub annotator: String,
    pub document: String,
    pub title: String,
    pub text_sha256: String,
}

/// Documents with the same id or title whose texts differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextDiffers {
    /// `"id"` or `"title"`: what the documents share.
    pub by: String,
    pub value: String,
    pub documents: Vec<DocumentRef>,
}

/// A text that is in every project but that some annotator did not annotate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAnnotated {
    pub text_sha256: String,
    pub annotator: String,
    pub document: String,
}

/// The outcome of matching.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMatching {
    pub matched: Vec<MatchedDocument>,
    pub text_differs: Vec<TextDiffers>,
    pub only_in: Vec<DocumentRef>,
    pub not_annotated: Vec<NotAnnotated>,
    pub duplicates: Vec<DocumentRef>,
}

/// Matches the documents of each `(project, annotator)` side.
pub fn match_documents(sides: &[(&Project, &str)]) -> DocumentMatching {
    let mut out = DocumentMatching::default();
    // Per side: hash of every document.
    let hashes: Vec<Vec<String>> = sides
        .iter()
        .map(|(p, _)| p.documents.iter().map(|d| text_sha256(&d.text)).collect())
        .collect();
    let doc_ref = |side: usize, idx: usize| {
        let (p, annotator) = sides[side];
        let d = &p.documents[idx];
        DocumentRef {
            annotator: annotator.to_string(),
            document: d.id.clone(),
            title: d.title.clone(),
            text_sha256: hashes[side][idx].clone(),
        }
    };
    // Per side: hash → the document compared for it, and the duplicates.
    let mut chosen: Vec<HashMap<&str, usize>> = Vec::with_capacity(sides.len());
    let mut used: Vec<Vec<bool>> = Vec::with_capacity(sides.len());
    for (side, &(p, annotator)) in sides.iter().enumerate() {
        let mut by_hash: HashMap<&str, usize> = HashMap::new();
        for (idx, h) in hashes[side].iter().enumerate() {
            let annotated = |i: usize| p.set(annotator, &p.documents[i].id).is_some();
            match by_hash.get(h.as_str()) {
                None => {
                    by_hash.insert(h, idx);
                }
                Some(&prev) if !annotated(prev) && annotated(idx) => {
                    by_hash.insert(h, idx);
                }
                Some(_) => {}
            }
        }
        let mut u = vec![false; p.documents.len()];
        for (idx, h) in hashes[side].iter().enumerate() {
            if by_hash.get(h.as_str()) != Some(&idx) {
                u[idx] = true;
                out.duplicates.push(doc_ref(side, idx));
            }
        }
        chosen.push(by_hash);
        used.push(u);
    }
    let Some(first) = hashes.first() else {
        return out;
    };
    for (idx0, h) in first.iter().enumerate() {
        if chosen[0].get(h.as_str()) != Some(&idx0) {
            continue;
        }
        let indices: Option<Vec<usize>> =
            chosen.iter().map(|c| c.get(h.as_str()).copied()).collect();
        let Some(indices) = indices else { continue };
        for (side, &idx) in indices.iter().enumerate() {
            used[side][idx] = true;
        }
        let mut missing = Vec::new();
        for (side, &idx) in indices.iter().enumerate() {
            let (p, annotator) = sides[side];
            if p.set(annotator, &p.documents[idx].id).is_none() {
                missing.push(NotAnnotated {
                    text_sha256: h.clone(),
                    annotator: annotator.to_string(),
                    document: p.documents[idx].id.clone(),
                });
            }
        }
        if missing.is_empty() {
            out.matched.push(MatchedDocument {
                text_sha256: h.clone(),
                title: sides[0].0.documents[idx0].title.clone(),
                documents: indices
                    .iter()
                    .enumerate()
                    .map(|(side, &i)| sides[side].0.documents[i].id.clone())
                    .collect(),
                tokens: 0,
                indices,
            });
        } else {
            out.not_annotated.extend(missing);
        }
    }
    // What is left: group by id, then by title, to find changed texts.
    for by in ["id", "title"] {
        let mut groups: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
        for (side, &(p, _)) in sides.iter().enumerate() {
            for (idx, d) in p.documents.iter().enumerate() {
                if !used[side][idx] {
                    let key = if by == "id" { &d.id } else { &d.title };
                    groups.entry(key).or_default().push((side, idx));
                }
            }
        }
        for (value, members) in groups {
            let mut distinct_sides: Vec<usize> = members.iter().map(|m| m.0).collect();
            distinct_sides.dedup();
            let first_hash = &hashes[members[0].0][members[0].1];
            let texts_differ = members.iter().any(|&(s, i)| &hashes[s][i] != first_hash);
            if distinct_sides.len() < 2 || !texts_differ {
                continue;
            }
            for &(s, i) in &members {
                used[s][i] = true;
            }
            out.text_differs.push(TextDiffers {
                by: by.to_string(),
                value: value.to_string(),
                documents: members.iter().map(|&(s, i)| doc_ref(s, i)).collect(),
            });
        }
    }
    for (side, u) in used.iter().enumerate() {
        for (idx, &was_used) in u.iter().enumerate() {
            if !was_used {
                out.only_in.push(doc_ref(side, idx));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationSet, Document, LabelSchema};

    fn project(docs: &[(&str, &str, &str)], annotator: &str) -> Project {
        let mut p = Project::new("p", LabelSchema::news_default());
        for (id, title, text) in docs {
            p.documents.push(Document::new(*id, *title, *text));
            p.sets.push(AnnotationSet::new(annotator, *id));
        }
        p
    }

    #[test]
    fn matches_by_text_not_id_and_reports_the_rest() {
        let mut a = project(
            &[
                ("d1", "Derna", "درنة"),
                ("d2", "Sirte", "سرت"),
                ("d3", "Tripoli", "طرابلس"),
                ("d4", "Only A", "النص أ"),
            ],
            "a",
        );
        // Stored hash is wrong: matching must not trust it.
        a.documents[0].text_sha256 = "0".repeat(64);
        let mut b = project(
            &[
                ("x9", "Derna (copy)", "درنة"),   // same text, other id and title
                ("d2", "Sirte", "سرت!"),          // same id, other text
                ("y", "Tripoli", "طرابلس الغرب"), // same title, other text
                ("d5", "Only B", "النص ب"),
                ("x10", "Derna dup", "درنة"), // same text again
            ],
            "b",
        );
        b.sets.retain(|s| s.document != "x10");
        let m = match_documents(&[(&a, "a"), (&b, "b")]);
        assert_eq!(m.matched.len(), 1);
        assert_eq!(m.matched[0].documents, ["d1", "x9"]);
        assert_eq!(m.matched[0].text_sha256, text_sha256("درنة"));
        assert_eq!(m.matched[0].indices, [0, 0]);
        assert_eq!(m.text_differs.len(), 2);
        assert_eq!(
            (
                m.text_differs[0].by.as_str(),
                m.text_differs[0].value.as_str()
            ),
            ("id", "d2")
        );
        assert_eq!(
            (
                m.text_differs[1].by.as_str(),
                m.text_differs[1].value.as_str()
            ),
            ("title", "Tripoli")
        );
        let only: Vec<_> = m
            .only_in
            .iter()
            .map(|r| (r.annotator.as_str(), r.document.as_str()))
            .collect();
        assert_eq!(only, [("a", "d4"), ("b", "d5")]);
        assert_eq!(m.duplicates.len(), 1);
        assert_eq!(m.duplicates[0].document, "x10");
        assert!(m.not_annotated.is_empty());
    }

    #[test]
    fn unannotated_text_is_not_compared() {
        let a = project(&[("d1", "t", "درنة")], "a");
        let mut b = project(&[("d1", "t", "درنة")], "b");
        b.sets.clear();
        let m = match_documents(&[(&a, "a"), (&b, "b")]);
        assert!(m.matched.is_empty());
        assert_eq!(m.not_annotated.len(), 1);
        assert_eq!(m.not_annotated[0].annotator, "b");
        assert!(m.only_in.is_empty());
    }

    #[test]
    fn one_project_two_annotators() {
        let mut p = project(&[("d1", "t", "درنة")], "a");
        p.sets.push(AnnotationSet::new("b", "d1"));
        let m = match_documents(&[(&p, "a"), (&p, "b")]);
        assert_eq!(m.matched.len(), 1);
        assert!(m.only_in.is_empty() && m.duplicates.is_empty());
    }
}
