//! Opening a large project in two steps (issue #18): the preview (first document, its
//! sets, schema and entities) equals that part of the full load; a file that is not in
//! canonical order gets no preview; a file damaged after the preview's part shows the
//! preview and then a clear error, and nothing is written.

use std::path::Path;

use hashiya::model::{Document, Project};
use hashiya::store;
use hashiya::workspace::Workspace;
use hashiya::workspace::opening::Opening;

fn corpus(docs: usize) -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    let base = store::load(&path).expect("sample").project;
    let mut p = base.clone();
    p.documents.clear();
    p.sets.clear();
    let doc = &base.documents[0];
    for d in 0..docs {
        let id = format!("doc{d:03}");
        p.documents.push(Document::new(
            &id,
            format!("article {d}"),
            format!("{}\n{d}", doc.text),
        ));
        for s in base.sets.iter().filter(|s| s.document == doc.id) {
            let mut s = s.clone();
            s.document = id.clone();
            p.sets.push(s);
        }
    }
    p.canonicalize();
    p
}

#[test]
fn the_preview_is_the_first_document_of_the_full_load() {
    let p = corpus(20);
    let bytes = store::to_bytes(&p).unwrap();
    let preview = store::preview::preview(&bytes).expect("a preview");
    let full = store::parse(Path::new("p.json"), &bytes).unwrap().project;
    assert_eq!(preview.name, full.name);
    assert_eq!(preview.schema, full.schema);
    assert_eq!(preview.entities, full.entities);
    assert_eq!(preview.documents, vec![full.documents[0].clone()]);
    let first: Vec<_> = full
        .sets
        .iter()
        .filter(|s| s.document == full.documents[0].id)
        .cloned()
        .collect();
    assert!(!first.is_empty());
    assert_eq!(preview.sets, first);
    assert!(!preview.suggestions.enabled, "no suggestions in a preview");

    // Sets written before the documents: no preview (not the canonical order).
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let mut reordered = serde_json::Map::new();
    let obj = v.as_object().unwrap();
    for k in [
        "format",
        "version",
        "name",
        "schema",
        "sets",
        "entities",
        "documents",
    ] {
        if let Some(x) = obj.get(k) {
            reordered.insert(k.to_string(), x.clone());
        }
    }
    let reordered = serde_json::to_vec(&serde_json::Value::Object(reordered)).unwrap();
    assert!(store::preview::preview(&reordered).is_none());
    // Not a project: no preview.
    assert!(store::preview::preview(b"[1, 2]").is_none());
}

#[test]
fn a_file_damaged_after_the_first_document_shows_the_preview_then_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let bytes = store::to_bytes(&corpus(20)).unwrap();
    // Cut in the middle of the last set.
    let cut = &bytes[..bytes.len() - 2_000];
    std::fs::write(&path, cut).unwrap();
    let Opening::Preview(ws, pending) = Workspace::open_progressive(&path, 0).unwrap() else {
        panic!("a preview expected")
    };
    assert!(ws.is_loading());
    assert_eq!(ws.project().documents.len(), 1);
    let err = match pending.wait() {
        Ok(_) => panic!("the damaged file must not open"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("ends too early") || err.contains("EOF"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), cut, "the file is untouched");

    // A good file: the whole project arrives, and is the same as a plain open.
    std::fs::write(&path, &bytes).unwrap();
    let Opening::Preview(mut ws, pending) = Workspace::open_progressive(&path, 0).unwrap() else {
        panic!("a preview expected")
    };
    // The preview refuses to be saved.
    assert!(ws.save().is_err());
    let whole = pending.wait().unwrap();
    assert!(!whole.is_loading());
    assert_eq!(whole.project(), Workspace::open(&path).unwrap().project());
    // Below the size limit: opened in one go.
    assert!(matches!(
        Workspace::open_progressive(&path, usize::MAX).unwrap(),
        Opening::Ready(_)
    ));
}

/// The one way the user opens a project returns the unsaved work left for it: with a
/// recovery file the whole project is given (not its read-only preview), and autosave
/// leaves the recovery file alone until it is restored or discarded.
#[test]
fn opening_for_the_user_offers_the_recovery_file_and_autosave_keeps_it() {
    use hashiya::model::edit;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    store::save(&corpus(20), &path).unwrap();
    // Nothing pending: the preview and the rest, no recovery.
    let opened = Workspace::open_for_user(Some(&path), 0).unwrap();
    assert!(opened.recovery.is_none() && opened.recovery_error.is_none());
    assert!(opened.workspace.is_loading() && opened.pending.is_some());
    let mut ws = opened.pending.unwrap().wait().unwrap();
    // Unsaved work, written to the recovery file; then the "crash".
    ws.apply(edit::rename_project(ws.project(), "renamed, unsaved"));
    assert!(ws.autosave(true).is_some());
    let rec = store::recovery::recovery_path(&path);
    let rec_bytes = std::fs::read(&rec).expect("recovery written");
    drop(ws);
    let opened = Workspace::open_for_user(Some(&path), 0).unwrap();
    let offered = opened.recovery.expect("the recovery is offered");
    assert_eq!(offered.project.name, "renamed, unsaved");
    assert!(
        opened.pending.is_none(),
        "the whole project, to restore onto"
    );
    let mut ws = opened.workspace;
    assert!(!ws.is_loading());
    // An edit before the user answers: autosave does not replace the recovery file.
    ws.apply(edit::rename_project(ws.project(), "another edit"));
    assert_eq!(ws.autosave(true), None);
    assert_eq!(std::fs::read(&rec).unwrap(), rec_bytes);
    ws.restore(&offered.project);
    assert_eq!(ws.project().name, "renamed, unsaved");
    assert!(
        ws.autosave(true).is_some(),
        "autosave works again once answered"
    );
}
