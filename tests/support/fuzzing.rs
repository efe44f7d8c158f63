//! The fuzz targets' bodies: one function per decoder, taking arbitrary bytes. `fuzz/` runs them
//! under libFuzzer (`cargo xtask fuzz`, nightly); the integration tests replay the seed corpora
//! of `fuzz/corpus/` through them on every `cargo xtask test`. Each must return, whatever the
//! bytes: no panic, no unbounded allocation, no stack overflow.

use regops_core::ServerTimeZone;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The targets, by name (the file names under `fuzz/fuzz_targets/` and `fuzz/corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("xmlrpc_response", xmlrpc_response),
    ("soap_envelope", soap_envelope),
    ("route53_json", route53_json),
    ("autodns_json", autodns_json),
    ("autodns_xml", autodns_xml),
];

/// An XML-RPC answer, decoded into values and into Gandi operations.
pub fn xmlrpc_response(data: &[u8]) {
    let limits = regops_xmlrpc::Limits::default();
    let _ = regops_xmlrpc::decode_response::<regops_xmlrpc::Value>(data, &limits);
    if let Ok(Ok(ops)) = regops_xmlrpc::decode_response::<
        Vec<regops_xmlrpc::generated::OperationReturn>,
    >(data, &limits)
    {
        for op in ops {
            let _ = regops_xmlrpc::convert::operation(op, ServerTimeZone::PARIS);
        }
    }
    let _ = regops_xmlrpc::decode_call(data, &limits);
}

/// A SOAP envelope, as an answer and as a call, and into Netim operations.
pub fn soap_envelope(data: &[u8]) {
    use regops_soap::convert;
    use regops_soap::generated::{StructOperationResponse, StructQueryOpePending};
    if let Ok(Ok(value)) = regops_soap::encoding::decode_response(data) {
        if let Ok(r) = convert::decode::<StructOperationResponse>(value.clone(), "fuzz") {
            let _ = convert::operation(r, ServerTimeZone::PARIS);
        }
        if let Ok(list) = convert::decode_list::<StructQueryOpePending>(value, "fuzz") {
            for p in list {
                let _ = convert::pending_operation(p, ServerTimeZone::PARIS);
            }
        }
    }
    let _ = regops_soap::encoding::decode_call(data);
}

/// A Route 53 answer: an operation, a page, an error.
pub fn route53_json(data: &[u8]) {
    if let Ok(d) = regops_route53::decode_operation_detail(data) {
        let _ = regops_route53::convert::operation(d, None);
    }
    if let Ok(page) = regops_route53::decode_list_operations(data) {
        for d in page.operations.unwrap_or_default() {
            let _ = regops_route53::convert::operation(d, None);
        }
    }
    let _ = regops_route53::convert::error(400, None, None, data);
}

/// An AutoDNS JSON envelope of cancelations and of jobs.
pub fn autodns_json(data: &[u8]) {
    use regops_rest::convert::{
        CancelationCall, answer_error, cancelation_operation, job_operation,
    };
    use regops_rest::generated::{Cancelation, Job};
    use regops_rest::wire::Envelope;
    let zone = ServerTimeZone::PARIS;
    if let Ok(e) = serde_json::from_slice::<Envelope<Cancelation>>(data) {
        for c in &e.data {
            let _ = cancelation_operation(c, e.status.as_ref(), None, CancelationCall::Read, zone);
        }
        let _ = answer_error(400, e.status.as_ref(), &e.messages, None, data);
    }
    if let Ok(e) = serde_json::from_slice::<Envelope<Job>>(data) {
        for j in e.data {
            let _ = job_operation(j, zone);
        }
    }
}

/// An AutoDNS gateway answer.
pub fn autodns_xml(data: &[u8]) {
    use regops_rest::convert::{CancelationCall, answer_operation, gateway_answer};
    if let Ok(root) = regops_rest::gateway::parse(data)
        && let Ok(answer) = gateway_answer(&root, 200, data)
    {
        let _ = answer_operation(
            &answer,
            "example.com",
            CancelationCall::Create,
            ServerTimeZone::PARIS,
        );
    }
}
