//! The bad-input corpus (`tests/fixtures/bad/`, written by `tests/fixtures/make_bad.py`):
//! every file is loaded under `catch_unwind`; none may panic, each gives the outcome
//! and message its line in `bad/expected.tsv` says — naming the file, the place (line and
//! column, span id or field), what is wrong and what to do — and no file is changed by
//! being loaded.
//!
//! expected.tsv: `file <TAB> outcome <TAB> place <TAB> message <TAB> fix`, where
//! outcome is `error` (refused) or `warning` (loads, with a warning); `#` starts a
//! comment line.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use hashiya::store::{self, StoreError, limits};

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

struct Case {
    file: String,
    outcome: String,
    place: String,
    message: String,
    fix: String,
}

fn manifest() -> Vec<Case> {
    let text = fs::read_to_string(bad_dir().join("expected.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "expected.tsv: 5 tab-separated fields in «{l}»");
            Case {
                file: f[0].into(),
                outcome: f[1].into(),
                place: f[2].into(),
                message: f[3].into(),
                fix: f[4].into(),
            }
        })
        .collect()
}

/// Handled by the import formats, not by `store` (see the ignored tests below).
fn is_import_format(file: &str) -> bool {
    file.ends_with(".ann") || file.ends_with(".jsonl")
}

#[test]
fn every_file_of_the_corpus_is_in_the_manifest() {
    let cases = manifest();
    let mut listed: Vec<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    listed.sort();
    let mut on_disk: Vec<String> = fs::read_dir(bad_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.tsv")
        .collect();
    on_disk.sort();
    assert_eq!(listed, on_disk, "expected.tsv and the files of bad/ differ");
    assert!(cases.len() >= 30, "{} files", cases.len());
}

#[test]
fn bad_inputs_are_refused_or_warned_clearly_without_panic_or_change() {
    let mut failures = Vec::new();
    for case in manifest() {
        if is_import_format(&case.file) {
            continue;
        }
        let path = bad_dir().join(&case.file);
        let before = fs::read(&path).unwrap();
        let result = catch_unwind(AssertUnwindSafe(|| store::load(&path)));
        let after = fs::read(&path).unwrap();
        if after != before {
            failures.push(format!("{}: loading changed the file", case.file));
        }
        let Ok(result) = result else {
            failures.push(format!("{}: PANIC while loading", case.file));
            continue;
        };
        let msg = match (&result, case.outcome.as_str()) {
            (Err(e), "error") => e.to_string(),
            (Ok(l), "warning") => {
                if l.warnings.is_empty() {
                    failures.push(format!(
                        "{}: loaded without the expected warning",
                        case.file
                    ));
                    continue;
                }
                // What the GUI and `hashiya validate` show: the file, then each warning.
                let list: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
                format!("{}: {}", path.display(), list.join("\n"))
            }
            (Ok(_), _) => {
                failures.push(format!("{}: loaded, expected {}", case.file, case.outcome));
                continue;
            }
            (Err(e), _) => {
                failures.push(format!(
                    "{}: refused, expected {}: {e}",
                    case.file, case.outcome
                ));
                continue;
            }
        };
        for (what, want) in [
            ("the file", case.file.as_str()),
            ("the place", case.place.as_str()),
            ("the problem", case.message.as_str()),
            ("what to do", case.fix.as_str()),
        ] {
            if !msg.contains(want) {
                failures.push(format!("{}: lacks {what} «{want}»:\n    {msg}", case.file));
            }
        }
        if case.outcome == "error" {
            // JSON problems are placed by line and column, right after the file name.
            if let Err(StoreError::Json { line, column, .. }) = &result {
                let at = format!("{}:{line}:{column}:", case.file);
                if !msg.contains(&at) {
                    failures.push(format!("{}: no file:line:column: {msg}", case.file));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Peak resident memory of this process, in KiB (Linux).
#[cfg(target_os = "linux")]
fn peak_rss_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_300_mb_file_is_refused_by_its_size_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dump.json");
    let size = 300 * 1000 * 1000;
    let f = fs::File::create(&path).unwrap();
    // Sparse: a valid-looking start, then holes.
    use std::io::Write;
    (&f).write_all(b"{\"format\": \"hashiya-project\", \"version\": 1, \"name\": \"")
        .unwrap();
    f.set_len(size).unwrap();
    drop(f);
    #[cfg(target_os = "linux")]
    let peak_before = peak_rss_kib();
    let result = catch_unwind(|| store::load(&path)).expect("no panic");
    let err = result.expect_err("refused");
    match &err {
        StoreError::TooLarge { size: s, limit, .. } => {
            assert_eq!(*s, size);
            assert_eq!(*limit, limits::MAX_PROJECT_BYTES);
        }
        other => panic!("expected TooLarge, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("dump.json") && msg.contains("300000000 bytes"),
        "{msg}"
    );
    assert!(
        msg.contains("at most 268435456 bytes") && msg.contains("Split the project"),
        "{msg}"
    );
    // Not read whole: the peak memory did not grow by anything like 300 MB.
    #[cfg(target_os = "linux")]
    {
        let grown = peak_rss_kib().saturating_sub(peak_before);
        assert!(grown < 64 * 1024, "peak memory grew by {grown} KiB");
    }
    assert_eq!(fs::metadata(&path).unwrap().len(), size);
}

#[test]
fn a_folder_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("project.json");
    fs::create_dir(&path).unwrap();
    let err = store::load(&path).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("project.json") && msg.contains("folder"),
        "{msg}"
    );
}

/// Imports `input` with `format` under `catch_unwind` and returns the error message;
/// the input files must be unchanged.
fn import_error(format: hashiya::formats::ImportFormat, input: &Path, files: &[&Path]) -> String {
    use hashiya::formats::{ImportOptions, import};
    use hashiya::model::{LabelSchema, Project};
    let before: Vec<Vec<u8>> = files.iter().map(|f| fs::read(f).unwrap()).collect();
    let base = Project::new("p", LabelSchema::news_default());
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut progress = |_: usize, _: usize| {};
        import(
            &base,
            format,
            &[input.to_path_buf()],
            &ImportOptions::default(),
            &mut progress,
        )
    }))
    .expect("the importer panicked");
    for (f, b) in files.iter().zip(&before) {
        assert_eq!(&fs::read(f).unwrap(), b, "{} changed", f.display());
    }
    match result {
        Ok(_) => panic!("{} was imported without an error", input.display()),
        Err(e) => e.to_string(),
    }
}

fn case(file: &str) -> Case {
    manifest().into_iter().find(|c| c.file == file).unwrap()
}

#[test]
fn brat_ann_with_broken_lines() {
    let c = case("broken-lines.ann");
    // A brat document is a .txt with its .ann beside it.
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("broken-lines.txt");
    fs::write(&txt, "قال خليفة حفتر إن قواته في درنة 😀 ستتقدم نحو سرت.").unwrap();
    let ann = dir.path().join("broken-lines.ann");
    fs::copy(bad_dir().join(&c.file), &ann).unwrap();
    let msg = import_error(hashiya::formats::ImportFormat::Brat, &txt, &[&txt, &ann]);
    eprintln!("{msg}");
    for part in ["broken-lines.ann", &c.place, &c.message, &c.fix] {
        assert!(msg.contains(part), "«{part}» not in: {msg}");
    }
}

#[test]
fn jsonl_line_that_is_not_an_object() {
    let c = case("not-object.jsonl");
    let path = bad_dir().join(&c.file);
    let msg = import_error(hashiya::formats::ImportFormat::Jsonl, &path, &[&path]);
    eprintln!("{msg}");
    for part in ["not-object.jsonl", &c.place, &c.message, &c.fix] {
        assert!(msg.contains(part), "«{part}» not in: {msg}");
    }
}
