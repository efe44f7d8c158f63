//! `regops cert ...`: certificates, their validation, packages, preferences and hosted
//! certificates. Every flag is honoured by the provider's call or refused before anything is
//! read or sent (docs/cli.md has the table).

mod hosted;
mod requests;
mod validation;

use super::{Ctx, io};
use crate::args::{CertCommand, CertListArgs, OnOff, PreferenceArg};
use crate::exit::{CliError, Exit};
use crate::output::{self, CertificateJson, OperationJson, PackageJson};
use futures::TryStreamExt;
use regops_core::{
    Certificate, CertificateBackend, CertificateFilter, CertificateId, CertificatePreference,
    CertificateStatus, Operation, TargetMatch, page,
};

pub(crate) fn print_op(ctx: &mut Ctx<'_>, op: &Operation) -> Result<(), CliError> {
    if ctx.json {
        output::write_json(ctx.out, &OperationJson::new(ctx.account, op)).map_err(io)
    } else {
        output::operation_lines(ctx.out, ctx.account, op).map_err(io)
    }
}

pub(crate) fn print_cert(ctx: &mut Ctx<'_>, c: &Certificate) -> Result<(), CliError> {
    if ctx.json {
        output::write_json(ctx.out, &CertificateJson::new(ctx.account, c)).map_err(io)
    } else {
        output::certificate_lines(ctx.out, ctx.account, c).map_err(io)
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
        CertCommand::List(a) => list(ctx, certs, *a).await?,
        CertCommand::Show { id } => {
            let c = certs.certificate(&CertificateId::new(id)).await?;
            print_cert(ctx, &c)?;
        }
        CertCommand::Create(a) => requests::create(ctx, provider, certs, *a).await?,
        CertCommand::Renew(a) => requests::renew(ctx, provider, certs, *a).await?,
        CertCommand::Reissue(a) => requests::reissue(ctx, provider, certs, *a).await?,
        CertCommand::Revoke(a) => requests::revoke(ctx, provider, certs, a).await?,
        CertCommand::Packages => packages(ctx, certs).await?,
        CertCommand::Dcv(c) => validation::run(ctx, certs, c).await?,
        CertCommand::RecheckCaa { id } => {
            let c = certs.recheck_caa(&CertificateId::new(id)).await?;
            print_cert(ctx, &c)?;
        }
        CertCommand::Preference {
            id,
            preference,
            value,
        } => {
            let preference = match preference {
                PreferenceArg::AutoRenew => CertificatePreference::AutoRenew,
                PreferenceArg::ToBeRenewed => CertificatePreference::ToBeRenewed,
            };
            let op = certs
                .set_preference(&CertificateId::new(id), preference, value == OnOff::On)
                .await?;
            print_op(ctx, &op)?;
        }
        CertCommand::Hosted(c) => hosted::run(ctx, provider, certs, c).await?,
    }
    Ok(Exit::Success)
}

/// The listing filter of `cert list`'s flags; a word or time that is not one is a usage error.
fn filter(a: CertListArgs) -> Result<CertificateFilter, CliError> {
    let mut f = CertificateFilter::new();
    for word in a.statuses {
        match CertificateStatus::from(word.as_str()) {
            CertificateStatus::Unknown(raw) => {
                return Err(CliError::usage(format!(
                    "--status: `{raw}` is not one of {}",
                    CertificateStatus::KNOWN
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            known => f = f.status(known),
        }
    }
    if let Some(cn) = a.cn {
        f = f.cn(TargetMatch::Exact(cn));
    }
    if let Some(p) = a.cn_prefix {
        f = f.cn(TargetMatch::Prefix(p));
    }
    f.package = a.package;
    let time = |flag: &str, v: Option<String>| {
        v.map(|t| crate::parse::time(&t).map_err(|e| CliError::usage(format!("{flag}: {e}"))))
            .transpose()
    };
    f.expires_until = time("--expires-before", a.expires_before)?;
    f.expires_since = time("--expires-after", a.expires_after)?;
    Ok(f)
}

async fn list(
    ctx: &mut Ctx<'_>,
    certs: &dyn CertificateBackend,
    a: CertListArgs,
) -> Result<(), CliError> {
    let filter = filter(a)?;
    let list: Vec<_> = page::items(certs.certificates(&filter))
        .try_collect()
        .await?;
    if ctx.json {
        let v: Vec<CertificateJson> = list
            .iter()
            .map(|c| CertificateJson::new(ctx.account, c))
            .collect();
        output::write_json(ctx.out, &v).map_err(io)
    } else {
        output::certificates_table(ctx.out, &list).map_err(io)
    }
}

async fn packages(ctx: &mut Ctx<'_>, certs: &dyn CertificateBackend) -> Result<(), CliError> {
    let list = certs.packages().await?;
    if ctx.json {
        let v: Vec<PackageJson> = list
            .iter()
            .map(|p| PackageJson::new(ctx.account, p))
            .collect();
        output::write_json(ctx.out, &v).map_err(io)
    } else {
        output::packages_table(ctx.out, &list).map_err(io)
    }
}
