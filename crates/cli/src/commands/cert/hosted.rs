//! `cert hosted list|show|create|delete`: certificates brought to the provider's proxies. The
//! private key is read into a `Secret` and never printed or logged.

use crate::args::HostedCommand;
use crate::commands::{Ctx, io};
use crate::exit::CliError;
use crate::output::{self, HostedJson};
use regops_core::{CertificateBackend, CertificateId, HostedCertificateBackend, Secret};
use std::path::Path;

fn read(flag: &str, path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("{flag} {}: {e}", path.display())))
}

/// Runs a `cert hosted` command.
pub(super) async fn run(
    ctx: &mut Ctx<'_>,
    provider: &str,
    certs: &dyn CertificateBackend,
    cmd: HostedCommand,
) -> Result<(), CliError> {
    let Some(hosted): Option<&dyn HostedCertificateBackend> = certs.hosted() else {
        return Err(CliError::usage(format!(
            "account {}: provider {provider} does not host certificates",
            ctx.account
        )));
    };
    match cmd {
        HostedCommand::List => {
            let list = hosted.hosted_certificates().await?;
            if ctx.json {
                let v: Vec<HostedJson> = list
                    .iter()
                    .map(|h| HostedJson::new(ctx.account, h))
                    .collect();
                output::write_json(ctx.out, &v).map_err(io)
            } else {
                output::hosted_table(ctx.out, &list).map_err(io)
            }
        }
        HostedCommand::Show { id } => {
            let h = hosted.hosted_certificate(&CertificateId::new(id)).await?;
            print(ctx, &h)
        }
        HostedCommand::Create { crt, key } => {
            let crt = read("--crt", &crt)?;
            let key = Secret::new(read("--key", &key)?);
            let h = hosted.create_hosted_certificate(&crt, &key).await?;
            print(ctx, &h)
        }
        HostedCommand::Delete { id } => {
            let id = CertificateId::new(id);
            hosted.delete_hosted_certificate(&id).await?;
            if ctx.json {
                let v = serde_json::json!({
                    "account": ctx.account, "provider": provider, "id": id.as_str(), "deleted": true
                });
                output::write_json(ctx.out, &v).map_err(io)
            } else {
                writeln!(ctx.out, "deleted hosted certificate {id}").map_err(io)
            }
        }
    }
}

fn print(ctx: &mut Ctx<'_>, h: &regops_core::HostedCertificate) -> Result<(), CliError> {
    let j = HostedJson::new(ctx.account, h);
    if ctx.json {
        output::write_json(ctx.out, &j).map_err(io)
    } else {
        output::hosted_lines(ctx.out, &j).map_err(io)
    }
}
