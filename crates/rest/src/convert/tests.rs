use super::*;
use crate::gateway::{self, Node};
use crate::wire::Envelope;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

const SUCCESS: &[u8] = include_bytes!("../../tests/fixtures/json-create-success.json");
const NOTIFY: &[u8] = include_bytes!("../../tests/fixtures/json-create-notify.json");
const XML_CREATED: &[u8] = include_bytes!("../../tests/fixtures/xml-create-response.xml");
const XML_ERROR: &[u8] = include_bytes!("../../tests/fixtures/xml-error.xml");
const JSON_ERROR: &[u8] = include_bytes!("../../tests/fixtures/json-error.json");

fn berlin() -> ServerTimeZone {
    ServerTimeZone::named("Europe/Berlin").unwrap()
}

fn created(bytes: &[u8]) -> (Envelope<Cancelation>, Operation) {
    let e: Envelope<Cancelation> = serde_json::from_slice(bytes).unwrap();
    let op = cancelation_operation(
        &e.data[0],
        e.status.as_ref(),
        None,
        CancelationCall::Create,
        berlin(),
    )
    .unwrap();
    (e, op)
}

#[test]
fn every_job_status_maps_as_design_says() {
    use OperationStatus as S;
    let cases = [
        ("RUNNING", S::InProgress),
        ("SUCCESS", S::Succeeded),
        ("FAILED", S::Failed),
        ("CANCELED", S::Cancelled),
        ("SUPPORT", S::ActionRequired),
        ("DEFERRED", S::Pending),
        ("NOT_SET", S::Pending),
        ("WAIT", S::Pending),
        ("PAUSED", S::Unknown("PAUSED".into())),
    ];
    for (word, want) in cases.clone() {
        assert_eq!(job_status(&JobStatus::from(word)), want, "{word}");
    }
    for known in JobStatus::KNOWN {
        assert!(cases.iter().any(|(w, _)| *w == known.as_str()), "{known}");
    }
}

#[test]
fn the_reference_answers_convert_in_both_versions() {
    for (bytes, code, word) in [
        (SUCCESS, "S0103101", StatusType::Success),
        (NOTIFY, "N0103101", StatusType::Notify),
    ] {
        let (e, op) = created(bytes);
        assert_eq!(e.status.as_ref().unwrap().r#type.as_ref(), Some(&word));
        assert_eq!(e.stid.as_deref(), Some("20190701-app3-dev-9689"));
        assert_eq!(
            message_lines(&e.messages),
            ["MSG010315: The task will be executed at domain expiration."]
        );
        assert_eq!(
            op.id.as_str(),
            "example.com",
            "no job: the domain is the id"
        );
        assert_eq!(op.provider, "autodns");
        assert_eq!(
            op.status,
            OperationStatus::Pending,
            "execution EXPIRE waits for its date"
        );
        assert_eq!(op.raw_status, code);
        assert_eq!(op.kind.as_deref(), Some("cancelation_delete"));
        assert_eq!(op.target.as_deref(), Some("example.com"));
        assert_eq!(
            op.scheduled_at,
            Some(Utc.with_ymd_and_hms(2019, 8, 17, 12, 27, 31).unwrap())
        );
        assert_eq!(
            op.submitted_at,
            Some(Utc.with_ymd_and_hms(2019, 7, 1, 8, 44, 26).unwrap())
        );
        assert!(op.message.is_some());
        assert_eq!(op.extra.get("logId"), Some(&Value::String("245139".into())));
        assert_eq!(op.extra.get("disconnect"), Some(&Value::Bool(false)));
        let Some(Value::Map(owner)) = op.extra.get("owner") else {
            panic!("{:?}", op.extra)
        };
        assert_eq!(
            owner.get("user"),
            Some(&Value::String("exampleuser".into()))
        );
    }
}

#[test]
fn a_cancelation_now_follows_the_answer() {
    let (e, _) = created(SUCCESS);
    let now = Cancelation {
        execution: Some(CancelationExecution::Now),
        ..e.data[0].clone()
    };
    let status_of = |c: &Cancelation, word: &str, call| {
        let answer = ResponseStatus {
            r#type: Some(StatusType::from(word)),
            ..ResponseStatus::default()
        };
        cancelation_operation(c, Some(&answer), None, call, berlin())
            .unwrap()
            .status
    };
    assert_eq!(
        status_of(&now, "SUCCESS", CancelationCall::Create),
        OperationStatus::Succeeded
    );
    assert_eq!(
        status_of(&now, "NOTIFY", CancelationCall::Create),
        OperationStatus::InProgress
    );
    assert_eq!(
        status_of(&now, "SUCCESS", CancelationCall::Read),
        OperationStatus::InProgress
    );
    assert_eq!(
        status_of(&now, "SUCCESS", CancelationCall::Delete),
        OperationStatus::Cancelled
    );
    let later = Cancelation {
        execution: Some(CancelationExecution::from("LATER")),
        ..now.clone()
    };
    assert_eq!(
        status_of(&later, "SUCCESS", CancelationCall::Read),
        OperationStatus::Unknown("LATER".into())
    );
}

#[test]
fn the_gateway_reference_answer_converts() {
    let root = gateway::parse(XML_CREATED).unwrap();
    let answer = gateway_answer(&root, 200, XML_CREATED).unwrap();
    assert_eq!(answer.stid.as_deref(), Some("20180213-app1-6072"));
    assert_eq!(
        answer.job_id.as_ref().map(|i| i.as_str()),
        Some("4295210830")
    );
    let op = answer_operation(&answer, "example.com", CancelationCall::Create, berlin()).unwrap();
    assert_eq!(
        op.id.as_str(),
        "4295210830",
        "the job is the id when there is one"
    );
    assert_eq!(
        op.status,
        OperationStatus::InProgress,
        "now, answered notify"
    );
    assert_eq!(op.raw_status, "N0103");
    assert_eq!(op.target.as_deref(), Some("example.com"));
    assert_eq!(
        op.message.as_deref(),
        Some("Domain deletion has been started successfully.")
    );
    // Local server times (Europe/Berlin, winter: UTC+1).
    assert_eq!(
        op.scheduled_at,
        Some(Utc.with_ymd_and_hms(2018, 2, 13, 14, 19, 44).unwrap())
    );
    assert_eq!(
        op.updated_at,
        Some(Utc.with_ymd_and_hms(2018, 2, 13, 14, 19, 45).unwrap())
    );
    assert_eq!(op.extra.get("logId"), Some(&Value::String("186467".into())));
}

#[test]
fn errors_keep_the_status_code_and_every_message() {
    let e: Envelope<serde_json::Value> = serde_json::from_slice(JSON_ERROR).unwrap();
    let err = answer_error(400, e.status.as_ref(), &e.messages, None, JSON_ERROR);
    assert_eq!(*err.kind(), ErrorKind::Api);
    assert_eq!(err.provider_code(), Some("E0103101"));
    assert_eq!(err.http_status(), Some(400));
    let text = err.message();
    assert!(
        text.contains("EF0103101: Domain cancelation could not be created."),
        "{text}"
    );
    assert!(
        text.contains("EF01010: The domain is not registered in this account."),
        "{text}"
    );

    let root = gateway::parse(XML_ERROR).unwrap();
    let err = gateway_answer(&root, 200, XML_ERROR).unwrap_err();
    assert_eq!(err.provider_code(), Some("E0103101"));
    assert!(err.message().contains("EF01010"), "{}", err.message());
    assert!(err.message().contains("EF0103101"), "{}", err.message());

    for (http, want) in [(401, ErrorKind::Auth), (404, ErrorKind::NotFound)] {
        let err = answer_error(http, e.status.as_ref(), &[], None, b"");
        assert_eq!(*err.kind(), want);
        assert_eq!(err.provider_code(), Some("E0103101"));
    }
    assert!(answer_error(429, e.status.as_ref(), &[], None, b"").is_rate_limited());
    assert!(answer_error(503, e.status.as_ref(), &[], None, b"").is_transport());
    // No envelope: the HTTP status alone.
    assert!(answer_error(502, None, &[], None, b"<html>").is_transport());
}

#[test]
fn core_requests_become_cancelations() {
    let r = cancelation_request(
        " example.com ",
        &CancelRequest::new(CancelKind::Delete, Execution::Expire).disconnect(false),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        serde_json::json!({"domain": "example.com", "disconnect": false, "type": "DELETE", "execution": "EXPIRE"})
    );
    let day = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
    let r = cancelation_request(
        "example.com",
        &CancelRequest::new(CancelKind::Preack, Execution::Date(day))
            .gaining_registrar("OTHER-REG"),
    )
    .unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["execution"], "DATE");
    assert_eq!(json["registryWhen"], "2025-03-01T00:00:00.000+0000");
    assert_eq!(json["gainingRegistrar"], "OTHER-REG");
    let err = cancelation_request(
        "example.com",
        &CancelRequest::new(CancelKind::Preack, Execution::Now),
    )
    .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::InvalidInput);
    assert!(
        cancelation_request(
            "  ",
            &CancelRequest::new(CancelKind::Delete, Execution::Now)
        )
        .is_err()
    );
}

#[test]
fn gateway_dates_are_local_times() {
    let day = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
    let r = cancelation_request(
        "example.com",
        &CancelRequest::new(CancelKind::Delete, Execution::Date(day)),
    )
    .unwrap();
    let Node::Parent(_, children) = gateway::cancelation(&r, berlin()) else {
        panic!()
    };
    assert!(children.contains(&Node::Text("execdate", "date".into())));
    assert!(children.contains(&Node::Text(
        "registry_when_date",
        "2025-03-01 01:00:00".into()
    )));
}

#[test]
fn filters_become_queries() {
    let since = Utc.with_ymd_and_hms(2019, 7, 1, 0, 0, 0).unwrap();
    let f = OperationFilter::new()
        .target(TargetMatch::Prefix("shop".into()))
        .submitted_since(since)
        .page_size(20);
    let q = serde_json::to_value(cancelation_query(&f, 2)).unwrap();
    assert_eq!(
        q,
        serde_json::json!({
            "filters": [
                {"key": "domain", "value": "shop*", "operator": "LIKE", "link": "AND"},
                {"key": "created", "value": "2019-07-01T00:00:00.000+0000", "operator": "GREATER_EQUAL", "link": "AND"}
            ],
            "view": {"limit": 20, "offset": 40, "children": false},
            "orders": [{"key": "created", "type": "DESC"}]
        })
    );
    let q = serde_json::to_value(job_query(&["1", "2"])).unwrap();
    assert_eq!(
        q["filters"][1],
        serde_json::json!({"key": "id", "value": "2", "operator": "EQUAL", "link": "OR"})
    );
    assert_eq!(q["view"]["limit"], 2);
}

#[test]
fn jobs_convert() {
    let e: Envelope<Job> =
        serde_json::from_slice(include_bytes!("../../tests/fixtures/json-job-search.json"))
            .unwrap();
    let ops: Vec<Operation> = e
        .data
        .into_iter()
        .map(|j| job_operation(j, berlin()).unwrap())
        .collect();
    assert_eq!(ops[0].id.as_str(), "4295210830");
    assert_eq!(ops[0].status, OperationStatus::Succeeded);
    assert_eq!(ops[0].kind.as_deref(), Some("domaincancelation_delete"));
    assert_eq!(
        ops[0].submitted_at,
        Some(Utc.with_ymd_and_hms(2018, 2, 13, 14, 19, 44).unwrap())
    );
    assert_eq!(ops[1].status, OperationStatus::ActionRequired);
    assert!(ops[1].action_required.is_some());
    let no_id: Job = serde_json::from_str(r#"{"status":"RUNNING"}"#).unwrap();
    assert!(job_operation(no_id, berlin()).unwrap_err().is_protocol());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<Envelope<Cancelation>>(&bytes);
        let _ = serde_json::from_slice::<Envelope<Job>>(&bytes);
        if let Ok(root) = gateway::parse(&bytes) {
            let _ = gateway_answer(&root, 200, &bytes);
        }
    }

    #[test]
    fn arbitrary_xml_shaped_text_never_panics(
        parts in proptest::collection::vec(
            prop::sample::select(vec![
                "<response>", "</response>", "<result>", "</result>", "<data>", "</data>",
                "<cancelation>", "</cancelation>", "<status>", "</status>", "<type>error</type>",
                "<type>notify</type>", "<code>E1</code>", "<msg>", "</msg>", "&amp;", "&#x41;",
                "<execdate>now</execdate>", "<registry_when_date>x</registry_when_date>", "text",
            ]),
            0..40,
        )
    ) {
        let doc = parts.concat();
        if let Ok(root) = gateway::parse(doc.as_bytes()) {
            if let Ok(answer) = gateway_answer(&root, 200, doc.as_bytes()) {
                let _ = answer_operation(&answer, "example.com", CancelationCall::Create, berlin());
            }
        }
    }
}

fn cancel_kind() -> impl Strategy<Value = CancelKind> {
    prop::sample::select(vec![
        CancelKind::Delete,
        CancelKind::Transit,
        CancelKind::Preack,
    ])
}

proptest! {
    #[test]
    fn a_cancelation_request_reads_back_as_the_cancelation_it_asks_for(
        domain in "[a-z0-9-]{1,20}\\.(com|de|example)",
        kind in cancel_kind(),
        when in prop::option::of(0i64..4_000_000_000),
        disconnect in prop::option::of(any::<bool>()),
        registrar in "[A-Z0-9-]{1,12}",
    ) {
        let execution = match when {
            Some(secs) => Execution::Date(chrono::DateTime::from_timestamp(secs, 0).unwrap()),
            None => Execution::Expire,
        };
        let mut request = CancelRequest::new(kind, execution);
        request.disconnect = disconnect;
        request.gaining_registrar = Some(registrar.clone());
        let body = cancelation_request(&domain, &request).unwrap();
        let json = serde_json::to_vec(&body).unwrap();
        let back: Cancelation = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(back.domain.as_deref(), Some(domain.as_str()));
        prop_assert_eq!(back.r#type.as_ref(), Some(&body.r#type));
        prop_assert_eq!(back.execution.as_ref(), Some(&body.execution));
        prop_assert_eq!(back.disconnect, disconnect);
        prop_assert_eq!(back.gaining_registrar.as_deref(), Some(registrar.as_str()));
        if let Execution::Date(t) = execution {
            prop_assert_eq!(back.registry_when.and_then(|w| w.in_zone(berlin())), Some(t));
        }
    }

    #[test]
    fn gateway_cancelations_read_back_as_written(
        domain in "[a-z0-9-]{1,20}\\.(com|de|example)",
        kind in cancel_kind(),
        when in prop::option::of(0i64..4_000_000_000),
        registrar in "[A-Za-z0-9 <>&'\"-]{0,12}",
    ) {
        let execution = match when {
            Some(secs) => Execution::Date(chrono::DateTime::from_timestamp(secs, 0).unwrap()),
            None => Execution::Now,
        };
        let mut request = CancelRequest::new(kind, execution);
        request.gaining_registrar = Some(registrar.clone());
        let body = cancelation_request(&domain, &request).unwrap();
        let password = regops_core::Secret::new("p<&>");
        let xml = crate::gateway::request(
            &crate::gateway::Auth { user: "u", password: &password, context: 4 },
            "0103101",
            vec![gateway::cancelation(&body, berlin())],
        );
        let root = gateway::parse(xml.as_bytes()).unwrap();
        let c = root.at(&["task", "cancelation"]).unwrap();
        prop_assert_eq!(c.text_at(&["domain"]), Some(domain.as_str()));
        prop_assert_eq!(
            c.text_at(&["type"]).map(str::to_ascii_uppercase),
            Some(body.r#type.as_str().to_owned())
        );
        prop_assert_eq!(c.text_at(&["gaining_registrar"]).unwrap_or(""), registrar.trim());
        prop_assert_eq!(root.text_at(&["auth", "password"]), Some("p<&>"));
        if let Execution::Date(t) = execution {
            let local = crate::wire::Time::parse(c.text_at(&["registry_when_date"]).unwrap());
            // A local time in the autumn's repeated hour reads back as its earlier instant.
            let back = local.in_zone(berlin()).unwrap();
            prop_assert!(back == t || back == t - chrono::Duration::hours(1), "{back} vs {t}");
        }
    }

    #[test]
    fn times_round_trip_through_the_json_spelling(millis in 0i64..4_000_000_000_000) {
        let t = Time::At(chrono::DateTime::from_timestamp_millis(millis).unwrap());
        prop_assert_eq!(Time::parse(&t.to_wire()), t);
    }
}
