//! Resolve and resume: terminal immutability (409), the three resume dialects, cancel,
//! conditional resolve fields, and a race of terminal changes.

use crate::common::{TestServer, intent_body, seqs, str_field};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn terminal_intents_are_immutable() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/term", json!({}))
        .await;

    let done = server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "COMPLETED", "result": {"ok": 1}, "actor": "tester"}),
        )
        .await;
    done.expect_ok();
    assert_eq!(done.body["intent"]["status"], "COMPLETED", "{}", done.text);
    assert_eq!(done.body["event"]["event_type"], "intent.completed");
    assert_eq!(done.body["event"]["status"], "COMPLETED");
    assert!(done.body["event"]["details"].is_object(), "{}", done.text);
    assert_eq!(
        done.body["completion_delivery"]["delivered"],
        json!(false),
        "{}",
        done.text
    );
    assert_eq!(
        done.body["completion_delivery"]["reason"], "reply_to_not_set",
        "{}",
        done.text
    );
    let before = server.events(&admin, &id, None).await;

    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "CANCELED", "reason": "too late"}),
        )
        .await
        .expect_error(409, "intent_already_terminal");
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "FAILED", "error": {"code": "x"}}),
        )
        .await
        .expect_error_status(409);
    server
        .post(
            &format!("/v1/intents/{id}/resume"),
            &admin,
            &json!({"action": "complete", "more": true}),
        )
        .await
        .expect_error_status(409);

    assert_eq!(
        server.events(&admin, &id, None).await,
        before,
        "refused changes append no events"
    );
    let intent = server.intent(&admin, &id).await;
    assert_eq!(intent["status"], "COMPLETED");
    assert_eq!(intent["result"], json!({"ok": 1}));
}

#[tokio::test]
async fn concurrent_resolves_let_exactly_one_win() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/race", json!({}))
        .await;
    let path = format!("/v1/intents/{id}/resolve");
    let attempts = (0..16).map(|i| {
        let body = if i % 2 == 0 {
            json!({"status": "COMPLETED", "result": {"winner": i}})
        } else {
            json!({"status": "CANCELED", "reason": format!("racer {i}")})
        };
        let server = &server;
        let admin = admin.as_str();
        let path = path.as_str();
        async move { server.post(path, admin, &body).await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let wins = answers.iter().filter(|r| r.status == 200).count();
    assert_eq!(wins, 1, "exactly one terminal change wins");
    for r in answers.iter().filter(|r| r.status != 200) {
        r.expect_error(409, "intent_already_terminal");
    }
    let events = server.events(&admin, &id, None).await;
    let terminal = events
        .iter()
        .filter(|e| ["COMPLETED", "CANCELED"].contains(&e["status"].as_str().unwrap_or("")))
        .count();
    assert_eq!(terminal, 1, "one terminal event: {events:?}");
    assert_eq!(seqs(&events), (1..=events.len() as u64).collect::<Vec<_>>());
}

#[tokio::test]
async fn resolve_requires_its_conditional_fields() {
    // Spec §3.7: `result` is required for COMPLETED, `error` for FAILED, `reason` for
    // CANCELED; a missing one is a 422. Each case gets a fresh intent.
    let server = TestServer::in_process();
    let admin = server.admin();
    let mut wrong = Vec::new();
    for (body, field) in [
        (json!({"status": "COMPLETED"}), "result"),
        (json!({"status": "FAILED"}), "error"),
        (json!({"status": "CANCELED"}), "reason"),
        (json!({"reason": "no status"}), "status"),
    ] {
        let id = server
            .create_intent(&admin, "agent://local/default/cond", json!({}))
            .await;
        let r = server
            .post(&format!("/v1/intents/{id}/resolve"), &admin, &body)
            .await;
        let named = r.body["error"]["details"]["field"] == json!(field) || r.text.contains(field);
        if r.status != 422 || r.body["error"]["code"] != "schema_invalid" || !named {
            wrong.push(format!("{body} → {} {}", r.status, r.text));
        }
    }
    assert!(
        wrong.is_empty(),
        "accepted or badly refused:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn resume_dialects_and_cancel() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "dialects").await;

    // action: fail → FAILED.
    let failed = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    server
        .post(
            &format!("/v1/intents/{failed}/resume"),
            &agent.key,
            &json!({"action": "fail", "reason": "disk full"}),
        )
        .await
        .expect_ok();
    assert_eq!(server.intent(&admin, &failed).await["status"], "FAILED");
    let last = server.events(&admin, &failed, None).await;
    assert_eq!(
        last.last().map(|e| e["status"].clone()),
        Some(json!("FAILED"))
    );

    // task_result → COMPLETED.
    let task = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    server
        .post(
            &format!("/v1/intents/{task}/resume"),
            &agent.key,
            &json!({"task_result": {"outcome": "approved", "comment": "fine"}}),
        )
        .await
        .expect_ok();
    assert_eq!(server.intent(&admin, &task).await["status"], "COMPLETED");

    // Cancel is resolve CANCELED.
    let canceled = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    let r = server
        .post(
            &format!("/v1/intents/{canceled}/resolve"),
            &admin,
            &json!({"status": "CANCELED", "reason": "user asked"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["event"]["event_type"], "intent.canceled");
    assert_eq!(server.intent(&admin, &canceled).await["status"], "CANCELED");

    // A key that is neither sender, recipient nor admin may not resume.
    let stranger = server.provision_agent(&admin, "stranger").await;
    let open = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    server
        .call(
            Method::POST,
            &format!("/v1/intents/{open}/resume"),
            Some(&stranger.key),
            Some(&json!({"action": "complete"})),
        )
        .await
        .expect_error(403, "policy_denied");
}

#[tokio::test]
async fn task_result_outcome_must_be_allowed() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let mut body = intent_body("agent://local/default/human", json!({"doc": 1}));
    body["human_task"] = json!({
        "title": "Approve the doc",
        "task_type": "approval",
        "allowed_outcomes": ["approved", "rejected"],
    });
    let r = server.post("/v1/intents", &admin, &body).await;
    r.expect_ok();
    let id = str_field(&r.body, "intent_id");

    server
        .post(
            &format!("/v1/intents/{id}/resume"),
            &admin,
            &json!({"task_result": {"outcome": "maybe"}}),
        )
        .await
        .expect_error_status(422);
    assert!(
        !server.intent(&admin, &id).await["status"]
            .as_str()
            .is_some_and(|s| ["COMPLETED", "FAILED", "CANCELED"].contains(&s))
    );

    server
        .post(
            &format!("/v1/intents/{id}/resume"),
            &admin,
            &json!({"task_result": {"outcome": "approved", "comment": "ok"}}),
        )
        .await
        .expect_ok();
    assert_eq!(server.intent(&admin, &id).await["status"], "COMPLETED");
}
