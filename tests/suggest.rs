//! Suggestions through the workspace, on the sample project: learn from one tag,
//! accept (one undo step, origin recorded), reject (saved, reloaded, not offered
//! again), and the evaluation on the samples.

use std::path::{Path, PathBuf};

use hashiya::model::edit::{self, TagOptions};
use hashiya::model::history::SetKey;
use hashiya::model::{AnnotationSet, Document, Project, Span};
use hashiya::store;
use hashiya::suggest::{
    self, SuggestOptions, Suggester, Suggestion, SuggestionSource, accept_suggestions,
    reject_suggestion,
};
use hashiya::workspace::Workspace;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("projects")
        .join(name)
}

/// Learned suggestions only (the sample's registry already knows every name; claims
/// are tested apart).
fn learned_only() -> SuggestOptions {
    SuggestOptions {
        use_registry: false,
        attribution: false,
        ..SuggestOptions::default()
    }
}

const ME: &str = "tester";

fn suggestions(p: &Project) -> Vec<Suggestion> {
    Suggester::new(p, ME, learned_only()).suggest_all(p)
}

/// Code point offsets of every «حفتر» standing as a word or after a proclitic.
fn haftar_places(text: &str) -> Vec<usize> {
    let chars: Vec<char> = text.chars().collect();
    let name: Vec<char> = "حفتر".chars().collect();
    (0..chars.len().saturating_sub(3))
        .filter(|&i| chars[i..i + 4] == name[..])
        .filter(|&i| !chars.get(i + 4).is_some_and(|c| c.is_alphanumeric()))
        .collect()
}

#[test]
fn learn_accept_reject_undo_save_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.json");
    std::fs::copy(sample("derna-sirte.json"), &path).unwrap();
    let mut ws = Workspace::open(&path).unwrap();
    let doc = ws.project().documents[0].clone();
    let key = SetKey::new(ME, &doc.id);
    assert!(suggestions(ws.project()).is_empty(), "nothing learned yet");

    // Tag «حفتر» once.
    let places = haftar_places(&doc.text);
    assert!(places.len() >= 4, "{places:?}");
    let first = places[0];
    let tag = edit::tag(
        ws.project(),
        &key,
        first..first + 4,
        "actor",
        TagOptions::default(),
    );
    assert!(ws.apply(tag).is_some(), "{}", ws.status());

    // Every other occurrence is suggested, as learned, with the name only.
    let mut suggester = Suggester::new(ws.project(), ME, learned_only());
    let got = suggester.suggest_all(ws.project());
    let starts: Vec<usize> = got.iter().map(|s| s.start).collect();
    assert_eq!(starts, places[1..].to_vec());
    for s in &got {
        assert_eq!((s.text.as_str(), s.label.as_str()), ("حفتر", "actor"));
        assert_eq!(s.source, SuggestionSource::Learned);
        assert_eq!(s.score, 1.0);
    }

    // Accept them all: one undo step, origin recorded.
    let before = ws.project().clone();
    assert!(
        ws.apply(accept_suggestions(ws.project(), &key, &got))
            .is_some()
    );
    let set = ws.project().set(ME, &doc.id).unwrap();
    assert_eq!(set.spans.len(), places.len());
    assert_eq!(
        set.spans.iter().filter(|s| s.origin.is_some()).count(),
        places.len() - 1
    );
    assert_eq!(set.span("s1").unwrap().origin, None, "tagged by hand");
    assert!(suggester.suggest_all(ws.project()).is_empty(), "all tagged");
    ws.undo();
    assert_eq!(*ws.project(), before, "one undo restores");

    // Reject one: not offered again, saved in the file, and still so after reloading.
    let rejected = got[0].clone();
    assert!(
        ws.apply(reject_suggestion(ws.project(), &rejected, ME))
            .is_some()
    );
    assert!(!suggester.refresh(ws.project()), "the names did not change");
    let now = suggester.suggest_all(ws.project());
    assert_eq!(now.len(), got.len() - 1);
    assert!(!now.iter().any(|s| s.start == rejected.start));
    assert_eq!(now[0].score, 0.5, "a rejected string scores lower");
    ws.save().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"rejected\""), "saved in the file");
    // Who rejected it is saved too (format version 3).
    assert!(text.contains("\"version\": 3"));
    assert!(text.contains(&format!("\"annotator\": \"{ME}\"")));
    let mut ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.project().suggestions.rejected.len(), 1);
    assert_eq!(suggestions(ws.project()), now);

    // Accept the rest; the origin survives saving and reloading.
    assert!(
        ws.apply(accept_suggestions(ws.project(), &key, &now))
            .is_some()
    );
    ws.save().unwrap();
    let reloaded = store::load(&path).unwrap().project;
    let set = reloaded.set(ME, &doc.id).unwrap();
    let origins = set
        .spans
        .iter()
        .filter(|s| s.origin == Some(SuggestionSource::Learned))
        .count();
    assert_eq!(origins, now.len());
    ws.undo();
    assert_eq!(ws.project().set(ME, &doc.id).unwrap().spans.len(), 1);
    // Forgetting the rejections is one undoable step too.
    assert!(
        ws.apply(suggest::clear_rejections(ws.project(), None))
            .is_some()
    );
    assert!(ws.project().suggestions.rejected.is_empty());
    ws.undo();
    assert_eq!(ws.project().suggestions.rejected.len(), 1);
}

#[test]
fn registry_suggestions_on_the_sample_link_entities() {
    let p = store::load(&sample("derna-sirte.json")).unwrap().project;
    // annotator-a tagged every name the registry knows; someone new gets them all.
    let done = Suggester::new(&p, "annotator-a", SuggestOptions::default()).suggest_all(&p);
    let s = Suggester::new(&p, "new", SuggestOptions::default());
    let got = s.suggest_all(&p);
    assert!(got.len() > 50, "{}", got.len());
    assert!(done.len() < 10, "{done:?}");
    let text = &p.documents[0].text;
    for g in &got {
        let slice: String = text.chars().skip(g.start).take(g.end - g.start).collect();
        assert_eq!(slice, g.text);
    }
    // «برئاسةفائز السراج» has no space: the name is inside a longer word, not offered.
    assert!(!got.iter().any(|g| g.text == "فائز السراج"));
    // «بدرنة» in the title gives «درنة» linked to its entity, unless already tagged.
    let got = done;
    let set = p.set("annotator-a", &p.documents[0].id);
    let tagged = |g: &Suggestion| {
        set.is_some_and(|s| {
            s.spans
                .iter()
                .any(|x| (x.start, x.end, &x.label) == (g.start, g.end, &g.label))
        })
    };
    assert!(!got.iter().any(tagged));
    assert!(
        got.iter()
            .filter(|g| g.source == SuggestionSource::Entity)
            .all(|g| g.entity.is_some())
    );
}

#[test]
fn rejected_suggestion_on_an_unknown_document_warns() {
    let mut p = store::load(&sample("derna-sirte.json")).unwrap().project;
    p.suggestions.rejected.push(hashiya::model::Rejected {
        document: "gone".into(),
        start: 0,
        end: 4,
        label: "actor".into(),
        text: "حفتر".into(),
        annotator: None,
    });
    let bytes = store::to_bytes(&p).unwrap();
    let loaded = store::parse(Path::new("x.json"), &bytes).unwrap();
    assert!(loaded.warnings.iter().any(|w| matches!(
        &w.kind,
        store::ProblemKind::RejectedUnknownDocument(d) if d == "gone"
    )));
    assert_eq!(loaded.project.suggestions, p.suggestions);
}

/// The sample's document cut into one document per paragraph, with the annotator's
/// spans moved along: a corpus as `hashiya import` makes from separate text files.
fn corpus_of_paragraphs(p: &Project) -> Project {
    let mut out = Project::new(format!("{} (paragraphs)", p.name), p.schema.clone());
    out.entities = p.entities.clone();
    let doc = &p.documents[0];
    let chars: Vec<char> = doc.text.chars().collect();
    let mut bounds = Vec::new();
    let mut start = None;
    let mut i = 0;
    while i < chars.len() {
        let blank = chars[i] == '\n' && chars.get(i + 1) == Some(&'\n');
        if blank {
            if let Some(s) = start.take() {
                bounds.push((s, i));
            }
            i += 2;
            continue;
        }
        if start.is_none() && !chars[i].is_whitespace() {
            start = Some(i);
        }
        i += 1;
    }
    if let Some(s) = start {
        bounds.push((s, chars.len()));
    }
    for (n, (s, e)) in bounds.into_iter().enumerate() {
        let id = format!("p{n:03}");
        out.documents.push(Document::new(
            &id,
            &id,
            chars[s..e].iter().collect::<String>(),
        ));
        for set in &p.sets {
            let mut part = AnnotationSet::new(&set.annotator, &id);
            for x in set.spans.iter().filter(|x| x.start >= s && x.end <= e) {
                let mut y: Span = x.clone();
                y.start -= s;
                y.end -= s;
                part.spans.push(y);
            }
            out.sets.push(part);
        }
    }
    out
}

#[test]
fn evaluation_on_the_samples() {
    let a = store::load(&sample("derna-sirte.json")).unwrap().project;
    let b = store::load(&sample("derna-sirte.annotator-b.json"))
        .unwrap()
        .project;
    for p in [&a, &b] {
        let r = suggest::evaluate(p, None);
        eprintln!("{r}");
        let e = &r.annotators[0];
        assert_eq!(e.split, suggest::evaluate::Split::Paragraphs);
        assert!(e.registry.overall.suggested > 0);
        assert!(e.registry.overall.correct > 0);
    }
    let corpus = corpus_of_paragraphs(&a);
    assert!(corpus.documents.len() > 10);
    let r = suggest::evaluate(&corpus, Some("annotator-a"));
    eprintln!("{r}");
    assert_eq!(r.annotators[0].split, suggest::evaluate::Split::Documents);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"precision\""));
}

/// Code points of `needle` in `text`.
fn place(text: &str, needle: &str) -> std::ops::Range<usize> {
    let b = text.find(needle).unwrap();
    let s = text[..b].chars().count();
    s..s + needle.chars().count()
}

/// Two documents: the speaker's name tagged in the first, said in the second.
fn attribution_workspace() -> Workspace {
    let mut p = Project::new("t", hashiya::model::schema::LabelSchema::news_default());
    let t0 = "التقى سامر الحوراني بالسكان في المدينة.";
    let t1 = "وقال سامر الحوراني في بيان إن المياه عادت إلى الأحياء.";
    p.documents.push(Document::new("d0", "a", t0));
    p.documents.push(Document::new("d1", "b", t1));
    let mut set = AnnotationSet::new(ME, "d0");
    let r = place(t0, "سامر الحوراني");
    set.spans
        .push(Span::new("s1", r.start, r.end, "actor", "سامر الحوراني"));
    p.sets.push(set);
    let mut ws = Workspace::new(p, None, Vec::new());
    assert_eq!(ws.annotator(), ME);
    assert!(ws.switch_document(1));
    ws
}

/// Issue #27: accepting a claim suggestion gives the claim, its speaker span (a
/// suggestion too) and the `said_by` relation in one undo step; with the speaker
/// tagged already, that span is reused.
#[test]
fn accepting_a_claim_brings_its_speaker_and_said_by_in_one_step() {
    let mut ws = attribution_workspace();
    let claim = ws
        .current_suggestions()
        .iter()
        .find(|s| s.label == "claim")
        .cloned()
        .expect("a claim is suggested");
    assert_eq!(claim.text, "المياه عادت إلى الأحياء");
    assert_eq!(claim.source, SuggestionSource::Attribution);
    assert_eq!(claim.cue.as_deref(), Some("وقال"));
    let rel = ws.current_relation_suggestions().to_vec();
    assert_eq!(rel.len(), 1, "{rel:?}");
    assert_eq!(
        (
            rel[0].kind.as_str(),
            rel[0].to.text.as_str(),
            rel[0].to.tagged
        ),
        ("said_by", "سامر الحوراني", false)
    );
    let before = ws.project().clone();
    assert!(
        ws.accept_suggestions(std::slice::from_ref(&claim)),
        "{}",
        ws.status()
    );
    let set = ws.project().set(ME, "d1").expect("the set is created");
    let mut labels: Vec<(&str, Option<SuggestionSource>)> = set
        .spans
        .iter()
        .map(|s| (s.label.as_str(), s.origin))
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        [
            ("actor", Some(SuggestionSource::Learned)),
            ("claim", Some(SuggestionSource::Attribution))
        ]
    );
    let id_of = |label: &str| {
        set.spans
            .iter()
            .find(|s| s.label == label)
            .unwrap()
            .id
            .clone()
    };
    let (claim_id, actor_id) = (&id_of("claim"), &id_of("actor"));
    assert_eq!(set.relations.len(), 1);
    let r = &set.relations[0];
    assert_eq!(
        (r.kind.as_str(), &r.from, &r.to),
        ("said_by", claim_id, actor_id)
    );
    assert!(ws.current_relation_suggestions().is_empty());
    assert!(
        !ws.current_suggestions().iter().any(|s| s.label == "claim"),
        "the claim is tagged"
    );
    ws.undo();
    assert_eq!(*ws.project(), before, "one undo removes all three");

    // The speaker tagged first: the claim and the relation only, to that span.
    let key = SetKey::new(ME, "d1");
    let doc = ws.project().documents[1].clone();
    let tag = edit::tag(
        ws.project(),
        &key,
        place(&doc.text, "سامر الحوراني"),
        "actor",
        TagOptions::default(),
    );
    assert!(ws.apply(tag).is_some(), "{}", ws.status());
    let rel = ws.current_relation_suggestions().to_vec();
    assert!(rel[0].to.tagged);
    assert!(ws.accept_suggestions(std::slice::from_ref(&claim)));
    let set = ws.project().set(ME, "d1").unwrap();
    assert_eq!(set.spans.len(), 2);
    assert_eq!(set.relations.len(), 1);
    assert_eq!(set.span(&set.relations[0].to).unwrap().origin, None);
    ws.undo();
    assert_eq!(ws.project().set(ME, "d1").unwrap().spans.len(), 1);

    // Rejecting the claim: not offered again.
    assert!(ws.reject_suggestion(&claim));
    assert!(!ws.current_suggestions().iter().any(|s| s.label == "claim"));
}

/// `hashiya suggest --relations` prints the span suggestions and the said_by
/// suggestions, both ends by offsets; without it, the list as before.
#[test]
fn the_cli_prints_relation_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let ws = attribution_workspace();
    store::save(ws.project(), &path).unwrap();
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hashiya"))
            .arg("suggest")
            .arg(&path)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let list = run(&[]);
    let list = list.as_array().expect("a list, as before");
    assert!(
        list.iter()
            .any(|s| s["label"] == "claim" && s["source"] == "attribution")
    );
    let both = run(&["--relations", "--document", "d1"]);
    assert_eq!(both["spans"].as_array().unwrap().len(), 2, "{both}");
    let rel = &both["relations"][0];
    let t1 = "وقال سامر الحوراني في بيان إن المياه عادت إلى الأحياء.";
    let (c, a) = (
        place(t1, "المياه عادت إلى الأحياء"),
        place(t1, "سامر الحوراني"),
    );
    assert_eq!(rel["document"], "d1");
    assert_eq!(rel["kind"], "said_by");
    let end = |e: &serde_json::Value| (e["start"].clone(), e["end"].clone(), e["label"].clone());
    use serde_json::json;
    assert_eq!(
        end(&rel["from"]),
        (json!(c.start), json!(c.end), json!("claim"))
    );
    assert_eq!(
        end(&rel["to"]),
        (json!(a.start), json!(a.end), json!("actor"))
    );
    assert_eq!(rel["to"]["tagged"], false);
}

/// The learning corpus (`tests/fixtures/learn`): 12 annotated articles, the first 8
/// (by id) for training, the last 4 for testing.
fn learn_corpus() -> (Project, Project, Vec<Document>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/learn/news-corpus.json");
    let p = store::load(&path).unwrap().project;
    let mut ids: Vec<&str> = p.documents.iter().map(|d| d.id.as_str()).collect();
    ids.sort();
    let (train_ids, test_ids) = ids.split_at(8);
    let mut train = p.clone();
    train.entities.clear();
    train
        .sets
        .retain(|s| train_ids.contains(&s.document.as_str()));
    let test: Vec<Document> = p
        .documents
        .iter()
        .filter(|d| test_ids.contains(&d.id.as_str()))
        .cloned()
        .collect();
    assert_eq!(test.len(), 4);
    (p, train, test)
}

/// Issue #27: claims and said_by on the test articles, learned from the training ones
/// (the annotator's actors given). Floors just under what was measured.
#[test]
fn attribution_on_the_learning_corpus() {
    let (p, train, test) = learn_corpus();
    let test: Vec<&Document> = test.iter().collect();
    let r =
        suggest::attribution::evaluate::evaluate_attribution(&p, "annotator-a", &train, &test, 0);
    let f = |s: &suggest::evaluate::Scores| {
        format!(
            "{}/{} suggested, {} gold: P {:.3} R {:.3}",
            s.correct,
            s.suggested,
            s.gold,
            s.precision.unwrap_or(0.0),
            s.recall.unwrap_or(0.0)
        )
    };
    eprintln!(
        "claims exact: {}\nclaims overlap: {}\nsaid_by: {}\nlearned cues: {:?}",
        f(&r.claims_exact),
        f(&r.claims_overlap),
        f(&r.said_by),
        r.learned_cues
    );
    let at_least = |s: &suggest::evaluate::Scores, p: f64, r: f64, what: &str| {
        let (gp, gr) = (s.precision.unwrap_or(0.0), s.recall.unwrap_or(0.0));
        assert!(
            gp >= p && gr >= r,
            "{what}: P {gp:.3} R {gr:.3}, floors {p} {r}"
        );
    };
    // Measured (corpus of 18:05 UTC): claims 31/32 exact, P = R = 0.969; said_by 27
    // of 31 suggested, 32 gold: P 0.871, R 0.844.
    at_least(&r.claims_exact, 0.93, 0.93, "claims (exact)");
    at_least(&r.claims_overlap, 0.93, 0.93, "claims (overlap)");
    at_least(&r.said_by, 0.84, 0.81, "said_by");
}

/// The same project gives the same suggestions, spans and relations.
#[test]
fn attribution_is_deterministic_on_the_corpus() {
    let (p, _, _) = learn_corpus();
    let run = || {
        Suggester::new(&p, "annotator-a", SuggestOptions::default()).suggest_all_with_relations(&p)
    };
    let a = run();
    assert_eq!(a, run());
    let mut bare = p.clone();
    for s in &mut bare.sets {
        s.spans.retain(|x| x.label != "claim");
        s.relations.clear();
    }
    let b = Suggester::new(&bare, "annotator-a", SuggestOptions::default())
        .suggest_all_with_relations(&bare);
    assert!(b.1.len() > 20, "{} said_by suggestions", b.1.len());
    assert_eq!(
        b,
        Suggester::new(&bare, "annotator-a", SuggestOptions::default())
            .suggest_all_with_relations(&bare)
    );
}
