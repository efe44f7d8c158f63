//! Fuzz target `route53_json`: see `regops_tests::fuzzing::route53_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regops_tests::fuzzing::route53_json(data));
