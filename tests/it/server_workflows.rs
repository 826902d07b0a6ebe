//! Scenario workflows end to end (spec §6.4, §8): apply → step intents over the agent
//! stream → resume → the parent advances; retries; human approval steps.

use std::time::Duration;

use crate::common::TestServer;
use crate::common::workflow::*;
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(20);

/// The shared bundle: apply provisions the agent, the agent (with its own key) gets a step
/// intent carrying the parent payload, completes it, and the parent COMPLETES.
#[tokio::test]
async fn the_shared_bundle_runs_end_to_end() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let applied = apply(&server, &admin, &shared_bundle()).await;
    let parent = applied["intent_id"].as_str().unwrap().to_string();
    assert!(applied["compile_id"].as_str().unwrap().starts_with("cmp-"));
    assert_eq!(applied["status"], "WAITING");
    assert_eq!(applied["idempotent"], false);
    let provisioned = &applied["agents_provisioned"][0];
    assert_eq!(provisioned["created"], true);
    assert_eq!(
        provisioned["address"],
        "agent://local/default/report-api-demo"
    );

    // The parent waits for the agent and is not on any agent stream.
    let intent = server.intent(&admin, &parent).await;
    assert_eq!(intent["waiting_reason"], "WAITING_FOR_AGENT");
    assert_eq!(
        intent["pending_with"]["ref"],
        "agent://local/default/report-api-demo"
    );

    // The CLI mints the agent's key itself.
    let sa_id = provisioned["service_account_id"].as_str().unwrap();
    let k = server
        .post(
            &format!("/v1/service-accounts/{sa_id}/keys"),
            &admin,
            &json!({}),
        )
        .await;
    k.expect_ok();
    let agent_key = k.body["key"]["token"].as_str().unwrap().to_string();

    let frame = expect_delivery(&server, &agent_key, "report-api-demo").await;
    let step_id = frame["intent_id"].as_str().unwrap().to_string();
    assert_ne!(step_id, parent);
    let payload = &frame["payload"];
    assert_eq!(payload["parent_payload"]["report_type"], "financial");
    assert_eq!(payload["report_type"], "financial");
    assert_eq!(payload["parent_intent_id"], json!(parent));
    assert_eq!(payload["step_id"], "generate_report");
    assert_eq!(payload["previous_results"], json!({}));
    let step = server.intent(&agent_key, &step_id).await;
    assert_eq!(step["correlation_id"], intent["correlation_id"]);
    assert_eq!(step["parent_intent_id"], json!(parent));
    assert!(
        step["deadline_at"].is_string(),
        "step deadline from step_deadline_seconds"
    );

    complete(
        &server,
        &agent_key,
        &step_id,
        json!({"report_url": "https://r/1.pdf"}),
    )
    .await;
    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["result"]["report_url"], "https://r/1.pdf");
    assert_eq!(
        done["result"]["step_results"]["generate_report"]["report_url"],
        "https://r/1.pdf"
    );
    assert_eq!(
        event_kinds(&server, &admin, &parent).await,
        [
            "intent.created",
            "intent.submitted",
            "intent.waiting",
            "intent.completed"
        ]
    );

    // reply_to defaults to the caller: the completion is in its inbox, thread = intent id.
    let inbox = server.get("/v1/inbox", &admin).await;
    inbox.expect_ok();
    let threads = inbox.body["threads"].as_array().unwrap();
    assert!(
        threads.iter().any(|t| t["thread_id"] == json!(parent)),
        "{}",
        inbox.text
    );
    let thread = server.get(&format!("/v1/inbox/{parent}"), &admin).await;
    thread.expect_ok();
    assert_eq!(thread.body["thread"]["completion"]["status"], "COMPLETED");
    // Another agent may not read the admin's inbox.
    let other = server.get("/v1/inbox?owner_agent=admin", &agent_key).await;
    other.expect_error_status(403);
}

fn three_steps() -> Value {
    json!({
        "scenario_id": "test.three-steps.v1",
        "agents": [{"role": "worker", "address": "worker-3", "create_if_missing": true}],
        "workflow": {"steps": [
            {"step_id": "fetch", "tool_id": "tool.agent.task.v1", "assigned_to": "worker"},
            {"step_id": "transform", "tool_id": "tool.agent.task.v1", "assigned_to": "worker",
             "retry": {"max_retries": 1, "retry_delay_seconds": 1}},
            {"step_id": "store", "tool_id": "tool.agent.task.v1", "assigned_to": "worker"}
        ]},
        "intent": {"type": "intent.etl.run.v1", "payload": {"table": "t1"}}
    })
}

/// Three steps in array order; the second fails once and its retry succeeds.
#[tokio::test]
async fn a_failing_step_is_retried_and_the_workflow_continues() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let parent = apply(&server, &admin, &three_steps()).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();

    let first = expect_delivery(&server, &admin, "worker-3").await;
    assert_eq!(first["payload"]["step_id"], "fetch");
    complete(
        &server,
        &admin,
        first["intent_id"].as_str().unwrap(),
        json!({"rows": 3}),
    )
    .await;

    let second = expect_delivery(&server, &admin, "worker-3").await;
    assert_eq!(second["payload"]["step_id"], "transform");
    assert_eq!(second["payload"]["previous_results"]["fetch"]["rows"], 3);
    let failed = resume(
        &server,
        &admin,
        second["intent_id"].as_str().unwrap(),
        json!({"action": "fail", "reason": "flaky"}),
    )
    .await;
    failed.expect_ok();
    assert_eq!(server.intent(&admin, &parent).await["status"], "WAITING");

    // The retry is a new step intent after retry_delay_seconds.
    let retry = expect_delivery(&server, &admin, "worker-3").await;
    assert_eq!(retry["payload"]["step_id"], "transform");
    assert_ne!(retry["intent_id"], second["intent_id"]);
    complete(
        &server,
        &admin,
        retry["intent_id"].as_str().unwrap(),
        json!({"ok": 1}),
    )
    .await;

    let third = expect_delivery(&server, &admin, "worker-3").await;
    assert_eq!(third["payload"]["step_id"], "store");
    let previous = &third["payload"]["previous_results"];
    assert!(
        previous["fetch"].is_object() && previous["transform"].is_object(),
        "{previous}"
    );
    complete(
        &server,
        &admin,
        third["intent_id"].as_str().unwrap(),
        json!({"stored": true}),
    )
    .await;

    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let kinds = event_kinds(&server, &admin, &parent).await;
    assert_eq!(kinds.first().map(String::as_str), Some("intent.created"));
    assert_eq!(kinds.last().map(String::as_str), Some("intent.completed"));
    // Holder changes between steps go through IN_PROGRESS.
    assert!(
        kinds.iter().filter(|k| *k == "intent.in_progress").count() >= 2,
        "{kinds:?}"
    );

    // A failing step without retries fails the parent.
    let mut bundle = three_steps();
    bundle["workflow"]["steps"][0]["retry"] = json!({"max_retries": 0});
    let parent = apply(&server, &admin, &bundle).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let step = expect_delivery(&server, &admin, "worker-3").await;
    resume(
        &server,
        &admin,
        step["intent_id"].as_str().unwrap(),
        json!({"action": "fail", "reason": "boom"}),
    )
    .await
    .expect_ok();
    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"]["code"], "step_failed");
    assert_eq!(done["error"]["step_id"], "fetch");
}

fn approval_bundle() -> Value {
    json!({
        "scenario_id": "test.approval.v1",
        "agents": [{"role": "deployer", "address": "deployer", "create_if_missing": true}],
        "humans": [{"role": "approver", "display_name": "Release manager"}],
        "workflow": {"steps": [
            {"step_id": "approve", "tool_id": "tool.approval.human_signoff", "assigned_to": "approver",
             "human_task": {"title": "Ship it?", "allowed_outcomes": ["approved", "rejected"]}},
            {"step_id": "deploy", "tool_id": "tool.agent.task.v1", "assigned_to": "deployer"}
        ]},
        "intent": {"type": "intent.release.v1", "payload": {"version": "1.2.3"}}
    })
}

/// A human gate: listed in /v1/me/tasks, a bad outcome is 422, approval moves on.
#[tokio::test]
async fn a_human_approval_step_approved_then_one_rejected() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let parent = apply(&server, &admin, &approval_bundle()).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let intent = server.intent(&admin, &parent).await;
    assert_eq!(intent["waiting_reason"], "WAITING_FOR_HUMAN");
    assert_eq!(intent["pending_with"]["type"], "human");
    let events = server.events(&admin, &parent, None).await;
    let assigned = events
        .iter()
        .find(|e| e["event_type"] == "intent.human_task_assigned")
        .expect("intent.human_task_assigned on the parent");
    assert_eq!(assigned["human_task"]["title"], "Ship it?");

    let tasks = server.get("/v1/me/tasks", &admin).await;
    tasks.expect_ok();
    let task = tasks.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["intent_id"] == json!(parent))
        .unwrap_or_else(|| panic!("task listed: {}", tasks.text))
        .clone();
    assert_eq!(task["title"], "Ship it?");
    assert_eq!(task["allowed_outcomes"], json!(["approved", "rejected"]));

    let bad = resume(
        &server,
        &admin,
        &parent,
        json!({"task_result": {"outcome": "maybe"}}),
    )
    .await;
    bad.expect_error_status(422);
    assert_eq!(server.intent(&admin, &parent).await["status"], "WAITING");

    resume(
        &server,
        &admin,
        &parent,
        json!({"task_result": {"outcome": "approved", "comment": "go"}}),
    )
    .await
    .expect_ok();
    let step = expect_delivery(&server, &admin, "deployer").await;
    assert_eq!(
        step["payload"]["previous_results"]["approve"]["outcome"],
        "approved"
    );
    complete(
        &server,
        &admin,
        step["intent_id"].as_str().unwrap(),
        json!({"deployed": true}),
    )
    .await;
    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");

    // Rejection fails the parent (documented choice: FAILED, error.code human_rejected).
    let parent = apply(&server, &admin, &approval_bundle()).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    resume(
        &server,
        &admin,
        &parent,
        json!({"task_result": {"outcome": "rejected"}}),
    )
    .await
    .expect_ok();
    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["error"]["code"], "human_rejected");
    assert_eq!(done["error"]["details"]["outcome"], "rejected");
    // Nothing was dispatched to the deployer for the rejected run.
    assert!(
        next_delivery(&server, &admin, "deployer", 1)
            .await
            .is_none()
    );
}
