//! A long document is shown before it is laid out whole (issue #18): the first screens
//! are drawn and can be clicked while the rest is laid out in the background, and
//! nothing on screen moves when the whole layout arrives.

use crate::support::*;
use egui::pos2;
use hashiya::model::Document;
use hashiya::text::{ArticleLayout, TextEngine};
use hashiya::ui::Workspace;

/// The sample article 80 times in one document (≈ 450 KB), without annotations.
fn long_project() -> hashiya::model::Project {
    let mut p = sample_without_annotations();
    let text = format!("{}\n", p.documents[0].text).repeat(80);
    p.documents = vec![Document::new("long", "long", text)];
    p
}

#[test]
fn first_screens_are_drawn_and_clickable_and_do_not_move_when_the_rest_arrives() {
    let ws = Workspace::new(long_project(), None, Vec::new());
    let mut h = harness_set_up(ws, |app| app.hold_background_layout(true));
    let text = h.state().workspace().project().documents[0].text.clone();
    let total = text.chars().count();
    // Partial: the shown layout covers the first screens only.
    assert!(
        !h.state().view().layout_complete(),
        "still in the background"
    );
    let first = h.state().view().layout().expect("first screens shown");
    let laid_out = first.offsets().len_chars();
    assert!(
        laid_out < total / 4,
        "{laid_out} of {total} code points laid out"
    );
    assert!(
        first.lines_in(0.0, 700.0).len() > 5,
        "the visible lines are there"
    );
    // The same lines as a full synchronous layout at the same parameters.
    let params = first.params();
    let full = ArticleLayout::new(&mut TextEngine::new(), &text, params);
    let n = first.lines().len();
    assert_eq!(first.lines(), &full.lines()[..n]);

    // A double click on «طرابلس» selects it.
    let word = find(h.state(), "طرابلس", 0);
    let r = screen_rect(h.state(), word.clone());
    assert!(r.max.y < 780.0, "on screen: {r:?}");
    double_click(&mut h, r.center());
    assert_eq!(h.state().view().selection(), Some(word.clone()));
    assert!(
        !h.state().view().layout_complete(),
        "still partial while clicked"
    );

    // Scrolled down a little, still inside the first screens.
    h.hover_at(pos2(640.0, 400.0));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -300.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(20);
    assert!(h.state().view().origin().y < 0.0, "scrolled");
    assert!(!h.state().view().layout_complete());
    // Where the word is on screen, and the scroll position (origin) before.
    let before = (
        screen_rect(h.state(), word.clone()),
        h.state().view().origin(),
    );
    h.state_mut().hold_background_layout(false);
    for _ in 0..600 {
        h.run_steps(1);
        if h.state().view().layout_complete() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        h.state().view().layout_complete(),
        "the whole layout arrived"
    );
    h.run_steps(2);
    let whole = h.state().view().layout().unwrap();
    assert_eq!(whole.offsets().len_chars(), total);
    assert_eq!(
        whole.lines(),
        full.lines(),
        "identical to the synchronous layout"
    );
    let after = (
        screen_rect(h.state(), word.clone()),
        h.state().view().origin(),
    );
    assert_eq!(before, after, "nothing on screen moved");
    assert_eq!(h.state().view().selection(), Some(word));
}

/// Zooming a long document step after step lays out its first screens each time but
/// starts the whole layout only once the size has settled, and that layout is the one
/// of the final size.
#[test]
fn zooming_a_long_document_does_not_start_a_whole_layout_per_step() {
    let mut h = harness_with(Workspace::new(long_project(), None, Vec::new()));
    let wait_complete = |h: &mut crate::support::H| {
        for _ in 0..600 {
            h.run_steps(1);
            if h.state().view().layout_complete() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the whole layout never arrived");
    };
    wait_complete(&mut h);
    let started = h.state().view().layouts.background_started();
    let built = h.state().view().layouts.built();
    for _ in 0..6 {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Equals);
        h.run_steps(1);
    }
    assert!(
        h.state().view().layouts.built() >= built + 6,
        "first screens per step"
    );
    assert!(
        h.state().view().layouts.background_started() <= started + 1,
        "{} whole layouts started for 6 steps",
        h.state().view().layouts.background_started() - started
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    wait_complete(&mut h);
    let view = h.state().view();
    let layout = view.layout().unwrap();
    assert!((layout.params().font_size - view.font_size).abs() < 1e-3);
    let text = &h.state().workspace().project().documents[0].text;
    let full = ArticleLayout::new(&mut TextEngine::new(), text, layout.params());
    assert_eq!(
        layout.lines(),
        full.lines(),
        "the whole layout of the final size"
    );
}
