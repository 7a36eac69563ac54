//! Corpus search (Ctrl+Shift+F): one query over every document of the project, with
//! exactly the matching of the Ctrl+F bar ([`crate::text::normalize`], the same
//! [`SearchOptions`]), run on background threads so a 10,000-document corpus never
//! freezes the window. No egui: the panel is `ui::corpus_search`.
//!
//! - [`CorpusTexts`]: the documents' texts as `Arc<str>`, a snapshot the threads share.
//!   [`Workspace::corpus_texts`] keeps one per project revision; when the project
//!   changed it reuses the text of every document whose id, length and hash are
//!   unchanged, so the texts are copied once per project, not once per query.
//! - [`CorpusSearch`]: one running query. Worker threads take chunks of [`CHUNK`]
//!   documents in turn, search each with [`search_text`] and send a chunk's hits down a
//!   channel; [`CorpusSearch::poll`] (never blocking) appends them in document order
//!   and counts progress ("n of N documents"). Dropping it — a new query replaces it —
//!   sets its cancel flag, which the workers check before every document.
//! - [`DocumentHits`]: one document's matches, with a [`Snippet`] (a few words either
//!   side, the match marked; `corpus_search/snippet.rs`) for each of its first
//!   [`SNIPPETS_PER_DOCUMENT`].
//! - [`Workspace::tag_all_documents`]: "Tag all" over the hits as one undo step
//!   ([`crate::model::edit::tag_all_documents`]), refused on read-only sets like any
//!   other edit.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::Workspace;
use crate::model::{Project, edit};
use crate::text::normalize::{NormalizedText, SearchOptions};

mod snippet;
pub use snippet::{Snippet, snippets};

/// Documents a worker searches before it sends their hits.
pub const CHUNK: usize = 64;
/// Matches of one document that get a snippet (all of them are counted and tagged).
pub const SNIPPETS_PER_DOCUMENT: usize = 50;

/// One document of a [`CorpusTexts`] snapshot.
#[derive(Debug, Clone)]
pub struct CorpusDoc {
    pub id: String,
    pub title: String,
    pub text_sha256: String,
    pub text: Arc<str>,
}

/// The texts of a project's documents, in project order, shared with the search threads.
#[derive(Debug, Default)]
pub struct CorpusTexts {
    docs: Vec<CorpusDoc>,
}

impl CorpusTexts {
    /// A snapshot of `p`'s documents (every text copied once).
    pub fn of(p: &Project) -> Self {
        Self::reusing(&CorpusTexts::default(), p)
    }

    /// A snapshot of `p`'s documents that shares the text of every document `old`
    /// already holds (same id, byte length and hash): only new texts are copied.
    pub fn reusing(old: &CorpusTexts, p: &Project) -> Self {
        let known: HashMap<&str, &CorpusDoc> =
            old.docs.iter().map(|d| (d.id.as_str(), d)).collect();
        let docs = p
            .documents
            .iter()
            .map(|d| {
                let text = match known.get(d.id.as_str()) {
                    Some(o) if o.text.len() == d.text.len() && o.text_sha256 == d.text_sha256 => {
                        o.text.clone()
                    }
                    _ => Arc::from(d.text.as_str()),
                };
                CorpusDoc {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    text_sha256: d.text_sha256.clone(),
                    text,
                }
            })
            .collect();
        CorpusTexts { docs }
    }

    /// Whether this snapshot still describes `p`'s documents (ids, titles, texts).
    pub fn describes(&self, p: &Project) -> bool {
        self.docs.len() == p.documents.len()
            && self.docs.iter().zip(&p.documents).all(|(a, b)| {
                a.id == b.id
                    && a.title == b.title
                    && a.text.len() == b.text.len()
                    && a.text_sha256 == b.text_sha256
            })
    }

    pub fn docs(&self) -> &[CorpusDoc] {
        &self.docs
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// The snapshot [`Workspace::corpus_texts`] keeps, with the revision it was checked at.
#[derive(Default)]
pub struct TextsCache {
    at: Option<(u64, Arc<CorpusTexts>)>,
}

/// One document's matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentHits {
    /// Position of the document in the snapshot (the project's order when searched).
    pub index: usize,
    pub id: String,
    pub title: String,
    /// Every match, as code point ranges of the document's text, in text order.
    pub ranges: Vec<Range<usize>>,
    /// Snippets of the first [`SNIPPETS_PER_DOCUMENT`] matches.
    pub snippets: Vec<Snippet>,
}

/// The matches of `query` in `text`: the Ctrl+F bar's matcher, nothing else.
pub fn search_text(text: &str, query: &str, o: &SearchOptions) -> Vec<Range<usize>> {
    NormalizedText::new(text, o).find_all(query, o)
}

/// The hits of one document (None: no match).
pub fn search_document(
    index: usize,
    doc: &CorpusDoc,
    query: &str,
    o: &SearchOptions,
) -> Option<DocumentHits> {
    let ranges = search_text(&doc.text, query, o);
    if ranges.is_empty() {
        return None;
    }
    let snippets = snippets(
        &doc.text,
        &ranges[..ranges.len().min(SNIPPETS_PER_DOCUMENT)],
    );
    Some(DocumentHits {
        index,
        id: doc.id.clone(),
        title: doc.title.clone(),
        ranges,
        snippets,
    })
}

/// Every document's hits, on this thread (tests and tools; the GUI uses
/// [`CorpusSearch`]).
pub fn search_all(texts: &CorpusTexts, query: &str, o: &SearchOptions) -> Vec<DocumentHits> {
    texts
        .docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| search_document(i, d, query, o))
        .collect()
}

/// What a worker sends: the hits of one chunk of documents.
struct Batch {
    chunk: usize,
    searched: usize,
    hits: Vec<DocumentHits>,
}

/// One worker thread's share of a query.
#[derive(Clone)]
struct Worker {
    texts: Arc<CorpusTexts>,
    query: Arc<str>,
    options: SearchOptions,
    next: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    tx: mpsc::Sender<Batch>,
    notify: Arc<dyn Fn() + Send + Sync>,
}

impl Worker {
    fn run(self) {
        let n = self.texts.len();
        loop {
            let chunk = self.next.fetch_add(1, Ordering::Relaxed);
            let first = chunk * CHUNK;
            if first >= n {
                return;
            }
            let mut hits = Vec::new();
            for i in first..(first + CHUNK).min(n) {
                if self.cancel.load(Ordering::Relaxed) {
                    return;
                }
                hits.extend(search_document(
                    i,
                    &self.texts.docs[i],
                    &self.query,
                    &self.options,
                ));
            }
            let searched = (first + CHUNK).min(n) - first;
            let batch = Batch {
                chunk,
                searched,
                hits,
            };
            if self.tx.send(batch).is_err() {
                return;
            }
            (self.notify)();
        }
    }
}

/// Worker threads per query: the machine's cores, at most 4.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// One query over a [`CorpusTexts`] snapshot, running on background threads.
pub struct CorpusSearch {
    query: String,
    options: SearchOptions,
    texts: Arc<CorpusTexts>,
    /// Hits of the chunks received in order so far, in document order.
    results: Vec<DocumentHits>,
    matches: usize,
    /// Documents searched (chunks received, in order or not).
    searched: usize,
    chunks: usize,
    next_chunk: usize,
    /// Chunks received ahead of an earlier one.
    pending: BTreeMap<usize, Batch>,
    rx: mpsc::Receiver<Batch>,
    cancel: Arc<AtomicBool>,
    started: Instant,
    took: Option<Duration>,
}

impl CorpusSearch {
    /// Starts searching every document of `texts` for `query`; `notify` is called (on a
    /// worker thread) after each batch of hits is sent, e.g. to wake the window.
    pub fn start(
        texts: Arc<CorpusTexts>,
        query: &str,
        options: SearchOptions,
        notify: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let chunks = texts.len().div_ceil(CHUNK);
        let worker = Worker {
            texts: texts.clone(),
            query: Arc::from(query),
            options,
            next: Arc::new(AtomicUsize::new(0)),
            cancel: cancel.clone(),
            tx,
            notify: Arc::new(notify),
        };
        for _ in 0..workers().min(chunks) {
            let w = worker.clone();
            let spawned = std::thread::Builder::new()
                .name("corpus-search".into())
                .spawn(move || w.run());
            if spawned.is_err() {
                // No thread to be had: search on this one rather than never.
                worker.clone().run();
                break;
            }
        }
        drop(worker);
        let mut search = CorpusSearch {
            query: query.to_string(),
            options,
            texts,
            results: Vec::new(),
            matches: 0,
            searched: 0,
            chunks,
            next_chunk: 0,
            pending: BTreeMap::new(),
            rx,
            cancel,
            started: Instant::now(),
            took: None,
        };
        if search.is_done() {
            search.finish(); // an empty corpus
        }
        search
    }

    /// Takes the hits sent since the last call, without waiting; whether any came.
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        while let Ok(b) = self.rx.try_recv() {
            self.receive(b);
            any = true;
        }
        any
    }

    /// Waits until every document is searched (or the search was cancelled).
    pub fn wait(&mut self) {
        while !self.is_done() {
            match self.rx.recv() {
                Ok(b) => self.receive(b),
                Err(_) => break, // every worker stopped: cancelled
            }
        }
        self.poll();
    }

    fn receive(&mut self, b: Batch) {
        self.searched += b.searched;
        self.pending.insert(b.chunk, b);
        while let Some(b) = self.pending.remove(&self.next_chunk) {
            self.matches += b.hits.iter().map(|h| h.ranges.len()).sum::<usize>();
            self.results.extend(b.hits);
            self.next_chunk += 1;
        }
        if self.is_done() {
            self.finish();
        }
    }

    fn finish(&mut self) {
        self.took.get_or_insert_with(|| self.started.elapsed());
    }

    /// Stops the workers (also done when the search is dropped).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether every document was searched and its hits received.
    pub fn is_done(&self) -> bool {
        self.next_chunk == self.chunks
    }

    /// (documents searched, documents in the snapshot).
    pub fn progress(&self) -> (usize, usize) {
        (self.searched, self.texts.len())
    }

    /// How long the search took, once it is done.
    pub fn took(&self) -> Option<Duration> {
        self.took
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn options(&self) -> SearchOptions {
        self.options
    }

    /// The snapshot searched.
    pub fn texts(&self) -> &Arc<CorpusTexts> {
        &self.texts
    }

    /// The documents with matches received so far, in document order.
    pub fn results(&self) -> &[DocumentHits] {
        &self.results
    }

    /// Matches received so far.
    pub fn matches(&self) -> usize {
        self.matches
    }

    /// (document id, ranges) of every document with matches: what "Tag all" tags.
    pub fn hits_by_document(&self) -> Vec<(String, Vec<Range<usize>>)> {
        self.results
            .iter()
            .map(|h| (h.id.clone(), h.ranges.clone()))
            .collect()
    }
}

impl Drop for CorpusSearch {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl Workspace {
    /// The documents' texts as a shared snapshot: the same `Arc` as long as the
    /// documents do not change (checked when they may have: a changed list reuses
    /// the unchanged texts).
    pub fn corpus_texts(&mut self) -> Arc<CorpusTexts> {
        let rev = self.documents_revision();
        let fresh = match &self.corpus.at {
            Some((r, t)) if *r == rev => return t.clone(),
            Some((_, t)) if t.describes(&self.project) => t.clone(),
            Some((_, t)) => Arc::new(CorpusTexts::reusing(t, &self.project)),
            None => Arc::new(CorpusTexts::of(&self.project)),
        };
        self.corpus.at = Some((rev, fresh.clone()));
        fresh
    }

    /// Tags the matches of a corpus search ((document id, ranges) pairs) with `label`
    /// in the shown annotator's sets: one undoable step. False (the status bar says
    /// why) when nothing was tagged: all tagged already, read-only sets, stale hits.
    pub fn tag_all_documents(&mut self, hits: &[(String, Vec<Range<usize>>)], label: &str) -> bool {
        let cmd = edit::tag_all_documents(&self.project, &self.annotator, hits, label);
        self.apply(cmd).is_some()
    }
}
