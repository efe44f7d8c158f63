//! JSON values as core values, for the members of JSON answers an adapter keeps in `extra`.

use regops_core::Value;

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
