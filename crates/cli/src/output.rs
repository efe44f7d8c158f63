//! What the commands print: the JSON contract of docs/cli.md, tables and `key: value` lines.
//!
//! Every field of an operation object is always present, `null` where there is no value; times
//! are RFC 3339 in UTC; ids are strings.

use chrono::{DateTime, Utc};
use regops_core::{Certificate, Operation};
use serde::Serialize;
use std::io::Write;

pub use regops_serve::json::{OperationJson, time};

/// A certificate as printed with `--json`.
#[derive(Debug, Serialize, PartialEq)]
pub struct CertificateJson<'a> {
    account: &'a str,
    provider: &'a str,
    id: &'a str,
    cn: Option<&'a str>,
    alt_names: &'a [String],
    package: Option<&'a str>,
    status: &'a str,
    raw_status: Option<&'a str>,
    dcv_method: Option<&'a str>,
    created_at: Option<String>,
    starts_at: Option<String>,
    expires_at: Option<String>,
}

impl<'a> CertificateJson<'a> {
    /// The JSON view of `cert` at `account`.
    pub fn new(account: &'a str, cert: &'a Certificate) -> Self {
        CertificateJson {
            account,
            provider: &cert.provider,
            id: cert.id.as_str(),
            cn: cert.cn.as_deref(),
            alt_names: &cert.alt_names,
            package: cert.package.as_deref(),
            status: if cert.status.is_known() {
                cert.status.as_str()
            } else {
                "unknown"
            },
            raw_status: cert.raw_status.as_deref(),
            dcv_method: cert.dcv_method.as_ref().map(|m| m.as_str()),
            created_at: time(&cert.created_at),
            starts_at: time(&cert.starts_at),
            expires_at: time(&cert.expires_at),
        }
    }
}

/// Writes a value as JSON and a newline.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Text for a table cell or a `key: value` line: one line, `-` when empty.
fn cell(v: Option<&str>) -> String {
    match v {
        Some(s) if !s.is_empty() => regops_core::error::fold_line(s, 200),
        _ => "-".into(),
    }
}

fn short_time(t: &Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_else(|| "-".into())
}

/// Writes rows under a header, columns padded to their widest cell (the last column is not
/// padded).
pub fn write_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let n = cells.len();
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == n {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_owned()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// Operations as a table.
pub fn operations_table(out: &mut dyn Write, ops: &[Operation]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = ops
        .iter()
        .map(|op| {
            vec![
                op.id.to_string(),
                op.status.as_str().to_owned(),
                cell(Some(&op.raw_status)),
                cell(op.kind.as_deref()),
                cell(op.target.as_deref()),
                short_time(&op.submitted_at),
                cell(op.message.as_deref()),
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "ID",
            "STATUS",
            "RAW",
            "TYPE",
            "TARGET",
            "SUBMITTED",
            "MESSAGE",
        ],
        &rows,
    )
}

/// One operation as `key: value` lines.
pub fn operation_lines(out: &mut dyn Write, account: &str, op: &Operation) -> std::io::Result<()> {
    let j = OperationJson::new(account, op);
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let lines: Vec<(&str, String)> = vec![
        ("account", j.account.to_owned()),
        ("provider", j.provider.to_owned()),
        ("id", j.id.to_owned()),
        ("status", j.status.to_owned()),
        ("raw_status", cell(Some(&j.raw_status))),
        ("type", cell(j.kind.as_deref())),
        ("target", cell(j.target.as_deref())),
        ("submitted_at", opt(j.submitted_at)),
        ("started_at", opt(j.started_at)),
        ("updated_at", opt(j.updated_at)),
        ("scheduled_at", opt(j.scheduled_at)),
        ("eta_seconds", opt(j.eta_seconds.map(|s| s.to_string()))),
        ("message", cell(j.message.as_deref())),
        (
            "error",
            j.error
                .map(|e| {
                    let mut s = e.class.to_owned();
                    if let Some(c) = e.code {
                        s.push_str(&format!(" [{c}]"));
                    }
                    if let Some(m) = e.message {
                        s.push_str(&format!(": {}", cell(Some(&m))));
                    }
                    s
                })
                .unwrap_or_else(|| "-".into()),
        ),
        ("action_required", cell(j.action_required.as_deref())),
    ];
    for (k, v) in lines {
        writeln!(out, "{k}: {v}")?;
    }
    Ok(())
}

/// Certificates as a table.
pub fn certificates_table(out: &mut dyn Write, certs: &[Certificate]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = certs
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                cell(c.cn.as_deref()),
                cell(c.package.as_deref()),
                c.status.as_str().to_owned(),
                short_time(&c.expires_at),
            ]
        })
        .collect();
    write_table(out, &["ID", "CN", "PACKAGE", "STATUS", "EXPIRES"], &rows)
}

/// One certificate as `key: value` lines.
pub fn certificate_lines(
    out: &mut dyn Write,
    account: &str,
    c: &Certificate,
) -> std::io::Result<()> {
    let j = CertificateJson::new(account, c);
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let lines: Vec<(&str, String)> = vec![
        ("account", j.account.to_owned()),
        ("provider", j.provider.to_owned()),
        ("id", j.id.to_owned()),
        ("cn", cell(j.cn)),
        (
            "alt_names",
            if j.alt_names.is_empty() {
                "-".into()
            } else {
                j.alt_names.join(", ")
            },
        ),
        ("package", cell(j.package)),
        ("status", j.status.to_owned()),
        ("raw_status", cell(j.raw_status)),
        ("dcv_method", cell(j.dcv_method)),
        ("created_at", opt(j.created_at)),
        ("starts_at", opt(j.starts_at)),
        ("expires_at", opt(j.expires_at)),
    ];
    for (k, v) in lines {
        writeln!(out, "{k}: {v}")?;
    }
    Ok(())
}

mod certificates;
pub use certificates::*;
mod domains;
pub use domains::*;

#[cfg(test)]
mod tests;
