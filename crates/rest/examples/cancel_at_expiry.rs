//! Schedules the deletion of a domain at its expiration with AutoDNS, prints the operation,
//! then empties the notification queue (printing and acknowledging each message).
//!
//! ```sh
//! export AUTODNS_USER=me AUTODNS_PASSWORD=...
//! export AUTODNS_ENDPOINT=https://api.demo.autodns.com/v1   # optional: production otherwise
//! cargo run -p regops-rest --example cancel_at_expiry -- example.com
//! ```

use regops_core::{CancelKind, CancelRequest, DomainCancelBackend, Execution, Secret};
use regops_rest::{AutoDnsBackend, AutoDnsClient, Protocol};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let domain = std::env::args()
        .nth(1)
        .ok_or("usage: cancel_at_expiry DOMAIN")?;
    let user = std::env::var("AUTODNS_USER").map_err(|_| "set AUTODNS_USER")?;
    let password = std::env::var("AUTODNS_PASSWORD").map_err(|_| "set AUTODNS_PASSWORD")?;
    let mut builder = AutoDnsClient::builder(user, Secret::new(password));
    if let Ok(endpoint) = std::env::var("AUTODNS_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let backend = AutoDnsBackend::new(builder.build()?);

    let request = CancelRequest::new(CancelKind::Delete, Execution::Expire);
    let op = backend.cancel_domain(&domain, &request).await?;
    let when = op.scheduled_at.map(|t| t.to_rfc3339());
    println!(
        "{} {} ({}) scheduled for {}",
        op.id,
        op.status,
        op.raw_status,
        when.as_deref().unwrap_or("-")
    );

    // The poll queue is only on the JSON API.
    if backend.client().protocol() == Protocol::Json {
        while let Some(message) = backend.client().poll().await? {
            let Some(n) = regops_rest::convert::notification(&message) else {
                return Err("a notification without id".into());
            };
            let job = n.operation.as_ref().map_or("-", |j| j.as_str());
            println!(
                "notification {}: job {job} {}",
                n.id,
                n.text.as_deref().unwrap_or("")
            );
            // Acknowledged once what it says is handled (here: printed).
            backend.client().poll_ack(&n.id).await?;
        }
    }
    Ok(())
}
