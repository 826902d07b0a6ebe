//! Bad input gets a 4xx with the JSON error body naming what is wrong, never a 500.

use crate::common::{Resp, TestServer};
use reqwest::Method;
use serde_json::{Value, json};

/// Sends raw bytes as a JSON body.
async fn post_raw(server: &TestServer, path: &str, key: &str, body: &str) -> Resp {
    let r = server
        .http
        .post(server.endpoint(path))
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    Resp::read(r).await
}

/// The field an error names, from `error.details.field` or the message.
fn names_field(r: &Resp, field: &str) -> bool {
    r.body["error"]["details"]["field"] == json!(field)
        || r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(field))
}

#[tokio::test]
async fn oversized_payload_is_413() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let big = "x".repeat(129 * 1024);
    let r = server
        .post(
            "/v1/intents",
            &admin,
            &crate::common::intent_body("agent://local/default/big", json!({"blob": big})),
        )
        .await;
    r.expect_error(413, "payload_too_large");

    // Just under the limit is fine.
    let fits = "y".repeat(120 * 1024);
    server
        .post(
            "/v1/intents",
            &admin,
            &crate::common::intent_body("agent://local/default/big", json!({"blob": fits})),
        )
        .await
        .expect_ok();
}

#[tokio::test]
async fn malformed_and_invalid_bodies_are_422_naming_the_field() {
    let server = TestServer::in_process();
    let admin = server.admin();

    for raw in ["{", "not json", "", "[]", "null", "{\"intent_type\": }"] {
        let r = post_raw(&server, "/v1/intents", &admin, raw).await;
        r.expect_error(422, "schema_invalid");
    }

    let missing_to = json!({"intent_type": "test.echo.v1", "payload": {}});
    let r = server.post("/v1/intents", &admin, &missing_to).await;
    r.expect_error(422, "schema_invalid");
    assert!(names_field(&r, "to_agent"), "names to_agent: {}", r.text);

    for payload in [json!([1, 2]), json!("text"), json!(7), Value::Null] {
        let body = json!({"intent_type": "test.echo.v1", "to_agent": "agent://local/default/x", "payload": payload});
        let r = server.post("/v1/intents", &admin, &body).await;
        r.expect_error(422, "schema_invalid");
        assert!(names_field(&r, "payload"), "names payload: {}", r.text);
    }

    let missing_type = json!({"to_agent": "agent://local/default/x", "payload": {}});
    let r = server.post("/v1/intents", &admin, &missing_type).await;
    r.expect_error(422, "schema_invalid");
    assert!(
        names_field(&r, "intent_type"),
        "names intent_type: {}",
        r.text
    );

    // Unknown fields are ignored.
    let mut extra = crate::common::intent_body("agent://local/default/x", json!({}));
    extra["some_future_field"] = json!({"a": 1});
    server.post("/v1/intents", &admin, &extra).await.expect_ok();
}

#[tokio::test]
async fn malformed_intent_ids_get_an_error_body() {
    let server = TestServer::in_process();
    let admin = server.admin();
    for path in [
        "/v1/intents/not-a-uuid",
        "/v1/intents/not-a-uuid/events",
        "/v1/intents/123/events/stream?since=0&wait_seconds=1",
    ] {
        let r = server.get(path, &admin).await;
        assert!(
            r.status == 404 || r.status == 422,
            "{path}: expected 404/422, got {}: {}",
            r.status,
            r.text
        );
        r.expect_error_status(r.status);
    }
    let r = server
        .post(
            "/v1/intents/zzz/resolve",
            &admin,
            &json!({"status": "CANCELED", "reason": "x"}),
        )
        .await;
    assert!(r.status == 404 || r.status == 422, "{}", r.text);
    r.expect_error_status(r.status);

    server
        .get(&format!("/v1/intents/{}", uuid::Uuid::new_v4()), &admin)
        .await
        .expect_error(404, "intent_not_found");
}

#[tokio::test]
async fn a_batch_of_odd_requests_never_gets_a_500() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/odd", json!({}))
        .await;
    let unknown = uuid::Uuid::new_v4();

    let gets = [
        "/v1/intents?limit=0".to_string(),
        "/v1/intents?limit=-1".to_string(),
        "/v1/intents?limit=abc".to_string(),
        "/v1/intents?limit=99999999999999999999".to_string(),
        "/v1/intents?cursor=garbage".to_string(),
        "/v1/intents?cursor=%00%ff".to_string(),
        "/v1/intents?status=BOGUS".to_string(),
        "/v1/intents?status=".to_string(),
        format!("/v1/intents/{id}/events?since=-1"),
        format!("/v1/intents/{id}/events?since=abc"),
        format!("/v1/intents/{id}/events?since=99999999999999999999"),
        format!("/v1/intents/{unknown}/events"),
        format!("/v1/intents/{id}/events/stream?since=abc&wait_seconds=1"),
        format!("/v1/intents/{id}/events/stream?since=0&wait_seconds=1.5"),
        "/v1/agents/%00/intents/stream?since=0&wait_seconds=1".to_string(),
        "/v1/agents/a/b/c/d/e/intents/stream?since=0&wait_seconds=1".to_string(),
        "/v1/agents/x?limit=-5".to_string(),
        "/v1/agents?limit=abc".to_string(),
        "/v1/agents/%E2%98%83".to_string(),
        "/v1/service-accounts/nope".to_string(),
        "/v1/no-such-route".to_string(),
    ];
    let mut bad = Vec::new();
    for path in &gets {
        let r = server.get(path, &admin).await;
        check(&mut bad, "GET", path, &r);
    }

    let posts: Vec<(String, &str)> = vec![
        (format!("/v1/intents/{id}/resolve"), ""),
        (format!("/v1/intents/{id}/resolve"), "{}"),
        (format!("/v1/intents/{id}/resolve"), r#"{"status":"DONE"}"#),
        (
            format!("/v1/intents/{id}/resolve"),
            r#"{"status":"SUBMITTED"}"#,
        ),
        (format!("/v1/intents/{id}/resolve"), r#"{"status":17}"#),
        (format!("/v1/intents/{id}/resume"), "[]"),
        (
            format!("/v1/intents/{id}/resume"),
            r#"{"action":"explode"}"#,
        ),
        (
            format!("/v1/intents/{id}/resume"),
            r#"{"task_result":"yes"}"#,
        ),
        (
            format!("/v1/intents/{unknown}/resume"),
            r#"{"action":"complete"}"#,
        ),
        (
            "/v1/intents".to_string(),
            r#"{"intent_type":"a.b.v1","to_agent":"x","payload":{}}"#,
        ),
        (
            "/v1/intents".to_string(),
            r#"{"intent_type":5,"to_agent":[],"payload":{}}"#,
        ),
        (
            "/v1/intents".to_string(),
            r#"{"intent_type":"a.b.v1","to_agent":"agent://local/default/x","payload":{},"deadline_at":"tomorrow"}"#,
        ),
        (
            "/v1/intents".to_string(),
            r#"{"intent_type":"a.b.v1","to_agent":"agent://local/default/x","payload":{},"correlation_id":"nope"}"#,
        ),
        ("/v1/service-accounts".to_string(), "{}"),
        ("/v1/service-accounts".to_string(), r#"{"name":""}"#),
        (
            "/v1/service-accounts".to_string(),
            r#"{"name":"UPPER case!"}"#,
        ),
        ("/v1/service-accounts/nope/keys".to_string(), "{}"),
        (
            "/v1/service-accounts/nope/keys/nope/revoke".to_string(),
            "{}",
        ),
        ("/v1/workspaces".to_string(), r#"{"name":""}"#),
        ("/v1/workspaces".to_string(), "{"),
    ];
    for (path, body) in &posts {
        let r = post_raw(&server, path, &admin, body).await;
        check(&mut bad, "POST", path, &r);
    }

    for (method, path) in [
        (Method::DELETE, "/v1/intents".to_string()),
        (Method::PUT, format!("/v1/intents/{id}")),
        (Method::PATCH, "/health".to_string()),
    ] {
        let r = server.call(method.clone(), &path, Some(&admin), None).await;
        check(&mut bad, method.as_str(), &path, &r);
    }

    // Wrong content type on create.
    let r = server
        .http
        .post(server.endpoint("/v1/intents"))
        .header("x-api-key", &admin)
        .header("content-type", "text/plain")
        .body(crate::common::intent_body("agent://local/default/x", json!({})).to_string())
        .send()
        .await
        .expect("request");
    let r = Resp::read(r).await;
    check(&mut bad, "POST text/plain", "/v1/intents", &r);

    // Odd headers.
    let long_key = "k".repeat(300);
    for (name, value) in [
        ("Idempotency-Key", long_key.as_str()),
        ("Idempotency-Key", ""),
        ("Last-Event-ID", "not-a-number"),
        ("x-api-key", ""),
        ("Authorization", "Bearer"),
        ("Authorization", "Basic Zm9vOmJhcg=="),
    ] {
        let r = server
            .http
            .post(server.endpoint("/v1/intents"))
            .header("x-api-key", &admin)
            .header(name, value)
            .json(&crate::common::intent_body(
                "agent://local/default/x",
                json!({}),
            ))
            .send()
            .await
            .expect("request");
        let r = Resp::read(r).await;
        check(
            &mut bad,
            &format!("POST with {name}: {value:.20}"),
            "/v1/intents",
            &r,
        );
        let r = server
            .http
            .get(server.endpoint(&format!("/v1/intents/{id}/events/stream?wait_seconds=1")))
            .header("x-api-key", &admin)
            .header(name, value)
            .send()
            .await
            .expect("request");
        let r = Resp::read(r).await;
        check(
            &mut bad,
            &format!("stream with {name}: {value:.20}"),
            "",
            &r,
        );
    }

    assert!(bad.is_empty(), "bad answers:\n{}", bad.join("\n"));
    // The intent survived the abuse unchanged.
    assert_eq!(server.intent(&admin, &id).await["status"], "SUBMITTED");
}

/// Records a failure unless the answer is < 500 and, when 4xx, a JSON error body.
fn check(bad: &mut Vec<String>, method: &str, path: &str, r: &Resp) {
    if r.status >= 500 {
        bad.push(format!("{method} {path} → {} {}", r.status, r.text));
    } else if r.status >= 400 {
        let has_body = r.body["ok"] == json!(false)
            && r.body["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
            && r.body["error"]["message"].is_string();
        if !has_body {
            bad.push(format!(
                "{method} {path} → {} without the JSON error body: {:?}",
                r.status, r.text
            ));
        }
    }
}

/// Every route family decodes its body into the documented type: a wrong type is a 422
/// naming the field by its path, and the leniency the types document still holds.
#[tokio::test]
async fn typed_bodies_name_the_field_by_path_on_every_family() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "typed-bot").await;
    let policy = format!("/v1/agents/{}/policy", agent.address);
    let cases = [
        (
            Method::POST,
            "/v1/intents".to_string(),
            json!({"intent_type": "a.v1", "to_agent": "bob", "payload": {}, "max_reminders": "x"}),
            "max_reminders",
        ),
        (
            Method::POST,
            "/v1/intents".to_string(),
            json!({"intent_type": "a.v1", "to_agent": "bob", "payload": {}, "human_task": 5}),
            "human_task",
        ),
        (
            Method::POST,
            "/v1/service-accounts".to_string(),
            json!({"name": 5}),
            "name",
        ),
        (
            Method::POST,
            "/v1/service-accounts".to_string(),
            json!({"name": "x1", "role": "owner"}),
            "role",
        ),
        (
            Method::POST,
            format!("/v1/service-accounts/{}/keys", agent.sa_id),
            json!({"scopes": ["intents:read", 7]}),
            "scopes[1]",
        ),
        (
            Method::PATCH,
            format!("/v1/service-accounts/{}", agent.sa_id),
            json!({"delivery_mode": "carrier-pigeon"}),
            "delivery_mode",
        ),
        (
            Method::PATCH,
            format!("/v1/service-accounts/{}", agent.sa_id),
            json!({"callback_url": "ftp://x"}),
            "callback_url",
        ),
        (
            Method::PUT,
            policy.clone(),
            json!({"policy_type": "open", "entries": ["*", 7]}),
            "entries[1]",
        ),
        (
            Method::PUT,
            policy.clone(),
            json!({"policy_type": "open", "entries": ["*", "nonsense pattern"]}),
            "entries[1]",
        ),
        (
            Method::POST,
            format!("{policy}/entries"),
            json!({}),
            "sender_pattern",
        ),
        (
            Method::POST,
            "/v1/auth/login-intent".to_string(),
            json!({"email": 5}),
            "email",
        ),
        (
            Method::POST,
            "/v1/inbox/t-1/reply".to_string(),
            json!({"message": ["x"]}),
            "message",
        ),
        (
            Method::POST,
            "/v1/inbox/t-1/messages/delete".to_string(),
            json!({"limit": 0}),
            "limit",
        ),
        (
            Method::POST,
            "/v1/approvals/a-1/decision".to_string(),
            json!({"decision": "maybe"}),
            "decision",
        ),
    ];
    for (method, path, body, field) in cases {
        let r = server
            .call(method.clone(), &path, Some(&admin), Some(&body))
            .await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(
            r.body["error"]["details"]["field"],
            json!(field),
            "{method} {path} {body}: {}",
            r.text
        );
    }
    // Documented leniency: a lower-case status, a scope list as one string, upper-case
    // names, entries as `GET` shows them.
    let id = server.create_intent(&admin, "bob", json!({})).await;
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "canceled", "reason": "r"}),
        )
        .await
        .expect_ok();
    server
        .post(
            &format!("/v1/service-accounts/{}/keys", agent.sa_id),
            &admin,
            &json!({"scopes": "intents:read, intents:write"}),
        )
        .await
        .expect_ok();
    let r = server
        .call(Method::PUT, &policy, Some(&admin), Some(&json!({"policy_type": "ALLOWLIST", "entries": [{"sender_pattern": " agent://other/* "}]})))
        .await;
    r.expect_ok();
    assert_eq!(
        r.body["policy"]["entries"][0]["sender_pattern"], "agent://other/*",
        "{}",
        r.text
    );
    // `callback_url`: absent keeps it, `null` clears it.
    let patch = format!("/v1/service-accounts/{}", agent.sa_id);
    let hook = "http://127.0.0.1:9/hook";
    server
        .call(
            Method::PATCH,
            &patch,
            Some(&admin),
            Some(&json!({"delivery_mode": "HTTP", "callback_url": hook})),
        )
        .await
        .expect_ok();
    let r = server
        .call(
            Method::PATCH,
            &patch,
            Some(&admin),
            Some(&json!({"rotate_secret": true})),
        )
        .await;
    r.expect_ok();
    assert_eq!(
        r.body["service_account"]["callback_url"], hook,
        "{}",
        r.text
    );
    let r = server
        .call(
            Method::PATCH,
            &patch,
            Some(&admin),
            Some(&json!({"delivery_mode": "stream", "callback_url": null})),
        )
        .await;
    r.expect_ok();
    assert!(
        r.body["service_account"]["callback_url"].is_null(),
        "{}",
        r.text
    );
}
