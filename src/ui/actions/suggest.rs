//! Suggestion actions: walking the current document's suggestions (N / P, starting
//! where the user is), accepting (A, Shift+A, the Suggestions tab) and rejecting (X)
//! them, switching suggestions on or off, and finding every document's for the tab.

use super::super::action::Action;
use super::super::app::HashiyaApp;

impl HashiyaApp {
    /// Carries out an action of this group; gives back any other.
    pub(in crate::ui) fn apply_suggest(&mut self, action: Action) -> Result<(), Box<Action>> {
        let now = self.now;
        match action {
            Action::SuggestionStep { forward } => {
                let n = self.ws.current_suggestions().len();
                if n == 0 {
                    self.ws.set_status("No suggestions in this document".into());
                } else {
                    // Without a current suggestion, the walk starts where the user
                    // is: the text selection or the selected span.
                    let from = self
                        .view
                        .selection()
                        .map(|r| r.start)
                        .or_else(|| self.ws.selected().map(|s| s.start));
                    let list = self.ws.current_suggestions();
                    let after = from.map(|at| list.partition_point(|s| s.start < at));
                    let next = match (self.suggestion, forward, after) {
                        (None, true, Some(i)) => i % n,
                        (None, false, Some(i)) => (i + n - 1) % n,
                        (None, true, None) => 0,
                        (None, false, None) => n - 1,
                        (Some(i), true, _) => (i + 1) % n,
                        (Some(i), false, _) => (i + n - 1) % n,
                    };
                    self.suggestion = Some(next);
                    let s = &self.ws.current_suggestions()[next];
                    let (r, what) = (
                        s.start..s.end,
                        format!("{} as {} ({:?})", s.text, s.label, s.source),
                    );
                    self.ws
                        .set_status(format!("Suggestion {} of {n}: {what}", next + 1));
                    self.view.reveal(r, now);
                }
            }
            Action::AcceptSuggestion { everywhere } => {
                let list = self.ws.current_suggestions().to_vec();
                if let Some(cur) = self.suggestion.and_then(|i| list.get(i)).cloned() {
                    let chosen: Vec<_> = if everywhere {
                        list.into_iter()
                            .filter(|s| s.text == cur.text && s.label == cur.label)
                            .collect()
                    } else {
                        vec![cur]
                    };
                    if self.ws.accept_suggestions(&chosen) {
                        let now = self.ws.current_suggestions();
                        let (current, msg) = super::super::suggestions::after_accept(&chosen, now);
                        self.suggestion = current;
                        self.ws.set_status(msg);
                    }
                } else {
                    self.ws
                        .set_status("Walk to a suggestion first (N / P)".into());
                }
            }
            Action::AcceptSuggestions(list) => {
                if self.ws.accept_suggestions(&list) {
                    self.apply_action(Action::FindSuggestions);
                }
            }
            Action::RejectSuggestion => {
                let list = self.ws.current_suggestions().to_vec();
                match self.suggestion.and_then(|i| list.get(i)) {
                    Some(s) => {
                        self.ws.reject_suggestion(s);
                    }
                    None => self
                        .ws
                        .set_status("Walk to a suggestion first (N / P)".into()),
                }
            }
            Action::SetSuggestions(on) => {
                self.ws.set_suggestions_enabled(on);
            }
            Action::FindSuggestions => {
                let groups = self.ws.all_suggestions();
                self.suggestions_tab.set(self.ws.revision(), groups);
            }
            other => return Err(Box::new(other)),
        }
        Ok(())
    }
}
