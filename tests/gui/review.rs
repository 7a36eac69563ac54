//! The review navigator and the agreement dashboard on their own: adjudicating the
//! sample pair by keyboard, the dashboard's figures and report export, and the
//! navigator's buttons.

use crate::support::*;
use egui::{Key, Modifiers};
use hashiya::store;
use hashiya::ui::{StartOptions, Workspace};

/// The app on a copy of the sample (A) in `dir`, comparing with B's project.
fn review_harness(dir: &std::path::Path) -> (std::path::PathBuf, StartOptions, H) {
    let path = dir.join("a.json");
    std::fs::copy(sample_path(), &path).unwrap();
    let opts = StartOptions {
        compare: Some(sample_b_path()),
        ..Default::default()
    };
    let h = harness_opts(Workspace::open(&path).unwrap(), opts.clone());
    (path, opts, h)
}

#[test]
fn adjudicate_every_disagreement_of_the_sample_pair() {
    use hashiya::model::Provenance;
    let dir = tempfile::tempdir().unwrap();
    let a_before = store::load(&sample_path()).unwrap().project;
    let b_bytes = std::fs::read(sample_b_path()).unwrap();
    let (path, opts, mut h) = review_harness(dir.path());
    assert!(
        h.state().workspace().review().is_some(),
        "{}",
        h.state().workspace().status()
    );
    assert!(shown(&h, "8 disagreements in this document, 0 decided"));
    // Walk every disagreement by keyboard: keep A's version when A has one, else B's.
    for k in 0..8 {
        let has_a = h
            .query_by_label("1 Accept A")
            .is_some_and(|n| !n.accesskit_node().is_disabled());
        h.key_press(if has_a { Key::Num1 } else { Key::Num2 });
        h.run_steps(2);
        assert!(
            shown(
                &h,
                &format!("8 disagreements in this document, {} decided", k + 1)
            ),
            "after decision {k}: {}",
            h.state().workspace().status()
        );
    }
    let gold = h
        .state()
        .workspace()
        .project()
        .set("gold", "derna-sirte")
        .expect("gold set")
        .clone();
    // 98 agreeing spans (exact with equal attributes) + 2 only-A + 3 partial (A) + 1 only-B + 2 attribute conflicts (A).
    assert_eq!(gold.spans.len(), 106);
    let count = |p: Provenance| {
        gold.spans
            .iter()
            .filter(|s| s.provenance == Some(p))
            .count()
    };
    assert_eq!(
        (
            count(Provenance::Both),
            count(Provenance::A),
            count(Provenance::B)
        ),
        (98, 7, 1)
    );
    // The inputs are untouched: A's set in the project, B's file on disk.
    assert_eq!(
        h.state()
            .workspace()
            .project()
            .set("annotator-a", "derna-sirte"),
        a_before.set("annotator-a", "derna-sirte")
    );
    assert_eq!(std::fs::read(sample_b_path()).unwrap(), b_bytes);
    // Undo takes back the last decision.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(shown(&h, "8 disagreements in this document, 7 decided"));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert!(shown(&h, "8 disagreements in this document, 8 decided"));
    // Save, then resume in a new session: the decisions and the gold set are back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(1);
    assert!(hashiya::workspace::review::sidecar_path(&path).exists());
    let saved = store::load(&path).unwrap();
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    assert_eq!(saved.project.set("gold", "derna-sirte"), Some(&gold));
    let h2 = harness_opts(Workspace::open(&path).unwrap(), opts);
    assert!(shown(&h2, "8 disagreements in this document, 8 decided"));
}

#[test]
fn agreement_dashboard_shows_figures_and_exports_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, mut h) = review_harness(dir.path());
    h.get_by_label("Agreement dashboard").click();
    h.run_steps(3); // a new window is laid out invisibly in its first frame
    assert!(
        h.state()
            .is_open(hashiya::ui::action::WindowKind::Dashboard)
    );
    // The same κ and α as `hashiya agree` and the reference libraries.
    assert!(shown(
        &h,
        "Cohen's κ 0.9383 · Krippendorff's α 0.9383 on 503 tokens"
    ));
    for (button, ext) in [("JSON", "json"), ("CSV", "csv"), ("HTML", "html")] {
        h.get_by_label(button).click();
        h.run_steps(1);
        let out = path.with_extension(format!("agreement.{ext}"));
        let body =
            std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
        assert!(
            body.contains("annotator-b"),
            "{ext} report names the annotators"
        );
        assert!(
            h.state()
                .workspace()
                .status()
                .starts_with("Agreement report written to"),
            "{}",
            h.state().workspace().status()
        );
        if ext == "json" {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["format"], "hashiya-agreement");
        }
    }
}

/// New: the navigator's own buttons: Next / Previous move between disagreements,
/// "4 Reject" decides, "End review" leaves review mode.
#[test]
fn navigator_buttons_step_reject_and_end_the_review() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, mut h) = review_harness(dir.path());
    assert!(shown(&h, "1 of 8"));
    h.get_by_label("Next (J)").click();
    h.run_steps(2);
    assert!(shown(&h, "2 of 8"));
    assert_eq!(h.state().workspace().review().unwrap().current, 1);
    h.get_by_label("Previous (K)").click();
    h.run_steps(2);
    assert!(shown(&h, "1 of 8"));
    let before = h.state().workspace().project().clone();
    h.get_by_label("4 Reject").click();
    h.run_steps(2);
    assert!(shown(&h, "8 disagreements in this document, 1 decided"));
    assert_ne!(
        *h.state().workspace().project(),
        before,
        "the gold set changed"
    );
    assert_eq!(h.query_all_by_label("Review").count(), 2, "menu and tab");
    h.get_by_label("End review").click();
    h.run_steps(2);
    assert!(h.state().workspace().review().is_none());
    assert_eq!(
        h.query_all_by_label("Review").count(),
        1,
        "only the menu is left, not the tab"
    );
    assert!(!shown(&h, "8 disagreements in this document, 1 decided"));
    assert!(
        shown(
            &h,
            &format!(
                "{} spans, {} relations",
                h.state().workspace().current_set().unwrap().spans.len(),
                h.state().workspace().current_set().unwrap().relations.len()
            )
        ),
        "back on the Annotations tab"
    );
}
