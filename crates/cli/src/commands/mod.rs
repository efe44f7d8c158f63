//! The commands that talk to one account.

pub mod cert;
#[cfg(feature = "sandbox")]
pub mod demo;
#[cfg(feature = "sandbox")]
pub mod demo_serve;
pub mod domain;
pub mod ops;
pub mod serve;
pub mod track;

use crate::exit::CliError;
use regops_core::Backend;
use std::io::Write;

/// What every account command needs.
pub struct Ctx<'a> {
    /// The account's name.
    pub account: &'a str,
    /// The account's backend.
    pub backend: &'a dyn Backend,
    /// The same backend, shared (for the tracker).
    pub shared: std::sync::Arc<dyn Backend>,
    /// Whether to print JSON.
    pub json: bool,
    /// Where results go (stdout).
    pub out: &'a mut dyn Write,
}

/// Turns a failed write to stdout into an error (a closed pipe ends the command quietly).
pub fn io(e: std::io::Error) -> CliError {
    CliError::api(format!("writing the result: {e}"))
}
