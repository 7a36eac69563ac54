//! The documents panel on its own: clicking a row switches the document, the "Current
//! document done" checkbox marks it done (one undo step), Ctrl+PageUp/PageDown walk.

use crate::support::*;
use egui::{Key, Modifiers};
use hashiya::model::Document;
use hashiya::ui::Workspace;

#[test]
fn clicking_a_row_switches_and_the_done_checkbox_marks_it() {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    p.documents.push(Document::new(
        "sirte",
        "خبر عن سرت",
        "وصلت القوات إلى سرت صباح اليوم.",
    ));
    let n = p.sets[0].spans.len();
    let mut h = harness_with(Workspace::new(p.clone(), None, vec![]));
    assert!(shown(&h, "2 documents"));
    assert_eq!(h.state().workspace().doc_index(), 0);
    // The second row: no set of this annotator yet.
    let r = h.get_by_label("0 spans").rect();
    click(&mut h, egui::pos2(r.center().x, r.max.y + 8.0));
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 1);
    assert!(h.state().workspace().current_set().is_none());
    assert_eq!(h.state().view().selection(), None);
    // Mark it done.
    h.get_by_label("Current document done").click();
    h.run_steps(2);
    assert!(h.state().workspace().current_set().is_some_and(|s| s.done));
    assert!(shown(&h, "done · 0 spans"), "the row says done");
    assert!(h.state().workspace().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(!h.state().workspace().current_set().is_some_and(|s| s.done));
    assert!(!h.state().workspace().is_dirty());
    assert_eq!(*h.state().workspace().project(), p);
    // Back to the first document by keyboard.
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 0);
    assert_eq!(h.state().workspace().current_set().unwrap().spans.len(), n);
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run_steps(2);
    assert_eq!(h.state().workspace().doc_index(), 1);
}

/// Three documents with metadata: the filter by text, by `key=value`, the date range
/// and sorting by a metadata column.
#[test]
fn filter_by_metadata_date_range_and_sort() {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    p.sets.clear();
    p.documents[0].source.outlet = Some("الجزيرة نت".into());
    p.documents[0].source.date = Some("2016-12-06".into());
    p.documents[0].meta.insert("country".into(), "Libya".into());
    for (id, title, outlet, date, country) in [
        ("b", "خبر عن سرت", "العربية", "2017-01-15", "Libya"),
        ("c", "خبر عن تونس", "الجزيرة نت", "2018-03-02", "Tunisia"),
    ] {
        let mut d = Document::new(id, title, format!("نص {title}."));
        d.source.outlet = Some(outlet.into());
        d.source.date = Some(date.into());
        d.meta.insert("country".into(), country.into());
        p.documents.push(d);
    }
    let mut h = harness_with(Workspace::new(p, None, vec![]));
    let hint = "filter: text, or key=value (outlet=…)";
    assert!(shown(&h, "3 documents"));
    type_into(&mut h, hint, "outlet=الجزيرة نت");
    assert!(shown(&h, "2 of 3 documents"));
    // ة and ه stay distinct (as in Ctrl+F by default).
    type_into(&mut h, hint, "outlet=العربيه");
    assert!(shown(&h, "0 of 3 documents"));
    type_into(&mut h, hint, "tunisia");
    assert!(shown(&h, "1 of 3 documents"));
    assert!(shown(&h, "خبر عن تونس"));
    type_into(&mut h, hint, "");
    assert!(shown(&h, "3 documents"));
    // Date range: from 2017, then up to the end of 2017.
    let type_date = |h: &mut H, nth: usize, text: &str| {
        h.get_all_by_label("date").nth(nth).unwrap().click();
        h.run_steps(2);
        h.event(egui::Event::Text(text.into()));
        h.run_steps(2);
    };
    type_date(&mut h, 0, "2017");
    assert!(shown(&h, "2 of 3 documents"));
    type_date(&mut h, 1, "2017");
    assert!(shown(&h, "1 of 3 documents"));
    assert!(shown(&h, "خبر عن سرت"));
    // The shown document's sort value is on its row.
    choose(&mut h, "sort", "country");
    assert!(
        shown(&h, "0 spans · Libya"),
        "the sort column is shown on each row"
    );
}

#[test]
fn sorting_by_a_metadata_column_orders_the_rows() {
    let mut p = hashiya::store::load(&sample_path()).unwrap().project;
    p.sets.clear();
    p.documents[0]
        .meta
        .insert("country".into(), "Tunisia".into());
    let mut d = Document::new("b", "خبر عن سرت", "نص خبر عن سرت.");
    d.meta.insert("country".into(), "Egypt".into());
    p.documents.push(d);
    let mut h = harness_with(Workspace::new(p, None, vec![]));
    let y = |h: &H, label: &str| h.get_by_label(label).rect().min.y;
    choose(&mut h, "sort", "country");
    assert!(y(&h, "0 spans · Egypt") < y(&h, "0 spans · Tunisia"));
    choose(&mut h, "sort", "project order");
    assert!(
        h.query_by_label("0 spans · Egypt").is_none(),
        "no sort column shown"
    );
}
