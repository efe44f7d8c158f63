//! Everything that decodes an [`Input`]: regops' own decoders, the libraries a user would pick
//! instead, and the lower bound of each format (reading the bytes without building anything).
//!
//! Each decoder returns what it found (operations for regops, top-level items for a library,
//! events or nothing for a scan), so that a test can check that every entry of the comparison
//! really decodes the input it is timed on.

use crate::fixtures::{Format, Input};
use regops_core::{Operation, ServerTimeZone};
use serde::de::IgnoredAny;

/// Where a decoder stands in the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// regops, all the way to core `Operation`s.
    Regops,
    /// regops to its own generic value (the same depth as the alternatives).
    RegopsValue,
    /// A library a user would use instead, decoding to its own value type.
    Alternative,
    /// Reading the bytes and building nothing: no decoder can go faster.
    LowerBound,
}

/// One decoder of the comparison.
#[derive(Clone, Copy)]
pub struct Decoder {
    /// Its benchmark id (`regops`, `dxr`, `quick-xml scan`, ...).
    pub name: &'static str,
    /// Its place in the comparison.
    pub role: Role,
    /// The formats it reads.
    pub formats: &'static [Format],
    /// Decodes a body of the format; the count of what it found.
    pub run: fn(Format, &str) -> Result<usize, String>,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish()
    }
}

const XML: &[Format] = &[Format::XmlRpc, Format::Soap, Format::AutoDnsXml];
const JSON: &[Format] = &[Format::AwsJson, Format::AutoDnsJson];

/// Every decoder of the comparison (Python's are in `python/decode.py`).
pub fn all() -> Vec<Decoder> {
    vec![
        Decoder {
            name: "regops",
            role: Role::Regops,
            formats: &Format::ALL,
            run: regops_to_core,
        },
        Decoder {
            name: "regops to Value",
            role: Role::RegopsValue,
            formats: &[Format::XmlRpc],
            run: regops_xmlrpc_value,
        },
        Decoder {
            name: "dxr",
            role: Role::Alternative,
            formats: &[Format::XmlRpc],
            run: dxr_value,
        },
        Decoder {
            name: "serde_xmlrpc",
            role: Role::Alternative,
            formats: &[Format::XmlRpc],
            run: serde_xmlrpc_value,
        },
        Decoder {
            name: "xmlrpc",
            role: Role::Alternative,
            formats: &[Format::XmlRpc],
            run: xmlrpc_crate_value,
        },
        Decoder {
            name: "serde_json::Value",
            role: Role::Alternative,
            formats: JSON,
            run: serde_json_value,
        },
        Decoder {
            name: "quick-xml scan",
            role: Role::LowerBound,
            formats: XML,
            run: quick_xml_scan,
        },
        Decoder {
            name: "serde_json scan",
            role: Role::LowerBound,
            formats: JSON,
            run: serde_json_scan,
        },
    ]
}

/// The decoders that read `format`.
pub fn for_format(format: Format) -> Vec<Decoder> {
    all()
        .into_iter()
        .filter(|d| d.formats.contains(&format))
        .collect()
}

/// regops all the way to core operations, for the format of `input`.
pub fn regops_for(input: &Input) -> Result<Vec<Operation>, String> {
    regops_ops(input.format, &input.body)
}

/// AutoDNS's zone (the client's default).
fn berlin() -> ServerTimeZone {
    ServerTimeZone::named("Europe/Berlin").unwrap_or(ServerTimeZone::UTC)
}

fn regops_to_core(format: Format, body: &str) -> Result<usize, String> {
    regops_ops(format, body).map(|ops| ops.len())
}

/// regops all the way to core operations.
pub fn regops_ops(format: Format, body: &str) -> Result<Vec<Operation>, String> {
    let bytes = body.as_bytes();
    match format {
        Format::XmlRpc => {
            let ops: Vec<regops_xmlrpc::generated::OperationReturn> =
                regops_xmlrpc::decode_response(bytes, &regops_xmlrpc::Limits::default())
                    .map_err(|e| e.to_string())?
                    .map_err(|f| f.string)?;
            Ok(ops
                .into_iter()
                .map(|o| regops_xmlrpc::convert::operation(o, ServerTimeZone::PARIS))
                .collect())
        }
        Format::Soap => {
            let value = regops_soap::encoding::decode_response(bytes)
                .map_err(|e| e.to_string())?
                .map_err(|f| format!("fault {}: {}", f.code, f.string))?;
            let entries: Vec<regops_soap::generated::StructQueryOpePending> =
                regops_soap::convert::decode_list(value, "queryOpePending")
                    .map_err(|e| e.to_string())?;
            entries
                .into_iter()
                .map(|p| regops_soap::convert::pending_operation(p, ServerTimeZone::PARIS))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())
        }
        Format::AwsJson => {
            let page = regops_route53::decode_list_operations(bytes).map_err(|e| e.to_string())?;
            page.operations
                .unwrap_or_default()
                .into_iter()
                .map(|d| regops_route53::convert::operation(d, None))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())
        }
        Format::AutoDnsJson => {
            let envelope: regops_rest::wire::Envelope<regops_rest::generated::Job> =
                regops_rest::decode_envelope(bytes).map_err(|e| e.to_string())?;
            envelope
                .data
                .into_iter()
                .map(|j| regops_rest::convert::job_operation(j, berlin()))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())
        }
        Format::AutoDnsXml => {
            let root = regops_rest::gateway::parse(bytes).map_err(|e| e.to_string())?;
            let answer = regops_rest::convert::gateway_answer(&root, 200, bytes)
                .map_err(|e| e.to_string())?;
            let op = regops_rest::convert::answer_operation(
                &answer,
                "example.com",
                regops_rest::convert::CancelationCall::Read,
                berlin(),
            )
            .map_err(|e| e.to_string())?;
            Ok(vec![op])
        }
    }
}

fn regops_xmlrpc_value(_: Format, body: &str) -> Result<usize, String> {
    let v: regops_xmlrpc::Value =
        regops_xmlrpc::decode_response(body.as_bytes(), &regops_xmlrpc::Limits::default())
            .map_err(|e| e.to_string())?
            .map_err(|f| f.string)?;
    match v {
        regops_xmlrpc::Value::Array(items) => Ok(items.len()),
        _ => Err("not an array".into()),
    }
}

fn dxr_value(_: Format, body: &str) -> Result<usize, String> {
    let response = dxr::MethodResponse::from_xml(body).map_err(|e| e.to_string())?;
    let items: Vec<dxr::Value> =
        dxr::TryFromValue::try_from_value(&response.value).map_err(|e| e.to_string())?;
    Ok(items.len())
}

fn serde_xmlrpc_value(_: Format, body: &str) -> Result<usize, String> {
    match serde_xmlrpc::response_from_str::<serde_xmlrpc::Value>(body) {
        Ok(serde_xmlrpc::Value::Array(items)) => Ok(items.len()),
        Ok(_) => Err("not an array".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The `xmlrpc` crate reads answers only through its `Transport`; this one hands it the body.
struct Answer<'a>(&'a [u8]);

impl<'a> xmlrpc::Transport for Answer<'a> {
    type Stream = &'a [u8];

    fn transmit(
        self,
        _request: &xmlrpc::Request<'_>,
    ) -> Result<Self::Stream, Box<dyn std::error::Error + Send + Sync>> {
        Ok(self.0)
    }
}

fn xmlrpc_crate_value(_: Format, body: &str) -> Result<usize, String> {
    let v = xmlrpc::Request::new("operation.list")
        .call(Answer(body.as_bytes()))
        .map_err(|e| e.to_string())?;
    v.as_array()
        .map(<[xmlrpc::Value]>::len)
        .ok_or_else(|| "not an array".into())
}

fn serde_json_value(_: Format, body: &str) -> Result<usize, String> {
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    ["Operations", "data"]
        .iter()
        .find_map(|k| v.get(k).and_then(serde_json::Value::as_array))
        .map(Vec::len)
        .ok_or_else(|| "no list of operations".into())
}

fn serde_json_scan(_: Format, body: &str) -> Result<usize, String> {
    serde_json::from_str::<IgnoredAny>(body).map_err(|e| e.to_string())?;
    Ok(0)
}

/// Every event of the body read with quick-xml's defaults (end names checked), nothing built.
fn quick_xml_scan(_: Format, body: &str) -> Result<usize, String> {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => return Err(e.to_string()),
        }
    }
}
