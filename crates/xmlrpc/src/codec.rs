//! The XML-RPC message layer: method calls, responses and faults, as text.
//!
//! Encoding goes through [`Value`]; decoding goes straight from quick-xml events into the
//! caller's type (see [`crate::de`]). Both sides are here so that the sandbox server and the
//! tests speak exactly the dialect the client does.

use crate::de::{DecodeError, Events, Limits, ValueDe, local_name};
use crate::lex::Token;
use crate::ser::EncodeError;
use crate::value::Value;
use base64::Engine;
use serde::Deserialize;
use std::fmt::Write as _;

/// A fault answered instead of a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `faultCode`.
    pub code: i64,
    /// `faultString`.
    pub string: String,
}

/// A decoded method call (what a server receives).
#[derive(Clone, Debug, PartialEq)]
pub struct MethodCall {
    /// The method name.
    pub method: String,
    /// The parameters in order.
    pub params: Vec<Value>,
}

pub use crate::error::excerpt;

/// Writes a `<methodCall>`.
pub fn encode_call(method: &str, params: &[Value]) -> Result<String, EncodeError> {
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'/'))
    {
        return Err(EncodeError::new(format!(
            "{method:?} is not a valid method name"
        )));
    }
    let mut out = String::with_capacity(128 + 64 * params.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall><methodName>");
    out.push_str(method);
    out.push_str("</methodName><params>");
    for p in params {
        out.push_str("<param>");
        write_value(&mut out, p, 0)?;
        out.push_str("</param>");
    }
    out.push_str("</params></methodCall>\n");
    Ok(out)
}

/// Writes a `<methodResponse>` holding `value`.
pub fn encode_response(value: &Value) -> Result<String, EncodeError> {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse><params><param>");
    write_value(&mut out, value, 0)?;
    out.push_str("</param></params></methodResponse>\n");
    Ok(out)
}

/// Writes a `<methodResponse>` holding a fault.
pub fn encode_fault(fault: &Fault) -> Result<String, EncodeError> {
    let v = Value::structure([
        ("faultCode", Value::Int(fault.code)),
        ("faultString", Value::String(fault.string.clone())),
    ]);
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse><fault>");
    write_value(&mut out, &v, 0)?;
    out.push_str("</fault></methodResponse>\n");
    Ok(out)
}

const MAX_ENCODE_DEPTH: usize = 64;

fn write_value(out: &mut String, v: &Value, depth: usize) -> Result<(), EncodeError> {
    if depth > MAX_ENCODE_DEPTH {
        return Err(EncodeError::new("values nested too deep to encode"));
    }
    out.push_str("<value>");
    match v {
        Value::Int(i) if i32::try_from(*i).is_ok() => {
            let _ = write!(out, "<int>{i}</int>");
        }
        Value::Int(i) => {
            let _ = write!(out, "<i8>{i}</i8>");
        }
        Value::Bool(b) => {
            let _ = write!(out, "<boolean>{}</boolean>", u8::from(*b));
        }
        Value::String(s) => {
            out.push_str("<string>");
            write_text(out, s)?;
            out.push_str("</string>");
        }
        Value::Double(d) => {
            if !d.is_finite() {
                return Err(EncodeError::new(format!(
                    "{d} cannot be written as an XML-RPC double"
                )));
            }
            let _ = write!(out, "<double>{d:?}</double>");
        }
        Value::DateTime(d) => {
            out.push_str("<dateTime.iso8601>");
            write_text(out, &d.to_wire())?;
            out.push_str("</dateTime.iso8601>");
        }
        Value::Base64(b) => {
            out.push_str("<base64>");
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push_str("</base64>");
        }
        Value::Array(items) => {
            out.push_str("<array><data>");
            for item in items {
                write_value(out, item, depth + 1)?;
            }
            out.push_str("</data></array>");
        }
        Value::Struct(members) => {
            out.push_str("<struct>");
            for (k, v) in members {
                out.push_str("<member><name>");
                write_text(out, k)?;
                out.push_str("</name>");
                write_value(out, v, depth + 1)?;
                out.push_str("</member>");
            }
            out.push_str("</struct>");
        }
        Value::Nil => out.push_str("<nil/>"),
    }
    out.push_str("</value>");
    Ok(())
}

/// Escapes text for element content. Characters XML 1.0 cannot carry are refused rather than
/// silently dropped; `\r` is written as a reference so that it survives end-of-line handling.
fn write_text(out: &mut String, s: &str) -> Result<(), EncodeError> {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return Err(EncodeError::new(format!(
                    "character U+{:04X} cannot be carried by XML 1.0",
                    c as u32
                )));
            }
            c => out.push(c),
        }
    }
    Ok(())
}

fn text_of<'a>(body: &'a [u8], limits: &Limits) -> Result<&'a str, DecodeError> {
    if body.len() > limits.max_body_bytes {
        return Err(DecodeError::new(
            format!(
                "body of {} bytes is above the limit of {} bytes",
                body.len(),
                limits.max_body_bytes
            ),
            0,
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|e| DecodeError::new(format!("body is not UTF-8: {e}"), e.valid_up_to()))?;
    if let Some((at, b)) = regops_http::xml::forbidden_control(body) {
        return Err(DecodeError::new(
            format!("U+{b:04X} is a character XML forbids"),
            at,
        ));
    }
    Ok(text)
}

/// Decodes a `<methodResponse>`: the result as `T`, or the fault.
///
/// A response without a parameter is read as `nil`.
pub fn decode_response<'de, T: Deserialize<'de>>(
    body: &'de [u8],
    limits: &Limits,
) -> Result<Result<T, Fault>, DecodeError> {
    let text = text_of(body, limits)?;
    let mut ev = Events::new(text, limits);
    if ev.expect_start("methodResponse")? {
        return Err(ev.err("empty <methodResponse/>"));
    }
    let out = match ev.next_tag()? {
        Token::Start { name, empty: false } if local_name(name) == "params" => {
            let out = match ev.next_tag()? {
                Token::Start { name, empty: false } if local_name(name) == "param" => {
                    let v = T::deserialize(ValueDe::new(&mut ev)).map_err(|e| e.at(ev.pos()))?;
                    ev.expect_end("param")?;
                    ev.expect_end("params")?;
                    v
                }
                Token::End { .. } => nil::<T>(&ev)?,
                _ => return Err(ev.err("expected <param> in <params>")),
            };
            Ok(out)
        }
        Token::Start { name, empty: true } if local_name(name) == "params" => Ok(nil::<T>(&ev)?),
        Token::Start { name, empty: false } if local_name(name) == "fault" => {
            let v = Value::deserialize(ValueDe::new(&mut ev))?;
            ev.expect_end("fault")?;
            Err(fault_of(v).map_err(|m| ev.err(m))?)
        }
        _ => return Err(ev.err("expected <params> or <fault> in <methodResponse>")),
    };
    ev.expect_end("methodResponse")?;
    ev.expect_eof()?;
    Ok(out)
}

fn nil<'de, T: Deserialize<'de>>(ev: &Events<'_>) -> Result<T, DecodeError> {
    T::deserialize(Value::Nil).map_err(|e| ev.err(format!("empty response: {e}")))
}

fn fault_of(v: Value) -> Result<Fault, String> {
    let code = v
        .get("faultCode")
        .and_then(Value::as_i64)
        .ok_or("a fault without an integer faultCode")?;
    let string = match v.get("faultString") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Nil) | None => String::new(),
        Some(_) => return Err("a fault whose faultString is not a string".into()),
    };
    Ok(Fault { code, string })
}

/// Decodes a `<methodCall>` (the server side).
pub fn decode_call(body: &[u8], limits: &Limits) -> Result<MethodCall, DecodeError> {
    let text = text_of(body, limits)?;
    let mut ev = Events::new(text, limits);
    if ev.expect_start("methodCall")? {
        return Err(ev.err("empty <methodCall/>"));
    }
    if ev.expect_start("methodName")? {
        return Err(ev.err("empty <methodName/>"));
    }
    let method = ev.text_until_end("methodName")?.trim().to_owned();
    let mut params = Vec::new();
    match ev.next_tag()? {
        Token::Start { name, empty: false } if local_name(name) == "params" => loop {
            match ev.next_tag()? {
                Token::Start { name, empty: false } if local_name(name) == "param" => {
                    params.push(Value::deserialize(ValueDe::new(&mut ev))?);
                    ev.expect_end("param")?;
                }
                Token::End { .. } => break,
                _ => return Err(ev.err("expected <param> or </params>")),
            }
        },
        Token::Start { name, empty: true } if local_name(name) == "params" => {}
        Token::End { .. } => {
            ev.expect_eof()?;
            return Ok(MethodCall { method, params });
        }
        _ => return Err(ev.err("expected <params> in <methodCall>")),
    }
    ev.expect_end("methodCall")?;
    ev.expect_eof()?;
    Ok(MethodCall { method, params })
}

#[cfg(test)]
mod tests;
