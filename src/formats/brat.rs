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
//!   `source` fields present, then the `meta` keys present, sorted, a key that names
//!   an earlier column written `meta:KEY`; UTF-8 with a byte order mark unless
//!   `--no-bom`), since `.txt`/`.ann` have no place for it. Import
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

use super::names::FileNamer;
use super::units::{ExportReport, ExportUnit, Output, Rendered, entity_index, metadata_csv};
use super::{FormatError, Progress};
use crate::model::{Project, Span};

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

mod read;
pub(crate) use read::import;

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
