//! Decoding a `queryOpePending` answer of 1,000 entries, shaped as PHP's SoapServer writes it,
//! into core `Operation`s.
//!
//! Run: `cargo bench -p regops-soap --bench decode`. The figures are in docs/benchmarks.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regops_core::ServerTimeZone;
use regops_soap::convert;
use regops_soap::encoding::decode_response;
use regops_soap::generated::StructQueryOpePending;
use std::fmt::Write;
use std::hint::black_box;

fn answer(n: usize) -> String {
    let mut items = String::new();
    let codes = [
        "domainCreate",
        "domainRenew",
        "domainTransferIn",
        "sslCreate",
    ];
    for i in 0..n {
        let _ = write!(
            items,
            "<item xsi:type=\"SOAP-ENC:Struct\"><id_ope xsi:type=\"xsd:int\">{}</id_ope><code_ope xsi:type=\"xsd:string\">{}</code_ope><date_ope xsi:type=\"xsd:string\">2024-03-{:02} 1{}:30:00</date_ope><data_ope xsi:type=\"xsd:string\">example{i}.com</data_ope></item>",
            100_000 + i,
            codes[i % codes.len()],
            1 + i % 28,
            i % 10
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ns1=\"urn:DRS\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><SOAP-ENV:Body><ns1:queryOpePendingResponse><return SOAP-ENC:arrayType=\"SOAP-ENC:Struct[{n}]\" xsi:type=\"SOAP-ENC:Array\">{items}</return></ns1:queryOpePendingResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    )
}

fn bench(c: &mut Criterion) {
    let body = answer(1000);
    let mut g = c.benchmark_group("queryOpePending");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("decode 1000 entries to core", |b| {
        b.iter(|| {
            let value = decode_response(black_box(body.as_bytes()))
                .unwrap()
                .unwrap();
            let entries: Vec<StructQueryOpePending> =
                convert::decode_list(value, "queryOpePending").unwrap();
            let ops: Vec<_> = entries
                .into_iter()
                .map(|p| convert::pending_operation(p, ServerTimeZone::PARIS).unwrap())
                .collect();
            assert_eq!(ops.len(), 1000);
            ops
        })
    });
    g.bench_function("decode 1000 entries (SOAP values only)", |b| {
        b.iter(|| {
            decode_response(black_box(body.as_bytes()))
                .unwrap()
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
