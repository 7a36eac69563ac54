//! Tests that check our output against a reference tool (HarfBuzz's `hb-shape`,
//! `fribidi`, the Python consumers of our exports) must never pass without running it.
//!
//! [`require_tool`] and [`require_env`] return whether the test can run. When the tool is
//! missing they fail the test on CI (the environment variable `CI` is set to anything
//! but `false` or `0`, as GitHub Actions, GitLab and most CI services do), naming what to
//! install; on a developer's machine they print a loud `SKIP:` line to stderr and return
//! false, so `cargo test` works without the tools but never reports a check it did not
//! make as silently done.

// Each test binary includes this module but uses only some of it.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::Write as _;
use std::process::Command;

/// True if `tool` runs (`tool --version`). Otherwise fails the test on CI, or prints
/// `SKIP: <test>: <tool> not installed (install: <install>)` and returns false.
pub fn require_tool(tool: &str, install: &str) -> bool {
    if Command::new(tool).arg("--version").output().is_ok() {
        return true;
    }
    missing(&format!("{tool} not installed"), install);
    false
}

/// The value of the environment variable `var` (which names a reference tool, such as
/// a Python with the packages a test needs), if set. Otherwise fails the test on CI, or
/// prints `SKIP: <test>: <var> not set (install: <install>)` and returns `None`.
pub fn require_env(var: &str, install: &str) -> Option<OsString> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => Some(v),
        _ => {
            missing(&format!("{var} not set"), install);
            None
        }
    }
}

/// True when running on CI: `CI` is set and is not `false`, `0` or empty.
pub fn on_ci() -> bool {
    std::env::var("CI")
        .is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false"))
}

fn missing(what: &str, install: &str) {
    // libtest runs each test on a thread named after it.
    let current = std::thread::current();
    let test = current.name().unwrap_or("this test");
    if on_ci() {
        panic!("{test}: {what}, and CI must not skip this check (install: {install})");
    }
    // Not eprintln!: libtest captures that and shows it only for failing tests, and a
    // skip must be seen in a passing run. Writing to the stderr handle bypasses capture.
    let _ = writeln!(
        std::io::stderr(),
        "SKIP: {test}: {what} (install: {install})"
    );
}
