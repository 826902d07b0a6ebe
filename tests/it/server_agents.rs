//! The agent delivery stream `GET /v1/agents/{address}/intents/stream` (spec §2.6) and the
//! agents registry (§3.11).

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{TestServer, sse};
use serde_json::json;

const LIMIT: Duration = Duration::from_secs(20);

fn stream_path(address_part: &str, query: &str) -> String {
    format!("/v1/agents/{address_part}/intents/stream?{query}")
}

/// The delivery cursor of a frame (its `id:` line, equal to `data.seq`).
fn cursor(frame: &sse::Frame) -> u64 {
    let id: u64 = frame
        .id
        .as_deref()
        .and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("frame without numeric id: {frame:?}"));
    assert_eq!(
        frame.json()["seq"],
        json!(id),
        "data.seq equals the id line"
    );
    id
}

#[tokio::test]
async fn replay_delivers_own_non_terminal_intents_and_marks_them_delivered() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;

    let a1 = server
        .create_intent(&admin, &alpha.address, json!({"job": 1}))
        .await;
    let a2 = server
        .create_intent(&admin, &alpha.address, json!({"job": 2}))
        .await;
    let _b = server.create_intent(&admin, &beta.address, json!({})).await;
    let done = server
        .create_intent(&admin, &alpha.address, json!({}))
        .await;
    server
        .post(
            &format!("/v1/intents/{done}/resolve"),
            &admin,
            &json!({"status": "CANCELED", "reason": "not needed"}),
        )
        .await
        .expect_ok();

    let s = sse::get(
        &server,
        &stream_path("local/default/alpha", "since=0&wait_seconds=5"),
        &alpha.key,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.raw);
    assert_eq!(s.header("x-accel-buffering").as_deref(), Some("no"));
    assert!(s.ended, "the replay ends the response");
    assert!(
        s.open_for() < Duration::from_millis(2500),
        "{:?}",
        s.open_for()
    );
    let frames = s.intent_frames();
    let ids: Vec<String> = frames
        .iter()
        .map(|f| {
            f.json()["intent_id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(
        ids,
        vec![a1.clone(), a2.clone()],
        "own, non-terminal, in order:\n{}",
        s.raw
    );

    let mut last = 0;
    for frame in &frames {
        assert_eq!(frame.event.as_deref(), Some("intent.delivered"));
        assert_eq!(frame.lines.len(), 3, "{:?}", frame.lines);
        let c = cursor(frame);
        assert!(c > last, "cursors increase");
        last = c;
        let data = frame.json();
        assert_eq!(data["status"], "DELIVERED");
        assert_eq!(data["intent_type"], "test.echo.v1");
        assert_eq!(data["to_agent"], json!(alpha.address));
        assert_eq!(data["from_agent"], "agent://local/default/admin");
        assert!(data["correlation_id"].is_string(), "{data}");
        assert!(data["at"].is_string(), "{data}");
        assert!(data["event_type"].is_string(), "{data}");
    }
    assert_eq!(frames[0].json()["payload"], json!({"job": 1}));

    for id in [&a1, &a2] {
        let intent = server.intent(&admin, id).await;
        assert_eq!(intent["status"], "DELIVERED");
        let events = server.events(&admin, id, None).await;
        assert_eq!(crate::common::seqs(&events), vec![1, 2, 3]);
        assert_eq!(events[2]["event_type"], "intent.delivered");
    }

    // An explicit status filter overrides the non-terminal default.
    let s = sse::get(
        &server,
        &stream_path(
            "local/default/alpha",
            "since=0&wait_seconds=1&status=CANCELED",
        ),
        &alpha.key,
        &[],
        LIMIT,
    )
    .await;
    let ids: Vec<_> = s
        .intent_frames()
        .iter()
        .map(|f| f.json()["intent_id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(done)], "{}", s.raw);
}

#[tokio::test]
async fn bare_name_resolves_in_the_callers_workspace() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "bare-agent").await;
    // A bare `to_agent` is stored as the full address in the sender's workspace.
    let id = server.create_intent(&admin, "bare-agent", json!({})).await;
    assert_eq!(
        server.intent(&admin, &id).await["to_agent"],
        "agent://local/default/bare-agent"
    );

    let s = sse::get(
        &server,
        &stream_path("bare-agent", "since=0&wait_seconds=2"),
        &agent.key,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.raw);
    let frames = s.intent_frames();
    assert_eq!(frames.len(), 1, "{}", s.raw);
    assert_eq!(frames[0].json()["intent_id"], json!(id));

    // The URL-encoded full URI is accepted too.
    let s = sse::get(
        &server,
        &stream_path(
            "agent%3A%2F%2Flocal%2Fdefault%2Fbare-agent",
            "since=0&wait_seconds=1",
        ),
        &agent.key,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.raw);
    assert_eq!(s.intent_frames().len(), 1, "{}", s.raw);
}

#[tokio::test]
async fn since_is_exclusive_with_stride_two() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "strider").await;
    let path = |q: &str| stream_path("local/default/strider", q);
    let first = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;

    let s = sse::get(
        &server,
        &path("since=0&wait_seconds=2"),
        &agent.key,
        &[],
        LIMIT,
    )
    .await;
    let frames = s.intent_frames();
    assert_eq!(frames.len(), 1, "{}", s.raw);
    assert_eq!(frames[0].json()["intent_id"], json!(first));
    let last = cursor(&frames[0]);

    // Both the exclusive (`last`) and the CLI's inclusive habit (`last + 1`) skip it.
    for since in [last, last + 1] {
        let s = sse::get(
            &server,
            &path(&format!("since={since}&wait_seconds=1")),
            &agent.key,
            &[],
            LIMIT,
        )
        .await;
        assert!(s.intent_frames().is_empty(), "since={since}:\n{}", s.raw);
        let timeout = s.frames().into_iter().last();
        assert_eq!(
            timeout.as_ref().and_then(|f| f.event.as_deref()),
            Some("stream.timeout"),
            "idle agent stream times out:\n{}",
            s.raw
        );
        assert!(s.ended);
    }

    // A later intent is seen from either cursor: its cursor is beyond last + 1.
    let second = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    for since in [last, last + 1] {
        let s = sse::get(
            &server,
            &path(&format!("since={since}&wait_seconds=2")),
            &agent.key,
            &[],
            LIMIT,
        )
        .await;
        let ids: Vec<_> = s
            .intent_frames()
            .iter()
            .map(|f| f.json()["intent_id"].clone())
            .collect();
        assert_eq!(ids, vec![json!(second)], "since={since}:\n{}", s.raw);
        assert!(cursor(&s.intent_frames()[0]) > last + 1);
    }
}

#[tokio::test]
async fn live_delivery_reaches_a_waiting_listener() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "listener").await;

    let (resp, connected) = sse::open(
        &server,
        &stream_path("local/default/listener", "since=0&wait_seconds=20"),
        &agent.key,
        &[],
    )
    .await;
    assert_eq!(resp.status().as_u16(), 200);
    let listener = tokio::spawn(sse::read_all(resp, connected, LIMIT));

    tokio::time::sleep(Duration::from_millis(400)).await;
    let id = server
        .create_intent(&admin, &agent.address, json!({"live": true}))
        .await;
    let acked = std::time::Instant::now();

    let s = listener.await.expect("listener task");
    assert!(s.ended, "{}", s.raw);
    let frames = s.intent_frames();
    assert_eq!(frames.len(), 1, "{}", s.raw);
    let data = frames[0].json();
    assert_eq!(data["intent_id"], json!(id));
    assert_eq!(data["status"], "DELIVERED");
    assert_eq!(data["payload"], json!({"live": true}));
    let lag = s.ended_at.saturating_duration_since(acked);
    assert!(
        lag < Duration::from_millis(1500),
        "ended {lag:?} after the create"
    );

    let intent = server.intent(&admin, &id).await;
    assert_eq!(intent["status"], "DELIVERED");
    let events = server.events(&admin, &id, None).await;
    assert_eq!(
        crate::common::event_types(&events),
        vec!["intent.created", "intent.submitted", "intent.delivered"]
    );
}

#[tokio::test]
async fn listening_rights() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "right-a").await;
    let _beta = server.provision_agent(&admin, "right-b").await;

    let own = sse::get(
        &server,
        &stream_path("local/default/right-a", "since=0&wait_seconds=1"),
        &alpha.key,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.raw);

    let other = server
        .get(
            &stream_path("local/default/right-b", "since=0&wait_seconds=1"),
            &alpha.key,
        )
        .await;
    other.expect_error_status(403);
    let other_bare = server
        .get(
            &stream_path("right-b", "since=0&wait_seconds=1"),
            &alpha.key,
        )
        .await;
    other_bare.expect_error_status(403);

    // An admin key may listen on any address of its workspace.
    let by_admin = sse::get(
        &server,
        &stream_path("local/default/right-b", "since=0&wait_seconds=1"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(by_admin.status, 200, "{}", by_admin.raw);

    for bad in ["0", "61"] {
        server
            .get(
                &stream_path(
                    "local/default/right-a",
                    &format!("since=0&wait_seconds={bad}"),
                ),
                &alpha.key,
            )
            .await
            .expect_error_status(422);
    }
}

#[tokio::test]
async fn agents_registry_lists_admin_and_provisioned_agents() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "registry-x").await;

    let list = server.get("/v1/agents", &admin).await;
    list.expect_ok();
    let addresses: HashSet<String> = list.body["agents"]
        .as_array()
        .unwrap_or_else(|| panic!("no agents array: {}", list.text))
        .iter()
        .map(|a| a["address"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        addresses.contains("agent://local/default/admin"),
        "{addresses:?}"
    );
    assert!(addresses.contains(&agent.address), "{addresses:?}");

    // With explicit org/workspace ids as the SDK sends them.
    let scoped = server
        .get(
            &format!(
                "/v1/agents?org_id={}&workspace_id={}",
                agent.org_id, agent.workspace_id
            ),
            &admin,
        )
        .await;
    scoped.expect_ok();
    assert!(scoped.text.contains(&agent.address), "{}", scoped.text);

    for form in [
        "local/default/registry-x",
        "registry-x",
        "agent%3A%2F%2Flocal%2Fdefault%2Fregistry-x",
    ] {
        let one = server.get(&format!("/v1/agents/{form}"), &admin).await;
        one.expect_ok();
        assert_eq!(one.body["agent"]["address"], json!(agent.address), "{form}");
        assert_eq!(one.body["agent"]["service_account_id"], json!(agent.sa_id));
    }
    server
        .get("/v1/agents/local/default/nobody-here", &admin)
        .await
        .expect_error(404, "agent_not_found");

    // Service accounts: the new one is listed; a duplicate name is a conflict.
    let sas = server.get("/v1/service-accounts", &admin).await;
    sas.expect_ok();
    assert!(sas.text.contains(&agent.sa_id), "{}", sas.text);
    server
        .post(
            "/v1/service-accounts",
            &admin,
            &json!({"name": "registry-x"}),
        )
        .await
        .expect_error_status(409);
}

#[tokio::test]
async fn two_listeners_deliver_once() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "twice").await;
    let path = stream_path("local/default/twice", "since=0&wait_seconds=10");

    let mut listeners = Vec::new();
    for _ in 0..2 {
        let (resp, at) = sse::open(&server, &path, &agent.key, &[]).await;
        assert_eq!(resp.status().as_u16(), 200);
        listeners.push(tokio::spawn(sse::read_all(resp, at, LIMIT)));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let id = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    for l in listeners {
        let s = l.await.expect("listener task");
        assert!(s.ended, "{}", s.raw);
    }
    let delivered = server
        .events(&admin, &id, None)
        .await
        .iter()
        .filter(|e| e["event_type"] == "intent.delivered")
        .count();
    assert_eq!(delivered, 1, "one SUBMITTED → DELIVERED transition");
}

/// An agent that reconnects with its cursor while intents arrive sees every one of them,
/// and each intent is marked delivered exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnecting_listener_loses_no_delivery() {
    const INTENTS: usize = 30;
    let server = std::sync::Arc::new(TestServer::in_process());
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "busy").await;

    let listener = {
        let server = server.clone();
        let key = agent.key.clone();
        tokio::spawn(async move {
            let mut seen = HashSet::new();
            let mut since = 0u64;
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while seen.len() < INTENTS && std::time::Instant::now() < deadline {
                let s = sse::get(
                    &server,
                    &stream_path(
                        "local/default/busy",
                        &format!("since={since}&wait_seconds=1"),
                    ),
                    &key,
                    &[],
                    LIMIT,
                )
                .await;
                assert_eq!(s.status, 200, "{}", s.raw);
                for f in s.intent_frames() {
                    since = since.max(cursor(&f));
                    seen.insert(
                        f.json()["intent_id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    );
                }
            }
            seen
        })
    };

    let mut ids = HashSet::new();
    for i in 0..INTENTS {
        ids.insert(
            server
                .create_intent(&admin, &agent.address, json!({"i": i}))
                .await,
        );
        if i % 5 == 0 {
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }
    let seen = listener.await.expect("listener task");
    let missed: Vec<_> = ids.difference(&seen).collect();
    assert!(missed.is_empty(), "deliveries never seen: {missed:?}");
    for id in &ids {
        let delivered = server
            .events(&admin, id, None)
            .await
            .iter()
            .filter(|e| e["event_type"] == "intent.delivered")
            .count();
        assert_eq!(delivered, 1, "intent {id} delivered {delivered} times");
    }
}
