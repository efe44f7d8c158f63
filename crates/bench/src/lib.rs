//! regops' decoders measured beside the libraries people would use instead.
//!
//! `cargo xtask bench` drives it: `regops-bench inputs` writes the [`fixtures`] for Python,
//! `cargo bench -p regops-bench --bench decoders` times every [`decoders`] entry on every input
//! with criterion, `python/decode.py` times Python's decoders on the same files, and
//! `regops-bench report` turns all the results into `docs/benchmarks.md` and its chart
//! ([`report`]).

pub mod decoders;
pub mod fixtures;
pub mod report;
