//! Durability and shutdown: acknowledged writes survive `kill -9`; SIGTERM ends open SSE
//! streams and exits promptly.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::{TestServer, sse};
use serde_json::{Value, json};

const INTENTS: usize = 24;

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = crate::common::temp_dir();
    let db = crate::common::db_path(&dir);
    let mut server = TestServer::start_with_db(&db);
    assert!(
        server.banner.contains(db.to_str().unwrap_or_default()),
        "the banner names the database file:\n{}",
        server.banner
    );
    assert!(
        server.banner.contains("synchronous="),
        "the banner states the sync mode:\n{}",
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
    let seqs = crate::common::seqs(&events);
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
        let seqs = crate::common::seqs(&events);
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
    let dir = crate::common::temp_dir();
    let db = crate::common::db_path(&dir);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_acknowledged_just_before_kill_9_are_kept() {
    let dir = crate::common::temp_dir();
    let db = crate::common::db_path(&dir);
    let mut server = TestServer::start_with_db(&db);
    let admin = server.admin();

    // An idempotency record is durable like any other acknowledged write.
    let keyed_body = crate::common::intent_body("agent://local/default/keyed", json!({"k": 1}));
    let keyed = |server: &TestServer| {
        server
            .http
            .post(server.endpoint("/v1/intents"))
            .header("x-api-key", &admin)
            .header("Idempotency-Key", "survives-kill-0001")
            .json(&keyed_body)
            .send()
    };
    let original = crate::common::Resp::read(keyed(&server).await.expect("request")).await;
    original.expect_ok();

    // Writers hammer the server; it is killed while their requests are in flight.
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..8 {
        let http = server.http.clone();
        let url = server.endpoint("/v1/intents");
        let key = admin.clone();
        let acked = acked.clone();
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let body = crate::common::intent_body(
                    "agent://local/default/inflight",
                    json!({"w": w, "i": i}),
                );
                let Ok(resp) = http
                    .post(&url)
                    .header("x-api-key", &key)
                    .json(&body)
                    .send()
                    .await
                else {
                    break;
                };
                if resp.status().as_u16() != 200 {
                    break;
                }
                let Ok(v) = resp.json::<Value>().await else {
                    break;
                };
                if let Some(id) = v["intent_id"].as_str() {
                    acked.lock().expect("not poisoned").push(id.to_string());
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    server.kill_hard();
    for w in writers {
        w.await.expect("writer task");
    }
    let acked = acked.lock().expect("not poisoned").clone();
    assert!(
        acked.len() >= 8,
        "writers got acknowledgements: {}",
        acked.len()
    );
    eprintln!("{} intents acknowledged before kill -9", acked.len());

    let restarted = TestServer::start_with_db(&db);
    let mut missing = Vec::new();
    for id in &acked {
        let r = restarted
            .get(&format!("/v1/intents/{id}/events"), &admin)
            .await;
        let ok = r.status == 200
            && crate::common::seqs(r.body["events"].as_array().map_or(&[][..], |v| v))
                == vec![1, 2];
        if !ok {
            missing.push(format!("{id}: {} {}", r.status, r.text));
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged intents lost or incomplete after kill -9:\n{}",
        missing.len(),
        acked.len(),
        missing.join("\n")
    );

    let replay = crate::common::Resp::read(keyed(&restarted).await.expect("request")).await;
    replay.expect_ok();
    assert_eq!(
        replay.body["intent_id"], original.body["intent_id"],
        "{}",
        replay.text
    );
}
