//! The article panel (centre): the document drawn by [`ArticleView`] with the current
//! set's highlights (and, in review mode, the colleague's as dashed outlines), the
//! selected span's relations as arrows; clicks select spans (again: cycle through
//! overlapping ones) or finish a relation; right-click tags the selection; hovering
//! shows the spans under the pointer.
//!
//! The span indexes are cached here by workspace revision and document, so a frame
//! finds the visible spans by offset without scanning the set.

use std::ops::Range;
use std::sync::Arc;

use egui::RichText;

use super::action::Action;
use super::article_view::{Arrow, ArticleView, Highlight};
use super::widgets::label_color;
use crate::model::{AnnotationSet, SpanIndex};
use crate::review::curate::Candidate;
use crate::suggest::{RelationSuggestion, Suggestion};
use crate::text::layout::missing;
use crate::workspace::Workspace;

/// A set and its span index, built for one revision of one document.
struct IndexedSet {
    revision: u64,
    doc: usize,
    set: Option<Arc<(AnnotationSet, SpanIndex)>>,
}

/// The panel's own state.
#[derive(Default)]
pub struct ArticlePanel {
    /// The current set's span index (the set itself is read from the workspace).
    own: Option<(u64, usize, Arc<SpanIndex>)>,
    /// The colleague's set of the current document in review mode, with its index.
    theirs: Option<IndexedSet>,
    /// Last click: the character and which of the spans under it was selected.
    last_click: Option<(usize, usize)>,
    /// A relation being drawn: its source span, waiting for a click on the target.
    pub relation_from: Option<String>,
}

impl ArticlePanel {
    /// The current set's span index: kept per (revision, document); a new revision of
    /// the same document updates it in place from the workspace's account of the step
    /// (a tag, an undo: a few spans found by binary search), or by comparing the spans
    /// when there is none; another document builds it.
    fn own_index(&mut self, ws: &Workspace) -> Arc<SpanIndex> {
        let key = (ws.revision(), ws.doc_index());
        // Only when the revision changed (finding the set is a scan of the sets).
        let spans = || ws.current_set().map_or(&[][..], |s| &s.spans[..]);
        match &mut self.own {
            Some((r, d, idx)) if (*r, *d) == key => idx.clone(),
            Some((r, d, idx)) if *d == key.1 => {
                Arc::make_mut(idx).follow(ws.span_delta_since(*r), spans());
                *r = key.0;
                idx.clone()
            }
            _ => {
                let idx = Arc::new(SpanIndex::new(spans()));
                self.own = Some((key.0, key.1, idx.clone()));
                idx
            }
        }
    }

    fn their_set(&mut self, ws: &Workspace) -> Option<Arc<(AnnotationSet, SpanIndex)>> {
        let (Some(r), Some(doc)) = (ws.review(), ws.current_document()) else {
            self.theirs = None;
            return None;
        };
        let fresh = matches!(&self.theirs, Some(c) if c.revision == ws.revision() && c.doc == ws.doc_index());
        if !fresh {
            let set = r.b_set(doc).map(|set| {
                let idx = SpanIndex::new(&set.spans);
                Arc::new((set, idx))
            });
            self.theirs = Some(IndexedSet {
                revision: ws.revision(),
                doc: ws.doc_index(),
                set,
            });
        }
        self.theirs.as_ref().and_then(|c| c.set.clone())
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        view: &mut ArticleView,
        curation: Option<(&[Candidate], &str)>,
        (suggestions, relations, current): (&[Suggestion], &[RelationSuggestion], Option<usize>),
    ) -> Option<Action> {
        let Some(doc) = ws.current_document() else {
            ui.label("This project has no documents.");
            return None;
        };
        let key = format!("{}#{}", doc.id, doc.text_sha256);
        view.arrows = relation_arrows(ws);
        view.arrows
            .extend(suggested_arrows(ws, suggestions, relations, current));
        view.handles = ws.selected().map(|s| s.start..s.end);
        let own = self.own_index(ws);
        let theirs = self.their_set(ws);
        let resp = view.show(ui, &key, &doc.text, &mut |r| {
            let mut h = highlights(ws, &own, r.clone());
            if let Some(b) = &theirs {
                let (set, idx) = &**b;
                h.extend(idx.overlapping(r.clone()).map(|i| {
                    let s = &set.spans[i];
                    Highlight {
                        range: s.start..s.end,
                        color: label_color(ws.project(), &s.label),
                        lane: 3 + idx.lane(i),
                        chip: format!("B: {}", s.label),
                        emphasised: false,
                        id: usize::MAX - i,
                        outline: true,
                    }
                }));
            }
            h.extend(
                suggestions
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.start < r.end.max(r.start + 1) && r.start < s.end)
                    .map(|(i, s)| Highlight {
                        range: s.start..s.end,
                        color: label_color(ws.project(), &s.label),
                        lane: 5,
                        chip: format!("? {}", s.label),
                        emphasised: current == Some(i),
                        id: usize::MAX / 4 + i,
                        outline: true,
                    }),
            );
            if let Some((candidates, gold)) = curation {
                let n = ws.curation_sets(gold).len();
                h.extend(candidate_highlights(ws, candidates, n, r));
            }
            h
        });
        let mut action = None;
        if let Some(cp) = resp.clicked_char {
            action = self.click(ws, &own, cp);
        }
        if let (Some(drop), Some(span)) = (resp.handle_dropped, ws.selected_span()) {
            action = Some(Action::MoveBoundary {
                span: span.to_string(),
                end: drop.end,
                to: drop.at,
                snap: !drop.exact,
            });
        }
        if let Some((from, to)) = resp.relation_dropped {
            let innermost = |cp: usize| {
                let set = ws.current_set()?;
                own.overlapping(cp..cp)
                    .min_by_key(|&i| set.spans[i].len())
                    .map(|i| set.spans[i].id.clone())
            };
            action = match (innermost(from), innermost(to)) {
                (Some(from), Some(to)) if from != to => Some(Action::Relate { from, to }),
                _ => Some(Action::Status(
                    "Ctrl+drag from one span to another to relate them".into(),
                )),
            };
        }
        if let Some(r) = &resp.response
            && view.selection().is_some()
        {
            r.context_menu(|ui| {
                ui.label("Tag the selection as");
                for l in &ws.project().schema.labels {
                    if ui.button(&l.name).clicked() {
                        action = Some(Action::Tag(l.id.clone()));
                        ui.close();
                    }
                }
            });
        }
        if let (Some(cp), Some(r)) = (resp.hovered_char, resp.response) {
            tooltip(ws, &own, view, r, cp);
        }
        action
    }

    /// A click on character `cp`: finish a pending relation, else select the innermost
    /// span there, or the next one under it on a repeated click.
    fn click(&mut self, ws: &Workspace, idx: &SpanIndex, cp: usize) -> Option<Action> {
        let set = ws.current_set()?;
        let mut under: Vec<usize> = idx.overlapping(cp..cp).collect();
        if under.is_empty() {
            self.last_click = None;
            return Some(Action::SelectSpan {
                id: None,
                reveal: false,
            });
        }
        under.sort_by_key(|&i| set.spans[i].len());
        if let Some(from) = self.relation_from.take() {
            let to = set.spans[under[0]].id.clone();
            return Some(Action::Relate { from, to });
        }
        let k = match self.last_click {
            Some((c, k)) if c == cp => (k + 1) % under.len(),
            _ => 0,
        };
        self.last_click = Some((cp, k));
        Some(Action::SelectSpan {
            id: Some(set.spans[under[k]].id.clone()),
            reveal: false,
        })
    }
}

/// Curation candidates that touch `range` as dashed outlines with their votes.
fn candidate_highlights(
    ws: &Workspace,
    candidates: &[Candidate],
    n: usize,
    range: Range<usize>,
) -> Vec<Highlight> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.start < range.end.max(range.start + 1) && range.start < c.end)
        .map(|(i, c)| Highlight {
            range: c.start..c.end,
            color: label_color(ws.project(), &c.label),
            lane: 3,
            chip: format!("{}/{n} {}", c.votes(), c.label),
            emphasised: false,
            id: usize::MAX / 2 + i,
            outline: true,
        })
        .collect()
}

/// The highlights of the current set that touch `range`, found through the index.
fn highlights(ws: &Workspace, idx: &SpanIndex, range: Range<usize>) -> Vec<Highlight> {
    let Some(set) = ws.current_set() else {
        return Vec::new();
    };
    let selected = ws.selected_span();
    idx.overlapping(range)
        .filter_map(|i| {
            let s = set.spans.get(i)?;
            Some(Highlight {
                range: s.start..s.end,
                color: label_color(ws.project(), &s.label),
                lane: idx.lane(i),
                chip: s.label.clone(),
                emphasised: selected == Some(s.id.as_str()),
                id: i,
                outline: false,
            })
        })
        .collect()
}

/// Arrows for the relations of the selected span.
fn relation_arrows(ws: &Workspace) -> Vec<Arrow> {
    let (Some(set), Some(sel)) = (ws.current_set(), ws.selected_span()) else {
        return Vec::new();
    };
    let p = ws.project();
    set.relations
        .iter()
        .filter(|r| r.from == sel || r.to == sel)
        .filter_map(|r| {
            let (f, t) = (set.span(&r.from)?, set.span(&r.to)?);
            Some(Arrow {
                from: f.start..f.end,
                to: t.start..t.end,
                color: label_color(p, &t.label),
                label: p
                    .schema
                    .relation_type(&r.kind)
                    .map_or(r.kind.clone(), |k| k.name.clone()),
                dashed: false,
            })
        })
        .collect()
}

/// The relation suggestions of the current suggestion (a claim's speaker): dashed
/// arrows with a «?» before the relation's name.
fn suggested_arrows(
    ws: &Workspace,
    suggestions: &[Suggestion],
    relations: &[RelationSuggestion],
    current: Option<usize>,
) -> Vec<Arrow> {
    let Some(s) = current.and_then(|i| suggestions.get(i)) else {
        return Vec::new();
    };
    let p = ws.project();
    relations
        .iter()
        .filter(|r| {
            (r.from.start, r.from.end, r.from.label.as_str()) == (s.start, s.end, s.label.as_str())
        })
        .map(|r| Arrow {
            from: r.from.start..r.from.end,
            to: r.to.start..r.to.end,
            color: label_color(p, &r.to.label),
            label: format!(
                "? {}",
                p.schema
                    .relation_type(&r.kind)
                    .map_or(r.kind.as_str(), |k| k.name.as_str())
            ),
            dashed: true,
        })
        .collect()
}

/// Tooltip listing the spans under the pointer: label, text, attributes, note.
fn tooltip(
    ws: &Workspace,
    idx: &SpanIndex,
    view: &mut ArticleView,
    response: egui::Response,
    cp: usize,
) {
    let hits: Vec<_> = match ws.current_set() {
        Some(set) => idx
            .overlapping(cp..cp)
            .filter_map(|i| set.spans.get(i))
            .collect(),
        None => Vec::new(),
    };
    // A grapheme the fonts cannot draw (shown as a box): name its code points.
    let doc = ws.current_document().map_or("", |d| d.text.as_str());
    // Only where the hovered character itself has no glyph (the grapheme search scans
    // its paragraph; a drawn character costs one lookup).
    let missing = view
        .layout()
        .and_then(|l| l.offsets().cp_to_byte(cp))
        .filter(|&b| {
            doc.get(b..)
                .and_then(|t| t.chars().next())
                .is_some_and(|c| !crate::fonts::covers(c))
        })
        .and_then(|b| missing::missing_grapheme(doc, b))
        .map(|r| missing::code_points(&doc[r]));
    if hits.is_empty() && missing.is_none() {
        return;
    }
    let text = &mut view.text;
    response.on_hover_ui_at_pointer(|ui| {
        ui.set_max_width(360.0);
        let tc = ui.visuals().text_color();
        if let Some(cps) = &missing {
            ui.label(format!(
                "{cps} — no font for this in Hashiya (shown as a box)"
            ));
        }
        for s in hits {
            ui.label(
                RichText::new(format!("{} · {}", s.label, s.id))
                    .color(label_color(ws.project(), &s.label))
                    .strong(),
            );
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

/// The current document's suggestions as drawn, and the (revision, document) they
/// are for.
#[derive(Default)]
pub(super) struct Ghosts {
    pub(super) for_: Option<(u64, usize)>,
    pub(super) list: Arc<Vec<Suggestion>>,
    /// Their relation suggestions (a claim's `said_by` to its speaker).
    pub(super) relations: Arc<Vec<RelationSuggestion>>,
    /// The (revision, document) whose suggestions were put off to the next frame, and
    /// that frame's number (egui may run several passes for one painted frame): a long
    /// document's first frame shows the article without waiting for them.
    pub(super) deferred: Option<((u64, usize), u64)>,
}

/// Documents longer than this (UTF-8 bytes) get their suggestions one frame after the
/// article is first shown (matching 1 MB took ≈ 23 ms of its first frame).
pub(super) const GHOSTS_LATER_BYTES: usize = 100_000;
