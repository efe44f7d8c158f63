//! `cert dcv show|change|resend`: what to publish so that a certificate validates, and the
//! provider's validation calls on a certificate operation (each shows the operation after).

use super::print_op;
use super::requests::{dcv, dcv_word};
use crate::args::DcvCommand;
use crate::commands::{Ctx, io};
use crate::exit::CliError;
use crate::output::{self, DcvJson};
use regops_core::{CertificateBackend, CertificateId, OperationId};

/// Runs a `cert dcv` command.
pub(super) async fn run(
    ctx: &mut Ctx<'_>,
    certs: &dyn CertificateBackend,
    cmd: DcvCommand,
) -> Result<(), CliError> {
    match cmd {
        DcvCommand::Show { id, method } => {
            let method = dcv("--method", method)?;
            let d = certs
                .dcv_instructions(&CertificateId::new(id.clone()), method.as_ref())
                .await?;
            let j = DcvJson::new(ctx.account, &id, &d);
            if ctx.json {
                output::write_json(ctx.out, &j).map_err(io)
            } else {
                output::dcv_lines(ctx.out, &j).map_err(io)
            }
        }
        DcvCommand::Change { operation, method } => {
            let method = dcv_word("--method", &method)?;
            let id = OperationId::new(operation);
            certs.change_dcv(&id, &method).await?;
            read_back(ctx, &id).await
        }
        DcvCommand::Resend { operation } => {
            let id = OperationId::new(operation);
            certs.resend_dcv(&id).await?;
            read_back(ctx, &id).await
        }
    }
}

/// Prints the operation as read after a call that changed it.
async fn read_back(ctx: &mut Ctx<'_>, id: &OperationId) -> Result<(), CliError> {
    let op = ctx
        .backend
        .operation(id)
        .await
        .map_err(|e| CliError::from(e).context("the call was carried out; reading it back"))?;
    print_op(ctx, &op)
}
