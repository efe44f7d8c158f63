use super::*;
use crate::generated::ErrorTypeReturn;
use crate::value::from_value;
use chrono::TimeZone;

fn op(members: Vec<(&str, Value)>) -> OperationReturn {
    from_value(Value::structure(members)).unwrap()
}

#[test]
fn every_step_has_its_status_and_unknown_words_are_kept() {
    let table = [
        ("BILL", OperationStatus::Pending),
        ("WAIT", OperationStatus::Pending),
        ("RUN", OperationStatus::InProgress),
        ("SUPPORT", OperationStatus::ActionRequired),
        ("DONE", OperationStatus::Succeeded),
        ("ERROR", OperationStatus::Failed),
        ("CANCEL", OperationStatus::Cancelled),
        ("PAUSED", OperationStatus::Unknown("PAUSED".into())),
    ];
    for (step, status) in table {
        assert_eq!(status_of(step), status, "{step}");
        if !matches!(status, OperationStatus::Unknown(_)) {
            assert!(steps_of(&status).contains(&step.to_owned()));
        }
    }
}

#[test]
fn a_failed_operation_maps_every_field_in_utc() {
    let o = operation(
        op(vec![
            ("id", Value::Int(100100)),
            ("step", Value::from("ERROR")),
            ("type", Value::from("domain_renew")),
            ("eta", Value::Int(0)),
            (
                "date_created",
                Value::DateTime(DateTime::parse("20150915T18:29:16")),
            ),
            ("date_start", Value::Nil),
            (
                "date_updated",
                Value::DateTime(DateTime::parse("20150915T18:31:02")),
            ),
            ("errortype", Value::from("fatal")),
            ("last_error", Value::from("Invalid contact")),
            (
                "params",
                Value::structure([("domain", Value::from("example.com"))]),
            ),
            (
                "infos",
                Value::structure([("label", Value::from("other.com"))]),
            ),
        ]),
        ServerTimeZone::PARIS,
    );
    assert_eq!(o.id.as_str(), "100100");
    assert_eq!(o.status, OperationStatus::Failed);
    assert_eq!(o.raw_status, "ERROR");
    assert_eq!(o.kind.as_deref(), Some("domain_renew"));
    assert_eq!(o.target.as_deref(), Some("example.com"));
    // Paris is UTC+2 in September.
    assert_eq!(
        o.submitted_at,
        Some(Utc.with_ymd_and_hms(2015, 9, 15, 16, 29, 16).unwrap())
    );
    assert_eq!(
        o.updated_at,
        Some(Utc.with_ymd_and_hms(2015, 9, 15, 16, 31, 2).unwrap())
    );
    assert_eq!(o.started_at, None);
    assert_eq!(o.eta, None);
    assert_eq!(o.message.as_deref(), Some("Invalid contact"));
    assert_eq!(
        o.error,
        Some(OperationError::new(
            ErrorClass::Fatal,
            None,
            Some("Invalid contact".into())
        ))
    );
    assert_eq!(
        o.extra["params"].get("domain").and_then(|v| v.as_str()),
        Some("example.com")
    );
}

#[test]
fn target_falls_back_to_infos_label_and_eta_must_be_positive() {
    let o = operation(
        op(vec![
            ("id", Value::Int(1)),
            ("step", Value::from("RUN")),
            ("eta", Value::Int(120)),
            (
                "infos",
                Value::structure([("label", Value::from("www.example.com"))]),
            ),
        ]),
        ServerTimeZone::UTC,
    );
    assert_eq!(o.target.as_deref(), Some("www.example.com"));
    assert_eq!(o.eta, Some(Duration::from_secs(120)));
    assert_eq!(o.error, None);
    let neg = operation(
        op(vec![
            ("id", Value::Int(1)),
            ("step", Value::from("RUN")),
            ("eta", Value::Int(-5)),
        ]),
        ServerTimeZone::UTC,
    );
    assert_eq!(neg.eta, None);
    assert_eq!(neg.target, None);
}

#[test]
fn errortype_forms_give_class_and_code() {
    let detail = |name: Option<&str>, ty: Option<&str>| {
        let mut d: ErrorTypeReturn =
            from_value(Value::structure(Vec::<(&str, Value)>::new())).unwrap();
        d.name = name.map(str::to_owned);
        d.r#type = ty.map(str::to_owned);
        ErrorType::Detail(d)
    };
    let cases = [
        (
            ErrorType::Word("temporary".into()),
            ErrorClass::Temporary,
            None,
        ),
        (
            ErrorType::Word("duplicate".into()),
            ErrorClass::Fatal,
            Some("duplicate"),
        ),
        (
            ErrorType::Word("ratelimit".into()),
            ErrorClass::Temporary,
            Some("ratelimit"),
        ),
        (
            ErrorType::Word("certificate:invalid_email".into()),
            ErrorClass::ClientRecoverable,
            Some("certificate:invalid_email"),
        ),
        (
            ErrorType::Word("brand_new".into()),
            ErrorClass::Unknown,
            Some("brand_new"),
        ),
        (
            detail(Some("invalid_email"), Some("fatal")),
            ErrorClass::Fatal,
            Some("invalid_email"),
        ),
        (
            detail(Some("invalid_email"), None),
            ErrorClass::ClientRecoverable,
            Some("invalid_email"),
        ),
        (
            detail(None, Some("support_recoverable")),
            ErrorClass::SupportRecoverable,
            None,
        ),
    ];
    for (et, class, code) in cases {
        assert_eq!(classify(&et), (class, code.map(str::to_owned)), "{et:?}");
    }
}

#[test]
fn support_step_says_what_is_required() {
    let o = operation(
        op(vec![
            ("id", Value::Int(7)),
            ("step", Value::from("SUPPORT")),
            ("last_support_error", Value::from("Document needed")),
        ]),
        ServerTimeZone::UTC,
    );
    assert_eq!(o.status, OperationStatus::ActionRequired);
    assert_eq!(o.action_required.as_deref(), Some("Document needed"));
    assert_eq!(o.message.as_deref(), Some("Document needed"));
}

#[test]
fn faults_map_to_kinds_by_cause_and_keep_code_and_text() {
    type Check = fn(&Error) -> bool;
    let cases: [(i64, Check); 8] = [
        (510042, |e| e.is_not_found()),
        (510150, |e| e.is_auth()),
        (505041, |e| matches!(e.kind(), ErrorKind::Duplicate)),
        (510036, |e| matches!(e.kind(), ErrorKind::InvalidInput)),
        (500099, |e| {
            matches!(e.kind(), ErrorKind::RateLimited { .. })
        }),
        (530040, |e| matches!(e.kind(), ErrorKind::Api)),
        (150001, |e| e.is_transport() && e.may_have_reached_server()),
        (100004, |e| {
            matches!(e.kind(), ErrorKind::RateLimited { .. })
        }),
    ];
    for (code, check) in cases {
        let e = fault(
            &Fault {
                code,
                string: "Error on object : OBJECT_X (CAUSE_Y)\n[detail]".into(),
            },
            "operation.info",
        );
        assert!(check(&e), "{code}: {:?}", e.kind());
        assert_eq!(e.provider_code(), Some(code.to_string().as_str()));
        assert_eq!(e.message(), "Error on object : OBJECT_X (CAUSE_Y) [detail]");
        assert_eq!(e.provider(), Some("gandi"));
    }
}

#[test]
fn filters_become_server_options_widened_to_whole_seconds() {
    let since = Utc.with_ymd_and_hms(2015, 1, 10, 12, 0, 0).unwrap();
    let f = OperationFilter::new()
        .status(OperationStatus::InProgress)
        .kind("domain_renew")
        .submitted_since(since)
        .target(TargetMatch::Prefix("exa_m".into()))
        .ids([
            regops_core::OperationId::new("5"),
            regops_core::OperationId::new("6"),
        ]);
    let o = list_options(&f, ServerTimeZone::PARIS);
    assert_eq!(o.step.as_deref(), Some("RUN"));
    assert_eq!(o.r#type.as_deref(), Some("domain_renew"));
    assert_eq!(o.date_created_gt.as_deref(), Some("20150110T12:59:59"));
    assert_eq!(o.domain_like.as_deref(), Some("exa\\_m%"));
    assert_eq!(o.id, Some(OneOrMany::Many(vec![5, 6])));
    // Pending is two steps: the server cannot filter it in one option.
    let p = list_options(
        &OperationFilter::new().status(OperationStatus::Pending),
        ServerTimeZone::UTC,
    );
    assert_eq!(p.step, None);
    // Any unknown step cannot be asked of the server, even beside one it can.
    for f in [
        OperationFilter::new().unknown_statuses(),
        OperationFilter::new()
            .status(OperationStatus::Succeeded)
            .unknown_statuses(),
    ] {
        assert_eq!(list_options(&f, ServerTimeZone::UTC).step, None, "{f:?}");
        assert!(!exact_on_server(&f));
    }
}

#[test]
fn a_certificate_keeps_every_member_the_core_model_has_no_field_for() {
    // The 31 members of CertificateReturn, each with a value of its type.
    let mut members: Vec<(String, Value)> = crate::generated::CertificateReturn::FIELDS
        .iter()
        .map(|name| ((*name).to_owned(), Value::String(format!("v-{name}"))))
        .collect();
    for (name, v) in members.iter_mut() {
        *v = match name.as_str() {
            "id" | "sha_version" | "software" => Value::Int(7),
            "card_pay_trustlogo" | "trustlogo" => Value::Bool(true),
            n if n.starts_with("date_") => {
                Value::DateTime(crate::date::DateTime::parse("20150915T18:29:16"))
            }
            "altnames" => Value::Array(vec![Value::String("a.example".into())]),
            "trustlogo_token" => Value::structure(vec![("token", Value::String("t".into()))]),
            "status" => Value::String("valid".into()),
            _ => v.clone(),
        };
    }
    assert_eq!(members.len(), 31, "the reference lists 31 members");
    let raw: crate::generated::CertificateReturn =
        from_value(Value::Struct(members.into_iter().collect())).unwrap();
    let c = certificate(raw, ServerTimeZone::UTC);
    assert_eq!(c.status, regops_core::CertificateStatus::Valid);
    assert_eq!(c.alt_names, ["a.example"]);
    for name in crate::generated::CertificateReturn::FIELDS {
        let mapped = [
            "id",
            "cn",
            "altnames",
            "package",
            "status",
            "date_created",
            "date_start",
            "date_end",
        ];
        assert_eq!(
            c.extra.contains_key(*name),
            !mapped.contains(name),
            "{name}: in extra exactly when the model has no field for it"
        );
    }
    assert_eq!(
        c.extra.get("ida_email"),
        Some(&regops_core::Value::String("v-ida_email".into()))
    );
    assert_eq!(
        c.extra.get("trustlogo"),
        Some(&regops_core::Value::Bool(true))
    );
}

#[test]
fn errortype_struct_is_kept_whole_with_refundable() {
    let o = operation(
        op(vec![
            ("id", Value::Int(1)),
            ("step", Value::String("ERROR".into())),
            (
                "errortype",
                Value::structure(vec![
                    ("name", Value::String("certificate:req_rejected".into())),
                    ("refundable", Value::Bool(true)),
                    ("type", Value::String("fatal".into())),
                ]),
            ),
        ]),
        ServerTimeZone::UTC,
    );
    let e = o.extra.get("errortype").expect("kept");
    assert_eq!(e.get("refundable"), Some(&regops_core::Value::Bool(true)));
    assert_eq!(
        e.get("name").and_then(regops_core::Value::as_str),
        Some("certificate:req_rejected")
    );
}

#[test]
fn provider_parameters_are_typed_by_the_call_and_unknown_or_doubled_ones_refused() {
    let mut params = regops_core::ProviderParams::new();
    params.insert("software".into(), "3".into());
    params.insert("handle".into(), "AB1-GANDI".into());
    params.insert("accept_contract".into(), "true".into());
    let order = regops_core::CertificateOrder::new("cert_std_1_0_0", "www.example.com")
        .params(params.clone());
    let p = certificate_create(&order).unwrap();
    assert_eq!(p.software, Some(3));
    assert_eq!(p.accept_contract, Some(true));
    assert_eq!(p.handle, Some(OneOrMany::One("AB1-GANDI".into())));
    assert_eq!(p.cn.as_deref(), Some("www.example.com"));

    for (key, value, says) in [
        ("sofware", "3", "not a parameter of cert.create"),
        ("software", "three", "parameters of cert.create"),
        ("accept_contract", "maybe", "not a boolean"),
        ("cn", "other.example", "regops's own option"),
    ] {
        let mut p = regops_core::ProviderParams::new();
        p.insert(key.into(), value.into());
        let e = certificate_create(
            &regops_core::CertificateOrder::new("cert_std_1_0_0", "w.example").params(p),
        )
        .unwrap_err();
        assert_eq!(*e.kind(), ErrorKind::InvalidInput, "{key}: {e}");
        assert!(e.message().contains(says), "{key}: {e}");
    }
    let mut p = regops_core::ProviderParams::new();
    p.insert("backend-version".into(), "3".into());
    let d = certificate_delete(
        &regops_core::CertificateRevocation::new()
            .reason("key compromise")
            .params(p),
    )
    .unwrap();
    assert_eq!(d.backend_version.as_deref(), Some("3"));
    assert_eq!(d.reason.as_deref(), Some("key compromise"));
}

#[test]
fn dns_records_are_read_from_zone_lines_and_structs() {
    let line =
        Value::String("_2f4c.www.example.com. 10800 IN CNAME 11aa.22bb.comodoca.com.".into());
    let r = dns_record(&line).unwrap();
    assert_eq!(r.name, "_2f4c.www.example.com.");
    assert_eq!(r.kind, "CNAME");
    assert_eq!(r.value, "11aa.22bb.comodoca.com.");
    let s = Value::structure(vec![
        ("name", Value::String("_dv.example.com".into())),
        ("type", Value::String("TXT".into())),
        ("value", Value::String("token".into())),
    ]);
    assert_eq!(dns_record(&s).unwrap().value, "token");
    let odd = dns_record(&Value::String("something else".into())).unwrap();
    assert_eq!(
        (odd.name.as_str(), odd.kind.as_str()),
        ("something else", "")
    );
}
