//! Browser sign-in of the CLI (the public API's device flow, `axme login --browser`):
//!
//! - `POST /v1/auth/cli-grants` (no credentials): a grant, open `AXME_CLI_GRANT_TTL`
//!   seconds (default 600), with a `user_code` to compare and the `approval_url` of the
//!   gateway's own page (`server/approve.rs`), which carries the grant id and nothing else.
//! - `GET /v1/auth/cli-grants/{grant_id}`: `pending`; once a person approved it on that
//!   page, the first poll claims it and gets a new login session of that person (API key,
//!   access and refresh tokens, minted then and never stored in the clear), later polls 409
//!   `grant_already_used`; past its time 410 `grant_expired`; unknown 404.
//!
//! The page proves who approves with the email one-time code of `axme login` (mailed, or
//! in the log of a gateway without a relay), so the grant signs in the same account.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::sessions::client_of;
use super::sign_in::sign_in_user;
use super::typed::{RequestBody, Typed, at_most};
use crate::protocol::cli_grant::{CliGrant, CliGrantStatus, CreateCliGrantRequest};
use crate::server::store::auth::{CliGrantRow, GrantStep};

pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const CLAIMED: &str = "claimed";
const POLL_INTERVAL_SECONDS: u64 = 3;
/// The page that approves a grant (`server/approve.rs`).
pub const APPROVAL_PATH: &str = "/login/cli";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/cli-grants", post(create_grant))
        .route("/v1/auth/cli-grants/{grant_id}", get(poll_grant))
}

/// Seconds a grant stays open: 10 minutes, or `AXME_CLI_GRANT_TTL` (tests).
fn grant_ttl() -> i64 {
    std::env::var("AXME_CLI_GRANT_TTL")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(600)
}

/// `BCDF-GHJK`: eight letters a person cannot misread (no vowels, no look-alikes).
fn user_code() -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let pick = || char::from(LETTERS[rand::random_range(0..LETTERS.len())]);
    let half = || (0..4).map(|_| pick()).collect::<String>();
    format!("{}-{}", half(), half())
}

/// The gateway's own origin as the client reached it: its scheme (TLS or not) and the
/// request's `Host` (refused when it holds more than a host and port).
pub(crate) fn own_origin(app: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .ok_or_else(|| ApiError::invalid_field("Host", "must name this gateway's host"))?;
    let scheme = if app.tls.is_some() { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}

impl RequestBody for CreateCliGrantRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("client_name", self.client_name.as_deref(), 120)?;
        Ok(self)
    }
}

pub(super) async fn create_grant(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Typed<CreateCliGrantRequest>,
) -> ApiResult<Response> {
    let (request, _) = body.decoded()?;
    if app.settings.mailer.is_none() && !app.settings.log_login_codes {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "email_login_disabled",
            "policy",
            "browser sign-in is off: a grant is approved with an email sign-in code, and this \
             gateway has no mail relay and does not log codes (--smtp-url, \
             --login-codes-in-log)",
        ));
    }
    let origin = own_origin(&app, &headers)?;
    let grant_id = format!("grt_{}", uuid::Uuid::new_v4().simple());
    let ttl = grant_ttl();
    let at = app.now().to_string();
    let row = CliGrantRow {
        grant_id: grant_id.clone(),
        user_code: user_code(),
        state: PENDING.into(),
        email: None,
        client: request
            .client_name
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .or_else(|| client_of(&headers)),
        expires_at: app.now().unix_seconds() + ttl,
        created_at: at.clone(),
        updated_at: at,
    };
    app.store.create_cli_grant(row.clone()).await?;
    tracing::info!(grant_id = %grant_id, "CLI browser sign-in started");
    Ok(json_of(&CliGrant {
        ok: true,
        approval_url: format!("{origin}{APPROVAL_PATH}?grant={grant_id}"),
        grant_id,
        user_code: row.user_code,
        poll_interval: POLL_INTERVAL_SECONDS,
        expires_in: ttl.unsigned_abs(),
        state: PENDING.into(),
    }))
}

fn expired() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "grant_expired",
        "auth",
        "this sign-in request expired before it was approved; start a new one",
    )
}

fn pending(grant: &CliGrantRow, now: i64) -> CliGrantStatus {
    CliGrantStatus {
        ok: true,
        grant_id: grant.grant_id.clone(),
        state: PENDING.into(),
        expires_in: Some((grant.expires_at - now).max(0).unsigned_abs()),
        api_key: None,
        account_session_token: None,
        access_token: None,
        refresh_token: None,
        session_id: None,
        email: None,
        address: None,
        org_id: None,
        workspace_id: None,
    }
}

async fn poll_grant(
    State(app): State<AppState>,
    Path(grant_id): Path<String>,
) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("grant_not_found", "no such sign-in request");
    let grant = app
        .store
        .cli_grant(grant_id.clone())
        .await?
        .ok_or_else(not_found)?;
    let now = app.now().unix_seconds();
    match grant.state.as_str() {
        CLAIMED => Err(ApiError::conflict(
            "grant_already_used",
            "the credentials of this sign-in were already handed over; start a new one",
        )),
        _ if grant.expires_at <= now => Err(expired()),
        APPROVED => claim(&app, grant, now).await,
        _ => Ok(json_of(&pending(&grant, now))),
    }
}

/// The first poll after the approval: claims the grant (once, atomically), then signs its
/// person in as `verify` would.
async fn claim(app: &AppState, grant: CliGrantRow, now: i64) -> ApiResult<Response> {
    let claimed = app
        .store
        .step_cli_grant(GrantStep {
            grant_id: grant.grant_id.clone(),
            from: APPROVED.into(),
            to: CLAIMED.into(),
            email: None,
            now,
            at: app.now().to_string(),
        })
        .await?;
    let Some(claimed) = claimed else {
        // Another poll claimed it (or it expired) between the read and the step.
        return Err(ApiError::conflict(
            "grant_already_used",
            "the credentials of this sign-in were already handed over; start a new one",
        ));
    };
    let email = claimed.email.clone().unwrap_or_default();
    let user = app
        .store
        .user_by_email(email)
        .await?
        .ok_or_else(|| ApiError::internal("the approving account is gone"))?;
    let signed_in = sign_in_user(app, &user, claimed.client.clone()).await?;
    tracing::info!(grant_id = %claimed.grant_id, email = %user.email, "CLI browser sign-in approved and collected");
    let t = signed_in.tokens;
    Ok(json_of(&CliGrantStatus {
        ok: true,
        grant_id: claimed.grant_id,
        state: APPROVED.into(),
        expires_in: None,
        api_key: t.api_key,
        account_session_token: t.account_session_token,
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        session_id: t.session_id,
        email: t.email,
        address: t.address,
        org_id: t.org_id,
        workspace_id: t.workspace_id,
    }))
}
