//! Follows operations with a Tracker that records every change in the SQLite journal: here,
//! three operations submitted at the sandbox's Gandi, followed to their end.
//!
//! ```sh
//! REGOPS_JOURNAL=/tmp/regops-example.sqlite3 cargo run -p regops-journal --example follow_all
//! ```

use futures::StreamExt;
use regops_core::{Backend, OperationId, Tracker, TrackerEvent, TrackerOptions};
use std::sync::Arc;

/// Follows `ids` of a Gandi account to their end, recording them in the journal.
async fn follow_all(gandi: Arc<dyn Backend>, ids: &[&str]) -> regops_core::Result<()> {
    let journal = Arc::new(regops_journal::SqliteJournal::open(
        &regops_journal::default_path()?,
    )?);
    let mut tracker = Tracker::new(TrackerOptions::new()).with_journal(journal);
    tracker.add_account("gandi", gandi);
    for id in ids {
        tracker.track("gandi", OperationId::new(*id)).await?;
    }
    let mut events = tracker.run();
    while let Some(event) = events.next().await {
        if let TrackerEvent::Finished { account, operation } = event {
            println!("{account} {} ended {}", operation.id, operation.status);
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = regops_sim::Sim::start(regops_sim::SimConfig::default().speed(20.0)).await?;
    let client = sim.gandi_client().build()?;
    let ids: Vec<String> = ["one", "two", "three"]
        .iter()
        .map(|d| {
            sim.gandi()
                .submit("domain_create", &format!("{d}.example"))
                .to_string()
        })
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    follow_all(Arc::new(regops_xmlrpc::GandiBackend::new(client)), &ids).await?;
    Ok(())
}
