//! Helpers for scenario/workflow tests: apply a bundle, take one delivery from an agent
//! stream, resume, and wait for an intent to reach a terminal status.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{TestServer, sse};

pub const TERMINAL: [&str; 4] = ["COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"];

/// The shared example bundle (`tests/it/fixtures/durable-api-operations.json`).
pub fn shared_bundle() -> Value {
    serde_json::from_str(include_str!("../fixtures/durable-api-operations.json"))
        .expect("the fixture is JSON")
}

/// `POST /v1/scenarios/apply`, asserting 200; returns the response body.
pub async fn apply(server: &TestServer, key: &str, bundle: &Value) -> Value {
    let r = server.post("/v1/scenarios/apply", key, bundle).await;
    r.expect_ok();
    assert!(r.body["intent_id"].is_string(), "{}", r.text);
    r.body.clone()
}

/// The first intent frame's data on `name`'s stream (from `since=0`), or None when the
/// stream ends without one within `wait_seconds`.
pub async fn next_delivery(
    server: &TestServer,
    key: &str,
    name: &str,
    wait_seconds: u64,
) -> Option<Value> {
    let path = format!("/v1/agents/{name}/intents/stream?since=0&wait_seconds={wait_seconds}");
    let s = sse::get(
        server,
        &path,
        key,
        &[],
        Duration::from_secs(wait_seconds + 10),
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.raw);
    s.intent_frames().first().map(|f| f.json())
}

/// Like [`next_delivery`] but the delivery must come.
pub async fn expect_delivery(server: &TestServer, key: &str, name: &str) -> Value {
    next_delivery(server, key, name, 10)
        .await
        .unwrap_or_else(|| panic!("no delivery for {name}\n{}", server.stderr()))
}

pub async fn resume(server: &TestServer, key: &str, id: &str, body: Value) -> super::Resp {
    server
        .post(&format!("/v1/intents/{id}/resume"), key, &body)
        .await
}

pub async fn complete(server: &TestServer, key: &str, id: &str, result: Value) {
    let mut body = result;
    body["action"] = json!("complete");
    resume(server, key, id, body).await.expect_ok();
}

/// Polls the intent until it is terminal; panics after `limit`.
pub async fn wait_terminal(server: &TestServer, key: &str, id: &str, limit: Duration) -> Value {
    wait_status(server, key, id, &TERMINAL, limit).await
}

pub async fn wait_status(
    server: &TestServer,
    key: &str,
    id: &str,
    statuses: &[&str],
    limit: Duration,
) -> Value {
    let started = Instant::now();
    loop {
        let intent = server.intent(key, id).await;
        let status = intent["status"].as_str().unwrap_or_default().to_string();
        if statuses.contains(&status.as_str()) {
            return intent;
        }
        assert!(
            started.elapsed() < limit,
            "intent {id} still {status} after {limit:?}: {intent}\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The parent's event types in order.
pub async fn event_kinds(server: &TestServer, key: &str, id: &str) -> Vec<String> {
    super::event_types(&server.events(key, id, None).await)
}

/// The gateway's clock reading in a frame or event: its `at`, in Unix milliseconds.
pub fn stamp(value: &Value) -> i64 {
    serde_json::from_value::<axme::protocol::Timestamp>(value["at"].clone())
        .unwrap_or_else(|e| panic!("no `at` time ({e}): {value}"))
        .unix_ms()
}

/// When the intent's answer lease was armed, on the gateway's clock: the `at` of its
/// `intent.delivered` event, written in the commit that armed the lease (the lease's due
/// time is read from the clock after it). Redelivery timed from here does not move when a
/// loaded test process reads the first delivery late.
pub async fn delivered_at(server: &TestServer, key: &str, id: &str) -> i64 {
    let events = server.events(key, id, None).await;
    let delivered = events
        .iter()
        .find(|e| e["event_type"] == "intent.delivered")
        .unwrap_or_else(|| panic!("{id} has no intent.delivered: {events:?}"));
    stamp(delivered)
}
