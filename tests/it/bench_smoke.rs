//! `axme bench` smoke runs: each scenario for a moment against its own gateway (debug
//! build), checking the JSON report's shape so the benchmark cannot rot. Figures are not
//! checked: speed is measured by the benchmark itself, never by a timed test.

use std::process::Command;

use serde_json::Value;

fn bench(args: &[&str]) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_axme"));
    // The gateways it starts on a PostgreSQL --db inherit the test's key file.
    if let Some(key_file) = crate::common::pg::key_file_of_args(args) {
        command.env("AXME_SECRET_KEY_FILE", key_file);
    }
    let output = command
        .arg("bench")
        .args(args)
        .args(["-o", "json"])
        .env_remove("AXME_BASE_URL")
        .env_remove("AXME_API_KEY")
        .output()
        .expect("run axme bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "bench {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// Fields every report has, and its bars.
fn common(report: &Value, scenario: &str, bars: usize) {
    assert_eq!(report["scenario"], scenario);
    assert_eq!(report["axme_version"], env!("CARGO_PKG_VERSION"));
    assert!(matches!(
        report["build"].as_str(),
        Some("debug" | "release")
    ));
    assert!(report["cores"].as_u64().unwrap() >= 1);
    assert_eq!(report["server"]["kind"], "own process");
    assert!(report["server"]["pid"].as_u64().is_some());
    assert_eq!(report["durability"]["sqlite_journal_mode"], "WAL");
    assert_eq!(report["durability"]["sqlite_synchronous"], "NORMAL");
    assert_eq!(report["errors"], 0, "{report:#}");
    let bars_seen = report["bars"].as_array().unwrap();
    assert_eq!(bars_seen.len(), bars);
    for bar in bars_seen {
        assert!(bar["metric"].is_string() && bar["bar"].is_number() && bar["met"].is_boolean());
    }
}

fn percentiles(p: &Value) {
    assert!(p["samples"].as_u64().unwrap() > 0, "{p}");
    for field in ["p50_ms", "p90_ms", "p99_ms", "max_ms"] {
        assert!(p[field].as_f64().unwrap() >= 0.0, "{field} in {p}");
    }
    assert!(p["p50_ms"].as_f64() <= p["max_ms"].as_f64());
}

#[test]
fn submit_reports_intents_per_second() {
    let r = bench(&[
        "--scenario",
        "submit",
        "--duration",
        "500ms",
        "--concurrency",
        "8",
    ]);
    common(&r, "submit", 1);
    assert!(r["intents_acknowledged"].as_u64().unwrap() > 0);
    assert!(r["intents_per_s"].as_f64().unwrap() > 0.0);
    percentiles(&r["ack_latency"]);
}

#[test]
fn lifecycle_completes_intents_through_agents() {
    let r = bench(&[
        "--scenario",
        "lifecycle",
        "--duration",
        "500ms",
        "--concurrency",
        "8",
        "--agents",
        "2",
    ]);
    common(&r, "lifecycle", 1);
    assert!(r["lifecycles_completed"].as_u64().unwrap() > 0);
    assert!(r["lifecycles_per_s"].as_f64().unwrap() > 0.0);
    percentiles(&r["submit_to_completed_at_watcher"]);
}

#[test]
fn latency_measures_three_delays() {
    let r = bench(&[
        "--scenario",
        "latency",
        "--duration",
        "500ms",
        "--rate",
        "100",
    ]);
    common(&r, "latency", 2);
    assert_eq!(r["rate_per_s"], 100);
    percentiles(&r["submit_to_agent_receives"]);
    percentiles(&r["submit_to_delivered_at_watcher"]);
    percentiles(&r["submit_to_completed_at_watcher"]);
}

/// Three own nodes on one PostgreSQL database: submitted on the first, received by an
/// agent on the second, watched on the third.
#[test]
fn latency_across_three_postgres_nodes() {
    let db = crate::common::PgDb::create();
    let r = bench(&[
        "--scenario",
        "latency",
        "--duration",
        "500ms",
        "--rate",
        "50",
        "--db",
        &db.url,
        "--nodes",
        "3",
    ]);
    assert_eq!(r["durability"]["database"], "postgres", "{r:#}");
    assert_eq!(r["errors"], 0, "{r:#}");
    assert_eq!(r["server"]["url"].as_str().unwrap().split(',').count(), 3);
    percentiles(&r["submit_to_agent_receives"]);
    percentiles(&r["submit_to_completed_at_watcher"]);
    assert_eq!(r["bars"][0]["bar"], 10.0);
    // The database now holds data: a second run is refused, saying why.
    let again = Command::new(env!("CARGO_BIN_EXE_axme"))
        .args(["bench", "--scenario", "submit", "--db", &db.url])
        .env("AXME_SECRET_KEY_FILE", db.key_file())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("empty database"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn fanout_reaches_every_watcher_and_reads_memory() {
    let r = bench(&["--scenario", "fanout", "--watchers", "40"]);
    common(&r, "fanout", 2);
    assert_eq!(r["watchers_connected"], 40);
    assert_eq!(r["watchers_received"], 40);
    percentiles(&r["receive"]);
    assert!(r["server_rss_with_watchers_mb"].as_f64().unwrap() > 0.0);
}

#[test]
fn refuses_remote_targets_and_missing_keys() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_axme"))
            .arg("bench")
            .args(args)
            .env_remove("AXME_API_KEY")
            .output()
            .expect("run axme bench")
    };
    let no_key = run(&["--base-url", "http://127.0.0.1:9"]);
    assert_eq!(no_key.status.code(), Some(2));
    let remote = run(&["--base-url", "http://192.0.2.1:80", "--api-key", "k"]);
    assert_eq!(remote.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&remote.stderr).contains("loopback"));
}
