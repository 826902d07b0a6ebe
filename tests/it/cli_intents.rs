//! The CLI against a real gateway: `intents send --wait` exit codes, `agents listen --exec`,
//! `intents watch -o jsonl` across a server restart, `agents list`, and bad input.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::*;
use serde_json::Value;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// A CLI installation pointed at `server` with `key`.
fn cli_env<'a>(server: &'a TestServer, key: &'a str) -> [(&'static str, &'a str); 2] {
    [("AXME_BASE_URL", &server.url), ("AXME_API_KEY", key)]
}

/// `axme agents listen ADDRESS --exec CMD --once` in the background, as the agent.
fn listener(axme: &Axme, server: &TestServer, agent: &Agent, cmd: &str) -> Child {
    axme.command(&["agents", "listen", &agent.address, "--exec", cmd, "--once"])
        .env("AXME_BASE_URL", &server.url)
        .env("AXME_API_KEY", &agent.key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn listener")
}

fn wait_child(child: Child) -> Run {
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn send_wait_completed_through_an_exec_listener() {
    let server = TestServer::start();
    let admin = server.admin();
    let agent = runtime().block_on(server.provision_agent(&admin, "reporter"));
    let axme = Axme::new();
    // The handler reads the intent from stdin and answers with JSON built from it.
    let handler = r#"read line; case "$line" in *'"n":41'*) echo '{"report":"ok","n":42}';; *) exit 9;; esac"#;
    let listen = listener(&axme, &server, &agent, handler);
    let run = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            &agent.address,
            "--type",
            "report.generate.v1",
            "--payload",
            r#"{"n":41}"#,
            "--wait",
        ],
        &cli_env(&server, &admin),
    );
    run.assert_code(0);
    assert!(run.stdout.contains("COMPLETED"), "{}", run.stdout);
    assert!(run.stdout.contains(r#""report":"ok""#), "{}", run.stdout);
    assert!(run.stderr.contains("idempotency key"), "{}", run.stderr);
    let l = wait_child(listen);
    l.assert_code(0);
    assert!(l.stdout.contains("COMPLETED"), "{}", l.stdout);
}

#[test]
fn send_wait_exit_codes_for_failed_and_canceled() {
    let server = TestServer::start();
    let admin = server.admin();
    let agent = runtime().block_on(server.provision_agent(&admin, "flaky"));
    let axme = Axme::new();
    let env = cli_env(&server, &admin);

    let listen = listener(
        &axme,
        &server,
        &agent,
        "cat >/dev/null; echo 'disk on fire' >&2; exit 7",
    );
    let run = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            &agent.address,
            "--wait",
            "-o",
            "json",
        ],
        &env,
    );
    run.assert_code(3);
    // -o json with --wait: one document, the final intent.
    let fin = run.json();
    assert_eq!(fin["status"], "FAILED", "{}", run.stdout);
    assert!(run.stdout.contains("disk on fire"), "{}", run.stdout);
    wait_child(listen).assert_code(0);

    // CANCELED: a waiting `send` in the background, canceled from another command.
    let mut waiting = axme
        .command(&[
            "intents",
            "send",
            "--to",
            "agent://local/default/nobody",
            "--wait",
        ])
        .env("AXME_BASE_URL", &server.url)
        .env("AXME_API_KEY", &admin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn send");
    let mut first = String::new();
    BufReader::new(waiting.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .expect("read intent id");
    let id = first.trim().to_string();
    assert_eq!(id.len(), 36, "intent id line: {first:?}");
    let cancel = axme.run_with(
        &["intents", "cancel", &id, "--reason", "changed my mind"],
        &env,
    );
    cancel.assert_code(0);
    assert!(cancel.stdout.contains("CANCELED"), "{}", cancel.stdout);
    let waited = wait_child(waiting);
    waited.assert_code(5);

    // watch --exit-status of a finished intent maps the outcome too.
    axme.run_with(&["intents", "watch", &id, "--exit-status"], &env)
        .assert_code(5);
    // A canceled intent can be retried: a new intent with the same target and payload.
    let retry = axme.run_with(&["intents", "retry", &id], &env);
    retry.assert_code(0);
    assert_ne!(retry.stdout.trim(), id);
}

#[test]
fn send_wait_exit_code_for_timed_out() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let run = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            "agent://local/default/nobody",
            "--deadline",
            "1s",
            "--wait",
        ],
        &cli_env(&server, &admin),
    );
    run.assert_code(4);
}

#[test]
fn resume_completes_and_get_events_list_show_it() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = cli_env(&server, &admin);
    let sent = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            "agent://local/default/admin",
            "--payload",
            "-",
            "--idempotency-key",
            "k-123",
        ],
        &env,
    );
    // stdin is /dev/null in the harness: an empty payload is not JSON.
    sent.assert_code(2);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(&file, r#"{"city":"Oslo"}"#).unwrap();
    let payload = format!("@{}", file.display());
    let args = [
        "intents",
        "send",
        "--to",
        "admin",
        "--payload",
        &payload,
        "--idempotency-key",
        "k-123",
    ];
    let sent = axme.run_with(&args, &env);
    sent.assert_code(0);
    let id = sent.stdout.trim().to_string();
    // The same command again is the same intent (the key makes the retry safe).
    let again = axme.run_with(&args, &env);
    again.assert_code(0);
    assert_eq!(again.stdout.trim(), id);
    // The same key with another payload is refused, with what to do about it.
    let clash = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            "admin",
            "--payload",
            "{}",
            "--idempotency-key",
            "k-123",
        ],
        &env,
    );
    clash.assert_code(1);
    assert!(
        clash.stderr.contains("new --idempotency-key"),
        "{}",
        clash.stderr
    );

    let done = axme.run_with(
        &["intents", "resume", &id, "--data", r#"{"forecast":"rain"}"#],
        &env,
    );
    done.assert_code(0);
    assert!(done.stdout.contains("COMPLETED"), "{}", done.stdout);

    let get = axme.run_with(&["intents", "get", &id, "--json"], &env);
    get.assert_code(0);
    let intent = get.json();
    assert_eq!(intent["status"], "COMPLETED");
    assert_eq!(intent["payload"]["city"], "Oslo");
    assert_eq!(intent["result"]["forecast"], "rain");

    let events = axme.run_with(&["intents", "events", &id, "-o", "jsonl"], &env);
    events.assert_code(0);
    let seqs: Vec<u64> = events
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());

    let list = axme.run_with(&["intents", "list", "--status", "completed"], &env);
    list.assert_code(0);
    assert!(list.stdout.starts_with("ID"), "{}", list.stdout);
    assert!(list.stdout.contains(&id), "{}", list.stdout);
    // Resuming a finished intent: the server's one-line reason, exit 1.
    let late = axme.run_with(&["intents", "resume", &id], &env);
    late.assert_code(1);
    assert_eq!(late.stderr.lines().count(), 1, "{}", late.stderr);
    assert!(late.stderr.contains("already COMPLETED"), "{}", late.stderr);
}

#[test]
fn agents_list_and_show() {
    let server = TestServer::start();
    let admin = server.admin();
    let agent = runtime().block_on(server.provision_agent(&admin, "billing-bot"));
    let axme = Axme::new();
    let env = cli_env(&server, &admin);
    let list = axme.run_with(&["agents", "list"], &env);
    list.assert_code(0);
    let header = list.stdout.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("ADDRESS") && header.contains("LISTENERS"),
        "{}",
        list.stdout
    );
    // Text shows addresses of this workspace as bare names; -o wide shows them whole.
    let names: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"admin") && names.contains(&"billing-bot"),
        "{}",
        list.stdout
    );
    let wide = axme.run_with(&["agents", "list", "-o", "wide"], &env);
    assert!(
        wide.stdout.contains("agent://local/default/admin"),
        "{}",
        wide.stdout
    );
    assert!(wide.stdout.contains(&agent.address), "{}", wide.stdout);
    let json = axme.run_with(&["agents", "list", "--json"], &env).json();
    assert!(json.as_array().unwrap().len() >= 2);
    let show = axme.run_with(&["agents", "show", "billing-bot", "--json"], &env);
    show.assert_code(0);
    assert_eq!(show.json()["address"], agent.address.as_str());
    let missing = axme.run_with(&["agents", "show", "nobody"], &env);
    missing.assert_code(1);
    assert!(
        missing.stderr.starts_with("error: not found"),
        "{}",
        missing.stderr
    );
}

#[test]
fn watch_jsonl_resumes_across_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("axme.db");
    let port = free_port();
    let axme = Axme::new();
    let (mut first, banner) = spawn_server_at(port, &db, &axme.config_dir());
    let admin = admin_key_of(&banner).expect("admin key on first start");
    let url = format!("http://127.0.0.1:{port}");
    let env = [
        ("AXME_BASE_URL", url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let sent = axme.run_with(&["intents", "send", "--to", "admin"], &env);
    sent.assert_code(0);
    let id = sent.stdout.trim().to_string();

    let mut watch = axme
        .command(&["intents", "watch", &id, "-o", "jsonl", "--exit-status"])
        .env("AXME_BASE_URL", &url)
        .env("AXME_API_KEY", &admin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn watch");
    let mut reader = BufReader::new(watch.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        reader.read_line(&mut line).expect("event line");
        lines.push(line);
    }
    // Restart the gateway under the watcher, then finish the intent on the new process.
    stop(&mut first);
    std::thread::sleep(Duration::from_millis(300));
    let (mut second, banner) = spawn_server_at(port, &db, &axme.config_dir());
    assert!(admin_key_of(&banner).is_none());
    axme.run_with(&["intents", "resume", &id, "--data", r#"{"x":1}"#], &env)
        .assert_code(0);

    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    lines.extend(rest.lines().map(|l| format!("{l}\n")));
    let status = watch.wait().expect("watch ends");
    assert_eq!(status.code(), Some(0), "lines: {lines:?}");
    let events: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "{lines:?}"
    );
    assert_eq!(events.last().unwrap()["status"], "COMPLETED");
    stop(&mut second);
}

#[test]
fn a_fresh_server_writes_a_local_context_so_no_login_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("axme.db");
    let axme = Axme::new();
    let (mut server, _) = spawn_server_at(free_port(), &db, &axme.config_dir());
    let sent = axme.run(&["intents", "send", "--to", "admin"]);
    sent.assert_code(0);
    let ctx = axme.run(&["context", "show", "--json"]);
    assert!(ctx.stdout.contains("\"local\""), "{}", ctx.stdout);
    // The key is in the secret store, never in config.json.
    let config = std::fs::read_to_string(axme.file("config.json")).unwrap();
    assert!(!config.contains("axme_sa_"), "{config}");
    stop(&mut server);
}

#[test]
fn bad_input_is_one_line_with_the_documented_exit_code() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let one_error_line = |r: &Run| {
        let errors = r.stderr.lines().filter(|l| l.starts_with("error:")).count();
        assert_eq!(errors, 1, "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    };

    let r = axme.run_with(
        &["intents", "get", "x"],
        &[
            ("AXME_BASE_URL", "http://127.0.0.1:9"),
            ("AXME_API_KEY", "k"),
        ],
    );
    r.assert_code(1);
    one_error_line(&r);
    assert!(
        r.stderr
            .contains("cannot reach the gateway at http://127.0.0.1:9"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("axme server"), "{}", r.stderr);

    let r = axme.run_with(&["intents", "list"], &cli_env(&server, "axme_sa_nope_0000"));
    r.assert_code(2);
    one_error_line(&r);
    assert!(r.stderr.contains("axme login"), "{}", r.stderr);

    let env = cli_env(&server, &admin);
    let r = axme.run_with(
        &["intents", "send", "--to", "admin", "--payload", "{oops"],
        &env,
    );
    r.assert_code(2);
    one_error_line(&r);
    assert!(r.stderr.contains("not valid JSON"), "{}", r.stderr);

    let r = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            "admin",
            "--payload",
            "@/no/such/file.json",
        ],
        &env,
    );
    r.assert_code(2);
    one_error_line(&r);
    assert!(r.stderr.contains("/no/such/file.json"), "{}", r.stderr);

    let r = axme.run_with(
        &["intents", "get", "00000000-0000-4000-8000-000000000000"],
        &env,
    );
    r.assert_code(1);
    one_error_line(&r);

    // No key anywhere: a usage error before any request.
    let r = axme.run_with(
        &["intents", "list"],
        &[("AXME_BASE_URL", server.url.as_str())],
    );
    r.assert_code(2);
    one_error_line(&r);
}

#[test]
fn status_and_doctor() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = cli_env(&server, &admin);
    let r = axme.run_with(&["status"], &env);
    r.assert_code(0);
    assert!(r.stdout.contains("latency"), "{}", r.stdout);
    let r = axme.run_with(&["doctor", "--json"], &env);
    r.assert_code(0);
    let checks = r.json();
    for name in ["config", "secrets", "connectivity", "auth"] {
        let c = checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == name)
            .unwrap();
        assert_eq!(c["ok"], true, "{c}");
    }
    let r = axme.run_with(&["doctor"], &cli_env(&server, "axme_sa_bad_0"));
    r.assert_code(1);
    assert!(r.stdout.contains("FAIL"), "{}", r.stdout);
}
