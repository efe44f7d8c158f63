//! `api/route53.toml` held to the official service model: botocore's `route53domains`
//! `service-2.json`, which the test venv has (through moto and boto3). A member renamed or
//! missing, an enumeration value added or gone, a required member not marked, a modeled error
//! renamed: each fails here, before a request would fail at AWS.

use serde_json::Value;
use std::collections::BTreeSet;

/// The service model, read by the venv's botocore (it ships it compressed).
fn service_model() -> Option<Value> {
    let Some(py) = regops_tests::venv_python() else {
        regops_tests::missing_peer(
            "the Route 53 model check",
            "botocore",
            "target/peers/venv has no boto3",
        );
        return None;
    };
    let out = std::process::Command::new(py)
        .args([
            "-c",
            "import json, botocore.loaders as l\n\
             print(json.dumps(l.Loader().load_service_model('route53domains', 'service-2')))",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn ours() -> toml::Table {
    let path = regops_tests::root().join("api").join("route53.toml");
    std::fs::read_to_string(&path).unwrap().parse().unwrap()
}

/// The botocore shape a struct of ours corresponds to (most have the same name).
fn counterpart(name: &str) -> &str {
    match name {
        "OperationDetail" => "GetOperationDetailResponse",
        "OperationIdResponse" => "RegisterDomainResponse",
        other => other,
    }
}

#[test]
fn api_route53_toml_matches_the_official_service_model() {
    let Some(model) = service_model() else {
        return;
    };
    let shapes = model["shapes"].as_object().unwrap();
    let ours = ours();
    let mut problems = Vec::new();

    for e in ours["enums"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        let mine: BTreeSet<&str> = e["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["wire"].as_str().unwrap())
            .collect();
        let Some(theirs) = shapes.get(name).and_then(|s| s["enum"].as_array()) else {
            problems.push(format!("enum {name}: no such enumeration in the model"));
            continue;
        };
        let theirs: BTreeSet<&str> = theirs.iter().filter_map(Value::as_str).collect();
        for v in mine.difference(&theirs) {
            problems.push(format!("enum {name}: {v} is not in the model"));
        }
        for v in theirs.difference(&mine) {
            problems.push(format!(
                "enum {name}: the model has {v}, api/route53.toml does not"
            ));
        }
    }

    for s in ours["structs"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        let shape_name = counterpart(name);
        let Some(shape) = shapes.get(shape_name) else {
            problems.push(format!("struct {name}: no shape {shape_name} in the model"));
            continue;
        };
        let members = shape["members"].as_object().unwrap();
        let required: BTreeSet<&str> = shape["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut mandatory = BTreeSet::new();
        for f in s["fields"].as_array().unwrap() {
            let wire = f["wire"].as_str().unwrap();
            if !members.contains_key(wire) {
                problems.push(format!("{name}.{wire}: not a member of {shape_name}"));
            }
            if f.get("mandatory").and_then(toml::Value::as_bool) == Some(true) {
                mandatory.insert(wire);
            }
        }
        // What we send must carry every member the model requires, and we must not require
        // what the model leaves optional.
        if s["kind"].as_str() == Some("options") {
            for r in required.difference(&mandatory) {
                problems.push(format!(
                    "{name}.{r}: required by the model, not mandatory here"
                ));
            }
            for m in mandatory.difference(&required) {
                problems.push(format!("{name}.{m}: mandatory here, optional in the model"));
            }
        }
    }

    // The modeled errors regops names must exist as errors of the service.
    let errors: BTreeSet<&str> = shapes
        .iter()
        .filter(|(_, s)| s["exception"].as_bool() == Some(true))
        .map(|(n, _)| n.as_str())
        .collect();
    let common = [
        "ThrottlingException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "AccessDeniedException",
    ];
    for table in ours["error_tables"].as_array().unwrap() {
        for entry in table["entries"].as_array().unwrap() {
            let id = entry["id"].as_str().unwrap();
            if !common.contains(&id) && !errors.contains(id) {
                problems.push(format!("error {id}: not an error of the model"));
            }
        }
    }

    // The protocol's constants.
    let meta = &model["metadata"];
    let constants: Vec<(&str, &str)> = ours["constants"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["entries"].as_array().unwrap().iter())
        .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str().unwrap()))
        .collect();
    let constant = |n: &str| constants.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    let prefix = format!("{}.", meta["targetPrefix"].as_str().unwrap_or(""));
    let checks = [
        ("TARGET_PREFIX", prefix.as_str()),
        // The signing name is the endpoint prefix when the model names none.
        (
            "SIGNING_SERVICE",
            meta["signingName"]
                .as_str()
                .or(meta["endpointPrefix"].as_str())
                .unwrap_or(""),
        ),
    ];
    for (n, want) in checks {
        if constant(n) != Some(want) {
            problems.push(format!(
                "{n}: {:?} here, {want:?} in the model",
                constant(n)
            ));
        }
    }
    let json = format!(
        "application/x-amz-json-{}",
        meta["jsonVersion"].as_str().unwrap_or("")
    );
    if constant("CONTENT_TYPE") != Some(json.as_str()) {
        problems.push(format!("CONTENT_TYPE: the model speaks {json}"));
    }

    assert!(
        problems.is_empty(),
        "api/route53.toml disagrees with botocore's service-2.json:\n{}",
        problems.join("\n")
    );
}
