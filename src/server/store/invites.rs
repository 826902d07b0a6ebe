//! Rows of invites (spec §9.6, `http/invites.rs`). The token is never stored: only its
//! SHA-256, as with API keys. Read and written inside writer jobs (`Tx`), so accepting
//! (the account, its key, its profile and the invite's new state) is one transaction and an
//! invite is accepted once.

#[derive(Debug, Clone, PartialEq)]
pub struct InviteRow {
    /// Hex SHA-256 of the token (the key).
    pub token_hash: String,
    pub workspace_id: String,
    /// Who invited.
    pub owner_agent: String,
    pub recipient_hint: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub accepted_at: Option<String>,
    /// The invitee's agent and account, once accepted.
    pub accepted_owner_agent: Option<String>,
    pub accepted_sa_id: Option<String>,
    /// The invitee's nick as written (without `@`).
    pub nick: Option<String>,
}
