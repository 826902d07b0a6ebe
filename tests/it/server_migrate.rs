//! `axme server migrate --from FILE --to postgres://…`: a SQLite database holding intents
//! in every state, accounts and keys is copied into PostgreSQL; a node serving the copy
//! answers as the SQLite server did and carries on (a waiting intent is delivered and
//! completed, new intents come after the old). A second copy into it is refused.

use std::collections::BTreeMap;
use std::time::Duration;

use axme::protocol::Timestamp;
use serde_json::json;

use crate::common::workflow::{complete, resume, wait_status};
use crate::common::{Axme, PgDb, TestServer, intent_body};
use crate::server_cluster_failover::{cursor, take};

const LIMIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_with_intents_in_every_state_is_served_from_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("axme.db");
    let mut old = TestServer::start_with_db(&file);
    let admin = old.admin();
    let worker = old.provision_agent(&admin, "worker").await;
    // A push agent: its signing secret is sealed with the key file beside the database.
    let hook = old.provision_agent(&admin, "hook").await;
    let r = old
        .call(
            reqwest::Method::PATCH,
            &format!("/v1/service-accounts/{}", hook.sa_id),
            Some(&admin),
            Some(&json!({"delivery_mode": "http", "callback_url": "http://127.0.0.1:9/hook"})),
        )
        .await;
    r.expect_ok();
    assert!(r.body["callback_secret"].is_string(), "{}", r.text);

    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for state in ["DELIVERED", "IN_PROGRESS", "COMPLETED", "FAILED"] {
        let id = old
            .create_intent(&admin, &worker.address, json!({"state": state}))
            .await;
        ids.insert(state, id);
    }
    let taken = take(&old, &worker.key, "worker", 0, 5).await;
    assert_eq!(taken.len(), 4, "{taken:?}");
    let last_cursor = taken.iter().map(cursor).max().unwrap();
    resume(
        &old,
        &worker.key,
        &ids["IN_PROGRESS"],
        json!({"action": "in_progress"}),
    )
    .await
    .expect_ok();
    complete(&old, &worker.key, &ids["COMPLETED"], json!({"ok": true})).await;
    resume(
        &old,
        &worker.key,
        &ids["FAILED"],
        json!({"action": "fail", "reason": "no"}),
    )
    .await
    .expect_ok();
    ids.insert(
        "SUBMITTED",
        old.create_intent(&admin, &worker.address, json!({})).await,
    );
    let canceled = old.create_intent(&admin, &worker.address, json!({})).await;
    old.post(
        &format!("/v1/intents/{canceled}/cancel"),
        &admin,
        &json!({}),
    )
    .await
    .expect_ok();
    ids.insert("CANCELED", canceled);
    let mut human = intent_body("agent://local/default/human", json!({"doc": 1}));
    human["human_task"] = json!({"title": "Approve", "task_type": "approval"});
    let r = old.post("/v1/intents", &admin, &human).await;
    r.expect_ok();
    ids.insert("WAITING", r.body["intent_id"].as_str().unwrap().to_string());
    let mut late = intent_body("agent://local/default/nobody", json!({}));
    late["deadline_at"] = json!(Timestamp::now().plus_ms(300).to_string());
    let r = old.post("/v1/intents", &admin, &late).await;
    r.expect_ok();
    ids.insert(
        "TIMED_OUT",
        r.body["intent_id"].as_str().unwrap().to_string(),
    );

    // The mesh: a kill, a resume and a kill again, with a heartbeat.
    let muted = old.provision_agent(&admin, "muted").await;
    old.post(
        "/v1/mesh/heartbeat",
        &muted.key,
        &json!({"metrics": {"cost_usd": 2.5}}),
    )
    .await
    .expect_ok();
    for action in ["kill", "resume", "kill"] {
        old.post(
            &format!("/v1/mesh/agents/muted/{action}"),
            &admin,
            &json!({}),
        )
        .await
        .expect_ok();
    }

    // Every state reached; what each intent looks like and its log, as SQLite serves them.
    let mut before = BTreeMap::new();
    for (state, id) in &ids {
        let intent = wait_status(&old, &admin, id, &[state], LIMIT).await;
        before.insert(id.clone(), (intent, old.events(&admin, id, None).await));
    }
    assert!(
        old.terminate(Duration::from_secs(10)).is_some(),
        "stops on SIGTERM"
    );

    let db = PgDb::create();
    let axme = Axme::new();
    let from = file.to_str().unwrap();
    let run = axme.run(&["server", "migrate", "--from", from, "--to", &db.url]);
    run.assert_code(0);
    assert!(run.stdout.contains("intents"), "{}", run.stdout);
    // Again into the same database: refused, nothing changed.
    let again = axme.run(&["server", "migrate", "--from", from, "--to", &db.url]);
    assert_ne!(again.code, 0, "{}", again.stdout);
    assert!(again.stderr.contains("empty"), "{}", again.stderr);

    // The copied push secret opens only with the SQLite database's key file: the command
    // says so, and a node given it starts and serves.
    let key_file = format!("{from}.secret-key");
    assert!(run.stdout.contains(&key_file), "{}", run.stdout);
    let node = TestServer::start_node(&db.url, "a", &["--secret-key-file", &key_file]);
    let sa = node
        .get(&format!("/v1/service-accounts/{}", hook.sa_id), &admin)
        .await;
    sa.expect_ok();
    assert_eq!(
        sa.body["service_account"]["delivery_mode"], "http",
        "{}",
        sa.text
    );
    assert!(
        node.admin_key.is_none(),
        "a new admin was made: {}",
        node.banner
    );
    for (id, (intent, events)) in &before {
        assert_eq!(&node.intent(&admin, id).await, intent);
        assert_eq!(&node.events(&admin, id, None).await, events);
    }

    // The kill holds; its history came along, and new events come after it.
    node.post(
        "/v1/intents",
        &admin,
        &intent_body(&muted.address, json!({})),
    )
    .await
    .expect_error(403, "policy_denied");
    let shown = node.get("/v1/mesh/agents/muted", &admin).await;
    shown.expect_ok();
    assert_eq!(shown.body["agent"]["cost_period"], 2.5, "{}", shown.text);
    node.post("/v1/mesh/agents/muted/resume", &admin, &json!({}))
        .await
        .expect_ok();
    let events = node.get("/v1/mesh/events", &admin).await;
    let kinds: Vec<&str> = events.body["events"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["event_type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        [
            "agent.resumed",
            "agent.killed",
            "agent.resumed",
            "agent.killed"
        ],
        "{}",
        events.text
    );

    // It carries on: the waiting intent reaches the worker (its key was copied) after the
    // cursors handed out on SQLite, and completes; a new intent comes after the old ones.
    let submitted = &ids["SUBMITTED"];
    let frames = take(&node, &worker.key, "worker", last_cursor, 5).await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0]["intent_id"], json!(submitted));
    complete(&node, &worker.key, submitted, json!({"ok": true})).await;
    wait_status(&node, &admin, submitted, &["COMPLETED"], LIMIT).await;
    let fresh = node.create_intent(&admin, &worker.address, json!({})).await;
    let frames = take(&node, &worker.key, "worker", cursor(&frames[0]), 5).await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0]["intent_id"], json!(fresh));
    let list = node.get("/v1/intents?limit=1", &admin).await;
    list.expect_ok();
    assert_eq!(
        list.body["intents"][0]["intent_id"],
        json!(fresh),
        "{}",
        list.text
    );
}
