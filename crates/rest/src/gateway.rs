//! The XML gateway's shapes: writing a `<request>` and reading a `<response>` into the element
//! tree of [`regops_http::xml`] that [`convert`](crate::convert) maps.
//!
//! The gateway's documents are small and loosely typed (every value is text, members come and go
//! between versions), so they are read into an [`Element`] tree rather than into fixed structs:
//! unknown elements are kept, prefixes are ignored, and the limits (no DOCTYPE, no entities, a
//! depth bound) are the shared reader's; the body size is bounded by the client.

use crate::PROVIDER;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use regops_core::{Result, Secret};

pub use regops_http::xml::Element;

/// Reads a gateway document into its root element.
pub fn parse(body: &[u8]) -> Result<Element> {
    regops_http::xml::parse(body, PROVIDER)
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
    document(doc)
}

/// Writes a gateway document (a request, or for servers an answer) in the reference page's
/// layout: one element per line, indented with tabs.
pub fn document(root: Node) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b'\t', 1);
    write_node(&mut writer, &root);
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
