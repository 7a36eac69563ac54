//! Suggestions in the article: N walks them, A accepts one (origin recorded, one undo
//! step), Shift+A accepts every one of that text, X rejects one (saved in the project,
//! not offered again).

use egui::{Key, Modifiers};

use crate::support::*;

fn spans(h: &H) -> usize {
    h.state()
        .workspace()
        .current_set()
        .map_or(0, |s| s.spans.len())
}

#[test]
fn walk_accept_undo_reject() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = sample_copy_harness(dir.path());
    // The sample tags every mention; untag the first and third spans (names tagged
    // elsewhere too), so there is something to suggest.
    for _ in 0..2 {
        h.key_press(Key::Tab);
        h.run_steps(1);
        h.key_press(Key::Delete);
        h.run_steps(2);
        h.key_press(Key::Tab);
        h.run_steps(1);
    }
    h.key_press(Key::Escape);
    h.run_steps(1);
    let before = spans(&h);
    h.key_press(Key::N);
    h.run_steps(2);
    let status = h.state().workspace().status().to_string();
    assert!(status.starts_with("Suggestion 1 of "), "{status}");
    h.key_press(Key::A);
    h.run_steps(2);
    assert_eq!(spans(&h), before + 1, "{}", h.state().workspace().status());
    let set = h.state().workspace().current_set().unwrap();
    assert_eq!(
        set.spans.iter().filter(|s| s.origin.is_some()).count(),
        1,
        "the accepted span records where it came from"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(spans(&h), before);
    // Reject the first suggestion: recorded in the project, not offered again.
    h.key_press(Key::N);
    h.run_steps(2);
    let first = h.state().workspace().status().to_string();
    h.key_press(Key::X);
    h.run_steps(2);
    assert_eq!(
        h.state().workspace().project().suggestions.rejected.len(),
        1
    );
    assert_eq!(spans(&h), before);
    // Shift+A: every suggestion of one text in this document at once.
    h.key_press(Key::N);
    h.run_steps(2);
    assert_ne!(h.state().workspace().status(), first);
    h.key_press_modifiers(Modifiers::SHIFT, Key::A);
    h.run_steps(2);
    assert!(spans(&h) > before, "{}", h.state().workspace().status());
    assert_eq!(
        h.state()
            .workspace()
            .history()
            .undo_name()
            .map(|n| n.starts_with("Accept")),
        Some(true)
    );
}

/// A long document's first frame shows the article without waiting for its
/// suggestions (issue #18: matching 1 MB took ≈ 23 ms of that frame); they are drawn
/// in the next frame. A short document's suggestions come with its first frame.
#[test]
fn a_long_documents_suggestions_come_one_frame_after_its_article() {
    use hashiya::model::Document;
    use hashiya::store;
    use hashiya::workspace::Workspace;
    let mut p = store::load(&sample_path()).unwrap().project;
    let first = p.documents[0].text.clone();
    // Copies of the sample article past 100 kB: the names it tags recur.
    let copies = 100_000 / first.len() + 2;
    let long: String = (0..copies).map(|i| format!("{first}\n{i}\n")).collect();
    assert!(long.len() > 100_000);
    p.documents.push(Document::new("long", "long", long));
    let mut alone = Workspace::new(p.clone(), None, Vec::new());
    let mut h = harness_with(Workspace::new(p, None, Vec::new()));
    let (_, for0) = h.state().drawn_suggestions();
    assert_eq!(for0.map(|(_, d)| d), Some(0), "the short sample: at once");
    // What the long document's suggestions are, computed on their own.
    alone.set_annotator(h.state().workspace().annotator());
    assert!(alone.switch_document(1));
    let want = alone.current_suggestions().len();
    // One event, so one frame per step (kittest runs a frame per queued event).
    h.event(egui::Event::Key {
        key: Key::PageDown,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::COMMAND,
    });
    // Frame by frame: the long document shown with no suggestion first, then with.
    let mut seen_without = false;
    let mut seen_with = 0;
    for _ in 0..6 {
        h.run_steps(1);
        let app = h.state();
        if app.workspace().doc_index() != 1 || app.view().layout().is_none() {
            continue;
        }
        match app.drawn_suggestions() {
            (0, None) => {
                assert_eq!(seen_with, 0, "never put off after they were drawn");
                seen_without = true;
            }
            (n, Some((_, 1))) => {
                seen_with = n;
                break;
            }
            // The frame that switched: drawn before the switch, with the first's.
            (_, Some((_, 0))) => assert!(!seen_without, "back to the first document"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        seen_without,
        "the first frame of the long document did not wait"
    );
    assert!(want > 0, "the long document has suggestions");
    assert_eq!(seen_with, want, "all of them, the next frame");
}
