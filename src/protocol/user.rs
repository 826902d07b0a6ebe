//! Users (spec §9.6): the gateway's nick registry and the profile behind each nick. A
//! profile belongs to one agent address (`owner_agent`); its nick is unique on the
//! gateway, whatever the case of its letters (`@Alice` and `@alice` are one nick), and
//! resolves to that address and its service account.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Timestamp;

/// The shortest and longest nick (without its `@`).
pub const NICK_MIN: usize = 3;
pub const NICK_MAX: usize = 32;

/// What every public address of a nick ends with (`alice@ax`).
pub const PUBLIC_DOMAIN: &str = "ax";

/// A nick as written (`@Alice` or `Alice`): `None` unless, without its one leading `@`,
/// it is 3 to 32 ASCII letters, digits, `_`, `.` or `-`.
pub fn nick_of(raw: &str) -> Option<Nick> {
    let bare = raw.trim().strip_prefix('@').unwrap_or(raw.trim());
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    ((NICK_MIN..=NICK_MAX).contains(&bare.len()) && bare.chars().all(allowed)).then(|| Nick {
        written: bare.to_string(),
        normalized: bare.to_ascii_lowercase(),
    })
}

/// A valid nick: as its owner wrote it and as it is compared (lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nick {
    pub written: String,
    pub normalized: String,
}

impl Nick {
    /// `@Alice`.
    pub fn handle(&self) -> String {
        format!("@{}", self.written)
    }

    /// `alice@ax`.
    pub fn public_address(&self) -> String {
        public_address(&self.normalized)
    }
}

pub fn public_address(normalized: &str) -> String {
    format!("{normalized}@{PUBLIC_DOMAIN}")
}

/// `POST /v1/users/register-nick`: a nick for the caller's agent (an admin may name
/// another agent of its workspace with `owner_agent` / `x-owner-agent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegisterNickRequest {
    /// `@name` or `name`: 3 to 32 letters, digits, `_`, `.`, `-`.
    pub nick: String,
    /// 1 to 120 characters.
    #[serde(default)]
    pub display_name: Option<String>,
    /// 3 to 32 characters.
    #[serde(default)]
    pub phone: Option<String>,
    /// 3 to 255 characters.
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /v1/users/rename-nick`: another nick for a registered agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenameNickRequest {
    /// The agent whose nick changes (the caller's own, or, for an admin, one of its
    /// workspace's).
    pub owner_agent: String,
    pub nick: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /v1/users/profile/update`: the fields given change, the others stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpdateProfileRequest {
    pub owner_agent: String,
    /// A new nick (as `rename-nick`).
    #[serde(default)]
    pub nick: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A registered agent's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserProfile {
    pub user_id: String,
    /// The agent address the nick resolves to.
    pub owner_agent: String,
    /// `@` and the nick as its owner wrote it.
    pub nick: String,
    /// The nick in lower case: what is unique.
    pub normalized_nick: String,
    /// `<normalized_nick>@ax`.
    pub public_address: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `register-nick` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegisterNickResponse {
    pub ok: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
}

/// `rename-nick` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenameNickResponse {
    pub ok: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
    pub renamed_at: Timestamp,
}

/// `GET /v1/users/profile` and `profile/update` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileResponse {
    pub ok: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
}

/// `GET /v1/users/check-nick?nick=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CheckNickResponse {
    pub ok: bool,
    pub nick: String,
    pub normalized_nick: String,
    pub public_address: String,
    /// Nobody holds it (in any case of its letters).
    pub available: bool,
}

/// `GET /v1/users/resolve-nick?nick=`: whom a nick names. Phone and email stay private.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResolveNickResponse {
    pub ok: bool,
    pub nick: String,
    pub normalized_nick: String,
    pub public_address: String,
    pub user_id: String,
    /// The agent address to send intents to.
    pub owner_agent: String,
    /// The service account at that address, when it has one.
    #[serde(default)]
    pub service_account_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicks_are_checked_and_compared_without_case() {
        let n = nick_of("@Alice_1").unwrap();
        assert_eq!(n.written, "Alice_1");
        assert_eq!(n.normalized, "alice_1");
        assert_eq!(n.handle(), "@Alice_1");
        assert_eq!(n.public_address(), "alice_1@ax");
        assert_eq!(nick_of(" bob.x-y ").unwrap().normalized, "bob.x-y");
        for bad in [
            "",
            "@",
            "ab",
            "@ab",
            "@@abc",
            "a b c",
            "émile",
            &"x".repeat(33),
            "ab/c",
        ] {
            assert!(nick_of(bad).is_none(), "{bad:?}");
        }
        assert!(nick_of(&"x".repeat(32)).is_some());
    }
}
