//! A small XML element tree for the adapters whose documents are loosely typed text (the
//! AutoDNS gateway, SOAP encoding): local names, attributes, text and children, read with
//! quick-xml under fixed limits.
//!
//! A DOCTYPE, an entity that XML does not predefine, an invalid character reference, or nesting
//! deeper than [`MAX_DEPTH`] is a `Protocol` error; the body size is bounded by the caller
//! ([`read_limited`](crate::read_limited)) before it gets here.

use quick_xml::events::{BytesStart, Event};
use regops_core::{Error, Result};
use std::borrow::Cow;

/// How deep elements may nest in an answer.
pub const MAX_DEPTH: usize = 32;

/// An element: its local name, its attributes, its text (trimmed), its children in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (any prefix removed).
    pub name: String,
    /// The attributes, by local name (any prefix removed), values unescaped.
    pub attributes: Vec<(String, String)>,
    /// The text directly inside it, trimmed.
    pub text: String,
    /// The elements inside it.
    pub children: Vec<Element>,
}

impl Element {
    /// The value of the attribute with local name `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element at `path` (child names, from this one).
    pub fn at(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |e, name| e.child(name))
    }

    /// The text of the element at `path`, when it exists and is not empty.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path)
            .map(|e| e.text.as_str())
            .filter(|t| !t.is_empty())
    }
}

/// The first control character XML 1.0 forbids anywhere in a document (every one below U+0020
/// but tab, line feed and carriage return; NUL among them), with its byte offset. One pass
/// over the bytes, before anything is read, for every XML reader of regops.
pub fn forbidden_control(body: &[u8]) -> Option<(usize, u8)> {
    body.iter()
        .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        .map(|at| (at, body[at]))
}

/// Reads a document into its root element. Errors are `Protocol` errors of `provider` with an
/// excerpt of `body`.
pub fn parse(body: &[u8], provider: &'static str) -> Result<Element> {
    let bad = |msg: String| Error::protocol(msg, body).with_provider(provider);
    let text =
        std::str::from_utf8(body).map_err(|e| bad(format!("the answer is not UTF-8: {e}")))?;
    if let Some((at, b)) = forbidden_control(body) {
        return Err(bad(format!(
            "the answer holds U+{b:04X} at byte {at}, a character XML forbids"
        )));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(format!("malformed XML: {e}")))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(bad("content after the document element".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format!("elements nest deeper than {MAX_DEPTH}")));
                }
                stack.push(Element {
                    name: local_name(&start),
                    attributes: attributes(&start).map_err(&bad)?,
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                let e = Element {
                    name: local_name(&start),
                    attributes: attributes(&start).map_err(&bad)?,
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None if root.is_none() => root = Some(e),
                    None => return Err(bad("content after the document element".into())),
                }
            }
            Event::End(_) => {
                let mut done = stack
                    .pop()
                    .ok_or_else(|| bad("an end tag without a start".into()))?;
                done.text = done.text.trim().to_owned();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(c) => push_text(&mut stack, &c.xml10_content()),
            Event::GeneralRef(r) => {
                let text: Cow<'_, str> = match r.resolve_char_ref() {
                    Ok(Some(c)) if c != '\0' => Cow::Owned(c.to_string()),
                    Ok(Some(_)) | Err(_) => {
                        return Err(bad(format!("invalid character reference &{};", &*r)));
                    }
                    Ok(None) => {
                        let name: &str = &r;
                        match quick_xml::escape::resolve_xml_entity(name) {
                            Some(s) => Cow::Borrowed(s),
                            None => {
                                return Err(bad(format!(
                                    "entity &{name}; is not defined (entity declarations are refused)"
                                )));
                            }
                        }
                    }
                };
                push_text(&mut stack, &text);
            }
            Event::DocType(_) => return Err(bad("DOCTYPE declarations are refused".into())),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(bad("the document ends inside an element".into()));
    }
    root.ok_or_else(|| bad("no document element".into()))
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(e) = stack.last_mut() {
        e.text.push_str(text);
    }
}

fn attributes(start: &BytesStart<'_>) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| format!("malformed attribute: {e}"))?;
        let key = a.key.local_name();
        let name: &str = key.as_ref();
        let value = a
            .normalized_value(quick_xml::XmlVersion::default())
            .map_err(|e| format!("malformed attribute value: {e}"))?;
        out.push((name.to_owned(), value.into_owned()));
    }
    Ok(out)
}

fn local_name(start: &BytesStart<'_>) -> String {
    let name: &str = start;
    let name = name
        .split(|c: char| c.is_ascii_whitespace())
        .next()
        .unwrap_or(name);
    name.rsplit(':').next().unwrap_or(name).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_keeps_names_attributes_text_and_order() {
        let root = parse(
            b"<?xml version=\"1.0\"?><x:response xmlns:x=\"urn:a\"><result><data><a t=\"x:int\">1</a><a>2 &amp; 3</a><b/></data></result><stid> s </stid></x:response>",
            "test",
        )
        .unwrap();
        assert_eq!(root.name, "response");
        let data = root.at(&["result", "data"]).unwrap();
        let texts: Vec<&str> = data.children_named("a").map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["1", "2 & 3"]);
        assert_eq!(data.child("a").unwrap().attribute("t"), Some("x:int"));
        assert_eq!(root.text_at(&["stid"]), Some("s"));
        assert_eq!(root.text_at(&["result", "data", "b"]), None);
    }

    #[test]
    fn hostile_documents_are_protocol_errors() {
        for doc in [
            &b"<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>"[..],
            b"<r>&e;</r>",
            b"<r>&#0;</r>",
            b"<r><a></r>",
            b"<r>",
            b"",
            b"<r/><r/>",
            b"<r a=\"&e;\"/>",
            b"\xff\xfe<r/>",
        ] {
            let err = parse(doc, "test").unwrap_err();
            assert!(err.is_protocol(), "{err}");
            assert_eq!(err.provider(), Some("test"));
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes(), "test").unwrap_err().is_protocol());
    }
}
