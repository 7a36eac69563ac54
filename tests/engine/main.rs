//! The Arabic text engine against reference tools: bidi order (FriBidi), shaping
//! (HarfBuzz), hit testing and highlight geometry (property tests, and Chromium). One
//! test binary whose modules are the files beside this folder (`tests/<name>.rs`); run
//! one file's tests with `cargo test --test engine shaping::`.
//!
//! Shared helpers are `common` (`tests/common/`), used as `crate::common`.

#[path = "../common/mod.rs"]
mod common;

#[path = "../bidi.rs"]
mod bidi;
#[path = "../chromium.rs"]
mod chromium;
#[path = "../geometry.rs"]
mod geometry;
#[path = "../shaping.rs"]
mod shaping;
