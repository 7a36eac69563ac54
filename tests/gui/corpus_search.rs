//! The corpus search panel (Ctrl+Shift+F): a query typed into it finds the matches of
//! every document (spelling variants included), a click on a result of another
//! document makes it current, "Tag all in every document" tags both documents and one
//! Ctrl+Z removes every span it added.

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers};
use hashiya::model::Document;
use hashiya::ui::Workspace;
use hashiya::ui::corpus_search::HINT;
use hashiya::ui::keymap::{KeyCommand, shortcut_text};

use crate::support::*;

const ME: &str = "annotator-a";
const D2: &str = "قال بيان من دَرْنَة إن الوضع هادئ في درنـة اليوم.";

/// The sample with two of its «درنة» locations untagged, and a second document.
fn harness() -> H {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    let set = &mut p.sets[0];
    let gone: Vec<String> = set
        .spans
        .iter()
        .filter(|s| s.text == "درنة" && s.label == "location")
        .take(2)
        .map(|s| s.id.clone())
        .collect();
    set.spans.retain(|s| !gone.contains(&s.id));
    set.relations
        .retain(|r| !gone.contains(&r.from) && !gone.contains(&r.to));
    p.documents.push(Document::new("d2", "بيان ثان", D2));
    harness_with(Workspace::new(p, None, vec![]))
}

/// Runs frames until the running search is done.
fn wait_for_results(h: &mut H) {
    for _ in 0..500 {
        h.run_steps(1);
        if h.state()
            .corpus_search()
            .search()
            .is_some_and(|s| s.is_done())
        {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    panic!("the corpus search did not finish");
}

/// Scrolls the result list with the mouse wheel until the row labelled `label` is
/// on screen (its centre above the status bar); returns where it is.
fn scroll_to_row(h: &mut H, label: &str) -> egui::Rect {
    let over = h.get_by_label("Match options").rect().center() + egui::vec2(0.0, 250.0);
    for _ in 0..40 {
        let row = h.query_by(|n| n.role() == Role::Button && n.label().as_deref() == Some(label));
        if let Some(r) = row.map(|n| n.rect())
            && r.center().y < 760.0
        {
            return r;
        }
        h.hover_at(over);
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(10);
    }
    for n in h.query_all_by(|n| n.role() == Role::Button) {
        eprintln!("{:?} {:?}", n.accesskit_node().label(), n.rect());
    }
    panic!("no result row «{label}»");
}

/// Spans of `doc` in the sample annotator's set labelled `location`.
fn locations(h: &H, doc: &str) -> usize {
    let ws = h.state().workspace();
    ws.project().set(ME, doc).map_or(0, |s| {
        s.spans.iter().filter(|s| s.label == "location").count()
    })
}

#[test]
fn corpus_search_finds_reveals_and_tags_across_documents_as_one_undo_step() {
    let mut h = harness();
    assert_eq!(h.state().workspace().doc_index(), 0);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run_steps(2);
    assert!(
        h.state().corpus_search().field.is_focused(),
        "Ctrl+Shift+F focuses the corpus search field"
    );
    assert!(!h.state().search().open, "not the Ctrl+F bar");
    h.event(Event::Text("درنة".into()));
    h.run_steps(1);
    assert_eq!(field_text(&h, HINT), "درنة");
    wait_for_results(&mut h);
    let (ids, n, d2_snippets, d2_ranges) = {
        let s = h.state().corpus_search().search().unwrap();
        let ids: Vec<String> = s.results().iter().map(|r| r.id.clone()).collect();
        let d2 = s.results().last().unwrap();
        let snippets: Vec<String> = d2.snippets.iter().map(|x| x.text.clone()).collect();
        (ids, s.matches(), snippets, d2.ranges.clone())
    };
    assert_eq!(ids, ["derna-sirte", "d2"], "results of both documents");
    assert_eq!(d2_snippets.len(), 2, "دَرْنَة and درنـة in d2");
    assert!(shown(&h, &format!("{n} matches in 2 of 2 documents")));
    // d2's row (title and count) and its results, further down the list.
    scroll_to_row(&mut h, "بيان ثان: 2 matches");
    // A click on d2's second result makes d2 the current document.
    let row = scroll_to_row(&mut h, &d2_snippets[1]);
    click(&mut h, row.center());
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 1, "d2 is current");
    assert_eq!(
        h.state().workspace().current_document().unwrap().id,
        "d2",
        "the clicked result's document"
    );
    assert_eq!(
        h.state().view().flashing(),
        Some(d2_ranges[1].clone()),
        "its match is revealed and flashed"
    );
    let chars: Vec<char> = D2.chars().collect();
    assert_eq!(
        chars[d2_ranges[1].clone()].iter().collect::<String>(),
        "درنـة"
    );
    // Tag all as Location: both documents get their spans.
    let (a, b) = (locations(&h, "derna-sirte"), locations(&h, "d2"));
    assert_eq!(b, 0);
    choose(&mut h, "tag as", "Location");
    h.get_by_label("Tag all in every document").click();
    h.run_steps(3);
    let (a2, b2) = (locations(&h, "derna-sirte"), locations(&h, "d2"));
    assert_eq!(
        a2,
        a + 2,
        "the two untagged «درنة» of the sample, no others"
    );
    assert_eq!(b2, 2, "both matches of d2 tagged");
    let spans = h
        .state()
        .workspace()
        .project()
        .set(ME, "d2")
        .unwrap()
        .spans
        .clone();
    assert_eq!(spans[0].text, "دَرْنَة");
    assert_eq!(spans[1].text, "درنـة");
    // One undo removes all of them.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        (locations(&h, "derna-sirte"), locations(&h, "d2")),
        (a, 0),
        "one undo step"
    );
}

#[test]
fn the_edit_menu_opens_the_corpus_search_with_its_shortcut() {
    let mut h = sample_harness();
    let keys = shortcut_text(&h.ctx, KeyCommand::FindInCorpus);
    assert_eq!(keys, "Ctrl+Shift+F");
    h.get_by_label("Edit").click();
    h.run_steps(2);
    let label = format!("Find in all documents… {keys}");
    assert!(
        h.query_by(|n| n.role() == Role::Button && n.label().as_deref() == Some(&label))
            .is_some(),
        "menu item «{label}»"
    );
    h.get_by_label("Edit").click();
    h.run_steps(2);
    menu(&mut h, &["Edit"], "Find in all documents…");
    assert!(h.state().corpus_search().field.is_focused());
    // Typing a digit goes into the field, not to the label hotkeys.
    type_keys(&mut h, "3");
    assert_eq!(h.state().corpus_search().field.text, "3");
    assert!(h.state().workspace().history().undo_name().is_none());
}
