//! Rows of the email login flow: one-time codes, users and their sessions. Secrets (codes,
//! access and refresh tokens) are stored only as SHA-256 hashes.

/// A one-time code sent (or logged) for `email`.
#[derive(Debug, Clone)]
pub struct LoginCodeRow {
    pub login_id: String,
    pub email: String,
    pub code_hash: [u8; 32],
    /// Unix seconds.
    pub expires_at: i64,
    pub created_at: String,
}

/// What checking a code found. Every wrong guess counts against the code.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeCheck {
    Valid {
        email: String,
    },
    /// The address is told so that its failures can be counted (sign-in lockout).
    Wrong {
        email: String,
        attempts_left: u32,
    },
    Expired,
    AlreadyUsed,
    Locked,
    Unknown,
}

/// A person who logged in, and the service account that acts for them.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user_id: String,
    pub email: String,
    pub sa_id: String,
    pub created_at: String,
}

/// The hashes of one access/refresh token pair and when they expire (Unix seconds).
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_hash: [u8; 32],
    pub access_expires_at: i64,
    pub refresh_hash: [u8; 32],
    pub refresh_expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub session_id: String,
    pub user_id: String,
    pub email: String,
    pub sa_id: String,
    /// The API key minted for this login (revoked at logout).
    pub key_id: Option<String>,
    pub access_expires_at: i64,
    pub revoked: bool,
    /// When the session's refresh token expires (Unix seconds): the session's end.
    pub refresh_expires_at: i64,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// What signed in (the `X-Axme-Client` or `User-Agent` of the login), when known.
    pub client: Option<String>,
}

/// A login session to store: who, the key minted for it, its first tokens, what client.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub session_id: String,
    pub user_id: String,
    pub key_id: Option<String>,
    pub tokens: TokenPair,
    pub client: Option<String>,
}

/// What presenting a refresh token did.
#[derive(Debug, Clone)]
pub enum Rotation {
    Rotated(Box<SessionRow>),
    /// The token was already used once: the session is ended (it may have been stolen).
    Reused,
    /// Unknown, expired, or its session is over.
    Invalid,
}

/// A signed-in web console (`server/console`): it acts as one API key. Only the hash of its
/// cookie's token is stored; `expires_at` is Unix seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleSessionRow {
    pub session_hash: [u8; 32],
    pub session_id: String,
    pub sa_id: String,
    pub key_id: String,
    /// The email login this console sign-in made (its key is revoked at sign-out).
    pub login_session_id: Option<String>,
    pub expires_at: i64,
    pub created_at: String,
    pub revoked: bool,
}

/// What a signed-in person said about themselves (`POST /v1/portal/personal/profile`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub user_id: String,
    pub display_name: Option<String>,
    pub company: Option<String>,
    pub updated_at: String,
}

/// A browser sign-in of the CLI (`POST /v1/auth/cli-grants`): `pending` until a person
/// approves it on the gateway's page (`approved`, by `email`), `claimed` once the CLI has
/// collected its credentials (they are minted then, never stored).
#[derive(Debug, Clone, PartialEq)]
pub struct CliGrantRow {
    pub grant_id: String,
    pub user_code: String,
    pub state: String,
    pub email: Option<String>,
    /// What asked (`X-Axme-Client` or `User-Agent` of the create).
    pub client: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// Moves a grant from `from` to `to`, only while it is in `from` and not expired at `now`.
#[derive(Debug, Clone)]
pub struct GrantStep {
    pub grant_id: String,
    pub from: String,
    pub to: String,
    /// Who approved (kept when None).
    pub email: Option<String>,
    /// Unix seconds.
    pub now: i64,
    pub at: String,
}
