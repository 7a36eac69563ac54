//! Claim suggestions in the window (issue #27): a claim found after a reporting cue is
//! walked to with N like a name, drawn with a dashed arrow to its speaker, and A
//! accepts the claim, its speaker and the `said_by` relation as one step that one
//! Ctrl+Z takes back.

use egui::{Key, Modifiers};

use crate::support::*;
use hashiya::ui::Workspace;

/// The test corpus with the first document's claims and their relations removed, so
/// that its claims are suggested again.
fn corpus_without_claims() -> hashiya::model::Project {
    corpus_with_first(|s| s.label != "claim")
}

/// The test corpus keeping only the spans of its first document that `keep` keeps (and
/// none of its relations).
fn corpus_with_first(keep: impl Fn(&hashiya::model::Span) -> bool) -> hashiya::model::Project {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/learn/news-corpus.json"
    );
    let mut p = hashiya::store::load(std::path::Path::new(path))
        .expect("the learning corpus loads")
        .project;
    let first = p.documents[0].id.clone();
    let set = p
        .sets
        .iter_mut()
        .find(|s| s.document == first)
        .expect("a set on the first document");
    set.relations.clear();
    set.spans.retain(keep);
    p
}

fn counts(h: &H) -> (usize, usize, usize) {
    let set = h.state().workspace().current_set().unwrap();
    let claims = set.spans.iter().filter(|s| s.label == "claim").count();
    let said_by = set.relations.iter().filter(|r| r.kind == "said_by").count();
    (claims, said_by, set.spans.len())
}

#[test]
fn a_accepts_a_claim_with_its_speaker_and_one_undo_takes_it_back() {
    let ws = Workspace::new(corpus_without_claims(), None, Vec::new());
    let mut h = harness_with(ws);
    h.run_steps(2);
    let before = counts(&h);
    assert_eq!((before.0, before.1), (0, 0));
    // Walk to the first claim suggestion.
    let mut found = false;
    for _ in 0..60 {
        h.key_press(Key::N);
        h.run_steps(2);
        if h.state().workspace().status().contains(" as claim") {
            found = true;
            break;
        }
    }
    assert!(
        found,
        "no claim suggestion: {}",
        h.state().workspace().status()
    );
    h.key_press(Key::A);
    h.run_steps(2);
    let after = counts(&h);
    assert_eq!(after.0, 1, "{}", h.state().workspace().status());
    assert_eq!(after.1, 1, "the said_by relation comes with the claim");
    let set = h.state().workspace().current_set().unwrap();
    let rel = set.relations.iter().find(|r| r.kind == "said_by").unwrap();
    let to = set.span(&rel.to).expect("the relation's speaker is a span");
    assert_eq!(to.label, "actor");
    assert_eq!(set.span(&rel.from).unwrap().label, "claim");
    assert!(
        h.state()
            .workspace()
            .history()
            .undo_name()
            .is_some_and(|n| n.starts_with("Accept suggestion claim")),
        "one step in the history"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(counts(&h), before, "one undo takes the whole step back");
}

/// With learning on (the program's default), the model is trained on a worker after
/// the annotator pauses while the window keeps drawing (no frame waits for it), and
/// its suggestions (source `model`) then join the document's.
#[test]
fn the_window_keeps_drawing_while_the_model_trains() {
    use hashiya::model::SuggestionSource;
    use hashiya::ui::StartOptions;
    use std::time::{Duration, Instant};
    // The first document untagged: the model, learning from the others, names there.
    let ws = Workspace::new(corpus_with_first(|_| false), None, Vec::new());
    let opts = StartOptions {
        learn: true,
        ..StartOptions::default()
    };
    let mut h = harness_opts(ws, opts);
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut trained = false;
    while started.elapsed() < Duration::from_secs(60) {
        let t = Instant::now();
        h.run_steps(1);
        slowest = slowest.max(t.elapsed());
        if h.state().workspace().learned_model().is_some() {
            trained = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(trained, "no model after 60 s");
    // Debug build, kittest's accessibility tree included: a frame that waited for the
    // training (≈ seconds in debug) would show here.
    assert!(
        slowest < Duration::from_millis(800),
        "a frame took {slowest:?}"
    );
    h.run_steps(2);
    h.key_press(egui::Key::N);
    h.run_steps(2);
    let sources: Vec<SuggestionSource> = h
        .state()
        .drawn_suggestions_list()
        .iter()
        .map(|s| s.source)
        .collect();
    assert!(
        sources.contains(&SuggestionSource::Model),
        "no model suggestion among {sources:?}"
    );
}
