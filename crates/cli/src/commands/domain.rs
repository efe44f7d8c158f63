//! `regops domain cancel`.

use super::{Ctx, io};
use crate::args::{CancelKindArg, DomainCancelArgs, DomainCommand};
use crate::exit::{CliError, Exit};
use crate::output::{self, OperationJson};
use regops_core::{CancelKind, CancelRequest, Execution};

/// Reads `--execution`: `now`, `expire` or a date (00:00:00 UTC of that day).
pub fn execution(text: &str) -> Result<Execution, CliError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "now" => Ok(Execution::Now),
        "expire" => Ok(Execution::Expire),
        other => crate::parse::date(other)
            .map(|d| Execution::Date(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()))
            .ok_or_else(|| {
                CliError::usage(format!(
                    "--execution: `{text}` is not now, expire or a date YYYY-MM-DD"
                ))
            }),
    }
}

/// Runs a `domain` command.
pub async fn run(ctx: &mut Ctx<'_>, cmd: DomainCommand) -> Result<Exit, CliError> {
    let DomainCommand::Cancel(args) = cmd;
    let DomainCancelArgs {
        domain,
        kind,
        execution: when,
        disconnect,
        gaining_registrar,
        reply_to,
    } = args;
    let kind = match kind {
        CancelKindArg::Delete => CancelKind::Delete,
        CancelKindArg::Transit => CancelKind::Transit,
        CancelKindArg::Preack => CancelKind::Preack,
    };
    let mut request = CancelRequest::new(kind, execution(&when)?);
    if disconnect {
        request = request.disconnect(true);
    }
    if let Some(r) = reply_to {
        request = request.reply_to(r);
    }
    if let Some(r) = gaining_registrar {
        request = request.gaining_registrar(r);
    } else if kind == CancelKind::Preack {
        return Err(CliError::usage("--type preack needs --gaining-registrar"));
    }
    let Some(domains) = ctx.backend.domain_cancel_backend() else {
        return Err(CliError::usage(format!(
            "account {}: provider {} has no domain cancelation call",
            ctx.account,
            ctx.backend.provider()
        )));
    };
    let op = domains.cancel_domain(domain.trim(), &request).await?;
    if ctx.json {
        output::write_json(ctx.out, &OperationJson::new(ctx.account, &op)).map_err(io)?;
    } else {
        output::operation_lines(ctx.out, ctx.account, &op).map_err(io)?;
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions() {
        assert_eq!(execution("NOW").unwrap(), Execution::Now);
        assert_eq!(execution("expire").unwrap(), Execution::Expire);
        match execution("2025-03-01").unwrap() {
            Execution::Date(t) => assert_eq!(t.to_rfc3339(), "2025-03-01T00:00:00+00:00"),
            other => panic!("{other:?}"),
        }
        assert_eq!(execution("later").unwrap_err().exit, Exit::Usage);
    }
}
