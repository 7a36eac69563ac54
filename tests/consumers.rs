//! Real consumers read our exports: spaCy, bratly (a brat parser from PyPI), seqeval,
//! pandas, and Node's `String.slice` for UTF-16 offsets (see
//! `tests/consumers/check_exports.py`).
//!
//! Needs `HASHIYA_CONSUMERS_PY` naming a Python that has those packages
//! (`tests/consumers/setup.sh` makes one at `/tmp/hashiya-consumers`), and `node` on
//! `PATH`. Without them it fails on CI and prints a `SKIP:` line elsewhere (see
//! `tests/common/tools.rs`), so a local `cargo test` needs no Python; without `node`
//! only the UTF-16 check is left out.

use std::path::{Path, PathBuf};
use std::process::Command;

use hashiya::formats::{self, ExportFormat, ExportOptions};
use hashiya::store;

use crate::common;

fn export(p: &hashiya::model::Project, f: ExportFormat, out: &Path, annotator: &str, bom: bool) {
    let opts = ExportOptions {
        annotator: Some(annotator.to_string()),
        bom,
        ..Default::default()
    };
    formats::export(p, f, out, &opts, &mut |_, _| {}).unwrap();
}

#[test]
fn real_consumers_read_our_exports() {
    let Some(python) = common::tools::require_env(
        "HASHIYA_CONSUMERS_PY",
        "bash tests/consumers/setup.sh, then HASHIYA_CONSUMERS_PY=/tmp/hashiya-consumers/bin/python: a Python with spaCy, pandas, seqeval and bratly",
    ) else {
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "projects/derna-sirte.json",
        "projects/derna-sirte.annotator-b.json",
        "tests/fixtures/formats/emoji-harakat.json",
    ] {
        let p = store::load(&root.join(rel)).unwrap().project;
        let stem = Path::new(rel)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for annotator in p.annotators() {
            let case = dir.path().join(format!("{stem}__{annotator}"));
            std::fs::create_dir(&case).unwrap();
            export(
                &p,
                ExportFormat::Jsonl,
                &case.join("native.jsonl"),
                annotator,
                true,
            );
            export(
                &p,
                ExportFormat::Doccano,
                &case.join("doccano.jsonl"),
                annotator,
                true,
            );
            export(
                &p,
                ExportFormat::LabelStudio,
                &case.join("labelstudio.json"),
                annotator,
                true,
            );
            export(&p, ExportFormat::Brat, &case.join("brat"), annotator, true);
            export(
                &p,
                ExportFormat::Conll,
                &case.join("tokens.conll"),
                annotator,
                true,
            );
            export(
                &p,
                ExportFormat::Csv,
                &case.join("spans.csv"),
                annotator,
                true,
            );
            export(
                &p,
                ExportFormat::Csv,
                &case.join("spans-nobom.csv"),
                annotator,
                false,
            );
        }
    }
    // check_exports.py leaves out its String.slice check when node is missing.
    common::tools::require_tool("node", "apt-get install nodejs");
    let out = Command::new(&python)
        .arg(root.join("tests/consumers/check_exports.py"))
        .arg(dir.path())
        .output()
        .expect("HASHIYA_CONSUMERS_PY is not runnable");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the consumer checks failed (output above)"
    );
}
