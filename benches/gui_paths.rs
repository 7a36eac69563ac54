//! The user's own paths through the window, on the 1 MB article a new user tried (the
//! sample article 350 times in one document, annotator-a's 105 spans on every copy:
//! 36,750 spans), at its start, middle and end. Each measurement is what the window does
//! for one gesture: the app's action handling (`HashiyaApp::apply_action`, the code a
//! key or click runs) and then the next whole frame (every panel, the article's
//! highlights updated for the new revision, the current document's suggestions found
//! again), driven headless with egui_kittest. The step back (undo of a tag, re-tag of
//! a deletion …) and its frame are not timed.
//!
//! - `tag_gui_1mb/{start,middle,end}`: select an untagged word, press 2 (Tag actor);
//! - `relabel_gui_1mb/…`: relabel the selected span (actor ↔ location);
//! - `delete_gui_1mb/…`: Delete the selected span;
//! - `undo_gui_1mb/…`: Ctrl+Z of a tag;
//! - `accept_gui_1mb/…`: accept the suggestion nearest the place;
//! - `move_gui_1mb/…`: drag a span's end handle one word on (snapped).
//!
//! Budget: < 4 ms each for the action, and the whole gesture (action + frame) is
//! reported beside it (`docs/BENCHMARKS.md`). The benchmark asserts that the article is
//! never laid out again by an edit.

use std::ops::Range;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use hashiya::model::Project;
use hashiya::model::edit::SpanEnd;
use hashiya::ui::action::Action;
use hashiya::ui::{HashiyaApp, StartOptions, Workspace};

type H = Harness<'static, HashiyaApp>;

const COPIES: usize = 350;

#[path = "support/sample_copies.rs"]
mod sample_copies;

/// The sample article `COPIES` times in one document, annotator-a's spans on each copy.
fn big_project() -> Project {
    sample_copies::sample_copies(COPIES)
}

/// An untagged occurrence of `word` in copy `copy` (code points).
fn untagged(ws: &Workspace, word: &str, copy: usize) -> Range<usize> {
    let text = &ws.current_document().unwrap().text;
    let unit = text.chars().count() / COPIES;
    let spans = &ws.current_set().unwrap().spans;
    text.match_indices(word)
        .map(|(b, _)| text[..b].chars().count())
        .map(|cp| cp..cp + word.chars().count())
        .filter(|r| r.start >= copy * unit)
        .find(|r| spans.iter().all(|s| s.end <= r.start || r.end <= s.start))
        .expect("an untagged occurrence")
}

/// The id of the first actor span of copy `copy`.
fn span_in_copy(ws: &Workspace, copy: usize) -> String {
    let prefix = format!("c{copy:03}-");
    ws.current_set()
        .unwrap()
        .spans
        .iter()
        .find(|s| s.id.starts_with(&prefix) && s.label == "actor")
        .expect("an actor span in the copy")
        .id
        .clone()
}

fn act(h: &mut H, a: Action) {
    h.state_mut().apply_action(a);
}

/// Runs `gesture` `iters` times, each after `before` (untimed) and followed by `after`
/// (untimed); every step is followed by one frame. Returns (action time, action + frame
/// time).
fn time_gesture(
    h: &mut H,
    iters: u64,
    mut before: impl FnMut(&mut H),
    mut gesture: impl FnMut(&mut H),
    mut after: impl FnMut(&mut H),
) -> (Duration, Duration) {
    let (mut action, mut whole) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..iters {
        before(h);
        h.run_steps(1);
        let t = Instant::now();
        gesture(h);
        action += t.elapsed();
        h.run_steps(1);
        whole += t.elapsed();
        after(h);
        h.run_steps(1);
    }
    (action, whole)
}

fn bench(c: &mut Criterion) {
    hashiya::text::memory::keep_freed_memory();
    let ws = Workspace::new(big_project(), None, Vec::new());
    eprintln!(
        "gui_paths: {} bytes, {} spans",
        ws.current_document().unwrap().text.len(),
        ws.current_set().unwrap().spans.len()
    );
    let mut h: H = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, StartOptions::default()));
    // The whole layout, as after the first seconds in the window.
    h.run_steps(3);
    while !h.state().view().layout_complete() {
        std::thread::sleep(Duration::from_millis(5));
        h.run_steps(1);
    }
    let built = h.state().view().layouts.built();
    let places = [("start", 0), ("middle", COPIES / 2), ("end", COPIES - 1)];
    let mut group = |name: &str, f: &mut dyn FnMut(&mut H, usize, u64) -> (Duration, Duration)| {
        let mut g = c.benchmark_group(name);
        for (place, copy) in places {
            // The action alone, and the action with the next frame.
            g.bench_function(BenchmarkId::new("action", place), |b| {
                b.iter_custom(|iters| f(&mut h, copy, iters).0)
            });
            g.bench_function(BenchmarkId::new("with_frame", place), |b| {
                b.iter_custom(|iters| f(&mut h, copy, iters).1)
            });
        }
        g.finish();
    };
    group("tag_gui_1mb", &mut |h, copy, iters| {
        let word = untagged(h.state().workspace(), "الأربعاء", copy);
        let n = h.state().workspace().current_set().unwrap().spans.len();
        time_gesture(
            h,
            iters,
            |h| act(h, Action::SelectText(word.clone())),
            |h| act(h, Action::Tag("actor".into())),
            |h| {
                assert_eq!(
                    h.state().workspace().current_set().unwrap().spans.len(),
                    n + 1
                );
                assert!(
                    h.state().workspace().selected().is_some(),
                    "the new span is selected"
                );
                act(h, Action::Undo)
            },
        )
    });
    group("undo_gui_1mb", &mut |h, copy, iters| {
        let word = untagged(h.state().workspace(), "الأربعاء", copy);
        time_gesture(
            h,
            iters,
            |h| {
                act(h, Action::SelectText(word.clone()));
                act(h, Action::Tag("actor".into()));
            },
            |h| act(h, Action::Undo),
            |_| {},
        )
    });
    group("relabel_gui_1mb", &mut |h, copy, iters| {
        let span = span_in_copy(h.state().workspace(), copy);
        act(
            h,
            Action::SelectSpan {
                id: Some(span.clone()),
                reveal: true,
            },
        );
        time_gesture(
            h,
            iters,
            |_| {},
            |h| {
                act(
                    h,
                    Action::Relabel {
                        span: span.clone(),
                        label: "location".into(),
                    },
                )
            },
            |h| act(h, Action::Undo),
        )
    });
    group("delete_gui_1mb", &mut |h, copy, iters| {
        let span = span_in_copy(h.state().workspace(), copy);
        time_gesture(
            h,
            iters,
            |h| {
                act(
                    h,
                    Action::SelectSpan {
                        id: Some(span.clone()),
                        reveal: true,
                    },
                )
            },
            |h| act(h, Action::DeleteSelected),
            |h| act(h, Action::Undo),
        )
    });
    group("move_gui_1mb", &mut |h, copy, iters| {
        let span = span_in_copy(h.state().workspace(), copy);
        let end = h
            .state()
            .workspace()
            .current_set()
            .unwrap()
            .span(&span)
            .unwrap()
            .end;
        time_gesture(
            h,
            iters,
            |h| {
                act(
                    h,
                    Action::SelectSpan {
                        id: Some(span.clone()),
                        reveal: true,
                    },
                )
            },
            |h| {
                act(
                    h,
                    Action::MoveBoundary {
                        span: span.clone(),
                        end: SpanEnd::End,
                        to: end + 3,
                        snap: true,
                    },
                )
            },
            |h| act(h, Action::Undo),
        )
    });
    group("accept_gui_1mb", &mut |h, copy, iters| {
        // The sample has no suggestions of its own (every occurrence of a tagged string
        // is tagged): delete one actor span of the copy, so its string, tagged in the
        // other copies, is suggested there.
        let span = span_in_copy(h.state().workspace(), copy);
        let ws = h.state().workspace();
        let s = ws.current_set().unwrap().span(&span).unwrap();
        let place = s.start..s.end;
        act(
            h,
            Action::SelectSpan {
                id: Some(span),
                reveal: true,
            },
        );
        act(h, Action::DeleteSelected);
        h.run_steps(1);
        let n = h.state().workspace().current_set().unwrap().spans.len();
        let times = time_gesture(
            h,
            iters,
            // Click the place, N: the next suggestion from there.
            |h| {
                act(h, Action::SelectText(place.clone()));
                act(h, Action::SuggestionStep { forward: true });
            },
            |h| act(h, Action::AcceptSuggestion { everywhere: false }),
            |h| {
                assert_eq!(
                    h.state().workspace().current_set().unwrap().spans.len(),
                    n + 1,
                    "{}",
                    h.state().workspace().status()
                );
                act(h, Action::Undo)
            },
        );
        // The deleted span back.
        act(h, Action::Undo);
        h.run_steps(1);
        times
    });
    assert_eq!(
        h.state().view().layouts.built(),
        built,
        "an edit must not lay the article out again"
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
