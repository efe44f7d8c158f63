//! The one HTTP exchange every client goes through (`regops_http::Exchange`), held on each of
//! the four clients (five endpoints): a `429` with `Retry-After` pauses the account's limiter,
//! so that the next call waits although the limiter has slots to spare; a `429` without one
//! does not; a redirect is refused, never followed, and named without its query.

use regops_core::{Result, RetryPolicy, Secret};
use regops_rest::AutoDnsClient;
use regops_route53::{Credentials, Route53Client};
use regops_soap::NetimClient;
use regops_tests::{Answer, ScriptedServer};
use regops_xmlrpc::GandiClient;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

type Twice = Pin<Box<dyn Future<Output = Result<(Result<()>, Result<()>)>> + Send>>;

/// Two reads in a row through one client of a provider at `url`, with a generous limiter and
/// no retries, so that only the server's answer can hold the second one back.
type Reads = fn(String) -> Twice;

fn gandi(url: String) -> Twice {
    Box::pin(async move {
        let c = GandiClient::builder(Secret::new("scriptedkey0123456789abc"))
            .endpoint(url)
            .rate_limit(1000.0, 10)
            .retry(RetryPolicy::never())
            .build()?;
        let first = c.operation_info(1).await.map(drop);
        Ok((first, c.operation_info(1).await.map(drop)))
    })
}

fn netim(url: String) -> Twice {
    Box::pin(async move {
        let c = NetimClient::builder("RESELLER1", Secret::new("scripted-password"))
            .endpoint(url)
            .rate_limit(1000.0, 10)
            .retry(RetryPolicy::never())
            .build()?;
        let first = c.query_ope(1).await.map(drop);
        Ok((first, c.query_ope(1).await.map(drop)))
    })
}

fn route53(url: String) -> Twice {
    Box::pin(async move {
        let c = Route53Client::builder(Credentials::new(
            Secret::new("AKIDSCRIPTED00000000"),
            Secret::new("scripted-secret-access-key"),
        ))
        .endpoint(url)
        .rate_limit(1000.0, 10)
        .retry(RetryPolicy::never())
        .build()?;
        let first = c.get_operation_detail("op-1").await.map(drop);
        Ok((first, c.get_operation_detail("op-1").await.map(drop)))
    })
}

fn autodns_at(url: String) -> Twice {
    Box::pin(async move {
        let c = AutoDnsClient::builder("scripted", Secret::new("scripted-password"))
            .endpoint(url)
            .rate_limit(1000.0, 10)
            .retry(RetryPolicy::never())
            .build()?;
        // A job on the JSON API, a cancelation on the gateway: each endpoint's own read.
        let read = async || match c.protocol() {
            regops_rest::Protocol::Json => c.job("4295210830").await.map(drop),
            _ => c.cancelation_info("example.com").await.map(drop),
        };
        let first = read().await;
        Ok((first, read().await))
    })
}

fn autodns(url: String) -> Twice {
    autodns_at(url)
}

fn autodns_gateway(url: String) -> Twice {
    autodns_at(format!("{url}/gateway"))
}

const CLIENTS: [(&str, Reads); 5] = [
    ("gandi", gandi),
    ("netim", netim),
    ("route53", route53),
    ("autodns", autodns),
    ("autodns gateway", autodns_gateway),
];

/// The time between the two requests of two reads answered `answer`.
async fn gap(name: &str, answer: Answer, reads: Reads) -> Duration {
    let server = ScriptedServer::start(vec![answer]);
    let (first, _) = reads(server.url().to_owned()).await.unwrap();
    let first = first.unwrap_err();
    assert!(first.is_rate_limited(), "{name}: {first}");
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{name}: one request per read");
    seen[1].at - seen[0].at
}

#[tokio::test]
async fn a_429_with_retry_after_pauses_the_accounts_limiter_on_every_client() {
    for (name, reads) in CLIENTS {
        let told = Answer::new(429, "text/plain", "slow down").header("retry-after", "1");
        let waited = gap(name, told, reads).await;
        assert!(
            waited >= Duration::from_millis(900),
            "{name}: the next request came {waited:?} after a Retry-After of 1 s"
        );
        // Without the header nothing says how long: the limiter goes on at its own pace.
        let untold = Answer::new(429, "text/plain", "slow down");
        let went_on = gap(name, untold, reads).await;
        assert!(
            went_on < Duration::from_millis(500),
            "{name}: {went_on:?} without a Retry-After"
        );
    }
}

#[tokio::test]
async fn a_redirect_is_refused_and_never_followed_on_every_client() {
    // Where the redirects point: a second loopback server, which counts what reaches it.
    let elsewhere = ScriptedServer::start(vec![Answer::new(200, "text/plain", "taken over")]);
    let port = elsewhere.url().rsplit(':').next().unwrap().to_owned();
    for (name, reads) in CLIENTS {
        let server = ScriptedServer::start(vec![Answer::new(302, "text/plain", "").header(
            "location",
            &format!("http://user:pw@localhost:{port}/moved?token=hunter2"),
        )]);
        let (first, _) = reads(server.url().to_owned()).await.unwrap();
        let err = first.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("redirected") && text.contains(&format!("http://localhost:{port}/moved")),
            "{name}: {text}"
        );
        assert!(
            !text.contains("hunter2") && !text.contains("pw@"),
            "{name}: {text}"
        );
        assert_eq!(err.http_status(), Some(302), "{name}");
        assert!(err.may_have_reached_server(), "{name}: {err}");
        assert!(!err.is_retryable(), "{name}: a redirect is not retried");
        // Two reads, two requests, all to this server: nothing went to where it pointed.
        assert_eq!(server.seen().len(), 2, "{name}");
        assert!(
            elsewhere.seen().is_empty(),
            "{name}: the redirect was followed"
        );
    }
}

/// A change that meets a redirect (a cancelation on the AutoDNS gateway, on the JSON API, and
/// a Route 53 deletion) is sent once, reported as possibly carried out, never as done, and
/// nothing reaches where the redirect pointed.
#[tokio::test]
async fn a_change_that_meets_a_redirect_is_sent_once_and_reported_as_maybe_done() {
    use regops_core::{CancelKind, CancelRequest, DomainCancelBackend, Execution};
    let elsewhere = ScriptedServer::start(vec![Answer::new(200, "text/plain", "taken over")]);
    let port = elsewhere.url().rsplit(':').next().unwrap().to_owned();
    let redirect = || {
        Answer::new(302, "text/plain", "")
            .header("location", &format!("http://localhost:{port}/moved"))
    };
    let request = CancelRequest::new(CancelKind::Delete, Execution::Expire);
    for path in ["", "/gateway"] {
        let server = ScriptedServer::start(vec![redirect()]);
        let backend = regops_rest::AutoDnsBackend::new(
            AutoDnsClient::builder("scripted", Secret::new("scripted-password"))
                .endpoint(format!("{}{path}", server.url()))
                .no_rate_limit()
                .build()
                .unwrap(),
        );
        let err = backend
            .cancel_domain("example.com", &request)
            .await
            .unwrap_err();
        assert!(err.may_have_reached_server(), "autodns{path}: {err}");
        assert!(
            err.to_string().contains("redirected"),
            "autodns{path}: {err}"
        );
        assert_eq!(
            server.seen().len(),
            1,
            "autodns{path}: sent once, never again"
        );
    }
    let server = ScriptedServer::start(vec![redirect()]);
    let client = Route53Client::builder(Credentials::new(
        Secret::new("AKIDSCRIPTED00000000"),
        Secret::new("scripted-secret-access-key"),
    ))
    .endpoint(server.url())
    .no_rate_limit()
    .build()
    .unwrap();
    let err = client.delete_domain("example.com").await.unwrap_err();
    assert!(err.may_have_reached_server(), "route53: {err}");
    assert_eq!(server.seen().len(), 1, "route53: sent once");
    assert!(elsewhere.seen().is_empty(), "a redirect was followed");
}
