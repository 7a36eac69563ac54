//! The documents panel on its own: clicking a row switches the document, the "Current
//! document done" checkbox marks it done (one undo step), Ctrl+PageUp/PageDown walk.

use crate::support::*;
use egui::{Key, Modifiers};
use hashiya::model::Document;
use hashiya::ui::Workspace;

#[test]
fn clicking_a_row_switches_and_the_done_checkbox_marks_it() {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    p.documents.push(Document::new(
        "sirte",
        "خبر عن سرت",
        "وصلت القوات إلى سرت صباح اليوم.",
    ));
    let n = p.sets[0].spans.len();
    let mut h = harness_with(Workspace::new(p.clone(), None, vec![]));
    assert!(shown(&h, "2 documents"));
    assert_eq!(h.state().workspace().doc_index(), 0);
    // The second row: no set of this annotator yet.
    let r = h.get_by_label("0 spans").rect();
    click(&mut h, egui::pos2(r.center().x, r.max.y + 8.0));
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 1);
    assert!(h.state().workspace().current_set().is_none());
    assert_eq!(h.state().view().selection(), None);
    // Mark it done.
    h.get_by_label("Current document done").click();
    h.run_steps(2);
    assert!(h.state().workspace().current_set().is_some_and(|s| s.done));
    assert!(shown(&h, "done · 0 spans"), "the row says done");
    assert!(h.state().workspace().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(!h.state().workspace().current_set().is_some_and(|s| s.done));
    assert!(!h.state().workspace().is_dirty());
    assert_eq!(*h.state().workspace().project(), p);
    // Back to the first document by keyboard.
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 0);
    assert_eq!(h.state().workspace().current_set().unwrap().spans.len(), n);
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 1);
}
