//! Intent lifecycle over HTTP: create → events → delivery → resume → COMPLETED, listing
//! and paging, idempotency, the exclusive `since` cursor, terminal immutability.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{TestServer, event_types, intent_body, seqs, sse, str_field};
use reqwest::Method;
use serde_json::{Value, json};

const ADMIN_ADDRESS: &str = "agent://local/default/admin";

#[tokio::test]
async fn lifecycle_create_deliver_resume_complete() {
    let server = TestServer::start();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "worker").await;
    assert_eq!(agent.address, "agent://local/default/worker");

    let created = server
        .post(
            "/v1/intents",
            &admin,
            &intent_body(&agent.address, json!({"n": 1})),
        )
        .await;
    created.expect_ok();
    let id = str_field(&created.body, "intent_id");
    assert!(
        uuid::Uuid::parse_str(&id).is_ok(),
        "intent_id is a UUID: {id}"
    );
    assert_eq!(created.body["status"], "SUBMITTED", "{}", created.text);
    assert!(created.body["created_at"].is_string(), "{}", created.text);

    // Both creation events are committed with the intent.
    let events = server.events(&admin, &id, None).await;
    assert_eq!(seqs(&events), vec![1, 2]);
    assert_eq!(
        event_types(&events),
        vec!["intent.created", "intent.submitted"]
    );
    assert_eq!(events[0]["status"], "CREATED");
    assert_eq!(events[1]["status"], "SUBMITTED");
    for e in &events {
        assert_eq!(e["intent_id"], json!(id));
        assert!(e["at"].is_string(), "event without `at`: {e}");
    }

    let intent = server.intent(&admin, &id).await;
    assert_eq!(intent["intent_id"], json!(id));
    assert_eq!(intent["status"], "SUBMITTED");
    assert_eq!(intent["status"], intent["lifecycle_status"]);
    assert_eq!(intent["intent_type"], "test.echo.v1");
    assert_eq!(intent["to_agent"], json!(agent.address));
    assert_eq!(
        intent["from_agent"], ADMIN_ADDRESS,
        "from_agent comes from the key"
    );
    assert_eq!(intent["payload"], json!({"n": 1}));
    assert!(
        intent["correlation_id"]
            .as_str()
            .is_some_and(|c| uuid::Uuid::parse_str(c).is_ok()),
        "a correlation_id is generated when absent: {intent}"
    );

    // The agent's stream delivers it and moves it to DELIVERED.
    let stream = sse::get(
        &server,
        "/v1/agents/local/default/worker/intents/stream?since=0&wait_seconds=2",
        &agent.key,
        &[],
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(stream.status, 200, "{}", stream.raw);
    let frames = stream.intent_frames();
    assert_eq!(frames.len(), 1, "one delivery: {}", stream.raw);
    assert_eq!(frames[0].json()["intent_id"], json!(id));
    assert_eq!(frames[0].json()["status"], "DELIVERED");

    let intent = server.intent(&agent.key, &id).await;
    assert_eq!(intent["status"], "DELIVERED");
    assert_eq!(intent["lifecycle_status"], "DELIVERED");
    let events = server.events(&admin, &id, None).await;
    assert_eq!(seqs(&events), vec![1, 2, 3]);
    assert_eq!(events[2]["event_type"], "intent.delivered");
    assert_eq!(events[2]["status"], "DELIVERED");

    // The agent completes it; the result is the body minus `action`.
    let resumed = server
        .post(
            &format!("/v1/intents/{id}/resume"),
            &agent.key,
            &json!({"action": "complete", "answer": 42}),
        )
        .await;
    resumed.expect_ok();
    assert_eq!(resumed.body["applied"], json!(true), "{}", resumed.text);
    assert_eq!(resumed.body["intent"]["status"], "COMPLETED");

    let intent = server.intent(&admin, &id).await;
    assert_eq!(intent["status"], "COMPLETED");
    assert_eq!(intent["lifecycle_status"], "COMPLETED");
    assert_eq!(intent["result"], json!({"answer": 42}));

    let events = server.events(&admin, &id, None).await;
    let expected: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(seqs(&events), expected, "seqs are 1,2,3… without gaps");
    let last = events.last().expect("events exist");
    assert_eq!(last["event_type"], "intent.completed");
    assert_eq!(last["status"], "COMPLETED");
    assert_eq!(
        last["result"],
        json!({"answer": 42}),
        "the completed event carries the result (spec §2.1)"
    );
}

#[tokio::test]
async fn list_filters_by_status_and_agent_and_pages_newest_first() {
    let server = TestServer::start();
    let admin = server.admin();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            server
                .create_intent(&admin, "agent://local/default/lister", json!({"i": i}))
                .await,
        );
        // Distinct creation times, so "newest first" does not hinge on tie-breaking.
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let other = server
        .create_intent(&admin, "agent://local/default/someone-else", json!({}))
        .await;
    for id in &ids[..2] {
        let r = server
            .post(
                &format!("/v1/intents/{id}/resolve"),
                &admin,
                &json!({"status": "CANCELED", "reason": "test"}),
            )
            .await;
        r.expect_ok();
    }

    let ids_of = |body: &Value| -> Vec<String> {
        body["intents"]
            .as_array()
            .unwrap_or_else(|| panic!("list without intents: {body}"))
            .iter()
            .map(|i| i["intent_id"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    let canceled = server.get("/v1/intents?status=CANCELED", &admin).await;
    canceled.expect_ok();
    let got: HashSet<String> = ids_of(&canceled.body).into_iter().collect();
    assert_eq!(got, ids[..2].iter().cloned().collect());
    for i in canceled.body["intents"].as_array().into_iter().flatten() {
        assert_eq!(i["status"], "CANCELED");
        assert_eq!(i["lifecycle_status"], "CANCELED");
    }

    let submitted = server.get("/v1/intents?status=SUBMITTED", &admin).await;
    submitted.expect_ok();
    let got: HashSet<String> = ids_of(&submitted.body).into_iter().collect();
    let mut want: HashSet<String> = ids[2..].iter().cloned().collect();
    want.insert(other.clone());
    assert_eq!(got, want);

    let by_agent = server
        .get(
            &format!(
                "/v1/intents?to_agent={}",
                urlencode("agent://local/default/someone-else")
            ),
            &admin,
        )
        .await;
    by_agent.expect_ok();
    assert_eq!(ids_of(&by_agent.body), vec![other.clone()]);

    // Paging with limit=2 visits every intent once, newest first.
    let mut seen = Vec::new();
    let mut path = "/v1/intents?limit=2".to_string();
    for _ in 0..10 {
        let page = server.get(&path, &admin).await;
        page.expect_ok();
        let page_ids = ids_of(&page.body);
        assert!(page_ids.len() <= 2, "limit respected: {}", page.text);
        seen.extend(page_ids);
        match page.body["next_cursor"].as_str() {
            Some(cursor) if !cursor.is_empty() => {
                path = format!("/v1/intents?limit=2&cursor={}", urlencode(cursor));
            }
            _ => break,
        }
    }
    let mut all = ids.clone();
    all.push(other);
    all.reverse();
    assert_eq!(seen, all, "pages list every intent once, newest first");
}

#[tokio::test]
async fn idempotency_key_replays_and_conflicts() {
    let server = TestServer::start();
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
            common::Resp::read(req.send().await.expect("request")).await
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
    let theirs = common::Resp::read(theirs).await;
    theirs.expect_ok();
    assert_ne!(theirs.body["intent_id"], first.body["intent_id"]);
}

#[tokio::test]
async fn events_since_is_exclusive() {
    let server = TestServer::start();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/since", json!({}))
        .await;
    let r = server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "COMPLETED", "result": {"done": true}}),
        )
        .await;
    r.expect_ok();

    let all = server.events(&admin, &id, None).await;
    let n = all.len() as u64;
    assert!(n >= 3, "created, submitted, completed: {all:?}");
    assert_eq!(seqs(&server.events(&admin, &id, Some(0)).await), seqs(&all));
    assert_eq!(
        seqs(&server.events(&admin, &id, Some(1)).await),
        (2..=n).collect::<Vec<_>>()
    );
    assert_eq!(
        seqs(&server.events(&admin, &id, Some(2)).await),
        (3..=n).collect::<Vec<_>>()
    );
    assert!(server.events(&admin, &id, Some(n)).await.is_empty());
    assert!(server.events(&admin, &id, Some(n + 10)).await.is_empty());
}

#[tokio::test]
async fn terminal_intents_are_immutable() {
    let server = TestServer::start();
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
async fn resume_dialects_and_cancel() {
    let server = TestServer::start();
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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn task_result_outcome_must_be_allowed() {
    let server = TestServer::start();
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

#[tokio::test]
async fn idempotency_compares_canonical_json() {
    let server = TestServer::start();
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
            common::Resp::read(r).await
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
async fn concurrent_resolves_let_exactly_one_win() {
    let server = TestServer::start();
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
    let server = TestServer::start();
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
async fn resolve_and_resume_replay_with_the_same_idempotency_key() {
    let server = TestServer::start();
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
            common::Resp::read(r).await
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

#[tokio::test]
async fn list_defaults_to_fifty_per_page() {
    let server = TestServer::start();
    let admin = server.admin();
    for i in 0..55 {
        server
            .create_intent(&admin, "agent://local/default/many", json!({"i": i}))
            .await;
    }
    let page = server.get("/v1/intents", &admin).await;
    page.expect_ok();
    assert_eq!(page.body["intents"].as_array().map(Vec::len), Some(50));
    let cursor = page.body["next_cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("a full page has a next_cursor: {}", page.text));
    let rest = server
        .get(&format!("/v1/intents?cursor={}", urlencode(cursor)), &admin)
        .await;
    rest.expect_ok();
    assert_eq!(rest.body["intents"].as_array().map(Vec::len), Some(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_create_one_intent() {
    let server = TestServer::start();
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
            common::Resp::read(r).await
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
