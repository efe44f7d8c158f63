//! `cert create|renew|reissue|revoke`: every flag honoured by the provider's call, or refused
//! before any file is read or anything sent.

use super::print_op;
use crate::args::{CertCreateArgs, CertReissueArgs, CertRenewArgs, CertRevokeArgs, SubjectArgs};
use crate::commands::Ctx;
use crate::exit::CliError;
use regops_core::{
    CertificateBackend, CertificateCall, CertificateId, CertificateOption, CertificateOrder,
    CertificateReissue, CertificateRenewal, CertificateRevocation, CertificateSubject, DcvMethod,
    ProviderParams,
};
use std::path::{Path, PathBuf};

fn read_csr(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("--csr {}: {e}", path.display())))
}

/// A DCV method word of the command line; one regops does not know is a usage error.
pub(super) fn dcv_word(flag: &str, word: &str) -> Result<DcvMethod, CliError> {
    match DcvMethod::from(word) {
        DcvMethod::Unknown(raw) => Err(CliError::usage(format!(
            "{flag}: `{raw}` is not one of {}",
            DcvMethod::KNOWN
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        known => Ok(known),
    }
}

/// An optional DCV method flag (see [`dcv_word`]).
pub(super) fn dcv(flag: &str, method: Option<String>) -> Result<Option<DcvMethod>, CliError> {
    method.map(|m| dcv_word(flag, &m)).transpose()
}

/// A flag as given: whether it was, what option it asks for, its name.
type Flag = (bool, CertificateOption, &'static str);

fn csr_flag(csr: &Option<PathBuf>) -> Flag {
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

fn dcv_email_flag(emails: &[String]) -> Flag {
    (
        !emails.is_empty(),
        CertificateOption::DcvEmails,
        "--dcv-email",
    )
}

fn param_flag(params: &[(String, String)]) -> Flag {
    (!params.is_empty(), CertificateOption::Params, "--param")
}

fn subject_flags(s: &SubjectArgs) -> [Flag; 6] {
    let f = |v: &Option<String>, name| (v.is_some(), CertificateOption::Subject, name);
    [
        f(&s.country, "--country"),
        f(&s.city, "--city"),
        f(&s.region, "--region"),
        f(&s.organization, "--organization"),
        f(&s.department, "--department"),
        f(&s.email, "--email"),
    ]
}

fn subject(s: SubjectArgs) -> CertificateSubject {
    let mut out = CertificateSubject::default();
    out.country = s.country;
    out.city = s.city;
    out.region = s.region;
    out.organization = s.organization;
    out.department = s.department;
    out.email = s.email;
    out
}

fn params(pairs: Vec<(String, String)>) -> ProviderParams {
    pairs.into_iter().collect()
}

/// Refuses, before any file is read or anything sent, a flag the provider's `call` cannot
/// honour.
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

/// `cert create`.
pub(super) async fn create(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertCreateArgs,
) -> Result<(), CliError> {
    let mut given = vec![
        csr_flag(&a.csr),
        alt_name_flag(&a.alt_names),
        dcv_flag(&a.dcv_method),
        dcv_email_flag(&a.dcv_emails),
        param_flag(&a.params),
    ];
    given.extend(subject_flags(&a.subject));
    honoured(provider, certs, CertificateCall::Order, &given)?;
    let mut order = CertificateOrder::new(a.package, a.cn)
        .alt_names(a.alt_names)
        .duration_years(a.duration)
        .dcv_emails(a.dcv_emails)
        .subject(subject(a.subject))
        .params(params(a.params));
    if let Some(p) = &a.csr {
        order = order.csr(read_csr(p)?);
    }
    if let Some(m) = dcv("--dcv-method", a.dcv_method)? {
        order = order.dcv_method(m);
    }
    let op = certs.order_certificate(&order).await?;
    print_op(ctx, &op)
}

/// `cert renew`.
pub(super) async fn renew(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertRenewArgs,
) -> Result<(), CliError> {
    honoured(
        provider,
        certs,
        CertificateCall::Renew,
        &[
            csr_flag(&a.csr),
            dcv_flag(&a.dcv_method),
            param_flag(&a.params),
        ],
    )?;
    let mut renewal = CertificateRenewal::new(a.duration).params(params(a.params));
    if let Some(p) = &a.csr {
        renewal = renewal.csr(read_csr(p)?);
    }
    if let Some(m) = dcv("--dcv-method", a.dcv_method)? {
        renewal = renewal.dcv_method(m);
    }
    let op = certs
        .renew_certificate(&CertificateId::new(a.id), &renewal)
        .await?;
    print_op(ctx, &op)
}

/// `cert reissue`.
pub(super) async fn reissue(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertReissueArgs,
) -> Result<(), CliError> {
    let mut given = vec![
        alt_name_flag(&a.alt_names),
        dcv_flag(&a.dcv_method),
        dcv_email_flag(&a.dcv_emails),
        param_flag(&a.params),
    ];
    given.extend(subject_flags(&a.subject));
    honoured(provider, certs, CertificateCall::Reissue, &given)?;
    let mut reissue = CertificateReissue::new(read_csr(&a.csr)?)
        .alt_names(a.alt_names)
        .dcv_emails(a.dcv_emails)
        .subject(subject(a.subject))
        .params(params(a.params));
    if let Some(m) = dcv("--dcv-method", a.dcv_method)? {
        reissue = reissue.dcv_method(m);
    }
    let op = certs
        .reissue_certificate(&CertificateId::new(a.id), &reissue)
        .await?;
    print_op(ctx, &op)
}

/// `cert revoke`.
pub(super) async fn revoke(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    a: CertRevokeArgs,
) -> Result<(), CliError> {
    honoured(
        provider,
        certs,
        CertificateCall::Revoke,
        &[
            (a.reason.is_some(), CertificateOption::Reason, "--reason"),
            param_flag(&a.params),
        ],
    )?;
    let mut revocation = CertificateRevocation::new().params(params(a.params));
    if let Some(r) = a.reason {
        revocation = revocation.reason(r);
    }
    let op = certs
        .revoke_certificate(&CertificateId::new(a.id), &revocation)
        .await?;
    print_op(ctx, &op)
}
