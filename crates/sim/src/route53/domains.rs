//! The domains the Route 53 sandbox holds, and the calls on them: `GetDomainDetail`,
//! `RenewDomain` (guarded by `CurrentExpiryYear`), `UpdateDomainContact`, the registrant's
//! reachability (`GetContactReachabilityStatus`, `ResendContactReachabilityEmail`),
//! `RetrieveDomainAuthCode`, and the transfers between two AWS accounts (the sandbox plays
//! both).
//!
//! A domain is held from the moment its registration or transfer is accepted. Its registrant
//! must confirm their address: the first e-mail never arrives, and a resent one is confirmed
//! three sandbox seconds later. A transfer to another account waits with
//! `PENDING_ACCEPTANCE` until it is accepted with its password, rejected or cancelled.

use super::{Op, State, error, submit_in};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{Value, json};

/// One domain of the account.
#[derive(Clone, Debug)]
pub(super) struct Domain {
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    expiry: DateTime<Utc>,
    nameservers: Vec<String>,
    /// `AdminContact`, `RegistrantContact`, `TechContact`, as sent.
    contacts: Value,
    reachability: Reach,
    auth_code: String,
    /// A transfer to another account waiting for acceptance: (account, password, operation).
    outgoing: Option<(String, String, String)>,
}

/// Where the registrant's confirmation stands.
#[derive(Clone, Copy, Debug)]
enum Reach {
    /// Mailed; confirmed at that time if the e-mail was resent.
    Pending(Option<DateTime<Utc>>),
    Done,
}

impl Reach {
    fn confirmed(self, now: DateTime<Utc>) -> bool {
        match self {
            Reach::Done => true,
            Reach::Pending(at) => at.is_some_and(|t| t <= now),
        }
    }
}

/// A domain the sandbox holds from the start, so that its calls can be tried at once.
pub const REGISTERED: &str = "registered.sim.example";

impl Domain {
    fn new(st: &mut State, now: DateTime<Utc>, years: i64, contacts: Value) -> Domain {
        Domain {
            created: now,
            updated: now,
            expiry: now + Duration::days(365 * years),
            nameservers: vec![
                "ns-1.awsdns-sim.example".into(),
                "ns-2.awsdns-sim.example".into(),
            ],
            contacts,
            reachability: Reach::Pending(None),
            auth_code: format!("sim-{:016x}", st.rng.next_u64()),
            outgoing: None,
        }
    }

    fn detail(&self, name: &str) -> Value {
        let mut v = json!({
            "DomainName": name,
            "Nameservers": self.nameservers.iter().map(|n| json!({"Name": n})).collect::<Vec<_>>(),
            "AutoRenew": true,
            "RegistrarName": "Sandbox Registrar, Inc.",
            "CreationDate": super::epoch(self.created),
            "UpdatedDate": super::epoch(self.updated),
            "ExpirationDate": super::epoch(self.expiry),
            "StatusList": ["clientTransferProhibited"],
            "DnsSec": "DISABLED",
            "AdminPrivacy": true,
        });
        for key in ["AdminContact", "RegistrantContact", "TechContact"] {
            if let Some(c) = self.contacts.get(key) {
                v[key] = c.clone();
            }
        }
        v
    }
}

/// The registrant's e-mail address in `contacts`.
fn registrant_email(contacts: &Value) -> Option<&str> {
    contacts
        .pointer("/RegistrantContact/Email")
        .and_then(Value::as_str)
}

/// The contacts a request carries.
fn contacts_of(input: &Value) -> Value {
    let mut out = json!({});
    for key in ["AdminContact", "RegistrantContact", "TechContact"] {
        if let Some(c) = input.get(key) {
            out[key] = c.clone();
        }
    }
    out
}

/// Seeds the domain held from the start.
pub(super) fn seed(st: &mut State, now: DateTime<Utc>) {
    let contacts =
        json!({"RegistrantContact": {"FirstName": "Sandbox", "Email": "owner@sim.example"}});
    let mut d = Domain::new(st, now - Duration::days(400), 2, contacts);
    d.reachability = Reach::Done;
    st.domains.insert(REGISTERED.to_owned(), d);
}

/// Records a domain whose registration (or transfer in) was just accepted.
pub(super) fn hold(st: &mut State, name: &str, input: &Value, now: DateTime<Utc>) {
    let years = input
        .get("DurationInYears")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let d = Domain::new(st, now, years.clamp(1, 10), contacts_of(input));
    st.domains.insert(name.to_owned(), d);
}

/// Runs a call on a domain, or `None` when `operation` is not one of them.
pub(super) fn call(
    st: &mut State,
    operation: &str,
    input: &Value,
    now: DateTime<Utc>,
) -> Option<(u16, String)> {
    let key = match operation {
        "ResendContactReachabilityEmail" | "GetContactReachabilityStatus" => "domainName",
        "GetDomainDetail"
        | "RenewDomain"
        | "UpdateDomainContact"
        | "RetrieveDomainAuthCode"
        | "TransferDomainToAnotherAwsAccount"
        | "AcceptDomainTransferFromAnotherAwsAccount"
        | "RejectDomainTransferFromAnotherAwsAccount"
        | "CancelDomainTransferToAnotherAwsAccount" => "DomainName",
        _ => return None,
    };
    let name = input
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !st.domains.contains_key(&name) {
        return Some(error(
            400,
            "InvalidInput",
            &format!("The domain {name:?} is not registered with this account"),
        ));
    }
    Some(match operation {
        "GetDomainDetail" => (200, st.domains[&name].detail(&name).to_string()),
        "RenewDomain" => renew(st, &name, input, now),
        "UpdateDomainContact" => update_contacts(st, &name, input, now),
        "GetContactReachabilityStatus" => {
            let done = st.domains[&name].reachability.confirmed(now);
            let status = if done { "DONE" } else { "PENDING" };
            (
                200,
                json!({"domainName": name, "status": status}).to_string(),
            )
        }
        "ResendContactReachabilityEmail" => {
            let d = st.domains.get_mut(&name).expect("checked above");
            let already = d.reachability.confirmed(now);
            if !already {
                d.reachability = Reach::Pending(Some(now + Duration::seconds(3)));
            }
            let email = registrant_email(&d.contacts).unwrap_or("registrant@sim.example");
            let answer =
                json!({"domainName": name, "emailAddress": email, "isAlreadyVerified": already});
            (200, answer.to_string())
        }
        "RetrieveDomainAuthCode" => (
            200,
            json!({"AuthCode": st.domains[&name].auth_code}).to_string(),
        ),
        _ => between_accounts(st, operation, &name, input, now),
    })
}

fn renew(st: &mut State, name: &str, input: &Value, now: DateTime<Utc>) -> (u16, String) {
    let years = input
        .get("DurationInYears")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let current = input.get("CurrentExpiryYear").and_then(Value::as_i64);
    let d = st.domains.get_mut(name).expect("checked by the caller");
    if current != Some(i64::from(d.expiry.year())) {
        return error(
            400,
            "InvalidInput",
            &format!(
                "CurrentExpiryYear {current:?} is not the year the domain expires ({})",
                d.expiry.year()
            ),
        );
    }
    if !(1..=10).contains(&years) {
        return error(400, "InvalidInput", "DurationInYears must be 1 to 10");
    }
    d.expiry += Duration::days(365 * years);
    d.updated = now;
    let id = submit_in(st, "RENEW_DOMAIN", name, now);
    (200, json!({"OperationId": id}).to_string())
}

fn update_contacts(st: &mut State, name: &str, input: &Value, now: DateTime<Utc>) -> (u16, String) {
    let given = contacts_of(input);
    if given.as_object().is_none_or(|o| o.is_empty()) {
        return error(400, "InvalidInput", "Give at least one contact");
    }
    let d = st.domains.get_mut(name).expect("checked by the caller");
    let before = registrant_email(&d.contacts).map(str::to_owned);
    for (key, c) in given.as_object().into_iter().flatten() {
        d.contacts[key] = c.clone();
    }
    // A new registrant address must be confirmed again.
    if registrant_email(&d.contacts).map(str::to_owned) != before {
        d.reachability = Reach::Pending(None);
    }
    d.updated = now;
    let id = submit_in(st, "UPDATE_DOMAIN_CONTACT", name, now);
    (200, json!({"OperationId": id}).to_string())
}

/// The transfers between two accounts; the sandbox plays both.
fn between_accounts(
    st: &mut State,
    operation: &str,
    name: &str,
    input: &Value,
    now: DateTime<Utc>,
) -> (u16, String) {
    let waiting = st.domains[name].outgoing.clone();
    match (operation, waiting) {
        ("TransferDomainToAnotherAwsAccount", Some(_)) => error(
            400,
            "DuplicateRequest",
            "A transfer of this domain to another account is already waiting",
        ),
        ("TransferDomainToAnotherAwsAccount", None) => send(st, name, input, now),
        (_, None) => error(
            400,
            "InvalidInput",
            "No transfer of this domain between accounts is waiting",
        ),
        ("AcceptDomainTransferFromAnotherAwsAccount", Some((_, password, out))) => {
            if input.get("Password").and_then(Value::as_str) != Some(password.as_str()) {
                return error(
                    400,
                    "InvalidInput",
                    "The password is not valid for this transfer",
                );
            }
            accept(st, name, &out, now)
        }
        (_, Some((_, _, out))) => {
            let message = if operation == "RejectDomainTransferFromAnotherAwsAccount" {
                "The receiving account rejected the transfer"
            } else {
                "The transfer was cancelled before it was accepted"
            };
            st.domains.get_mut(name).expect("checked").outgoing = None;
            let elapsed = elapsed(st, &out, now);
            set_plan(st, &out, now, &[(elapsed, "FAILED", None)], Some(message));
            (200, json!({"OperationId": out}).to_string())
        }
    }
}

/// `TransferDomainToAnotherAwsAccount`: the operation waits for the other account, which
/// needs the password answered here.
fn send(st: &mut State, name: &str, input: &Value, now: DateTime<Utc>) -> (u16, String) {
    let account = input.get("AccountId").and_then(Value::as_str).unwrap_or("");
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return error(400, "InvalidInput", "AccountId must be 12 digits");
    }
    let id = submit_in(st, "INTERNAL_TRANSFER_OUT_DOMAIN", name, now);
    let waits = [
        (0, "SUBMITTED", None),
        (1, "IN_PROGRESS", Some("PENDING_ACCEPTANCE")),
    ];
    set_plan(st, &id, now, &waits, None);
    let password = format!("{:012x}", st.rng.next_u64() & 0xffff_ffff_ffff);
    let d = st.domains.get_mut(name).expect("checked by the caller");
    d.outgoing = Some((account.to_owned(), password.clone(), id.clone()));
    let answer = json!({"OperationId": id, "Password": password});
    (200, answer.to_string())
}

/// `AcceptDomainTransferFromAnotherAwsAccount` with the right password: the transfer out
/// (`out`) ends, and a transfer in starts and succeeds.
fn accept(st: &mut State, name: &str, out: &str, now: DateTime<Utc>) -> (u16, String) {
    st.domains.get_mut(name).expect("checked").outgoing = None;
    let elapsed = elapsed(st, out, now);
    let ends = [
        (elapsed, "IN_PROGRESS", None),
        (elapsed + 2, "SUCCESSFUL", None),
    ];
    set_plan(st, out, now, &ends, None);
    let id = submit_in(st, "INTERNAL_TRANSFER_IN_DOMAIN", name, now);
    let runs = [
        (0, "SUBMITTED", None),
        (1, "IN_PROGRESS", None),
        (3, "SUCCESSFUL", None),
    ];
    set_plan(st, &id, now, &runs, None);
    (200, json!({"OperationId": id}).to_string())
}

/// Seconds since operation `id` was submitted.
fn elapsed(st: &State, id: &str, now: DateTime<Utc>) -> i64 {
    st.ops
        .iter()
        .find(|o| o.id == id)
        .map_or(0, |o| (now - o.created).num_seconds())
}

/// Replaces what operation `id` does from the first step of `steps` on (seconds after it was
/// submitted); the steps before stay as they were.
fn set_plan(
    st: &mut State,
    id: &str,
    now: DateTime<Utc>,
    steps: &[(i64, &'static str, Option<&'static str>)],
    message: Option<&'static str>,
) {
    let Some(op) = st.ops.iter_mut().find(|o: &&mut Op| o.id == id) else {
        return;
    };
    let from = steps
        .first()
        .map_or((now - op.created).num_seconds(), |s| s.0);
    op.plan.retain(|(at, _)| *at < from);
    op.plan
        .extend(steps.iter().map(|(at, s, f)| (*at, (*s, *f))));
    op.message = message;
}
