//! proptest strategies for XML-RPC values (feature `testing`), shared by the codec's own tests
//! and the tests against Python's `xmlrpc.client`.

use crate::date::DateTime;
use crate::value::Value;
use proptest::prelude::*;

/// Strings XML 1.0 can carry, with the characters that need escaping.
pub fn xml_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range(' ', '~'),
            Just('\n'),
            Just('\t'),
            Just('\r'),
            Just('&'),
            Just('<'),
            proptest::char::range('\u{a0}', '\u{d7ff}'),
            proptest::char::range('\u{10000}', '\u{10ffff}'),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// Local dates in the API's range.
pub fn date() -> impl Strategy<Value = DateTime> {
    (
        1970i32..2100,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| {
            DateTime::Local(
                chrono::NaiveDate::from_ymd_opt(y, mo, d)
                    .unwrap()
                    .and_hms_opt(h, mi, s)
                    .unwrap(),
            )
        })
}

/// Any value, nested up to four levels.
pub fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
        xml_string().prop_map(Value::String),
        any::<f64>()
            .prop_filter("finite", |d| d.is_finite())
            .prop_map(Value::Double),
        date().prop_map(Value::DateTime),
        proptest::collection::vec(any::<u8>(), 0..32).prop_map(Value::Base64),
        Just(Value::Nil),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(xml_string(), inner, 0..8).prop_map(Value::Struct),
        ]
    })
}
