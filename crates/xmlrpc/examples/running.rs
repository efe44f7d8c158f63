//! Lists the operations of a Gandi account that are still under way and refreshes them all in
//! one batched call.
//!
//! ```sh
//! export GANDI_API_KEY=...                          # `regops sim` prints a sandbox key
//! export GANDI_ENDPOINT=https://rpc.ote.gandi.net/xmlrpc/   # optional: production otherwise
//! cargo run -p regops-xmlrpc --example running
//! ```

use regops_core::{Backend, OperationFilter, OperationId, OperationStatus, Secret};
use regops_xmlrpc::{GandiBackend, GandiClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("GANDI_API_KEY").map_err(|_| "set GANDI_API_KEY")?;
    let mut builder = GandiClient::builder(Secret::new(key));
    if let Ok(endpoint) = std::env::var("GANDI_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let backend = GandiBackend::new(builder.build()?);

    let mut filter = OperationFilter::new();
    for status in [
        OperationStatus::Pending,
        OperationStatus::InProgress,
        OperationStatus::ActionRequired,
    ] {
        filter = filter.status(status);
    }
    let running = regops_core::collect_operations(&backend, &filter, Some(500)).await?;
    println!("{} operations under way", running.len());

    let ids: Vec<OperationId> = running.iter().map(|op| op.id.clone()).collect();
    for result in backend.refresh(&ids).await? {
        match result {
            Ok(op) => println!(
                "{:>10} {:<16} {:<8} {}",
                op.id,
                op.status,
                op.raw_status,
                op.target.as_deref().unwrap_or("-")
            ),
            Err(e) => eprintln!("{e}"),
        }
    }
    Ok(())
}
