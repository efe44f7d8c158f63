//! Turns the results of one `cargo xtask bench` run into `docs/benchmarks.md` and its chart.
//!
//! Nothing here is measured: every figure comes from criterion's estimates
//! (`target/criterion/*/*/new/`), from Python's timings (`python.json`) and from the two
//! harnesses of the CLI crate (`tracker.json`, `end_to_end.json`), all written by the same run.

use crate::decoders::{self, Role};
use crate::fixtures::{self, Format, Input};
use plotters::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One decoder timed on one input.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// The input's name.
    pub input: String,
    /// The decoder's name.
    pub decoder: String,
    /// The median time of one decode, in seconds.
    pub seconds: f64,
}

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Results {
    /// Decoders on inputs (criterion's and Python's).
    pub decodes: Vec<Measurement>,
    /// SigV4 signing, seconds per request.
    pub sign_seconds: Option<f64>,
    /// Python's version.
    pub python: Option<String>,
    /// The tracker harness's output.
    pub tracker: Option<serde_json::Value>,
    /// The end-to-end harness's output.
    pub end_to_end: Option<serde_json::Value>,
    /// The `regops serve` harness's output.
    pub serve: Option<serde_json::Value>,
    /// The fleet harness's output.
    pub fleet: Option<serde_json::Value>,
}

impl Results {
    /// The median time of `decoder` on `input`.
    pub fn time(&self, input: &str, decoder: &str) -> Option<f64> {
        self.decodes
            .iter()
            .find(|m| m.input == input && m.decoder == decoder)
            .map(|m| m.seconds)
    }
}

#[derive(Deserialize)]
struct CriterionId {
    group_id: String,
    function_id: Option<String>,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct PythonResults {
    python: String,
    results: Vec<PythonResult>,
}

#[derive(Deserialize)]
struct PythonResult {
    input: String,
    decoder: String,
    median_s: f64,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// Reads the results: criterion's directory and the directory the harnesses wrote to.
pub fn load(criterion: &Path, results: &Path) -> Result<Results, String> {
    let mut out = Results::default();
    let groups = std::fs::read_dir(criterion)
        .map_err(|e| format!("reading {}: {e}", criterion.display()))?;
    for group in groups.flatten() {
        let Ok(functions) = std::fs::read_dir(group.path()) else {
            continue;
        };
        for function in functions.flatten() {
            let new = function.path().join("new");
            let (Ok(id), Ok(est)) = (
                read_json::<CriterionId>(&new.join("benchmark.json")),
                read_json::<Estimates>(&new.join("estimates.json")),
            ) else {
                continue;
            };
            let seconds = est.median.point_estimate / 1e9;
            let decoder = id.function_id.unwrap_or_default();
            if id.group_id == "sigv4" {
                out.sign_seconds = Some(seconds);
            } else if fixtures::named(&id.group_id).is_some() {
                out.decodes.push(Measurement {
                    input: id.group_id,
                    decoder,
                    seconds,
                });
            }
        }
    }
    let python = results.join("python.json");
    if python.exists() {
        let p: PythonResults = read_json(&python)?;
        out.python = Some(p.python);
        out.decodes
            .extend(p.results.into_iter().map(|r| Measurement {
                input: r.input,
                decoder: r.decoder,
                seconds: r.median_s,
            }));
    }
    for (file, slot) in [
        ("tracker.json", &mut out.tracker),
        ("end_to_end.json", &mut out.end_to_end),
        ("serve.json", &mut out.serve),
        ("fleet.json", &mut out.fleet),
    ] {
        let path = results.join(file);
        if path.exists() {
            *slot = Some(read_json(&path)?);
        }
    }
    Ok(out)
}

/// The machine and toolchain the figures come from.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// The CPU model.
    pub cpu: String,
    /// Logical CPUs.
    pub cores: usize,
    /// `rustc --version`.
    pub rustc: String,
    /// The date of the run (UTC).
    pub date: String,
}

/// The bars the issue sets on the 1,000-operation `operation.list` answer.
#[derive(Clone, Debug)]
pub struct Bar {
    /// What is compared.
    pub what: &'static str,
    /// The measured ratio.
    pub ratio: f64,
    /// The bar.
    pub bar: f64,
    /// Whether the ratio must be at least (true) or at most (false) the bar.
    pub at_least: bool,
}

impl Bar {
    /// Whether the measurement meets the bar.
    pub fn met(&self) -> bool {
        if self.at_least {
            self.ratio >= self.bar
        } else {
            self.ratio <= self.bar
        }
    }
}

/// The headline input.
pub const HEADLINE: &str = "xmlrpc-operation.list-1000";
/// Python's XML-RPC decoder, as `python/decode.py` names it.
pub const PYTHON_XMLRPC: &str = "Python xmlrpc.client.loads";

/// The bars of the headline input, for those whose figures exist.
pub fn bars(r: &Results) -> Vec<Bar> {
    let Some(ours) = r.time(HEADLINE, "regops") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(t) = r.time(HEADLINE, PYTHON_XMLRPC) {
        out.push(Bar {
            what: "Python `xmlrpc.client.loads` time / regops time",
            ratio: t / ours,
            bar: 10.0,
            at_least: true,
        });
    }
    if let Some(t) = r.time(HEADLINE, "dxr") {
        out.push(Bar {
            what: "`dxr` time / regops time",
            ratio: t / ours,
            bar: 3.0,
            at_least: true,
        });
    }
    if let Some(t) = r.time(HEADLINE, "quick-xml scan") {
        out.push(Bar {
            what: "regops time / quick-xml scan time",
            ratio: ours / t,
            bar: 2.0,
            at_least: false,
        });
    }
    out
}

fn duration(seconds: f64) -> String {
    if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The decoders measured on `input`, fastest first: (name, role, seconds).
fn rows(r: &Results, input: &Input) -> Vec<(String, Option<Role>, f64)> {
    let known = decoders::all();
    let mut rows: Vec<_> = r
        .decodes
        .iter()
        .filter(|m| m.input == input.name)
        .map(|m| {
            let role = known.iter().find(|d| d.name == m.decoder).map(|d| d.role);
            (m.decoder.clone(), role, m.seconds)
        })
        .collect();
    rows.sort_by(|a, b| a.2.total_cmp(&b.2));
    rows
}

/// The time of the lower bound among an input's rows.
fn lower_bound(rows: &[(String, Option<Role>, f64)]) -> Option<f64> {
    rows.iter()
        .find(|(_, role, _)| *role == Some(Role::LowerBound))
        .map(|(_, _, t)| *t)
}

fn input_table(out: &mut String, r: &Results, input: &Input) {
    let rows = rows(r, input);
    let Some(ours) = r.time(&input.name, "regops") else {
        return;
    };
    let floor = lower_bound(&rows);
    let _ = writeln!(
        out,
        "### {} ({})\n\n| decoder | time per decode | MB/s | operations/s | time / regops | time / lower bound |\n|---|---|---|---|---|---|",
        input.label,
        size(input.body.len())
    );
    for (name, role, t) in &rows {
        let shown = match role {
            Some(Role::Regops) => "**regops** (to core `Operation`s)".to_owned(),
            Some(Role::RegopsValue) => "regops (to its XML-RPC `Value`)".to_owned(),
            Some(Role::LowerBound) => format!("{name} (lower bound: builds nothing)"),
            _ => name.clone(),
        };
        let ops = if *role == Some(Role::LowerBound) {
            "".to_owned()
        } else {
            thousands(input.operations as f64 / t)
        };
        let _ = writeln!(
            out,
            "| {shown} | {} | {:.0} | {ops} | {:.2} | {} |",
            duration(*t),
            input.body.len() as f64 / 1e6 / t,
            t / ours,
            floor.map_or("".into(), |f| format!("{:.2}", t / f)),
        );
    }
    out.push('\n');
}

fn size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} KB", bytes as f64 / 1e3)
    }
}

/// The command that regenerates the file.
pub const COMMAND: &str = "cargo xtask bench";

/// Writes the Markdown report.
pub fn markdown(r: &Results, machine: &Machine, chart_file: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# Benchmarks\n\n\
         Generated by `{COMMAND}` on {date}; rerunning it measures everything again and rewrites this \
         file and [the chart]({chart_file}). Do not edit by hand: the text is in \
         `crates/bench/src/report.rs`, the figures come from the run.\n\n\
         Machine: {cpu}, {cores} logical CPUs; {rustc}; Python {python}. Default release profile. \
         Rust decoders: criterion, the median of its samples (20 samples for inputs over 500 KB, \
         100 otherwise, after a 1 s warm-up); Python: `timeit`, the median of 7 repeats. Every \
         decoder reads the same bytes (`regops-bench inputs DIR` writes them; `crates/bench/tests` \
         checks that each decoder reads every operation of them).\n\n",
        date = machine.date,
        cpu = machine.cpu,
        cores = machine.cores,
        rustc = machine.rustc,
        python = r.python.as_deref().unwrap_or("not run"),
    );
    let bars = bars(r);
    if !bars.is_empty() {
        let _ = writeln!(
            out,
            "## The bars on the 1,000-operation `operation.list` answer\n\n\
             regops decodes it all the way to core `Operation`s: dates parsed and put in UTC, \
             entities unescaped, every member kept. Its XML-RPC decoder does not read through \
             quick-xml's `Reader`: a lexer of its own (`crates/xmlrpc/src/lex.rs`) checks the \
             body's UTF-8 once and lends every token from it, which is how it can finish before \
             the quick-xml scan, the floor of any decoder built on that `Reader`.\n\n\
             | ratio | measured | bar | |\n|---|---|---|---|"
        );
        for b in &bars {
            let _ = writeln!(
                out,
                "| {} | {:.2} | {} {:.0} | {} |",
                b.what,
                b.ratio,
                if b.at_least { "≥" } else { "≤" },
                b.bar,
                if b.met() { "met" } else { "**not met**" }
            );
        }
        let _ = writeln!(out, "\n![decode times]({chart_file})\n");
    }
    out.push_str(
        "Columns: *time / regops* is how many times longer than regops a decoder takes on the \
         same bytes; *time / lower bound* compares with reading the bytes and building nothing \
         (a quick-xml event scan for XML, serde_json into `IgnoredAny` for JSON). Operations/s \
         counts the operations of the answer decoded per second.\n\n",
    );
    let inputs = fixtures::all();
    for format in Format::ALL {
        let _ = writeln!(out, "## {}\n", format.title());
        out.push_str(match format {
            Format::XmlRpc => "Answers in the layout of Python's `xmlrpc.client` (Gandi's server), every member of the operation struct: dates, nil dates, `errortype` structs, `last_error` with `&amp;` and `&lt;`, `params` with contacts and name servers, `infos` as an array of structs. The alternatives decode to their own value types (`dxr::Value`, `serde_xmlrpc::Value`, `xmlrpc::Value`, Python's objects); regops to its `Value` is the same depth, regops to core goes further.\n\n",
            Format::Soap => "`queryOpePending` as PHP's `SoapServer` writes it (a `SOAP-ENC:Array` of `SOAP-ENC:Struct` items, `xsi:type` on every value). No Rust SOAP client library decodes rpc/encoded answers to compare with; Python's `ElementTree` only builds the tree.\n\n",
            Format::AwsJson => "One `ListOperations` page of 100 operations (the most a page holds), fractional epoch times, a flag and a message on every fifth operation.\n\n",
            Format::AutoDnsJson => "A `job/_search` answer of 100 jobs, the call the tracker refreshes AutoDNS jobs with.\n\n",
            Format::AutoDnsXml => "A gateway answer about one cancelation, as the reference prints it (read into a bounded element tree, then the cancelation, its job and status).\n\n",
        });
        for input in inputs.iter().filter(|i| i.format == format) {
            input_table(&mut out, r, input);
        }
        if format == Format::AwsJson {
            if let Some(s) = r.sign_seconds {
                let _ = writeln!(
                    out,
                    "Signing one `ListOperations` request with SigV4 (aws-sigv4, session token included): {} per request.\n",
                    duration(s)
                );
            }
        }
    }
    end_to_end(&mut out, r);
    tracker(&mut out, r);
    serve(&mut out, r);
    fleet(&mut out, r);
    out
}

fn fleet(out: &mut String, r: &Results) {
    let Some(f) = &r.fleet else { return };
    let runs: Vec<&serde_json::Value> = f["runs"].as_array().into_iter().flatten().collect();
    let Some(first) = runs.first() else { return };
    let _ = writeln!(
        out,
        "\n\n## A fleet on PostgreSQL\n\n\
         `cargo bench -p regops --bench fleet` (`-- COUNT PROCESSES=1,3 SPEED=S`; `cargo xtask \
         bench` starts the PostgreSQL server): five sandboxes, each its own process with four \
         accounts (20 accounts), seeded in bulk with the operations, a quarter per provider, \
         once the processes run; 1 or 3 `regops serve` processes on one PostgreSQL database \
         (lease {}, discovery every second, the sandboxes' clocks at {}x) discover and follow \
         them. *Followed in* runs from the seeding until everything the journal holds has ended \
         and nothing new came for 5 s. Calls per status check are summed over the processes. With \
         3 processes one is killed (SIGKILL) once a third has ended: *takeover* is the time until \
         every account has another holder (`/v1/accounts` polled every 100 ms); the bound is \
         `lease` + `lease`/3. On this 2-core machine the processes, the sandboxes and the database \
         share two cores, so 3 processes show the cost of sharing, not a speed-up. *SSE delay* \
         is how late the first process's `/v1/events` brings each change, from the moment the \
         process that saw it journaled it (the event's `timestamp`): with 3 processes most \
         changes are another's, read from the database (polling: at once after each of its own \
         writes, which are frequent under this load, and at least every 500 ms when it is idle, \
         so 500 ms is the bound for a member that writes nothing).\n\n\
         | processes | operations | discovered | followed in | provider calls per status check | largest peak RSS | takeover after kill -9 | SSE delay p50 | SSE delay p99 |\n\
         |---|---|---|---|---|---|---|---|---|",
        first["lease"].as_str().unwrap_or("?"),
        first["speed"].as_f64().unwrap_or(0.0),
    );
    for run in runs {
        let g = |k: &str| run[k].as_f64().unwrap_or(0.0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} s | {:.3} | {:.0} MiB | {} | {:.0} ms | {:.0} ms |",
            g("processes"),
            thousands(g("operations")),
            thousands(g("journaled")),
            g("followed_s"),
            g("calls") / g("checks").max(1.0),
            g("peak_mib"),
            run["takeover_s"]
                .as_f64()
                .map_or("–".to_owned(), |t| format!("{t:.1} s")),
            g("sse_p50_ms"),
            g("sse_p99_ms"),
        );
    }
}

fn end_to_end(out: &mut String, r: &Results) {
    let Some(e) = &r.end_to_end else { return };
    let _ = writeln!(
        out,
        "## `ops show` end to end\n\n\
         `cargo bench -p regops --bench end_to_end`: one Gandi operation read again and again \
         from the sandbox (its server on threads of its own, so only the client's CPU is \
         counted: the client thread's scheduler time, or the finished child processes' CPU). \
         The baselines send the very same request bytes and read the answer without decoding it.\n\n\
         | client | calls | requests/s | client CPU per call |\n|---|---|---|---|"
    );
    for row in e["rows"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} µs |",
            row["name"].as_str().unwrap_or(""),
            row["calls"],
            thousands(row["requests_per_s"].as_f64().unwrap_or(0.0)),
            row["client_cpu_us_per_call"].as_f64().unwrap_or(0.0),
        );
    }
    out.push_str(
        "\nIn-process, the difference between the first two rows is what regops adds to a bare \
         HTTP call: encoding, decoding, conversion to core, retry and rate-limit bookkeeping. \
         As commands, both are dominated by starting a process (and for regops, reading its \
         configuration and opening its journal).\n\n",
    );
}

fn tracker(out: &mut String, r: &Results) {
    let Some(t) = &r.tracker else { return };
    let _ = writeln!(
        out,
        "## The tracker: {} operations across the four protocols\n\n\
         `cargo bench -p regops --bench tracker` (`-- COUNT SPEED` to change the count and the \
         sandbox's clock speed): the sandbox runs as its own process (`regops sim --speed {}`); \
         the benchmark submits a quarter of the operations through each adapter, then follows \
         all of them to their end with one `Tracker`. A *status check* is one operation read once \
         in a sweep; the naive baseline, one call per operation per sweep, is 1.0 call per \
         check. Calls are the sandbox's own counts of status-reading calls.\n\n\
         | protocol | status checks | status-reading calls | calls per status check |\n|---|---|---|---|",
        thousands(t["operations"].as_f64().unwrap_or(0.0)),
        t["speed"]
    );
    let (mut checks, mut calls) = (0u64, 0u64);
    for row in t["rows"].as_array().into_iter().flatten() {
        let (c, k) = (
            row["checks"].as_u64().unwrap_or(0),
            row["calls"].as_u64().unwrap_or(0),
        );
        checks += c;
        calls += k;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} |",
            row["protocol"].as_str().unwrap_or(""),
            thousands(c as f64),
            thousands(k as f64),
            k as f64 / c.max(1) as f64
        );
    }
    let _ = writeln!(
        out,
        "| all | {} | {} | {:.3} |\n\n\
         All {} reached their end in {:.1} s of following. Client CPU while following: {:.2} s, \
         {:.0} µs per status check; peak memory of the client process (VmHWM) {:.1} MiB.\n\n\
         Reading the table: Gandi and AutoDNS batch by id (100 per call), and the tracker fills \
         each call with the operations due within half their interval. Route 53 has no read by \
         ids: a refresh lists `ListOperations` pages from the newest operation back to the oldest \
         one still followed, so the span of the listing sets the cost. Netim batches only the \
         pending ones (one `queryOpePending` per sweep answers for all), but the end of each \
         operation needs its own `queryOpe`: one call per operation over its life is the \
         protocol's floor for telling success from failure.",
        thousands(checks as f64),
        thousands(calls as f64),
        calls as f64 / checks.max(1) as f64,
        thousands(t["finished"].as_f64().unwrap_or(0.0)),
        t["followed_s"].as_f64().unwrap_or(0.0),
        t["client_cpu_s"].as_f64().unwrap_or(0.0),
        t["client_cpu_s"].as_f64().unwrap_or(0.0) * 1e6 / checks.max(1) as f64,
        t["peak_mib"].as_f64().unwrap_or(0.0),
    );
}

fn serve(out: &mut String, r: &Results) {
    let Some(s) = &r.serve else { return };
    let _ = writeln!(
        out,
        "\n\n## `regops serve` at scale\n\n\
         `cargo bench -p regops --bench serve` (`-- COUNT... SPEED=S STEADY=N,N`): the sandbox \
         runs as its own process and starts the operations itself, a quarter per provider, in \
         bulk; one `regops serve` process (SQLite journal, every account paced at 1,000 calls/s \
         since the sandbox has no quota) discovers them, follows them and delivers every change \
         to a webhook receiver on loopback. Figures are of the service's process: peak memory \
         (VmHWM), CPU (user + system), its own metrics for calls, changes and status checks (a \
         status check is one operation read once), the latency of `GET \
         /v1/accounts/gandi/operations/{{id}}` sampled 20 times a second.\n\n\
         ### Following to the end\n\n\
         The sandbox's clock at 5x, discovery every second: every operation is discovered, \
         followed to its end, and each change delivered. *CPU per change* is all the CPU of the \
         run (discovery, sweeps, journal, deliveries, API) over the changes journaled. \
         Deliveries per second are measured while a backlog drains (the receiver answers 503 \
         until following has ended, then takes everything). *Discovered* counts what the \
         journal came to hold: Netim lists only pending operations, so one that ends between \
         two listings is not seen; following ends when everything discovered has ended and \
         nothing new came for 5 s.\n\n\
         | operations | discovered | followed in | peak RSS | CPU per change | provider calls per status check | refresh calls per status check | GET p50 | GET p99 | webhook deliveries/s |\n\
         |---|---|---|---|---|---|---|---|---|---|"
    );
    for run in s["runs"].as_array().into_iter().flatten() {
        let f = |k: &str| run[k].as_f64().unwrap_or(0.0);
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} s | {:.1} MiB | {:.0} µs | {:.3} | {:.3} | {:.2} ms | {:.2} ms | {} ({} in all) |",
            thousands(f("operations")),
            thousands(f("journaled")),
            f("followed_s"),
            f("peak_mib"),
            f("cpu_s") * 1e6 / f("events").max(1.0),
            f("calls") / f("checks").max(1.0),
            f("refresh_calls") / f("checks").max(1.0),
            f("p50_ms"),
            f("p99_ms"),
            thousands(f("deliveries_per_s")),
            thousands(f("deliveries")),
        );
    }
    let Some(steady) = s["steady"].as_array().filter(|a| !a.is_empty()) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n### Following, steady\n\n\
         The sandbox's clock at a ten-thousandth, discovery every 10 s: once every operation is \
         discovered, every delivery made and the discovery margin (a minute) passed, a \
         one-minute window in which nothing changes and the service only sweeps. *CPU per \
         status check* is the window's CPU over its checks; peak memory is that of following \
         them all.\n\n\
         | operations | followed | peak RSS | CPU per status check | provider calls per status check | status checks/s | changes in the window | GET p50 | GET p99 |\n\
         |---|---|---|---|---|---|---|---|---|"
    );
    for run in steady {
        let f = |k: &str| run[k].as_f64().unwrap_or(0.0);
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} MiB | {:.1} µs | {:.4} | {} | {} | {:.2} ms | {:.2} ms |",
            thousands(f("operations")),
            thousands(f("followed")),
            f("peak_mib"),
            f("cpu_s") * 1e6 / f("checks").max(1.0),
            f("calls") / f("checks").max(1.0),
            thousands(f("checks") / f("window_s").max(1e-9)),
            thousands(f("changes")),
            f("p50_ms"),
            f("p99_ms"),
        );
    }
}

/// Draws the chart: the headline input's decode times, and each input's regops time against
/// its lower bound.
pub fn chart(r: &Results, path: &Path) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("drawing {}: {e}", path.display());
    let headline = fixtures::named(HEADLINE).ok_or("no headline input")?;
    let times: Vec<(String, f64)> = rows(r, &headline)
        .into_iter()
        .map(|(n, _, t)| (n, t * 1e3))
        .collect();
    let ratios: Vec<(String, f64)> = fixtures::all()
        .iter()
        .filter_map(|i| {
            let ours = r.time(&i.name, "regops")?;
            let floor = lower_bound(&rows(r, i))?;
            Some((i.name.clone(), ours / floor))
        })
        .collect();
    let root = SVGBackend::new(path, (960, 760)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (top, bottom) = root.split_vertically(420);
    bars_panel(
        &top,
        &format!(
            "operation.list, 1,000 operations ({}): ms per decode, lower is better",
            size(headline.body.len())
        ),
        &times,
        "ms",
        |name| {
            if name == "regops" {
                RGBColor(200, 60, 40)
            } else if name.contains("scan") {
                RGBColor(150, 150, 150)
            } else {
                RGBColor(70, 110, 170)
            }
        },
    )
    .map_err(|e| err(&e))?;
    bars_panel(
        &bottom,
        "regops time / lower-bound time, every input (2.0 = twice a bare scan)",
        &ratios,
        "x",
        |_| RGBColor(200, 60, 40),
    )
    .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn bars_panel(
    area: &Area<'_>,
    title: &str,
    bars: &[(String, f64)],
    unit: &str,
    color: impl Fn(&str) -> RGBColor,
) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<std::io::Error>| x.to_string();
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1e-9);
    let names: BTreeMap<usize, String> = bars
        .iter()
        .enumerate()
        .map(|(i, b)| (i, b.0.clone()))
        .collect();
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(250)
        .build_cartesian_2d(0.0..max * 1.18, (0..bars.len()).into_segmented())
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(bars.len())
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => names.get(i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(e)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (name, v))| {
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (*v, SegmentValue::Exact(i + 1)),
                ],
                color(name).filled(),
            );
            r.set_margin(5, 5, 0, 0);
            r
        }))
        .map_err(e)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
            Text::new(
                format!(" {v:.2} {unit}"),
                (*v, SegmentValue::CenterOf(i)),
                ("sans-serif", 13),
            )
        }))
        .map_err(e)?;
    Ok(())
}
