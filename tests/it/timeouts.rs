//! A server that accepts connections and never answers: reads end in a timeout after the retry
//! policy's attempts; a call that changes something is sent once and reported as possibly
//! carried out.

use regops_core::{OperationId, Secret};
use regops_route53::{Credentials, Route53Backend, Route53Client};
use regops_tests::fast_retry;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A listener that accepts and holds every connection without a word; answers its URL and the
/// count of connections accepted.
fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn reads_time_out_after_their_attempts_and_changes_are_sent_once() {
    let (url, accepted) = silent_server();
    let client = Route53Client::builder(Credentials::new(Secret::new("AKID"), Secret::new("s")))
        .endpoint(&url)
        .timeout(Duration::from_millis(200))
        .retry(fast_retry())
        .no_rate_limit()
        .build()
        .unwrap();
    let backend = Route53Backend::new(client);

    let started = Instant::now();
    let err = regops_core::Backend::operation(&backend, &OperationId::new("x"))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(err.may_have_reached_server());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "bounded by the timeouts"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "one connection per attempt of the policy"
    );

    let before = accepted.load(Ordering::SeqCst);
    let err = backend
        .client()
        .delete_domain("example.com")
        .await
        .unwrap_err();
    assert!(err.is_timeout() && err.may_have_reached_server(), "{err}");
    assert_eq!(
        accepted.load(Ordering::SeqCst) - before,
        1,
        "a deletion is sent once"
    );
}
