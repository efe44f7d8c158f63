//! The PostgreSQL journal against a real server: the conformance checks every journal passes,
//! and what only a shared database has (several processes' connections at once).

use regops_core::{Journal, Operation, OperationId, OperationStatus, Subscription};
use regops_journal::PgJournal;
use regops_tests::postgres::Postgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_journal_conforms() {
    let Some(server) = Postgres::find("the_postgres_journal_conforms") else {
        return;
    };
    let db = server.database("conforms");
    let journal = PgJournal::connect(&db.url).await.unwrap();
    regops_core::journal::conformance::check(&journal).await;
    // Opening again runs no migration twice and keeps the salt (event ids stay stable).
    let again = PgJournal::connect(&db.url).await.unwrap();
    let first = journal.events_after(0, 1).await.unwrap();
    let second = again.events_after(0, 1).await.unwrap();
    assert_eq!(first, second);
    let versions = db
        .psql("SELECT version FROM refinery_schema_history ORDER BY version")
        .unwrap();
    let expected: Vec<String> = (1..=PgJournal::migrations())
        .map(|v| v.to_string())
        .collect();
    assert_eq!(
        versions.lines().collect::<Vec<_>>(),
        expected,
        "each migration ran once"
    );
}

/// Two journals on one database (two processes) recording the same operation at once: the
/// change is announced once, and events become visible in the order of their numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_recording_one_change_announce_it_once() {
    let Some(server) = Postgres::find("two_processes_recording_one_change_announce_it_once") else {
        return;
    };
    let db = server.database("once");
    let a = PgJournal::connect(&db.url).await.unwrap();
    let b = PgJournal::connect(&db.url).await.unwrap();
    for j in [&a, &b] {
        j.subscribe(vec![Subscription::new("http://hook.invalid/")]);
    }
    let mut changes = 0;
    for i in 0..50 {
        let op = Operation::new(
            "gandi",
            OperationId::new(format!("{}", i % 5)),
            OperationStatus::Pending,
            format!("STEP{i}"),
        );
        let (x, y) = tokio::join!(a.record("acct", &op), b.record("acct", &op));
        changes += usize::from(x.unwrap()) + usize::from(y.unwrap());
    }
    assert_eq!(
        changes, 50,
        "each change is announced by exactly one of the two"
    );
    let events = a.events_after(0, 1000).await.unwrap();
    assert_eq!(events.len(), 50);
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=50).collect::<Vec<u64>>(), "no gap, no disorder");
    assert_eq!(
        a.pending_deliveries().await.unwrap(),
        50,
        "one delivery each"
    );
}
