//! The label schema editor: add, rename, recolour labels, set hotkeys, edit attributes
//! and relation types. Edits go to a draft; "Apply" turns the draft into one undoable
//! command (`model::edit::change_schema`), which also relabels spans and entities of
//! renamed labels. Removing a label that is in use asks for the label its spans get.

use std::collections::BTreeMap;

use egui::{Color32, RichText};

use crate::model::edit;
use crate::model::schema::parse_color;
use crate::model::words::count;
use crate::model::{AttributeDef, LabelDef, LabelSchema, Project, RelationType};

#[derive(Default)]
pub struct SchemaEditor {
    pub open: bool,
    draft: Vec<LabelRow>,
    relations: Vec<RelationType>,
    /// Labels removed from the draft that are in use: old id → label their spans get.
    removed: BTreeMap<String, String>,
    pub error: Option<String>,
}

struct LabelRow {
    /// The id the label had when the editor opened (`None` for a new label).
    original: Option<String>,
    def: LabelDef,
    /// Attributes as editable text: `name: value, value` per line (empty values: free text).
    attributes: String,
}

fn attributes_to_text(attrs: &[AttributeDef]) -> String {
    attrs
        .iter()
        .map(|a| format!("{}: {}", a.name, a.values.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn text_to_attributes(s: &str) -> Vec<AttributeDef> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, values) = l.split_once(':').unwrap_or((l, ""));
            AttributeDef {
                name: name.trim().to_string(),
                values: values
                    .split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect(),
            }
        })
        .collect()
}

impl SchemaEditor {
    pub fn open_for(&mut self, p: &Project) {
        self.open = true;
        self.error = None;
        self.removed.clear();
        self.relations = p.schema.relations.clone();
        self.draft = p
            .schema
            .labels
            .iter()
            .map(|l| LabelRow {
                original: Some(l.id.clone()),
                def: l.clone(),
                attributes: attributes_to_text(&l.attributes),
            })
            .collect();
    }

    /// The draft as a schema plus the renames it implies.
    fn build(&self) -> (LabelSchema, BTreeMap<String, String>) {
        let mut renames = BTreeMap::new();
        for r in &self.draft {
            if let Some(o) = &r.original
                && *o != r.def.id
            {
                renames.insert(o.clone(), r.def.id.trim().to_string());
            }
        }
        let labels: Vec<LabelDef> = self
            .draft
            .iter()
            .map(|r| {
                let mut d = r.def.clone();
                d.id = d.id.trim().to_string();
                d.attributes = text_to_attributes(&r.attributes);
                d.hotkey = d.hotkey.filter(|h| !h.trim().is_empty());
                d.name_ar = d.name_ar.filter(|n| !n.trim().is_empty());
                d
            })
            .collect();
        let map = |l: &String| renames.get(l).cloned().unwrap_or_else(|| l.clone());
        let relations = self
            .relations
            .iter()
            .map(|r| RelationType {
                from: r
                    .from
                    .iter()
                    .map(map)
                    .filter(|l| labels.iter().any(|d| d.id == *l))
                    .collect(),
                to: r
                    .to
                    .iter()
                    .map(map)
                    .filter(|l| labels.iter().any(|d| d.id == *l))
                    .collect(),
                ..r.clone()
            })
            .collect();
        (LabelSchema { labels, relations }, renames)
    }

    /// The relation types: id, name, and the labels each may go from and to.
    fn relation_types(&mut self, ui: &mut egui::Ui) {
        ui.heading("Relation types");
        let ids: Vec<String> = self
            .draft
            .iter()
            .map(|r| r.original.clone().unwrap_or_else(|| r.def.id.clone()))
            .collect();
        for (i, r) in self.relations.iter_mut().enumerate() {
            ui.push_id(("rel", i), |ui| {
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut r.id).desired_width(90.0));
                    ui.add(egui::TextEdit::singleline(&mut r.name).desired_width(90.0));
                    ui.label("from");
                    for id in &ids {
                        let mut on = r.from.contains(id);
                        if ui.checkbox(&mut on, id).changed() {
                            if on {
                                r.from.push(id.clone())
                            } else {
                                r.from.retain(|x| x != id)
                            }
                        }
                    }
                    ui.label("to");
                    for id in &ids {
                        let mut on = r.to.contains(id);
                        if ui.checkbox(&mut on, format!("{id} ")).changed() {
                            if on {
                                r.to.push(id.clone())
                            } else {
                                r.to.retain(|x| x != id)
                            }
                        }
                    }
                });
            });
        }
        if ui.button("Add relation type").clicked() {
            let n = self.relations.len() + 1;
            self.relations.push(RelationType {
                id: format!("rel{n}"),
                name: format!("relation {n}"),
                from: vec![],
                to: vec![],
            });
        }
    }

    /// Shows the window; returns a command to apply when the user pressed Apply.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        p: &Project,
    ) -> Option<crate::model::history::Command> {
        if !self.open {
            return None;
        }
        let usage = edit::label_usage(p);
        let mut apply = false;
        let mut close = false;
        let mut remove = None;
        let mut open = self.open;
        egui::Window::new("Label schema").open(&mut open).default_width(620.0).show(ctx, |ui| {
            egui::ScrollArea::vertical().max_height(520.0).show(ui, |ui| {
                ui.heading("Span labels");
                for (i, row) in self.draft.iter_mut().enumerate() {
                    ui.push_id(i, |ui| {
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            egui::Grid::new("label").num_columns(2).show(ui, |ui| {
                                ui.label("id");
                                ui.text_edit_singleline(&mut row.def.id).on_hover_text("stored in every span: renaming relabels them");
                                ui.end_row();
                                ui.label("name");
                                ui.text_edit_singleline(&mut row.def.name);
                                ui.end_row();
                                ui.label("Arabic name");
                                let mut ar = row.def.name_ar.clone().unwrap_or_default();
                                if ui.text_edit_singleline(&mut ar).changed() {
                                    row.def.name_ar = Some(ar);
                                }
                                ui.end_row();
                                ui.label("colour");
                                let mut rgb = parse_color(&row.def.color).unwrap_or([128, 128, 128]);
                                if ui.color_edit_button_srgb(&mut rgb).changed() {
                                    row.def.color = format!("#{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]);
                                }
                                ui.end_row();
                                ui.label("hotkey");
                                let mut key = row.def.hotkey.clone().unwrap_or_default();
                                if ui.add(egui::TextEdit::singleline(&mut key).desired_width(30.0).char_limit(1)).changed() {
                                    row.def.hotkey = Some(key);
                                }
                                ui.end_row();
                                ui.label("attributes");
                                ui.add(egui::TextEdit::multiline(&mut row.attributes).desired_rows(2).hint_text("kind: person, organization\n(one per line; no values = free text)"));
                                ui.end_row();
                            });
                            let n = row.original.as_ref().and_then(|o| usage.get(o)).copied().unwrap_or(0);
                            ui.horizontal(|ui| {
                                ui.label(RichText::new(count(n, "span", "spans")).weak());
                                if ui.button("Remove label").clicked() {
                                    remove = Some(i);
                                }
                            });
                        });
                    });
                }
                if ui.button("Add label").clicked() {
                    let n = self.draft.len() + 1;
                    self.draft.push(LabelRow {
                        original: None,
                        def: LabelDef {
                            id: format!("label{n}"),
                            name: format!("Label {n}"),
                            name_ar: None,
                            color: "#9B59B6".into(),
                            hotkey: (n <= 9).then(|| n.to_string()),
                            attributes: vec![],
                        },
                        attributes: String::new(),
                    });
                }
                if !self.removed.is_empty() {
                    ui.separator();
                    ui.label(RichText::new("Removed labels still in use: their spans get").color(Color32::from_rgb(200, 120, 0)));
                    let ids: Vec<String> = self.draft.iter().map(|r| r.def.id.clone()).collect();
                    for (old, target) in self.removed.iter_mut() {
                        egui::ComboBox::from_label(format!("spans of \"{old}\" ({})", usage.get(old).copied().unwrap_or(0)))
                            .selected_text(target.as_str())
                            .show_ui(ui, |ui| {
                                for id in &ids {
                                    ui.selectable_value(target, id.clone(), id);
                                }
                            });
                    }
                }
                ui.separator();
                self.relation_types(ui);
            });
            if let Some(e) = &self.error {
                ui.colored_label(Color32::from_rgb(200, 40, 40), e);
            }
            ui.horizontal(|ui| {
                if ui.button("Apply").clicked() {
                    apply = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if let Some(i) = remove {
            let row = self.draft.remove(i);
            if let Some(o) = row.original
                && usage.get(&o).copied().unwrap_or(0) > 0
            {
                let first = self
                    .draft
                    .first()
                    .map(|r| r.def.id.clone())
                    .unwrap_or_default();
                self.removed.insert(o, first);
            }
        }
        self.open = open && !close;
        if apply {
            let (schema, renames) = self.build();
            match edit::change_schema(p, schema, &renames, &self.removed) {
                Ok(cmd) => {
                    self.open = false;
                    return Some(cmd);
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        None
    }
}
