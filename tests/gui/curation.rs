//! The Curation tab: three annotators on the sample article, "pre-merge spans at least
//! k of N agree on" into the gold set as one undoable step, then accepting a remaining
//! candidate. Driven headless through the widgets.

use std::collections::{HashMap, HashSet};

use egui::{Key, Modifiers};
use hashiya::model::{Project, Provenance};
use hashiya::store;
use hashiya::workspace::Workspace;

use crate::support::{H, Queryable, harness_with, sample_b_path, sample_path};

/// The sample with three annotators on its article: a (the sample's), b (the second
/// sample's, same text) and c (a's set without every third span).
fn three_annotators() -> Project {
    let mut p = store::load(&sample_path()).unwrap().project;
    let other = store::load(&sample_b_path()).unwrap().project;
    let doc = p.documents[0].clone();
    let a = p.set("annotator-a", &doc.id).unwrap().clone();
    let b_doc = other
        .documents
        .iter()
        .find(|d| d.text_sha256 == doc.text_sha256)
        .unwrap();
    let mut b = other.set("annotator-b", &b_doc.id).unwrap().clone();
    b.document = doc.id.clone();
    let mut c = a.clone();
    c.annotator = "annotator-c".into();
    let kept: Vec<_> = c
        .spans
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, s)| s.id.clone())
        .collect();
    c.spans.retain(|s| kept.contains(&s.id));
    c.relations.clear();
    p.sets.retain(|s| s.annotator == "annotator-a");
    p.sets.push(b);
    p.sets.push(c);
    p.canonicalize();
    p
}

/// Spans with at least `k` votes, counted here independently of the app.
fn agreed(p: &Project, k: usize) -> usize {
    // One vote per annotator, however many identical spans their set holds.
    let mut votes: HashMap<(usize, usize, String), HashSet<&str>> = HashMap::new();
    for set in &p.sets {
        for s in &set.spans {
            votes
                .entry((s.start, s.end, s.label.clone()))
                .or_default()
                .insert(&set.annotator);
        }
    }
    votes.values().filter(|v| v.len() >= k).count()
}

fn gold(h: &H) -> Option<hashiya::model::AnnotationSet> {
    let ws = h.state().workspace();
    let doc = &ws.current_document().unwrap().id;
    ws.project().set("gold", doc).cloned()
}

#[test]
fn premerge_two_of_three_then_accept_one_and_undo() {
    let p = three_annotators();
    let (two, three) = (agreed(&p, 2), agreed(&p, 3));
    assert!(two > three && three > 0, "{two} {three}");
    let mut h = harness_with(Workspace::new(p, None, vec![]));
    h.get_by_label("Curation").click();
    h.run_steps(3);
    assert!(
        h.query_by_label("3 annotators: annotator-a, annotator-b, annotator-c")
            .is_some()
    );
    h.get_by_label("Pre-merge spans at least 2 of 3 agree on")
        .click();
    h.run_steps(3);
    let g = gold(&h).expect("the gold set was written");
    assert_eq!(g.spans.len(), two);
    assert!(
        g.spans
            .iter()
            .all(|s| s.provenance == Some(Provenance::Agreed))
    );
    // Accept the first remaining candidate.
    h.get_all_by_label("Accept").next().unwrap().click();
    h.run_steps(3);
    let g2 = gold(&h).unwrap();
    assert_eq!(g2.spans.len(), two + 1);
    assert_eq!(
        g2.spans
            .iter()
            .filter(|s| s.provenance == Some(Provenance::Curated))
            .count(),
        1
    );
    // Two undo steps: the accept, then the pre-merge.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(gold(&h).unwrap().spans.len(), two);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(gold(&h).is_none(), "undo removes the gold set again");
    // The inputs were never changed.
    let ws = h.state().workspace();
    assert!(!ws.is_dirty());
}
