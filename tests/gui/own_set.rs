//! Your own set, always: a project where the user has no set opens the others'
//! labels read-only, the toolbar says whose labels are shown, and editing someone
//! else's set is an explicit act. Driven headless with kittest through the widgets.

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use hashiya::ui::StartOptions;
use hashiya::workspace::Workspace;

use crate::support::{H, Queryable, find, harness_opts, sample_path, select_by_drag};

/// The app as user `me` (their settings file in `dir`) on a copy of the sample, whose
/// only annotator is `annotator-a`.
fn harness_as(dir: &Path, me: &str) -> (PathBuf, H) {
    let path = dir.join("p.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let cfg = dir.join("config.json");
    std::fs::write(&cfg, format!("{{\"annotator\": \"{me}\"}}")).unwrap();
    let opts = StartOptions {
        config_path: Some(cfg),
        ..Default::default()
    };
    (
        path.clone(),
        harness_opts(Workspace::open(&path).unwrap(), opts),
    )
}

fn spans_of(h: &H, annotator: &str) -> usize {
    let ws = h.state().workspace();
    let doc = &ws.current_document().unwrap().id;
    ws.project()
        .set(annotator, doc)
        .map_or(0, |s| s.spans.len())
}

#[test]
fn another_annotators_labels_open_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "sara");
    assert_eq!(h.state().workspace().annotator(), "annotator-a");
    assert!(h.state().workspace().read_only());
    h.get_by_label("viewing annotator-a's labels (read-only)");
    // Deleting one of their spans is refused, and says why.
    let before = spans_of(&h, "annotator-a");
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(spans_of(&h, "annotator-a"), before);
    assert!(
        h.state().workspace().status().contains("read-only"),
        "{}",
        h.state().workspace().status()
    );
    assert!(!h.state().workspace().is_dirty());
}

#[test]
fn start_my_own_set_then_tag_records_who() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "sara");
    h.get_by_label("Start my own set").click();
    // Past egui's double-click interval, so the drag below is not a double click.
    h.run_steps(30);
    assert_eq!(h.state().workspace().annotator(), "sara");
    h.get_by_label("editing your labels (sara)");
    // Tag a word: drag across «طرابلس», key 2 tags it as an actor.
    let word = find(h.state(), "طرابلس", 0);
    select_by_drag(&mut h, word);
    h.key_press(Key::Num2);
    h.run_steps(2);
    let ws = h.state().workspace();
    let doc = &ws.current_document().unwrap().id;
    let set = ws
        .project()
        .set("sara", doc)
        .expect("sara's set was created");
    assert_eq!(set.spans.len(), 1);
    assert_eq!(set.modified_by.as_deref(), Some("sara"));
    assert_eq!(set.copied_from, None);
    assert_eq!(
        ws.project().format_version(),
        2,
        "who changed a set is version 2"
    );
}

#[test]
fn start_as_a_copy_is_one_undoable_step() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "sara");
    let theirs = spans_of(&h, "annotator-a");
    h.get_by_label("Start my own set as a copy of annotator-a's")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().workspace().annotator(), "sara");
    assert_eq!(spans_of(&h, "sara"), theirs);
    {
        let ws = h.state().workspace();
        let doc = &ws.current_document().unwrap().id;
        let set = ws.project().set("sara", doc).unwrap();
        assert_eq!(set.copied_from.as_deref(), Some("annotator-a"));
        assert_eq!(set.modified_by.as_deref(), Some("sara"));
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(spans_of(&h, "sara"), 0, "one undo removes the copies");
}

#[test]
fn editing_someone_elses_set_is_explicit_and_visible() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "sara");
    h.get_by_label("Edit annotator-a's labels").click();
    h.run_steps(2);
    h.get_by_label("editing annotator-a's labels — not yours");
    let before = spans_of(&h, "annotator-a");
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(spans_of(&h, "annotator-a"), before - 1);
    let ws = h.state().workspace();
    let doc = &ws.current_document().unwrap().id;
    let set = ws.project().set("annotator-a", doc).unwrap();
    assert_eq!(
        set.modified_by.as_deref(),
        Some("sara"),
        "the set records who"
    );
    // Switching away and back makes their labels read-only again.
    h.get_by_label("Stop editing annotator-a's labels").click();
    h.run_steps(2);
    assert!(h.state().workspace().read_only());
}

#[test]
fn progress_window_counts_the_annotators_work() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "sara");
    h.get_by_label("Review").click();
    h.run_steps(2);
    h.get_by_label("Progress of the team…").click();
    h.run_steps(3);
    assert!(h.state().is_open(hashiya::ui::action::WindowKind::Progress));
    // annotator-a: one document, started (spans), not done; the span count is shown.
    let spans = spans_of(&h, "annotator-a").to_string();
    assert!(
        h.query_all_by_label("annotator-a").count() >= 2,
        "a row in the table"
    );
    assert!(
        h.query_all_by_label(&spans).count() >= 1,
        "the span count {spans} is in the table"
    );
    h.get_by_label("Done by two annotators or more (available for agreement): 0 documents");
}
