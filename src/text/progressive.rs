//! Progressive layout: the first screens of a long document at once, the rest on a
//! background thread.
//!
//! [`first_screens`] lays out the shortest run of whole paragraphs from the start of the
//! text that is at least a given height — what the first frame shows — and
//! [`Background`] lays out the whole text on a thread with its own [`TextEngine`]. The
//! view shows the first until the second arrives.
//!
//! Paragraphs are laid out independently and placed one under the other, so the first
//! screens are the same lines, glyph for glyph and at the same heights, as the top of
//! the full layout (a unit test checks it): when the full layout replaces them nothing
//! on screen moves. What differs until then: the total height is an estimate (the
//! height of the first screens scaled by the share of the text they hold), and code
//! points after the laid-out part have no geometry (queries about them are clamped to
//! its end).
//!
//! Texts shorter than [`PROGRESSIVE_MIN_BYTES`] are laid out at once, as is a text
//! whose first paragraph alone is most of it (a 1 MB text with no line break): the
//! unit of layout is the paragraph.

use std::sync::mpsc;

use super::engine::TextEngine;
use super::layout::{ArticleLayout, LayoutParams};

/// Texts shorter than this are laid out in one go (≈ 15 ms at most).
pub const PROGRESSIVE_MIN_BYTES: usize = 64 * 1024;

/// The first screens of a text: a complete layout of `text[..bytes]`.
pub struct FirstScreens {
    pub layout: ArticleLayout,
    /// Byte length of the laid-out part (a paragraph end, or the text's length).
    pub bytes: usize,
}

impl FirstScreens {
    /// Whether the whole text is laid out.
    pub fn is_complete(&self, text: &str) -> bool {
        self.bytes >= text.len()
    }

    /// The estimated height of the whole text: the laid-out height scaled by the share
    /// of bytes laid out.
    pub fn estimated_height(&self, text: &str) -> f32 {
        if self.is_complete(text) || self.bytes == 0 {
            return self.layout.height();
        }
        self.layout.height() * (text.len() as f64 / self.bytes as f64) as f32
    }
}

/// Lays out whole paragraphs from the start of `text` until they are at least
/// `min_height` high (or the text ends). The laid-out part is guessed from a byte
/// count, quadrupled until high enough, so at most about four times the needed text is
/// shaped; on one thread.
pub fn first_screens(
    engine: &mut TextEngine,
    text: &str,
    params: LayoutParams,
    min_height: f32,
) -> FirstScreens {
    let mut guess = 16 * 1024;
    loop {
        let bytes = paragraph_end_at_or_after(text, guess);
        let layout = ArticleLayout::with_threads(engine, &text[..bytes], params, 1);
        if bytes >= text.len() || layout.height() >= min_height {
            return FirstScreens { layout, bytes };
        }
        guess = guess.saturating_mul(4);
    }
}

/// The end (before its `\n`) of the paragraph containing byte `at`, or the text's end.
fn paragraph_end_at_or_after(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    match text.as_bytes()[at..].iter().position(|&b| b == b'\n') {
        Some(i) => at + i,
        None => text.len(),
    }
}

/// What [`Background::poll`] found.
pub enum Progress {
    Running,
    Done(Box<TextEngine>, Box<ArticleLayout>),
    /// The thread could not start or panicked.
    Failed,
}

/// A whole-text layout under way on a thread with its own engine.
pub struct Background {
    rx: mpsc::Receiver<(TextEngine, ArticleLayout)>,
}

impl Background {
    /// Starts laying out `text` on one thread;
    /// `done` is called on the thread once the result can be taken (e.g. to wake the UI).
    pub fn start(
        engine: TextEngine,
        text: String,
        params: LayoutParams,
        done: impl FnOnce() + Send + 'static,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("hashiya-layout".into())
            .spawn(move || {
                let mut engine = engine;
                // One thread: the other core stays with the window, which is
                // drawing the first screens meanwhile.
                let layout = ArticleLayout::with_threads(&mut engine, &text, params, 1);
                // The receiver is gone when the view moved on to another document.
                if tx.send((engine, layout)).is_ok() {
                    done();
                }
            })
            // No thread: the sender is dropped with the closure and `poll` says
            // `Failed` (the caller lays out on its own thread).
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("hashiya: no layout thread ({e})"));
        Background { rx }
    }

    /// Whether the layout is done (then it is returned with the engine).
    pub fn poll(&self) -> Progress {
        match self.rx.try_recv() {
            Ok((engine, layout)) => Progress::Done(Box::new(engine), Box::new(layout)),
            Err(mpsc::TryRecvError::Empty) => Progress::Running,
            Err(mpsc::TryRecvError::Disconnected) => Progress::Failed,
        }
    }

    /// Waits for the layout (tests, and a jump to text not laid out yet).
    pub fn wait(self) -> Option<(TextEngine, ArticleLayout)> {
        self.rx.recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "أعلن مجلس شورى مجاهدي درنة وضواحيها الأربعاء الماضي تحرير كامل مدينة درنة";
    const P2: &str = "ودارت المواجهات بين ائتلاف قوات من مدينتي درنة والبيضاء";

    fn long_text() -> String {
        let mut text = String::new();
        let mut k = 0;
        while text.len() < 2 * PROGRESSIVE_MIN_BYTES {
            text.push_str(&format!("{P1} 441 «Haftar» ({k})\n{P2}\n\nabc {P1}\r\n"));
            k += 1;
        }
        text
    }

    fn glyphs(engine: &TextEngine, l: &ArticleLayout, line: usize) -> Vec<(u8, u16, f32, f32)> {
        let mut v = Vec::new();
        l.line_glyphs(engine, line, |g| v.push((g.font.0, g.id, g.x, g.y)));
        v
    }

    /// The first screens are the top of the full layout, line for line and glyph for
    /// glyph; the background layout equals a synchronous one.
    #[test]
    fn first_screens_and_background_equal_the_full_layout() {
        let text = long_text();
        let params = LayoutParams::new(500.0, 22.0);
        let mut engine = TextEngine::new();
        let full = ArticleLayout::with_threads(&mut engine, &text, params, 1);
        let first = first_screens(&mut engine, &text, params, 2_000.0);
        assert!(!first.is_complete(&text), "a part only");
        assert!(first.layout.height() >= 2_000.0);
        assert!(
            first.bytes < text.len() / 2,
            "{} of {}",
            first.bytes,
            text.len()
        );
        assert_eq!(
            text.as_bytes()[first.bytes],
            b'\n',
            "cut at a paragraph end"
        );
        let n = first.layout.lines().len();
        assert_eq!(first.layout.lines(), &full.lines()[..n]);
        assert_eq!(first.layout.is_rtl(), full.is_rtl());
        for line in 0..n {
            assert_eq!(
                glyphs(&engine, &first.layout, line),
                glyphs(&engine, &full, line),
                "line {line}"
            );
        }
        // The estimate is near the real height (the text repeats itself).
        let est = first.estimated_height(&text);
        assert!(
            (est - full.height()).abs() < 0.1 * full.height(),
            "{est} vs {}",
            full.height()
        );
        // Queries past the laid-out part are cut, not refused or panicking.
        let end = first.layout.offsets().len_chars();
        assert!(!first.layout.range_rects(end - 3, end + 100).is_empty());
        let _ = first.layout.caret_rect(end + 100, false);

        let bg = Background::start(TextEngine::new(), text.clone(), params, || {});
        let Some((bg_engine, whole)) = bg.wait() else {
            panic!("the layout thread ended without a result")
        };
        assert_eq!(whole.lines(), full.lines());
        assert_eq!(whole.height(), full.height());
        for line in (0..full.lines().len()).step_by(53) {
            assert_eq!(
                glyphs(&bg_engine, &whole, line),
                glyphs(&engine, &full, line),
                "line {line}"
            );
        }
    }

    #[test]
    fn short_texts_and_one_long_paragraph_are_laid_out_whole() {
        let params = LayoutParams::new(500.0, 22.0);
        let mut engine = TextEngine::new();
        let short = format!("{P1}\n{P2}");
        assert!(first_screens(&mut engine, &short, params, 10_000.0).is_complete(&short));
        let one = P1.repeat(400);
        let f = first_screens(&mut engine, &one, params, 100.0);
        assert!(f.is_complete(&one), "no paragraph end to cut at");
    }
}
