//! The Suggestions tab: a string's suggestions in two documents accepted at once, as one
//! undoable step.

use egui::{Key, Modifiers};
use hashiya::model::Document;
use hashiya::ui::Workspace;

use crate::support::*;

#[test]
fn bulk_accept_across_two_documents_is_one_undo_step() {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    // The first span (الدولة, actor) untagged in the article, and a second document
    // that mentions it: two suggestions of one string in two documents.
    let first = p.sets[0].spans[0].clone();
    assert_eq!(first.text, "الدولة");
    p.sets[0]
        .relations
        .retain(|r| r.from != first.id && r.to != first.id);
    p.sets[0].spans.remove(0);
    p.documents
        .push(Document::new("d2", "بيان", "بيان الدولة."));
    let mut h = harness_with(Workspace::new(p, None, vec![]));
    h.get_by_label("Suggestions").click();
    h.run_steps(2);
    h.get_by_label("Find suggestions in every document").click();
    h.run_steps(3);
    let ours = |h: &H, doc: &str| {
        let ws = h.state().workspace();
        ws.project()
            .set("annotator-a", doc)
            .map_or(0, |s| s.spans.iter().filter(|s| s.text == "الدولة").count())
    };
    let (a, b) = (ours(&h, "derna-sirte"), ours(&h, "d2"));
    // The group of «الدولة» → actor is listed with its two documents.
    assert!(
        h.query_by_label("actor: 2 in 2 documents").is_some(),
        "the group shows its count"
    );
    let row = h.get_by_label("actor: 2 in 2 documents").rect();
    let accept = h
        .get_all_by_label("Accept all")
        .find(|n| (n.rect().center().y - row.center().y).abs() < 12.0)
        .expect("the group's Accept all");
    accept.click();
    h.run_steps(3);
    assert_eq!((ours(&h, "derna-sirte"), ours(&h, "d2")), (a + 1, b + 1));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        (ours(&h, "derna-sirte"), ours(&h, "d2")),
        (a, b),
        "one undo step"
    );
}
