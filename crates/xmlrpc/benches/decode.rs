//! Decoding an `operation.list` answer of 1,000 operations into core `Operation`s.
//!
//! Run: `cargo bench -p regops-xmlrpc --bench decode`. The figures are in docs/benchmarks.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regops_core::ServerTimeZone;
use regops_xmlrpc::generated::OperationReturn;
use regops_xmlrpc::{DateTime, Limits, Value, convert, decode_response, encode_response};
use std::hint::black_box;

/// An answer shaped like Gandi's: every member of the operation struct, some nil.
fn operation_list(n: i64) -> String {
    let steps = ["BILL", "WAIT", "RUN", "DONE", "ERROR", "SUPPORT", "CANCEL"];
    let ops = (0..n)
        .map(|i| {
            Value::structure([
                ("id", Value::Int(100_000 + i)),
                ("step", Value::from(steps[(i % 7) as usize])),
                ("type", Value::from("domain_renew")),
                ("eta", Value::Int(i % 5 * 60)),
                (
                    "date_created",
                    Value::DateTime(DateTime::parse("20150915T18:29:16")),
                ),
                (
                    "date_start",
                    if i % 2 == 0 {
                        Value::Nil
                    } else {
                        Value::DateTime(DateTime::parse("20150915T18:30:00"))
                    },
                ),
                (
                    "date_updated",
                    Value::DateTime(DateTime::parse("20150915T18:31:02")),
                ),
                (
                    "errortype",
                    if i % 7 == 4 {
                        Value::from("fatal")
                    } else {
                        Value::Nil
                    },
                ),
                (
                    "last_error",
                    if i % 7 == 4 {
                        Value::from("Invalid contact")
                    } else {
                        Value::Nil
                    },
                ),
                ("session_id", Value::Int(i)),
                ("source", Value::from("AB1234-GANDI")),
                (
                    "params",
                    Value::structure([
                        ("domain", Value::String(format!("example{i}.com"))),
                        ("duration", Value::Int(1)),
                    ]),
                ),
                (
                    "infos",
                    Value::structure([
                        ("label", Value::String(format!("example{i}.com"))),
                        ("id", Value::from("")),
                    ]),
                ),
            ])
        })
        .collect();
    encode_response(&Value::Array(ops)).unwrap()
}

fn bench(c: &mut Criterion) {
    let body = operation_list(1000);
    let limits = Limits::default();
    let mut g = c.benchmark_group("operation.list");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("decode 1000 operations to core", |b| {
        b.iter(|| {
            let ops: Vec<OperationReturn> = decode_response(black_box(body.as_bytes()), &limits)
                .unwrap()
                .unwrap();
            let core: Vec<_> = ops
                .into_iter()
                .map(|o| convert::operation(o, ServerTimeZone::PARIS))
                .collect();
            assert_eq!(core.len(), 1000);
            core
        })
    });
    g.bench_function("decode 1000 operations (wire structs only)", |b| {
        b.iter(|| {
            let ops: Vec<OperationReturn> = decode_response(black_box(body.as_bytes()), &limits)
                .unwrap()
                .unwrap();
            ops
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
