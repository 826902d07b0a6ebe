//! `POST /v1/intents/bulk-cancel` and `axme intents cleanup` (issue 12): a dry run by
//! default, the live intents older than the hours given in the statuses given, oldest first,
//! within what the caller may cancel; a real run cancels each through the lifecycle (its
//! event, its watchers woken, its `reply_to` thread); every bad field a 422 naming it.

use std::sync::Arc;
use std::time::Duration;

use axme::server::Settings;
use axme::server::clock::ManualClock;
use serde_json::{Value, json};

use crate::common::*;

const HOUR: Duration = Duration::from_secs(3600);

/// A direct human task (WAITING from its creation, no delivery timer): its id.
async fn waiting_task(server: &TestServer, key: &str, to: &str) -> String {
    let mut body = intent_body(to, json!({"n": 1}));
    body["human_task"] = json!({"title": "Approve the release"});
    let r = server.post("/v1/intents", key, &body).await;
    r.expect_ok();
    str_field(&r.body, "intent_id")
}

fn ids(body: &Value) -> Vec<String> {
    body["intent_ids"]
        .as_array()
        .unwrap_or_else(|| panic!("no intent_ids in {body}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

async fn status_of(server: &TestServer, key: &str, id: &str) -> String {
    str_field(&server.intent(key, id).await, "status")
}

#[tokio::test]
async fn a_dry_run_lists_and_a_real_run_cancels_the_old_live_intents() {
    let clock = Arc::new(ManualClock::starting_now());
    let server = TestServer::embedded_on(Settings::default(), clock.clone());
    let admin = server.admin();
    let worker = server.provision_agent(&admin, "worker").await;
    let owner = server.provision_agent(&admin, "owner").await;

    let old_waiting = waiting_task(&server, &admin, "reviewer").await;
    // In progress at the worker, and its completion is wanted in owner's inbox.
    let mut body = intent_body(&worker.address, json!({"n": 2}));
    body["reply_to"] = json!(owner.address);
    let r = server.post("/v1/intents", &admin, &body).await;
    r.expect_ok();
    let old_running = str_field(&r.body, "intent_id");
    server
        .post(
            &format!("/v1/intents/{old_running}/resume"),
            &worker.key,
            &json!({"action": "in_progress"}),
        )
        .await
        .expect_ok();
    let old_done = waiting_task(&server, &admin, "reviewer").await;
    server
        .post(
            &format!("/v1/intents/{old_done}/resolve"),
            &admin,
            &json!({"status": "COMPLETED", "result": {}}),
        )
        .await
        .expect_ok();
    clock.advance(25 * HOUR);
    let young = waiting_task(&server, &admin, "reviewer").await;
    // "Older than 0 hours" is every intent created before now.
    clock.advance(Duration::from_secs(1));

    // An empty body is a dry run with the defaults: 24 h, the live statuses, 500.
    let dry = server
        .post("/v1/intents/bulk-cancel", &admin, &json!({}))
        .await;
    dry.expect_ok();
    assert_eq!(dry.body["dry_run"], true, "{}", dry.text);
    assert_eq!(dry.body["would_cancel"], 2, "{}", dry.text);
    assert_eq!(ids(&dry.body), [old_waiting.clone(), old_running.clone()]);
    assert!(dry.body.get("canceled").is_none(), "{}", dry.text);
    assert_eq!(status_of(&server, &admin, &old_waiting).await, "WAITING");

    let dry_with = |filter: Value| {
        let (server, admin) = (&server, &admin);
        async move {
            let r = server.post("/v1/intents/bulk-cancel", admin, &filter).await;
            r.expect_ok();
            ids(&r.body)
        }
    };
    assert_eq!(
        dry_with(json!({"status_filter": ["waiting"]})).await,
        vec![old_waiting.clone()]
    );
    assert_eq!(
        dry_with(json!({"status_filter": "IN_PROGRESS, SUBMITTED"})).await,
        vec![old_running.clone()]
    );
    assert_eq!(
        dry_with(json!({"limit": 1})).await,
        vec![old_waiting.clone()]
    );
    assert_eq!(
        dry_with(json!({"older_than_hours": 0})).await,
        [old_waiting.clone(), old_running.clone(), young.clone()]
    );
    assert!(dry_with(json!({"older_than_hours": 25.5})).await.is_empty());
    // Another agent sees only its own: the worker, the intent addressed to it.
    let mine = server
        .post(
            "/v1/intents/bulk-cancel",
            &worker.key,
            &json!({"older_than_hours": 0}),
        )
        .await;
    mine.expect_ok();
    assert_eq!(ids(&mine.body), vec![old_running.clone()]);
    // Another workspace sees nothing of this one.
    let other = server.create_workspace(&admin, "elsewhere").await;
    let theirs = server
        .post(
            "/v1/intents/bulk-cancel",
            &other.admin_key,
            &json!({"older_than_hours": 0}),
        )
        .await;
    theirs.expect_ok();
    assert_eq!(theirs.body["would_cancel"], 0);

    // A watcher of the waiting intent is woken by its cancel.
    let watch_path = format!("/v1/intents/{old_waiting}/events/stream?since=3&wait_seconds=30");
    let watcher = {
        let (resp, at) = sse::open(&server, &watch_path, &admin, &[]).await;
        tokio::spawn(sse::read_all(resp, at, Duration::from_secs(30)))
    };
    let real = server
        .post(
            "/v1/intents/bulk-cancel",
            &admin,
            &json!({"dry_run": false, "reason": "zombie sweep"}),
        )
        .await;
    real.expect_ok();
    assert_eq!(real.body["dry_run"], false, "{}", real.text);
    assert_eq!(real.body["canceled"], 2, "{}", real.text);
    assert_eq!(ids(&real.body), [old_waiting.clone(), old_running.clone()]);
    let stream = watcher.await.unwrap();
    assert!(
        stream.ended,
        "the watcher's stream ends once it wrote the cancel"
    );
    let frames = stream.intent_frames();
    assert_eq!(frames.len(), 1, "{}", stream.raw);
    assert_eq!(frames[0].json()["event_type"], "intent.canceled");

    for id in [&old_waiting, &old_running] {
        let intent = server.intent(&admin, id).await;
        assert_eq!(intent["status"], "CANCELED", "{intent}");
        let events = server.events(&admin, id, None).await;
        let last = events.last().unwrap();
        assert_eq!(last["event_type"], "intent.canceled");
        assert_eq!(last["reason"], "zombie sweep");
        assert_eq!(
            last["actor"],
            json!(server_admin_address(&server, &admin).await)
        );
    }
    assert_eq!(status_of(&server, &admin, &young).await, "WAITING");
    assert_eq!(status_of(&server, &admin, &old_done).await, "COMPLETED");
    // The reactor ran: the canceled intent's reply_to thread is in owner's inbox.
    let inbox = server.get("/v1/inbox", &owner.key).await;
    inbox.expect_ok();
    let threads = inbox.body["threads"].as_array().unwrap();
    assert!(
        threads.iter().any(|t| t["intent_id"] == json!(old_running)),
        "{}",
        inbox.text
    );
    // Nothing is left to cancel.
    let again = server
        .post(
            "/v1/intents/bulk-cancel",
            &admin,
            &json!({"dry_run": false}),
        )
        .await;
    again.expect_ok();
    assert_eq!(again.body["canceled"], 0, "{}", again.text);
}

/// The address the admin key acts as (the actor of its cancels).
async fn server_admin_address(server: &TestServer, admin: &str) -> String {
    let me = server.get("/v1/me", admin).await;
    me.expect_ok();
    str_field(&me.body, "address")
}

#[tokio::test]
async fn bad_bodies_are_refused_naming_the_field() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let refused = |body: Value, field: &'static str| {
        let (server, admin) = (&server, &admin);
        async move {
            let r = server.post("/v1/intents/bulk-cancel", admin, &body).await;
            r.expect_error(422, "schema_invalid");
            assert_eq!(
                r.body["error"]["details"]["field"], field,
                "{body}: {}",
                r.text
            );
        }
    };
    refused(json!({"older_than_hours": -1}), "older_than_hours").await;
    refused(json!({"older_than_hours": "soon"}), "older_than_hours").await;
    refused(json!({"older_than_hours": 1e9}), "older_than_hours").await;
    refused(json!({"limit": 0}), "limit").await;
    refused(json!({"limit": 10_001}), "limit").await;
    refused(json!({"dry_run": "yes"}), "dry_run").await;
    refused(json!({"reason": "x".repeat(1001)}), "reason").await;
    refused(
        json!({"status_filter": ["WAITING", "COMPLETED"]}),
        "status_filter[1]",
    )
    .await;
    refused(json!({"status_filter": ["BOGUS"]}), "status_filter[0]").await;
    refused(json!({"status_filter": 5}), "status_filter").await;
    refused(json!([1]), "body").await;
    let r = server
        .call(
            reqwest::Method::POST,
            "/v1/intents/bulk-cancel",
            None,
            Some(&json!({})),
        )
        .await;
    r.expect_error(401, "missing_platform_api_key");
}

#[test]
fn cli_cleanup_is_a_dry_run_until_told_otherwise() {
    let clock = Arc::new(ManualClock::starting_now());
    let server = TestServer::embedded_on(Settings::default(), clock.clone());
    let admin = server.admin();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = runtime.block_on(async {
        let a = waiting_task(&server, &admin, "reviewer").await;
        let b = waiting_task(&server, &admin, "reviewer").await;
        (a, b)
    });
    clock.advance(48 * HOUR);
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];

    let dry = axme.run_with(&["intents", "cleanup"], &env);
    dry.assert_code(0);
    assert_eq!(
        dry.stdout,
        format!(
            "Dry run: 2 intents would be canceled (statuses: \
             DELIVERED,WAITING,IN_PROGRESS,SUBMITTED,ACKNOWLEDGED)\n  {a}\n  {b}\n\n\
             Run with --dry-run=false to execute.\n"
        )
    );
    let none = axme.run_with(
        &[
            "intents",
            "cleanup",
            "--older-than",
            "100",
            "--status",
            "WAITING",
        ],
        &env,
    );
    none.assert_code(0);
    assert_eq!(
        none.stdout,
        "Dry run: 0 intents would be canceled (statuses: WAITING)\n"
    );
    let json = axme.run_with(&["intents", "cleanup", "--limit", "1", "--json"], &env);
    json.assert_code(0);
    let answer = json.json();
    assert_eq!(answer["would_cancel"], 1);
    assert_eq!(answer["intent_ids"], json!([a]));

    let bad = axme.run_with(&["intents", "cleanup", "--status", "COMPLETED"], &env);
    bad.assert_code(1);
    assert!(
        bad.stderr.contains("cleanup failed: status_filter[0]"),
        "{}",
        bad.stderr
    );

    let real = axme.run_with(&["intents", "cleanup", "--dry-run=false"], &env);
    real.assert_code(0);
    assert_eq!(
        real.stdout,
        "Canceled 2 zombie intents (reason: zombie cleanup via CLI)\n"
    );
    runtime.block_on(async {
        for id in [&a, &b] {
            assert_eq!(status_of(&server, &admin, id).await, "CANCELED");
            let events = server.events(&admin, id, None).await;
            assert_eq!(events.last().unwrap()["reason"], "zombie cleanup via CLI");
        }
    });
}
