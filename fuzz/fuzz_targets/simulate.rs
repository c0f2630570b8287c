//! Arbitrary definitions through the simulator: `asl_lint::fuzz::check_simulation`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| asl_lint::fuzz::check_simulation(data));
