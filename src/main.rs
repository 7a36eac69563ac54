//! The `hashiya` program: with no subcommand it opens the GUI; subcommands run the same
//! library code headless.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    let cli = Cli::parse();
    match cli.command {
        None => gui(cli.project, cli.screenshot),
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
    use hashiya::model::edit::{self, TagOptions};
    use hashiya::model::history::{Command as Cmd, History, Op, SetKey};
    use std::io::Write;

    // The first edit: a new span in a set of its own, and a new name.
    fn edit(
        history: &mut History,
        project: &mut hashiya::model::Project,
        name: &str,
    ) -> Result<(), String> {
        if let Some(doc) = project.documents.first() {
            let key = SetKey::new("debug-edit", doc.id.clone());
            let len = doc.len_chars();
            let label = project.schema.labels.first().map(|l| l.id.clone());
            if let (Some(label), true) = (label, len > 0)
                && let Ok(cmd) =
                    edit::tag(project, &key, 0..len.min(8), &label, TagOptions::default())
            {
                history.apply(project, cmd).map_err(|e| e.to_string())?;
            }
        }
        let rename = Cmd::single(
            "Rename",
            Op::Rename {
                before: project.name.clone(),
                after: name.to_string(),
            },
        );
        history.apply(project, rename).map_err(|e| e.to_string())
    }

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
        DebugCommand::PanicAfterEdit { file } => {
            store::recovery::install_panic_hook();
            let mut project = store::load(&file).map_err(|e| e.to_string())?.project;
            let mut history = History::new();
            edit(&mut history, &mut project, d::UNSAVED_EDIT_NAME)?;
            store::recovery::set_unsaved(Some(&file), &project);
            panic!("deliberate panic after an edit (hashiya debug panic-after-edit)");
        }
        DebugCommand::AutosaveThenHang { file } => {
            store::recovery::install_panic_hook();
            let mut project = store::load(&file).map_err(|e| e.to_string())?.project;
            let mut history = History::new();
            edit(&mut history, &mut project, d::AUTOSAVED_EDIT_NAME)?;
            store::recovery::set_unsaved(Some(&file), &project);
            // What the GUI's 30 s autosave does.
            store::recovery::write_recovery(&project, &file).map_err(|e| e.to_string())?;
            let rename = Cmd::single(
                "Rename",
                Op::Rename {
                    before: project.name.clone(),
                    after: d::UNSAVED_EDIT_NAME.to_string(),
                },
            );
            history
                .apply(&mut project, rename)
                .map_err(|e| e.to_string())?;
            store::recovery::set_unsaved(Some(&file), &project);
            let mut out = std::io::stdout().lock();
            writeln!(out, "ready")
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())?;
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
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
const SAMPLE: &[u8] = hashiya::debug::SAMPLE;

fn gui(project: Option<PathBuf>, screenshot: Option<PathBuf>) -> ExitCode {
    use hashiya::ui::Workspace;
    // Writes the work registered with `store::recovery::set_unsaved` if anything panics.
    store::recovery::install_panic_hook();
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
