//! The `hashiya` program: with no subcommand it opens the GUI; subcommands run the same
//! library code headless. The arguments are defined in `hashiya::cli`; here each
//! subcommand runs and returns `Result<(), CliError>`, and [`main`] turns that into a
//! message and an exit status in one place.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hashiya::cli::{
    AgreeOutput, Cli, CliCommand, CliError, CodePointRange, DebugCommand, ExportSummary, GuiArgs,
    ImportSummary, Point, ValidateSummary,
};
use hashiya::formats::{self, ExportFormat, ImportFormat};
use hashiya::store;

type Outcome = Result<(), CliError>;

fn main() -> ExitCode {
    // Freed layout memory is kept for the next layout (see text::memory).
    hashiya::text::memory::keep_freed_memory();
    let cli = Cli::parse_args();
    let result = match cli.command {
        None => gui(cli.gui),
        Some(command) => {
            quiet_on_closed_pipe();
            // Everything a subcommand prints on stdout goes through `out`, so that a
            // write error (a closed pipe where SIGPIPE does not end us) is a `CliError`.
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let result = run(command, &mut out);
            let flushed = out.flush().map_err(CliError::Output);
            result.and(flushed)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// A subcommand whose stdout is closed early (`hashiya schema | head -1`) ends quietly
/// with the status pipelines expect, like `cat`: on Unix the default SIGPIPE action ends
/// the process, as the C tools do (Rust ignores SIGPIPE by default, which would turn
/// every later write into an error). Elsewhere the write error reaches `main` as
/// `CliError::Output(BrokenPipe)`, which exits 0 without a message. Not for the GUI: it
/// talks to the display server over sockets, and a broken connection there must be an
/// error the app handles (and a recovery file), not a silent death.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called before any other thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(command: CliCommand, out: &mut dyn Write) -> Outcome {
    match command {
        CliCommand::Validate { files } => validate(&files, out),
        CliCommand::Fmt { files } => fmt(&files, out),
        CliCommand::Schema => write(out, store::json_schema()),
        CliCommand::Agree {
            files,
            annotators,
            json,
            csv,
            html,
            dump_tokens,
        } => agree(
            &files,
            &annotators,
            AgreeOutput::from_flags(json, csv, html, dump_tokens),
            out,
        ),
        CliCommand::Export {
            format,
            project,
            out: path,
            set,
            no_bom,
            labels,
            split_clitics,
        } => {
            let opts = formats::ExportOptions {
                annotator: set,
                bom: !no_bom,
                labels,
                split_clitics,
            };
            export(format, &project, &path, &opts, out)
        }
        c @ CliCommand::Suggest { .. } => hashiya::cli::suggest::run_command(c, out),
        CliCommand::Import {
            format,
            inputs,
            into,
            annotator,
            text_column,
            id_column,
            title_column,
            meta_columns,
            all_meta,
            sheet,
            encoding,
            skip_bad_rows,
        } => {
            let table = text_column.map(|text_column| formats::TableOptions {
                text_column,
                id_column,
                title_column,
                meta: meta_columns_of(meta_columns, all_meta),
                sheet,
                delimiter: None,
            });
            let opts = formats::ImportOptions {
                annotator,
                table,
                encoding,
                skip_bad_rows,
            };
            import(format, &inputs, &into, &opts, out)
        }
        CliCommand::Layout {
            text_file,
            width,
            font_size,
            range,
            hit,
        } => layout(&text_file, width, font_size, &range, &hit, out),
        CliCommand::Completions { shell } => {
            // Rendered first: clap_complete panics on a write error.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "hashiya", &mut script);
            write(out, script)
        }
        CliCommand::Assign {
            corpus,
            annotators,
            per_document,
            overlap,
            seed,
            out: dir,
            force,
            add,
        } => {
            let opts = hashiya::team::assign::AssignOptions {
                annotators,
                per_document,
                overlap,
                seed,
                force,
                add,
            };
            let report = hashiya::team::assign::write_assignment(&corpus, &opts, &dir)
                .map_err(CliError::msg)?;
            write(out, report.to_string())
        }
        CliCommand::Collect {
            into,
            files,
            prefer,
        } => collect(&into, &files, prefer.is_some(), out),
        CliCommand::Status { files, json } => status(&files, json, out),
        CliCommand::Merge {
            base,
            ours,
            theirs,
            path,
            base_name,
            ours_name,
            theirs_name,
            marker_size,
        } => {
            use hashiya::team::merge::{MergeNames, run_driver_named};
            let names = MergeNames {
                path,
                base: base_name,
                ours: ours_name.map(|n| hashiya::team::driver::head_name(&n)),
                theirs: theirs_name,
                marker_size,
            };
            match run_driver_named(&base, &ours, &theirs, &names) {
                0 => Ok(()),
                code => Err(CliError::Status(u8::try_from(code).unwrap_or(2))),
            }
        }
        CliCommand::GitSetup { dir } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            let r = hashiya::team::merge::git_setup(&dir).map_err(CliError::msg)?;
            write(out, r.to_string())
        }
        CliCommand::Manpage { dir } => manpage(dir.as_deref(), out),
        CliCommand::Debug { command } => debug(command, out),
    }
}

fn collect(into: &Path, files: &[PathBuf], prefer_newer: bool, out: &mut dyn Write) -> Outcome {
    let report =
        hashiya::team::collect::collect_into(into, files, prefer_newer).map_err(CliError::msg)?;
    write(out, report.to_string())
}

fn status(files: &[PathBuf], json: bool, out: &mut dyn Write) -> Outcome {
    let mut loaded = Vec::with_capacity(files.len());
    for f in files {
        let l = store::load(f).map_err(CliError::msg)?;
        loaded.push((f.clone(), l.project));
    }
    let report = hashiya::team::status::status(&loaded);
    if json {
        let mut s = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::msg(format!("could not serialise the report: {e}")))?;
        s.push('\n');
        write(out, s)
    } else {
        write(out, report.to_string())
    }
}

/// `--meta-columns` / `--all-meta` of a table import.
fn meta_columns_of(list: Option<Vec<String>>, all: bool) -> formats::MetaColumns {
    if all {
        formats::MetaColumns::All
    } else {
        list.map_or(formats::MetaColumns::None, formats::MetaColumns::List)
    }
}

/// Writes all of `bytes` to stdout; an error is `CliError::Output`.
fn write(out: &mut dyn Write, bytes: impl AsRef<[u8]>) -> Outcome {
    out.write_all(bytes.as_ref()).map_err(CliError::Output)
}

fn debug(command: DebugCommand, out: &mut dyn Write) -> Outcome {
    use hashiya::debug as d;
    match command {
        DebugCommand::SaveLoop {
            file,
            spans,
            iterations,
            first,
        } => {
            let base = d::sample().map_err(CliError::msg)?;
            let last = iterations.map(|n| first.saturating_add(n));
            let mut i = first;
            while last.is_none_or(|l| i < l) {
                let project = d::save_loop_project(&base, i, spans);
                store::save(&project, &file).map_err(CliError::msg)?;
                // The kill test reads each number as soon as the save is done.
                writeln!(out, "{i}")
                    .and_then(|()| out.flush())
                    .map_err(CliError::Output)?;
                i += 1;
            }
            Ok(())
        }
        DebugCommand::Memory { files } => {
            hashiya::text::memory::keep_freed_memory();
            for f in &files {
                let rss = d::open_and_measure(f).map_err(CliError::msg)?;
                writeln!(out, "{}\t{rss} kB", f.display()).map_err(CliError::Output)?;
            }
            Ok(())
        }
        DebugCommand::PanicAfterEdit { file } => d::panic_after_edit(&file).map_err(CliError::msg),
        DebugCommand::AutosaveThenHang { file } => {
            d::autosave_then_hang(&file).map_err(CliError::msg)
        }
    }
}

fn validate(files: &[PathBuf], out: &mut dyn Write) -> Outcome {
    let mut errors = Vec::new();
    for f in files {
        match store::load(f) {
            Ok(loaded) => write(
                out,
                ValidateSummary {
                    file: f,
                    loaded: &loaded,
                }
                .to_string(),
            )?,
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(errors))
    }
}

fn fmt(files: &[PathBuf], out: &mut dyn Write) -> Outcome {
    let mut errors = Vec::new();
    for f in files {
        match store::load(f).and_then(|l| store::save(&l.project, f)) {
            Ok(()) => write(out, format!("{}: rewritten\n", f.display()))?,
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(errors))
    }
}

fn agree(
    files: &[PathBuf],
    annotators: &[String],
    output: AgreeOutput,
    out: &mut dyn Write,
) -> Outcome {
    use hashiya::cli::Count;
    use hashiya::review::{self, Side, render};
    if !annotators.is_empty() && annotators.len() != files.len() {
        return Err(CliError::msg(format_args!(
            "--annotators names {} for {} files; give one per file, in file order (an empty entry picks the file's first annotator)",
            Count(annotators.len(), "annotator"),
            files.len()
        )));
    }
    let mut loaded = Vec::with_capacity(files.len());
    for f in files {
        let l = store::load(f).map_err(CliError::msg)?;
        for w in &l.warnings {
            eprintln!("warning: {}: {w}", f.display());
        }
        if let Some(w) = hashiya::team::resolve::unresolved_warning(&l.project, f, "agree") {
            eprintln!("warning: {w}");
        }
        loaded.push(l);
    }
    let sources: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut sides = Vec::with_capacity(files.len());
    for (k, l) in loaded.iter().enumerate() {
        let wanted = annotators
            .get(k)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty());
        let annotator = review::report::pick_annotator(&l.project, wanted)
            .map_err(|e| CliError::msg(format_args!("{}: {e}", files[k].display())))?;
        sides.push(Side {
            project: &l.project,
            annotator,
            source: &sources[k],
        });
    }
    if output == AgreeOutput::Tokens {
        let dump = review::report::token_dump(&sides);
        let s = serde_json::to_string_pretty(&dump)
            .map_err(|e| CliError::msg(format_args!("could not serialise the tokens: {e}")))?;
        return write(out, s + "\n");
    }
    let report = review::compare_projects(&sides).map_err(CliError::msg)?;
    let format = match output {
        AgreeOutput::Json => render::ReportFormat::Json,
        AgreeOutput::Csv => render::ReportFormat::Csv,
        AgreeOutput::Html => render::ReportFormat::Html,
        AgreeOutput::Text | AgreeOutput::Tokens => render::ReportFormat::Text,
    };
    let s = render::render(&report, format)
        .map_err(|e| CliError::msg(format_args!("could not serialise the report: {e}")))?;
    write(out, s)?;
    if report.documents.matched.is_empty() {
        return Err(CliError::msg(
            "no document has the same text in every project and a set by every annotator, so nothing was compared (see the document list above)",
        ));
    }
    Ok(())
}

fn export(
    format: ExportFormat,
    project: &Path,
    path: &Path,
    opts: &formats::ExportOptions,
    out: &mut dyn Write,
) -> Outcome {
    let loaded = store::load(project).map_err(CliError::msg)?;
    if let Some(w) = hashiya::team::resolve::unresolved_warning(&loaded.project, project, "export")
    {
        eprintln!("warning: {w}");
    }
    let report = formats::export(&loaded.project, format, path, opts, &mut |_, _| {})
        .map_err(CliError::msg)?;
    let summary = ExportSummary {
        out: path,
        format,
        report: &report,
    };
    write(out, summary.to_string())
}

fn import(
    format: ImportFormat,
    inputs: &[PathBuf],
    into: &Path,
    opts: &formats::ImportOptions,
    out: &mut dyn Write,
) -> Outcome {
    let existed = into.exists();
    let report = formats::import_into_file(into, format, inputs, opts, &mut |_, _| {})
        .map_err(CliError::msg)?;
    let summary = ImportSummary {
        into,
        existed,
        report: &report,
    };
    write(out, summary.to_string())
}

fn layout(
    text_file: &Path,
    width: f32,
    font_size: f32,
    ranges: &[CodePointRange],
    hits: &[Point],
    out: &mut dyn Write,
) -> Outcome {
    let text = std::fs::read_to_string(text_file)
        .map_err(|e| CliError::msg(format_args!("{}: {e}", text_file.display())))?;
    let ranges: Vec<(usize, usize)> = ranges.iter().map(|r| (r.start, r.end)).collect();
    let hits: Vec<(f32, f32)> = hits.iter().map(|p| (p.x, p.y)).collect();
    let mut engine = hashiya::text::TextEngine::new();
    let params = hashiya::text::LayoutParams::new(width, font_size);
    let v = hashiya::text::inspect::describe(&mut engine, &text, params, &ranges, &hits);
    write(out, format!("{v}\n"))
}

fn manpage(dir: Option<&Path>, out: &mut dyn Write) -> Outcome {
    let cmd = Cli::command();
    match dir {
        Some(dir) => {
            if dir.exists() && !dir.is_dir() {
                return Err(CliError::msg(format_args!(
                    "{}: this is a file, not a folder: --dir names the folder the man pages go into (created if needed)",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(cmd, dir))
                .map_err(|e| {
                    CliError::msg(format_args!(
                        "{}: could not write the man pages: {e}",
                        dir.display()
                    ))
                })?;
            write(out, format!("{}: wrote the man pages\n", dir.display()))
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(|e| CliError::msg(format_args!("could not render the man page: {e}")))?;
            write(out, page)
        }
    }
}

#[cfg(feature = "gui")]
fn gui(args: GuiArgs) -> Outcome {
    use hashiya::ui::StartOptions;
    // Screenshots are for documentation and CI: no personal settings, no prompt.
    let config_path = if args.screenshot.is_some() || args.quit_after_first_frame {
        None
    } else {
        hashiya::workspace::config::default_path()
    };
    let learn = args.screenshot.is_none() && !args.quit_after_first_frame;
    let opts = StartOptions {
        screenshot: args.screenshot,
        select_span: args.select,
        search: args.find,
        config_path,
        recovery: None,
        dark: args.dark,
        compare: args.compare,
        quit_after_first_frame: args.quit_after_first_frame,
        learn,
    };
    // Writes the work registered with `store::recovery::set_unsaved` if anything panics.
    store::recovery::install_panic_hook();
    // The project is read on a thread while the window and its OpenGL context are made
    // (≈ 100 ms): a 1 MB article no longer adds its reading to that. eframe keeps the
    // window hidden until the first frame, so a file that cannot be opened still ends
    // with an error and no window.
    let project = args.project.clone();
    let opening = std::thread::Builder::new()
        .name("open project".into())
        .spawn(move || open_for_gui(project.as_deref(), opts))
        .map_err(|e| CliError::msg(format_args!("could not start a thread: {e}")))?;
    run_gui(opening)
}

/// The opened project (or its preview and the rest still being read) and the start
/// options, as [`gui`] gives them to the window.
#[cfg(feature = "gui")]
type GuiStart = (
    hashiya::workspace::Workspace,
    Option<hashiya::workspace::opening::PendingOpen>,
    hashiya::ui::StartOptions,
);

/// Opens `project` (the bundled sample without one) as the window will show it.
#[cfg(feature = "gui")]
fn open_for_gui(
    project: Option<&Path>,
    mut opts: hashiya::ui::StartOptions,
) -> Result<GuiStart, CliError> {
    use hashiya::workspace::Workspace;
    // A large project shows its first document while the rest is read
    // (`workspace::opening`); a recovery file is offered (`Workspace::open_for_user`).
    use hashiya::workspace::opening::PREVIEW_MIN_BYTES;
    let opened = Workspace::open_for_user(project, PREVIEW_MIN_BYTES).map_err(CliError::msg)?;
    if let Some(e) = &opened.recovery_error {
        eprintln!("warning: a recovery file exists but cannot be read: {e}");
    }
    opts.recovery = opened.recovery;
    let (mut ws, mut pending) = (opened.workspace, opened.pending);
    // A review, a screenshot, a span to select and a search start from the whole
    // project.
    if (opts.compare.is_some()
        || opts.screenshot.is_some()
        || opts.select_span.is_some()
        || opts.search.is_some())
        && let Some(p) = pending.take()
    {
        ws = p.wait().map_err(CliError::msg)?;
    }
    Ok((ws, pending, opts))
}

#[cfg(feature = "gui")]
fn run_gui(opening: std::thread::JoinHandle<Result<GuiStart, CliError>>) -> Outcome {
    use hashiya::ui::HashiyaApp;
    use std::sync::{Arc, Mutex};
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("Hashiya"),
        ..Default::default()
    };
    // Why the project could not be opened, if it could not (reported after the
    // window, which was never shown, is gone).
    let failed: Arc<Mutex<Option<CliError>>> = Arc::default();
    let failed_in_app = Arc::clone(&failed);
    let opening = Arc::new(Mutex::new(Some(opening)));
    let opening_in_app = Arc::clone(&opening);
    let result = eframe::run_native(
        "Hashiya",
        options,
        Box::new(move |cc| {
            let handle = opening_in_app.lock().ok().and_then(|mut h| h.take());
            let opened = match handle.map(|t| t.join()) {
                Some(Ok(opened)) => opened,
                Some(Err(_)) => Err(CliError::msg("opening the project failed unexpectedly")),
                None => Err(CliError::msg("the project was opened twice")),
            };
            match opened {
                Ok((ws, pending, opts)) => {
                    let mut app = HashiyaApp::new(&cc.egui_ctx, ws, opts);
                    if let Some(p) = pending {
                        app.finish_opening(p);
                    }
                    Ok(Box::new(app))
                }
                Err(e) => {
                    if let Ok(mut slot) = failed_in_app.lock() {
                        *slot = Some(e);
                    }
                    Err("the project could not be opened".into())
                }
            }
        }),
    );
    if let Some(e) = failed.lock().ok().and_then(|mut slot| slot.take()) {
        return Err(e);
    }
    // No window at all (no display): a file that cannot be opened is still the first
    // thing to say.
    if result.is_err()
        && let Some(Ok(Err(e))) = opening
            .lock()
            .ok()
            .and_then(|mut h| h.take())
            .map(|t| t.join())
    {
        return Err(e);
    }
    result.map_err(|e| {
        CliError::msg(format_args!(
            "could not open a window: {e}. On Linux the app needs X11 or Wayland and OpenGL libraries (see README)."
        ))
    })
}

/// Without the `gui` feature there is nothing to open: say so (exit 2).
#[cfg(not(feature = "gui"))]
fn gui(_args: GuiArgs) -> Outcome {
    Err(CliError::NoGui)
}
