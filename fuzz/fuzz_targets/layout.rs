//! Text layout and hit testing of arbitrary Unicode: `ArticleLayout::new`, then
//! `hit_char`, `caret_at`, `caret_rect`, `move_visual` and `range_rects` at arbitrary
//! points and ranges (`hashiya::debug::check_layout`; input format in `LayoutInput`).
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;

use hashiya::debug::{LayoutInput, check_layout};
use hashiya::text::TextEngine;

thread_local! {
    // Building the engine registers the embedded fonts: once, not per input.
    static ENGINE: RefCell<TextEngine> = RefCell::new(TextEngine::new());
}

fuzz_target!(|data: &[u8]| {
    let input = LayoutInput::from_bytes(data);
    ENGINE.with(|e| check_layout(&mut e.borrow_mut(), &input));
});
