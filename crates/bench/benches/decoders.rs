//! Every decoder of the comparison on every input, in one criterion run (`cargo xtask bench`
//! runs it and turns the results into docs/benchmarks.md).
//!
//! Run alone: `cargo bench -p regops-bench --bench decoders` (criterion's filters work:
//! `-- xmlrpc-operation.list-1000`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regops_bench::{decoders, fixtures};
use regops_core::Secret;
use regops_route53::Credentials;
use regops_route53::sign::Signer;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

fn decode(c: &mut Criterion) {
    for input in fixtures::all() {
        let mut g = c.benchmark_group(&input.name);
        g.throughput(Throughput::Bytes(input.body.len() as u64));
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(3));
        if input.body.len() > 500_000 {
            // The slowest alternatives take a tenth of a second per answer.
            g.sample_size(20);
        }
        for d in decoders::for_format(input.format) {
            g.bench_function(d.name, |b| {
                b.iter(|| (d.run)(input.format, black_box(&input.body)).expect("decodes"))
            });
        }
        g.finish();
    }
}

fn sign(c: &mut Criterion) {
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
    let mut g = c.benchmark_group("sigv4");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("sign one ListOperations request", |b| {
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
                .expect("signs")
        })
    });
    g.finish();
}

criterion_group!(benches, decode, sign);
criterion_main!(benches);
