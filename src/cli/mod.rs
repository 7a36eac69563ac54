//! The command line: the arguments `hashiya` accepts (clap derive), the typed values its
//! options parse into, the reports its subcommands print and the one error type they
//! return. `src/main.rs` parses, runs the subcommand (or opens the GUI) and turns a
//! [`CliError`] into a message and an exit status in one place.
//!
//! The definitions live in the library, not in `main.rs`, so that tests can ask clap
//! itself which subcommands exist: `tests/cli.rs` checks that the shell completions and
//! the man page cover every one.

mod args;
mod error;
mod report;
pub mod suggest;

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::formats::{ExportFormat, ImportFormat};

pub use args::{CodePointRange, Point, pixels};
pub use error::CliError;
pub use report::{Count, ExportSummary, ImportSummary, ValidateSummary};

/// `hashiya --version`: the program's version and the newest project format version it
/// reads and writes, e.g. `hashiya 0.1.0 (hashiya-project format version 2; a project
/// that uses nothing new in 2 is written as version 1)`.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} ({} format version {}; a project that uses nothing new in it is written as version 1)",
        env!("CARGO_PKG_VERSION"),
        crate::store::FORMAT,
        crate::store::VERSION
    )
});

/// Hashiya (حاشية): annotate claims, actors and locations in Arabic news articles.
///
/// With no subcommand, opens a project in the GUI; the subcommands run the same library
/// code without a window.
#[derive(Debug, Parser)]
#[command(
    name = "hashiya",
    version = VERSION.as_str(),
    about,
    override_usage = "hashiya [GUI OPTIONS] [PROJECT]\n       hashiya <COMMAND> [ARGS]"
)]
#[cfg_attr(
    not(feature = "gui"),
    command(
        override_usage = "hashiya <COMMAND> [ARGS]",
        long_about = "Hashiya (حاشية): annotate claims, actors and locations in Arabic news articles.\n\n\
                      This build has no GUI (it was built without the `gui` feature): run a subcommand."
    )
)]
pub struct Cli {
    #[command(flatten)]
    pub gui: GuiArgs,
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

impl Cli {
    /// The clap command, as completions and the man page describe it.
    pub fn command() -> clap::Command {
        <Cli as CommandFactory>::command()
    }

    /// Parses the program's arguments; on an error prints clap's message and exits 2.
    pub fn parse_args() -> Self {
        Self::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// Parses `args` (the program name first) as clap does, and also refuses the GUI's
    /// options next to a subcommand: they would mean nothing there, and an option that
    /// is accepted and ignored misleads. (clap's `args_conflicts_with_subcommands` does
    /// not do this: after an option it takes a subcommand's name for the project.)
    pub fn try_parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut cmd = Self::command();
        let matches = cmd.try_get_matches_from_mut(args)?;
        if let Some(sub) = matches.subcommand_name() {
            let given = cmd.get_arguments().find(|a| {
                matches.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine)
            });
            if let Some(arg) = given {
                let given = match arg.get_long() {
                    Some(long) => format!("--{long} is an option"),
                    None => {
                        let value = matches
                            .get_raw(arg.get_id().as_str())
                            .and_then(|mut v| v.next())
                            .map(|v| v.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        format!("'{value}' (a project to open) is an argument")
                    }
                };
                let message = format!(
                    "{given} of the GUI and cannot be used with the subcommand '{sub}'; \
                     give it without a subcommand to open the GUI"
                );
                return Err(cmd.error(ErrorKind::ArgumentConflict, message));
            }
        }
        Self::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
    }
}

/// Options of the GUI (`hashiya` without a subcommand). Hidden in a build without it.
#[derive(Debug, Args)]
#[command(next_help_heading = "GUI options (without a subcommand)")]
pub struct GuiArgs {
    /// Project to open in the GUI (default: the bundled sample project).
    #[cfg_attr(not(feature = "gui"), arg(hide = true))]
    pub project: Option<PathBuf>,
    /// Render the first full frame of the article to this PNG file, then quit.
    #[arg(long, value_name = "OUT.png")]
    #[cfg_attr(not(feature = "gui"), arg(hide = true))]
    pub screenshot: Option<PathBuf>,
    /// Select a span by id at start (e.g. for screenshots).
    #[arg(long, value_name = "SPAN_ID")]
    #[cfg_attr(not(feature = "gui"), arg(hide = true))]
    pub select: Option<String>,
    /// Open the search bar with a query at start.
    #[arg(long, value_name = "QUERY")]
    #[cfg_attr(not(feature = "gui"), arg(hide = true))]
    pub find: Option<String>,
    /// Start in the dark theme.
    #[arg(long)]
    #[cfg_attr(not(feature = "gui"), arg(hide = true))]
    pub dark: bool,
    /// Open the review of a colleague's project (their labels next to yours).
    #[arg(long, value_name = "OTHER.json")]
    #[cfg_attr(not(feature = "gui"), arg(hide = true))]
    pub compare: Option<PathBuf>,
    /// Quit as soon as the first frame with the article is drawn (for timing start-up).
    #[arg(long, hide = true)]
    pub quit_after_first_frame: bool,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
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
        /// CoNLL: write a proclitic (و ف ب ل ك, ال) as its own token where a span
        /// boundary falls between it and the name («ب» O, «درنة» B-location).
        #[arg(long)]
        split_clitics: bool,
    },
    /// Suggestions: Arabic-aware pre-annotation from the entity registry, the
    /// annotator's own labels and a gazetteer, and a model trained on the annotator's
    /// labels, offline. Prints them as JSON, or with --evaluate how well they predict
    /// each annotator's own spans, or with --curve the model's learning curve.
    Suggest {
        /// The project file.
        project: PathBuf,
        /// Whose labels to learn from and skip (default: the first annotator).
        #[arg(long)]
        annotator: Option<String>,
        /// Only this document (by id).
        #[arg(long, value_name = "ID")]
        document: Option<String>,
        /// A gazetteer file (`text<TAB>label` per line), besides the project's own.
        #[arg(long, value_name = "FILE")]
        gazetteer: Option<PathBuf>,
        /// Print JSON (the default output is JSON too; the flag is kept for scripts).
        #[arg(long, conflicts_with_all = ["evaluate", "curve"])]
        json: bool,
        /// Learn from the first half of each annotator's documents and report
        /// precision, recall and F1 of the suggestions on the second half (claims and
        /// said_by too), the learned model's beside the string matcher's (also on
        /// names absent from training).
        #[arg(long, conflicts_with = "curve")]
        evaluate: bool,
        /// Print {"spans": [...], "relations": [...]}: the span suggestions and the
        /// relation suggestions (said_by from each suggested claim to its speaker, both
        /// ends by document, start, end and label). Without it: the span suggestions
        /// alone, as a list.
        #[arg(long, conflicts_with_all = ["evaluate", "curve"])]
        relations: bool,
        /// The learned model's learning curve (INCEpTION's simulation: 80/20 split,
        /// training grown in 10 blocks), one JSON object per line and block.
        #[arg(long)]
        curve: bool,
    },
    /// Import documents (and annotations) into a project, creating it if needed.
    ///
    /// All or nothing: every input is read and checked first, and the project is saved
    /// (atomically) only if nothing is wrong; otherwise every problem is listed with its
    /// file and line.
    Import {
        /// text (.txt files or folders), jsonl (native), doccano, brat, labelstudio;
        /// corpus tables csv, tsv, xlsx, ods; html (saved news pages).
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
        /// Tables: the column with the article text (header name or 1-based number);
        /// required for csv, tsv, xlsx and ods.
        #[arg(long, value_name = "COL")]
        text_column: Option<String>,
        /// Tables: the column with document ids (default: <file>-<row>).
        #[arg(long, value_name = "COL", requires = "text_column")]
        id_column: Option<String>,
        /// Tables: the column with titles (default: the text's first line).
        #[arg(long, value_name = "COL", requires = "text_column")]
        title_column: Option<String>,
        /// Tables: columns kept as metadata (outlet/site/source, url/link and
        /// date/published fill the document's source).
        #[arg(
            long,
            value_name = "A,B,C",
            value_delimiter = ',',
            conflicts_with = "all_meta",
            requires = "text_column"
        )]
        meta_columns: Option<Vec<String>>,
        /// Tables: every other column is metadata.
        #[arg(long, requires = "text_column")]
        all_meta: bool,
        /// Spreadsheets: the sheet (default: the first).
        #[arg(long, value_name = "NAME", requires = "text_column")]
        sheet: Option<String>,
        /// Convert files that are not UTF-8 from this encoding (e.g. windows-1256,
        /// utf-16le); without it such files are refused, naming their encoding.
        #[arg(long, value_name = "NAME", value_parser = encoding_name)]
        encoding: Option<&'static encoding_rs::Encoding>,
        /// Import the good rows and list the bad ones, instead of importing nothing.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Lay out a text exactly as the article view does and print it as JSON.
    Layout {
        /// UTF-8 text file to lay out.
        #[arg(long)]
        text_file: PathBuf,
        /// Wrap width in pixels.
        #[arg(long, default_value_t = 800.0, value_parser = pixels)]
        width: f32,
        /// Font size (em) in pixels.
        #[arg(long, default_value_t = 22.0, value_parser = pixels)]
        font_size: f32,
        /// Code point ranges START:END (end-exclusive) whose highlight rectangles to print.
        #[arg(long, value_name = "S:E")]
        range: Vec<CodePointRange>,
        /// Points X,Y (pixels) to hit-test.
        #[arg(long, value_name = "X,Y", allow_hyphen_values = true)]
        hit: Vec<Point>,
    },
    /// Print a shell completion script.
    ///
    /// For example `hashiya completions bash > ~/.local/share/bash-completion/completions/hashiya`,
    /// `hashiya completions zsh > ~/.zfunc/_hashiya` (with `~/.zfunc` in `fpath`) or
    /// `hashiya completions fish > ~/.config/fish/completions/hashiya.fish`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Split a corpus among annotators: one project file per annotator, DIR/<name>.json.
    ///
    /// Each document goes to K annotators (with --overlap F: K annotators for round(F·n)
    /// of the n documents, one for the rest). Loads differ by at most one document; with
    /// K = 2 the pairs of annotators share documents evenly; the same seed gives the same
    /// split. Each file holds the schema, the entity registry, the annotator's documents
    /// and the plan. Existing files are not replaced without --force, and a file that
    /// holds annotations never is: give the annotators a new batch with --add.
    Assign {
        /// The corpus project file.
        corpus: PathBuf,
        /// The annotators, comma-separated (their file names are made safe: a/b → a_b.json).
        #[arg(long, required = true, value_delimiter = ',', value_name = "A,B,C")]
        annotators: Vec<String>,
        /// Annotators per shared document (1 to the number of annotators).
        #[arg(long, value_name = "K")]
        per_document: usize,
        /// Share of the documents (0–1) that go to K annotators; the rest go to one.
        #[arg(long, value_name = "F")]
        overlap: Option<f64>,
        /// Seed of the split: the same corpus, annotators and seed give the same files.
        #[arg(long, value_name = "N", default_value_t = 0)]
        seed: u64,
        /// The folder to write the annotators' files into (created if needed).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace files that already exist in DIR and hold no annotations yet (a file
        /// that holds sets is never replaced; the old file is kept as .bak, or as the
        /// first free <file>.N.bak).
        #[arg(long, conflicts_with = "add")]
        force: bool,
        /// Add a new batch: the corpus documents that the files in DIR were not assigned
        /// yet are split among the same annotators (same K and overlap) and added to
        /// their files, keeping every set.
        #[arg(long)]
        add: bool,
    },
    /// Bring the annotators' files back into one project.
    ///
    /// Documents are matched by their text; sets are kept per annotator; entities with
    /// the same name and label become one. If OUT exists it is read first (its ids win)
    /// and it is written only when something changed: collecting again changes nothing.
    /// When an annotator went on working after an earlier collect, their set differs
    /// from the one in OUT: give --prefer newer to take the version that holds the
    /// other. OUT must not be an annotator's own file.
    Collect {
        /// The project to write.
        #[arg(long, value_name = "OUT.json")]
        into: PathBuf,
        /// The annotators' project files.
        #[arg(required = true, value_name = "FILES")]
        files: Vec<PathBuf>,
        /// When two files hold different versions of one annotator's set on one
        /// document, keep the one that holds everything the other holds (its spans,
        /// relations and done mark: the other is an earlier state of it), and say so;
        /// decided by content, never by file times. Versions that were both changed
        /// are still an error (otherwise any difference is).
        #[arg(long, value_name = "newer", value_parser = ["newer"])]
        prefer: Option<String>,
    },
    /// Who has done what: per annotator and per document, and which documents are done
    /// by two annotators or more (available for agreement).
    Status {
        /// Project files: the annotators' files, a collected project, or both.
        #[arg(required = true, value_name = "FILES")]
        files: Vec<PathBuf>,
        /// Print the report as JSON (see README, "`hashiya status` JSON").
        #[arg(long)]
        json: bool,
    },
    /// Git merge driver: merge project files by ids (three-way); the result goes over
    /// OURS. Exit 0 clean, 1 conflicts (recorded in the project), 2 could not merge (a
    /// side is not a loadable project: OURS then holds both sides between conflict
    /// markers, so that nothing is committed by mistake). Files that are not Hashiya
    /// projects go to `git merge-file`. `hashiya git-setup` configures it.
    Merge {
        /// The common ancestor (git's %O; empty when the file was added on both sides).
        base: PathBuf,
        /// Our version, replaced by the result (git's %A).
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// The file's path in the repository (git's %P), named in messages.
        #[arg(long, value_name = "PATH")]
        path: Option<String>,
        /// git's name of the base (%S, git 2.44+), recorded in conflicts.
        #[arg(long, value_name = "NAME")]
        base_name: Option<String>,
        /// git's name of ours (%X, git 2.44+: HEAD, shown as the branch).
        #[arg(long, value_name = "NAME")]
        ours_name: Option<String>,
        /// git's name of theirs (%Y, git 2.44+: the branch merged).
        #[arg(long, value_name = "NAME")]
        theirs_name: Option<String>,
        /// The conflict marker length (git's %L).
        #[arg(long, value_name = "N")]
        marker_size: Option<usize>,
    },
    /// Make git merge project files with `hashiya merge` in the repository at DIR
    /// (default: .): adds `*.json merge=hashiya` to DIR/.gitattributes, `*.bak` and
    /// `*.recovery` to DIR/.gitignore, and sets merge.hashiya.* in its config. Commit
    /// .gitattributes and .gitignore; every clone must run git-setup once (git does
    /// not share its config).
    GitSetup {
        /// The repository (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// Print the man page (roff), e.g. `hashiya manpage | man -l -`.
    Manpage {
        /// Instead, write hashiya.1 and one page per subcommand (hashiya-validate.1, …)
        /// into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Processes for the reliability tests (kill tests, panic recovery).
    #[command(hide = true)]
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
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
    /// Open each FILE in turn as the app does (allocator settings, the project, the
    /// current document laid out at 800 px, its suggestions), dropping the one before,
    /// and print the resident memory after each (issue #18: the kept freed memory must
    /// not grow without bound).
    Memory {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Load FILE, edit it, register the edit as unsaved work, then panic.
    PanicAfterEdit { file: PathBuf },
    /// Load FILE, edit and autosave it, edit again without autosaving, print "ready",
    /// then wait to be killed.
    AutosaveThenHang { file: PathBuf },
}

/// How `hashiya agree` prints its report (`--json`, `--csv`, `--html`, `--dump-tokens`,
/// or text without any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreeOutput {
    Text,
    Json,
    Csv,
    Html,
    Tokens,
}

impl AgreeOutput {
    /// From the flags, which clap has already made mutually exclusive.
    pub fn from_flags(json: bool, csv: bool, html: bool, dump_tokens: bool) -> Self {
        match (json, csv, html, dump_tokens) {
            (true, ..) => AgreeOutput::Json,
            (_, true, ..) => AgreeOutput::Csv,
            (_, _, true, _) => AgreeOutput::Html,
            (.., true) => AgreeOutput::Tokens,
            _ => AgreeOutput::Text,
        }
    }
}

fn parse_export_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::from_name(s).ok_or_else(|| {
        let names: Vec<_> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown export format; use one of: {}", names.join(", "))
    })
}

fn encoding_name(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    crate::formats::encoding::encoding_from_name(s)
}

fn parse_import_format(s: &str) -> Result<ImportFormat, String> {
    ImportFormat::from_name(s).ok_or_else(|| {
        let names: Vec<_> = ImportFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown import format; use one of: {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
