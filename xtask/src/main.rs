//! Project automation, run as `cargo xtask <command>`:
//!
//! - `test`: prepare the independent test peers, then fmt, clippy, the architecture's rules
//!   (`tidy`) and `cargo test --workspace` (the README's test command, and what `.ci/run`
//!   calls);
//! - `tidy`: only check the architecture's rules (dependencies between crates, unused ones);
//! - `peers`: only prepare the peers;
//! - `postgres`: run the tests' PostgreSQL server for plain `cargo test`, until stdin closes;
//! - `codegen [--check]`: generate Rust from the API descriptions in `api/`;
//! - `bench`: run every benchmark and regenerate `docs/benchmarks.md` and its chart;
//! - `fuzz [--time SECONDS]`: run every fuzz target with cargo-fuzz (nightly).

mod bench;
mod codegen;
mod fuzz;
mod peers;
mod postgres;
mod test;
mod tidy;

use std::path::PathBuf;
use std::process::ExitCode;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test                 prepare the test peers, then fmt, clippy, tidy and cargo test --workspace
  tidy                 check the architecture's rules: what may depend on what, no unused
                       dependency
  peers                prepare the test peers only (python venv with moto and boto3, php-soap)
  postgres             start the test PostgreSQL server, print the variables that point plain
                       `cargo test` at it, and keep it running until stdin closes (Ctrl-D)
  codegen [--check]    generate Rust from api/*.toml (--check: fail when a file is stale)
  bench                run every benchmark (decoders against the alternatives, Python
                       included; ops show end to end; the tracker) and regenerate
                       docs/benchmarks.md and docs/benchmarks.svg from the results
  fuzz [--time SECS]   run every fuzz target for SECS seconds each (default 10); needs a
                       nightly toolchain and cargo-fuzz";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(&root, &args[1..]),
        Some("tidy") => tidy::run(&root),
        Some("peers") => peers::prepare_all(&root).map(|_| ()),
        Some("postgres") => postgres::serve_until_stdin_closes(&root),
        Some("codegen") => codegen::run(&root, args.iter().any(|a| a == "--check")),
        Some("bench") => bench::run(&root),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
