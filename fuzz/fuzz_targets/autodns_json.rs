//! Fuzz target `autodns_json`: see `regops_tests::fuzzing::autodns_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regops_tests::fuzzing::autodns_json(data));
