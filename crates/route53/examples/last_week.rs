//! Lists the Route 53 Domains operations submitted in the last seven days, newest first, then
//! refreshes the ones still under way from `ListOperations` pages rather than one call each.
//!
//! ```sh
//! export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...   # AWS_SESSION_TOKEN too, if temporary
//! export ROUTE53_ENDPOINT=http://127.0.0.1:5000           # optional: moto, or production otherwise
//! cargo run -p regops-route53 --example last_week
//! ```

use chrono::{Duration, Utc};
use regops_core::{Backend, OperationFilter, OperationId, Sort};
use regops_route53::{Credentials, Route53Backend, Route53Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Route53Client::builder(Credentials::from_env()?);
    if let Ok(endpoint) = std::env::var("ROUTE53_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let backend = Route53Backend::new(builder.build()?);

    let filter = OperationFilter::new()
        .submitted_since(Utc::now() - Duration::days(7))
        .sort(Sort::newest_first());
    let ops = regops_core::collect_operations(&backend, &filter, None).await?;
    for op in &ops {
        println!(
            "{} {:<20} {:<16} {:<12} {}",
            op.submitted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            op.kind.as_deref().unwrap_or("-"),
            op.status,
            op.raw_status,
            op.target.as_deref().unwrap_or("-")
        );
    }

    let running: Vec<OperationId> = ops
        .iter()
        .filter(|op| !op.is_terminal())
        .map(|op| op.id.clone())
        .collect();
    for result in backend.refresh(&running).await? {
        match result {
            Ok(op) => println!("{} is now {} ({})", op.id, op.status, op.raw_status),
            Err(e) => eprintln!("{e}"),
        }
    }
    Ok(())
}
