//! Importing a corpus table through the GUI: File → Import → csv, the path, then the
//! dialog's preview and column picker; the imported documents keep their metadata and
//! the document list filters by it.

use std::path::Path;

use crate::support::*;

#[test]
fn csv_column_picker_then_filter_by_outlet() {
    let mut h = sample_harness();
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/articles.csv");
    let rows = {
        let mut r = csv::Reader::from_path(&csv).unwrap();
        r.records().count()
    };
    menu(&mut h, &["File", "Import"], "csv…");
    answer_path_prompt(&mut h, &csv);
    h.run_steps(3);
    // The dialog guessed the text column from its header; pick the id and title
    // columns (the popup's entry is the button of that name: the header and the
    // metadata checkbox have it too).
    let pick = |h: &mut H, combo: &str, item: &str| {
        h.get_by_label(combo).click();
        h.run_steps(2);
        h.get_by(|n| {
            n.role() == egui::accesskit::Role::Button && n.label().as_deref() == Some(item)
        })
        .click();
        h.run_steps(2);
    };
    assert!(
        h.query_all_by_label("text").count() >= 2,
        "the guessed text column is shown"
    );
    pick(&mut h, "id column", "id");
    pick(&mut h, "title column", "title");
    h.get_by_label("Import").click();
    h.run_steps(3);
    let ws = h.state().workspace();
    let docs = &ws.project().documents;
    assert_eq!(docs.len(), 1 + rows, "{}", ws.status());
    let d = docs
        .iter()
        .find(|d| d.id == "101")
        .expect("the id column was used");
    assert_eq!(d.title, "الجيش يدخل درنة");
    assert_eq!(d.source.outlet.as_deref(), Some("الوسط"));
    assert_eq!(d.meta.get("section").map(String::as_str), Some("ليبيا"));
    // One undo step for the whole import.
    assert_eq!(ws.history().undo_name(), Some("Import csv"));
    let with_outlet = docs
        .iter()
        .filter(|d| {
            d.source
                .outlet
                .as_deref()
                .is_some_and(|o| o.contains("الوسط"))
        })
        .count();
    type_into(
        &mut h,
        "filter: text, or key=value (outlet=…)",
        "outlet=الوسط",
    );
    assert!(
        shown(&h, &format!("{with_outlet} of {} documents", 1 + rows)),
        "the list shows the documents of that outlet"
    );
}
