//! The smaller hardening points of issue 10 (point 8): a database only its owner reads,
//! no open validate route, control characters refused in addresses and types, and an
//! explicit nesting limit that the CLI can always read back.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Axme, TestServer, intent_body};

#[cfg(unix)]
#[test]
fn the_database_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = crate::common::temp_dir();
    let db = crate::common::db_path(&dir);
    let server = TestServer::start_with_db(&db);
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.display());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{path} is {mode:o}");
    }
    drop(server);
}

#[tokio::test]
async fn validate_needs_a_key_and_control_characters_are_refused() {
    let server = TestServer::start();
    server
        .call(
            Method::POST,
            "/v1/scenarios/validate",
            None,
            Some(&json!({"scenario_id": "a.b"})),
        )
        .await
        .expect_error(401, "missing_platform_api_key");
    let admin = server.admin();
    for (field, body) in [
        ("to_agent", intent_body("bob\u{0}x", json!({}))),
        (
            "intent_type",
            json!({"intent_type": "a\u{0}.v1", "to_agent": "bob", "payload": {}}),
        ),
    ] {
        let r = server.post("/v1/intents", &admin, &body).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(
            r.body["error"]["details"]["field"],
            json!(field),
            "{}",
            r.text
        );
    }
}

fn nested(depth: usize) -> Value {
    let mut v = json!("leaf");
    for _ in 0..depth {
        v = json!({ "n": v });
    }
    v
}

#[tokio::test]
async fn nesting_past_the_limit_is_refused_and_anything_accepted_reads_back() {
    let server = TestServer::start();
    let admin = server.admin();
    // The body is one level, the payload the rest: 64 in all is the limit.
    let deep = server
        .post("/v1/intents", &admin, &intent_body("bob", nested(63)))
        .await;
    deep.expect_ok();
    let id = deep.body["intent_id"].as_str().unwrap().to_string();
    let r = server
        .post("/v1/intents", &admin, &intent_body("bob", nested(64)))
        .await;
    r.expect_error(422, "schema_invalid");
    assert_eq!(r.body["error"]["details"]["max_depth"], json!(64));
    // The CLI reads the deepest accepted intent back.
    let axme = Axme::new();
    let out = axme.run_with(
        &["intents", "get", &id, "-o", "json"],
        &[("AXME_BASE_URL", &server.url), ("AXME_API_KEY", &admin)],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let text = serde_json::to_string(&nested(63)).unwrap();
    assert!(
        out.stdout.replace([' ', '\n'], "").contains(&text),
        "{}",
        out.stdout
    );
}

#[tokio::test]
async fn a_wrong_method_gets_405_with_allow() {
    let server = TestServer::start();
    let admin = server.admin();
    let r = server
        .call(Method::DELETE, "/v1/intents", Some(&admin), None)
        .await;
    r.expect_error(405, "method_not_allowed");
    let allow = r.header("allow").unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow:?}");
}
