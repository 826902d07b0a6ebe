//! `axme agents listen --exec` as a long-lived agent: it survives intents that end under their
//! handler (canceled, timed out: the handler's process group is stopped), a gateway that is
//! down for 90 s, and runs every delivered intent exactly once.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

/// A background `axme agents listen`, its output collected as it comes.
struct Listener {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

impl Listener {
    fn start(axme: &Axme, env: &[(&str, &str)], args: &[&str]) -> Listener {
        let mut cmd = axme.command(&[&["agents", "listen"], args].concat());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn listener");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Listener {
            child,
            stdout,
            stderr,
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    #[track_caller]
    fn assert_alive(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "the listener exited\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout(),
            self.stderr()
        );
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `what` until it holds, or panics after `limit` with `context()`.
#[track_caller]
fn wait_until(
    limit: Duration,
    what: &str,
    mut ok: impl FnMut() -> bool,
    context: impl Fn() -> String,
) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < limit,
            "timed out waiting for {what}\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn alive(pid: &str) -> bool {
    std::process::Command::new("kill")
        .args(["-0", pid.trim()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A handler that logs each run to `runs`; payload `{"slow":true}` makes it start a
/// background sleep (its pid in `pids`) and wait for it, like a real long job.
fn handler(dir: &Path) -> (String, PathBuf, PathBuf) {
    let runs = dir.join("runs");
    let pids = dir.join("pids");
    let script = format!(
        r#"read line; echo "$AXME_INTENT_ID" >> {runs}
case "$line" in
  *'"slow":true'*) sleep 60 & echo $! >> {pids}; wait ;;
  *'"pause":'*) sleep 3 ;;
esac
echo '{{"done":true}}'"#,
        runs = runs.display(),
        pids = pids.display()
    );
    (script, runs, pids)
}

fn send(axme: &Axme, env: &[(&str, &str)], payload: &str, extra: &[&str]) -> String {
    let run = axme.run_with(
        &[
            &["intents", "send", "--to", "worker", "--payload", payload],
            extra,
        ]
        .concat(),
        env,
    );
    run.assert_code(0);
    run.stdout.trim().to_string()
}

fn status(axme: &Axme, env: &[(&str, &str)], id: &str) -> String {
    let run = axme.run_with(&["intents", "get", id, "--json"], env);
    run.json()["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_canceled_or_timed_out_intent_stops_its_handler_not_the_listener() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let (script, runs, pids) = handler(dir.path());
    let mut listener = Listener::start(
        &axme,
        &env,
        &["worker", "--exec", &script, "--kill-after", "2s"],
    );
    let context = |l: &Listener| format!("stdout:\n{}\nstderr:\n{}", l.stdout(), l.stderr());

    // Canceled while its handler runs: the handler's whole process group is stopped.
    let canceled = send(&axme, &env, r#"{"slow":true}"#, &[]);
    wait_until(
        Duration::from_secs(30),
        "the slow handler",
        || lines(&pids).len() == 1,
        || context(&listener),
    );
    let sleeper = lines(&pids)[0].clone();
    assert!(alive(&sleeper));
    axme.run_with(&["intents", "cancel", &canceled], &env)
        .assert_code(0);
    wait_until(
        Duration::from_secs(30),
        "the handler's group to be stopped",
        || !alive(&sleeper),
        || context(&listener),
    );
    wait_until(
        Duration::from_secs(10),
        "the stop to be logged",
        || listener.stderr().contains("ended CANCELED"),
        || context(&listener),
    );
    listener.assert_alive();

    // Past its deadline while the handler runs: TIMED_OUT, stopped the same way.
    let timed_out = send(&axme, &env, r#"{"slow":true}"#, &["--deadline", "1s"]);
    wait_until(
        Duration::from_secs(30),
        "the second slow handler",
        || lines(&pids).len() == 2,
        || context(&listener),
    );
    let sleeper = lines(&pids)[1].clone();
    wait_until(
        Duration::from_secs(30),
        "the timed-out handler to be stopped",
        || !alive(&sleeper),
        || context(&listener),
    );
    assert_eq!(status(&axme, &env, &timed_out), "TIMED_OUT");
    listener.assert_alive();

    // And it still serves: the next intent completes.
    let run = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            "worker",
            "--payload",
            "{}",
            "--wait",
        ],
        &env,
    );
    run.assert_code(0);
    let done = run.stdout.lines().next().unwrap_or_default().to_string();
    assert_eq!(status(&axme, &env, &canceled), "CANCELED");
    assert_eq!(
        lines(&runs),
        [canceled, timed_out, done],
        "each intent ran once"
    );
    listener.assert_alive();
    let out = listener.stdout();
    assert!(out.contains("COMPLETED"), "{out}");
    // Each line of the log carries a timestamp.
    assert!(
        listener
            .stderr()
            .lines()
            .all(|l| l.len() > 20 && l.as_bytes()[4] == b'-' && l.as_bytes()[13] == b':'),
        "{}",
        listener.stderr()
    );
}

#[test]
fn concurrency_runs_handlers_side_by_side() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let script = format!(
        "cat >/dev/null; echo start >> {0}; sleep 2; echo end >> {0}",
        log.display()
    );
    let listener = Listener::start(
        &axme,
        &env,
        &["worker", "--exec", &script, "--concurrency", "3"],
    );
    let ids: Vec<String> = (0..3).map(|_| send(&axme, &env, "{}", &[])).collect();
    wait_until(
        Duration::from_secs(60),
        "three completions",
        || ids.iter().all(|id| status(&axme, &env, id) == "COMPLETED"),
        || listener.stderr(),
    );
    let log = lines(&log);
    assert_eq!(&log[..3], ["start", "start", "start"], "{log:?}");
}

/// The 90 s outage of the issue: run once, beside the fast tests.
#[test]
fn a_listener_waits_out_a_90_second_gateway_outage_and_runs_each_intent_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("axme.db");
    let port = free_port();
    let axme = Axme::new();
    let (mut gateway, banner) = spawn_server_at(port, &db, &axme.config_dir());
    let admin = admin_key_of(&banner).expect("admin key on first start");
    let url = format!("http://127.0.0.1:{port}");
    let env = [
        ("AXME_BASE_URL", url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let (script, runs, _) = handler(dir.path());
    let mut listener = Listener::start(&axme, &env, &["worker", "--exec", &script]);
    let context = |l: &Listener| format!("stdout:\n{}\nstderr:\n{}", l.stdout(), l.stderr());

    // In flight when the gateway dies: its result is recorded after the restart.
    let in_flight = send(&axme, &env, r#"{"pause":3}"#, &[]);
    wait_until(
        Duration::from_secs(30),
        "the handler to start",
        || lines(&runs).len() == 1,
        || context(&listener),
    );
    let _ = gateway.kill();
    let _ = gateway.wait();
    let outage = Instant::now();
    wait_until(
        Duration::from_secs(30),
        "an outage notice",
        || listener.stderr().contains("unreachable"),
        || context(&listener),
    );
    while outage.elapsed() < Duration::from_secs(90) {
        listener.assert_alive();
        std::thread::sleep(Duration::from_secs(1));
    }
    let (mut gateway, _) = spawn_server_at(port, &db, &axme.config_dir());
    // Sent while the listener is still backing off: served once it is back.
    let after: Vec<String> = (0..2).map(|_| send(&axme, &env, "{}", &[])).collect();
    let all: Vec<&String> = std::iter::once(&in_flight).chain(&after).collect();
    wait_until(
        Duration::from_secs(60),
        "every intent to complete",
        || all.iter().all(|id| status(&axme, &env, id) == "COMPLETED"),
        || context(&listener),
    );
    listener.assert_alive();
    let mut ran = lines(&runs);
    ran.sort();
    let mut want: Vec<String> = all.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(ran, want, "each intent ran exactly once");
    assert!(
        listener.stderr().contains("reachable again"),
        "{}",
        context(&listener)
    );
    stop(&mut gateway);
}
