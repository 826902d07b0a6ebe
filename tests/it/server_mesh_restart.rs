//! The agent mesh across restarts (issue 15's proof: "all of it after a restart"), on a
//! SQLite file and on PostgreSQL: a kill made before a restart still refuses sends both ways,
//! refuses the agent's stream and answers its heartbeat with `killed`; `mesh events` still
//! names who did it; the stored heartbeat and its metrics are still there, a new heartbeat
//! makes the agent healthy and silence unreachable; resume makes deliveries flow, a kill
//! ends an open stream with the kill frame, and a resume also survives the next restart.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::common::{PgDb, TestServer, intent_body, sse, urlencode};

/// Silence thresholds of the restarted servers: short enough to wait out, long enough that a
/// loaded machine still reads `healthy` right after a heartbeat.
const FLAGS: [&str; 4] = [
    "--mesh-degraded-after",
    "3s",
    "--mesh-unreachable-after",
    "4s",
];

const ADMIN: &str = "agent://local/default/admin";

fn stream_path(address: &str, since: u64, wait_seconds: u32) -> String {
    format!(
        "/v1/agents/{}/intents/stream?since={since}&wait_seconds={wait_seconds}",
        urlencode(address)
    )
}

/// Opens `address`'s delivery stream after `since` as `key`; the task yields everything it
/// received.
fn open_stream(
    server: &TestServer,
    key: &str,
    address: &str,
    since: u64,
    wait: u32,
) -> JoinHandle<String> {
    let url = server.endpoint(&stream_path(address, since, wait));
    let key = key.to_string();
    tokio::spawn(async move {
        let resp = reqwest::Client::new()
            .get(url)
            .header("x-api-key", key)
            .send()
            .await
            .unwrap();
        resp.text().await.unwrap()
    })
}

async fn switch(server: &TestServer, key: &str, id: &str, action: &str) -> crate::common::Resp {
    server
        .post(
            &format!("/v1/mesh/agents/{id}/{action}"),
            key,
            &json!({"reason": "runaway costs"}),
        )
        .await
}

async fn agent_view(server: &TestServer, admin: &str, address: &str) -> Value {
    let show = server
        .get(&format!("/v1/mesh/agents/{}", urlencode(address)), admin)
        .await;
    show.expect_ok();
    show.body["agent"].clone()
}

async fn events(server: &TestServer, admin: &str) -> Vec<Value> {
    let r = server.get("/v1/mesh/events", admin).await;
    r.expect_ok();
    r.body["events"].as_array().cloned().unwrap_or_default()
}

/// The whole proof on one database; `start` (re)starts a server on it with `FLAGS`.
async fn everything_survives_restarts(start: impl Fn() -> TestServer) {
    let mut server = start();
    let admin = server.admin();
    let worker = server.provision_agent(&admin, "worker").await;
    let beater = server.provision_agent(&admin, "beater").await;
    server
        .post(
            "/v1/mesh/heartbeat",
            &beater.key,
            &json!({"metrics": {"intents_total": 4, "cost_usd": 0.5}}),
        )
        .await
        .expect_ok();
    switch(&server, &admin, &worker.address, "kill")
        .await
        .expect_ok();
    server.kill_hard();

    // After a restart the kill holds, everywhere.
    let mut server = start();
    let to_worker = server
        .post(
            "/v1/intents",
            &admin,
            &intent_body(&worker.address, json!({})),
        )
        .await;
    to_worker.expect_error(403, "policy_denied");
    assert_eq!(to_worker.body["error"]["details"]["reason"], "agent_killed");
    server
        .post(
            "/v1/intents",
            &worker.key,
            &intent_body(&beater.address, json!({})),
        )
        .await
        .expect_error(403, "policy_denied");
    server
        .get(&stream_path(&worker.address, 0, 1), &worker.key)
        .await
        .expect_error(403, "policy_denied");
    let beat = server
        .post("/v1/mesh/heartbeat", &worker.key, &json!({}))
        .await;
    beat.expect_ok();
    assert_eq!(beat.body["health_status"], "killed", "{}", beat.text);
    let view = agent_view(&server, &admin, &worker.address).await;
    assert_eq!(view["health_status"], "killed", "{view}");
    assert_eq!(view["killed_by"], ADMIN, "{view}");
    let list = events(&server, &admin).await;
    assert_eq!(list[0]["event_type"], "agent.killed", "{list:?}");
    assert_eq!(list[0]["actor_id"], ADMIN);
    assert_eq!(list[0]["address"], json!(worker.address));
    assert_eq!(list[0]["details"]["reason"], "runaway costs");

    // The heartbeat stored before the restart, then health from heartbeats and a listener.
    let view = agent_view(&server, &admin, &beater.address).await;
    assert!(view["last_heartbeat_at"].is_string(), "{view}");
    assert_eq!(view["cost_period"], 0.5, "{view}");
    assert_eq!(view["metadata"]["intents_total"], 4, "{view}");
    let beat = server
        .post("/v1/mesh/heartbeat", &beater.key, &json!({}))
        .await;
    beat.expect_ok();
    assert_eq!(beat.body["health_status"], "healthy", "{}", beat.text);
    let listener = open_stream(&server, &beater.key, &beater.address, 0, 1);
    listener.await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let view = agent_view(&server, &admin, &beater.address).await;
        if view["health_status"] == "unreachable" {
            assert!(
                view["health_reason"]
                    .as_str()
                    .is_some_and(|r| !r.is_empty()),
                "{view}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "never unreachable: {view}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Resume (by bare name) lets deliveries flow again.
    switch(&server, &admin, "worker", "resume")
        .await
        .expect_ok();
    let id = server
        .create_intent(&admin, &worker.address, json!({"after": "restart"}))
        .await;
    let delivered = sse::get(
        &server,
        &stream_path(&worker.address, 0, 2),
        &worker.key,
        &[],
        Duration::from_secs(10),
    )
    .await;
    assert!(delivered.raw.contains(&id), "{}", delivered.raw);
    let cursor: u64 = sse::parse_frames(&delivered.raw)
        .iter()
        .filter_map(|f| f.id.as_deref()?.parse().ok())
        .max()
        .expect("a delivery cursor");

    // A kill on the restarted server ends the open (idle) stream with the kill frame.
    let open = open_stream(&server, &worker.key, &worker.address, cursor, 20);
    tokio::time::sleep(Duration::from_millis(300)).await;
    switch(&server, &admin, &worker.sa_id, "kill")
        .await
        .expect_ok();
    let raw = tokio::time::timeout(Duration::from_secs(10), open)
        .await
        .expect("the stream ends on the kill")
        .unwrap();
    let frames = sse::parse_frames(&raw);
    let last = frames.last().expect("a frame");
    assert_eq!(last.event.as_deref(), Some("agent.killed"), "{raw}");
    assert_eq!(last.json()["killed_by"], ADMIN, "{raw}");
    switch(&server, &admin, &worker.address, "resume")
        .await
        .expect_ok();
    server.kill_hard();

    // The resume survives too, and so does the whole history with its actor.
    let server = start();
    server
        .post(
            "/v1/intents",
            &admin,
            &intent_body(&worker.address, json!({})),
        )
        .await
        .expect_ok();
    let view = agent_view(&server, &admin, &worker.address).await;
    assert_ne!(view["health_status"], "killed", "{view}");
    let list = events(&server, &admin).await;
    let kinds: Vec<&str> = list
        .iter()
        .map(|e| e["event_type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        [
            "agent.resumed",
            "agent.killed",
            "agent.resumed",
            "agent.killed"
        ],
        "{list:?}"
    );
    assert!(list.iter().all(|e| e["actor_id"] == ADMIN), "{list:?}");
}

#[tokio::test]
async fn the_mesh_survives_restarts_on_sqlite() {
    let dir = crate::common::temp_dir();
    let db = crate::common::db_path(&dir);
    let db = db
        .to_str()
        .expect("temp paths are UTF-8 in tests")
        .to_string();
    everything_survives_restarts(|| {
        let mut args = vec!["--db", db.as_str()];
        args.extend(FLAGS);
        TestServer::start_with(&args, &[])
    })
    .await;
}

#[tokio::test]
async fn the_mesh_survives_restarts_on_postgres() {
    let db = PgDb::create();
    everything_survives_restarts(|| TestServer::start_node(&db.url, "n1", &FLAGS)).await;
}
