//! Invites (spec §9.6) over HTTP: an admin invites, the invitee reads and accepts the
//! invite without a key of its own and gets a member account, a working API key and a
//! nick; the inviter's webhook subscriber receives `invite.accepted`. Refusals: a second
//! accept (409), an expired invite (410), an unknown or malformed token (404), a taken
//! nick (409, the invite still usable), bad bodies (422), a non-admin (403), no key (401).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};

use crate::common::{TestServer, str_field};

type Hits = Arc<Mutex<Vec<Value>>>;

async fn hook(State(hits): State<Hits>, body: Bytes) -> &'static str {
    if let Ok(v) = serde_json::from_slice(&body) {
        hits.lock().unwrap().push(v);
    }
    "ok"
}

/// A webhook subscriber on loopback: its URL and what it received.
async fn subscriber() -> (String, Hits) {
    let hits: Hits = Arc::default();
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, hits)
}

fn open(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> impl std::future::Future<Output = crate::common::Resp> {
    server.call(method, path, None, body)
}

#[tokio::test]
async fn an_invite_is_accepted_once_and_makes_an_account() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let (url, hits) = subscriber().await;
    server
        .post(
            "/v1/webhooks/subscriptions",
            &admin,
            &json!({"callback_url": url, "event_types": ["invite.accepted"]}),
        )
        .await
        .expect_ok();

    let r = server
        .post(
            "/v1/invites/create",
            &admin,
            &json!({"owner_agent": "agent://local/default/admin", "recipient_hint": "bob@example.com",
                    "ttl_seconds": 3600}),
        )
        .await;
    r.expect_ok();
    let token = str_field(&r.body, "token");
    assert!(token.starts_with("inv_") && token.len() == 44, "{token}");
    assert_eq!(r.body["status"], "pending");
    assert_eq!(
        r.body["invite_url"],
        json!(format!("{}/v1/invites/{token}", server.url))
    );
    let created = str_field(&r.body, "created_at");
    let expires = str_field(&r.body, "expires_at");
    assert!(expires > created, "{created} {expires}");

    // Anyone holding the token reads it; no key needed.
    let path = format!("/v1/invites/{token}");
    let r = open(&server, reqwest::Method::GET, &path, None).await;
    r.expect_ok();
    assert_eq!(
        (
            &r.body["status"],
            &r.body["owner_agent"],
            &r.body["recipient_hint"],
            &r.body["nick"]
        ),
        (
            &json!("pending"),
            &json!("agent://local/default/admin"),
            &json!("bob@example.com"),
            &Value::Null
        )
    );

    // A taken nick leaves the invite usable.
    let alpha = server.provision_agent(&admin, "alpha").await;
    server
        .post(
            "/v1/users/register-nick",
            &alpha.key,
            &json!({"nick": "taken"}),
        )
        .await
        .expect_ok();
    let accept = format!("/v1/invites/{token}/accept");
    let r = open(
        &server,
        reqwest::Method::POST,
        &accept,
        Some(&json!({"nick": "TAKEN"})),
    )
    .await;
    r.expect_error(409, "nick_taken");

    let r = open(
        &server,
        reqwest::Method::POST,
        &accept,
        Some(&json!({"nick": "@Bob", "display_name": "Bob B."})),
    )
    .await;
    r.expect_ok();
    assert_eq!(
        (
            &r.body["status"],
            &r.body["nick"],
            &r.body["public_address"],
            &r.body["owner_agent"]
        ),
        (
            &json!("accepted"),
            &json!("@Bob"),
            &json!("bob@ax"),
            &json!("agent://local/default/bob")
        )
    );
    assert_eq!(r.body["invite_owner_agent"], "agent://local/default/admin");
    assert_eq!(r.body["registry_bind_status"], "disabled");
    let bob_key = str_field(&r.body, "api_key");
    let bob_sa = str_field(&r.body, "service_account_id");
    let user_id = str_field(&r.body, "user_id");

    // The key works at once, as a member of the inviter's workspace with that nick.
    let me = server.get("/v1/users/profile", &bob_key).await;
    me.expect_ok();
    assert_eq!(
        (
            &me.body["user_id"],
            &me.body["display_name"],
            &me.body["owner_agent"]
        ),
        (
            &json!(user_id),
            &json!("Bob B."),
            &json!("agent://local/default/bob")
        )
    );
    let sa = server
        .get(&format!("/v1/service-accounts/{bob_sa}"), &admin)
        .await;
    sa.expect_ok();
    assert_eq!(sa.body["service_account"]["role"], "member", "{}", sa.text);
    let resolved = server.get("/v1/users/resolve-nick?nick=bob", &admin).await;
    assert_eq!(
        resolved.body["service_account_id"],
        json!(bob_sa),
        "{}",
        resolved.text
    );
    let bob_sends = server
        .post(
            "/v1/intents",
            &bob_key,
            &crate::common::intent_body(&alpha.address, json!({"hi": 1})),
        )
        .await;
    bob_sends.expect_ok();

    // Single use.
    let r = open(
        &server,
        reqwest::Method::POST,
        &accept,
        Some(&json!({"nick": "bob2"})),
    )
    .await;
    r.expect_error(409, "invite_already_accepted");
    let r = open(&server, reqwest::Method::GET, &path, None).await;
    assert_eq!(
        (
            &r.body["status"],
            &r.body["nick"],
            &r.body["public_address"],
            &r.body["accepted_owner_agent"]
        ),
        (
            &json!("accepted"),
            &json!("@Bob"),
            &json!("bob@ax"),
            &json!("agent://local/default/bob")
        )
    );
    assert!(r.body["accepted_at"].is_string());

    // The inviter's subscriber hears of it.
    let started = Instant::now();
    let event = loop {
        let found = hits
            .lock()
            .unwrap()
            .iter()
            .find(|h| h["event_type"] == "invite.accepted")
            .cloned();
        if let Some(found) = found {
            break found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no invite.accepted arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(event["owner_agent"], "agent://local/default/admin");
    assert_eq!(
        (
            &event["payload"]["nick"],
            &event["payload"]["service_account_id"],
            &event["payload"]["owner_agent"]
        ),
        (
            &json!("@Bob"),
            &json!(bob_sa),
            &json!("agent://local/default/bob")
        )
    );
}

#[tokio::test]
async fn refusals() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let other = server.create_workspace(&admin, "other").await;
    let create = |key: String, body: Value| {
        let server = &server;
        async move { server.post("/v1/invites/create", &key, &body).await }
    };
    for (body, name) in [
        (json!({}), "owner_agent"),
        (
            json!({"owner_agent": "agent://local/default/admin", "ttl_seconds": 59}),
            "ttl_seconds",
        ),
        (
            json!({"owner_agent": "agent://local/default/admin", "ttl_seconds": 1_209_601}),
            "ttl_seconds",
        ),
        (
            json!({"owner_agent": "agent://local/default/admin", "ttl_seconds": "1h"}),
            "ttl_seconds",
        ),
        (
            json!({"owner_agent": "agent://local/default/admin", "recipient_hint": ""}),
            "recipient_hint",
        ),
        (json!({"owner_agent": "agent://"}), "owner_agent"),
    ] {
        let r = create(admin.clone(), body.clone()).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(
            r.body["error"]["details"]["field"], name,
            "{body}: {}",
            r.text
        );
    }
    // Not an admin; an admin of another workspace inviting as this one's agent.
    let own = json!({"owner_agent": alpha.address});
    create(alpha.key.clone(), own.clone())
        .await
        .expect_error(403, "policy_denied");
    create(other.admin_key.clone(), own.clone())
        .await
        .expect_error(403, "policy_denied");
    let r = server
        .call(
            reqwest::Method::POST,
            "/v1/invites/create",
            None,
            Some(&own),
        )
        .await;
    r.expect_error(401, "missing_platform_api_key");

    // Unknown and malformed tokens name nothing.
    for token in [
        "inv_0000000000000000000000000000000000000000",
        "nothing",
        "inv_xyz",
    ] {
        let r = open(
            &server,
            reqwest::Method::GET,
            &format!("/v1/invites/{token}"),
            None,
        )
        .await;
        r.expect_error(404, "invite_not_found");
        let r = open(
            &server,
            reqwest::Method::POST,
            &format!("/v1/invites/{token}/accept"),
            Some(&json!({"nick": "someone"})),
        )
        .await;
        r.expect_error(404, "invite_not_found");
    }

    // Bad accept bodies name their field.
    let r = create(admin.clone(), own.clone()).await;
    r.expect_ok();
    let token = str_field(&r.body, "token");
    let accept = format!("/v1/invites/{token}/accept");
    for (body, name) in [
        (json!({}), "nick"),
        (json!({"nick": "a"}), "nick"),
        (json!({"nick": "fine", "display_name": ""}), "display_name"),
    ] {
        let r = open(&server, reqwest::Method::POST, &accept, Some(&body)).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(
            r.body["error"]["details"]["field"], name,
            "{body}: {}",
            r.text
        );
    }
    // A nick naming an existing account is refused; the invite stays usable.
    let r = open(
        &server,
        reqwest::Method::POST,
        &accept,
        Some(&json!({"nick": "alpha"})),
    )
    .await;
    r.expect_error(409, "service_account_exists");
    open(
        &server,
        reqwest::Method::POST,
        &accept,
        Some(&json!({"nick": "newcomer"})),
    )
    .await
    .expect_ok();
}

#[tokio::test]
async fn an_expired_invite_is_gone() {
    let clock = Arc::new(axme::server::clock::ManualClock::starting_now());
    let server = TestServer::embedded_on(axme::server::Settings::default(), clock.clone());
    let admin = server.admin();
    let r = server
        .post(
            "/v1/invites/create",
            &admin,
            &json!({"owner_agent": "agent://local/default/admin", "ttl_seconds": 60}),
        )
        .await;
    r.expect_ok();
    let token = str_field(&r.body, "token");
    clock.advance(Duration::from_secs(61));
    let r = open(
        &server,
        reqwest::Method::GET,
        &format!("/v1/invites/{token}"),
        None,
    )
    .await;
    assert_eq!(r.body["status"], "expired", "{}", r.text);
    let r = open(
        &server,
        reqwest::Method::POST,
        &format!("/v1/invites/{token}/accept"),
        Some(&json!({"nick": "late"})),
    )
    .await;
    r.expect_error(410, "invite_expired");
}
