//! Accounts and sessions (issue 12): access tokens are JWTs whose `exp` a client can read,
//! still ended at once by logout, revocation and refresh; `GET /v1/me`; a person's session
//! list, revoking one, signing out everywhere; every 4xx with the spec's error body.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Resp, TestServer, db_path, temp_dir};
use crate::server_authz::{logged_code, login};

/// One request with a bearer token (and optionally an API key).
pub(crate) async fn bearer_call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Resp {
    let mut req = server
        .http
        .request(method, server.endpoint(path))
        .header("Authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        req = req.json(body);
    }
    Resp::read(req.send().await.expect("request")).await
}

/// A JWT's header and claims, read as any client would (no signature check).
fn decode(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWT: {token}");
    let part = |p: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).expect("base64url")).expect("JSON")
    };
    (part(parts[0]), part(parts[1]))
}

fn access(login: &Value) -> String {
    login["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// Signs in with `client` as `X-Axme-Client` of the verify request.
async fn login_as_client(server: &TestServer, email: &str, client: &str) -> Value {
    let r = server
        .post("/v1/auth/login-intent", "", &json!({ "email": email }))
        .await;
    r.expect_ok();
    let login_id = r.body["intent_id"].as_str().unwrap().to_string();
    let code = logged_code(server, &login_id).await;
    let r = server
        .http
        .post(server.endpoint(&format!("/v1/auth/login-intent/{login_id}/verify")))
        .header("X-Axme-Client", client)
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    let r = Resp::read(r).await;
    r.expect_ok();
    r.body
}

#[tokio::test]
async fn access_tokens_are_jwts_with_exp_and_end_with_their_session() {
    let server = TestServer::start();
    let signed_in = login(&server, "ada@example.com").await;
    let token = access(&signed_in);
    assert_eq!(signed_in["account_session_token"], json!(token));
    let (header, claims) = decode(&token);
    assert_eq!(header["alg"], "HS256", "{header}");
    assert_eq!(header["typ"], "JWT");
    let iat = claims["iat"].as_i64().unwrap();
    let exp = claims["exp"].as_i64().unwrap();
    // At least the full 15 minutes (exp is whole seconds, rounded up).
    assert!((900..=901).contains(&(exp - iat)), "{claims}");
    assert_eq!(signed_in["expires_in"], 900);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        iat.unsigned_abs().abs_diff(now) < 60,
        "iat {iat} vs now {now}"
    );
    assert_eq!(claims["sid"], signed_in["session_id"]);
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["scope"], "axme.api");
    assert_eq!(claims["owner_agent"], signed_in["address"]);
    assert_eq!(claims["org_id"], signed_in["org_id"]);
    assert_eq!(claims["workspace_id"], signed_in["workspace_id"]);
    assert!(
        claims["sub"].as_str().unwrap().starts_with("usr_"),
        "{claims}"
    );
    assert!(claims["jti"].is_string() && claims["aud"].is_string() && claims["iss"].is_string());

    // The token speaks for its person: /v1/me and the personal context.
    let me = bearer_call(&server, Method::GET, "/v1/me", &token, None).await;
    me.expect_ok();
    assert_eq!(me.body["address"], signed_in["address"], "{}", me.text);
    assert_eq!(me.body["service_account"]["address"], signed_in["address"]);
    assert_eq!(me.body["account"]["email"], "ada@example.com");
    assert_eq!(me.body["account"]["session_id"], signed_in["session_id"]);
    let ctx = bearer_call(
        &server,
        Method::GET,
        "/v1/portal/personal/context",
        &token,
        None,
    )
    .await;
    ctx.expect_ok();
    assert_eq!(ctx.body["account"]["access_expires_at"], json!(exp));

    // A changed claim breaks the signature; a token that is no JWT of ours is refused.
    let (_, mut forged_claims) = decode(&token);
    forged_claims["exp"] = json!(exp + 86_400);
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged_claims.to_string()),
        parts[2]
    );
    for bad in [forged.as_str(), "eyJhbGciOiJub25lIn0.e30.", "eyJ.x.y"] {
        bearer_call(&server, Method::GET, "/v1/me", bad, None)
            .await
            .expect_error(401, "invalid_actor_token");
    }

    // A refresh replaces the token: the old one ends before its exp, the new one works.
    let refreshed = server
        .post(
            "/v1/auth/refresh",
            "",
            &json!({"refresh_token": signed_in["refresh_token"]}),
        )
        .await;
    refreshed.expect_ok();
    let next = access(&refreshed.body);
    assert_eq!(decode(&next).1["sid"], signed_in["session_id"]);
    bearer_call(&server, Method::GET, "/v1/me", &token, None)
        .await
        .expect_error(401, "invalid_actor_token");
    bearer_call(&server, Method::GET, "/v1/me", &next, None)
        .await
        .expect_ok();

    // Logout ends it.
    bearer_call(
        &server,
        Method::POST,
        "/v1/auth/logout",
        &next,
        Some(&json!({})),
    )
    .await
    .expect_ok();
    bearer_call(&server, Method::GET, "/v1/me", &next, None)
        .await
        .expect_error(401, "invalid_actor_token");
}

#[tokio::test]
async fn me_answers_for_api_keys_and_refuses_without_credentials() {
    let server = TestServer::start();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "me-agent").await;
    let me = server.get("/v1/me", &agent.key).await;
    me.expect_ok();
    assert_eq!(me.body["address"], json!(agent.address), "{}", me.text);
    assert_eq!(me.body["service_account_id"], json!(agent.sa_id));
    assert_eq!(
        me.body["service_account"]["agent_address"],
        json!(agent.address)
    );
    assert_eq!(me.body["role"], "agent");
    assert!(me.body["account"].is_null(), "{}", me.text);
    let me = server.get("/v1/me", &admin).await;
    me.expect_ok();
    assert_eq!(me.body["role"], "admin");
    assert!(me.body["scopes"].as_array().is_some_and(|s| !s.is_empty()));

    server
        .call(Method::GET, "/v1/me", None, None)
        .await
        .expect_error(401, "missing_actor_token");
    server
        .get("/v1/me", "axme_sa_nosuch_0123456789abcdef")
        .await
        .expect_error(401, "invalid_platform_api_key");
}

#[tokio::test]
async fn sessions_are_listed_revoked_one_by_one_and_all_at_once() {
    let server = TestServer::start();
    let first = login_as_client(&server, "grace@example.com", "axme-cli/9.9").await;
    let second = login(&server, "grace@example.com").await;
    let other = login(&server, "linus@example.com").await;
    let (a, b, c) = (access(&first), access(&second), access(&other));
    let sid = |v: &Value| v["session_id"].as_str().unwrap().to_string();

    let list = bearer_call(&server, Method::GET, "/v1/auth/sessions", &a, None).await;
    list.expect_ok();
    assert_eq!(list.body["include_revoked"], false);
    let sessions = list.body["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{}", list.text);
    let mine = sessions
        .iter()
        .find(|s| s["session_id"] == json!(sid(&first)))
        .unwrap();
    assert_eq!(mine["is_current"], true);
    assert_eq!(mine["status"], "active");
    assert_eq!(mine["client_type"], "axme-cli/9.9");
    assert!(mine["created_at"].is_string() && mine["expires_at"].is_string());
    assert!(mine["revoked_at"].is_null());
    let theirs = sessions
        .iter()
        .find(|s| s["session_id"] == json!(sid(&second)))
        .unwrap();
    assert_eq!(theirs["is_current"], false);

    // An access token is required; a key is not a person.
    let key = first["api_key"].as_str().unwrap();
    server
        .get("/v1/auth/sessions", key)
        .await
        .expect_error(401, "missing_actor_token");
    server
        .call(Method::POST, "/v1/auth/logout-all", None, Some(&json!({})))
        .await
        .expect_error(401, "missing_actor_token");
    bearer_call(&server, Method::GET, "/v1/auth/sessions", "eyJ.x.y", None)
        .await
        .expect_error(401, "invalid_actor_token");
    bearer_call(
        &server,
        Method::GET,
        "/v1/auth/sessions?include_revoked=maybe",
        &a,
        None,
    )
    .await
    .expect_error(422, "schema_invalid");

    // Revoking: not another person's session, not without an id.
    let revoke = |token: String, body: Value| {
        let server = &server;
        async move {
            bearer_call(
                server,
                Method::POST,
                "/v1/auth/sessions/revoke",
                &token,
                Some(&body),
            )
            .await
        }
    };
    revoke(a.clone(), json!({"session_id": sid(&other)}))
        .await
        .expect_error(404, "session_not_found");
    revoke(a.clone(), json!({}))
        .await
        .expect_error(422, "schema_invalid");
    let r = revoke(a.clone(), json!({"session_id": sid(&second)})).await;
    r.expect_ok();
    assert_eq!(r.body["revoked"], true);
    assert_eq!(r.body["session_id"], json!(sid(&second)));
    // The revoked session's token and key stop at once.
    bearer_call(&server, Method::GET, "/v1/me", &b, None)
        .await
        .expect_error(401, "invalid_actor_token");
    server
        .get("/v1/intents", second["api_key"].as_str().unwrap())
        .await
        .expect_error(401, "invalid_platform_api_key");
    let again = revoke(a.clone(), json!({"session_id": sid(&second)})).await;
    again.expect_ok();
    assert_eq!(again.body["revoked"], false);

    let list = bearer_call(&server, Method::GET, "/v1/auth/sessions", &a, None).await;
    assert_eq!(
        list.body["sessions"].as_array().unwrap().len(),
        1,
        "{}",
        list.text
    );
    let all = bearer_call(
        &server,
        Method::GET,
        "/v1/auth/sessions?include_revoked=true",
        &a,
        None,
    )
    .await;
    let all = all.body["sessions"].as_array().unwrap().clone();
    assert_eq!(all.len(), 2);
    let ended = all
        .iter()
        .find(|s| s["session_id"] == json!(sid(&second)))
        .unwrap();
    assert_eq!(ended["status"], "revoked");
    assert_eq!(ended["revoked"], true);
    assert!(ended["revoked_at"].is_string());

    // Everywhere: the current session too; another person's stays.
    let out = bearer_call(
        &server,
        Method::POST,
        "/v1/auth/logout-all",
        &a,
        Some(&json!({})),
    )
    .await;
    out.expect_ok();
    assert_eq!(out.body["revoked"], 1, "{}", out.text);
    assert_eq!(out.body["session_ids"], json!([sid(&first)]));
    bearer_call(&server, Method::GET, "/v1/auth/sessions", &a, None)
        .await
        .expect_error(401, "invalid_actor_token");
    server
        .get("/v1/intents", key)
        .await
        .expect_error(401, "invalid_platform_api_key");
    bearer_call(&server, Method::GET, "/v1/auth/sessions", &c, None)
        .await
        .expect_ok();
}

#[tokio::test]
async fn a_token_outlives_a_restart_and_expires_on_time() {
    let dir = temp_dir();
    let path = db_path(&dir);
    let server = TestServer::start_with_db(&path);
    let signed_in = login(&server, "ken@example.com").await;
    let token = access(&signed_in);
    drop(server);
    // The signing key is the database's: the token still reads after a restart.
    let server = TestServer::start_with_db(&path);
    bearer_call(&server, Method::GET, "/v1/me", &token, None)
        .await
        .expect_ok();
    drop(server);

    // A 1-second token is refused once its exp passed; the refresh token still works.
    let server = TestServer::start_with(
        &["--ephemeral"],
        &[("AXME_SESSION_ACCESS_TTL", Path::new("1"))],
    );
    let signed_in = login(&server, "ken@example.com").await;
    let token = access(&signed_in);
    let (_, claims) = decode(&token);
    let life = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert!((1..=2).contains(&life), "{claims}");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    bearer_call(&server, Method::GET, "/v1/me", &token, None)
        .await
        .expect_error(401, "invalid_actor_token");
    server
        .post(
            "/v1/auth/refresh",
            "",
            &json!({"refresh_token": signed_in["refresh_token"]}),
        )
        .await
        .expect_ok();
}
