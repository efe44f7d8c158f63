//! XML-RPC values, and the few shapes the Gandi API uses on top of them.

pub use crate::date::DateTime;
use crate::generated::ErrorTypeReturn;
use regops_core::ServerTimeZone;
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The serde name that carries a `dateTime.iso8601` through serde (as a newtype when
/// serializing, as a one-entry map when deserializing), so that it is not mistaken for a string.
pub(crate) const DATETIME_TOKEN: &str = "$regops_xmlrpc::dateTime.iso8601";

/// An XML-RPC value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `int`, `i4` or `i8`.
    Int(i64),
    /// `boolean`.
    Bool(bool),
    /// `string`, or an untyped `<value>text</value>`.
    String(String),
    /// `double`.
    Double(f64),
    /// `dateTime.iso8601`.
    DateTime(DateTime),
    /// `base64`.
    Base64(Vec<u8>),
    /// `array`.
    Array(Vec<Value>),
    /// `struct`.
    Struct(BTreeMap<String, Value>),
    /// `nil`.
    Nil,
}

impl Value {
    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, when this is one (or a string of digits).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The member `key` of a struct.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Struct(m) => m.get(key),
            _ => None,
        }
    }

    /// A struct from pairs.
    pub fn structure<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Struct(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The protocol-neutral form, reading local times in `zone`.
    pub fn to_core(&self, zone: ServerTimeZone) -> regops_core::Value {
        use regops_core::Value as C;
        match self {
            Value::Int(i) => C::Int(*i),
            Value::Bool(b) => C::Bool(*b),
            Value::String(s) => C::String(s.clone()),
            Value::Double(d) => C::Float(*d),
            Value::DateTime(d) => match d.to_utc(zone) {
                Some(t) => C::DateTime(t),
                None => C::String(d.to_wire()),
            },
            Value::Base64(b) => C::Bytes(b.clone()),
            Value::Array(a) => C::List(a.iter().map(|v| v.to_core(zone)).collect()),
            Value::Struct(m) => C::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.to_core(zone)))
                    .collect(),
            ),
            Value::Nil => C::Null,
        }
    }

    /// The same value in the core model, taking it apart (no string is copied).
    pub fn into_core(self, zone: ServerTimeZone) -> regops_core::Value {
        use regops_core::Value as C;
        match self {
            Value::String(s) => C::String(s),
            Value::Base64(b) => C::Bytes(b),
            Value::Array(a) => C::List(a.into_iter().map(|v| v.into_core(zone)).collect()),
            Value::Struct(m) => {
                C::Map(m.into_iter().map(|(k, v)| (k, v.into_core(zone))).collect())
            }
            other => other.to_core(zone),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<DateTime> for Value {
    fn from(d: DateTime) -> Self {
        Value::DateTime(d)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Int(i) => s.serialize_i64(*i),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::String(v) => s.serialize_str(v),
            Value::Double(d) => s.serialize_f64(*d),
            Value::DateTime(d) => d.serialize(s),
            Value::Base64(b) => s.serialize_bytes(b),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Struct(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Value::Nil => s.serialize_unit(),
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an XML-RPC value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom(format!("integer {v} does not fit in i8")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Double(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Base64(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Base64(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<regops_core::serde_support::FieldName<'de>>()? {
            if key.as_str() == DATETIME_TOKEN {
                let raw: String = map.next_value()?;
                return Ok(Value::DateTime(DateTime::parse(&raw)));
            }
            let v = map.next_value()?;
            out.insert(key.into_string(), v);
        }
        Ok(Value::Struct(out))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(DATETIME_TOKEN, &self.to_wire())
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a dateTime.iso8601")
            }
            fn visit_str<E>(self, v: &str) -> Result<DateTime, E> {
                Ok(DateTime::parse(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateTime, A::Error> {
                match map.next_key::<regops_core::serde_support::FieldName<'de>>()? {
                    Some(k) if k.as_str() == DATETIME_TOKEN => {
                        let raw: std::borrow::Cow<'de, str> = map.next_value::<CowStr<'de>>()?.0;
                        Ok(DateTime::parse(&raw))
                    }
                    _ => Err(de::Error::custom(
                        "expected a dateTime.iso8601, found a struct",
                    )),
                }
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<DateTime, D::Error> {
                d.deserialize_str(self)
            }
        }
        d.deserialize_any(V)
    }
}

/// A string borrowed from the input when possible.
struct CowStr<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(v.to_owned().into()))
            }
            fn visit_string<E>(self, v: String) -> Result<CowStr<'de>, E> {
                Ok(CowStr(v.into()))
            }
        }
        d.deserialize_str(V)
    }
}

/// A parameter the API takes as one value or an array of them (`int or array of int`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OneOrMany<T> {
    /// One value.
    One(T),
    /// An array.
    Many(Vec<T>),
}

impl<T> From<T> for OneOrMany<T> {
    fn from(v: T) -> Self {
        OneOrMany::One(v)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(v: Vec<T>) -> Self {
        OneOrMany::Many(v)
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(v) => v.serialize(s),
            OneOrMany::Many(v) => v.serialize(s),
        }
    }
}

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Array(items) => items
                .into_iter()
                .map(|v| T::deserialize(v).map_err(de::Error::custom))
                .collect::<Result<Vec<T>, _>>()
                .map(OneOrMany::Many),
            one => T::deserialize(one)
                .map(OneOrMany::One)
                .map_err(de::Error::custom),
        }
    }
}

/// An operation's `errortype`: nil (absent), a class or identifier word, or a struct
/// `{name, refundable, type}`.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorType {
    /// A word: an error class (`fatal`, ...) or an identifier (`duplicate`, ...).
    Word(String),
    /// The struct form.
    Detail(ErrorTypeReturn),
}

impl Serialize for ErrorType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ErrorType::Word(w) => s.serialize_str(w),
            ErrorType::Detail(d) => d.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ErrorType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an errortype string or struct")
            }
            fn visit_str<E>(self, v: &str) -> Result<ErrorType, E> {
                Ok(ErrorType::Word(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<ErrorType, E> {
                Ok(ErrorType::Word(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ErrorType, A::Error> {
                ErrorTypeReturn::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(ErrorType::Detail)
            }
        }
        d.deserialize_any(V)
    }
}

/// Errors of [`from_value`].
#[derive(Debug)]
pub struct ValueError(String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

impl de::Error for ValueError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ValueError(msg.to_string())
    }
}

/// Reads a typed value out of a [`Value`].
pub fn from_value<T: de::DeserializeOwned>(value: Value) -> Result<T, ValueError> {
    T::deserialize(value)
}

impl IntoDeserializer<'_, ValueError> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}

impl<'de> Deserializer<'de> for Value {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ValueError> {
        match self {
            Value::Int(i) => v.visit_i64(i),
            Value::Bool(b) => v.visit_bool(b),
            Value::String(s) => v.visit_string(s),
            Value::Double(d) => v.visit_f64(d),
            Value::DateTime(d) => v.visit_map(de::value::MapDeserializer::new(std::iter::once((
                DATETIME_TOKEN,
                d.to_wire(),
            )))),
            Value::Base64(b) => v.visit_byte_buf(b),
            Value::Array(a) => v.visit_seq(de::value::SeqDeserializer::new(a.into_iter())),
            Value::Struct(m) => v.visit_map(de::value::MapDeserializer::new(m.into_iter())),
            Value::Nil => v.visit_unit(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ValueError> {
        match self {
            Value::Nil => v.visit_none(),
            other => v.visit_some(other),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ValueError> {
        match self {
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(i) => v.visit_i64(i),
                Err(_) => v.visit_string(s),
            },
            other => other.deserialize_any(v),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ValueError> {
        match self {
            Value::Int(i) => v.visit_string(i.to_string()),
            other => other.deserialize_any(v),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ValueError> {
        self.deserialize_string(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, ValueError> {
        v.visit_newtype_struct(self)
    }

    /// A boolean, or the words a person writes for one (`true`, `false`, `1`, `0`), as a
    /// parameter given on a command line arrives.
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ValueError> {
        match self {
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => v.visit_bool(true),
                "false" | "0" => v.visit_bool(false),
                _ => Err(de::Error::custom(format!(
                    "`{s}` is not a boolean (true or false)"
                ))),
            },
            Value::Int(i @ (0 | 1)) => v.visit_bool(i == 1),
            other => other.deserialize_any(v),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_value_reads_typed_structs_and_coerces_numbers() {
        let v = Value::structure([
            ("id", Value::String("42".into())),
            ("step", Value::from("DONE")),
            (
                "date_created",
                Value::DateTime(DateTime::parse("20150915T18:29:16")),
            ),
            ("last_error", Value::Nil),
            ("surprise", Value::Int(7)),
        ]);
        let op: crate::generated::OperationReturn = from_value(v).unwrap();
        assert_eq!(op.id, 42);
        assert_eq!(op.step, "DONE");
        assert_eq!(op.date_created, Some(DateTime::parse("20150915T18:29:16")));
        assert_eq!(op.last_error, None);
        assert_eq!(op.extra.get("surprise"), Some(&Value::Int(7)));
    }

    #[test]
    fn one_or_many_and_errortype() {
        let one: OneOrMany<i64> = from_value(Value::Int(3)).unwrap();
        assert_eq!(one, OneOrMany::One(3));
        let many: OneOrMany<i64> =
            from_value(Value::Array(vec![Value::Int(1), Value::Int(2)])).unwrap();
        assert_eq!(many, OneOrMany::Many(vec![1, 2]));
        let w: ErrorType = from_value(Value::from("fatal")).unwrap();
        assert_eq!(w, ErrorType::Word("fatal".into()));
        let d: ErrorType = from_value(Value::structure([
            ("name", Value::from("duplicate")),
            ("refundable", Value::Bool(true)),
            ("type", Value::from("fatal")),
        ]))
        .unwrap();
        match d {
            ErrorType::Detail(e) => {
                assert_eq!(e.name.as_deref(), Some("duplicate"));
                assert_eq!(e.r#type.as_deref(), Some("fatal"));
                assert_eq!(e.refundable, Some(true));
            }
            other => panic!("{other:?}"),
        }
    }
}
