//! The intent event stream `GET /v1/intents/{id}/events/stream` (spec §2.4–2.5): exact
//! framing, replay, live events, idle timeout, terminal close, `Last-Event-ID`.

use std::time::{Duration, Instant};

use crate::common::{TestServer, sse};
use axme::server::Settings;
use serde_json::json;

const LIMIT: Duration = Duration::from_secs(20);

/// Every non-blank line is a comment or one of `id: `, `event: `, `data: ` (one space).
fn assert_strict_lines(raw: &str) {
    for line in raw.split('\n') {
        if line.is_empty() || line.starts_with(':') {
            continue;
        }
        assert!(
            line.starts_with("id: ") || line.starts_with("event: ") || line.starts_with("data: "),
            "unexpected SSE line {line:?} in:\n{raw}"
        );
        assert!(!line.ends_with('\r'), "lines end with \\n only: {line:?}");
    }
}

#[tokio::test]
async fn replay_framing_is_exact_and_response_ends() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({"k": "v"}))
        .await;

    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=0&wait_seconds=10"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.raw);
    assert!(
        s.header("content-type")
            .is_some_and(|c| c.starts_with("text/event-stream")),
        "content-type: {:?}",
        s.header("content-type")
    );
    assert_eq!(s.header("cache-control").as_deref(), Some("no-cache"));
    assert_eq!(s.header("x-accel-buffering").as_deref(), Some("no"));

    assert_strict_lines(&s.raw);
    let frames = s.intent_frames();
    assert_eq!(frames.len(), 2, "replay of seq 1 and 2:\n{}", s.raw);
    for (frame, (seq, kind)) in frames
        .iter()
        .zip([(1u64, "intent.created"), (2, "intent.submitted")])
    {
        assert_eq!(frame.lines.len(), 3, "id, event, data: {:?}", frame.lines);
        assert_eq!(frame.lines[0], format!("id: {seq}"));
        assert_eq!(frame.lines[1], format!("event: {kind}"));
        assert!(frame.lines[2].starts_with("data: {"), "{:?}", frame.lines);
        let data = frame.json();
        assert_eq!(data["seq"], json!(seq));
        assert_eq!(data["event_type"], json!(kind));
        assert_eq!(data["intent_id"], json!(id));
        assert!(
            data["status"].is_string() && data["at"].is_string(),
            "{data}"
        );
    }
    // A frame is terminated by one blank line.
    assert!(
        s.raw.contains("id: 1\nevent: intent.created\ndata: {")
            && s.raw
                .contains("}\n\nid: 2\nevent: intent.submitted\ndata: {"),
        "frames are back to back:\n{}",
        s.raw
    );

    // Something was written, so the response ends promptly instead of idling 10 s.
    assert!(s.ended, "the response ended");
    assert!(
        s.open_for() < Duration::from_millis(2500),
        "ended {:?} after connect",
        s.open_for()
    );
}

#[tokio::test]
async fn replay_respects_since_and_last_event_id() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;
    let path = format!("/v1/intents/{id}/events/stream");

    let s = sse::get(
        &server,
        &format!("{path}?since=1&wait_seconds=5"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    let ids: Vec<_> = s.intent_frames().into_iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        vec![Some("2".to_string())],
        "since=1 → seq 2 only:\n{}",
        s.raw
    );

    // Last-Event-ID counts as `since` when the query has none.
    let s = sse::get(
        &server,
        &format!("{path}?wait_seconds=5"),
        &admin,
        &[("Last-Event-ID", "1")],
        LIMIT,
    )
    .await;
    let ids: Vec<_> = s.intent_frames().into_iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        vec![Some("2".to_string())],
        "Last-Event-ID: 1:\n{}",
        s.raw
    );
}

#[tokio::test]
async fn idle_stream_times_out_with_next_seq_and_closes() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;

    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=2&wait_seconds=1"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.raw);
    assert!(s.ended, "closed after stream.timeout");
    assert_strict_lines(&s.raw);
    let frames = s.frames();
    assert!(
        s.intent_frames().is_empty(),
        "nothing after seq 2:\n{}",
        s.raw
    );
    let last = frames
        .last()
        .unwrap_or_else(|| panic!("no frames:\n{}", s.raw));
    assert_eq!(last.event.as_deref(), Some("stream.timeout"), "{}", s.raw);
    assert_eq!(last.json()["next_seq"], json!(2));
    let open = s.open_for();
    assert!(
        open >= Duration::from_millis(800) && open < Duration::from_secs(4),
        "wait_seconds=1 held the stream {open:?}"
    );
}

#[tokio::test]
async fn wait_seconds_out_of_range_is_422() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;
    for bad in ["0", "61", "-1", "abc"] {
        let r = server
            .get(
                &format!("/v1/intents/{id}/events/stream?since=0&wait_seconds={bad}"),
                &admin,
            )
            .await;
        r.expect_error_status(422);
    }
}

#[tokio::test]
async fn unknown_intent_stream_is_404() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let r = server
        .get(
            &format!(
                "/v1/intents/{}/events/stream?since=0&wait_seconds=1",
                uuid::Uuid::new_v4()
            ),
            &admin,
        )
        .await;
    r.expect_error(404, "intent_not_found");
}

#[tokio::test]
async fn live_event_reaches_an_idle_stream_and_ends_it() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "live").await;
    let id = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;

    let (resp, connected) = sse::open(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=2&wait_seconds=20"),
        &admin,
        &[],
    )
    .await;
    assert_eq!(resp.status().as_u16(), 200);
    let watcher = tokio::spawn(sse::read_all(resp, connected, LIMIT));

    // While the watcher idles, the agent's stream delivers the intent (a new event, seq 3).
    tokio::time::sleep(Duration::from_millis(400)).await;
    let delivery = sse::get(
        &server,
        "/v1/agents/local/default/live/intents/stream?since=0&wait_seconds=1",
        &agent.key,
        &[],
        LIMIT,
    )
    .await;
    let delivered_at = delivery
        .arrival_of("event: intent.")
        .unwrap_or_else(|| panic!("the agent got no delivery:\n{}", delivery.raw));

    let s = watcher.await.expect("watcher task");
    assert!(s.ended, "the watcher's response ended:\n{}", s.raw);
    let frames = s.intent_frames();
    assert_eq!(frames.len(), 1, "exactly the live event:\n{}", s.raw);
    assert_eq!(frames[0].id.as_deref(), Some("3"));
    assert_eq!(frames[0].event.as_deref(), Some("intent.delivered"));
    assert_eq!(frames[0].json()["status"], "DELIVERED");
    let lag = s.ended_at.saturating_duration_since(delivered_at);
    assert!(
        lag < Duration::from_millis(1500),
        "the response ended {lag:?} after the event"
    );
}

#[tokio::test]
async fn live_terminal_event_closes_the_stream_promptly() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;

    let (resp, connected) = sse::open(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=2&wait_seconds=20"),
        &admin,
        &[],
    )
    .await;
    let watcher = tokio::spawn(sse::read_all(resp, connected, LIMIT));
    tokio::time::sleep(Duration::from_millis(400)).await;
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "CANCELED", "reason": "stop"}),
        )
        .await
        .expect_ok();
    let acked = Instant::now();

    let s = watcher.await.expect("watcher task");
    assert!(s.ended, "closed after the terminal event:\n{}", s.raw);
    let frames = s.intent_frames();
    assert_eq!(frames.len(), 1, "{}", s.raw);
    assert_eq!(frames[0].event.as_deref(), Some("intent.canceled"));
    assert_eq!(frames[0].json()["status"], "CANCELED");
    let lag = s.ended_at.saturating_duration_since(acked);
    assert!(
        lag < Duration::from_millis(1500),
        "ended {lag:?} after the resolve"
    );
}

#[tokio::test]
async fn terminal_intent_replays_then_closes() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "COMPLETED", "result": {"r": 1}}),
        )
        .await
        .expect_ok();

    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=0&wait_seconds=30"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    assert!(s.ended, "{}", s.raw);
    assert!(
        s.open_for() < Duration::from_millis(2500),
        "{:?}",
        s.open_for()
    );
    let frames = s.intent_frames();
    let last = frames
        .last()
        .unwrap_or_else(|| panic!("no frames:\n{}", s.raw));
    assert_eq!(last.event.as_deref(), Some("intent.completed"));
    assert_eq!(last.json()["status"], "COMPLETED");
    let ids: Vec<u64> = frames
        .iter()
        .map(|f| f.id.as_deref().and_then(|i| i.parse().ok()).unwrap_or(0))
        .collect();
    assert_eq!(ids, (1..=frames.len() as u64).collect::<Vec<_>>());

    // Past the terminal event there is nothing to replay: the stream idles like any other
    // for `wait_seconds`, then ends with `stream.timeout` (a watcher that reconnects on
    // timeout must not spin).
    let n = frames.len();
    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since={n}&wait_seconds=1"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    assert!(s.ended, "{}", s.raw);
    assert!(s.intent_frames().is_empty(), "{}", s.raw);
    let open = s.open_for();
    assert!(
        open >= Duration::from_millis(800) && open < Duration::from_secs(4),
        "wait_seconds=1 held a finished intent's stream {open:?}"
    );
    let frames = s.frames();
    let last = frames
        .last()
        .unwrap_or_else(|| panic!("no frames:\n{}", s.raw));
    assert_eq!(last.event.as_deref(), Some("stream.timeout"), "{}", s.raw);
    assert_eq!(last.json()["next_seq"], json!(n));
}

#[tokio::test]
async fn query_since_beats_last_event_id() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;
    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=0&wait_seconds=5"),
        &admin,
        &[("Last-Event-ID", "1")],
        LIMIT,
    )
    .await;
    let ids: Vec<_> = s.intent_frames().into_iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        vec![Some("1".to_string()), Some("2".to_string())],
        "{}",
        s.raw
    );
}

/// A comment heartbeat arrives every `heartbeat` (15 s by default; 200 ms here, in an
/// embedded gateway) while a stream idles, and the idle stream ends with `stream.timeout`.
#[tokio::test]
async fn idle_stream_sends_comment_heartbeats() {
    let server = TestServer::embedded(Settings {
        heartbeat: Duration::from_millis(200),
        ..Settings::default()
    });
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;
    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=2&wait_seconds=1"),
        &admin,
        &[],
        Duration::from_secs(30),
    )
    .await;
    assert!(s.ended, "{}", s.raw);
    let beats: Vec<Duration> = s
        .chunks
        .iter()
        .filter(|(_, text)| text.lines().any(|l| l.starts_with(':')))
        .map(|(at, _)| *at - s.connected_at)
        .collect();
    assert!(beats.len() >= 2, "heartbeats at {beats:?}:\n{}", s.raw);
    assert!(
        beats[0] >= Duration::from_millis(150) && beats[0] <= Duration::from_millis(900),
        "first heartbeat after {:?}",
        beats[0]
    );
    assert_eq!(
        s.frames().last().and_then(|f| f.event.clone()).as_deref(),
        Some("stream.timeout"),
        "{}",
        s.raw
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_event_wakes_many_watchers() {
    const WATCHERS: usize = 50;
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/fanout", json!({}))
        .await;
    let path = format!("/v1/intents/{id}/events/stream?since=2&wait_seconds=20");
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        let (resp, at) = sse::open(&server, &path, &admin, &[]).await;
        assert_eq!(resp.status().as_u16(), 200);
        watchers.push(tokio::spawn(sse::read_all(resp, at, LIMIT)));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &admin,
            &json!({"status": "COMPLETED", "result": {}}),
        )
        .await
        .expect_ok();
    let acked = Instant::now();
    for w in watchers {
        let s = w.await.expect("watcher task");
        assert!(s.ended, "{}", s.raw);
        let frames = s.intent_frames();
        assert_eq!(frames.len(), 1, "{}", s.raw);
        assert_eq!(frames[0].event.as_deref(), Some("intent.completed"));
        let lag = s.ended_at.saturating_duration_since(acked);
        assert!(
            lag < Duration::from_secs(2),
            "a watcher ended {lag:?} after the event"
        );
    }
}

#[tokio::test]
async fn timeout_next_seq_is_the_cursor_to_resume_from() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = server
        .create_intent(&admin, "agent://local/default/sse", json!({}))
        .await;
    // A cursor past the end: nothing to send; next_seq = max(since, last seq) = since.
    let s = sse::get(
        &server,
        &format!("/v1/intents/{id}/events/stream?since=7&wait_seconds=1"),
        &admin,
        &[],
        LIMIT,
    )
    .await;
    let last = s.frames().into_iter().last();
    assert_eq!(
        last.as_ref().and_then(|f| f.event.as_deref()),
        Some("stream.timeout"),
        "{}",
        s.raw
    );
    assert_eq!(last.map(|f| f.json()["next_seq"].clone()), Some(json!(7)));
}
