//! `regops domain cancel|register|renew|transfer|nameservers|contacts|resend-authorization|
//! reachability|auth-code|transfer-account`.

use super::{Ctx, io};
use crate::args::{AccountTransferCommand, CancelKindArg, DomainCancelArgs, DomainCommand};
use crate::exit::{CliError, Exit};
use crate::output::{self, AccountTransferJson, AuthCodeJson, OperationJson, ReachabilityJson};
use regops_core::{
    CancelKind, CancelRequest, Contacts, DomainBackend, Execution, Operation, OperationId,
    Registration, Secret, Transfer,
};

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
    match cmd {
        DomainCommand::Cancel(args) => cancel(ctx, args).await,
        DomainCommand::Register {
            domain,
            contacts,
            years,
            nameservers,
        } => {
            let contacts = read_contacts(&contacts)?;
            let mut registration = Registration::new(domain.trim(), years, contacts);
            registration.nameservers = nameservers;
            let op = domains(ctx)?.register_domain(&registration).await?;
            show(ctx, &op)
        }
        DomainCommand::Transfer {
            domain,
            auth_code,
            contacts,
            years,
            nameservers,
        } => {
            let contacts = read_contacts(&contacts)?;
            let mut transfer = Transfer::new(
                domain.trim(),
                secret_of("--auth-code", &auth_code)?,
                contacts,
            );
            transfer.years = years;
            transfer.nameservers = nameservers;
            let op = domains(ctx)?.transfer_domain(&transfer).await?;
            show(ctx, &op)
        }
        DomainCommand::Nameservers {
            domain,
            nameservers,
        } => {
            let op = domains(ctx)?
                .update_nameservers(domain.trim(), &nameservers)
                .await?;
            show(ctx, &op)
        }
        DomainCommand::ResendAuthorization { operation } => {
            let id = OperationId::new(operation.trim());
            domains(ctx)?.resend_authorization(&id).await?;
            let op = ctx.backend.operation(&id).await?;
            show(ctx, &op)
        }
        DomainCommand::Renew { domain, years } => {
            let op = domains(ctx)?.renew_domain(domain.trim(), years).await?;
            show(ctx, &op)
        }
        DomainCommand::Contacts { domain, contacts } => {
            let contacts = read_contacts(&contacts)?;
            let op = domains(ctx)?
                .update_contacts(domain.trim(), &contacts)
                .await?;
            show(ctx, &op)
        }
        DomainCommand::Reachability { domain, resend } => {
            reachability(ctx, domain.trim(), resend).await
        }
        DomainCommand::AuthCode { domain } => {
            let domain = domain.trim();
            let code = domains(ctx)?.auth_code(domain).await?;
            if ctx.json {
                let provider = ctx.backend.provider();
                let j = AuthCodeJson::new(ctx.account, provider, domain, code.expose());
                output::write_json(ctx.out, &j).map_err(io)?;
            } else {
                writeln!(ctx.out, "{}", code.expose()).map_err(io)?;
            }
            Ok(Exit::Success)
        }
        DomainCommand::TransferAccount(cmd) => transfer_account(ctx, cmd).await,
    }
}

/// `domain reachability [--resend]`: the resend first, then the status as read after it.
async fn reachability(ctx: &mut Ctx<'_>, domain: &str, resend: bool) -> Result<Exit, CliError> {
    let calls = domains(ctx)?;
    let mail = if resend {
        Some(calls.resend_reachability(domain).await?)
    } else {
        None
    };
    let status = calls.reachability(domain).await?;
    let j = ReachabilityJson::new(
        ctx.account,
        ctx.backend.provider(),
        domain,
        &status,
        mail.as_ref(),
    );
    if ctx.json {
        output::write_json(ctx.out, &j).map_err(io)?;
    } else {
        write!(ctx.out, "{}", j.lines()).map_err(io)?;
    }
    Ok(Exit::Success)
}

/// `domain transfer-account send|accept|reject|cancel`.
async fn transfer_account(
    ctx: &mut Ctx<'_>,
    cmd: AccountTransferCommand,
) -> Result<Exit, CliError> {
    let calls = domains(ctx)?;
    let op = match cmd {
        AccountTransferCommand::Send { domain, to } => {
            let transfer = calls.transfer_to_account(domain.trim(), &to).await?;
            let password = transfer.password.as_ref().map(|p| p.expose());
            if password.is_none() {
                eprintln!(
                    "regops: warning: the answer that carried the password was lost (Route 53 \
                     gives it once): cancel this transfer with `regops domain transfer-account \
                     cancel` and send it again"
                );
            }
            if ctx.json {
                let op = OperationJson::new(ctx.account, &transfer.operation);
                let j = AccountTransferJson::new(op, password);
                output::write_json(ctx.out, &j).map_err(io)?;
            } else {
                output::operation_lines(ctx.out, ctx.account, &transfer.operation).map_err(io)?;
                writeln!(ctx.out, "password: {}", password.unwrap_or("(lost)")).map_err(io)?;
            }
            return Ok(Exit::Success);
        }
        AccountTransferCommand::Accept { domain, password } => {
            let password = secret_of("--password", &password)?;
            calls
                .accept_account_transfer(domain.trim(), &password)
                .await?
        }
        AccountTransferCommand::Reject { domain } => {
            calls.reject_account_transfer(domain.trim()).await?
        }
        AccountTransferCommand::Cancel { domain } => {
            calls.cancel_account_transfer(domain.trim()).await?
        }
    };
    show(ctx, &op)
}

/// The account's domain calls, or exit 2 saying the provider has none.
fn domains<'a>(ctx: &'a Ctx<'_>) -> Result<&'a dyn DomainBackend, CliError> {
    ctx.backend.domain_backend().ok_or_else(|| {
        CliError::usage(format!(
            "account {}: provider {} has no call to start domain operations (registration, renewal, transfers, name servers, contacts)",
            ctx.account,
            ctx.backend.provider()
        ))
    })
}

/// Prints the operation a command started, as every command does.
fn show(ctx: &mut Ctx<'_>, op: &Operation) -> Result<Exit, CliError> {
    if ctx.json {
        output::write_json(ctx.out, &OperationJson::new(ctx.account, op)).map_err(io)?;
    } else {
        output::operation_lines(ctx.out, ctx.account, op).map_err(io)?;
    }
    Ok(Exit::Success)
}

/// A secret flag (`--auth-code`, `--password`): the value itself, or `env:VAR` to take it
/// from the environment (so that it stays out of the shell's history and the process list).
fn secret_of(flag: &str, text: &str) -> Result<Secret, CliError> {
    match text.strip_prefix("env:") {
        Some(var) => std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Secret::new)
            .ok_or_else(|| CliError::usage(format!("{flag} env:{var}: {var} is not set"))),
        None if text.trim().is_empty() => Err(CliError::usage(format!("{flag} is empty"))),
        None => Ok(Secret::new(text.trim())),
    }
}

/// Reads a contacts file: JSON when it is `.json` (or starts with `{`), TOML otherwise.
pub fn read_contacts(path: &std::path::Path) -> Result<Contacts, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("--contacts {}: {e}", path.display())))?;
    let json = path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let parsed = if json {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.message().trim().to_owned())
    };
    parsed.map_err(|e| CliError::usage(format!("--contacts {}: {e}", path.display())))
}

/// `regops domain cancel`.
async fn cancel(ctx: &mut Ctx<'_>, args: DomainCancelArgs) -> Result<Exit, CliError> {
    let DomainCancelArgs {
        domain,
        kind,
        execution: when,
        disconnect,
        gaining_registrar,
        update,
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
    let op = if update {
        domains.update_cancelation(domain.trim(), &request).await?
    } else {
        domains.cancel_domain(domain.trim(), &request).await?
    };
    show(ctx, &op)
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

    #[test]
    fn contacts_files_in_toml_and_json() {
        let dir = std::env::temp_dir().join(format!("regops-contacts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let toml_file = dir.join("c.toml");
        std::fs::write(
            &toml_file,
            "[registrant]\nfirst_name = \"Ada\"\ncontact_type = \"person\"\nemail = \"ada@example.com\"\n\n[tech]\nemail = \"ops@example.com\"\n",
        )
        .unwrap();
        let c = read_contacts(&toml_file).unwrap();
        assert_eq!(c.registrant.first_name.as_deref(), Some("Ada"));
        assert_eq!(
            c.admin().email.as_deref(),
            Some("ada@example.com"),
            "the registrant's"
        );
        assert_eq!(c.tech().email.as_deref(), Some("ops@example.com"));
        let json_file = dir.join("c.json");
        std::fs::write(
            &json_file,
            r#"{"registrant": {"email": "x@example.com", "extra_params": {"ES_IDENTIFICATION": "X1"}}}"#,
        )
        .unwrap();
        let c = read_contacts(&json_file).unwrap();
        assert_eq!(c.registrant.extra_params["ES_IDENTIFICATION"], "X1");
        std::fs::write(&toml_file, "[registrant]\nfirstname = \"typo\"\n").unwrap();
        let e = read_contacts(&toml_file).unwrap_err();
        assert_eq!(e.exit, Exit::Usage);
        assert!(e.message.contains("firstname"), "{}", e.message);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
