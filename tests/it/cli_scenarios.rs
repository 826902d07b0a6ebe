//! Scenarios, human tasks and the quick start, end to end with the real binary as gateway,
//! agents and CLI. Needs the server side of issue 4 (scenarios, workflows, /v1/me/tasks).

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::{Value, json};

fn wait_child(child: Child) -> Run {
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The key `scenarios apply` stored for agent `name` (waits for the file to appear).
fn provisioned_key(axme: &Axme, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = std::fs::read_to_string(axme.file("scenario-agents.json"))
            && let Ok(v) = serde_json::from_str::<Value>(&text)
            && let Some(agent) = v["agents"].as_array().and_then(|a| {
                a.iter()
                    .find(|a| a["address"].as_str().is_some_and(|s| s.ends_with(name)))
            })
        {
            return agent["api_key"].as_str().unwrap().to_string();
        }
        assert!(Instant::now() < deadline, "no key provisioned for {name}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn(axme: &Axme, args: &[&str], url: &str, key: &str) -> Child {
    axme.command(args)
        .env("AXME_BASE_URL", url)
        .env("AXME_API_KEY", key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn axme")
}

fn write_bundle(dir: &Path, name: &str, bundle: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn apply_the_shared_bundle_with_an_exec_listener_as_the_agent() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let bundle = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/cli/examples/durable-api-operations.json"
    );
    let apply = spawn(
        &axme,
        &["scenarios", "apply", bundle, "--watch"],
        &server.url,
        &admin,
    );
    let key = provisioned_key(&axme, "report-api-demo");
    let listener = spawn(
        &axme,
        &[
            "agents",
            "listen",
            "report-api-demo",
            "--exec",
            r#"cat >/dev/null; echo '{"report_url":"https://r.example/x.pdf"}'"#,
            "--once",
        ],
        &server.url,
        &key,
    );
    let run = wait_child(apply);
    run.assert_code(0);
    assert!(run.stdout.contains("COMPLETED"), "{}", run.stdout);
    assert!(
        run.stdout.contains("report-api-demo"),
        "holder shown: {}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(&key) && !run.stderr.contains(&key),
        "a key was printed"
    );
    wait_child(listener).assert_code(0);
}

fn approval_bundle() -> Value {
    json!({
        "scenario_id": "cli.approval.v1",
        "agents": [{"role": "checker", "address": "checker", "create_if_missing": true}],
        "humans": [{"role": "manager", "display_name": "Manager"}],
        "workflow": {"steps": [
            {"step_id": "check", "tool_id": "tool.agent.task.v1", "assigned_to": "checker"},
            {"step_id": "approve", "tool_id": "tool.approval.human_signoff", "assigned_to": "manager",
             "human_task": {"title": "Approve the spend?", "allowed_outcomes": ["approved", "rejected"]}}
        ]},
        "intent": {"type": "intent.spend.approve.v1", "payload": {"amount": 120}}
    })
}

/// Applies the bundle, lets the checker agent pass, and waits until the task is listed.
fn run_until_task(axme: &Axme, server: &TestServer, admin: &str, file: &str) -> String {
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin),
    ];
    let applied = axme.run_with(&["scenarios", "apply", file, "--json"], &env);
    applied.assert_code(0);
    let parent = applied.json()["intent_id"].as_str().unwrap().to_string();
    let key = provisioned_key(axme, "checker");
    let listener = spawn(
        axme,
        &[
            "agents",
            "listen",
            "checker",
            "--exec",
            "echo '{\"ok\":true}'",
            "--once",
        ],
        &server.url,
        &key,
    );
    wait_child(listener).assert_code(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let tasks = axme.run_with(&["tasks", "list", "--json"], &env);
        tasks.assert_code(0);
        if tasks
            .json()
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["intent_id"] == json!(parent))
        {
            break;
        }
        assert!(Instant::now() < deadline, "task never listed");
        std::thread::sleep(Duration::from_millis(100));
    }
    parent
}

#[test]
fn an_agent_step_then_a_human_approval_through_axme_tasks() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = write_bundle(dir.path(), "approval.json", &approval_bundle());

    let parent = run_until_task(&axme, &server, &admin, &file);
    let list = axme.run_with(&["tasks", "list"], &env);
    assert!(
        list.stdout.contains("Approve the spend?"),
        "{}",
        list.stdout
    );
    // An outcome the task does not allow is refused before it reaches the gateway.
    let bad = axme.run_with(&["tasks", "submit", &parent, "--outcome", "maybe"], &env);
    bad.assert_code(2);
    assert!(bad.stderr.contains("approved, rejected"), "{}", bad.stderr);
    axme.run_with(
        &["tasks", "approve", &parent, "--comment", "within budget"],
        &env,
    )
    .assert_code(0);
    axme.run_with(&["intents", "watch", &parent, "--exit-status"], &env)
        .assert_code(0);

    let parent = run_until_task(&axme, &server, &admin, &file);
    axme.run_with(&["tasks", "reject", &parent], &env)
        .assert_code(0);
    let watched = axme.run_with(&["intents", "watch", &parent, "--exit-status"], &env);
    watched.assert_code(3);
}

#[test]
fn validate_reports_json_paths() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let good = write_bundle(dir.path(), "good.json", &approval_bundle());
    axme.run_with(&["scenarios", "validate", &good], &env)
        .assert_code(0);
    let bad = write_bundle(dir.path(), "bad.json", &json!({"agents": [{"role": "x"}]}));
    let run = axme.run_with(&["scenarios", "validate", &bad], &env);
    run.assert_code(1);
    assert!(run.stdout.contains("$.intent"), "{}", run.stdout);
    assert!(run.stdout.contains("$.agents[0].address"), "{}", run.stdout);
    let run = axme.run_with(&["scenarios", "apply", "/no/such.json"], &env);
    run.assert_code(2);
}

#[test]
fn examples_run_durable_api_on_a_machine_with_no_server() {
    let axme = Axme::new();
    // Point at a port nobody listens on, so a developer's own gateway is never used.
    let run = axme.run_with(
        &["examples", "run", "durable-api"],
        &[
            ("AXME_BASE_URL", "http://127.0.0.1:9"),
            ("AXME_API_KEY", "unused"),
        ],
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains("COMPLETED"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("report_url"), "{}", run.stdout);
    assert!(run.stderr.contains("throwaway"), "{}", run.stderr);
}

/// The human-approval example of docs/scenarios.md runs as the doc says.
#[test]
fn the_documented_human_approval_example_runs() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"),
    )
    .unwrap();
    let bundle = doc
        .split("```json")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a json block in docs/scenarios.md");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expense-approval.json");
    std::fs::write(&file, bundle).unwrap();
    let file = file.to_str().unwrap();
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    axme.run_with(&["scenarios", "validate", file], &env)
        .assert_code(0);
    let applied = axme.run_with(&["scenarios", "apply", file, "-o", "json"], &env);
    applied.assert_code(0);
    let parent = applied.json()["intent_id"].as_str().unwrap().to_string();
    let agents: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(axme.file("scenario-agents.json")).unwrap())
            .unwrap();
    let key = agents["agents"][0]["api_key"].as_str().unwrap().to_string();
    axme.run_with(
        &[
            "agents",
            "listen",
            "expense-checker",
            "--exec",
            "cat >/dev/null; echo '{\"ok\":true}'",
            "--once",
        ],
        &[
            ("AXME_BASE_URL", server.url.as_str()),
            ("AXME_API_KEY", key.as_str()),
        ],
    )
    .assert_code(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let tasks = axme.run_with(&["tasks", "list", "-o", "json"], &env).json();
        if tasks
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["intent_id"] == parent.as_str()))
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no task: {tasks}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    axme.run_with(&["tasks", "approve", &parent, "--comment", "fine"], &env)
        .assert_code(0);
    let done = axme
        .run_with(&["intents", "get", &parent, "-o", "json"], &env)
        .json();
    assert_eq!(done["status"], "COMPLETED", "{done}");
}
