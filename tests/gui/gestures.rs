//! The article's mouse gestures on spans, driven headless with kittest: dragging a
//! selected span's start or end handle (snapping to words, exact with Alt), and
//! Ctrl+drag from one span to another to relate them.

use std::ops::Range;
use std::path::Path;

use egui::{Event, Key, Modifiers, PointerButton, Pos2, pos2};
use egui_kittest::Harness;
use hashiya::model::Span;
use hashiya::ui::{HashiyaApp, StartOptions};
use hashiya::workspace::Workspace;

fn harness(dir: &Path) -> Harness<'static, HashiyaApp> {
    let path = dir.join("p.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json"),
        &path,
    )
    .unwrap();
    let ws = Workspace::open(&path).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, StartOptions::default()));
    h.run_steps(3);
    h
}

fn to_screen(h: &Harness<HashiyaApp>, r: hashiya::text::Rect) -> egui::Rect {
    let o = h.state().view().origin();
    egui::Rect::from_min_max(pos2(o.x + r.x0, o.y + r.y0), pos2(o.x + r.x1, o.y + r.y1))
}

/// Centre of the first rectangle of a code point range on screen.
fn centre_of(h: &Harness<HashiyaApp>, r: Range<usize>) -> Pos2 {
    let layout = h.state().view().layout().expect("laid out");
    to_screen(h, layout.range_rects(r.start, r.end)[0]).center()
}

fn press(h: &Harness<HashiyaApp>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    });
}

/// A mouse drag with `modifiers` held throughout.
fn drag(h: &mut Harness<HashiyaApp>, from: Pos2, to: Pos2, modifiers: Modifiers) {
    h.event(Event::ModifiersChanged(modifiers));
    h.hover_at(from);
    h.run_steps(1);
    press(h, from, true, modifiers);
    h.run_steps(1);
    for k in 1..=8 {
        h.hover_at(from + (to - from) * (k as f32 / 8.0));
        h.run_steps(1);
    }
    press(h, to, false, modifiers);
    h.run_steps(1);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
}

fn span(h: &Harness<HashiyaApp>, id: &str) -> Span {
    let ws = h.state().workspace();
    ws.current_set().unwrap().span(id).unwrap().clone()
}

/// The first word (letters only, code points) that starts at or after `from` and is
/// at least 4 letters long, and lies on the same line as `from` would not matter.
fn next_word(text: &str, from: usize) -> Range<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = from;
    loop {
        while i < chars.len() && !chars[i].is_alphabetic() {
            i += 1;
        }
        let s = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        if i - s >= 4 {
            return s..i;
        }
        assert!(i < chars.len(), "no long word after {from}");
    }
}

/// Selects the first span with Tab and returns it and the next long word after it.
fn select_first_span(h: &mut Harness<HashiyaApp>) -> (Span, Range<usize>) {
    h.key_press(Key::Tab);
    h.run_steps(2);
    let ws = h.state().workspace();
    let id = ws
        .selected_span()
        .map(str::to_string)
        .expect("Tab selects a span");
    let s = span(h, &id);
    let text = &h.state().workspace().current_document().unwrap().text;
    let w = next_word(text, s.end + 1);
    (s, w)
}

#[test]
fn dragging_the_end_handle_snaps_to_the_word_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let (s, w) = select_first_span(&mut h);
    let layout = h.state().view().layout().unwrap();
    let handle = to_screen(&h, layout.caret_rect(s.end, true)).center();
    // Let go inside the next long word: the end snaps to that word's end.
    let inside = centre_of(&h, w.start + 1..w.start + 2);
    drag(&mut h, handle, inside, Modifiers::NONE);
    let moved = span(&h, &s.id);
    assert_eq!(
        (moved.start, moved.end),
        (s.start, w.end),
        "status: {}",
        h.state().workspace().status()
    );
    let text = &h.state().workspace().current_document().unwrap().text;
    let expected: String = text.chars().skip(s.start).take(w.end - s.start).collect();
    assert_eq!(moved.text, expected, "the stored text follows the bounds");
    assert!(
        h.state().view().selection().is_none(),
        "no text selection made"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(span(&h, &s.id), s, "one undo step restores the span");
}

#[test]
fn alt_drag_of_a_handle_is_exact_and_the_start_handle_moves_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let (s, w) = select_first_span(&mut h);
    let layout = h.state().view().layout().unwrap();
    let handle = to_screen(&h, layout.caret_rect(s.end, true)).center();
    let inside = centre_of(&h, w.start + 1..w.start + 2);
    drag(&mut h, handle, inside, Modifiers::ALT);
    let moved = span(&h, &s.id);
    assert!(
        w.start < moved.end && moved.end < w.end,
        "with Alt the end stays inside the word: {} in {w:?}",
        moved.end
    );
    // The start handle: dragged onto the span's second character (snaps back to the
    // word start when the span starts at a word start, so use Alt to move it exactly).
    let layout = h.state().view().layout().unwrap();
    let handle = to_screen(&h, layout.caret_rect(s.start, false)).center();
    let second = centre_of(&h, s.start + 1..s.start + 2);
    drag(&mut h, handle, second, Modifiers::ALT);
    let moved2 = span(&h, &s.id);
    assert!(
        moved2.start > s.start && moved2.start < s.start + 3,
        "the start moved into the span: {} (was {})",
        moved2.start,
        s.start
    );
    assert_eq!(moved2.end, moved.end, "the other end stays");
}

#[test]
fn ctrl_drag_from_a_claim_to_an_actor_relates_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let set = h.state().workspace().current_set().unwrap().clone();
    // A claim and an actor on screen with no relation between them yet.
    let visible = |s: &Span| {
        let p = centre_of(&h, s.start..s.start + 1);
        p.y > 80.0 && p.y < 700.0
    };
    let (claim, actor) = set
        .spans
        .iter()
        .filter(|c| c.label == "claim" && visible(c))
        .flat_map(|c| {
            set.spans
                .iter()
                .filter(|a| a.label == "actor" && visible(a) && !a.overlaps(c))
                .map(move |a| (c.clone(), a.clone()))
        })
        .find(|(c, a)| !set.relations.iter().any(|r| r.from == c.id && r.to == a.id))
        .expect("a claim and an actor on the first screen");
    let before = set.relations.len();
    // Start inside the claim where no other span is, end on the actor's first letter.
    let idx = hashiya::model::SpanIndex::new(&set.spans);
    let start_cp = (claim.start..claim.end)
        .find(|&cp| idx.overlapping(cp..cp).count() == 1)
        .expect("a character of the claim covered by it alone");
    let from = centre_of(&h, start_cp..start_cp + 1);
    let to = centre_of(&h, actor.start..actor.start + 1);
    drag(&mut h, from, to, Modifiers::COMMAND);
    assert!(
        h.state().view().selection().is_none(),
        "Ctrl+drag selects no text"
    );
    // Claim → actor fits two relation types in the sample schema: the chooser asks,
    // key 1 picks the first.
    h.key_press(Key::Num1);
    h.run_steps(2);
    let set = h.state().workspace().current_set().unwrap();
    assert_eq!(
        set.relations.len(),
        before + 1,
        "status: {}",
        h.state().workspace().status()
    );
    assert!(
        set.relations
            .iter()
            .any(|r| r.from == claim.id && r.to == actor.id),
        "the new relation goes from the claim to the actor"
    );
}
