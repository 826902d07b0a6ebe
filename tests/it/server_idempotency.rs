//! `Idempotency-Key`: replay of the original answer, 409 on a changed body, scope per
//! caller, canonical JSON comparison, keyed retries of resolve/resume, concurrent duplicates.

use std::collections::HashSet;

use crate::common::{TestServer, intent_body, seqs, str_field, urlencode};
use serde_json::{Value, json};

#[tokio::test]
async fn idempotency_key_replays_and_conflicts() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let body = intent_body("agent://local/default/idem", json!({"x": 1}));

    let send = |body: Value, key: Option<&'static str>| {
        let server = &server;
        let admin = admin.clone();
        async move {
            let mut req = server
                .http
                .post(server.endpoint("/v1/intents"))
                .header("x-api-key", admin)
                .json(&body);
            if let Some(key) = key {
                req = req.header("Idempotency-Key", key);
            }
            crate::common::Resp::read(req.send().await.expect("request")).await
        }
    };

    let first = send(body.clone(), Some("idem-key-0001")).await;
    first.expect_ok();
    let again = send(body.clone(), Some("idem-key-0001")).await;
    again.expect_ok();
    assert_eq!(
        again.body, first.body,
        "same key + same body → original response"
    );
    let id = str_field(&first.body, "intent_id");
    assert_eq!(
        seqs(&server.events(&admin, &id, None).await),
        vec![1, 2],
        "the replay did not execute again"
    );

    let mut changed = body.clone();
    changed["payload"] = json!({"x": 2});
    let conflict = send(changed, Some("idem-key-0001")).await;
    conflict.expect_error(409, "idempotency_conflict");

    // Without a key every request is a new intent.
    let a = send(body.clone(), None).await;
    let b = send(body.clone(), None).await;
    a.expect_ok();
    b.expect_ok();
    assert_ne!(a.body["intent_id"], b.body["intent_id"]);
    assert_ne!(a.body["intent_id"], first.body["intent_id"]);

    // The scope is the caller: another service account's same key is a new intent.
    let agent = server.provision_agent(&admin, "idem-other").await;
    let theirs = server
        .http
        .post(server.endpoint("/v1/intents"))
        .header("x-api-key", &agent.key)
        .header("Idempotency-Key", "idem-key-0001")
        .json(&body)
        .send()
        .await
        .expect("request");
    let theirs = crate::common::Resp::read(theirs).await;
    theirs.expect_ok();
    assert_ne!(theirs.body["intent_id"], first.body["intent_id"]);
}

#[tokio::test]
async fn idempotency_compares_canonical_json() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let send = |raw: &'static str| {
        let server = &server;
        let admin = admin.clone();
        async move {
            let r = server
                .http
                .post(server.endpoint("/v1/intents"))
                .header("x-api-key", admin)
                .header("content-type", "application/json")
                .header("Idempotency-Key", "canonical-0001")
                .body(raw)
                .send()
                .await
                .expect("request");
            crate::common::Resp::read(r).await
        }
    };
    let a = send(
        r#"{"intent_type":"test.echo.v1","to_agent":"agent://local/default/c","payload":{"a":1,"b":2}}"#,
    )
    .await;
    let b = send(
        r#"{ "payload": {"b": 2, "a": 1}, "to_agent": "agent://local/default/c", "intent_type": "test.echo.v1" }"#,
    )
    .await;
    a.expect_ok();
    b.expect_ok();
    assert_eq!(
        a.body["intent_id"], b.body["intent_id"],
        "same JSON, other key order"
    );
}

#[tokio::test]
async fn resolve_and_resume_replay_with_the_same_idempotency_key() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "idem-writes").await;
    let send = |path: String, key: String, body: Value| {
        let server = &server;
        async move {
            let r = server
                .http
                .post(server.endpoint(&path))
                .header("x-api-key", key)
                .header("Idempotency-Key", "retry-0001")
                .json(&body)
                .send()
                .await
                .expect("request");
            crate::common::Resp::read(r).await
        }
    };

    let a = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    let body = json!({"status": "CANCELED", "reason": "retry me"});
    let first = send(
        format!("/v1/intents/{a}/resolve"),
        admin.clone(),
        body.clone(),
    )
    .await;
    first.expect_ok();
    let retry = send(format!("/v1/intents/{a}/resolve"), admin.clone(), body).await;
    retry.expect_ok();
    assert_eq!(
        retry.body["event"], first.body["event"],
        "a retried resolve replays"
    );

    let b = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    let body = json!({"action": "complete", "v": 1});
    let first = send(
        format!("/v1/intents/{b}/resume"),
        agent.key.clone(),
        body.clone(),
    )
    .await;
    first.expect_ok();
    let retry = send(format!("/v1/intents/{b}/resume"), agent.key.clone(), body).await;
    retry.expect_ok();
    let completed = server
        .events(&admin, &b, None)
        .await
        .iter()
        .filter(|e| e["status"] == "COMPLETED")
        .count();
    assert_eq!(completed, 1, "the retried resume did not run twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_create_one_intent() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let body = intent_body("agent://local/default/dupe", json!({"same": true}));
    let attempts = (0..12).map(|_| {
        let server = &server;
        let admin = admin.as_str();
        let body = &body;
        async move {
            let r = server
                .http
                .post(server.endpoint("/v1/intents"))
                .header("x-api-key", admin)
                .header("Idempotency-Key", "burst-0001")
                .json(body)
                .send()
                .await
                .expect("request");
            crate::common::Resp::read(r).await
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let ids: HashSet<String> = answers
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.body["intent_id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(ids.len(), 1, "one intent for one key: {ids:?}");
    for r in answers.iter().filter(|r| r.status != 200) {
        r.expect_error_status(409);
    }
    let list = server
        .get(
            &format!(
                "/v1/intents?to_agent={}",
                urlencode("agent://local/default/dupe")
            ),
            &admin,
        )
        .await;
    list.expect_ok();
    assert_eq!(
        list.body["intents"].as_array().map(Vec::len),
        Some(1),
        "{}",
        list.text
    );
}

/// What the sender meant is fingerprinted, not the `correlation_id` a client generates per
/// call (the Python SDK does) nor the `deadline_at` a relative deadline yields per run: a
/// retry replays the original intent, which keeps its original correlation id.
#[tokio::test]
async fn fingerprint_ignores_generated_correlation_and_relative_deadline() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let send = |body: Value| {
        let server = &server;
        let admin = admin.clone();
        async move {
            let r = server
                .http
                .post(server.endpoint("/v1/intents"))
                .header("x-api-key", admin)
                .header("Idempotency-Key", "meant-0001")
                .json(&body)
                .send()
                .await
                .expect("request");
            crate::common::Resp::read(r).await
        }
    };
    let mut body = intent_body("agent://local/default/meant", json!({"x": 1}));
    body["deadline_seconds"] = json!(300);
    body["correlation_id"] = json!(uuid::Uuid::new_v4().to_string());
    body["deadline_at"] = json!("2030-01-01T00:00:00Z");
    let first = send(body.clone()).await;
    first.expect_ok();
    let id = str_field(&first.body, "intent_id");
    let original = server.intent(&admin, &id).await;

    let mut retry = body.clone();
    retry["correlation_id"] = json!(uuid::Uuid::new_v4().to_string());
    retry["deadline_at"] = json!("2030-01-01T00:00:07Z");
    let again = send(retry.clone()).await;
    again.expect_ok();
    assert_eq!(
        again.body, first.body,
        "the retry replays the original answer"
    );
    let after = server.intent(&admin, &id).await;
    assert_eq!(after["correlation_id"], original["correlation_id"]);
    assert_eq!(after["correlation_id"], body["correlation_id"]);
    assert_eq!(after["deadline_at"], original["deadline_at"]);

    // Another relative deadline, or another payload, is another request.
    let mut other = retry.clone();
    other["deadline_seconds"] = json!(600);
    send(other).await.expect_error(409, "idempotency_conflict");
    let mut other = retry;
    other["payload"] = json!({"x": 2});
    send(other).await.expect_error(409, "idempotency_conflict");
}

/// `deadline_seconds` alone sets `deadline_at` relative to the request's arrival.
#[tokio::test]
async fn deadline_seconds_sets_the_deadline() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let mut body = intent_body("agent://local/default/rel", json!({}));
    body["deadline_seconds"] = json!(120);
    let r = server.post("/v1/intents", &admin, &body).await;
    r.expect_ok();
    let id = str_field(&r.body, "intent_id");
    let intent = server.intent(&admin, &id).await;
    let at = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{v}: {e}"))
    };
    let gap = at(&intent["deadline_at"]) - at(&intent["created_at"]);
    assert_eq!(gap.num_seconds(), 120, "{intent}");
    body["deadline_seconds"] = json!(0);
    server
        .post("/v1/intents", &admin, &body)
        .await
        .expect_error_status(422);
}
