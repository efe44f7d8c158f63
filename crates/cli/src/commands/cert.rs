//! `regops cert list|show|create|renew|reissue|revoke`.

use super::{Ctx, io};
use crate::args::{CertCommand, CertCreateArgs, CertReissueArgs, CertRenewArgs};
use crate::exit::{CliError, Exit};
use crate::output::{self, CertificateJson, OperationJson};
use futures::TryStreamExt;
use regops_core::{
    CertificateBackend, CertificateCall, CertificateFilter, CertificateId, CertificateOption,
    CertificateOrder, CertificateReissue, CertificateRenewal, DcvMethod, Operation, page,
};
use std::path::Path;

fn read_csr(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("--csr {}: {e}", path.display())))
}

fn dcv(method: Option<String>) -> Result<Option<DcvMethod>, CliError> {
    method
        .map(|m| match DcvMethod::from(m.as_str()) {
            DcvMethod::Unknown(raw) => Err(CliError::usage(format!(
                "--dcv-method: `{raw}` is not one of {}",
                DcvMethod::KNOWN
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            known => Ok(known),
        })
        .transpose()
}

/// Refuses, before any file is read or anything sent, a flag that the provider's `call` cannot
/// honour: each given flag is (present, the option it sets, its name).
/// A flag as given: whether it was, what option it asks for, its name.
type Flag = (bool, CertificateOption, &'static str);

fn csr_flag(csr: &Option<std::path::PathBuf>) -> Flag {
    (csr.is_some(), CertificateOption::Csr, "--csr")
}

fn alt_name_flag(names: &[String]) -> Flag {
    (!names.is_empty(), CertificateOption::AltNames, "--alt-name")
}

fn dcv_flag(method: &Option<String>) -> Flag {
    (
        method.is_some(),
        CertificateOption::DcvMethod,
        "--dcv-method",
    )
}

fn honoured(
    provider: &str,
    certs: &dyn CertificateBackend,
    call: CertificateCall,
    given: &[Flag],
) -> Result<(), CliError> {
    match given
        .iter()
        .find(|(present, option, _)| *present && !certs.honours(call, *option))
    {
        Some((_, _, flag)) => Err(CliError::usage(format!(
            "{flag} is not honoured by {provider} on cert {}: its call has no such option; nothing was sent",
            match call {
                CertificateCall::Order => "create",
                other => other.as_str(),
            }
        ))),
        None => Ok(()),
    }
}

fn print_op(ctx: &mut Ctx<'_>, op: &Operation) -> Result<(), CliError> {
    if ctx.json {
        output::write_json(ctx.out, &OperationJson::new(ctx.account, op)).map_err(io)
    } else {
        output::operation_lines(ctx.out, ctx.account, op).map_err(io)
    }
}

/// Runs a `cert` command.
pub async fn run(ctx: &mut Ctx<'_>, cmd: CertCommand) -> Result<Exit, CliError> {
    let backend = ctx.backend;
    let Some(certs): Option<&dyn CertificateBackend> = backend.certificate_backend() else {
        return Err(CliError::usage(format!(
            "account {}: provider {} has no certificate calls",
            ctx.account,
            backend.provider()
        )));
    };
    let provider = backend.provider();
    match cmd {
        CertCommand::List => list(ctx, certs).await?,
        CertCommand::Show { id } => show(ctx, certs, id).await?,
        CertCommand::Create(a) => create(ctx, provider, certs, a).await?,
        CertCommand::Renew(a) => renew(ctx, provider, certs, a).await?,
        CertCommand::Reissue(a) => reissue(ctx, provider, certs, a).await?,
        CertCommand::Revoke { id, reason } => revoke(ctx, provider, certs, id, reason).await?,
    }
    Ok(Exit::Success)
}

async fn list(ctx: &mut Ctx<'_>, certs: &dyn CertificateBackend) -> Result<(), CliError> {
    let filter = CertificateFilter::new();
    let list: Vec<_> = page::items(certs.certificates(&filter))
        .try_collect()
        .await?;
    if ctx.json {
        let v: Vec<CertificateJson> = list
            .iter()
            .map(|c| CertificateJson::new(ctx.account, c))
            .collect();
        output::write_json(ctx.out, &v).map_err(io)?;
    } else {
        output::certificates_table(ctx.out, &list).map_err(io)?;
    }
    Ok(())
}

async fn show(
    ctx: &mut Ctx<'_>,
    certs: &dyn CertificateBackend,
    id: String,
) -> Result<(), CliError> {
    let c = certs.certificate(&CertificateId::new(id)).await?;
    if ctx.json {
        output::write_json(ctx.out, &CertificateJson::new(ctx.account, &c)).map_err(io)?;
    } else {
        output::certificate_lines(ctx.out, ctx.account, &c).map_err(io)?;
    }
    Ok(())
}

/// `cert create`: every flag honoured by the provider's order call, or refused before it.
async fn create(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertCreateArgs,
) -> Result<(), CliError> {
    honoured(
        provider,
        certs,
        CertificateCall::Order,
        &[
            csr_flag(&a.csr),
            alt_name_flag(&a.alt_names),
            dcv_flag(&a.dcv_method),
        ],
    )?;
    let mut order = CertificateOrder::new(a.package, a.cn)
        .alt_names(a.alt_names)
        .duration_years(a.duration);
    if let Some(p) = &a.csr {
        order = order.csr(read_csr(p)?);
    }
    if let Some(m) = dcv(a.dcv_method)? {
        order = order.dcv_method(m);
    }
    let op = certs.order_certificate(&order).await?;
    print_op(ctx, &op)
}

/// `cert renew`: every flag honoured by the provider's renewal call, or refused before it.
async fn renew(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertRenewArgs,
) -> Result<(), CliError> {
    honoured(
        provider,
        certs,
        CertificateCall::Renew,
        &[csr_flag(&a.csr), dcv_flag(&a.dcv_method)],
    )?;
    let mut renewal = CertificateRenewal::new(a.duration);
    if let Some(p) = &a.csr {
        renewal = renewal.csr(read_csr(p)?);
    }
    if let Some(m) = dcv(a.dcv_method)? {
        renewal = renewal.dcv_method(m);
    }
    let op = certs
        .renew_certificate(&CertificateId::new(a.id), &renewal)
        .await?;
    print_op(ctx, &op)
}

/// `cert reissue`: every flag honoured by the provider's reissue call, or refused before it.
async fn reissue(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertReissueArgs,
) -> Result<(), CliError> {
    honoured(
        provider,
        certs,
        CertificateCall::Reissue,
        &[alt_name_flag(&a.alt_names), dcv_flag(&a.dcv_method)],
    )?;
    let mut reissue = CertificateReissue::new(read_csr(&a.csr)?).alt_names(a.alt_names);
    if let Some(m) = dcv(a.dcv_method)? {
        reissue = reissue.dcv_method(m);
    }
    let op = certs
        .reissue_certificate(&CertificateId::new(a.id), &reissue)
        .await?;
    print_op(ctx, &op)
}

/// `cert revoke`: `--reason` honoured by the provider's call, or refused before it.
async fn revoke(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    id: String,
    reason: Option<String>,
) -> Result<(), CliError> {
    honoured(
        provider,
        certs,
        CertificateCall::Revoke,
        &[(reason.is_some(), CertificateOption::Reason, "--reason")],
    )?;
    let op = certs
        .revoke_certificate(&CertificateId::new(id), reason.as_deref())
        .await?;
    print_op(ctx, &op)
}
