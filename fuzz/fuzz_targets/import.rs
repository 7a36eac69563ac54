//! Every importer (plain text, JSONL, doccano, brat, Label Studio) on arbitrary bytes:
//! it refuses with an issue or returns a project that saves to a loadable file
//! (`hashiya::debug::check_import`; byte 0 picks the importer).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("hashiya-fuzz-import-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch folder");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    hashiya::debug::check_import(scratch(), data);
});
