//! Webhooks (spec §9.2, §7.6), black-box against the real binary: a subscriber on loopback
//! receives signed events (verified here), ingested and raised by the gateway; a failing
//! subscriber gets retries, then a dead letter, and replay redelivers it; a kill -9 in
//! between loses nothing (on SQLite and PostgreSQL). The 4xx cases are in `server_webhooks_refusals.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::{PgDb, TestServer, db_path, str_field, temp_dir, urlencode};

const LIMIT: Duration = Duration::from_secs(20);
pub(crate) const SECRET: &str = "test-secret-0123456789";

#[derive(Debug, Clone)]
struct Hit {
    signature: Option<String>,
    attempt: Option<String>,
    event_type: Option<String>,
    body: Vec<u8>,
}

#[derive(Default)]
struct Received {
    hits: Vec<Hit>,
    /// Answer 500 to this many requests first.
    fail_first: usize,
}

type Shared = Arc<Mutex<Received>>;

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut r = shared.lock().unwrap();
    r.hits.push(Hit {
        signature: header("x-axme-signature"),
        attempt: header("x-axme-attempt"),
        event_type: header("x-axme-event-type"),
        body: body.to_vec(),
    });
    if r.hits.len() <= r.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// A subscriber on a free loopback port; its `/hook` URL.
async fn subscriber(fail_first: usize) -> (String, Shared) {
    subscriber_on("127.0.0.1:0", fail_first).await
}

async fn subscriber_on(addr: &str, fail_first: usize) -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Received {
        fail_first,
        ..Default::default()
    }));
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
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

async fn wait_hits(shared: &Shared, n: usize) -> Vec<Hit> {
    let started = std::time::Instant::now();
    loop {
        let hits = shared.lock().unwrap().hits.clone();
        if hits.len() >= n {
            return hits;
        }
        assert!(started.elapsed() < LIMIT, "only {} deliveries", hits.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Replays `event_id` once its deliveries are recorded: a delivery still pending (the
/// subscriber answered, the outcome not yet written) is under way and replay leaves it.
async fn replay_when_settled(server: &TestServer, key: &str, event_id: &str) -> Value {
    let started = std::time::Instant::now();
    loop {
        let r = server
            .post(
                &format!("/v1/webhooks/events/{event_id}/replay"),
                key,
                &json!({}),
            )
            .await;
        r.expect_ok();
        if r.body["queued_deliveries"] != 0 {
            return r.body;
        }
        assert!(started.elapsed() < LIMIT, "never settled: {}", r.text);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn subscription(url: &str, types: &[&str]) -> Value {
    json!({"callback_url": url, "event_types": types, "secret": SECRET,
           "description": "test subscriber"})
}

pub(crate) fn event(event_type: &str, n: u64) -> Value {
    json!({"event_type": event_type, "source": "tests", "payload": {"n": n}})
}

#[tokio::test]
async fn a_subscriber_receives_signed_events_ingested_and_raised() {
    let server = TestServer::start();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let (url, shared) = subscriber(0).await;

    let made = server
        .post(
            "/v1/webhooks/subscriptions",
            &alpha.key,
            &subscription(&url, &["inbox.thread_created", "inbox.reply_received"]),
        )
        .await;
    made.expect_ok();
    let sub = &made.body["subscription"];
    assert_eq!(sub["owner_agent"], json!(alpha.address), "{}", made.text);
    assert_eq!(sub["active"], true);
    assert_eq!(sub["secret_hint"], "…6789");
    assert!(sub["revoked_at"].is_null() && made.body.get("secret").is_none());
    assert!(
        !made.text.contains(SECRET),
        "the secret is never shown back"
    );
    let sub_id = str_field(sub, "subscription_id");

    // Ingested: queued at once, delivered signed.
    let published = server
        .post(
            "/v1/webhooks/events",
            &alpha.key,
            &event("inbox.thread_created", 1),
        )
        .await;
    published.expect_ok();
    let b = &published.body;
    assert_eq!(
        (b["queued_deliveries"].as_u64(), b["owner_agent"].as_str()),
        (Some(1), Some(alpha.address.as_str())),
        "{}",
        published.text
    );
    assert_eq!(b["source"], "tests");
    let event_id = str_field(b, "event_id");
    let hits = wait_hits(&shared, 1).await;
    let hit = &hits[0];
    let signature = hit.signature.as_deref().expect("signed");
    assert!(
        verify(SECRET, signature, &hit.body),
        "bad signature {signature}"
    );
    assert!(!verify("another-secret-000000", signature, &hit.body));
    assert_eq!(hit.attempt.as_deref(), Some("1"));
    assert_eq!(hit.event_type.as_deref(), Some("inbox.thread_created"));
    let body: Value = serde_json::from_slice(&hit.body).unwrap();
    assert_eq!(body["event_id"], json!(event_id));
    assert_eq!(body["subscription_id"], json!(sub_id));
    assert_eq!(body["payload"], json!({"n": 1}));

    // Raised by the gateway: a reply that starts a thread in alpha's inbox.
    let thread = uuid::Uuid::new_v4().to_string();
    server
        .post(
            &format!("/v1/inbox/{thread}/reply"),
            &alpha.key,
            &json!({"message": "hello"}),
        )
        .await
        .expect_ok();
    let hits = wait_hits(&shared, 2).await;
    let body: Value = serde_json::from_slice(&hits[1].body).unwrap();
    assert_eq!(body["event_type"], "inbox.thread_created", "{body}");
    assert_eq!(body["payload"]["thread_id"], json!(thread));
    assert_eq!(body["source"], "axme");
    assert!(verify(
        SECRET,
        hits[1].signature.as_deref().unwrap(),
        &hits[1].body
    ));
    // A type nobody subscribed to is not sent.
    server
        .post(&format!("/v1/inbox/{thread}/read"), &alpha.key, &json!({}))
        .await
        .expect_ok();

    // The same URL again updates the subscription in place.
    let again = server
        .post(
            "/v1/webhooks/subscriptions",
            &alpha.key,
            &json!({"callback_url": url, "event_types": ["inbox.thread_updated"]}),
        )
        .await;
    again.expect_ok();
    assert_eq!(again.body["subscription"]["subscription_id"], json!(sub_id));
    assert_eq!(again.body["subscription"]["secret_hint"], "…6789");
    // A new one without a secret gets one, shown once.
    let fresh = server
        .post(
            "/v1/webhooks/subscriptions",
            &alpha.key,
            &json!({"callback_url": format!("{url}?second"), "event_types": ["invite.accepted"]}),
        )
        .await;
    fresh.expect_ok();
    assert!(
        str_field(&fresh.body, "secret").starts_with("whsec_"),
        "{}",
        fresh.text
    );

    let listed = server.get("/v1/webhooks/subscriptions", &alpha.key).await;
    listed.expect_ok();
    assert_eq!(listed.body["subscriptions"].as_array().unwrap().len(), 2);
    // The admin reads alpha's by naming it.
    let by_admin = server
        .get(
            &format!(
                "/v1/webhooks/subscriptions?owner_agent={}",
                urlencode(&alpha.address)
            ),
            &admin,
        )
        .await;
    by_admin.expect_ok();
    assert_eq!(by_admin.body["subscriptions"].as_array().unwrap().len(), 2);

    // Revoked: gone from the list (but for include_inactive), and sent nothing more.
    let revoked = server
        .call(
            reqwest::Method::DELETE,
            &format!("/v1/webhooks/subscriptions/{sub_id}"),
            Some(&alpha.key),
            None,
        )
        .await;
    revoked.expect_ok();
    assert_eq!(revoked.body["subscription_id"], json!(sub_id));
    assert!(revoked.body["revoked_at"].is_string());
    let listed = server.get("/v1/webhooks/subscriptions", &alpha.key).await;
    assert_eq!(listed.body["subscriptions"].as_array().unwrap().len(), 1);
    let all = server
        .get(
            "/v1/webhooks/subscriptions?include_inactive=true",
            &alpha.key,
        )
        .await;
    let subs = all.body["subscriptions"].as_array().unwrap().clone();
    assert!(
        subs.iter()
            .any(|s| s["subscription_id"] == json!(sub_id) && s["revoked_at"].is_string())
    );
    let after = server
        .post(
            "/v1/webhooks/events",
            &alpha.key,
            &event("inbox.thread_updated", 2),
        )
        .await;
    after.expect_ok();
    assert_eq!(after.body["queued_deliveries"], 0, "{}", after.text);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(shared.lock().unwrap().hits.len(), 2);
}

#[tokio::test]
async fn a_failing_subscriber_gets_retries_then_a_dead_letter_and_replay_redelivers() {
    retries_then_dead_letter_then_replay(TestServer::start_with(
        &["--ephemeral", "--push-retry-interval", "100ms"],
        &[],
    ))
    .await;
}

#[tokio::test]
async fn retries_dead_letters_and_replay_on_postgres() {
    let db = PgDb::create();
    let server = TestServer::start_node(&db.url, "n1", &["--push-retry-interval", "100ms"]);
    retries_then_dead_letter_then_replay(server).await;
}

async fn retries_then_dead_letter_then_replay(server: TestServer) {
    let admin = server.admin();
    let (url, shared) = subscriber(3).await;
    server
        .post(
            "/v1/webhooks/subscriptions",
            &admin,
            &subscription(&url, &["inbox.reply_received"]),
        )
        .await
        .expect_ok();
    let published = server
        .post(
            "/v1/webhooks/events",
            &admin,
            &event("inbox.reply_received", 7),
        )
        .await;
    published.expect_ok();
    assert_eq!(published.body["pending"], 1, "{}", published.text);
    let event_id = str_field(&published.body, "event_id");

    // Three attempts (the default max_delivery_attempts), each answered 500, then none.
    let hits = wait_hits(&shared, 3).await;
    let attempts: Vec<_> = hits.iter().map(|h| h.attempt.clone().unwrap()).collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        shared.lock().unwrap().hits.len(),
        3,
        "tried past the last attempt"
    );

    // Dead-lettered (replay queues only finished deliveries), then delivered.
    let b = replay_when_settled(&server, &admin, &event_id).await;
    assert_eq!(
        (
            b["queued_deliveries"].as_u64(),
            b["pending"].as_u64(),
            b["dead_lettered"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{b}"
    );
    assert!(b["replayed_at"].is_string());
    let hits = wait_hits(&shared, 4).await;
    assert_eq!(hits[3].attempt.as_deref(), Some("1"));
    let body: Value = serde_json::from_slice(&hits[3].body).unwrap();
    assert_eq!(body["event_id"], json!(event_id));
    assert!(verify(
        SECRET,
        hits[3].signature.as_deref().unwrap(),
        &hits[3].body
    ));
    // Delivered now: a replay sends it once more.
    let again = replay_when_settled(&server, &admin, &event_id).await;
    assert_eq!(again["queued_deliveries"], 1, "{again}");
    wait_hits(&shared, 5).await;
}

/// Killed (-9) with a retry due: after the restart the delivery goes on from its row; the
/// secret is sealed at rest.
#[tokio::test]
async fn a_delivery_survives_a_kill_and_restart() {
    let dir = temp_dir();
    let db = db_path(&dir);
    let db_text = db.to_str().unwrap().to_string();
    let start = || TestServer::start_with(&["--db", &db_text, "--push-retry-interval", "3s"], &[]);
    survives_a_kill_and_restart(start, Some(&db_text)).await;
}

#[tokio::test]
async fn a_delivery_survives_a_kill_and_restart_on_postgres() {
    let db = PgDb::create();
    let start = || TestServer::start_node(&db.url, "n1", &["--push-retry-interval", "3s"]);
    survives_a_kill_and_restart(start, None).await;
}

/// `db_file`: the SQLite file, checked for the secret in plain text.
async fn survives_a_kill_and_restart(start: impl Fn() -> TestServer, db_file: Option<&str>) {
    let (url, shared) = subscriber(1).await;
    let mut server = start();
    let admin = server.admin();
    server
        .post(
            "/v1/webhooks/subscriptions",
            &admin,
            &subscription(&url, &["auth.session_revoked"]),
        )
        .await
        .expect_ok();
    let published = server
        .post(
            "/v1/webhooks/events",
            &admin,
            &event("auth.session_revoked", 3),
        )
        .await;
    published.expect_ok();
    let event_id = str_field(&published.body, "event_id");
    wait_hits(&shared, 1).await;
    // The first attempt failed (recorded within a moment); the next is due in 3 s. Kill
    // before it.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    server.kill_hard();
    if let Some(db_text) = db_file {
        let bytes: Vec<u8> = ["", "-wal"]
            .iter()
            .flat_map(|s| std::fs::read(format!("{db_text}{s}")).unwrap_or_default())
            .collect();
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "the subscription secret is stored sealed"
        );
    }

    let restarted = start();
    let hits = wait_hits(&shared, 2).await;
    assert_eq!(hits[1].attempt.as_deref(), Some("2"));
    let body: Value = serde_json::from_slice(&hits[1].body).unwrap();
    assert_eq!(body["event_id"], json!(event_id));
    assert!(verify(
        SECRET,
        hits[1].signature.as_deref().unwrap(),
        &hits[1].body
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        shared.lock().unwrap().hits.len(),
        2,
        "delivered once after the restart"
    );
    // Replay works on the restarted gateway with the first start's key.
    let replayed = replay_when_settled(&restarted, &admin, &event_id).await;
    assert_eq!(replayed["queued_deliveries"], 1, "{replayed}");
}

/// Signing out raises `auth.session_revoked` for the account's subscribers.
#[tokio::test]
async fn signing_out_raises_auth_session_revoked() {
    let server = TestServer::start();
    let (url, shared) = subscriber(0).await;
    let who = crate::server_authz::login(&server, "hooked@example.com").await;
    let key = str_field(&who, "api_key");
    let address = str_field(&who, "address");
    server
        .post(
            "/v1/webhooks/subscriptions",
            &key,
            &subscription(&url, &["auth.session_revoked"]),
        )
        .await
        .expect_ok();
    server
        .call(
            reqwest::Method::POST,
            "/v1/auth/logout",
            None,
            Some(&json!({"refresh_token": str_field(&who, "refresh_token")})),
        )
        .await
        .expect_ok();
    let hits = wait_hits(&shared, 1).await;
    assert_eq!(hits[0].event_type.as_deref(), Some("auth.session_revoked"));
    assert!(verify(
        SECRET,
        hits[0].signature.as_deref().unwrap(),
        &hits[0].body
    ));
    let body: Value = serde_json::from_slice(&hits[0].body).unwrap();
    assert_eq!(body["owner_agent"], json!(address), "{body}");
    assert_eq!(body["payload"]["email"], "hooked@example.com");
    assert!(body["payload"]["session_id"].is_string(), "{body}");
}
