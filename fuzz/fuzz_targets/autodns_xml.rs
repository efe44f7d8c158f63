//! Fuzz target `autodns_xml`: see `regops_tests::fuzzing::autodns_xml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regops_tests::fuzzing::autodns_xml(data));
