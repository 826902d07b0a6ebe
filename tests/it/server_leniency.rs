//! What the public clients expect beyond the core calls (issue 15): `/v1/health`, the
//! `warnings` of a create to an unregistered address, the error categories of spec §5.4,
//! camelCase create fields, and a missing `payload` explained.

use crate::common::{TestServer, intent_body, str_field};
use serde_json::json;

#[tokio::test]
async fn versioned_health_answers_like_health() {
    let server = TestServer::in_process();
    for path in ["/health", "/v1/health"] {
        let resp = server.get(path, "").await;
        resp.expect_ok();
        assert_eq!(resp.body["service"], "axme-server", "{path}: {}", resp.text);
    }
}

#[tokio::test]
async fn create_warns_when_no_agent_is_registered_but_accepts() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let nobody = server
        .post(
            "/v1/intents",
            &admin,
            &intent_body("agent://conformance/receiver", json!({})),
        )
        .await;
    nobody.expect_ok();
    let warnings = nobody.body["warnings"].as_array().expect("warnings array");
    assert_eq!(warnings.len(), 1, "{}", nobody.text);
    assert_eq!(warnings[0]["code"], "agent_not_registered");
    assert!(
        warnings[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("agent://conformance/receiver")),
        "{}",
        nobody.text
    );

    let bare = server
        .post("/v1/intents", &admin, &intent_body("ghost", json!({})))
        .await;
    bare.expect_ok();
    assert!(
        bare.body["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("agent://local/default/ghost"))
    );

    let agent = server.provision_agent(&admin, "worker").await;
    let known = server
        .post(
            "/v1/intents",
            &admin,
            &intent_body(&agent.address, json!({})),
        )
        .await;
    known.expect_ok();
    assert!(known.body.get("warnings").is_none(), "{}", known.text);
}

#[tokio::test]
async fn error_categories_follow_the_spec() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let route = server.get("/v1/no-such-route", &admin).await;
    route.expect_error(404, "route_not_found");
    assert_eq!(route.body["error"]["category"], "transport");
    assert_eq!(route.body["error"]["retryable"], false);

    let url = server.endpoint("/v1/intents");
    let http = reqwest::Client::new();
    let send = |body: serde_json::Value| {
        http.post(&url)
            .header("x-api-key", &admin)
            .header("Idempotency-Key", "same-key")
            .json(&body)
            .send()
    };
    let first = send(intent_body("agent://local/default/a", json!({"n": 1})))
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let second = send(intent_body("agent://local/default/a", json!({"n": 2})))
        .await
        .unwrap();
    assert_eq!(second.status(), 409);
    let body: serde_json::Value = second.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_conflict", "{body}");
    assert_eq!(body["error"]["category"], "validation", "{body}");
    assert_eq!(body["error"]["retryable"], false, "{body}");

    let missing = server.get("/v1/intents/not-a-uuid", &admin).await;
    missing.expect_error(404, "intent_not_found");
    assert_eq!(missing.body["error"]["category"], "transport");
    let bad = server
        .post(
            "/v1/intents",
            &admin,
            &json!({"intent_type": "a.v1", "to_agent": "x", "payload": {}}),
        )
        .await;
    bad.expect_error(422, "schema_invalid");
    assert_eq!(bad.body["error"]["category"], "validation");
}

#[tokio::test]
async fn camel_case_create_fields_are_accepted_snake_case_wins() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "worker").await;
    let created = server
        .post(
            "/v1/intents",
            &admin,
            &json!({
                "intentType": "demo.camel.v1",
                "toAgent": "agent://local/default/ignored",
                "to_agent": agent.address,
                "correlationId": "3f1c0e0a-1111-4222-8333-444455556666",
                "replyTo": "agent://local/default/admin",
                "deadlineAt": "2099-01-01T00:00:00Z",
                "maxDeliveryAttempts": 7,
                "payload": {"keepMe": true},
            }),
        )
        .await;
    created.expect_ok();
    let intent = server
        .intent(&admin, &str_field(&created.body, "intent_id"))
        .await;
    assert_eq!(intent["intent_type"], "demo.camel.v1");
    assert_eq!(intent["to_agent"], json!(agent.address), "snake_case wins");
    assert_eq!(
        intent["correlation_id"],
        "3f1c0e0a-1111-4222-8333-444455556666"
    );
    assert_eq!(intent["reply_to"], "agent://local/default/admin");
    assert!(
        intent["deadline_at"]
            .as_str()
            .is_some_and(|d| d.starts_with("2099-01-01")),
        "{intent}"
    );
    assert_eq!(intent["payload"], json!({"keepMe": true}));
}

#[tokio::test]
async fn a_create_without_payload_names_what_it_found() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let flat = server
        .post(
            "/v1/intents",
            &admin,
            &json!({"intent_type": "demo.flat.v1", "to_agent": "worker", "city": "Oslo", "days": 3}),
        )
        .await;
    flat.expect_error(422, "schema_invalid");
    let message = flat.body["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("city") && message.contains("days"),
        "{message}"
    );
    assert!(message.contains(r#""payload": {…}"#), "{message}");
    assert_eq!(flat.body["error"]["details"]["field"], "payload");
    assert_eq!(
        flat.body["error"]["details"]["found_fields"],
        json!(["city", "days", "intent_type", "to_agent"])
    );
}
