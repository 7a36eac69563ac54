//! Unit tests of `collect` (kept in their own file).
use super::*;
use crate::model::{AnnotationSet, Document, Entity, Span};

fn entity(id: &str, label: &str, name: &str) -> Entity {
    Entity {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        aliases: vec![],
    }
}

fn project(docs: &[(&str, &str)]) -> Project {
    let mut p = Project::new("p", LabelSchema::news_default());
    for (id, text) in docs {
        p.documents.push(Document::new(*id, *id, *text));
    }
    p
}

fn set(
    annotator: &str,
    doc: &str,
    spans: &[(usize, usize, &str, &str, Option<&str>)],
) -> AnnotationSet {
    let mut s = AnnotationSet::new(annotator, doc);
    for (k, (a, b, label, text, e)) in spans.iter().enumerate() {
        let mut sp = Span::new(format!("s{}", k + 1), *a, *b, *label, *text);
        sp.entity = e.map(|e| e.to_string());
        s.spans.push(sp);
    }
    s
}

fn files(ps: Vec<Project>) -> Vec<(PathBuf, Project)> {
    ps.into_iter()
        .enumerate()
        .map(|(i, p)| (PathBuf::from(format!("f{i}.json")), p))
        .collect()
}

#[test]
fn documents_by_text_first_ids_win_and_collisions_are_renamed() {
    let a = project(&[("d1", "درنة"), ("d2", "سرت")]);
    // Same text as d1 under another id; d2 with another text; a new one.
    let b = project(&[("x", "درنة"), ("d2", "طرابلس"), ("d3", "بنغازي")]);
    let (out, r) = collect(&files(vec![a, b]), false).unwrap();
    let ids: Vec<&str> = out.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["d1", "d2", "d2~2", "d3"]);
    assert_eq!(out.documents[2].text, "طرابلس");
    assert_eq!(r.files[1].documents_matched, 1);
    assert_eq!(r.files[1].documents_added, ["d2~2", "d3"]);
    assert_eq!(
        r.files[1].documents_renamed,
        [IdChange {
            from: "d2".into(),
            to: "d2~2".into()
        }]
    );
}

#[test]
fn sets_are_rekeyed_and_entities_merged_or_renamed() {
    let mut a = project(&[("d1", "حفتر في درنة")]);
    a.entities.push(entity("e1", "actor", "حفتر"));
    a.sets
        .push(set("amina", "d1", &[(0, 4, "actor", "حفتر", Some("e1"))]));
    let mut b = project(&[("doc-b", "حفتر في درنة")]);
    // Same name and label under another id: merged. Same id, other entity: renamed.
    b.entities.push(entity("haftar", "actor", "حفتر"));
    b.entities.push(entity("e1", "location", "درنة"));
    b.sets.push(set(
        "badr",
        "doc-b",
        &[
            (0, 4, "actor", "حفتر", Some("haftar")),
            (8, 12, "location", "درنة", Some("e1")),
        ],
    ));
    let (out, r) = collect(&files(vec![a, b]), false).unwrap();
    assert_eq!(out.documents.len(), 1);
    let ents: Vec<(&str, &str)> = out
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect();
    assert_eq!(ents, [("e1", "حفتر"), ("e1~2", "درنة")]);
    let badr = out.set("badr", "d1").expect("re-keyed to the output's id");
    let links: Vec<_> = badr.spans.iter().map(|s| s.entity.as_deref()).collect();
    assert_eq!(links, [Some("e1"), Some("e1~2")]);
    let f = &r.files[1];
    assert_eq!(f.entities_merged[0].to, "e1");
    assert_eq!(f.entities_renamed[0].to, "e1~2");
    assert_eq!(f.sets.get("badr"), Some(&1));
    let text = r.to_string();
    assert!(
        text.contains("haftar → e1") && text.contains("e1 → e1~2"),
        "{text}"
    );
}

#[test]
fn differing_sets_are_an_error_naming_both_files() {
    let mut a = project(&[("d1", "درنة")]);
    a.sets
        .push(set("amina", "d1", &[(0, 4, "location", "درنة", None)]));
    let mut b = a.clone();
    b.sets[0].done = true;
    let err = collect(&files(vec![a.clone(), b]), false).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("f0.json") && msg.contains("f1.json") && msg.contains("amina"),
        "{msg}"
    );
    // Equal sets are fine.
    let (_, r) = collect(&files(vec![a.clone(), a]), false).unwrap();
    assert_eq!(r.files[1].sets_same, 1);
}

#[test]
fn schema_differences_are_named() {
    let a = project(&[("d1", "درنة")]);
    let mut b = a.clone();
    b.schema.labels[1].color = "#000000".into();
    let msg = collect(&files(vec![a.clone(), b]), false)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("f0.json") && msg.contains("f1.json"), "{msg}");
    assert!(msg.contains("label «actor» differs: colour"), "{msg}");
    let mut c = a.clone();
    c.schema.relations.pop();
    let msg = collect(&files(vec![a.clone(), c]), false)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("relation type"), "{msg}");
    let mut d = a.clone();
    d.schema.labels.remove(0);
    let msg = collect(&files(vec![a, d]), false).unwrap_err().to_string();
    assert!(msg.contains("is in f0.json but not in f1.json"), "{msg}");
}

#[test]
fn plans_kept_if_equal_else_first_with_a_warning() {
    let mut a = project(&[("d1", "درنة")]);
    let plan = crate::model::Assignment {
        annotators: vec!["x".into()],
        per_document: 1,
        overlap: 1.0,
        seed: 1,
        documents: [("d1".to_string(), vec!["x".to_string()])].into(),
    };
    a.assignment = Some(plan.clone());
    let mut b = a.clone();
    let (out, r) = collect(&files(vec![a.clone(), b.clone()]), false).unwrap();
    assert_eq!(out.assignment.as_ref(), Some(&plan));
    assert!(r.warnings.is_empty());
    // Parts of one plan (each file lists its own documents) are put together.
    let mut c = project(&[("d2", "سرت")]);
    let mut part = plan.clone();
    part.documents = [("d2".to_string(), vec!["x".to_string()])].into();
    c.assignment = Some(part);
    let (out, r) = collect(&files(vec![a.clone(), c]), false).unwrap();
    let whole = out.assignment.unwrap();
    assert_eq!(whole.documents.keys().collect::<Vec<_>>(), ["d1", "d2"]);
    assert!(r.warnings.is_empty());
    b.assignment.as_mut().unwrap().seed = 2;
    let (out, r) = collect(&files(vec![a, b]), false).unwrap();
    assert_eq!(out.assignment.as_ref(), Some(&plan));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
}

#[test]
fn no_inputs() {
    assert!(matches!(collect(&[], false), Err(CollectError::NoInputs)));
}

/// Issue #25, item 3: with `prefer_newer`, the version that holds the other wins in
/// either order; versions differing only in who changed them last keep the first;
/// versions both changed are an error naming both files.
#[test]
fn prefer_newer_decides_by_content() {
    let mut a = project(&[("d1", "درنة وسرت")]);
    a.sets
        .push(set("amina", "d1", &[(0, 4, "location", "درنة", None)]));
    let mut b = a.clone();
    b.sets[0]
        .spans
        .push(Span::new("s2", 5, 9, "location", "وسرت"));
    for (fs, kept) in [
        (files(vec![a.clone(), b.clone()]), "f1.json"),
        (files(vec![b.clone(), a.clone()]), "f0.json"),
    ] {
        let (out, r) = collect(&fs, true).unwrap();
        assert_eq!(out.sets[0].spans.len(), 2);
        assert_eq!(r.replaced[0].kept, PathBuf::from(kept));
        assert!(r.replaced[0].reason.contains("1 span more"), "{r}");
        assert!(!r.replaced[0].output_won);
    }
    let mut c = a.clone();
    c.sets[0].modified_by = Some("lead".into());
    let (out, r) = collect(&files(vec![a.clone(), c]), true).unwrap();
    assert_eq!(out.sets[0].modified_by, None);
    assert!(r.replaced[0].reason.contains("the same annotations"), "{r}");
    let mut d = a.clone();
    d.sets[0].done = true;
    match collect(&files(vec![b, d]), true) {
        Err(CollectError::Diverged(x)) => {
            let msg = x.to_string();
            assert!(
                msg.contains("f0.json (1 span not in the other)")
                    && msg.contains("f1.json (the done mark not in the other)"),
                "{msg}"
            );
        }
        other => panic!("{other:?}"),
    }
}
