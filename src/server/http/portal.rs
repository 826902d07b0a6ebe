//! The portal API (the public API's `/v1/portal/*`), which the public CLI's `whoami`,
//! `org list`, `workspace list|use` and login read:
//!
//! - `GET /v1/portal/personal/context`: who the credentials (API key and/or access token)
//!   act as, with their membership inventory. On this gateway an account belongs to one
//!   workspace of one organization, so the inventory is that workspace, always selected.
//! - `POST /v1/portal/personal/workspace-selection {org_id?, workspace_id}`: selecting the
//!   account's own workspace (by id or name) answers the context; any other is 403
//!   `outside_membership_scope` (the public CLI reads "outside actor membership scope").
//! - `POST /v1/portal/personal/profile {display_name?, company?}`: a signed-in person's
//!   profile (an access token is required: an API key is not a person).
//!
//! The workspace's quota overview is `http/overview.rs`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::sessions::{Who, actor, who};
use super::typed::{RequestBody, Typed, at_most, not_blank};
use crate::protocol::access::Role;
use crate::protocol::portal::{
    ContextNames, Guidance, OrgMembership, PersonalAccount, PersonalContext, Principal, Profile,
    ProfileRequest, ProfileResponse, SELF_HOSTED, WorkspaceMembership, WorkspaceSelectionRequest,
    WorkspaceSelectionResponse,
};
use crate::server::store::AccountRow;
use crate::server::store::auth::ProfileRow;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/portal/personal/context", get(personal_context))
        .route(
            "/v1/portal/personal/workspace-selection",
            post(select_workspace),
        )
        .route("/v1/portal/personal/profile", post(update_profile))
}

/// The organization and workspace an account belongs to, as memberships.
pub(super) fn membership(
    app: &AppState,
    account: &AccountRow,
) -> (OrgMembership, WorkspaceMembership) {
    let org_name = app
        .directory
        .org(&account.org_id)
        .map_or_else(|| account.org_id.clone(), |o| o.slug);
    let ws_name = app
        .directory
        .workspace(&account.workspace_id)
        .map_or_else(|| account.workspace_id.clone(), |w| w.slug);
    let workspace = WorkspaceMembership {
        workspace_id: account.workspace_id.clone(),
        name: ws_name.clone(),
        org_id: account.org_id.clone(),
        org_name: org_name.clone(),
        environment: SELF_HOSTED.into(),
        status: "active".into(),
        roles: vec![account.role],
        address_prefix: format!("agent://{org_name}/{ws_name}"),
    };
    let org = OrgMembership {
        org_id: account.org_id.clone(),
        name: org_name,
        status: "active".into(),
        roles: vec![account.role],
        workspaces: vec![workspace.clone()],
    };
    (org, workspace)
}

fn context_names(org: &OrgMembership, ws: &WorkspaceMembership) -> ContextNames {
    ContextNames {
        org_id: org.org_id.clone(),
        workspace_id: ws.workspace_id.clone(),
        org: org.name.clone(),
        workspace: ws.name.clone(),
    }
}

async fn personal_context(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let Who {
        caller,
        session,
        account,
    } = who(&app, &headers).await?;
    let (org, ws) = membership(&app, &account);
    let account_view = match session {
        Some(s) => {
            let profile = app.store.profile(s.user_id.clone()).await?;
            Some(PersonalAccount {
                email: s.email,
                user_id: s.user_id,
                session_id: s.session_id,
                access_expires_at: s.access_expires_at,
                display_name: profile.as_ref().and_then(|p| p.display_name.clone()),
                company: profile.and_then(|p| p.company),
            })
        }
        None => None,
    };
    let guidance = Guidance {
        workspace_count: 1,
        organization_count: 1,
        message: format!(
            "Selected workspace: {} (organization {}), the only workspace of this account on \
             this gateway.",
            ws.name, org.name
        ),
    };
    Ok(json_of(&PersonalContext {
        ok: true,
        context: context_names(&org, &ws),
        principal: Principal {
            address: app.directory.address_of(&account),
            service_account_id: account.sa_id.clone(),
            name: account.name.clone(),
            is_admin: account.role == Role::Admin,
            role: account.role,
            scopes: caller.as_ref().map_or(account.role.ceiling(), |c| c.scopes),
        },
        account: account_view,
        organizations: vec![org.clone()],
        workspaces: vec![ws.clone()],
        selected_organization: Some(org),
        selected_workspace: Some(ws),
        guidance,
    }))
}

impl RequestBody for WorkspaceSelectionRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        not_blank("workspace_id", &self.workspace_id)?;
        at_most("workspace_id", Some(&self.workspace_id), 128)?;
        at_most("org_id", self.org_id.as_deref(), 128)?;
        Ok(self)
    }
}

/// `given` names `id` or `name` (names in any case).
fn names(given: &str, id: &str, name: &str) -> bool {
    given == id || given.eq_ignore_ascii_case(name)
}

pub(super) async fn select_workspace(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Typed<WorkspaceSelectionRequest>,
) -> ApiResult<Response> {
    let Who { account, .. } = who(&app, &headers).await?;
    let (request, _) = body.decoded()?;
    let (org, ws) = membership(&app, &account);
    let wanted = request.workspace_id.trim();
    let org_named = request
        .org_id
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .is_none_or(|o| names(o, &org.org_id, &org.name));
    if !org_named || !names(wanted, &ws.workspace_id, &ws.name) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "outside_membership_scope",
            "policy",
            format!(
                "workspace {wanted} is outside actor membership scope: these credentials \
                 belong to workspace {} ({}) of organization {} only",
                ws.name, ws.workspace_id, org.name
            ),
        ));
    }
    Ok(json_of(&WorkspaceSelectionResponse {
        ok: true,
        context: context_names(&org, &ws),
        selected_organization: org,
        selected_workspace: ws,
    }))
}

impl RequestBody for ProfileRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("display_name", self.display_name.as_deref(), 255)?;
        at_most("company", self.company.as_deref(), 255)?;
        Ok(self)
    }
}

/// A given field replaces the stored one (blank clears it); a missing one is kept.
fn merged(given: Option<String>, stored: Option<String>) -> Option<String> {
    match given {
        Some(v) => Some(v.trim().to_string()).filter(|v| !v.is_empty()),
        None => stored,
    }
}

pub(super) async fn update_profile(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Typed<ProfileRequest>,
) -> ApiResult<Response> {
    let me = actor(&app, &headers).await?;
    let (request, _) = body.decoded()?;
    let stored = app.store.profile(me.user_id.clone()).await?;
    let (old_name, old_company) = stored.map_or((None, None), |p| (p.display_name, p.company));
    let row = ProfileRow {
        user_id: me.user_id.clone(),
        display_name: merged(request.display_name, old_name),
        company: merged(request.company, old_company),
        updated_at: app.now().to_string(),
    };
    app.store.set_profile(row.clone()).await?;
    Ok(json_of(&ProfileResponse {
        ok: true,
        profile: Profile {
            user_id: row.user_id,
            email: me.email,
            display_name: row.display_name,
            company: row.company,
            updated_at: row.updated_at,
        },
    }))
}
