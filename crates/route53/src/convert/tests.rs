use super::*;
use crate::generated::ListOperationsResponse;
use proptest::prelude::*;
use regops_core::{Sort, TargetMatch};

fn detail(json: &str) -> OperationDetail {
    serde_json::from_str(json).unwrap()
}

#[test]
fn every_status_word_maps_as_design_says() {
    use OperationStatus as S;
    let cases = [
        ("SUBMITTED", None, S::Pending),
        ("IN_PROGRESS", None, S::InProgress),
        ("WORKFLOW_IN_PROGRESS", None, S::InProgress),
        ("SUCCESSFUL", None, S::Succeeded),
        ("FAILED", None, S::Failed),
        ("ERROR", None, S::Failed),
        ("SUBMITTED", Some("PENDING_ACCEPTANCE"), S::ActionRequired),
        (
            "IN_PROGRESS",
            Some("PENDING_CUSTOMER_ACTION"),
            S::ActionRequired,
        ),
        (
            "WORKFLOW_IN_PROGRESS",
            Some("PENDING_AUTHORIZATION"),
            S::ActionRequired,
        ),
        (
            "IN_PROGRESS",
            Some("PENDING_SOMETHING_NEW"),
            S::ActionRequired,
        ),
        ("SUCCESSFUL", Some("PENDING_SUPPORT_CASE"), S::Succeeded),
        ("FAILED", Some("PENDING_PAYMENT_VERIFICATION"), S::Failed),
        ("PAUSED", None, S::Unknown("PAUSED".into())),
        (
            "PAUSED",
            Some("PENDING_ACCEPTANCE"),
            S::Unknown("PAUSED".into()),
        ),
    ];
    for (status, flag, want) in cases.clone() {
        let flag = flag.map(StatusFlag::from);
        assert_eq!(
            status_of(&WireStatus::from(status), flag.as_ref()),
            want,
            "{status} {flag:?}"
        );
    }
    // Every known word is covered by a case above.
    for known in WireStatus::KNOWN {
        assert!(cases.iter().any(|(s, _, _)| *s == known.as_str()));
    }
}

#[test]
fn the_reference_sample_converts() {
    let body = r#"{ "DomainName":"happierdomain.ca", "OperationId":"43884ce5-e30a-4801-858f-7aa86356c127", "Status":"WORKFLOW_IN_PROGRESS", "SubmittedDate" : 1402630939.057, "Type" : "REGISTER_DOMAIN" }"#;
    let op = operation(detail(body), None).unwrap();
    assert_eq!(op.provider, "route53");
    assert_eq!(op.id.as_str(), "43884ce5-e30a-4801-858f-7aa86356c127");
    assert_eq!(op.status, OperationStatus::InProgress);
    assert_eq!(op.raw_status, "WORKFLOW_IN_PROGRESS");
    assert_eq!(op.kind.as_deref(), Some("REGISTER_DOMAIN"));
    assert_eq!(op.target.as_deref(), Some("happierdomain.ca"));
    assert_eq!(
        op.submitted_at.unwrap().to_rfc3339(),
        "2014-06-13T03:42:19.057+00:00"
    );
    assert_eq!(op.updated_at, None);
    assert_eq!(op.error, None);
    assert!(op.extra.is_empty());
}

#[test]
fn decoding_is_tolerant() {
    // Explicit nulls, no members at all, unknown members and words, string timestamps.
    let d = detail(
        r#"{"OperationId":"x","Status":null,"Type":"TELEPORT_DOMAIN","StatusFlag":null,
            "SubmittedDate":"1402630939","LastUpdatedDate":"not a date","Message":null,
            "NewThing":{"a":[1,2.5,true,null]}}"#,
    );
    let op = operation(d, None).unwrap();
    assert_eq!(op.status, OperationStatus::Unknown(String::new()));
    assert_eq!(op.kind.as_deref(), Some("TELEPORT_DOMAIN"));
    assert_eq!(op.submitted_at.unwrap().timestamp(), 1402630939);
    assert_eq!(op.updated_at, None);
    assert_eq!(
        op.extra.get("LastUpdatedDate"),
        Some(&Value::String("not a date".into()))
    );
    assert!(matches!(op.extra.get("NewThing"), Some(Value::Map(_))));
    let empty = detail("{}");
    assert!(operation(empty.clone(), None).unwrap_err().is_protocol());
    // Nothing in it: not an operation, even when the caller knows which id it asked for.
    let e = operation(empty, Some(&OperationId::new("asked"))).unwrap_err();
    assert!(
        e.is_protocol() && e.to_string().contains("no Status"),
        "{e}"
    );
    // A status without the id is the asked operation.
    let op = operation(
        detail(r#"{"Status":"SUCCESSFUL"}"#),
        Some(&OperationId::new("asked")),
    )
    .unwrap();
    assert_eq!(op.id.as_str(), "asked");
    let page: ListOperationsResponse =
        serde_json::from_str(r#"{"Operations":null,"NextPageMarker":null}"#).unwrap();
    assert_eq!(page.operations, None);
    assert_eq!(page.next_page_marker, None);
}

#[test]
fn failed_operations_carry_their_message_as_the_error() {
    let op = operation(
        detail(r#"{"OperationId":"1","Status":"FAILED","Message":"Invalid contact"}"#),
        None,
    )
    .unwrap();
    assert_eq!(op.message.as_deref(), Some("Invalid contact"));
    let err = op.error.unwrap();
    assert_eq!(err.class, ErrorClass::Fatal);
    assert_eq!(
        err.code, None,
        "Route 53 gives no error identifier for an operation"
    );
    assert_eq!(err.message.as_deref(), Some("Invalid contact"));
}

#[test]
fn a_flag_says_what_to_do() {
    let op = operation(
        detail(r#"{"OperationId":"1","Status":"SUBMITTED","StatusFlag":"PENDING_AUTHORIZATION"}"#),
        None,
    )
    .unwrap();
    assert_eq!(op.status, OperationStatus::ActionRequired);
    assert!(
        op.action_required
            .unwrap()
            .starts_with("PENDING_AUTHORIZATION: ")
    );
    assert_eq!(
        op.extra.get("StatusFlag"),
        Some(&Value::String("PENDING_AUTHORIZATION".into()))
    );
}

fn error_of(status: u16, header: Option<&str>, body: &str) -> Error {
    error(status, header, None, body.as_bytes())
}

#[test]
fn errors_map_by_type_with_or_without_prefix() {
    let cases: &[(&str, ErrorKind)] = &[
        ("InvalidInput", ErrorKind::InvalidInput),
        (
            "com.amazonaws.route53domains#InvalidInput",
            ErrorKind::InvalidInput,
        ),
        ("DuplicateRequest", ErrorKind::Duplicate),
        ("OperationLimitExceeded", ErrorKind::Api),
        ("UnsupportedTLD", ErrorKind::InvalidInput),
        ("TLDRulesViolation", ErrorKind::InvalidInput),
        ("DomainLimitExceeded", ErrorKind::Api),
        ("TLDInMaintenance", ErrorKind::Api),
        ("UnrecognizedClientException", ErrorKind::Auth),
        ("InvalidSignatureException", ErrorKind::Auth),
        ("SomethingNew", ErrorKind::Api),
    ];
    for (ty, kind) in cases {
        let e = error_of(
            400,
            None,
            &format!(r#"{{"__type":"{ty}","message":"why"}}"#),
        );
        assert_eq!(e.kind(), kind, "{ty}");
        assert_eq!(e.provider_code(), Some(error_name(ty)));
        assert_eq!(e.message(), "why");
        assert_eq!(e.http_status(), Some(400));
    }
    let e = error_of(
        400,
        None,
        r#"{"__type":"ThrottlingException","message":"slow down"}"#,
    );
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }));
    assert!(e.is_retryable());
    assert!(error_of(400, None, r#"{"__type":"OperationLimitExceeded"}"#).is_retryable());
    assert!(error_of(400, None, r#"{"__type":"TLDInMaintenance"}"#).is_retryable());
    assert!(!error_of(400, None, r#"{"__type":"InvalidInput"}"#).is_retryable());
    assert_eq!(
        error_of(400, None, r#"{"__type":"DomainLimitExceeded"}"#).class(),
        ErrorClass::SupportRecoverable
    );
}

#[test]
fn the_error_type_header_is_used_when_the_body_has_none() {
    let e = error_of(
        400,
        Some(
            "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/",
        ),
        r#"{"message":"The request signature we calculated does not match"}"#,
    );
    assert_eq!(e.kind(), &ErrorKind::Auth);
    assert_eq!(e.provider_code(), Some("InvalidSignatureException"));
    let e = error_of(403, Some("UnrecognizedClientException"), "");
    assert_eq!(e.kind(), &ErrorKind::Auth);
}

#[test]
fn server_errors_are_transport_failures() {
    let e = error_of(
        500,
        None,
        r#"{"__type":"InternalFailure","message":"oops"}"#,
    );
    assert!(matches!(
        e.kind(),
        ErrorKind::Transport {
            may_have_reached_server: true,
            ..
        }
    ));
    assert!(e.is_retryable());
    assert!(!e.is_safe_to_retry(false), "a write is not resent");
    let e = error_of(502, None, "<html>bad gateway</html>");
    assert!(e.is_transport());
    let e = error_of(418, None, "<html>teapot</html>");
    assert!(e.is_protocol());
    assert!(e.excerpt().unwrap().contains("teapot"));
}

#[test]
fn filters_translate_to_list_requests() {
    let since = chrono::DateTime::from_timestamp(1_600_000_000, 0).unwrap();
    let f = OperationFilter::new()
        .status(OperationStatus::Pending)
        .status(OperationStatus::Failed)
        .kind("REGISTER_DOMAIN")
        .submitted_since(since)
        .target(TargetMatch::Exact("example.com".into()))
        .sort(Sort::newest_first())
        .page_size(500);
    let r = list_request(&f, Some("m1".into()));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "SubmittedSince": 1600000000,
            "Marker": "m1",
            "MaxItems": 100,
            "Status": ["SUBMITTED", "FAILED", "ERROR"],
            "Type": ["REGISTER_DOMAIN"],
            "SortBy": "SubmittedDate",
            "SortOrder": "DESC",
        })
    );
    // Sets the server cannot select exactly stay on the client.
    let f = OperationFilter::new()
        .status(OperationStatus::InProgress)
        .kind("SOMETHING_NEW");
    let json = serde_json::to_value(list_request(&f, None)).unwrap();
    assert_eq!(json, serde_json::json!({"MaxItems": 100}));
    let f = OperationFilter::new().status(OperationStatus::ActionRequired);
    assert_eq!(list_request(&f, None).status, None);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = crate::client::decode_list_operations(&bytes);
        let _ = crate::client::decode_operation_detail(&bytes);
        let _ = error(400, None, None, &bytes);
    }

    #[test]
    fn any_status_and_flag_words_are_kept(status in "[A-Z_]{0,24}", flag in proptest::option::of("[A-Z_]{1,24}")) {
        let mut body = serde_json::json!({"OperationId": "id", "Status": status});
        if let Some(f) = &flag {
            body["StatusFlag"] = serde_json::Value::String(f.clone());
        }
        let op = operation(serde_json::from_value(body).unwrap(), None).unwrap();
        prop_assert_eq!(&op.raw_status, &status);
        if let OperationStatus::Unknown(raw) = &op.status {
            prop_assert_eq!(raw, &status);
        }
        prop_assert_eq!(op.action_required.is_some(), op.status == OperationStatus::ActionRequired);
    }

    #[test]
    fn operations_round_trip_through_json(
        id in "[a-f0-9-]{1,36}",
        status in prop::sample::select(WireStatus::KNOWN),
        ty in prop::sample::select(crate::generated::OperationType::KNOWN),
        millis in 0i64..4_000_000_000_000,
        domain in "[a-z]{1,20}\\.(com|net|ca)",
    ) {
        let d = OperationDetail {
            operation_id: Some(id.clone()),
            status: Some(status.clone()),
            r#type: Some(ty.clone()),
            domain_name: Some(domain.clone()),
            submitted_date: Some(Timestamp::At(
                chrono::DateTime::from_timestamp_millis(millis).unwrap(),
            )),
            ..OperationDetail::default()
        };
        let json = serde_json::to_vec(&d).unwrap();
        let back: OperationDetail = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(&back, &d);
        let op = operation(back, None).unwrap();
        prop_assert_eq!(op.id.as_str(), id.as_str());
        prop_assert_eq!(op.submitted_at.unwrap().timestamp_millis(), millis);
        prop_assert_eq!(op.raw_status, status.as_str());
    }
}
