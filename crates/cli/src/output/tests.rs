//! The JSON contract, pinned.

use super::*;
use chrono::TimeZone;
use regops_core::{CertificateStatus, DcvMethod, ErrorClass, OperationError, OperationStatus};
use std::time::Duration;

fn full_operation() -> Operation {
    let mut op = Operation::new("gandi", "100100", OperationStatus::Failed, "ERROR");
    op.kind = Some("domain_renew".into());
    op.target = Some("example.com".into());
    op.submitted_at = Some(Utc.with_ymd_and_hms(2015, 9, 15, 16, 29, 16).unwrap());
    op.started_at = Some(Utc.timestamp_millis_opt(1573749367864).unwrap());
    op.updated_at = Some(Utc.with_ymd_and_hms(2015, 9, 15, 16, 31, 2).unwrap());
    op.scheduled_at = Some(Utc.with_ymd_and_hms(2019, 8, 17, 12, 27, 31).unwrap());
    op.eta = Some(Duration::from_secs(42));
    op.message = Some("Invalid contact".into());
    op.error = Some(OperationError::new(
        ErrorClass::Fatal,
        Some("duplicate".into()),
        Some("Invalid contact".into()),
    ));
    op.action_required = Some("confirm the transfer".into());
    op
}

#[test]
fn golden_operation_object_with_every_field() {
    let op = full_operation();
    let json = serde_json::to_string(&OperationJson::new("gandi", &op)).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"account":"gandi","provider":"gandi","id":"100100","status":"failed","raw_status":"ERROR","#,
            r#""type":"domain_renew","target":"example.com","submitted_at":"2015-09-15T16:29:16Z","#,
            r#""started_at":"2019-11-14T16:36:07.864Z","updated_at":"2015-09-15T16:31:02Z","#,
            r#""scheduled_at":"2019-08-17T12:27:31Z","eta_seconds":42,"message":"Invalid contact","#,
            r#""error":{"class":"fatal","code":"duplicate","message":"Invalid contact"},"#,
            r#""action_required":"confirm the transfer"}"#
        )
    );
}

#[test]
fn golden_operation_object_with_every_field_null() {
    let op = Operation::new(
        "route53",
        "43884ce5-e30a-4801-858f-7aa86356c127",
        OperationStatus::Pending,
        "SUBMITTED",
    );
    let json = serde_json::to_string(&OperationJson::new("aws", &op)).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"account":"aws","provider":"route53","id":"43884ce5-e30a-4801-858f-7aa86356c127","#,
            r#""status":"pending","raw_status":"SUBMITTED","type":null,"target":null,"#,
            r#""submitted_at":null,"started_at":null,"updated_at":null,"scheduled_at":null,"#,
            r#""eta_seconds":null,"message":null,"error":null,"action_required":null}"#
        )
    );
}

#[test]
fn every_status_and_class_spelling() {
    let statuses = [
        (OperationStatus::Pending, "pending"),
        (OperationStatus::InProgress, "in_progress"),
        (OperationStatus::ActionRequired, "action_required"),
        (OperationStatus::Succeeded, "succeeded"),
        (OperationStatus::Failed, "failed"),
        (OperationStatus::Cancelled, "cancelled"),
        (OperationStatus::Unknown("PAUSED".into()), "unknown"),
    ];
    for (status, word) in statuses {
        let op = Operation::new("p", "1", status, "RAW");
        let v = serde_json::to_value(OperationJson::new("a", &op)).unwrap();
        assert_eq!(v["status"], word);
        assert_eq!(v["raw_status"], "RAW");
    }
    let classes = [
        (ErrorClass::Fatal, "fatal"),
        (ErrorClass::Temporary, "temporary"),
        (ErrorClass::ClientRecoverable, "client_recoverable"),
        (ErrorClass::SupportRecoverable, "support_recoverable"),
        (ErrorClass::Unknown, "unknown"),
    ];
    for (class, word) in classes {
        let mut op = Operation::new("p", "1", OperationStatus::Failed, "F");
        op.error = Some(OperationError::new(class, None, None));
        let v = serde_json::to_value(OperationJson::new("a", &op)).unwrap();
        assert_eq!(
            v["error"],
            serde_json::json!({"class": word, "code": null, "message": null})
        );
    }
}

#[test]
fn a_zero_eta_is_null() {
    let mut op = Operation::new("p", "1", OperationStatus::Pending, "WAIT");
    op.eta = Some(Duration::ZERO);
    let v = serde_json::to_value(OperationJson::new("a", &op)).unwrap();
    assert!(v["eta_seconds"].is_null());
}

#[test]
fn golden_certificate_object() {
    let mut c = regops_core::Certificate::new("gandi", "706", CertificateStatus::Valid);
    c.cn = Some("www.example.com".into());
    c.alt_names = vec!["example.com".into()];
    c.package = Some("cert_std_1_0_0".into());
    c.raw_status = Some("valid".into());
    c.dcv_method = Some(DcvMethod::Dns);
    c.expires_at = Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap());
    let json = serde_json::to_string(&CertificateJson::new("g", &c)).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"account":"g","provider":"gandi","id":"706","cn":"www.example.com","alt_names":["example.com"],"#,
            r#""package":"cert_std_1_0_0","status":"valid","raw_status":"valid","dcv_method":"dns","#,
            r#""created_at":null,"starts_at":null,"expires_at":"2026-01-02T03:04:05Z"}"#
        )
    );
    let odd = regops_core::Certificate::new("netim", "x", CertificateStatus::from("Suspended"));
    let v = serde_json::to_value(CertificateJson::new("n", &odd)).unwrap();
    assert_eq!(v["status"], "unknown");
}

#[test]
fn tables_align_and_fold_lines() {
    let mut a = full_operation();
    a.message = Some("line one\nline two".into());
    let b = Operation::new("gandi", "7", OperationStatus::Pending, "BILL");
    let mut out = Vec::new();
    operations_table(&mut out, &[a, b]).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("ID      STATUS   RAW"), "{text}");
    assert!(lines[1].ends_with("line one line two"), "{text}");
    assert!(lines[2].starts_with("7       pending  BILL"), "{text}");
}
