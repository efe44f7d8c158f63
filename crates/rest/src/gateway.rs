//! The XML gateway's shapes: writing a `<request>` and reading a `<response>` into the element
//! tree of [`regops_http::xml`], and reading a `<response>` into the JSON API's wire types, which
//! [`convert`](crate::convert) maps.
//!
//! The gateway's documents are small and loosely typed (every value is text, members come and go
//! between versions), so they are read into an [`Element`] tree rather than into fixed structs:
//! unknown elements are kept, prefixes are ignored, and the limits (no DOCTYPE, no entities, a
//! depth bound) are the shared reader's; the body size is bounded by the client.

use crate::PROVIDER;
use crate::generated::{
    Cancelation, CancelationExecution, CancelationRequest, CancelationType, Job, JobStatus,
    Message, ResponseObject, ResponseStatus, StatusType, WorkflowEvent,
};
use crate::wire::{CancelationAnswer, Id, Time};
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use regops_core::{Error, Result, Secret, ServerTimeZone};

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

/// The `<cancelation>` element of a gateway create or update (values in lower case, local
/// times of `zone`), as the reference page writes it.
pub fn cancelation(body: &CancelationRequest, zone: ServerTimeZone) -> Node {
    let mut children = vec![
        Node::Text("domain", body.domain.clone()),
        Node::Text("type", body.r#type.as_str().to_ascii_lowercase()),
        Node::Text("execdate", body.execution.as_str().to_ascii_lowercase()),
    ];
    if let Some(when) = &body.registry_when {
        let local = match when {
            Time::At(t) => zone.to_local(*t).format("%Y-%m-%d %H:%M:%S").to_string(),
            other => other.to_wire(),
        };
        children.push(Node::Text("registry_when_date", local));
    }
    if let Some(d) = body.disconnect {
        children.push(Node::Text("disconnect", if d { "1" } else { "0" }.into()));
    }
    children.push(Node::Text(
        "gaining_registrar",
        body.gaining_registrar.clone().unwrap_or_default(),
    ));
    Node::Parent("cancelation", children)
}

/// The `<cancelation>` element naming only a domain (delete, info).
pub fn domain(domain: &str) -> Node {
    Node::Parent("cancelation", vec![Node::Text("domain", domain.to_owned())])
}

/// Reads a gateway `<response>`: its status, messages, cancelation and job, whatever the
/// status says (the caller decides what an `error` means); a response without `<result>` is a
/// protocol error.
pub fn read_answer(root: &Element, body: &[u8]) -> Result<CancelationAnswer> {
    let result = root.child("result").ok_or_else(|| {
        Error::protocol("a gateway answer without <result>", body).with_provider(PROVIDER)
    })?;
    let status = result.child("status").map(|s| ResponseStatus {
        code: s.text_at(&["code"]).map(str::to_owned),
        text: s.text_at(&["text"]).map(str::to_owned),
        r#type: s
            .text_at(&["type"])
            .map(|t| StatusType::from(t.to_ascii_uppercase().as_str())),
        ..ResponseStatus::default()
    });
    let object = result.at(&["status", "object"]).map(|o| ResponseObject {
        r#type: o.text_at(&["type"]).map(str::to_owned),
        value: o.text_at(&["value"]).map(str::to_owned),
        ..ResponseObject::default()
    });
    let messages: Vec<Message> = result
        .children_named("msg")
        .chain(
            result
                .child("status")
                .into_iter()
                .flat_map(|s| s.children_named("msg")),
        )
        .map(|m| Message {
            code: m.text_at(&["code"]).map(str::to_owned),
            text: m.text_at(&["text"]).map(str::to_owned),
            status: m
                .text_at(&["type"])
                .map(|t| StatusType::from(t.to_ascii_uppercase().as_str())),
            ..Message::default()
        })
        .collect();
    let cancelation = result.at(&["data", "cancelation"]).map(cancelation_of);
    let job_id = result
        .text_at(&["data", "domain_job", "job", "id"])
        .or_else(|| result.text_at(&["data", "job", "id"]))
        .map(|id| Id(id.to_owned()));
    let job = result.at(&["data", "job"]).map(job_of);
    Ok(CancelationAnswer {
        job,
        stid: root.text_at(&["stid"]).map(str::to_owned),
        status,
        object,
        messages,
        cancelation,
        job_id,
    })
}

/// A gateway `<job>` as the JSON API's object: the same members in the gateway's spelling
/// (snake case, lower-case words), its events as `<event>` elements.
fn job_of(e: &Element) -> Job {
    let text = |name: &str| e.text_at(&[name]).map(str::to_owned);
    let upper = |name: &str| e.text_at(&[name]).map(|t| t.to_ascii_uppercase());
    let time = |name: &str| e.text_at(&[name]).map(Time::parse);
    let events: Vec<WorkflowEvent> = e
        .children_named("event")
        .map(|ev| WorkflowEvent {
            job_id: ev.text_at(&["job_id"]).map(|i| Id(i.to_owned())),
            object: ev.text_at(&["object"]).map(str::to_owned),
            r#type: ev.text_at(&["type"]).map(str::to_owned),
            subtype: ev.text_at(&["subtype"]).map(str::to_owned),
            ..WorkflowEvent::default()
        })
        .collect();
    Job {
        id: text("id").map(Id),
        status: upper("status").map(|s| JobStatus::from(s.as_str())),
        sub_status: text("sub_status"),
        action: upper("action"),
        sub_type: text("sub_type"),
        events: Some(events).filter(|e| !e.is_empty()),
        execution: time("execution"),
        created: time("created"),
        updated: time("changed").or_else(|| time("updated")),
        ..Job::default()
    }
}

/// A gateway `<cancelation>` as the JSON API's object.
fn cancelation_of(e: &Element) -> Cancelation {
    let text = |name: &str| e.text_at(&[name]).map(str::to_owned);
    let upper = |name: &str| e.text_at(&[name]).map(|t| t.to_ascii_uppercase());
    let time = |name: &str| e.text_at(&[name]).map(Time::parse);
    let mut extra = std::collections::BTreeMap::new();
    for c in &e.children {
        if !matches!(
            c.name.as_str(),
            "domain"
                | "type"
                | "execdate"
                | "registry_when_date"
                | "disconnect"
                | "gaining_registrar"
                | "created"
                | "changed"
                | "log_id"
                | "registry_status"
                | "status"
        ) && c.children.is_empty()
        {
            extra.insert(c.name.clone(), serde_json::Value::String(c.text.clone()));
        }
    }
    Cancelation {
        domain: text("domain"),
        r#type: upper("type").map(|t| CancelationType::from(t.as_str())),
        execution: upper("execdate").map(|t| CancelationExecution::from(t.as_str())),
        registry_when: time("registry_when_date"),
        disconnect: e
            .text_at(&["disconnect"])
            .map(|d| d == "1" || d.eq_ignore_ascii_case("true")),
        gaining_registrar: text("gaining_registrar"),
        created: time("created"),
        updated: time("changed"),
        log_id: text("log_id").map(Id),
        registry_status: text("registry_status"),
        status: text("status"),
        extra,
        ..Cancelation::default()
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
