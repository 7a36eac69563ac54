//! Project loading on arbitrary bytes: `store::parse` never panics, and whatever loads
//! survives save → load unchanged (`hashiya::debug::check_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    hashiya::debug::check_parse(data);
});
