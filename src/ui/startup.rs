//! How the app starts (its options, the settings, the review or search to open) and what
//! it does between frames: autosave, the panic hook's snapshot, noticing an external
//! change, the screenshot mode and the start-up timing exit.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::action::{Action, PathPurpose};
use super::app::{HashiyaApp, RightTab};
use super::dialogs::NamePrompt;
use crate::store::Loaded;
use crate::workspace::config::Config;

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Save a PNG of the first full frame of the article here, then quit.
    pub screenshot: Option<PathBuf>,
    /// Select this span (and show its relations) before the screenshot.
    pub select_span: Option<String>,
    /// Open the search bar with this query before the screenshot.
    pub search: Option<String>,
    /// Where the user's settings live; `None` (tests, screenshots): nothing is read
    /// or written and the annotator name is never asked.
    pub config_path: Option<PathBuf>,
    /// Unsaved work found for the project at start, to offer.
    pub recovery: Option<Loaded>,
    /// Start in the dark theme (otherwise the remembered theme, or light).
    pub dark: bool,
    /// Start a review against this colleague's project.
    pub compare: Option<PathBuf>,
    /// Close once the first frame showing the laid-out article is done (start-up timing).
    pub quit_after_first_frame: bool,
    /// Train the learned tagger in the background after edits (the program: on, for
    /// projects up to [`LEARN_IN_WINDOW_MAX_BYTES`] of text; tests and screenshots:
    /// off, so that a model arriving mid-test never changes what they see).
    pub learn: bool,
}

/// Projects with more text than this (UTF-8 bytes, about 100,000 Arabic characters)
/// are not learned from in the window: the training data are gathered, and the model
/// asked about the shown document, on the frame (≈ 0.1–0.5 s per 100 KB measured in a
/// debug build), which would freeze a long document. `hashiya suggest` learns from any.
pub const LEARN_IN_WINDOW_MAX_BYTES: usize = 200_000;

/// The state of the `--screenshot` mode.
#[derive(Default)]
pub(super) struct Screenshot {
    pub requested: bool,
    /// Filled by eframe's screenshot callback.
    pub slot: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

impl HashiyaApp {
    /// What happens once at start: theme, settings, the span to select, the review to
    /// open, the query to search.
    pub(super) fn start(&mut self, ctx: &egui::Context) {
        self.set_theme(ctx, self.opts.dark);
        if let Some(id) = self.opts.select_span.clone() {
            self.apply_action(Action::SelectSpan {
                id: Some(id),
                reveal: true,
            });
        }
        if let Some(path) = self.opts.config_path.clone() {
            self.config = Config::load(&path);
            if self.config.dark && !self.opts.dark {
                self.set_theme(ctx, true);
            }
            match self.config.annotator.clone() {
                Some(name) => self.use_name(&name),
                None => self.name_prompt = Some(NamePrompt::new("")),
            }
            if let Some(p) = self.ws.path().map(|p| p.to_path_buf()) {
                self.remember_recent(&p);
            }
        }
        if let Some(other) = self.opts.compare.clone() {
            self.apply_action(Action::UsePath(PathPurpose::Compare, vec![other]));
        }
        if let Some(q) = self.opts.search.clone() {
            self.search.open = true;
            self.search.field.set_text(&q);
        }
        if !self.ws.warnings().is_empty() {
            self.ws.set_status(format!(
                "{} while loading: see the Warnings window",
                crate::model::words::count(self.ws.warnings().len(), "warning", "warnings")
            ));
        }
    }

    /// The user's own sets are the ones edited; others' are shown read-only.
    pub(super) fn use_name(&mut self, name: &str) {
        self.ws.set_user(name);
    }

    pub(super) fn save_config(&mut self) {
        if let Some(cfg) = &self.opts.config_path
            && let Err(e) = self.config.save(cfg)
        {
            self.ws.set_status(format!("Could not save settings: {e}"));
        }
    }

    pub(super) fn remember_recent(&mut self, p: &std::path::Path) {
        if self.opts.config_path.is_some() {
            self.config.add_recent(p);
            self.save_config();
        }
    }

    /// The current document's disagreements in review mode (cached by the workspace).
    pub(super) fn review_items(&mut self) -> Vec<crate::review::adjudicate::Item> {
        if self.right_tab == RightTab::Review {
            self.ws.review_items()
        } else {
            Vec::new()
        }
    }

    /// Waits for a running export (tests and quitting) and shows its message.
    pub fn wait_for_export(&mut self) {
        if let Some(job) = self.export_job.take() {
            self.ws.set_status(job.wait());
        }
    }

    /// When the window gets the focus back, checks whether another program changed the
    /// project file.
    pub(super) fn notice_external_change(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        if focused && self.external_change.is_none() {
            self.external_change = self.ws.external_change();
        }
    }

    /// Autosave, the panic hook's snapshot, glyph uploads, screenshots, timing exits.
    pub(super) fn housekeeping(&mut self, ctx: &egui::Context) {
        let focus_lost = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(false)))
        });
        if let Some(later) = self.ws.autosave(focus_lost) {
            ctx.request_repaint_after(later);
        }
        if let Some(later) = self.ws.register_unsaved() {
            ctx.request_repaint_after(later);
        }
        self.poll_learner(ctx);
        self.view.text.upload(ctx);
        self.take_screenshot(ctx);
        if self.opts.quit_after_first_frame && self.view.layout().is_some() {
            match self.first_frame {
                // The start-up timing ends with the first frame on screen: the process
                // ends here, without tearing down (dropping a 130 MB corpus alone
                // takes 150 ms). Nothing is unsaved in this mode.
                Some(shown) if self.frames > shown => std::process::exit(0),
                Some(_) => {}
                None => {
                    self.first_frame = Some(self.frames);
                    ctx.request_repaint();
                }
            }
        }
    }

    /// The learned tagger: trained on a worker once the annotator pauses; a new model
    /// changes the suggestions (see [`StartOptions::learn`]).
    fn poll_learner(&mut self, ctx: &egui::Context) {
        let size: usize = self
            .ws
            .project()
            .documents
            .iter()
            .map(|d| d.text.len())
            .sum();
        if !self.opts.learn || size > LEARN_IN_WINDOW_MAX_BYTES {
            return;
        }
        if self.ws.poll_learner(std::time::Instant::now()) {
            // The drawn suggestions are kept per revision: a new model is not one.
            self.ghosts.for_ = None;
            ctx.request_repaint();
        }
        let status = self.ws.learner_status();
        if status.training || status.stale {
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
    }

    /// The `--screenshot` mode: once the article is laid out, asks eframe for a
    /// screenshot, writes it as PNG and quits.
    pub(super) fn take_screenshot(&mut self, ctx: &egui::Context) {
        let Some(out) = self.opts.screenshot.clone() else {
            return;
        };
        let shot = self.screenshot.slot.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = shot {
            match write_png(&out, &image) {
                Ok(()) => println!("screenshot written to {}", out.display()),
                Err(e) => eprintln!("error: could not write {}: {e}", out.display()),
            }
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if !self.screenshot.requested
            && self.frames >= 3
            && self.view.layout().is_some()
            && self.view.layout_complete()
        {
            self.screenshot.requested = true;
            let slot = self.screenshot.slot.clone();
            let c = ctx.clone();
            ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                egui::ScreenshotCallback::new(move |img| {
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(img);
                    }
                    c.request_repaint();
                }),
            ));
        }
        ctx.request_repaint();
    }
}

fn write_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    writer.write_image_data(&bytes).map_err(|e| e.to_string())
}
