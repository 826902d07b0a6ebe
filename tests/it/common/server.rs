//! Harness shared by the `server_*` integration tests: spawns the real `axme server`
//! binary on a free port, reads its banner, and offers small HTTP/SSE helpers.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axme::protocol::BannerReader;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// How long a server may take to print its banner (debug build on a busy 2-core box).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(40);

/// One running gateway: an `axme server` child process (killed on drop), or one embedded
/// in the test process (`TestServer::embedded`, stopped on drop).
pub struct TestServer {
    pub(super) child: Option<Child>,
    /// The in-process gateway, when there is no child.
    pub(super) embedded: Option<super::embedded::Embedded>,
    /// Base URL from the banner, e.g. `http://127.0.0.1:43123`.
    pub url: String,
    /// The admin key printed on the first start of a database (None on a later start).
    pub admin_key: Option<String>,
    /// The whole banner as printed on stdout.
    pub banner: String,
    pub(super) stderr: Arc<Mutex<String>>,
    pub http: reqwest::Client,
    /// The database of a `start()` under `AXME_TEST_STORE=postgres`; dropped after the
    /// server stopped (fields drop after `Drop::drop`).
    pub(super) own_db: Option<super::pg::PgDb>,
}

impl TestServer {
    /// A server on a throwaway database (a fresh PostgreSQL one under
    /// `AXME_TEST_STORE=postgres`).
    pub fn start() -> TestServer {
        if super::pg::suite_on_postgres() {
            let db = super::pg::PgDb::create();
            let mut server = Self::spawn(&["--db", &db.url]);
            server.own_db = Some(db);
            return server;
        }
        Self::spawn(&["--ephemeral"])
    }

    /// A node named `node_id` on the PostgreSQL database at `url`, with extra arguments.
    pub fn start_node(url: &str, node_id: &str, args: &[&str]) -> TestServer {
        let mut all = vec!["--db", url, "--node-id", node_id];
        all.extend_from_slice(args);
        Self::start_with(&all, &[])
    }

    /// A server on the database file at `path` (created on first start).
    pub fn start_with_db(path: &Path) -> TestServer {
        let path = path.to_str().expect("temp paths are UTF-8 in tests");
        Self::spawn(&["--db", path])
    }

    fn spawn(db_args: &[&str]) -> TestServer {
        Self::start_with(db_args, &[])
    }

    /// A server with extra arguments after `--listen 127.0.0.1:0` and extra env vars.
    pub fn start_with(args: &[&str], envs: &[(&str, &Path)]) -> TestServer {
        let mut command = Command::new(env!("CARGO_BIN_EXE_axme"));
        match super::pg::key_file_of_args(args) {
            Some(key_file) => command
                .env("AXME_MEDIA_DIR", key_file.with_extension("media"))
                .env("AXME_SECRET_KEY_FILE", key_file),
            None => command
                .env_remove("AXME_MEDIA_DIR")
                .env_remove("AXME_SECRET_KEY_FILE"),
        };
        let mut child = command
            .arg("server")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .envs(envs.iter().map(|(k, v)| (*k, *v)))
            .env("NO_COLOR", "1")
            // A developer's own relay settings must not mail test codes.
            .env_remove("AXME_SMTP_URL")
            .env_remove("AXME_SMTP_FROM")
            .env_remove("AXME_SMTP_PASSWORD")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the axme binary");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr was piped");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });

        // Stdout lines go through a channel so the wait for the banner can time out.
        let (tx, rx) = mpsc::channel::<String>();
        let out_pipe = child.stdout.take().expect("stdout was piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out_pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    // Nobody listens any more: keep draining so the server never blocks.
                    continue;
                }
            }
        });

        let started = Instant::now();
        let mut banner = String::new();
        let mut reader = BannerReader::default();
        let mut listening_at: Option<Instant> = None;
        loop {
            let deadline = match listening_at {
                // Once listening, the admin-key line follows at once; don't wait long for it.
                Some(at) => at + Duration::from_secs(3),
                None => started + STARTUP_TIMEOUT,
            };
            let now = Instant::now();
            if reader.is_complete() || now >= deadline {
                break;
            }
            match rx.recv_timeout(deadline - now) {
                Ok(line) => {
                    banner.push_str(&line);
                    banner.push('\n');
                    reader.line(&line);
                    if listening_at.is_none() && reader.url().is_some() {
                        listening_at = Some(Instant::now());
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let url = reader.url().map(str::to_string);
        let admin_key = reader.banner().and_then(|b| b.admin_key);

        let Some(url) = url else {
            let exited = child.try_wait().ok().flatten();
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            panic!(
                "axme server printed no `listening http://…` line (waited up to {:?}; exited: {:?})\n--- stdout ---\n{banner}\n--- stderr ---\n{}",
                STARTUP_TIMEOUT,
                exited,
                stderr.lock().map(|s| s.clone()).unwrap_or_default()
            );
        };

        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(90))
            .build()
            .expect("build reqwest client");
        TestServer {
            child: Some(child),
            url,
            admin_key,
            banner,
            stderr,
            http,
            own_db: None,
            embedded: None,
        }
    }

    /// The admin key; panics when this start of the database did not print one.
    pub fn admin(&self) -> String {
        self.admin_key
            .clone()
            .unwrap_or_else(|| panic!("no admin key in the banner:\n{}", self.banner))
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server is running").id()
    }

    /// What the server wrote to stderr so far (logs).
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// SIGKILL (what `Child::kill` sends on unix) and reap.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM and waits up to `limit` for the process to exit; returns how long it
    /// took, or None if it was still running at the limit (it is then killed).
    pub fn terminate(&mut self, limit: Duration) -> Option<Duration> {
        let mut child = self.child.take()?;
        let sent = Instant::now();
        if let Ok(Some(_)) = child.try_wait() {
            return Some(Duration::ZERO);
        }
        let signaled = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !signaled {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        while sent.elapsed() < limit {
            if let Ok(Some(_)) = child.try_wait() {
                return Some(sent.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// One JSON request. `key` goes in `x-api-key`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        let mut req = self.http.request(method, self.endpoint(path));
        if let Some(key) = key {
            req = req.header("x-api-key", key);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        Resp::read(req.send().await.expect("request reaches the server")).await
    }

    pub async fn get(&self, path: &str, key: &str) -> Resp {
        self.call(Method::GET, path, Some(key), None).await
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Resp {
        self.call(Method::POST, path, Some(key), Some(body)).await
    }

    /// Creates an intent to `to_agent` and returns its id (asserting 200).
    pub async fn create_intent(&self, key: &str, to_agent: &str, payload: Value) -> String {
        let r = self
            .post("/v1/intents", key, &intent_body(to_agent, payload))
            .await;
        r.expect_ok();
        r.body["intent_id"]
            .as_str()
            .unwrap_or_else(|| panic!("create response without intent_id: {}", r.text))
            .to_string()
    }

    /// The intent object of `GET /v1/intents/{id}` (asserting 200).
    pub async fn intent(&self, key: &str, id: &str) -> Value {
        let r = self.get(&format!("/v1/intents/{id}"), key).await;
        r.expect_ok();
        r.body["intent"].clone()
    }

    /// The events of an intent with `seq > since` (asserting 200).
    pub async fn events(&self, key: &str, id: &str, since: Option<u64>) -> Vec<Value> {
        let path = match since {
            Some(s) => format!("/v1/intents/{id}/events?since={s}"),
            None => format!("/v1/intents/{id}/events"),
        };
        let r = self.get(&path, key).await;
        r.expect_ok();
        r.body["events"]
            .as_array()
            .unwrap_or_else(|| panic!("events response without an array: {}", r.text))
            .clone()
    }

    /// Creates a service account `name` in the admin's workspace and a key for it.
    pub async fn provision_agent(&self, admin_key: &str, name: &str) -> Agent {
        let r = self
            .post(
                "/v1/service-accounts",
                admin_key,
                &json!({"name": name, "display_name": format!("Test agent {name}")}),
            )
            .await;
        r.expect_ok();
        let sa = &r.body["service_account"];
        let sa_id = str_field(sa, "service_account_id");
        let address = sa["agent_address"]
            .as_str()
            .or_else(|| sa["address"].as_str())
            .unwrap_or_else(|| panic!("service account without agent_address: {}", r.text))
            .to_string();
        let k = self
            .post(
                &format!("/v1/service-accounts/{sa_id}/keys"),
                admin_key,
                &json!({}),
            )
            .await;
        k.expect_ok();
        Agent {
            sa_id,
            org_id: sa["org_id"].as_str().unwrap_or_default().to_string(),
            workspace_id: sa["workspace_id"].as_str().unwrap_or_default().to_string(),
            address,
            key_id: str_field(&k.body["key"], "key_id"),
            key: str_field(&k.body["key"], "token"),
        }
    }

    /// Creates a second workspace; returns its address prefix and admin key.
    pub async fn create_workspace(&self, admin_key: &str, slug: &str) -> Workspace {
        let r = self
            .post("/v1/workspaces", admin_key, &json!({"name": slug}))
            .await;
        r.expect_ok();
        Workspace {
            address_prefix: str_field(&r.body["workspace"], "address_prefix"),
            admin_key: str_field(&r.body["admin_key"], "token"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- axme server stderr ({}) ---\n{}",
                self.url,
                tail(&self.stderr(), 8000)
            );
        }
        // Graceful first, so `--ephemeral` databases get removed; SIGKILL if it hangs.
        if self.child.is_some() && self.terminate(Duration::from_secs(3)).is_none() {
            self.kill_hard();
        }
        if let Some(embedded) = self.embedded.take() {
            embedded.stop();
        }
    }
}

/// A provisioned agent service account and its key.
#[derive(Debug, Clone)]
pub struct Agent {
    pub sa_id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub address: String,
    pub key_id: String,
    pub key: String,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub address_prefix: String,
    pub admin_key: String,
}

/// A fully read response: status, headers, body as JSON (or a JSON string of the text).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
        Resp {
            status,
            headers,
            text,
            body,
        }
    }

    /// Asserts a 200 with `"ok": true`.
    pub fn expect_ok(&self) -> &Self {
        assert_eq!(self.status, 200, "expected 200, got: {}", self.text);
        assert_eq!(
            self.body["ok"],
            json!(true),
            "expected ok:true in {}",
            self.text
        );
        self
    }

    /// Asserts the status and the canonical error body (spec §5.4) with `code`.
    pub fn expect_error(&self, status: u16, code: &str) -> &Self {
        self.expect_error_status(status);
        assert_eq!(
            self.body["error"]["code"],
            json!(code),
            "wrong error code for HTTP {status}: {}",
            self.text
        );
        self
    }

    /// Asserts the status and an error body with a non-empty message, any code.
    pub fn expect_error_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "expected HTTP {status}, got: {}",
            self.text
        );
        assert!(
            self.body.is_object(),
            "error body is not JSON (HTTP {status}): {:?}",
            self.text
        );
        assert_eq!(
            self.body["ok"],
            json!(false),
            "error body lacks ok:false: {}",
            self.text
        );
        let message = self.body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty(),
            "error body lacks error.message: {}",
            self.text
        );
        assert!(
            self.body["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty()),
            "error body lacks error.code: {}",
            self.text
        );
        assert!(
            self.body["detail"].is_string(),
            "error body lacks a string detail: {}",
            self.text
        );
        self
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A minimal valid create body.
pub fn intent_body(to_agent: &str, payload: Value) -> Value {
    json!({
        "intent_type": "test.echo.v1",
        "to_agent": to_agent,
        "payload": payload,
    })
}

/// A string field that must be there.
pub fn str_field(v: &Value, name: &str) -> String {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("missing string field `{name}` in {v}"))
        .to_string()
}

/// The `seq` numbers of a list of events.
pub fn seqs(events: &[Value]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e["seq"].as_u64().unwrap_or(0))
        .collect()
}

/// The `event_type`s of a list of events.
pub fn event_types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event_type"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A fresh temporary directory (removed when the guard drops).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create temp dir")
}

pub fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("axme.db")
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}
