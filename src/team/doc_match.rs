//! Documents of the three sides of a merge matched by their text, before
//! [`super::merge`] merges by id.
//!
//! Document ids are not unique across people: `import --format text` names a document
//! after its file's stem, a table after its file and row, so two people can import two
//! different articles as `report`, or the same article under two ids. As
//! [`super::collect`] does, a document is identified by its text (collect compares the
//! SHA-256 of the texts, this compares the texts themselves: the same test):
//!
//! - theirs' document with the text of one of ours takes ours' id (its sets, the plan's
//!   entry and the rejections follow);
//! - theirs' document whose id ours uses for another text gets a fresh id `<id>~2`
//!   (`~3`…, as collect names them), its sets following it: both documents are kept;
//! - the base's documents are matched the same way (to ours', then theirs' ids), so an
//!   id that changed text on one side counts as that document deleted and another added.
//!
//! Ours is never changed: it is the file in the working tree.

use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::model::{ConflictKind, Project};

use super::merge::{Renamed, conflict_id};

/// The base and theirs with their document ids matched to ours' (see the module doc),
/// and theirs' documents that changed id.
pub(super) struct Matched<'a> {
    pub base: Cow<'a, Project>,
    pub theirs: Cow<'a, Project>,
    pub renamed: Vec<Renamed>,
}

/// Matches the documents of `base` and `theirs` to ours' by text.
pub(super) fn match_documents<'a>(
    base: &'a Project,
    ours: &'a Project,
    theirs: &'a Project,
) -> Matched<'a> {
    // Text → its id in the result: ours' first, then theirs' and the base's as matched.
    let mut ids = ResultIds {
        by_text: HashMap::with_capacity(ours.documents.len()),
        used: HashSet::with_capacity(ours.documents.len()),
        all: [base, ours, theirs]
            .into_iter()
            .flat_map(|p| p.documents.iter().map(|d| d.id.as_str()))
            .collect(),
        made: HashSet::new(),
    };
    for d in &ours.documents {
        ids.by_text
            .entry(d.text.as_str())
            .or_insert_with(|| d.id.clone());
        ids.used.insert(d.id.clone());
    }
    let theirs_map = ids.side(theirs);
    let base_map = ids.side(base);
    let mut renamed: Vec<Renamed> = theirs_map
        .iter()
        .map(|(from, to)| Renamed {
            kind: ConflictKind::Document,
            set: None,
            from: from.clone(),
            to: to.clone(),
        })
        .collect();
    renamed.sort_by(|a, b| a.from.cmp(&b.from));
    Matched {
        base: rekey(base, &base_map),
        theirs: rekey(theirs, &theirs_map),
        renamed,
    }
}

/// The document ids of the merged project, as the sides are matched.
struct ResultIds<'a> {
    /// A text → its id in the result.
    by_text: HashMap<&'a str, String>,
    /// Ids in the result.
    used: HashSet<String>,
    /// Every id of the three sides, so that a fresh id takes none of them.
    all: HashSet<&'a str>,
    /// Fresh ids made.
    made: HashSet<String>,
}

impl<'a> ResultIds<'a> {
    /// The new id of each of `p`'s documents whose id changes: the id its text has in
    /// the result, else its own when free, else a fresh one. Adds `p`'s documents.
    fn side(&mut self, p: &'a Project) -> HashMap<String, String> {
        let mut map = HashMap::new();
        // Ids this side's documents took (two of its documents never share one).
        let mut taken: HashSet<String> = HashSet::new();
        for d in &p.documents {
            let to = match self.by_text.get(d.text.as_str()) {
                Some(id) if !taken.contains(id) => id.clone(),
                _ if !self.used.contains(&d.id) => d.id.clone(),
                _ => self.fresh(&d.id),
            };
            if to != d.id {
                map.insert(d.id.clone(), to.clone());
            }
            self.by_text
                .entry(d.text.as_str())
                .or_insert_with(|| to.clone());
            self.used.insert(to.clone());
            taken.insert(to);
        }
        map
    }

    /// `<id>~2`, `<id>~3`, … (as collect names them): the first no side uses.
    fn fresh(&mut self, id: &str) -> String {
        let new = (2..)
            .map(|n| format!("{id}~{n}"))
            .find(|c| !self.all.contains(c.as_str()) && !self.made.contains(c))
            .unwrap_or_default();
        self.made.insert(new.clone());
        new
    }
}

/// `p` with its documents renamed by `map` (and everything that names a document: its
/// sets, the plan, the rejected suggestions, the recorded conflicts).
fn rekey<'a>(p: &'a Project, map: &HashMap<String, String>) -> Cow<'a, Project> {
    if map.is_empty() {
        return Cow::Borrowed(p);
    }
    let to = |id: &String| map.get(id).cloned();
    let mut p = p.clone();
    for d in &mut p.documents {
        if let Some(new) = to(&d.id) {
            d.id = new;
        }
    }
    for s in &mut p.sets {
        if let Some(new) = to(&s.document) {
            s.document = new;
        }
    }
    if let Some(a) = &mut p.assignment {
        a.documents = std::mem::take(&mut a.documents)
            .into_iter()
            .map(|(d, who)| (to(&d).unwrap_or(d), who))
            .collect();
    }
    for r in &mut p.suggestions.rejected {
        if let Some(new) = to(&r.document) {
            r.document = new;
        }
    }
    for c in &mut p.conflicts {
        let doc = c.document.as_ref().and_then(to);
        let item = (c.kind == ConflictKind::Document)
            .then(|| to(&c.item))
            .flatten();
        if doc.is_none() && item.is_none() {
            continue;
        }
        if let Some(d) = doc {
            c.document = Some(d);
        }
        if let Some(i) = item {
            c.item = i;
        }
        let set = match (&c.annotator, &c.document) {
            (Some(a), Some(d)) => Some(crate::model::history::SetKey::new(a, d)),
            _ => None,
        };
        c.id = conflict_id(c.kind, set.as_ref(), &c.item);
    }
    p.canonicalize();
    Cow::Owned(p)
}
