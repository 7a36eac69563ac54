//! (being written: see `team`.)
