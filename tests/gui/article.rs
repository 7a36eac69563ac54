//! The article panel on its own, driven headless with egui_kittest: selecting text by
//! dragging and double/triple-clicking, zoom and the layout cache, clicking spans,
//! hover tooltips, boundary keys, relations, the context menu, copy; and the app's
//! idle repaint.

use crate::support::*;
use egui::{Event, Key, Modifiers, pos2};
use hashiya::store;
use hashiya::ui::Workspace;

#[test]
fn dragging_across_a_word_selects_exactly_it() {
    let mut h = sample_harness();
    // «طرابلس» in the first paragraph: an RTL word, dragged from its right (logical
    // start) edge to its left (logical end) edge.
    let word = find(h.state(), "طرابلس", 0);
    let r = screen_rect(h.state(), word.clone());
    drag(
        &mut h,
        pos2(r.max.x - 1.0, r.center().y),
        pos2(r.min.x + 1.0, r.center().y),
    );
    assert_eq!(h.state().view().selection(), Some(word.clone()));
    // And the other way round (left to right) selects the same range.
    drag(
        &mut h,
        pos2(r.min.x + 1.0, r.center().y),
        pos2(r.max.x - 1.0, r.center().y),
    );
    assert_eq!(h.state().view().selection(), Some(word));
}

#[test]
fn dragging_across_a_number_inside_arabic() {
    let mut h = sample_harness();
    // «441» is on a line of its own; digits run left to right.
    let n = find(h.state(), "441", 0);
    let r = screen_rect(h.state(), n.clone());
    drag(
        &mut h,
        pos2(r.min.x + 0.5, r.center().y),
        pos2(r.max.x - 0.5, r.center().y),
    );
    assert_eq!(h.state().view().selection(), Some(n));
}

#[test]
fn double_click_selects_the_word() {
    let mut h = sample_harness();
    let word = find(h.state(), "الساحلية", 0);
    let p = screen_rect(h.state(), word.clone()).center();
    double_click(&mut h, p);
    assert_eq!(h.state().view().selection(), Some(word));
}

/// New: a triple click selects the whole paragraph; Escape clears the selection.
#[test]
fn triple_click_selects_the_paragraph_and_escape_clears_it() {
    let mut h = sample_harness();
    // Not inside a span: a click on a span selects it (and scrolls, see below).
    let word = find(h.state(), "الساحلية", 0);
    let p = screen_rect(h.state(), word.clone()).center();
    h.hover_at(p);
    h.run_steps(1);
    for _ in 0..3 {
        press(&h, p, true);
        h.run_steps(1);
        press(&h, p, false);
        h.run_steps(1);
    }
    h.run_steps(1);
    let para = h
        .state()
        .view()
        .layout()
        .unwrap()
        .paragraph_range(word.start);
    assert!(para.len() > word.len() * 5, "a paragraph, not a word");
    assert_eq!(h.state().view().selection(), Some(para.clone()));
    // The status bar shows the selection.
    assert!(shown(
        &h,
        &format!(
            "selection {}–{} ({} chars)",
            para.start,
            para.end,
            para.len()
        )
    ));
    h.key_press(Key::Escape);
    h.run_steps(1);
    assert_eq!(h.state().view().selection(), None);
    assert!(h.query_by_label_contains("selection ").is_none());
}

#[test]
fn zoom_relayouts_but_keeps_the_selection_and_layout_is_cached() {
    let mut h = sample_harness();
    let word = find(h.state(), "درنة", 3);
    select_by_drag(&mut h, word.clone());
    h.run_steps(3);
    let built = h.state().view().layouts.built();
    h.run_steps(5);
    assert_eq!(
        h.state().view().layouts.built(),
        built,
        "no re-layout while nothing changes"
    );
    let lines_before = h.state().view().layout().unwrap().lines().len();
    let size_before = h.state().view().font_size;
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run_steps(2);
    assert!(h.state().view().font_size > size_before);
    assert!(
        h.state().view().layout().unwrap().lines().len() > lines_before,
        "larger text wraps into more lines"
    );
    assert_eq!(h.state().view().selection(), Some(word.clone()));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.run_steps(2);
    assert_eq!(h.state().view().font_size, size_before);
    assert_eq!(h.state().view().selection(), Some(word));
}

#[test]
fn tag_attribute_relation_undo_redo_save_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    // Start from the sample text with no annotations.
    store::save(&sample_without_annotations(), &path).unwrap();
    let mut ws = Workspace::open(&path).unwrap();
    ws.set_annotator("tester");
    let mut h = harness_with(ws);

    // 1. Select «فيليب هاموند» with the mouse (drag, including the space before it) and press 2.
    let name = find(h.state(), "فيليب هاموند", 0);
    // It is far down the article: scroll it into view with the mouse wheel first.
    scroll_into_view(&mut h, name.clone());
    h.run_steps(90); // let the scroll settle
    let first = screen_rect(h.state(), name.start..name.start + 5);
    let last = screen_rect(h.state(), name.end - 6..name.end);
    drag(
        &mut h,
        pos2(first.max.x + 3.0, first.center().y),
        pos2(last.min.x + 1.0, last.center().y),
    );
    assert!(h.state().view().selection().is_some());
    h.key_press(Key::Num2);
    h.run_steps(2);
    let set = h
        .state()
        .workspace()
        .current_set()
        .expect("a set was created")
        .clone();
    assert_eq!(set.spans.len(), 1);
    let actor = set.spans[0].clone();
    assert_eq!(
        (actor.start, actor.end, actor.label.as_str()),
        (name.start, name.end, "actor"),
        "trimmed to the name"
    );
    assert_eq!(actor.text, "فيليب هاموند");

    // 2. Set its kind through the side panel's combo box.
    choose(&mut h, "kind", "person");
    assert_eq!(
        h.state().workspace().current_set().unwrap().spans[0]
            .attributes
            .get("kind")
            .map(String::as_str),
        Some("person")
    );

    // 3. Tag the claim (selected by dragging exactly over it), then R + click on the
    //    actor: two types fit (said by, about), choose 1 = said by.
    let claim = find(h.state(), "مستعدة لتقديم الدعم العسكري", 0);
    select_by_drag(&mut h, claim.clone());
    h.key_press(Key::Num1);
    h.run_steps(2);
    let claim_id = h
        .state()
        .workspace()
        .selected_span()
        .map(str::to_string)
        .expect("new span selected");
    let claim_span = h
        .state()
        .workspace()
        .current_set()
        .unwrap()
        .span(&claim_id)
        .unwrap()
        .clone();
    assert_eq!(
        (claim_span.start, claim_span.end, claim_span.label.as_str()),
        (claim.start, claim.end, "claim")
    );
    h.key_press(Key::R);
    h.run_steps(1);
    assert_eq!(
        h.state().pending_relation(),
        Some(claim_id.as_str()),
        "R starts a relation: {}",
        h.state().workspace().status()
    );
    let target = screen_rect(h.state(), name.clone()).center();
    click(&mut h, target);
    h.run_steps(2); // a new window is laid out invisibly in its first frame
    assert!(
        shown(&h, "Relation type"),
        "two types fit: the chooser asks ({}; pending {:?}; selected {:?})",
        h.state().workspace().status(),
        h.state().pending_relation(),
        h.state().workspace().selected_span()
    );
    h.key_press(Key::Num1);
    h.run_steps(2);
    let set = h.state().workspace().current_set().unwrap().clone();
    assert_eq!(
        set.relations.len(),
        1,
        "status: {}",
        h.state().workspace().status()
    );
    assert_eq!(
        (
            set.relations[0].kind.as_str(),
            set.relations[0].from.as_str(),
            set.relations[0].to.as_str()
        ),
        ("said_by", claim_id.as_str(), actor.id.as_str())
    );
    assert_eq!(
        set.spans.len(),
        2,
        "the digit chose a type, it tagged nothing"
    );
    let full = h.state().workspace().project().clone();

    // 4. Undo three times: relation, claim, attribute.
    undo(&mut h, 3);
    let set = h.state().workspace().current_set().unwrap().clone();
    assert_eq!(set.spans.len(), 1);
    assert!(set.relations.is_empty());
    assert!(set.spans[0].attributes.is_empty());
    // 5. Redo three times.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        h.run_steps(1);
    }
    assert_eq!(*h.state().workspace().project(), full);
    // 6. Save with Ctrl+S and reload from disk.
    assert!(h.state().workspace().history().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(1);
    assert!(
        !h.state().workspace().history().is_dirty(),
        "{}",
        h.state().workspace().status()
    );
    let reloaded = store::load(&path).unwrap();
    assert!(reloaded.warnings.is_empty());
    assert_eq!(reloaded.project, full);
}

/// Clicking a span that is on screen selects it without moving the text under the
/// pointer; a second click at the same place selects the next span under it.
#[test]
fn clicking_a_visible_span_does_not_scroll_and_a_second_click_cycles() {
    let mut h = sample_harness();
    // «درنة» inside «مجلس شورى مجاهدي درنة وضواحيها» is both a location and part of an actor.
    let w = find(h.state(), "درنة", 2);
    let p = screen_rect(h.state(), w.clone()).center();
    let origin = h.state().view().origin();
    click(&mut h, p);
    h.run_steps(30); // let the double-click window (0.3 s) pass
    let first = h
        .state()
        .workspace()
        .selected_span()
        .map(str::to_string)
        .expect("a span is selected");
    assert_eq!(
        h.state().view().origin(),
        origin,
        "the article scrolled on a click"
    );
    click(&mut h, p);
    let second = h.state().workspace().selected_span().map(str::to_string);
    assert!(
        second.is_some() && second != Some(first),
        "a second click selects the next span under the pointer: {second:?}"
    );
}

#[test]
fn clicking_cycles_through_overlapping_spans_and_delete_removes() {
    let mut h = sample_harness();
    // «درنة» inside «مجلس شورى مجاهدي درنة وضواحيها» is both a location and part of an actor.
    let w = find(h.state(), "درنة", 2);
    let p = screen_rect(h.state(), w.clone()).center();
    click(&mut h, p);
    let first = h
        .state()
        .workspace()
        .selected_span()
        .map(str::to_string)
        .expect("a span is selected");
    h.run_steps(30); // let the double-click window (0.3 s) pass
    // The same character again, where it is now (see the ignored test above: the
    // first click may have scrolled it).
    let p = screen_rect(h.state(), w.clone()).center();
    click(&mut h, p);
    let second = h
        .state()
        .workspace()
        .selected_span()
        .map(str::to_string)
        .expect("still a span");
    assert_ne!(
        first, second,
        "a second click selects the next span under the pointer"
    );
    let before = h.state().workspace().current_set().unwrap().spans.len();
    h.key_press(Key::Delete);
    h.run_steps(1);
    let set = h.state().workspace().current_set().unwrap();
    assert_eq!(set.spans.len(), before - 1);
    assert!(set.span(&second).is_none(), "the selected span went");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(
        h.state().workspace().current_set().unwrap().spans.len(),
        before
    );
}

#[test]
fn shift_arrows_extend_visually_and_copy_is_logical() {
    let mut h = sample_harness();
    let word = find(h.state(), "الساحلية", 0);
    let p = screen_rect(h.state(), word.clone()).center();
    double_click(&mut h, p);
    assert_eq!(h.state().view().selection(), Some(word.clone()));
    // In an Arabic paragraph, Left moves forward in logical order: the selection grows
    // by the following space.
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    h.run_steps(1);
    assert_eq!(h.state().view().selection(), Some(word.start..word.end + 1));
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(1);
    assert_eq!(h.state().view().selection(), Some(word.start..word.end - 1));
    // Copy gives the text in logical order.
    h.event(Event::Copy);
    h.run_steps(1);
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, vec!["الساحلي".to_string()]);
}

#[test]
fn hovering_a_span_shows_its_label_text_and_attributes() {
    let mut h = sample_harness();
    let w = find(h.state(), "طرابلس", 0);
    let p = screen_rect(h.state(), w).center();
    h.hover_at(p);
    h.run_steps(60); // tooltip delay
    let set = h.state().workspace().current_set().unwrap();
    let span = set
        .spans
        .iter()
        .find(|s| s.text == "طرابلس")
        .unwrap()
        .clone();
    let title = format!("location · {}", span.id);
    // In the tooltip (and maybe in the visible part of the annotation list).
    let with_tooltip = h.query_all_by_label(&title).count();
    assert!(with_tooltip >= 1, "tooltip titled «{title}»");
    assert!(h.query_by_label("kind: city").is_some());
    // Away from the text, no tooltip.
    h.hover_at(pos2(5.0, 790.0));
    h.run_steps(60);
    assert_eq!(h.query_all_by_label(&title).count(), with_tooltip - 1);
    assert!(h.query_by_label("kind: city").is_none());
}

#[test]
fn boundary_editing_by_keyboard() {
    let mut h = sample_harness();
    h.key_press(Key::Tab); // selects the first span
    h.run_steps(1);
    let id = h
        .state()
        .workspace()
        .selected_span()
        .map(str::to_string)
        .expect("Tab selects a span");
    let span = |h: &H| {
        h.state()
            .workspace()
            .current_set()
            .unwrap()
            .span(&id)
            .unwrap()
            .clone()
    };
    let before = span(&h);
    h.key_press(Key::E);
    h.run_steps(1);
    let grown = span(&h);
    assert_eq!(grown.start, before.start);
    assert!(grown.end > before.end);
    assert!(
        grown.text.starts_with(&before.text) && grown.text.contains(' '),
        "grew by a word: «{}»",
        grown.text
    );
    h.key_press_modifiers(Modifiers::SHIFT, Key::E);
    h.run_steps(1);
    assert_eq!(span(&h), before);
    h.key_press(Key::B);
    h.run_steps(1);
    let earlier = span(&h);
    assert!(earlier.start < before.start && earlier.end == before.end);
    assert!(
        earlier.text.ends_with(&before.text),
        "grew backwards by a word: «{}»",
        earlier.text
    );
    h.key_press_modifiers(Modifiers::SHIFT, Key::B);
    h.run_steps(1);
    assert_eq!(span(&h), before);
    h.key_press(Key::E);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(span(&h), before, "undo restores the bounds");
}

#[test]
fn right_click_on_a_selection_offers_the_labels() {
    let mut h = sample_harness();
    let w = find(h.state(), "441", 0);
    select_by_drag(&mut h, w.clone());
    let p = screen_rect(h.state(), w.clone()).center();
    right_click(&mut h, p);
    h.get_by_label("Tag the selection as");
    h.get_by_label("Location").click();
    h.run_steps(2);
    let set = h.state().workspace().current_set().unwrap();
    assert!(
        set.spans
            .iter()
            .any(|s| s.start == w.start && s.end == w.end && s.label == "location")
    );
}

/// The repaint egui asks for after the frame: `Duration::MAX` means "only on input".
fn repaint_delay(h: &H) -> std::time::Duration {
    h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
}

/// Idle CPU is zero: once the UI has settled, nothing asks for another frame (with a
/// selection, a span selected, the search bar open); with unsaved edits the only timer is
/// the 30-second autosave.
#[test]
fn an_idle_app_does_not_repaint() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = sample_copy_harness(dir.path());
    h.run();
    assert_eq!(
        repaint_delay(&h),
        std::time::Duration::MAX,
        "idle after start"
    );

    // A span selected with Tab and revealed (its flash animation ends), the search bar open.
    let first = h.state().workspace().current_set().unwrap().spans[0].clone();
    h.key_press(Key::Tab);
    h.run_steps(1);
    assert_eq!(
        h.state().workspace().selected_span(),
        Some(first.id.as_str())
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(120);
    h.run();
    assert!(h.state().search().open);
    assert_eq!(
        repaint_delay(&h),
        std::time::Duration::MAX,
        "idle with search open"
    );

    // Unsaved edits (the span panel's delete button): only the autosave timer.
    h.get_by_label("Delete span (Del)").click();
    h.run_steps(2);
    h.run();
    assert!(h.state().workspace().history().is_dirty());
    assert!(
        h.state()
            .workspace()
            .current_set()
            .unwrap()
            .span(&first.id)
            .is_none()
    );
    let d = repaint_delay(&h);
    assert!(
        d >= std::time::Duration::from_secs(25) && d <= std::time::Duration::from_secs(30),
        "{d:?}"
    );
}

/// A grapheme the fonts cannot draw (a Devanagari conjunct: four code points) is one
/// box in the article, and hovering it names its code points (issue #17); the emoji
/// next to it is drawn by the emoji font, no box.
#[test]
fn hovering_a_character_without_a_font_names_its_code_points() {
    let mut p = sample_without_annotations();
    let text = "قال إن ليبيا 🇱🇾 بخير 😀 هنا स्ते".to_string();
    p.documents = vec![hashiya::model::Document::new("e", "emoji", text.clone())];
    let mut h = harness_with(Workspace::new(p, None, Vec::new()));
    let conjunct = find(h.state(), "स्ते", 0);
    assert_eq!(conjunct.len(), 4, "four code points");
    let layout = h.state().view().layout().unwrap();
    let boxes = layout.missing_boxes(&text, 0);
    assert_eq!(
        boxes.iter().map(|b| b.range.clone()).collect::<Vec<_>>(),
        vec![conjunct.clone()],
        "one box, for the conjunct; the flag and the emoji are drawn: {boxes:?}"
    );
    let r = screen_rect(h.state(), conjunct);
    h.hover_at(r.center());
    h.run_steps(60); // tooltip delay
    assert!(
        h.query_by_label_contains("U+0938 U+094D U+0924 U+0947")
            .is_some(),
        "the tooltip names the conjunct's code points"
    );
    // Over the flag, no such tooltip.
    let flag = find(h.state(), "🇱🇾", 0);
    h.hover_at(screen_rect(h.state(), flag).center());
    h.run_steps(60);
    assert!(h.query_by_label_contains("U+").is_none());
    // Over Arabic, no such tooltip.
    let w = find(h.state(), "ليبيا", 0);
    h.hover_at(screen_rect(h.state(), w).center());
    h.run_steps(60);
    assert!(h.query_by_label_contains("U+").is_none());
}
