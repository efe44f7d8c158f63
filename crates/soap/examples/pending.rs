//! Lists the pending operations of a Netim reseller account, refreshes them (one
//! `queryOpePending`, then `queryOpe` only for those that left it), and closes the session.
//!
//! ```sh
//! export NETIM_RESELLER=AB1234 NETIM_PASSWORD=...
//! export NETIM_ENDPOINT=http://oteapi.netim.com/2.0/   # optional: production otherwise
//! cargo run -p regops-soap --example pending
//! ```

use regops_core::{Backend, OperationFilter, OperationId, Secret};
use regops_soap::{NetimBackend, NetimClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reseller = std::env::var("NETIM_RESELLER").map_err(|_| "set NETIM_RESELLER")?;
    let password = std::env::var("NETIM_PASSWORD").map_err(|_| "set NETIM_PASSWORD")?;
    let mut builder = NetimClient::builder(reseller, Secret::new(password));
    if let Ok(endpoint) = std::env::var("NETIM_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let backend = NetimBackend::new(builder.build()?);

    let pending = regops_core::collect_operations(&backend, &OperationFilter::new(), None).await?;
    println!("{} pending operations", pending.len());
    let ids: Vec<OperationId> = pending.iter().map(|op| op.id.clone()).collect();
    for result in backend.refresh(&ids).await? {
        match result {
            Ok(op) => println!(
                "{:>8} {:<12} {:<20} {}",
                op.id,
                op.status,
                op.kind.as_deref().unwrap_or("-"),
                op.target.as_deref().unwrap_or("-")
            ),
            Err(e) => eprintln!("{e}"),
        }
    }
    backend.client().close().await?;
    Ok(())
}
