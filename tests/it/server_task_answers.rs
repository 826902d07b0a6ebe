//! Answers to human tasks over HTTP (spec §8.2, §12.5): `form_schema` refuses a bad answer
//! with 422 and the JSON paths (the task stays open) and takes a good one with its strings
//! coerced; `evidence_required`; outcomes by task type, on a direct task and on a workflow's
//! human step; the runner's answer with the outcome beside `task_result`.

use serde_json::{Value, json};

use crate::common::workflow::{apply, resume};
use crate::common::{TestServer, intent_body, str_field};

/// A direct task to `agent://agent_core` (a human-only intent); its id.
async fn task(server: &TestServer, key: &str, human_task: Value) -> String {
    let mut body = intent_body("agent://agent_core", json!({}));
    body["human_task"] = human_task;
    let r = server.post("/v1/intents", key, &body).await;
    r.expect_ok();
    str_field(&r.body, "intent_id")
}

#[tokio::test]
async fn a_form_schema_refuses_a_bad_answer_with_its_paths_and_takes_a_good_one() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let id = task(
        &server,
        &admin,
        json!({
            "title": "Assess the change",
            "task_type": "provide_data",
            "form_schema": {
                "type": "object",
                "required": ["outcome", "risk_level", "rollback_available"],
                "properties": {
                    "outcome": {"type": "string", "enum": ["submitted", "cannot_assess"]},
                    "risk_level": {"type": "string", "enum": ["low", "medium", "high"]},
                    "rollback_available": {"type": "boolean"},
                    "affected_hosts": {"type": "integer", "minimum": 0},
                    "notes": {"type": "string", "maxLength": 20}
                }
            }
        }),
    )
    .await;
    let bad = resume(
        &server,
        &admin,
        &id,
        json!({"task_result": {"outcome": "submitted", "risk_level": "extreme",
                               "affected_hosts": "-2", "notes": "x".repeat(21)}}),
    )
    .await;
    bad.expect_error(422, "schema_invalid");
    let paths: Vec<&str> = bad.body["error"]["details"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors: {}", bad.text))
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    for path in [
        "/task_result/risk_level",
        "/task_result/rollback_available",
        "/task_result/affected_hosts",
        "/task_result/notes",
    ] {
        assert!(paths.contains(&path), "{path} missing in {paths:?}");
    }
    assert_eq!(server.intent(&admin, &id).await["status"], "WAITING");

    // `axme tasks submit --data k=v` sends strings: coerced to the schema's types.
    let good = resume(
        &server,
        &admin,
        &id,
        json!({"task_result": {"outcome": "submitted", "risk_level": "low",
                               "rollback_available": "true", "affected_hosts": "3"}}),
    )
    .await;
    good.expect_ok();
    let done = server.intent(&admin, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["result"]["rollback_available"], true);
    assert_eq!(done["result"]["affected_hosts"], 3);
    assert_eq!(done["result"]["outcome"], "submitted");
}

#[tokio::test]
async fn evidence_and_outcomes_by_task_type() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let manual = task(
        &server,
        &admin,
        json!({"title": "Replace the disk", "task_type": "manual_action", "evidence_required": true}),
    )
    .await;
    let r = resume(
        &server,
        &admin,
        &manual,
        json!({"task_result": {"outcome": "completed"}}),
    )
    .await;
    r.expect_error(422, "schema_invalid");
    assert_eq!(r.body["error"]["details"]["field"], "task_result.evidence");
    resume(
        &server,
        &admin,
        &manual,
        json!({"task_result": {"outcome": "completed", "data": {"evidence": "ticket-42.jpg"}}}),
    )
    .await
    .expect_ok();

    for (task_type, outcome, refused) in [
        ("confirmation", "confirmed", "approved"),
        ("assignment", "assigned", "submitted"),
        ("clarification", "provided", "confirmed"),
        ("review", "changes_requested", "assigned"),
    ] {
        let id = task(
            &server,
            &admin,
            json!({"title": "t", "task_type": task_type}),
        )
        .await;
        resume(
            &server,
            &admin,
            &id,
            json!({"task_result": {"outcome": refused}}),
        )
        .await
        .expect_error(422, "schema_invalid");
        resume(
            &server,
            &admin,
            &id,
            json!({"task_result": {"outcome": outcome}}),
        )
        .await
        .expect_ok();
    }
    // The runner puts the outcome beside `task_result`.
    let id = task(&server, &admin, json!({"title": "t"})).await;
    resume(
        &server,
        &admin,
        &id,
        json!({"outcome": "approved", "task_result": {"note": "fine"}}),
    )
    .await
    .expect_ok();
    assert_eq!(
        server.intent(&admin, &id).await["result"]["outcome"],
        "approved"
    );
}

#[tokio::test]
async fn a_workflow_confirmation_step_takes_confirmed_and_its_form() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bundle = json!({
        "scenario_id": "test.confirm.v1",
        "humans": [{"role": "owner"}],
        "workflow": {"steps": [
            {"step_id": "confirm", "tool_id": "tool.approval.human_signoff", "assigned_to": "owner",
             "human_task": {"title": "Confirm the window", "task_type": "confirmation",
                            "form_schema": {"type": "object", "required": ["window"],
                                            "properties": {"window": {"type": "integer", "minimum": 1}}}}}
        ]},
        "intent": {"type": "intent.confirm.v1", "payload": {}}
    });
    let parent = str_field(&apply(&server, &admin, &bundle).await, "intent_id");
    let r = resume(
        &server,
        &admin,
        &parent,
        json!({"task_result": {"outcome": "confirmed"}}),
    )
    .await;
    r.expect_error(422, "schema_invalid");
    assert_eq!(
        r.body["error"]["details"]["errors"][0]["path"], "/task_result/window",
        "{}",
        r.text
    );
    resume(
        &server,
        &admin,
        &parent,
        json!({"task_result": {"outcome": "confirmed", "window": "2"}}),
    )
    .await
    .expect_ok();
    let done = crate::common::workflow::wait_terminal(
        &server,
        &admin,
        &parent,
        std::time::Duration::from_secs(10),
    )
    .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
}

/// A `notification` step writes its message, template fields filled in, to the initiator's
/// inbox and the workflow goes on at once.
#[tokio::test]
async fn a_notification_step_writes_the_inbox_message() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bundle = json!({
        "scenario_id": "test.notify.v1",
        "workflow": {"steps": [
            {"step_id": "tell", "runtime_type": "notification",
             "config": {"channels": ["inbox"], "subject": "Run {{intent_id}} done",
                        "body": "Order {{payload.order_id}} of {{intent_id}} shipped"}}
        ]},
        "intent": {"type": "intent.notify.v1", "payload": {"order_id": "A-7"}}
    });
    let parent = str_field(&apply(&server, &admin, &bundle).await, "intent_id");
    let done = crate::common::workflow::wait_terminal(
        &server,
        &admin,
        &parent,
        std::time::Duration::from_secs(10),
    )
    .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let inbox = server.get("/v1/inbox", &admin).await;
    inbox.expect_ok();
    let thread = inbox.body["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["subject"] == json!(format!("Run {parent} done")))
        .unwrap_or_else(|| panic!("no notification thread: {}", inbox.text))
        .clone();
    assert_eq!(
        thread["messages"][0]["content"],
        json!(format!("Order A-7 of {parent} shipped"))
    );
    assert_eq!(thread["intent_id"], json!(parent));
}

/// A direct task turned down ends CANCELED (spec §8.2, §1.3): `rejected`, the negative
/// outcome it stands for, or an approval its form contradicts; any other answer, even one
/// that is not positive, completes it with the answer as its result. A key with the `tasks`
/// scope alone may answer.
#[tokio::test]
async fn a_direct_task_turned_down_ends_canceled_and_other_answers_complete_it() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let answerer = crate::server_authz::account_with_key(
        &server,
        &admin,
        "approver",
        "admin",
        Some(json!(["tasks"])),
    )
    .await;
    let cases = [
        (
            json!({"title": "Ship it?"}),
            json!({"outcome": "rejected", "comment": "not yet"}),
            "CANCELED",
        ),
        (
            json!({"title": "Ship it?"}),
            json!({"approved": false}),
            "CANCELED",
        ),
        (
            json!({"title": "Ship it?"}),
            json!({"outcome": "approved", "approved": false}),
            "CANCELED",
        ),
        (
            json!({"title": "Sure?", "task_type": "confirmation"}),
            json!({"outcome": "denied"}),
            "CANCELED",
        ),
        // `reject` stands for a list's negative outcome (the CLI's hint for confirmations).
        (
            json!({"title": "Sure?", "task_type": "confirmation"}),
            json!({"outcome": "rejected"}),
            "CANCELED",
        ),
        (
            json!({"title": "Who?", "task_type": "assignment"}),
            json!({"outcome": "declined"}),
            "CANCELED",
        ),
        (
            json!({"title": "Ship it?"}),
            json!({"outcome": "approved"}),
            "COMPLETED",
        ),
        (
            json!({"title": "Read it", "task_type": "review"}),
            json!({"outcome": "changes_requested"}),
            "COMPLETED",
        ),
        (
            json!({"title": "Fix it", "task_type": "manual_action"}),
            json!({"outcome": "failed"}),
            "COMPLETED",
        ),
    ];
    for (human_task, answer, ends) in cases {
        let id = task(&server, &admin, human_task.clone()).await;
        let r = resume(&server, &answerer.key, &id, json!({"task_result": answer})).await;
        r.expect_ok();
        let intent = server.intent(&admin, &id).await;
        assert_eq!(
            intent["status"], ends,
            "{human_task} answered {answer}: {intent}"
        );
        let events = server.events(&admin, &id, None).await;
        let kinds: Vec<&str> = events
            .iter()
            .map(|e| e["event_type"].as_str().unwrap())
            .collect();
        let last = events.last().unwrap();
        if ends == "CANCELED" {
            assert_eq!(
                kinds,
                [
                    "intent.created",
                    "intent.submitted",
                    "intent.human_task_assigned",
                    "intent.canceled"
                ]
            );
            assert_eq!(last["status"], "CANCELED");
            assert_eq!(last["actor"], json!(answerer.address));
            assert!(
                last["reason"].as_str().unwrap().starts_with("task "),
                "{last}"
            );
            assert!(
                last["details"]["task_result"]["outcome"].is_string(),
                "{last}"
            );
            assert!(intent.get("result").is_none_or(Value::is_null), "{intent}");
        } else {
            assert_eq!(last["event_type"], "intent.completed");
            assert_eq!(intent["result"]["outcome"], answer["outcome"], "{intent}");
        }
    }
    // The comment is the cancel's reason; a second answer finds the intent ended.
    let id = task(&server, &admin, json!({"title": "Ship it?"})).await;
    resume(
        &server,
        &admin,
        &id,
        json!({"task_result": {"outcome": "rejected", "comment": "budget"}}),
    )
    .await
    .expect_ok();
    let last = server.events(&admin, &id, None).await.pop().unwrap();
    assert_eq!(last["reason"], "task rejected: budget");
    resume(
        &server,
        &admin,
        &id,
        json!({"task_result": {"outcome": "approved"}}),
    )
    .await
    .expect_error_status(409);
    // An approval decision turning the task down cancels it too.
    let id = task(&server, &admin, json!({"title": "Ship it?"})).await;
    server
        .post(
            &format!("/v1/approvals/{id}/decision"),
            &admin,
            &json!({"decision": "reject"}),
        )
        .await
        .expect_ok();
    assert_eq!(server.intent(&admin, &id).await["status"], "CANCELED");
}
