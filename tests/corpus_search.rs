//! Corpus search (Ctrl+Shift+F) without the GUI: it finds exactly what the Ctrl+F bar's
//! matcher finds document by document (harakat, tatweel, hamza forms of alef, ى/ي and
//! the options), on background threads in document order; a cancelled search stops;
//! the text snapshot is shared, not copied per query; "Tag all" over the hits is one
//! undo step and respects read-only sets.

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use hashiya::model::{Document, Project};
use hashiya::store;
use hashiya::text::normalize::{NormalizedText, SearchOptions};
use hashiya::workspace::Workspace;
use hashiya::workspace::corpus_search::{CHUNK, CorpusSearch, CorpusTexts, search_all};

fn sample() -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    store::load(&path).unwrap().project
}

/// The sample article and variants of it spelled differently, plus short texts.
fn project() -> Project {
    let mut p = sample();
    let text = p.documents[0].text.clone();
    let vocalised = text.replace("درنة", "دَرْنَةَ").replace("سرت", "سـرت");
    let plain = text.replace(['أ', 'إ', 'آ'], "ا").replace('ى', "ي");
    let docs = [
        ("vocalised", "مشكولة", vocalised),
        ("plain", "بلا همزات", plain),
        ("short", "قصير", "بيان قصير عن طرابلس.".to_string()),
        (
            "emoji",
            "رموز",
            "😀 درنـــة و«سرت» ٢٠١٦ 2016\nإلى درنه".to_string(),
        ),
        ("empty-ish", "فارغ", " ".to_string()),
    ];
    for (id, title, t) in docs {
        p.documents.push(Document::new(id, title, t));
    }
    p
}

const QUERIES: &[&str] = &[
    "درنة",
    "دَرْنَة",
    "درنـــة",
    "سرت",
    "الإسلامية",
    "الاسلامية",
    "أعلن",
    "اعلن",
    "إلى",
    "الى",
    "ترى",
    "تري",
    "ة",
    "2016",
    "زززز",
    "",
];

fn option_sets() -> Vec<SearchOptions> {
    let d = SearchOptions::default();
    vec![
        d,
        SearchOptions {
            ignore_marks: false,
            ignore_tatweel: false,
            unify_alef: false,
            unify_ya: false,
            ta_marbuta_as_ha: false,
            unify_digits: false,
            ignore_case: false,
        },
        SearchOptions {
            ta_marbuta_as_ha: true,
            unify_digits: true,
            ..d
        },
    ]
}

/// What the Ctrl+F bar finds, run on each document in turn: (index, id, ranges) of
/// the documents with matches.
fn ctrl_f(p: &Project, q: &str, o: &SearchOptions) -> Vec<(usize, String, Vec<Range<usize>>)> {
    p.documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                i,
                d.id.clone(),
                NormalizedText::new(&d.text, o).find_all(q, o),
            )
        })
        .filter(|(_, _, r)| !r.is_empty())
        .collect()
}

fn threaded(texts: &Arc<CorpusTexts>, q: &str, o: SearchOptions) -> CorpusSearch {
    let mut s = CorpusSearch::start(texts.clone(), q, o, || {});
    s.wait();
    assert!(s.is_done());
    s
}

#[test]
fn corpus_search_finds_what_ctrl_f_finds_in_each_document() {
    let p = project();
    let texts = Arc::new(CorpusTexts::of(&p));
    let mut docs_with_hits = 0;
    for o in option_sets() {
        for q in QUERIES {
            let expected = ctrl_f(&p, q, &o);
            let got: Vec<_> = search_all(&texts, q, &o)
                .into_iter()
                .map(|h| (h.index, h.id, h.ranges))
                .collect();
            assert_eq!(got, expected, "query «{q}» with {o:?}");
            let s = threaded(&texts, q, o);
            let got: Vec<_> = s
                .results()
                .iter()
                .map(|h| (h.index, h.id.clone(), h.ranges.clone()))
                .collect();
            assert_eq!(got, expected, "threaded, query «{q}» with {o:?}");
            let n: usize = expected.iter().map(|(_, _, r)| r.len()).sum();
            assert_eq!(s.matches(), n);
            assert_eq!(s.progress(), (p.documents.len(), p.documents.len()));
            docs_with_hits += expected.len();
        }
    }
    assert!(docs_with_hits > 30, "the queries do find things");
    // The folds at work: each spelling finds the article and its variants.
    let d = SearchOptions::default();
    let ids = |q: &str, o: &SearchOptions| -> Vec<String> {
        search_all(&texts, q, o).into_iter().map(|h| h.id).collect()
    };
    assert_eq!(
        ids("دَرْنَة", &d),
        ["derna-sirte", "vocalised", "plain", "emoji"]
    );
    assert_eq!(ids("اعلن", &d), ["derna-sirte", "vocalised", "plain"]);
    let strict = &option_sets()[1];
    assert_eq!(ids("اعلن", strict), ["plain"]);
    assert_eq!(ids("درنة", strict), ["derna-sirte", "plain"]);
    // Snippets mark the match itself.
    for h in search_all(&texts, "درنة", &d) {
        assert!(!h.snippets.is_empty());
        for s in &h.snippets {
            let hit: String = s.text.chars().skip(s.hit.start).take(s.hit.len()).collect();
            assert_eq!(NormalizedText::new(&hit, &d).find_all("درنة", &d).len(), 1);
        }
    }
}

#[test]
fn many_documents_arrive_in_document_order() {
    let base = project();
    let mut p = base.clone();
    p.documents.clear();
    for k in 0..(CHUNK * 5 + 7) {
        let mut d = base.documents[k % base.documents.len()].clone();
        d.id = format!("{}-{k}", d.id);
        p.documents.push(d);
    }
    let texts = Arc::new(CorpusTexts::of(&p));
    let o = SearchOptions::default();
    for q in ["درنة", "ة", "ي"] {
        let s = threaded(&texts, q, o);
        let got: Vec<_> = s
            .results()
            .iter()
            .map(|h| (h.index, h.id.clone(), h.ranges.clone()))
            .collect();
        assert_eq!(got, ctrl_f(&p, q, &o), "«{q}»");
        assert!(s.took().is_some());
    }
}

/// A gate the workers' `notify` waits at, so the test decides when they go on.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
    batches: AtomicUsize,
}

#[test]
fn a_cancelled_search_stops_and_a_new_query_replaces_the_old() {
    let base = sample();
    let mut p = base.clone();
    for k in 0..CHUNK * 20 {
        let mut d = base.documents[0].clone();
        d.id = format!("d{k}");
        p.documents.push(d);
    }
    let texts = Arc::new(CorpusTexts::of(&p));
    let gate = Arc::new(Gate::default());
    let g = gate.clone();
    let mut s = CorpusSearch::start(
        texts.clone(),
        "درنة",
        SearchOptions::default(),
        move || {
            g.batches.fetch_add(1, Ordering::SeqCst);
            let mut open = g.open.lock().unwrap();
            while !*open {
                open = g.cv.wait(open).unwrap();
            }
        },
    );
    // Every worker stops at the gate after its first chunk.
    while gate.batches.load(Ordering::SeqCst) == 0 {
        std::thread::yield_now();
    }
    s.cancel();
    *gate.open.lock().unwrap() = true;
    gate.cv.notify_all();
    s.wait();
    let (searched, total) = s.progress();
    assert!(!s.is_done(), "cancelled before the end");
    assert!(
        searched <= CHUNK * gate.batches.load(Ordering::SeqCst) && searched < total,
        "{searched} of {total} searched after the cancel"
    );
    assert!(s.took().is_none());
    // A new query (the panel drops the old search) runs to the end.
    drop(s);
    let s = threaded(&texts, "سرت", SearchOptions::default());
    assert_eq!(s.progress(), (total, total));
    assert_eq!(s.results().len(), total);
}

#[test]
fn the_text_snapshot_is_shared_until_the_documents_change() {
    let mut ws = Workspace::new(project(), None, vec![]);
    let a = ws.corpus_texts();
    assert!(Arc::ptr_eq(&a, &ws.corpus_texts()), "same revision");
    // A tag changes the revision, not the documents: the same snapshot.
    let o = SearchOptions::default();
    let hits: Vec<_> = search_all(&a, "طرابلس", &o)
        .into_iter()
        .map(|h| (h.id, h.ranges))
        .collect();
    assert!(ws.tag_all_documents(&hits, "location"));
    assert!(
        Arc::ptr_eq(&a, &ws.corpus_texts()),
        "tagging keeps the texts"
    );
    // A new document: a new snapshot sharing every unchanged text.
    assert!(ws.add_document("جديد", "نص جديد عن درنة"));
    let b = ws.corpus_texts();
    assert!(!Arc::ptr_eq(&a, &b));
    assert_eq!(b.len(), a.len() + 1);
    for (x, y) in a.docs().iter().zip(b.docs()) {
        assert!(Arc::ptr_eq(&x.text, &y.text), "{} copied again", x.id);
    }
    assert_eq!(search_all(&b, "درنة", &o).last().unwrap().title, "جديد");
}

#[test]
fn tag_all_across_documents_is_one_undo_step() {
    let p = project();
    let me = "annotator-a";
    let mut ws = Workspace::new(p.clone(), None, vec![]);
    ws.set_annotator(me);
    let texts = ws.corpus_texts();
    let s = threaded(&texts, "درنة", SearchOptions::default());
    let hits = s.hits_by_document();
    assert!(hits.len() >= 4, "{hits:?}");
    let located = |ws: &Workspace, doc: &str, r: &Range<usize>| {
        ws.project().set(me, doc).is_some_and(|set| {
            set.spans
                .iter()
                .any(|x| x.start == r.start && x.end == r.end && x.label == "location")
        })
    };
    let already: usize = hits
        .iter()
        .map(|(d, rs)| rs.iter().filter(|r| located(&ws, d, r)).count())
        .sum();
    assert!(
        already > 0,
        "the sample tags some «درنة» as a location already"
    );
    let steps = ws.history().applied_ids().count();
    assert!(ws.tag_all_documents(&hits, "location"));
    assert_eq!(ws.history().applied_ids().count(), steps + 1, "one step");
    for (d, rs) in &hits {
        for r in rs {
            assert!(located(&ws, d, r), "{d} {r:?} tagged");
        }
    }
    let spans = |ws: &Workspace| -> usize { ws.project().sets.iter().map(|s| s.spans.len()).sum() };
    let before = spans(&Workspace::new(p.clone(), None, vec![]));
    assert_eq!(
        spans(&ws),
        before + s.matches() - already,
        "tagged ranges skipped"
    );
    // Again: nothing left to tag.
    assert!(!ws.tag_all_documents(&hits, "location"));
    // One undo removes them all.
    ws.undo();
    assert_eq!(ws.project(), &p);
    // Someone else's sets are read-only: refused, nothing changes.
    ws.set_user("someone-else");
    assert!(ws.read_only());
    assert!(!ws.tag_all_documents(&hits, "location"));
    assert!(ws.status().contains("read-only"), "{}", ws.status());
    assert_eq!(ws.project(), &p);
}
