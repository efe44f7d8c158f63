//! Fuzz target `xmlrpc_response`: see `regops_tests::fuzzing::xmlrpc_response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regops_tests::fuzzing::xmlrpc_response(data));
