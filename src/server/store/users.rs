//! Rows of the nick registry (spec §9.6, `http/users.rs`): one profile per agent address,
//! its nick unique on the gateway in lower case. Written and read inside writer jobs
//! (`Tx`), so checking that a nick is free and taking it are one transaction.

/// A registered agent: its nick as written and as compared, and what it told about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    /// The canonical agent address (the key).
    pub owner_agent: String,
    pub user_id: String,
    pub workspace_id: String,
    /// The service account at that address, when it had one at registration.
    pub sa_id: Option<String>,
    /// Without its `@`, as its owner wrote it.
    pub nick: String,
    /// Lower case: unique on the gateway.
    pub normalized_nick: String,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}
