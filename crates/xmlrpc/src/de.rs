//! Decoding: a serde `Deserializer` straight over the tokens of the crate's lexer
//! (module `lex`).
//!
//! No tree is built: a typed struct is filled member by member as the events arrive, and strings
//! without escapes are lent from the input. The decoder refuses DOCTYPE declarations and any
//! entity other than the five predefined ones and character references, stops at a nesting depth
//! limit, and reports errors with the byte offset where they happened.
//!
//! Tolerance, as servers differ: an untyped `<value>text</value>` is a string; `i4`, `int`, `i8`
//! are integers; a namespaced `<ex:nil/>` is nil; an integer field accepts a string of digits and
//! a string field accepts an integer.

use crate::lex::{Lexer, Token};
use crate::value::DATETIME_TOKEN;
use base64::Engine;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;

/// Bounds on what a decoder accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The deepest nesting of arrays and structs accepted.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 32 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

impl Limits {
    /// Sets the body size limit.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// Sets the nesting limit.
    pub fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }
}

pub use crate::error::DecodeError;
use crate::error::excerpt;

type Result<T, E = DecodeError> = std::result::Result<T, E>;

/// A tag's local name: the part after its prefix, if it has one.
#[inline]
pub(crate) fn local_name(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The value types of XML-RPC (and the `nil` extension), told from a tag's local name by one
/// match: reading a value allocates nothing for its type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueType {
    String,
    Int,
    Boolean,
    Double,
    DateTime,
    Base64,
    Struct,
    Array,
    Nil,
}

impl ValueType {
    /// The type a tag names; `None` for a tag that is not a value type.
    fn of(name: &str) -> Option<ValueType> {
        Some(match local_name(name) {
            "string" => ValueType::String,
            "int" | "i4" | "i8" => ValueType::Int,
            "boolean" => ValueType::Boolean,
            "double" => ValueType::Double,
            "dateTime.iso8601" => ValueType::DateTime,
            "base64" => ValueType::Base64,
            "struct" => ValueType::Struct,
            "array" => ValueType::Array,
            "nil" => ValueType::Nil,
            _ => return None,
        })
    }
}

fn is_ws(s: &str) -> bool {
    s.bytes().all(crate::lex::is_xml_ws)
}

fn describe(t: &Token<'_>) -> String {
    let short = |s: &str| excerpt(s, 40);
    match t {
        Token::Start { name, empty: false } => format!("<{}>", short(local_name(name))),
        Token::Start { name, empty: true } => format!("<{}/>", short(local_name(name))),
        Token::End { name } => format!("</{}>", short(local_name(name))),
        Token::Text(t) => format!("text {:?}", short(t)),
        Token::CData(_) => "CDATA".into(),
        Token::Ref(r) => format!("&{};", short(r)),
        Token::Eof => "the end of the body".into(),
    }
}

/// Replaces XML's line ends (`\r\n`, a lone `\r`) with `\n`, as an XML processor must.
#[inline]
fn normalize_eols(t: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\r', t.as_bytes()).is_none() {
        return Cow::Borrowed(t);
    }
    Cow::Owned(t.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The token stream, with the decoder's depth limit.
///
/// The lexer checks that every end tag closes the element opened last, so where the decoder
/// knows which element is open, any end tag is that element's end and its name need not be
/// compared again.
pub(crate) struct Events<'de> {
    lex: Lexer<'de>,
    depth: usize,
    max_depth: usize,
}

impl<'de> Events<'de> {
    pub(crate) fn new(text: &'de str, limits: &Limits) -> Self {
        Events {
            lex: Lexer::new(text),
            depth: 0,
            max_depth: limits.max_depth,
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.lex.pos()
    }

    pub(crate) fn err(&self, msg: impl Into<String>) -> DecodeError {
        DecodeError::new(msg, self.pos())
    }

    fn unexpected(&self, found: &Token<'_>, wanted: &str) -> DecodeError {
        self.err(format!("expected {wanted}, found {}", describe(found)))
    }

    #[inline]
    pub(crate) fn next(&mut self) -> Result<Token<'de>> {
        self.lex.next_token()
    }

    /// The next token that is not whitespace.
    #[inline]
    pub(crate) fn next_tag(&mut self) -> Result<Token<'de>> {
        loop {
            match self.next()? {
                Token::Text(t) if is_ws(t) => continue,
                t => return Ok(t),
            }
        }
    }

    /// Reads the start tag `name`; `true` when it is empty (`<name/>`).
    pub(crate) fn expect_start(&mut self, name: &str) -> Result<bool> {
        match self.next_tag()? {
            Token::Start { name: n, empty } if local_name(n) == name => Ok(empty),
            other => Err(self.unexpected(&other, &format!("<{name}>"))),
        }
    }

    /// Reads the end tag of the element open now, `name` (see the type's note on end tags).
    pub(crate) fn expect_end(&mut self, name: &str) -> Result<()> {
        match self.next_tag()? {
            Token::End { .. } => Ok(()),
            other => Err(self.unexpected(&other, &format!("</{name}>"))),
        }
    }

    pub(crate) fn expect_eof(&mut self) -> Result<()> {
        match self.next_tag()? {
            Token::Eof => Ok(()),
            other => Err(self.unexpected(&other, "the end of the body")),
        }
    }

    fn resolve_ref(&self, r: &str) -> Result<Cow<'static, str>> {
        match quick_xml::events::BytesRef::new(r).resolve_char_ref() {
            Ok(Some('\0')) | Err(_) => {
                Err(self.err(format!("invalid character reference &{};", excerpt(r, 40))))
            }
            Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
            Ok(None) => quick_xml::escape::resolve_xml_entity(r)
                .map(Cow::Borrowed)
                .ok_or_else(|| {
                    self.err(format!(
                        "entity &{}; is not defined (entity declarations are refused)",
                        excerpt(r, 40)
                    ))
                }),
        }
    }

    /// Adds a piece of character data to `acc`; `false` for a token that is not one.
    #[inline]
    fn text_piece(&self, acc: &mut Option<Cow<'de, str>>, t: &Token<'de>) -> Result<bool> {
        match *t {
            Token::Text(t) | Token::CData(t) => push(acc, normalize_eols(t)),
            Token::Ref(r) => push(acc, self.resolve_ref(r)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The text of the element `name`, whose start tag was read, up to its end tag.
    pub(crate) fn text_until_end(&mut self, name: &str) -> Result<Cow<'de, str>> {
        let mut acc: Option<Cow<'de, str>> = None;
        loop {
            let t = self.next()?;
            if self.text_piece(&mut acc, &t)? {
                continue;
            }
            return match t {
                Token::End { .. } => Ok(acc.unwrap_or(Cow::Borrowed(""))),
                other => Err(self.unexpected(&other, &format!("text or </{name}>"))),
            };
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.err(format!(
                "values nested deeper than {} levels",
                self.max_depth
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }
}

#[inline]
fn push<'de>(acc: &mut Option<Cow<'de, str>>, piece: Cow<'de, str>) {
    match acc {
        None => *acc = Some(piece),
        Some(existing) => existing.to_mut().push_str(&piece),
    }
}

/// What the caller expects, for the few coercions the decoder allows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Any,
    Int,
    Str,
}

/// What a `<value>` holds, once its content up to the first tag has been read.
enum Body<'de> {
    /// An untyped value (`<value>text</value>`, `<value/>`); its end tag was read.
    Text(Cow<'de, str>),
    /// A typed value whose type tag was read (`empty` for `<int/>` and the like).
    Typed { ty: ValueType, empty: bool },
}

/// How far a [`ValueDe`] has read its `<value>`.
enum Progress<'de> {
    /// Nothing read yet.
    Fresh,
    /// `<value>` was read.
    Opened,
    /// The content was read up to `Body`.
    Ready(Body<'de>),
}

/// Deserializes one `<value>`.
pub(crate) struct ValueDe<'a, 'de> {
    ev: &'a mut Events<'de>,
    progress: Progress<'de>,
    hint: Hint,
}

impl<'a, 'de> ValueDe<'a, 'de> {
    pub(crate) fn new(ev: &'a mut Events<'de>) -> Self {
        ValueDe {
            ev,
            progress: Progress::Fresh,
            hint: Hint::Any,
        }
    }

    /// Reads the value up to its type tag (or all of it, when untyped).
    fn body(&mut self) -> Result<Body<'de>> {
        let ev = &mut *self.ev;
        match std::mem::replace(&mut self.progress, Progress::Opened) {
            Progress::Ready(body) => return Ok(body),
            Progress::Opened => {}
            Progress::Fresh => match ev.next_tag()? {
                Token::Start { name, empty } if local_name(name) == "value" => {
                    if empty {
                        return Ok(Body::Text(Cow::Borrowed("")));
                    }
                }
                other => return Err(ev.unexpected(&other, "<value>")),
            },
        }
        let mut text: Option<Cow<'de, str>> = None;
        loop {
            let e = ev.next()?;
            if ev.text_piece(&mut text, &e)? {
                continue;
            }
            let (name, empty) = match e {
                Token::End { .. } => return Ok(Body::Text(text.unwrap_or(Cow::Borrowed("")))),
                Token::Start { name, empty } => (name, empty),
                other => return Err(ev.unexpected(&other, "a value")),
            };
            if !text.as_deref().is_none_or(is_ws) {
                return Err(ev.err("text mixed with a typed value"));
            }
            let ty = ValueType::of(name).ok_or_else(|| {
                ev.err(format!(
                    "unknown value type <{}>",
                    excerpt(local_name(name), 40)
                ))
            })?;
            return Ok(Body::Typed { ty, empty });
        }
    }

    fn run<V: Visitor<'de>>(mut self, v: V) -> Result<V::Value> {
        match self.body()? {
            Body::Text(text) => visit_text(v, text, self.hint),
            Body::Typed { ty, empty } => {
                let out = typed(self.ev, v, ty, empty, self.hint)?;
                self.ev.expect_end("value")?;
                Ok(out)
            }
        }
    }
}

fn visit_text<'de, V: Visitor<'de>>(v: V, text: Cow<'de, str>, hint: Hint) -> Result<V::Value> {
    if hint == Hint::Int {
        if let Ok(i) = text.trim().parse::<i64>() {
            return v.visit_i64(i);
        }
    }
    match text {
        Cow::Borrowed(s) => v.visit_borrowed_str(s),
        Cow::Owned(s) => v.visit_string(s),
    }
}

fn typed<'de, V: Visitor<'de>>(
    ev: &mut Events<'de>,
    v: V,
    ty: ValueType,
    empty: bool,
    hint: Hint,
) -> Result<V::Value> {
    let text = |ev: &mut Events<'de>, name: &str| -> Result<Cow<'de, str>> {
        if empty {
            Ok(Cow::Borrowed(""))
        } else {
            ev.text_until_end(name)
        }
    };
    match ty {
        ValueType::String => {
            let s = text(ev, "string")?;
            visit_text(v, s, hint)
        }
        ValueType::Int => {
            let s = text(ev, "int")?;
            let i: i64 = s
                .trim()
                .parse()
                .map_err(|_| ev.err(format!("an integer value holds {:?}", excerpt(&s, 40))))?;
            if hint == Hint::Str {
                v.visit_string(i.to_string())
            } else {
                v.visit_i64(i)
            }
        }
        ValueType::Boolean => {
            let s = text(ev, "boolean")?;
            match s.trim() {
                "1" | "true" => v.visit_bool(true),
                "0" | "false" => v.visit_bool(false),
                other => Err(ev.err(format!("<boolean> holds {:?}", excerpt(other, 40)))),
            }
        }
        ValueType::Double => {
            let s = text(ev, "double")?;
            let d: f64 = s
                .trim()
                .parse()
                .map_err(|_| ev.err(format!("<double> holds {:?}", excerpt(&s, 40))))?;
            v.visit_f64(d)
        }
        ValueType::DateTime => {
            let s = text(ev, "dateTime.iso8601")?;
            v.visit_map(DateTimeAccess { raw: Some(s) })
        }
        ValueType::Base64 => {
            let s = text(ev, "base64")?;
            let clean: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|e| ev.err(format!("<base64> is not base64: {e}")))?;
            v.visit_byte_buf(bytes)
        }
        ValueType::Nil => {
            text(ev, "nil")?;
            v.visit_unit()
        }
        ValueType::Struct => {
            if empty {
                return v.visit_map(de::value::MapDeserializer::<
                    std::iter::Empty<(&str, &str)>,
                    DecodeError,
                >::new(std::iter::empty()));
            }
            ev.enter()?;
            let mut access = StructAccess { ev, done: false };
            let out = v.visit_map(&mut access)?;
            access.drain()?;
            access.ev.leave();
            Ok(out)
        }
        ValueType::Array => {
            if empty {
                return v.visit_seq(de::value::SeqDeserializer::<
                    std::iter::Empty<&str>,
                    DecodeError,
                >::new(std::iter::empty()));
            }
            let data_empty = ev.expect_start("data")?;
            if data_empty {
                ev.expect_end("array")?;
                return v.visit_seq(de::value::SeqDeserializer::<
                    std::iter::Empty<&str>,
                    DecodeError,
                >::new(std::iter::empty()));
            }
            ev.enter()?;
            let mut access = ArrayAccess { ev, done: false };
            let out = v.visit_seq(&mut access)?;
            access.drain()?;
            access.ev.leave();
            access.ev.expect_end("array")?;
            Ok(out)
        }
    }
}

struct DateTimeAccess<'de> {
    raw: Option<Cow<'de, str>>,
}

impl<'de> MapAccess<'de> for DateTimeAccess<'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.raw.is_none() {
            return Ok(None);
        }
        seed.deserialize(de::value::BorrowedStrDeserializer::new(DATETIME_TOKEN))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        match self.raw.take() {
            Some(Cow::Borrowed(s)) => seed.deserialize(de::value::BorrowedStrDeserializer::new(s)),
            Some(Cow::Owned(s)) => seed.deserialize(de::value::StringDeserializer::new(s)),
            None => Err(de::Error::custom("dateTime value read twice")),
        }
    }
}

struct StructAccess<'a, 'de> {
    ev: &'a mut Events<'de>,
    done: bool,
}

impl<'de> StructAccess<'_, 'de> {
    fn drain(&mut self) -> Result<()> {
        while !self.done {
            if self
                .next_key_seed(std::marker::PhantomData::<de::IgnoredAny>)?
                .is_some()
            {
                self.next_value_seed(std::marker::PhantomData::<de::IgnoredAny>)?;
            }
        }
        Ok(())
    }
}

impl<'de> MapAccess<'de> for StructAccess<'_, 'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.done {
            return Ok(None);
        }
        match self.ev.next_tag()? {
            Token::End { .. } => {
                self.done = true;
                return Ok(None);
            }
            Token::Start { name, empty: false } if local_name(name) == "member" => {}
            other => return Err(self.ev.unexpected(&other, "<member> or </struct>")),
        }
        let name_empty = self.ev.expect_start("name")?;
        let name = if name_empty {
            Cow::Borrowed("")
        } else {
            self.ev.text_until_end("name")?
        };
        let pos = self.ev.pos();
        let key = match name {
            Cow::Borrowed(s) => seed.deserialize(de::value::BorrowedStrDeserializer::new(s)),
            Cow::Owned(s) => seed.deserialize(de::value::StringDeserializer::new(s)),
        };
        key.map(Some).map_err(|e: DecodeError| e.at(pos))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        let out = seed
            .deserialize(ValueDe::new(self.ev))
            .map_err(|e| e.at(self.ev.pos()))?;
        self.ev.expect_end("member")?;
        Ok(out)
    }
}

struct ArrayAccess<'a, 'de> {
    ev: &'a mut Events<'de>,
    done: bool,
}

impl<'de> ArrayAccess<'_, 'de> {
    fn drain(&mut self) -> Result<()> {
        while !self.done {
            self.next_element_seed(std::marker::PhantomData::<de::IgnoredAny>)?;
        }
        Ok(())
    }
}

impl<'de> SeqAccess<'de> for ArrayAccess<'_, 'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.done {
            return Ok(None);
        }
        let progress = match self.ev.next_tag()? {
            Token::End { .. } => {
                self.done = true;
                return Ok(None);
            }
            Token::Start { name, empty } if local_name(name) == "value" => {
                if empty {
                    Progress::Ready(Body::Text(Cow::Borrowed("")))
                } else {
                    Progress::Opened
                }
            }
            other => return Err(self.ev.unexpected(&other, "<value> or </data>")),
        };
        let de = ValueDe {
            ev: self.ev,
            progress,
            hint: Hint::Any,
        };
        seed.deserialize(de)
            .map(Some)
            .map_err(|e| e.at(self.ev.pos()))
    }
}

impl<'de> Deserializer<'de> for ValueDe<'_, 'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.run(v)
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, v: V) -> Result<V::Value> {
        match self.body()? {
            Body::Typed {
                ty: ValueType::Nil,
                empty,
            } => {
                if !empty {
                    self.ev.text_until_end("nil")?;
                }
                self.ev.expect_end("value")?;
                v.visit_none()
            }
            body => {
                self.progress = Progress::Ready(body);
                v.visit_some(self)
            }
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(mut self, v: V) -> Result<V::Value> {
        self.hint = Hint::Int;
        self.run(v)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_str<V: Visitor<'de>>(mut self, v: V) -> Result<V::Value> {
        self.hint = Hint::Str;
        self.run(v)
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_str(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        v.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i128 u8 u16 u128 f32 f64 char bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}
