//! Smoke tests of `axme server`: the real binary on a free port, driven over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    base: String,
    admin_key: Option<String>,
    admin_line: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_axme"))
            .arg("server")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start axme server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut base, mut admin_line) = (None, None);
        while admin_line.is_none() {
            let line = lines.next().expect("banner line").expect("utf-8 banner");
            if line.contains("listening") {
                base = line
                    .split_whitespace()
                    .find(|t| t.starts_with("http://"))
                    .map(str::to_string);
            }
            if line.contains("admin key") {
                admin_line = Some(line);
            }
        }
        let admin_line = admin_line.unwrap_or_default();
        let admin_key = admin_line
            .split_whitespace()
            .find(|t| t.starts_with("axme_sa_"))
            .map(str::to_string);
        Server {
            child,
            base: base.expect("listening line"),
            admin_key,
            admin_line,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for Server {
    /// SIGTERM first, so an ephemeral server removes its temporary directory.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn post(c: &reqwest::Client, url: String, key: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(url)
        .header("x-api-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(c: &reqwest::Client, url: String, key: &str) -> (u16, Value) {
    let r = c.get(url).header("x-api-key", key).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn lifecycle_over_http_and_sse() {
    let server = Server::start(&["--ephemeral"]);
    let admin = server.admin_key.clone().expect("admin key on first start");
    let c = client();

    let (status, health) = get(&c, server.url("/health"), "").await;
    assert_eq!((status, health["ok"].clone()), (200, json!(true)));
    let (status, _) = get(&c, server.url("/v1/intents"), "").await;
    assert_eq!(status, 401);

    let (_, sa) = post(
        &c,
        server.url("/v1/service-accounts"),
        &admin,
        json!({"name": "worker"}),
    )
    .await;
    let sa_id = sa["service_account"]["id"].as_str().unwrap().to_string();
    let (_, key) = post(
        &c,
        server.url(&format!("/v1/service-accounts/{sa_id}/keys")),
        &admin,
        json!({}),
    )
    .await;
    let worker = key["key"]["token"].as_str().unwrap().to_string();

    let (status, created) = post(
        &c,
        server.url("/v1/intents"),
        &admin,
        json!({"intent_type": "demo.echo.v1", "to_agent": "worker", "payload": {"n": 1}}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["intent_id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "SUBMITTED");

    // The agent stream replays it as DELIVERED and ends promptly.
    let started = Instant::now();
    let text = c
        .get(server.url("/v1/agents/worker/intents/stream?since=0&wait_seconds=5"))
        .header("x-api-key", &worker)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(text.contains("event: intent.delivered"), "{text}");
    assert!(
        text.contains(&id) && text.contains("\"status\":\"DELIVERED\""),
        "{text}"
    );

    // A watcher waiting on the intent stream sees the completion live.
    let watch_url = server.url(&format!(
        "/v1/intents/{id}/events/stream?since=3&wait_seconds=10"
    ));
    let watcher = {
        let c = c.clone();
        let admin = admin.clone();
        tokio::spawn(async move {
            c.get(watch_url)
                .header("x-api-key", admin)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, resumed) = post(
        &c,
        server.url(&format!("/v1/intents/{id}/resume")),
        &worker,
        json!({"action": "complete", "answer": 42}),
    )
    .await;
    assert_eq!(status, 200, "{resumed}");
    let seen = watcher.await.unwrap();
    assert!(
        seen.contains("id: 4\nevent: intent.completed\ndata: "),
        "{seen}"
    );

    let (_, events) = get(
        &c,
        server.url(&format!("/v1/intents/{id}/events?since=0")),
        &admin,
    )
    .await;
    let kinds: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "intent.created",
            "intent.submitted",
            "intent.delivered",
            "intent.completed"
        ]
    );
    let (status, again) = post(
        &c,
        server.url(&format!("/v1/intents/{id}/resolve")),
        &admin,
        json!({"status": "CANCELED", "reason": "too late"}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(again["error"]["code"], "intent_already_terminal");
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("axme.db");
    let db_arg = db.to_str().unwrap();
    let c = client();
    let mut ids = Vec::new();
    let mut first = Server::start(&["--db", db_arg]);
    let admin = first.admin_key.clone().unwrap();
    for n in 0..20 {
        let (status, body) = post(
            &c,
            first.url("/v1/intents"),
            &admin,
            json!({"intent_type": "demo.v1", "to_agent": "someone", "payload": {"n": n}}),
        )
        .await;
        assert_eq!(status, 200);
        ids.push(body["intent_id"].as_str().unwrap().to_string());
    }
    // SIGKILL right after the acknowledgements: no chance to flush anything.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    drop(first);

    let server = Server::start(&["--db", db_arg]);
    assert!(server.admin_key.is_none());
    assert!(
        server.admin_line.contains("already created"),
        "{}",
        server.admin_line
    );
    for id in &ids {
        let (status, events) =
            get(&c, server.url(&format!("/v1/intents/{id}/events")), &admin).await;
        assert_eq!(status, 200);
        assert_eq!(events["events"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn sigterm_ends_open_streams_and_exits() {
    let mut server = Server::start(&["--ephemeral"]);
    let admin = server.admin_key.clone().unwrap();
    let url = server.url("/v1/agents/admin/intents/stream?since=0&wait_seconds=60");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stream = rt.spawn(async move {
        client()
            .get(url)
            .header("x-api-key", admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
    });
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let body = rt.block_on(stream).unwrap();
    assert!(body.is_ok());
}
