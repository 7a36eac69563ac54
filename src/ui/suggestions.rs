//! The Suggestions tab (right): every suggestion of the project grouped by text and
//! label ("حفتر → actor, 14 in 9 documents"), each group accepted across documents in
//! one undoable step; and the project's switch for suggestions (some studies must
//! annotate blind). Computed on request (a corpus of 10,000 documents takes about a
//! second), not per frame.

use std::collections::BTreeMap;

use egui::RichText;

use super::action::Action;
use super::article_view::TextRenderer;
use super::widgets::label_color;
use crate::model::words::count;
use crate::suggest::Suggestion;
use crate::workspace::Workspace;

/// After A (accept): which suggestion is current now, and what the status bar says —
/// what was accepted, then the one that took its place (the next in the document, or
/// the first when it was the last), or that none is left. `accepted`: the suggestions
/// just accepted (several for Shift+A); `now`: the document's suggestions after it.
pub fn after_accept(accepted: &[Suggestion], now: &[Suggestion]) -> (Option<usize>, String) {
    let Some(first) = accepted.first() else {
        return (None, String::new());
    };
    let what = if accepted.len() == 1 {
        format!("Accepted «{}» as {}", first.text, first.label)
    } else {
        format!(
            "Accepted {} «{}» as {}",
            count(accepted.len(), "suggestion", "suggestions"),
            first.text,
            first.label
        )
    };
    if now.is_empty() {
        return (
            None,
            format!("{what}. No suggestions left in this document"),
        );
    }
    let i = now.iter().position(|s| s.start >= first.start).unwrap_or(0);
    let s = &now[i];
    (
        Some(i),
        format!(
            "{what}. Now current: suggestion {} of {}, «{}» as {} (A accepts it, N / P walk)",
            i + 1,
            now.len(),
            s.text,
            s.label
        ),
    )
}

/// Suggestions grouped by (text, label).
type Groups = BTreeMap<(String, String), Vec<Suggestion>>;

#[derive(Default)]
pub struct SuggestionsPanel {
    /// The groups and the revision they were computed for.
    groups: Option<(u64, Groups)>,
}

impl SuggestionsPanel {
    /// The groups found (by [`Action::FindSuggestions`]) for a revision.
    pub fn set(&mut self, revision: u64, groups: Groups) {
        self.groups = Some((revision, groups));
    }

    /// Whether groups were found once (they are found again after each change).
    pub fn shown(&self) -> bool {
        self.groups.is_some()
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        text: &mut TextRenderer,
    ) -> Option<Action> {
        let mut action = None;
        let mut on = ws.suggestions_enabled();
        if ui
            .checkbox(&mut on, "Suggestions on for this project")
            .changed()
        {
            action = Some(Action::SetSuggestions(on));
        }
        if !on {
            ui.label("Suggestions are off (blind annotation).");
            return action;
        }
        if ui.button("Find suggestions in every document").clicked() {
            action = Some(Action::FindSuggestions);
        }
        let Some((rev, groups)) = &self.groups else {
            return action;
        };
        if *rev != ws.revision() {
            ui.label(
                RichText::new("(found before the last change)")
                    .small()
                    .weak(),
            );
        }
        ui.label(count(groups.len(), "string", "strings"));
        let tc = ui.visuals().text_color();
        egui::ScrollArea::vertical()
            .id_salt("suggestion-groups")
            .show(ui, |ui| {
                for ((t, label), list) in groups {
                    let docs = {
                        let mut d: Vec<&str> = list.iter().map(|s| s.document.as_str()).collect();
                        d.dedup();
                        d.len()
                    };
                    ui.horizontal(|ui| {
                        if ui.small_button("Accept all").clicked() {
                            action = Some(Action::AcceptSuggestions(list.clone()));
                        }
                        ui.label(
                            RichText::new(format!(
                                "{label}: {} in {}",
                                list.len(),
                                count(docs, "document", "documents")
                            ))
                            .color(label_color(ws.project(), label))
                            .small(),
                        );
                    });
                    text.label_line(ui, t, 15.0, tc);
                }
            });
        action
    }
}
