//! `api/autodns.toml` held to InterNetX's own schema of the JSON API
//! (`../shared/reference/autodns-domainrobot-swagger.json`, Swagger 2.0): every member regops
//! names must be a member of the vendor's object, of a compatible type; every enumeration must
//! have the vendor's values, no more and no fewer; every route a struct is used by must be a
//! route of the API; every gateway task code must be the code of the JSON route that does the
//! same. A member invented or renamed, a value added or gone, fails here.

use serde_json::Value;
use std::collections::BTreeSet;

fn schema() -> Value {
    let path = regops_tests::root()
        .join("..")
        .join("shared")
        .join("reference")
        .join("autodns-domainrobot-swagger.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn ours() -> toml::Table {
    let path = regops_tests::root().join("api").join("autodns.toml");
    std::fs::read_to_string(&path).unwrap().parse().unwrap()
}

/// The vendor's definition a struct of ours stands for.
fn counterpart(name: &str) -> &str {
    match name {
        "Cancelation" | "CancelationRequest" => "DomainCancelation",
        "QueryOrder" => "Order",
        other => other,
    }
}

/// The vendor's enumeration an enumeration of ours stands for.
fn enum_counterpart(name: &str) -> &str {
    match name {
        "CancelationType" => "CancelationTypeConstants",
        "CancelationExecution" => "ExecutionTypeConstants",
        "JobStatus" => "JobStatusConstants",
        other => other,
    }
}

/// The name a `$ref` points at.
fn referenced(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.rsplit('/').next()
}

/// Whether our type `ty` can hold the vendor's property `prop`: primitives by their JSON type,
/// a struct or enumeration of ours by the vendor's definition it stands for, arrays by their
/// items. A vendor enumeration may be read as a plain string (the word kept verbatim).
fn compatible(
    ty: &str,
    prop: &Value,
    ours: &toml::Table,
    defs: &serde_json::Map<String, Value>,
) -> bool {
    if let Some(item) = ty.strip_prefix("array of ") {
        return prop["type"] == "array" && compatible(item, &prop["items"], ours, defs);
    }
    let is_enum = |name: &str| {
        ours["enums"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"].as_str() == Some(name))
    };
    let is_struct = |name: &str| {
        ours["structs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"].as_str() == Some(name))
    };
    let vendor_type = match referenced(prop) {
        Some(r) => defs[r]["type"].as_str().unwrap_or("object").to_owned(),
        None => prop["type"].as_str().unwrap_or("object").to_owned(),
    };
    match ty {
        "string" => vendor_type == "string",
        "time" => prop["type"] == "string",
        "int" | "id" => prop["type"] == "integer",
        "boolean" => prop["type"] == "boolean",
        named if is_enum(named) => referenced(prop) == Some(enum_counterpart(named)),
        named if is_struct(named) => referenced(prop) == Some(counterpart(named)),
        _ => false,
    }
}

#[test]
fn api_autodns_toml_matches_the_vendor_schema() {
    let schema = schema();
    let defs = schema["definitions"].as_object().unwrap();
    let paths = schema["paths"].as_object().unwrap();
    let ours = ours();
    let mut problems = Vec::new();

    for e in ours["enums"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        let theirs_name = enum_counterpart(name);
        let Some(theirs) = defs.get(theirs_name).and_then(|d| d["enum"].as_array()) else {
            problems.push(format!(
                "enum {name}: no enumeration {theirs_name} in the schema"
            ));
            continue;
        };
        let theirs: BTreeSet<&str> = theirs.iter().filter_map(Value::as_str).collect();
        let mine: BTreeSet<&str> = e["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["wire"].as_str().unwrap())
            .collect();
        for v in mine.difference(&theirs) {
            problems.push(format!("enum {name}: {v} is not in {theirs_name}"));
        }
        for v in theirs.difference(&mine) {
            problems.push(format!(
                "enum {name}: {theirs_name} has {v}, api/autodns.toml does not"
            ));
        }
    }

    for s in ours["structs"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        let def_name = counterpart(name);
        let Some(props) = defs.get(def_name).and_then(|d| d["properties"].as_object()) else {
            problems.push(format!(
                "struct {name}: no definition {def_name} in the schema"
            ));
            continue;
        };
        for f in s["fields"].as_array().unwrap() {
            let wire = f["wire"].as_str().unwrap();
            let ty = f["type"].as_str().unwrap();
            match props.get(wire) {
                None => problems.push(format!("{name}.{wire}: not a member of {def_name}")),
                Some(p) if !compatible(ty, p, &ours, defs) => problems.push(format!(
                    "{name}.{wire}: `{ty}` here, {} in {def_name}",
                    serde_json::to_string(p).unwrap()
                )),
                Some(_) => {}
            }
        }
        // The routes it is used by.
        for route in s
            .get("used_by")
            .and_then(|u| u.as_array())
            .into_iter()
            .flatten()
        {
            let route = route.as_str().unwrap();
            let (method, path) = route.split_once(' ').unwrap();
            let served = paths
                .get(path)
                .is_some_and(|p| p.get(method.to_ascii_lowercase()).is_some());
            if !served {
                problems.push(format!("{name}: used by {route}, not a route of the API"));
            }
        }
    }

    // Each gateway task is the JSON route with the same task code in its summary.
    let summaries: Vec<&str> = paths
        .values()
        .flat_map(|p| p.as_object().unwrap().values())
        .filter_map(|op| op["summary"].as_str())
        .collect();
    for c in ours["constants"].as_array().unwrap() {
        for entry in c["entries"].as_array().unwrap() {
            let name = entry["name"].as_str().unwrap();
            let Some(task) = name.strip_prefix("TASK_") else {
                continue;
            };
            let code = entry["value"].as_str().unwrap();
            // TASK_CANCELATION_UPDATE is the route summarised "Cancelation Update (0103102)".
            let words: Vec<String> = task.split('_').map(|w| w.to_ascii_lowercase()).collect();
            let found = summaries.iter().any(|s| {
                let lower = s.to_ascii_lowercase();
                lower.contains(&format!("({code})")) && words.iter().all(|w| lower.contains(w))
            });
            if !found {
                problems.push(format!(
                    "{name} = {code}: no route of the API does that task"
                ));
            }
        }
    }

    assert!(
        problems.is_empty(),
        "api/autodns.toml disagrees with InterNetX's schema:\n{}",
        problems.join("\n")
    );
}
