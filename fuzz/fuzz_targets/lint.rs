//! Arbitrary bytes through the whole pipeline and every renderer; what is checked is
//! `asl_lint::fuzz::check_input`, which tests/fuzz_regressions.rs also runs on saved
//! crashes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| asl_lint::fuzz::check_input(data));
