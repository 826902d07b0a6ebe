//! Invites (spec §9.6). An admin creates one for its workspace (`owner_agent`: who
//! invites); the answer holds a random token (`inv_` and 40 hex digits) shown only then:
//! the gateway keeps its SHA-256, as it does for API keys. Whoever holds the token reads
//! the invite (`GET /v1/invites/{token}`) and accepts it with a nick, without a key of
//! their own: accepting makes, in one transaction, a `member` account of the inviter's
//! workspace named after the nick, its first API key (in the answer, once), its profile in
//! the nick registry, the invite's accepted state (an invite is accepted once: 409 after)
//! and the `invite.accepted` webhook event for the inviter's subscriptions. An expired
//! invite answers 410; an unknown token 404, as does a token of the wrong shape.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::typed::{RequestBody, Typed, within};
use super::users::{chars_within, checked_nick};
use super::{AppState, owner};
use crate::protocol::Timestamp;
use crate::protocol::access::Role;
use crate::protocol::invite::{
    AcceptInviteRequest, AcceptInviteResponse, CreateInviteRequest, CreateInviteResponse,
    DEFAULT_TTL_SECONDS, InviteResponse, InviteStatus, MAX_TTL_SECONDS, MIN_TTL_SECONDS,
};
use crate::protocol::user::{Nick, public_address};
use crate::protocol::webhook::INVITE_ACCEPTED;
use crate::server::engine::directory::{Caller, NewKey, new_account_id, new_key};
use crate::server::engine::{access, webhooks};
use crate::server::store::invites::InviteRow;
use crate::server::store::users::ProfileRow;
use crate::server::store::{AccountRow, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/invites/create", post(create))
        .route("/v1/invites/{token}", get(read))
        .route("/v1/invites/{token}/accept", post(accept))
}

const TOKEN_PREFIX: &str = "inv_";

/// The gateway's own URL as the request reached it (`Host`), for links in answers.
pub(super) fn gateway_url(app: &AppState, headers: &HeaderMap) -> String {
    let scheme = if app.tls.is_some() { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes[..]);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

fn not_found() -> ApiError {
    ApiError::not_found("invite_not_found", "no such invite")
}

/// A token of our shape, or 404 (nothing else names an invite).
fn checked_token(raw: &str) -> ApiResult<String> {
    let ok = raw
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|h| h.len() == 40 && h.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(not_found())
    }
}

impl RequestBody for CreateInviteRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        chars_within("owner_agent", Some(&self.owner_agent), 3, 255)?;
        chars_within("recipient_hint", self.recipient_hint.as_deref(), 1, 255)?;
        within(
            "ttl_seconds",
            self.ttl_seconds,
            MIN_TTL_SECONDS,
            MAX_TTL_SECONDS,
        )?;
        Ok(self)
    }
}

impl RequestBody for AcceptInviteRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        checked_nick("nick", &self.nick)?;
        chars_within("display_name", self.display_name.as_deref(), 1, 120)?;
        Ok(self)
    }
}

fn stamp(raw: &str) -> Timestamp {
    raw.parse()
        .unwrap_or_else(|_| Timestamp::from_unix_ms(0).unwrap_or_else(Timestamp::now))
}

fn status(row: &InviteRow, now: Timestamp) -> InviteStatus {
    if row.accepted_at.is_some() {
        InviteStatus::Accepted
    } else if now >= stamp(&row.expires_at) {
        InviteStatus::Expired
    } else {
        InviteStatus::Pending
    }
}

/// `POST /v1/invites/create`.
pub(super) async fn create(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Typed<CreateInviteRequest>,
) -> ApiResult<Response> {
    access::administers(&caller)?;
    let (request, _) = body.decoded()?;
    let inviter = owner::canonical(&caller, &request.owner_agent, "owner_agent")?;
    if !owner::may_act_for(&caller, &inviter) {
        return Err(ApiError::forbidden(format!(
            "{} may not invite as {inviter}: an admin invites as an agent of its workspace",
            caller.address
        )));
    }
    let token = new_token();
    let now = app.now();
    let ttl = request.ttl_seconds.unwrap_or(DEFAULT_TTL_SECONDS);
    let expires_at = now.plus_ms(i64::try_from(ttl * 1000).unwrap_or(i64::MAX));
    let recipient_hint = request.recipient_hint.map(|h| h.trim().to_string());
    let row = InviteRow {
        token_hash: token_hash(&token),
        workspace_id: caller.workspace_id.clone(),
        owner_agent: inviter.clone(),
        recipient_hint: recipient_hint.clone(),
        created_at: now.to_string(),
        expires_at: expires_at.to_string(),
        accepted_at: None,
        accepted_owner_agent: None,
        accepted_sa_id: None,
        nick: None,
    };
    app.store.run(move |tx| tx.put_invite(&row)).await?;
    Ok(json_of(&CreateInviteResponse {
        ok: true,
        invite_url: format!("{}/v1/invites/{token}", gateway_url(&app, &headers)),
        token,
        owner_agent: inviter,
        recipient_hint,
        status: InviteStatus::Pending,
        created_at: now,
        expires_at,
    }))
}

/// `GET /v1/invites/{token}` (no key: the token is the credential).
async fn read(State(app): State<AppState>, Path(raw): Path<String>) -> ApiResult<Response> {
    let token = checked_token(&raw)?;
    let hash = token_hash(&token);
    let row = app
        .store
        .run(move |tx| tx.invite(&hash))
        .await?
        .ok_or_else(not_found)?;
    let nick = row.nick.as_deref().and_then(crate::protocol::user::nick_of);
    Ok(json_of(&InviteResponse {
        ok: true,
        token,
        status: status(&row, app.now()),
        owner_agent: row.owner_agent,
        recipient_hint: row.recipient_hint,
        created_at: stamp(&row.created_at),
        expires_at: stamp(&row.expires_at),
        accepted_at: row.accepted_at.as_deref().map(stamp),
        accepted_owner_agent: row.accepted_owner_agent,
        nick: nick.as_ref().map(Nick::handle),
        public_address: nick.as_ref().map(Nick::public_address),
    }))
}

/// The account name of a nick: the nick in lower case when it is a valid name, else
/// `user-` and the nick.
fn account_name(nick: &Nick) -> String {
    if super::validate::slug("name", &nick.normalized).is_ok() {
        nick.normalized.clone()
    } else {
        format!("user-{}", nick.normalized)
    }
}

/// What accepting made.
struct Accepted {
    account: AccountRow,
    key: NewKey,
    profile: ProfileRow,
    invite: InviteRow,
    address: String,
}

/// `POST /v1/invites/{token}/accept` (no key: the token is the credential).
pub(super) async fn accept(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    body: Typed<AcceptInviteRequest>,
) -> ApiResult<Response> {
    let token = checked_token(&raw)?;
    let (request, _) = body.decoded()?;
    let nick = checked_nick("nick", &request.nick)?;
    let display_name = request.display_name.map(|d| d.trim().to_string());
    let hash = token_hash(&token);
    let job_app = app.clone();
    let wanted = nick.clone();
    let outcome = app
        .store
        .run(move |tx| {
            let app = job_app;
            let nick = wanted;
            let now = app.now();
            let Some(mut invite) = tx.invite(&hash)? else {
                return Ok(Err(not_found()));
            };
            match status(&invite, now) {
                InviteStatus::Accepted => {
                    return Ok(Err(ApiError::conflict(
                        "invite_already_accepted",
                        "this invite was accepted already; an invite is used once",
                    )));
                }
                InviteStatus::Expired => {
                    return Ok(Err(ApiError::new(
                        StatusCode::GONE,
                        "invite_expired",
                        "validation",
                        format!("this invite expired at {}", invite.expires_at),
                    )));
                }
                InviteStatus::Pending => {}
            }
            if tx.profile_by_nick(&nick.normalized)?.is_some() {
                return Ok(Err(ApiError::conflict(
                    "nick_taken",
                    format!("the nick {} is taken", nick.handle()),
                )));
            }
            let Some(workspace) = app.directory.workspace(&invite.workspace_id) else {
                return Ok(Err(not_found()));
            };
            let org_slug = app
                .directory
                .org(&workspace.org_id)
                .map(|o| o.slug)
                .unwrap_or_default();
            let at = now.to_string();
            let name = account_name(&nick);
            let account = AccountRow {
                sa_id: new_account_id(),
                org_id: workspace.org_id.clone(),
                workspace_id: workspace.workspace_id.clone(),
                name: name.clone(),
                display_name: display_name.clone().or_else(|| Some(nick.handle())),
                description: Some(format!("accepted an invite of {}", invite.owner_agent)),
                status: "active".into(),
                role: Role::Member,
                created_at: at.clone(),
                updated_at: at.clone(),
            };
            let (_, created) = tx.ensure_account(&account)?;
            if !created {
                return Ok(Err(ApiError::conflict(
                    "service_account_exists",
                    format!(
                        "the workspace has an account named '{name}' already; choose another nick"
                    ),
                )));
            }
            let key = new_key(&account.sa_id, &at);
            tx.put_key(&key.row)?;
            let address =
                crate::protocol::AgentAddress::new(&org_slug, &workspace.slug, &name).to_string();
            let profile = ProfileRow {
                owner_agent: address.clone(),
                user_id: uuid::Uuid::new_v4().to_string(),
                workspace_id: workspace.workspace_id.clone(),
                sa_id: Some(account.sa_id.clone()),
                nick: nick.written.clone(),
                normalized_nick: nick.normalized.clone(),
                display_name,
                phone: None,
                email: None,
                created_at: at.clone(),
                updated_at: at.clone(),
            };
            tx.put_profile(&profile)?;
            invite.accepted_at = Some(at.clone());
            invite.accepted_owner_agent = Some(address.clone());
            invite.accepted_sa_id = Some(account.sa_id.clone());
            invite.nick = Some(nick.written.clone());
            tx.put_invite(&invite)?;
            webhooks::notify(
                &app.engine,
                tx,
                &invite.workspace_id,
                &invite.owner_agent,
                INVITE_ACCEPTED,
                json!({
                    "invite_owner_agent": invite.owner_agent,
                    "recipient_hint": invite.recipient_hint,
                    "owner_agent": address,
                    "service_account_id": account.sa_id,
                    "user_id": profile.user_id,
                    "nick": nick.handle(),
                    "public_address": nick.public_address(),
                    "accepted_at": at,
                }),
            )?;
            Ok(Ok(Accepted {
                account,
                key,
                profile,
                invite,
                address,
            }))
        })
        .await;
    let accepted = match outcome {
        Ok(outcome) => outcome?,
        // Another node took the nick at the same moment.
        Err(StoreError::Duplicate(crate::server::store::Duplicate::Nick { .. })) => {
            return Err(ApiError::conflict(
                "nick_taken",
                format!("the nick {} is taken", nick.handle()),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    app.directory.add_account(accepted.account.clone());
    app.directory.add_key(accepted.key.row.clone());
    Ok(json_of(&AcceptInviteResponse {
        ok: true,
        token,
        status: InviteStatus::Accepted,
        invite_owner_agent: accepted.invite.owner_agent,
        user_id: accepted.profile.user_id,
        owner_agent: accepted.address,
        nick: nick.handle(),
        public_address: public_address(&nick.normalized),
        display_name: accepted.profile.display_name,
        accepted_at: stamp(accepted.invite.accepted_at.as_deref().unwrap_or_default()),
        registry_bind_status: "disabled".into(),
        service_account_id: accepted.account.sa_id,
        key_id: accepted.key.row.key_id,
        api_key: accepted.key.token,
    }))
}
