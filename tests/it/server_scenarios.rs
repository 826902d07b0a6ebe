//! `POST /v1/scenarios/validate|apply` (spec §6.2–6.3, §12): lenient parsing, precise
//! errors naming their JSON paths, idempotent apply.

use crate::common::TestServer;
use crate::common::workflow::*;
use serde_json::{Value, json};

async fn validate(server: &TestServer, key: &str, bundle: &Value) -> Value {
    let r = server.post("/v1/scenarios/validate", key, bundle).await;
    r.expect_ok();
    r.body.clone()
}

fn errors(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn five_broken_bundles_name_their_paths() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let good = shared_bundle();

    let mut no_type = good.clone();
    no_type["intent"].as_object_mut().unwrap().remove("type");
    let mut unknown_role = good.clone();
    unknown_role["workflow"]["steps"][0]["assigned_to"] = json!("report_servce");
    let mut duplicate = good.clone();
    let step = duplicate["workflow"]["steps"][0].clone();
    duplicate["workflow"]["steps"]
        .as_array_mut()
        .unwrap()
        .push(step);
    let mut bad_target = good.clone();
    bad_target["workflow"]["steps"][0]["on_failure"] = json!("cleanup");
    let mut bad_runtime = good.clone();
    bad_runtime["workflow"]["steps"]
        .as_array_mut()
        .unwrap()
        .push(json!({"step_id": "wait", "runtime_type": "nap"}));

    let cases = [
        (no_type, "intent.type"),
        (unknown_role, "workflow.steps[0].assigned_to"),
        (duplicate, "workflow.steps[1].step_id"),
        (bad_target, "workflow.steps[0].on_failure"),
        (bad_runtime, "workflow.steps[1].runtime_type"),
    ];
    for (bundle, path) in cases {
        let v = validate(&server, &admin, &bundle).await;
        assert_eq!(v["valid"], false, "{path}: {v}");
        let errs = errors(&v);
        assert!(
            errs.iter().any(|e| e.starts_with(&format!("{path}:"))),
            "expected an error at {path}: {errs:?}"
        );
        // Apply refuses the same bundle with the same message, and creates nothing.
        let r = server.post("/v1/scenarios/apply", &admin, &bundle).await;
        r.expect_error(422, "validation_error");
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(path),
            "{}",
            r.text
        );
    }
    let v = validate(&server, &admin, &good).await;
    assert_eq!(
        v,
        json!({"ok": true, "valid": true, "errors": [], "warnings": []})
    );
    // Validate is a dry run: the agent was not created.
    let agents = server.get("/v1/agents", &admin).await;
    assert!(!agents.text.contains("report-api-demo"), "{}", agents.text);
}

/// Real bundles carry fields the schema forbids (§10.1, §12.2): they must apply.
#[tokio::test]
async fn lenient_runner_shaped_bundles_apply() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bundle = json!({
        "scenario_id": "human.cli-review-demo.v1",
        "title": "Review",
        "_note": "comment",
        "model": "B",
        "agents": [{"role": "reviewer-bot", "address": "reviewer-bot", "handler": {"type": "logic"},
                    "description": "display only"}],
        "humans": [{"role": "reviewer", "handler": {"type": "human_cli_hint"}}],
        "workflow_steps": [
            {"step_id": "prep", "tool_id": "tool.custom.prepare", "assigned_to": "reviewer-bot",
             "description": "x", "label": "y"},
            {"step_id": "review", "tool_id": "tool.approval.human_signoff", "assigned_to": "reviewer",
             "human_task": {"title": "Review", "task_type": "review", "notify_email": "a@b.c",
                            "allowed_outcomes": ["approved", "changes_requested", "rejected"]}}
        ],
        "durability": {"deadline_minutes": 240, "max_delivery_attempts": 5},
        "intent": {"type": "intent.review.v1", "payload": {"doc": "d1"}, "_note": "x"}
    });
    let v = validate(&server, &admin, &bundle).await;
    assert_eq!(v["valid"], true, "{v}");
    let applied = apply(&server, &admin, &bundle).await;
    let parent = server
        .intent(&admin, applied["intent_id"].as_str().unwrap())
        .await;
    assert!(
        parent["deadline_at"].is_string(),
        "durability deadline folded in: {parent}"
    );
    assert_eq!(parent["max_delivery_attempts"], 5);
    let step = expect_delivery(&server, &admin, "reviewer-bot").await;
    assert_eq!(step["payload"]["tool_id"], "tool.custom.prepare");
}

#[tokio::test]
async fn apply_is_idempotent_under_a_key() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bundle = shared_bundle();
    let send = || async {
        let r = server
            .http
            .post(server.endpoint("/v1/scenarios/apply"))
            .header("x-api-key", &admin)
            .header("idempotency-key", "apply-once-1")
            .json(&bundle)
            .send()
            .await
            .unwrap();
        crate::common::Resp::read(r).await
    };
    let first = send().await;
    first.expect_ok();
    assert_eq!(first.body["idempotent"], false);
    let second = send().await;
    second.expect_ok();
    assert_eq!(second.body["idempotent"], true);
    assert_eq!(second.body["intent_id"], first.body["intent_id"]);
    // Only one step intent exists for the agent.
    let listed = server
        .get("/v1/intents?to_agent=report-api-demo", &admin)
        .await;
    listed.expect_ok();
    assert_eq!(
        listed.body["intents"].as_array().unwrap().len(),
        1,
        "{}",
        listed.text
    );
    // A second apply without a key creates a second run; the agent already exists.
    let again = apply(&server, &admin, &bundle).await;
    assert_ne!(again["intent_id"], first.body["intent_id"]);
    assert_eq!(again["agents"][0]["created"], false);
    // Agents of other workspaces are refused without create rights: a plain agent key
    // cannot create accounts.
    let agent = server.provision_agent(&admin, "plain").await;
    let mut other = bundle.clone();
    other["agents"][0]["address"] = json!("brand-new-agent");
    other["workflow"]["steps"][0]["assigned_to"] = json!("report_service");
    let r = server.post("/v1/scenarios/apply", &agent.key, &other).await;
    r.expect_error_status(403);
    // A malformed key is refused as it is on /v1/intents, not silently ignored.
    for route in ["/v1/scenarios/apply", "/v1/intents"] {
        let r = server
            .http
            .post(server.endpoint(route))
            .header("x-api-key", &admin)
            .header("idempotency-key", "   ")
            .json(&bundle)
            .send()
            .await
            .unwrap();
        let r = crate::common::Resp::read(r).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(r.body["error"]["details"]["field"], "Idempotency-Key");
    }
}
