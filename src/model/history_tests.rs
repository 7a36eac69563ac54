//! Unit tests of `history` (kept in their own file).
use super::*;

fn project() -> Project {
    let mut p = Project::new("t", LabelSchema::news_default());
    p.documents
        .push(Document::new("d", "t", "قال حفتر في درنة"));
    p.sets.push(AnnotationSet::new("a", "d"));
    p
}

fn key() -> SetKey {
    SetKey::new("a", "d")
}

#[test]
fn undo_redo_restores_exact_states() {
    let mut p = project();
    let mut h = History::new();
    let s0 = p.clone();
    let actor = Span::new("s1", 4, 8, "actor", "حفتر");
    h.apply_and_record(
        &mut p,
        Command::single("Tag actor", Op::InsertSpan(key(), actor.clone())),
    )
    .unwrap();
    let s1 = p.clone();
    let mut after = actor.clone();
    after.attributes.insert("kind".into(), "person".into());
    h.apply_and_record(
        &mut p,
        Command::single(
            "Set kind",
            Op::ReplaceSpan {
                set: key(),
                before: actor,
                after,
            },
        ),
    )
    .unwrap();
    let s2 = p.clone();
    assert!(h.is_dirty());
    assert_eq!(h.undo(&mut p).unwrap(), "Set kind");
    assert_eq!(p, s1);
    h.undo(&mut p).unwrap();
    assert_eq!(p, s0);
    assert_eq!(h.undo(&mut p), Err(HistoryError::NothingToUndo));
    assert!(!h.is_dirty());
    h.redo(&mut p).unwrap();
    h.redo(&mut p).unwrap();
    assert_eq!(p, s2);
    h.mark_saved();
    assert!(!h.is_dirty());
    h.undo(&mut p).unwrap();
    assert!(h.is_dirty());
    h.redo(&mut p).unwrap();
    assert!(!h.is_dirty());
}

#[test]
fn failed_command_rolls_back() {
    let mut p = project();
    let before = p.clone();
    let cmd = Command::new(
        "bad",
        vec![
            Op::InsertSpan(key(), Span::new("s1", 4, 8, "actor", "حفتر")),
            // Second insert of the same id must fail and undo the first.
            Op::InsertSpan(key(), Span::new("s1", 12, 16, "location", "درنة")),
        ],
    );
    let mut h = History::new();
    assert_eq!(
        h.apply_and_record(&mut p, cmd),
        Err(HistoryError::DuplicateId("s1".into()))
    );
    assert_eq!(p, before);
    assert!(!h.can_undo());
}

#[test]
fn new_edit_clears_redo() {
    let mut p = project();
    let mut h = History::new();
    h.apply_and_record(
        &mut p,
        Command::single(
            "a",
            Op::InsertSpan(key(), Span::new("s1", 4, 8, "actor", "حفتر")),
        ),
    )
    .unwrap();
    h.undo(&mut p).unwrap();
    assert!(h.can_redo());
    h.apply_and_record(
        &mut p,
        Command::single(
            "b",
            Op::InsertSpan(key(), Span::new("s2", 12, 16, "location", "درنة")),
        ),
    )
    .unwrap();
    assert!(!h.can_redo());
}

#[test]
fn inserts_keep_canonical_order() {
    let mut p = project();
    let mut h = History::new();
    h.apply_and_record(
        &mut p,
        Command::single(
            "b",
            Op::InsertSpan(key(), Span::new("s2", 12, 16, "location", "درنة")),
        ),
    )
    .unwrap();
    h.apply_and_record(
        &mut p,
        Command::single(
            "a",
            Op::InsertSpan(key(), Span::new("s1", 4, 8, "actor", "حفتر")),
        ),
    )
    .unwrap();
    let ids: Vec<_> = p.sets[0].spans.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2"]);
}

fn tag(n: usize) -> Command {
    let id = format!("s{n}");
    Command::single(
        format!("Tag {n}"),
        Op::InsertSpan(key(), Span::new(id, 4, 8, "actor", "حفتر")),
    )
}

#[test]
fn limit_drops_the_oldest_commands() {
    let mut p = project();
    let mut h = History::with_limit(2);
    for n in 1..=3 {
        h.apply_and_record(&mut p, tag(n)).unwrap();
    }
    assert_eq!(h.limit(), 2);
    assert_eq!(h.undo(&mut p).unwrap(), "Tag 3");
    assert_eq!(h.undo(&mut p).unwrap(), "Tag 2");
    assert_eq!(h.undo(&mut p), Err(HistoryError::NothingToUndo));
    // The dropped command stays applied.
    assert_eq!(p.sets[0].spans.len(), 1);
    h.redo(&mut p).unwrap();
    h.redo(&mut p).unwrap();
    assert_eq!(p.sets[0].spans.len(), 3);
    assert_eq!(History::new().limit(), DEFAULT_LIMIT);
}

#[test]
fn dirty_when_the_saved_state_was_dropped() {
    let mut p = project();
    let mut h = History::with_limit(2);
    h.mark_saved(); // saved with nothing applied
    for n in 1..=3 {
        h.apply_and_record(&mut p, tag(n)).unwrap();
    }
    h.undo(&mut p).unwrap();
    h.undo(&mut p).unwrap();
    // Tag 1 is still applied: this is not the saved state.
    assert!(h.is_dirty());
    h.mark_saved();
    assert!(!h.is_dirty());
    h.redo(&mut p).unwrap();
    assert!(h.is_dirty());
    h.undo(&mut p).unwrap();
    assert!(!h.is_dirty());
    // Saved after a command that is later dropped: an emptied stack is that state.
    let mut h = History::with_limit(1);
    let mut p = project();
    h.apply_and_record(&mut p, tag(1)).unwrap();
    h.mark_saved();
    h.apply_and_record(&mut p, tag(2)).unwrap();
    assert!(h.is_dirty());
    h.undo(&mut p).unwrap();
    assert!(!h.is_dirty());
    h.clear();
    assert_eq!(h.limit(), 1);
}

#[test]
fn suggestion_settings_ops_invert() {
    use super::super::project::Rejected;
    let mut p = project();
    let before = p.clone();
    let r = |start: usize, label: &str| Rejected {
        document: "d".into(),
        start,
        end: start + 4,
        label: label.into(),
        text: "حفتر".into(),
        annotator: None,
    };
    let cmd = Command::new(
        "s",
        vec![
            Op::InsertRejected(r(12, "actor")),
            Op::InsertRejected(r(4, "actor")),
            Op::SetSuggestionsEnabled {
                before: true,
                after: false,
            },
            Op::SetGazetteer {
                before: None,
                after: Some("places.tsv".into()),
            },
        ],
    );
    apply_command(&mut p, &cmd).unwrap();
    let starts: Vec<usize> = p.suggestions.rejected.iter().map(|x| x.start).collect();
    assert_eq!(starts, [4, 12], "kept in order");
    assert!(!p.suggestions.enabled);
    assert_eq!(p.suggestions.gazetteer.as_deref(), Some("places.tsv"));
    // The same rejection twice, or a toggle from the wrong state, is refused whole.
    let again = Command::new(
        "again",
        vec![
            Op::RemoveRejected(r(4, "actor")),
            Op::InsertRejected(r(12, "actor")),
        ],
    );
    let mid = p.clone();
    assert_eq!(
        apply_command(&mut p, &again),
        Err(HistoryError::SuggestionsMismatch)
    );
    assert_eq!(p, mid);
    apply_command(&mut p, &cmd.inverse()).unwrap();
    assert_eq!(p, before);
    assert!(p.suggestions.is_default());
}

#[test]
fn replace_set_and_document_keep_their_place() {
    let mut p = project();
    p.documents.push(Document::new("e", "u", "نص"));
    p.sets.push(AnnotationSet::new("b", "d"));
    let before = p.clone();
    let mut set = p.sets[0].clone();
    set.done = true;
    let mut doc = p.documents[0].clone();
    doc.title = "new".into();
    let cmd = Command::new(
        "r",
        vec![
            Op::ReplaceSet {
                before: p.sets[0].clone(),
                after: set.clone(),
            },
            Op::ReplaceDocument {
                before: p.documents[0].clone(),
                after: doc.clone(),
            },
        ],
    );
    apply_command(&mut p, &cmd).unwrap();
    assert_eq!((&p.sets[0], &p.documents[0]), (&set, &doc));
    apply_command(&mut p, &cmd.inverse()).unwrap();
    assert_eq!(p, before);
    // A replace that changes the set's key is refused.
    let mut other = set.clone();
    other.annotator = "z".into();
    let bad = Op::ReplaceSet {
        before: p.sets[0].clone(),
        after: other,
    };
    assert!(apply_op(&mut p, &bad).is_err());
    assert_eq!(p, before);
}

fn conflict(id: &str) -> Conflict {
    Conflict {
        id: id.into(),
        kind: crate::model::ConflictKind::Name,
        annotator: None,
        document: None,
        item: String::new(),
        base: Some("t".into()),
        ours: Some("t".into()),
        theirs: Some("u".into()),
        sources: Default::default(),
    }
}

#[test]
fn conflicts_insert_in_id_order_remove_exactly_and_invert() {
    let mut p = project();
    let before = p.clone();
    let cmd = Command::new(
        "record",
        vec![
            Op::InsertConflict(conflict("name-b")),
            Op::InsertConflict(conflict("name-a")),
        ],
    );
    apply_command(&mut p, &cmd).unwrap();
    let ids: Vec<_> = p.conflicts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["name-a", "name-b"]);
    // A second conflict with a taken id is refused, and so is removing one that
    // differs from what is recorded; the project is left as it was.
    let recorded = p.clone();
    let dup = Op::InsertConflict(conflict("name-a"));
    assert_eq!(
        apply_op(&mut p, &dup),
        Err(HistoryError::ConflictMismatch("name-a".into()))
    );
    let mut other = conflict("name-a");
    other.theirs = Some("v".into());
    assert!(apply_op(&mut p, &Op::RemoveConflict(other)).is_err());
    assert_eq!(p, recorded);
    // Resolving (remove) and its undo (insert back).
    let resolve = Command::single("resolve", Op::RemoveConflict(conflict("name-a")));
    let mut h = History::new();
    h.apply_and_record(&mut p, resolve).unwrap();
    assert_eq!(p.conflicts.len(), 1);
    h.undo(&mut p).unwrap();
    assert_eq!(p, recorded);
    apply_command(&mut p, &cmd.inverse()).unwrap();
    assert_eq!(p, before);
}
