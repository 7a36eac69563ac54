//! The article view's layout of the shown document, rebuilt only when the document, the
//! width or the font size change. A short text is laid out at once; a long one
//! ([`PROGRESSIVE_MIN_BYTES`] and more) shows its first screens at once and is laid out
//! whole on a background thread ([`crate::text::progressive`]) once the document, width
//! and size have stayed the same for [`SETTLE`] — while they change every frame (a
//! resize drag, zoom steps, documents flicked through) only first screens are laid out,
//! never a whole layout per frame.

use crate::text::progressive::{self, Background, PROGRESSIVE_MIN_BYTES, Progress};
use crate::text::{ArticleLayout, LayoutParams, TextEngine};

/// How long the document, width and font size stay the same before a long text is laid
/// out whole.
pub const SETTLE: std::time::Duration = std::time::Duration::from_millis(120);

/// Where a layout came from, to know when to rebuild it.
#[derive(Debug, Clone, PartialEq)]
struct LayoutKey {
    doc: String,
    params: LayoutParams,
}

/// The whole layout of a long text: waiting (since the last change of what it depends
/// on) or running.
enum Job {
    Waiting(std::time::Instant),
    Running(Background),
}

#[derive(Default)]
pub struct LayoutCache {
    layout: Option<(LayoutKey, ArticleLayout)>,
    /// The whole document's layout under way while `layout` holds its first screens,
    /// with the estimated total height.
    background: Option<(LayoutKey, Job, f32)>,
    /// The engine of the last background layout, kept for the next one.
    spare_engine: Option<TextEngine>,
    /// The hooks of the tests and benches (feature `test-support`).
    #[cfg(feature = "test-support")]
    test: TestHooks,
}

/// What the tests and benches hold and count (feature `test-support`).
#[cfg(feature = "test-support")]
#[derive(Default)]
struct TestHooks {
    /// Leave a finished background layout waiting (to look at the partial one).
    hold: bool,
    /// Layouts built (first screens count): nothing may be laid out per frame.
    built: usize,
    /// Whole layouts started in the background: a resize must not start one per frame.
    background_started: usize,
}

/// Test hooks (feature `test-support`: the tests and benches, never the program).
#[cfg(feature = "test-support")]
impl LayoutCache {
    /// Leaves a finished background layout waiting (`false` lets it in at the next
    /// frame).
    pub fn hold(&mut self, hold: bool) {
        self.test.hold = hold;
    }

    /// Layouts built so far (first screens count).
    pub fn built(&self) -> usize {
        self.test.built
    }

    /// Whole layouts started in the background so far.
    pub fn background_started(&self) -> usize {
        self.test.background_started
    }
}

impl LayoutCache {
    /// The layout shown: the whole document, or its first screens.
    pub fn layout(&self) -> Option<&ArticleLayout> {
        self.layout.as_ref().map(|(_, l)| l)
    }

    /// Whether the layout covers the whole document.
    pub fn is_complete(&self) -> bool {
        self.background.is_none()
    }

    /// The document's height: laid out, or estimated while only its first screens are.
    pub fn height(&self) -> f32 {
        match &self.background {
            Some((_, _, estimate)) => *estimate,
            None => self.layout().map_or(0.0, ArticleLayout::height),
        }
    }

    /// Makes the layout that of `doc_key` with `params`: at once for a short text; for a
    /// long one its first screens (at least `min_height` high) now and the whole later.
    pub fn ensure(
        &mut self,
        engine: &mut TextEngine,
        ctx: &egui::Context,
        doc_key: &str,
        text: &str,
        params: LayoutParams,
        min_height: f32,
    ) {
        let key = LayoutKey {
            doc: doc_key.to_string(),
            params,
        };
        if self.layout.as_ref().map(|(k, _)| k) == Some(&key) {
            self.take_background(engine, ctx, text);
            return;
        }
        #[cfg(feature = "test-support")]
        {
            self.test.built += 1;
        }
        self.background = None;
        if text.len() < PROGRESSIVE_MIN_BYTES {
            let layout = ArticleLayout::new(engine, text, params);
            self.layout = Some((key, layout));
            return;
        }
        let first = progressive::first_screens(engine, text, params, min_height);
        if !first.is_complete(text) {
            let estimate = first.estimated_height(text);
            ctx.request_repaint_after(SETTLE);
            let since = std::time::Instant::now();
            self.background = Some((key.clone(), Job::Waiting(since), estimate));
        }
        self.layout = Some((key, first.layout));
    }

    fn start_background(&mut self, ctx: &egui::Context, text: &str, params: LayoutParams) -> Job {
        let engine = self.spare_engine.take().unwrap_or_default();
        let ctx = ctx.clone();
        #[cfg(feature = "test-support")]
        {
            self.test.background_started += 1;
        }
        Job::Running(Background::start(
            engine,
            text.to_string(),
            params,
            move || ctx.request_repaint(),
        ))
    }

    /// Starts a waiting background layout once the parameters have settled; takes a
    /// finished one (unless a test holds it).
    fn take_background(&mut self, engine: &mut TextEngine, ctx: &egui::Context, text: &str) {
        if let Some((key, Job::Waiting(since), _)) = &self.background {
            if since.elapsed() < SETTLE {
                ctx.request_repaint_after(SETTLE.saturating_sub(since.elapsed()));
                return;
            }
            let params = key.params;
            let job = self.start_background(ctx, text, params);
            if let Some((_, j, _)) = &mut self.background {
                *j = job;
            }
        }
        #[cfg(feature = "test-support")]
        if self.test.hold {
            return;
        }
        let Some((key, Job::Running(job), _)) = &self.background else {
            return;
        };
        match job.poll() {
            Progress::Running => {}
            Progress::Done(done_engine, layout) => {
                self.layout = Some((key.clone(), *layout));
                self.spare_engine = Some(*done_engine);
                self.background = None;
            }
            Progress::Failed => {
                let params = key.params;
                let layout = ArticleLayout::new(engine, text, params);
                self.layout = Some((key.clone(), layout));
                self.background = None;
            }
        }
    }
}
