//! Reading a brat folder or `.txt`/`.ann` files into a project (the rules are in the
//! parent module's documentation).

// The examples show the formats' tab separators as they are.
#![allow(clippy::tabs_in_doc_comments)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::super::builder::{Builder, Incoming, IncomingSpan, Origin};
use super::super::clean::{Cleaned, decode_utf8};
use super::super::reader::read_file;
use super::super::{ImportIssue, Progress};
use super::*;
use crate::model::{Relation, Source};
use crate::store::limits::{MAX_DOCUMENT_BYTES, MAX_PROJECT_BYTES};

/// One document to import: its `.txt`, its `.ann` (which may be missing) and the
/// annotator its folder names.
#[derive(Debug, Clone)]
struct Pair {
    txt: PathBuf,
    ann: PathBuf,
    annotator: Option<String>,
}

fn txt_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
        })
        .collect();
    out.sort();
    Ok(out)
}

fn pairs(inputs: &[PathBuf], b: &mut Builder) -> Vec<Pair> {
    let mut out = Vec::new();
    let pair = |txt: PathBuf, annotator: Option<String>| Pair {
        ann: txt.with_extension("ann"),
        txt,
        annotator,
    };
    for input in inputs {
        if input.is_dir() {
            let before = out.len();
            match txt_files(input) {
                Ok(t) => out.extend(t.into_iter().map(|t| pair(t, None))),
                Err(e) => b.issue(ImportIssue::new(input, None, e.to_string())),
            }
            let mut subdirs: Vec<PathBuf> = std::fs::read_dir(input)
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_dir())
                        .collect()
                })
                .unwrap_or_default();
            subdirs.sort();
            for d in subdirs {
                let name = d
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match txt_files(&d) {
                    Ok(t) => out.extend(t.into_iter().map(|t| pair(t, Some(name.clone())))),
                    Err(e) => b.issue(ImportIssue::new(&d, None, e.to_string())),
                }
            }
            if out.len() == before {
                b.issue(ImportIssue::new(
                    input,
                    None,
                    "no .txt files here or in its sub-folders; a brat folder holds ID.txt and ID.ann pairs",
                ));
            }
        } else if input.is_file() {
            match input.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("txt") => out.push(pair(input.clone(), None)),
                Some(e) if e.eq_ignore_ascii_case("ann") => {
                    out.push(pair(input.with_extension("txt"), None))
                }
                _ => b.issue(ImportIssue::new(
                    input,
                    None,
                    "not a brat file; give a folder or .txt/.ann files",
                )),
            }
        } else {
            b.issue(ImportIssue::new(input, None, "no such file or folder"));
        }
    }
    // The same .txt given twice (as .txt and .ann) is one document.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.txt.clone()));
    out
}

pub(crate) fn import(b: &mut Builder, inputs: &[PathBuf], progress: Progress) {
    let pairs = pairs(inputs, b);
    let total = pairs.len();
    for (n, pair) in pairs.iter().enumerate() {
        progress(n, total);
        b.file_read();
        match read_pair(pair) {
            Ok(inc) => b.add(inc),
            Err(issues) => {
                for i in issues {
                    b.issue(i);
                }
            }
        }
    }
    progress(total, total);
}

struct TextBound {
    line: usize,
    label: String,
    frags: Vec<(usize, usize)>,
    text: String,
}

/// What the lines of an `.ann` file say, before it is checked against the text.
#[derive(Default)]
struct Ann {
    textbounds: BTreeMap<String, TextBound>,
    /// T ids in file order.
    order: Vec<String>,
    relations: Vec<(usize, Relation)>,
    /// (line, target, name, value)
    attributes: Vec<(usize, String, String, String)>,
    /// (line, target, entity, name)
    links: Vec<(usize, String, String, String)>,
    /// (line, target, note)
    notes: Vec<(usize, String, String)>,
    ids: std::collections::HashSet<String>,
}

fn read_pair(pair: &Pair) -> Result<Incoming, Vec<ImportIssue>> {
    let one = |i: ImportIssue| vec![i];
    let bytes = read_file(&pair.txt, MAX_DOCUMENT_BYTES as u64 + 1024).map_err(one)?;
    let raw = decode_utf8(&pair.txt, &bytes).map_err(one)?;
    let cleaned = Cleaned::new(raw);
    let raw_chars: Vec<char> = raw.chars().collect();
    let id = pair
        .txt
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut inc = Incoming {
        origin: Origin::new(&pair.txt, None),
        id,
        title: None,
        source: Source::default(),
        text: cleaned.text.clone(),
        meta: Default::default(),
        id_generated: false,
        annotator: pair.annotator.clone(),
        annotated: false,
        spans: Vec::new(),
        relations: Vec::new(),
    };
    if !pair.ann.exists() {
        return Ok(inc);
    }
    let ann_bytes = read_file(&pair.ann, MAX_PROJECT_BYTES).map_err(one)?;
    let ann = decode_utf8(&pair.ann, &ann_bytes).map_err(one)?;
    let ann = ann.strip_prefix('\u{FEFF}').unwrap_or(ann);
    let path = pair.ann.as_path();

    let mut issues = Vec::new();
    let mut parsed = Ann::default();
    for (i, line) in ann.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        if let Err(reason) = parsed.line(i + 1, line) {
            issues.push(ImportIssue::new(path, Some(i + 1), reason));
        }
    }
    let mut spans = parsed.spans(&pair.txt, path, &raw_chars, &cleaned, &mut issues);
    parsed.attach(&mut spans, path, &mut issues);
    if !issues.is_empty() {
        return Err(issues);
    }
    inc.annotated = !spans.is_empty();
    inc.spans = parsed
        .order
        .iter()
        .filter_map(|id| spans.remove(id))
        .collect();
    inc.relations = parsed.relations.into_iter().map(|(_, r)| r).collect();
    Ok(inc)
}

impl Ann {
    /// Reads line `ln` (not blank) into `self`, or says why it cannot be read.
    fn line(&mut self, ln: usize, line: &str) -> Result<(), String> {
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let id = fields[0];
        let data = fields.get(1).copied().unwrap_or("");
        let tail = fields.get(2).copied();
        let kind = id.chars().next().unwrap_or(' ');
        if kind != '*' && !self.ids.insert(id.to_string()) {
            return Err(format!("the id {id} is used twice"));
        }
        let words: Vec<&str> = data.split(' ').filter(|w| !w.is_empty()).collect();
        match kind {
            'T' => self.textbound(ln, id, data, tail)?,
            'R' => {
                let args: Vec<Option<(&str, &str)>> =
                    words.iter().skip(1).map(|w| w.split_once(':')).collect();
                match (words.first(), args.as_slice()) {
                    (Some(kind), [Some((_, from)), Some((_, to))]) => {
                        let kind = decode_name(kind).map_err(|e| format!("{id}: {e}"))?;
                        self.relations.push((
                            ln,
                            Relation {
                                id: id.to_string(),
                                kind,
                                from: from.to_string(),
                                to: to.to_string(),
                            },
                        ));
                    }
                    _ => {
                        return Err(format!(
                            "{id}: a relation needs \"type Arg1:T1 Arg2:T2\", found \"{data}\""
                        ));
                    }
                }
            }
            'A' | 'M' => match words.as_slice() {
                [name, target, ..] => {
                    let value = data
                        .splitn(3, ' ')
                        .nth(2)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .unwrap_or("true");
                    match (decode_name(name), decode_name(value)) {
                        (Ok(n), Ok(v)) => self.attributes.push((ln, target.to_string(), n, v)),
                        (Err(e), _) | (_, Err(e)) => return Err(format!("{id}: {e}")),
                    }
                }
                _ => return Err(format!("{id}: an attribute needs \"name target [value]\", found \"{data}\"")),
            },
            'N' => match (words.as_slice(), tail) {
                ([_, target, reference], Some(name)) if reference.contains(':') => {
                    let (db, key) = reference.split_once(':').unwrap_or_default();
                    let entity = if db == ENTITY_DB {
                        decode_name(key)
                    } else {
                        Ok(reference.to_string())
                    };
                    let entity = entity.map_err(|e| format!("{id}: {e}"))?;
                    self.links
                        .push((ln, target.to_string(), entity, unescape_text(name)));
                }
                _ => {
                    return Err(format!(
                        "{id}: a normalisation needs \"Reference T1 DB:ID\" and a tab-separated name"
                    ));
                }
            },
            '#' => match (words.as_slice(), tail) {
                ([_, target], note) => {
                    self.notes
                        .push((ln, target.to_string(), unescape_text(note.unwrap_or(""))))
                }
                _ => return Err(format!("{id}: a note needs \"AnnotatorNotes T1\" then a tab and the text")),
            },
            'E' => return Err(format!("{id}: events are not supported by Hashiya (only text spans, relations, attributes, normalisations and notes)")),
            '*' => return Err("equivalence (*) lines are not supported by Hashiya; link the spans to one entity instead".to_string()),
            _ => return Err(format!("not a brat annotation line (ids start with T, R, A, M, N, #, E or *): \"{line}\"")),
        }
        Ok(())
    }

    /// A `T` line: `id⇥type start end[;start end…]⇥text`.
    fn textbound(
        &mut self,
        ln: usize,
        id: &str,
        data: &str,
        tail: Option<&str>,
    ) -> Result<(), String> {
        let Some(text) = tail else {
            return Err(format!(
                "{id}: a T line needs three tab-separated fields: id, \"type start end\", text"
            ));
        };
        let Some((label, rest)) = data.split_once(' ') else {
            return Err(format!(
                "{id}: expected \"type start end\" after the id, found \"{data}\""
            ));
        };
        let mut frags = Vec::new();
        let mut ok = true;
        for f in rest.split(';') {
            let nums: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
            match nums.as_slice() {
                [a, b] => match (a.parse::<usize>(), b.parse::<usize>()) {
                    (Ok(a), Ok(b)) => frags.push((a, b)),
                    _ => ok = false,
                },
                _ => ok = false,
            }
        }
        if !ok || frags.is_empty() {
            return Err(format!(
                "{id}: offsets \"{rest}\" are not \"start end\" pairs of whole numbers separated by ';'"
            ));
        }
        let label = decode_name(label).map_err(|e| format!("{id}: {e}"))?;
        self.order.push(id.to_string());
        self.textbounds.insert(
            id.to_string(),
            TextBound {
                line: ln,
                label,
                frags,
                text: text.to_string(),
            },
        );
        Ok(())
    }

    /// The text spans, checked against the raw text of `txt` (offsets mapped to the
    /// cleaned text).
    fn spans(
        &self,
        txt: &Path,
        path: &Path,
        raw_chars: &[char],
        cleaned: &Cleaned,
        issues: &mut Vec<ImportIssue>,
    ) -> BTreeMap<String, IncomingSpan> {
        let mut spans: BTreeMap<String, IncomingSpan> = BTreeMap::new();
        for id in &self.order {
            let t = &self.textbounds[id];
            let mut bad =
                |reason: String| issues.push(ImportIssue::new(path, Some(t.line), reason));
            if let Some(&(a, b)) = t.frags.iter().find(|(a, b)| a >= b || *b > raw_chars.len()) {
                bad(if a >= b {
                    format!("{id}: fragment {a} {b} does not have start before end")
                } else {
                    format!(
                        "{id}: offset {b} is past the end of {} ({} code points); brat offsets count Unicode code points",
                        txt.display(),
                        raw_chars.len()
                    )
                });
                continue;
            }
            let stated: Vec<String> = t
                .frags
                .iter()
                .map(|&(a, b)| raw_chars[a..b].iter().collect())
                .collect();
            let stated = stated.join(" ");
            if stated != t.text {
                bad(format!(
                    "{id}: its text «{}» is not the text of {} at those offsets «{stated}»",
                    t.text,
                    txt.display()
                ));
                continue;
            }
            let mut frags = t.frags.clone();
            frags.sort_unstable();
            if let Some(w) = frags.windows(2).find(|w| {
                w[1].0 < w[0].1 || raw_chars[w[0].1..w[1].0].iter().any(|c| !c.is_whitespace())
            }) {
                bad(format!(
                    "{id}: fragments {} {} and {} {} have text between them (or overlap); Hashiya spans are contiguous",
                    w[0].0, w[0].1, w[1].0, w[1].1
                ));
                continue;
            }
            let (start, end) = (frags[0].0, frags[frags.len() - 1].1);
            spans.insert(
                id.clone(),
                IncomingSpan {
                    id: id.clone(),
                    start: cleaned.map(start),
                    end: cleaned.map(end),
                    label: t.label.clone(),
                    line: Some(t.line),
                    ..Default::default()
                },
            );
        }
        spans
    }

    /// Puts the attributes, entity links and notes on their spans, and checks that
    /// relations join text spans.
    fn attach(
        &mut self,
        spans: &mut BTreeMap<String, IncomingSpan>,
        path: &Path,
        issues: &mut Vec<ImportIssue>,
    ) {
        for (ln, target, name, value) in std::mem::take(&mut self.attributes) {
            match spans.get_mut(&target) {
                Some(s) => {
                    if s.attributes.insert(name.clone(), value).is_some() {
                        issues.push(ImportIssue::new(
                            path,
                            Some(ln),
                            format!("{target} has attribute {name} twice"),
                        ));
                    }
                }
                None => issues.push(unknown_target(path, ln, &target, "an attribute")),
            }
        }
        for (ln, target, entity, name) in std::mem::take(&mut self.links) {
            match spans.get_mut(&target) {
                Some(s) if s.entity_id.is_some() => issues.push(ImportIssue::new(
                    path,
                    Some(ln),
                    format!("{target} is linked to two entities; a Hashiya span links to one"),
                )),
                Some(s) => {
                    s.entity_id = Some(entity);
                    s.entity_name = Some(name);
                }
                None => issues.push(unknown_target(path, ln, &target, "a normalisation")),
            }
        }
        for (ln, target, note) in std::mem::take(&mut self.notes) {
            match spans.get_mut(&target) {
                Some(s) => {
                    s.note = Some(match s.note.take() {
                        Some(old) => format!("{old}\n{note}"),
                        None => note,
                    });
                }
                None => issues.push(unknown_target(path, ln, &target, "a note")),
            }
        }
        for (ln, r) in &self.relations {
            for end in [&r.from, &r.to] {
                if !self.textbounds.contains_key(end) {
                    issues.push(unknown_target(path, *ln, end, "a relation"));
                }
            }
        }
    }
}

fn unknown_target(path: &Path, line: usize, target: &str, what: &str) -> ImportIssue {
    ImportIssue::new(
        path,
        Some(line),
        format!(
            "{what} refers to \"{target}\", which is not a text span (T) of this file; Hashiya keeps these on text spans only"
        ),
    )
}
