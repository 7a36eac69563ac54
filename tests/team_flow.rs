//! A team's whole flow through the library, as the CLI and the GUI drive it: a corpus
//! (the sample article plus imported texts) is assigned to three annotators, each
//! annotates their file through the workspace, the files are collected back, and
//! status and agreement are computed on the result. Plus collect's file-level rules:
//! idempotence byte for byte, conflicting sets, `--prefer newer`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hashiya::formats::{self, ImportFormat, ImportOptions};
use hashiya::model::edit;
use hashiya::model::history::{Command, SetKey};
use hashiya::model::{Assignment, EditError, Project};
use hashiya::review::{Side, compare_projects};
use hashiya::store;
use hashiya::team::assign::{self, AssignOptions, write_assignment};
use hashiya::team::collect::{CollectError, collect, collect_into};
use hashiya::team::status::status;
use hashiya::workspace::Workspace;

const TEXTS: [(&str, &str); 5] = [
    (
        "misrata",
        "اجتمع المجلس البلدي في مصراتة لمناقشة الميزانية.\nوقال رئيس المجلس إن الخطة جاهزة.\n",
    ),
    (
        "benghazi",
        "أعلنت وزارة الصحة عن حملة تطعيم جديدة في بنغازي.\nوتستمر الحملة أسبوعين.\n",
    ),
    (
        "tripoli",
        "شهدت العاصمة طرابلس مظاهرات سلمية للمطالبة بالانتخابات.\n",
    ),
    (
        "talks",
        "قال المتحدث باسم الحكومة إن المفاوضات مستمرة.\nولم يحدد موعدا للجولة المقبلة.\n",
    ),
    (
        "sabha",
        "وصلت قافلة مساعدات إنسانية إلى مدينة سبها صباح اليوم.\n",
    ),
];

const TEAM: [(&str, &str); 3] = [("alice", "actor"), ("bob", "actor"), ("carol", "location")];
const SEED: u64 = 2024;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The code-point ranges of the first `n` words (runs of non-whitespace).
fn words(text: &str, n: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().chain(std::iter::once(' ')).enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
                if out.len() == n {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}

/// The sample article plus the five texts, imported as the CLI's `import` does.
fn corpus(dir: &Path) -> PathBuf {
    let texts = dir.join("texts");
    fs::create_dir_all(&texts).unwrap();
    for (name, text) in TEXTS {
        fs::write(texts.join(format!("{name}.txt")), text).unwrap();
    }
    let sample = store::load(&root().join("projects/derna-sirte.json"))
        .unwrap()
        .project;
    let imported = formats::import(
        &sample,
        ImportFormat::Text,
        &[texts],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap()
    .project;
    assert_eq!(imported.documents.len(), 6);
    let path = dir.join("corpus.json");
    store::save(&imported, &path).unwrap();
    path
}

/// What one annotator does, through the workspace as the GUI would: on the first three
/// documents of their file, tag the first word with their label and make it an entity
/// (alice also tags the second word as a location); mark the first two done; leave the
/// fourth alone.
fn annotate(path: &Path, annotator: &str, label: &str) {
    let mut ws = Workspace::open(path).unwrap();
    ws.set_annotator(annotator);
    for i in 0..3 {
        ws.switch_document(i);
        let key = ws.set_key().unwrap();
        let text = ws.current_document().unwrap().text.clone();
        let w = words(&text, 2);
        assert!(
            ws.apply(edit::tag(
                ws.project(),
                &key,
                w[0].clone(),
                label,
                Default::default()
            ))
            .is_some(),
            "{}",
            ws.status()
        );
        let span = ws
            .current_set()
            .unwrap()
            .spans
            .iter()
            .find(|s| s.start == w[0].start)
            .unwrap()
            .id
            .clone();
        assert!(
            ws.apply(edit::create_entity_from_span(ws.project(), &key, &span))
                .is_some()
        );
        if annotator == "alice" {
            assert!(
                ws.apply(edit::tag(
                    ws.project(),
                    &key,
                    w[1].clone(),
                    "location",
                    Default::default()
                ))
                .is_some()
            );
        }
        if i < 2 {
            assert!(ws.apply(edit::set_done(ws.project(), &key, true)).is_some());
        }
    }
    ws.save().unwrap();
}

/// Each annotator's documents in file (corpus) order.
fn lists(plan: &Assignment, corpus: &Project) -> BTreeMap<String, Vec<String>> {
    TEAM.iter()
        .map(|(a, _)| {
            let docs = corpus
                .documents
                .iter()
                .filter(|d| plan.documents[&d.id].iter().any(|w| w == a))
                .map(|d| d.id.clone())
                .collect();
            (a.to_string(), docs)
        })
        .collect()
}

fn both(l: &BTreeMap<String, Vec<String>>, a: &str, b: &str, first: usize) -> usize {
    let x: BTreeSet<_> = l[a].iter().take(first).collect();
    l[b].iter().take(first).filter(|d| x.contains(d)).count()
}

#[test]
fn assign_annotate_collect_status_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus_path = corpus(tmp.path());
    let corpus = store::load(&corpus_path).unwrap().project;
    let team_dir = tmp.path().join("team");
    let opts = AssignOptions {
        annotators: TEAM.iter().map(|(a, _)| a.to_string()).collect(),
        per_document: 2,
        overlap: None,
        seed: SEED,
        force: false,
        add: false,
    };
    let files = write_assignment(&corpus_path, &opts, &team_dir)
        .unwrap()
        .paths();
    assert_eq!(
        files,
        ["alice", "bob", "carol"].map(|a| team_dir.join(format!("{a}.json")))
    );
    let plan = assign::plan(&corpus, &opts).unwrap();
    for f in &files {
        let loaded = store::load(f).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let p = loaded.project;
        assert_eq!(p.documents.len(), 4, "balanced: 6 × 2 / 3");
        // The plan is in every file, listing the file's documents and who has them.
        let own = p.assignment.as_ref().unwrap();
        assert_eq!(own.annotators, plan.annotators);
        assert_eq!(own.documents.len(), 4);
        assert!(own.documents.iter().all(|(d, w)| plan.documents[d] == *w));
        assert!(p.sets.is_empty(), "annotator-a's sets stay in the corpus");
        assert_eq!(p.entities, corpus.entities);
    }
    // Six documents, two annotators each, three annotators: 4 each, 2 per pair.
    assert!(plan.documents.values().all(|w| w.len() == 2));
    let l = lists(&plan, &corpus);
    for (a, b) in [("alice", "bob"), ("alice", "carol"), ("bob", "carol")] {
        assert_eq!(both(&l, a, b, 4), 2, "{a}+{b}");
    }
    // Pinned: the same seed gives the same plan on every machine.
    let pinned: Vec<(&str, String)> = corpus
        .documents
        .iter()
        .map(|d| (d.id.as_str(), plan.documents[&d.id].join("+")))
        .collect();
    assert_eq!(
        pinned,
        [
            ("derna-sirte", "bob+carol".to_string()),
            ("benghazi", "alice+carol".into()),
            ("misrata", "bob+carol".into()),
            ("sabha", "alice+bob".into()),
            ("talks", "alice+bob".into()),
            ("tripoli", "alice+carol".into()),
        ]
    );

    for ((annotator, label), f) in TEAM.iter().zip(&files) {
        annotate(f, annotator, label);
    }

    // Collect.
    let out = tmp.path().join("collected.json");
    let report = collect_into(&out, &files, false).unwrap();
    println!("{report}");
    assert!(report.written);
    assert_eq!(
        (report.documents, report.sets, report.files.len()),
        (6, 9, 3)
    );
    let collected = store::load(&out).unwrap().project;
    // Documents keep their corpus ids and order (the first file's ids win; the others
    // are added in the order met).
    let ids: BTreeSet<&str> = collected.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        corpus.documents.iter().map(|d| d.id.as_str()).collect()
    );
    assert_eq!(
        collected.assignment.as_ref(),
        Some(&plan),
        "the parts put together"
    );
    assert!(report.warnings.is_empty(), "{report}");
    // Entities: the registry plus one per (label, first word) — alice's and bob's
    // entities on a document both annotated are the same name and label, so one.
    let made: BTreeSet<(&str, &str)> = TEAM
        .iter()
        .flat_map(|(a, label)| l[*a].iter().take(3).map(move |d| (*label, d.as_str())))
        .collect();
    assert_eq!(collected.entities.len(), 26 + made.len());
    assert_eq!(report.entities, 26 + made.len());
    let merged: usize = report.files.iter().map(|f| f.entities_merged.len()).sum();
    let renamed: usize = report.files.iter().map(|f| f.entities_renamed.len()).sum();
    assert_eq!(merged, both(&l, "alice", "bob", 3));
    // New entity ids carry their annotator (e-alice-1, e-bob-1, …), so nothing collides
    // and nothing needs renaming.
    assert_eq!(
        renamed, 0,
        "entity ids made on different machines never collide"
    );
    // Pinned for the seed: alice and bob both made an entity on one document.
    assert_eq!((made.len(), merged, renamed), (8, 1, 0));
    // Every link points at an entity of that name and label.
    let mut links = 0;
    for s in &collected.sets {
        for sp in &s.spans {
            if let Some(e) = &sp.entity {
                let e = collected.entity(e).unwrap();
                assert_eq!(
                    (e.name.as_str(), e.label.as_str()),
                    (sp.text.as_str(), sp.label.as_str())
                );
                links += 1;
            }
        }
    }
    assert_eq!(links, 9);

    // Idempotent: again into the same file, or into a new one, or in memory.
    let bytes = fs::read(&out).unwrap();
    let again = collect_into(&out, &files, false).unwrap();
    assert!(!again.written, "{again}");
    assert_eq!(fs::read(&out).unwrap(), bytes);
    let out2 = tmp.path().join("again.json");
    collect_into(&out2, &files, false).unwrap();
    assert_eq!(fs::read(&out2).unwrap(), bytes);
    let loaded: Vec<(PathBuf, Project)> = std::iter::once(out.clone())
        .chain(files.iter().cloned())
        .map(|p| {
            let project = store::load(&p).unwrap().project;
            (p, project)
        })
        .collect();
    let (p, _) = collect(&loaded, false).unwrap();
    assert_eq!(store::to_bytes(&p).unwrap(), bytes);

    // Status: on the collected project, and on the three files together.
    let st = status(&[(out.clone(), collected.clone())]);
    println!("{st}");
    for a in &st.annotators {
        let spans = if a.annotator == "alice" { 6 } else { 3 };
        assert_eq!(
            (a.in_plan, a.assigned, a.started, a.done, a.spans),
            (true, 4, 3, 2, spans),
            "{}",
            a.annotator
        );
    }
    assert_eq!(st.documents.len(), 6);
    assert!(st.documents.iter().all(|d| d.assigned.len() == 2));
    let pair_done: Vec<usize> = [("alice", "bob"), ("alice", "carol"), ("bob", "carol")]
        .iter()
        .map(|(a, b)| both(&l, a, b, 2))
        .collect();
    let got: Vec<usize> = st.overlap.pairs.iter().map(|p| p.documents).collect();
    assert_eq!(got, pair_done);
    assert_eq!(st.overlap.documents, pair_done.iter().sum::<usize>());
    assert_eq!(got, PAIRS_DONE, "pinned for seed {SEED}");
    let from_files: Vec<(PathBuf, Project)> = loaded[1..].to_vec();
    let st2 = status(&from_files);
    assert_eq!(st2.annotators, st.annotators);
    assert_eq!(st2.overlap, st.overlap);

    // Agreement on the collected project, pair by pair.
    for (a, b) in [("alice", "bob"), ("alice", "carol"), ("bob", "carol")] {
        let r = compare_projects(&[
            Side {
                project: &collected,
                annotator: a,
                source: "collected.json",
            },
            Side {
                project: &collected,
                annotator: b,
                source: "collected.json",
            },
        ])
        .unwrap();
        let matched = r.documents.matched.len();
        assert_eq!(
            matched,
            both(&l, a, b, 3),
            "{a}+{b}: documents both started"
        );
        assert!(
            matched > 0,
            "every pair shares a started document for this seed"
        );
        let kappa = r.pairs[0].tokens.cohen_kappa;
        println!("{a}+{b}: {matched} documents, κ = {kappa:?}");
        if matched > 0 {
            assert!(kappa.is_some_and(|k| k > -1.0 && k <= 1.0), "{a}+{b}");
        }
    }
}

/// Documents done by both, per pair (alice+bob, alice+carol, bob+carol), for the seed.
const PAIRS_DONE: [usize; 3] = [0, 1, 1];

fn touch(path: &Path, t: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// Opens `path` as alice, applies `f` to document `doc`'s set, saves.
fn work_on(path: &Path, doc: usize, f: impl Fn(&Workspace, &SetKey) -> Result<Command, EditError>) {
    let mut ws = Workspace::open(path).unwrap();
    ws.set_annotator("alice");
    ws.switch_document(doc);
    let key = ws.set_key().unwrap();
    ws.apply(f(&ws, &key)).unwrap();
    ws.save().unwrap();
}

fn tag_third_word(ws: &Workspace, key: &SetKey) -> Result<Command, EditError> {
    let text = &ws.current_document().unwrap().text;
    let w = words(text, 3)[2].clone();
    edit::tag(ws.project(), key, w, "actor", Default::default())
}

/// Issue #25, item 3: `--prefer newer` decides by content, never by file times: the
/// version that holds the other wins whatever the times say, an earlier collect's
/// output never wins over an input without a warning, and versions both changed are
/// an error naming both files.
#[test]
fn differing_sets_need_a_choice_and_prefer_newer_decides_by_content() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus_path = corpus(tmp.path());
    let opts = AssignOptions {
        annotators: vec!["alice".into()],
        per_document: 1,
        overlap: None,
        seed: 1,
        force: false,
        add: false,
    };
    let files = write_assignment(&corpus_path, &opts, &tmp.path().join("team"))
        .unwrap()
        .paths();
    annotate(&files[0], "alice", "actor");
    // The same file on another machine, where alice also marked the third document done.
    let laptop = tmp.path().join("alice-laptop.json");
    fs::copy(&files[0], &laptop).unwrap();
    work_on(&laptop, 2, |ws, key| {
        edit::set_done(ws.project(), key, true)
    });
    let third = store::load(&laptop).unwrap().project.documents[2]
        .id
        .clone();

    let out = tmp.path().join("out.json");
    let inputs = [files[0].clone(), laptop.clone()];
    let err = collect_into(&out, &inputs, false).unwrap_err();
    assert!(matches!(err, CollectError::SetConflict { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("alice.json") && msg.contains("alice-laptop.json") && msg.contains(&third),
        "{msg}"
    );
    assert!(!out.exists(), "nothing written");

    // The laptop's version holds the other (one more done mark): it wins, even when
    // the other file was saved (or copied, or checked out) later.
    let now = SystemTime::now();
    touch(&laptop, now - Duration::from_secs(3600));
    touch(&files[0], now);
    for (k, inputs) in [inputs.clone(), [laptop.clone(), files[0].clone()]]
        .iter()
        .enumerate()
    {
        let out = tmp.path().join(format!("out{k}.json"));
        let r = collect_into(&out, inputs, true).unwrap();
        assert_eq!(r.replaced.len(), 1, "{r}");
        assert_eq!(r.replaced[0].kept, laptop, "{r}");
        assert!(r.replaced[0].reason.contains("the done mark"), "{r}");
        assert!(r.to_string().contains("kept «alice»'s set"), "{r}");
        let p = store::load(&out).unwrap().project;
        assert!(p.set("alice", &third).unwrap().done);
    }

    // Collected once; alice goes on working in her file; then the collected file is
    // rewritten (a later save, a checkout): her newer work still wins.
    let all = tmp.path().join("all.json");
    collect_into(&all, std::slice::from_ref(&laptop), false).unwrap();
    work_on(&laptop, 0, tag_third_word);
    touch(&laptop, now - Duration::from_secs(7200));
    touch(&all, now);
    let r = collect_into(&all, std::slice::from_ref(&laptop), true).unwrap();
    assert_eq!(r.replaced.len(), 1, "{r}");
    assert_eq!(r.replaced[0].kept, laptop, "{r}");
    assert!(!r.replaced[0].output_won && r.written, "{r}");
    let mine = store::load(&laptop).unwrap().project;
    let first = mine.documents[0].id.clone();
    let got = store::load(&all).unwrap().project;
    assert_eq!(got.set("alice", &first), mine.set("alice", &first));
    assert_eq!(got.set("alice", &first).unwrap().spans.len(), 3);
    // The collected file holding more than an input: kept, but said as a warning.
    let fewer = tmp.path().join("fewer").join("alice-old.json");
    fs::create_dir_all(fewer.parent().unwrap()).unwrap();
    fs::copy(&files[0], &fewer).unwrap();
    let r = collect_into(&all, std::slice::from_ref(&fewer), true).unwrap();
    assert!(
        r.replaced.iter().all(|x| x.kept == all && x.output_won),
        "{r}"
    );
    assert!(
        r.warnings.iter().any(
            |w| w.contains("kept the collected file's version") && w.contains("alice-old.json")
        ),
        "{r}"
    );

    // Both changed (a span only here, the done mark only there): nothing tells which
    // is newer; an error naming both.
    work_on(&fewer, 2, tag_third_word);
    let err = collect_into(
        &tmp.path().join("out3.json"),
        &[laptop.clone(), fewer.clone()],
        true,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CollectError::Diverged(_)), "{msg}");
    assert!(
        msg.contains("alice-laptop.json")
            && msg.contains("alice-old.json")
            && msg.contains("neither holds the other"),
        "{msg}"
    );
}

/// Issue #25, item 19: collecting into an annotator's own file is refused (the others'
/// work would end up in it); a collected file among the inputs is still fine.
#[test]
fn collect_refuses_an_annotators_own_file_as_output() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus_path = corpus(tmp.path());
    let opts = AssignOptions {
        annotators: vec!["alice".into(), "bob".into()],
        per_document: 1,
        overlap: None,
        seed: 1,
        force: false,
        add: false,
    };
    let files = write_assignment(&corpus_path, &opts, &tmp.path().join("team"))
        .unwrap()
        .paths();
    let before = fs::read(&files[0]).unwrap();
    for inputs in [files.clone(), vec![files[1].clone()]] {
        let err = collect_into(&files[0], &inputs, false).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, CollectError::IntoOwnFile { .. }), "{msg}");
        assert!(
            msg.contains("alice.json") && msg.contains("«alice»'s own file"),
            "{msg}"
        );
        assert_eq!(fs::read(&files[0]).unwrap(), before);
    }
    // The output beside the files, given again through a glob: fine.
    let all = tmp.path().join("team").join("all.json");
    collect_into(&all, &files, false).unwrap();
    let mut again = files.clone();
    again.push(all.clone());
    assert!(!collect_into(&all, &again, false).unwrap().written);
}

#[test]
fn collect_refuses_files_with_another_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus_path = corpus(tmp.path());
    let opts = AssignOptions {
        annotators: vec!["alice".into(), "bob".into()],
        per_document: 1,
        overlap: None,
        seed: 1,
        force: false,
        add: false,
    };
    let files = write_assignment(&corpus_path, &opts, &tmp.path().join("team"))
        .unwrap()
        .paths();
    let mut bob = store::load(&files[1]).unwrap().project;
    bob.schema.labels[0].name = "Statement".into();
    store::save(&bob, &files[1]).unwrap();
    let err = collect_into(&tmp.path().join("out.json"), &files, false).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("alice.json")
            && msg.contains("bob.json")
            && msg.contains("label «claim» differs: name"),
        "{msg}"
    );
}
