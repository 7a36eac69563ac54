//! Helpers shared by the integration tests: a test binary's `main.rs` declares this module
//! once (`#[path = "../common/mod.rs"] mod common;`) and its files use `crate::common`.

pub mod tools;
