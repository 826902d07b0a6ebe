//! The operational basics: banner, health, trace ids, metrics, OpenAPI, capabilities.

use crate::common::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn banner_names_the_address_database_and_workspace() {
    // An ephemeral SQLite database, whatever AXME_TEST_STORE says: its banner is the point.
    let server = TestServer::start_with(&["--ephemeral"], &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.banner
    );
    assert!(
        !server.url.ends_with(":0"),
        "the real port is reported: {}",
        server.url
    );
    assert!(
        server.banner.starts_with("axme server "),
        "{}",
        server.banner
    );
    assert!(server.banner.contains("database"), "{}", server.banner);
    assert!(server.banner.contains("ephemeral"), "{}", server.banner);
    assert!(
        server.banner.contains("agent://local/default"),
        "{}",
        server.banner
    );
    let key = server.admin();
    assert!(key.starts_with("axme_sa_") && key.len() > 20, "{key}");
}

#[tokio::test]
async fn health_needs_no_key_and_trace_ids_are_echoed() {
    let server = TestServer::start();
    let r = server.call(Method::GET, "/health", None, None).await;
    r.expect_ok();

    let r = server
        .http
        .get(server.endpoint("/health"))
        .header("X-Trace-Id", "trace-abc-123")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers().get("x-trace-id").and_then(|v| v.to_str().ok()),
        Some("trace-abc-123")
    );

    // On an authenticated route, on success and on error alike; generated when absent.
    let admin = server.admin();
    for key in [Some(admin.as_str()), None] {
        let mut req = server
            .http
            .get(server.endpoint("/v1/intents"))
            .header("X-Trace-Id", "trace-xyz-789");
        if let Some(key) = key {
            req = req.header("x-api-key", key);
        }
        let r = req.send().await.expect("request");
        assert_eq!(
            r.headers().get("x-trace-id").and_then(|v| v.to_str().ok()),
            Some("trace-xyz-789"),
            "echoed with HTTP {}",
            r.status()
        );
    }
    let r = server
        .http
        .get(server.endpoint("/v1/intents"))
        .header("x-api-key", &admin)
        .header("x-request-id", "req-42")
        .send()
        .await
        .expect("request");
    assert_eq!(
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req-42")
    );
    let r = server.get("/v1/intents", &admin).await;
    assert!(
        r.header("x-trace-id").is_some_and(|t| !t.is_empty()),
        "a trace id is generated: {:?}",
        r.headers
    );
    assert!(
        r.header("x-request-id").is_some_and(|t| !t.is_empty()),
        "a request id is generated: {:?}",
        r.headers
    );
}

#[tokio::test]
async fn metrics_are_prometheus_text_with_counters() {
    let server = TestServer::start();
    let admin = server.admin();
    server
        .create_intent(&admin, "agent://local/default/metrics", json!({}))
        .await;
    let r = server.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/plain")),
        "{:?}",
        r.header("content-type")
    );
    let counter = r
        .text
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("# TYPE ")?;
            let (name, kind) = rest.split_once(' ')?;
            (kind.trim() == "counter").then(|| name.to_string())
        })
        .unwrap_or_else(|| panic!("no counter in /metrics:\n{}", r.text));
    // The counter has at least one sample line with a number.
    let sample = r
        .text
        .lines()
        .find(|l| l.starts_with(&counter) && !l.starts_with('#'))
        .unwrap_or_else(|| panic!("no sample for {counter}:\n{}", r.text));
    let value = sample.rsplit(' ').next().unwrap_or_default();
    assert!(value.parse::<f64>().is_ok(), "sample {sample:?}");
}

#[tokio::test]
async fn openapi_describes_the_routes() {
    let server = TestServer::start();
    let r = server.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let doc: Value = serde_json::from_str(&r.text).expect("openapi.json is JSON");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "openapi version: {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths object");
    for route in ["/v1/intents", "/v1/capabilities", "/health"] {
        assert!(paths.contains_key(route), "openapi lacks {route}");
    }
    // The path parameter's name is the server's choice.
    for suffix in ["}", "}/events", "}/events/stream", "}/resolve", "}/resume"] {
        assert!(
            paths
                .keys()
                .any(|p| p.starts_with("/v1/intents/{") && p.ends_with(suffix)),
            "openapi lacks /v1/intents/{{id{suffix}: {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn capabilities_are_listed() {
    let server = TestServer::start();
    let admin = server.admin();
    let r = server.get("/v1/capabilities", &admin).await;
    r.expect_ok();
    let caps = r.body["capabilities"]
        .as_array()
        .expect("capabilities array");
    assert!(!caps.is_empty());
    assert!(caps.iter().all(Value::is_string), "{}", r.text);
    let types = r.body["supported_intent_types"]
        .as_array()
        .expect("supported_intent_types array");
    assert!(!types.is_empty(), "{}", r.text);
}

#[tokio::test]
async fn default_database_lives_in_the_platform_data_dir() {
    let home = crate::common::temp_dir();
    let data = home.path().join("data");
    let server = TestServer::start_with(
        &[],
        &[("HOME", home.path()), ("XDG_DATA_HOME", data.as_path())],
    );
    let db_line = server
        .banner
        .lines()
        .find(|l| l.contains("database"))
        .unwrap_or_else(|| panic!("no database line:\n{}", server.banner))
        .to_string();
    let path = db_line
        .split_whitespace()
        .find(|t| t.starts_with('/'))
        .unwrap_or_else(|| panic!("no path in {db_line:?}"));
    assert!(
        path.starts_with(data.to_str().unwrap_or_default()) && path.ends_with("axme/axme.db"),
        "default database {path:?} is not <data dir>/…axme/axme.db"
    );
    assert!(std::path::Path::new(path).exists(), "{path} exists");
    server.get("/v1/intents", &server.admin()).await.expect_ok();
}

#[test]
fn bad_command_lines_fail_cleanly() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_axme"))
            .arg("server")
            .args(args)
            .output()
            .expect("run axme")
    };
    let both = run(&[
        "--db",
        "/tmp/x.db",
        "--ephemeral",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(both.status.code(), Some(2), "usage error: {both:?}");

    let garbage = run(&["--listen", "not-an-address", "--ephemeral"]);
    assert!(
        matches!(garbage.status.code(), Some(1) | Some(2)),
        "{garbage:?}"
    );
    assert!(!String::from_utf8_lossy(&garbage.stderr).contains("panicked"));

    // A port that is taken: a one-line error and exit 1, no panic.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let busy = run(&["--listen", &format!("127.0.0.1:{port}"), "--ephemeral"]);
    assert_eq!(busy.status.code(), Some(1), "{busy:?}");
    let err = String::from_utf8_lossy(&busy.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(&port.to_string()),
        "the error names the address: {err}"
    );
}

/// The path of the `--ephemeral` database from the banner's `database` line.
fn ephemeral_path(server: &TestServer) -> std::path::PathBuf {
    let db_line = server
        .banner
        .lines()
        .find(|l| l.contains("database"))
        .unwrap_or_else(|| panic!("no database line:\n{}", server.banner))
        .to_string();
    let start = db_line
        .find('/')
        .unwrap_or_else(|| panic!("no path in {db_line:?}"));
    let path: String = db_line[start..]
        .chars()
        .take_while(|c| !matches!(c, ',' | ')' | ' '))
        .collect();
    std::path::PathBuf::from(path)
}

#[tokio::test]
async fn ephemeral_database_is_removed_at_exit() {
    let mut server = TestServer::start_with(&["--ephemeral"], &[]);
    let path = ephemeral_path(&server);
    assert!(path.exists(), "{path:?} exists while running");
    server.get("/v1/intents", &server.admin()).await.expect_ok();
    let took = server.terminate(std::time::Duration::from_secs(5));
    assert!(took.is_some(), "exits on SIGTERM");
    assert!(!path.exists(), "{path:?} is removed at exit");
}

/// Once the banner is out, SIGTERM must already mean "shut down gracefully": a signal
/// handler installed only after the banner loses this race now and then (the default
/// action kills the process, skipping cleanup). Tries several quick starts.
#[test]
fn sigterm_right_after_the_banner_is_graceful() {
    for attempt in 0..30 {
        let mut server = TestServer::start();
        let path = ephemeral_path(&server);
        let took = server.terminate(std::time::Duration::from_secs(5));
        assert!(took.is_some(), "attempt {attempt}: exits on SIGTERM");
        assert!(
            !path.exists(),
            "attempt {attempt}: {path:?} left behind: SIGTERM right after the banner skipped the graceful shutdown"
        );
    }
}
