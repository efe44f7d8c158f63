//! The XML gateway's shapes: writing a `<request>` and reading a `<response>` into a small
//! element tree that [`convert`](crate::convert) maps.
//!
//! The gateway's documents are small and loosely typed (every value is text, members come and go
//! between versions), so they are read into an [`Element`] tree with quick-xml rather than into
//! fixed structs: unknown elements are kept, prefixes are ignored, and the limits are ours. A
//! DOCTYPE, an entity that XML does not predefine, or nesting deeper than [`MAX_DEPTH`] is a
//! protocol error; the body size is bounded by the client before it gets here.

use crate::PROVIDER;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use regops_core::{Error, Result, Secret};
use std::borrow::Cow;

/// How deep elements may nest in an answer.
pub const MAX_DEPTH: usize = 32;

/// An element: its local name, its text (trimmed), its children in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (any prefix removed).
    pub name: String,
    /// The text directly inside it, trimmed.
    pub text: String,
    /// The elements inside it.
    pub children: Vec<Element>,
}

impl Element {
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

/// Reads a gateway document into its root element.
pub fn parse(body: &[u8]) -> Result<Element> {
    let bad = |msg: String| Error::protocol(msg, body).with_provider(PROVIDER);
    let text =
        std::str::from_utf8(body).map_err(|e| bad(format!("the answer is not UTF-8: {e}")))?;
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
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                let e = Element {
                    name: local_name(&start),
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

fn local_name(start: &BytesStart<'_>) -> String {
    let name: &str = start;
    let name = name
        .split(|c: char| c.is_ascii_whitespace())
        .next()
        .unwrap_or(name);
    name.rsplit(':').next().unwrap_or(name).to_owned()
}

/// A node of a request: an element with text, or with children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// `<name>text</name>` (`<name></name>` when empty).
    Text(&'static str, String),
    /// `<name>children</name>`.
    Parent(&'static str, Vec<Node>),
}

/// Who calls: the gateway's `<auth>` block.
#[derive(Clone)]
pub struct Auth<'a> {
    /// The user name.
    pub user: &'a str,
    /// The password.
    pub password: &'a Secret,
    /// The context.
    pub context: u32,
}

/// Writes a gateway `<request>` for task `code`, its `task` children after `<code>`. The layout
/// is the reference page's: one element per line, indented with tabs.
pub fn request(auth: &Auth<'_>, code: &str, task: Vec<Node>) -> String {
    let mut children = vec![Node::Text("code", code.to_owned())];
    children.extend(task);
    let doc = Node::Parent(
        "request",
        vec![
            Node::Parent(
                "auth",
                vec![
                    Node::Text("user", auth.user.to_owned()),
                    Node::Text("password", auth.password.expose().to_owned()),
                    Node::Text("context", auth.context.to_string()),
                ],
            ),
            Node::Parent("task", children),
        ],
    );
    let mut writer = Writer::new_with_indent(Vec::new(), b'\t', 1);
    write_node(&mut writer, &doc);
    String::from_utf8(writer.into_inner()).expect("the writer writes the UTF-8 it is given")
}

fn write_node(w: &mut Writer<Vec<u8>>, node: &Node) {
    // Writing to a Vec cannot fail.
    match node {
        Node::Text(name, text) => {
            let _ = w.write_event(Event::Start(BytesStart::new(*name)));
            let _ = w.write_event(Event::Text(BytesText::new(text)));
            let _ = w.write_event(Event::End(BytesEnd::new(*name)));
        }
        Node::Parent(name, children) => {
            let _ = w.write_event(Event::Start(BytesStart::new(*name)));
            for c in children {
                write_node(w, c);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(*name)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_keeps_names_text_and_order() {
        let root = parse(
            b"<?xml version=\"1.0\"?><x:response xmlns:x=\"urn:a\"><result><data><a>1</a><a>2 &amp; 3</a><b/></data></result><stid> s </stid></x:response>",
        )
        .unwrap();
        assert_eq!(root.name, "response");
        let texts: Vec<&str> = root
            .at(&["result", "data"])
            .unwrap()
            .children_named("a")
            .map(|a| a.text.as_str())
            .collect();
        assert_eq!(texts, ["1", "2 & 3"]);
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
        ] {
            let err = parse(doc).unwrap_err();
            assert!(err.is_protocol(), "{err}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).unwrap_err().is_protocol());
    }

    #[test]
    fn requests_are_laid_out_like_the_reference() {
        let password = Secret::new("pw<&>");
        let xml = request(
            &Auth {
                user: "customer",
                password: &password,
                context: 4,
            },
            "0103104",
            vec![Node::Parent(
                "cancelation",
                vec![
                    Node::Text("domain", "example.com".into()),
                    Node::Text("gaining_registrar", String::new()),
                ],
            )],
        );
        assert_eq!(
            xml,
            "<request>\n\t<auth>\n\t\t<user>customer</user>\n\t\t<password>pw&lt;&amp;&gt;</password>\n\t\t<context>4</context>\n\t</auth>\n\t<task>\n\t\t<code>0103104</code>\n\t\t<cancelation>\n\t\t\t<domain>example.com</domain>\n\t\t\t<gaining_registrar></gaining_registrar>\n\t\t</cancelation>\n\t</task>\n</request>"
        );
        assert_eq!(
            parse(xml.as_bytes())
                .unwrap()
                .text_at(&["auth", "password"]),
            Some("pw<&>")
        );
    }
}
