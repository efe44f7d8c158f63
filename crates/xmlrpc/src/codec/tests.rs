use super::*;
use crate::arbitrary::value;
use crate::date::DateTime;
use crate::generated::OperationReturn;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn limits() -> Limits {
    Limits::default()
}

fn response(inner: &str) -> String {
    format!(
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n{inner}\n</param>\n</params>\n</methodResponse>\n"
    )
}

#[test]
fn every_value_type_decodes() {
    let body = response(
        "<value><struct>
           <member><name>a</name><value><int>1</int></value></member>
           <member><name>b</name><value><i4>-2</i4></value></member>
           <member><name>c</name><value><i8>9000000000</i8></value></member>
           <member><name>d</name><value><boolean>1</boolean></value></member>
           <member><name>e</name><value><string>x &amp; y &lt;z&gt; &#233;</string></value></member>
           <member><name>f</name><value><double>-1.5</double></value></member>
           <member><name>g</name><value><dateTime.iso8601>20150915T18:29:16</dateTime.iso8601></value></member>
           <member><name>h</name><value><base64>aGVs\nbG8=</base64></value></member>
           <member><name>i</name><value><array><data><value>untyped</value><value/></data></array></value></member>
           <member><name>j</name><value><nil/></value></member>
           <member><name>k</name><value><ex:nil xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'/></value></member>
           <member><name>l</name><value><struct></struct></value></member>
           <member><name>m</name><value><array><data/></array></value></member>
         </struct></value>",
    );
    let v: Value = decode_response(body.as_bytes(), &limits())
        .unwrap()
        .unwrap();
    assert_eq!(v.get("a"), Some(&Value::Int(1)));
    assert_eq!(v.get("b"), Some(&Value::Int(-2)));
    assert_eq!(v.get("c"), Some(&Value::Int(9_000_000_000)));
    assert_eq!(v.get("d"), Some(&Value::Bool(true)));
    assert_eq!(v.get("e"), Some(&Value::from("x & y <z> é")));
    assert_eq!(v.get("f"), Some(&Value::Double(-1.5)));
    assert_eq!(
        v.get("g"),
        Some(&Value::DateTime(DateTime::parse("20150915T18:29:16")))
    );
    assert_eq!(v.get("h"), Some(&Value::Base64(b"hello".to_vec())));
    assert_eq!(
        v.get("i"),
        Some(&Value::Array(vec![Value::from("untyped"), Value::from("")]))
    );
    assert_eq!(v.get("j"), Some(&Value::Nil));
    assert_eq!(v.get("k"), Some(&Value::Nil));
    assert_eq!(v.get("l"), Some(&Value::Struct(BTreeMap::new())));
    assert_eq!(v.get("m"), Some(&Value::Array(vec![])));
}

#[test]
fn typed_structs_keep_unknown_members_and_accept_nil() {
    let body = response(
        "<value><struct>
          <member><name>id</name><value><int>100100</int></value></member>
          <member><name>step</name><value><string>ERROR</string></value></member>
          <member><name>date_start</name><value><nil/></value></member>
          <member><name>last_error</name><value>Invalid contact</value></member>
          <member><name>brand_new</name><value><array><data><value><int>5</int></value></data></array></value></member>
        </struct></value>",
    );
    let op: OperationReturn = decode_response(body.as_bytes(), &limits())
        .unwrap()
        .unwrap();
    assert_eq!(op.id, 100100);
    assert_eq!(op.step, "ERROR");
    assert_eq!(op.date_start, None);
    assert_eq!(op.last_error.as_deref(), Some("Invalid contact"));
    assert_eq!(op.extra["brand_new"], Value::Array(vec![Value::Int(5)]));
}

#[test]
fn a_missing_mandatory_member_is_an_error_with_an_offset() {
    let body = response(
        "<value><struct><member><name>step</name><value>DONE</value></member></struct></value>",
    );
    let err = decode_response::<OperationReturn>(body.as_bytes(), &limits()).unwrap_err();
    assert!(err.message().contains("id"), "{err}");
    assert!(err.offset().is_some());
}

#[test]
fn faults_decode_with_code_and_string() {
    let body = encode_fault(&Fault {
        code: 510042,
        string: "Error on object : OBJECT_DOMAIN (CAUSE_NOTFOUND)".into(),
    })
    .unwrap();
    let got = decode_response::<Value>(body.as_bytes(), &limits()).unwrap();
    assert_eq!(
        got,
        Err(Fault {
            code: 510042,
            string: "Error on object : OBJECT_DOMAIN (CAUSE_NOTFOUND)".into()
        })
    );
}

#[test]
fn optional_members_read_nil_text_and_typed_values_without_reading_ahead() {
    // Optional members are told nil or not from what follows <value>: whitespace before the
    // type tag, an untyped string, an empty <value/>, a nil with an end tag, a prefixed type.
    let body = response(
        "<value><struct>
          <member><name>id</name><value><i4>7</i4></value></member>
          <member><name>step</name><value>  DONE  </value></member>
          <member><name>date_start</name><value>\n  <nil></nil>\n</value></member>
          <member><name>last_error</name><value>\n <string>a &amp; b</string> </value></member>
          <member><name>source</name><value/></member>
          <member><name>type</name><value>domain_renew</value></member>
          <member><name>eta</name><value><ex:int xmlns:ex='urn:x'>60</ex:int></value></member>
          <member><name>session_id</name><value>42</value></member>
        </struct></value>",
    );
    let op: OperationReturn = decode_response(body.as_bytes(), &limits())
        .unwrap()
        .unwrap();
    assert_eq!(op.id, 7);
    assert_eq!(op.step, "  DONE  ");
    assert_eq!(op.date_start, None);
    assert_eq!(op.last_error.as_deref(), Some("a & b"));
    assert_eq!(op.source.as_deref(), Some(""));
    assert_eq!(op.r#type.as_deref(), Some("domain_renew"));
    assert_eq!(op.eta, Some(60));
    assert_eq!(op.session_id, Some(42));

    // End tags that do not close what is open are refused, also where the decoder does not
    // compare names itself (it relies on quick-xml's check).
    for bad in [
        "<value><struct><member><name>id</name><value><int>1</int></value></name></struct></value>",
        "<value><struct><member><name>id</name><value><int>1</int></member></value></struct></value>",
        "<value><array><data><value><int>1</int></value></array></data></value>",
        "<value><struct><member><name>id</value></member></struct></value>",
    ] {
        let body = response(bad);
        assert!(
            decode_response::<OperationReturn>(body.as_bytes(), &limits()).is_err(),
            "{bad}"
        );
        assert!(
            decode_response::<Value>(body.as_bytes(), &limits()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn hostile_bodies_are_refused() {
    let doctype = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><methodResponse><params><param><value>&a;</value></param></params></methodResponse>";
    let err = decode_response::<Value>(doctype.as_bytes(), &limits()).unwrap_err();
    assert!(err.message().contains("DOCTYPE"), "{err}");

    let entity = response("<value>&xxe;</value>");
    let err = decode_response::<Value>(entity.as_bytes(), &limits()).unwrap_err();
    assert!(err.message().contains("entity"), "{err}");

    let big = response(&format!("<value>{}</value>", "a".repeat(2000)));
    let err = decode_response::<Value>(big.as_bytes(), &Limits::default().max_body_bytes(1000))
        .unwrap_err();
    assert!(err.message().contains("limit"), "{err}");

    let deep = response(&format!(
        "{}<value>x</value>{}",
        "<value><array><data>".repeat(100),
        "</data></array></value>".repeat(100)
    ));
    let err = decode_response::<Value>(deep.as_bytes(), &limits()).unwrap_err();
    assert!(err.message().contains("nested"), "{err}");

    let not_utf8 = b"<methodResponse>\xff</methodResponse>";
    assert!(decode_response::<Value>(not_utf8, &limits()).is_err());

    for bad in [
        "",
        "<methodResponse/>",
        "<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
        "<methodResponse><params><param><value><foo>1</foo></value></param></params></methodResponse>",
        "<methodResponse><params><param><value><string>a</value></param></params></methodResponse>",
        "<methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
        "<methodResponse><params/></methodResponse>trailing",
    ] {
        assert!(
            decode_response::<Value>(bad.as_bytes(), &limits()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn an_empty_params_is_nil() {
    let v: Value = decode_response(b"<methodResponse><params/></methodResponse>", &limits())
        .unwrap()
        .unwrap();
    assert_eq!(v, Value::Nil);
}

#[test]
fn calls_round_trip_and_refuse_what_xml_cannot_carry() {
    let params = vec![
        Value::from("key"),
        Value::Int(1),
        Value::structure([("x", Value::from("a\r\nb"))]),
    ];
    let body = encode_call("operation.list", &params).unwrap();
    let call = decode_call(body.as_bytes(), &limits()).unwrap();
    assert_eq!(call.method, "operation.list");
    assert_eq!(call.params, params);
    assert!(encode_call("a b", &[]).is_err());
    assert!(encode_call("x", &[Value::from("\u{1}")]).is_err());
    assert!(encode_call("x", &[Value::Double(f64::INFINITY)]).is_err());
}

#[test]
fn excerpts_cut_on_character_boundaries() {
    assert_eq!(excerpt("héllo", 2), "hé…");
    assert_eq!(excerpt("ab", 5), "ab");
}

proptest! {
    #[test]
    fn every_value_round_trips_through_a_response(v in value()) {
        let body = encode_response(&v).unwrap();
        let back: Value = decode_response(body.as_bytes(), &limits()).unwrap().unwrap();
        prop_assert_eq!(back, v);
    }

    #[test]
    fn every_value_round_trips_through_a_call(vs in proptest::collection::vec(value(), 0..4)) {
        let body = encode_call("m.n", &vs).unwrap();
        let back = decode_call(body.as_bytes(), &limits()).unwrap();
        prop_assert_eq!(back.params, vs);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_response::<Value>(&bytes, &limits());
        let _ = decode_response::<OperationReturn>(&bytes, &limits());
        let _ = decode_call(&bytes, &limits());
    }

    #[test]
    fn mutated_responses_never_panic(v in value(), cut in any::<prop::sample::Index>(), junk in any::<u8>()) {
        let mut body = encode_response(&v).unwrap().into_bytes();
        let at = cut.index(body.len());
        body[at] = junk;
        let _ = decode_response::<Value>(&body, &limits());
        body.truncate(at);
        let _ = decode_response::<Value>(&body, &limits());
    }
}
