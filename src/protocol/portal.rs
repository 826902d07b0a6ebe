//! The portal API (`/v1/portal/*`, the public CLI's account commands): who the credentials
//! act as with their membership inventory (organizations, workspaces, roles), the workspace
//! selection, a signed-in person's profile.
//!
//! On a self-hosted gateway a person's inventory is the workspace of the account that acts
//! for them (one organization, one workspace); the shapes are the public API's, so the
//! public CLI's `org list`, `workspace list|use` and `whoami` read them unchanged.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::{Role, Scopes};

/// What every workspace of a self-hosted gateway reports as its `environment`.
pub const SELF_HOSTED: &str = "self-hosted";

/// `GET /v1/portal/personal/context`: who the credentials act as, and what they may pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonalContext {
    pub ok: bool,
    /// The ids (and names) the credentials act in: what a client stores as its context.
    pub context: ContextNames,
    pub principal: Principal,
    /// The signed-in person, when an access token was sent.
    pub account: Option<PersonalAccount>,
    /// Every organization the caller belongs to, each with its workspaces.
    pub organizations: Vec<OrgMembership>,
    /// Every workspace the caller belongs to (all organizations).
    pub workspaces: Vec<WorkspaceMembership>,
    pub selected_organization: Option<OrgMembership>,
    pub selected_workspace: Option<WorkspaceMembership>,
    pub guidance: Guidance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContextNames {
    pub org_id: String,
    pub workspace_id: String,
    /// The organization's name (its address slug).
    pub org: String,
    /// The workspace's name (its address slug).
    pub workspace: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Principal {
    pub address: String,
    pub service_account_id: String,
    pub name: String,
    pub is_admin: bool,
    pub role: Role,
    pub scopes: Scopes,
}

/// The signed-in person and their profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonalAccount {
    pub email: String,
    pub user_id: String,
    pub session_id: String,
    /// Unix seconds.
    pub access_expires_at: i64,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
}

/// An organization the caller belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrgMembership {
    pub org_id: String,
    pub name: String,
    /// `active`.
    pub status: String,
    /// The caller's roles in it (those of its workspaces).
    pub roles: Vec<Role>,
    pub workspaces: Vec<WorkspaceMembership>,
}

/// A workspace the caller belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkspaceMembership {
    pub workspace_id: String,
    pub name: String,
    pub org_id: String,
    pub org_name: String,
    /// `self-hosted` on this gateway.
    pub environment: String,
    /// `active`.
    pub status: String,
    pub roles: Vec<Role>,
    /// `agent://org/workspace`: the prefix of its agents' addresses.
    pub address_prefix: String,
}

/// Counts and one sentence about the inventory, for a client to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Guidance {
    pub workspace_count: u64,
    pub organization_count: u64,
    pub message: String,
}

/// `POST /v1/portal/personal/workspace-selection` body: the workspace to act in (its id
/// or name), optionally with its organization (id or name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkspaceSelectionRequest {
    #[serde(default)]
    pub org_id: Option<String>,
    pub workspace_id: String,
}

/// `POST /v1/portal/personal/workspace-selection` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkspaceSelectionResponse {
    pub ok: bool,
    pub context: ContextNames,
    pub selected_organization: OrgMembership,
    pub selected_workspace: WorkspaceMembership,
}

/// `POST /v1/portal/personal/profile` body: each field given replaces the stored one (an
/// empty string clears it); a field left out is kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileRequest {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
}

/// `POST /v1/portal/personal/profile` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileResponse {
    pub ok: bool,
    pub profile: Profile,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    pub user_id: String,
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    pub updated_at: String,
}
