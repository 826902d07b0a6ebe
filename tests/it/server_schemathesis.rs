//! schemathesis (property-based API testing from the OpenAPI document) against the real
//! gateway: every operation of the served `/openapi.json` is called with generated valid and
//! invalid input, with an admin key, and must never answer 5xx nor anything its documented
//! schema does not allow. The venv is made once under `target/schemathesis-venv`; the run is
//! bounded (examples per operation, a time limit). It skips only where python3 is missing and
//! `CI` is unset; in CI a missing python3 or a failed `pip install` fails it.
//!
//! The SSE routes are left out: an idle stream stays open for its `wait_seconds` (up to 60),
//! which would take most of the time; `server_sse` tests them.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::TestServer;
use crate::common::python::{self, show};

const VERSION: &str = "4.32.5";
/// Generated cases per operation and phase.
const MAX_EXAMPLES: &str = "10";
const RUN_LIMIT: Duration = Duration::from_secs(300);
/// A fixed seed so a run is reproducible; `AXME_SCHEMATHESIS_SEED` picks another.
const SEED: &str = "20261206";

/// Runs `cmd` to its end or until `limit` (then kills it), collecting its output.
fn run_bounded(cmd: &mut Command, limit: Duration) -> (Output, bool) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn schemathesis");
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("reap schemathesis");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    };
    (output, timed_out)
}

#[test]
fn generated_requests_get_no_server_error_and_only_documented_answers() {
    let requirement = format!("schemathesis=={VERSION}");
    let Some(venv) = python::venv(
        "schemathesis-venv",
        &[&requirement],
        "the schemathesis test",
    ) else {
        return;
    };
    let tool = venv.join("bin").join("schemathesis");
    let server = TestServer::start_with(&["--ephemeral", "--no-rate-limits"], &[]);
    let admin = server.admin();
    let work = crate::common::temp_dir();
    let seed = std::env::var("AXME_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.to_string());
    let started = Instant::now();
    let (out, timed_out) = run_bounded(
        Command::new(&tool)
            .arg("run")
            .arg(server.endpoint("/openapi.json"))
            .args(["--header", &format!("x-api-key: {admin}")])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["--max-examples", MAX_EXAMPLES])
            .args(["--exclude-path-regex", "/stream$"])
            // One worker: with two, schemathesis 4.32 sometimes fails inside its own value
            // cache (a KeyError in its coverage phase) with every check passing.
            .args(["--workers", "1", "--no-shrink", "--seed", &seed])
            // Paths like `/v1/agents/{address}/policy/entries` reject most generated
            // strings before a request is made; that is not a finding.
            .arg("--suppress-health-check=filter_too_much")
            .args(["--request-timeout", "20"])
            // Its caches and reports stay out of the source tree.
            .current_dir(work.path())
            .env("NO_COLOR", "1")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy"),
        RUN_LIMIT,
    );
    let text = show(&out);
    eprintln!(
        "schemathesis ran {:.0?} (seed {seed})\n{}",
        started.elapsed(),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("generated") || l.contains("Tested:"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        !timed_out,
        "schemathesis did not finish within {RUN_LIMIT:?}\n{text}"
    );
    assert!(
        out.status.success(),
        "schemathesis found server errors or answers outside the schema\n{text}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tested = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Tested:"))
        .and_then(|n| n.trim().parse::<u32>().ok())
        .unwrap_or(0);
    assert!(tested >= 25, "too few operations tested ({tested})\n{text}");
    assert!(
        server.stderr().matches("panicked").count() == 0,
        "the gateway panicked:\n{}",
        server.stderr()
    );
}
