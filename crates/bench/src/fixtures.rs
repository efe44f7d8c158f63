//! The answers every decoder is measured on, shaped like the providers' own and deterministic.
//!
//! Each comes as [`Input`]: its name, its format, its bytes and how many operations it holds, so
//! that the Rust benchmarks and the Python timings read exactly the same bytes
//! (`regops-bench inputs DIR` writes them out).

use serde_json::json;
use std::fmt::Write as _;

/// The wire formats, each measured against its own set of alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Gandi's XML-RPC.
    XmlRpc,
    /// Netim's SOAP 1.1 rpc/encoded.
    Soap,
    /// Route 53 Domains' AWS JSON 1.1.
    AwsJson,
    /// AutoDNS's JSON envelopes.
    AutoDnsJson,
    /// AutoDNS's XML gateway.
    AutoDnsXml,
}

impl Format {
    /// Every format, in the order of the report.
    pub const ALL: [Format; 5] = [
        Format::XmlRpc,
        Format::Soap,
        Format::AwsJson,
        Format::AutoDnsJson,
        Format::AutoDnsXml,
    ];

    /// The short name used in file names and benchmark ids.
    pub fn slug(self) -> &'static str {
        match self {
            Format::XmlRpc => "xmlrpc",
            Format::Soap => "soap",
            Format::AwsJson => "route53",
            Format::AutoDnsJson => "autodns-json",
            Format::AutoDnsXml => "autodns-xml",
        }
    }

    /// What the report calls it.
    pub fn title(self) -> &'static str {
        match self {
            Format::XmlRpc => "Gandi XML-RPC",
            Format::Soap => "Netim SOAP",
            Format::AwsJson => "Route 53 Domains (AWS JSON 1.1)",
            Format::AutoDnsJson => "AutoDNS JSON",
            Format::AutoDnsXml => "AutoDNS XML gateway",
        }
    }

    /// The file extension of its inputs.
    pub fn extension(self) -> &'static str {
        match self {
            Format::XmlRpc | Format::Soap | Format::AutoDnsXml => "xml",
            Format::AwsJson | Format::AutoDnsJson => "json",
        }
    }
}

/// One answer to decode.
#[derive(Clone, Debug)]
pub struct Input {
    /// A name unique among the inputs (`xmlrpc-operation.list-1000`).
    pub name: String,
    /// What it answers, for the report (`operation.list, 1,000 operations`).
    pub label: String,
    /// Its format.
    pub format: Format,
    /// How many operations it holds.
    pub operations: usize,
    /// The body.
    pub body: String,
}

/// Every input of the report.
pub fn all() -> Vec<Input> {
    let mut out = Vec::new();
    for n in [10, 100, 1000] {
        out.push(Input {
            name: format!("xmlrpc-operation.list-{n}"),
            label: format!("operation.list, {n} operations"),
            format: Format::XmlRpc,
            operations: n,
            body: gandi_operation_list(n),
        });
    }
    out.push(Input {
        name: "soap-queryOpePending-1000".into(),
        label: "queryOpePending, 1000 entries".into(),
        format: Format::Soap,
        operations: 1000,
        body: netim_query_ope_pending(1000),
    });
    out.push(Input {
        name: "route53-ListOperations-100".into(),
        label: "ListOperations page, 100 operations".into(),
        format: Format::AwsJson,
        operations: 100,
        body: route53_list_operations(100),
    });
    out.push(Input {
        name: "autodns-json-job-search-100".into(),
        label: "job _search, 100 jobs".into(),
        format: Format::AutoDnsJson,
        operations: 100,
        body: autodns_job_search(100),
    });
    out.push(Input {
        name: "autodns-xml-cancelation-info".into(),
        label: "gateway cancelation info (0103104)".into(),
        format: Format::AutoDnsXml,
        operations: 1,
        body: autodns_gateway_answer(),
    });
    out
}

/// The input named `name`.
pub fn named(name: &str) -> Option<Input> {
    all().into_iter().find(|i| i.name == name)
}

/// A value as Python's `xmlrpc.client` writes it (Gandi's API server is written in Python), so
/// that the layout, newlines included, is the one a client reads in production.
enum Py {
    Int(i64),
    Str(String),
    Bool(bool),
    Date(&'static str),
    Nil,
    Array(Vec<Py>),
    Struct(Vec<(&'static str, Py)>),
}

fn s(v: impl Into<String>) -> Py {
    Py::Str(v.into())
}

fn write_py(out: &mut String, v: &Py) {
    match v {
        Py::Int(i) => {
            let _ = writeln!(out, "<value><int>{i}</int></value>");
        }
        Py::Bool(b) => {
            let _ = writeln!(out, "<value><boolean>{}</boolean></value>", u8::from(*b));
        }
        Py::Str(t) => {
            out.push_str("<value><string>");
            escape_into(out, t);
            out.push_str("</string></value>\n");
        }
        Py::Date(d) => {
            let _ = writeln!(
                out,
                "<value><dateTime.iso8601>{d}</dateTime.iso8601></value>"
            );
        }
        Py::Nil => out.push_str("<value><nil/></value>"),
        Py::Array(items) => {
            out.push_str("<value><array><data>\n");
            for i in items {
                write_py(out, i);
            }
            out.push_str("</data></array></value>\n");
        }
        Py::Struct(members) => {
            out.push_str("<value><struct>\n");
            for (name, value) in members {
                let _ = writeln!(out, "<member>\n<name>{name}</name>");
                write_py(out, value);
                out.push_str("</member>\n");
            }
            out.push_str("</struct></value>\n");
        }
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// A Gandi `operation.list` answer of `n` operations: every member of the operation struct as
/// the reference lists it (dates, nil dates, `errortype` structs, `last_error` with escaped
/// characters, the `params` of a domain order with its contacts and name servers, `infos` as an
/// array of structs), in Python's layout: about 2.1 KB per operation.
pub fn gandi_operation_list(n: usize) -> String {
    let steps = ["BILL", "WAIT", "RUN", "DONE", "ERROR", "SUPPORT", "CANCEL"];
    let types = [
        "domain_create",
        "domain_renew",
        "domain_transfer_in",
        "certificate_create",
    ];
    let ops = (0..n)
        .map(|i| {
            let step = steps[i % steps.len()];
            let failed = step == "ERROR";
            let domain = format!("example-{i}.com");
            Py::Struct(vec![
                (
                    "date_created",
                    Py::Date(["20150915T18:29:16", "20151002T09:01:44"][i % 2]),
                ),
                (
                    "date_start",
                    if i % 3 == 0 {
                        Py::Nil
                    } else {
                        Py::Date("20150915T18:30:00")
                    },
                ),
                ("date_updated", Py::Date("20150915T18:31:02")),
                (
                    "errortype",
                    if failed {
                        Py::Struct(vec![
                            ("name", s("missing_parameter")),
                            ("refundable", Py::Bool(true)),
                            ("type", s("client_recoverable")),
                        ])
                    } else {
                        Py::Nil
                    },
                ),
                ("eta", Py::Int(if failed { 0 } else { (i % 5) as i64 * 60 })),
                ("id", Py::Int(100_000 + i as i64)),
                (
                    "infos",
                    Py::Array(vec![Py::Struct(vec![
                        ("id", s("")),
                        ("label", s(domain.clone())),
                        ("product_action", s("create")),
                        ("product_type", s("domain")),
                    ])]),
                ),
                (
                    "last_error",
                    if failed {
                        s("Registry said: owner & admin contacts <AB1234-GANDI> differ")
                    } else {
                        Py::Nil
                    },
                ),
                (
                    "params",
                    Py::Struct(vec![
                        ("admin", s("AB1234-GANDI")),
                        ("bill", s("AB1234-GANDI")),
                        ("domain", s(domain.clone())),
                        ("duration", Py::Int(1 + (i % 3) as i64)),
                        (
                            "nameservers",
                            Py::Array(vec![s("a.dns.gandi.net"), s("b.dns.gandi.net")]),
                        ),
                        ("owner", s("AB1234-GANDI")),
                        ("tech", s("AB1234-GANDI")),
                    ]),
                ),
                ("session_id", Py::Int(2_000_000 + i as i64)),
                ("source", s("AB1234-GANDI")),
                ("step", s(step)),
                ("type", s(types[i % types.len()])),
            ])
        })
        .collect();
    let mut out = String::from("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
    write_py(&mut out, &Py::Array(ops));
    out.push_str("</param>\n</params>\n</methodResponse>\n");
    out
}

/// A Netim `queryOpePending` answer of `n` entries, written the way PHP's `SoapServer` writes
/// it (a `SOAP-ENC:Array` of `SOAP-ENC:Struct` items, `xsi:type` on every value).
pub fn netim_query_ope_pending(n: usize) -> String {
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

/// A Route 53 `ListOperations` page of `n` operations: every member, fractional epoch
/// timestamps, a flag and a message on every fifth operation, and a marker.
pub fn route53_list_operations(n: usize) -> String {
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
    json!({"Operations": ops, "NextPageMarker": "bWFya2VyLTEwMA=="}).to_string()
}

/// An AutoDNS `job/_search` answer of `n` jobs (the tracker's refresh of a hundred ids), in the
/// envelope and the spelling of the reference's examples.
pub fn autodns_job_search(n: usize) -> String {
    let statuses = ["RUNNING", "SUCCESS", "FAILED", "SUPPORT", "CANCELED"];
    let jobs: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "id": 4_295_210_830_u64 + i as u64,
                "status": statuses[i % statuses.len()],
                "action": "DELETE",
                "subType": "DomainCancelation",
                "created": "2018-02-13T15:19:44.000+0100",
                "updated": "2018-02-13T15:20:02.000+0100",
                "domain": format!("example{i}.com"),
                "owner": {"user": "customer", "context": 4},
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "stid": "20180213-app1-6090",
        "status": {"code": "S0105", "text": "Jobs were searched successfully.", "type": "SUCCESS"},
        "object": {"type": "Job", "summary": n},
        "data": jobs,
    }))
    .unwrap_or_default()
}

/// An AutoDNS gateway answer about one cancelation, as the reference prints it.
pub fn autodns_gateway_answer() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>\n\t<result>\n\t\t<data>\n\t\t\t<cancelation>\n\t\t\t\t<execdate>now</execdate>\n\t\t\t\t<changed>2018-02-13 15:19:45</changed>\n\t\t\t\t<domain>example.com</domain>\n\t\t\t\t<type>DELETE</type>\n\t\t\t\t<registry_when_date>2018-02-13 15:19:44</registry_when_date>\n\t\t\t\t<log_id>186467</log_id>\n\t\t\t\t<created>2018-02-13 15:19:44</created>\n\t\t\t</cancelation>\n\t\t\t<domain_job>\n\t\t\t\t<job>\n\t\t\t\t\t<id>4295210830</id>\n\t\t\t\t</job>\n\t\t\t</domain_job>\n\t\t</data>\n\t\t<status>\n\t\t\t<code>N0103</code>\n\t\t\t<text>Domain deletion has been started successfully.</text>\n\t\t\t<type>notify</type>\n\t\t\t<object>\n\t\t\t\t<type>domain</type>\n\t\t\t\t<value>example.com</value>\n\t\t\t</object>\n\t\t</status>\n\t</result>\n\t<stid>20180213-app1-6072</stid>\n</response>\n".to_owned()
}
