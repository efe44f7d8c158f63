//! Fuzz target `soap_envelope`: see `regops_tests::fuzzing::soap_envelope`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regops_tests::fuzzing::soap_envelope(data));
