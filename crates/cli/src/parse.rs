//! What the command line reads from text: the same parsers as the service's (regops-core).

pub use regops_core::parse::{date, duration, time};
