//! Support for the hidden `hashiya debug …` subcommands that the reliability tests run
//! as real processes (`tests/kill.rs`, `tests/recovery.rs`). Not part of the app.

use std::path::Path;

use crate::model::{AnnotationSet, Project, Span};
use crate::store;

pub use crate::store::sample::{SAMPLE, sample};

/// Annotator of the set that [`save_loop_project`] adds.
pub const SAVE_LOOP_ANNOTATOR: &str = "save-loop";

/// What `hashiya debug save-loop` writes at `iteration`: `base` plus a set of `spans`
/// generated spans over its first document that move with the iteration, and the
/// iteration number in the project name. A pure function of its arguments, so a test
/// can rebuild the exact bytes of any iteration.
pub fn save_loop_project(base: &Project, iteration: u64, spans: usize) -> Project {
    let mut p = base.clone();
    p.name = format!("save-loop iteration {iteration}");
    let Some(doc) = p.documents.first() else {
        return p;
    };
    let chars: Vec<char> = doc.text.chars().collect();
    let labels: Vec<String> = p.schema.labels.iter().map(|l| l.id.clone()).collect();
    let mut set = AnnotationSet::new(SAVE_LOOP_ANNOTATOR, doc.id.clone());
    let n = chars.len() as u64;
    if n >= 2 && !labels.is_empty() {
        for j in 0..spans as u64 {
            let len = 1 + (j * 7 + iteration) % 12u64.min(n - 1);
            let start = (j * 131 + iteration * 17) % (n - len);
            let (s, e) = (start as usize, (start + len) as usize);
            let label = &labels[((j + iteration) % labels.len() as u64) as usize];
            let text: String = chars[s..e].iter().collect();
            set.spans
                .push(Span::new(format!("x{j:06}"), s, e, label.clone(), text));
        }
    }
    p.sets.push(set);
    p.canonicalize();
    p
}

/// The project name `hashiya debug panic-after-edit` and `autosave-then-hang` give
/// to the edit that only the panic hook (not the autosave) writes.
pub const UNSAVED_EDIT_NAME: &str = "edited after the last autosave";
/// The project name of the edit that `autosave-then-hang` writes with an autosave.
pub const AUTOSAVED_EDIT_NAME: &str = "edited and autosaved";

/// What the `parse` fuzz target (and its proptest mirror) checks on arbitrary bytes:
/// parsing (and the quick preview of `store::preview`) never panics, and a project that
/// loads saves to bytes that load to the same project and save to the same bytes again.
pub fn check_parse(bytes: &[u8]) {
    let path = Path::new("fuzz.json");
    // The quick preview of a large file never panics either, and when the whole file
    // loads, the preview is its first document with that document's sets.
    let preview = store::preview::preview(bytes);
    if let (Some(pv), Ok(full)) = (&preview, store::parse(path, bytes)) {
        let full = full.project;
        assert_eq!(
            pv.documents.first(),
            full.documents.first(),
            "preview's document"
        );
        assert_eq!(pv.schema, full.schema, "preview's schema");
    }
    if let Ok(loaded) = store::parse(path, bytes) {
        let out = store::to_bytes(&loaded.project).expect("a loaded project serialises");
        let again = match store::parse(path, &out) {
            Ok(l) => l,
            Err(e) => panic!("a loaded project saves to a file that does not load: {e}"),
        };
        assert_eq!(
            again.project, loaded.project,
            "load → save → load changed it"
        );
        assert_eq!(
            store::to_bytes(&again.project).expect("serialises"),
            out,
            "saving is not stable"
        );
    }
}

/// A layout and queries on it, decoded from arbitrary bytes (the `layout` fuzz target
/// and its proptest mirror share this decoding, so seeds are easy to write):
/// bytes 0–1 width (u16 LE, 1–3000 px), byte 2 font size (6–95 px), byte 3 number of
/// queries (modulo 17: at most 16, so that the fuzzer explores texts more than queries), then 8 bytes per query (x, y as i16 LE in half pixels — `i16::MIN` is NaN,
/// `i16::MAX` infinity — and a code point range as two u16 LE), then the text
/// (UTF-8, invalid bytes replaced).
#[derive(Debug, Clone)]
pub struct LayoutInput {
    pub width: f32,
    pub font_size: f32,
    pub points: Vec<(f32, f32)>,
    pub ranges: Vec<(usize, usize)>,
    pub text: String,
}

impl LayoutInput {
    pub fn from_bytes(b: &[u8]) -> Self {
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let u16_at = |i: usize| u16::from_le_bytes([at(i), at(i + 1)]);
        let coord = |v: u16| match v as i16 {
            i16::MIN => f32::NAN,
            i16::MAX => f32::INFINITY,
            v => f32::from(v) * 0.5,
        };
        let width = 1.0 + f32::from(u16_at(0) % 3000);
        let font_size = 6.0 + f32::from(at(2) % 90);
        let queries = usize::from(at(3) % 17);
        let mut points = Vec::new();
        let mut ranges = Vec::new();
        let mut i = 4;
        for _ in 0..queries {
            if i + 8 > b.len() {
                break;
            }
            points.push((coord(u16_at(i)), coord(u16_at(i + 2))));
            ranges.push((usize::from(u16_at(i + 4)), usize::from(u16_at(i + 6))));
            i += 8;
        }
        let text = String::from_utf8_lossy(b.get(i..).unwrap_or_default()).into_owned();
        LayoutInput {
            width,
            font_size,
            points,
            ranges,
            text,
        }
    }
}

/// What the `layout` fuzz target checks: laying out any text and querying it at any
/// point or range never panics, and the answers are positions inside the text and
/// finite rectangles.
pub fn check_layout(engine: &mut crate::text::TextEngine, input: &LayoutInput) {
    use crate::text::{ArticleLayout, LayoutParams};
    let layout = ArticleLayout::new(
        engine,
        &input.text,
        LayoutParams::new(input.width, input.font_size),
    );
    let n = input.text.chars().count();
    for line in layout.lines() {
        assert!(line.range.start <= line.range.end && line.range.end <= n);
    }
    let finite = |r: &crate::text::Rect| {
        r.x0.is_finite() && r.x1.is_finite() && r.y0.is_finite() && r.y1.is_finite()
    };
    for &(x, y) in &input.points {
        if let Some(c) = layout.hit_char(x, y) {
            assert!(c < n, "hit_char({x}, {y}) = {c} of {n}");
        }
        let caret = layout.caret_at(x, y);
        assert!(caret <= n, "caret_at({x}, {y}) = {caret} of {n}");
        let r = layout.caret_rect(caret, false);
        assert!(finite(&r), "caret_rect({caret}) = {r:?}");
        for left in [true, false] {
            let m = layout.move_visual(caret, left);
            assert!(m <= n, "move_visual({caret}, {left}) = {m} of {n}");
        }
    }
    for &(s, e) in &input.ranges {
        for r in layout.range_rects(s, e) {
            assert!(finite(&r), "range_rects({s}, {e}) has {r:?}");
        }
    }
}

/// What the `import` fuzz target (and its proptest mirror) checks: every importer, on
/// any bytes, either refuses with a reported issue or returns a project that saves to a
/// file that loads without errors — never a panic, never an invalid project.
///
/// Byte 0 picks the format (`ImportFormat::ALL[b % 10]`: text, JSONL, doccano, brat,
/// Label Studio, CSV, TSV, XLSX, ODS, HTML) and, for the corpus formats, with `b / 10`
/// odd, `skip_bad_rows`; the rest is the file. For brat, the rest is split at the first
/// NUL byte into the `.txt` and the `.ann` file. Tables are imported with the text in
/// column 1 and every other column as metadata. The files are written into `dir` (a
/// fresh or reused scratch folder).
pub fn check_import(dir: &Path, bytes: &[u8]) {
    use crate::formats::{ImportFormat, ImportOptions, import};
    use crate::model::{LabelSchema, Project};

    let Some((&selector, rest)) = bytes.split_first() else {
        return;
    };
    let format = ImportFormat::ALL[usize::from(selector) % ImportFormat::ALL.len()];
    let input = match format {
        ImportFormat::Brat => {
            let (txt, ann) = match rest.iter().position(|&b| b == 0) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &[][..]),
            };
            let txt_path = dir.join("doc.txt");
            std::fs::write(&txt_path, txt).expect("scratch folder is writable");
            std::fs::write(dir.join("doc.ann"), ann).expect("scratch folder is writable");
            txt_path
        }
        other => {
            let ext = match other {
                ImportFormat::Text => "txt",
                ImportFormat::LabelStudio => "json",
                ImportFormat::Jsonl | ImportFormat::Doccano | ImportFormat::Brat => "jsonl",
                ImportFormat::Csv => "csv",
                ImportFormat::Tsv => "tsv",
                ImportFormat::Xlsx => "xlsx",
                ImportFormat::Ods => "ods",
                ImportFormat::Html => "html",
            };
            let path = dir.join(format!("input.{ext}"));
            std::fs::write(&path, rest).expect("scratch folder is writable");
            path
        }
    };
    let base = Project::new("fuzz", LabelSchema::news_default());
    let mut progress = |_: usize, _: usize| {};
    let options = ImportOptions {
        table: Some(crate::formats::TableOptions {
            meta: crate::formats::MetaColumns::All,
            ..crate::formats::TableOptions::text("1")
        }),
        skip_bad_rows: (selector / 10) % 2 == 1,
        ..ImportOptions::default()
    };
    if let Ok(imported) = import(&base, format, &[input], &options, &mut progress) {
        let out = store::to_bytes(&imported.project).expect("an imported project serialises");
        if let Err(e) = store::parse(Path::new("imported.json"), &out) {
            panic!(
                "{} import produced a project that does not load: {e}",
                format.name()
            );
        }
    }
}

/// The edit `hashiya debug panic-after-edit` and `autosave-then-hang` make: a new span
/// in a set of its own (annotator `debug-edit`) and the project renamed to `name`, as
/// the GUI would make them, through the workspace.
fn debug_edit(ws: &mut crate::workspace::Workspace, name: &str) -> Result<(), String> {
    use crate::model::edit::{self, TagOptions};
    if let Some(doc) = ws.project().documents.first() {
        let len = doc.len_chars();
        let key = crate::model::history::SetKey::new("debug-edit", doc.id.clone());
        if let Some(label) = ws.project().schema.labels.first().map(|l| l.id.clone())
            && len > 0
        {
            let cmd = edit::tag(
                ws.project(),
                &key,
                0..len.min(8),
                &label,
                TagOptions::default(),
            );
            ws.apply(cmd);
        }
    }
    ws.apply(edit::rename_project(ws.project(), name))
        .map(|_| ())
        .ok_or_else(|| ws.status().to_string())
}

/// `hashiya debug panic-after-edit FILE`: open, edit, register the unsaved state for the
/// panic hook (as the GUI does every frame), then panic.
/// Opens `file` as the app does (the project, its first document laid out at 800 px,
/// its suggestions), drops it all, and returns the resident memory (kB) while it was
/// open. `hashiya debug memory`.
pub fn open_and_measure(file: &Path) -> Result<u64, String> {
    use crate::text::{ArticleLayout, LayoutParams, TextEngine};
    let mut ws = crate::workspace::Workspace::open(file).map_err(|e| e.to_string())?;
    let mut engine = TextEngine::new();
    let text = ws
        .current_document()
        .map(|d| d.text.clone())
        .unwrap_or_default();
    let layout = ArticleLayout::new(&mut engine, &text, LayoutParams::new(800.0, 22.0));
    let n = ws.current_suggestions().len();
    let rss = resident_kb().ok_or("no /proc/self/status")?;
    drop((layout, engine, ws, n));
    // As the app does when it closes a project.
    crate::text::memory::release_freed_memory();
    Ok(rss)
}

/// Resident memory of this process in kB (Linux).
pub fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn panic_after_edit(file: &Path) -> Result<(), String> {
    store::recovery::install_panic_hook();
    let mut ws = crate::workspace::Workspace::open(file).map_err(|e| e.to_string())?;
    debug_edit(&mut ws, UNSAVED_EDIT_NAME)?;
    ws.register_unsaved();
    panic!("deliberate panic after an edit (hashiya debug panic-after-edit)");
}

/// `hashiya debug autosave-then-hang FILE`: open, edit, autosave (the recovery file),
/// edit again without autosaving (registered for the panic hook only), print "ready",
/// then wait to be killed.
pub fn autosave_then_hang(file: &Path) -> Result<(), String> {
    use std::io::Write;
    store::recovery::install_panic_hook();
    let mut ws = crate::workspace::Workspace::open(file).map_err(|e| e.to_string())?;
    debug_edit(&mut ws, AUTOSAVED_EDIT_NAME)?;
    ws.register_unsaved();
    ws.autosave(true);
    ws.apply(crate::model::edit::rename_project(
        ws.project(),
        UNSAVED_EDIT_NAME,
    ));
    ws.register_unsaved();
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
