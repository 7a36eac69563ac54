//! Helpers shared by the integration tests; a test file includes them with `mod common;`.

pub mod tools;
