//! Arbitrary JSONata expressions, parsed and evaluated: `asl_lint::fuzz::check_jsonata`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| asl_lint::fuzz::check_jsonata(data));
