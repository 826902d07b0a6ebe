//! Workflow macro templates (issue 12): `GET /v1/tool-registry/macros[/{id}]`, a bundle's
//! `workflow.macro_id` expanded on validate and apply, and the CLI's `scenarios
//! list-templates` and `scenarios create --from-template` (answers piped on stdin).

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::workflow::{apply, expect_delivery, wait_status};
use crate::common::*;

#[tokio::test]
async fn the_registry_lists_macros_and_apply_expands_them() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let list = server.get("/v1/tool-registry/macros", &admin).await;
    list.expect_ok();
    let macros = list.body["macros"].as_array().unwrap();
    assert!(macros.len() >= 4, "{}", list.text);
    for m in macros {
        assert!(
            m["macro_id"].is_string() && m["description"].is_string(),
            "{m}"
        );
        for p in m["parameters"].as_array().unwrap() {
            assert!(p["name"].is_string() && p["default"].is_string(), "{p}");
        }
    }
    let one = server
        .get(
            "/v1/tool-registry/macros/approval.agent_then_human.v1",
            &admin,
        )
        .await;
    one.expect_ok();
    let names: Vec<&str> = one.body["macro"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"step_deadline_seconds"), "{}", one.text);
    assert_eq!(one.body["macro"]["steps"].as_array().unwrap().len(), 2);
    server
        .get("/v1/tool-registry/macros/no.such.macro", &admin)
        .await
        .expect_error(404, "macro_not_found");
    server
        .call(reqwest::Method::GET, "/v1/tool-registry/macros", None, None)
        .await
        .expect_error(401, "missing_platform_api_key");

    // A bundle naming a macro and its parameters instead of steps.
    let checker = server.provision_agent(&admin, "checker").await;
    let bundle = json!({
        "scenario_id": "test.macro.v1",
        "agents": [{"role": "check", "address": checker.address}],
        "humans": [{"role": "boss"}],
        "workflow": {"macro_id": "approval.agent_then_human.v1",
                     "parameters": {"step_deadline_seconds": "90", "max_reminders": 2}},
        "intent": {"type": "intent.expense.v1", "payload": {"amount": 12}}
    });
    let valid = server.post("/v1/scenarios/validate", &admin, &bundle).await;
    valid.expect_ok();
    assert_eq!(valid.body["valid"], true, "{}", valid.text);
    let mut unknown = bundle.clone();
    unknown["workflow"]["macro_id"] = json!("no.such.macro");
    let invalid = server
        .post("/v1/scenarios/validate", &admin, &unknown)
        .await;
    invalid.expect_ok();
    assert_eq!(invalid.body["valid"], false);
    assert!(
        invalid.body["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("workflow.macro_id: unknown macro"),
        "{}",
        invalid.text
    );
    server
        .post("/v1/scenarios/apply", &admin, &unknown)
        .await
        .expect_error_status(422);

    // Applied: the checker's step first (the agent role as the bundle names it).
    let parent = str_field(&apply(&server, &admin, &bundle).await, "intent_id");
    let waiting = wait_status(
        &server,
        &admin,
        &parent,
        &["WAITING"],
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(
        waiting["pending_with"]["ref"],
        json!(checker.address),
        "{waiting}"
    );
    let step = expect_delivery(&server, &checker.key, "checker").await;
    assert_eq!(step["payload"]["step_id"], "check", "{step}");
}

/// The wizard's answers, one per prompt, in order.
fn answers(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn cli_lists_templates_and_builds_a_bundle_from_one() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];

    let list = axme.run_with(&["scenarios", "list-templates"], &env);
    list.assert_code(0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines[0], format!("{:<42}  DESCRIPTION", "MACRO ID"));
    assert_eq!(lines[1], "─".repeat(78));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("approval.agent_then_human.v1 ")),
        "{}",
        list.stdout
    );
    let json = axme.run_with(&["scenarios", "list-templates", "-o", "json"], &env);
    json.assert_code(0);
    assert!(json.json()["macros"].as_array().unwrap().len() >= 4);

    let file = axme.home.path().join("expense.json");
    let file_arg = file.to_str().unwrap();
    let mut cmd = axme.command(&[
        "scenarios",
        "create",
        "--from-template",
        "approval.agent_then_human.v1",
        "--file",
        file_arg,
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = answers(&[
        "expense.approval.v1",     // Scenario ID
        "Expenses over the limit", // Description
        "1",                       // agents
        "checker",                 // role
        "expense-checker",         // address
        "",                        // create if missing: yes
        "",                        // display name
        "1",                       // humans
        "manager",                 // role
        "boss@example.com",        // contact
        "",                        // display name
        "",                  // agent_role (default agent1: the bundle's only agent role is used)
        "",                  // human_role
        "120",               // step_deadline_seconds
        "",                  // remind_after_seconds
        "2",                 // max_reminders
        "",                  // escalate_to
        "intent.expense.v1", // intent type
        "2h",                // deadline
        "",                  // max delivery attempts
        "",                  // remind after
        "",                  // remind interval
        "",                  // max reminders
        "",                  // escalate to
        "billing",           // payload service
        "",                  // environment
        "",                  // reason
        "n",                 // apply now?
    ]);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("? Scenario ID [my_scenario.v1]: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("  ? step_deadline_seconds [300]: "),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("✓ Saved to {file_arg}")),
        "{stdout}"
    );
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(bundle["scenario_id"], "expense.approval.v1");
    assert_eq!(
        bundle["workflow"]["macro_id"],
        "approval.agent_then_human.v1"
    );
    assert_eq!(
        bundle["workflow"]["parameters"]["step_deadline_seconds"],
        "120"
    );
    assert_eq!(bundle["workflow"]["parameters"]["max_reminders"], "2");
    assert!(bundle["workflow"].get("steps").is_none(), "{bundle}");
    assert_eq!(bundle["agents"][0]["address"], "expense-checker");
    assert_eq!(bundle["agents"][0]["create_if_missing"], true);
    assert_eq!(bundle["humans"][0]["contact"], "boss@example.com");
    assert_eq!(bundle["intent"]["type"], "intent.expense.v1");
    assert_eq!(bundle["intent"]["max_delivery_attempts"], 5);
    assert_eq!(bundle["intent"]["payload"], json!({"service": "billing"}));
    assert!(bundle["intent"]["deadline_at"].is_string(), "{bundle}");

    // The gateway takes the bundle as written.
    let valid = axme.run_with(&["scenarios", "validate", file_arg], &env);
    valid.assert_code(0);
}
