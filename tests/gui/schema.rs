//! The label schema editor on its own: renaming a label keeps its spans; Cancel
//! changes nothing.

use crate::support::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};

fn open_editor(h: &mut H) {
    menu(h, &["Edit"], "Label schema…");
    h.run_steps(2);
    assert!(shown(h, "Label schema"), "the editor window is open");
}

#[test]
fn schema_rename_in_the_editor_keeps_spans() {
    let mut h = sample_harness();
    let before = h.state().workspace().project().clone();
    let actors = before.sets[0]
        .spans
        .iter()
        .filter(|s| s.label == "actor")
        .count();
    assert!(actors > 0);
    // A span selected: keys that leaked from the editor's fields to the keymap would
    // change it (digits relabel, E/B nudge, Backspace deletes).
    h.key_press(Key::Tab);
    h.run_steps(1);
    let selected = h.state().workspace().selected().unwrap().clone();
    open_editor(&mut h);
    let field = h
        .query_all_by(|n| n.role() == Role::TextInput && n.value().as_deref() == Some("actor"))
        .next()
        .expect("the id field of the actor label");
    field.focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    type_keys(&mut h, "person3");
    h.key_press(Key::Backspace);
    h.run_steps(1);
    h.get_by_label("Apply").click();
    h.run_steps(2);
    assert!(!shown(&h, "Label schema"), "the editor closed on Apply");
    let after = &h.state().workspace().project();
    assert!(after.schema.label("actor").is_none() && after.schema.label("person").is_some());
    assert_eq!(
        after.sets[0]
            .spans
            .iter()
            .filter(|s| s.label == "person")
            .count(),
        actors
    );
    assert_eq!(after.sets[0].spans.len(), before.sets[0].spans.len());
    assert_eq!(
        after.schema.relation_type("said_by").unwrap().to,
        ["person"]
    );
    let errors: Vec<_> = hashiya::store::validate(after)
        .into_iter()
        .filter(|p| p.severity == hashiya::store::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Keys typed into the schema editor must not have changed any span.
    assert_eq!(after.sets[0].spans.len(), before.sets[0].spans.len());
    let now = after.sets[0].span(&selected.id).unwrap();
    assert_eq!(
        (now.start, now.end, now.label.as_str()),
        (selected.start, selected.end, "person"),
        "the selected span was only renamed with its label"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(*h.state().workspace().project(), before);
}

/// New: edits in the editor are a draft; Cancel throws them away.
#[test]
fn cancel_discards_the_draft() {
    let mut h = sample_harness();
    let before = h.state().workspace().project().clone();
    open_editor(&mut h);
    h.get_by(|n| n.role() == Role::TextInput && n.value().as_deref() == Some("Claim"))
        .focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    type_keys(&mut h, "Statement");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!shown(&h, "Label schema"));
    assert_eq!(*h.state().workspace().project(), before);
    assert!(!h.state().workspace().history().can_undo());
    // Opening again starts from the project's schema, not the old draft.
    open_editor(&mut h);
    assert!(
        h.query_by(|n| n.role() == Role::TextInput && n.value().as_deref() == Some("Claim"))
            .is_some()
    );
}
