//! Email one-time-code login (the public API's `/v1/auth/*`), so `axme login --base-url URL`
//! works against a self-hosted gateway.
//!
//! - `POST /v1/auth/login-intent {email}`: makes a 6-digit code, valid 10 minutes, at most 5
//!   tries. With `--smtp-url` the code is mailed (`delivery: "email"`; the log only says it
//!   was sent; a failed send answers 502/503 `mail_delivery_failed`). Without it the code is
//!   written to the server log at info level (`delivery: "server_log"`: only whoever runs
//!   the server can read it, which is who should log in locally).
//! - `POST /v1/auth/login-intent/{id}/verify {code}`: single use. Creates the user (a service
//!   account `user-…` of the default workspace) on first login, mints an API key for this
//!   session, and returns it with an access token (15 min) and a refresh token (30 days).
//! - `POST /v1/auth/refresh {refresh_token}`: rotates the pair; presenting a refresh token a
//!   second time ends the session.
//! - `POST /v1/auth/logout`: ends the session (by bearer or refresh token) and revokes its key.
//!
//! Access tokens are JWTs (`server::jwt`, minted in `http/sessions.rs`); refresh tokens are
//! random (`axme_rt_…`); both are stored hashed. `AXME_SESSION_ACCESS_TTL` (seconds)
//! shortens the access token's life for tests. Who a token acts as, the session list and
//! revocation live in `http/sessions.rs`; checking a code and minting a session,
//! `http/sign_in.rs`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::sessions::{Identity, bearer, client_of, mint};
use super::sign_in::{code_hash, login_refused, sign_in_with_code};
use super::typed::{RequestBody, Typed, not_blank};
use crate::protocol::auth::{
    LoginIntent, LoginIntentRequest, LoginTokens, LogoutRequest, LogoutResponse, RefreshRequest,
    VerifyRequest,
};
use crate::server::engine::directory::hash_secret;
use crate::server::mail::{MailError, Mailer};
use crate::server::store::auth::{LoginCodeRow, Rotation};

const CODE_TTL_SECONDS: i64 = 600;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/login-intent", post(login_intent))
        .route("/v1/auth/login-intent/{login_id}/verify", post(verify))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
}

fn unix_now(app: &AppState) -> i64 {
    app.now().unix_seconds()
}

impl RequestBody for LoginIntentRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        not_blank("email", &self.email)?;
        Ok(self)
    }
}

impl RequestBody for VerifyRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        not_blank("code", &self.code)?;
        Ok(self)
    }
}

impl RequestBody for RefreshRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        not_blank("refresh_token", &self.refresh_token)?;
        Ok(self)
    }
}

impl RequestBody for LogoutRequest {}

pub(super) fn unauthorized(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, "auth", message)
}

pub(super) async fn login_intent(
    State(app): State<AppState>,
    body: Typed<LoginIntentRequest>,
) -> ApiResult<Response> {
    let (request, _) = body.decoded()?;
    Ok(json_of(&send_login_code(&app, &request.email).await?))
}

/// Makes a one-time code for `email` and mails (or logs) it: `login-intent`, and the CLI
/// approval page (`server/approve.rs`).
pub(crate) async fn send_login_code(app: &AppState, email: &str) -> ApiResult<LoginIntent> {
    let email = email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !email.chars().any(char::is_whitespace);
    if !plausible {
        return Err(ApiError::invalid_field("email", "is not an email address"));
    }
    if app.settings.mailer.is_none() && !app.settings.log_login_codes {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "email_login_disabled",
            "policy",
            "email sign-in is off: this gateway has no mail relay, and it writes codes to its \
             log only when it listens on loopback (or with --login-codes-in-log)",
        ));
    }
    let login_id = uuid::Uuid::new_v4().to_string();
    app.login_guard
        .issue(&email, &login_id)
        .map_err(login_refused)?;
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let expires_at = unix_now(app) + CODE_TTL_SECONDS;
    // Stored before it is mailed, so the code works as soon as the mail arrives.
    app.store
        .create_login_code(LoginCodeRow {
            login_id: login_id.clone(),
            email: email.clone(),
            code_hash: code_hash(&login_id, &code),
            expires_at,
            created_at: app.now().to_string(),
        })
        .await?;
    let delivery = match &app.settings.mailer {
        Some(mailer) => {
            mail_code(mailer, &email, &login_id, &code, expires_at).await?;
            "email"
        }
        None => {
            // No SMTP: the operator reads the code from the log (local use).
            tracing::info!(
                %email,
                login_id = %login_id,
                "LOGIN CODE {code} for {email} (valid 10 minutes; SMTP is not configured, so it is only logged here)"
            );
            "server_log"
        }
    };
    Ok(LoginIntent {
        delivery: Some(delivery.into()),
        expires_in: Some(CODE_TTL_SECONDS.unsigned_abs()),
        intent_id: login_id,
        ok: true,
    })
}

/// Mails the code (bounded by `mail::SEND_TIMEOUT`). A failure answers 502 (refused for
/// good) or 503 (try later) with `mail_delivery_failed`; neither the body nor the log
/// carries the code, and the stored code simply expires unused.
async fn mail_code(
    mailer: &Mailer,
    email: &str,
    login_id: &str,
    code: &str,
    expires_at: i64,
) -> ApiResult<()> {
    let until = chrono::DateTime::from_timestamp(expires_at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    match mailer
        .send_login_code(email, code, CODE_TTL_SECONDS / 60, &until)
        .await
    {
        Ok(()) => {
            tracing::info!(%email, login_id, via = mailer.endpoint(), "login code sent to {email}");
            Ok(())
        }
        Err(MailError::BadRecipient) => {
            Err(ApiError::invalid_field("email", "cannot receive mail"))
        }
        Err(err) => {
            tracing::warn!(%email, login_id, via = mailer.endpoint(), error = %err, "could not mail the login code");
            let (status, retryable) = match err {
                MailError::Refused(_) => (StatusCode::BAD_GATEWAY, false),
                _ => (StatusCode::SERVICE_UNAVAILABLE, true),
            };
            let mut refusal = ApiError::new(
                status,
                "mail_delivery_failed",
                "transport",
                format!("could not mail the login code to {email}: {err}"),
            );
            refusal.body.error.retryable = retryable;
            Err(refusal)
        }
    }
}

pub(super) async fn verify(
    State(app): State<AppState>,
    Path(login_id): Path<String>,
    headers: HeaderMap,
    body: Typed<VerifyRequest>,
) -> ApiResult<Response> {
    let (request, _) = body.decoded()?;
    let signed_in =
        sign_in_with_code(&app, &login_id, request.code.trim(), client_of(&headers)).await?;
    Ok(json_of(&signed_in.tokens))
}

pub(super) async fn refresh(
    State(app): State<AppState>,
    body: Typed<RefreshRequest>,
) -> ApiResult<Response> {
    let (request, _) = body.decoded()?;
    let presented = hash_secret(request.refresh_token.trim());
    // The new access token names its session, so the session is looked up first; the
    // rotation itself is the store's read-check-write (a token used meanwhile is refused
    // there, and a reused one ends its session there).
    let current = app.store.session_by_token(presented, true).await?;
    let minted = match &current {
        Some(s) => mint(&app, &Identity::of(s)),
        None => mint(&app, &Identity::nobody()),
    };
    match app
        .store
        .rotate_refresh(presented, minted.pair, app.now())
        .await?
    {
        Rotation::Rotated(session)
            if current
                .as_ref()
                .is_some_and(|c| c.session_id == session.session_id) =>
        {
            Ok(json_of(&LoginTokens {
                access_token: Some(minted.access.clone()),
                account_session_token: Some(minted.access),
                expires_in: Some(minted.expires_in),
                ok: true,
                refresh_token: Some(minted.refresh),
                session_id: Some(session.session_id),
                token_type: Some("Bearer".into()),
                ..LoginTokens::default()
            }))
        }
        Rotation::Reused => {
            tracing::warn!("a used refresh token was presented again; its session is ended");
            Err(unauthorized(
                "refresh_token_reused",
                "this refresh token was already used; the session is ended — sign in again",
            ))
        }
        Rotation::Rotated(_) | Rotation::Invalid => Err(unauthorized(
            "invalid_refresh_token",
            "the refresh token is unknown, expired or its session ended — sign in again",
        )),
    }
}

pub(super) async fn logout(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Typed<LogoutRequest>,
) -> ApiResult<Response> {
    let (request, _) = body.decoded()?;
    let mut session = None;
    if let Some(token) = bearer(&headers).filter(|t| crate::server::jwt::looks_like_jwt(t)) {
        session = app
            .store
            .session_by_token(hash_secret(token), false)
            .await?;
    }
    if session.is_none()
        && let Some(token) = request.refresh_token.as_deref()
    {
        session = app
            .store
            .session_by_token(hash_secret(token.trim()), true)
            .await?;
    }
    let Some(session) = session else {
        return Ok(json_of(&LogoutResponse {
            ok: true,
            revoked: false,
            session_id: None,
        }));
    };
    end_login_session(&app, &session.session_id).await?;
    Ok(json_of(&LogoutResponse {
        ok: true,
        revoked: true,
        session_id: Some(session.session_id),
    }))
}

/// Revokes a login session and the key minted for it (logout, console sign-out).
pub(crate) async fn end_login_session(app: &AppState, session_id: &str) -> ApiResult<()> {
    let session = app
        .store
        .revoke_session(session_id.to_string(), app.now())
        .await?;
    if let Some(session) = &session {
        session_revoked(app, session).await;
    }
    if let Some(session) = session
        && let Some(key_id) = &session.key_id
        && let Some(key) = app
            .store
            .revoke_key(session.sa_id.clone(), key_id.clone(), app.now().to_string())
            .await?
    {
        app.directory.replace_key(key);
    }
    Ok(())
}

/// `auth.session_revoked` for the webhook subscribers of the session's account. Best
/// effort: the sign-out stands even if the event cannot be stored.
async fn session_revoked(app: &AppState, session: &crate::server::store::auth::SessionRow) {
    let Some(account) = app.directory.account(&session.sa_id) else {
        return;
    };
    let owner = app.directory.address_of(&account);
    let payload = json!({
        "session_id": session.session_id,
        "service_account_id": session.sa_id,
        "email": session.email,
        "address": owner,
        "revoked_at": app.now(),
    });
    let engine = app.engine.clone();
    let raised = app
        .store
        .run(move |tx| {
            crate::server::engine::webhooks::notify(
                &engine,
                tx,
                &account.workspace_id,
                &owner,
                crate::protocol::webhook::AUTH_SESSION_REVOKED,
                payload,
            )
        })
        .await;
    if let Err(e) = raised {
        tracing::warn!(error = %e, "could not raise auth.session_revoked");
    }
}
