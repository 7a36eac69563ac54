//! Tests that read state of the whole process, so no test of another file may change
//! it under them: `recovery` (the registry of unsaved state that the panic hook writes;
//! every save through a `Workspace` clears it) and `bad_inputs` (the process's peak
//! memory must not grow while a 300 MB file is refused). Neither changes what the other
//! reads. Run one file's tests with `cargo test --test process recovery::`.
//!
//! (`tests/gui_panic.rs` is a binary of its own: its app registers unsaved state every
//! frame and it installs the panic hook.)

#[path = "../bad_inputs.rs"]
mod bad_inputs;
#[path = "../recovery.rs"]
mod recovery;
