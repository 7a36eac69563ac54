//! The `hashiya` program: with no subcommand it opens the GUI; subcommands run the same
//! library code headless.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use hashiya::formats::{self, ExportFormat, ImportFormat};
use hashiya::store;
use hashiya::ui::StartOptions;

/// Hashiya (حاشية): annotate claims, actors and locations in Arabic news articles.
#[derive(Parser)]
#[command(name = "hashiya", version, about)]
struct Cli {
    /// Project to open in the GUI (default: the bundled sample project).
    project: Option<PathBuf>,
    /// Render the first full frame of the article to this PNG file, then quit.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// Select a span by id at start (e.g. for screenshots).
    #[arg(long, value_name = "SPAN_ID")]
    select: Option<String>,
    /// Open the search bar with a query at start.
    #[arg(long, value_name = "QUERY")]
    find: Option<String>,
    /// Start in the dark theme.
    #[arg(long)]
    dark: bool,
    /// Open the review of a colleague's project (their labels next to yours).
    #[arg(long, value_name = "OTHER.json")]
    compare: Option<PathBuf>,
    /// Quit as soon as the first frame with the article is drawn (for timing start-up).
    #[arg(long, hide = true)]
    quit_after_first_frame: bool,
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
    /// Compare annotators over the documents their projects share (same text): span diff
    /// (exact, partial, label mismatch, only A, only B), precision/recall/F1 with the first
    /// annotator as reference, relations, attributes, and Cohen's κ / Krippendorff's α on
    /// tokens (Fleiss' κ too with three or more annotators).
    Agree {
        /// Project files, one per annotator (give the same file twice to compare two
        /// annotators of one project).
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Which annotator of each file, comma-separated in file order (default: the
        /// first annotator of each file; leave an entry empty for the default, e.g. `,b`).
        #[arg(long, value_delimiter = ',', value_name = "A,B")]
        annotators: Vec<String>,
        /// Print the full report as JSON (see README, "`hashiya agree` JSON").
        #[arg(long, conflicts_with_all = ["csv", "html", "dump_tokens"])]
        json: bool,
        /// Print one CSV row per diff entry.
        #[arg(long, conflicts_with_all = ["html", "dump_tokens"])]
        csv: bool,
        /// Print a standalone HTML report.
        #[arg(long, conflicts_with = "dump_tokens")]
        html: bool,
        /// Print every compared token with each annotator's label, as JSON (to check the
        /// figures with other tools).
        #[arg(long)]
        dump_tokens: bool,
    },
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
    /// Processes for the reliability tests (kill tests, panic recovery).
    #[command(hide = true)]
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Subcommand)]
enum DebugCommand {
    /// Rewrite FILE again and again through the normal save (the sample project plus
    /// generated spans, different each time); print each iteration number once saved.
    SaveLoop {
        file: PathBuf,
        /// Generated spans in the extra set.
        #[arg(long, default_value_t = 20_000)]
        spans: usize,
        /// Stop after this many saves (default: never).
        #[arg(long)]
        iterations: Option<u64>,
        /// Number of the first iteration.
        #[arg(long, default_value_t = 1)]
        first: u64,
    },
    /// Load FILE, edit it, register the edit as unsaved work, then panic.
    PanicAfterEdit { file: PathBuf },
    /// Load FILE, edit and autosave it, edit again without autosaving, print "ready",
    /// then wait to be killed.
    AutosaveThenHang { file: PathBuf },
}

fn main() -> ExitCode {
    // Freed layout memory is kept for the next layout (see text::memory).
    hashiya::text::memory::keep_freed_memory();
    let cli = Cli::parse();
    match cli.command {
        None => {
            // Screenshots are for documentation and CI: no personal settings, no prompt.
            let config_path = if cli.screenshot.is_some() || cli.quit_after_first_frame {
                None
            } else {
                hashiya::workspace::config::default_path()
            };
            gui(
                cli.project,
                StartOptions {
                    screenshot: cli.screenshot,
                    select_span: cli.select,
                    search: cli.find,
                    config_path,
                    recovery: None,
                    dark: cli.dark,
                    compare: cli.compare,
                    quit_after_first_frame: cli.quit_after_first_frame,
                },
            )
        }
        Some(Command::Validate { files }) => validate(&files),
        Some(Command::Fmt { files }) => fmt(&files),
        Some(Command::Schema) => {
            print!("{}", store::json_schema());
            ExitCode::SUCCESS
        }
        Some(Command::Agree {
            files,
            annotators,
            json,
            csv,
            html,
            dump_tokens,
        }) => {
            let output = if json {
                AgreeOutput::Json
            } else if csv {
                AgreeOutput::Csv
            } else if html {
                AgreeOutput::Html
            } else if dump_tokens {
                AgreeOutput::Tokens
            } else {
                AgreeOutput::Text
            };
            agree(&files, &annotators, output)
        }
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
        Some(Command::Layout {
            text_file,
            width,
            font_size,
            json: _,
            range,
            hit,
        }) => layout(&text_file, width, font_size, &range, &hit),
        Some(Command::Debug { command }) => match debug(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn debug(command: DebugCommand) -> Result<(), String> {
    use hashiya::debug as d;
    use std::io::Write;
    match command {
        DebugCommand::SaveLoop {
            file,
            spans,
            iterations,
            first,
        } => {
            let base = d::sample().map_err(|e| e.to_string())?;
            let mut out = std::io::stdout().lock();
            let last = iterations.map(|n| first.saturating_add(n));
            let mut i = first;
            while last.is_none_or(|l| i < l) {
                let project = d::save_loop_project(&base, i, spans);
                store::save(&project, &file).map_err(|e| e.to_string())?;
                writeln!(out, "{i}")
                    .and_then(|()| out.flush())
                    .map_err(|e| e.to_string())?;
                i += 1;
            }
            Ok(())
        }
        DebugCommand::PanicAfterEdit { file } => d::panic_after_edit(&file),
        DebugCommand::AutosaveThenHang { file } => d::autosave_then_hang(&file),
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

enum AgreeOutput {
    Text,
    Json,
    Csv,
    Html,
    Tokens,
}

fn agree(files: &[PathBuf], annotators: &[String], output: AgreeOutput) -> ExitCode {
    use hashiya::review::{self, Side, render};
    if !annotators.is_empty() && annotators.len() != files.len() {
        eprintln!(
            "error: --annotators names {} annotator{} for {} files; give one per file, in file order (an empty entry picks the file's first annotator)",
            annotators.len(),
            plural(annotators.len()),
            files.len()
        );
        return ExitCode::FAILURE;
    }
    let mut loaded = Vec::with_capacity(files.len());
    for f in files {
        match store::load(f) {
            Ok(l) => {
                for w in &l.warnings {
                    eprintln!("warning: {}: {w}", f.display());
                }
                loaded.push(l);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let sources: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut sides = Vec::with_capacity(files.len());
    for (k, l) in loaded.iter().enumerate() {
        let wanted = annotators
            .get(k)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty());
        match review::report::pick_annotator(&l.project, wanted) {
            Ok(annotator) => sides.push(Side {
                project: &l.project,
                annotator,
                source: &sources[k],
            }),
            Err(e) => {
                eprintln!("error: {}: {e}", files[k].display());
                return ExitCode::FAILURE;
            }
        }
    }
    if let AgreeOutput::Tokens = output {
        let dump = review::report::token_dump(&sides);
        return match serde_json::to_string_pretty(&dump) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: could not serialise the tokens: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let report = match review::compare_projects(&sides) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let format = match output {
        AgreeOutput::Json => render::ReportFormat::Json,
        AgreeOutput::Csv => render::ReportFormat::Csv,
        AgreeOutput::Html => render::ReportFormat::Html,
        AgreeOutput::Text | AgreeOutput::Tokens => render::ReportFormat::Text,
    };
    match render::render(&report, format) {
        Ok(s) => print!("{s}"),
        Err(e) => {
            eprintln!("error: could not serialise the report: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.documents.matched.is_empty() {
        eprintln!(
            "error: no document has the same text in every project and a set by every annotator, so nothing was compared (see the document list above)"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
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
        split_clitics: false,
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

fn gui(project: Option<PathBuf>, opts: StartOptions) -> ExitCode {
    use hashiya::workspace::Workspace;
    // Writes the work registered with `store::recovery::set_unsaved` if anything panics.
    store::recovery::install_panic_hook();
    let opened = match &project {
        Some(p) => Workspace::open(p),
        None => Workspace::open_sample(),
    };
    let ws = match opened {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut opts = opts;
    match ws.pending_recovery() {
        Some(Ok(rec)) => opts.recovery = Some(rec),
        Some(Err(e)) => eprintln!("warning: a recovery file exists but cannot be read: {e}"),
        None => {}
    }
    run_gui(ws, opts)
}

fn run_gui(ws: hashiya::workspace::Workspace, opts: StartOptions) -> ExitCode {
    use hashiya::ui::HashiyaApp;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("Hashiya"),
        ..Default::default()
    };
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
