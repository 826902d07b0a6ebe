//! HTTP push delivery (spec §7.3): a loopback receiver inside the test checks the
//! `X-Axme-Signature` HMAC and answers 500 twice before 200; the gateway retries with
//! backoff, marks the intent DELIVERED, and the agent completes it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::TestServer;
use crate::common::workflow::*;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

const LIMIT: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Received {
    /// (signature header, body) of every request.
    requests: Vec<(Option<String>, Vec<u8>)>,
    /// Answer 500 to this many requests first.
    fail_first: usize,
}

type Shared = Arc<Mutex<Received>>;

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut r = shared.lock().unwrap();
    let signature = headers
        .get("x-axme-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    r.requests.push((signature, body.to_vec()));
    if r.requests.len() <= r.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// Starts the receiver on a free loopback port; returns its `/intent` URL.
async fn receiver(fail_first: usize) -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Received {
        fail_first,
        ..Default::default()
    }));
    let app = Router::new()
        .route("/intent", post(receive))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/intent", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, shared)
}

fn verify(secret: &str, signature: &str, body: &[u8]) -> bool {
    let Some(hex_sig) = signature.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn push_bundle(url: &str) -> Value {
    json!({
        "scenario_id": "test.push.v1",
        "agents": [{"role": "hook", "address": "hooked", "delivery_mode": "http",
                    "callback_url": url, "create_if_missing": true}],
        "workflow": {"steps": [{"step_id": "notify", "tool_id": "tool.agent.task.v1", "assigned_to": "hook"}]},
        "intent": {"type": "intent.push.v1", "payload": {"order_id": "ord-1"}, "max_delivery_attempts": 3}
    })
}

async fn wait_requests(shared: &Shared, n: usize) {
    let started = std::time::Instant::now();
    while shared.lock().unwrap().requests.len() < n {
        assert!(
            started.elapsed() < LIMIT,
            "only {} pushes",
            shared.lock().unwrap().requests.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_push_agent_fails_twice_then_succeeds() {
    let server = TestServer::start_with(&["--ephemeral", "--push-retry-interval", "200ms"], &[]);
    let admin = server.admin();
    let (url, shared) = receiver(2).await;
    let applied = apply(&server, &admin, &push_bundle(&url)).await;
    let parent = applied["intent_id"].as_str().unwrap().to_string();
    let secret = applied["agents"][0]["callback_secret"]
        .as_str()
        .unwrap_or_else(|| panic!("secret shown once on apply: {applied}"))
        .to_string();

    wait_requests(&shared, 3).await;
    let requests = shared.lock().unwrap().requests.clone();
    let mut step_id = String::new();
    for (signature, body) in &requests {
        let signature = signature.as_deref().expect("every push is signed");
        assert!(
            verify(&secret, signature, body),
            "bad signature {signature}"
        );
        let frame: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(frame["event_type"], "intent.delivered");
        assert_eq!(frame["payload"]["parent_payload"]["order_id"], "ord-1");
        step_id = frame["intent_id"].as_str().unwrap().to_string();
    }
    let step = wait_status(&server, &admin, &step_id, &["DELIVERED"], LIMIT).await;
    assert_eq!(step["to_agent"], "agent://local/default/hooked");
    complete(&server, &admin, &step_id, json!({"ack": true})).await;
    assert_eq!(
        wait_terminal(&server, &admin, &parent, LIMIT).await["status"],
        "COMPLETED"
    );
    // Delivered once: no further pushes.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(shared.lock().unwrap().requests.len(), 3);
}

/// A callback that never answers 2xx: after max_delivery_attempts the parent FAILS with
/// `intent.delivery_failed`. The callback can also be set later with PATCH.
#[tokio::test]
async fn a_push_agent_that_always_fails_ends_failed() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--push-retry-interval",
            "100ms",
            "--delivery-attempt-interval",
            "300ms",
        ],
        &[],
    );
    let admin = server.admin();
    let (url, shared) = receiver(usize::MAX).await;
    // No callback in the bundle: the runner sets it later on the service account.
    let mut bundle = push_bundle(&url);
    bundle["agents"][0] = json!({"role": "hook", "address": "late-hook"});
    let applied = apply(&server, &admin, &bundle).await;
    let parent = applied["intent_id"].as_str().unwrap().to_string();
    let sa_id = applied["agents"][0]["service_account_id"].as_str().unwrap();
    let patched = server
        .call(
            reqwest::Method::PATCH,
            &format!("/v1/service-accounts/{sa_id}"),
            Some(&admin),
            Some(&json!({"delivery_mode": "http", "callback_url": url})),
        )
        .await;
    patched.expect_ok();
    assert!(
        patched.body["callback_secret"].is_string(),
        "{}",
        patched.text
    );

    let done = wait_terminal(&server, &admin, &parent, LIMIT).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    let kinds = event_kinds(&server, &admin, &parent).await;
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("intent.delivery_failed")
    );
    assert!(
        !shared.lock().unwrap().requests.is_empty(),
        "the later callback was used"
    );
}

/// A bundle cannot point another workspace's agent at a callback: nothing is pushed there.
#[tokio::test]
async fn no_push_to_a_callback_set_for_another_workspace() {
    let server = TestServer::start_with(
        &["--ephemeral", "--delivery-attempt-interval", "300ms"],
        &[],
    );
    let admin = server.admin();
    let other = server.create_workspace(&admin, "other").await;
    let (url, shared) = receiver(0).await;
    let mut bundle = push_bundle(&url);
    bundle["agents"][0]["address"] = json!(format!("{}/victim", other.address_prefix));
    // Another workspace's agents are closed to this one: the bundle is refused.
    let r = server.post("/v1/scenarios/apply", &admin, &bundle).await;
    r.expect_error(403, "receiver_agent_closed");
    assert!(!r.text.contains("whsec_"), "{}", r.text);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        shared.lock().unwrap().requests.is_empty(),
        "pushed to a foreign callback"
    );
}

/// A push agent that answers 2xx and then never resumes is pushed the intent again after
/// the answer lease; completed, it is pushed no more.
#[tokio::test]
async fn a_pushed_intent_never_answered_is_pushed_again_after_the_lease() {
    let server = TestServer::start_with(&["--ephemeral", "--redeliver-after", "500ms"], &[]);
    let admin = server.admin();
    let (url, shared) = receiver(0).await;
    let applied = apply(&server, &admin, &push_bundle(&url)).await;
    let parent = applied["intent_id"].as_str().unwrap().to_string();

    wait_requests(&shared, 2).await;
    let requests = shared.lock().unwrap().requests.clone();
    let frames: Vec<Value> = requests
        .iter()
        .map(|(_, body)| serde_json::from_slice(body).unwrap())
        .collect();
    assert_eq!(frames[0]["intent_id"], frames[1]["intent_id"]);
    assert_eq!(frames[1]["status"], "DELIVERED");
    let step_id = frames[0]["intent_id"].as_str().unwrap().to_string();
    complete(&server, &admin, &step_id, json!({"ack": true})).await;
    assert_eq!(
        wait_terminal(&server, &admin, &parent, LIMIT).await["status"],
        "COMPLETED"
    );
    let pushed = shared.lock().unwrap().requests.len();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        shared.lock().unwrap().requests.len(),
        pushed,
        "pushed after completion"
    );
    let kinds = event_kinds(&server, &admin, &step_id).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "intent.delivered").count(),
        1,
        "{kinds:?}"
    );
}

/// The database bytes of `db` (with its WAL and shared-memory files).
fn database_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        all.extend(std::fs::read(std::path::PathBuf::from(name)).unwrap_or_default());
    }
    all
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Issue 10 point 8: the push signing secret is sealed at rest with a key beside the
/// database, so the database file does not hold it, and pushes still verify, after a
/// restart too. A secret an earlier release stored in plain text is sealed at start.
#[tokio::test]
async fn the_push_secret_is_sealed_at_rest_and_pushes_still_verify() {
    let dir = crate::common::temp_dir();
    let db = crate::common::db_path(&dir);
    let db_arg = db.to_str().unwrap().to_string();
    let args = [
        "--db",
        db_arg.as_str(),
        "--delivery-attempt-interval",
        "300ms",
    ];
    let mut server = TestServer::start_with(&args, &[]);
    let admin = server.admin();
    let (url, shared) = receiver(0).await;
    let applied = apply(&server, &admin, &push_bundle(&url)).await;
    let secret = applied["agents"][0]["callback_secret"]
        .as_str()
        .unwrap_or_else(|| panic!("secret shown once on apply: {applied}"))
        .to_string();
    wait_requests(&shared, 1).await;
    let (signature, body) = shared.lock().unwrap().requests[0].clone();
    assert!(verify(&secret, signature.as_deref().unwrap(), &body));
    server.terminate(Duration::from_secs(10));

    let bytes = database_bytes(&db);
    assert!(!bytes.is_empty());
    assert!(
        !holds(&bytes, &secret),
        "the database holds the push secret"
    );
    assert!(!holds(&bytes, secret.trim_start_matches("whsec_")));
    let key_file = dir.path().join("axme.db.secret-key");
    let mode = std::fs::metadata(&key_file).expect("a key file beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.permissions().mode() & 0o777, 0o600);
    }
    let _ = mode;

    // As an earlier release left it: the secret in plain text.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE agent_delivery SET secret = ?1", [&secret])
        .unwrap();
    drop(conn);
    assert!(holds(&database_bytes(&db), &secret));

    let mut server = TestServer::start_with(&args, &[]);
    let id = server
        .create_intent(&admin, "hooked", json!({"after": "restart"}))
        .await;
    let started = std::time::Instant::now();
    let pushed = loop {
        let found = shared.lock().unwrap().requests.iter().find_map(|(s, b)| {
            let frame: Value = serde_json::from_slice(b).ok()?;
            (frame["intent_id"] == json!(id)).then(|| (s.clone(), b.clone()))
        });
        if let Some(found) = found {
            break found;
        }
        assert!(started.elapsed() < LIMIT, "no push after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        verify(&secret, pushed.0.as_deref().unwrap(), &pushed.1),
        "a push after the restart does not verify"
    );
    server.terminate(Duration::from_secs(10));
    assert!(
        !holds(&database_bytes(&db), &secret),
        "the plain-text secret was not sealed at start"
    );

    // Another key file does not open them: the server refuses to start, and says why.
    let other = dir.path().join("other.key");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_axme"))
        .args(["server", "--listen", "127.0.0.1:0", "--db", &db_arg])
        .arg("--secret-key-file")
        .arg(&other)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("the server started with a key that does not open the stored secrets");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(stderr.contains("--secret-key-file"), "{stderr}");
    assert!(!stderr.contains(&secret), "{stderr}");
}
