//! The workspace's account of what a command did to the current set's spans, and the
//! span index the article panel keeps up to date from it.
use std::path::Path;

use super::Workspace;
use crate::model::edit::{self, TagOptions};
use crate::model::{IndexUpdate, SpanDelta, SpanIndex};

fn sample() -> Workspace {
    let loaded = crate::store::parse(
        Path::new("sample.json"),
        include_bytes!("../../projects/derna-sirte.json"),
    )
    .expect("the sample loads");
    Workspace::new(loaded.project, None, Vec::new())
}

/// Queries of the kept index answer like an index built from scratch.
fn same_answers(kept: &SpanIndex, ws: &Workspace) {
    let spans = &ws.current_set().unwrap().spans;
    let fresh = SpanIndex::new(spans);
    let len = ws.current_document().unwrap().text.chars().count();
    for at in (0..len).step_by(7) {
        let q = at..(at + 5).min(len);
        let mut a: Vec<usize> = kept.overlapping(q.clone()).collect();
        let mut b: Vec<usize> = fresh.overlapping(q).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
}

#[test]
fn each_command_reports_the_spans_it_changed_and_the_index_follows() {
    let mut ws = sample();
    let key = ws.set_key().expect("a set");
    let text = ws.current_document().unwrap().text.clone();
    let spans = ws.current_set().unwrap().spans.clone();
    // An untagged word.
    let (word, _) = text
        .split(' ')
        .scan(0usize, |cp, w| {
            let r = *cp..*cp + w.chars().count();
            *cp = r.end + 1;
            Some((r, w))
        })
        .find(|(r, w)| {
            w.chars().count() > 3
                && w.chars().all(char::is_alphabetic)
                && spans.iter().all(|s| s.end <= r.start || r.end <= s.start)
        })
        .expect("an untagged word");
    let mut index = (ws.revision(), SpanIndex::new(&spans));
    let step = |ws: &Workspace, index: &mut (u64, SpanIndex)| -> Option<SpanDelta> {
        let delta = ws.span_delta_since(index.0).cloned();
        let spans = &ws.current_set().unwrap().spans;
        let how = index.1.follow(delta.as_ref(), spans);
        if delta.is_some() {
            assert!(matches!(how, IndexUpdate::InPlace { .. }), "{how:?}");
        }
        index.0 = ws.revision();
        same_answers(&index.1, ws);
        delta
    };

    let cmd = edit::tag(
        ws.project(),
        &key,
        word.clone(),
        "actor",
        TagOptions::default(),
    );
    ws.apply(cmd).expect("tagged");
    let added = ws
        .current_set()
        .unwrap()
        .spans
        .iter()
        .find(|s| !spans.contains(s))
        .cloned()
        .expect("a new span");
    let tagged = added.start..added.end;
    assert_eq!(
        step(&ws, &mut index),
        Some(SpanDelta {
            removed: vec![],
            added: vec![tagged.clone()]
        })
    );
    // Moving its start: the old range out, the new one in.
    let cmd = edit::set_bounds(ws.project(), &key, &added.id, tagged.start + 1..tagged.end);
    ws.apply(cmd).expect("moved");
    let moved = tagged.start + 1..tagged.end;
    assert_eq!(
        step(&ws, &mut index),
        Some(SpanDelta {
            removed: vec![tagged.clone()],
            added: vec![moved.clone()]
        })
    );
    ws.undo();
    assert_eq!(
        step(&ws, &mut index),
        Some(SpanDelta {
            removed: vec![moved.clone()],
            added: vec![tagged.clone()]
        })
    );
    ws.redo();
    assert_eq!(
        step(&ws, &mut index),
        Some(SpanDelta {
            removed: vec![tagged.clone()],
            added: vec![moved.clone()]
        })
    );
    // A relabel keeps the range: the index has nothing to do.
    let cmd = edit::relabel(ws.project(), &key, &added.id, "location");
    ws.apply(cmd).expect("relabelled");
    assert_eq!(
        step(&ws, &mut index),
        Some(SpanDelta {
            removed: vec![moved.clone()],
            added: vec![moved.clone()]
        })
    );
    // Two steps, or a step that was not a command: no account, the index is compared.
    let before = ws.revision();
    ws.undo();
    ws.undo();
    assert_eq!(ws.span_delta_since(before), None);
    assert_eq!(step(&ws, &mut index), None);
    // Steps that are not commands (looking at another annotator's sets and back).
    let me = ws.annotator().to_string();
    ws.set_annotator("somebody else");
    ws.set_annotator(&me);
    assert_eq!(step(&ws, &mut index), None);
}

/// The selected span is found where it was last seen, and found again (by id) when an
/// edit moved it in the set: a tag before it, its deletion, its undo.
#[test]
fn the_selected_span_follows_the_edits_that_move_it() {
    let mut ws = sample();
    let key = ws.set_key().expect("a set");
    let last = ws.current_set().unwrap().spans.last().unwrap().clone();
    ws.select_span(Some(last.id.clone()));
    assert_eq!(ws.selected().map(|s| s.id.clone()), Some(last.id.clone()));
    // A span tagged at the start moves it one place on.
    let text = ws.current_document().unwrap().text.clone();
    let at = text.chars().position(|c| c == ' ').unwrap();
    let first_word = 0..at;
    let cmd = edit::tag(
        ws.project(),
        &key,
        first_word,
        "location",
        TagOptions::default(),
    );
    if ws.apply(cmd).is_some() {
        let s = ws.selected().expect("still selected");
        assert_eq!(
            (s.id.as_str(), s.start, s.end),
            (last.id.as_str(), last.start, last.end)
        );
    }
    // Deleted: nothing selected (the old place holds another span now).
    let cmd = edit::delete_span(ws.project(), &key, &last.id);
    ws.apply(cmd).expect("deletes");
    assert!(ws.selected().is_none());
    ws.undo();
    ws.select_span(Some(last.id.clone()));
    assert_eq!(ws.selected().map(|s| s.id.clone()), Some(last.id));
}
