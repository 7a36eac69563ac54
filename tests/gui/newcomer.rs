//! What a new user tripped on (issue #26, item 7), each driven through the window at
//! 1280×800: the F1 overlay, the right panel's width, where the relation-type chooser
//! opens, read-only controls, the table import dialog and its path prompt, Recent,
//! a document's metadata, and the wording of counts and messages.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui::{Key, Modifiers, Pos2, Rect, pos2, vec2};
use hashiya::model::Span;
use hashiya::ui::StartOptions;
use hashiya::ui::keymap::{GESTURES, help_rows};
use hashiya::workspace::Workspace;

use crate::support::*;

fn screen() -> Rect {
    Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))
}

/// Turns the mouse wheel `notches` times at `at` (negative: down the page).
fn wheel(h: &mut H, at: Pos2, notches: i32) {
    h.hover_at(at);
    h.run_steps(1);
    for _ in 0..notches.abs() {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: vec2(0.0, if notches < 0 { -120.0 } else { 120.0 }),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(2);
    }
    h.run_steps(30);
}

#[test]
fn f1_overlay_fits_the_window_with_the_essentials_first_and_scrolls() {
    let mut h = sample_harness();
    h.key_press(Key::F1);
    h.run_steps(4);
    let on_screen = |h: &H, label: &str| screen().contains_rect(h.get_by_label(label).rect());
    // The rows a newcomer needs, without scrolling: the digits that tag, the mouse.
    assert!(
        on_screen(&h, "1 – 9"),
        "{:?}",
        h.get_by_label("1 – 9").rect()
    );
    for (keys, what) in GESTURES {
        assert!(
            on_screen(&h, keys) && on_screen(&h, what),
            "gesture «{keys}»"
        );
    }
    // The last row is below the fold; the wheel over the overlay brings it up.
    let rows = help_rows(&h.ctx);
    let last = rows.last().unwrap().1.clone();
    assert!(
        !on_screen(&h, &last),
        "the overlay is longer than the window"
    );
    let over = h.get_by_label("1 – 9").rect().center();
    wheel(&mut h, over, -40);
    assert!(
        on_screen(&h, &last),
        "scrolled to «{last}»: {:?}",
        h.get_by_label(&last).rect()
    );
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
}

/// The article's wrap width (what moves the reading position when it changes).
fn article_width(h: &H) -> f32 {
    h.state().view().layout().expect("laid out").params().width
}

/// Clicks a tab of the right panel.
fn tab(h: &mut H, name: &str) {
    h.get_by(|n| n.role() == Role::Button && n.label().as_deref() == Some(name))
        .click();
    h.run_steps(4);
}

#[test]
fn the_right_panel_keeps_its_width_whatever_its_tab_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "annotator-a", "");
    let width = article_width(&h);
    // A selected span (its details), every tab, a long unbreakable search.
    h.key_press(Key::Tab);
    h.run_steps(4);
    assert_eq!(article_width(&h), width, "selecting a span");
    for name in ["Entities", "Suggestions", "Search", "Annotations"] {
        tab(&mut h, name);
        assert_eq!(article_width(&h), width, "the {name} tab");
    }
    tab(&mut h, "Search");
    type_into(
        &mut h,
        "search every document",
        "averyveryverylongwordwithoutanyspacewhatsoeverthatdoesnotwrap",
    );
    h.run_steps(10);
    assert_eq!(article_width(&h), width, "a long search");
    tab(&mut h, "Suggestions");
    h.get_by_label("Find suggestions in every document").click();
    h.run_steps(6);
    assert_eq!(article_width(&h), width, "the suggestion groups");
    // The user can still resize it: dragging its edge 100 points left widens it, and
    // the new width stays across tabs.
    let edge = h.get_by_label("Annotations").rect().min.x - 8.0;
    let y = 400.0;
    h.hover_at(pos2(edge, y));
    h.run_steps(1);
    press(&h, pos2(edge, y), true);
    h.run_steps(1);
    for k in 1..=5 {
        h.hover_at(pos2(edge - 20.0 * k as f32, y));
        h.run_steps(1);
    }
    press(&h, pos2(edge - 100.0, y), false);
    h.run_steps(10);
    let narrower = article_width(&h);
    assert!(
        narrower < width - 50.0,
        "{narrower} after dragging from {width}"
    );
    for name in ["Entities", "Annotations"] {
        tab(&mut h, name);
        assert_eq!(article_width(&h), narrower, "the {name} tab after resizing");
    }
    // Remembered: the next start has the same width.
    let config = std::fs::read_to_string(dir.path().join("config.json")).unwrap();
    assert!(config.contains("right_panel_width"), "{config}");
    let again = harness_opts(
        Workspace::open(&dir.path().join("p.json")).unwrap(),
        StartOptions {
            config_path: Some(dir.path().join("config.json")),
            ..Default::default()
        },
    );
    assert_eq!(article_width(&again), narrower, "the width after a restart");
}

/// A claim and an actor of the sample on screen, low enough in the window that the
/// window's top-left corner is far from them, with no relation between them.
fn claim_and_actor(h: &H) -> (Span, Span) {
    let set = h.state().workspace().current_set().unwrap().clone();
    let at = |s: &Span| screen_rect(h.state(), s.start..s.start + 1).center();
    let low = |s: &Span| (350.0..720.0).contains(&at(s).y);
    set.spans
        .iter()
        .filter(|c| c.label == "claim" && (80.0..720.0).contains(&at(c).y))
        .flat_map(|c| {
            set.spans
                .iter()
                .filter(|a| a.label == "actor" && low(a) && !a.overlaps(c))
                .map(move |a| (c.clone(), a.clone()))
        })
        .find(|(c, a)| {
            !set.relations
                .iter()
                .any(|r| (r.from == c.id && r.to == a.id) || (r.from == a.id && r.to == c.id))
        })
        .expect("a claim and an actor on the first screen")
}

#[test]
fn the_relation_type_chooser_opens_next_to_the_target_span() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = sample_copy_harness(dir.path());
    let (claim, actor) = claim_and_actor(&h);
    click_span(&mut h, &claim.id);
    h.run_steps(30);
    h.key_press(Key::R);
    h.run_steps(1);
    assert_eq!(h.state().pending_relation(), Some(claim.id.as_str()));
    let target = screen_rect(h.state(), actor.start..actor.end).center();
    click(&mut h, target);
    h.run_steps(3);
    let question = h
        .get_by_label("Several relation types fit these two spans:")
        .rect();
    let distance = (question.left_top() - target).length();
    assert!(
        distance < 120.0,
        "the chooser ({question:?}) opens next to the click on the target ({target:?})"
    );
    assert!(screen().contains_rect(question), "and on screen");
    h.key_press(Key::Num1);
    h.run_steps(2);
    assert!(
        h.state()
            .workspace()
            .current_set()
            .unwrap()
            .relations
            .iter()
            .any(|r| r.from == claim.id && r.to == actor.id)
    );
}

/// The app as user `me` on a copy of the sample, whose only annotator is
/// `annotator-a` (so its labels are shown read-only), with `config` as the rest of the
/// settings file.
fn harness_as(dir: &Path, me: &str, config: &str) -> (PathBuf, H) {
    let path = dir.join("p.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let cfg = dir.join("config.json");
    std::fs::write(&cfg, format!("{{\"annotator\": \"{me}\"{config}}}")).unwrap();
    let opts = StartOptions {
        config_path: Some(cfg),
        ..Default::default()
    };
    let h = harness_opts(Workspace::open(&path).unwrap(), opts);
    (path, h)
}

fn disabled(h: &H, label: &str) -> bool {
    h.get_by(|n| n.label().as_deref() == Some(label) && n.role() != Role::Label)
        .accesskit_node()
        .is_disabled()
}

#[test]
fn read_only_controls_are_disabled_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = harness_as(dir.path(), "sara", "");
    assert!(h.state().workspace().read_only());
    // A span without an entity: its kind, "New entity" and Delete are offered.
    let id = {
        let set = h.state().workspace().current_set().unwrap();
        set.spans
            .iter()
            .find(|s| s.entity.is_none())
            .unwrap()
            .id
            .clone()
    };
    click_span(&mut h, &id);
    h.run_steps(2);
    for control in ["Delete span (Del)", "New entity from this mention", "kind"] {
        assert!(disabled(&h, control), "«{control}» is disabled");
    }
    // The hover text says why and what to do.
    h.get_by_label("Delete span (Del)").hover();
    h.run_steps(40);
    let why = "Read-only: these are annotator-a's labels. Start your own set, or choose \"Edit annotator-a's labels\" in the toolbar";
    assert!(shown(&h, why), "the hover text says why");
    // Editing them explicitly enables the controls.
    h.get_by_label("Edit annotator-a's labels").click();
    h.run_steps(3);
    for control in ["Delete span (Del)", "New entity from this mention", "kind"] {
        assert!(!disabled(&h, control), "«{control}» is enabled");
    }
}

fn corpus_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/articles.csv")
}

/// Opens File → Import → `format` and answers the path prompt with `path`.
fn import(h: &mut H, format: &str, path: &Path) {
    menu(h, &["File", "Import"], &format!("{format}…"));
    answer_path_prompt(h, path);
    h.run_steps(3);
}

#[test]
fn table_import_preselects_the_id_and_title_columns_and_cuts_cells_between_words() {
    let mut h = sample_harness();
    menu(&mut h, &["File", "Import"], "csv…");
    // The prompt's field says what it wants (not "the project file").
    assert!(shown(&h, "Path of the table to import:"));
    assert!(!shown(&h, "Path of the project file:"));
    answer_path_prompt(&mut h, &corpus_csv());
    h.run_steps(3);
    // Preview cells longer than the column are cut between words, with "…".
    let first_text = {
        let mut r = csv::Reader::from_path(corpus_csv()).unwrap();
        let rec = r.records().next().unwrap().unwrap();
        rec[2].to_string()
    };
    assert!(first_text.chars().count() > 60);
    let flat: String = first_text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let begins: String = flat.chars().take(10).collect();
    let cell = h
        .query_by(|n| {
            n.role() == Role::Label
                && n.value()
                    .is_some_and(|l| l.starts_with(&begins) && l != flat)
        })
        .expect("the first row's text cell")
        .accesskit_node()
        .value()
        .unwrap();
    assert!(cell.ends_with('…'), "«{cell}» ends with …");
    let kept = cell.trim_end_matches('…');
    assert!(flat.starts_with(kept), "«{cell}» begins the cell");
    assert_eq!(
        flat[kept.len()..].chars().next(),
        Some(' '),
        "«{cell}» is cut before a space, not inside a word"
    );
    // "Import" with what the dialog chose: the file's ids and titles.
    h.get_by_label("Import").click();
    h.run_steps(3);
    let docs = &h.state().workspace().project().documents;
    let d = docs.iter().find(|d| d.id == "101").expect("the id column");
    assert_eq!(d.title, "الجيش يدخل درنة");
}

#[test]
fn table_import_recognises_common_header_variants() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    std::fs::write(
        &csv,
        "Doc-ID,Headline,Body\nA7,عنوان أول,نص المقال الأول هنا\nA8,عنوان ثان,نص المقال الثاني هنا\n",
    )
    .unwrap();
    let mut h = sample_harness();
    import(&mut h, "csv", &csv);
    h.get_by_label("Import").click();
    h.run_steps(3);
    let docs = &h.state().workspace().project().documents;
    let d = docs
        .iter()
        .find(|d| d.id == "A7")
        .expect("Doc-ID is the id");
    assert_eq!(d.title, "عنوان أول", "Headline is the title");
    assert_eq!(d.text, "نص المقال الأول هنا");
}

#[test]
fn a_folder_is_chosen_by_clicking_it_in_the_import_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = sample_copy_harness(dir.path());
    let folder = dir.path().join("articles");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("one.txt"), "المقال الأول.").unwrap();
    std::fs::write(folder.join("two.txt"), "المقال الثاني.").unwrap();
    let before = h.state().workspace().project().documents.len();
    menu(&mut h, &["File", "Import"], "text…");
    assert!(shown(&h, "Path of the file or folder to import:"));
    // The browser starts in the project's folder: click «articles», then OK.
    h.get_by_label("articles").click();
    h.run_steps(3);
    assert!(shown(&h, "one.txt"), "the click entered the folder");
    h.get_by_label("OK").click();
    h.run_steps(3);
    let ws = h.state().workspace();
    assert_eq!(
        ws.project().documents.len(),
        before + 2,
        "the folder's two files: {}",
        ws.status()
    );
}

#[test]
fn recent_projects_with_the_same_file_name_show_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut recent = Vec::new();
    for sub in ["derna", "sirte"] {
        let d = dir.path().join(sub);
        std::fs::create_dir(&d).unwrap();
        std::fs::copy(sample_path(), d.join("p.json")).unwrap();
        recent.push(format!("{:?}", d.join("p.json").display().to_string()));
    }
    let config = format!(", \"recent\": [{}]", recent.join(", "));
    let (_, mut h) = harness_as(dir.path(), "annotator-a", &config);
    h.get_by_label("File").click();
    h.run_steps(2);
    assert!(shown(&h, "p.json — derna"), "the first, with its folder");
    assert!(shown(&h, "p.json — sirte"), "the second, with its folder");
    h.get_by_label("p.json — sirte").click();
    h.run_steps(3);
    let opened = h.state().workspace().path().map(Path::to_path_buf);
    assert_eq!(
        opened.and_then(|p| p.parent().and_then(|d| d.file_name()).map(|n| n.to_owned())),
        Some("sirte".into())
    );
}

#[test]
fn the_current_documents_metadata_is_shown() {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    let d = &mut p.documents[0];
    d.source.date = Some("2016-05-24".into());
    d.source.url = Some("https://www.aljazeera.net/news/2016/5/24".into());
    d.meta.insert("section".into(), "أخبار".into());
    let mut h = harness_with(Workspace::new(p, None, vec![]));
    h.run_steps(2);
    assert!(shown(&h, "About this document"));
    for value in [
        "Al Jazeera Net",
        "2016-05-24",
        "https://www.aljazeera.net/news/2016/5/24",
        "أخبار",
        "derna-sirte",
    ] {
        assert!(shown(&h, value), "«{value}» is shown");
    }
    for key in ["outlet:", "date:", "url:", "section:"] {
        assert!(shown(&h, key), "the field name «{key}» is shown");
    }
}

#[test]
fn relabelling_a_relations_source_names_that_end_in_plain_english() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = sample_copy_harness(dir.path());
    // a-s009 is a claim, the source of a-r01 "said by" (claim → actor).
    click_span(&mut h, "a-s009");
    h.key_press(Key::Num2);
    h.run_steps(2);
    let status = h.state().workspace().status().to_string();
    assert!(
        status.contains("relation a-r01 (\"said by\") cannot start at an actor"),
        "{status}"
    );
    assert!(status.contains("delete the relation first"), "{status}");
}

/// Occurrences of `word` in the current document.
fn occurrences(h: &H, word: &str) -> usize {
    let ws = h.state().workspace();
    ws.current_document().unwrap().text.matches(word).count()
}

#[test]
fn one_of_a_thing_is_singular() {
    let mut ws = Workspace::new(sample_without_annotations(), None, vec![]);
    ws.set_annotator("tester");
    let mut h = harness_with(ws);
    let word = ["هاموند", "فيليب", "طرابلس", "المسماري"]
        .into_iter()
        .find(|w| occurrences(&h, w) == 1)
        .expect("a word found once");
    let r = find(h.state(), word, 0);
    select_by_drag(&mut h, r);
    h.key_press(Key::Num2);
    h.run_steps(3);
    assert!(shown(&h, "1 span, 0 relations"), "the Annotations tab");
    assert!(shown(&h, "1 span"), "the document's row");
    assert!(!shown(&h, "1 spans"));
    // Searching every document for that word: one match.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run_steps(2);
    type_into(&mut h, hashiya::ui::corpus_search::HINT, word);
    for _ in 0..50 {
        h.run_steps(2);
        if h.query_by(|n| n.label().is_some_and(|l| l.contains("match")))
            .is_some()
        {
            break;
        }
    }
    assert!(
        shown(&h, "1 match in 1 of 1 document"),
        "the corpus search's summary"
    );
    assert!(shown(&h, "1 match"), "the document's hits");
}

/// The sample with its first two spans untagged, so their words are suggested, and the
/// first suggestion current (N).
fn with_suggestions(dir: &Path) -> H {
    let (_, mut h) = sample_copy_harness(dir);
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
    h
}

#[test]
fn after_accepting_a_suggestion_the_status_names_the_one_now_current() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = with_suggestions(dir.path());
    let n = h.state().drawn_suggestions().0;
    assert!(n >= 2, "{n} suggestions");
    h.key_press(Key::N);
    h.run_steps(2);
    h.key_press(Key::A);
    h.run_steps(2);
    let status = h.state().workspace().status().to_string();
    let now = format!("Now current: suggestion 1 of {}", n - 1);
    assert!(status.starts_with("Accepted «"), "{status}");
    assert!(status.contains(&now), "{status}");
    // A again accepts the one named.
    let named = status.split("Now current").nth(1).unwrap().to_string();
    let spans = h.state().workspace().current_set().unwrap().spans.len();
    h.key_press(Key::A);
    h.run_steps(2);
    assert_eq!(
        h.state().workspace().current_set().unwrap().spans.len(),
        spans + 1
    );
    let accepted = h.state().workspace().status().to_string();
    let text = named.split('«').nth(1).unwrap().split('»').next().unwrap();
    assert!(
        accepted.starts_with(&format!("Accepted «{text}»")),
        "{accepted} after {named}"
    );
}

/// Horizontal line segments painted in the last frame in `color` (dashes of a dashed
/// line are one segment each).
fn segments(h: &H, color: egui::Color32) -> Vec<[Pos2; 2]> {
    fn walk(s: &egui::Shape, color: egui::Color32, out: &mut Vec<[Pos2; 2]>) {
        match s {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, color, out)),
            egui::Shape::LineSegment { points, stroke }
                if stroke.color == color && (points[0].y - points[1].y).abs() < 0.5 =>
            {
                out.push(*points)
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, color, &mut out);
    }
    out
}

/// The rectangles of the chips with this text painted in the last frame.
fn chips(h: &H, text: &str) -> Vec<Rect> {
    h.output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Text(t) if t.galley.text() == text => Some(Rect::from_min_size(
                t.pos - vec2(3.0, 1.0),
                t.galley.size() + vec2(6.0, 2.0),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn no_dashed_stub_beside_a_suggestion_chip() {
    let dir = tempfile::tempdir().unwrap();
    let h = with_suggestions(dir.path());
    let color = {
        let p = h.state().workspace().project();
        hashiya::ui::widgets::label_color(p, "actor")
    };
    let chips = chips(&h, "? actor");
    assert!(!chips.is_empty(), "suggestion chips are drawn");
    let dashes = segments(&h, color);
    for chip in &chips {
        // Dashes at the chip's height, just beside it (within a word's width).
        let stub: Vec<_> = dashes
            .iter()
            .filter(|[a, b]| {
                let y = a.y;
                let x = a.x.max(b.x);
                let x0 = a.x.min(b.x);
                (chip.min.y - 1.0..=chip.max.y + 1.0).contains(&y)
                    && (x <= chip.min.x + 0.5 || x0 >= chip.max.x - 0.5)
                    && (x0 - chip.max.x).abs().min((chip.min.x - x).abs()) < 60.0
            })
            .collect();
        assert!(stub.is_empty(), "dashes beside the chip {chip:?}: {stub:?}");
    }
}
