//! The library and the command line without a window: one test binary (so the
//! application is linked once, not once per file) whose modules are the files beside
//! this folder, each still a file of its own (`tests/<name>.rs`). Everything here also
//! runs under `--no-default-features` (the CLI-only build). Run one file's tests with
//! `cargo test --test headless formats::`.
//!
//! Shared helpers are `common` (`tests/common/`), used as `crate::common`.

#[path = "../common/mod.rs"]
mod common;
/// Writing small spreadsheets (used by `corpus_import` and `limits`).
#[path = "../support/xlsx.rs"]
mod xlsx;

#[path = "../cli.rs"]
mod cli;
#[path = "../consumers.rs"]
mod consumers;
#[path = "../corpus_import.rs"]
mod corpus_import;
#[path = "../corpus_search.rs"]
mod corpus_search;
#[path = "../external.rs"]
mod external;
#[path = "../formats.rs"]
mod formats;
#[path = "../fuzz_mirror.rs"]
mod fuzz_mirror;
#[path = "../kill.rs"]
mod kill;
#[path = "../learn.rs"]
mod learn;
#[path = "../limits.rs"]
mod limits;
#[path = "../opening.rs"]
mod opening;
#[path = "../review.rs"]
mod review;
#[path = "../store.rs"]
mod store;
#[path = "../suggest.rs"]
mod suggest;
#[path = "../team_flow.rs"]
mod team_flow;
#[path = "../team_merge.rs"]
mod team_merge;

/// With `autotests = false` cargo builds only the `[[test]]` targets of `Cargo.toml`, so
/// a new `tests/<name>.rs` that no `main.rs` includes would never run, silently. Every
/// file of `tests/` (and of `tests/gui/`) must be a module of exactly one test binary,
/// and src/main.rs (built with `test = false`) must have no unit test.
#[test]
fn every_test_is_in_a_test_binary() {
    use std::path::Path;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read =
        |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let cargo = read(&root.join("Cargo.toml"));
    // The [[test]] targets' paths, and the files each of their main.rs includes.
    let targets: Vec<String> = cargo
        .lines()
        .filter_map(|l| l.trim().strip_prefix("path = \"tests/"))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect();
    let mut included: Vec<String> = Vec::new();
    for target in &targets {
        included.push(target.clone());
        let Some(dir) = target.strip_suffix("/main.rs") else {
            continue;
        };
        // `#[path = "../x.rs"] mod x;` includes tests/x.rs, a plain `mod x;` tests/<dir>/x.rs.
        let mut path = None;
        for line in read(&root.join("tests").join(target)).lines() {
            let line = line.trim();
            if let Some(p) = line.strip_prefix("#[path = \"../") {
                path = Some(p.trim_end_matches("\"]").to_string());
            } else if let Some(m) = line.strip_prefix("mod ") {
                let module = format!("{dir}/{}.rs", m.trim_end_matches(';'));
                included.push(path.take().unwrap_or(module));
            }
        }
    }
    let mut problems = Vec::new();
    for dir in ["", "gui/"] {
        for entry in std::fs::read_dir(root.join("tests").join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if !name.ends_with(".rs") || name == "main.rs" {
                continue;
            }
            let file = format!("{dir}{name}");
            match included.iter().filter(|i| **i == file).count() {
                1 => {}
                0 if dir.is_empty() => problems.push(format!(
                    "tests/{file} is in no test binary, so its tests never run: add \
                     `#[path = \"../{file}\"] mod {};` to the main.rs of one of the \
                     [[test]] targets in Cargo.toml",
                    name.trim_end_matches(".rs")
                )),
                0 => problems.push(format!(
                    "tests/{file} is in no test binary, so its tests never run: add \
                     `mod {};` to tests/{dir}main.rs",
                    name.trim_end_matches(".rs")
                )),
                n => problems.push(format!("tests/{file} is included {n} times")),
            }
        }
    }
    // `test = false` on the [[bin]]: a unit test in src/main.rs would never run.
    if read(&root.join("src/main.rs")).contains("#[test]") {
        problems.push(
            "src/main.rs has a #[test], which never runs (its [[bin]] has `test = false`): \
             move the code under test into the library (src/cli/) and test it there"
                .to_string(),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
