//! Several `axme server` nodes on one PostgreSQL database: what one node commits reaches
//! the others through LISTEN/NOTIFY (keys, deliveries), within a second or two, not after
//! a stream's wait runs out.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;

use crate::common::{PgDb, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_made_on_a_works_on_c_and_an_intent_sent_on_a_reaches_an_agent_on_b() {
    let db = PgDb::create();
    // A first: it creates the workspace and its admin.
    let a = TestServer::start_node(&db.url, "a", &[]);
    let admin = a.admin();
    let b = TestServer::start_node(&db.url, "b", &[]);
    let c = TestServer::start_node(&db.url, "c", &[]);
    assert!(b.banner.contains("node b"), "{}", b.banner);

    // Made on A after B and C loaded their directories: they learn it by notification.
    let agent = a.provision_agent(&admin, "worker").await;
    wait_accepted(&b, &agent.key, Duration::from_secs(5)).await;
    wait_accepted(&c, &agent.key, Duration::from_secs(5)).await;

    // The agent listens on B (a long wait); the intent is sent on A.
    let stream_url = b.endpoint(&format!(
        "/v1/agents/{}/intents/stream?wait_seconds=30",
        crate::common::urlencode(&agent.address)
    ));
    let response = b
        .http
        .get(stream_url)
        .header("x-api-key", &agent.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let sent_at = Instant::now();
    let id = a
        .create_intent(&admin, &agent.address, json!({"n": 1}))
        .await;
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains(&id) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("B's agent stream got nothing within 10 s")
            .expect("the stream ended before the delivery")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let took = sent_at.elapsed();
    assert!(took < Duration::from_secs(3), "delivery took {took:?}");

    // C sees the delivery B recorded.
    let intent = c.intent(&admin, &id).await;
    assert_eq!(intent["status"], "DELIVERED", "{intent}");
    drop((a, b, c));
}

/// Polls `node` with `key` until it answers 200 (another node made the key); panics after
/// `limit`. Returns how long it took.
pub async fn wait_accepted(node: &TestServer, key: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let r = node.get("/v1/agents", key).await;
        if r.status == 200 {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{} never accepted a key made on another node: {}",
            node.url,
            r.text
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_names_the_database_and_the_node() {
    let db = PgDb::create();
    let a = TestServer::start_node(&db.url, "node-a", &[]);
    let r = a.call(reqwest::Method::GET, "/health", None, None).await;
    r.expect_ok();
    assert_eq!(r.body["ok"], true, "{}", r.text);
    assert_eq!(r.body["database"], "postgres", "{}", r.text);
    assert_eq!(r.body["node_id"], "node-a", "{}", r.text);
    let metrics = a.http.get(a.endpoint("/metrics")).send().await.unwrap();
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains("axme_node_info{node=\"node-a\",database=\"postgres\"} 1"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_revoked_on_a_is_refused_on_c_within_a_second() {
    let db = PgDb::create();
    let a = TestServer::start_node(&db.url, "a", &[]);
    let admin = a.admin();
    let c = TestServer::start_node(&db.url, "c", &[]);
    let agent = a.provision_agent(&admin, "revokee").await;
    wait_accepted(&c, &agent.key, Duration::from_secs(5)).await;

    let r = a
        .post(
            &format!(
                "/v1/service-accounts/{}/keys/{}/revoke",
                agent.sa_id, agent.key_id
            ),
            &admin,
            &json!({}),
        )
        .await;
    r.expect_ok();
    let revoked_at = Instant::now();
    loop {
        let r = c.get("/v1/agents", &agent.key).await;
        if r.status == 401 {
            break;
        }
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(
            revoked_at.elapsed() < Duration::from_secs(1),
            "C still accepts the key revoked on A after {:?}",
            revoked_at.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // And A refused it at once.
    assert_eq!(a.get("/v1/agents", &agent.key).await.status, 401);
}

/// The official Python SDK's flow against node B, with keys made on node A.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_flow_passes_against_a_cluster_node() {
    let Some(venv) = tokio::task::spawn_blocking(crate::server_python_sdk::sdk_venv)
        .await
        .expect("venv task")
    else {
        return;
    };
    let db = PgDb::create();
    let a = TestServer::start_node(&db.url, "a", &[]);
    let admin = a.admin();
    let b = TestServer::start_node(&db.url, "b", &[]);
    let agent = a.provision_agent(&admin, "sdk-agent").await;
    wait_accepted(&b, &agent.key, Duration::from_secs(5)).await;
    crate::server_python_sdk::run_sdk_scenario(&venv, &b, &admin, &agent).await;
}
