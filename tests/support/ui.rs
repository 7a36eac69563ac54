//! Shared harness code for the GUI tests (`tests/gui/`): the real `HashiyaApp`
//! driven headless with egui_kittest through its widgets only (pointer, keys, typing,
//! AccessKit nodes); state is read through the app's read-only accessors.
//!
//! Included once by `tests/gui/main.rs` as `support`; the panels' files use `crate::support`.
#![allow(dead_code)]

use std::ops::Range;
use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, PointerButton, Pos2, pos2};
use egui_kittest::Harness;
#[allow(unused_imports)]
pub use egui_kittest::kittest::{NodeT, Queryable};
use hashiya::store;
use hashiya::ui::{HashiyaApp, StartOptions, Workspace};

pub type H = Harness<'static, HashiyaApp>;

pub fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json")
}

pub fn sample_b_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.annotator-b.json")
}

pub fn harness_opts(ws: Workspace, opts: StartOptions) -> H {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, opts));
    h.run_steps(3);
    h
}

/// The app on `ws`, with `setup` applied to it before the first frame (test hooks such
/// as holding a background layout or a project still being opened).
pub fn harness_set_up(ws: Workspace, setup: impl FnOnce(&mut HashiyaApp) + 'static) -> H {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| {
            let mut app = HashiyaApp::new(&cc.egui_ctx, ws, StartOptions::default());
            setup(&mut app);
            app
        });
    h.run_steps(3);
    h
}

pub fn harness_with(ws: Workspace) -> H {
    harness_opts(ws, StartOptions::default())
}

/// The app on a copy of the sample project in `dir` (`dir/p.json`, also returned).
pub fn sample_copy_harness(dir: &Path) -> (PathBuf, H) {
    let path = dir.join("p.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let h = harness_with(Workspace::open(&path).unwrap());
    (path, h)
}

/// The app on the sample project in memory (no file: nothing is ever written).
pub fn sample_harness() -> H {
    let l = store::load(&sample_path()).unwrap();
    harness_with(Workspace::new(l.project, None, l.warnings))
}

/// The sample project's text without any annotation or entity.
pub fn sample_without_annotations() -> hashiya::model::Project {
    let mut p = store::load(&sample_path()).unwrap().project;
    p.sets.clear();
    p.entities.clear();
    p
}

/// Code point range of the `n`-th occurrence of `word` in the current document.
pub fn find(app: &HashiyaApp, word: &str, n: usize) -> Range<usize> {
    let text = &app.workspace().project().documents[app.workspace().doc_index()].text;
    let mut from = 0;
    let mut b = 0;
    for _ in 0..=n {
        b = from + text[from..].find(word).expect("word in text");
        from = b + word.len();
    }
    let s = text[..b].chars().count();
    s..s + word.chars().count()
}

/// Screen rectangle of a code point range (first piece).
pub fn screen_rect(app: &HashiyaApp, r: Range<usize>) -> egui::Rect {
    let layout = app.view().layout().expect("laid out");
    let rr = layout.range_rects(r.start, r.end)[0];
    let o = app.view().origin();
    egui::Rect::from_min_max(
        pos2(o.x + rr.x0, o.y + rr.y0),
        pos2(o.x + rr.x1, o.y + rr.y1),
    )
}

pub fn press(h: &H, pos: Pos2, pressed: bool) {
    press_button(h, pos, PointerButton::Primary, pressed);
}

pub fn press_button(h: &H, pos: Pos2, button: PointerButton, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

pub fn drag(h: &mut H, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run_steps(1);
    press(h, from, true);
    h.run_steps(1);
    for k in 1..=6 {
        let t = k as f32 / 6.0;
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
        if std::env::var("DEBUG_DRAG").is_ok() {
            eprintln!(
                "step {k}: sel {:?} origin {:?}",
                h.state().view().selection(),
                h.state().view().origin()
            );
        }
    }
    press(h, to, false);
    h.run_steps(2);
}

pub fn click(h: &mut H, at: Pos2) {
    h.hover_at(at);
    h.run_steps(1);
    press(h, at, true);
    press(h, at, false);
    h.run_steps(1);
}

pub fn right_click(h: &mut H, at: Pos2) {
    h.hover_at(at);
    h.run_steps(1);
    press_button(h, at, PointerButton::Secondary, true);
    press_button(h, at, PointerButton::Secondary, false);
    h.run_steps(2);
}

pub fn double_click(h: &mut H, p: Pos2) {
    h.hover_at(p);
    h.run_steps(1);
    for _ in 0..2 {
        press(h, p, true);
        h.run_steps(1);
        press(h, p, false);
        h.run_steps(1);
    }
    h.run_steps(1);
}

/// The article's visible band on screen (below the toolbar, above the status bar).
fn visible(r: egui::Rect) -> bool {
    r.min.y >= 60.0 && r.max.y <= 760.0
}

/// Scrolls the article with the mouse wheel until `r` is on screen.
pub fn scroll_into_view(h: &mut H, r: Range<usize>) {
    for _ in 0..60 {
        let rect = screen_rect(h.state(), r.clone());
        if visible(rect) {
            return;
        }
        let down = rect.max.y > 760.0;
        let over = pos2(640.0, 400.0);
        h.hover_at(over);
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, if down { -150.0 } else { 150.0 }),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(20);
    }
    panic!(
        "could not scroll {r:?} into view: {:?}",
        screen_rect(h.state(), r.clone())
    );
}

/// Selects exactly the code point range `r` in the article by dragging over it with
/// the mouse (scrolling it into view first). `r` must be on one line.
pub fn select_by_drag(h: &mut H, r: Range<usize>) {
    scroll_into_view(h, r.clone());
    let (first, last) = {
        let app = h.state();
        (
            screen_rect(app, r.start..r.start + 1),
            screen_rect(app, r.end - 1..r.end),
        )
    };
    let y = first.center().y;
    // The logical start of a character is its right edge in RTL text, its left edge
    // in LTR text: try the directions until the drag selects exactly `r`.
    let candidates = [
        (first.max.x - 0.5, last.min.x + 0.5),
        (first.min.x + 0.5, last.max.x - 0.5),
        (first.max.x - 0.5, last.max.x - 0.5),
        (first.min.x + 0.5, last.min.x + 0.5),
    ];
    for (a, b) in candidates {
        drag(h, pos2(a, y), pos2(b, last.center().y));
        if h.state().view().selection() == Some(r.clone()) {
            return;
        }
    }
    panic!(
        "dragging did not select {r:?}: {:?}",
        h.state().view().selection()
    );
}

/// Clicks a span's text in the article (scrolling it into view first) until that span
/// is the selected one (a repeated click cycles through overlapping spans).
pub fn click_span(h: &mut H, id: &str) {
    let span = h
        .state()
        .workspace()
        .current_set()
        .and_then(|s| s.span(id))
        .unwrap_or_else(|| panic!("no span {id}"))
        .clone();
    scroll_into_view(h, span.start..span.end);
    for _ in 0..4 {
        let p = screen_rect(h.state(), span.start..span.end).center();
        click(h, p);
        if h.state().workspace().selected_span() == Some(id) {
            return;
        }
        h.run_steps(30); // past the double-click window
    }
    panic!(
        "clicking did not select {id}: {:?}",
        h.state().workspace().selected_span()
    );
}

/// One of the app's own text fields (a `BidiTextField`), found by its hint text, which
/// it exposes to AccessKit as its placeholder.
pub fn field<'t>(h: &'t H, hint: &'t str) -> egui_kittest::Node<'t> {
    h.get_by(|n| n.role() == Role::TextInput && n.data().placeholder() == Some(hint))
}

/// The text in one of the app's own text fields (its AccessKit value; the hint when
/// empty).
pub fn field_text(h: &H, hint: &str) -> String {
    let v = field(h, hint).value().unwrap_or_default();
    if v == hint { String::new() } else { v }
}

/// Types `text` as a keyboard would: every character that is a key (digits, Latin
/// letters) also sends its key press, so a shortcut on that key would fire if the
/// app did not know a field has the keyboard.
pub fn type_keys(h: &mut H, text: &str) {
    for c in text.chars() {
        let key = Key::from_name(&c.to_ascii_uppercase().to_string());
        if let Some(key) = key {
            h.key_down(key);
        }
        h.event(Event::Text(c.to_string()));
        if let Some(key) = key {
            h.key_up(key);
        }
        h.run_steps(1);
    }
}

/// Clicks one of the app's text fields, selects all its text and types `text` over it
/// (an empty `text` clears the field with Backspace).
pub fn type_into(h: &mut H, hint: &str, text: &str) {
    field(h, hint).click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    if text.is_empty() {
        h.key_press(Key::Backspace);
        h.run_steps(1);
    } else {
        type_keys(h, text);
    }
    h.run_steps(1);
}

/// Clicks a combo box (by its label), then the entry `item` in its popup.
pub fn choose(h: &mut H, combo: &str, item: &str) {
    h.get_by_label(combo).click();
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(2);
}

/// Opens the menus along `path` (e.g. `["File", "Import"]`) and clicks `item`, all by
/// their AccessKit labels (a submenu's label ends in its arrow, an item's in its
/// shortcut: both are matched by prefix).
pub fn menu(h: &mut H, path: &[&str], item: &str) {
    for (i, m) in path.iter().enumerate() {
        let node = if i == 0 {
            h.get_by_label(m)
        } else {
            h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with(m)))
        };
        if i == 0 {
            node.click();
        } else {
            node.hover();
        }
        h.run_steps(3);
    }
    let found = h.query_by(|n| {
        n.role() == Role::Button
            && n.label()
                .is_some_and(|l| l == item || l.starts_with(&format!("{item} ")))
    });
    match found {
        Some(node) => node.click(),
        None => {
            dump(h);
            panic!("no menu item «{item}» under {path:?}");
        }
    }
    // One frame for the click, one for a window it opens to be laid out (invisibly),
    // one for it to show.
    h.run_steps(3);
}

/// Answers the in-app path prompt (shown when no file dialog service answers): types
/// `path` into its field and clicks OK.
pub fn answer_path_prompt(h: &mut H, path: &Path) {
    // Its field's label names what the path is for ("Path of the project file:",
    // "Path of the table to import:"…).
    h.get_by(|n| {
        n.role() == Role::Label
            && (n.label().or(n.value())).is_some_and(|l| l.starts_with("Path of the"))
    });
    let input = h.get_by(|n| n.role() == Role::TextInput && n.data().placeholder() == Some(""));
    input.click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.event(Event::Text(path.display().to_string()));
    h.run_steps(1);
    h.get_by_label("OK").click();
    h.run_steps(2);
}

/// Whether a label (or button) with exactly this text is shown.
pub fn shown(h: &H, label: &str) -> bool {
    h.query_by_label(label).is_some()
}

/// Repeats Ctrl+Z `n` times.
pub fn undo(h: &mut H, n: usize) {
    for _ in 0..n {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run_steps(1);
    }
}

/// Prints every AccessKit node with a label or value (debugging a test).
pub fn dump(h: &H) {
    for n in h.query_all_by(|n| n.label().is_some() || n.value().is_some()) {
        let a = n.accesskit_node();
        eprintln!("{:?} {:?} {:?}", a.role(), a.label(), a.value());
    }
}
