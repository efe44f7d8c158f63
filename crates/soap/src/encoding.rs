//! SOAP 1.1 rpc/encoded: request envelopes with `xsi:type` on every value, and answers and
//! faults decoded tolerantly into [`SoapValue`]s.
//!
//! Requests are written the way PHP's own `SoapClient` writes them in non-WSDL mode: the
//! function as an element of namespace `urn:DRS` in the body, one element per parameter, typed
//! with `xsi:type` (`xsd:string`, `xsd:int`, `xsd:boolean`, `xsd:double`), arrays as
//! `SOAP-ENC:Array` of `<item>`s, PHP maps as `ns2:Map` of `<item><key/><value/></item>`, structs
//! as `SOAP-ENC:Struct`, and `null` as `xsi:nil="true"`.
//!
//! Answers are read into the bounded element tree of [`regops_http::xml`] (no DOCTYPE, no
//! entities, a depth limit), then into values: by `xsi:type` when there is one, by shape when
//! there is not (children named `item` with a `key` and a `value` are a map, other `item`s an
//! array, other children a struct, text a string); `xsi:nil` is null; multi-reference values
//! (`href="#id"`) are resolved. Any namespace prefix is accepted.

use crate::PROVIDER;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use regops_core::{Error, Result};
use regops_http::xml::Element;
use std::collections::HashMap;

/// A value of SOAP encoding.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SoapValue {
    /// `xsi:nil`.
    Null,
    /// `xsd:boolean`.
    Bool(bool),
    /// `xsd:int` and the other integer types.
    Int(i64),
    /// `xsd:double`, `xsd:float`, `xsd:decimal`.
    Float(f64),
    /// `xsd:string`, and any text without a known type.
    String(String),
    /// `SOAP-ENC:Array`.
    Array(Vec<SoapValue>),
    /// A PHP associative array (`ns2:Map`), in order.
    Map(Vec<(String, SoapValue)>),
    /// A struct (`SOAP-ENC:Struct`, or an element with children), members in order.
    Struct(Vec<(String, SoapValue)>),
}

impl SoapValue {
    /// A string value.
    pub fn string(s: impl Into<String>) -> SoapValue {
        SoapValue::String(s.into())
    }

    /// The value as JSON: structs and maps become objects (a repeated member keeps its last
    /// value), numbers stay numbers, a non-finite float becomes `null`.
    pub fn into_json(self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            SoapValue::Null => J::Null,
            SoapValue::Bool(b) => J::Bool(b),
            SoapValue::Int(i) => J::from(i),
            SoapValue::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
            SoapValue::String(s) => J::String(s),
            SoapValue::Array(items) => J::Array(items.into_iter().map(Self::into_json).collect()),
            SoapValue::Map(members) | SoapValue::Struct(members) => J::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k, v.into_json()))
                    .collect(),
            ),
        }
    }

    /// The value from JSON (for struct requests built with serde): objects become structs.
    pub fn from_json(v: serde_json::Value) -> SoapValue {
        use serde_json::Value as J;
        match v {
            J::Null => SoapValue::Null,
            J::Bool(b) => SoapValue::Bool(b),
            J::Number(n) => match n.as_i64() {
                Some(i) => SoapValue::Int(i),
                None => SoapValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => SoapValue::String(s),
            J::Array(items) => SoapValue::Array(items.into_iter().map(Self::from_json).collect()),
            J::Object(o) => SoapValue::Struct(
                o.into_iter()
                    .map(|(k, v)| (k, Self::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// A SOAP fault: `faultcode` (any prefix removed: `E02`, `Client`) and `faultstring`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The code.
    pub code: String,
    /// The text.
    pub string: String,
}

/// Writes the request envelope of `function` in namespace `namespace` with `params`, in order.
pub fn envelope(namespace: &str, function: &str, params: &[(&str, SoapValue)]) -> String {
    body_envelope(namespace, function, params)
}

/// Writes the answer of `function`: `<ns1:{function}Response><return>value</return>` (for
/// servers: the sandbox, test peers).
pub fn response_envelope(namespace: &str, function: &str, value: &SoapValue) -> String {
    body_envelope(
        namespace,
        &format!("{function}Response"),
        &[("return", value.clone())],
    )
}

/// Writes a fault answer (for servers).
pub fn fault_envelope(fault: &Fault) -> String {
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut env = BytesStart::new("SOAP-ENV:Envelope");
    env.push_attribute((
        "xmlns:SOAP-ENV",
        "http://schemas.xmlsoap.org/soap/envelope/",
    ));
    let _ = w.write_event(Event::Start(env));
    let _ = w.write_event(Event::Start(BytesStart::new("SOAP-ENV:Body")));
    let _ = w.write_event(Event::Start(BytesStart::new("SOAP-ENV:Fault")));
    for (name, text) in [("faultcode", &fault.code), ("faultstring", &fault.string)] {
        let _ = w.write_event(Event::Start(BytesStart::new(name)));
        let _ = w.write_event(Event::Text(BytesText::new(text)));
        let _ = w.write_event(Event::End(BytesEnd::new(name)));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Fault")));
    let _ = w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Body")));
    let _ = w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Envelope")));
    String::from_utf8(w.into_inner()).expect("the writer writes the UTF-8 it is given")
}

/// Reads a request (for servers): the function's name and its parameters, in order.
pub fn decode_call(body: &[u8]) -> Result<(String, Vec<(String, SoapValue)>)> {
    let bad = |msg: &str| Error::protocol(msg.to_owned(), body).with_provider(PROVIDER);
    let root = regops_http::xml::parse(body, PROVIDER)?;
    let soap_body = root
        .child("Body")
        .filter(|_| root.name == "Envelope")
        .ok_or_else(|| bad("the request is not a SOAP envelope"))?;
    let call = soap_body
        .children
        .first()
        .ok_or_else(|| bad("an empty SOAP Body"))?;
    let ids: HashMap<&str, &Element> = soap_body
        .children
        .iter()
        .filter_map(|e| e.attribute("id").map(|id| (id, e)))
        .collect();
    let params = call
        .children
        .iter()
        .map(|p| Ok((p.name.clone(), value_of(p, &ids, 0)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok((call.name.clone(), params))
}

fn body_envelope(namespace: &str, function: &str, params: &[(&str, SoapValue)]) -> String {
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut env = BytesStart::new("SOAP-ENV:Envelope");
    env.push_attribute((
        "xmlns:SOAP-ENV",
        "http://schemas.xmlsoap.org/soap/envelope/",
    ));
    env.push_attribute(("xmlns:ns1", namespace));
    env.push_attribute(("xmlns:xsd", "http://www.w3.org/2001/XMLSchema"));
    env.push_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"));
    env.push_attribute(("xmlns:ns2", "http://xml.apache.org/xml-soap"));
    env.push_attribute((
        "xmlns:SOAP-ENC",
        "http://schemas.xmlsoap.org/soap/encoding/",
    ));
    env.push_attribute((
        "SOAP-ENV:encodingStyle",
        "http://schemas.xmlsoap.org/soap/encoding/",
    ));
    let _ = w.write_event(Event::Start(env));
    let _ = w.write_event(Event::Start(BytesStart::new("SOAP-ENV:Body")));
    let call = format!("ns1:{function}");
    let _ = w.write_event(Event::Start(BytesStart::new(call.as_str())));
    for (name, value) in params {
        write_value(&mut w, name, value);
    }
    let _ = w.write_event(Event::End(BytesEnd::new(call.as_str())));
    let _ = w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Body")));
    let _ = w.write_event(Event::End(BytesEnd::new("SOAP-ENV:Envelope")));
    String::from_utf8(w.into_inner()).expect("the writer writes the UTF-8 it is given")
}

fn write_value(w: &mut Writer<Vec<u8>>, name: &str, value: &SoapValue) {
    // Writing to a Vec cannot fail.
    let mut start = BytesStart::new(name);
    let text = |w: &mut Writer<Vec<u8>>, start: BytesStart<'_>, t: &str| {
        let _ = w.write_event(Event::Start(start));
        let _ = w.write_event(Event::Text(BytesText::new(t)));
        let _ = w.write_event(Event::End(BytesEnd::new(name)));
    };
    match value {
        SoapValue::Null => {
            start.push_attribute(("xsi:nil", "true"));
            let _ = w.write_event(Event::Empty(start));
        }
        SoapValue::Bool(b) => {
            start.push_attribute(("xsi:type", "xsd:boolean"));
            text(w, start, if *b { "true" } else { "false" });
        }
        SoapValue::Int(i) => {
            start.push_attribute(("xsi:type", "xsd:int"));
            text(w, start, &i.to_string());
        }
        SoapValue::Float(f) => {
            start.push_attribute(("xsi:type", "xsd:double"));
            text(w, start, &f.to_string());
        }
        SoapValue::String(s) => {
            start.push_attribute(("xsi:type", "xsd:string"));
            text(w, start, s);
        }
        SoapValue::Array(items) => {
            let array_type = format!("xsd:anyType[{}]", items.len());
            start.push_attribute(("SOAP-ENC:arrayType", array_type.as_str()));
            start.push_attribute(("xsi:type", "SOAP-ENC:Array"));
            let _ = w.write_event(Event::Start(start));
            for item in items {
                write_value(w, "item", item);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
        SoapValue::Map(members) => {
            start.push_attribute(("xsi:type", "ns2:Map"));
            let _ = w.write_event(Event::Start(start));
            for (k, v) in members {
                let _ = w.write_event(Event::Start(BytesStart::new("item")));
                write_value(w, "key", &SoapValue::String(k.clone()));
                write_value(w, "value", v);
                let _ = w.write_event(Event::End(BytesEnd::new("item")));
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
        SoapValue::Struct(members) => {
            start.push_attribute(("xsi:type", "SOAP-ENC:Struct"));
            let _ = w.write_event(Event::Start(start));
            for (k, v) in members {
                write_value(w, k, v);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
    }
}

/// Reads an answer: the value the function returned, or the fault. A body that is not a SOAP
/// envelope is a `Protocol` error with an excerpt.
pub fn decode_response(body: &[u8]) -> Result<std::result::Result<SoapValue, Fault>> {
    let bad = |msg: &str| Error::protocol(msg.to_owned(), body).with_provider(PROVIDER);
    let root = regops_http::xml::parse(body, PROVIDER)?;
    if root.name != "Envelope" {
        return Err(bad("the answer is not a SOAP envelope"));
    }
    let soap_body = root
        .child("Body")
        .ok_or_else(|| bad("a SOAP envelope without Body"))?;
    let Some(first) = soap_body.children.first() else {
        return Err(bad("an empty SOAP Body"));
    };
    if first.name == "Fault" {
        let code = first.text_at(&["faultcode"]).unwrap_or("");
        let code = code.rsplit(':').next().unwrap_or(code).trim().to_owned();
        let string = first.text_at(&["faultstring"]).unwrap_or("").to_owned();
        return Ok(Err(Fault { code, string }));
    }
    let ids: HashMap<&str, &Element> = soap_body
        .children
        .iter()
        .filter_map(|e| e.attribute("id").map(|id| (id, e)))
        .collect();
    Ok(Ok(match first.children.first() {
        Some(ret) => value_of(ret, &ids, 0)?,
        None => SoapValue::Null,
    }))
}

/// How many `href` hops a value may take.
const MAX_HREF_HOPS: usize = 8;

fn value_of(e: &Element, ids: &HashMap<&str, &Element>, hops: usize) -> Result<SoapValue> {
    if let Some(target) = e.attribute("href") {
        let id = target.trim_start_matches('#');
        let referenced = ids
            .get(id)
            .filter(|_| hops < MAX_HREF_HOPS)
            .ok_or_else(|| {
                Error::protocol(format!("unresolvable reference {target:?}"), b"")
                    .with_provider(PROVIDER)
            })?;
        return value_of(referenced, ids, hops + 1);
    }
    if matches!(e.attribute("nil"), Some("true" | "1")) {
        return Ok(SoapValue::Null);
    }
    let ty = e
        .attribute("type")
        .map(|t| t.rsplit(':').next().unwrap_or(t).to_ascii_lowercase());
    let children = |e: &Element| -> Result<Vec<(String, SoapValue)>> {
        e.children
            .iter()
            .map(|c| Ok((c.name.clone(), value_of(c, ids, hops)?)))
            .collect()
    };
    let array = |e: &Element| -> Result<SoapValue> {
        Ok(SoapValue::Array(
            e.children
                .iter()
                .map(|c| value_of(c, ids, hops))
                .collect::<Result<_>>()?,
        ))
    };
    let map = |e: &Element| -> Result<SoapValue> {
        let mut out = Vec::with_capacity(e.children.len());
        for item in &e.children {
            let key = item
                .child("key")
                .map(|k| k.text.clone())
                .unwrap_or_default();
            let value = match item.child("value") {
                Some(v) => value_of(v, ids, hops)?,
                None => SoapValue::Null,
            };
            out.push((key, value));
        }
        Ok(SoapValue::Map(out))
    };
    match ty.as_deref() {
        Some("map") => map(e),
        Some("array") => array(e),
        _ if e.attribute("arrayType").is_some() => array(e),
        Some("struct") => Ok(SoapValue::Struct(children(e)?)),
        Some(t) if e.children.is_empty() => Ok(scalar(t, &e.text)),
        _ if e.children.is_empty() => Ok(SoapValue::String(e.text.clone())),
        _ => {
            let all_items = e.children.iter().all(|c| c.name == "item");
            let keyed = e
                .children
                .iter()
                .all(|c| c.child("key").is_some() && c.child("value").is_some());
            if all_items && keyed {
                map(e)
            } else if all_items {
                array(e)
            } else {
                Ok(SoapValue::Struct(children(e)?))
            }
        }
    }
}

/// A typed scalar; text that does not parse as its type is kept as a string.
fn scalar(ty: &str, text: &str) -> SoapValue {
    let t = text.trim();
    match ty {
        "int" | "integer" | "long" | "short" | "byte" | "unsignedint" | "unsignedlong"
        | "unsignedshort" | "unsignedbyte" | "nonnegativeinteger" | "positiveinteger" => t
            .parse()
            .map(SoapValue::Int)
            .unwrap_or_else(|_| SoapValue::String(text.to_owned())),
        "boolean" => match t {
            "true" | "1" => SoapValue::Bool(true),
            "false" | "0" => SoapValue::Bool(false),
            _ => SoapValue::String(text.to_owned()),
        },
        "double" | "float" | "decimal" => t
            .parse()
            .map(SoapValue::Float)
            .unwrap_or_else(|_| SoapValue::String(text.to_owned())),
        _ => SoapValue::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An answer as PHP's SoapServer writes it (non-WSDL mode).
    const PHP_QUERY_OPE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:DRS" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body><ns1:queryOpeResponse><return xsi:type="SOAP-ENC:Struct"><ID_OPE xsi:type="xsd:int">1002</ID_OPE><STATUS xsi:type="xsd:string">Failed</STATUS><MESSAGE xsi:type="xsd:string">Province :
Invalid value</MESSAGE><TYPE xsi:nil="true"/><DATE xsi:type="xsd:string">2024-03-31 01:30:00</DATE></return></ns1:queryOpeResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

    #[test]
    fn a_php_struct_decodes() {
        let v = decode_response(PHP_QUERY_OPE.as_bytes()).unwrap().unwrap();
        assert_eq!(
            v.into_json(),
            serde_json::json!({"ID_OPE": 1002, "STATUS": "Failed", "MESSAGE": "Province :\nInvalid value", "TYPE": null, "DATE": "2024-03-31 01:30:00"})
        );
    }

    #[test]
    fn maps_arrays_and_untyped_values_decode() {
        let body = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><r:fResponse xmlns:r="urn:DRS">
<return xsi:type="ns2:Map" xmlns:xsi="x"><item><key xsi:type="xsd:string">domainCreate</key><value xsi:type="xsd:boolean">true</value></item><item><key>x</key><value>1</value></item></return>
</r:fResponse></e:Body></e:Envelope>"#;
        let v = decode_response(body.as_bytes()).unwrap().unwrap();
        assert_eq!(
            v,
            SoapValue::Map(vec![
                ("domainCreate".into(), SoapValue::Bool(true)),
                ("x".into(), SoapValue::String("1".into()))
            ])
        );
        let body = r#"<Envelope><Body><fResponse><return><item><a>1</a></item><item><a>2</a></item></return></fResponse></Body></Envelope>"#;
        let v = decode_response(body.as_bytes()).unwrap().unwrap();
        assert_eq!(v.into_json(), serde_json::json!([{"a": "1"}, {"a": "2"}]));
        // A function without a return value.
        let body = r#"<Envelope><Body><fResponse/></Body></Envelope>"#;
        assert_eq!(
            decode_response(body.as_bytes()).unwrap().unwrap(),
            SoapValue::Null
        );
    }

    #[test]
    fn multi_references_are_resolved_and_bounded() {
        let body = r##"<Envelope><Body><fResponse><return href="#r1"/></fResponse><multiRef id="r1" xsi:type="SOAP-ENC:Struct"><A xsi:type="xsd:int">3</A></multiRef></Body></Envelope>"##;
        let v = decode_response(body.as_bytes()).unwrap().unwrap();
        assert_eq!(v.into_json(), serde_json::json!({"A": 3}));
        let looped = r##"<Envelope><Body><fResponse><return href="#a"/></fResponse><m id="a" href="#a"/></Body></Envelope>"##;
        assert!(
            decode_response(looped.as_bytes())
                .unwrap_err()
                .is_protocol()
        );
    }

    #[test]
    fn faults_keep_their_code() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>E02</faultcode><faultstring>E02 : Session : Session expired</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
        let fault = decode_response(body.as_bytes()).unwrap().unwrap_err();
        assert_eq!(fault.code, "E02");
        assert_eq!(fault.string, "E02 : Session : Session expired");
        let body = r#"<s:Envelope xmlns:s="x"><s:Body><s:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>Bad Request</faultstring></s:Fault></s:Body></s:Envelope>"#;
        assert_eq!(
            decode_response(body.as_bytes()).unwrap().unwrap_err().code,
            "Client"
        );
    }

    #[test]
    fn servers_read_calls_and_write_answers() {
        let request = envelope(
            "urn:DRS",
            "queryOpe",
            &[
                ("idSession", SoapValue::string("s")),
                ("idOpe", SoapValue::Int(7)),
            ],
        );
        let (function, params) = decode_call(request.as_bytes()).unwrap();
        assert_eq!(function, "queryOpe");
        assert_eq!(params[1], ("idOpe".to_owned(), SoapValue::Int(7)));
        let answer = response_envelope("urn:DRS", "queryOpe", &SoapValue::Int(3));
        assert!(answer.contains("<ns1:queryOpeResponse><return xsi:type=\"xsd:int\">3</return>"));
        assert_eq!(
            decode_response(answer.as_bytes()).unwrap().unwrap(),
            SoapValue::Int(3)
        );
        let fault = Fault {
            code: "E02".into(),
            string: "E02 : Session : expired".into(),
        };
        assert_eq!(
            decode_response(fault_envelope(&fault).as_bytes())
                .unwrap()
                .unwrap_err(),
            fault
        );
    }

    #[test]
    fn envelopes_are_typed_like_phps() {
        let xml = envelope(
            "urn:DRS",
            "sslCreate",
            &[
                ("idSession", SoapValue::string("abc")),
                ("duration", SoapValue::Int(2)),
                ("auto", SoapValue::Bool(true)),
                ("none", SoapValue::Null),
                (
                    "csr",
                    SoapValue::Struct(vec![("CSR".into(), SoapValue::string("<pem & co>"))]),
                ),
                ("list", SoapValue::Array(vec![SoapValue::Int(1)])),
                (
                    "map",
                    SoapValue::Map(vec![("k".into(), SoapValue::Float(1.5))]),
                ),
            ],
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope"));
        for needle in [
            "<ns1:sslCreate>",
            "<idSession xsi:type=\"xsd:string\">abc</idSession>",
            "<duration xsi:type=\"xsd:int\">2</duration>",
            "<auto xsi:type=\"xsd:boolean\">true</auto>",
            "<none xsi:nil=\"true\"/>",
            "<csr xsi:type=\"SOAP-ENC:Struct\"><CSR xsi:type=\"xsd:string\">&lt;pem &amp; co&gt;</CSR></csr>",
            "<list SOAP-ENC:arrayType=\"xsd:anyType[1]\" xsi:type=\"SOAP-ENC:Array\"><item xsi:type=\"xsd:int\">1</item></list>",
            "<map xsi:type=\"ns2:Map\"><item><key xsi:type=\"xsd:string\">k</key><value xsi:type=\"xsd:double\">1.5</value></item></map>",
        ] {
            assert!(xml.contains(needle), "{needle} not in {xml}");
        }
    }

    fn value() -> impl Strategy<Value = SoapValue> {
        let leaf = prop_oneof![
            Just(SoapValue::Null),
            any::<bool>().prop_map(SoapValue::Bool),
            any::<i64>().prop_map(SoapValue::Int),
            "[a-zA-Z0-9 <>&'\"é]{0,12}".prop_map(SoapValue::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..4).prop_map(SoapValue::Array),
                proptest::collection::vec(("[a-z]{1,6}", inner.clone()), 1..4)
                    .prop_map(SoapValue::Map),
                proptest::collection::vec(("[A-Z][A-Z_]{0,6}", inner), 1..4)
                    .prop_map(SoapValue::Struct),
            ]
        })
    }

    /// What a value reads back as: text is trimmed by the reader.
    fn as_read(v: SoapValue) -> SoapValue {
        match v {
            SoapValue::String(s) => SoapValue::String(s.trim().to_owned()),
            SoapValue::Array(items) => SoapValue::Array(items.into_iter().map(as_read).collect()),
            SoapValue::Map(m) => {
                SoapValue::Map(m.into_iter().map(|(k, v)| (k, as_read(v))).collect())
            }
            SoapValue::Struct(m) => {
                SoapValue::Struct(m.into_iter().map(|(k, v)| (k, as_read(v))).collect())
            }
            other => other,
        }
    }

    proptest! {
        #[test]
        fn what_we_encode_we_decode(v in value()) {
            let request = envelope("urn:DRS", "f", &[("return", v.clone())]);
            // A request body has the shape of an answer: Body / element / value.
            let back = decode_response(request.as_bytes()).unwrap().unwrap();
            prop_assert_eq!(back, as_read(v));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_response(&bytes);
        }
    }
}
