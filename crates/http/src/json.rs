//! JSON values as core values, for the members of JSON answers an adapter keeps in `extra`.

use regops_core::Value;
use serde::Deserialize;

/// Decodes a JSON answer. The body is checked to be UTF-8 once, as a whole, and read as text:
/// `serde_json::from_slice` checks every string again on its own, which cost a twentieth of an
/// AutoDNS `job/_search` decode. A body that is not UTF-8 is read by `from_slice`, for its error.
pub fn decode_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// A JSON value as a core value: integers stay integers, other numbers become floats.
pub fn json_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::List(a.into_iter().map(json_value).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.into_iter().map(|(k, v)| (k, json_value(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn json_bodies_decode_as_text_and_bad_bytes_are_errors() {
        let v: serde_json::Value =
            decode_json("{\"a\": \"\\u00e9t\\u00e9\", \"b\": \"é\"}".as_bytes()).unwrap();
        assert_eq!(v["a"], "été");
        assert_eq!(v["b"], "é");
        let e = decode_json::<serde_json::Value>(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(e.is_syntax() && e.column() == 8, "{e}");
        assert!(decode_json::<serde_json::Value>(b"{\"a\": ").is_err());
    }

    #[test]
    fn json_values_convert() {
        let v = json_value(serde_json::json!({"a": [1, 2.5, "x", null, true], "b": {}}));
        let Value::Map(m) = v else { panic!() };
        assert_eq!(
            m["a"],
            Value::List(vec![
                Value::Int(1),
                Value::Float(2.5),
                Value::String("x".into()),
                Value::Null,
                Value::Bool(true)
            ])
        );
        assert_eq!(m["b"], Value::Map(BTreeMap::new()));
    }
}
