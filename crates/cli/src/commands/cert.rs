//! `regops cert list|show|create|renew|reissue|revoke`.

use super::{Ctx, io};
use crate::args::CertCommand;
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
fn honoured(
    provider: &str,
    certs: &dyn CertificateBackend,
    call: CertificateCall,
    given: &[(bool, CertificateOption, &str)],
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
    match cmd {
        CertCommand::List => {
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
        }
        CertCommand::Show { id } => {
            let c = certs.certificate(&CertificateId::new(id)).await?;
            if ctx.json {
                output::write_json(ctx.out, &CertificateJson::new(ctx.account, &c)).map_err(io)?;
            } else {
                output::certificate_lines(ctx.out, ctx.account, &c).map_err(io)?;
            }
        }
        CertCommand::Create(a) => {
            honoured(
                backend.provider(),
                certs,
                CertificateCall::Order,
                &[
                    (a.csr.is_some(), CertificateOption::Csr, "--csr"),
                    (
                        !a.alt_names.is_empty(),
                        CertificateOption::AltNames,
                        "--alt-name",
                    ),
                    (
                        a.dcv_method.is_some(),
                        CertificateOption::DcvMethod,
                        "--dcv-method",
                    ),
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
            print_op(ctx, &op)?;
        }
        CertCommand::Renew(a) => {
            honoured(
                backend.provider(),
                certs,
                CertificateCall::Renew,
                &[
                    (a.csr.is_some(), CertificateOption::Csr, "--csr"),
                    (
                        a.dcv_method.is_some(),
                        CertificateOption::DcvMethod,
                        "--dcv-method",
                    ),
                ],
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
            print_op(ctx, &op)?;
        }
        CertCommand::Reissue(a) => {
            honoured(
                backend.provider(),
                certs,
                CertificateCall::Reissue,
                &[
                    (
                        !a.alt_names.is_empty(),
                        CertificateOption::AltNames,
                        "--alt-name",
                    ),
                    (
                        a.dcv_method.is_some(),
                        CertificateOption::DcvMethod,
                        "--dcv-method",
                    ),
                ],
            )?;
            let mut reissue = CertificateReissue::new(read_csr(&a.csr)?).alt_names(a.alt_names);
            if let Some(m) = dcv(a.dcv_method)? {
                reissue = reissue.dcv_method(m);
            }
            let op = certs
                .reissue_certificate(&CertificateId::new(a.id), &reissue)
                .await?;
            print_op(ctx, &op)?;
        }
        CertCommand::Revoke { id, reason } => {
            honoured(
                backend.provider(),
                certs,
                CertificateCall::Revoke,
                &[(reason.is_some(), CertificateOption::Reason, "--reason")],
            )?;
            let op = certs
                .revoke_certificate(&CertificateId::new(id), reason.as_deref())
                .await?;
            print_op(ctx, &op)?;
        }
    }
    Ok(Exit::Success)
}
