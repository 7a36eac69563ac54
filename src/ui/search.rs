//! The search bar (Ctrl+F): Arabic-aware matching through `text::normalize`, matches
//! highlighted in the article, Enter / Shift+Enter to walk them, and "Tag all matches"
//! as one undoable step. The query is typed into a [`BidiTextField`].

use std::ops::Range;

use super::article_view::TextRenderer;
use super::text_field::BidiTextField;
use crate::text::normalize::{NormalizedText, SearchOptions};

#[derive(Default)]
pub struct SearchBar {
    pub open: bool,
    pub field: BidiTextField,
    pub options: SearchOptions,
    pub matches: Vec<Range<usize>>,
    pub current: Option<usize>,
    /// Label used by "Tag all matches".
    pub label: String,
    /// (document key, query, options) the matches were computed for.
    computed_for: Option<(String, String, SearchOptions)>,
    normalized: Option<(String, SearchOptions, NormalizedText)>,
}

/// What the bar asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchAction {
    None,
    /// Scroll to and flash this match.
    Reveal(Range<usize>),
    /// Tag every match with `label`.
    TagAll(String),
    Close,
}

impl SearchBar {
    pub fn open(&mut self) {
        self.open = true;
        self.field.focus();
    }

    /// Recomputes the matches if the document, the query or the options changed;
    /// returns whether it did.
    pub fn refresh(&mut self, doc_key: &str, text: &str) -> bool {
        let key = (doc_key.to_string(), self.field.text.clone(), self.options);
        if self.computed_for.as_ref() == Some(&key) {
            return false;
        }
        let fresh =
            matches!(&self.normalized, Some((k, o, _)) if k == doc_key && *o == self.options);
        if !fresh {
            self.normalized = Some((
                doc_key.to_string(),
                self.options,
                NormalizedText::new(text, &self.options),
            ));
        }
        if let Some((_, _, n)) = &self.normalized {
            self.matches = n.find_all(&self.field.text, &self.options);
        }
        self.current = if self.matches.is_empty() {
            None
        } else {
            Some(0)
        };
        self.computed_for = Some(key);
        true
    }

    fn step(&mut self, forward: bool) -> SearchAction {
        let n = self.matches.len();
        if n == 0 {
            return SearchAction::None;
        }
        let i = match (self.current, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.current = Some(i);
        SearchAction::Reveal(self.matches[i].clone())
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        renderer: &mut TextRenderer,
        labels: &[crate::model::schema::LabelDef],
    ) -> SearchAction {
        let mut action = SearchAction::None;
        if self.label.is_empty()
            && let Some(l) = labels.first()
        {
            self.label = l.id.clone();
        }
        ui.horizontal(|ui| {
            ui.label("Find:");
            ui.allocate_ui(egui::vec2(320.0, 34.0), |ui| {
                let r =
                    self.field
                        .show(ui, renderer, "search (harakat, hamza and tatweel ignored)");
                if r.submitted {
                    action = self.step(true);
                } else if r.submitted_back {
                    action = self.step(false);
                } else if r.escaped {
                    action = SearchAction::Close;
                }
            });
            let n = self.matches.len();
            ui.label(match self.current {
                Some(i) => format!("{} of {n}", i + 1),
                None if self.field.text.is_empty() => String::new(),
                None => "no matches".into(),
            });
            if ui.button("Previous").clicked() {
                action = self.step(false);
            }
            if ui.button("Next").clicked() {
                action = self.step(true);
            }
            ui.menu_button("Options", |ui| options_menu(ui, &mut self.options));
            super::widgets::label_choice(ui, "tag-all-label", "as", labels, &mut self.label);
            if ui
                .add_enabled(n > 0, egui::Button::new("Tag all matches"))
                .clicked()
            {
                action = SearchAction::TagAll(self.label.clone());
            }
            if ui.button("Close").clicked() {
                action = SearchAction::Close;
            }
        });
        action
    }
}

/// The matching options as checkboxes (the search bar's and the corpus search's menu).
pub fn options_menu(ui: &mut egui::Ui, o: &mut SearchOptions) {
    ui.checkbox(&mut o.ignore_marks, "Ignore harakat and marks");
    ui.checkbox(&mut o.ignore_tatweel, "Ignore tatweel");
    ui.checkbox(&mut o.unify_alef, "أ إ آ ٱ = ا");
    ui.checkbox(&mut o.unify_ya, "ى = ي");
    ui.checkbox(&mut o.ta_marbuta_as_ha, "ة = ه");
    ui.checkbox(&mut o.unify_digits, "Arabic-Indic digits = ASCII digits");
}
