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
    let status = h.state().workspace().status.clone();
    assert!(status.starts_with("Suggestion 1 of "), "{status}");
    h.key_press(Key::A);
    h.run_steps(2);
    assert_eq!(spans(&h), before + 1, "{}", h.state().workspace().status);
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
    let first = h.state().workspace().status.clone();
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
    assert_ne!(h.state().workspace().status, first);
    h.key_press_modifiers(Modifiers::SHIFT, Key::A);
    h.run_steps(2);
    assert!(spans(&h) > before, "{}", h.state().workspace().status);
    assert_eq!(
        h.state()
            .workspace()
            .history()
            .undo_name()
            .map(|n| n.starts_with("Accept")),
        Some(true)
    );
}
