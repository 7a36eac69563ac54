//! The `hashiya` program: with no subcommand it opens the GUI; subcommands run the same
//! library code headless.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        None => {
            // Screenshots are for documentation and CI: no personal settings, no prompt.
            let config_path = if cli.screenshot.is_some() {
                None
            } else {
                hashiya::ui::config::default_path()
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
                },
            )
        }
        Some(Command::Validate { files }) => validate(&files),
        Some(Command::Fmt { files }) => fmt(&files),
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

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The sample project: the file in `projects/` when run from the source tree, else the
/// copy built into the binary.
const SAMPLE: &[u8] = include_bytes!("../projects/derna-sirte.json");

fn gui(project: Option<PathBuf>, opts: StartOptions) -> ExitCode {
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
    let mut opts = opts;
    if let Some(p) = &path {
        match store::recovery::pending_recovery(p) {
            Some(Ok(rec)) => opts.recovery = Some(rec),
            Some(Err(e)) => eprintln!("warning: a recovery file exists but cannot be read: {e}"),
            None => {}
        }
    }
    let ws = Workspace::new(loaded.project, path, loaded.warnings);
    run_gui(ws, opts)
}

fn run_gui(ws: hashiya::ui::Workspace, opts: StartOptions) -> ExitCode {
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
