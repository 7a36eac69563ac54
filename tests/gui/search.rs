//! The search bar on its own: Ctrl+F, Arabic-aware matching, walking the matches,
//! "Tag all matches" as one undo step, the options menu and the buttons.

use crate::support::*;
use egui::{Event, Key, Modifiers};
use hashiya::model::{Document, LabelSchema, Project};
use hashiya::ui::Workspace;

const TEXT: &str = "دخلت القوات دَرْنَةَ ثم غادرت درنـــة، وبقيت درنة هادئة. وفي سرت";

fn search_harness() -> H {
    let mut p = Project::new("search", LabelSchema::news_default());
    p.documents.push(Document::new("d", "t", TEXT));
    let mut ws = Workspace::new(p, None, vec![]);
    ws.set_annotator("tester");
    harness_with(ws)
}

fn found(h: &H) -> Vec<String> {
    let chars: Vec<char> = TEXT.chars().collect();
    h.state()
        .search()
        .matches
        .iter()
        .map(|r| chars[r.clone()].iter().collect())
        .collect()
}

#[test]
fn search_ignores_harakat_and_tag_all_is_one_undo_step() {
    let mut h = search_harness();
    // Some text selected in the article: a digit key that reached the keymap would
    // tag it.
    let sirte = find(h.state(), "سرت", 0);
    select_by_drag(&mut h, sirte.clone());
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    assert!(h.state().search().open);
    assert!(
        h.state().search().field.is_focused(),
        "Ctrl+F focuses the search field"
    );
    // Typing «3» (the key and its text) while the field has focus must not tag
    // anything: it goes into the field.
    type_keys(&mut h, "3");
    h.run_steps(1);
    assert_eq!(h.state().search().field.text, "3");
    assert_eq!(
        h.state().view().selection(),
        Some(sirte),
        "the selection a leaked «3» would have tagged is still there"
    );
    assert!(
        h.state().workspace().current_set().is_none(),
        "«3» typed into the search field tagged the selection"
    );
    h.key_press(Key::Backspace);
    h.run_steps(1);
    assert_eq!(h.state().search().field.text, "");
    h.event(Event::Text("درنة".into()));
    h.run_steps(2);
    assert_eq!(h.state().search().field.text, "درنة");
    assert_eq!(found(&h), ["دَرْنَةَ", "درنـــة", "درنة"]);
    assert!(h.state().workspace().current_set().is_none());
    // Enter walks the matches.
    assert_eq!(h.state().search().current, Some(0));
    h.key_press(Key::Enter);
    h.run_steps(1);
    assert_eq!(h.state().search().current, Some(1));
    h.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    h.run_steps(1);
    assert_eq!(h.state().search().current, Some(0));
    // Tag all as location (chosen in the bar's "as" combo box).
    choose(&mut h, "as", "Location");
    assert_eq!(h.state().search().label, "location");
    h.get_by_label("Tag all matches").click();
    h.run_steps(2);
    let set = h.state().workspace().current_set().unwrap().clone();
    assert_eq!(set.spans.len(), 3);
    assert!(set.spans.iter().all(|s| s.label == "location"));
    assert_eq!(
        set.spans[0].text, "دَرْنَةَ",
        "harakat belong to the tagged word"
    );
    // A second "tag all" does nothing new.
    h.get_by_label("Tag all matches").click();
    h.run_steps(2);
    assert_eq!(h.state().workspace().current_set().unwrap().spans.len(), 3);
    // One undo removes all three.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(
        h.state()
            .workspace()
            .current_set()
            .is_none_or(|s| s.spans.is_empty())
    );
}

/// New: the Options menu changes the matching (ة = ه), Next / Previous walk the
/// matches, Close closes the bar and clears the marks in the article.
#[test]
fn options_menu_and_buttons_of_the_search_bar() {
    let mut h = search_harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.event(Event::Text("درنه".into()));
    h.run_steps(2);
    assert!(found(&h).is_empty(), "ة and ه differ by default");
    assert!(shown(&h, "no matches"));
    h.get_by_label("Options").click();
    h.run_steps(2);
    h.get_by_label("ة = ه").click();
    h.run_steps(2);
    assert_eq!(found(&h), ["دَرْنَةَ", "درنـــة", "درنة"]);
    assert_eq!(h.state().view().marks.len(), 3, "marked in the article");
    h.get_by_label("Options").click(); // closes the popup
    h.run_steps(2);
    assert!(shown(&h, "1 of 3"));
    h.get_by_label("Next").click();
    h.run_steps(2);
    assert_eq!(h.state().search().current, Some(1));
    assert!(shown(&h, "2 of 3"));
    h.get_by_label("Previous").click();
    h.run_steps(1);
    h.get_by_label("Previous").click();
    h.run_steps(2);
    assert_eq!(h.state().search().current, Some(2), "wraps around");
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(!h.state().search().open);
    assert!(h.state().view().marks.is_empty());
    assert!(h.query_by_label("Tag all matches").is_none());
}
