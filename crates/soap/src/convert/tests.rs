use super::*;
use crate::encoding::decode_response;
use proptest::prelude::*;

fn paris() -> ServerTimeZone {
    ServerTimeZone::PARIS
}

#[test]
fn every_status_word_maps_as_design_says() {
    use OperationStatus as S;
    let cases = [
        ("Pending", S::Pending),
        ("Done", S::Succeeded),
        ("Failed", S::Failed),
        ("Cancelled", S::Cancelled),
        ("Suspended", S::Unknown("Suspended".into())),
    ];
    for (word, want) in cases.clone() {
        assert_eq!(status_of(&WireStatus::from(word)), want, "{word}");
    }
    for known in WireStatus::KNOWN {
        assert!(cases.iter().any(|(w, _)| *w == known.as_str()), "{known}");
    }
}

#[test]
fn an_untyped_answer_converts_like_a_typed_one() {
    let body = r#"<Envelope><Body><queryOpeResponse><return><ID_OPE>77</ID_OPE><STATUS>Done</STATUS><MESSAGE/><TYPE>domainRenew</TYPE><DATE>2024-07-01 12:00:00</DATE><NEW>x</NEW></return></queryOpeResponse></Body></Envelope>"#;
    let value = decode_response(body.as_bytes()).unwrap().unwrap();
    let r: StructOperationResponse = decode(value, "queryOpe").unwrap();
    let op = operation(r, paris()).unwrap();
    assert_eq!(op.id.as_str(), "77");
    assert_eq!(op.status, OperationStatus::Succeeded);
    assert_eq!(op.message, None, "an empty MESSAGE is no message");
    assert_eq!(
        op.submitted_at.unwrap().to_rfc3339(),
        "2024-07-01T10:00:00+00:00",
        "summer time in Paris"
    );
    assert_eq!(op.extra.get("NEW"), Some(&Value::String("x".into())));
}

#[test]
fn odd_answers_are_protocol_errors_or_kept() {
    let no_id: StructOperationResponse =
        serde_json::from_value(serde_json::json!({"STATUS": "Done"})).unwrap();
    assert!(operation(no_id, paris()).unwrap_err().is_protocol());
    let bad = decode::<StructOperationResponse>(
        SoapValue::Struct(vec![("ID_OPE".into(), SoapValue::string("abc"))]),
        "queryOpe",
    );
    assert!(bad.unwrap_err().is_protocol());
    let odd_date: StructOperationResponse = serde_json::from_value(
        serde_json::json!({"ID_OPE": 1, "STATUS": "Pending", "DATE": "yesterday"}),
    )
    .unwrap();
    let op = operation(odd_date, paris()).unwrap();
    assert_eq!(op.submitted_at, None);
    assert_eq!(
        op.extra.get("DATE"),
        Some(&Value::String("yesterday".into()))
    );
    // A list answer may be one item, or nothing.
    let one: Vec<StructQueryOpePending> = decode_list(
        SoapValue::Struct(vec![("id_ope".into(), SoapValue::Int(5))]),
        "queryOpePending",
    )
    .unwrap();
    assert_eq!(one.len(), 1);
    let none: Vec<StructQueryOpePending> = decode_list(SoapValue::Null, "x").unwrap();
    assert!(none.is_empty());
}

#[test]
fn faults_map_to_kinds_and_keep_their_code() {
    let f = |code: &str, text: &str| Fault {
        code: code.into(),
        string: text.into(),
    };
    let cases = [
        ("E01", ErrorKind::Auth),
        ("E02", ErrorKind::Auth),
        ("E04", ErrorKind::NotFound),
        ("E13", ErrorKind::InvalidInput),
        ("E99", ErrorKind::Api),
        ("Client", ErrorKind::Protocol),
    ];
    for (code, kind) in cases {
        let e = fault_error(&f(code, "E13 : Province : Invalid value"), 500);
        assert_eq!(*e.kind(), kind, "{code}");
        assert_eq!(e.provider_code(), Some(code));
        assert_eq!(e.http_status(), Some(500));
    }
    assert!(fault_error(&f("Server", "boom"), 500).is_transport());
    assert_eq!(
        fault_error(&f("E02", ""), 500).class(),
        ErrorClass::Temporary
    );
    assert!(is_session_fault(&fault_error(&f("E02", "x"), 500)));
    assert_eq!(fault_error(&f("E13", ""), 500).message(), "E13");
}

#[test]
fn certificates_convert() {
    let info: StructSSLInfo = serde_json::from_value(serde_json::json!({
        "IDSSL": 501, "PROD": "SSL_RAPID", "DURATION": "2", "STATUS": "Active",
        "DATE_CREATE": "2024-01-02", "DATE_EXPIRATION": null, "AUTO_RENEW": "1",
        "CN": "www.example.com", "SAN": "a.example.com, b.example.com", "VALIDATION": "dns"
    }))
    .unwrap();
    let c = certificate(info, paris()).unwrap();
    assert_eq!(c.id.as_str(), "501");
    assert_eq!(c.status, CertificateStatus::Valid);
    assert_eq!(c.raw_status.as_deref(), Some("Active"));
    assert_eq!(c.alt_names, ["a.example.com", "b.example.com"]);
    assert_eq!(c.dcv_method, Some(DcvMethod::Dns));
    assert_eq!(c.extra.get("AUTO_RENEW"), Some(&Value::Bool(true)));
    assert_eq!(c.extra.get("DURATION"), Some(&Value::Int(2)));
    assert_eq!(
        certificate_status("Suspendu"),
        CertificateStatus::Unknown("Suspendu".into())
    );
    let none = CertificateSubject::default();
    assert!(csr(None, None, &[], &none).is_err());
    assert_eq!(
        csr(Some(" PEM "), Some("x"), &[], &none).unwrap().csr,
        "PEM"
    );
}

#[test]
fn a_csr_carries_its_subject_and_names_by_netims_member_names() {
    let mut subject = CertificateSubject::default();
    subject.country = Some("FR".into());
    subject.organization = Some("Boulangerie".into());
    subject.email = Some("ssl@example.com".into());
    let names = ["a.example.com".to_owned(), "b.example.com".to_owned()];
    let s = csr(Some("PEM"), Some("www.example.com"), &names, &subject).unwrap();
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "CSR": "PEM", "CommonName": "www.example.com",
            "AlternativeNames": "a.example.com,b.example.com", "Country": "FR",
            "Organisation": "Boulangerie", "EmailAddress": "ssl@example.com"
        })
    );
}

#[test]
fn validation_is_file_or_email_with_addresses_and_nothing_else() {
    let mails = ["a@example.com".to_owned(), "b@example.com".to_owned()];
    assert_eq!(validation(None, &[]).unwrap(), "file");
    assert_eq!(validation(Some(&DcvMethod::File), &[]).unwrap(), "file");
    assert_eq!(
        validation(None, &mails).unwrap(),
        "email:a@example.com,b@example.com"
    );
    assert_eq!(
        validation(Some(&DcvMethod::Email), &mails[..1]).unwrap(),
        "email:a@example.com"
    );
    let e = validation(Some(&DcvMethod::Email), &[]).unwrap_err();
    assert_eq!(*e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(validation(Some(&DcvMethod::File), &mails).is_err());
    for m in [DcvMethod::Dns, DcvMethod::Https, DcvMethod::Auto] {
        let e = validation(Some(&m), &[]).unwrap_err();
        assert!(e.is_unsupported(), "{e}");
    }
}

proptest! {
    #[test]
    fn any_answer_converts_or_errors_without_panicking(
        id in proptest::option::of(any::<i64>()),
        status in "[A-Za-z]{0,10}",
        date in "[0-9: -]{0,20}",
    ) {
        let mut members = vec![("STATUS".to_owned(), SoapValue::string(status)), ("DATE".to_owned(), SoapValue::string(date))];
        if let Some(id) = id {
            members.push(("ID_OPE".into(), SoapValue::Int(id)));
        }
        if let Ok(r) = decode::<StructOperationResponse>(SoapValue::Struct(members), "x") {
            let _ = operation(r, paris());
        }
    }
}
