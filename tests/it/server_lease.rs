//! The answer lease (issue 10, point 8): an intent handed to an agent whose handler never
//! answers is delivered again after `--redeliver-after`, to another listener of the same
//! address (whatever cursor it resumes from) or pushed again; it completes once, and once
//! answered it is never delivered again.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::workflow::{complete, delivered_at, event_kinds, resume, stamp, wait_terminal};
use crate::common::{TestServer, sse};

const LIMIT: Duration = Duration::from_secs(20);
const LEASE: &str = "500ms";

/// One stream response of `name` from `since`; its intent frames' data.
async fn take(server: &TestServer, key: &str, name: &str, since: u64, wait: u64) -> Vec<Value> {
    let path = format!("/v1/agents/{name}/intents/stream?since={since}&wait_seconds={wait}");
    let s = sse::get(server, &path, key, &[], Duration::from_secs(wait + 10)).await;
    assert_eq!(s.status, 200, "{}", s.raw);
    s.intent_frames().iter().map(|f| f.json()).collect()
}

fn cursor(frame: &Value) -> u64 {
    frame["seq"]
        .as_u64()
        .unwrap_or_else(|| panic!("frame without a cursor: {frame}"))
}

#[tokio::test]
async fn an_intent_whose_handler_dies_is_delivered_again_and_completed_once() {
    let server = TestServer::start_with(&["--ephemeral", "--redeliver-after", LEASE], &[]);
    let admin = server.admin();
    let worker = server.provision_agent(&admin, "worker").await;
    let id = server
        .create_intent(&admin, &worker.address, json!({"n": 1}))
        .await;

    // Handler A takes the intent and dies: its response ends, it never answers.
    let first = take(&server, &worker.key, "worker", 0, 5).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0]["intent_id"], json!(id));
    assert_eq!(server.intent(&admin, &id).await["status"], "DELIVERED");
    let armed = delivered_at(&server, &admin, &id).await;

    // Listener B resumes after A's cursor: without the lease it would never see the intent.
    let again = take(&server, &worker.key, "worker", cursor(&first[0]), 10).await;
    assert_eq!(again.len(), 1, "delivered again after the lease: {again:?}");
    assert_eq!(again[0]["intent_id"], json!(id));
    assert_eq!(again[0]["status"], "DELIVERED");
    assert!(cursor(&again[0]) > cursor(&first[0]), "{again:?}");
    // On the gateway's clock: from the commit that armed the lease to the stream writing
    // the intent again.
    let after = stamp(&again[0]) - armed;
    assert!(
        after >= 450,
        "redelivered {after} ms after the lease was armed"
    );

    complete(&server, &worker.key, &id, json!({"done": true})).await;
    assert_eq!(
        wait_terminal(&server, &admin, &id, LIMIT).await["status"],
        "COMPLETED"
    );
    let kinds = event_kinds(&server, &admin, &id).await;
    let count = |k: &str| kinds.iter().filter(|e| *e == k).count();
    assert_eq!(count("intent.delivered"), 1, "{kinds:?}");
    assert_eq!(count("intent.completed"), 1, "{kinds:?}");

    // Answered: the lease is gone, so the intent never gets a newer cursor. (A loaded
    // machine may have let the lease run out once more before the answer: the cursor it
    // ended with is the one to stay.)
    let last = take_completed(&server, &worker.key, cursor(&again[0]))
        .await
        .last()
        .map_or(cursor(&again[0]), cursor);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let later = take_completed(&server, &worker.key, last).await;
    assert!(later.is_empty(), "redelivered after completion: {later:?}");
}

/// The COMPLETED intents `worker` would be handed after cursor `since` (none, once the
/// answer ended the lease).
async fn take_completed(server: &TestServer, key: &str, since: u64) -> Vec<Value> {
    let path =
        format!("/v1/agents/worker/intents/stream?since={since}&wait_seconds=1&status=COMPLETED");
    let s = sse::get(server, &path, key, &[], LIMIT).await;
    assert_eq!(s.status, 200, "{}", s.raw);
    s.intent_frames().iter().map(|f| f.json()).collect()
}

/// The handler's progress (`{"action":"in_progress"}`, sent by `agents listen` when its
/// handler starts) ends the lease: the intent is not delivered again while it runs.
#[tokio::test]
async fn progress_ends_the_lease() {
    let server = TestServer::start_with(&["--ephemeral", "--redeliver-after", LEASE], &[]);
    let admin = server.admin();
    let worker = server.provision_agent(&admin, "busy").await;
    let id = server
        .create_intent(&admin, &worker.address, json!({}))
        .await;
    let first = take(&server, &worker.key, "busy", 0, 5).await;
    assert_eq!(first.len(), 1, "{first:?}");
    resume(&server, &worker.key, &id, json!({"action": "in_progress"}))
        .await
        .expect_ok();
    assert_eq!(server.intent(&admin, &id).await["status"], "IN_PROGRESS");
    // Past the lease: nothing after the first delivery's cursor, in any live status.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let path = format!(
        "/v1/agents/busy/intents/stream?since={}&wait_seconds=1&status=DELIVERED,IN_PROGRESS",
        cursor(&first[0])
    );
    let s = sse::get(&server, &path, &worker.key, &[], LIMIT).await;
    assert!(
        s.intent_frames().is_empty(),
        "redelivered while in progress: {}",
        s.raw
    );
}
