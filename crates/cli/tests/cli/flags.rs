//! No flag is dropped silently: every (provider × command × flag) that reaches a provider is
//! either honoured — it reaches the provider's call — or refused before anything is sent (exit 2,
//! one line naming the flag and the provider). The tables below are the one in docs/cli.md.
//!
//! Each provider's endpoint is a scripted server that records what it receives, so a refusal is
//! proven by nothing arriving, and an honoured flag by what it sets on the wire: a Gandi flag by
//! its member in the XML-RPC call, the others by the value they carry. The `ops list` filters,
//! which regops applies itself to whatever the server could not, are walked against the sandbox
//! in `list_filters_change_what_is_listed_on_every_provider`.

use super::{command, error_line};
use regops_tests::{Answer, Scratch, ScriptedServer};
use serde_json::Value;

/// What regops does with a flag.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Does {
    /// Sends it: for Gandi, the call carries this member.
    Sends(&'static str),
    /// Refuses it before sending anything.
    Refuses,
    /// The provider has no such command at all: refused, naming the provider, nothing sent.
    NoCall,
}
use Does::*;

/// (provider, cert command, flag, what regops does); the command line is built by
/// [`base_args`] and [`flag_args`].
const CERT_TABLE: &[(&str, &str, &str, Does)] = &[
    ("gandi", "create", "--csr", Sends("csr")),
    ("gandi", "create", "--alt-name", Sends("altnames")),
    ("gandi", "create", "--dcv-method", Sends("dcv_method")),
    ("gandi", "create", "--dcv-email", Refuses),
    ("gandi", "create", "--duration", Sends("duration")),
    ("gandi", "create", "--country", Refuses),
    ("gandi", "create", "--city", Refuses),
    ("gandi", "create", "--region", Refuses),
    ("gandi", "create", "--organization", Refuses),
    ("gandi", "create", "--department", Refuses),
    ("gandi", "create", "--email", Refuses),
    ("gandi", "create", "--param", Sends("backend-version")),
    ("gandi", "renew", "--csr", Sends("csr")),
    ("gandi", "renew", "--dcv-method", Sends("dcv_method")),
    ("gandi", "renew", "--duration", Sends("duration")),
    ("gandi", "renew", "--param", Sends("backend-version")),
    ("gandi", "reissue", "--alt-name", Sends("altnames")),
    ("gandi", "reissue", "--dcv-method", Sends("dcv_method")),
    ("gandi", "reissue", "--dcv-email", Refuses),
    ("gandi", "reissue", "--country", Refuses),
    ("gandi", "reissue", "--param", Sends("backend-version")),
    ("gandi", "revoke", "--reason", Sends("reason")),
    ("gandi", "revoke", "--param", Sends("backend-version")),
    ("netim", "create", "--csr", Sends("MIIB")),
    ("netim", "create", "--alt-name", Sends("alt.example.com")),
    ("netim", "create", "--dcv-method", Sends(">file<")),
    (
        "netim",
        "create",
        "--dcv-email",
        Sends("email:admin@example.com"),
    ),
    ("netim", "create", "--duration", Sends(">2<")),
    ("netim", "create", "--country", Sends(">FR<")),
    ("netim", "create", "--city", Sends(">Paris<")),
    ("netim", "create", "--region", Sends(">IDF<")),
    ("netim", "create", "--organization", Sends(">Example SA<")),
    ("netim", "create", "--department", Sends(">IT<")),
    ("netim", "create", "--email", Sends(">ssl@example.com<")),
    ("netim", "create", "--param", Refuses),
    ("netim", "renew", "--csr", Refuses),
    ("netim", "renew", "--dcv-method", Refuses),
    ("netim", "renew", "--duration", Refuses),
    ("netim", "renew", "--param", Refuses),
    ("netim", "reissue", "--alt-name", Sends("alt.example.com")),
    ("netim", "reissue", "--dcv-method", Sends(">file<")),
    (
        "netim",
        "reissue",
        "--dcv-email",
        Sends("email:admin@example.com"),
    ),
    ("netim", "reissue", "--country", Sends(">FR<")),
    ("netim", "reissue", "--param", Refuses),
    ("netim", "revoke", "--reason", Refuses),
    ("netim", "revoke", "--param", Refuses),
    ("route53", "create", "--csr", NoCall),
    ("route53", "renew", "--duration", NoCall),
    ("route53", "reissue", "--alt-name", NoCall),
    ("route53", "revoke", "--reason", NoCall),
    ("autodns", "create", "--csr", NoCall),
    ("autodns", "renew", "--duration", NoCall),
    ("autodns", "reissue", "--dcv-method", NoCall),
    ("autodns", "revoke", "--reason", NoCall),
];

/// (provider, command line after `--account PROVIDER`, the flag under test, what regops does),
/// for the other commands that reach a provider. `{contacts}`, `{crt}` and `{key}` stand for
/// files the test writes.
#[rustfmt::skip]
const COMMAND_TABLE: &[(&str, &[&str], &str, Does)] = &[
    // domain cancel: AutoDNS carries every option; Route 53 deletes at once and nothing more.
    ("autodns", &["domain", "cancel", "example.com", "--type", "transit"], "--type", Sends("\"TRANSIT\"")),
    ("autodns", &["domain", "cancel", "example.com", "--execution", "2027-03-01"], "--execution", Sends("\"registryWhen\":\"2027-03-01")),
    ("autodns", &["domain", "cancel", "example.com", "--disconnect"], "--disconnect", Sends("\"disconnect\":true")),
    ("autodns", &["domain", "cancel", "example.com", "--type", "preack", "--gaining-registrar", "REG-17"], "--gaining-registrar", Sends("REG-17")),
    ("autodns", &["domain", "cancel", "example.com", "--reply-to", "ops@example.com"], "--reply-to", Sends("replyTo=ops")),
    ("autodns-gateway", &["domain", "cancel", "example.com", "--type", "transit"], "--type", Sends("<type>transit</type>")),
    ("autodns-gateway", &["domain", "cancel", "example.com", "--execution", "2027-03-01"], "--execution", Sends("<registry_when_date>2027-03-01")),
    ("autodns-gateway", &["domain", "cancel", "example.com", "--disconnect"], "--disconnect", Sends("<disconnect>1</disconnect>")),
    ("autodns-gateway", &["domain", "cancel", "example.com", "--type", "preack", "--gaining-registrar", "REG-17"], "--gaining-registrar", Sends("REG-17")),
    ("autodns-gateway", &["domain", "cancel", "example.com", "--reply-to", "ops@example.com"], "--reply-to", Sends("<reply_to>ops@example.com</reply_to>")),
    ("route53", &["domain", "cancel", "example.com", "--execution", "now"], "--execution", Sends("\"DomainName\":\"example.com\"")),
    ("route53", &["domain", "cancel", "example.com", "--execution", "expire"], "--execution", Refuses),
    ("route53", &["domain", "cancel", "example.com", "--execution", "now", "--type", "transit"], "--type", Refuses),
    ("route53", &["domain", "cancel", "example.com", "--execution", "now", "--disconnect"], "--disconnect", Refuses),
    ("route53", &["domain", "cancel", "example.com", "--execution", "now", "--gaining-registrar", "REG-17"], "--gaining-registrar", Refuses),
    ("route53", &["domain", "cancel", "example.com", "--execution", "now", "--reply-to", "ops@example.com"], "--reply-to", Refuses),
    ("autodns", &["domain", "cancel", "example.com", "--update", "--type", "transit"], "--update", Sends("PUT /v1/domain/example.com/cancelation")),
    ("autodns", &["domain", "cancel", "example.com", "--update", "--reply-to", "ops@example.com"], "--reply-to", Refuses),
    ("autodns-gateway", &["domain", "cancel", "example.com", "--update", "--type", "transit"], "--update", Sends("<code>0103102</code>")),
    ("route53", &["domain", "cancel", "example.com", "--execution", "now", "--update"], "--update", Refuses),
    ("gandi", &["domain", "cancel", "example.com"], "domain cancel", NoCall),
    ("netim", &["domain", "cancel", "example.com"], "domain cancel", NoCall),
    // domain register, transfer, nameservers, resend-authorization: Route 53's calls.
    ("route53", &["domain", "register", "example.com", "--contacts", "{contacts}"], "--contacts", Sends("ada@example.com")),
    ("route53", &["domain", "register", "example.com", "--contacts", "{contacts}", "--years", "2"], "--years", Sends("\"DurationInYears\":2")),
    ("route53", &["domain", "register", "example.com", "--contacts", "{contacts}", "--nameserver", "ns1.example.net"], "--nameserver", Refuses),
    ("route53", &["domain", "transfer", "example.com", "--auth-code", "code-4711", "--contacts", "{contacts}"], "--auth-code", Sends("code-4711")),
    ("route53", &["domain", "transfer", "example.com", "--auth-code", "code-4711", "--contacts", "{contacts}"], "--contacts", Sends("ada@example.com")),
    ("route53", &["domain", "transfer", "example.com", "--auth-code", "code-4711", "--contacts", "{contacts}", "--years", "3"], "--years", Sends("\"DurationInYears\":3")),
    ("route53", &["domain", "transfer", "example.com", "--auth-code", "code-4711", "--contacts", "{contacts}", "--nameserver", "ns1.example.net"], "--nameserver", Sends("ns1.example.net")),
    ("route53", &["domain", "nameservers", "example.com", "ns1.example.net"], "NS", Sends("ns1.example.net")),
    ("route53", &["domain", "resend-authorization", "op-1"], "OPERATION", Sends("\"OperationId\":\"op-1\"")),
    ("route53", &["domain", "renew", "example.com", "--years", "2"], "--years", Sends("\"DurationInYears\":2")),
    ("route53", &["domain", "renew", "example.com"], "DOMAIN", Sends("\"CurrentExpiryYear\":2030")),
    ("route53", &["domain", "renew", "example.com", "--years", "11"], "--years", Refuses),
    ("route53", &["domain", "contacts", "example.com", "--contacts", "{contacts}"], "--contacts", Sends("UpdateDomainContact {\"DomainName\":\"example.com\",\"AdminContact\":{\"FirstName\":\"Ada\"")),
    ("route53", &["domain", "reachability", "example.com"], "DOMAIN", Sends("GetContactReachabilityStatus {\"domainName\":\"example.com\"}")),
    ("route53", &["domain", "reachability", "example.com", "--resend"], "--resend", Sends("ResendContactReachabilityEmail {\"domainName\":\"example.com\"}")),
    ("route53", &["domain", "auth-code", "example.com"], "DOMAIN", Sends("RetrieveDomainAuthCode {\"DomainName\":\"example.com\"}")),
    ("route53", &["domain", "transfer-account", "send", "example.com", "--to", "123456789012"], "--to", Sends("\"AccountId\":\"123456789012\"")),
    ("route53", &["domain", "transfer-account", "send", "example.com", "--to", "1234"], "--to", Refuses),
    ("route53", &["domain", "transfer-account", "accept", "example.com", "--password", "pw-given"], "--password", Sends("\"Password\":\"pw-given\"")),
    ("route53", &["domain", "transfer-account", "reject", "example.com"], "DOMAIN", Sends("RejectDomainTransferFromAnotherAwsAccount {\"DomainName\":\"example.com\"}")),
    ("route53", &["domain", "transfer-account", "cancel", "example.com"], "DOMAIN", Sends("CancelDomainTransferToAnotherAwsAccount {\"DomainName\":\"example.com\"}")),
    ("gandi", &["domain", "renew", "example.com"], "domain renew", NoCall),
    ("gandi", &["domain", "contacts", "example.com", "--contacts", "{contacts}"], "domain contacts", NoCall),
    ("gandi", &["domain", "reachability", "example.com", "--resend"], "domain reachability", NoCall),
    ("gandi", &["domain", "auth-code", "example.com"], "domain auth-code", NoCall),
    ("gandi", &["domain", "transfer-account", "send", "example.com", "--to", "123456789012"], "domain transfer-account", NoCall),
    ("netim", &["domain", "renew", "example.com"], "domain renew", NoCall),
    ("netim", &["domain", "contacts", "example.com", "--contacts", "{contacts}"], "domain contacts", NoCall),
    ("netim", &["domain", "reachability", "example.com", "--resend"], "domain reachability", NoCall),
    ("netim", &["domain", "auth-code", "example.com"], "domain auth-code", NoCall),
    ("netim", &["domain", "transfer-account", "send", "example.com", "--to", "123456789012"], "domain transfer-account", NoCall),
    ("autodns", &["domain", "renew", "example.com"], "domain renew", NoCall),
    ("autodns", &["domain", "contacts", "example.com", "--contacts", "{contacts}"], "domain contacts", NoCall),
    ("autodns", &["domain", "reachability", "example.com", "--resend"], "domain reachability", NoCall),
    ("autodns", &["domain", "auth-code", "example.com"], "domain auth-code", NoCall),
    ("autodns", &["domain", "transfer-account", "send", "example.com", "--to", "123456789012"], "domain transfer-account", NoCall),
    ("gandi", &["domain", "register", "example.com", "--contacts", "{contacts}"], "domain register", NoCall),
    ("netim", &["domain", "register", "example.com", "--contacts", "{contacts}"], "domain register", NoCall),
    ("autodns", &["domain", "register", "example.com", "--contacts", "{contacts}"], "domain register", NoCall),
    ("gandi", &["domain", "transfer", "example.com", "--auth-code", "c", "--contacts", "{contacts}"], "domain transfer", NoCall),
    ("netim", &["domain", "transfer", "example.com", "--auth-code", "c", "--contacts", "{contacts}"], "domain transfer", NoCall),
    ("autodns", &["domain", "transfer", "example.com", "--auth-code", "c", "--contacts", "{contacts}"], "domain transfer", NoCall),
    ("gandi", &["domain", "nameservers", "example.com", "ns1.example.net"], "domain nameservers", NoCall),
    ("netim", &["domain", "nameservers", "example.com", "ns1.example.net"], "domain nameservers", NoCall),
    ("autodns", &["domain", "nameservers", "example.com", "ns1.example.net"], "domain nameservers", NoCall),
    ("gandi", &["domain", "resend-authorization", "7"], "domain resend-authorization", NoCall),
    ("netim", &["domain", "resend-authorization", "7"], "domain resend-authorization", NoCall),
    ("autodns", &["domain", "resend-authorization", "7"], "domain resend-authorization", NoCall),
    // cert list, validation, preference and hosted certificates.
    ("gandi", &["cert", "list", "--status", "valid"], "--status", Sends("<name>status</name>")),
    ("gandi", &["cert", "list", "--cn", "www.example.com"], "--cn", Sends("<name>cn</name>")),
    ("gandi", &["cert", "list", "--cn-prefix", "www."], "--cn-prefix", Sends("<name>~cn</name>")),
    ("gandi", &["cert", "list", "--package", "cert_std_1_0_0"], "--package", Sends("<name>package</name>")),
    ("gandi", &["cert", "list", "--expires-before", "2027-01-01"], "--expires-before", Sends("<name>&lt;date_end</name>")),
    ("gandi", &["cert", "list", "--expires-after", "2027-01-01"], "--expires-after", Sends("<name>&gt;date_end</name>")),
    ("netim", &["cert", "list", "--status", "valid"], "cert list", NoCall),
    ("route53", &["cert", "list", "--status", "valid"], "cert list", NoCall),
    ("autodns", &["cert", "list", "--status", "valid"], "cert list", NoCall),
    ("gandi", &["cert", "dcv", "show", "42", "--method", "dns"], "--method", Sends("<name>dcv_method</name><value><string>dns")),
    ("gandi", &["cert", "dcv", "change", "7", "--method", "dns"], "--method", Sends("<int>7</int></value></param><param><value><string>dns</string>")),
    ("gandi", &["cert", "dcv", "change", "7", "--method", "auto"], "--method", Refuses),
    ("netim", &["cert", "dcv", "show", "42", "--method", "file"], "cert dcv show", NoCall),
    ("netim", &["cert", "dcv", "change", "7", "--method", "file"], "cert dcv change", NoCall),
    ("netim", &["cert", "dcv", "resend", "7"], "cert dcv resend", NoCall),
    ("netim", &["cert", "preference", "42", "auto-renew", "on"], "auto-renew", Sends(">auto_renew<")),
    ("netim", &["cert", "preference", "42", "to-be-renewed", "off"], "to-be-renewed", Sends(">to_be_renewed<")),
    ("gandi", &["cert", "preference", "42", "auto-renew", "on"], "cert preference", NoCall),
    ("gandi", &["cert", "hosted", "create", "--crt", "{crt}", "--key", "{key}"], "--crt", Sends("<name>crt</name>")),
    ("gandi", &["cert", "hosted", "create", "--crt", "{crt}", "--key", "{key}"], "--key", Sends("<name>key</name>")),
    ("netim", &["cert", "hosted", "create", "--crt", "{crt}", "--key", "{key}"], "cert hosted create", NoCall),
    // ops relaunch: Gandi's operation.relaunch takes the parameters; nobody else relaunches.
    ("gandi", &["ops", "relaunch", "7", "--param", "authinfo=code-4711"], "--param", Sends("<name>authinfo</name>")),
    ("netim", &["ops", "relaunch", "7", "--param", "authinfo=code-4711"], "ops relaunch", NoCall),
    ("route53", &["ops", "relaunch", "op-1", "--param", "authinfo=code-4711"], "ops relaunch", NoCall),
    ("autodns", &["ops", "relaunch", "7", "--param", "authinfo=code-4711"], "ops relaunch", NoCall),
];

const OPERATION: &str = "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>\
    <member><name>id</name><value><int>7</int></value></member>\
    <member><name>step</name><value><string>BILL</string></value></member>\
    </struct></value></param></params></methodResponse>";

/// Route 53's operation, as `GetOperationDetail` answers it.
const R53_DETAIL: &str = r#"{"OperationId":"op-1","Status":"IN_PROGRESS","Type":"REGISTER_DOMAIN",
    "DomainName":"example.com","SubmittedDate":1573749367.864}"#;

const CONTACTS: &str = "[registrant]\nfirst_name = \"Ada\"\nlast_name = \"Lovelace\"\n\
    contact_type = \"person\"\nemail = \"ada@example.com\"\n";

fn flag_args(provider: &str, flag: &str, csr: &str) -> Vec<String> {
    let value = match flag {
        "--csr" => csr,
        "--alt-name" => "alt.example.com",
        // Netim validates by file or by e-mail at named addresses only.
        "--dcv-method" if provider == "netim" => "file",
        "--dcv-method" => "dns",
        "--dcv-email" => "admin@example.com",
        "--duration" => "2",
        "--reason" => "key compromise",
        "--country" => "FR",
        "--city" => "Paris",
        "--region" => "IDF",
        "--organization" => "Example SA",
        "--department" => "IT",
        "--email" => "ssl@example.com",
        "--param" => "backend-version=3",
        other => panic!("no value for {other}"),
    };
    vec![flag.to_owned(), value.to_owned()]
}

fn base_args(provider: &str, cmd: &str, flag: &str, csr: &str) -> Vec<String> {
    let mut a: Vec<String> = match cmd {
        "create" => vec![
            "create",
            "--package",
            "cert_std_1_0_0",
            "--cn",
            "www.example.com",
        ],
        "renew" => vec!["renew", "42"],
        "reissue" => vec!["reissue", "42", "--csr", csr],
        "revoke" => vec!["revoke", "42"],
        other => panic!("no command {other}"),
    }
    .into_iter()
    .map(str::to_owned)
    .collect();
    // Netim orders need a CSR: give it when the flag under test is another one.
    if provider == "netim" && cmd == "create" && flag != "--csr" {
        a.extend(["--csr".to_owned(), csr.to_owned()]);
    }
    a
}

/// One scripted server per provider, each answering its calls well enough for regops to go on,
/// and a configuration with one account per provider, named after it.
struct Providers {
    servers: Vec<(&'static str, ScriptedServer)>,
    config: String,
}

impl Providers {
    fn start() -> Providers {
        let json = |body: &str| Answer::new(200, "application/x-amz-json-1.1", body);
        let soap = |call: &str, inner: &str| {
            Answer::new(
                200,
                "text/xml; charset=utf-8",
                format!(
                    "<Envelope><Body><{call}Response><return>{inner}</return></{call}Response></Body></Envelope>"
                ),
            )
        };
        let autodns_answer = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../rest/tests/fixtures/json-create-notify.json"),
        )
        .expect("the AutoDNS fixture");
        let gateway_answer = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../rest/tests/fixtures/xml-create-response.xml"),
        )
        .expect("the AutoDNS gateway fixture");
        let servers = vec![
            (
                "gandi",
                ScriptedServer::start(vec![Answer::new(200, "text/xml", OPERATION)]),
            ),
            (
                "netim",
                // Every run opens a session; its call is then scripted away.
                ScriptedServer::routed(
                    vec![(
                        "sessionOpen",
                        soap("sessionOpen", "0123456789abcdef0123456789abcdef"),
                    )],
                    vec![Answer::new(500, "text/plain", "scripted")],
                ),
            ),
            (
                "route53",
                // A call naming an operation reads it; a call starting one answers its id.
                ScriptedServer::routed(
                    vec![
                        (
                            "Route53Domains_v20140515.GetOperationDetail",
                            json(R53_DETAIL),
                        ),
                        (
                            "Route53Domains_v20140515.GetDomainDetail",
                            json(r#"{"DomainName":"example.com","ExpirationDate":1893456000}"#),
                        ),
                        (
                            "Route53Domains_v20140515.TransferDomainToAnotherAwsAccount",
                            json(r#"{"OperationId":"op-1","Password":"pw-from-aws"}"#),
                        ),
                    ],
                    vec![json(r#"{"OperationId":"op-1"}"#)],
                ),
            ),
            (
                "autodns",
                ScriptedServer::start(vec![Answer::json(autodns_answer)]),
            ),
            (
                "autodns-gateway",
                ScriptedServer::start(vec![Answer::new(200, "text/xml", gateway_answer)]),
            ),
        ];
        let url = |p: &str| {
            servers
                .iter()
                .find(|(n, _)| *n == p)
                .map(|(_, s)| s.url().to_owned())
                .unwrap()
        };
        let config = format!(
            "[accounts.gandi]\nprovider = \"gandi\"\nendpoint = \"{}/xmlrpc/\"\napi_key = {{ env = \"T_KEY\" }}\n\
             [accounts.netim]\nprovider = \"netim\"\nendpoint = \"{}/\"\nreseller_id = \"AB1\"\npassword = {{ env = \"T_KEY\" }}\n\
             [accounts.route53]\nprovider = \"route53\"\nendpoint = \"{}\"\naccess_key_id = {{ env = \"T_KEY\" }}\nsecret_access_key = {{ env = \"T_KEY\" }}\n\
             [accounts.autodns]\nprovider = \"autodns\"\nendpoint = \"{}/v1\"\nuser = \"u\"\npassword = {{ env = \"T_KEY\" }}\n\
             [accounts.autodns-gateway]\nprovider = \"autodns\"\nendpoint = \"{}/gateway\"\nuser = \"u\"\npassword = {{ env = \"T_KEY\" }}\n",
            url("gandi"),
            url("netim"),
            url("route53"),
            url("autodns"),
            url("autodns-gateway")
        );
        Providers { servers, config }
    }

    fn server(&self, provider: &str) -> &ScriptedServer {
        &self.servers.iter().find(|(n, _)| *n == provider).unwrap().1
    }
}

/// Runs one row: `regops --account PROVIDER ARGS...`, and says what is wrong with it, if
/// anything.
fn check_row(
    dir: &std::path::Path,
    providers: &Providers,
    cfg: &std::path::Path,
    (provider, args, flag, does): (&str, &[String], &str, Does),
) -> Option<String> {
    let server = providers.server(provider);
    let before = server.seen().len();
    let out = command(dir)
        .args(["--config", &cfg.to_string_lossy(), "--account", provider])
        .args(args)
        .env("T_KEY", "abcdefghijklmnopqrstuvwx")
        .output()
        .unwrap();
    let new = server.seen().split_off(before);
    let row = format!("{provider} {} [{flag}]", args.join(" "));
    match does {
        Refuses | NoCall => {
            if out.status.code() != Some(2) {
                return Some(format!("{row}: exit {:?}, expected 2", out.status.code()));
            }
            let line = error_line(&out);
            let names_flag = match does {
                // A refusal by value (Netim's one-year renewal) names the option without dashes.
                Refuses => line.contains(flag) || line.contains(flag.trim_start_matches("--")),
                _ => line.contains("has no ") || line.contains("does not "),
            };
            if !names_flag || !line.contains(provider) {
                return Some(format!(
                    "{row}: the error does not name the flag (or the missing call) and the provider: {line}"
                ));
            }
            if !new.is_empty() {
                return Some(format!(
                    "{row}: refused, but {} requests were sent",
                    new.len()
                ));
            }
        }
        Sends(what) => {
            let wire: String = new
                .iter()
                .map(|s| {
                    let target = s.header("x-amz-target");
                    format!("{} {} {target} {}\n", s.method, s.uri, s.text())
                })
                .collect();
            if !wire.contains(what) {
                return Some(format!(
                    "{row}: the call does not carry `{what}` (exit {:?}, {}): {wire}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
    }
    None
}

#[test]
fn every_flag_is_honoured_or_refused_before_sending() {
    let scratch = Scratch::new("flags_table");
    let dir = scratch.path();
    let csr = dir.join("req.csr");
    std::fs::write(
        &csr,
        "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n",
    )
    .unwrap();
    let csr = csr.to_string_lossy().into_owned();
    let contacts = dir.join("contacts.toml");
    std::fs::write(&contacts, CONTACTS).unwrap();
    let contacts = contacts.to_string_lossy().into_owned();
    let pem = |name: &str, kind: &str| {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!("-----BEGIN {kind}-----\nMIIB\n-----END {kind}-----\n"),
        )
        .unwrap();
        path.to_string_lossy().into_owned()
    };
    let crt = pem("hosted.crt", "CERTIFICATE");
    let key = pem("hosted.key", "PRIVATE KEY");
    let providers = Providers::start();
    let cfg = dir.join("regops.toml");
    std::fs::write(&cfg, &providers.config).unwrap();
    let mut problems = Vec::new();
    for (provider, cmd, flag, does) in CERT_TABLE {
        let mut args = vec!["cert".to_owned()];
        args.extend(base_args(provider, cmd, flag, &csr));
        args.extend(flag_args(provider, flag, &csr));
        // A Gandi flag is the member it names in the call.
        let does = match (*provider, *does) {
            ("gandi", Sends(member)) => Sends(&*format!("<name>{member}</name>").leak()),
            (_, d) => d,
        };
        problems.extend(check_row(
            dir,
            &providers,
            &cfg,
            (provider, &args, flag, does),
        ));
    }
    for (provider, args, flag, does) in COMMAND_TABLE {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                a.replace("{contacts}", &contacts)
                    .replace("{crt}", &crt)
                    .replace("{key}", &key)
            })
            .collect();
        problems.extend(check_row(
            dir,
            &providers,
            &cfg,
            (provider, &args, flag, *does),
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Mistakes regops finds before sending anything are usage errors (exit 2, one line), and
/// nothing reaches the provider: a Gandi id that is not an integer, a Netim order without a
/// CSR, a relaunch parameter Gandi does not have, a domain call the provider does not have.
#[test]
fn mistakes_found_before_sending_are_usage_errors() {
    let scratch = Scratch::new("flags_mistakes");
    let dir = scratch.path();
    let gandi = ScriptedServer::start(vec![Answer::new(200, "text/xml", OPERATION)]);
    let netim = ScriptedServer::start(vec![Answer::new(500, "text/plain", "scripted")]);
    let cfg = dir.join("regops.toml");
    std::fs::write(
        &cfg,
        format!(
            "[accounts.gandi]\nprovider = \"gandi\"\nendpoint = \"{}/xmlrpc/\"\napi_key = {{ env = \"T_KEY\" }}\n\
             [accounts.netim]\nprovider = \"netim\"\nendpoint = \"{}/\"\nreseller_id = \"AB1\"\npassword = {{ env = \"T_KEY\" }}\n",
            gandi.url(),
            netim.url()
        ),
    )
    .unwrap();
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "gandi",
            &["domain", "nameservers", "example.com", "ns1.example.net"],
            "has no call to start domain operations",
        ),
        ("gandi", &["ops", "show", "abc"], "not a gandi"),
        ("gandi", &["cert", "show", "x7"], "not a gandi"),
        ("gandi", &["cert", "renew", "x7"], "not a gandi"),
        (
            "gandi",
            &["ops", "relaunch", "7", "--param", "colour=blue"],
            "not a parameter of operation.relaunch",
        ),
        (
            "netim",
            &[
                "cert",
                "create",
                "--package",
                "SSL_STD",
                "--cn",
                "www.example.com",
            ],
            "csr",
        ),
    ];
    for (account, args, says) in cases {
        let out = command(dir)
            .args(["--config", &cfg.to_string_lossy(), "--account", account])
            .args(args)
            .env("T_KEY", "abcdefghijklmnopqrstuvwx")
            .output()
            .unwrap();
        let line = error_line(&out);
        assert_eq!(out.status.code(), Some(2), "{account} {args:?}: {line}");
        assert!(
            line.to_lowercase().contains(&says.to_lowercase()),
            "{account} {args:?}: {line}"
        );
    }
    assert!(gandi.seen().is_empty(), "nothing reached Gandi");
    assert!(netim.seen().is_empty(), "nothing reached Netim");
}

/// The `ops list` filters take effect on every provider: each is pushed to the server where its
/// API has the filter, and applied by regops to every operation read either way. Against the
/// sandbox, with operations of several types, statuses and ages on each account, each flag must
/// leave out operations the unfiltered listing showed: a dropped flag lists them.
#[test]
fn list_filters_change_what_is_listed_on_every_provider() {
    use regops_sim::Protocol;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime
        .block_on(regops_sim::Sim::start(
            regops_sim::SimConfig::default().speed(1.0).seed(5),
        ))
        .unwrap();
    let scratch = Scratch::new("flags_list");
    let dir = scratch.path();
    std::fs::write(dir.join("regops.toml"), sim.config_toml()).unwrap();
    std::fs::write(dir.join("contacts.toml"), CONTACTS).unwrap();
    let exports = sim.secret_exports();
    let run = |account: &str, args: &[&str]| {
        let out = command(dir)
            .args(["--config", "regops.toml", "--account", account, "--json"])
            .args(args)
            .envs(exports.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{account} {args:?}: {}",
            super::stderr(&out)
        );
        super::json(&out)
    };
    // Variety on each account: operations started at the sandbox, and others through regops,
    // in two rounds more than a second apart (the sandbox's clock runs at real speed here).
    sim.start_operations(Protocol::Gandi, 1);
    sim.start_operations(Protocol::Netim, 1);
    sim.start_operations(Protocol::Route53, 1);
    run("autodns", &["domain", "cancel", "a.listed.example"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    sim.start_operations(Protocol::Gandi, 1);
    sim.start_operations(Protocol::Netim, 1);
    run(
        "route53",
        &["domain", "nameservers", "listed.example", "ns1.example.net"],
    );
    run(
        "autodns",
        &["domain", "cancel", "b.listed.example", "--type", "transit"],
    );

    let mut walked = 0;
    for account in ["gandi", "netim", "route53", "autodns"] {
        let all = run(account, &["ops", "list"]);
        let all = all.as_array().unwrap().clone();
        let field = |op: &Value, f: &str| op[f].as_str().unwrap_or_default().to_owned();
        let ids = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|o| field(o, "id"))
                .collect()
        };
        // (flag, value, which operations of the unfiltered listing it must leave out)
        let mut rows: Vec<(&str, String, Vec<String>)> = Vec::new();
        let t = field(&all[0], "type");
        rows.push((
            "--type",
            t.clone(),
            all.iter()
                .filter(|o| field(o, "type") != t)
                .map(|o| field(o, "id"))
                .collect(),
        ));
        // An ended status stays what it is, so the operations in another ended status are
        // certainly out.
        let ended = ["succeeded", "failed", "cancelled"];
        if let Some(s) = all
            .iter()
            .map(|o| field(o, "status"))
            .find(|s| ended.contains(&s.as_str()))
        {
            rows.push((
                "--status",
                s.replace('_', "-"),
                all.iter()
                    .filter(|o| {
                        ended.contains(&field(o, "status").as_str()) && field(o, "status") != s
                    })
                    .map(|o| field(o, "id"))
                    .collect(),
            ));
        }
        let newest = all.iter().map(|o| field(o, "submitted_at")).max().unwrap();
        rows.push((
            "--since",
            newest.clone(),
            all.iter()
                .filter(|o| field(o, "submitted_at") < newest)
                .map(|o| field(o, "id"))
                .collect(),
        ));
        for (flag, value, out) in rows {
            assert!(
                !out.is_empty(),
                "{account}: the sandbox gave nothing for {flag} {value} to leave out: {all:?}"
            );
            let listed = run(account, &["ops", "list", flag, &value]);
            let listed_ids = ids(&listed);
            assert!(
                !listed_ids.is_empty(),
                "{account} {flag} {value}: nothing listed"
            );
            for id in &out {
                assert!(
                    !listed_ids.contains(id),
                    "{account} {flag} {value}: {id} is listed: {listed}"
                );
            }
            walked += 1;
        }
        let one = run(account, &["ops", "list", "--limit", "1"]);
        let one = one.as_array().unwrap();
        assert_eq!(one.len(), 1, "{account} --limit 1: {one:?}");
        assert_eq!(
            field(&one[0], "submitted_at"),
            newest,
            "{account} --limit 1 lists the newest"
        );
        walked += 1;
    }
    assert!(
        walked >= 13,
        "every account walked its flags ({walked} rows)"
    );
    drop(sim);
}
