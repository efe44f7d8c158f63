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

/// A Route 53 backend on `url` with these timeouts, three quick attempts and no pacing.
fn backend(url: &str, timeout: Duration, connect_timeout: Duration) -> Route53Backend {
    let client = Route53Client::builder(Credentials::new(Secret::new("AKID"), Secret::new("s")))
        .endpoint(url)
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .retry(fast_retry())
        .no_rate_limit()
        .build()
        .unwrap();
    Route53Backend::new(client)
}

#[tokio::test]
async fn reads_time_out_after_their_attempts_and_changes_are_sent_once() {
    let (url, accepted) = silent_server();
    let backend = backend(&url, Duration::from_millis(200), Duration::from_secs(10));

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
    // One connection for the deletion, then the policy's three for the lookup (a read) that
    // takes its place: the deletion is not sent again.
    assert_eq!(
        accepted.load(Ordering::SeqCst) - before,
        4,
        "a deletion is sent once, then looked up"
    );
    assert!(
        err.to_string()
            .contains("not sent again, and looking it up failed"),
        "{err}"
    );
}

/// A listener whose accept queue is full and never drained: the kernel drops further SYNs, so a
/// new connection never completes its handshake. Answers its URL and the held sockets (the
/// listener first), which must live as long as the test.
async fn unreachable_server() -> (String, Vec<Box<dyn std::any::Any + Send>>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held: Vec<Box<dyn std::any::Any + Send>> = vec![Box::new(listener)];
    // Fill the queue until a connection stops completing.
    for _ in 0..64 {
        match tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => held.push(Box::new(stream)),
            Ok(Err(e)) => panic!("connecting to fill the queue: {e}"),
            Err(_) => return (format!("http://{addr}/"), held),
        }
    }
    panic!("the accept queue never filled");
}

#[tokio::test]
async fn a_handshake_that_never_completes_ends_at_the_connect_timeout_and_reached_nothing() {
    let (url, _held) = unreachable_server().await;
    // The whole-request timeout is far longer: the connect timeout must be what ends it.
    let backend = backend(&url, Duration::from_secs(30), Duration::from_millis(250));

    let started = Instant::now();
    let err = regops_core::Backend::operation(&backend, &OperationId::new("x"))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        !err.may_have_reached_server(),
        "no connection, so no request reached the server: {err}"
    );
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(5),
        "three attempts of 250 ms, not the 30 s request timeout: {took:?}"
    );

    // A change that never reached the server says so: nothing to reconcile.
    let err = backend
        .client()
        .delete_domain("example.com")
        .await
        .unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
}

#[tokio::test]
async fn a_call_ends_at_its_deadline_whatever_its_attempts_and_says_so() {
    let (url, accepted) = silent_server();
    // Each attempt could wait 2 s, three of them 6 s: the deadline of the whole call is 700 ms.
    let client = Route53Client::builder(Credentials::new(Secret::new("AKID"), Secret::new("s")))
        .endpoint(&url)
        .timeout(Duration::from_secs(2))
        .retry(fast_retry())
        .deadline(Some(Duration::from_millis(700)))
        .no_rate_limit()
        .build()
        .unwrap();
    let backend = Route53Backend::new(client);
    let started = Instant::now();
    let err = regops_core::Backend::operation(&backend, &OperationId::new("x"))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout() && err.may_have_reached_server(), "{err}");
    assert!(
        err.to_string()
            .contains("deadline of 700ms ran out after 1 attempt"),
        "the error names the deadline that ran out: {err}"
    );
    assert!(
        took >= Duration::from_millis(650) && took < Duration::from_millis(1900),
        "{took:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

/// Every protocol's client, its read bounded by a deadline of 700 ms while each attempt could
/// take 2 s, against one silent server.
#[tokio::test]
async fn every_protocol_ends_a_read_at_its_deadline() {
    use regops_core::{Backend, RetryPolicy};
    let (url, _accepted) = silent_server();
    let deadline = Some(Duration::from_millis(700));
    let retry: RetryPolicy = fast_retry();
    let two = Duration::from_secs(2);
    // Every builder has the same settings (`client_settings_setters!`).
    macro_rules! bounded {
        ($builder:expr) => {
            $builder
                .endpoint(&url)
                .timeout(two)
                .retry(retry.clone())
                .deadline(deadline)
                .no_rate_limit()
                .build()
                .unwrap()
        };
    }
    let backends: Vec<(&str, Box<dyn Backend>)> = vec![
        (
            "gandi",
            Box::new(regops_xmlrpc::GandiBackend::new(bounded!(
                regops_xmlrpc::GandiClient::builder(Secret::new("scriptedkey0123456789abc"))
            ))),
        ),
        (
            "netim",
            Box::new(regops_soap::NetimBackend::new(bounded!(
                regops_soap::NetimClient::builder("RESELLER1", Secret::new("pw"))
            ))),
        ),
        (
            "route53",
            Box::new(Route53Backend::new(bounded!(Route53Client::builder(
                Credentials::new(Secret::new("AKID"), Secret::new("s"))
            )))),
        ),
        (
            "autodns",
            Box::new(regops_rest::AutoDnsBackend::new(bounded!(
                regops_rest::AutoDnsClient::builder("user", Secret::new("pw"))
            ))),
        ),
    ];
    for (name, backend) in backends {
        let started = Instant::now();
        let err = backend
            .operation(&OperationId::new("4200003"))
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(err.is_timeout(), "{name}: {err}");
        assert!(
            err.to_string().contains("deadline of 700ms ran out"),
            "{name}: the error names the deadline: {err}"
        );
        assert!(
            took >= Duration::from_millis(650) && took < Duration::from_millis(1900),
            "{name}: {took:?}"
        );
    }
}
