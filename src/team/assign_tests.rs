//! Unit tests of `assign` (kept in their own file).
use super::*;
use crate::model::{AnnotationSet, Document, LabelSchema, Span};

fn corpus(n: usize) -> Project {
    let mut p = Project::new("corpus", LabelSchema::news_default());
    for i in 0..n {
        p.documents.push(Document::new(
            format!("d{i:02}"),
            format!("t{i}"),
            format!("نص رقم {i}"),
        ));
    }
    p
}

fn opts(names: &[&str], k: usize, overlap: Option<f64>, seed: u64) -> AssignOptions {
    AssignOptions {
        annotators: names.iter().map(|s| s.to_string()).collect(),
        per_document: k,
        overlap,
        seed,
        force: false,
        add: false,
    }
}

fn loads(plan: &Assignment) -> Vec<usize> {
    plan.annotators
        .iter()
        .map(|a| plan.documents_of(a).count())
        .collect()
}

fn pair_counts(plan: &Assignment) -> Vec<usize> {
    let names = &plan.annotators;
    let mut out = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            out.push(
                plan.documents
                    .values()
                    .filter(|w| w.contains(&names[i]) && w.contains(&names[j]))
                    .count(),
            );
        }
    }
    out
}

fn spread(v: &[usize]) -> usize {
    v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0)
}

#[test]
fn splitmix64_matches_the_reference() {
    // The first outputs of SplitMix64 for seed 1234567 (as in the reference C code).
    let mut r = SplitMix64::new(1234567);
    assert_eq!(r.next_u64(), 6457827717110365317);
    assert_eq!(r.next_u64(), 3203168211198807973);
    assert_eq!(r.next_u64(), 9817491932198370423);
}

#[test]
fn every_document_goes_to_k_annotators_and_loads_are_balanced() {
    for a in 1..=7 {
        for k in 1..=a {
            for n in [1, 2, 5, 13, 20] {
                for seed in 0..3 {
                    let names: Vec<String> = (0..a).map(|i| format!("ann{i}")).collect();
                    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                    let plan = plan(&corpus(n), &opts(&refs, k, None, seed)).unwrap();
                    assert_eq!(plan.documents.len(), n);
                    for who in plan.documents.values() {
                        assert_eq!(who.len(), k);
                        let mut d = who.clone();
                        d.dedup();
                        assert_eq!(d.len(), k, "distinct annotators");
                    }
                    let l = loads(&plan);
                    assert!(spread(&l) <= 1, "a={a} k={k} n={n}: {l:?}");
                    assert_eq!(l.iter().sum::<usize>(), n * k);
                }
            }
        }
    }
}

#[test]
fn overlap_shares_a_rounded_fraction() {
    let names = ["a", "b", "c", "d"];
    for (n, f, shared) in [
        (10, 0.2, 2),
        (10, 0.25, 3),
        (7, 0.5, 4),
        (9, 0.0, 0),
        (9, 1.0, 9),
    ] {
        let plan = plan(&corpus(n), &opts(&names, 3, Some(f), 42)).unwrap();
        let sizes: Vec<usize> = plan.documents.values().map(|w| w.len()).collect();
        assert_eq!(sizes.iter().filter(|&&s| s == 3).count(), shared, "{n} {f}");
        assert_eq!(sizes.iter().filter(|&&s| s == 1).count(), n - shared);
        assert!(spread(&loads(&plan)) <= 1);
        assert_eq!(plan.overlap, f);
        assert_eq!(plan.per_document, 3);
    }
}

#[test]
fn the_pair_sequence_holds_every_pair_once_and_stays_balanced() {
    for a in 2..=12usize {
        let seq = pair_sequence(a);
        assert_eq!(seq.len(), a * (a - 1) / 2);
        let mut seen = std::collections::HashSet::new();
        let mut deg = vec![0usize; a];
        for &(x, y) in &seq {
            assert!(x != y && x < a && y < a);
            assert!(seen.insert((x.min(y), x.max(y))), "a={a}: ({x},{y}) twice");
            deg[x] += 1;
            deg[y] += 1;
            assert!(spread(&deg) <= 1, "a={a}: {deg:?}");
        }
    }
}

#[test]
fn pairs_spread_evenly_with_two_per_document() {
    for a in 2..=8usize {
        let rounds = a * (a - 1) / 2;
        for n in 1..=3 * rounds {
            for seed in [0, 7] {
                let names: Vec<String> = (0..a).map(|i| format!("ann{i}")).collect();
                let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                let plan = plan(&corpus(n), &opts(&refs, 2, None, seed)).unwrap();
                let p = pair_counts(&plan);
                assert!(spread(&p) <= 1, "a={a} n={n} seed={seed}: {p:?}");
            }
        }
    }
}

#[test]
fn reproducible_with_the_seed() {
    let c = corpus(30);
    let names = ["amina", "badr", "salwa", "omar"];
    let p1 = plan(&c, &opts(&names, 2, Some(0.5), 99)).unwrap();
    let p2 = plan(&c, &opts(&names, 2, Some(0.5), 99)).unwrap();
    assert_eq!(p1, p2);
    let differ = (100..110)
        .filter(|s| plan(&c, &opts(&names, 2, Some(0.5), *s)).unwrap().documents != p1.documents)
        .count();
    assert!(differ >= 9, "other seeds give other plans ({differ} of 10)");
    // Pinned: the generator and the algorithm must not change silently.
    let small = plan(&corpus(4), &opts(&["a", "b", "c"], 2, None, 1)).unwrap();
    let got: Vec<String> = small.documents.values().map(|w| w.join("+")).collect();
    assert_eq!(got, PINNED);
}

const PINNED: [&str; 4] = ["b+c", "a+c", "a+c", "a+b"];

#[test]
fn projects_hold_own_documents_sets_registry_and_plan() {
    let mut c = corpus(6);
    c.entities.push(crate::model::Entity {
        id: "e1".into(),
        label: "actor".into(),
        name: "حفتر".into(),
        aliases: vec![],
    });
    let mut s = AnnotationSet::new("b", "d00");
    s.spans.push(Span::new("s1", 0, 2, "actor", "نص"));
    c.sets.push(s);
    c.sets.push(AnnotationSet::new("zed", "d00"));
    let out = assign(&c, &opts(&["a", "b", "c"], 2, None, 5)).unwrap();
    assert_eq!(
        out.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    let plan = super::plan(&c, &opts(&["a", "b", "c"], 2, None, 5)).unwrap();
    for (name, p) in &out {
        let own = p.assignment.as_ref().unwrap();
        assert_eq!(
            (&own.annotators, own.per_document, own.seed),
            (&plan.annotators, plan.per_document, plan.seed)
        );
        for (d, who) in &own.documents {
            assert_eq!(&plan.documents[d], who);
        }
        assert_eq!(own.documents.len(), plan.documents_of(name).count());
        assert_eq!(p.entities, c.entities);
        assert_eq!(p.schema, c.schema);
        let ids: Vec<&str> = p.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, plan.documents_of(name).collect::<Vec<_>>());
        assert!(p.sets.iter().all(|s| s.annotator == *name));
        assert_eq!(p.format_version(), 2);
        assert!(store::validate(p).is_empty(), "{:?}", store::validate(p));
    }
    let b = &out[1].1;
    assert_eq!(
        b.sets.len(),
        usize::from(plan.documents["d00"].contains(&"b".to_string()))
    );
}

#[test]
fn names_are_checked_and_sanitised() {
    let c = corpus(3);
    assert!(matches!(
        assign(&c, &opts(&[], 1, None, 0)),
        Err(AssignError::NoAnnotators)
    ));
    assert!(matches!(
        assign(&c, &opts(&["a", "  "], 1, None, 0)),
        Err(AssignError::EmptyName { position: 2 })
    ));
    match assign(&c, &opts(&["a/b", "a_b"], 1, None, 0)) {
        Err(AssignError::SameFileName { a, b, file }) => {
            assert_eq!(
                (a.as_str(), b.as_str(), file.as_str()),
                ("a/b", "a_b", "a_b.json")
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        assign(&c, &opts(&["Ali", "ali"], 1, None, 0)),
        Err(AssignError::SameFileName { .. })
    ));
    assert!(matches!(
        assign(&c, &opts(&["a", "b"], 3, None, 0)),
        Err(AssignError::PerDocument {
            per_document: 3,
            annotators: 2
        })
    ));
    assert!(matches!(
        assign(&c, &opts(&["a"], 0, None, 0)),
        Err(AssignError::PerDocument { .. })
    ));
    for f in [-0.1, 1.5, f64::NAN] {
        assert!(matches!(
            assign(&c, &opts(&["a"], 1, Some(f), 0)),
            Err(AssignError::Overlap(_))
        ));
    }
    assert!(matches!(
        assign(&corpus(0), &opts(&["a"], 1, None, 0)),
        Err(AssignError::NoDocuments)
    ));
    // Names stay as given (trimmed) inside the projects; only files are sanitised.
    let out = assign(&c, &opts(&[" a/b ", ".."], 1, None, 0)).unwrap();
    assert_eq!(out[0].0, "a/b");
    assert_eq!(file_name(&out[0].0), "a_b.json");
    assert_eq!(file_name(&out[1].0), "__.json");
    assert_eq!(
        out[1].1.assignment.as_ref().unwrap().annotators,
        ["a/b", ".."]
    );
}

#[test]
fn write_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_path = dir.path().join("corpus.json");
    store::save(&corpus(4), &corpus_path).unwrap();
    let out = dir.path().join("out");
    let mut o = opts(&["a/b", "..", "c"], 2, None, 3);
    let written = write_assignment(&corpus_path, &o, &out).unwrap().paths();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a_b.json", "__.json", "c.json"]);
    for p in &written {
        let back = store::load(p).unwrap().project;
        assert!(back.assignment.is_some());
    }
    let before = std::fs::read(&written[2]).unwrap();
    o.seed = 4;
    match write_assignment(&corpus_path, &o, &out) {
        Err(e @ AssignError::Exists { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("--force") && msg.contains("c.json"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        std::fs::read(&written[2]).unwrap(),
        before,
        "nothing written"
    );
    o.force = true;
    write_assignment(&corpus_path, &o, &out).unwrap();
    // The corpus itself is never overwritten.
    let o = opts(&["corpus"], 1, None, 0);
    let o = AssignOptions { force: true, ..o };
    assert!(matches!(
        write_assignment(&corpus_path, &o, dir.path()),
        Err(AssignError::Output { .. })
    ));
}

/// Issue #25, item 2: `--force` never replaces a file that holds someone's sets (the
/// error names it and its span count, nothing is written); files without sets are
/// replaced, and a second replacement keeps the first backup (numbered `.bak`).
#[test]
fn force_never_replaces_work_and_never_overwrites_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_path = dir.path().join("corpus.json");
    store::save(&corpus(4), &corpus_path).unwrap();
    let out = dir.path().join("team");
    let mut o = opts(&["a", "b"], 1, None, 3);
    let files = write_assignment(&corpus_path, &o, &out).unwrap().paths();
    let first = std::fs::read(&files[0]).unwrap();
    o.force = true;
    o.seed = 4;
    let r = write_assignment(&corpus_path, &o, &out).unwrap();
    let bak = store::atomic::backup_path(&files[0]);
    assert_eq!(r.files[0].backup.as_ref(), Some(&bak));
    assert_eq!(std::fs::read(&bak).unwrap(), first);
    let second = std::fs::read(&files[0]).unwrap();
    o.seed = 5;
    let r = write_assignment(&corpus_path, &o, &out).unwrap();
    let bak2 = out.join("a.json.2.bak");
    assert_eq!(r.files[0].backup.as_ref(), Some(&bak2));
    assert_eq!(
        std::fs::read(&bak).unwrap(),
        first,
        "the first backup stays"
    );
    assert_eq!(std::fs::read(&bak2).unwrap(), second);
    assert!(r.to_string().contains("a.json.2.bak"), "{r}");

    // b starts annotating: its file is never replaced, even with --force.
    let mut b = store::load(&files[1]).unwrap().project;
    let d = b.documents[0].id.clone();
    let mut set = AnnotationSet::new("b", d.as_str());
    set.spans.push(Span::new("s1", 0, 2, "actor", "نص"));
    set.spans.push(Span::new("s2", 3, 6, "actor", "رقم"));
    b.sets.push(set);
    store::save(&b, &files[1]).unwrap();
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    o.seed = 6;
    let e = write_assignment(&corpus_path, &o, &out).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, AssignError::HoldsWork { .. }), "{msg}");
    assert!(
        msg.contains("b.json holds 2 spans in 1 set") && msg.contains("--add"),
        "{msg}"
    );
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert_eq!(
        before, after,
        "nothing written, not even the files without work"
    );
    // A file that cannot be read may hold work too.
    std::fs::write(&files[0], b"{ broken").unwrap();
    std::fs::remove_file(&files[1]).unwrap();
    let e = write_assignment(&corpus_path, &o, &out).unwrap_err();
    assert!(matches!(e, AssignError::Unreadable { .. }), "{e}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), b"{ broken");
}

/// Issue #25, item 2 (and 19): `--add` gives a new batch to the same annotators,
/// keeping their files' documents and sets; `--out` naming a file says so.
#[test]
fn add_extends_the_files_with_a_new_batch_and_keeps_the_sets() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_path = dir.path().join("corpus.json");
    let mut c = corpus(6);
    store::save(&c, &corpus_path).unwrap();
    let out = dir.path().join("team");
    let mut o = opts(&["a", "b", "c"], 2, None, 3);
    let files = write_assignment(&corpus_path, &o, &out).unwrap().paths();
    // a annotates one of its documents.
    let mut a = store::load(&files[0]).unwrap().project;
    let d = a.documents[0].id.clone();
    let mut set = AnnotationSet::new("a", d.as_str());
    set.spans.push(Span::new("s1", 0, 2, "actor", "نص"));
    a.sets.push(set.clone());
    store::save(&a, &files[0]).unwrap();
    let old_docs: Vec<usize> = files
        .iter()
        .map(|f| store::load(f).unwrap().project.documents.len())
        .collect();
    // Nothing new yet: nothing is rewritten.
    o.add = true;
    let r = write_assignment(&corpus_path, &o, &out).unwrap();
    assert_eq!(r.new_documents, Some(0));
    assert!(r.files.iter().all(|f| f.backup.is_none()), "{r}");
    // A new batch of 3 documents in the corpus.
    for i in 6..9 {
        c.documents.push(Document::new(
            format!("d{i:02}"),
            format!("t{i}"),
            format!("نص جديد رقم {i}"),
        ));
    }
    store::save(&c, &corpus_path).unwrap();
    let r = write_assignment(&corpus_path, &o, &out).unwrap();
    assert_eq!(r.new_documents, Some(3));
    let added: usize = r.files.iter().map(|f| f.documents).sum();
    assert_eq!(added, 6, "3 new documents, 2 annotators each: {r}");
    let mut plan_docs = std::collections::BTreeMap::new();
    for (k, f) in files.iter().enumerate() {
        let p = store::load(f).unwrap().project;
        assert_eq!(p.documents.len(), old_docs[k] + r.files[k].documents);
        let own = p.assignment.as_ref().unwrap();
        assert_eq!(own.documents.len(), p.documents.len());
        plan_docs.extend(own.documents.clone());
        if k == 0 {
            assert_eq!(p.set("a", &d), Some(&set), "a's work is kept");
        }
    }
    assert_eq!(plan_docs.len(), 9, "the plan covers the whole corpus");
    assert!(plan_docs.values().all(|w| w.len() == 2));
    // Another annotator list is refused, naming both.
    let o2 = AssignOptions {
        annotators: vec!["a".into(), "b".into()],
        ..o.clone()
    };
    let msg = write_assignment(&corpus_path, &o2, &out)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("a,b,c") && msg.contains("--add names a,b"),
        "{msg}"
    );
    // --out naming a file: said in words (it was "File exists (os error 17)").
    o.add = false;
    let msg = write_assignment(&corpus_path, &o, &corpus_path)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("is a file, not a folder") && !msg.contains("os error"),
        "{msg}"
    );
}
