//! The Annotations tab on its own: the list's label and text filters, a virtualised list
//! for big projects, clicking a row, and the selected span's details (attribute combo,
//! note, delete button).

use crate::support::*;
use egui::{Key, Modifiers};
use hashiya::store;
use hashiya::ui::Workspace;

const FILTER: &str = "filter by text";

#[test]
fn annotation_list_filters() {
    let mut h = sample_harness();
    let spans = h.state().workspace().current_set().unwrap().spans.clone();
    let derna = spans.iter().filter(|s| s.text.contains("درنة")).count();
    type_into(&mut h, FILTER, "درنه"); // no: ة and ه stay distinct
    assert_eq!(field_text(&h, FILTER), "درنه");
    assert!(shown(&h, &format!("0 of {} spans shown", spans.len())));
    type_into(&mut h, FILTER, "درنة");
    assert!(shown(
        &h,
        &format!("{derna} of {} spans shown", spans.len())
    ));
    assert!(h.state().workspace().current_set().unwrap().spans.len() == spans.len());
    type_into(&mut h, FILTER, "");
    assert_eq!(field_text(&h, FILTER), "");
    assert!(
        h.query_by_label_contains("spans shown").is_none(),
        "all shown"
    );
    choose(&mut h, "label", "Claim");
    let claims = spans.iter().filter(|s| s.label == "claim").count();
    assert!(shown(
        &h,
        &format!("{claims} of {} spans shown", spans.len())
    ));
    // Both filters at once.
    type_into(&mut h, FILTER, "درنة");
    let both = spans
        .iter()
        .filter(|s| s.label == "claim" && s.text.contains("درنة"))
        .count();
    assert!(shown(&h, &format!("{both} of {} spans shown", spans.len())));
    assert_eq!(
        h.state().workspace().current_set().unwrap().spans,
        spans,
        "typing into the filter changed no span"
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
    let cached = h.state().view().text.cached_labels();
    assert!(
        cached < 300,
        "{cached} labels laid out: the lists are not virtualised"
    );
    assert_eq!(h.state().view().layouts.built(), 1);
    // Filtering the 30,000 spans (label combo box) still works and lists the right count.
    choose(&mut h, "label", "Actor");
    assert!(shown(&h, "10000 of 30000 spans shown"));
    let cached = h.state().view().text.cached_labels();
    assert!(cached < 300, "{cached} labels laid out after filtering");
}

/// Clicks the list row whose small header reads `header` (below the header, on the
/// row's text line: the header itself is selectable text).
fn click_row(h: &mut H, header: &str) {
    let r = h.get_by_label(header).rect();
    click(h, egui::pos2(r.center().x, r.max.y + 8.0));
    h.run_steps(1);
}

/// New: clicking a row selects its span; the details show it with its attribute combo,
/// a note is saved with Ctrl+Enter (one undo step), the delete button removes it.
#[test]
fn list_row_selects_the_span_then_note_and_delete_button() {
    let mut h = sample_harness();
    let span = h.state().workspace().current_set().unwrap().spans[2].clone();
    assert!(span.note.is_none());
    click_row(&mut h, &format!("{} · {}", span.label, span.id));
    assert_eq!(
        h.state().workspace().selected_span(),
        Some(span.id.as_str())
    );
    assert!(shown(&h, "Note (Ctrl+Enter saves):"));
    // The attribute combo box shows the span's value.
    if let Some(kind) = span.attributes.get("kind") {
        let combo = h.get_by_label("kind");
        assert_eq!(
            combo.value().as_deref(),
            Some(kind.as_str()),
            "the combo box shows «{kind}»"
        );
    }
    // A note: typed (digits and letters are text here, not shortcuts), saved with Ctrl+Enter.
    type_into(&mut h, "a note on this span", "مصدر 2 رسمي e");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    h.run_steps(2);
    let now = h
        .state()
        .workspace()
        .current_set()
        .unwrap()
        .span(&span.id)
        .unwrap()
        .clone();
    assert_eq!(now.note.as_deref(), Some("مصدر 2 رسمي e"));
    assert_eq!(
        (now.start, now.end, &now.label),
        (span.start, span.end, &span.label)
    );
    assert_eq!(
        h.state().workspace().history().undo_name(),
        Some("Edit note")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    let set = h.state().workspace().current_set().unwrap();
    assert_eq!(set.span(&span.id).unwrap().note, None);
    // The delete button.
    let n = set.spans.len();
    h.get_by_label("Delete span (Del)").click();
    h.run_steps(2);
    let set = h.state().workspace().current_set().unwrap();
    assert_eq!(set.spans.len(), n - 1);
    assert!(set.span(&span.id).is_none());
    assert!(
        h.query_by_label("Delete span (Del)").is_none(),
        "nothing selected now"
    );
}
