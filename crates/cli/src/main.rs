//! `regops`: track registrar operations to completion across Gandi, Netim, Route 53 Domains and
//! AutoDNS. See `regops --help` and docs/cli.md for the contract.

mod args;
mod commands;
mod config;
mod exit;
mod output;
mod parse;
mod progress;
mod providers;

use args::{Cli, Command};
use clap::Parser;
use commands::Ctx;
use exit::{CliError, Exit};
use std::io::Write;
use std::process::ExitCode;

/// jemalloc rather than the system's allocator: `regops serve` follows hundreds of thousands
/// of operations with many small allocations on several threads, where glibc's arenas keep
/// far more memory (100,000 followed: 299 MiB peak with glibc, 235 MiB with jemalloc, by
/// `cargo bench -p regops --bench serve -- STEADY=100000`).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
        // aws-sigv4 logs each canonical request at trace level, signed headers (the security
        // token among them) included: never, whatever RUST_LOG says.
        .add_directive("aws_sigv4=off".parse().expect("a valid directive"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// The commands that work on one account.
enum OnAccount {
    Ops(args::OpsCommand),
    Domain(args::DomainCommand),
    Cert(args::CertCommand),
}

async fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit, CliError> {
    let load = || config::load(cli.config.as_deref());
    let account = cli.account.as_deref();
    let command = match cli.command {
        // The sandbox commands need no configuration.
        #[cfg(feature = "sandbox")]
        Command::Demo(args) => return commands::demo::demo(args, cli.json, out).await,
        #[cfg(feature = "sandbox")]
        Command::Sim(args) => return commands::demo::sim(args, out).await,
        // The journal commands pick their accounts themselves (`track --resume` may need
        // several), the service takes them all.
        Command::Track(args) => {
            return commands::track::track(&load()?, account, args, cli.json, out).await;
        }
        Command::History(args) => {
            return commands::track::history(&load()?, account, args, cli.json, out).await;
        }
        Command::Serve(args) => return commands::serve::serve(&load()?, args, out).await,
        // The providers' words are the same for every account.
        Command::Ops(args::OpsCommand::Types) => return commands::ops::types(cli.json, out),
        Command::Ops(cmd) => OnAccount::Ops(cmd),
        Command::Domain(cmd) => OnAccount::Domain(cmd),
        Command::Cert(cmd) => OnAccount::Cert(cmd),
    };
    let config = load()?;
    let account = config.select(account)?;
    let backend: std::sync::Arc<dyn regops_core::Backend> = providers::connect(account)?.into();
    let mut ctx = Ctx {
        account: &account.name,
        backend: &*backend,
        shared: backend.clone(),
        json: cli.json,
        out,
    };
    let provider = backend.provider().to_owned();
    let done = match command {
        OnAccount::Ops(cmd) => commands::ops::run(&mut ctx, cmd).await,
        OnAccount::Domain(cmd) => commands::domain::run(&mut ctx, cmd).await,
        OnAccount::Cert(cmd) => commands::cert::run(&mut ctx, cmd).await,
    };
    done.map_err(|e| e.naming(&account.name, &provider))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("regops: cannot start the async runtime: {e}");
            return ExitCode::from(Exit::Api.code());
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = runtime.block_on(run(cli, &mut out));
    let flushed = out.flush();
    let exit = match result {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("regops: {e}");
            e.exit
        }
    };
    if let Err(e) = flushed {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("regops: writing the result: {e}");
            return ExitCode::from(Exit::Api.code());
        }
    }
    ExitCode::from(exit.code())
}
