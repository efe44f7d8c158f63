//! The client's SigV4 signer against the published test vectors (see `tests/sigv4/README.md`).

use regops_core::Secret;
use regops_route53::Credentials;
use regops_route53::sign::Signer;
use std::path::Path;

struct Vector {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    signer: Signer,
    time: std::time::SystemTime,
    authorization: String,
    token: Option<String>,
}

fn load(dir: &Path) -> Vector {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let context: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("context.json")).unwrap()).unwrap();
    let request = std::fs::read_to_string(dir.join("request.txt")).unwrap();
    let (head, body) = request.split_once("\n\n").unwrap_or((request.as_str(), ""));
    let mut lines = head.lines();
    let first: Vec<&str> = lines.next().unwrap().split(' ').collect();
    let method = first[0].to_owned();
    // A request line may hold raw UTF-8; on the wire (and in a URL) it is percent-encoded.
    let path: String = first[1..first.len() - 1]
        .join(" ")
        .bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    let host = &headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .unwrap()
        .1;
    let creds = &context["credentials"];
    let mut credentials = Credentials::new(
        Secret::new(creds["access_key_id"].as_str().unwrap()),
        Secret::new(creds["secret_access_key"].as_str().unwrap()),
    );
    let token = creds["token"].as_str().map(str::to_owned);
    if let Some(t) = &token {
        credentials = credentials.session_token(Secret::new(t.clone()));
    }
    let signer = Signer::new(
        credentials,
        context["region"].as_str().unwrap(),
        context["service"].as_str().unwrap(),
    );
    let time: chrono::DateTime<chrono::Utc> =
        context["timestamp"].as_str().unwrap().parse().unwrap();
    let signed = std::fs::read_to_string(dir.join("header-signed-request.txt")).unwrap();
    let authorization = signed
        .lines()
        .find_map(|l| l.strip_prefix("Authorization:"))
        .unwrap()
        .to_owned();
    Vector {
        name,
        method,
        url: format!("https://{host}{path}"),
        headers,
        body: body.as_bytes().to_vec(),
        signer,
        time: time.into(),
        authorization,
        token,
    }
}

#[test]
fn the_signer_reproduces_every_published_vector() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sigv4");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 20,
        "the vectors are missing from {}",
        root.display()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let v = load(dir);
        let headers: Vec<(&str, &str)> = v
            .headers
            .iter()
            .map(|(n, val)| (n.as_str(), val.as_str()))
            .collect();
        let added = v
            .signer
            .sign(&v.method, &v.url, &headers, &v.body, v.time)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        let get = |name: &str| {
            added
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, val)| val.clone())
        };
        if get("authorization").as_deref() != Some(v.authorization.as_str()) {
            failures.push(format!(
                "{}:\n  want {}\n  got  {:?}",
                v.name,
                v.authorization,
                get("authorization")
            ));
        }
        assert_eq!(
            get("x-amz-date").as_deref(),
            Some("20150830T123600Z"),
            "{}",
            v.name
        );
        assert_eq!(get("x-amz-security-token"), v.token, "{}", v.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
