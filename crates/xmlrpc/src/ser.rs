//! Encoding typed values: a serde `Serializer` whose output is a [`Value`].
//!
//! Requests are small, so parameters become a [`Value`] tree first and are then written as text
//! by [`crate::codec`]. A `None` field of an options struct is skipped by the struct's own serde
//! attributes; a `None` anywhere else becomes `<nil/>`.

use crate::date::DateTime;
use crate::value::{DATETIME_TOKEN, Value};
use serde::ser::{self, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Why a value cannot be written as XML-RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(String);

impl EncodeError {
    pub(crate) fn new(msg: impl Into<String>) -> Self {
        EncodeError(msg.into())
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodeError {}

impl ser::Error for EncodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        EncodeError(msg.to_string())
    }
}

/// Turns any serializable value into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(v: &T) -> Result<Value, EncodeError> {
    v.serialize(ValueSerializer)
}

struct ValueSerializer;

type R = Result<Value, EncodeError>;

fn int<T: TryInto<i64> + fmt::Display + Copy>(v: T) -> R {
    v.try_into()
        .map(Value::Int)
        .map_err(|_| EncodeError::new(format!("integer {v} does not fit in an XML-RPC i8")))
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = EncodeError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = ser::Impossible<Value, EncodeError>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = ser::Impossible<Value, EncodeError>;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        int(v)
    }
    fn serialize_i16(self, v: i16) -> R {
        int(v)
    }
    fn serialize_i32(self, v: i32) -> R {
        int(v)
    }
    fn serialize_i64(self, v: i64) -> R {
        int(v)
    }
    fn serialize_i128(self, v: i128) -> R {
        int(v)
    }
    fn serialize_u8(self, v: u8) -> R {
        int(v)
    }
    fn serialize_u16(self, v: u16) -> R {
        int(v)
    }
    fn serialize_u32(self, v: u32) -> R {
        int(v)
    }
    fn serialize_u64(self, v: u64) -> R {
        int(v)
    }
    fn serialize_u128(self, v: u128) -> R {
        int(v)
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        if v.is_finite() {
            Ok(Value::Double(v))
        } else {
            Err(EncodeError::new(format!(
                "{v} cannot be written as an XML-RPC double"
            )))
        }
    }
    fn serialize_char(self, v: char) -> R {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(Value::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Value::Base64(v.to_vec()))
    }
    fn serialize_none(self) -> R {
        Ok(Value::Nil)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Value::Nil)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        Ok(Value::Nil)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        Ok(Value::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> R {
        let inner = v.serialize(ValueSerializer)?;
        if name == DATETIME_TOKEN {
            return match inner {
                Value::String(s) => Ok(Value::DateTime(DateTime::parse(&s))),
                other => Err(EncodeError::new(format!("a dateTime holds {other:?}"))),
            };
        }
        Ok(inner)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        v: &T,
    ) -> R {
        let mut m = BTreeMap::new();
        m.insert(variant.to_owned(), v.serialize(ValueSerializer)?);
        Ok(Value::Struct(m))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, EncodeError> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0).min(1024))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, EncodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqBuilder, EncodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, EncodeError> {
        Err(EncodeError::new(format!(
            "{name}::{variant} has no XML-RPC form"
        )))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapBuilder, EncodeError> {
        Ok(MapBuilder::default())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<MapBuilder, EncodeError> {
        Ok(MapBuilder::default())
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, EncodeError> {
        Err(EncodeError::new(format!(
            "{name}::{variant} has no XML-RPC form"
        )))
    }
}

struct SeqBuilder(Vec<Value>);

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Value;
    type Error = EncodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EncodeError> {
        self.0.push(v.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> R {
        Ok(Value::Array(self.0))
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Value;
    type Error = EncodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EncodeError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Value;
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EncodeError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

#[derive(Default)]
struct MapBuilder {
    map: BTreeMap<String, Value>,
    key: Option<String>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Value;
    type Error = EncodeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        match key.serialize(ValueSerializer)? {
            Value::String(s) => self.key = Some(s),
            Value::Int(i) => self.key = Some(i.to_string()),
            other => {
                return Err(EncodeError::new(format!(
                    "a struct member name cannot be {other:?}"
                )));
            }
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EncodeError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| EncodeError::new("a struct member value without a name"))?;
        self.map.insert(key, v.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> R {
        Ok(Value::Struct(self.map))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Value;
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), EncodeError> {
        self.map
            .insert(key.to_owned(), v.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> R {
        Ok(Value::Struct(self.map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::OperationListOptions;
    use crate::value::OneOrMany;

    #[test]
    fn options_skip_unset_fields_and_keep_wire_names() {
        let opts = OperationListOptions {
            date_created_gt: Some("20150101T00:00:00".into()),
            id: Some(OneOrMany::Many(vec![1, 2])),
            items_per_page: Some(100),
            ..Default::default()
        };
        let v = to_value(&opts).unwrap();
        let Value::Struct(m) = v else { panic!("{v:?}") };
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[">date_created"], Value::from("20150101T00:00:00"));
        assert_eq!(m["id"], Value::Array(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(m["items_per_page"], Value::Int(100));
    }

    #[test]
    fn dates_stay_dates_and_bad_numbers_are_refused() {
        let d = DateTime::parse("20150915T18:29:16");
        assert_eq!(to_value(&d).unwrap(), Value::DateTime(d));
        assert!(to_value(&f64::NAN).is_err());
        assert!(to_value(&u64::MAX).is_err());
    }
}
