//! The GUI driven headless with egui_kittest: real `HashiyaApp`, simulated pointer and
//! keys, assertions on the app's state and on the saved project.

use std::path::Path;

use egui::{Event, Key, Modifiers, PointerButton, Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use hashiya::store;
use hashiya::ui::{HashiyaApp, StartOptions, Workspace};

fn sample_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json")
}

fn harness_with(ws: Workspace) -> Harness<'static, HashiyaApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, StartOptions::default()));
    h.run_steps(3);
    h
}

/// The app on a copy of the sample project in `dir` (`dir/p.json`, also returned).
fn sample_copy_harness(dir: &Path) -> (std::path::PathBuf, Harness<'static, HashiyaApp>) {
    let path = dir.join("p.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let l = store::load(&path).unwrap();
    let h = harness_with(Workspace::new(l.project, Some(path.clone()), l.warnings));
    (path, h)
}

fn sample_harness() -> Harness<'static, HashiyaApp> {
    let l = store::load(&sample_path()).unwrap();
    harness_with(Workspace::new(l.project, None, l.warnings))
}

/// Code point range of the `n`-th occurrence of `word` in the current document.
fn find(app: &HashiyaApp, word: &str, n: usize) -> std::ops::Range<usize> {
    let text = &app.ws.project.documents[app.ws.doc].text;
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
fn screen_rect(app: &HashiyaApp, r: std::ops::Range<usize>) -> egui::Rect {
    let layout = app.view.layout().expect("laid out");
    let rr = layout.range_rects(r.start, r.end)[0];
    let o = app.view.origin();
    egui::Rect::from_min_max(
        pos2(o.x + rr.x0, o.y + rr.y0),
        pos2(o.x + rr.x1, o.y + rr.y1),
    )
}

fn press(h: &Harness<HashiyaApp>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

fn drag(h: &mut Harness<HashiyaApp>, from: Pos2, to: Pos2) {
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
                h.state().view.selection(),
                h.state().view.origin()
            );
        }
    }
    press(h, to, false);
    h.run_steps(2);
}

fn click(h: &mut Harness<HashiyaApp>, at: Pos2) {
    h.hover_at(at);
    h.run_steps(1);
    press(h, at, true);
    press(h, at, false);
    h.run_steps(1);
}

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
    assert_eq!(h.state().view.selection(), Some(word.clone()));
    // And the other way round (left to right) selects the same range.
    drag(
        &mut h,
        pos2(r.min.x + 1.0, r.center().y),
        pos2(r.max.x - 1.0, r.center().y),
    );
    assert_eq!(h.state().view.selection(), Some(word));
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
    assert_eq!(h.state().view.selection(), Some(n));
}

#[test]
fn double_click_selects_the_word() {
    let mut h = sample_harness();
    let word = find(h.state(), "الساحلية", 0);
    let r = screen_rect(h.state(), word.clone());
    let p = r.center();
    h.hover_at(p);
    h.run_steps(1);
    for _ in 0..2 {
        press(&h, p, true);
        h.run_steps(1);
        press(&h, p, false);
        h.run_steps(1);
    }
    h.run_steps(1);
    assert_eq!(h.state().view.selection(), Some(word));
}

#[test]
fn zoom_relayouts_but_keeps_the_selection_and_layout_is_cached() {
    let mut h = sample_harness();
    let word = find(h.state(), "درنة", 3);
    h.state_mut().view.set_selection(Some(word.clone()));
    h.run_steps(3);
    let built = h.state().view.layouts_built;
    h.run_steps(5);
    assert_eq!(
        h.state().view.layouts_built,
        built,
        "no re-layout while nothing changes"
    );
    let lines_before = h.state().view.layout().unwrap().lines().len();
    let size_before = h.state().view.font_size;
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run_steps(2);
    assert!(h.state().view.font_size > size_before);
    assert!(
        h.state().view.layout().unwrap().lines().len() > lines_before,
        "larger text wraps into more lines"
    );
    assert_eq!(h.state().view.selection(), Some(word.clone()));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.run_steps(2);
    assert_eq!(h.state().view.font_size, size_before);
    assert_eq!(h.state().view.selection(), Some(word));
}

#[test]
fn tag_attribute_relation_undo_redo_save_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    // Start from the sample text with no annotations.
    let mut project = store::load(&sample_path()).unwrap().project;
    project.sets.clear();
    project.entities.clear();
    store::save(&project, &path).unwrap();
    let l = store::load(&path).unwrap();
    let mut ws = Workspace::new(l.project, Some(path.clone()), l.warnings);
    ws.annotator = "tester".into();
    let mut h = harness_with(ws);

    // 1. Select «فيليب هاموند» with the mouse (drag, including the space before it) and press 2.
    let name = find(h.state(), "فيليب هاموند", 0);
    // It is far down the article: scroll it into view first.
    h.state_mut().view.reveal(name.clone(), 0.0);
    h.run_steps(90); // let the scroll animation settle
    let first = screen_rect(h.state(), name.start..name.start + 5);
    let last = screen_rect(h.state(), name.end - 6..name.end);
    drag(
        &mut h,
        pos2(first.max.x + 3.0, first.center().y),
        pos2(last.min.x + 1.0, last.center().y),
    );
    assert!(h.state().view.selection().is_some());
    h.key_press(Key::Num2);
    h.run_steps(2);
    let set = h
        .state()
        .ws
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
    h.get_by_label("kind").click();
    h.run_steps(2);
    h.get_by_label("person").click();
    h.run_steps(2);
    assert_eq!(
        h.state().ws.current_set().unwrap().spans[0]
            .attributes
            .get("kind")
            .map(String::as_str),
        Some("person")
    );

    // 3. Tag the claim (select by setting the selection as a double-check of the key path),
    //    then R + click on the actor: two types fit (said by, about), choose 1 = said by.
    let claim = find(h.state(), "مستعدة لتقديم الدعم العسكري", 0);
    h.state_mut().view.set_selection(Some(claim.clone()));
    h.key_press(Key::Num1);
    h.run_steps(2);
    let claim_id = h
        .state()
        .ws
        .selected_span
        .clone()
        .expect("new span selected");
    h.key_press(Key::R);
    h.run_steps(1);
    assert_eq!(
        h.state().relation_from.as_deref(),
        Some(claim_id.as_str()),
        "R starts a relation: {}",
        h.state().ws.status
    );
    let target = screen_rect(h.state(), name.clone()).center();
    click(&mut h, target);
    h.run_steps(1);
    h.key_press(Key::Num1);
    h.run_steps(2);
    let set = h.state().ws.current_set().unwrap().clone();
    assert_eq!(set.relations.len(), 1, "status: {}", h.state().ws.status);
    assert_eq!(
        (
            set.relations[0].kind.as_str(),
            set.relations[0].from.as_str(),
            set.relations[0].to.as_str()
        ),
        ("said_by", claim_id.as_str(), actor.id.as_str())
    );
    let full = h.state().ws.project.clone();

    // 4. Undo three times: relation, claim, attribute.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run_steps(1);
    }
    let set = h.state().ws.current_set().unwrap().clone();
    assert_eq!(set.spans.len(), 1);
    assert!(set.relations.is_empty());
    assert!(set.spans[0].attributes.is_empty());
    // 5. Redo three times.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        h.run_steps(1);
    }
    assert_eq!(h.state().ws.project, full);
    // 6. Save with Ctrl+S and reload from disk.
    assert!(h.state().ws.history.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(1);
    assert!(!h.state().ws.history.is_dirty(), "{}", h.state().ws.status);
    let reloaded = store::load(&path).unwrap();
    assert!(reloaded.warnings.is_empty());
    assert_eq!(reloaded.project, full);
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
        .ws
        .selected_span
        .clone()
        .expect("a span is selected");
    h.run_steps(30); // let the double-click window (0.3 s) pass
    click(&mut h, p);
    let second = h.state().ws.selected_span.clone().expect("still a span");
    assert_ne!(
        first, second,
        "a second click selects the next span under the pointer"
    );
    let before = h.state().ws.current_set().unwrap().spans.len();
    h.key_press(Key::Delete);
    h.run_steps(1);
    assert_eq!(h.state().ws.current_set().unwrap().spans.len(), before - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(h.state().ws.current_set().unwrap().spans.len(), before);
}

fn double_click(h: &mut Harness<HashiyaApp>, p: Pos2) {
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

#[test]
fn shift_arrows_extend_visually_and_copy_is_logical() {
    let mut h = sample_harness();
    let word = find(h.state(), "الساحلية", 0);
    let p = screen_rect(h.state(), word.clone()).center();
    double_click(&mut h, p);
    assert_eq!(h.state().view.selection(), Some(word.clone()));
    // In an Arabic paragraph, Left moves forward in logical order: the selection grows
    // by the following space.
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    h.run_steps(1);
    assert_eq!(h.state().view.selection(), Some(word.start..word.end + 1));
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(1);
    assert_eq!(h.state().view.selection(), Some(word.start..word.end - 1));
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
    let set = h.state().ws.current_set().unwrap();
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
fn search_ignores_harakat_and_tag_all_is_one_undo_step() {
    use hashiya::model::{Document, LabelSchema, Project};
    let text = "دخلت القوات دَرْنَةَ ثم غادرت درنـــة، وبقيت درنة هادئة. وفي سرت";
    let mut p = Project::new("search", LabelSchema::news_default());
    p.documents.push(Document::new("d", "t", text));
    let mut ws = Workspace::new(p, None, vec![]);
    ws.annotator = "tester".into();
    let mut h = harness_with(ws);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    assert!(h.state().search.open);
    assert!(
        h.state().search.field.is_focused(),
        "Ctrl+F focuses the search field"
    );
    h.event(Event::Text("درنة".into()));
    h.run_steps(2);
    assert_eq!(h.state().search.field.text, "درنة");
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<String> = h
        .state()
        .search
        .matches
        .iter()
        .map(|r| chars[r.clone()].iter().collect())
        .collect();
    assert_eq!(found, ["دَرْنَةَ", "درنـــة", "درنة"]);
    // Typing «3» while the field has focus must not tag anything.
    assert!(h.state().ws.current_set().is_none());
    // Enter walks the matches.
    assert_eq!(h.state().search.current, Some(0));
    h.key_press(Key::Enter);
    h.run_steps(1);
    assert_eq!(h.state().search.current, Some(1));
    h.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    h.run_steps(1);
    assert_eq!(h.state().search.current, Some(0));
    // Tag all as location.
    h.state_mut().search.label = "location".into();
    h.get_by_label("Tag all matches").click();
    h.run_steps(2);
    let set = h.state().ws.current_set().unwrap().clone();
    assert_eq!(set.spans.len(), 3);
    assert!(set.spans.iter().all(|s| s.label == "location"));
    assert_eq!(
        set.spans[0].text, "دَرْنَةَ",
        "harakat belong to the tagged word"
    );
    // A second "tag all" does nothing new.
    h.get_by_label("Tag all matches").click();
    h.run_steps(2);
    assert_eq!(h.state().ws.current_set().unwrap().spans.len(), 3);
    // One undo removes all three.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(
        h.state()
            .ws
            .current_set()
            .is_none_or(|s| s.spans.is_empty())
    );
}

#[test]
fn boundary_editing_by_keyboard() {
    let mut h = sample_harness();
    h.key_press(Key::Tab); // selects the first span
    h.run_steps(1);
    let id = h
        .state()
        .ws
        .selected_span
        .clone()
        .expect("Tab selects a span");
    let span = |h: &Harness<HashiyaApp>| {
        h.state()
            .ws
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
fn entity_merge_from_the_entities_panel() {
    let mut h = sample_harness();
    h.get_by_label("Entities").click();
    h.run_steps(2);
    assert_eq!(h.state().right_tab, hashiya::ui::app::RightTab::Entities);
    let p = h.state().ws.project.clone();
    // Pick two actor entities and merge the second into the first.
    let actors: Vec<_> = p
        .entities
        .iter()
        .filter(|e| e.label == "actor")
        .cloned()
        .collect();
    let (keep, gone) = (actors[0].clone(), actors[1].clone());
    let counts = hashiya::model::edit::entity_mentions(&p);
    let prefix = format!("actor · {} · ", gone.id);
    let text_of = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
        n.label().or_else(|| n.value()).unwrap_or_default()
    };
    let node = h
        .query_all_by(|n| text_of(n).starts_with(&prefix))
        .last()
        .unwrap_or_else(|| panic!("no entity row starting with «{prefix}»"));
    node.click_secondary();
    h.run_steps(2);
    h.get_by_label(&format!("{} ({})", keep.id, keep.name))
        .click();
    h.run_steps(2);
    let q = h.state().ws.project.clone();
    assert!(q.entity(&gone.id).is_none());
    let merged = q.entity(&keep.id).unwrap();
    assert!(merged.aliases.contains(&gone.name));
    let after = hashiya::model::edit::entity_mentions(&q);
    assert_eq!(after[&keep.id], counts[&keep.id] + counts[&gone.id]);
    assert!(
        hashiya::store::validate(&q)
            .iter()
            .all(|p| p.severity != hashiya::store::Severity::Error)
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(h.state().ws.project, p);
}

fn harness_opts(ws: Workspace, opts: StartOptions) -> Harness<'static, HashiyaApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, opts));
    h.run_steps(3);
    h
}

#[test]
fn autosave_on_focus_loss_and_recovery_offer_restore_or_discard() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let original = store::load(&sample_path()).unwrap().project;
    store::save(&original, &path).unwrap();
    // Session 1: an edit, then the window loses focus: the recovery file is written.
    let l = store::load(&path).unwrap();
    let mut h = harness_opts(
        Workspace::new(l.project, Some(path.clone()), vec![]),
        StartOptions::default(),
    );
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(1);
    let edited = h.state().ws.project.clone();
    assert_ne!(edited, original);
    h.event(Event::WindowFocused(false));
    h.run_steps(1);
    let rec = store::recovery::recovery_path(&path);
    assert!(
        rec.exists(),
        "focus loss with unsaved changes writes the recovery file"
    );
    drop(h); // the "crash": nothing saved
    // Session 2: the newer recovery file is offered; restore it.
    let pending = store::recovery::pending_recovery(&path)
        .expect("offered")
        .unwrap();
    let l = store::load(&path).unwrap();
    let opts = StartOptions {
        recovery: Some(pending.clone()),
        ..Default::default()
    };
    let mut h = harness_opts(Workspace::new(l.project, Some(path.clone()), vec![]), opts);
    h.get_by_label("Restore the unsaved work").click();
    h.run_steps(2);
    assert_eq!(h.state().ws.project, edited);
    assert!(
        h.state().ws.history.is_dirty(),
        "restored work is unsaved until saved"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(
        h.state().ws.project,
        original,
        "the restore is one undo step"
    );
    // Session 3: discard it.
    let l = store::load(&path).unwrap();
    let opts = StartOptions {
        recovery: Some(pending),
        ..Default::default()
    };
    let mut h = harness_opts(Workspace::new(l.project, Some(path.clone()), vec![]), opts);
    h.get_by_label("Discard it").click();
    h.run_steps(2);
    assert!(!rec.exists());
    assert_eq!(h.state().ws.project, original);
}

#[test]
fn annotator_name_is_asked_once_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.json");
    let mut p = store::load(&sample_path()).unwrap().project;
    p.sets.clear();
    p.entities.clear();
    let opts = StartOptions {
        config_path: Some(cfg.clone()),
        ..Default::default()
    };
    let mut h = harness_opts(Workspace::new(p.clone(), None, vec![]), opts.clone());
    assert!(h.query_by_label("Who is annotating?").is_some());
    h.event(Event::Text("سارة".into()));
    h.run_steps(1);
    // Digits typed into the name field must not tag anything.
    h.event(Event::Text("2".into()));
    h.run_steps(1);
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.query_by_label("Who is annotating?").is_none());
    assert_eq!(h.state().ws.annotator, "سارة2");
    let saved = hashiya::ui::config::Config::load(&cfg);
    assert_eq!(saved.annotator.as_deref(), Some("سارة2"));
    // Next start: not asked again, and the name is used.
    let h = harness_opts(Workspace::new(p, None, vec![]), opts);
    assert!(h.query_by_label("Who is annotating?").is_none());
    assert_eq!(h.state().ws.annotator, "سارة2");
}

#[test]
fn schema_rename_in_the_editor_keeps_spans() {
    let mut h = sample_harness();
    let before = h.state().ws.project.clone();
    let actors = before.sets[0]
        .spans
        .iter()
        .filter(|s| s.label == "actor")
        .count();
    assert!(actors > 0);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Label schema…").click();
    h.run_steps(2);
    assert!(h.state().schema_editor.open);
    let field = h
        .query_all_by(|n| {
            n.role() == egui::accesskit::Role::TextInput && n.value().as_deref() == Some("actor")
        })
        .next()
        .expect("the id field of the actor label");
    field.focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.event(Event::Text("person".into()));
    h.run_steps(1);
    h.get_by_label("Apply").click();
    h.run_steps(2);
    assert!(
        !h.state().schema_editor.open,
        "{:?}",
        h.state().schema_editor.error
    );
    let after = &h.state().ws.project;
    assert!(after.schema.label("actor").is_none() && after.schema.label("person").is_some());
    assert_eq!(
        after.sets[0]
            .spans
            .iter()
            .filter(|s| s.label == "person")
            .count(),
        actors
    );
    assert_eq!(after.sets[0].spans.len(), before.sets[0].spans.len());
    assert_eq!(
        after.schema.relation_type("said_by").unwrap().to,
        ["person"]
    );
    let errors: Vec<_> = hashiya::store::validate(after)
        .into_iter()
        .filter(|p| p.severity == hashiya::store::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Number keys typed into the schema editor must not have tagged anything.
    assert_eq!(after.sets[0].spans.len(), before.sets[0].spans.len());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(h.state().ws.project, before);
}

#[test]
fn annotation_list_filters_and_context_menu_tagging() {
    let mut h = sample_harness();
    let spans = h.state().ws.current_set().unwrap().spans.clone();
    let derna = spans.iter().filter(|s| s.text.contains("درنة")).count();
    h.state_mut().list_filter.set_text("درنه"); // no: ة and ه stay distinct
    h.run_steps(2);
    assert!(
        h.query_by_label(&format!("0 of {} spans shown", spans.len()))
            .is_some()
    );
    h.state_mut().list_filter.set_text("درنة");
    h.run_steps(2);
    assert!(
        h.query_by_label(&format!("{derna} of {} spans shown", spans.len()))
            .is_some()
    );
    h.state_mut().list_filter.set_text("");
    h.state_mut().list_label = Some("claim".into());
    h.run_steps(2);
    let claims = spans.iter().filter(|s| s.label == "claim").count();
    assert!(
        h.query_by_label(&format!("{claims} of {} spans shown", spans.len()))
            .is_some()
    );

    // Right-click on a selection offers the labels.
    let w = find(h.state(), "441", 0);
    h.state_mut().view.set_selection(Some(w.clone()));
    h.run_steps(1);
    let p = screen_rect(h.state(), w.clone()).center();
    h.hover_at(p);
    h.run_steps(1);
    h.event(Event::PointerButton {
        pos: p,
        button: PointerButton::Secondary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(Event::PointerButton {
        pos: p,
        button: PointerButton::Secondary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(2);
    h.get_by_label("Tag the selection as");
    h.get_by_label("Location").click();
    h.run_steps(2);
    let set = h.state().ws.current_set().unwrap();
    assert!(
        set.spans
            .iter()
            .any(|s| s.start == w.start && s.end == w.end && s.label == "location")
    );
}

#[test]
fn big_projects_lay_out_only_visible_rows() {
    use hashiya::model::{AnnotationSet, Document, Span};
    let base = store::load(&sample_path()).unwrap().project;
    let text = base.documents[0].text.clone();
    let mut p = base.clone();
    p.sets.clear();
    p.entities.clear();
    // 3,000 documents; the first carries 30,000 spans.
    for d in 1..3000 {
        p.documents.push(Document::new(
            format!("doc{d}"),
            format!("مقال رقم {d}"),
            text.clone(),
        ));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut set = AnnotationSet::new("a", &p.documents[0].id);
    for i in 0..30_000 {
        let s = (i * 7) % (chars.len() - 10);
        set.spans.push(Span::new(
            format!("s{i}"),
            s,
            s + 5,
            ["claim", "actor", "location"][i % 3],
            chars[s..s + 5].iter().collect::<String>(),
        ));
    }
    p.sets.push(set);
    p.canonicalize();
    let mut h = harness_with(Workspace::new(p, None, vec![]));
    h.run_steps(5);
    let cached = h.state().view.text.cached_labels();
    assert!(
        cached < 300,
        "{cached} labels laid out: the lists are not virtualised"
    );
    assert_eq!(h.state().view.layouts_built, 1);
    // Filtering the 30,000 spans still works and lists the right count.
    h.state_mut().list_label = Some("actor".into());
    h.run_steps(2);
    assert!(h.query_by_label("10000 of 30000 spans shown").is_some());
}

#[test]
fn adjudicate_every_disagreement_of_the_sample_pair() {
    use hashiya::model::Provenance;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let b_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.annotator-b.json");
    let a_before = store::load(&path).unwrap().project;
    let b_bytes = std::fs::read(&b_path).unwrap();
    let opts = StartOptions {
        compare: Some(b_path.clone()),
        ..Default::default()
    };
    let l = store::load(&path).unwrap();
    let mut h = harness_opts(
        Workspace::new(l.project, Some(path.clone()), vec![]),
        opts.clone(),
    );
    assert!(h.state().review.is_some(), "{}", h.state().ws.status);
    assert!(
        h.query_by_label("8 disagreements in this document, 0 decided")
            .is_some()
    );
    // Walk every disagreement by keyboard: keep A's version when A has one, else B's.
    for k in 0..8 {
        let has_a = h
            .query_by_label("1 Accept A")
            .is_some_and(|n| !n.accesskit_node().is_disabled());
        h.key_press(if has_a { Key::Num1 } else { Key::Num2 });
        h.run_steps(2);
        assert!(
            h.query_by_label(&format!(
                "8 disagreements in this document, {} decided",
                k + 1
            ))
            .is_some(),
            "after decision {k}: {}",
            h.state().ws.status
        );
    }
    let gold = h
        .state()
        .ws
        .project
        .set("gold", "derna-sirte")
        .expect("gold set")
        .clone();
    // 98 agreeing spans (exact with equal attributes) + 2 only-A + 3 partial (A) + 1 only-B + 2 attribute conflicts (A).
    assert_eq!(gold.spans.len(), 106);
    let count = |p: Provenance| {
        gold.spans
            .iter()
            .filter(|s| s.provenance == Some(p))
            .count()
    };
    assert_eq!(
        (
            count(Provenance::Both),
            count(Provenance::A),
            count(Provenance::B)
        ),
        (98, 7, 1)
    );
    // The inputs are untouched: A's set in the project, B's file on disk.
    assert_eq!(
        h.state().ws.project.set("annotator-a", "derna-sirte"),
        a_before.set("annotator-a", "derna-sirte")
    );
    assert_eq!(std::fs::read(&b_path).unwrap(), b_bytes);
    // Undo takes back the last decision.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(
        h.query_by_label("8 disagreements in this document, 7 decided")
            .is_some()
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert!(
        h.query_by_label("8 disagreements in this document, 8 decided")
            .is_some()
    );
    // Save, then resume in a new session: the decisions and the gold set are back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(1);
    assert!(hashiya::ui::review::sidecar_path(&path).exists());
    let saved = store::load(&path).unwrap();
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    assert_eq!(saved.project.set("gold", "derna-sirte"), Some(&gold));
    let h2 = harness_opts(
        Workspace::new(saved.project, Some(path.clone()), vec![]),
        opts,
    );
    assert!(
        h2.query_by_label("8 disagreements in this document, 8 decided")
            .is_some()
    );
}

#[test]
fn agreement_dashboard_shows_figures_and_exports_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let b_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.annotator-b.json");
    let opts = StartOptions {
        compare: Some(b_path),
        ..Default::default()
    };
    let l = store::load(&path).unwrap();
    let mut h = harness_opts(Workspace::new(l.project, Some(path.clone()), vec![]), opts);
    h.get_by_label("Agreement dashboard").click();
    h.run_steps(2);
    // The same κ and α as `hashiya agree` and the reference libraries.
    assert!(
        h.query_by_label("Cohen's κ 0.9383 · Krippendorff's α 0.9383 on 503 tokens")
            .is_some()
    );
    for (button, ext) in [("JSON", "json"), ("CSV", "csv"), ("HTML", "html")] {
        h.get_by_label(button).click();
        h.run_steps(1);
        let out = path.with_extension(format!("agreement.{ext}"));
        let body =
            std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
        assert!(
            body.contains("annotator-b"),
            "{ext} report names the annotators"
        );
        if ext == "json" {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["format"], "hashiya-agreement");
        }
    }
}

#[test]
fn import_text_files_export_with_progress_and_paste() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_harness();
    let before = h.state().ws.project.clone();
    // Invalid UTF-8: a clear error naming the file and byte, and nothing imported.
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"caf\xe9 \xd8\xaf\xd8\xb1\xd9\x86\xd8\xa9\n").unwrap();
    h.state_mut()
        .import_paths(hashiya::formats::ImportFormat::Text, vec![bad.clone()]);
    h.run_steps(1);
    let status = h.state().ws.status.clone();
    assert!(
        status.starts_with("Nothing imported")
            && status.contains("latin1.txt")
            && status.contains("byte 3"),
        "{status}"
    );
    assert_eq!(h.state().ws.project, before);
    // A CRLF file with a BOM: imported cleaned, as one undo step.
    let good = dir.path().join("sirte.txt");
    std::fs::write(&good, "\u{feff}سرت\r\nمدينة ساحلية\r\n".as_bytes()).unwrap();
    h.state_mut()
        .import_paths(hashiya::formats::ImportFormat::Text, vec![good]);
    h.run_steps(1);
    let docs = &h.state().ws.project.documents;
    assert_eq!(docs.len(), 2, "{}", h.state().ws.status);
    assert_eq!(docs[1].text, "سرت\nمدينة ساحلية\n");
    assert_eq!(docs[1].title, "سرت");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(h.state().ws.project, before);
    // Export in the background with a progress window, then the file is there.
    let out = dir.path().join("out.jsonl");
    h.state_mut()
        .export_to(hashiya::formats::ExportFormat::Jsonl, out.clone());
    h.state_mut().wait_for_export();
    h.run_steps(2);
    assert!(
        h.state().ws.status.starts_with("Exported"),
        "{}",
        h.state().ws.status
    );
    let line = std::fs::read_to_string(&out).unwrap();
    assert!(line.contains("\"derna-sirte\""));
    // Paste a text as a new document.
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Paste text as a new document…").click();
    h.run_steps(2);
    h.event(Event::Paste("خبر قصير\r\nعن طرابلس".into()));
    h.run_steps(1);
    h.get_by_label("Add document").click();
    h.run_steps(2);
    let p = &h.state().ws.project;
    assert_eq!(p.documents.len(), 2);
    assert_eq!(p.documents[1].text, "خبر قصير\nعن طرابلس");
    assert_eq!(p.documents[1].title, "خبر قصير");
    assert_eq!(h.state().ws.doc, 1, "the new document is shown");
}

/// Another program rewrites the project file while it is open with unsaved edits:
/// Ctrl+S writes nothing and asks; "Keep mine" overwrites and keeps theirs as `.bak`;
/// after a second outside change, "Reload theirs" shows their version.
#[test]
fn external_change_is_never_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let mut project = store::load(&sample_path()).unwrap().project;
    project.name = "mine".into();
    store::save(&project, &path).unwrap();
    let (l, stamp) = store::load_stamped(&path).unwrap();
    let mut ws = Workspace::new(l.project, Some(path.clone()), l.warnings);
    ws.stamp = Some(stamp);
    let mut h = harness_with(ws);

    // An edit of mine: delete the first span of the current set.
    let first = h.state().ws.current_set().unwrap().spans[0].id.clone();
    h.state_mut().ws.selected_span = Some(first.clone());
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(h.state().ws.history.is_dirty());

    // Theirs: a `git pull` renames the project.
    let mut theirs = project.clone();
    theirs.name = "theirs".into();
    std::fs::write(&path, store::to_bytes(&theirs).unwrap()).unwrap();
    let their_bytes = std::fs::read(&path).unwrap();

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        their_bytes,
        "their file untouched"
    );
    assert!(h.state().external_change.is_some());
    assert!(h.state().ws.history.is_dirty());
    for b in [
        "Reload theirs",
        "Keep mine",
        "Save mine as…",
        "Decide later",
    ] {
        h.get_by_label(b);
    }

    // Keep mine: my version on disk, theirs in the backup.
    h.get_by_label("Keep mine").click();
    h.run_steps(2);
    assert!(h.state().external_change.is_none());
    assert!(!h.state().ws.history.is_dirty());
    let on_disk = store::load(&path).unwrap().project;
    assert_eq!(on_disk.name, "mine");
    assert!(on_disk.sets.iter().all(|s| s.span(&first).is_none()));
    let bak = store::atomic::backup_path(&path);
    assert_eq!(store::load(&bak).unwrap().project.name, "theirs");

    // A later save with no outside change goes through without asking.
    h.state_mut().ws.undo();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(h.state().external_change.is_none());
    assert!(!h.state().ws.history.is_dirty());

    // Theirs again, same size as mine (only the content hash can tell): Reload theirs.
    let mine_now = std::fs::read(&path).unwrap();
    let mut theirs = store::load(&path).unwrap().project;
    theirs.name = "MINE".into();
    let their_bytes = store::to_bytes(&theirs).unwrap();
    assert_eq!(their_bytes.len(), mine_now.len());
    std::fs::write(&path, &their_bytes).unwrap();
    h.state_mut().ws.selected_span = Some(first.clone());
    h.key_press(Key::Delete);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        their_bytes,
        "their file untouched"
    );
    h.get_by_label("Reload theirs").click();
    h.run_steps(2);
    assert_eq!(h.state().ws.project.name, "MINE");
    assert!(!h.state().ws.history.is_dirty());
    assert!(
        h.state().ws.current_set().unwrap().span(&first).is_some(),
        "my unsaved delete is gone with the reload"
    );
}

/// The window regaining the focus after another program changed the file asks at once.
#[test]
fn external_change_noticed_on_focus() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut h) = sample_copy_harness(dir.path());
    h.event(Event::WindowFocused(true));
    h.run_steps(2);
    assert!(h.state().external_change.is_none(), "nothing changed yet");
    std::fs::remove_file(&path).unwrap();
    h.event(Event::WindowFocused(true));
    h.run_steps(2);
    let change = h.state().external_change.clone().expect("noticed");
    assert_eq!(change.kind, store::ChangeKind::Removed);
    h.get_by_label("Keep mine"); // a removed file can be written again
    assert!(h.query_by_label("Reload theirs").is_none());
    h.get_by_label("Keep mine").click();
    h.run_steps(2);
    assert!(path.exists());
}

/// The repaint egui asks for after the frame: `Duration::MAX` means "only on input".
fn repaint_delay(h: &Harness<HashiyaApp>) -> std::time::Duration {
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

    // A span selected and revealed (its flash animation ends), the search bar open.
    let first = h.state().ws.current_set().unwrap().spans[0].clone();
    h.state_mut().ws.selected_span = Some(first.id.clone());
    h.state_mut().view.reveal(first.start..first.end, 0.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(120);
    h.run();
    assert_eq!(
        repaint_delay(&h),
        std::time::Duration::MAX,
        "idle with search open"
    );

    // Unsaved edits: only the autosave timer.
    h.state_mut().ws.selected_span = Some(first.id.clone());
    h.state_mut().delete_selected_span();
    h.run_steps(2);
    h.run();
    assert!(h.state().ws.history.is_dirty());
    let d = repaint_delay(&h);
    assert!(
        d >= std::time::Duration::from_secs(25) && d <= std::time::Duration::from_secs(30),
        "{d:?}"
    );
}
