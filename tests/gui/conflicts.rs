//! The Merge conflicts window: a project where both sides relabelled the same span
//! differently opens with a banner; "Take theirs" resolves it as one undoable step.

use egui::{Key, Modifiers};
use hashiya::model::edit;
use hashiya::model::history::SetKey;
use hashiya::store;
use hashiya::team::merge::merge;
use hashiya::workspace::Workspace;

use crate::support::{Queryable, harness_with, sample_path};

#[test]
fn take_theirs_resolves_a_relabel_conflict_and_undo_brings_it_back() {
    let base = store::load(&sample_path()).unwrap().project;
    let doc = base.documents[0].id.clone();
    let key = SetKey::new("annotator-a", &doc);
    let set = base.set("annotator-a", &doc).unwrap();
    let span = set
        .spans
        .iter()
        .find(|s| !set.relations.iter().any(|r| r.from == s.id || r.to == s.id))
        .unwrap()
        .clone();
    let others: Vec<&str> = ["claim", "actor", "location"]
        .into_iter()
        .filter(|l| *l != span.label)
        .collect();
    let (ours_label, theirs_label) = (others[0], others[1]);
    let relabel = |to: &str| {
        let mut p = base.clone();
        let cmd = edit::relabel(&p, &key, &span.id, to).unwrap();
        hashiya::model::history::apply_command(&mut p, &cmd).unwrap();
        p
    };
    let ours = relabel(ours_label);
    let theirs = relabel(theirs_label);
    let merged = merge(&base, &ours, &theirs, ("ours.json", "theirs.json")).project;
    assert_eq!(merged.conflicts.len(), 1);
    let mut h = harness_with(Workspace::new(merged, None, vec![]));
    h.get_by_label("1 merge conflict to resolve");
    h.get_by_label("Resolve…").click();
    h.run_steps(3);
    h.get_by_label("Take theirs").click();
    h.run_steps(3);
    let label_now = |h: &crate::support::H| {
        let ws = h.state().workspace();
        let s = ws
            .current_set()
            .unwrap()
            .span(&span.id)
            .unwrap()
            .label
            .clone();
        (s, ws.project().conflicts.len())
    };
    assert_eq!(label_now(&h), (theirs_label.to_string(), 0));
    assert!(h.query_by_label("1 merge conflict to resolve").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        label_now(&h),
        (ours_label.to_string(), 1),
        "undo brings the conflict back"
    );
}
