//! Durability and shutdown: acknowledged writes survive `kill -9`; SIGTERM ends open SSE
//! streams and exits promptly.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{TestServer, sse};
use serde_json::{Value, json};

const INTENTS: usize = 24;

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = common::temp_dir();
    let db = common::db_path(&dir);
    let mut server = TestServer::start_with_db(&db);
    assert!(
        server.banner.contains(db.to_str().unwrap_or_default()),
        "the banner names the database file:\n{}",
        server.banner
    );
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "durable").await;

    let mut ids = Vec::new();
    for i in 0..INTENTS {
        ids.push(
            server
                .create_intent(&admin, &agent.address, json!({"i": i}))
                .await,
        );
    }
    // Some transitions, each acknowledged before the kill.
    for id in &ids[0..4] {
        server
            .post(
                &format!("/v1/intents/{id}/resolve"),
                &admin,
                &json!({"status": "COMPLETED", "result": {"ok": true}}),
            )
            .await
            .expect_ok();
    }
    for id in &ids[4..8] {
        server
            .post(
                &format!("/v1/intents/{id}/resolve"),
                &admin,
                &json!({"status": "CANCELED", "reason": "durability test"}),
            )
            .await
            .expect_ok();
    }
    // Deliver the rest, then complete a few of those as the agent.
    let delivery = sse::get(
        &server,
        "/v1/agents/local/default/durable/intents/stream?since=0&wait_seconds=2",
        &agent.key,
        &[],
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(
        delivery.intent_frames().len(),
        INTENTS - 8,
        "{}",
        delivery.raw
    );
    for id in &ids[8..12] {
        server
            .post(
                &format!("/v1/intents/{id}/resume"),
                &agent.key,
                &json!({"action": "complete", "n": 1}),
            )
            .await
            .expect_ok();
    }

    let before = snapshot(&server, &admin, &ids).await;
    server.kill_hard();

    let restarted = TestServer::start_with_db(&db);
    assert!(
        restarted.admin_key.is_none(),
        "no new admin key on a later start:\n{}",
        restarted.banner
    );
    assert!(
        restarted.banner.contains("admin key"),
        "{}",
        restarted.banner
    );
    let after = snapshot(&restarted, &admin, &ids).await;
    for id in &ids {
        assert_eq!(after[id], before[id], "intent {id} differs after kill -9");
    }

    // Keys survive too, and new writes continue each intent's seq without a gap.
    restarted.get("/v1/intents", &agent.key).await.expect_ok();
    let open = &ids[INTENTS - 1];
    let before_n = before[open]["events"].as_array().map_or(0, Vec::len) as u64;
    restarted
        .post(
            &format!("/v1/intents/{open}/resume"),
            &agent.key,
            &json!({"action": "complete"}),
        )
        .await
        .expect_ok();
    let events = restarted.events(&admin, open, None).await;
    let seqs = common::seqs(&events);
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    assert!(seqs.len() as u64 > before_n);

    // New intents can be created after the restart.
    restarted
        .create_intent(&admin, &agent.address, json!({"after": "restart"}))
        .await;
}

/// Each intent's stable fields and its full event list.
async fn snapshot(server: &TestServer, key: &str, ids: &[String]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for id in ids {
        let intent = server.intent(key, id).await;
        let events = server.events(key, id, None).await;
        let seqs = common::seqs(&events);
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "seqs have no gaps"
        );
        out.insert(
            id.clone(),
            json!({
                "status": intent["status"],
                "lifecycle_status": intent["lifecycle_status"],
                "payload": intent["payload"],
                "to_agent": intent["to_agent"],
                "from_agent": intent["from_agent"],
                "correlation_id": intent["correlation_id"],
                "created_at": intent["created_at"],
                "result": intent["result"],
                "events": events,
            }),
        );
    }
    out
}

#[tokio::test]
async fn sigterm_ends_open_streams_and_exits_promptly() {
    let dir = common::temp_dir();
    let db = common::db_path(&dir);
    let mut server = TestServer::start_with_db(&db);
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/graceful", json!({}))
        .await;

    let (resp, connected) = sse::open(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=2&wait_seconds=60"),
        &admin,
        &[],
    )
    .await;
    assert_eq!(resp.status().as_u16(), 200);
    let watcher = tokio::spawn(sse::read_all(resp, connected, Duration::from_secs(30)));
    tokio::time::sleep(Duration::from_millis(400)).await;

    let limit = Duration::from_secs(5);
    let took = tokio::task::spawn_blocking(move || {
        let took = server.terminate(limit);
        (took, server)
    })
    .await
    .expect("terminate task");
    let (took, server) = took;
    assert!(
        took.is_some(),
        "the server did not exit within {limit:?} of SIGTERM; stderr:\n{}",
        server.stderr()
    );
    let s = watcher.await.expect("watcher task");
    assert!(s.ended, "the open stream ended at shutdown");
    assert!(
        s.open_for() < Duration::from_secs(6),
        "stream stayed open {:?}",
        s.open_for()
    );

    // The database is intact after the graceful stop.
    let again = TestServer::start_with_db(&db);
    assert_eq!(again.intent(&admin, &id).await["status"], "SUBMITTED");
}
