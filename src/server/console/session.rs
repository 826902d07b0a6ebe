//! Console sessions: sign-in (an API key, or the gateway's email code), the cookie, the
//! CSRF token, sign-out, and the proxy that lets a session call the `/v1` API as its key.
//!
//! The cookie holds a random token (`axme_cs_…`); the store keeps only its SHA-256 hash.
//! The CSRF token is a hash of the session token under another label: a page that can
//! read `GET /ui/session` (same origin only) learns it, a cross-site form cannot.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::server::engine::directory::{Caller, hash_secret};
use crate::server::http::AppState;
use crate::server::http::error::{ApiError, ApiResult};
use crate::server::http::extract::{JsonBody, json_value};
use crate::server::http::throttle::{Authenticated, ClientAddr};
use crate::server::store::auth::ConsoleSessionRow;

pub const COOKIE: &str = "axme_console";
pub const API_PROXY_ROUTE: &str = "/ui/api/{*rest}";
const API_PREFIX: &str = "/ui/api";
const TOKEN_PREFIX: &str = "axme_cs_";
const CSRF_HEADER: &str = "x-csrf-token";
/// A console session lasts a working day; signing in again is cheap.
const SESSION_TTL_SECONDS: i64 = 12 * 3600;

/// A live session and the key it acts as.
pub struct Session {
    pub row: ConsoleSessionRow,
    pub caller: Caller,
    token: String,
}

impl Session {
    fn csrf(&self) -> String {
        csrf_of(&self.token)
    }
}

fn csrf_of(token: &str) -> String {
    hex::encode(hash_secret(&format!("console-csrf:{token}")))
}

/// The session token of the request's cookie, if it carries one of ours.
fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| value.starts_with(TOKEN_PREFIX))
}

/// The request's live session: known, not revoked, not expired, and its key still active.
pub async fn current(app: &AppState, headers: &HeaderMap) -> ApiResult<Option<Session>> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
    let Some(row) = app.store.console_session(hash_secret(token)).await? else {
        return Ok(None);
    };
    if row.revoked || row.expires_at <= app.now().unix_seconds() {
        return Ok(None);
    }
    let Ok(caller) = app.directory.caller_of_key(&row.sa_id, &row.key_id) else {
        return Ok(None);
    };
    Ok(Some(Session {
        row,
        caller,
        token: token.to_string(),
    }))
}

fn session_required() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "console_session_required",
        "auth",
        "sign in to the console first (/ui/sign-in)",
    )
}

fn forbidden(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, "auth", message)
}

/// A state-changing request must come from the console's own origin (when the browser
/// says where it comes from) and carry the session's CSRF token.
fn check_csrf(session: &Session, headers: &HeaderMap) -> ApiResult<()> {
    same_origin(headers)?;
    let presented = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Compared as hashes, so the time taken says nothing about the token.
    if hash_secret(presented) != hash_secret(&session.csrf()) {
        return Err(forbidden(
            "csrf_token_invalid",
            "this request changes state and needs the console's x-csrf-token header",
        ));
    }
    Ok(())
}

/// Refuses a request whose `Origin` names another site than the `Host` it was sent to.
fn same_origin(headers: &HeaderMap) -> ApiResult<()> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.trim_end_matches('/'));
    if origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
        return Err(forbidden(
            "cross_origin_refused",
            "the console accepts changes only from its own pages",
        ));
    }
    Ok(())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What the console page learns about its session.
fn describe_session(session: &Session) -> Value {
    let caller = &session.caller;
    json!({
        "ok": true,
        "session_id": session.row.session_id,
        "expires_at": session.row.expires_at,
        "csrf_token": session.csrf(),
        "email_login": session.row.login_session_id.is_some(),
        "principal": {
            "address": caller.address,
            "name": caller.name,
            "service_account_id": caller.sa_id,
            "role": caller.role,
            "scopes": caller.scopes,
            "org": caller.org_slug,
            "workspace": caller.workspace_slug,
            "workspace_id": caller.workspace_id,
        },
    })
}

pub async fn describe(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let session = current(&app, &headers)
        .await?
        .ok_or_else(session_required)?;
    let mut response = json_value(&describe_session(&session));
    super::pages::no_store(response.headers_mut());
    Ok(response)
}

fn cookie(app: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if app.tls.is_some() { "; Secure" } else { "" };
    let text =
        format!("{COOKIE}={value}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

/// `POST /ui/session`: `{api_key}` or `{login_id, code}` (after `POST
/// /v1/auth/login-intent`). Answers the session's description and sets the cookie.
pub async fn sign_in(
    State(app): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    same_origin(&headers)?;
    let text = |field: &str| {
        body.get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let (caller, login_session_id) = if let Some(key) = text("api_key") {
        let caller = app.directory.authenticate(key).map_err(|_| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_platform_api_key",
                "auth",
                "the API key is unknown or revoked",
            )
        })?;
        (caller, None)
    } else if let (Some(login_id), Some(code)) = (text("login_id"), text("code")) {
        let signed_in = crate::server::http::sign_in::sign_in_with_code(
            &app,
            login_id,
            code,
            Some("web console".into()),
        )
        .await?;
        let caller = app
            .directory
            .caller_of_key(&signed_in.sa_id, &signed_in.key_id)
            .map_err(|_| ApiError::internal("the key of a new sign-in is missing"))?;
        (caller, Some(signed_in.session_id))
    } else {
        return Err(ApiError::invalid_field(
            "api_key",
            "send an API key, or a login_id and the code it was sent",
        ));
    };
    let mut secret = [0u8; 32];
    rand::fill(&mut secret[..]);
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    let row = ConsoleSessionRow {
        session_hash: hash_secret(&token),
        session_id: format!("cs_{}", uuid::Uuid::new_v4().simple()),
        sa_id: caller.sa_id.clone(),
        key_id: caller.key_id.clone(),
        login_session_id,
        expires_at: app.now().unix_seconds() + SESSION_TTL_SECONDS,
        created_at: app.now().to_string(),
        revoked: false,
    };
    app.store.create_console_session(row.clone()).await?;
    tracing::info!(session_id = %row.session_id, account = %caller.address, "console signed in");
    let session = Session { row, caller, token };
    let mut response = json_value(&describe_session(&session));
    let headers = response.headers_mut();
    headers.insert(
        header::SET_COOKIE,
        cookie(&app, &session.token, SESSION_TTL_SECONDS),
    );
    super::pages::no_store(headers);
    Ok(response)
}

/// `POST /ui/sign-out`: revokes the session (and an email sign-in's key) and clears the
/// cookie. Without a live session there is nothing to end.
pub async fn sign_out(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let revoked = match current(&app, &headers).await? {
        Some(session) => {
            check_csrf(&session, &headers)?;
            app.store
                .revoke_console_session(session.row.session_hash, app.now())
                .await?;
            if let Some(login) = &session.row.login_session_id {
                crate::server::http::auth::end_login_session(&app, login).await?;
            }
            tracing::info!(session_id = %session.row.session_id, "console signed out");
            true
        }
        None => false,
    };
    let mut response = json_value(&json!({ "ok": true, "revoked": revoked }));
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, cookie(&app, "", 0));
    super::pages::no_store(headers);
    Ok(response)
}

/// `/ui/api/v1/…`: the `/v1` API as the session's key. The request's own credentials
/// (headers, cookie) are dropped; a change needs the CSRF token.
pub async fn api_proxy(app: AppState, api: Router, request: Request) -> Response {
    match forward(&app, request).await {
        Ok(request) => match api.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        },
        Err(error) => error.into_response(),
    }
}

async fn forward(app: &AppState, request: Request) -> ApiResult<Request> {
    let session = current(app, request.headers())
        .await?
        .ok_or_else(session_required)?;
    if !is_safe(request.method()) {
        check_csrf(&session, request.headers())?;
    }
    let rest = request
        .uri()
        .path_and_query()
        .map_or("", |p| p.as_str())
        .strip_prefix(API_PREFIX)
        .unwrap_or("");
    if !rest.starts_with("/v1/") {
        return Err(crate::server::http::not_found().await);
    }
    let uri: Uri = rest
        .parse()
        .map_err(|_| ApiError::invalid_field("path", "not a valid request path"))?;
    // A fresh request: the proxy route's own path parameters must not reach the API's
    // router; only the client's address (rate limits) and the session's key go along.
    let (parts, body) = request.into_parts();
    let mut forwarded = Request::new(body);
    *forwarded.method_mut() = parts.method;
    *forwarded.uri_mut() = uri;
    *forwarded.version_mut() = parts.version;
    *forwarded.headers_mut() = parts.headers;
    let headers = forwarded.headers_mut();
    for name in [header::COOKIE, header::AUTHORIZATION] {
        headers.remove(name);
    }
    headers.remove("x-api-key");
    let extensions = forwarded.extensions_mut();
    if let Some(client) = parts.extensions.get::<ClientAddr>() {
        extensions.insert(*client);
    }
    extensions.insert(Authenticated(session.caller));
    Ok(forwarded)
}
