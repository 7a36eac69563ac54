//! Unit tests of `merge` (kept in their own file).
use super::*;
use crate::model::EditError;
use crate::model::edit::{self, TagOptions};
use crate::model::history::Command;
use crate::model::history::{History, apply_command};
use crate::store::{self, Severity};

const TEXT: &str = "قال «خليفة حفتر»، إن قواته في درنة.";

fn range_of(s: &str) -> std::ops::Range<usize> {
    let b = TEXT.find(s).unwrap();
    let start = TEXT[..b].chars().count();
    start..start + s.chars().count()
}

fn key(a: &str) -> SetKey {
    SetKey::new(a, "d")
}

fn run(p: &mut Project, c: impl FnOnce(&Project) -> Result<Command, EditError>) {
    let c = c(p).unwrap();
    apply_command(p, &c).unwrap();
}

fn tag(p: &mut Project, who: &str, text: &str, label: &str) -> String {
    run(p, |q| {
        edit::tag(q, &key(who), range_of(text), label, TagOptions::default())
    });
    let set = p.set(who, "d").unwrap();
    set.spans
        .iter()
        .find(|s| s.text == text && s.label == label)
        .unwrap()
        .id
        .clone()
}

/// "خليفة حفتر" actor (s1), the claim (s2) said_by it (r3), in a's set.
fn base() -> Project {
    let mut p = Project::new("t", LabelSchema::news_default());
    p.documents.push(Document::new("d", "title", TEXT));
    tag(&mut p, "a", "خليفة حفتر", "actor");
    tag(&mut p, "a", "إن قواته في درنة", "claim");
    run(&mut p, |q| {
        edit::relate(q, &key("a"), "said_by", "s2", "s1")
    });
    p.canonicalize();
    p
}

fn merged(b: &Project, o: &Project, t: &Project) -> MergeOutcome {
    let out = merge(b, o, t, ("ours.json", "theirs.json"));
    let errors: Vec<_> = store::validate(&out.project)
        .into_iter()
        .filter(|x| x.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    out
}

fn span<'p>(p: &'p Project, who: &str, id: &str) -> &'p Span {
    p.set(who, "d").unwrap().span(id).unwrap()
}

#[test]
fn a_side_with_itself_or_an_unchanged_base_is_that_side() {
    let b = base();
    let mut o = b.clone();
    tag(&mut o, "a", "درنة", "location");
    assert_eq!(merged(&b, &o, &o).project, o);
    assert_eq!(merged(&b, &o, &b).project, o);
    assert_eq!(merged(&b, &b, &o).project, o);
    assert_eq!(merged(&b, &o, &o).conflicts, 0);
}

#[test]
fn different_annotators_merge_cleanly() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    tag(&mut o, "amal", "درنة", "location");
    tag(&mut t, "badr", "قواته", "actor");
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 0);
    assert!(out.renamed.is_empty());
    assert_eq!(out.project.sets.len(), 3);
    assert_eq!(span(&out.project, "amal", "s1").text, "درنة");
    assert_eq!(span(&out.project, "badr", "s1").text, "قواته");
}

#[test]
fn the_same_new_id_on_both_sides_renames_theirs_and_its_relations_follow() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    let os = tag(&mut o, "a", "درنة", "location");
    let ts = tag(&mut t, "a", "قواته", "actor");
    assert_eq!(os, ts, "both sides made the same fresh id");
    run(&mut t, |q| edit::relate(q, &key("a"), "about", "s2", &ts));
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 0);
    let new = format!("{ts}-2");
    assert_eq!(
        out.renamed,
        [Renamed {
            kind: ConflictKind::Span,
            set: Some(key("a")),
            from: ts.clone(),
            to: new.clone()
        }]
    );
    let p = &out.project;
    assert_eq!(span(p, "a", &os).text, "درنة");
    assert_eq!(span(p, "a", &new).text, "قواته");
    let about = p
        .set("a", "d")
        .unwrap()
        .relations
        .iter()
        .find(|r| r.kind == "about");
    assert_eq!(about.map(|r| r.to.as_str()), Some(new.as_str()));
}

#[test]
fn the_same_addition_under_different_ids_is_kept_once() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    tag(&mut o, "a", "قواته", "actor"); // s4 on ours
    tag(&mut t, "a", "في", "location"); // s4 on theirs
    let t_id = tag(&mut t, "a", "قواته", "actor"); // s5 on theirs
    run(&mut t, |q| edit::relate(q, &key("a"), "about", "s2", &t_id));
    let out = merged(&b, &o, &t);
    let set = out.project.set("a", "d").unwrap();
    assert_eq!(set.spans.iter().filter(|s| s.text == "قواته").count(), 1);
    let about = set.relations.iter().find(|r| r.kind == "about").unwrap();
    assert_eq!(span(&out.project, "a", &about.to).text, "قواته");
    assert_eq!(out.conflicts, 0);
}

#[test]
fn span_fields_and_attributes_merge_separately() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    run(&mut o, |q| {
        edit::set_attribute(q, &key("a"), "s1", "kind", Some("person"))
    });
    run(&mut t, |q| {
        edit::set_note(q, &key("a"), "s1", Some("check"))
    });
    run(&mut t, |q| {
        edit::move_boundary(
            q,
            &key("a"),
            "s1",
            edit::SpanEnd::Start,
            range_of("حفتر").start,
        )
    });
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 0);
    let s = span(&out.project, "a", "s1");
    assert_eq!(
        (
            s.attributes["kind"].as_str(),
            s.note.as_deref(),
            s.text.as_str()
        ),
        ("person", Some("check"), "حفتر")
    );
    // The same attribute set differently is a conflict.
    let mut t2 = b.clone();
    run(&mut t2, |q| {
        edit::set_attribute(q, &key("a"), "s1", "kind", Some("state"))
    });
    assert_eq!(merged(&b, &o, &t2).conflicts, 1);
}

/// Ours relabels s1 (actor) to location, theirs to claim (s1 has no relation that
/// forbids it once r3 is gone).
fn relabelled_both_ways() -> (Project, Project, Project) {
    let mut b = base();
    run(&mut b, |q| edit::delete_span(q, &key("a"), "s2"));
    let (mut o, mut t) = (b.clone(), b.clone());
    run(&mut o, |q| edit::relabel(q, &key("a"), "s1", "location"));
    run(&mut t, |q| edit::relabel(q, &key("a"), "s1", "claim"));
    (b, o, t)
}

#[test]
fn a_span_relabelled_differently_is_a_conflict_resolvable_either_way() {
    let (b, o, t) = relabelled_both_ways();
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 1);
    let p = out.project;
    assert_eq!(span(&p, "a", "s1").label, "location", "ours is kept");
    let c = &p.conflicts[0];
    assert_eq!(c.id, "span/a/d/s1");
    assert_eq!((c.kind, c.item.as_str()), (ConflictKind::Span, "s1"));
    assert_eq!(c.base.as_ref().unwrap()["label"], "actor");
    assert_eq!(c.ours.as_ref().unwrap()["label"], "location");
    assert_eq!(c.theirs.as_ref().unwrap()["label"], "claim");
    assert_eq!(c.sources["ours"], "ours.json");
    assert_eq!(c.sources["theirs"], "theirs.json");
    // Stable: the same merge gives the same conflict.
    assert_eq!(merged(&b, &o, &t).project, p);
    // Theirs, in one undoable step.
    let mut q = p.clone();
    let mut h = History::new();
    let cmd = resolve_conflict(&q, &c.id, Resolution::Theirs).unwrap();
    assert_eq!(cmd.name, "Resolve conflict on span s1 of a on d (theirs)");
    h.apply_and_record(&mut q, cmd).unwrap();
    assert_eq!(span(&q, "a", "s1").label, "claim");
    assert!(q.conflicts.is_empty());
    h.undo(&mut q).unwrap();
    assert_eq!(q, p);
    // Ours keeps the span and drops the conflict.
    let cmd = resolve_conflict(&q, &c.id, Resolution::Ours).unwrap();
    h.apply_and_record(&mut q, cmd).unwrap();
    assert_eq!(span(&q, "a", "s1").label, "location");
    assert!(q.conflicts.is_empty());
    // Edited: the text follows the bounds.
    let mut edited = c.theirs.clone().unwrap();
    edited["start"] = range_of("حفتر").start.into();
    let cmd = resolve_conflict(&p, &c.id, Resolution::Edited(edited)).unwrap();
    let mut r = p.clone();
    apply_command(&mut r, &cmd).unwrap();
    assert_eq!(span(&r, "a", "s1").text, "حفتر");
    let err = resolve_conflict(&p, "nope", Resolution::Ours)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no conflict \"nope\""), "{err}");
}

#[test]
fn deleted_on_one_side_and_changed_on_the_other() {
    let (b, mut o, _) = relabelled_both_ways();
    let mut t = b.clone();
    run(&mut t, |q| edit::delete_span(q, &key("a"), "s1"));
    // Theirs deleted, ours changed: ours is kept.
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 1);
    assert_eq!(span(&out.project, "a", "s1").label, "location");
    let c = &out.project.conflicts[0];
    assert_eq!(c.theirs, None);
    let cmd = resolve_conflict(&out.project, &c.id, Resolution::Theirs).unwrap();
    let mut q = out.project.clone();
    apply_command(&mut q, &cmd).unwrap();
    assert!(q.set("a", "d").unwrap().span("s1").is_none());
    // Ours deleted, theirs changed: nothing is held, theirs is recorded.
    std::mem::swap(&mut o, &mut t);
    let out = merged(&b, &o, &t);
    assert!(out.project.set("a", "d").unwrap().span("s1").is_none());
    let c = &out.project.conflicts[0];
    let cmd = resolve_conflict(&out.project, &c.id, Resolution::Theirs).unwrap();
    let mut q = out.project.clone();
    apply_command(&mut q, &cmd).unwrap();
    assert_eq!(span(&q, "a", "s1").label, "location");
    // Deleted on one side, untouched on the other: deleted.
    let out = merged(&b, &b, &o);
    assert!(out.project.set("a", "d").unwrap().span("s1").is_none());
    assert_eq!(out.conflicts, 0);
}

#[test]
fn a_span_deleted_by_ours_that_theirs_relates_to_is_kept() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    run(&mut o, |q| edit::delete_span(q, &key("a"), "s1"));
    let loc = tag(&mut t, "a", "درنة", "location");
    run(&mut t, |q| edit::relate(q, &key("a"), "about", "s2", "s1"));
    run(&mut t, |q| edit::relate(q, &key("a"), "about", "s2", &loc));
    let out = merged(&b, &o, &t);
    let p = &out.project;
    assert_eq!(span(p, "a", "s1").text, "خليفة حفتر");
    assert!(
        p.conflicts
            .iter()
            .any(|c| c.id == "span/a/d/s1" && c.ours.is_none())
    );
    // Choosing ours removes the span and the relation that points at it.
    let cmd = resolve_conflict(p, "span/a/d/s1", Resolution::Ours).unwrap();
    let mut q = p.clone();
    apply_command(&mut q, &cmd).unwrap();
    let set = q.set("a", "d").unwrap();
    assert!(set.span("s1").is_none());
    assert!(set.relations.iter().all(|r| r.to != "s1"));
    assert!(
        store::validate(&q)
            .iter()
            .all(|x| x.severity != Severity::Error)
    );
}

#[test]
fn entities_merge_by_id_and_colliding_ids_are_renamed_with_their_links() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    // The same annotator on two machines: the same new entity id.
    run(&mut o, |q| {
        edit::create_entity_from_span(q, &key("a"), "s1")
    });
    let loc = tag(&mut t, "a", "درنة", "location");
    run(&mut t, |q| {
        edit::create_entity_from_span(q, &key("a"), &loc)
    });
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 0);
    let p = &out.project;
    assert_eq!(p.entities.len(), 2);
    assert_eq!(span(p, "a", "s1").entity.as_deref(), Some("e-a-1"));
    let theirs_link = span(p, "a", &loc).entity.clone();
    assert_eq!(theirs_link.as_deref(), Some("e-a-1-2"));
    assert_eq!(p.entity("e-a-1-2").unwrap().name, "درنة");
    // Renamed differently: a conflict; aliases merge as a set.
    let mut b2 = o.clone();
    b2.entities[0].aliases = vec!["حفتر".into()];
    let (mut o2, mut t2) = (b2.clone(), b2.clone());
    o2.entities[0].name = "المشير".into();
    o2.entities[0].aliases.push("x".into());
    t2.entities[0].name = "الجنرال".into();
    t2.entities[0].aliases.clear();
    let out = merged(&b2, &o2, &t2);
    assert_eq!(out.project.conflicts[0].id, "entity/e-a-1");
    assert_eq!(out.project.entities[0].name, "المشير");
    t2.entities[0].name = b2.entities[0].name.clone();
    let out = merged(&b2, &o2, &t2);
    assert_eq!(out.conflicts, 0);
    assert_eq!(out.project.entities[0].aliases, ["x"]);
}

#[test]
fn schema_merges_label_by_label() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    let mut event = o.schema.labels[2].clone();
    event.id = "event".into();
    o.schema.labels.push(event.clone());
    let mut date = event.clone();
    date.id = "date".into();
    t.schema.labels.push(date);
    t.documents[0].title = "new title".into();
    let out = merged(&b, &o, &t);
    assert_eq!(out.conflicts, 0);
    let ids: Vec<_> = out
        .project
        .schema
        .labels
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(ids, ["claim", "actor", "location", "event", "date"]);
    assert_eq!(out.project.documents[0].title, "new title");
    // The same label changed differently: one schema conflict, ours held.
    let (mut o, mut t) = (b.clone(), b.clone());
    o.schema.labels[0].color = "#000000".into();
    t.schema.labels[0].color = "#FFFFFF".into();
    t.schema.labels.push(event);
    let out = merged(&b, &o, &t);
    let p = &out.project;
    assert_eq!(p.conflicts[0].id, "schema");
    assert_eq!(p.schema.labels[0].color, "#000000");
    assert!(
        p.schema.label("event").is_some(),
        "theirs' clean change is in"
    );
    let cmd = resolve_conflict(p, "schema", Resolution::Theirs).unwrap();
    let mut q = p.clone();
    apply_command(&mut q, &cmd).unwrap();
    assert_eq!(q.schema.labels[0].color, "#FFFFFF");
    assert!(q.schema.label("event").is_some());
    assert!(q.conflicts.is_empty());
}

#[test]
fn a_label_removed_on_one_side_but_used_on_the_other_is_kept() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    tag(&mut o, "a", "درنة", "location");
    t.schema.labels.retain(|l| l.id != "location");
    for r in &mut t.schema.relations {
        r.to.retain(|l| l != "location");
        r.from.retain(|l| l != "location");
    }
    let out = merged(&b, &o, &t);
    assert!(out.project.schema.label("location").is_some());
    assert_eq!(out.project.conflicts[0].id, "schema");
    // Theirs (without the label) is refused while a span uses it.
    let err = resolve_conflict(&out.project, "schema", Resolution::Theirs)
        .unwrap_err()
        .to_string();
    assert!(err.contains("would leave the project invalid"), "{err}");
}

#[test]
fn set_fields_documents_and_the_name() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    o.sets.push(AnnotationSet::new("n", "d"));
    let mut done = AnnotationSet::new("n", "d");
    done.done = true;
    t.sets.push(done);
    o.documents[0]
        .meta
        .insert("section".into(), "politics".into());
    t.documents[0].meta.insert("country".into(), "libya".into());
    o.name = "ours".into();
    let out = merged(&b, &o, &t);
    assert!(
        out.project.set("n", "d").unwrap().done,
        "done on either side"
    );
    assert_eq!(out.project.documents[0].meta.len(), 2);
    assert_eq!(out.project.name, "ours");
    assert_eq!(out.conflicts, 0);
    t.name = "theirs".into();
    t.documents[0].title = "T".into();
    o.documents[0].title = "O".into();
    let out = merged(&b, &o, &t);
    let ids: Vec<_> = out
        .project
        .conflicts
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, ["document/d", "name"]);
    let p = &out.project;
    let cmd = resolve_conflict(p, "name", Resolution::Theirs).unwrap();
    let mut q = p.clone();
    apply_command(&mut q, &cmd).unwrap();
    assert_eq!(q.name, "theirs");
    let cmd = resolve_conflict(&q, "document/d", Resolution::Theirs).unwrap();
    apply_command(&mut q, &cmd).unwrap();
    assert_eq!(q.documents[0].title, "T");
    assert!(q.conflicts.is_empty());
    assert_eq!(q.format_version(), 2, "metadata");
}

#[test]
fn conflict_ids_escape_the_separator() {
    let k = SetKey::new("a/b", "c%d");
    assert_eq!(
        conflict_id(ConflictKind::Relation, Some(&k), "r1"),
        "relation/a%2Fb/c%25d/r1"
    );
    assert_eq!(conflict_id(ConflictKind::Name, None, ""), "name");
}

#[test]
fn only_project_files_are_merged_by_ids() {
    assert!(is_project(
        br#"{"format": "hashiya-project", "version": 1}"#
    ));
    assert!(!is_project(br#"{"format": "other"}"#));
    assert!(!is_project(b"[1, 2]"));
    assert!(!is_project(b"not json"));
}

/// Ours and theirs made from one project that neither side's file has as a base (the
/// file was added on both branches): the base git passes is empty.
fn both_added() -> (Project, Project) {
    let start = base();
    let (mut o, mut t) = (start.clone(), start.clone());
    // Theirs deletes s2 (and its relation to s1) and relabels s1; ours tags a new span.
    run(&mut t, |q| edit::delete_span(q, &key("a"), "s2"));
    run(&mut t, |q| edit::relabel(q, &key("a"), "s1", "location"));
    tag(&mut o, "a", "درنة", "location");
    o.canonicalize();
    t.canonicalize();
    (o, t)
}

#[test]
fn without_a_base_a_relabel_is_a_conflict_and_nothing_doubles() {
    let (o, t) = both_added();
    let out = merge_without_base(&o, &t, ("ours", "theirs"));
    let p = &out.project;
    assert!(
        store::validate(p)
            .iter()
            .all(|x| x.severity != Severity::Error)
    );
    let set = p.set("a", "d").unwrap();
    // One span s1 (ours' label), the relabel recorded as a conflict: not two spans.
    let s1: Vec<_> = set
        .spans
        .iter()
        .filter(|s| s.text == "خليفة حفتر")
        .collect();
    assert_eq!(s1.len(), 1, "{:#?}", set.spans);
    assert_eq!(s1[0].label, "actor");
    assert!(out.renamed.is_empty());
    let ids: Vec<&str> = p.conflicts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["span/a/d/s1"]);
    let c = &p.conflicts[0];
    assert_eq!(
        (
            c.base.as_ref(),
            c.theirs.as_ref().unwrap()["label"].as_str()
        ),
        (None, Some("location"))
    );
    // Without a base a span on one side only is kept: theirs' deletion of s2 (and of
    // the relation) cannot be told from ours' addition, so s2 stays; ours' new span
    // too.
    assert!(set.span("s2").is_some() && set.relations.len() == 1);
    assert!(set.spans.iter().any(|s| s.text == "درنة"));
    // Identical sides: that side, no conflict.
    let same = merge_without_base(&o, &o, ("ours", "theirs"));
    assert_eq!((same.project, same.conflicts), (o.clone(), 0));
    // Resolving as theirs gives theirs' label.
    let cmd = resolve_conflict(p, "span/a/d/s1", Resolution::Theirs).unwrap();
    let mut q = p.clone();
    apply_command(&mut q, &cmd).unwrap();
    assert_eq!(
        q.set("a", "d").unwrap().span("s1").unwrap().label,
        "location"
    );
}

#[test]
fn one_document_id_with_two_texts_keeps_both_and_the_sets_follow() {
    let other = "أعلنت حكومة الوفاق في طرابلس أن سرت تحررت.";
    // The base has no document; each side imported an article as "d".
    let mut b = base();
    b.documents.clear();
    b.sets.clear();
    let mut o = base();
    tag(&mut o, "a", "درنة", "location");
    let mut t = b.clone();
    t.documents.push(Document::new("d", "other", other));
    t.sets.push(AnnotationSet::new("a", "d"));
    let (start, end) = (other.find("طرابلس").unwrap(), other.find(" أن").unwrap());
    let range = other[..start].chars().count()..other[..end].chars().count();
    run(&mut t, |q| {
        edit::tag(
            q,
            &key("a"),
            range.clone(),
            "location",
            TagOptions::default(),
        )
    });
    // A third document: the same text as ours' "d" under another id.
    let mut same_text = Document::new("d-copy", "copy", TEXT);
    same_text.title = "title".into();
    t.documents.push(same_text);
    t.sets.push(AnnotationSet::new("b", "d-copy"));
    t.canonicalize();
    for out in [merged(&b, &o, &t), merge_without_base(&o, &t, ("o", "t"))] {
        let p = &out.project;
        let texts: Vec<(&str, &str)> = p
            .documents
            .iter()
            .map(|d| (d.id.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(texts, [("d", TEXT), ("d~2", other)], "{texts:?}");
        assert_eq!(p.set("a", "d").unwrap(), o.set("a", "d").unwrap());
        let theirs = p.set("a", "d~2").unwrap();
        assert_eq!(theirs.spans.len(), 1);
        assert_eq!(theirs.spans[0].text, "طرابلس");
        assert!(
            p.set("b", "d").is_some(),
            "the set on d-copy follows it to d"
        );
        let renamed: Vec<(&str, &str)> = out
            .renamed
            .iter()
            .filter(|r| r.kind == ConflictKind::Document)
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(renamed, [("d", "d~2"), ("d-copy", "d")]);
        assert_eq!(out.conflicts, 0, "{:#?}", p.conflicts);
    }
}
