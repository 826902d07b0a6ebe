//! Timers (spec §7.2, §7.4, §8.4): deadlines, step deadlines, delivery attempts,
//! reminders and escalation, and a workflow that survives `kill -9`.
//!
//! Tests that need no restart run an embedded gateway on a `ManualClock` with the default
//! intervals (15 s delivery windows, seconds-long deadlines) and move the clock: the
//! timers fire as soon as their time comes, in milliseconds of real time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::workflow::*;
use crate::common::{TestServer, db_path, temp_dir};
use axme::server::Settings;
use axme::server::Timing;
use axme::server::clock::{Clock, ManualClock};
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(20);

/// An embedded gateway on a clock the test moves; delivery windows of `delivery_first`.
fn on_manual_clock(delivery_first: Duration) -> (TestServer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    let settings = Settings {
        timing: Timing {
            delivery_first,
            ..Timing::default()
        },
        ..Settings::default()
    };
    (TestServer::embedded_on(settings, clock.clone()), clock)
}

/// Moves `clock` forward by `step` until intent `id` is terminal; returns it. Until the clock
/// reaches `due_ms` (when the first timer that matters is due) it moves freely; from then on,
/// after each step it gives the gateway up to a second of real time to act (the intent ends,
/// or an event is appended) before moving on, so a loaded machine (or a store whose writer
/// answers slower) never makes a timer look late by letting the test clock run ahead of it.
async fn advance_until_terminal(
    server: &TestServer,
    clock: &ManualClock,
    key: &str,
    id: &str,
    step: Duration,
    due_ms: i64,
) -> Value {
    let started = Instant::now();
    loop {
        let intent = server.intent(key, id).await;
        if TERMINAL.contains(&intent["status"].as_str().unwrap_or_default()) {
            return intent;
        }
        assert!(started.elapsed() < LIMIT, "still not terminal: {intent}");
        let events_before = server.events(key, id, None).await.len();
        clock.advance(step);
        if clock.now_ms() < due_ms {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        }
        let settle = Instant::now();
        while settle.elapsed() < Duration::from_secs(1) {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let status = server.intent(key, id).await["status"].clone();
            if TERMINAL.contains(&status.as_str().unwrap_or_default())
                || server.events(key, id, None).await.len() != events_before
            {
                break;
            }
        }
    }
}

fn one_step(deadline: Option<u64>, attempts: u32) -> Value {
    let mut step = json!({"step_id": "work", "tool_id": "tool.agent.task.v1", "assigned_to": "w"});
    if let Some(d) = deadline {
        step["step_deadline_seconds"] = json!(d);
    }
    json!({
        "scenario_id": "test.timers.v1",
        "agents": [{"role": "w", "address": "sleepy", "create_if_missing": true}],
        "workflow": {"steps": [step]},
        "intent": {"type": "intent.timers.v1", "payload": {}, "max_delivery_attempts": attempts}
    })
}

/// A step deadline with nobody answering: the step and its parent end TIMED_OUT once the
/// deadline passes.
#[tokio::test]
async fn a_step_deadline_times_the_parent_out() {
    let (server, clock) = on_manual_clock(Duration::from_secs(60));
    let admin = server.admin();
    let started = clock.now_ms();
    let parent = apply(&server, &admin, &one_step(Some(1), 3)).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let step = Duration::from_millis(250);
    let done = advance_until_terminal(&server, &clock, &admin, &parent, step, started + 1000).await;
    let took = clock.now_ms() - started;
    assert_eq!(done["status"], "TIMED_OUT", "{done}");
    assert!((1000..=1250).contains(&took), "timed out after {took} ms");
    let kinds = event_kinds(&server, &admin, &parent).await;
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("intent.timed_out"),
        "{kinds:?}"
    );
    assert_eq!(done["error"]["code"], "step_timeout");
}

/// A plain intent's `deadline_at` → TIMED_OUT (`intent.timed_out`) when it passes.
#[tokio::test]
async fn an_intent_deadline_times_it_out() {
    let (server, clock) = on_manual_clock(Duration::from_secs(60));
    let admin = server.admin();
    let deadline = clock.now().plus_ms(800);
    let r = server
        .post(
            "/v1/intents",
            &admin,
            &json!({
                "intent_type": "test.deadline.v1",
                "to_agent": "agent://local/default/nobody",
                "payload": {},
                "deadline_at": deadline.to_string(),
            }),
        )
        .await;
    r.expect_ok();
    let id = r.body["intent_id"].as_str().unwrap().to_string();
    clock.advance(Duration::from_millis(700));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.intent(&admin, &id).await["status"], "SUBMITTED");
    let done = advance_until_terminal(
        &server,
        &clock,
        &admin,
        &id,
        Duration::from_millis(200),
        deadline.unix_ms(),
    )
    .await;
    assert_eq!(done["status"], "TIMED_OUT");
    let late = clock.now_ms() - deadline.unix_ms();
    assert!((0..=200).contains(&late), "{late} ms late");
    // A finished intent refuses a late answer.
    resume(&server, &admin, &id, json!({"action": "complete"}))
        .await
        .expect_error_status(409);
}

/// Nobody listens: each attempt window passes (15 s, then 5 s each), and after
/// max_delivery_attempts the step and its parent end FAILED with `intent.delivery_failed`.
#[tokio::test]
async fn no_listener_fails_after_the_configured_attempts() {
    let (server, clock) = on_manual_clock(Duration::from_secs(15));
    let admin = server.admin();
    let started = clock.now_ms();
    let parent = apply(&server, &admin, &one_step(None, 3)).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Windows at 15 s, 20 s and 25 s: steps of 5 s land on each.
    let step = Duration::from_secs(5);
    let done =
        advance_until_terminal(&server, &clock, &admin, &parent, step, started + 15_000).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    // 15 s, then two 5 s windows.
    let took = clock.now_ms() - started;
    assert!((25_000..=27_000).contains(&took), "failed after {took} ms");
    let events = server.events(&admin, &parent, None).await;
    let last = events.last().unwrap();
    assert_eq!(last["event_type"], "intent.delivery_failed");
    assert_eq!(last["details"]["delivery_attempt"], 3);

    // A plain intent too, with its own max_delivery_attempts.
    let r = server
        .post(
            "/v1/intents",
            &admin,
            &json!({"intent_type": "t.v1", "to_agent": "nobody", "payload": {}, "max_delivery_attempts": 2}),
        )
        .await;
    let id = r.body["intent_id"].as_str().unwrap().to_string();
    let sent = clock.now_ms();
    let done = advance_until_terminal(&server, &clock, &admin, &id, step, sent + 15_000).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["delivery_attempt"], 2);
    // An intent that a listener took in time is not failed.
    let id = server
        .create_intent(&admin, "agent://local/default/admin", json!({}))
        .await;
    let frame = expect_delivery(&server, &admin, "admin").await;
    assert_eq!(frame["intent_id"], json!(id));
    clock.advance(Duration::from_secs(60));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.intent(&admin, &id).await["status"], "DELIVERED");
}

/// While nobody takes an intent, each failed attempt shows on it (`delivery_attempt`, spec
/// §7.2), without an event: what `--wait` shows as "attempt n of m".
#[tokio::test]
async fn each_failed_attempt_shows_on_the_intent() {
    let (server, clock) = on_manual_clock(Duration::from_secs(15));
    let admin = server.admin();
    let r = server
        .post(
            "/v1/intents",
            &admin,
            &json!({"intent_type": "t.v1", "to_agent": "nobody", "payload": {}, "max_delivery_attempts": 3}),
        )
        .await;
    let id = r.body["intent_id"].as_str().unwrap().to_string();
    assert_eq!(server.intent(&admin, &id).await["delivery_attempt"], 0);
    let events_before = server.events(&admin, &id, None).await.len();
    // The first window is 15 s, the next ones 5 s.
    for (advance, failed) in [(15, 1), (5, 2)] {
        clock.advance(Duration::from_secs(advance));
        let started = Instant::now();
        let intent = loop {
            let intent = server.intent(&admin, &id).await;
            if intent["delivery_attempt"] == failed {
                break intent;
            }
            assert!(
                started.elapsed() < LIMIT,
                "attempt {failed} not counted: {intent}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        assert_eq!(intent["status"], "SUBMITTED", "{intent}");
        assert_eq!(server.events(&admin, &id, None).await.len(), events_before);
    }
    let due = clock.now_ms() + 5000;
    let step = Duration::from_secs(5);
    let done = advance_until_terminal(&server, &clock, &admin, &id, step, due).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["delivery_attempt"], 3);
}

/// Reminders (every 2 s) and one escalation on a waiting human step.
#[tokio::test]
async fn a_silent_human_step_is_reminded_then_escalated() {
    let (server, clock) = on_manual_clock(Duration::from_secs(15));
    let admin = server.admin();
    let bundle = json!({
        "scenario_id": "test.reminders.v1",
        "agents": [],
        "humans": [{"role": "boss"}],
        "workflow": {"steps": [{
            "step_id": "sign", "tool_id": "tool.approval.human_signoff", "assigned_to": "boss",
            "remind_after_seconds": 2, "remind_interval_seconds": 2, "max_reminders": 2,
            "step_deadline_seconds": 30
        }]},
        "intent": {"type": "intent.sign.v1", "payload": {}, "escalate_to": "agent://local/default/backup"}
    });
    let parent = apply(&server, &admin, &bundle).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let started = Instant::now();
    loop {
        let kinds = event_kinds(&server, &admin, &parent).await;
        if kinds.iter().any(|k| k == "intent.escalated") {
            let reminders = kinds.iter().filter(|k| *k == "intent.reminder").count();
            assert_eq!(reminders, 2, "{kinds:?}");
            break;
        }
        assert!(started.elapsed() < LIMIT, "no escalation: {kinds:?}");
        clock.advance(Duration::from_millis(500));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let events = server.events(&admin, &parent, None).await;
    let escalated = events
        .iter()
        .find(|e| e["event_type"] == "intent.escalated")
        .unwrap();
    assert_eq!(
        escalated["details"]["escalated_to"],
        "agent://local/default/backup"
    );
    assert_eq!(escalated["status"], "WAITING");
    // Still answerable after the escalation.
    resume(
        &server,
        &admin,
        &parent,
        json!({"task_result": {"outcome": "approved"}}),
    )
    .await
    .expect_ok();
    assert_eq!(
        wait_terminal(&server, &admin, &parent, LIMIT).await["status"],
        "COMPLETED"
    );
}

/// kill -9 in the middle of a workflow: after a restart the unfinished step is delivered
/// again, the step deadline timer still runs, and the workflow completes.
#[tokio::test]
async fn a_workflow_survives_kill_9() {
    let dir = temp_dir();
    let path = db_path(&dir);
    let path_str = path.to_str().unwrap();
    let mut server = TestServer::start_with(&["--db", path_str], &[]);
    let admin = server.admin();
    let bundle = json!({
        "scenario_id": "test.crash.v1",
        "agents": [{"role": "w", "address": "crashy"}],
        "workflow": {"steps": [
            {"step_id": "one", "tool_id": "tool.agent.task.v1", "assigned_to": "w"},
            {"step_id": "two", "tool_id": "tool.agent.task.v1", "assigned_to": "w", "step_deadline_seconds": 600}
        ]},
        "intent": {"type": "intent.crash.v1", "payload": {"n": 1}}
    });
    let parent = apply(&server, &admin, &bundle).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let one = expect_delivery(&server, &admin, "crashy").await;
    complete(
        &server,
        &admin,
        one["intent_id"].as_str().unwrap(),
        json!({"a": 1}),
    )
    .await;
    let two = expect_delivery(&server, &admin, "crashy").await;
    assert_eq!(two["payload"]["step_id"], "two");
    server.kill_hard();

    let server = TestServer::start_with(&["--db", path_str], &[]);
    // The agent reconnects from the start and gets its unfinished step again.
    let again = expect_delivery(&server, &admin, "crashy").await;
    assert_eq!(again["intent_id"], two["intent_id"]);
    complete(
        &server,
        &admin,
        again["intent_id"].as_str().unwrap(),
        json!({"b": 2}),
    )
    .await;
    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["result"]["step_results"]["one"]["a"], 1);
}

/// A timer armed before a crash fires after the restart (rows survive).
#[tokio::test]
async fn a_deadline_armed_before_kill_9_fires_after_restart() {
    let dir = temp_dir();
    let path = db_path(&dir);
    let path_str = path.to_str().unwrap();
    // A 4 s step deadline at --time-scale 0.25: due 1 s after the apply.
    let args = [
        "--db",
        path_str,
        "--delivery-attempt-interval",
        "60s",
        "--time-scale",
        "0.25",
    ];
    let mut server = TestServer::start_with(&args, &[]);
    let admin = server.admin();
    let parent = apply(&server, &admin, &one_step(Some(4), 3)).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    server.kill_hard();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let server = TestServer::start_with(&args, &[]);
    let done = wait_terminal(&server, &admin, &parent, Duration::from_secs(5)).await;
    assert_eq!(done["status"], "TIMED_OUT", "{done}");
}

/// The parent's own deadline ends it TIMED_OUT and cancels the step that still runs.
#[tokio::test]
async fn a_parent_deadline_cancels_the_running_step() {
    let (server, clock) = on_manual_clock(Duration::from_secs(60));
    let admin = server.admin();
    let mut bundle = one_step(None, 3);
    bundle["intent"]["deadline_at"] = json!(clock.now().plus_ms(1200).to_string());
    let parent = apply(&server, &admin, &bundle).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let step = expect_delivery(&server, &admin, "sleepy").await;
    let every = Duration::from_millis(300);
    let due = clock.now_ms() + 1200;
    let done = advance_until_terminal(&server, &clock, &admin, &parent, every, due).await;
    assert_eq!(done["status"], "TIMED_OUT", "{done}");
    let step = server
        .intent(&admin, step["intent_id"].as_str().unwrap())
        .await;
    assert_eq!(step["status"], "CANCELED", "{step}");
}
