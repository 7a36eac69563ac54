//! brat standoff: per document `ID.txt` (the text, byte for byte) and `ID.ann`, plus
//! `annotation.conf` and `visual.conf` at the top of the folder. In the example, `⇥`
//! stands for the tab that separates the fields of an `.ann` line.
//!
//! ```text
//! T1⇥actor 4 14⇥خليفة حفتر
//! T2⇥claim 18 40;41 52⇥…first line… …second line…
//! R1⇥said_by Arg1:T2 Arg2:T1
//! A1⇥kind T1 person
//! A2⇥kind T3 armed%20group
//! N1⇥Reference T1 Hashiya:e-haftar⇥خليفة حفتر
//! #1⇥AnnotatorNotes T1⇥a note\nwith two lines
//! ```
//!
//! - **Document metadata**: when an exported document has `source` fields or `meta`,
//!   the folder also gets `metadata.csv` (a row per document: `document`, `title`, the
//!   `source` fields present, then the `meta` keys present, sorted; UTF-8 with a byte
//!   order mark unless `--no-bom`), since `.txt`/`.ann` have no place for it. Import
//!   does not read it back.
//! - **Offsets are code points** (brat slices Python `str`s), end-exclusive.
//! - A span that crosses a line break is written as brat's discontinuous fragments,
//!   `start end;start end`, split at every character Python's `str.splitlines()`
//!   breaks on (and at tabs), since an `.ann` line cannot hold them; the `T` text is
//!   the fragments' texts joined by one space, as brat writes it. On import,
//!   fragments separated only by whitespace become one span again (so a span that
//!   starts or ends with a line break comes back without it); others are refused,
//!   since Hashiya spans are contiguous.
//! - Label, relation type and attribute names and values are written as they are
//!   when they consist of letters, digits, `_` and `-`; any other character is
//!   percent-encoded (`armed group` → `armed%20group`), because brat splits these
//!   fields on spaces and its configuration forbids spaces, `,` and `|` in them.
//!   Import decodes them. (brat itself wants type names in `[A-Za-z0-9_-]`; labels with
//!   other letters work in Hashiya and in parsers but show as unconfigured in brat.)
//! - Entity links are normalisations against the database `Hashiya`; notes are
//!   `AnnotatorNotes`. Both are free text where `\` `\n` `\r` `\t` are escaped with a
//!   backslash (and other line separators as `\uXXXX`).
//! - An export of one annotator's sets (`--set NAME`) puts `ID.txt`/`ID.ann` at the top
//!   of the folder. An export of every set gives each annotator a sub-folder named
//!   after them (documents nobody annotated stay at the top), so sets of several
//!   annotators never collide and the annotator comes back on import; the `.conf`
//!   files at the top apply to all, as brat looks for them upwards. File and folder
//!   names come from [`super::names`], so any id is safe.
//! - `visual.conf` sets `Text direction:rtl` and the schema's colours; `annotation.conf`
//!   lists the labels, relation types (with their allowed labels), attributes with their
//!   values, and allows overlapping spans (`<OVERLAP>`), which Hashiya uses for nesting.
//!
//! On import the input is a folder (its `.txt` files, and each sub-folder holding
//! `.txt` files as one annotator named after it) or `.txt`/`.ann` files. A `T` line
//! whose text differs from the `.txt` at its offsets is refused, as are events (`E`),
//! equivalences (`*`), attributes or notes on anything but a text span, and malformed
//! lines — each with its `.ann` file and line number. A document whose `.ann` is
//! missing or has no `T` line is imported without a set.
// The examples show the formats' tab separators as they are.
#![allow(clippy::tabs_in_doc_comments)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::builder::{Builder, Incoming, IncomingSpan, Origin};
use super::clean::{Cleaned, decode_utf8};
use super::names::FileNamer;
use super::reader::read_file;
use super::units::{ExportReport, ExportUnit, Output, Rendered, entity_index, metadata_csv};
use super::{FormatError, ImportIssue, Progress};
use crate::model::{Project, Relation, Source, Span};
use crate::store::limits::{MAX_DOCUMENT_BYTES, MAX_PROJECT_BYTES};

/// The normalisation database name of entity links.
pub const ENTITY_DB: &str = "Hashiya";

/// Characters an `.ann` line cannot contain: Python's `str.splitlines()` breaks on
/// all of these but the tab, which separates fields.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\t'
            | '\u{0B}'
            | '\u{0C}'
            | '\u{1C}'
            | '\u{1D}'
            | '\u{1E}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Percent-encodes everything but letters, digits, `_` and `-`.
pub fn encode_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Reverses [`encode_name`]; a `%` not followed by two hex digits stays as it is.
pub fn decode_name(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("\"{s}\" decodes to invalid UTF-8"))
}

/// Escapes free text (notes, entity names) for one `.ann` field.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_line_break(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape_text`]; unknown escapes stay as they are.
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('r') => {
                chars.next();
                out.push('\r');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('u') => {
                let hex: String = chars.clone().skip(1).take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        for _ in 0..5 {
                            chars.next();
                        }
                        out.push(ch);
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// Fragments of `start..end` (code points) without line breaks, as (start, end) pairs.
fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        if is_line_break(c) {
            if let Some(s) = run.take() {
                out.push((s, i));
            }
        } else if run.is_none() {
            run = Some(i);
        }
    }
    if let Some(s) = run {
        out.push((s, end));
    }
    out
}

fn ann_for(project: &Project, unit: &ExportUnit, notes: &mut Vec<String>) -> String {
    let entities = entity_index(project);
    let chars: Vec<char> = unit.doc.text.chars().collect();
    let mut ann = String::new();
    let mut tid: HashMap<&str, usize> = HashMap::new();
    let mut exported: Vec<&Span> = Vec::new();
    for s in unit.spans() {
        let frags = fragments(&chars, s.start, s.end.min(chars.len()));
        if frags.is_empty() {
            notes.push(format!(
                "brat: document \"{}\", span \"{}\" covers only line breaks and was left out (with its relations)",
                unit.doc.id, s.id
            ));
            continue;
        }
        let n = exported.len() + 1;
        tid.insert(&s.id, n);
        exported.push(s);
        let offsets: Vec<String> = frags.iter().map(|(a, b)| format!("{a} {b}")).collect();
        let texts: Vec<String> = frags
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect())
            .collect();
        let _ = writeln!(
            ann,
            "T{n}\t{} {}\t{}",
            encode_name(&s.label),
            offsets.join(";"),
            texts.join(" ")
        );
    }
    let mut r = 0;
    for rel in unit.relations() {
        if let (Some(a), Some(b)) = (tid.get(rel.from.as_str()), tid.get(rel.to.as_str())) {
            r += 1;
            let _ = writeln!(ann, "R{r}\t{} Arg1:T{a} Arg2:T{b}", encode_name(&rel.kind));
        }
    }
    let (mut a, mut nn, mut hash) = (0, 0, 0);
    for (i, s) in exported.iter().enumerate() {
        for (name, value) in &s.attributes {
            a += 1;
            let _ = writeln!(
                ann,
                "A{a}\t{} T{} {}",
                encode_name(name),
                i + 1,
                encode_name(value)
            );
        }
    }
    for (i, s) in exported.iter().enumerate() {
        if let Some(eid) = &s.entity {
            nn += 1;
            let name = entities
                .get(eid.as_str())
                .map_or(s.text.as_str(), |e| e.name.as_str());
            let _ = writeln!(
                ann,
                "N{nn}\tReference T{} {ENTITY_DB}:{}\t{}",
                i + 1,
                encode_name(eid),
                escape_text(name)
            );
        }
    }
    for (i, s) in exported.iter().enumerate() {
        if let Some(note) = &s.note {
            hash += 1;
            let _ = writeln!(
                ann,
                "#{hash}\tAnnotatorNotes T{}\t{}",
                i + 1,
                escape_text(note)
            );
        }
    }
    ann
}

fn conf_files(project: &Project, units: &[ExportUnit]) -> (String, String) {
    let schema = &project.schema;
    // Labels: the schema's, then any others used.
    let mut labels: Vec<String> = schema.labels.iter().map(|l| l.id.clone()).collect();
    let mut kinds: Vec<String> = schema.relations.iter().map(|r| r.id.clone()).collect();
    // Attribute name → (labels, values), schema first.
    let mut attrs: BTreeMap<String, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    for l in &schema.labels {
        for a in &l.attributes {
            let e = attrs.entry(a.name.clone()).or_default();
            e.0.insert(l.id.clone());
            for v in &a.values {
                if !e.1.contains(v) {
                    e.1.push(v.clone());
                }
            }
        }
    }
    for unit in units {
        for s in unit.spans() {
            if !labels.contains(&s.label) {
                labels.push(s.label.clone());
            }
            for (name, value) in &s.attributes {
                let e = attrs.entry(name.clone()).or_default();
                e.0.insert(s.label.clone());
                if !e.1.contains(value) {
                    e.1.push(value.clone());
                }
            }
        }
        for r in unit.relations() {
            if !kinds.contains(&r.kind) {
                kinds.push(r.kind.clone());
            }
        }
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "<ENTITY>".to_string()
        } else {
            v.iter()
                .map(|s| encode_name(s))
                .collect::<Vec<_>>()
                .join("|")
        }
    };
    let mut conf = String::from(
        "# brat annotation configuration, generated by Hashiya from the project schema.\n\n[entities]\n",
    );
    for l in &labels {
        let _ = writeln!(conf, "{}", encode_name(l));
    }
    conf.push_str("\n[relations]\n");
    for k in &kinds {
        let (from, to) = schema
            .relation_type(k)
            .map(|t| (list(&t.from), list(&t.to)))
            .unwrap_or_else(|| ("<ENTITY>".into(), "<ENTITY>".into()));
        let _ = writeln!(conf, "{}\tArg1:{from}, Arg2:{to}", encode_name(k));
    }
    conf.push_str("# Hashiya spans may nest and overlap.\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    conf.push_str("\n[events]\n\n[attributes]\n");
    for (name, (on, values)) in &attrs {
        let on: Vec<String> = on.iter().cloned().collect();
        if values.is_empty() {
            let _ = writeln!(conf, "{}\tArg:{}", encode_name(name), list(&on));
        } else {
            let _ = writeln!(
                conf,
                "{}\tArg:{}, Value:{}",
                encode_name(name),
                list(&on),
                values
                    .iter()
                    .map(|v| encode_name(v))
                    .collect::<Vec<_>>()
                    .join("|")
            );
        }
    }

    let clean = |s: &str| s.replace(['|', '\t', '\n'], " ");
    let mut visual = String::from(
        "# brat visual configuration, generated by Hashiya.\n\n[options]\nText direction:rtl\nArcs bundle:all\n\n[labels]\n",
    );
    for l in &labels {
        match schema.label(l) {
            Some(def) => {
                let mut line = format!("{} | {}", encode_name(l), clean(&def.name));
                if let Some(ar) = &def.name_ar {
                    let _ = write!(line, " | {}", clean(ar));
                }
                let _ = writeln!(visual, "{line}");
            }
            None => {
                let _ = writeln!(visual, "{} | {}", encode_name(l), clean(l));
            }
        }
    }
    for k in &kinds {
        let name = schema
            .relation_type(k)
            .map_or(k.as_str(), |t| t.name.as_str());
        let _ = writeln!(visual, "{} | {}", encode_name(k), clean(name));
    }
    visual.push_str("\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\nARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n");
    for l in &schema.labels {
        let _ = writeln!(visual, "{}\tbgColor:{}", encode_name(&l.id), l.color);
    }
    (conf, visual)
}

/// `per_annotator`: put each annotator's documents in a sub-folder named after them
/// (an export of every set); otherwise everything is at the top (an export of one
/// annotator's sets).
pub(crate) fn export(
    project: &Project,
    units: &[ExportUnit],
    per_annotator: bool,
    bom: bool,
    progress: Progress,
) -> Result<Output, FormatError> {
    let mut folder_names = FileNamer::new();
    let mut folders: HashMap<Option<&str>, (Option<String>, FileNamer)> = HashMap::new();
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let (conf, visual) = conf_files(project, units);
    files.push((vec!["annotation.conf".to_string()], conf.into_bytes()));
    files.push((vec!["visual.conf".to_string()], visual.into_bytes()));
    for (n, unit) in units.iter().enumerate() {
        let key = if per_annotator { unit.annotator } else { None };
        let (folder, namer) = folders
            .entry(key)
            .or_insert_with(|| (key.map(|a| folder_names.stem(a)), FileNamer::new()));
        let stem = namer.stem(&unit.doc.id);
        let path = |ext: &str| -> Vec<String> {
            let mut p: Vec<String> = folder.iter().cloned().collect();
            p.push(format!("{stem}.{ext}"));
            p
        };
        files.push((path("txt"), unit.doc.text.clone().into_bytes()));
        files.push((path("ann"), ann_for(project, unit, &mut notes).into_bytes()));
        progress(n + 1, units.len());
    }
    if let Some(meta) = metadata_csv(units, bom)? {
        files.push((vec!["metadata.csv".to_string()], meta));
    }
    Ok(Output {
        rendered: Rendered::Folder(files),
        report: ExportReport {
            notes,
            ..Default::default()
        },
        side_files: Vec::new(),
    })
}

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
    let mut textbounds: BTreeMap<String, TextBound> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut relations: Vec<(usize, Relation)> = Vec::new();
    let mut attributes: Vec<(usize, String, String, String)> = Vec::new();
    let mut links: Vec<(usize, String, String, String)> = Vec::new();
    let mut notes: Vec<(usize, String, String)> = Vec::new();
    let mut ids = std::collections::HashSet::new();

    for (i, line) in ann.split('\n').enumerate() {
        let ln = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let mut bad = |reason: String| issues.push(ImportIssue::new(path, Some(ln), reason));
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let id = fields[0];
        let data = fields.get(1).copied().unwrap_or("");
        let tail = fields.get(2).copied();
        let kind = id.chars().next().unwrap_or(' ');
        if kind != '*' && !ids.insert(id.to_string()) {
            bad(format!("the id {id} is used twice"));
            continue;
        }
        let words: Vec<&str> = data.split(' ').filter(|w| !w.is_empty()).collect();
        match kind {
            'T' => {
                let Some(text) = tail else {
                    bad(format!(
                        "{id}: a T line needs three tab-separated fields: id, \"type start end\", text"
                    ));
                    continue;
                };
                let Some((label, rest)) = data.split_once(' ') else {
                    bad(format!("{id}: expected \"type start end\" after the id, found \"{data}\""));
                    continue;
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
                    bad(format!(
                        "{id}: offsets \"{rest}\" are not \"start end\" pairs of whole numbers separated by ';'"
                    ));
                    continue;
                }
                let label = match decode_name(label) {
                    Ok(l) => l,
                    Err(e) => {
                        bad(format!("{id}: {e}"));
                        continue;
                    }
                };
                order.push(id.to_string());
                textbounds.insert(
                    id.to_string(),
                    TextBound {
                        line: ln,
                        label,
                        frags,
                        text: text.to_string(),
                    },
                );
            }
            'R' => {
                let args: Vec<Option<(&str, &str)>> =
                    words.iter().skip(1).map(|w| w.split_once(':')).collect();
                match (words.first(), args.as_slice()) {
                    (Some(kind), [Some((_, from)), Some((_, to))]) => match decode_name(kind) {
                        Ok(kind) => relations.push((
                            ln,
                            Relation {
                                id: id.to_string(),
                                kind,
                                from: from.to_string(),
                                to: to.to_string(),
                            },
                        )),
                        Err(e) => bad(format!("{id}: {e}")),
                    },
                    _ => bad(format!(
                        "{id}: a relation needs \"type Arg1:T1 Arg2:T2\", found \"{data}\""
                    )),
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
                        (Ok(n), Ok(v)) => attributes.push((ln, target.to_string(), n, v)),
                        (Err(e), _) | (_, Err(e)) => bad(format!("{id}: {e}")),
                    }
                }
                _ => bad(format!("{id}: an attribute needs \"name target [value]\", found \"{data}\"")),
            },
            'N' => match (words.as_slice(), tail) {
                ([_, target, reference], Some(name)) if reference.contains(':') => {
                    let (db, key) = reference.split_once(':').unwrap_or_default();
                    let entity = if db == ENTITY_DB {
                        decode_name(key)
                    } else {
                        Ok(reference.to_string())
                    };
                    match entity {
                        Ok(e) => links.push((ln, target.to_string(), e, unescape_text(name))),
                        Err(e) => bad(format!("{id}: {e}")),
                    }
                }
                _ => bad(format!(
                    "{id}: a normalisation needs \"Reference T1 DB:ID\" and a tab-separated name"
                )),
            },
            '#' => match (words.as_slice(), tail) {
                ([_, target], note) => {
                    notes.push((ln, target.to_string(), unescape_text(note.unwrap_or(""))))
                }
                _ => bad(format!("{id}: a note needs \"AnnotatorNotes T1\" then a tab and the text")),
            },
            'E' => bad(format!("{id}: events are not supported by Hashiya (only text spans, relations, attributes, normalisations and notes)")),
            '*' => bad("equivalence (*) lines are not supported by Hashiya; link the spans to one entity instead".to_string()),
            _ => bad(format!("not a brat annotation line (ids start with T, R, A, M, N, #, E or *): \"{line}\"")),
        }
    }

    // Spans, checked against the raw text.
    let mut spans: BTreeMap<String, IncomingSpan> = BTreeMap::new();
    for id in &order {
        let t = &textbounds[id];
        let mut bad = |reason: String| issues.push(ImportIssue::new(path, Some(t.line), reason));
        if let Some(&(a, b)) = t.frags.iter().find(|(a, b)| a >= b || *b > raw_chars.len()) {
            bad(if a >= b {
                format!("{id}: fragment {a} {b} does not have start before end")
            } else {
                format!(
                    "{id}: offset {b} is past the end of {} ({} code points); brat offsets count Unicode code points",
                    pair.txt.display(),
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
                pair.txt.display()
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
    for (ln, target, name, value) in attributes {
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
    for (ln, target, entity, name) in links {
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
    for (ln, target, note) in notes {
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
    for (ln, r) in &relations {
        for end in [&r.from, &r.to] {
            if !textbounds.contains_key(end) {
                issues.push(unknown_target(path, *ln, end, "a relation"));
            }
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    inc.annotated = !spans.is_empty();
    inc.spans = order.iter().filter_map(|id| spans.remove(id)).collect();
    inc.relations = relations.into_iter().map(|(_, r)| r).collect();
    Ok(inc)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in [
            "actor",
            "armed group",
            "a%b",
            "درنة",
            "x|y,z:w",
            "said_by",
            "e-haftar",
            "😀",
        ] {
            assert_eq!(decode_name(&encode_name(s)).unwrap(), s);
        }
        assert_eq!(encode_name("armed group"), "armed%20group");
        assert_eq!(encode_name("e-haftar"), "e-haftar");
        assert_eq!(decode_name("100%").unwrap(), "100%");
    }

    #[test]
    fn free_text_round_trips() {
        for s in [
            "a\nb",
            "tab\there",
            "back\\slash",
            "\\n literal",
            "line\u{2028}sep",
            "«نص»",
        ] {
            let e = escape_text(s);
            assert!(!e.chars().any(is_line_break), "{e:?}");
            assert_eq!(unescape_text(&e), s);
        }
    }

    #[test]
    fn fragments_split_at_line_breaks() {
        let chars: Vec<char> = "ab\ncd\n\nef".chars().collect();
        assert_eq!(fragments(&chars, 0, 9), vec![(0, 2), (3, 5), (7, 9)]);
        assert_eq!(fragments(&chars, 2, 3), vec![]);
        assert_eq!(fragments(&chars, 1, 4), vec![(1, 2), (3, 4)]);
    }
}
