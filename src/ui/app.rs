//! The main window: menu, label toolbar, document list (left), article view (centre),
//! annotation panel (right), status bar; keyboard shortcuts; saving, autosave and
//! recovery; the `--screenshot` mode.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Color32, Key, KeyboardShortcut, Modifiers, RichText};

use super::article_view::{ArticleView, Highlight};
use super::workspace::{SaveFailure, Workspace};
use crate::model::edit::{self, TagOptions};
use crate::model::schema::parse_color;
use crate::store;

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
    pub recovery: Option<store::Loaded>,
    /// Start in the dark theme (otherwise the remembered theme, or light).
    pub dark: bool,
    /// Start a review against this colleague's project.
    pub compare: Option<PathBuf>,
    /// Close once the first frame showing the laid-out article is done (start-up timing).
    pub quit_after_first_frame: bool,
}

pub struct HashiyaApp {
    pub ws: Workspace,
    pub view: ArticleView,
    pub tag_options: TagOptions,
    opts: StartOptions,
    frames: u64,
    screenshot_requested: bool,
    last_recovery: Instant,
    show_help: bool,
    confirm_quit: bool,
    allow_close: bool,
    path_prompt: Option<(PathPurpose, String)>,
    /// Last click position and how many spans were under it, to cycle on repeated clicks.
    last_click: Option<(usize, usize)>,
    dark: bool,
    /// Relation being drawn: the source span, waiting for a click on the target.
    pub relation_from: Option<String>,
    /// Several relation types fit: (from, to, candidate types) waiting for a choice.
    relation_choice: Option<RelationChoice>,
    pub search: super::search::SearchBar,
    config: super::config::Config,
    pub schema_editor: super::schema_editor::SchemaEditor,
    /// A running export: (done, total, finished message) shared with its thread.
    export_job: Option<ExportJob>,
    /// The "paste text as a new document" window.
    paste: Option<(super::text_field::BidiTextField, String)>,
    /// The navigator moved: scroll to the current disagreement.
    pending_reveal: bool,
    /// An open review against a colleague's project.
    pub review: Option<super::review::ReviewSession>,
    /// Colleague's spans of the current document, with their index (review mode).
    review_b: Option<(usize, u64, ReviewSpans)>,
    /// Annotation list filters.
    pub list_label: Option<String>,
    pub list_filter: super::text_field::BidiTextField,
    list_cache: Option<(ListKey, std::sync::Arc<Vec<usize>>)>,
    /// The first-start question for the annotator's name is open.
    name_prompt: Option<super::text_field::BidiTextField>,
    /// Right panel tab: annotations or entities.
    pub right_tab: RightTab,
    note_field: super::text_field::BidiTextField,
    /// Span whose note the note field holds.
    note_for: Option<String>,
    entity_filter: super::text_field::BidiTextField,
    screenshot_slot: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<egui::ColorImage>>>>,
    /// The project file changed on disk behind our back: the user chooses what to do.
    pub external_change: Option<store::ExternalChange>,
    /// The window title last sent.
    window_title: String,
}

/// What the filtered annotation list depends on: revision, document, annotator, label
/// filter, text filter.
type ListKey = (u64, usize, String, Option<String>, String);

/// A colleague's set for the current document and its span index.
type ReviewSpans = std::sync::Arc<(crate::model::AnnotationSet, crate::model::SpanIndex)>;

/// An export running in a background thread, reporting progress.
struct ExportJob {
    done: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    total: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    result: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

/// The tabs of the right panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightTab {
    Annotations,
    Entities,
    Review,
}

/// (from span, to span, candidate (type id, type name)) waiting for the user's choice.
type RelationChoice = (String, String, Vec<(String, String)>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathPurpose {
    Open,
    SaveAs,
    Compare,
    Import(crate::formats::ImportFormat),
    Export(crate::formats::ExportFormat),
}

/// Adds the embedded fonts to egui's own text (menus, lists) as fallbacks, so Arabic
/// letters in panels have glyphs. The article itself is drawn by our text engine.
pub fn install_fonts(ctx: &egui::Context) {
    let mut defs = egui::FontDefinitions::default();
    for (name, bytes) in crate::fonts::ALL {
        defs.font_data.insert(
            name.to_string(),
            std::sync::Arc::new(egui::FontData::from_static(bytes)),
        );
        for fam in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            defs.families.entry(fam).or_default().push(name.to_string());
        }
    }
    ctx.set_fonts(defs);
}

impl HashiyaApp {
    pub fn new(ctx: &egui::Context, ws: Workspace, opts: StartOptions) -> Self {
        install_fonts(ctx);
        let mut app = HashiyaApp {
            ws,
            view: ArticleView::new(),
            tag_options: TagOptions::default(),
            opts,
            frames: 0,
            screenshot_requested: false,
            last_recovery: Instant::now(),
            show_help: false,
            confirm_quit: false,
            allow_close: false,
            path_prompt: None,
            last_click: None,
            dark: false,
            relation_from: None,
            relation_choice: None,
            search: Default::default(),
            config: Default::default(),
            schema_editor: Default::default(),
            export_job: None,
            paste: None,
            review: None,
            review_b: None,
            pending_reveal: false,
            list_label: None,
            list_filter: super::text_field::BidiTextField::new(false),
            list_cache: None,
            name_prompt: None,
            right_tab: RightTab::Annotations,
            note_field: super::text_field::BidiTextField::new(true),
            note_for: None,
            entity_filter: super::text_field::BidiTextField::new(false),
            screenshot_slot: Default::default(),
            external_change: None,
            window_title: String::new(),
        };
        app.set_theme(ctx, app.opts.dark);
        if let Some(id) = app.opts.select_span.clone() {
            let r = app
                .ws
                .current_set()
                .and_then(|s| s.span(&id))
                .map(|s| s.start..s.end);
            if let Some(r) = r {
                app.ws.selected_span = Some(id);
                app.view.reveal(r, -10.0);
            }
        }
        if let Some(path) = app.opts.config_path.clone() {
            app.config = super::config::Config::load(&path);
            if app.config.dark && !app.opts.dark {
                app.set_theme(ctx, true);
            }
            match app.config.annotator.clone() {
                Some(name) => {
                    // Edit your own set when you have one in this project.
                    if app.ws.project.annotators().contains(&name.as_str())
                        || app.ws.project.sets.is_empty()
                    {
                        app.ws.annotator = name;
                    }
                }
                None => {
                    let mut f = super::text_field::BidiTextField::new(false);
                    f.focus();
                    app.name_prompt = Some(f);
                }
            }
            if let Some(p) = app.ws.path.clone() {
                app.remember_recent(&p);
            }
        }
        if let Some(other) = app.opts.compare.clone() {
            app.start_review(other);
        }
        if let Some(q) = app.opts.search.clone() {
            app.search.open = true;
            app.search.field.set_text(&q);
        }
        if !app.ws.warnings.is_empty() {
            app.ws.status = format!(
                "{} warning(s) while loading: see the Warnings window",
                app.ws.warnings.len()
            );
        }
        app
    }

    fn set_theme(&mut self, ctx: &egui::Context, dark: bool) {
        self.dark = dark;
        ctx.set_theme(if dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }

    fn label_color(&self, label: &str) -> Color32 {
        label_color(&self.ws.project, label)
    }

    /// Tags the current text selection with a label.
    pub fn tag_selection(&mut self, label: &str) {
        let (Some(sel), Some(key)) = (self.view.selection(), self.ws.set_key()) else {
            self.ws.status = "Select some text first".into();
            return;
        };
        let cmd = edit::tag(&self.ws.project, &key, sel, label, self.tag_options);
        let new_id = cmd.as_ref().ok().and_then(|c| {
            c.ops.iter().find_map(|o| match o {
                crate::model::history::Op::InsertSpan(_, s) => Some(s.id.clone()),
                _ => None,
            })
        });
        self.ws.apply(cmd);
        if let Some(id) = new_id
            && self.ws.current_set().and_then(|s| s.span(&id)).is_some()
        {
            self.ws.selected_span = Some(id);
            self.view.set_selection(None);
        }
    }

    pub fn delete_selected_span(&mut self) {
        if let (Some(id), Some(key)) = (self.ws.selected_span.clone(), self.ws.set_key()) {
            self.ws
                .apply(edit::delete_span(&self.ws.project, &key, &id));
            self.ws.selected_span = None;
        }
    }

    fn select_neighbour_span(&mut self, forward: bool, now: f64) {
        let Some(set) = self.ws.current_set() else {
            return;
        };
        if set.spans.is_empty() {
            return;
        }
        let cur = self
            .ws
            .selected_span
            .as_ref()
            .and_then(|id| set.spans.iter().position(|s| &s.id == id));
        let n = set.spans.len();
        let next = match (cur, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        let s = &set.spans[next];
        let (id, r) = (s.id.clone(), s.start..s.end);
        self.ws.selected_span = Some(id);
        self.view.reveal(r, now);
    }

    fn switch_document(&mut self, to: usize) {
        if to < self.ws.project.documents.len() && to != self.ws.doc {
            self.ws.doc = to;
            self.ws.selected_span = None;
            self.view.set_selection(None);
        }
    }

    fn save(&mut self) {
        if self.ws.path.is_none() {
            self.save_as();
            return;
        }
        let result = self.ws.save();
        self.after_save(result);
    }

    /// Reports a save and, on success, saves the review's adjudication state beside it.
    fn after_save(&mut self, result: Result<PathBuf, SaveFailure>) {
        match result {
            Ok(path) => {
                self.external_change = None;
                if let Some(r) = &self.review {
                    let saved = r.saved(self.ws.history.applied_ids());
                    let bytes = serde_json::to_vec_pretty(&saved).unwrap_or_default();
                    if let Err(e) = store::atomic::write_atomic(
                        &super::review::sidecar_path(&path),
                        &bytes,
                        store::atomic::Fault::None,
                    ) {
                        self.ws.status =
                            format!("Saved, but the adjudication state could not be saved: {e}");
                    }
                }
            }
            Err(SaveFailure::NoPath) => self.save_as(),
            Err(SaveFailure::Changed(c)) => self.external_change = Some(c),
            Err(SaveFailure::Failed(e)) => self.ws.status = format!("Save failed: {e}"),
        }
    }

    /// Saves to a path the user chose (file dialog, path prompt), replacing what is
    /// there (kept as `.bak`).
    fn save_to(&mut self, p: PathBuf) {
        let result = self.ws.save_overwriting(p);
        self.after_save(result);
    }

    fn save_as(&mut self) {
        let started = Instant::now();
        let picked = rfd::FileDialog::new()
            .add_filter("Hashiya project", &["json"])
            .set_file_name(format!("{}.json", self.ws.project.name))
            .save_file();
        match picked {
            Some(p) => self.save_to(p),
            None if started.elapsed() < Duration::from_millis(200) => {
                // No dialog service (rfd answered at once): ask in the app instead.
                let cur = self
                    .ws
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                self.path_prompt = Some((PathPurpose::SaveAs, cur));
            }
            None => {}
        }
    }

    fn open(&mut self) {
        let started = Instant::now();
        let picked = rfd::FileDialog::new()
            .add_filter("Hashiya project", &["json"])
            .pick_file();
        match picked {
            Some(p) => self.open_path(p),
            None if started.elapsed() < Duration::from_millis(200) => {
                self.path_prompt = Some((PathPurpose::Open, String::new()));
            }
            None => {}
        }
    }

    pub fn open_path(&mut self, p: PathBuf) {
        if self.ws.history.is_dirty() {
            self.ws.status = "Save or undo your changes before opening another project".into();
            return;
        }
        match store::load_stamped(&p) {
            Ok((l, stamp)) => {
                self.ws = Workspace::new(l.project, Some(p.clone()), l.warnings);
                self.ws.stamp = Some(stamp);
                self.external_change = None;
                self.view.set_selection(None);
                self.remember_recent(&p);
            }
            Err(e) => self.ws.status = format!("Could not open: {e}"),
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        if !self.ws.history.is_dirty() {
            return;
        }
        let focus_lost = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(false)))
        });
        if self.last_recovery.elapsed() >= Duration::from_secs(30) || focus_lost {
            if let Some(path) = &self.ws.path {
                match store::recovery::write_recovery(&self.ws.project, path) {
                    Ok(_) => {}
                    Err(e) => self.ws.status = format!("Autosave failed: {e}"),
                }
            }
            self.last_recovery = Instant::now();
        }
        ctx.request_repaint_after(Duration::from_secs(30));
    }

    fn shortcuts(&mut self, ctx: &egui::Context, typing: bool) {
        let now = ctx.input(|i| i.time);
        let cmd = Modifiers::COMMAND;
        let pressed = |m: Modifiers, k: Key| {
            ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(m, k)))
        };
        if pressed(cmd | Modifiers::SHIFT, Key::Z) || pressed(cmd, Key::Y) {
            self.ws.redo();
        }
        if pressed(cmd, Key::Z) {
            self.ws.undo();
        }
        if pressed(cmd, Key::S) {
            self.save();
        }
        if pressed(cmd, Key::O) {
            self.open();
        }
        if pressed(cmd, Key::Equals) || pressed(cmd, Key::Plus) {
            self.view.zoom_in();
        }
        if pressed(cmd, Key::Minus) {
            self.view.zoom_out();
        }
        if pressed(cmd, Key::Num0) {
            self.view.zoom_reset();
        }
        if pressed(cmd, Key::PageDown) {
            self.switch_document(self.ws.doc + 1);
        }
        if pressed(cmd, Key::PageUp) && self.ws.doc > 0 {
            self.switch_document(self.ws.doc - 1);
        }
        if pressed(cmd, Key::F) {
            self.search.open();
        }
        if pressed(Modifiers::NONE, Key::F1) {
            self.show_help = !self.show_help;
        }
        if typing {
            return;
        }
        if pressed(Modifiers::NONE, Key::Delete) || pressed(Modifiers::NONE, Key::Backspace) {
            self.delete_selected_span();
        }
        // Boundary editing of the selected span, by whole words (logical order):
        // E / Shift+E grow / shrink its end, B / Shift+B grow / shrink its beginning.
        // (Shifted first: egui matches an unshifted shortcut with Shift held too.)
        for (m, k, end, grow) in [
            (Modifiers::SHIFT, Key::E, edit::SpanEnd::End, false),
            (Modifiers::NONE, Key::E, edit::SpanEnd::End, true),
            (Modifiers::SHIFT, Key::B, edit::SpanEnd::Start, false),
            (Modifiers::NONE, Key::B, edit::SpanEnd::Start, true),
        ] {
            if pressed(m, k)
                && let (Some(id), Some(key)) = (self.ws.selected_span.clone(), self.ws.set_key())
            {
                self.ws
                    .apply(edit::nudge_bounds(&self.ws.project, &key, &id, end, grow));
            }
        }
        if pressed(Modifiers::NONE, Key::R) {
            match &self.ws.selected_span {
                Some(id) => {
                    self.relation_from = Some(id.clone());
                    self.ws.status =
                        "Click the target span of the relation (Escape cancels)".into();
                }
                None => self.ws.status = "Select a span first, then press R".into(),
            }
        }
        if pressed(Modifiers::NONE, Key::Escape) {
            self.relation_from = None;
            self.relation_choice = None;
            self.view.set_selection(None);
            self.ws.selected_span = None;
            self.show_help = false;
        }
        if pressed(Modifiers::SHIFT, Key::Tab) {
            self.select_neighbour_span(false, now);
        } else if pressed(Modifiers::NONE, Key::Tab) {
            self.select_neighbour_span(true, now);
        }
        // In the Review tab, digits decide and J/K walk the disagreements.
        if self.review.is_some() && self.right_tab == RightTab::Review {
            use crate::review::Decision;
            for (k, d) in [
                (Key::Num1, Decision::AcceptA),
                (Key::Num2, Decision::AcceptB),
                (Key::Num3, Decision::AcceptBoth),
                (Key::Num4, Decision::Reject),
            ] {
                if pressed(Modifiers::NONE, k) {
                    self.review_decide(d);
                    self.pending_reveal = true;
                }
            }
            if pressed(Modifiers::NONE, Key::Num5) {
                let items = self.review_items();
                if let (Some(r), Some(doc)) =
                    (&mut self.review, self.ws.project.documents.get(self.ws.doc))
                    && let Some(it) = items.get(r.current)
                {
                    let a = it.key.a.as_ref().and_then(|id| {
                        self.ws
                            .project
                            .set(&r.a_annotator, &doc.id)
                            .and_then(|s| s.span(id))
                            .cloned()
                    });
                    let b = it
                        .key
                        .b
                        .as_ref()
                        .and_then(|id| r.b_set(doc).and_then(|s| s.span(id).cloned()));
                    r.editing = a.or(b);
                }
            }
            if pressed(Modifiers::NONE, Key::J) {
                self.review_step(true, now);
            }
            if pressed(Modifiers::NONE, Key::K) {
                self.review_step(false, now);
            }
            return;
        }
        // Label hotkeys: the schema's keys 1–9.
        let keys = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
            Key::Num8,
            Key::Num9,
        ];
        for (n, k) in keys.iter().enumerate() {
            let name = (n + 1).to_string();
            let label = self
                .ws
                .project
                .schema
                .label_for_hotkey(&name)
                .map(|l| l.id.clone());
            if let Some(label) = label
                && pressed(Modifiers::NONE, *k)
            {
                if self.view.selection().is_some() {
                    self.tag_selection(&label);
                } else if let (Some(id), Some(key)) =
                    (self.ws.selected_span.clone(), self.ws.set_key())
                {
                    let l = label.clone();
                    self.ws.apply(edit::update_span(
                        &self.ws.project,
                        &key,
                        &id,
                        "Relabel span",
                        |s| s.label = l,
                    ));
                }
            }
        }
        if ctx.input(|i| i.key_pressed(Key::Questionmark)) {
            self.show_help = !self.show_help;
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…  (Ctrl+O)").clicked() {
                    self.open();
                }
                if ui.button("Save  (Ctrl+S)").clicked() {
                    self.save();
                }
                if ui.button("Save As…").clicked() {
                    self.save_as();
                }
                if !self.config.recent.is_empty() {
                    ui.separator();
                    ui.label("Recent projects");
                    for p in self.config.recent.clone() {
                        let name = p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        if ui
                            .button(name)
                            .on_hover_text(p.display().to_string())
                            .clicked()
                        {
                            self.open_path(p);
                        }
                    }
                }
                ui.separator();
                ui.menu_button("Import", |ui| {
                    for f in crate::formats::ImportFormat::ALL {
                        if ui.button(format!("{}…", f.name())).clicked() {
                            self.import_dialog(f);
                            ui.close();
                        }
                    }
                });
                if ui.button("Paste text as a new document…").clicked() {
                    let mut f = super::text_field::BidiTextField::new(true);
                    f.focus();
                    self.paste = Some((f, String::new()));
                }
                ui.menu_button("Export", |ui| {
                    for f in crate::formats::ExportFormat::ALL {
                        if ui.button(format!("{}…", f.name())).clicked() {
                            self.export_dialog(f);
                            ui.close();
                        }
                    }
                });
                ui.separator();
                if ui.button("Change annotator name…").clicked() {
                    let mut f = super::text_field::BidiTextField::new(false);
                    f.set_text(self.config.annotator.as_deref().unwrap_or(""));
                    f.focus();
                    self.name_prompt = Some(f);
                }
            });
            ui.menu_button("Edit", |ui| {
                let undo = self
                    .ws
                    .history
                    .undo_name()
                    .map(|n| format!("Undo {n}  (Ctrl+Z)"));
                if ui
                    .add_enabled(
                        undo.is_some(),
                        egui::Button::new(undo.unwrap_or("Undo".into())),
                    )
                    .clicked()
                {
                    self.ws.undo();
                }
                let redo = self
                    .ws
                    .history
                    .redo_name()
                    .map(|n| format!("Redo {n}  (Ctrl+Shift+Z)"));
                if ui
                    .add_enabled(
                        redo.is_some(),
                        egui::Button::new(redo.unwrap_or("Redo".into())),
                    )
                    .clicked()
                {
                    self.ws.redo();
                }
                ui.separator();
                if ui.button("Label schema…").clicked() {
                    self.schema_editor.open_for(&self.ws.project);
                }
                ui.checkbox(
                    &mut self.tag_options.trim_punctuation,
                    "Trim punctuation from new spans",
                );
                ui.checkbox(
                    &mut self.tag_options.snap_to_words,
                    "Snap new spans to whole words",
                );
            });
            ui.menu_button("Review", |ui| {
                if ui.button("Compare with a colleague's project…").clicked() {
                    self.compare_with();
                }
                if let Some(r) = &mut self.review {
                    if ui.button("Agreement dashboard").clicked() {
                        r.show_dashboard = true;
                    }
                    if ui.button("End review").clicked() {
                        self.review = None;
                        self.review_b = None;
                        self.right_tab = RightTab::Annotations;
                    }
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Zoom in  (Ctrl+=)").clicked() {
                    self.view.zoom_in();
                }
                if ui.button("Zoom out  (Ctrl+-)").clicked() {
                    self.view.zoom_out();
                }
                if ui.button("Actual size  (Ctrl+0)").clicked() {
                    self.view.zoom_reset();
                }
                let mut dark = self.dark;
                if ui.checkbox(&mut dark, "Dark theme").changed() {
                    self.set_theme(ui.ctx(), dark);
                    self.config.dark = dark;
                    if let Some(cfg) = self.opts.config_path.clone() {
                        let _ = self.config.save(&cfg);
                    }
                }
            });
            if ui.button("Help (F1)").clicked() {
                self.show_help = !self.show_help;
            }
        });
    }

    fn label_toolbar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let mut names: Vec<String> = self
                .ws
                .project
                .annotators()
                .iter()
                .map(|s| s.to_string())
                .collect();
            if let Some(me) = &self.config.annotator
                && !names.contains(me)
            {
                names.push(me.clone());
            }
            if !names.contains(&self.ws.annotator) {
                names.push(self.ws.annotator.clone());
            }
            let mut chosen = self.ws.annotator.clone();
            egui::ComboBox::from_label("annotator")
                .selected_text(&chosen)
                .show_ui(ui, |ui| {
                    for n in &names {
                        ui.selectable_value(&mut chosen, n.clone(), n);
                    }
                });
            if chosen != self.ws.annotator {
                self.ws.annotator = chosen;
                self.ws.selected_span = None;
                self.ws.revision += 1;
            }
            ui.separator();
            let labels: Vec<_> = self.ws.project.schema.labels.clone();
            for l in labels {
                let color = self.label_color(&l.id);
                let text = match &l.hotkey {
                    Some(k) => format!("{k}  {}", l.name),
                    None => l.name.clone(),
                };
                let b = egui::Button::new(RichText::new(text).color(Color32::WHITE)).fill(color);
                if ui
                    .add(b)
                    .on_hover_text(format!("Tag the selection as {}", l.name))
                    .clicked()
                {
                    self.tag_selection(&l.id);
                }
            }
        });
    }

    fn documents_panel(&mut self, ui: &mut egui::Ui) {
        ui.heading("Documents");
        let mut switch = None;
        let n_docs = self.ws.project.documents.len();
        if n_docs > 1 {
            ui.label(RichText::new(format!("{n_docs} documents")).weak());
        }
        // Virtualised: a corpus of 10,000 documents lays out only the visible rows.
        let row_h = 42.0;
        let panel_h = (ui.available_height() - 40.0).max(row_h);
        egui::ScrollArea::vertical()
            .id_salt("doc-list")
            .max_height(panel_h)
            .show_rows(ui, row_h, n_docs, |ui, rows| {
                let text_color = ui.visuals().text_color();
                for i in rows {
                    let d = &self.ws.project.documents[i];
                    let set = self.ws.project.set(&self.ws.annotator, &d.id);
                    let n = set.map_or(0, |s| s.spans.len());
                    let done = set.is_some_and(|s| s.done);
                    let title = d.title.clone();
                    let r = fixed_row(ui, row_h, i == self.ws.doc, |ui| {
                        ui.label(
                            RichText::new(format!(
                                "{}{n} spans",
                                if done { "done · " } else { "" }
                            ))
                            .small(),
                        );
                        self.view.text.label_line(ui, &title, 15.0, text_color);
                    });
                    if r.clicked() {
                        switch = Some(i);
                    }
                }
            });
        if let Some(i) = switch {
            self.switch_document(i);
        }
        ui.separator();
        if let Some(key) = self.ws.set_key() {
            let mut done = self.ws.current_set().is_some_and(|s| s.done);
            if ui.checkbox(&mut done, "Current document done").changed() {
                self.ws.apply(edit::set_done(&self.ws.project, &key, done));
            }
        }
    }

    fn right_panel(&mut self, ui: &mut egui::Ui, now: f64) {
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.right_tab,
                RightTab::Annotations,
                egui::RichText::new("Annotations").heading(),
            );
            ui.selectable_value(
                &mut self.right_tab,
                RightTab::Entities,
                egui::RichText::new("Entities").heading(),
            );
            if self.review.is_some() {
                ui.selectable_value(
                    &mut self.right_tab,
                    RightTab::Review,
                    egui::RichText::new("Review").heading(),
                );
            }
        });
        match self.right_tab {
            RightTab::Annotations => self.annotations_panel(ui, now),
            RightTab::Entities => self.entities_panel(ui, now),
            RightTab::Review => self.review_panel(ui, now),
        }
    }

    /// The colleague's spans for the current document (review mode), with an index,
    /// rebuilt only when the document or the revision changes.
    fn review_b_spans(&mut self) -> Option<ReviewSpans> {
        let r = self.review.as_ref()?;
        let doc = self.ws.project.documents.get(self.ws.doc)?;
        let fresh = matches!(&self.review_b, Some((d, rev, _)) if *d == self.ws.doc && *rev == self.ws.revision);
        if !fresh {
            let set = r.b_set(doc)?;
            let idx = crate::model::SpanIndex::new(&set.spans);
            self.review_b = Some((
                self.ws.doc,
                self.ws.revision,
                std::sync::Arc::new((set, idx)),
            ));
        }
        self.review_b.as_ref().map(|(_, _, b)| b.clone())
    }

    fn import_dialog(&mut self, f: crate::formats::ImportFormat) {
        use crate::formats::ImportFormat;
        let started = Instant::now();
        let dialog = rfd::FileDialog::new();
        let picked = match f {
            ImportFormat::Brat => dialog.pick_folder().map(|p| vec![p]),
            ImportFormat::Text => dialog.add_filter("Text", &["txt"]).pick_files(),
            _ => dialog.pick_files(),
        };
        match picked {
            Some(p) => self.import_paths(f, p),
            None if started.elapsed() < Duration::from_millis(200) => {
                self.path_prompt = Some((PathPurpose::Import(f), String::new()));
            }
            None => {}
        }
    }

    /// Imports files into the open project as one undoable step; on any problem nothing
    /// is imported and the status bar lists what is wrong.
    pub fn import_paths(&mut self, f: crate::formats::ImportFormat, paths: Vec<PathBuf>) {
        let opts = crate::formats::ImportOptions { annotator: None };
        match crate::formats::import(&self.ws.project, f, &paths, &opts, &mut |_, _| {}) {
            Ok(imported) => {
                let ops = replace_project_ops(&self.ws.project, &imported.project);
                let n = imported.report.documents_added;
                self.ws.apply(Ok(crate::model::history::Command::new(
                    format!("Import {}", f.name()),
                    ops,
                )));
                self.ws.status = format!(
                    "Imported {n} document(s), {} span(s)",
                    imported.report.spans_added
                );
            }
            Err(e) => self.ws.status = format!("Nothing imported: {e}"),
        }
    }

    fn export_dialog(&mut self, f: crate::formats::ExportFormat) {
        use crate::formats::ExportFormat;
        let started = Instant::now();
        let dialog = rfd::FileDialog::new();
        let picked = match f {
            ExportFormat::Brat => dialog.pick_folder(),
            _ => dialog.save_file(),
        };
        match picked {
            Some(p) => self.export_to(f, p),
            None if started.elapsed() < Duration::from_millis(200) => {
                self.path_prompt = Some((PathPurpose::Export(f), String::new()));
            }
            None => {}
        }
    }

    /// Exports in a background thread; a progress bar shows while it runs.
    pub fn export_to(&mut self, f: crate::formats::ExportFormat, out: PathBuf) {
        use std::sync::atomic::Ordering;
        let job = ExportJob {
            done: Default::default(),
            total: Default::default(),
            result: Default::default(),
        };
        let (done, total, result) = (job.done.clone(), job.total.clone(), job.result.clone());
        let project = self.ws.project.clone();
        let opts = crate::formats::ExportOptions {
            annotator: None,
            bom: true,
            labels: None,
        };
        std::thread::spawn(move || {
            let r = crate::formats::export(&project, f, &out, &opts, &mut |d, t| {
                done.store(d, Ordering::Relaxed);
                total.store(t, Ordering::Relaxed);
            });
            let msg = match r {
                Ok(rep) => format!(
                    "Exported {} file(s) ({}) to {}",
                    rep.files.len(),
                    f.name(),
                    out.display()
                ),
                Err(e) => format!("Export failed: {e}"),
            };
            if let Ok(mut slot) = result.lock() {
                *slot = Some(msg);
            }
        });
        self.export_job = Some(job);
    }

    /// Waits for a running export (for tests and for quitting).
    pub fn wait_for_export(&mut self) {
        while let Some(job) = &self.export_job {
            if job.result.lock().map(|r| r.is_some()).unwrap_or(true) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn export_window(&mut self, ctx: &egui::Context) {
        use std::sync::atomic::Ordering;
        let Some(job) = &self.export_job else { return };
        if let Some(msg) = job.result.lock().ok().and_then(|mut r| r.take()) {
            self.ws.status = msg;
            self.export_job = None;
            return;
        }
        let (d, t) = (
            job.done.load(Ordering::Relaxed),
            job.total.load(Ordering::Relaxed).max(1),
        );
        egui::Window::new("Exporting")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.add(
                    egui::ProgressBar::new(d as f32 / t as f32)
                        .text(format!("{d} of {t}"))
                        .desired_width(300.0),
                );
            });
        ctx.request_repaint_after(Duration::from_millis(50));
    }

    fn paste_window(&mut self, ctx: &egui::Context) {
        let Some((mut field, mut title)) = self.paste.take() else {
            return;
        };
        let mut done = None;
        egui::Window::new("New document from text")
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Title (default: the first line):");
                    ui.text_edit_singleline(&mut title);
                });
                ui.label("Paste the article (Ctrl+V):");
                field.show(ui, &mut self.view.text, "article text");
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(
                            !field.text.trim().is_empty(),
                            egui::Button::new("Add document"),
                        )
                        .clicked()
                    {
                        done = Some(true);
                    }
                    if ui.button("Cancel").clicked() {
                        done = Some(false);
                    }
                });
            });
        match done {
            Some(true) => {
                let cleaned = crate::formats::clean::Cleaned::new(&field.text).text;
                let title = if title.trim().is_empty() {
                    crate::formats::clean::first_line_title(&cleaned)
                        .unwrap_or_else(|| "untitled".into())
                } else {
                    title.trim().to_string()
                };
                let mut n = self.ws.project.documents.len() + 1;
                let id = loop {
                    let id = format!("doc{n}");
                    if self.ws.project.document(&id).is_none() {
                        break id;
                    }
                    n += 1;
                };
                let doc = crate::model::Document::new(id, title, cleaned);
                self.ws.apply(Ok(crate::model::history::Command::single(
                    "Add document",
                    crate::model::history::Op::InsertDocument(doc),
                )));
                self.switch_document(self.ws.project.documents.len() - 1);
            }
            Some(false) => {}
            None => self.paste = Some((field, title)),
        }
    }

    /// Loads a colleague's project and starts (or resumes) the review.
    pub fn start_review(&mut self, path: PathBuf) {
        let other = match store::load(&path) {
            Ok(l) => l.project,
            Err(e) => {
                self.ws.status = format!("Could not open the colleague's project: {e}");
                return;
            }
        };
        let saved = self
            .ws
            .path
            .as_ref()
            .and_then(|p| std::fs::read(super::review::sidecar_path(p)).ok())
            .and_then(|b| serde_json::from_slice::<super::review::SavedReview>(&b).ok())
            .filter(|s| s.other == path);
        let a = self.ws.annotator.clone();
        match super::review::ReviewSession::start(&self.ws.project, &a, path, other, None, saved) {
            Ok(r) => {
                self.ws.status = format!("Reviewing {} against {}", r.a_annotator, r.b_annotator);
                self.review = Some(r);
                self.review_b = None;
                self.right_tab = RightTab::Review;
            }
            Err(e) => self.ws.status = format!("Could not compare: {e}"),
        }
    }

    fn compare_with(&mut self) {
        let started = Instant::now();
        let picked = rfd::FileDialog::new()
            .add_filter("Hashiya project", &["json"])
            .pick_file();
        match picked {
            Some(p) => self.start_review(p),
            None if started.elapsed() < Duration::from_millis(200) => {
                self.path_prompt = Some((PathPurpose::Compare, String::new()));
            }
            None => {}
        }
    }

    /// The disagreements of the current document and the one under the navigator.
    fn review_items(&mut self) -> Vec<crate::review::adjudicate::Item> {
        let (doc, rev) = (self.ws.doc, self.ws.revision);
        match &mut self.review {
            Some(r) => r.disagreements(&self.ws.project, doc, rev),
            None => Vec::new(),
        }
    }

    /// Records a decision on the current disagreement (one undoable step).
    pub fn review_decide(&mut self, decision: crate::review::Decision) {
        let items = self.review_items();
        let Some(r) = &mut self.review else { return };
        let Some(item) = items
            .get(r.current.min(items.len().saturating_sub(1)))
            .cloned()
        else {
            self.ws.status = "No disagreement left in this document".into();
            return;
        };
        let Some(doc) = self.ws.project.documents.get(self.ws.doc).cloned() else {
            return;
        };
        match r.decide(
            &self.ws.project,
            &doc,
            self.ws.history.applied_ids(),
            item.key.clone(),
            decision,
        ) {
            Ok((cmd, adj)) => {
                if let Some(id) = self.ws.apply(Ok(cmd))
                    && let Some(r) = &mut self.review
                {
                    r.record(id, adj);
                    r.editing = None;
                    // Move on to the next undecided disagreement.
                    let decided = r.adjudication(self.ws.history.applied_ids());
                    if let Some(next) = items
                        .iter()
                        .enumerate()
                        .skip(r.current + 1)
                        .chain(items.iter().enumerate())
                        .find(|(_, it)| !decided.decisions.iter().any(|d| d.item == it.key))
                        .map(|(i, _)| i)
                    {
                        r.current = next;
                    }
                }
            }
            Err(e) => self.ws.status = format!("Could not adjudicate: {e}"),
        }
    }

    fn review_step(&mut self, forward: bool, now: f64) {
        let items = self.review_items();
        let Some(r) = &mut self.review else { return };
        if items.is_empty() {
            return;
        }
        let n = items.len();
        r.current = if forward {
            (r.current + 1) % n
        } else {
            (r.current + n - 1) % n
        };
        r.editing = None;
        self.reveal_review_item(&items, now);
    }

    fn reveal_review_item(&mut self, items: &[crate::review::adjudicate::Item], now: f64) {
        let Some(r) = &self.review else { return };
        let Some(item) = items.get(r.current) else {
            return;
        };
        let Some(doc) = self.ws.project.documents.get(self.ws.doc) else {
            return;
        };
        let a = item.key.a.as_ref().and_then(|id| {
            self.ws
                .project
                .set(&r.a_annotator, &doc.id)
                .and_then(|s| s.span(id))
                .map(|s| s.start..s.end)
        });
        let b = item.key.b.as_ref().and_then(|id| {
            r.b_set(doc)
                .and_then(|s| s.span(id).map(|s| s.start..s.end))
        });
        if let Some(range) = a.or(b) {
            self.view.reveal(range, now);
        }
    }

    fn review_panel(&mut self, ui: &mut egui::Ui, now: f64) {
        let items = self.review_items();
        let applied: Vec<u64> = self.ws.history.applied_ids().collect();
        let Some(r) = &mut self.review else { return };
        let Some(doc) = self.ws.project.documents.get(self.ws.doc).cloned() else {
            return;
        };
        ui.label(format!(
            "A (fill): {}   B (dashed): {}",
            r.a_annotator, r.b_annotator
        ));
        ui.label(
            RichText::new(r.other_path.display().to_string())
                .small()
                .weak(),
        );
        if let Some(p) = r.report.as_ref().and_then(|rep| rep.pairs.first()) {
            let c = &p.spans;
            ui.label(format!(
                "exact {} · partial {} · label mismatch {} · only A {} · only B {}",
                c.exact, c.partial, c.label_mismatch, c.only_a, c.only_b
            ));
            let f = &p.figures.micro;
            let k = p
                .tokens
                .cohen_kappa
                .map_or("—".into(), |k| format!("{k:.3}"));
            let a = p
                .tokens
                .krippendorff_alpha
                .map_or("—".into(), |k| format!("{k:.3}"));
            ui.label(format!(
                "F1 strict {:.3} · lenient {:.3} · κ {k} · α {a}",
                f.strict.f1, f.lenient.f1
            ));
        }
        if ui.button("Agreement dashboard").clicked() {
            r.show_dashboard = true;
        }
        ui.separator();
        let adj = r.adjudication(applied.iter().copied());
        ui.horizontal(|ui| {
            let label = ui.label("Gold set annotator:");
            let mut name = adj.annotator.clone();
            if ui
                .add(egui::TextEdit::singleline(&mut name).desired_width(100.0))
                .labelled_by(label.id)
                .changed()
                && adj.decisions.is_empty()
            {
                r.set_gold_name(&name);
            }
        });
        if r.b_set(&doc).is_none() {
            ui.label("The colleague's project has no set for this document's text.");
            return;
        }
        let decided = items
            .iter()
            .filter(|it| adj.decisions.iter().any(|d| d.item == it.key))
            .count();
        ui.label(format!(
            "{} disagreements in this document, {decided} decided",
            items.len()
        ));
        if items.is_empty() {
            ui.label("The two sets agree on this document.");
            return;
        }
        r.current = r.current.min(items.len() - 1);
        let item = items[r.current].clone();
        let decision = adj
            .decisions
            .iter()
            .find(|d| d.item == item.key)
            .map(|d| d.decision.clone());
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{} of {}", r.current + 1, items.len())).strong());
            ui.label(super::review::category_name(item.category));
        });
        if let Some(d) = &decision {
            ui.label(
                RichText::new(format!(
                    "decided: {}",
                    match d {
                        crate::review::Decision::AcceptA => "accept A",
                        crate::review::Decision::AcceptB => "accept B",
                        crate::review::Decision::AcceptBoth => "accept both",
                        crate::review::Decision::Reject => "reject",
                        crate::review::Decision::Edit(_) => "edited",
                    }
                ))
                .color(Color32::from_rgb(60, 160, 90)),
            );
        }
        let a_span = item.key.a.as_ref().and_then(|id| {
            self.ws
                .project
                .set(&r.a_annotator, &doc.id)
                .and_then(|s| s.span(id))
                .cloned()
        });
        let b_span = item
            .key
            .b
            .as_ref()
            .and_then(|id| r.b_set(&doc).and_then(|s| s.span(id).cloned()));
        let tc = ui.visuals().text_color();
        let text = &mut self.view.text;
        ui.columns(2, |cols| {
            for (col, (name, span)) in cols.iter_mut().zip([("A", &a_span), ("B", &b_span)]) {
                col.label(
                    RichText::new(format!(
                        "{name}: {}",
                        super::review::describe(span.as_ref())
                    ))
                    .strong(),
                );
                if let Some(s) = span {
                    text.label(col, &s.text, 15.0, tc, egui::Sense::hover());
                    for (k, v) in &s.attributes {
                        col.label(RichText::new(format!("{k}: {v}")).small());
                    }
                }
            }
        });
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(a_span.is_some(), egui::Button::new("1 Accept A"))
                .clicked()
            {
                chosen = Some(crate::review::Decision::AcceptA);
            }
            if ui
                .add_enabled(b_span.is_some(), egui::Button::new("2 Accept B"))
                .clicked()
            {
                chosen = Some(crate::review::Decision::AcceptB);
            }
            if ui
                .add_enabled(
                    a_span.is_some() && b_span.is_some(),
                    egui::Button::new("3 Accept both"),
                )
                .clicked()
            {
                chosen = Some(crate::review::Decision::AcceptBoth);
            }
            if ui.button("4 Reject").clicked() {
                chosen = Some(crate::review::Decision::Reject);
            }
            if ui.button("5 Edit").clicked() {
                r.editing = a_span.clone().or(b_span.clone());
            }
        });
        // The edit form: start from A's (or B's) span, move its ends by words, relabel.
        if let Some(mut e) = r.editing.clone() {
            ui.group(|ui| {
                ui.label(RichText::new("Edited span").strong());
                text.label(ui, &e.text, 15.0, tc, egui::Sense::hover());
                ui.horizontal(|ui| {
                    use crate::model::edit::SpanEnd;
                    for (caption, end, grow) in [
                        ("start −", SpanEnd::Start, false),
                        ("start +", SpanEnd::Start, true),
                        ("end −", SpanEnd::End, false),
                        ("end +", SpanEnd::End, true),
                    ] {
                        if ui.small_button(caption).clicked() {
                            super::review::nudge(&doc.text, &mut e, end, grow);
                        }
                    }
                });
                egui::ComboBox::new("edit-label", "label")
                    .selected_text(e.label.clone())
                    .show_ui(ui, |ui| {
                        for l in &self.ws.project.schema.labels {
                            ui.selectable_value(&mut e.label, l.id.clone(), &l.name);
                        }
                    });
                if ui.button("Use the edited span").clicked() {
                    chosen = Some(crate::review::Decision::Edit(e.clone()));
                }
            });
            if r.editing.as_ref() != Some(&e) && chosen.is_none() {
                r.editing = Some(e);
            }
        }
        ui.horizontal(|ui| {
            if ui.button("Previous (K)").clicked() {
                r.current = (r.current + items.len() - 1) % items.len();
                r.editing = None;
                chosen = None;
                self.pending_reveal = true;
            }
            if ui.button("Next (J)").clicked() {
                r.current = (r.current + 1) % items.len();
                r.editing = None;
                self.pending_reveal = true;
            }
        });
        if ui.button("End review").clicked() {
            self.review = None;
            self.review_b = None;
            self.right_tab = RightTab::Annotations;
            return;
        }
        if let Some(d) = chosen {
            self.review_decide(d);
            self.pending_reveal = true;
        }
        if self.pending_reveal {
            self.pending_reveal = false;
            let items = self.review_items();
            self.reveal_review_item(&items, now);
        }
    }

    fn dashboard_window(&mut self, ctx: &egui::Context) {
        let Some(r) = &mut self.review else { return };
        if !r.show_dashboard {
            return;
        }
        let Some(report) = r.report.clone() else {
            return;
        };
        let mut open = true;
        let mut export = None;
        egui::Window::new("Agreement")
            .open(&mut open)
            .default_width(520.0)
            .show(ctx, |ui| {
                let Some(p) = report.pairs.first() else {
                    ui.label("Nothing compared.");
                    return;
                };
                ui.label(format!("{} (A, reference) vs {} (B)", p.a, p.b));
                let k = p
                    .tokens
                    .cohen_kappa
                    .map_or("—".into(), |k| format!("{k:.4}"));
                let a = p
                    .tokens
                    .krippendorff_alpha
                    .map_or("—".into(), |k| format!("{k:.4}"));
                ui.label(format!(
                    "Cohen's κ {k} · Krippendorff's α {a} on {} tokens",
                    p.tokens.tokens
                ));
                ui.label(format!(
                    "micro F1 strict {:.4} · lenient {:.4}   macro F1 strict {:.4} · lenient {:.4}",
                    p.figures.micro.strict.f1,
                    p.figures.micro.lenient.f1,
                    p.figures.macro_.strict.f1,
                    p.figures.macro_.lenient.f1
                ));
                // Per-label F1 bars: strict and lenient side by side.
                use egui_plot::{Bar, BarChart, Legend, Plot};
                let strict: Vec<Bar> = p
                    .figures
                    .per_label
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        Bar::new(i as f64 - 0.18, l.strict.f1)
                            .width(0.34)
                            .name(&l.label)
                    })
                    .collect();
                let lenient: Vec<Bar> = p
                    .figures
                    .per_label
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        Bar::new(i as f64 + 0.18, l.lenient.f1)
                            .width(0.34)
                            .name(&l.label)
                    })
                    .collect();
                let names: Vec<String> = p
                    .figures
                    .per_label
                    .iter()
                    .map(|l| l.label.clone())
                    .collect();
                Plot::new("f1-bars")
                    .height(180.0)
                    .legend(Legend::default())
                    .include_y(0.0)
                    .include_y(1.0)
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .x_axis_formatter(move |m, _| {
                        names
                            .get(m.value.round() as usize)
                            .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .show(ui, |plot| {
                        plot.bar_chart(
                            BarChart::new("F1 strict", strict)
                                .color(Color32::from_rgb(76, 139, 245)),
                        );
                        plot.bar_chart(
                            BarChart::new("F1 lenient", lenient)
                                .color(Color32::from_rgb(232, 163, 61)),
                        );
                    });
                ui.separator();
                ui.label(
                    RichText::new("Label confusion (rows: A, columns: B, — = no span)").strong(),
                );
                let conf = super::review::confusion(&report);
                let mut labels: Vec<String> = conf
                    .iter()
                    .flat_map(|((a, b), _)| [a.clone(), b.clone()])
                    .collect();
                labels.sort();
                labels.dedup();
                egui::Grid::new("confusion").striped(true).show(ui, |ui| {
                    ui.label("");
                    for b in &labels {
                        ui.label(RichText::new(b).strong());
                    }
                    ui.end_row();
                    for a in &labels {
                        ui.label(RichText::new(a).strong());
                        for b in &labels {
                            let n = conf
                                .iter()
                                .find(|((x, y), _)| x == a && y == b)
                                .map_or(0, |(_, n)| *n);
                            ui.label(if n == 0 {
                                "·".to_string()
                            } else {
                                n.to_string()
                            });
                        }
                        ui.end_row();
                    }
                });
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label("Export the report:");
                    for fmt in ["json", "csv", "html"] {
                        if ui.button(fmt.to_uppercase()).clicked() {
                            export = Some(fmt);
                        }
                    }
                });
            });
        if let Some(fmt) = export {
            let base = self
                .ws
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from("hashiya"));
            let out = base.with_extension(format!("agreement.{fmt}"));
            let body = match fmt {
                "json" => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
                "csv" => crate::review::render::to_csv(&report),
                _ => crate::review::render::to_html(&report),
            };
            match store::atomic::write_atomic(&out, body.as_bytes(), store::atomic::Fault::None) {
                Ok(()) => self.ws.status = format!("Agreement report written to {}", out.display()),
                Err(e) => self.ws.status = format!("Could not write the report: {e}"),
            }
        }
        if let Some(r) = &mut self.review {
            r.show_dashboard = open;
        }
    }

    fn entities_panel(&mut self, ui: &mut egui::Ui, now: f64) {
        let counts = edit::entity_mentions(&self.ws.project);
        ui.label(format!(
            "{} entities in the project",
            self.ws.project.entities.len()
        ));
        let mut jump = None;
        let mut merge = None;
        let entities = self.ws.project.entities.clone();
        let tc = ui.visuals().text_color();
        egui::ScrollArea::vertical()
            .id_salt("entity-list")
            .show(ui, |ui| {
                for e in &entities {
                    let color = self.label_color(&e.label);
                    let n = counts.get(&e.id).copied().unwrap_or(0);
                    let r = row(ui, false, |ui| {
                        ui.label(
                            RichText::new(format!(
                                "{} · {} · {n} mention{}",
                                e.label,
                                e.id,
                                if n == 1 { "" } else { "s" }
                            ))
                            .color(color)
                            .small(),
                        );
                        self.view
                            .text
                            .label(ui, &e.name, 15.0, tc, egui::Sense::hover());
                        if !e.aliases.is_empty() {
                            let aliases = e.aliases.join("، ");
                            self.view.text.label(
                                ui,
                                &aliases,
                                13.0,
                                ui.visuals().weak_text_color(),
                                egui::Sense::hover(),
                            );
                        }
                    });
                    if r.clicked() {
                        jump = Some(e.id.clone());
                    }
                    r.context_menu(|ui| {
                        ui.label("Merge into:");
                        for o in entities
                            .iter()
                            .filter(|o| o.id != e.id && o.label == e.label)
                        {
                            if ui.button(format!("{} ({})", o.id, o.name)).clicked() {
                                merge = Some((o.id.clone(), e.id.clone()));
                                ui.close();
                            }
                        }
                    });
                }
            });
        ui.label(
            RichText::new("Click: next mention · right-click: merge")
                .small()
                .weak(),
        );
        if let Some((keep, gone)) = merge {
            self.ws
                .apply(edit::merge_entities(&self.ws.project, &keep, &gone));
        }
        if let Some(eid) = jump {
            self.jump_to_entity(&eid, now);
        }
    }

    fn entity_section(&mut self, ui: &mut egui::Ui, span: &crate::model::Span) {
        let Some(key) = self.ws.set_key() else { return };
        let tc = ui.visuals().text_color();
        ui.separator();
        match span
            .entity
            .as_ref()
            .and_then(|e| self.ws.project.entity(e))
            .cloned()
        {
            Some(e) => {
                ui.horizontal(|ui| {
                    ui.label(format!("Entity {}:", e.id));
                    if ui.small_button("Unlink").clicked() {
                        self.ws
                            .apply(edit::link_entity(&self.ws.project, &key, &span.id, None));
                    }
                });
                self.view
                    .text
                    .label(ui, &e.name, 15.0, tc, egui::Sense::hover());
            }
            None => {
                ui.horizontal(|ui| {
                    ui.label("Entity: none");
                    if ui.small_button("New entity from this mention").clicked() {
                        self.ws.apply(edit::create_entity_from_span(
                            &self.ws.project,
                            &key,
                            &span.id,
                        ));
                    }
                });
                ui.label("Link to an existing one:");
                self.entity_filter
                    .show(ui, &mut self.view.text, "filter entities");
                let opts = crate::text::normalize::SearchOptions::default();
                let q = crate::text::normalize::fold(&self.entity_filter.text, &opts);
                let candidates: Vec<_> = self
                    .ws
                    .project
                    .entities
                    .iter()
                    .filter(|e| e.label == span.label)
                    .filter(|e| {
                        q.is_empty()
                            || std::iter::once(&e.name)
                                .chain(&e.aliases)
                                .any(|n| crate::text::normalize::fold(n, &opts).contains(&q))
                    })
                    .take(8)
                    .cloned()
                    .collect();
                for e in candidates {
                    let r = row(ui, false, |ui| {
                        ui.label(RichText::new(&e.id).small());
                        self.view
                            .text
                            .label(ui, &e.name, 14.0, tc, egui::Sense::hover());
                    });
                    if r.clicked() {
                        self.ws.apply(edit::link_entity(
                            &self.ws.project,
                            &key,
                            &span.id,
                            Some(&e.id),
                        ));
                    }
                }
            }
        }
    }

    fn note_section(&mut self, ui: &mut egui::Ui, span: &crate::model::Span) {
        let Some(key) = self.ws.set_key() else { return };
        if self.note_for.as_deref() != Some(span.id.as_str()) {
            self.note_for = Some(span.id.clone());
            self.note_field.set_text(span.note.as_deref().unwrap_or(""));
        }
        ui.label("Note (Ctrl+Enter saves):");
        let r = self
            .note_field
            .show(ui, &mut self.view.text, "a note on this span");
        let text = self.note_field.text.trim().to_string();
        let current = span.note.clone().unwrap_or_default();
        let save = r.submitted
            || ui
                .add_enabled(text != current, egui::Button::new("Save note"))
                .clicked();
        if save && text != current {
            let note = (!text.is_empty()).then_some(text);
            self.ws.apply(edit::update_span(
                &self.ws.project,
                &key,
                &span.id,
                "Edit note",
                |s| s.note = note,
            ));
        }
    }

    /// Selects the next mention of an entity (in document order, across documents).
    fn jump_to_entity(&mut self, eid: &str, now: f64) {
        let docs: Vec<String> = self
            .ws
            .project
            .documents
            .iter()
            .map(|d| d.id.clone())
            .collect();
        let mut mentions: Vec<(usize, usize, String)> = Vec::new();
        for (di, d) in docs.iter().enumerate() {
            if let Some(set) = self.ws.project.set(&self.ws.annotator, d) {
                for s in set
                    .spans
                    .iter()
                    .filter(|s| s.entity.as_deref() == Some(eid))
                {
                    mentions.push((di, s.start, s.id.clone()));
                }
            }
        }
        if mentions.is_empty() {
            self.ws.status = format!("{eid} has no mentions in {}'s sets", self.ws.annotator);
            return;
        }
        let cur = self.ws.selected_span.as_ref().and_then(|id| {
            mentions
                .iter()
                .position(|m| m.0 == self.ws.doc && &m.2 == id)
        });
        let next = cur.map_or(0, |i| (i + 1) % mentions.len());
        let (di, _, id) = mentions[next].clone();
        self.switch_document(di);
        if let Some(s) = self.ws.current_set().and_then(|set| set.span(&id)) {
            let r = s.start..s.end;
            self.ws.selected_span = Some(id);
            self.view.reveal(r, now);
        }
    }

    fn annotations_panel(&mut self, ui: &mut egui::Ui, now: f64) {
        // Nothing here clones the set: with 100,000 spans that would cost every frame.
        let Some(set) = self.ws.current_set() else {
            ui.label("No annotations yet: select text and press a label's key.");
            return;
        };
        let (n_spans, n_relations) = (set.spans.len(), set.relations.len());
        ui.label(format!("{n_spans} spans, {n_relations} relations"));
        let selected = self
            .ws
            .selected_span
            .as_ref()
            .and_then(|id| set.span(id))
            .cloned();
        let links: Vec<(String, &'static str, String)> = selected
            .as_ref()
            .map(|span| {
                set.relations
                    .iter()
                    .filter(|r| r.from == span.id || r.to == span.id)
                    .map(|r| {
                        let other = if r.from == span.id { &r.to } else { &r.from };
                        let text = set
                            .span(other)
                            .map(|s| s.text.clone())
                            .unwrap_or_else(|| "?".into());
                        (
                            r.kind.clone(),
                            if r.from == span.id { "to" } else { "from" },
                            text,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        // The selected span's details.
        if let Some(span) = selected {
            ui.separator();
            let color = self.label_color(&span.label);
            ui.label(
                RichText::new(format!("{} · {}", span.label, span.id))
                    .color(color)
                    .strong(),
            );
            let tc = ui.visuals().text_color();
            self.view
                .text
                .label(ui, &span.text, 18.0, tc, egui::Sense::hover());
            let key = self.ws.set_key();
            if let (Some(label), Some(key)) =
                (self.ws.project.schema.label(&span.label).cloned(), key)
            {
                for a in &label.attributes {
                    let cur = span.attributes.get(&a.name).cloned().unwrap_or_default();
                    if a.is_free_text() {
                        continue;
                    }
                    let mut chosen = cur.clone();
                    egui::ComboBox::from_label(&a.name)
                        .selected_text(if cur.is_empty() {
                            "—".to_string()
                        } else {
                            cur.clone()
                        })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut chosen, String::new(), "—");
                            for v in &a.values {
                                ui.selectable_value(&mut chosen, v.clone(), v);
                            }
                        });
                    if chosen != cur {
                        let name = a.name.clone();
                        self.ws.apply(edit::update_span(
                            &self.ws.project,
                            &key,
                            &span.id,
                            &format!("Set {name}"),
                            |s| {
                                if chosen.is_empty() {
                                    s.attributes.remove(&name);
                                } else {
                                    s.attributes.insert(name.clone(), chosen.clone());
                                }
                            },
                        ));
                    }
                }
            }
            for (kind, arrow, other_text) in &links {
                ui.label(format!("{kind} {arrow}"));
                let tc = ui.visuals().text_color();
                self.view
                    .text
                    .label(ui, other_text, 15.0, tc, egui::Sense::hover());
            }
            self.entity_section(ui, &span);
            self.note_section(ui, &span);
            if ui.button("Delete span (Del)").clicked() {
                self.delete_selected_span();
            }
        }
        ui.separator();
        // Filters: by label and by (Arabic-aware) text.
        ui.horizontal(|ui| {
            let labels: Vec<(String, String)> = self
                .ws
                .project
                .schema
                .labels
                .iter()
                .map(|l| (l.id.clone(), l.name.clone()))
                .collect();
            egui::ComboBox::new("list-label-filter", "label")
                .selected_text(
                    self.list_label
                        .clone()
                        .unwrap_or_else(|| "all labels".into()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.list_label, None, "all labels");
                    for (id, name) in labels {
                        ui.selectable_value(&mut self.list_label, Some(id), name);
                    }
                });
        });
        self.list_filter
            .show(ui, &mut self.view.text, "filter by text");
        let shown = self.filtered_spans();
        if shown.len() != n_spans {
            ui.label(RichText::new(format!("{} of {n_spans} spans shown", shown.len())).weak());
        }
        // Virtualised: only the visible rows are laid out and painted.
        let row_h = 44.0;
        let mut jump = None;
        egui::ScrollArea::vertical().id_salt("span-list").show_rows(
            ui,
            row_h,
            shown.len(),
            |ui, rows| {
                let tc = ui.visuals().text_color();
                for &i in &shown[rows] {
                    let Some(s) = self
                        .ws
                        .current_set()
                        .and_then(|set| set.spans.get(i))
                        .cloned()
                    else {
                        continue;
                    };
                    let color = self.label_color(&s.label);
                    let selected = self.ws.selected_span.as_deref() == Some(s.id.as_str());
                    let r = fixed_row(ui, row_h, selected, |ui| {
                        ui.label(
                            RichText::new(format!("{} · {}", s.label, s.id))
                                .color(color)
                                .small(),
                        );
                        self.view.text.label_line(ui, &s.text, 15.0, tc);
                    });
                    if r.clicked() {
                        jump = Some((s.id.clone(), s.start..s.end));
                    }
                }
            },
        );
        if let Some((id, r)) = jump {
            self.ws.selected_span = Some(id);
            self.view.reveal(r, now);
        }
    }

    /// Indices of the current set's spans that pass the list filters, recomputed only
    /// when the set, the filters or the document change.
    fn filtered_spans(&mut self) -> std::sync::Arc<Vec<usize>> {
        let key = (
            self.ws.revision,
            self.ws.doc,
            self.ws.annotator.clone(),
            self.list_label.clone(),
            self.list_filter.text.clone(),
        );
        if let Some((k, v)) = &self.list_cache
            && *k == key
        {
            return v.clone();
        }
        let opts = crate::text::normalize::SearchOptions::default();
        let q = crate::text::normalize::fold(&self.list_filter.text, &opts);
        let v: Vec<usize> = self
            .ws
            .current_set()
            .map(|set| {
                set.spans
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| self.list_label.as_ref().is_none_or(|l| *l == s.label))
                    .filter(|(_, s)| {
                        q.is_empty() || crate::text::normalize::fold(&s.text, &opts).contains(&q)
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        let v = std::sync::Arc::new(v);
        self.list_cache = Some((key, v.clone()));
        v
    }

    fn handle_click(&mut self, cp: usize) {
        let under: Vec<usize> = self.ws.span_index().overlapping(cp..cp).collect();
        if under.is_empty() {
            self.ws.selected_span = None;
            self.last_click = None;
            return;
        }
        // Repeated clicks on the same character cycle through the spans under it,
        // innermost (shortest) first.
        let Some(set) = self.ws.current_set() else {
            return;
        };
        let mut under = under;
        under.sort_by_key(|&i| set.spans[i].len());
        if let Some(from) = self.relation_from.take() {
            let to = set.spans[under[0]].id.clone();
            self.relate_to(from, to);
            return;
        }
        let k = match self.last_click {
            Some((c, k)) if c == cp => (k + 1) % under.len(),
            _ => 0,
        };
        self.last_click = Some((cp, k));
        self.ws.selected_span = Some(set.spans[under[k]].id.clone());
        self.view.set_selection(None);
    }

    /// Tooltip listing the spans under the pointer: label, text, attributes, note.
    fn span_tooltip(&mut self, response: egui::Response, cp: usize) {
        let hits: Vec<usize> = self.ws.span_index().overlapping(cp..cp).collect();
        let Some(set) = self.ws.current_set() else {
            return;
        };
        if hits.is_empty() {
            return;
        }
        let spans: Vec<_> = hits
            .iter()
            .filter_map(|&i| set.spans.get(i).cloned())
            .collect();
        let colors: Vec<_> = spans.iter().map(|s| self.label_color(&s.label)).collect();
        let text = &mut self.view.text;
        response.on_hover_ui_at_pointer(|ui| {
            ui.set_max_width(360.0);
            for (s, c) in spans.iter().zip(colors) {
                ui.label(
                    RichText::new(format!("{} · {}", s.label, s.id))
                        .color(c)
                        .strong(),
                );
                let tc = ui.visuals().text_color();
                text.label(ui, &s.text, 16.0, tc, egui::Sense::hover());
                for (k, v) in &s.attributes {
                    ui.label(format!("{k}: {v}"));
                }
                if let Some(n) = &s.note {
                    text.label(ui, n, 14.0, tc, egui::Sense::hover());
                }
                ui.separator();
            }
        });
    }

    /// Adds a relation from `from` to `to`: directly when one type fits, else asks.
    pub fn relate_to(&mut self, from: String, to: String) {
        let (Some(set), Some(key)) = (self.ws.current_set(), self.ws.set_key()) else {
            return;
        };
        let (Some(f), Some(t)) = (set.span(&from), set.span(&to)) else {
            return;
        };
        let kinds: Vec<(String, String)> = self
            .ws
            .project
            .schema
            .relations_between(&f.label, &t.label)
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect();
        match kinds.len() {
            0 => {
                self.ws.status = format!(
                    "The schema has no relation from a {} to a {}",
                    f.label, t.label
                );
            }
            1 => {
                self.ws.apply(edit::relate(
                    &self.ws.project,
                    &key,
                    &kinds[0].0,
                    &from,
                    &to,
                ));
            }
            _ => self.relation_choice = Some((from, to, kinds)),
        }
    }

    fn relation_choice_window(&mut self, ctx: &egui::Context) {
        let Some((from, to, kinds)) = self.relation_choice.clone() else {
            return;
        };
        let mut chosen = None;
        let mut cancel = false;
        egui::Window::new("Relation type")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label("Several relation types fit these two spans:");
                for (i, (id, name)) in kinds.iter().enumerate() {
                    if ui.button(format!("{}  {name}", i + 1)).clicked() {
                        chosen = Some(id.clone());
                    }
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        let keys = [Key::Num1, Key::Num2, Key::Num3, Key::Num4];
        for (i, k) in keys.iter().enumerate().take(kinds.len()) {
            if ctx.input_mut(|inp| inp.consume_key(Modifiers::NONE, *k)) {
                chosen = Some(kinds[i].0.clone());
            }
        }
        if let Some(kind) = chosen {
            if let Some(key) = self.ws.set_key() {
                self.ws
                    .apply(edit::relate(&self.ws.project, &key, &kind, &from, &to));
            }
            self.relation_choice = None;
        } else if cancel {
            self.relation_choice = None;
        }
    }

    fn remember_recent(&mut self, p: &std::path::Path) {
        if let Some(cfg) = self.opts.config_path.clone() {
            self.config.add_recent(p);
            if let Err(e) = self.config.save(&cfg) {
                self.ws.status = format!("Could not save settings: {e}");
            }
        }
    }

    fn name_prompt_window(&mut self, ctx: &egui::Context) {
        let Some(mut field) = self.name_prompt.take() else {
            return;
        };
        let mut done = false;
        egui::Modal::new(egui::Id::unique("annotator-name")).show(ctx, |ui| {
            ui.heading("Who is annotating?");
            ui.label("Your name (or initials) is stored with every annotation set you create, so that a colleague's labels can be compared with yours. It is remembered on this computer.");
            let r = field.show(ui, &mut self.view.text, "e.g. Sara K.");
            let ok = ui.add_enabled(!field.text.trim().is_empty(), egui::Button::new("OK")).clicked();
            if (ok || r.submitted) && !field.text.trim().is_empty() {
                done = true;
            }
        });
        if done {
            let name = field.text.trim().to_string();
            self.config.annotator = Some(name.clone());
            if let Some(cfg) = self.opts.config_path.clone()
                && let Err(e) = self.config.save(&cfg)
            {
                self.ws.status = format!("Could not save settings: {e}");
            }
            if self.ws.project.sets.is_empty()
                || self.ws.project.annotators().contains(&name.as_str())
            {
                self.ws.annotator = name;
            }
        } else {
            self.name_prompt = Some(field);
        }
    }

    fn recovery_window(&mut self, ctx: &egui::Context) {
        let Some(rec) = self.opts.recovery.clone() else {
            return;
        };
        let count = |p: &crate::model::Project| p.sets.iter().map(|s| s.spans.len()).sum::<usize>();
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.heading("Unsaved work found");
            ui.label(format!(
                "Hashiya was closed without saving. A recovery file newer than the project holds {} spans in {} sets (the file on disk: {} spans in {} sets).",
                count(&rec.project),
                rec.project.sets.len(),
                count(&self.ws.project),
                self.ws.project.sets.len()
            ));
            ui.horizontal(|ui| {
                if ui.button("Restore the unsaved work").clicked() {
                    choice = Some(true);
                }
                if ui.button("Discard it").clicked() {
                    choice = Some(false);
                }
            });
        });
        match choice {
            Some(true) => {
                // The restored state is unsaved: it becomes one undoable step away from
                // the file, so the title shows the unsaved mark and Ctrl+Z goes back.
                let before = self.ws.project.clone();
                let after = rec.project;
                self.ws.apply(Ok(crate::model::history::Command::new(
                    "Restore unsaved work",
                    replace_project_ops(&before, &after),
                )));
                self.opts.recovery = None;
            }
            Some(false) => {
                if let Some(p) = &self.ws.path {
                    store::recovery::discard_recovery(p);
                }
                self.opts.recovery = None;
            }
            None => {}
        }
    }

    fn help_window(&mut self, ctx: &egui::Context) {
        let mut open = self.show_help;
        egui::Window::new("Keyboard shortcuts").open(&mut open).collapsible(false).show(ctx, |ui| {
            egui::Grid::new("keys").striped(true).show(ui, |ui| {
                for (k, what) in [
                    ("1 – 9", "Tag the selection with the label of that key (relabel the selected span)"),
                    ("Drag / Shift+click", "Select text; double-click a word, triple-click a paragraph"),
                    ("Shift+Left / Shift+Right", "Extend the selection in the visual direction"),
                    ("Ctrl+C", "Copy the selected text (logical order)"),
                    ("Click a span", "Select it; click again to cycle through overlapping spans"),
                    ("Tab / Shift+Tab", "Next / previous span"),
                    ("R, then click a span", "Add a relation from the selected span to the clicked one"),
                    ("E / Shift+E", "Grow / shrink the selected span's end by one word"),
                    ("B / Shift+B", "Grow / shrink the selected span's beginning by one word"),
                    ("Delete", "Delete the selected span"),
                    ("Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Undo / redo"),
                    ("Ctrl+F", "Search (Enter / Shift+Enter: next / previous match, Escape: close)"),
                    ("Ctrl+S / Ctrl+O", "Save / open"),
                    ("Ctrl+= / Ctrl+- / Ctrl+0", "Zoom in / out / reset"),
                    ("Ctrl+PageDown / Ctrl+PageUp", "Next / previous document"),
                    ("Escape", "Clear the selection"),
                    ("F1 or ?", "This overlay"),
                ] {
                    ui.label(RichText::new(k).monospace());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
        self.show_help = open;
    }

    fn path_prompt_window(&mut self, ctx: &egui::Context) {
        let Some((purpose, mut text)) = self.path_prompt.take() else {
            return;
        };
        let mut keep = true;
        let title = match purpose {
            PathPurpose::Open => "Open project (no file dialog available)",
            PathPurpose::SaveAs => "Save project as (no file dialog available)",
            PathPurpose::Compare => "Compare with a colleague's project (no file dialog available)",
            PathPurpose::Import(_) => "Import (no file dialog available): a file or folder",
            PathPurpose::Export(_) => {
                "Export to (no file dialog available): a file, or a folder for brat"
            }
        };
        egui::Window::new(title).collapsible(false).show(ctx, |ui| {
            ui.label("Path of the project file:");
            let r = ui.text_edit_singleline(&mut text);
            ui.horizontal(|ui| {
                let go = ui.button("OK").clicked()
                    || (r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)));
                if go && !text.trim().is_empty() {
                    let p = PathBuf::from(text.trim());
                    match purpose {
                        PathPurpose::Open => self.open_path(p),
                        PathPurpose::SaveAs => self.save_to(p),
                        PathPurpose::Compare => self.start_review(p),
                        PathPurpose::Import(f) => self.import_paths(f, vec![p]),
                        PathPurpose::Export(f) => self.export_to(f, p),
                    }
                    keep = false;
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        if keep {
            self.path_prompt = Some((purpose, text));
        }
    }

    /// Notices, when the window gets the focus back, that another program changed the
    /// project file (size or modification time first, then the content hash), and asks.
    fn watch_file(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        if !focused || self.external_change.is_some() {
            return;
        }
        if let (Some(path), Some(stamp)) = (&self.ws.path, &self.ws.stamp) {
            let meta = std::fs::metadata(path);
            let same_meta = meta
                .as_ref()
                .is_ok_and(|m| m.len() == stamp.len && m.modified().ok() == stamp.modified);
            if !same_meta && let Err(c) = store::check_unchanged(path, stamp) {
                self.external_change = Some(c);
            }
        }
    }

    fn external_change_window(&mut self, ctx: &egui::Context) {
        self.watch_file(ctx);
        let Some(change) = self.external_change.clone() else {
            return;
        };
        let dirty = self.ws.history.is_dirty();
        let bak = store::atomic::backup_path(&change.path);
        let bak = bak
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let removed = change.kind == store::ChangeKind::Removed;
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("external-change")).show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.heading("The project file changed on disk");
            let what = match &change.kind {
                store::ChangeKind::Removed => "was deleted or moved".to_string(),
                store::ChangeKind::Modified { was, now } => format!(
                    "was changed by another program ({was} bytes when opened or last saved, {now} bytes now)"
                ),
                store::ChangeKind::Unreadable(e) => format!("can no longer be read ({e})"),
            };
            ui.label(format!("{} {what}. Nothing has been overwritten.", change.path.display()));
            if dirty {
                ui.label("You have unsaved changes.");
            }
            ui.add_space(6.0);
            ui.horizontal_wrapped(|ui| {
                if !removed
                    && ui
                        .button("Reload theirs")
                        .on_hover_text("Open the version on disk; your unsaved changes are lost")
                        .clicked()
                {
                    choice = Some(0);
                }
                if ui
                    .button("Keep mine")
                    .on_hover_text(format!(
                        "Save your version over it; the other version is kept as {bak}"
                    ))
                    .clicked()
                {
                    choice = Some(1);
                }
                if ui.button("Save mine as…").on_hover_text("Save your version under another name").clicked() {
                    choice = Some(2);
                }
                if ui.button("Decide later").on_hover_text("Close this; saving will ask again").clicked() {
                    choice = Some(3);
                }
            });
        });
        match choice {
            Some(0) => {
                self.external_change = None;
                self.view.set_selection(None);
                self.review_b = None;
                if let Err(e) = self.ws.reload() {
                    self.ws.status = format!("Could not reload: {e}");
                }
            }
            Some(1) => {
                self.external_change = None;
                let result = self.ws.save_overwriting(change.path.clone());
                self.after_save(result);
            }
            Some(2) => {
                self.external_change = None;
                self.save_as();
            }
            Some(3) => self.external_change = None,
            _ => {}
        }
    }

    fn quit_guard(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.ws.history.is_dirty()
            && !self.allow_close
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_quit = true;
        }
        if self.confirm_quit {
            egui::Modal::new(egui::Id::unique("quit")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label("Save your changes before quitting?");
                ui.horizontal(|ui| {
                    if ui.button("Save and quit").clicked() {
                        self.save();
                        if !self.ws.history.is_dirty() {
                            self.allow_close = true;
                            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        }
                        self.confirm_quit = false;
                    }
                    if ui.button("Quit without saving").clicked() {
                        self.allow_close = true;
                        self.confirm_quit = false;
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                    if ui.button("Cancel").clicked() {
                        self.confirm_quit = false;
                    }
                });
            });
        }
    }

    fn screenshot(&mut self, ctx: &egui::Context) {
        let Some(out) = self.opts.screenshot.clone() else {
            return;
        };
        let shot = self.screenshot_slot.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = shot {
            match write_png(&out, &image) {
                Ok(()) => println!("screenshot written to {}", out.display()),
                Err(e) => eprintln!("error: could not write {}: {e}", out.display()),
            }
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if !self.screenshot_requested && self.frames >= 3 && self.view.layout().is_some() {
            self.screenshot_requested = true;
            let slot = self.screenshot_slot.clone();
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

    /// One frame of the whole UI (also what the headless tests drive).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.frames += 1;
        let now = ctx.input(|i| i.time);
        // Typing into a text field: shortcuts without modifiers must not fire. Other
        // widgets (the article view, a combo box) may hold focus without taking keys.
        let typing = ctx.text_edit_focused()
            || self.paste.is_some()
            || self.list_filter.is_focused()
            || self.schema_editor.open
            || self.name_prompt.is_some()
            || self.search.field.is_focused()
            || self.note_field.is_focused()
            || self.entity_filter.is_focused();
        self.relation_choice_window(&ctx);
        self.shortcuts(&ctx, typing || self.relation_choice.is_some());
        // Only when it changes: every viewport command asks for another frame, so
        // sending the title each frame kept an idle window repainting forever.
        let title = self.ws.title();
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }

        egui::Panel::top("menu").show(ui, |ui| {
            self.menu_bar(ui);
            self.label_toolbar(ui);
        });
        if self.search.open {
            if let Some(doc) = self.ws.project.documents.get(self.ws.doc) {
                let key = format!("{}#{}", doc.id, doc.text_sha256);
                if self.search.refresh(&key, &doc.text) {
                    self.view.marks = std::sync::Arc::new(self.search.matches.clone());
                }
            }
            let labels: Vec<(String, String)> = self
                .ws
                .project
                .schema
                .labels
                .iter()
                .map(|l| (l.id.clone(), l.name.clone()))
                .collect();
            let mut action = super::search::SearchAction::None;
            egui::Panel::top("search").show(ui, |ui| {
                action = self.search.ui(ui, &mut self.view.text, &labels);
            });
            self.view.current_mark = self.search.current;
            match action {
                super::search::SearchAction::None => {}
                super::search::SearchAction::Reveal(r) => self.view.reveal(r, now),
                super::search::SearchAction::Close => {
                    self.search.open = false;
                    self.view.marks = Default::default();
                    self.view.current_mark = None;
                }
                super::search::SearchAction::TagAll(label) => {
                    if let Some(key) = self.ws.set_key() {
                        let cmd =
                            edit::tag_all(&self.ws.project, &key, &self.search.matches, &label);
                        self.ws.apply(cmd);
                    }
                }
            }
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(&self.ws.status);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if let Some(sel) = self.view.selection() {
                        ui.label(format!(
                            "selection {}–{} ({} chars)",
                            sel.start,
                            sel.end,
                            sel.len()
                        ));
                    }
                });
            });
        });
        egui::Panel::left("documents")
            .default_size(200.0)
            .show(ui, |ui| self.documents_panel(ui));
        egui::Panel::right("annotations")
            .default_size(300.0)
            .show(ui, |ui| self.right_panel(ui, now));
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(doc) = self.ws.project.documents.get(self.ws.doc).cloned() else {
                ui.label("This project has no documents.");
                return;
            };
            let key = format!("{}#{}", doc.id, doc.text_sha256);
            self.view.arrows = relation_arrows(&self.ws);
            let b = self.review_b_spans();
            let ws = &mut self.ws;
            let resp = self.view.show(ui, &key, &doc.text, &mut |r| {
                let mut h = highlights(ws, r.clone());
                if let Some(b) = &b {
                    let (set, idx) = &**b;
                    h.extend(idx.overlapping(r).map(|i| {
                        let s = &set.spans[i];
                        Highlight {
                            range: s.start..s.end,
                            color: label_color(&ws.project, &s.label),
                            lane: 3 + idx.lane(i),
                            chip: format!("B: {}", s.label),
                            emphasised: false,
                            id: usize::MAX - i,
                            outline: true,
                        }
                    }));
                }
                h
            });
            if let Some(cp) = resp.clicked_char {
                self.handle_click(cp);
            }
            if let Some(r) = &resp.response
                && self.view.selection().is_some()
            {
                let labels: Vec<(String, String)> = self
                    .ws
                    .project
                    .schema
                    .labels
                    .iter()
                    .map(|l| (l.id.clone(), l.name.clone()))
                    .collect();
                let mut chosen = None;
                r.context_menu(|ui| {
                    ui.label("Tag the selection as");
                    for (id, name) in &labels {
                        if ui.button(name).clicked() {
                            chosen = Some(id.clone());
                            ui.close();
                        }
                    }
                });
                if let Some(l) = chosen {
                    self.tag_selection(&l);
                }
            }
            if let (Some(cp), Some(r)) = (resp.hovered_char, resp.response) {
                self.span_tooltip(r, cp);
            }
        });
        if let Some(cmd) = self.schema_editor.ui(&ctx, &self.ws.project) {
            self.ws.apply(Ok(cmd));
        }
        self.dashboard_window(&ctx);
        self.export_window(&ctx);
        self.paste_window(&ctx);
        self.help_window(&ctx);
        self.recovery_window(&ctx);
        self.name_prompt_window(&ctx);
        self.path_prompt_window(&ctx);
        self.external_change_window(&ctx);
        self.quit_guard(&ctx);
        self.autosave(&ctx);
        if let Some(later) = self.ws.register_unsaved() {
            ctx.request_repaint_after(later);
        }
        self.view.text.upload(&ctx);
        self.screenshot(&ctx);
        if self.opts.quit_after_first_frame && self.view.layout().is_some() {
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

impl eframe::App for HashiyaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}

/// Ops that turn project `a` into project `b` set by set (for restoring a recovery file
/// as one undoable step).
fn replace_project_ops(
    a: &crate::model::Project,
    b: &crate::model::Project,
) -> Vec<crate::model::history::Op> {
    use crate::model::history::Op;
    let mut ops = Vec::new();
    if a.name != b.name {
        ops.push(Op::Rename {
            before: a.name.clone(),
            after: b.name.clone(),
        });
    }
    if a.schema != b.schema {
        ops.push(Op::ReplaceSchema {
            before: a.schema.clone(),
            after: b.schema.clone(),
        });
    }
    for s in &a.sets {
        ops.push(Op::RemoveSet(s.clone()));
    }
    for e in &a.entities {
        ops.push(Op::RemoveEntity(e.clone()));
    }
    for d in a.documents.iter().filter(|d| b.document(&d.id) != Some(*d)) {
        ops.push(Op::RemoveDocument(d.clone()));
    }
    for d in b.documents.iter().filter(|d| a.document(&d.id) != Some(*d)) {
        ops.push(Op::InsertDocument(d.clone()));
    }
    for e in &b.entities {
        ops.push(Op::InsertEntity(e.clone()));
    }
    for s in &b.sets {
        ops.push(Op::InsertSet(s.clone()));
    }
    ops
}

/// Arrows for the relations of the selected span.
fn relation_arrows(ws: &Workspace) -> Vec<super::article_view::Arrow> {
    let (Some(set), Some(sel)) = (ws.current_set(), ws.selected_span.as_deref()) else {
        return Vec::new();
    };
    set.relations
        .iter()
        .filter(|r| r.from == sel || r.to == sel)
        .filter_map(|r| {
            let (f, t) = (set.span(&r.from)?, set.span(&r.to)?);
            Some(super::article_view::Arrow {
                from: f.start..f.end,
                to: t.start..t.end,
                color: label_color(&ws.project, &t.label),
                label: ws
                    .project
                    .schema
                    .relation_type(&r.kind)
                    .map_or(r.kind.clone(), |k| k.name.clone()),
            })
        })
        .collect()
}

/// A clickable list row of a fixed height (for virtualised lists).
fn fixed_row(
    ui: &mut egui::Ui,
    height: f32,
    selected: bool,
    add: impl FnOnce(&mut egui::Ui),
) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::click(),
    );
    if selected {
        ui.painter()
            .rect_filled(rect, 3, ui.visuals().selection.bg_fill.gamma_multiply(0.5));
    } else if resp.hovered() {
        ui.painter().rect_stroke(
            rect,
            3,
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
    }
    let mut child =
        ui.new_child(egui::UiBuilder::new().max_rect(rect.shrink2(egui::vec2(4.0, 2.0))));
    child.set_clip_rect(rect.intersect(ui.clip_rect()));
    add(&mut child);
    resp
}

/// A clickable list row (highlighted when selected) holding arbitrary content.
fn row(ui: &mut egui::Ui, selected: bool, add: impl FnOnce(&mut egui::Ui)) -> egui::Response {
    let fill = if selected {
        ui.visuals().selection.bg_fill.gamma_multiply(0.5)
    } else {
        Color32::TRANSPARENT
    };
    let inner = egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(4, 2))
        .corner_radius(3)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui)
        });
    let r = ui.interact(
        inner.response.rect,
        inner.response.id.with("row"),
        egui::Sense::click(),
    );
    if r.hovered() {
        ui.painter().rect_stroke(
            inner.response.rect,
            3,
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
    }
    r
}

/// The colour of a label from the schema (grey for unknown labels).
pub fn label_color(p: &crate::model::Project, label: &str) -> Color32 {
    p.schema
        .label(label)
        .and_then(|l| parse_color(&l.color))
        .map(|[r, g, b]| Color32::from_rgb(r, g, b))
        .unwrap_or(Color32::GRAY)
}

/// The highlights of the current set that touch `range`, found through the span index.
fn highlights(ws: &mut Workspace, range: std::ops::Range<usize>) -> Vec<Highlight> {
    let selected = ws.selected_span.clone();
    let hits: Vec<(usize, u8)> = {
        let idx = ws.span_index();
        idx.overlapping(range).map(|i| (i, idx.lane(i))).collect()
    };
    let Some(set) = ws.current_set() else {
        return Vec::new();
    };
    hits.into_iter()
        .filter_map(|(i, lane)| {
            let s = set.spans.get(i)?;
            Some(Highlight {
                range: s.start..s.end,
                color: label_color(&ws.project, &s.label),
                lane,
                chip: s.label.clone(),
                emphasised: selected.as_deref() == Some(s.id.as_str()),
                id: i,
                outline: false,
            })
        })
        .collect()
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
