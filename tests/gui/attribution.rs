//! Claim suggestions in the window (issue #27): a claim found after a reporting cue is
//! walked to with N like a name, drawn with a dashed arrow to its speaker, and A
//! accepts the claim, its speaker and the `said_by` relation as one step that one
//! Ctrl+Z takes back.

use egui::{Key, Modifiers};

use crate::support::*;
use hashiya::ui::Workspace;

/// The test corpus with the first document's claims and their relations removed, so
/// that its claims are suggested again.
fn corpus_without_claims() -> hashiya::model::Project {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/learn/news-corpus.json"
    );
    let mut p = hashiya::store::load(std::path::Path::new(path))
        .expect("the learning corpus loads")
        .project;
    let first = p.documents[0].id.clone();
    let set = p
        .sets
        .iter_mut()
        .find(|s| s.document == first)
        .expect("a set on the first document");
    set.relations.clear();
    set.spans.retain(|s| s.label != "claim");
    p
}

fn counts(h: &H) -> (usize, usize, usize) {
    let set = h.state().workspace().current_set().unwrap();
    let claims = set.spans.iter().filter(|s| s.label == "claim").count();
    let said_by = set.relations.iter().filter(|r| r.kind == "said_by").count();
    (claims, said_by, set.spans.len())
}

#[test]
fn a_accepts_a_claim_with_its_speaker_and_one_undo_takes_it_back() {
    let ws = Workspace::new(corpus_without_claims(), None, Vec::new());
    let mut h = harness_with(ws);
    h.run_steps(2);
    let before = counts(&h);
    assert_eq!((before.0, before.1), (0, 0));
    // Walk to the first claim suggestion.
    let mut found = false;
    for _ in 0..60 {
        h.key_press(Key::N);
        h.run_steps(2);
        if h.state().workspace().status().contains(" as claim") {
            found = true;
            break;
        }
    }
    assert!(
        found,
        "no claim suggestion: {}",
        h.state().workspace().status()
    );
    h.key_press(Key::A);
    h.run_steps(2);
    let after = counts(&h);
    assert_eq!(after.0, 1, "{}", h.state().workspace().status());
    assert_eq!(after.1, 1, "the said_by relation comes with the claim");
    let set = h.state().workspace().current_set().unwrap();
    let rel = set.relations.iter().find(|r| r.kind == "said_by").unwrap();
    let to = set.span(&rel.to).expect("the relation's speaker is a span");
    assert_eq!(to.label, "actor");
    assert_eq!(set.span(&rel.from).unwrap().label, "claim");
    assert!(
        h.state()
            .workspace()
            .history()
            .undo_name()
            .is_some_and(|n| n.starts_with("Accept suggestion claim")),
        "one step in the history"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(counts(&h), before, "one undo takes the whole step back");
}
