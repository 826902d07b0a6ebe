//! `axme mesh …` and the listener's heartbeats (issue 15): the fleet table on an 80-column
//! terminal with health colours, the same as JSON, kill/resume/events, `agents list` health.

use std::time::{Duration, Instant};

use crate::cli_terminal::{on_terminal, strip};
use crate::common::*;

#[test]
fn mesh_list_fits_80_columns_with_colour_and_json_has_the_summary() {
    let server = TestServer::start();
    let admin = server.admin();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let agent = rt.block_on(server.provision_agent(&admin, "billing-reconciliation-worker"));
    rt.block_on(server.provision_agent(&admin, "silent"));
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    // `agents listen` sends heartbeats: the agent turns healthy without any intent.
    let agent_env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", agent.key.as_str()),
    ];
    let mut listener = axme
        .command(&[
            "agents",
            "listen",
            "billing-reconciliation-worker",
            "--heartbeat-interval",
            "200ms",
        ])
        .envs(agent_env)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the listener");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let run = axme.run_with(&["mesh", "show", &agent.address, "-o", "json"], &env);
        run.assert_code(0);
        if run.json()["agent"]["last_heartbeat_at"].is_string() {
            assert_eq!(
                run.json()["agent"]["health_status"],
                "healthy",
                "{}",
                run.stdout
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no heartbeat from the listener: {}",
            run.stdout
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = listener.kill();
    let _ = listener.wait();

    let json = axme.run_with(&["mesh", "list", "-o", "json"], &env);
    json.assert_code(0);
    let body = json.json();
    assert_eq!(body["ok"], true);
    assert!(
        body["summary"]["total"].as_u64() >= Some(3),
        "{}",
        json.stdout
    );
    assert!(
        body["summary"]["healthy"].as_u64() >= Some(1),
        "{}",
        json.stdout
    );
    let silent = body["agents"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|x| x["address"] == "agent://local/default/silent")
        })
        .expect("silent is listed");
    assert_eq!(silent["health_status"], "unknown");

    let (code, drawn) = on_terminal(&axme, &env, 80, &["mesh", "list", "--color", "always"]);
    assert_eq!(code, 0, "{drawn}");
    assert!(
        drawn.contains("\x1b[32mhealthy"),
        "healthy in green: {drawn:?}"
    );
    let plain = strip(&drawn);
    for line in plain.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}\n{plain}");
    }
    assert!(
        plain.contains("AGENT") && plain.contains("HEALTH"),
        "{plain}"
    );
    assert!(plain.contains("billing-reconciliation-worker"), "{plain}");
    assert!(plain.contains("unknown"), "{plain}");

    let agents = axme.run_with(&["agents", "list", "-o", "wide"], &env);
    agents.assert_code(0);
    assert!(agents.stdout.contains("healthy"), "{}", agents.stdout);

    let killed = axme.run_with(
        &["mesh", "kill", "silent", "--reason", "runaway costs"],
        &env,
    );
    killed.assert_code(0);
    assert!(
        killed
            .stdout
            .contains("killed agent://local/default/silent"),
        "{}",
        killed.stdout
    );
    let refused = axme.run_with(&["intents", "send", "--to", "silent"], &env);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    assert!(refused.stderr.contains("killed"), "{}", refused.stderr);
    let events = axme.run_with(&["mesh", "events", "-o", "json"], &env);
    events.assert_code(0);
    assert_eq!(events.json()["events"][0]["event_type"], "agent.killed");
    assert_eq!(
        events.json()["events"][0]["details"]["reason"],
        "runaway costs"
    );
    axme.run_with(&["mesh", "resume", "silent"], &env)
        .assert_code(0);
    axme.run_with(&["intents", "send", "--to", "silent"], &env)
        .assert_code(0);
}
