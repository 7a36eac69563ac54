//! Review of a colleague's labels, through the public API and the `hashiya agree` CLI:
//! the sample pair's diff and figures, agreement numbers against the reference
//! implementations (`tests/fixtures/review/reference.json`), adjudication of the sample.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use hashiya::model::{AnnotationSet, Project, Provenance};
use hashiya::review::adjudicate::{Adjudication, Decision, ItemKey, build_gold, items};
use hashiya::review::agreement::{cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal};
use hashiya::review::compare::RelationStatus;
use hashiya::review::report::{Side, compare_projects, token_dump};
use hashiya::review::{AgreementReport, PairCategory, render};
use hashiya::store;
use serde_json::Value;

const TOL: f64 = 1e-9;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> PathBuf {
    root().join("projects").join(name)
}

fn load(name: &str) -> Project {
    store::load(&sample(name)).unwrap().project
}

fn sample_pair() -> (Project, Project) {
    (
        load("derna-sirte.json"),
        load("derna-sirte.annotator-b.json"),
    )
}

fn sides<'p>(a: &'p Project, b: &'p Project) -> [Side<'p>; 2] {
    [
        Side {
            project: a,
            annotator: "annotator-a",
            source: "derna-sirte.json",
        },
        Side {
            project: b,
            annotator: "annotator-b",
            source: "derna-sirte.annotator-b.json",
        },
    ]
}

fn sample_report() -> AgreementReport {
    let (a, b) = sample_pair();
    compare_projects(&sides(&a, &b)).unwrap()
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() < TOL,
        "{what}: got {got}, reference {want}"
    );
}

fn close_opt(got: Option<f64>, want: &Value, what: &str) {
    match (got, want.as_f64()) {
        (Some(g), Some(w)) => close(g, w, what),
        (None, None) if want.is_null() => {}
        _ => panic!("{what}: got {got:?}, reference {want}"),
    }
}

fn reference() -> Value {
    let path = root().join("tests/fixtures/review/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn case_labels(case: &Value) -> Vec<Vec<String>> {
    case["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Reference numbers

#[test]
fn agreement_matches_reference_implementations() {
    let r = reference();
    let cases = r["cases"].as_array().unwrap();
    assert!(cases.len() >= 6, "reference.json lost cases");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let seqs = case_labels(case);
        let refs: Vec<&[String]> = seqs.iter().map(|s| &s[..]).collect();
        let e = &case["expected"];
        for p in e["pairs"].as_array().unwrap() {
            let (i, j) = (
                p["a"].as_u64().unwrap() as usize,
                p["b"].as_u64().unwrap() as usize,
            );
            close_opt(
                cohen_kappa(&seqs[i], &seqs[j]).unwrap(),
                &p["cohen_kappa"],
                &format!("{name}: Cohen's κ ({i},{j}) vs scikit-learn"),
            );
            close_opt(
                krippendorff_alpha_nominal(&[&seqs[i], &seqs[j]]).unwrap(),
                &p["krippendorff_alpha"],
                &format!("{name}: Krippendorff's α ({i},{j}) vs krippendorff"),
            );
        }
        close_opt(
            fleiss_kappa(&refs).unwrap(),
            &e["fleiss_kappa"],
            &format!("{name}: Fleiss' κ vs statsmodels"),
        );
        close_opt(
            krippendorff_alpha_nominal(&refs).unwrap(),
            &e["krippendorff_alpha"],
            &format!("{name}: Krippendorff's α (all) vs krippendorff"),
        );
    }
}

/// The fixture's sample sequences are what the Rust side produces today; if the
/// tokenizer, the token-label rule or the samples change, re-run make_reference.py.
#[test]
fn fixture_sample_sequences_are_current() {
    let r = reference();
    let case = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "sample-pair")
        .unwrap();
    let (a, b) = sample_pair();
    let dump = token_dump(&sides(&a, &b));
    assert_eq!(dump.documents.len(), 1);
    assert_eq!(
        dump.documents[0].labels,
        case_labels(case),
        "token labels changed: re-run tests/fixtures/review/make_reference.py"
    );
    assert_eq!(
        dump.documents[0].tokens.len(),
        dump.documents[0].labels[0].len()
    );
}

#[test]
fn sample_report_carries_the_reference_figures() {
    let r = reference();
    let case = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "sample-pair")
        .unwrap();
    let report = sample_report();
    let t = &report.pairs[0].tokens;
    assert_eq!(t.tokens, case_labels(case)[0].len());
    let e = &case["expected"]["pairs"][0];
    close_opt(t.cohen_kappa, &e["cohen_kappa"], "sample κ");
    close_opt(t.krippendorff_alpha, &e["krippendorff_alpha"], "sample α");
}

#[test]
fn three_annotators_pairwise_and_overall() {
    // Three sides over the sample: A, B and A again under another name (same project,
    // so its sets are A's): pairs (A,B), (A,A′) and (B,A′); Fleiss and α over all
    // three must equal what the reference functions give on the three sequences.
    let (a, b) = sample_pair();
    let mut a2 = a.clone();
    for s in &mut a2.sets {
        s.annotator = "annotator-c".into();
    }
    let mut s3 = sides(&a, &b).to_vec();
    s3.push(Side {
        project: &a2,
        annotator: "annotator-c",
        source: "copy of A",
    });
    let report = compare_projects(&s3).unwrap();
    assert_eq!(report.pairs.len(), 3);
    let names: Vec<_> = report
        .pairs
        .iter()
        .map(|p| (p.a.as_str(), p.b.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("annotator-a", "annotator-b"),
            ("annotator-a", "annotator-c"),
            ("annotator-b", "annotator-c")
        ]
    );
    assert_eq!(report.pairs[1].spans.exact, 105);
    assert_eq!(report.pairs[1].tokens.cohen_kappa, Some(1.0));
    let overall = report.overall.unwrap();
    let dump = token_dump(&s3);
    let seqs: Vec<&[String]> = dump.documents[0].labels.iter().map(|s| &s[..]).collect();
    assert_eq!(overall.tokens, seqs[0].len());
    close(
        overall.fleiss_kappa.unwrap(),
        fleiss_kappa(&seqs).unwrap().unwrap(),
        "Fleiss",
    );
    close(
        overall.krippendorff_alpha.unwrap(),
        krippendorff_alpha_nominal(&seqs).unwrap().unwrap(),
        "α",
    );
    // The two-annotator report has no `overall`.
    assert!(sample_report().overall.is_none());
}

// ---------------------------------------------------------------------------------
// The sample pair: the disagreements listed by tools/make_sample.py

fn item_ids(report: &AgreementReport, cat: PairCategory) -> Vec<(String, String)> {
    report.pairs[0].documents[0]
        .items
        .iter()
        .filter(|i| i.category == cat)
        .map(|i| {
            (
                i.a.as_ref().map_or("-".into(), |s| s.id.clone()),
                i.b.as_ref().map_or("-".into(), |s| s.id.clone()),
            )
        })
        .collect()
}

fn ids(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn sample_pair_categories() {
    let report = sample_report();
    assert_eq!(report.documents.matched.len(), 1);
    assert!(report.documents.only_in.is_empty());
    assert!(report.documents.text_differs.is_empty());
    let p = &report.pairs[0];
    assert_eq!((p.a.as_str(), p.b.as_str()), ("annotator-a", "annotator-b"));
    let c = p.spans;
    // 105 A spans, 104 B spans; make_sample.py's seven disagreements:
    // 1. a-s014 missed by B                       → only A
    // 2. a-s027 «سرت» vs b-s025 «مدينة سرت»        → partial
    // 3. claim a-s024 + actor a-s025 vs actor b-s023: b-s023 pairs with the same-label
    //    actor (partial, 1) rather than the claim (label mismatch, 0.25) → a-s024 only A
    // 4. b-s043 «التراب الليبي» extra              → only B
    // 5. claim a-s098 vs b-s097 (crossing)         → partial
    // 6./7. kind differs on exact pairs            → exact, attributes differ
    assert_eq!(
        (c.exact, c.partial, c.label_mismatch, c.only_a, c.only_b),
        (100, 3, 0, 2, 1)
    );
    assert_eq!(
        item_ids(&report, PairCategory::OnlyA),
        ids(&[("a-s014", "-"), ("a-s024", "-")])
    );
    assert_eq!(
        item_ids(&report, PairCategory::OnlyB),
        ids(&[("-", "b-s043")])
    );
    assert_eq!(
        item_ids(&report, PairCategory::Partial),
        ids(&[
            ("a-s025", "b-s023"),
            ("a-s027", "b-s025"),
            ("a-s098", "b-s097")
        ])
    );
    // Attributes: only the two intended kind differences.
    let differing: Vec<_> = p.documents[0]
        .items
        .iter()
        .filter(|i| i.attributes.as_ref().is_some_and(|a| !a.agrees()))
        .map(|i| {
            let a = i.attributes.as_ref().unwrap();
            (
                i.a.as_ref().unwrap().id.as_str(),
                i.b.as_ref().unwrap().id.as_str(),
                a.differ[0].a.clone().unwrap(),
                a.differ[0].b.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        differing,
        [
            (
                "a-s045",
                "b-s044",
                "organization".to_string(),
                "government".to_string()
            ),
            (
                "a-s061",
                "b-s060",
                "assessment".to_string(),
                "statement".to_string()
            ),
        ]
    );
    assert_eq!(p.attributes.len(), 1);
    assert_eq!(
        (
            p.attributes[0].name.as_str(),
            p.attributes[0].agree,
            p.attributes[0].differ
        ),
        ("kind", 101, 2)
    );
    assert_eq!((p.entities.agree, p.entities.differ), (103, 0));
}

#[test]
fn sample_pair_relations() {
    let report = sample_report();
    let p = &report.pairs[0];
    let r = p.relations;
    assert_eq!((r.a, r.b), (47, 45));
    assert_eq!(
        (r.matched, r.matched_strict, r.only_a, r.only_b),
        (44, 41, 3, 1)
    );
    let rels = &p.documents[0].relations;
    let only = |st: RelationStatus| -> Vec<String> {
        rels.iter()
            .filter(|x| x.status == st)
            .map(|x| x.a.clone().or(x.b.clone()).unwrap())
            .collect()
    };
    assert_eq!(only(RelationStatus::OnlyA), ["a-r02", "a-r15", "a-r16"]);
    assert_eq!(only(RelationStatus::OnlyB), ["b-r35"]);
    // Not matched on exact signatures = make_sample.py's EXPECTED_REL_ONLY_A / _B.
    let not_strict_a: BTreeSet<&str> = rels
        .iter()
        .filter(|x| !x.strict)
        .filter_map(|x| x.a.as_deref())
        .collect();
    let not_strict_b: BTreeSet<&str> = rels
        .iter()
        .filter(|x| !x.strict)
        .filter_map(|x| x.b.as_deref())
        .collect();
    assert_eq!(
        not_strict_a.into_iter().collect::<Vec<_>>(),
        ["a-r02", "a-r11", "a-r15", "a-r16", "a-r31", "a-r38"]
    );
    assert_eq!(
        not_strict_b.into_iter().collect::<Vec<_>>(),
        ["b-r10", "b-r28", "b-r35", "b-r36"]
    );
}

#[test]
fn sample_pair_figures() {
    let report = sample_report();
    let f = &report.pairs[0].figures;
    let prf = |tp: f64, a: f64, b: f64| {
        let (p, r) = (tp / b, tp / a);
        (p, r, 2.0 * p * r / (p + r))
    };
    // label: (|A|, |B|, exact, partial)
    let want = [
        ("actor", 57, 56, 55, 1),
        ("claim", 12, 11, 10, 1),
        ("location", 36, 37, 35, 1),
    ];
    assert_eq!(f.per_label.len(), 3);
    for (l, (name, a, b, exact, partial)) in f.per_label.iter().zip(want) {
        assert_eq!(
            (l.label.as_str(), l.a, l.b, l.exact, l.partial),
            (name, a, b, exact, partial)
        );
        let (p, r, f1) = prf(exact as f64, a as f64, b as f64);
        close(l.strict.precision, p, name);
        close(l.strict.recall, r, name);
        close(l.strict.f1, f1, name);
        let (p, r, f1) = prf((exact + partial) as f64, a as f64, b as f64);
        close(l.lenient.precision, p, name);
        close(l.lenient.recall, r, name);
        close(l.lenient.f1, f1, name);
    }
    // micro: strict TP 100 of |A| 105, |B| 104 → F1 200/209; lenient 206/209.
    close(f.micro.strict.precision, 100.0 / 104.0, "micro strict P");
    close(f.micro.strict.recall, 100.0 / 105.0, "micro strict R");
    close(f.micro.strict.f1, 200.0 / 209.0, "micro strict F1");
    close(f.micro.lenient.f1, 206.0 / 209.0, "micro lenient F1");
    let mean_f1 = |strict: bool| {
        f.per_label
            .iter()
            .map(|l| if strict { l.strict.f1 } else { l.lenient.f1 })
            .sum::<f64>()
            / 3.0
    };
    close(f.macro_.strict.f1, mean_f1(true), "macro strict F1");
    close(f.macro_.lenient.f1, mean_f1(false), "macro lenient F1");
}

#[test]
fn documents_matched_by_text_not_id() {
    let (a, mut b) = sample_pair();
    // Rename B's document (id and title) and break its stored hash: still matched.
    let old = b.documents[0].id.clone();
    b.documents[0].id = "renamed".into();
    b.documents[0].title = "another title".into();
    b.documents[0].text_sha256 = "0".repeat(64);
    for s in &mut b.sets {
        if s.document == old {
            s.document = "renamed".into();
        }
    }
    let report = compare_projects(&sides(&a, &b)).unwrap();
    assert_eq!(report.documents.matched.len(), 1);
    assert_eq!(
        report.documents.matched[0].documents,
        ["derna-sirte", "renamed"]
    );
    assert_eq!(report.pairs[0].spans.exact, 100);
    // A changed text under the same id is reported and not compared.
    let (a, mut b) = sample_pair();
    b.documents[0].text.push('.');
    let report = compare_projects(&sides(&a, &b)).unwrap();
    assert!(report.documents.matched.is_empty());
    assert_eq!(report.documents.text_differs.len(), 1);
    assert_eq!(report.documents.text_differs[0].by, "id");
    assert_eq!(report.pairs[0].spans.exact, 0);
    assert_eq!(report.pairs[0].tokens.tokens, 0);
    assert_eq!(report.pairs[0].tokens.cohen_kappa, None);
}

// ---------------------------------------------------------------------------------
// Adjudication of the sample

fn signature(set: &AnnotationSet) -> Vec<(usize, usize, String, String, Option<String>)> {
    set.spans
        .iter()
        .map(|s| {
            (
                s.start,
                s.end,
                s.label.clone(),
                format!("{:?}", s.attributes),
                s.entity.clone(),
            )
        })
        .collect()
}

fn relation_signature(set: &AnnotationSet) -> BTreeSet<(String, usize, usize, usize, usize)> {
    set.relations
        .iter()
        .map(|r| {
            let f = set.span(&r.from).unwrap();
            let t = set.span(&r.to).unwrap();
            (r.kind.clone(), f.start, f.end, t.start, t.end)
        })
        .collect()
}

#[test]
fn adjudicating_the_sample_towards_a_rebuilds_a() {
    let (pa, pb) = sample_pair();
    let (a, b) = (&pa.sets[0], &pb.sets[0]);
    let doc = &pa.documents[0];
    let all = items(a, b).unwrap();
    let open: Vec<_> = all.iter().filter(|i| !i.agreeing).collect();
    // 3 partial + 2 only A + 1 only B + 2 exact pairs whose kind differs.
    assert_eq!(open.len(), 8);

    let mut adj = Adjudication::new("gold");
    let first = build_gold(doc, a, b, &adj).unwrap();
    assert_eq!(first.gold.spans.len(), 98);
    assert!(
        first
            .gold
            .spans
            .iter()
            .all(|s| s.provenance == Some(Provenance::Both))
    );
    assert_eq!(first.pending.len(), 8);

    // Half the decisions, saved and resumed from JSON.
    for item in &open[..4] {
        let d = if item.key.a.is_some() {
            Decision::AcceptA
        } else {
            Decision::Reject
        };
        adj.decide(item.key.clone(), d);
    }
    let saved = serde_json::to_string_pretty(&adj).unwrap();
    let mut adj: Adjudication = serde_json::from_str(&saved).unwrap();
    assert_eq!(build_gold(doc, a, b, &adj).unwrap().pending.len(), 4);
    for item in &open[4..] {
        let d = if item.key.a.is_some() {
            Decision::AcceptA
        } else {
            Decision::Reject
        };
        adj.decide(item.key.clone(), d);
    }
    let out = build_gold(doc, a, b, &adj).unwrap();
    assert!(out.pending.is_empty());
    assert_eq!(signature(&out.gold), signature(a));
    assert_eq!(relation_signature(&out.gold), relation_signature(a));
    let from_a = out
        .gold
        .spans
        .iter()
        .filter(|s| s.provenance == Some(Provenance::A))
        .count();
    assert_eq!(from_a, 7);
    // The inputs are as loaded.
    assert_eq!((&pa, &pb), (&sample_pair().0, &sample_pair().1));
    // Stale decision: refused by name.
    adj.decide(
        ItemKey {
            a: Some("a-s999".into()),
            b: None,
        },
        Decision::Reject,
    );
    let err = build_gold(doc, a, b, &adj).unwrap_err().to_string();
    assert!(err.contains("a-s999"), "{err}");
}

// ---------------------------------------------------------------------------------
// Renderings and the CLI

#[test]
fn renderings() {
    let report = sample_report();
    let json = serde_json::to_value(&report).unwrap();
    for key in ["format", "version", "annotators", "documents", "pairs"] {
        assert!(json.get(key).is_some(), "report JSON lacks {key}");
    }
    assert_eq!(json["format"], "hashiya-agreement");
    let pair = &json["pairs"][0];
    for key in [
        "a",
        "b",
        "spans",
        "figures",
        "relations",
        "attributes",
        "entities",
        "tokens",
        "documents",
    ] {
        assert!(pair.get(key).is_some(), "pair JSON lacks {key}");
    }
    assert!(pair["figures"]["macro"]["strict"]["f1"].is_f64());
    assert!(pair["tokens"]["cohen_kappa"].is_f64());
    assert_eq!(pair["spans"]["label_mismatch"], 0);
    let back: AgreementReport = serde_json::from_value(json).unwrap();
    assert_eq!(back.pairs[0].spans, report.pairs[0].spans);

    let csv = render::to_csv(&report);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "annotator_a,annotator_b,document,category,score,a_id,a_start,a_end,a_label,a_text,b_id,b_start,b_end,b_label,b_text,differences"
    );
    assert_eq!(csv.lines().count(), 1 + 106);
    assert!(csv.contains(
        "annotator-a,annotator-b,derna-sirte,partial,1,a-s027,650,653,location,سرت,b-s025,644,653,location,مدينة سرت,"
    ));
    assert!(csv.contains(",kind: organization ≠ government\n"));

    let html = render::to_html(&report);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<td dir=\"auto\">مدينة سرت</td>"));
    assert!(!html.contains("<script"));

    let text = render::to_text(&report);
    assert!(text.contains("Spans: exact 100, partial 3, label mismatch 0, only A 2, only B 1"));
}

fn hashiya(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hashiya"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn cli_agree() {
    let a = "projects/derna-sirte.json";
    let b = "projects/derna-sirte.annotator-b.json";
    let (ok, out, err) = hashiya(&["agree", a, b]);
    assert!(ok, "{err}");
    assert!(
        out.contains("annotator-a (projects/derna-sirte.json)"),
        "{out}"
    );
    assert!(out.contains("Cohen's κ"), "{out}");

    let (ok, out, err) = hashiya(&["agree", a, b, "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pairs"][0]["spans"]["exact"], 100);
    let api = serde_json::to_value(sample_report()).unwrap();
    assert_eq!(
        v["pairs"], api["pairs"],
        "CLI JSON differs from the library's"
    );

    // --annotators: explicit names, the default for an empty entry, errors by name.
    let (ok, _, err) = hashiya(&["agree", a, b, "--annotators", "annotator-a,", "--json"]);
    assert!(ok, "{err}");
    let (ok, _, err) = hashiya(&["agree", a, b, "--annotators", "annotator-a,nobody"]);
    assert!(!ok);
    assert!(
        err.contains("nobody") && err.contains("annotator-b"),
        "{err}"
    );
    let (ok, _, err) = hashiya(&["agree", a, b, "--annotators", "annotator-a"]);
    assert!(!ok);
    assert!(err.contains("one per file"), "{err}");

    // The same file twice, same annotator: perfect agreement.
    let (ok, out, err) = hashiya(&["agree", a, a, "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pairs"][0]["tokens"]["cohen_kappa"], 1.0);

    let (ok, out, _) = hashiya(&["agree", a, b, "--dump-tokens"]);
    assert!(ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["annotators"][1], "annotator-b");

    let (ok, out, _) = hashiya(&["agree", a, b, "--html"]);
    assert!(ok && out.contains("<meta charset=\"utf-8\">"));
    let (ok, out, _) = hashiya(&["agree", a, b, "--csv"]);
    assert!(ok && out.starts_with("annotator_a,"));

    let (ok, _, err) = hashiya(&["agree", a, "tests/fixtures/invalid/newer-version.json"]);
    assert!(!ok);
    assert!(err.contains("newer-version.json"), "{err}");
}
