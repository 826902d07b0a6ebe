//! Signing a person in: a one-time code checked (`sign_in_with_code`, with the sign-in
//! limits), the user of its email found or created with an account of its own
//! (`user_for`), and a login session minted for it (`sign_in_user`: an API key, an access
//! and a refresh token). `POST /v1/auth/login-intent/{id}/verify` (`auth.rs`) and the web
//! console's sign-in both come here.

use axum::http::StatusCode;
use serde_json::json;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::sessions::{Identity, mint};
use crate::protocol::AgentAddress;
use crate::protocol::access::Role;
use crate::protocol::auth::LoginTokens;
use crate::server::engine::directory::{
    NewKey, hash_secret, new_account_id, new_key, user_account_name,
};
use crate::server::limits::LoginRefusal;
use crate::server::store::AccountRow;
use crate::server::store::auth::{CodeCheck, NewSession, UserRow};
use crate::server::{DEFAULT_ORG, DEFAULT_WORKSPACE};

/// Wrong codes a login request takes before it is locked.
const MAX_ATTEMPTS: u32 = 5;

/// The stored hash of a login's code.
pub(super) fn code_hash(login_id: &str, code: &str) -> [u8; 32] {
    hash_secret(&format!("{login_id}:{code}"))
}

/// 429 for an address that asked for too many codes or guessed wrong too often.
pub(super) fn login_refused(refusal: LoginRefusal) -> ApiError {
    let (code, message, wait) = match refusal {
        LoginRefusal::TooManyCodes { retry_after } => (
            "login_rate_limited",
            "too many sign-in codes for this address this hour",
            retry_after,
        ),
        LoginRefusal::Locked { retry_after } => (
            "login_locked",
            "too many wrong codes for this address: sign-in is locked for a while",
            retry_after,
        ),
    };
    let seconds = crate::num::u64_from_f64(wait.as_secs_f64().ceil().max(1.0));
    let mut error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        code,
        "transport",
        format!("{message}; retry in {seconds} s"),
    )
    .with_details(json!({ "retry_after": seconds }))
    .with_retry_after(seconds);
    error.body.error.retryable = true;
    error
}

/// The default workspace's ids: (org_id, workspace_id).
fn default_workspace(app: &AppState) -> ApiResult<(String, String)> {
    let probe = AgentAddress::new(DEFAULT_ORG, DEFAULT_WORKSPACE, "admin");
    let ws_id = app
        .directory
        .workspace_of(&probe)
        .ok_or_else(|| ApiError::internal("the default workspace is missing"))?;
    let ws = app
        .directory
        .workspace(&ws_id)
        .ok_or_else(|| ApiError::internal("the default workspace is missing"))?;
    Ok((ws.org_id, ws_id))
}

/// The user of `email` (exact and normalised: trimmed, lower case), created with a service
/// account of its own on first login. An existing account is never taken over by name.
async fn user_for(app: &AppState, email: &str) -> ApiResult<UserRow> {
    if let Some(user) = app.store.user_by_email(email.to_string()).await? {
        return Ok(user);
    }
    let (org_id, workspace_id) = default_workspace(app)?;
    let at = app.now().to_string();
    let account = AccountRow {
        sa_id: new_account_id(),
        org_id,
        workspace_id,
        name: user_account_name(email),
        display_name: Some(email.to_string()),
        description: Some("signed in by email".into()),
        status: "active".into(),
        // Without SMTP a code reaches only the server's operator (its log), so the
        // signed-in user administers the local workspace like the banner's admin key.
        // With SMTP anyone with a mailbox can sign in: an ordinary account.
        role: if app.settings.mailer.is_none() {
            Role::Admin
        } else {
            Role::Member
        },
        created_at: at.clone(),
        updated_at: at,
    };
    let account = match app.store.create_account(account.clone()).await {
        Ok(()) => {
            app.directory.add_account(account.clone());
            account
        }
        Err(err) => {
            // A concurrent first login of the same email, or an earlier one that stopped
            // before its user row: the name holds this email's hash, so an account of that
            // name made for this very email is this user's.
            if let Some(user) = app.store.user_by_email(email.to_string()).await? {
                return Ok(user);
            }
            match app
                .directory
                .account_named(&account.workspace_id, &account.name)
                .filter(|a| a.display_name.as_deref() == Some(email))
            {
                Some(existing) => existing,
                None => return Err(err.into()),
            }
        }
    };
    let user = UserRow {
        user_id: format!("usr_{}", uuid::Uuid::new_v4().simple()),
        email: email.to_string(),
        sa_id: account.sa_id,
        created_at: app.now().to_string(),
    };
    if let Err(err) = app.store.create_user(user.clone()).await {
        if let Some(user) = app.store.user_by_email(email.to_string()).await? {
            return Ok(user);
        }
        return Err(err.into());
    }
    Ok(user)
}

/// What a valid code gave: the answer of `verify`, and the key and session it made.
pub(crate) struct SignedIn {
    pub tokens: LoginTokens,
    pub sa_id: String,
    pub key_id: String,
    pub session_id: String,
}

/// Checks a one-time code and signs its email in (a new key and session), for `verify`
/// and the web console's sign-in; `client` says what signed in (shown in the session list).
pub(crate) async fn sign_in_with_code(
    app: &AppState,
    login_id: &str,
    code: &str,
    client: Option<String>,
) -> ApiResult<SignedIn> {
    let user = user_of_code(app, login_id, code).await?;
    sign_in_user(app, &user, client).await
}

/// Checks a one-time code (single use, counted against its tries and its address) and
/// answers the user of its email, created on first sign-in.
pub(crate) async fn user_of_code(app: &AppState, login_id: &str, code: &str) -> ApiResult<UserRow> {
    let login_id = login_id.to_string();
    app.login_guard
        .before_check(&login_id)
        .map_err(login_refused)?;
    let check = app
        .store
        .check_login_code(
            login_id.clone(),
            code_hash(&login_id, code),
            app.now(),
            MAX_ATTEMPTS,
        )
        .await?;
    let email = match check {
        CodeCheck::Valid { email } => {
            app.login_guard
                .after_check(&email, false)
                .map_err(login_refused)?;
            email
        }
        CodeCheck::Wrong {
            email,
            attempts_left,
        } => {
            app.login_guard
                .after_check(&email, true)
                .map_err(login_refused)?;
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_login_code",
                "auth",
                format!("wrong code; {attempts_left} attempts left"),
            )
            .with_details(json!({ "attempts_left": attempts_left })));
        }
        CodeCheck::Expired => {
            return Err(ApiError::new(
                StatusCode::GONE,
                "login_code_expired",
                "auth",
                "the code has expired; request a new one",
            ));
        }
        CodeCheck::Locked => {
            return Err(ApiError::new(
                StatusCode::GONE,
                "login_code_locked",
                "auth",
                "too many wrong codes; request a new one",
            ));
        }
        CodeCheck::AlreadyUsed => {
            return Err(ApiError::conflict(
                "login_code_used",
                "the code was already used; request a new one",
            ));
        }
        CodeCheck::Unknown => {
            return Err(ApiError::not_found(
                "login_not_found",
                "no such login request",
            ));
        }
    };
    user_for(app, &email).await
}

/// A new login session of `user`: an API key minted for it, an access and a refresh token.
pub(crate) async fn sign_in_user(
    app: &AppState,
    user: &UserRow,
    client: Option<String>,
) -> ApiResult<SignedIn> {
    let NewKey { row: key, token } = new_key(&user.sa_id, &app.now().to_string());
    app.store.create_key(key.clone()).await?;
    app.directory.add_key(key.clone());
    let session_id = format!("ses_{}", uuid::Uuid::new_v4().simple());
    let identity = Identity {
        session_id: session_id.clone(),
        user_id: user.user_id.clone(),
        email: user.email.clone(),
        sa_id: user.sa_id.clone(),
    };
    let minted = mint(app, &identity);
    app.store
        .create_session(
            NewSession {
                session_id: session_id.clone(),
                user_id: user.user_id.clone(),
                key_id: Some(key.key_id.clone()),
                tokens: minted.pair,
                client,
            },
            app.now(),
        )
        .await?;
    let account = app.directory.account(&user.sa_id);
    tracing::info!(email = %user.email, session_id = %session_id, "signed in");
    let tokens = LoginTokens {
        access_token: Some(minted.access.clone()),
        account_session_token: Some(minted.access),
        address: account.as_ref().map(|a| app.directory.address_of(a)),
        api_key: Some(token),
        email: Some(user.email.clone()),
        expires_in: Some(minted.expires_in),
        ok: true,
        org_id: account.as_ref().map(|a| a.org_id.clone()),
        refresh_token: Some(minted.refresh),
        session_id: Some(session_id.clone()),
        token_type: Some("Bearer".into()),
        workspace_id: account.as_ref().map(|a| a.workspace_id.clone()),
    };
    Ok(SignedIn {
        tokens,
        sa_id: user.sa_id.clone(),
        key_id: key.key_id,
        session_id,
    })
}
