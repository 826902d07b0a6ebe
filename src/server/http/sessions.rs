//! Access tokens and who they act as: minting the JWT of a login session (`server::jwt`),
//! checking a presented one, and the routes that read the caller:
//!
//! - `GET /v1/me`: the caller's account and address (API key and/or session).
//! - `GET /v1/auth/sessions?include_revoked=`, `POST /v1/auth/sessions/revoke
//!   {session_id}`, `POST /v1/auth/logout-all`: the signed-in person's sessions (an access
//!   token is required; another person's session is 404). Ending a session revokes the API
//!   key minted for it.
//!
//! A presented access token is valid when its signature is the database key's, it has not
//! expired, and it is still its session's current token (the store keeps that token's
//! hash): logout, revocation and refresh end a token before its `exp`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::{get, post};

use super::AppState;
use super::accounts::account_view;
use super::auth::{end_login_session, unauthorized};
use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use super::typed::{RequestBody, Typed, not_blank};
use crate::protocol::Timestamp;
use crate::protocol::auth::AccessClaims;
use crate::protocol::session::{
    LogoutAllRequest, LogoutAllResponse, MeAccount, MeResponse, RevokeSessionRequest,
    RevokeSessionResponse, SessionView, SessionsResponse,
};
use crate::server::engine::directory::{Caller, hash_secret};
use crate::server::jwt;
use crate::server::store::AccountRow;
use crate::server::store::auth::{SessionRow, TokenPair};

const REFRESH_TTL_SECONDS: i64 = 30 * 24 * 3600;
const REFRESH_PREFIX: &str = "axme_rt_";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me", get(me))
        .route("/v1/auth/sessions", get(list_sessions))
        .route("/v1/auth/sessions/revoke", post(revoke_session))
        .route("/v1/auth/logout-all", post(logout_all))
}

/// Seconds an access token lives: 15 minutes, or `AXME_SESSION_ACCESS_TTL` (tests).
fn access_ttl() -> i64 {
    std::env::var("AXME_SESSION_ACCESS_TTL")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(900)
}

fn random_token(prefix: &str) -> String {
    let mut buf = [0u8; 32];
    rand::fill(&mut buf[..]);
    format!("{prefix}{}", hex::encode(buf))
}

/// The bearer value of `Authorization`, if any.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// What client a request comes from, for the session list: `X-Axme-Client`, else the
/// `User-Agent` (at most 120 characters).
pub(super) fn client_of(headers: &HeaderMap) -> Option<String> {
    ["x-axme-client", "user-agent"]
        .iter()
        .filter_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(|v| v.chars().take(120).collect())
}

/// Whose session a token is minted for.
pub(super) struct Identity {
    pub session_id: String,
    pub user_id: String,
    pub email: String,
    pub sa_id: String,
}

impl Identity {
    pub fn of(session: &SessionRow) -> Identity {
        Identity {
            session_id: session.session_id.clone(),
            user_id: session.user_id.clone(),
            email: session.email.clone(),
            sa_id: session.sa_id.clone(),
        }
    }

    /// No one's (a pair to offer a rotation that is going to refuse).
    pub fn nobody() -> Identity {
        Identity {
            session_id: String::new(),
            user_id: String::new(),
            email: String::new(),
            sa_id: String::new(),
        }
    }
}

/// A fresh token pair: the tokens to hand out and the hashes to store.
pub(super) struct Minted {
    pub access: String,
    pub refresh: String,
    pub pair: TokenPair,
    pub expires_in: u64,
}

/// A new access token (JWT) and refresh token for `who`'s session.
pub(super) fn mint(app: &AppState, who: &Identity) -> Minted {
    let now_ms = app.now().unix_ms();
    let now = now_ms.div_euclid(1000);
    let ttl = access_ttl();
    // `exp` is whole seconds: rounding the start up gives a token at least its full life
    // (a 1-second token minted at .9 would otherwise be dead a tenth of a second later).
    let exp = (now_ms + 999).div_euclid(1000) + ttl;
    let account = app.directory.account(&who.sa_id);
    let claims = AccessClaims {
        iss: jwt::ISSUER.into(),
        aud: jwt::AUDIENCE.into(),
        sub: who.user_id.clone(),
        sid: who.session_id.clone(),
        jti: uuid::Uuid::new_v4().simple().to_string(),
        iat: now,
        nbf: Some(now),
        exp,
        scope: jwt::SCOPE.into(),
        email: Some(who.email.clone()).filter(|e| !e.is_empty()),
        actor_id: Some(who.user_id.clone()).filter(|u| !u.is_empty()),
        org_id: account.as_ref().map(|a| a.org_id.clone()),
        workspace_id: account.as_ref().map(|a| a.workspace_id.clone()),
        owner_agent: account.as_ref().map(|a| app.directory.address_of(a)),
        roles: account
            .as_ref()
            .map(|a| vec![a.role.as_str().to_string()])
            .unwrap_or_default(),
    };
    let access = app.signer.sign(&claims);
    let refresh = random_token(REFRESH_PREFIX);
    let pair = TokenPair {
        access_hash: hash_secret(&access),
        access_expires_at: exp,
        refresh_hash: hash_secret(&refresh),
        refresh_expires_at: now + REFRESH_TTL_SECONDS,
    };
    Minted {
        access,
        refresh,
        pair,
        expires_in: ttl.unsigned_abs(),
    }
}

/// The live session of an access token; 401 `invalid_actor_token` when it is not one
/// (not ours, expired, revoked, or replaced by a refresh).
pub(super) async fn session_of(app: &AppState, token: &str) -> ApiResult<SessionRow> {
    let invalid = || {
        unauthorized(
            "invalid_actor_token",
            "the access token is invalid, expired or revoked",
        )
    };
    let now = app.now().unix_seconds();
    let claims = app.signer.verify(token, now).map_err(|_| invalid())?;
    let session = app
        .store
        .session_by_token(hash_secret(token), false)
        .await?;
    match session {
        Some(s) if !s.revoked && s.session_id == claims.sid && s.access_expires_at > now => Ok(s),
        _ => Err(invalid()),
    }
}

/// Who a request's credentials act as: its API key's caller (when a key was sent), its
/// session (when an access token was sent), and the account that speaks (the key's, else
/// the session's).
pub(super) struct Who {
    pub caller: Option<Caller>,
    pub session: Option<SessionRow>,
    pub account: AccountRow,
}

pub(super) async fn who(app: &AppState, headers: &HeaderMap) -> ApiResult<Who> {
    let api_key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .or_else(|| bearer(headers).filter(|t| !jwt::looks_like_jwt(t)));
    let session_token = bearer(headers).filter(|t| jwt::looks_like_jwt(t));
    let caller: Option<Caller> = match api_key {
        Some(key) => Some(app.directory.authenticate(key).map_err(|_| {
            unauthorized(
                "invalid_platform_api_key",
                "the API key is unknown or revoked",
            )
        })?),
        None => None,
    };
    let session = match session_token {
        Some(token) => Some(session_of(app, token).await?),
        None => None,
    };
    let account = match (&caller, &session) {
        (Some(c), _) => app.directory.account(&c.sa_id),
        (None, Some(s)) => app.directory.account(&s.sa_id),
        (None, None) => {
            return Err(unauthorized(
                "missing_actor_token",
                "send an API key (x-api-key) or an access token (Authorization: Bearer)",
            ));
        }
    }
    .ok_or_else(|| unauthorized("invalid_actor_token", "the account no longer exists"))?;
    Ok(Who {
        caller,
        session,
        account,
    })
}

/// The session of the request's access token: these routes act for a signed-in person
/// (401 `missing_actor_token` without one, whatever API key comes along).
pub(super) async fn actor(app: &AppState, headers: &HeaderMap) -> ApiResult<SessionRow> {
    match bearer(headers).filter(|t| jwt::looks_like_jwt(t)) {
        Some(token) => session_of(app, token).await,
        None => Err(unauthorized(
            "missing_actor_token",
            "this route needs an account session: send its access token as \
             Authorization: Bearer (axme login)",
        )),
    }
}

async fn me(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let Who {
        caller,
        session,
        account,
    } = who(&app, &headers).await?;
    let view = account_view(&app, &account);
    Ok(json_of(&MeResponse {
        ok: true,
        address: view.address.clone(),
        service_account_id: account.sa_id.clone(),
        org_id: account.org_id.clone(),
        workspace_id: account.workspace_id.clone(),
        role: account.role,
        scopes: caller.as_ref().map_or(account.role.ceiling(), |c| c.scopes),
        service_account: view,
        account: session.map(|s| MeAccount {
            user_id: s.user_id,
            email: s.email,
            session_id: s.session_id,
        }),
    }))
}

fn rfc3339(unix_seconds: i64) -> String {
    Timestamp::from_unix_ms(unix_seconds.saturating_mul(1000))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn session_view(s: &SessionRow, current: &str, now: i64) -> SessionView {
    let status = if s.revoked {
        "revoked"
    } else if s.refresh_expires_at <= now {
        "expired"
    } else {
        "active"
    };
    SessionView {
        session_id: s.session_id.clone(),
        is_current: s.session_id == current,
        status: status.into(),
        revoked: s.revoked,
        client_type: s.client.clone(),
        device_label: None,
        created_at: s.created_at.clone(),
        expires_at: rfc3339(s.refresh_expires_at),
        revoked_at: s.revoked_at.clone(),
    }
}

async fn list_sessions(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let include_revoked = match params.get("include_revoked").map(str::trim) {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return Err(ApiError::invalid_field(
                "include_revoked",
                format!("must be true or false, got '{other}'"),
            ));
        }
    };
    let me = actor(&app, &headers).await?;
    let now = app.now().unix_seconds();
    let sessions = app
        .store
        .user_sessions(me.user_id.clone())
        .await?
        .iter()
        .map(|s| session_view(s, &me.session_id, now))
        .filter(|s| include_revoked || s.status == "active")
        .collect();
    Ok(json_of(&SessionsResponse {
        ok: true,
        include_revoked,
        sessions,
    }))
}

impl RequestBody for RevokeSessionRequest {
    fn check(self, _: &serde_json::Value) -> ApiResult<Self> {
        not_blank("session_id", &self.session_id)?;
        Ok(self)
    }
}

impl RequestBody for LogoutAllRequest {}

pub(super) async fn revoke_session(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Typed<RevokeSessionRequest>,
) -> ApiResult<Response> {
    let me = actor(&app, &headers).await?;
    let (request, _) = body.decoded()?;
    let session_id = request.session_id.trim().to_string();
    // Another person's session is not told to exist.
    let target = app
        .store
        .user_sessions(me.user_id.clone())
        .await?
        .into_iter()
        .find(|s| s.session_id == session_id)
        .ok_or_else(|| ApiError::not_found("session_not_found", "no such session of yours"))?;
    let revoked = !target.revoked;
    if revoked {
        end_login_session(&app, &session_id).await?;
    }
    Ok(json_of(&RevokeSessionResponse {
        ok: true,
        session_id,
        revoked,
    }))
}

pub(super) async fn logout_all(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Typed<LogoutAllRequest>,
) -> ApiResult<Response> {
    let me = actor(&app, &headers).await?;
    body.decoded()?;
    let mut ended = Vec::new();
    for session in app.store.user_sessions(me.user_id.clone()).await? {
        if !session.revoked {
            end_login_session(&app, &session.session_id).await?;
            ended.push(session.session_id);
        }
    }
    tracing::info!(email = %me.email, sessions = ended.len(), "signed out everywhere");
    Ok(json_of(&LogoutAllResponse {
        ok: true,
        revoked: u64::try_from(ended.len()).unwrap_or(u64::MAX),
        session_ids: ended,
    }))
}
