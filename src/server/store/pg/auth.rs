//! SQL of the email login flow on PostgreSQL. Changes run on the writer (a code's attempt
//! counter and a refresh rotation are read-check-writes, with the row locked so two nodes
//! cannot both accept one code or one refresh token); lookups run on the readers.

use tokio_postgres::Row;

use super::conn::{PgConn, storage};
use super::reads::{ACCOUNT_COLUMNS, KEY_COLUMNS, Readers, account_row, key_row};
use crate::server::store::auth::{
    CodeCheck, ConsoleSessionRow, LoginCodeRow, NewSession, Rotation, SessionRow, TokenPair,
    UserRow,
};
use crate::server::store::{AccountRow, KeyRow, StoreResult};

pub fn insert_code(conn: &mut PgConn, row: &LoginCodeRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO login_codes (login_id, email, code_hash, expires_at, attempts, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5)",
        &[
            &row.login_id,
            &row.email,
            &&row.code_hash[..],
            &row.expires_at,
            &row.created_at,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn check_code(
    conn: &mut PgConn,
    login_id: &str,
    code_hash: &[u8; 32],
    now: i64,
    max_attempts: u32,
    used_at: &str,
) -> StoreResult<CodeCheck> {
    let row = conn
        .query_opt(
            "SELECT email, code_hash, expires_at, attempts, used_at FROM login_codes \
             WHERE login_id = $1 FOR UPDATE",
            &[&login_id],
        )
        .map_err(storage)?;
    let Some(row) = row else {
        return Ok(CodeCheck::Unknown);
    };
    let email: String = row.get(0);
    let stored: Vec<u8> = row.get(1);
    let expires_at: i64 = row.get(2);
    let attempts = u32::try_from(row.get::<_, i32>(3)).unwrap_or(u32::MAX);
    let used: Option<String> = row.get(4);
    if used.is_some() {
        return Ok(CodeCheck::AlreadyUsed);
    }
    if attempts >= max_attempts {
        return Ok(CodeCheck::Locked);
    }
    if now >= expires_at {
        return Ok(CodeCheck::Expired);
    }
    if stored.as_slice() == code_hash.as_slice() {
        conn.execute(
            "UPDATE login_codes SET used_at = $2, attempts = attempts + 1 WHERE login_id = $1",
            &[&login_id, &used_at],
        )
        .map_err(storage)?;
        return Ok(CodeCheck::Valid { email });
    }
    conn.execute(
        "UPDATE login_codes SET attempts = attempts + 1 WHERE login_id = $1",
        &[&login_id],
    )
    .map_err(storage)?;
    Ok(CodeCheck::Wrong {
        email,
        attempts_left: max_attempts.saturating_sub(attempts + 1),
    })
}

pub async fn user_by_email(readers: &Readers, email: &str) -> StoreResult<Option<UserRow>> {
    Ok(readers
        .query_opt(
            "SELECT user_id, email, sa_id, created_at FROM users WHERE email = $1",
            &[&email],
        )
        .await?
        .map(|r| UserRow {
            user_id: r.get(0),
            email: r.get(1),
            sa_id: r.get(2),
            created_at: r.get(3),
        }))
}

pub fn insert_user(conn: &mut PgConn, user: &UserRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO users (user_id, email, sa_id, created_at) VALUES ($1, $2, $3, $4)",
        &[&user.user_id, &user.email, &user.sa_id, &user.created_at],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn insert_session(conn: &mut PgConn, session: &NewSession, at: &str) -> StoreResult<()> {
    let tokens = &session.tokens;
    conn.execute(
        "INSERT INTO sessions (session_id, user_id, key_id, access_hash, access_expires_at, \
         refresh_hash, refresh_expires_at, created_at, client) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &session.session_id,
            &session.user_id,
            &session.key_id,
            &&tokens.access_hash[..],
            &tokens.access_expires_at,
            &&tokens.refresh_hash[..],
            &tokens.refresh_expires_at,
            &at,
            &session.client,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

const SESSION_COLUMNS: &str = "s.session_id, s.user_id, u.email, u.sa_id, s.key_id, \
    s.access_expires_at, s.revoked_at IS NOT NULL, s.refresh_expires_at, s.created_at, \
    s.revoked_at, s.client";

fn session_from(r: &Row) -> SessionRow {
    SessionRow {
        session_id: r.get(0),
        user_id: r.get(1),
        email: r.get(2),
        sa_id: r.get(3),
        key_id: r.get(4),
        access_expires_at: r.get(5),
        revoked: r.get(6),
        refresh_expires_at: r.get(7),
        created_at: r.get(8),
        revoked_at: r.get(9),
        client: r.get(10),
    }
}

/// A user's sessions, newest first.
pub async fn user_sessions(readers: &Readers, user_id: &str) -> StoreResult<Vec<SessionRow>> {
    Ok(readers
        .query(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id \
                 WHERE s.user_id = $1 ORDER BY s.created_at DESC, s.session_id"
            ),
            &[&user_id],
        )
        .await?
        .iter()
        .map(session_from)
        .collect())
}

/// The stored secret `name`, or `candidate` stored now (a concurrent first start of
/// another node keeps whichever row committed first).
pub fn server_secret(conn: &mut PgConn, name: &str, candidate: &str) -> StoreResult<String> {
    conn.execute(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        &[&name, &candidate],
    )
    .map_err(storage)?;
    let row = conn
        .query_opt("SELECT value FROM server_secrets WHERE name = $1", &[&name])
        .map_err(storage)?;
    Ok(row
        .map(|r| r.get(0))
        .unwrap_or_else(|| candidate.to_string()))
}

pub async fn session_by_token(
    readers: &Readers,
    hash: &[u8; 32],
    refresh: bool,
) -> StoreResult<Option<SessionRow>> {
    let column = if refresh {
        "refresh_hash"
    } else {
        "access_hash"
    };
    Ok(readers
        .query_opt(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id \
                 WHERE s.{column} = $1"
            ),
            &[&&hash[..]],
        )
        .await?
        .as_ref()
        .map(session_from))
}

fn session(conn: &mut PgConn, session_id: &str) -> StoreResult<Option<SessionRow>> {
    Ok(conn
        .query_opt(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id \
                 WHERE s.session_id = $1"
            ),
            &[&session_id],
        )
        .map_err(storage)?
        .as_ref()
        .map(session_from))
}

pub fn rotate(
    conn: &mut PgConn,
    presented: &[u8; 32],
    next: &TokenPair,
    now: i64,
    at: &str,
) -> StoreResult<Rotation> {
    let reused = conn
        .query_opt(
            "SELECT session_id FROM used_refresh_tokens WHERE refresh_hash = $1",
            &[&&presented[..]],
        )
        .map_err(storage)?;
    if let Some(row) = reused {
        let session_id: String = row.get(0);
        revoke(conn, &session_id, at)?;
        return Ok(Rotation::Reused);
    }
    let current = conn
        .query_opt(
            "SELECT session_id, refresh_expires_at, revoked_at IS NOT NULL FROM sessions \
             WHERE refresh_hash = $1 FOR UPDATE",
            &[&&presented[..]],
        )
        .map_err(storage)?;
    let Some(row) = current else {
        return Ok(Rotation::Invalid);
    };
    let session_id: String = row.get(0);
    let expires_at: i64 = row.get(1);
    let revoked: bool = row.get(2);
    if revoked || now >= expires_at {
        return Ok(Rotation::Invalid);
    }
    conn.execute(
        "INSERT INTO used_refresh_tokens (refresh_hash, session_id) VALUES ($1, $2)",
        &[&&presented[..], &session_id],
    )
    .map_err(storage)?;
    conn.execute(
        "UPDATE sessions SET access_hash = $2, access_expires_at = $3, refresh_hash = $4, \
         refresh_expires_at = $5 WHERE session_id = $1",
        &[
            &session_id,
            &&next.access_hash[..],
            &next.access_expires_at,
            &&next.refresh_hash[..],
            &next.refresh_expires_at,
        ],
    )
    .map_err(storage)?;
    match session(conn, &session_id)? {
        Some(s) => Ok(Rotation::Rotated(Box::new(s))),
        None => Ok(Rotation::Invalid),
    }
}

pub fn revoke(conn: &mut PgConn, session_id: &str, at: &str) -> StoreResult<Option<SessionRow>> {
    let found = session(conn, session_id)?;
    conn.execute(
        "UPDATE sessions SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL",
        &[&session_id, &at],
    )
    .map_err(storage)?;
    Ok(found)
}

pub fn insert_console_session(conn: &mut PgConn, row: &ConsoleSessionRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO console_sessions (session_hash, session_id, sa_id, key_id, \
         login_session_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &&row.session_hash[..],
            &row.session_id,
            &row.sa_id,
            &row.key_id,
            &row.login_session_id,
            &row.expires_at,
            &row.created_at,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

const CONSOLE_COLUMNS: &str = "session_id, sa_id, key_id, login_session_id, expires_at, \
    created_at, revoked_at IS NOT NULL";

fn console_from(hash: &[u8; 32], r: &Row) -> ConsoleSessionRow {
    ConsoleSessionRow {
        session_hash: *hash,
        session_id: r.get(0),
        sa_id: r.get(1),
        key_id: r.get(2),
        login_session_id: r.get(3),
        expires_at: r.get(4),
        created_at: r.get(5),
        revoked: r.get(6),
    }
}

pub async fn console_session(
    readers: &Readers,
    hash: &[u8; 32],
) -> StoreResult<Option<ConsoleSessionRow>> {
    Ok(readers
        .query_opt(
            &format!("SELECT {CONSOLE_COLUMNS} FROM console_sessions WHERE session_hash = $1"),
            &[&&hash[..]],
        )
        .await?
        .map(|r| console_from(hash, &r)))
}

/// Ends a console session (the first revocation's time is kept); returns it as it now is.
pub fn revoke_console_session(
    conn: &mut PgConn,
    hash: &[u8; 32],
    at: &str,
) -> StoreResult<Option<ConsoleSessionRow>> {
    Ok(conn
        .query_opt(
            &format!(
                "UPDATE console_sessions SET revoked_at = COALESCE(revoked_at, $2) \
                 WHERE session_hash = $1 RETURNING {CONSOLE_COLUMNS}"
            ),
            &[&&hash[..], &at],
        )
        .map_err(storage)?
        .map(|r| console_from(hash, &r)))
}

/// Marks an account revoked and revokes its keys; the account and its keys afterwards.
pub fn delete_account(
    conn: &mut PgConn,
    sa_id: &str,
    at: &str,
) -> StoreResult<Option<(AccountRow, Vec<KeyRow>)>> {
    let account = conn
        .query_opt(
            &format!(
                "UPDATE service_accounts SET status = 'revoked', \
                 updated_at = CASE WHEN status = 'revoked' THEN updated_at ELSE $2 END \
                 WHERE sa_id = $1 RETURNING {ACCOUNT_COLUMNS}"
            ),
            &[&sa_id, &at],
        )
        .map_err(storage)?;
    let Some(account) = account else {
        return Ok(None);
    };
    let keys = conn
        .query(
            &format!(
                "UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, $2) \
                 WHERE sa_id = $1 RETURNING {KEY_COLUMNS}"
            ),
            &[&sa_id, &at],
        )
        .map_err(storage)?;
    Ok(Some((
        account_row(&account),
        keys.iter().map(key_row).collect(),
    )))
}
