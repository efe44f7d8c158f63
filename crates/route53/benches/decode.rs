//! Decoding a `ListOperations` page of 100 operations (the most one page holds) into core
//! `Operation`s, and signing one request with SigV4.
//!
//! Run: `cargo bench -p regops-route53 --bench decode`. The figures are in docs/benchmarks.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regops_core::Secret;
use regops_route53::sign::Signer;
use regops_route53::{Credentials, convert, decode_list_operations};
use serde_json::json;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

/// A page shaped like Route 53's: every member, fractions on the timestamps, a few flags and
/// messages, and a marker.
fn page(n: usize) -> Vec<u8> {
    let statuses = ["SUBMITTED", "IN_PROGRESS", "ERROR", "SUCCESSFUL", "FAILED"];
    let types = [
        "REGISTER_DOMAIN",
        "DELETE_DOMAIN",
        "TRANSFER_IN_DOMAIN",
        "RENEW_DOMAIN",
    ];
    let ops: Vec<_> = (0..n)
        .map(|i| {
            let mut op = json!({
                "OperationId": format!("{i:08x}-e30a-4801-858f-7aa86356c127"),
                "Status": statuses[i % statuses.len()],
                "Type": types[i % types.len()],
                "DomainName": format!("example{i}.com"),
                "SubmittedDate": 1_573_749_367.864 + i as f64,
                "LastUpdatedDate": 1_573_749_400.125 + i as f64,
            });
            if i % 5 == 2 {
                op["Message"] = json!("The registry rejected the request");
                op["StatusFlag"] = json!("PENDING_CUSTOMER_ACTION");
            }
            op
        })
        .collect();
    serde_json::to_vec(&json!({"Operations": ops, "NextPageMarker": "bWFya2VyLTEwMA=="})).unwrap()
}

fn bench(c: &mut Criterion) {
    let body = page(100);
    let mut g = c.benchmark_group("ListOperations");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("decode a 100-operation page to core", |b| {
        b.iter(|| {
            let page = decode_list_operations(black_box(&body)).unwrap();
            let ops: Vec<_> = page
                .operations
                .unwrap_or_default()
                .into_iter()
                .map(|d| convert::operation(d, None).unwrap())
                .collect();
            assert_eq!(ops.len(), 100);
            ops
        })
    });
    g.bench_function("decode a 100-operation page (wire structs only)", |b| {
        b.iter(|| decode_list_operations(black_box(&body)).unwrap())
    });
    g.finish();

    let signer = Signer::new(
        Credentials::new(
            Secret::new("AKIDEXAMPLE"),
            Secret::new("wJalrXUtnFEMI/K7MDENG"),
        )
        .session_token(Secret::new("session-token")),
        "us-east-1",
        "route53domains",
    );
    let request = br#"{"MaxItems":100,"Marker":"bWFya2VyLTEwMA=="}"#;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_570_806);
    c.bench_function("SigV4: sign one ListOperations request", |b| {
        b.iter(|| {
            signer
                .sign(
                    "POST",
                    "https://route53domains.us-east-1.amazonaws.com/",
                    &[
                        ("content-type", "application/x-amz-json-1.1"),
                        ("x-amz-target", "Route53Domains_v20140515.ListOperations"),
                    ],
                    black_box(request),
                    at,
                )
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
