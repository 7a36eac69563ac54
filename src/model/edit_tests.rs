//! Unit tests of `edit` (kept in their own file).
use super::*;
use crate::model::{Document, LabelSchema, history::apply_command};

const TEXT: &str = "قال «خليفة حفتر»، إن قواته في درنة.";

fn project() -> Project {
    let mut p = Project::new("t", LabelSchema::news_default());
    p.documents.push(Document::new("d", "t", TEXT));
    p
}

fn range_of(s: &str) -> Range<usize> {
    let b = TEXT.find(s).unwrap();
    let start = TEXT[..b].chars().count();
    start..start + s.chars().count()
}

#[test]
fn trims_quotes_commas_and_spaces() {
    let m = OffsetMap::new(TEXT);
    let sel = range_of(" «خليفة حفتر»، ");
    let r = adjust_range(TEXT, &m, sel.clone(), TagOptions::default()).unwrap();
    assert_eq!(m.slice(TEXT, r.start, r.end), Some("خليفة حفتر"));
    let keep = TagOptions {
        trim_punctuation: false,
        snap_to_words: false,
    };
    let r = adjust_range(TEXT, &m, sel, keep).unwrap();
    assert_eq!(m.slice(TEXT, r.start, r.end), Some("«خليفة حفتر»،"));
}

#[test]
fn snaps_to_whole_words_keeping_clitics() {
    let m = OffsetMap::new(TEXT);
    // Start in the middle of «قواته», end in the middle of «درنة».
    let w = range_of("واته في در");
    let r = adjust_range(TEXT, &m, w.clone(), TagOptions::default()).unwrap();
    assert_eq!(m.slice(TEXT, r.start, r.end), Some("قواته في درنة"));
    let off = TagOptions {
        snap_to_words: false,
        ..TagOptions::default()
    };
    let r = adjust_range(TEXT, &m, w, off).unwrap();
    assert_eq!(m.slice(TEXT, r.start, r.end), Some("واته في در"));
}

#[test]
fn whitespace_only_selection_is_refused() {
    let p = project();
    let key = SetKey::new("a", "d");
    let sp = range_of("، ");
    assert!(tag(&p, &key, sp, "actor", TagOptions::default()).is_err());
}

#[test]
fn tag_creates_set_and_delete_removes_relations() {
    let mut p = project();
    let key = SetKey::new("a", "d");
    let c = tag(
        &p,
        &key,
        range_of("خليفة حفتر"),
        "actor",
        TagOptions::default(),
    )
    .unwrap();
    apply_command(&mut p, &c).unwrap();
    let c = tag(
        &p,
        &key,
        range_of("إن قواته في درنة"),
        "claim",
        TagOptions::default(),
    )
    .unwrap();
    apply_command(&mut p, &c).unwrap();
    let set = p.set("a", "d").unwrap();
    let actor = set
        .spans
        .iter()
        .find(|s| s.label == "actor")
        .unwrap()
        .id
        .clone();
    let claim = set
        .spans
        .iter()
        .find(|s| s.label == "claim")
        .unwrap()
        .id
        .clone();
    assert!(
        relate(&p, &key, "said_by", &actor, &claim).is_err(),
        "said_by goes claim → actor"
    );
    let c = relate(&p, &key, "said_by", &claim, &actor).unwrap();
    apply_command(&mut p, &c).unwrap();
    assert_eq!(p.set("a", "d").unwrap().relations.len(), 1);
    let c = delete_span(&p, &key, &actor).unwrap();
    apply_command(&mut p, &c).unwrap();
    let set = p.set("a", "d").unwrap();
    assert!(set.relations.is_empty());
    assert_eq!(set.spans.len(), 1);
}

#[test]
fn boundaries_move_by_whole_words() {
    let mut p = project();
    let key = SetKey::new("a", "d");
    {
        let c = tag(&p, &key, range_of("قواته"), "actor", TagOptions::default()).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    let id = p.set("a", "d").unwrap().spans[0].id.clone();
    let text_of = |p: &Project| p.set("a", "d").unwrap().spans[0].text.clone();
    {
        let c = nudge_bounds(&p, &key, &id, SpanEnd::End, true).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(text_of(&p), "قواته في");
    {
        let c = nudge_bounds(&p, &key, &id, SpanEnd::End, true).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(text_of(&p), "قواته في درنة");
    {
        let c = nudge_bounds(&p, &key, &id, SpanEnd::Start, true).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(text_of(&p), "إن قواته في درنة");
    {
        let c = nudge_bounds(&p, &key, &id, SpanEnd::Start, false).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    {
        let c = nudge_bounds(&p, &key, &id, SpanEnd::End, false).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(text_of(&p), "قواته في");
    {
        let c = nudge_bounds(&p, &key, &id, SpanEnd::End, false).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert!(
        nudge_bounds(&p, &key, &id, SpanEnd::End, false).is_err(),
        "never shrinks to nothing"
    );
    assert_eq!(text_of(&p), "قواته");
}

#[test]
fn entity_ids_carry_the_annotator_so_machines_never_collide() {
    assert_eq!(annotator_slug("Amal Said"), "amal-said");
    assert_eq!(annotator_slug("  --Bob__O'Neil!"), "bob-o-neil");
    assert_eq!(annotator_slug("سارة"), "سارة");
    assert_eq!(annotator_slug("!!"), "anon");
    let mut p = project();
    let mut ids = Vec::new();
    for who in ["amal", "badr"] {
        let key = SetKey::new(who, "d");
        let c = tag(
            &p,
            &key,
            range_of("درنة"),
            "location",
            TagOptions::default(),
        )
        .unwrap();
        apply_command(&mut p, &c).unwrap();
        // The same document, the same fresh span id in both sets.
        let c = create_entity_from_span(&p, &key, "s1").unwrap();
        apply_command(&mut p, &c).unwrap();
        ids.push(p.set(who, "d").unwrap().spans[0].entity.clone().unwrap());
    }
    assert_eq!(ids, ["e-amal-1", "e-badr-1"]);
    // Built on two copies of one project, the two people's ids still differ.
    let base = project();
    let made: Vec<String> = ["amal", "badr"]
        .iter()
        .map(|who| fresh_entity_id(&base, who))
        .collect();
    assert_eq!(made, ["e-amal-1", "e-badr-1"]);
    // A taken number is skipped.
    p.entities.push(crate::model::Entity {
        id: "e-amal-3".into(),
        label: "actor".into(),
        name: "x".into(),
        aliases: Vec::new(),
    });
    assert_eq!(fresh_entity_id(&p, "amal"), "e-amal-4");
}

#[test]
fn entities_create_link_merge() {
    let mut p = project();
    let key = SetKey::new("a", "d");
    {
        let c = tag(
            &p,
            &key,
            range_of("خليفة حفتر"),
            "actor",
            TagOptions::default(),
        )
        .unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    {
        let c = tag(&p, &key, range_of("قواته"), "actor", TagOptions::default()).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    let ids: Vec<String> = p
        .set("a", "d")
        .unwrap()
        .spans
        .iter()
        .map(|s| s.id.clone())
        .collect();
    {
        let c = create_entity_from_span(&p, &key, &ids[0]).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    {
        let c = create_entity_from_span(&p, &key, &ids[1]).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(p.entities.len(), 2);
    let (e1, e2) = (p.entities[0].id.clone(), p.entities[1].id.clone());
    let before = p.clone();
    {
        let c = merge_entities(&p, &e1, &e2).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(p.entities.len(), 1);
    assert_eq!(p.entities[0].aliases, ["قواته"]);
    assert!(
        p.set("a", "d")
            .unwrap()
            .spans
            .iter()
            .all(|s| s.entity.as_deref() == Some(e1.as_str()))
    );
    assert_eq!(entity_mentions(&p)[&e1], 2);
    assert!(
        crate::store::validate(&p).is_empty(),
        "{:?}",
        crate::store::validate(&p)
    );
    // Undo restores both entities and links exactly.
    let cmd = merge_entities(&before, &e1, &e2).unwrap();
    let mut q = before.clone();
    apply_command(&mut q, &cmd).unwrap();
    apply_command(&mut q, &cmd.inverse()).unwrap();
    assert_eq!(q, before);
    {
        let c = link_entity(&p, &key, &ids[1], None).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    assert_eq!(entity_mentions(&p)[&e1], 1);
}

#[test]
fn schema_rename_keeps_spans_and_removal_needs_a_target() {
    use std::collections::BTreeMap;
    let mut p = project();
    let key = SetKey::new("a", "d");
    {
        let c = tag(
            &p,
            &key,
            range_of("خليفة حفتر"),
            "actor",
            TagOptions::default(),
        )
        .unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    {
        let c = tag(
            &p,
            &key,
            range_of("درنة"),
            "location",
            TagOptions::default(),
        )
        .unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    let mut schema = p.schema.clone();
    schema.labels[1].id = "person".into();
    for r in &mut schema.relations {
        for l in r.to.iter_mut().chain(r.from.iter_mut()) {
            if l == "actor" {
                *l = "person".into();
            }
        }
    }
    let renames = BTreeMap::from([("actor".to_string(), "person".to_string())]);
    let before = p.clone();
    let c = change_schema(&p, schema.clone(), &renames, &BTreeMap::new()).unwrap();
    apply_command(&mut p, &c).unwrap();
    let labels: Vec<_> = p
        .set("a", "d")
        .unwrap()
        .spans
        .iter()
        .map(|s| s.label.clone())
        .collect();
    assert_eq!(labels, ["person", "location"]);
    assert!(
        crate::store::validate(&p).is_empty(),
        "{:?}",
        crate::store::validate(&p)
    );
    apply_command(&mut p, &c.inverse()).unwrap();
    assert_eq!(p, before);
    // Removing "location" (in use) needs a relabel target.
    let mut smaller = p.schema.clone();
    smaller.labels.retain(|l| l.id != "location");
    for r in &mut smaller.relations {
        r.to.retain(|l| l != "location");
    }
    assert!(change_schema(&p, smaller.clone(), &BTreeMap::new(), &BTreeMap::new()).is_err());
    let relabel = BTreeMap::from([("location".to_string(), "actor".to_string())]);
    let c = change_schema(&p, smaller, &BTreeMap::new(), &relabel).unwrap();
    apply_command(&mut p, &c).unwrap();
    assert!(
        p.set("a", "d")
            .unwrap()
            .spans
            .iter()
            .all(|s| s.label == "actor")
    );
    assert_eq!(label_usage(&p)["actor"], 2);
}

/// The project with "خليفة حفتر" tagged actor (id s1) and the claim «إن قواته في
/// درنة» (s2) said_by it (r3).
fn tagged() -> (Project, SetKey) {
    let mut p = project();
    let key = SetKey::new("a", "d");
    for (text, label) in [("خليفة حفتر", "actor"), ("إن قواته في درنة", "claim")]
    {
        let c = tag(&p, &key, range_of(text), label, TagOptions::default()).unwrap();
        apply_command(&mut p, &c).unwrap();
    }
    let c = relate(&p, &key, "said_by", "s2", "s1").unwrap();
    apply_command(&mut p, &c).unwrap();
    (p, key)
}

/// Applies `c` to a copy of `p`, checks that its inverse gives `p` back, and returns
/// the edited copy.
fn applied(p: &Project, c: &Command) -> Project {
    let mut q = p.clone();
    apply_command(&mut q, c).unwrap();
    let mut back = q.clone();
    apply_command(&mut back, &c.inverse()).unwrap();
    assert_eq!(&back, p);
    q
}

fn span<'p>(p: &'p Project, id: &str) -> &'p Span {
    p.set("a", "d").unwrap().span(id).unwrap()
}

#[test]
fn missing_set_and_span_are_named() {
    let (p, key) = tagged();
    let err = relabel(&p, &key, "s9", "location").unwrap_err().to_string();
    assert!(err.contains("no span \"s9\""), "{err}");
    let err = set_note(&p, &SetKey::new("b", "d"), "s1", Some("x"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("b has no annotations"), "{err}");
}

#[test]
fn relabel_keeps_allowed_attributes_and_checks_relations() {
    let (p, key) = tagged();
    let c = set_attribute(&p, &key, "s1", "kind", Some("person")).unwrap();
    let mut p = applied(&p, &c);
    // "actor" → "location": s1 is said_by's target, which must be an actor.
    let err = relabel(&p, &key, "s1", "location").unwrap_err().to_string();
    assert!(err.contains("delete the relation first"), "{err}");
    assert!(err.contains("cannot end at a location"), "{err}");
    // Its source relabelled: the message names the start, with the right article.
    let from = p.set("a", "d").unwrap().relations[0].from.clone();
    let err = relabel(&p, &key, &from, "actor").unwrap_err().to_string();
    assert!(err.contains("cannot start at an actor"), "{err}");
    let c = delete_span(&p, &key, "s2").unwrap();
    apply_command(&mut p, &c).unwrap();
    let c = relabel(&p, &key, "s1", "location").unwrap();
    assert_eq!(c.name, "Relabel span");
    let q = applied(&p, &c);
    assert_eq!(span(&q, "s1").label, "location");
    // "person" is a kind of actor, not of location; "other" is a kind of both.
    assert!(span(&q, "s1").attributes.is_empty());
    let c = set_attribute(&p, &key, "s1", "kind", Some("other")).unwrap();
    let o = applied(&p, &c);
    let c = relabel(&o, &key, "s1", "location").unwrap();
    assert_eq!(span(&applied(&o, &c), "s1").attributes["kind"], "other");
    assert!(
        relabel(&p, &key, "s1", "nope")
            .unwrap_err()
            .to_string()
            .contains("no label")
    );
    assert!(
        relabel(&p, &key, "s1", "actor")
            .unwrap_err()
            .to_string()
            .contains("already")
    );
}

#[test]
fn set_attribute_validates_name_and_value() {
    let (p, key) = tagged();
    let c = set_attribute(&p, &key, "s1", "kind", Some("person")).unwrap();
    assert_eq!(c.name, "Set kind");
    let q = applied(&p, &c);
    assert_eq!(span(&q, "s1").attributes["kind"], "person");
    let c = set_attribute(&q, &key, "s1", "kind", None).unwrap();
    assert!(
        applied(&q, &c).set("a", "d").unwrap().spans[0]
            .attributes
            .is_empty()
    );
    let err = set_attribute(&p, &key, "s1", "colour", Some("red"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no attribute \"colour\" (its attributes: kind)"),
        "{err}"
    );
    let err = set_attribute(&p, &key, "s1", "kind", Some("planet"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("choose one of: person"), "{err}");
    let err = set_attribute(&p, &key, "s1", "kind", None)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "nothing changed");
    // Free text takes any value, trimmed.
    let mut p = p;
    p.schema.labels[1].attributes[0].values.clear();
    let c = set_attribute(&p, &key, "s1", "kind", Some(" قائد ")).unwrap();
    assert_eq!(span(&applied(&p, &c), "s1").attributes["kind"], "قائد");
}

#[test]
fn set_note_trims_and_clears() {
    let (p, key) = tagged();
    let c = set_note(&p, &key, "s1", Some("  check the name \n")).unwrap();
    assert_eq!(c.name, "Edit note");
    let q = applied(&p, &c);
    assert_eq!(span(&q, "s1").note.as_deref(), Some("check the name"));
    let c = set_note(&q, &key, "s1", Some("   ")).unwrap();
    assert_eq!(span(&applied(&q, &c), "s1").note, None);
    assert_eq!(
        set_note(&p, &key, "s1", None).unwrap_err(),
        EditError::NothingChanged
    );
}

#[test]
fn move_boundary_updates_text_and_refuses_bad_offsets() {
    let (p, key) = tagged();
    let s1 = span(&p, "s1").clone();
    let c = move_boundary(&p, &key, "s1", SpanEnd::Start, s1.start + 6).unwrap();
    let q = applied(&p, &c);
    assert_eq!(span(&q, "s1").text, "حفتر");
    let len = TEXT.chars().count();
    let err = move_boundary(&p, &key, "s1", SpanEnd::End, len + 1)
        .unwrap_err()
        .to_string();
    assert!(err.contains("past the end"), "{err}");
    let err = move_boundary(&p, &key, "s1", SpanEnd::Start, s1.end)
        .unwrap_err()
        .to_string();
    assert!(err.contains("start must come before its end"), "{err}");
    let err = move_boundary(&p, &key, "s1", SpanEnd::End, s1.end)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "nothing changed");
}

#[test]
fn nudge_span_returns_a_moved_copy() {
    let (p, _) = tagged();
    let s1 = span(&p, "s1");
    let grown = nudge_span(TEXT, s1, SpanEnd::End, true).unwrap();
    assert_eq!(grown.text, "خليفة حفتر»، إن");
    assert_eq!((grown.id.as_str(), grown.start), ("s1", s1.start));
    let shrunk = nudge_span(TEXT, s1, SpanEnd::Start, false).unwrap();
    assert_eq!(shrunk.text, "حفتر");
    assert!(nudge_span(TEXT, &shrunk, SpanEnd::End, false).is_err());
}

#[test]
fn add_document_derives_a_stable_id_from_the_text() {
    let p = project();
    let (c, id) = add_document(&p, " خبر ", "نص جديد").unwrap();
    assert_eq!(id, format!("doc-{}", &text_sha256("نص جديد")[..8]));
    let q = applied(&p, &c);
    let d = q.document(&id).unwrap();
    assert_eq!((d.title.as_str(), d.text.as_str()), ("خبر", "نص جديد"));
    let err = add_document(&q, "again", "نص جديد")
        .unwrap_err()
        .to_string();
    assert!(err.contains("already in the project, as \"خبر\""), "{err}");
    assert!(
        add_document(&p, "t", " \n ")
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
    assert!(
        add_document(&p, " ", "x")
            .unwrap_err()
            .to_string()
            .contains("title")
    );
    // Another text that took the short id: one more hex digit.
    let mut r = p.clone();
    r.documents.push(Document::new(id.clone(), "other", "آخر"));
    let (_, longer) = add_document(&r, "t", "نص جديد").unwrap();
    assert_eq!(longer, format!("doc-{}", &text_sha256("نص جديد")[..9]));
}

#[test]
fn write_gold_set_replaces_or_inserts_and_checks_spans() {
    let (p, _) = tagged();
    let mut gold = AnnotationSet::new("gold", "d");
    gold.spans.push(span(&p, "s1").clone());
    let c = write_gold_set(&p, gold.clone()).unwrap();
    assert_eq!(c.name, "Adjudicate");
    let q = applied(&p, &c);
    assert_eq!(q.set("gold", "d"), Some(&gold));
    let mut more = gold.clone();
    more.spans.push(span(&p, "s2").clone());
    let c = write_gold_set(&q, more.clone()).unwrap();
    assert!(matches!(c.ops.as_slice(), [Op::ReplaceSet { .. }]));
    assert_eq!(applied(&q, &c).set("gold", "d"), Some(&more));
    let mut bad = gold.clone();
    bad.spans[0].end = TEXT.chars().count() + 1;
    assert!(
        write_gold_set(&p, bad)
            .unwrap_err()
            .to_string()
            .contains("span s1 of the gold set")
    );
    let mut bad = gold.clone();
    bad.spans[0].text = "x".into();
    assert!(
        write_gold_set(&p, bad)
            .unwrap_err()
            .to_string()
            .contains("but the text at")
    );
    let mut bad = gold;
    bad.document = "nope".into();
    assert!(
        write_gold_set(&p, bad)
            .unwrap_err()
            .to_string()
            .contains("no document \"nope\"")
    );
}

/// Refusals are typed (what is wrong, with the names it concerns), and each reads as
/// the message the status bar showed when they were strings, word for word.
#[test]
fn refusals_are_typed_and_read_as_the_status_bar_messages() {
    let (p, key) = tagged();
    let r1 = p.set("a", "d").unwrap().relations[0].id.clone();
    let cases: Vec<(Result<Command, EditError>, EditError, String)> = vec![
        (
            relabel(&p, &key, "s9", "location"),
            EditError::NoSuchSpan {
                id: "s9".into(),
                set: SetKey::new("a", "d"),
            },
            "no span \"s9\" in a's annotations on \"d\" (it may have been deleted)".into(),
        ),
        (
            set_note(&p, &SetKey::new("b", "d"), "s1", Some("x")),
            EditError::NoSuchSet(SetKey::new("b", "d")),
            "b has no annotations on document \"d\"".into(),
        ),
        (
            relabel(&p, &key, "s1", "location"),
            EditError::RelationEndNotAllowed {
                relation: r1.clone(),
                kind: "said by".into(),
                end: RelationEnd::Target,
                label: "location".into(),
            },
            format!(
                "relation {r1} (\"said by\") cannot end at a location: delete the relation first, then relabel"
            ),
        ),
        (
            relate(&p, &key, "said_by", "s1", "s2"),
            EditError::RelationNotAllowed {
                kind: "said by".into(),
                from: "actor".into(),
                to: "claim".into(),
            },
            "\"said by\" does not go from an actor to a claim".into(),
        ),
        (
            set_attribute(&p, &key, "s1", "colour", Some("red")),
            EditError::NoSuchAttribute {
                label: "actor".into(),
                attribute: "colour".into(),
                known: vec!["kind".into()],
            },
            "label actor has no attribute \"colour\" (its attributes: kind)".into(),
        ),
        (
            move_boundary(&p, &key, "s1", SpanEnd::End, TEXT.chars().count() + 1),
            EditError::PastEnd {
                offset: TEXT.chars().count() + 1,
                len: TEXT.chars().count(),
            },
            format!(
                "offset {} is past the end of the text ({} characters)",
                TEXT.chars().count() + 1,
                TEXT.chars().count()
            ),
        ),
        (
            relabel(&p, &key, "s1", "actor"),
            EditError::AlreadyLabelled("actor".into()),
            "the span is already labelled actor".into(),
        ),
        (
            set_note(&p, &key, "s1", None),
            EditError::NothingChanged,
            "nothing changed".into(),
        ),
        (
            merge_entities(&p, "e1", "e2"),
            EditError::NoSuchEntity("e1".into()),
            "no entity \"e1\"".into(),
        ),
        (
            crate::model::tag_all::tag_all(&p, &key, &[0..999; 1], "actor"),
            EditError::MatchOutOfRange {
                start: 0,
                end: 999,
                document: "d".into(),
            },
            "match 0..999 out of range in \"d\"".into(),
        ),
    ];
    for (got, variant, message) in cases {
        let err = got.expect_err(&message);
        assert_eq!(err.to_string(), message);
        assert_eq!(err, variant, "{message}");
    }
    let err = add_document(&p, "t", TEXT).unwrap_err();
    assert_eq!(err, EditError::DuplicateText("t".into()));
    assert_eq!(
        err.to_string(),
        "this text is already in the project, as \"t\""
    );
}
