//! The checks of [`super::conformance`].

use super::*;
use crate::status::OperationStatus;

fn op(id: &str, status: OperationStatus, raw: &str) -> Operation {
    Operation::new("test", OperationId::new(id), status, raw)
}

fn submitted(mut op: Operation, at: &str, kind: &str, target: &str) -> Operation {
    op.submitted_at = Some(
        DateTime::parse_from_rfc3339(at)
            .expect("a test time")
            .with_timezone(&Utc),
    );
    op.kind = Some(kind.into());
    op.target = Some(target.into());
    op
}

/// Runs every check on `journal`, which must be empty. Panics with what failed.
pub async fn check(journal: &dyn Journal) {
    records_and_history(journal).await;
    events(journal).await;
    queries(journal).await;
    outbox(journal).await;
    pruning(journal).await;
    discovery_checkpoints(journal).await;
    leases(journal).await;
    leases_under_contention(journal).await;
    call_totals(journal).await;
}

async fn call_totals(journal: &dyn Journal) {
    assert!(journal.reported_calls().await.unwrap().is_empty());
    journal
        .report_calls("A", &[("x".into(), 3, 1)])
        .await
        .unwrap();
    journal
        .report_calls("B", &[("x".into(), 2, 0), ("y".into(), 5, 5)])
        .await
        .unwrap();
    journal
        .report_calls("A", &[("x".into(), 4, 1)])
        .await
        .unwrap();
    let got = journal.reported_calls().await.unwrap();
    let expected: Vec<(String, String, u64, u64)> = vec![
        ("A".into(), "x".into(), 4, 1),
        ("B".into(), "x".into(), 2, 0),
        ("B".into(), "y".into(), 5, 5),
    ];
    assert_eq!(got, expected, "a report replaces the owner's earlier one");
}

fn names(leases: &[Lease]) -> Vec<&str> {
    leases.iter().map(|l| l.account.as_str()).collect()
}

async fn leases(journal: &dyn Journal) {
    let long = Duration::from_secs(60);
    let short = Duration::from_millis(150);
    let accounts: Vec<String> = ["x", "y", "z"].map(String::from).into();
    assert_eq!(journal.heartbeat("A", long).await.unwrap(), 1);
    assert_eq!(journal.heartbeat("B", long).await.unwrap(), 2);
    assert_eq!(
        journal.heartbeat("A", long).await.unwrap(),
        2,
        "A counted once"
    );
    assert_eq!(journal.heartbeat("C", short).await.unwrap(), 3);

    let a = journal.claim_leases("A", &accounts, long, 2).await.unwrap();
    assert_eq!(names(&a), ["x", "y"], "A takes up to its share");
    let b = journal.claim_leases("B", &accounts, long, 3).await.unwrap();
    assert_eq!(names(&b), ["z"], "B never takes what A holds");
    let renewed = journal.claim_leases("A", &accounts, long, 2).await.unwrap();
    assert_eq!(names(&renewed), ["x", "y"]);
    assert!(renewed[0].expires_at >= a[0].expires_at, "renewed");
    assert!(a.iter().all(|l| l.owner == "A"));
    let all = journal.leases().await.unwrap();
    let owners: Vec<(&str, &str)> = all
        .iter()
        .map(|l| (l.account.as_str(), l.owner.as_str()))
        .collect();
    assert_eq!(owners, [("x", "A"), ("y", "A"), ("z", "B")]);

    // A lease given up is free at once.
    journal.release_leases("A", &["y".into()]).await.unwrap();
    journal.release_leases("B", &["x".into()]).await.unwrap();
    let b = journal.claim_leases("B", &accounts, long, 3).await.unwrap();
    assert_eq!(names(&b), ["y", "z"], "B took y, and x stayed A's");

    // A lease its owner lets expire goes to whoever claims next; one that expired and that
    // nobody took is renewed by its owner.
    journal
        .claim_leases("A", &accounts, short, 2)
        .await
        .unwrap();
    journal
        .claim_leases("B", &accounts, short, 3)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        journal.heartbeat("A", long).await.unwrap(),
        2,
        "C's heartbeat expired"
    );
    let b = journal.claim_leases("B", &accounts, long, 3).await.unwrap();
    assert_eq!(names(&b), ["x", "y", "z"], "B renewed y, z and took x");
    assert!(b.iter().all(|l| l.expires_at > Utc::now()));
    assert!(
        journal
            .claim_leases("A", &accounts, long, 3)
            .await
            .unwrap()
            .is_empty(),
        "A lost x"
    );
    journal.release_leases("B", &accounts).await.unwrap();
    assert!(journal.leases().await.unwrap().is_empty());
}

/// Many owners claiming at the same moment: no account is held by two.
async fn leases_under_contention(journal: &dyn Journal) {
    let accounts: Vec<String> = (0..6).map(|i| format!("acct-{i}")).collect();
    let ttl = Duration::from_secs(60);
    let owners: Vec<String> = (0..8).map(|i| format!("owner-{i}")).collect();
    for round in 0..3 {
        let claims = owners
            .iter()
            .map(|o| journal.claim_leases(o, &accounts, ttl, 2 + round));
        let answers = futures::future::join_all(claims).await;
        let mut held: Vec<String> = Vec::new();
        for answer in answers {
            held.extend(answer.unwrap().into_iter().map(|l| l.account));
        }
        held.sort();
        let mut unique = held.clone();
        unique.dedup();
        assert_eq!(held, unique, "an account held twice in round {round}");
        assert_eq!(held.len(), accounts.len(), "every account held once");
    }
    for o in &owners {
        journal.release_leases(o, &accounts).await.unwrap();
    }
}

async fn discovery_checkpoints(journal: &dyn Journal) {
    assert_eq!(journal.discovered_at("d").await.unwrap(), None);
    let at = DateTime::parse_from_rfc3339("2026-05-01T12:00:00.250Z")
        .unwrap()
        .with_timezone(&Utc);
    journal.set_discovered_at("d", at).await.unwrap();
    journal
        .set_discovered_at("e", at + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(journal.discovered_at("d").await.unwrap(), Some(at));
    let later = at + chrono::Duration::minutes(5);
    journal.set_discovered_at("d", later).await.unwrap();
    assert_eq!(journal.discovered_at("d").await.unwrap(), Some(later));
    assert_eq!(
        journal.discovered_at("e").await.unwrap(),
        Some(at + chrono::Duration::hours(1))
    );
}

async fn records_and_history(journal: &dyn Journal) {
    let a = OperationId::new("1");
    assert!(journal.track("acct", &a).await.unwrap(), "new");
    assert!(!journal.track("acct", &a).await.unwrap(), "tracked twice");
    let unfinished = journal.unfinished().await.unwrap();
    assert_eq!(unfinished, [JournalRecord::new("acct", a.clone(), None)]);

    let pending = op("1", OperationStatus::Pending, "BILL");
    assert!(journal.record("acct", &pending).await.unwrap());
    assert!(
        !journal.record("acct", &pending).await.unwrap(),
        "the same state twice"
    );
    let unknown = op("1", OperationStatus::Unknown("PAUSED".into()), "PAUSED");
    assert!(journal.record("acct", &unknown).await.unwrap());
    assert_eq!(
        journal.unfinished().await.unwrap().len(),
        1,
        "unknown is not terminal"
    );
    let done = op("1", OperationStatus::Succeeded, "DONE");
    assert!(journal.record("acct", &done).await.unwrap());
    assert!(journal.unfinished().await.unwrap().is_empty());
    let history = journal.history("acct", &a).await.unwrap();
    let raws: Vec<&str> = history
        .iter()
        .map(|e| e.operation.raw_status.as_str())
        .collect();
    assert_eq!(raws, ["BILL", "PAUSED", "DONE"]);
    assert_eq!(
        history[1].operation.status,
        OperationStatus::Unknown("PAUSED".into())
    );
    assert!(
        history
            .windows(2)
            .all(|w| w[0].observed_at <= w[1].observed_at)
    );
    let got = journal.get("acct", &a).await.unwrap().expect("recorded");
    assert_eq!(got.last.as_ref(), Some(&done));
    assert!(!got.given_up);
    assert!(
        journal
            .get("acct", &OperationId::new("9"))
            .await
            .unwrap()
            .is_none()
    );

    // Recording an operation that was not tracked tracks it; accounts are separate.
    let other = op("1", OperationStatus::Pending, "WAIT");
    assert!(journal.record("other", &other).await.unwrap());
    let unfinished = journal.unfinished().await.unwrap();
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].account, "other");
    assert_eq!(unfinished[0].last.as_ref(), Some(&other));
    assert!(journal.history("nobody", &a).await.unwrap().is_empty());
}

async fn events(journal: &dyn Journal) {
    // What records_and_history left: acct/1 pending, unknown, done; other/1 pending.
    let all = journal.events_after(0, 100).await.unwrap();
    let kinds: Vec<(EventKind, &str)> = all.iter().map(|e| (e.kind, e.account.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (EventKind::Changed, "acct"),
            (EventKind::Changed, "acct"),
            (EventKind::Finished, "acct"),
            (EventKind::Changed, "other"),
        ]
    );
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq), "seq grows");
    assert!(all[0].seq >= 1);
    assert!(all.iter().all(|e| e.id.starts_with("evt_")));
    let mut ids: Vec<&str> = all.iter().map(|e| e.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "distinct ids");
    assert_eq!(
        all[2].operation.as_ref().map(|o| o.raw_status.as_str()),
        Some("DONE")
    );
    let after_first = journal.events_after(all[0].seq, 2).await.unwrap();
    assert_eq!(after_first, all[1..3].to_vec(), "after and limit");
    assert_eq!(journal.event_bounds().await.unwrap().newest, all[3].seq);

    // First seen already terminal: one finished event, nothing before it.
    let first_done = op("2", OperationStatus::Failed, "ERROR");
    assert!(journal.record("acct", &first_done).await.unwrap());
    let new = journal.events_after(all[3].seq, 100).await.unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].kind, EventKind::Finished);
    assert_eq!(new[0].operation_id, OperationId::new("2"));

    // Giving up: an event with the last state and the reason; no longer resumed until tracked.
    let id = OperationId::new("1");
    journal
        .give_up("other", &id, "not found at the provider")
        .await
        .unwrap();
    let gave = journal.events_after(new[0].seq, 100).await.unwrap();
    assert_eq!(gave.len(), 1);
    assert_eq!(gave[0].kind, EventKind::GaveUp);
    assert_eq!(gave[0].error.as_deref(), Some("not found at the provider"));
    assert_eq!(
        gave[0].operation.as_ref().map(|o| o.raw_status.as_str()),
        Some("WAIT")
    );
    assert!(journal.unfinished().await.unwrap().is_empty());
    assert!(journal.get("other", &id).await.unwrap().unwrap().given_up);
    assert!(!journal.track("other", &id).await.unwrap());
    assert_eq!(
        journal.unfinished().await.unwrap().len(),
        1,
        "tracked again"
    );
    // A state recorded again after a restart is not announced again.
    let again = op("1", OperationStatus::Pending, "WAIT");
    assert!(!journal.record("other", &again).await.unwrap());
    assert_eq!(
        journal.event_bounds().await.unwrap().newest,
        gave[0].seq,
        "no new event"
    );
}

async fn queries(journal: &dyn Journal) {
    let ops = [
        (
            "q",
            "10",
            "2026-03-01T10:00:00Z",
            "renew",
            "a.example",
            OperationStatus::Pending,
        ),
        (
            "q",
            "11",
            "2026-03-03T10:00:00Z",
            "create",
            "b.example",
            OperationStatus::Failed,
        ),
        (
            "q",
            "12",
            "2026-03-02T10:00:00Z",
            "renew",
            "b.example",
            OperationStatus::Succeeded,
        ),
        (
            "r",
            "10",
            "2026-03-04T10:00:00Z",
            "renew",
            "c.example",
            OperationStatus::InProgress,
        ),
        (
            "r",
            "13",
            "2026-03-02T10:00:00Z",
            "create",
            "a.example",
            OperationStatus::Pending,
        ),
    ];
    for (account, id, at, kind, target, status) in ops.iter().cloned() {
        let raw = status.as_str().to_uppercase();
        let o = submitted(op(id, status, &raw), at, kind, target);
        journal.record(account, &o).await.unwrap();
    }
    let q = |f: fn(&mut OperationQuery)| {
        let mut query = OperationQuery::new(100);
        query.accounts = vec!["q".into(), "r".into()];
        f(&mut query);
        query
    };
    let keys = |records: Vec<JournalRecord>| -> Vec<String> {
        records
            .iter()
            .map(|r| format!("{}/{}", r.account, r.id))
            .collect()
    };
    let everything = journal.query(&q(|_| {})).await.unwrap();
    assert_eq!(
        keys(everything),
        ["r/10", "q/11", "r/13", "q/12", "q/10"],
        "newest first, ties by account and id descending"
    );
    let pending = journal
        .query(&q(|q| q.statuses = vec!["pending".into(), "failed".into()]))
        .await
        .unwrap();
    assert_eq!(keys(pending), ["q/11", "r/13", "q/10"]);
    let renews_b = journal
        .query(&q(|q| {
            q.kinds = vec!["renew".into()];
            q.target = Some("b.example".into());
        }))
        .await
        .unwrap();
    assert_eq!(keys(renews_b), ["q/12"]);
    let since = journal
        .query(&q(|q| {
            q.since = Some(
                DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
            );
            q.account = Some("q".into());
        }))
        .await
        .unwrap();
    assert_eq!(keys(since), ["q/11", "q/12"]);
    // Pages of two, each after the previous page's last record: every record once.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let mut query = q(|_| {});
        query.limit = 2;
        query.after = after.clone();
        let page = journal.query(&query).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(Cursor::after);
        seen.extend(keys(page));
    }
    assert_eq!(seen, ["r/10", "q/11", "r/13", "q/12", "q/10"]);

    let counts = journal.counts().await.unwrap();
    let of = |account: &str, status: &str| {
        counts
            .iter()
            .find(|(a, s, _)| a == account && s == status)
            .map_or(0, |c| c.2)
    };
    assert_eq!(
        (of("q", "pending"), of("q", "failed"), of("q", "succeeded")),
        (1, 1, 1)
    );
    assert_eq!((of("r", "in_progress"), of("r", "pending")), (1, 1));
}

async fn outbox(journal: &dyn Journal) {
    let (all, finished) = ("http://127.0.0.1:9/all", "http://127.0.0.1:9/finished");
    journal.subscribe(vec![
        Subscription::new(all),
        Subscription::new(finished)
            .kinds([EventKind::Finished])
            .accounts(["w".to_owned()]),
    ]);
    let start = journal.event_bounds().await.unwrap().newest;
    for (id, status, raw) in [
        ("1", OperationStatus::Pending, "BILL"),
        ("2", OperationStatus::Pending, "BILL"),
        ("1", OperationStatus::InProgress, "RUN"),
        ("1", OperationStatus::Succeeded, "DONE"),
    ] {
        assert!(journal.record("w", &op(id, status, raw)).await.unwrap());
    }
    journal
        .record("x", &op("7", OperationStatus::Succeeded, "DONE"))
        .await
        .unwrap();
    assert_eq!(journal.pending_deliveries().await.unwrap(), 5 + 1);

    let now = Utc::now() + chrono::Duration::seconds(1);
    let hold = Duration::from_secs(30);
    let claimed = journal.claim_deliveries(all, now, hold, 10).await.unwrap();
    let firsts: Vec<(String, String)> = claimed
        .iter()
        .map(|d| {
            (
                d.event.operation_id.to_string(),
                d.event.operation.as_ref().unwrap().raw_status.clone(),
            )
        })
        .collect();
    assert_eq!(
        firsts,
        [
            ("1".into(), "BILL".into()),
            ("2".into(), "BILL".into()),
            ("7".into(), "DONE".into())
        ],
        "the first pending delivery of each operation, in event order"
    );
    assert!(claimed.iter().all(|d| d.event.seq > start && d.url == all));
    assert!(
        journal
            .claim_deliveries(all, now, hold, 10)
            .await
            .unwrap()
            .is_empty(),
        "held deliveries are not handed out twice"
    );
    let held_over = now + chrono::Duration::seconds(31);
    assert_eq!(
        journal
            .claim_deliveries(all, held_over, hold, 10)
            .await
            .unwrap()
            .len(),
        3,
        "a hold that ran out (a crashed sender) hands them out again"
    );
    // Operation 1's first delivery fails for now: its later ones wait behind it.
    let later = now + chrono::Duration::seconds(600);
    let (w1, w2) = (&claimed[0], &claimed[1]);
    journal
        .attempted(
            w1.id,
            Attempt::Retry {
                error: "HTTP 500".into(),
                at: later,
            },
        )
        .await
        .unwrap();
    journal.attempted(w2.id, Attempt::Delivered).await.unwrap();
    let next = journal
        .claim_deliveries(all, held_over + chrono::Duration::seconds(31), hold, 10)
        .await
        .unwrap();
    assert!(
        next.iter().all(|d| d.event.operation_id.as_str() != "1"),
        "operation 1 waits for its first delivery: {next:?}"
    );
    let retried = journal
        .claim_deliveries(all, later, hold, 10)
        .await
        .unwrap();
    let one: Vec<&Delivery> = retried
        .iter()
        .filter(|d| d.event.operation_id.as_str() == "1")
        .collect();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id, w1.id);
    assert_eq!(
        (one[0].attempts, one[0].last_error.as_deref()),
        (1, Some("HTTP 500"))
    );
    // Failed for good: it no longer holds the operation's next event back.
    journal
        .attempted(
            w1.id,
            Attempt::Failed {
                error: "HTTP 500".into(),
            },
        )
        .await
        .unwrap();
    let after_fail = journal
        .claim_deliveries(all, later + chrono::Duration::seconds(31), hold, 10)
        .await
        .unwrap();
    let raw: Vec<String> = after_fail
        .iter()
        .filter(|d| d.event.operation_id.as_str() == "1")
        .map(|d| d.event.operation.as_ref().unwrap().raw_status.clone())
        .collect();
    assert_eq!(raw, ["RUN"]);
    let failed = journal
        .deliveries(Some(DeliveryState::Failed), 10)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].id, failed[0].attempts), (w1.id, 2));
    let delivered = journal
        .deliveries(Some(DeliveryState::Delivered), 10)
        .await
        .unwrap();
    assert_eq!(delivered.iter().map(|d| d.id).collect::<Vec<_>>(), [w2.id]);

    // The receiver of finished events of account w got exactly one: operation 1's DONE.
    let fin = journal
        .claim_deliveries(finished, later, hold, 10)
        .await
        .unwrap();
    assert_eq!(fin.len(), 1);
    assert_eq!(fin[0].event.kind, EventKind::Finished);
    assert_eq!(fin[0].event.account, "w");

    let again = journal
        .retry_delivery(w1.id)
        .await
        .unwrap()
        .expect("known id");
    assert_eq!(again.state, DeliveryState::Pending);
    assert!(journal.retry_delivery(999_999).await.unwrap().is_none());
    journal.subscribe(Vec::new());
}

async fn pruning(journal: &dyn Journal) {
    let before = journal.event_bounds().await.unwrap();
    assert_eq!(before.pruned_through, 0);
    let pending: Vec<u64> = journal
        .deliveries(Some(DeliveryState::Pending), 100)
        .await
        .unwrap()
        .iter()
        .map(|d| d.event.seq)
        .collect();
    let oldest_needed = pending.iter().min().copied().expect("pending deliveries");
    let older: Vec<u64> = journal
        .events_after(0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .filter(|s| *s < oldest_needed)
        .collect();
    let removed = journal
        .prune_events(Utc::now() + chrono::Duration::days(1))
        .await
        .unwrap();
    let after = journal.event_bounds().await.unwrap();
    assert_eq!(
        removed,
        older.len() as u64,
        "every event before the oldest needed"
    );
    assert!(after.pruned_through >= older.last().copied().unwrap_or(0));
    assert!(after.pruned_through < oldest_needed);
    assert_eq!(after.newest, before.newest, "the sequence is kept");
    let kept = journal.events_after(0, 1000).await.unwrap();
    assert_eq!(kept.first().map(|e| e.seq), Some(oldest_needed));
    assert_eq!(
        journal
            .prune_events(Utc::now() - chrono::Duration::days(1))
            .await
            .unwrap(),
        0,
        "nothing that recent"
    );
}
