//! The learned tagger (issue #27): on the test corpus (`tests/fixtures/learn/`: the
//! first 8 documents train, the last 4 test), names never seen in training are found
//! and the scores are calibrated; `hashiya suggest --curve` and `--evaluate`; and the
//! workspace trains in the background without blocking its caller.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hashiya::learn::{self, Model, TrainOptions, TrainingData, TrainingDoc};
use hashiya::model::Project;
use hashiya::model::edit;
use hashiya::model::history::SetKey;
use hashiya::store;
use hashiya::workspace::Workspace;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Project {
    let path = root().join("tests/fixtures/learn/news-corpus.json");
    store::load(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .project
}

/// The corpus's annotator's documents, in order: 8 to train, 4 to test.
fn corpus_split() -> (TrainingData, Vec<TrainingDoc>) {
    let p = corpus();
    let annotator = p.annotators()[0].to_string();
    let all = TrainingData::from_project(&p, &annotator, false, &[]).finished();
    assert_eq!(all.docs.len(), 12, "the corpus has 12 annotated articles");
    let (train, test) = all.docs.split_at(8);
    (
        TrainingData {
            docs: train.to_vec(),
            names: Vec::new(),
        },
        test.to_vec(),
    )
}

#[test]
fn the_model_finds_names_absent_from_training() {
    let (train, test) = corpus_split();
    let e = learn::evaluate_split(&train, &test, &TrainOptions::default(), 0.5);
    eprintln!("{e}");
    let (m, s) = (&e.model, &e.matcher);
    // The matcher repeats tagged strings: it finds no new name, by construction.
    assert_eq!(s.unseen.correct, 0);
    assert!(m.unseen.gold >= 20, "{:?}", m.unseen);
    // Floors just under what was measured (see the issue note).
    let recall = m.unseen.recall.unwrap_or(0.0);
    let precision = m.unseen.precision.unwrap_or(0.0);
    assert!(
        recall >= MODEL_UNSEEN_RECALL,
        "recall on unseen names {recall:.3}"
    );
    assert!(
        precision >= MODEL_UNSEEN_PRECISION,
        "precision on unseen names {precision:.3}"
    );
    let f1 = m.overall.f1.unwrap_or(0.0);
    assert!(f1 >= MODEL_F1, "overall F1 {f1:.3}");
}

/// Measured on the corpus without reporting cues (`cargo test --test headless
/// learn::the_model -- --nocapture`, 7 Dec 2026): on unseen names recall 19.2 %
/// (14 of 73), precision 43.8 % (14 of 32); overall F1 29.4 % (16 correct of 34,
/// 75 gold). The floors are just under. (With the attribution lexicon's cues as the
/// cue test: unseen recall 27.4 %, precision 54.1 %, overall F1 37.2 %.)
const MODEL_UNSEEN_RECALL: f64 = 0.17;
const MODEL_UNSEEN_PRECISION: f64 = 0.40;
const MODEL_F1: f64 = 0.27;

#[test]
fn high_scores_are_more_precise_than_low_ones() {
    let (train, test) = corpus_split();
    let model = Model::train(&train, &TrainOptions::default());
    let mut bins = [(0usize, 0usize); 2];
    for d in &test {
        for f in model.find(&d.text) {
            let hit = d
                .spans
                .iter()
                .any(|s| (s.0, s.1, s.2.as_str()) == (f.start, f.end, f.label.as_str()));
            let b = &mut bins[usize::from(f.score >= 0.8)];
            b.0 += 1;
            b.1 += usize::from(hit);
        }
    }
    eprintln!(
        "score < 0.8: {:?}, ≥ 0.8: {:?} (found, correct)",
        bins[0], bins[1]
    );
    assert!(bins[0].0 > 0 && bins[1].0 > 0, "{bins:?}");
    let precision = |(n, c): (usize, usize)| c as f64 / n as f64;
    assert!(precision(bins[1]) > precision(bins[0]), "{bins:?}");
}

fn sample() -> PathBuf {
    root().join("projects/derna-sirte.json")
}

fn hashiya(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hashiya"))
        .args(args)
        .output()
        .expect("hashiya runs")
}

#[test]
fn curve_on_the_sample_prints_ten_growing_rows() {
    let out = hashiya(&["suggest", "--curve", sample().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(rows.len(), 10, "{text}");
    let sizes: Vec<u64> = rows
        .iter()
        .map(|r| r["train_units"].as_u64().unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    let spans: Vec<u64> = rows
        .iter()
        .map(|r| r["train_spans"].as_u64().unwrap())
        .collect();
    assert!(
        spans.windows(2).all(|w| w[0] <= w[1]) && spans[0] < spans[9],
        "{spans:?}"
    );
    for r in &rows {
        assert_eq!(r["unit"], "sentences");
        assert!(r["model"]["overall"]["gold"].as_u64().unwrap() > 0, "{r}");
        assert!(r["matcher"]["by_label"].is_object(), "{r}");
    }
    // The last blocks have enough examples to learn actors.
    assert!(
        rows[9]["learned"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "actor"),
        "{}",
        rows[9]
    );
}

#[test]
fn evaluate_reports_the_model_beside_the_matcher() {
    let out = hashiya(&["suggest", "--evaluate", sample().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("learned model against the string matcher"),
        "{text}"
    );
    assert!(text.contains("model, unseen names"), "{text}");
    assert!(text.contains("matcher, unseen names"), "{text}");
}

/// Polls until `done` or 120 s, each poll timed.
fn poll_until(ws: &mut Workspace, now: Instant, done: impl Fn(&Workspace) -> bool) -> Duration {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut slowest = Duration::ZERO;
    while !done(ws) {
        assert!(Instant::now() < deadline, "no model after 120 s");
        let t = Instant::now();
        ws.poll_learner(now);
        slowest = slowest.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(5));
    }
    slowest
}

#[test]
fn the_learner_trains_in_the_background_after_a_pause() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.json");
    std::fs::copy(sample(), &path).unwrap();
    let mut ws = Workspace::open(&path).unwrap();
    ws.set_annotator("annotator-a");
    let t0 = Instant::now();
    assert!(!ws.poll_learner(t0));
    let s = ws.learner_status();
    assert!(s.training, "the first model is trained at once: {s:?}");
    let first = s.generation;
    let slowest = poll_until(&mut ws, t0, |ws| ws.learner_status().generation > first);
    let s = ws.learner_status();
    assert!(!s.training && s.duration.is_some(), "{s:?}");
    assert_eq!(s.learned, ["actor", "location"]);
    assert_eq!(s.examples["actor"], 57);
    assert!(ws.learned_model().is_some());
    assert!(
        slowest < Duration::from_millis(25),
        "a poll took {slowest:?}"
    );

    // An edit: nothing starts before the pause, then a worker retrains.
    let doc = ws.project().documents[0].id.clone();
    let key = SetKey::new("annotator-a", &doc);
    let span = ws.project().set("annotator-a", &doc).unwrap().spans[1]
        .id
        .clone();
    assert!(
        ws.apply(edit::delete_span(ws.project(), &key, &span))
            .is_some()
    );
    let t1 = t0 + Duration::from_secs(10);
    ws.poll_learner(t1);
    assert!(ws.learner_status().stale);
    ws.poll_learner(t1 + Duration::from_millis(1000));
    assert!(!ws.learner_status().training, "still within the pause");
    let generation = ws.learner_status().generation;
    let t = Instant::now();
    ws.poll_learner(t1 + Duration::from_millis(1600));
    assert!(
        t.elapsed() < Duration::from_millis(25),
        "starting took {:?}",
        t.elapsed()
    );
    assert!(ws.learner_status().training, "retraining after the pause");
    let slowest = poll_until(&mut ws, t1 + Duration::from_millis(1600), |ws| {
        ws.learner_status().generation > generation
    });
    assert!(
        slowest < Duration::from_millis(25),
        "a poll took {slowest:?}"
    );
    let s = ws.learner_status();
    assert!(!s.stale, "{s:?}");
    assert_eq!(
        s.examples.values().sum::<usize>(),
        92,
        "one span fewer (57 actors and 36 locations before)"
    );
}

#[test]
fn model_suggestions_join_the_current_documents() {
    // The corpus with the names of its ninth article untagged (its claims kept).
    let mut p = corpus();
    let doc = p.documents[8].id.clone();
    let set = p.sets.iter_mut().find(|s| s.document == doc).unwrap();
    set.relations.clear();
    set.spans.retain(|s| s.label == learn::CLAIM_LABEL);
    let mut ws = Workspace::new(p, None, Vec::new());
    ws.set_annotator("annotator-a");
    assert!(ws.switch_document(8));
    let now = Instant::now();
    poll_until(&mut ws, now, |ws| ws.learned_model().is_some());
    let list = ws.current_suggestions().to_vec();
    let model: Vec<_> = list
        .iter()
        .filter(|s| s.source == hashiya::suggest::SuggestionSource::Model)
        .collect();
    assert!(!model.is_empty(), "{list:?}");
    assert!(model.iter().all(|s| s.score >= 0.5 && s.document == doc));
    // One suggestion per place: none overlaps another.
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            assert!(a.end <= b.start || b.end <= a.start, "{a:?} {b:?}");
        }
    }
    // "Find suggestions in every document" has them too, on a document not shown.
    assert!(ws.switch_document(0));
    let groups = ws.all_suggestions();
    let elsewhere = groups
        .values()
        .flatten()
        .filter(|s| s.source == hashiya::suggest::SuggestionSource::Model && s.document == doc)
        .count();
    assert_eq!(elsewhere, model.len());
    assert!(ws.switch_document(8));
    // The threshold: 1 hides every model suggestion, 0 offers at least as many.
    ws.set_min_model_score(1.0);
    assert!(
        ws.current_suggestions()
            .iter()
            .all(|s| s.source != hashiya::suggest::SuggestionSource::Model)
    );
    ws.set_min_model_score(0.0);
    let all = ws
        .current_suggestions()
        .iter()
        .filter(|s| s.source == hashiya::suggest::SuggestionSource::Model)
        .count();
    assert!(all >= model.len());
}

#[test]
fn the_cli_gives_the_same_model_suggestions_twice() {
    // The corpus with the names of its ninth article untagged: the model suggests some.
    let mut p = corpus();
    let doc = p.documents[8].id.clone();
    let set = p.sets.iter_mut().find(|s| s.document == doc).unwrap();
    set.relations.clear();
    set.spans.retain(|s| s.label == learn::CLAIM_LABEL);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.json");
    store::save(&p, &path).unwrap();
    let run = || {
        let out = hashiya(&["suggest", path.to_str().unwrap(), "--document", &doc]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = run();
    assert_eq!(first, run(), "the same project, the same suggestions");
    let list: Vec<serde_json::Value> = serde_json::from_slice(&first).unwrap();
    let model: Vec<&serde_json::Value> = list.iter().filter(|s| s["source"] == "model").collect();
    assert!(!model.is_empty(), "{list:?}");
    for s in model {
        assert!(s["score"].as_f64().unwrap() >= 0.5, "{s}");
        assert_eq!(s["document"], doc.as_str());
    }
}
