//! What the certificate commands print beside certificates and operations: packages,
//! validation instructions and hosted certificates (docs/cli.md gives each JSON shape).

use super::{cell, short_time, time, write_table};
use regops_core::{CertificatePackage, DcvInstructions, HostedCertificate};
use serde::Serialize;
use std::io::Write;

/// A certificate package as printed with `--json`.
#[derive(Debug, Serialize)]
pub struct PackageJson<'a> {
    account: &'a str,
    provider: &'a str,
    name: &'a str,
    category: Option<&'a str>,
    min_domains: Option<i64>,
    max_domains: Option<i64>,
    wildcard: Option<bool>,
    warranty: Option<i64>,
}

impl<'a> PackageJson<'a> {
    /// The JSON view of `p` at `account`.
    pub fn new(account: &'a str, p: &'a CertificatePackage) -> Self {
        PackageJson {
            account,
            provider: &p.provider,
            name: &p.name,
            category: p.category.as_deref(),
            min_domains: p.min_domains,
            max_domains: p.max_domains,
            wildcard: p.wildcard,
            warranty: p.warranty,
        }
    }
}

fn number(n: Option<i64>) -> String {
    n.map_or_else(|| "-".into(), |n| n.to_string())
}

/// Packages as a table.
pub fn packages_table(out: &mut dyn Write, packages: &[CertificatePackage]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = packages
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                cell(p.category.as_deref()),
                format!("{}-{}", number(p.min_domains), number(p.max_domains)),
                match p.wildcard {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => "-".into(),
                },
                number(p.warranty),
            ]
        })
        .collect();
    write_table(
        out,
        &["NAME", "CATEGORY", "NAMES", "WILDCARD", "WARRANTY"],
        &rows,
    )
}

/// A DNS record as printed with `--json`.
#[derive(Debug, Serialize)]
struct RecordJson<'a> {
    name: &'a str,
    r#type: &'a str,
    value: &'a str,
}

/// Validation instructions as printed with `--json`.
#[derive(Debug, Serialize)]
pub struct DcvJson<'a> {
    account: &'a str,
    provider: &'a str,
    certificate: &'a str,
    method: Option<&'a str>,
    fqdns: &'a [String],
    dns_records: Vec<RecordJson<'a>>,
    urls: &'a [String],
    content: Option<&'a str>,
    messages: &'a [String],
}

impl<'a> DcvJson<'a> {
    /// The JSON view of what to publish for `certificate` at `account`.
    pub fn new(account: &'a str, certificate: &'a str, d: &'a DcvInstructions) -> Self {
        DcvJson {
            account,
            provider: &d.provider,
            certificate,
            method: d.method.as_ref().map(|m| m.as_str()),
            fqdns: &d.fqdns,
            dns_records: d
                .dns_records
                .iter()
                .map(|r| RecordJson {
                    name: &r.name,
                    r#type: &r.kind,
                    value: &r.value,
                })
                .collect(),
            urls: &d.urls,
            content: d.content.as_deref(),
            messages: &d.messages,
        }
    }
}

/// Validation instructions as `key: value` lines, one line per record, URL and message.
pub fn dcv_lines(out: &mut dyn Write, j: &DcvJson<'_>) -> std::io::Result<()> {
    writeln!(out, "account: {}", j.account)?;
    writeln!(out, "certificate: {}", j.certificate)?;
    writeln!(out, "method: {}", cell(j.method))?;
    writeln!(
        out,
        "fqdns: {}",
        if j.fqdns.is_empty() {
            "-".into()
        } else {
            j.fqdns.join(", ")
        }
    )?;
    for r in &j.dns_records {
        writeln!(out, "dns_record: {} {} {}", r.name, r.r#type, r.value)?;
    }
    for u in j.urls {
        writeln!(out, "url: {u}")?;
    }
    writeln!(out, "content: {}", cell(j.content))?;
    for m in j.messages {
        writeln!(out, "message: {}", cell(Some(m)))?;
    }
    Ok(())
}

/// A hosted certificate as printed with `--json`.
#[derive(Debug, Serialize)]
pub struct HostedJson<'a> {
    account: &'a str,
    provider: &'a str,
    id: &'a str,
    subject: Option<&'a str>,
    state: Option<&'a str>,
    fqdns: &'a [String],
    related_vhosts: &'a [String],
    created_at: Option<String>,
    expires_at: Option<String>,
}

impl<'a> HostedJson<'a> {
    /// The JSON view of `h` at `account`.
    pub fn new(account: &'a str, h: &'a HostedCertificate) -> Self {
        HostedJson {
            account,
            provider: &h.provider,
            id: h.id.as_str(),
            subject: h.subject.as_deref(),
            state: h.state.as_deref(),
            fqdns: &h.fqdns,
            related_vhosts: &h.related_vhosts,
            created_at: time(&h.created_at),
            expires_at: time(&h.expires_at),
        }
    }
}

/// Hosted certificates as a table.
pub fn hosted_table(out: &mut dyn Write, list: &[HostedCertificate]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|h| {
            vec![
                h.id.to_string(),
                cell(h.subject.as_deref()),
                cell(h.state.as_deref()),
                short_time(&h.expires_at),
            ]
        })
        .collect();
    write_table(out, &["ID", "SUBJECT", "STATE", "EXPIRES"], &rows)
}

/// One hosted certificate as `key: value` lines.
pub fn hosted_lines(out: &mut dyn Write, j: &HostedJson<'_>) -> std::io::Result<()> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(", ")
        }
    };
    writeln!(out, "account: {}", j.account)?;
    writeln!(out, "provider: {}", j.provider)?;
    writeln!(out, "id: {}", j.id)?;
    writeln!(out, "subject: {}", cell(j.subject))?;
    writeln!(out, "state: {}", cell(j.state))?;
    writeln!(out, "fqdns: {}", list(j.fqdns))?;
    writeln!(out, "related_vhosts: {}", list(j.related_vhosts))?;
    writeln!(
        out,
        "created_at: {}",
        j.created_at.as_deref().unwrap_or("-")
    )?;
    writeln!(
        out,
        "expires_at: {}",
        j.expires_at.as_deref().unwrap_or("-")
    )
}
