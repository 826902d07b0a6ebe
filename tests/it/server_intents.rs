//! Intent lifecycle over HTTP: create → events → delivery → resume → COMPLETED, listing
//! and paging, the exclusive `since` cursor.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{TestServer, event_types, intent_body, seqs, sse, str_field, urlencode};
use serde_json::{Value, json};

const ADMIN_ADDRESS: &str = "agent://local/default/admin";

#[tokio::test]
async fn lifecycle_create_deliver_resume_complete() {
    let server = TestServer::in_process();
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
    // The example agents read `payload` and the status off the top level (spec §12.6).
    let whole = server.get(&format!("/v1/intents/{id}"), &admin).await;
    whole.expect_ok();
    for field in [
        "intent_id",
        "intent_type",
        "status",
        "lifecycle_status",
        "payload",
    ] {
        assert_eq!(
            whole.body[field], intent[field],
            "top-level {field}: {}",
            whole.text
        );
    }
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
    let server = TestServer::in_process();
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
async fn events_since_is_exclusive() {
    let server = TestServer::in_process();
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
async fn list_defaults_to_fifty_per_page() {
    let server = TestServer::in_process();
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
