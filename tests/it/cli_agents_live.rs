//! Live listeners on the agents routes (count, since, last seen, mode, pending work), shown by
//! `agents list|show`; `intents send` warns at once when nobody will receive the intent; a
//! listener's handler marks its intent IN_PROGRESS while it runs.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[track_caller]
fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn listeners_and_pending_work_are_visible_and_sends_warn_when_nobody_listens() {
    let server = TestServer::start();
    let admin = server.admin();
    let _billing = runtime().block_on(server.provision_agent(&admin, "billing-bot"));
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];

    // An agent account nobody listens on: the send says so at once; the work is pending.
    let send = axme.run_with(&["intents", "send", "--to", "billing-bot"], &env);
    send.assert_code(0);
    assert!(
        send.stderr.contains("nobody is listening on billing-bot"),
        "{}",
        send.stderr
    );
    let show = axme
        .run_with(&["agents", "show", "billing-bot", "-o", "json"], &env)
        .json();
    assert_eq!(show["pending"], 1, "{show}");
    assert_eq!(show["listeners"].as_array().unwrap().len(), 0, "{show}");
    // No agent at all.
    let ghost = axme.run_with(&["intents", "send", "--to", "ghost-agent"], &env);
    assert!(
        ghost.stderr.contains("no agent ghost-agent"),
        "{}",
        ghost.stderr
    );

    // A listener on a name without an account (the README's `agents listen echo`).
    let listener = Killed(
        axme.command(&[
            "agents",
            "listen",
            "echo",
            "--exec",
            "cat >/dev/null; sleep 2; echo '{}'",
        ])
        .env("AXME_BASE_URL", &server.url)
        .env("AXME_API_KEY", &admin)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn listener"),
    );
    eventually("the listener to show", || {
        let r = axme.run_with(&["agents", "show", "echo", "-o", "json"], &env);
        r.code == 0
            && r.json()["listeners"]
                .as_array()
                .is_some_and(|l| l.len() == 1)
    });
    let show = axme
        .run_with(&["agents", "show", "echo", "-o", "json"], &env)
        .json();
    assert_eq!(show["registered"], false, "{show}");
    assert_eq!(show["listeners"][0]["mode"], "stream", "{show}");
    assert!(show["listeners"][0]["since"].is_string(), "{show}");
    let text = axme.run_with(&["agents", "show", "echo"], &env);
    assert!(
        text.stdout.contains("listeners stream since"),
        "{}",
        text.stdout
    );
    let list = axme.run_with(&["agents", "list"], &env);
    let echo_row = list
        .stdout
        .lines()
        .find(|l| l.starts_with("echo "))
        .unwrap_or_else(|| panic!("{}", list.stdout));
    // HEALTH (it listens now), then LISTENERS.
    let cells: Vec<&str> = echo_row.split_whitespace().collect();
    assert_eq!(
        cells.get(1..3),
        Some(&["healthy", "1"][..]),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.lines().next().unwrap().contains("LISTENERS"),
        "{}",
        list.stdout
    );

    // Sending to it: no warning; the handler's intent is IN_PROGRESS while it runs.
    let sent = axme.run_with(&["intents", "send", "--to", "echo"], &env);
    sent.assert_code(0);
    assert!(!sent.stderr.contains("warning"), "{}", sent.stderr);
    let id = sent.stdout.trim().to_string();
    eventually("IN_PROGRESS while the handler runs", || {
        axme.run_with(&["intents", "get", &id, "-o", "json"], &env)
            .json()["status"]
            == "IN_PROGRESS"
    });
    eventually("COMPLETED after it", || {
        axme.run_with(&["intents", "get", &id, "-o", "json"], &env)
            .json()["status"]
            == "COMPLETED"
    });
    let events = axme.run_with(&["intents", "events", &id, "-o", "jsonl"], &env);
    assert!(
        events.stdout.contains("intent.in_progress"),
        "{}",
        events.stdout
    );
    drop(listener);
}
