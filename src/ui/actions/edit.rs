//! Actions that change the project: tagging, editing spans, relations and entities, the schema, undo/redo, importing, suggestions and merge conflicts. Every change goes through the workspace with a command built by [`crate::model::edit`] (or `suggest`, `team`).

use super::super::action::{Action, WindowKind};
use super::super::app::HashiyaApp;
use super::super::dialogs::{PasteDialog, RelationChooser};
use crate::model::edit;

impl HashiyaApp {
    /// Carries out an action of this group; gives back any other.
    pub(in crate::ui) fn apply_edit(&mut self, action: Action) -> Result<(), Box<Action>> {
        let key = self.ws.set_key();
        match action {
            Action::SetDone(done) => {
                if let Some(key) = key {
                    self.ws.apply(edit::set_done(self.ws.project(), &key, done));
                }
            }
            Action::Tag(label) => self.tag_selection(&label),
            Action::TagAll { label, ranges } => {
                if let Some(key) = key {
                    self.ws
                        .apply(edit::tag_all(self.ws.project(), &key, &ranges, &label));
                }
            }
            Action::TagAllDocuments { label, hits } => {
                self.ws.tag_all_documents(&hits, &label);
            }
            Action::Relabel { span, label } => {
                if let Some(key) = key {
                    self.ws
                        .apply(edit::relabel(self.ws.project(), &key, &span, &label));
                }
            }
            Action::SetAttribute { span, name, value } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws
                        .apply(edit::set_attribute(p, &key, &span, &name, value.as_deref()));
                }
            }
            Action::SetNote { span, note } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws
                        .apply(edit::set_note(p, &key, &span, note.as_deref()));
                }
            }
            Action::DeleteSelected => {
                if let (Some(id), Some(key)) = (self.ws.selected_span().map(str::to_string), key) {
                    self.ws
                        .apply(edit::delete_span(self.ws.project(), &key, &id));
                }
            }
            Action::Nudge(end, grow) => {
                if let (Some(id), Some(key)) = (self.ws.selected_span().map(str::to_string), key) {
                    let p = self.ws.project();
                    self.ws.apply(edit::nudge_bounds(p, &key, &id, end, grow));
                }
            }
            Action::MoveBoundary {
                span,
                end,
                to,
                snap,
            } => {
                if let (Some(key), Some(doc)) = (key, self.ws.current_document()) {
                    let to = if snap {
                        edit::snap_to_word(&doc.text, to, end)
                    } else {
                        to
                    };
                    let p = self.ws.project();
                    self.ws.apply(edit::move_boundary(p, &key, &span, end, to));
                }
            }
            Action::StartRelation => match self.ws.selected_span().map(str::to_string) {
                Some(id) => {
                    self.article.relation_from = Some(id);
                    self.ws.set_status(
                        "Click the target span of the relation (Escape cancels)".into(),
                    );
                }
                None => self
                    .ws
                    .set_status("Select a span first, then press R".into()),
            },
            Action::Relate { from, to } => self.relate(from, to),
            Action::RelateAs { kind, from, to } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws.apply(edit::relate(p, &key, &kind, &from, &to));
                }
            }
            Action::CreateEntity(span) => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws.apply(edit::create_entity_from_span(p, &key, &span));
                }
            }
            Action::LinkEntity { span, entity } => {
                if let Some(key) = key {
                    let p = self.ws.project();
                    self.ws
                        .apply(edit::link_entity(p, &key, &span, entity.as_deref()));
                }
            }
            Action::MergeEntities { keep, gone } => {
                self.ws
                    .apply(edit::merge_entities(self.ws.project(), &keep, &gone));
            }
            Action::ChangeSchema(cmd) => {
                self.ws.apply(Ok(cmd));
            }
            Action::Undo => self.ws.undo(),
            Action::Redo => self.ws.redo(),
            Action::AddDocument { title, text } => {
                if self.ws.add_document(&title, &text) {
                    self.windows.remove(&WindowKind::Paste);
                    self.paste = PasteDialog::default();
                    self.view.set_selection(None);
                }
            }
            Action::ImportWith {
                format,
                paths,
                options,
            } => {
                self.ws.import_with(format, &paths, &options);
            }
            Action::StartOwnSets { copy_of } => {
                self.ws.start_own_sets(copy_of.as_deref());
            }
            Action::EditOthers(on) => self.ws.edit_others(on),
            Action::SwitchAnnotator(name) => self.ws.set_annotator(&name),
            Action::ResolveConflict { id, choice } => {
                let cmd = crate::team::merge::resolve_conflict(self.ws.project(), &id, choice);
                self.ws.apply(cmd);
            }
            other => return Err(Box::new(other)),
        }
        Ok(())
    }

    /// Tags the current text selection with a label and selects the new span.
    pub(in crate::ui) fn tag_selection(&mut self, label: &str) {
        let (Some(sel), Some(key)) = (self.view.selection(), self.ws.set_key()) else {
            self.ws.set_status("Select some text first".into());
            return;
        };
        let cmd = edit::tag(self.ws.project(), &key, sel, label, self.tag_options);
        if let Some(applied) = self.ws.apply(cmd) {
            self.ws
                .select_span(applied.created.span_in(&key).map(str::to_string));
            self.view.set_selection(None);
        }
    }

    /// Adds a relation from `from` to `to`: directly when one type fits, else asks.
    pub(in crate::ui) fn relate(&mut self, from: String, to: String) {
        let Some(set) = self.ws.current_set() else {
            return;
        };
        let (Some(f), Some(t)) = (set.span(&from), set.span(&to)) else {
            return;
        };
        let kinds: Vec<(String, String)> = self
            .ws
            .project()
            .schema
            .relations_between(&f.label, &t.label)
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect();
        match kinds.len() {
            0 => self.ws.set_status(format!(
                "The schema has no relation from a {} to a {}",
                f.label, t.label
            )),
            1 => {
                let kind = kinds[0].0.clone();
                self.apply_action(Action::RelateAs { kind, from, to });
            }
            _ => self.relation_choice = Some(RelationChooser { from, to, kinds }),
        }
    }
}
