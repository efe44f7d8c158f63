//! `regops ops list|show|wait|cancel|relaunch`.

use super::{Ctx, io};
use crate::args::{ListArgs, OpsCommand, StatusArg, WaitArgs};
use crate::exit::{CliError, Exit};
use crate::output::{self, OperationJson};
use regops_core::{
    Journal, Operation, OperationFilter, OperationId, OperationStatus, RelaunchParams, Sort,
    collect_operations,
};

/// Runs an `ops` command.
pub async fn run(ctx: &mut Ctx<'_>, cmd: OpsCommand) -> Result<Exit, CliError> {
    match cmd {
        OpsCommand::List(args) => list(ctx, args).await,
        OpsCommand::Show { id } => {
            let id = OperationId::new(id);
            let op = match ctx.backend.operation(&id).await {
                Ok(op) => op,
                Err(e) if e.is_not_found() => match recalled(ctx.account, &id).await {
                    Some(op) => op,
                    None => return Err(e.into()),
                },
                Err(e) => return Err(e.into()),
            };
            print_one(ctx, &op)?;
            Ok(Exit::Success)
        }
        OpsCommand::Wait(args) => wait_all(ctx, args).await,
        OpsCommand::Cancel { id } => {
            let id = OperationId::new(id);
            ctx.backend.cancel(&id).await?;
            let op = read_back(ctx, &id, "cancel").await?;
            remember(ctx.account, &op).await;
            print_one(ctx, &op)?;
            Ok(Exit::Success)
        }
        OpsCommand::Types => types(ctx.json, ctx.out),
        OpsCommand::Relaunch { id, params } => {
            let id = OperationId::new(id);
            let params: RelaunchParams = params.into_iter().collect();
            ctx.backend.relaunch(&id, &params).await?;
            let op = read_back(ctx, &id, "relaunch").await?;
            print_one(ctx, &op)?;
            Ok(Exit::Success)
        }
    }
}

/// Records a cancelled operation in the journal, so that a later process still knows it was
/// cancelled when the provider no longer has it (AutoDNS forgets a withdrawn cancelation). The
/// cancel went through either way: a journal that cannot be written is a warning.
async fn remember(account: &str, op: &Operation) {
    let recorded = match super::track::open_journal(None) {
        Ok(journal) => journal
            .record(account, op)
            .await
            .map(|_| ())
            .map_err(|e| e.message().to_owned()),
        Err(e) => Err(e.message),
    };
    if let Err(e) = recorded {
        eprintln!(
            "regops: warning: {} was cancelled, but recording it in the journal failed: {e}",
            op.id
        );
    }
}

/// An operation the provider no longer has, as the journal last recorded it, when that state
/// was final (a withdrawn AutoDNS cancelation reads as cancelled); a note on stderr says so.
async fn recalled(account: &str, id: &OperationId) -> Option<Operation> {
    let path = super::track::journal_path(None).ok()?;
    let journal = regops_journal::SqliteJournal::open_read_only(&path).ok()?;
    let record = journal.get(account, id).await.ok()??;
    let op = record.last.filter(|op| op.status.is_terminal())?;
    eprintln!(
        "regops: {id} is no longer known to the provider; shown as the journal last recorded it"
    );
    Some(op)
}

/// Reads an operation after a call that changed it; says clearly that the change went through
/// when only the read failed.
async fn read_back(ctx: &Ctx<'_>, id: &OperationId, what: &str) -> Result<Operation, CliError> {
    ctx.backend.operation(id).await.map_err(|e| {
        CliError::from(e).context(format!(
            "the {what} of {id} was accepted, but reading the operation back failed"
        ))
    })
}

fn print_one(ctx: &mut Ctx<'_>, op: &Operation) -> Result<(), CliError> {
    if ctx.json {
        output::write_json(ctx.out, &OperationJson::new(ctx.account, op)).map_err(io)
    } else {
        output::operation_lines(ctx.out, ctx.account, op).map_err(io)
    }
}

fn print_many(ctx: &mut Ctx<'_>, ops: &[Operation]) -> Result<(), CliError> {
    if ctx.json {
        let v: Vec<OperationJson> = ops
            .iter()
            .map(|o| OperationJson::new(ctx.account, o))
            .collect();
        output::write_json(ctx.out, &v).map_err(io)
    } else {
        output::operations_table(ctx.out, ops).map_err(io)
    }
}

fn status(arg: StatusArg) -> OperationStatus {
    match arg {
        StatusArg::Pending => OperationStatus::Pending,
        StatusArg::InProgress => OperationStatus::InProgress,
        StatusArg::ActionRequired => OperationStatus::ActionRequired,
        StatusArg::Succeeded => OperationStatus::Succeeded,
        StatusArg::Failed => OperationStatus::Failed,
        StatusArg::Cancelled => OperationStatus::Cancelled,
        // Any word regops does not know (see `OperationFilter::unknown_statuses`).
        StatusArg::Unknown => OperationStatus::Unknown(String::new()),
    }
}

async fn list(ctx: &mut Ctx<'_>, args: ListArgs) -> Result<Exit, CliError> {
    let mut filter = OperationFilter::new().sort(Sort::newest_first());
    for s in args.statuses {
        filter = filter.status(status(s));
    }
    let words = ctx.backend.vocabulary();
    for t in args.types {
        if !words.allows_kind(&t) {
            eprintln!(
                "regops: warning: {} has no operation type {t:?} (`regops ops types` lists its {}); asking anyway",
                words.provider,
                words.kinds.len()
            );
        }
        filter = filter.kind(t);
    }
    if let Some(since) = &args.since {
        filter = filter.submitted_since(crate::parse::time(since).map_err(CliError::usage)?);
    }
    let ops = collect_operations(ctx.backend, &filter, args.limit).await?;
    print_many(ctx, &ops)?;
    Ok(Exit::Success)
}

async fn wait_all(ctx: &mut Ctx<'_>, args: WaitArgs) -> Result<Exit, CliError> {
    let mut tracker = regops_core::Tracker::new(super::track::options(args.timeout.as_deref())?);
    tracker.add_account(ctx.account, ctx.shared.clone());
    let followed = super::track::track_all(&mut tracker, ctx.account, &args.ids).await?;
    super::track::follow(tracker, &followed, ctx.json, ctx.out).await
}

/// The four providers' words.
pub fn vocabularies() -> Vec<regops_core::Vocabulary> {
    vec![
        regops_xmlrpc::convert::vocabulary(),
        regops_soap::convert::vocabulary(),
        regops_route53::convert::vocabulary(),
        regops_rest::convert::vocabulary(),
    ]
}

/// `regops ops types`: each provider's operation types and status words.
pub fn types(json: bool, out: &mut dyn std::io::Write) -> Result<Exit, CliError> {
    let all = vocabularies();
    if json {
        let v: Vec<serde_json::Value> = all
            .iter()
            .map(|w| {
                serde_json::json!({
                    "provider": w.provider,
                    "types": w.kinds,
                    "types_complete": w.kinds_complete,
                    "statuses": w.statuses.iter().map(|(raw, s)| {
                        serde_json::json!({"raw_status": raw, "status": s.as_str()})
                    }).collect::<Vec<_>>(),
                    "note": w.note,
                })
            })
            .collect();
        output::write_json(out, &v).map_err(io)?;
        return Ok(Exit::Success);
    }
    for w in &all {
        let kinds = if w.kinds.is_empty() {
            "any".to_owned()
        } else if w.kinds_complete {
            w.kinds.join(" ")
        } else {
            format!("{} (and others)", w.kinds.join(" "))
        };
        let statuses: Vec<String> = w
            .statuses
            .iter()
            .map(|(raw, s)| format!("{raw}={}", s.as_str()))
            .collect();
        writeln!(out, "{}", w.provider).map_err(io)?;
        writeln!(out, "  types:    {kinds}").map_err(io)?;
        writeln!(out, "  statuses: {}", statuses.join(" ")).map_err(io)?;
        if let Some(note) = &w.note {
            writeln!(out, "  note:     {note}").map_err(io)?;
        }
    }
    Ok(Exit::Success)
}
