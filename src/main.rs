//! The `hashiya` program: with no subcommand it opens the GUI; subcommands run the same
//! library code headless.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use hashiya::formats::{self, ExportFormat, ImportFormat};
use hashiya::store;

/// Hashiya (حاشية): annotate claims, actors and locations in Arabic news articles.
#[derive(Parser)]
#[command(name = "hashiya", version, about)]
struct Cli {
    /// Project to open in the GUI (default: the bundled sample project).
    project: Option<PathBuf>,
    /// Render the first full frame of the article to this PNG file, then quit.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check project files: print their counts and warnings; exit 1 if any is invalid.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rewrite project files in canonical form (stable order, pretty JSON), atomically.
    Fmt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the project format.
    Schema,
    /// Export a project for another tool: jsonl, doccano, brat, conll, csv, labelstudio.
    ///
    /// OUT is a folder for brat and a file for the others. Every file is written
    /// atomically; document ids are sanitised before they become file names.
    Export {
        /// jsonl (native), doccano, brat, conll, csv or labelstudio.
        #[arg(long, value_parser = parse_export_format)]
        format: ExportFormat,
        /// The project file.
        project: PathBuf,
        /// Output file (or folder, for brat).
        out: PathBuf,
        /// Export only this annotator's sets (needed for CoNLL when there are several).
        #[arg(long, value_name = "ANNOTATOR")]
        set: Option<String>,
        /// CSV: leave out the UTF-8 byte order mark (it is there by default, for Excel).
        #[arg(long)]
        no_bom: bool,
        /// Export only spans with these labels, and the relations between them
        /// (e.g. --labels actor,location for a CoNLL file that claims do not hide).
        #[arg(long, value_delimiter = ',', value_name = "LABEL,...")]
        labels: Option<Vec<String>>,
    },
    /// Import documents (and annotations) into a project, creating it if needed.
    ///
    /// All or nothing: every input is read and checked first, and the project is saved
    /// (atomically) only if nothing is wrong; otherwise every problem is listed with its
    /// file and line.
    Import {
        /// text (.txt files or folders), jsonl (native), doccano, brat or labelstudio.
        #[arg(long, value_parser = parse_import_format)]
        format: ImportFormat,
        /// Input files or folders.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The project to create or extend.
        #[arg(long, value_name = "PROJECT.json")]
        into: PathBuf,
        /// Annotator of the imported sets, replacing the names in the input (default:
        /// the input's names, else brat, doccano, labelstudio or imported).
        #[arg(long)]
        annotator: Option<String>,
    },
    /// Lay out a text exactly as the article view does and print it as JSON.
    Layout {
        /// UTF-8 text file to lay out.
        #[arg(long)]
        text_file: PathBuf,
        /// Wrap width in pixels.
        #[arg(long, default_value_t = 800.0)]
        width: f32,
        /// Font size (em) in pixels.
        #[arg(long, default_value_t = 22.0)]
        font_size: f32,
        /// Print JSON (the only output format).
        #[arg(long)]
        json: bool,
        /// Code point ranges START:END whose highlight rectangles to print.
        #[arg(long, value_name = "S:E")]
        range: Vec<String>,
        /// Points X,Y to hit-test.
        #[arg(long, value_name = "X,Y")]
        hit: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => gui(cli.project, cli.screenshot),
        Some(Command::Validate { files }) => validate(&files),
        Some(Command::Fmt { files }) => fmt(&files),
        Some(Command::Export {
            format,
            project,
            out,
            set,
            no_bom,
            labels,
        }) => export(format, &project, &out, set, !no_bom, labels),
        Some(Command::Import {
            format,
            inputs,
            into,
            annotator,
        }) => import(format, &inputs, &into, annotator),
        Some(Command::Schema) => {
            print!("{}", store::json_schema());
            ExitCode::SUCCESS
        }
        Some(Command::Layout {
            text_file,
            width,
            font_size,
            json: _,
            range,
            hit,
        }) => layout(&text_file, width, font_size, &range, &hit),
    }
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for f in files {
        match store::load(f) {
            Ok(loaded) => {
                let p = &loaded.project;
                let spans: usize = p.sets.iter().map(|s| s.spans.len()).sum();
                let relations: usize = p.sets.iter().map(|s| s.relations.len()).sum();
                println!(
                    "{}: ok — {} document{}, {} set{}, {} span{}, {} relation{}, {} entit{}, {} warning{}",
                    f.display(),
                    p.documents.len(),
                    plural(p.documents.len()),
                    p.sets.len(),
                    plural(p.sets.len()),
                    spans,
                    plural(spans),
                    relations,
                    plural(relations),
                    p.entities.len(),
                    if p.entities.len() == 1 { "y" } else { "ies" },
                    loaded.warnings.len(),
                    plural(loaded.warnings.len()),
                );
                for w in &loaded.warnings {
                    println!("  warning: {w}");
                }
            }
            Err(e) => {
                ok = false;
                eprintln!("error: {e}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn fmt(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for f in files {
        match store::load(f).and_then(|l| store::save(&l.project, f)) {
            Ok(()) => println!("{}: rewritten", f.display()),
            Err(e) => {
                ok = false;
                eprintln!("error: {e}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn parse_export_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::from_name(s).ok_or_else(|| {
        let names: Vec<_> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown export format; use one of: {}", names.join(", "))
    })
}

fn parse_import_format(s: &str) -> Result<ImportFormat, String> {
    ImportFormat::from_name(s).ok_or_else(|| {
        let names: Vec<_> = ImportFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown import format; use one of: {}", names.join(", "))
    })
}

fn export(
    format: ExportFormat,
    project: &std::path::Path,
    out: &std::path::Path,
    set: Option<String>,
    bom: bool,
    labels: Option<Vec<String>>,
) -> ExitCode {
    let loaded = match store::load(project) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let opts = formats::ExportOptions {
        annotator: set,
        bom,
        labels,
    };
    match formats::export(&loaded.project, format, out, &opts, &mut |_, _| {}) {
        Ok(r) => {
            println!(
                "{}: wrote {} file{} ({}): {} document{}, {} set{}, {} span{}, {} relation{}",
                out.display(),
                r.files.len(),
                plural(r.files.len()),
                format.name(),
                r.documents,
                plural(r.documents),
                r.sets,
                plural(r.sets),
                r.spans,
                plural(r.spans),
                r.relations,
                plural(r.relations),
            );
            for n in &r.notes {
                println!("  note: {n}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn import(
    format: ImportFormat,
    inputs: &[PathBuf],
    into: &std::path::Path,
    annotator: Option<String>,
) -> ExitCode {
    let existed = into.exists();
    let opts = formats::ImportOptions { annotator };
    match formats::import_into_file(into, format, inputs, &opts, &mut |_, _| {}) {
        Ok(r) => {
            println!(
                "{}: {} — read {} file{}; added {} document{} ({} already there got new sets), {} set{}, {} span{}, {} relation{}, {} entit{}",
                into.display(),
                if existed { "extended" } else { "created" },
                r.files_read,
                plural(r.files_read),
                r.documents_added,
                plural(r.documents_added),
                r.documents_reused,
                r.sets_added,
                plural(r.sets_added),
                r.spans_added,
                plural(r.spans_added),
                r.relations_added,
                plural(r.relations_added),
                r.entities_added,
                if r.entities_added == 1 { "y" } else { "ies" },
            );
            if !r.labels_added.is_empty() {
                println!(
                    "  labels added to the schema: {}",
                    r.labels_added.join(", ")
                );
            }
            if !r.relation_types_added.is_empty() {
                println!(
                    "  relation types added to the schema: {}",
                    r.relation_types_added.join(", ")
                );
            }
            for w in &r.warnings {
                println!("  warning: {w}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The sample project: the file in `projects/` when run from the source tree, else the
/// copy built into the binary.
const SAMPLE: &[u8] = include_bytes!("../projects/derna-sirte.json");

fn gui(project: Option<PathBuf>, screenshot: Option<PathBuf>) -> ExitCode {
    use hashiya::ui::Workspace;
    let (loaded, path) = match project {
        Some(p) => match store::load(&p) {
            Ok(l) => (l, Some(p)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => {
            let here = PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/projects/derna-sirte.json"
            ));
            let local = PathBuf::from("projects/derna-sirte.json");
            let found = [local, here].into_iter().find(|p| p.is_file());
            match found.as_ref().map(|p| store::load(p)) {
                Some(Ok(l)) => (l, found),
                _ => match store::parse(std::path::Path::new("derna-sirte.json"), SAMPLE) {
                    Ok(l) => (l, None),
                    Err(e) => {
                        eprintln!("error: the built-in sample is broken: {e}");
                        return ExitCode::FAILURE;
                    }
                },
            }
        }
    };
    if let Some(p) = &path
        && let Some(Ok(rec)) = store::recovery::pending_recovery(p)
    {
        eprintln!(
            "note: {} holds unsaved work newer than the project; it is opened instead (save to keep it)",
            store::recovery::recovery_path(p).display()
        );
        let ws = Workspace::new(rec.project, path.clone(), rec.warnings);
        return run_gui(ws, screenshot);
    }
    let ws = Workspace::new(loaded.project, path, loaded.warnings);
    run_gui(ws, screenshot)
}

fn run_gui(ws: hashiya::ui::Workspace, screenshot: Option<PathBuf>) -> ExitCode {
    use hashiya::ui::{HashiyaApp, StartOptions};
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("Hashiya"),
        ..Default::default()
    };
    let opts = StartOptions { screenshot };
    let result = eframe::run_native(
        "Hashiya",
        options,
        Box::new(move |cc| Ok(Box::new(HashiyaApp::new(&cc.egui_ctx, ws, opts)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: could not open a window: {e}. On Linux the app needs X11 or Wayland and OpenGL libraries (see README)."
            );
            ExitCode::FAILURE
        }
    }
}

fn layout(
    text_file: &std::path::Path,
    width: f32,
    font_size: f32,
    ranges: &[String],
    hits: &[String],
) -> ExitCode {
    let text = match std::fs::read_to_string(text_file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", text_file.display());
            return ExitCode::FAILURE;
        }
    };
    let mut parsed_ranges = Vec::new();
    for r in ranges {
        match r
            .split_once(':')
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
        {
            Some(p) => parsed_ranges.push(p),
            None => {
                eprintln!("error: --range {r}: expected START:END in code points, e.g. 10:15");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut parsed_hits = Vec::new();
    for h in hits {
        match h
            .split_once(',')
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
        {
            Some(p) => parsed_hits.push(p),
            None => {
                eprintln!("error: --hit {h}: expected X,Y in pixels, e.g. 120.5,30");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut engine = hashiya::text::TextEngine::new();
    let params = hashiya::text::LayoutParams::new(width, font_size);
    let v =
        hashiya::text::inspect::describe(&mut engine, &text, params, &parsed_ranges, &parsed_hits);
    println!("{v}");
    ExitCode::SUCCESS
}
