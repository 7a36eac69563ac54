//! A large project opens with a preview (issue #18): the first document is shown at
//! once, read-only, and the whole project takes its place when it has been read.

use crate::support::*;
use egui::Key;
use hashiya::model::Document;
use hashiya::store;
use hashiya::ui::Workspace;
use hashiya::workspace::opening::Opening;

#[test]
fn the_preview_is_shown_read_only_then_the_whole_project_takes_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.json");
    let mut p = sample_without_annotations();
    let doc = p.documents[0].clone();
    p.documents = (0..30)
        .map(|d| {
            Document::new(
                format!("d{d:02}"),
                format!("article {d}"),
                format!("{}\n{d}", doc.text),
            )
        })
        .collect();
    std::fs::write(&path, store::to_bytes(&p).unwrap()).unwrap();
    let before = std::fs::read(&path).unwrap();

    let Opening::Preview(ws, pending) = Workspace::open_progressive(&path, 0).unwrap() else {
        panic!("a preview expected")
    };
    let mut h = harness_set_up(ws, |app| {
        app.finish_opening(pending);
        app.hold_opening(true);
    });
    assert!(h.state().workspace().is_loading());
    assert_eq!(h.state().workspace().project().documents.len(), 1);
    assert!(
        h.state().view().layout().is_some(),
        "the first document is shown"
    );
    // Tagging is refused, with the reason in the status bar.
    let word = find(h.state(), "طرابلس", 0);
    select_by_drag(&mut h, word.clone());
    h.key_press(Key::Num2);
    h.run_steps(2);
    assert!(
        h.state()
            .workspace()
            .current_set()
            .is_none_or(|s| s.spans.is_empty())
    );
    assert!(h.query_by_label_contains("still being opened").is_some());

    // The whole project arrives: 30 documents, the same document and selection shown,
    // and tagging works.
    h.state_mut().hold_opening(false);
    for _ in 0..200 {
        h.run_steps(1);
        if !h.state().workspace().is_loading() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!h.state().workspace().is_loading());
    assert_eq!(h.state().workspace().project().documents.len(), 30);
    assert_eq!(h.state().workspace().doc_index(), 0);
    assert_eq!(h.state().view().selection(), Some(word.clone()));
    h.key_press(Key::Num2);
    h.run_steps(2);
    let set = h.state().workspace().current_set().expect("a set now");
    assert!(
        set.spans
            .iter()
            .any(|s| s.start == word.start && s.end == word.end)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing written");
}
