//! The agent mesh (issue 15, spec §9.4): heartbeats and health, the kill switch (refused
//! sends both ways, the stream's last frame, the heartbeat's answer, the events with the
//! actor), resume; after restarts: `server_mesh_restart`.

use std::sync::Arc;
use std::time::Duration;

use axme::server::Settings;
use axme::server::clock::ManualClock;
use serde_json::{Value, json};

use crate::common::{TestServer, intent_body, sse, urlencode};

fn agent_in<'a>(list: &'a Value, address: &str) -> &'a Value {
    list["agents"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["address"] == address))
        .unwrap_or_else(|| panic!("{address} is not in {list}"))
}

#[tokio::test]
async fn heartbeats_make_an_agent_healthy_and_silence_makes_it_unreachable() {
    let clock = Arc::new(ManualClock::starting_now());
    let server = TestServer::embedded_on(Settings::default(), clock.clone());
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "beater").await;

    let list = server.get("/v1/mesh/agents", &admin).await;
    list.expect_ok();
    assert_eq!(
        agent_in(&list.body, &agent.address)["health_status"],
        "unknown"
    );

    let beat = server
        .post(
            "/v1/mesh/heartbeat",
            &agent.key,
            &json!({"metrics": {"intents_total": 3, "cost_usd": 0.25}}),
        )
        .await;
    beat.expect_ok();
    assert_eq!(beat.body["health_status"], "healthy", "{}", beat.text);
    assert_eq!(beat.body["address"], json!(agent.address));
    // The SDK may send no body at all.
    let bare = server
        .call(
            reqwest::Method::POST,
            "/v1/mesh/heartbeat",
            Some(&agent.key),
            None,
        )
        .await;
    bare.expect_ok();

    let list = server.get("/v1/mesh/agents?window=week", &admin).await;
    list.expect_ok();
    let me = agent_in(&list.body, &agent.address);
    assert_eq!(me["health_status"], "healthy", "{}", list.text);
    assert!(me["last_heartbeat_at"].is_string(), "{me}");
    assert_eq!(me["cost_period"], 0.25);
    assert_eq!(me["metadata"]["intents_total"], 3);
    assert_eq!(me["address_id"], json!(agent.sa_id));
    assert_eq!(list.body["window"], "week");
    assert!(
        list.body["summary"]["healthy"].as_u64() >= Some(1),
        "{}",
        list.text
    );
    assert!(
        list.body["summary"]["total"].as_u64() >= Some(2),
        "the admin counts too: {}",
        list.text
    );

    // Intents addressed to it in the window.
    server
        .post(
            "/v1/intents",
            &admin,
            &intent_body(&agent.address, json!({})),
        )
        .await
        .expect_ok();
    let me = server
        .get(&format!("/v1/mesh/agents/{}", agent.sa_id), &admin)
        .await;
    me.expect_ok();
    assert_eq!(me.body["agent"]["intents_period"], 1, "{}", me.text);

    clock.advance(Duration::from_secs(100));
    let list = server.get("/v1/mesh/agents?health=degraded", &admin).await;
    assert_eq!(
        agent_in(&list.body, &agent.address)["health_status"],
        "degraded"
    );
    clock.advance(Duration::from_secs(250));
    let list = server.get("/v1/mesh/agents", &admin).await;
    let me = agent_in(&list.body, &agent.address);
    assert_eq!(me["health_status"], "unreachable", "{me}");
    assert!(
        me["health_reason"]
            .as_str()
            .is_some_and(|r| r.contains("no heartbeat"))
    );
    let healthy_only = server.get("/v1/mesh/agents?health=healthy", &admin).await;
    assert!(
        !healthy_only.text.contains(&agent.address),
        "{}",
        healthy_only.text
    );
    server
        .get("/v1/mesh/agents?health=sick", &admin)
        .await
        .expect_error(422, "schema_invalid");
}

#[tokio::test]
async fn a_listener_counts_as_alive_until_it_has_been_gone_for_the_threshold() {
    let clock = Arc::new(ManualClock::starting_now());
    let server = TestServer::embedded_on(Settings::default(), clock.clone());
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "listener").await;
    let path = "/v1/agents/local/default/listener/intents/stream?since=0&wait_seconds=1";
    let open = tokio::spawn({
        let server_url = server.url.clone();
        let key = agent.key.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{server_url}{path}"))
                .header("x-api-key", key)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let show = server
        .get(
            &format!("/v1/mesh/agents/{}", urlencode(&agent.address)),
            &admin,
        )
        .await;
    show.expect_ok();
    assert_eq!(
        show.body["agent"]["health_status"], "healthy",
        "{}",
        show.text
    );
    assert_eq!(show.body["agent"]["live_listeners"], 1);
    open.await.unwrap();
    clock.advance(Duration::from_secs(301));
    let show = server.get("/v1/mesh/agents/listener", &admin).await;
    assert_eq!(
        show.body["agent"]["health_status"], "unreachable",
        "{}",
        show.text
    );
}

/// Kills `address` as `key`; returns the answer.
async fn act(server: &TestServer, key: &str, address: &str, action: &str) -> crate::common::Resp {
    server
        .post(
            &format!("/v1/mesh/agents/{address}/{action}"),
            key,
            &json!({"reason": "runaway costs"}),
        )
        .await
}

#[tokio::test]
async fn the_kill_switch_refuses_intents_both_ways_ends_the_stream_and_resume_undoes_it() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let worker = server.provision_agent(&admin, "worker").await;
    let other = server.provision_agent(&admin, "other").await;

    let stream = tokio::spawn({
        let url = server
            .endpoint("/v1/agents/local/default/worker/intents/stream?since=0&wait_seconds=20");
        let key = worker.key.clone();
        async move {
            let resp = reqwest::Client::new()
                .get(url)
                .header("x-api-key", key)
                .send()
                .await
                .unwrap();
            let started = std::time::Instant::now();
            (resp.text().await.unwrap(), started.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Only an admin with agents:admin may kill.
    act(&server, &other.key, &worker.address, "kill")
        .await
        .expect_error(403, "policy_denied");
    // A full address where the id goes, unencoded, as the SDK examples pass it.
    let killed = act(&server, &admin, &worker.address, "kill").await;
    killed.expect_ok();
    assert_eq!(
        killed.body["agent"]["health_status"], "killed",
        "{}",
        killed.text
    );
    assert_eq!(
        killed.body["agent"]["killed_by"],
        "agent://local/default/admin"
    );

    let (raw, open_for) = tokio::time::timeout(Duration::from_secs(10), stream)
        .await
        .expect("the stream ends on the kill")
        .unwrap();
    assert!(open_for < Duration::from_secs(10), "{open_for:?}");
    let frames = sse::parse_frames(&raw);
    let last = frames.last().expect("a frame");
    assert_eq!(last.event.as_deref(), Some("agent.killed"), "{raw}");
    assert_eq!(last.json()["killed_by"], "agent://local/default/admin");

    let to_killed = server
        .post(
            "/v1/intents",
            &admin,
            &intent_body(&worker.address, json!({})),
        )
        .await;
    to_killed.expect_error(403, "policy_denied");
    assert_eq!(to_killed.body["error"]["category"], "policy");
    assert_eq!(to_killed.body["error"]["details"]["reason"], "agent_killed");
    server
        .post(
            "/v1/intents",
            &worker.key,
            &intent_body(&other.address, json!({})),
        )
        .await
        .expect_error(403, "policy_denied");
    let beat = server
        .post("/v1/mesh/heartbeat", &worker.key, &json!({}))
        .await;
    beat.expect_ok();
    assert_eq!(beat.body["health_status"], "killed");
    let reopened = server
        .get(
            "/v1/agents/local/default/worker/intents/stream?since=0&wait_seconds=1",
            &worker.key,
        )
        .await;
    reopened.expect_error(403, "policy_denied");

    let events = server.get("/v1/mesh/events", &admin).await;
    events.expect_ok();
    let first = &events.body["events"][0];
    assert_eq!(first["event_type"], "agent.killed", "{}", events.text);
    assert_eq!(first["address"], json!(worker.address));
    assert_eq!(first["actor_id"], "agent://local/default/admin");
    assert_eq!(first["details"]["reason"], "runaway costs");

    let resumed = act(&server, &admin, &worker.sa_id, "resume").await;
    resumed.expect_ok();
    assert_ne!(
        resumed.body["agent"]["health_status"], "killed",
        "{}",
        resumed.text
    );
    let id = server
        .create_intent(&admin, &worker.address, json!({"n": 1}))
        .await;
    let delivered = sse::get(
        &server,
        "/v1/agents/local/default/worker/intents/stream?since=0&wait_seconds=2",
        &worker.key,
        &[],
        Duration::from_secs(10),
    )
    .await;
    assert!(delivered.raw.contains(&id), "{}", delivered.raw);
    let events = server
        .get("/v1/mesh/events?event_type=agent.resumed", &admin)
        .await;
    assert_eq!(
        events.body["events"].as_array().map(Vec::len),
        Some(1),
        "{}",
        events.text
    );
    assert_eq!(
        server
            .get("/v1/mesh/agents/nobody-here", &admin)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn dashboard_tokens_are_short_lived() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let token = server
        .post("/v1/auth/dashboard-token", &admin, &json!({}))
        .await;
    token.expect_ok();
    assert_eq!(token.body["expires_in"], 300);
    assert!(token.body["token"].as_str().is_some_and(|t| t.len() > 20));
    server
        .post("/v1/auth/dashboard-token", "", &json!({}))
        .await
        .expect_error_status(401);
}

#[tokio::test]
async fn the_silence_thresholds_are_server_settings() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--mesh-degraded-after",
            "200ms",
            "--mesh-unreachable-after",
            "500ms",
        ],
        &[],
    );
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "quick").await;
    let health = || async {
        let show = server.get("/v1/mesh/agents/quick", &admin).await;
        show.expect_ok();
        show.body["agent"]["health_status"].clone()
    };
    server
        .post("/v1/mesh/heartbeat", &agent.key, &json!({}))
        .await
        .expect_ok();
    assert_eq!(health().await, "healthy");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(health().await, "degraded");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(health().await, "unreachable");
}
