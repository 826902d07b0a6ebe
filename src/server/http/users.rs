//! Users (spec §9.6): the nick registry. A nick names one agent address on the whole
//! gateway (unique whatever the case of its letters) and resolves to that address and its
//! service account; its profile (display name, phone, email) is its owner's to change.
//!
//! Who may do what: any key with `agents:read` checks and resolves nicks (resolving shows
//! the address and display name, never phone or email); a key registers, renames and reads
//! the profile of its own agent, an admin those of its workspace's agents (`owner_agent`,
//! as on inbox and webhook routes). Each write is one writer job: checking that a nick is
//! free and taking it cannot be split by another request (two nodes on PostgreSQL meet the
//! unique index instead, and the later one is told the nick is taken).

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use super::typed::{RequestBody, Typed};
use super::{AppState, owner};
use crate::protocol::access::Scope;
use crate::protocol::user::{
    CheckNickResponse, Nick, ProfileResponse, RegisterNickRequest, RegisterNickResponse,
    RenameNickRequest, RenameNickResponse, ResolveNickResponse, UpdateProfileRequest, UserProfile,
    nick_of, public_address,
};
use crate::protocol::{AgentAddress, Timestamp};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::users::ProfileRow;
use crate::server::store::{Duplicate, StoreError, StoreResult, Tx};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/users/register-nick", post(register_nick))
        .route("/v1/users/check-nick", get(check_nick))
        .route("/v1/users/resolve-nick", get(resolve_nick))
        .route("/v1/users/rename-nick", post(rename_nick))
        .route("/v1/users/profile", get(profile))
        .route("/v1/users/profile/update", post(update_profile))
}

const NICK_RULE: &str =
    "must be 3 to 32 letters, digits, '_', '.' or '-' (one leading '@' is allowed)";

/// A string of `min..=max` characters, if given.
pub(super) fn chars_within(
    field: &str,
    value: Option<&str>,
    min: usize,
    max: usize,
) -> ApiResult<()> {
    match value {
        Some(v) if !(min..=max).contains(&v.trim().chars().count()) => Err(
            ApiError::invalid_field(field, format!("must be {min} to {max} characters")),
        ),
        _ => Ok(()),
    }
}

pub(super) fn checked_nick(field: &str, raw: &str) -> ApiResult<Nick> {
    nick_of(raw).ok_or_else(|| ApiError::invalid_field(field, NICK_RULE))
}

/// Display name, phone and email as the spec bounds them.
fn check_contact(
    display_name: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
) -> ApiResult<()> {
    chars_within("display_name", display_name, 1, 120)?;
    chars_within("phone", phone, 3, 32)?;
    chars_within("email", email, 3, 255)
}

impl RequestBody for RegisterNickRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        checked_nick("nick", &self.nick)?;
        check_contact(
            self.display_name.as_deref(),
            self.phone.as_deref(),
            self.email.as_deref(),
        )?;
        Ok(self)
    }
}

impl RequestBody for RenameNickRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        checked_nick("nick", &self.nick)?;
        check_contact(
            self.display_name.as_deref(),
            self.phone.as_deref(),
            self.email.as_deref(),
        )?;
        Ok(self)
    }
}

impl RequestBody for UpdateProfileRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        if let Some(nick) = &self.nick {
            checked_nick("nick", nick)?;
        }
        check_contact(
            self.display_name.as_deref(),
            self.phone.as_deref(),
            self.email.as_deref(),
        )?;
        Ok(self)
    }
}

fn stamp(raw: &str) -> Timestamp {
    raw.parse()
        .unwrap_or_else(|_| Timestamp::from_unix_ms(0).unwrap_or_else(Timestamp::now))
}

/// A profile as shown.
pub(super) fn view(row: &ProfileRow) -> UserProfile {
    UserProfile {
        user_id: row.user_id.clone(),
        owner_agent: row.owner_agent.clone(),
        nick: format!("@{}", row.nick),
        normalized_nick: row.normalized_nick.clone(),
        public_address: public_address(&row.normalized_nick),
        display_name: row.display_name.clone(),
        phone: row.phone.clone(),
        email: row.email.clone(),
        created_at: stamp(&row.created_at),
        updated_at: stamp(&row.updated_at),
    }
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string())
}

/// The service account at `address`, when the gateway has one.
fn account_at(app: &AppState, address: &str) -> Option<String> {
    let parsed = AgentAddress::parse(address)?;
    let workspace_id = app.directory.workspace_of(&parsed)?;
    app.directory
        .account_named(&workspace_id, &parsed.name)
        .map(|a| a.sa_id)
}

/// The owner a body names, made canonical and checked like `owner_agent` elsewhere.
fn owner_in_body(caller: &Caller, raw: &str) -> ApiResult<String> {
    let owner = owner::canonical(caller, raw, "owner_agent")?;
    if !owner::may_act_for(caller, &owner) {
        return Err(ApiError::forbidden(format!(
            "{} may not act for {owner}: a key acts for its own agent, an admin for its workspace's",
            caller.address
        )));
    }
    Ok(owner)
}

fn not_registered(owner: &str) -> ApiError {
    ApiError::not_found(
        "profile_not_found",
        format!("{owner} has no nick; register one with POST /v1/users/register-nick"),
    )
}

fn taken(nick: &Nick) -> ApiError {
    ApiError::conflict("nick_taken", format!("the nick {} is taken", nick.handle()))
        .with_details(serde_json::json!({ "nick": nick.handle() }))
}

/// What a profile job answers: the stored profile, or why nothing changed.
type Outcome = Result<ProfileRow, ApiError>;

/// Gives `row` the nick `nick` unless another address holds it (inside a job).
fn take_nick(
    tx: &mut dyn Tx,
    row: &mut ProfileRow,
    nick: &Nick,
) -> StoreResult<Result<(), ApiError>> {
    if let Some(holder) = tx.profile_by_nick(&nick.normalized)?
        && holder.owner_agent != row.owner_agent
    {
        return Ok(Err(taken(nick)));
    }
    row.nick = nick.written.clone();
    row.normalized_nick = nick.normalized.clone();
    Ok(Ok(()))
}

/// A store answer as the API's: a nick another node took at the same moment is taken.
fn settled(result: StoreResult<Outcome>, nick: Option<&Nick>) -> ApiResult<ProfileRow> {
    match (result, nick) {
        (Ok(outcome), _) => outcome,
        (Err(StoreError::Duplicate(Duplicate::Nick { .. })), Some(nick)) => Err(taken(nick)),
        (Err(e), _) => Err(e.into()),
    }
}

/// `POST /v1/users/register-nick`.
pub(super) async fn register_nick(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
    body: Typed<RegisterNickRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let (request, _) = body.decoded()?;
    let nick = checked_nick("nick", &request.nick)?;
    let now = app.now().to_string();
    let mut row = ProfileRow {
        owner_agent: owner.clone(),
        user_id: uuid::Uuid::new_v4().to_string(),
        workspace_id: caller.workspace_id.clone(),
        sa_id: account_at(&app, &owner),
        nick: String::new(),
        normalized_nick: String::new(),
        display_name: trimmed(request.display_name),
        phone: trimmed(request.phone),
        email: trimmed(request.email),
        created_at: now.clone(),
        updated_at: now,
    };
    let wanted = nick.clone();
    let result = app
        .store
        .run(move |tx| {
            if let Some(existing) = tx.profile(&row.owner_agent)? {
                return Ok(Err(ApiError::conflict(
                    "nick_already_registered",
                    format!(
                        "{} already has the nick @{}; change it with POST /v1/users/rename-nick",
                        existing.owner_agent, existing.nick
                    ),
                )));
            }
            if let Err(refused) = take_nick(tx, &mut row, &wanted)? {
                return Ok(Err(refused));
            }
            tx.put_profile(&row)?;
            Ok(Ok(row))
        })
        .await;
    let row = settled(result, Some(&nick))?;
    Ok(json_of(&RegisterNickResponse {
        ok: true,
        profile: view(&row),
    }))
}

/// The `nick` query parameter, checked.
fn nick_param(params: &Params) -> ApiResult<Nick> {
    let raw = params
        .get("nick")
        .ok_or_else(|| ApiError::invalid_field("nick", "is required"))?;
    checked_nick("nick", raw)
}

/// `GET /v1/users/check-nick?nick=`.
pub(super) async fn check_nick(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let nick = nick_param(&params)?;
    let normalized = nick.normalized.clone();
    let holder = app
        .store
        .run(move |tx| tx.profile_by_nick(&normalized))
        .await?;
    Ok(json_of(&CheckNickResponse {
        ok: true,
        nick: nick.handle(),
        public_address: nick.public_address(),
        normalized_nick: nick.normalized,
        available: holder.is_none(),
    }))
}

/// `GET /v1/users/resolve-nick?nick=`: the address (and account) a nick names.
pub(super) async fn resolve_nick(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let nick = nick_param(&params)?;
    let normalized = nick.normalized.clone();
    let row = app
        .store
        .run(move |tx| tx.profile_by_nick(&normalized))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "nick_not_found",
                format!("nobody holds the nick {}", nick.handle()),
            )
        })?;
    let service_account_id = account_at(&app, &row.owner_agent).or(row.sa_id.clone());
    Ok(json_of(&ResolveNickResponse {
        ok: true,
        nick: format!("@{}", row.nick),
        public_address: public_address(&row.normalized_nick),
        normalized_nick: row.normalized_nick,
        user_id: row.user_id,
        owner_agent: row.owner_agent,
        service_account_id,
        display_name: row.display_name,
    }))
}

/// The changes of a rename or an update, applied to the owner's profile in one job.
struct Change {
    owner: String,
    nick: Option<Nick>,
    display_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

async fn change_profile(app: &AppState, change: Change) -> ApiResult<ProfileRow> {
    let now = app.now().to_string();
    let nick = change.nick.clone();
    let result = app
        .store
        .run(move |tx| {
            let Some(mut row) = tx.profile(&change.owner)? else {
                return Ok(Err(not_registered(&change.owner)));
            };
            if let Some(nick) = &change.nick
                && let Err(refused) = take_nick(tx, &mut row, nick)?
            {
                return Ok(Err(refused));
            }
            if let Some(v) = change.display_name {
                row.display_name = Some(v);
            }
            if let Some(v) = change.phone {
                row.phone = Some(v);
            }
            if let Some(v) = change.email {
                row.email = Some(v);
            }
            row.updated_at = now;
            tx.put_profile(&row)?;
            Ok(Ok(row))
        })
        .await;
    settled(result, nick.as_ref())
}

/// `POST /v1/users/rename-nick`.
pub(super) async fn rename_nick(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<RenameNickRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let (request, _) = body.decoded()?;
    let owner = owner_in_body(&caller, &request.owner_agent)?;
    let row = change_profile(
        &app,
        Change {
            owner,
            nick: Some(checked_nick("nick", &request.nick)?),
            display_name: trimmed(request.display_name),
            phone: trimmed(request.phone),
            email: trimmed(request.email),
        },
    )
    .await?;
    let profile = view(&row);
    let renamed_at = profile.updated_at;
    Ok(json_of(&RenameNickResponse {
        ok: true,
        profile,
        renamed_at,
    }))
}

/// `GET /v1/users/profile?owner_agent=` (default: the caller's agent).
async fn profile(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let key = owner.clone();
    let row = app
        .store
        .run(move |tx| tx.profile(&key))
        .await?
        .ok_or_else(|| not_registered(&owner))?;
    Ok(json_of(&ProfileResponse {
        ok: true,
        profile: view(&row),
    }))
}

/// `POST /v1/users/profile/update`.
pub(super) async fn update_profile(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<UpdateProfileRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let (request, _) = body.decoded()?;
    let owner = owner_in_body(&caller, &request.owner_agent)?;
    let nick = request
        .nick
        .as_deref()
        .map(|n| checked_nick("nick", n))
        .transpose()?;
    let row = change_profile(
        &app,
        Change {
            owner,
            nick,
            display_name: trimmed(request.display_name),
            phone: trimmed(request.phone),
            email: trimmed(request.email),
        },
    )
    .await?;
    Ok(json_of(&ProfileResponse {
        ok: true,
        profile: view(&row),
    }))
}
