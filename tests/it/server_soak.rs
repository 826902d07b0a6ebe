//! Crash soak (issue 10): the real gateway is SIGKILLed again and again while `axme bench`
//! loads it and our own submitters send intents (their acknowledgements recorded) to an
//! `axme agents listen --exec` agent. Afterwards: every acknowledged intent is there, each
//! intent's events run 1..n with at most one terminal event, every intent for the agent
//! completed within a bound after the last restart, the listener lived through every restart,
//! and it ran each intent's handler exactly once. Bounded to about a minute and a half.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axme::protocol::IntentEvent;
use serde_json::{Value, json};

use crate::common::{Axme, admin_key_of, free_port, spawn_server_with};

const KILLS: usize = 6;
/// Load between two kills (and after the last restart).
const LOAD_BETWEEN_KILLS: Duration = Duration::from_secs(5);
/// Our submitters' pace: each sends its next intent this long after an answer. The
/// handlers (one `sh` each) must keep up on a busy 2-core machine.
const SUBMIT_PAUSE: Duration = Duration::from_millis(150);
const SUBMITTERS: usize = 3;
/// How long after the last restart every intent may take to complete: a delivery lost in a
/// kill comes back after `--redeliver-after`, a listener backs off at most 10 s.
const SETTLE: Duration = Duration::from_secs(60);
const AGENT: &str = "soak-worker";
const ADDRESS: &str = "agent://local/default/soak-worker";

/// The gateway's arguments besides `--listen` and `--db`: bench's load needs no rate limits;
/// a delivery lost in a kill is handed out again after 3 s instead of 5 min.
const GATEWAY_ARGS: &[&str] = &["--no-rate-limits", "--redeliver-after", "3s"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_gateway_under_load_loses_nothing_and_each_handler_runs_once() {
    let dir = crate::common::temp_dir();
    let db = dir.path().join("axme.db");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let axme = Axme::new();
    let (mut gateway, banner) = start_gateway(port, &db, &axme).await;
    let admin = admin_key_of(&banner).expect("admin key on first start");
    let env = [
        ("AXME_BASE_URL", url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];

    let runs = dir.path().join("runs");
    let script = format!(
        r#"read line; echo "$AXME_INTENT_ID" >> {runs}
case "$line" in *'"slow":true'*) sleep 1 ;; esac
echo '{{"done":true}}'"#,
        runs = runs.display()
    );
    let mut listener = Background::spawn(
        axme.command(&[
            "agents",
            "listen",
            AGENT,
            "--exec",
            &script,
            "--concurrency",
            "4",
        ])
        .envs(env),
    );

    let total = LOAD_BETWEEN_KILLS * u32::try_from(KILLS + 1).unwrap_or(u32::MAX);
    let mut bench = Background::spawn(&mut axme.command(&[
        "bench",
        "--base-url",
        &url,
        "--api-key",
        &admin,
        "--scenario",
        "submit",
        "--concurrency",
        "2",
        "--duration",
        &format!("{}s", total.as_secs()),
        "-o",
        "json",
    ]));

    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|w| {
            tokio::spawn(submit(
                url.clone(),
                admin.clone(),
                w,
                stop.clone(),
                acked.clone(),
            ))
        })
        .collect();

    for kill in 0..KILLS {
        tokio::time::sleep(LOAD_BETWEEN_KILLS).await;
        let _ = gateway.kill();
        let _ = gateway.wait();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            listener.alive(),
            "the listener exited after kill {kill}\n{}",
            listener.output()
        );
        gateway = start_gateway(port, &db, &axme).await.0;
    }
    let last_restart = Instant::now();
    tokio::time::sleep(LOAD_BETWEEN_KILLS).await;
    stop.store(true, Ordering::Relaxed);
    for s in submitters {
        s.await.expect("submitter task");
    }
    let bench_out = bench.finish(Duration::from_secs(60));
    let acked = acked.lock().expect("not poisoned").clone();
    let bench_report: Value = serde_json::from_str(bench.stdout().trim())
        .unwrap_or_else(|e| panic!("bench printed no JSON report ({e}):\n{bench_out}"));
    eprintln!(
        "soak: {KILLS} kills; {} intents acknowledged to {AGENT}; bench: {} acknowledged, {} errors",
        acked.len(),
        bench_report["intents_acknowledged"],
        bench_report["errors"],
    );
    assert!(
        acked.len() >= 50,
        "too little load: {} intents",
        acked.len()
    );
    assert!(
        bench_report["intents_acknowledged"].as_u64() > Some(0),
        "bench got no acknowledgement: {bench_report}"
    );

    let http = client();
    let get = |path: String| {
        let (http, admin, url) = (http.clone(), admin.clone(), url.clone());
        async move {
            let r = http
                .get(format!("{url}{path}"))
                .header("x-api-key", admin)
                .send()
                .await
                .expect("the restarted gateway answers");
            assert_eq!(r.status().as_u16(), 200, "GET {path}");
            r.json::<Value>().await.expect("JSON answer")
        }
    };

    // Every intent addressed to the agent — acknowledged or not — must complete.
    let all: BTreeSet<String> = acked.iter().cloned().collect();
    assert_eq!(all.len(), acked.len(), "an id was acknowledged twice");
    let mut open: BTreeSet<String> = all.clone();
    let listed = listed_for_agent(&get).await;
    open.extend(listed.iter().cloned());
    let mut status: BTreeMap<String, String> = BTreeMap::new();
    while !open.is_empty() {
        for id in open.clone() {
            let intent = get(format!("/v1/intents/{id}")).await;
            let s = intent["intent"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if s == "COMPLETED" || s == "FAILED" || s == "CANCELED" || s == "TIMED_OUT" {
                open.remove(&id);
            }
            status.insert(id, s);
        }
        assert!(
            open.is_empty() || last_restart.elapsed() < SETTLE,
            "{} intents not finished {SETTLE:?} after the last restart, e.g. {:?}\n{}",
            open.len(),
            open.iter()
                .take(5)
                .map(|id| (id, &status[id]))
                .collect::<Vec<_>>(),
            listener.output()
        );
        if !open.is_empty() {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    eprintln!(
        "soak: {} intents for {AGENT} finished {:?} after the last restart",
        status.len(),
        last_restart.elapsed()
    );
    let not_completed: Vec<_> = status.iter().filter(|(_, s)| *s != "COMPLETED").collect();
    assert!(not_completed.is_empty(), "not COMPLETED: {not_completed:?}");

    for id in status.keys() {
        let body = get(format!("/v1/intents/{id}/events")).await;
        let events: Vec<IntentEvent> =
            serde_json::from_value(body["events"].clone()).expect("typed events");
        let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
        let want: Vec<u64> = (1..=u64::try_from(seqs.len()).unwrap_or(0)).collect();
        assert_eq!(seqs, want, "intent {id}: seq not contiguous");
        let terminal = events.iter().filter(|e| e.is_terminal()).count();
        assert_eq!(terminal, 1, "intent {id}: {terminal} terminal events");
    }

    // The handler ran once per intent: no id twice, none missing, none unknown.
    let ran: Vec<String> = std::fs::read_to_string(&runs)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let ran_set: BTreeSet<String> = ran.iter().cloned().collect();
    assert_eq!(
        ran.len(),
        ran_set.len(),
        "a handler ran twice for one intent"
    );
    let ids: BTreeSet<String> = status.keys().cloned().collect();
    assert_eq!(ran_set, ids, "handler runs differ from the intents sent");
    assert!(
        listener.alive(),
        "the listener exited\n{}",
        listener.output()
    );
    let _ = gateway.kill();
    let _ = gateway.wait();
}

async fn start_gateway(port: u16, db: &Path, axme: &Axme) -> (Child, String) {
    let (db, config) = (db.to_path_buf(), axme.config_dir());
    tokio::task::spawn_blocking(move || spawn_server_with(port, &db, &config, GATEWAY_ARGS))
        .await
        .expect("start the gateway")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("build reqwest client")
}

/// Sends intents to the agent until `stop`, recording each acknowledged id. A refused or
/// unanswered request (the gateway being killed) is not an acknowledgement.
async fn submit(
    url: String,
    key: String,
    worker: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
) {
    let http = client();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let body = json!({
            "intent_type": "soak.v1",
            "to_agent": ADDRESS,
            "payload": {"worker": worker, "n": n, "slow": n.is_multiple_of(10)},
        });
        let answer = http
            .post(format!("{url}/v1/intents"))
            .header("x-api-key", &key)
            .json(&body)
            .send()
            .await;
        let id = match answer {
            Ok(r) if r.status().as_u16() == 200 => r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["intent_id"].as_str().map(str::to_string)),
            _ => None,
        };
        if let Some(id) = id {
            acked.lock().expect("not poisoned").push(id);
        }
        tokio::time::sleep(SUBMIT_PAUSE).await;
    }
}

/// Ids of every intent addressed to the agent, including those created by a request whose
/// answer was lost in a kill.
async fn listed_for_agent<F, Fut>(get: &F) -> BTreeSet<String>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut ids = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!(
            "/v1/intents?to_agent={}&limit=500",
            crate::common::urlencode(ADDRESS)
        );
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", crate::common::urlencode(c)));
        }
        let page = get(path).await;
        for intent in page["intents"].as_array().into_iter().flatten() {
            if let Some(id) = intent["intent_id"].as_str() {
                ids.insert(id.to_string());
            }
        }
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            return ids;
        }
    }
}

/// A child process whose stdout and stderr are collected as they come.
struct Background {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Background {
    fn spawn(cmd: &mut Command) -> Background {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn axme");
        let stdout = collect(child.stdout.take().expect("piped stdout"));
        let stderr = collect(child.stderr.take().expect("piped stderr"));
        Background {
            child,
            stdout,
            stderr,
        }
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn stdout(&self) -> String {
        self.stdout.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn output(&self) -> String {
        let err = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
        format!("--- stdout ---\n{}\n--- stderr ---\n{err}", self.stdout())
    }

    /// Waits up to `limit` for the process to exit by itself, then its output.
    fn finish(&mut self, limit: Duration) -> String {
        let start = Instant::now();
        while self.alive() && start.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            !self.alive(),
            "still running after {limit:?}\n{}",
            self.output()
        );
        // The reader threads may still hold the last bytes.
        std::thread::sleep(Duration::from_millis(100));
        self.output()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
            if let Ok(mut s) = sink.lock() {
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    });
    text
}
