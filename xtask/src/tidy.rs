//! `cargo xtask tidy`: the architecture's rules, checked from `cargo metadata` and the sources.
//!
//! - `regops-core` depends on no protocol or HTTP crate: it is the vocabulary, not a client.
//! - No adapter depends on another adapter: each protocol stands alone on core and regops-http.
//! - Only the CLI, the sandbox, the tests and the benchmarks may depend on every adapter: a
//!   library that needs all four is a CLI in disguise.
//! - Every dependency a crate declares is used by it: a normal dependency in `src/` (or
//!   `build.rs`), a dev-dependency in its tests, benches, examples or `src/`; a dependency
//!   named twice (normal and dev) without adding features for the tests is reported too.
//!
//! - No two modules of an adapter use each other (a cycle: neither can be read alone); the
//!   generated module, written from the API tables, is left out.
//! - No function of the sandbox or the CLI is 80 lines or more: those are where readers get
//!   lost (a call dispatcher, a command), so long bodies are split into named steps.
//!
//! The rules run on `cargo metadata --no-deps` and on the sources; `tests` below holds them on
//! the workspace and shows each one failing on a planted violation.

use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The adapter crates, one per protocol.
const ADAPTERS: &[&str] = &[
    "regops-xmlrpc",
    "regops-soap",
    "regops-route53",
    "regops-rest",
];

/// What may depend on every adapter.
const ASSEMBLERS: &[&str] = &["regops", "regops-sim", "regops-tests", "regops-bench"];

/// What core must not depend on: the adapters, the HTTP plumbing and the wire crates.
const NOT_IN_CORE: &[&str] = &[
    "regops-xmlrpc",
    "regops-soap",
    "regops-route53",
    "regops-rest",
    "regops-http",
    "regops-journal",
    "reqwest",
    "hyper",
    "axum",
    "quick-xml",
    "aws-sigv4",
    "rusqlite",
];

/// The packages whose functions must stay short, and how short.
const SHORT_FUNCTIONS: &[&str] = &["regops-sim", "regops"];
const MAX_FUNCTION_LINES: usize = 79;

#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    dependencies: Vec<Dependency>,
    targets: Vec<Target>,
    /// `Some([])` for `publish = false`.
    #[serde(default)]
    publish: Option<Vec<String>>,
}

impl Package {
    /// A package that is not published (the test harness, the benchmarks, xtask): its normal
    /// dependencies may serve any of its targets.
    fn unpublished(&self) -> bool {
        self.publish.as_ref().is_some_and(Vec::is_empty)
    }
}

#[derive(Debug, Deserialize)]
struct Target {
    kind: Vec<String>,
    src_path: PathBuf,
}

impl Target {
    /// What the target's code serves.
    fn code(&self) -> Code {
        let library = self.kind.iter().any(|k| {
            matches!(
                k.as_str(),
                "lib" | "rlib" | "bin" | "proc-macro" | "custom-build"
            )
        });
        if library { Code::Library } else { Code::Tests }
    }

    /// The files of its code: its folder (a module tree), or the build script alone.
    fn files(&self) -> Vec<PathBuf> {
        if self.kind.iter().any(|k| k == "custom-build") {
            return vec![self.src_path.clone()];
        }
        let mut out = Vec::new();
        if let Some(dir) = self.src_path.parent() {
            collect(dir, &mut out);
        }
        out
    }
}

#[derive(Debug, Deserialize)]
struct Dependency {
    name: String,
    rename: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default)]
    optional: bool,
}

impl Dependency {
    /// The name the code uses for it.
    fn code_name(&self) -> String {
        self.rename
            .as_deref()
            .unwrap_or(&self.name)
            .replace('-', "_")
    }

    fn is_normal(&self) -> bool {
        self.kind.is_none()
    }

    fn is_dev(&self) -> bool {
        self.kind.as_deref() == Some("dev")
    }
}

/// Runs every rule on the workspace at `root`; prints what is wrong.
pub fn run(root: &Path) -> Result<(), String> {
    let problems = check(&metadata(root)?, &sources, &library_files);
    if problems.is_empty() {
        println!("tidy: the architecture's rules hold");
        return Ok(());
    }
    for p in &problems {
        eprintln!("tidy: {p}");
    }
    Err(format!("{} architecture rule(s) broken", problems.len()))
}

fn metadata(root: &Path) -> Result<Metadata, String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("reading cargo metadata: {e}"))
}

/// What a target's code serves.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Code {
    /// Libraries, binaries and build scripts: what normal dependencies serve.
    Library,
    /// Tests, benches and examples: what dev-dependencies serve (with the library's own unit
    /// tests, which live beside it).
    Tests,
}

/// The text of every Rust file of `package` that `code` reads: for tests, every target.
fn sources(package: &Package, code: Code) -> String {
    let mut files: Vec<PathBuf> = package
        .targets
        .iter()
        .filter(|t| code == Code::Tests || t.code() == Code::Library)
        .flat_map(Target::files)
        .collect();
    files.sort();
    files.dedup();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `text` uses the crate `name` (as code names it): a path, an import, a macro or an
/// attribute, not a mention in a sentence.
fn uses(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(name).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let starts_word = before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_'));
        let rest = &text[at + name.len()..];
        starts_word
            && before != Some(b'.')
            && (rest.starts_with("::") || rest.starts_with('!') || {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line = text[line_start..at].trim_start();
                (line.starts_with("use ") || line.starts_with("extern crate "))
                    && (rest.starts_with(';') || rest.starts_with(" as") || rest.starts_with("::"))
            })
    })
}

/// The functions of `text` (one file) of `MAX_FUNCTION_LINES` lines or more, as (name, first
/// line, lines): a `fn` line and the `}` that closes it at the same indentation (rustfmt's
/// layout).
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        let rest = ["pub(crate) ", "pub ", ""]
            .iter()
            .find_map(|p| code.strip_prefix(p))
            .unwrap_or(code);
        let rest = rest.strip_prefix("async ").unwrap_or(rest);
        let Some(sig) = rest.strip_prefix("fn ") else {
            continue;
        };
        if line.trim_end().ends_with(';') {
            continue;
        }
        let name: String = sig
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let closing = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == closing) {
            let n = end + 2;
            if n > MAX_FUNCTION_LINES {
                out.push((name, i + 1, n));
            }
        }
    }
    out
}

/// The pairs of modules of one crate's files (`src/NAME.rs`) that use each other through
/// `crate::NAME`, outside comments and unit tests; `generated` is left out.
fn module_cycles(files: &[(PathBuf, String)]) -> Vec<(String, String)> {
    let mut uses: Vec<(String, BTreeSet<String>)> = Vec::new();
    for (path, text) in files {
        let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
            continue;
        };
        if matches!(name, "lib" | "main" | "mod" | "generated") {
            continue;
        }
        let code = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
        let mut used = BTreeSet::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let m: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !m.is_empty() && m != name {
                    used.insert(m);
                }
            }
        }
        uses.push((name.to_owned(), used));
    }
    let mut out = Vec::new();
    for (a, used) in &uses {
        for (b, theirs) in &uses {
            if a < b && used.contains(b) && theirs.contains(a) {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

/// Every broken rule, one sentence each.
/// The library files of `package`, each with its text.
fn library_files(package: &Package) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = package
        .targets
        .iter()
        .filter(|t| t.code() == Code::Library)
        .flat_map(Target::files)
        .collect();
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            (f, text)
        })
        .collect()
}

fn check(
    meta: &Metadata,
    read: &dyn Fn(&Package, Code) -> String,
    files: &dyn Fn(&Package) -> Vec<(PathBuf, String)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &meta.packages {
        let normal: BTreeSet<&str> = p
            .dependencies
            .iter()
            .filter(|d| d.is_normal())
            .map(|d| d.name.as_str())
            .collect();
        if p.name == "regops-core" {
            for d in normal.iter().filter(|d| NOT_IN_CORE.contains(d)) {
                problems.push(format!(
                    "regops-core depends on {d}: core holds the vocabulary, no protocol or HTTP"
                ));
            }
        }
        if ADAPTERS.contains(&p.name.as_str()) {
            for d in normal
                .iter()
                .filter(|d| ADAPTERS.contains(d) && **d != p.name)
            {
                problems.push(format!(
                    "{} depends on {d}: an adapter never depends on another",
                    p.name
                ));
            }
        }
        if ADAPTERS.iter().all(|a| normal.contains(a)) && !ASSEMBLERS.contains(&p.name.as_str()) {
            problems.push(format!(
                "{} depends on every adapter: only {} may",
                p.name,
                ASSEMBLERS.join(", ")
            ));
        }
        let library = read(p, Code::Library);
        let tests = read(p, Code::Tests);
        if ADAPTERS.contains(&p.name.as_str()) {
            for (a, b) in module_cycles(&files(p)) {
                problems.push(format!(
                    "{}: modules {a} and {b} use each other: move what they share to a module of its own",
                    p.name
                ));
            }
        }
        if SHORT_FUNCTIONS.contains(&p.name.as_str()) {
            for (file, text) in files(p) {
                for (name, line, n) in long_functions(&text) {
                    problems.push(format!(
                        "{}:{line}: fn {name} is {n} lines: at most {MAX_FUNCTION_LINES} in the sandbox and the CLI",
                        file.display()
                    ));
                }
            }
        }
        for d in &p.dependencies {
            let code = d.code_name();
            let serves = if p.unpublished() { &tests } else { &library };
            if d.is_normal() && !uses(serves, &code) {
                problems.push(format!(
                    "{} declares {} but its library code never uses it",
                    p.name, d.name
                ));
            }
            if d.is_dev() {
                // Named again only to add features for the tests (tokio's test-util) is fine.
                // So is a dev-dependency beside an optional one (a `testing` feature's).
                let optional = p
                    .dependencies
                    .iter()
                    .any(|n| n.is_normal() && n.name == d.name && n.optional);
                if normal.contains(d.name.as_str())
                    && d.rename.is_none()
                    && d.features.is_empty()
                    && !optional
                {
                    problems.push(format!(
                        "{} declares {} both as a dependency and a dev-dependency",
                        p.name, d.name
                    ));
                } else if !uses(&tests, &code) {
                    problems.push(format!(
                        "{} declares the dev-dependency {} but no test uses it",
                        p.name, d.name
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace")
            .to_owned()
    }

    #[test]
    fn the_workspace_keeps_its_architecture() {
        let problems = check(&metadata(&root()).unwrap(), &sources, &library_files);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    fn package(name: &str, deps: &[(&str, Option<&str>)]) -> Package {
        Package {
            name: name.into(),
            targets: Vec::new(),
            publish: None,
            dependencies: deps
                .iter()
                .map(|(d, kind)| Dependency {
                    name: (*d).into(),
                    rename: None,
                    kind: kind.map(str::to_owned),
                    features: Vec::new(),
                    optional: false,
                })
                .collect(),
        }
    }

    /// Code that uses every crate named in `deps`.
    fn using(names: &[&str]) -> String {
        names
            .iter()
            .map(|n| format!("use {}::Thing;\n", n.replace('-', "_")))
            .collect()
    }

    #[test]
    fn each_rule_fails_on_a_planted_violation() {
        let all = [
            "regops-core",
            "regops-http",
            "regops-xmlrpc",
            "regops-soap",
            "regops-route53",
            "regops-rest",
            "tokio",
        ];
        let meta = Metadata {
            packages: vec![
                package("regops-core", &[("regops-http", None), ("tokio", None)]),
                package(
                    "regops-soap",
                    &[("regops-core", None), ("regops-rest", None)],
                ),
                package(
                    "regops-serve",
                    &[
                        ("regops-xmlrpc", None),
                        ("regops-soap", None),
                        ("regops-route53", None),
                        ("regops-rest", None),
                    ],
                ),
                package(
                    "regops",
                    &[
                        ("regops-xmlrpc", None),
                        ("regops-soap", None),
                        ("regops-route53", None),
                        ("regops-rest", None),
                        ("thiserror", None),
                        ("tokio", None),
                        ("tokio", Some("dev")),
                        ("proptest", Some("dev")),
                    ],
                ),
            ],
        };
        let long = format!(
            "pub async fn dispatch() {{\n{}}}\nfn short() {{\n}}\n",
            "    step();\n".repeat(80)
        );
        let problems = check(&meta, &|_, _| using(&all), &|p| {
            vec![
                (
                    PathBuf::from(format!("{}/src/lib.rs", p.name)),
                    long.clone(),
                ),
                (
                    PathBuf::from(format!("{}/src/client.rs", p.name)),
                    "use crate::backend::LIMIT;\n// crate::convert in a comment\n".into(),
                ),
                (
                    PathBuf::from(format!("{}/src/backend.rs", p.name)),
                    "use crate::client::Client;\nuse crate::convert;\n".into(),
                ),
                (
                    PathBuf::from(format!("{}/src/convert.rs", p.name)),
                    "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::backend::X;\n}\n".into(),
                ),
            ]
        });
        let expect = [
            "regops-core depends on regops-http",
            "regops-soap depends on regops-rest",
            "regops-serve depends on every adapter",
            "regops declares thiserror but its library code never uses it",
            "regops declares tokio both as a dependency and a dev-dependency",
            "regops declares the dev-dependency proptest but no test uses it",
            "regops/src/lib.rs:1: fn dispatch is 82 lines",
            "regops-soap: modules backend and client use each other",
        ];
        for e in expect {
            assert!(
                problems.iter().any(|p| p.starts_with(e)),
                "{e}: {problems:#?}"
            );
        }
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
    }

    #[test]
    fn a_crate_is_used_by_code_not_by_a_sentence() {
        assert!(uses("use tokio::sync::Mutex;", "tokio"));
        assert!(uses("let x = serde_json::from_str(s);", "serde_json"));
        assert!(uses("tracing::info!(\"x\")", "tracing"));
        assert!(uses("#[derive(thiserror::Error)]", "thiserror"));
        assert!(uses("use memchr;", "memchr"));
        assert!(!uses("// built on tokio and friends", "tokio"));
        assert!(!uses("let my_tokio::x = 1;", "tokio"));
        assert!(!uses("x.futures::y", "futures"));
    }
}
