//! SQL of the email login flow (tables of the login migration). Called on the writer connection for
//! changes (so a code's attempt counter and a refresh rotation are read-check-writes) and on
//! reader connections for lookups.

use rusqlite::{Connection, OptionalExtension, params};

use super::reads::{ACCOUNT_COLUMNS, KEY_COLUMNS, account_row, key_row};
use crate::server::store::auth::{
    CodeCheck, ConsoleSessionRow, LoginCodeRow, NewSession, Rotation, SessionRow, TokenPair,
    UserRow,
};
use crate::server::store::{AccountRow, KeyRow};

pub fn insert_code(conn: &Connection, row: &LoginCodeRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO login_codes (login_id, email, code_hash, expires_at, attempts, created_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5)",
        params![
            row.login_id,
            row.email,
            row.code_hash.to_vec(),
            row.expires_at,
            row.created_at
        ],
    )?;
    Ok(())
}

/// email, code hash, expiry, attempts so far, used at.
type CodeRow = (String, Vec<u8>, i64, u32, Option<String>);

pub fn check_code(
    conn: &Connection,
    login_id: &str,
    code_hash: &[u8; 32],
    now: i64,
    max_attempts: u32,
    used_at: &str,
) -> rusqlite::Result<CodeCheck> {
    let row: Option<CodeRow> = conn
        .query_row(
            "SELECT email, code_hash, expires_at, attempts, used_at FROM login_codes
             WHERE login_id = ?1",
            [login_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((email, stored, expires_at, attempts, used)) = row else {
        return Ok(CodeCheck::Unknown);
    };
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
            "UPDATE login_codes SET used_at = ?2, attempts = attempts + 1 WHERE login_id = ?1",
            params![login_id, used_at],
        )?;
        return Ok(CodeCheck::Valid { email });
    }
    conn.execute(
        "UPDATE login_codes SET attempts = attempts + 1 WHERE login_id = ?1",
        [login_id],
    )?;
    Ok(CodeCheck::Wrong {
        email,
        attempts_left: max_attempts.saturating_sub(attempts + 1),
    })
}

pub fn user_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<UserRow>> {
    conn.query_row(
        "SELECT user_id, email, sa_id, created_at FROM users WHERE email = ?1",
        [email],
        |r| {
            Ok(UserRow {
                user_id: r.get(0)?,
                email: r.get(1)?,
                sa_id: r.get(2)?,
                created_at: r.get(3)?,
            })
        },
    )
    .optional()
}

pub fn insert_user(conn: &Connection, user: &UserRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (user_id, email, sa_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![user.user_id, user.email, user.sa_id, user.created_at],
    )?;
    Ok(())
}

pub fn insert_session(conn: &Connection, session: &NewSession, at: &str) -> rusqlite::Result<()> {
    let tokens = &session.tokens;
    conn.execute(
        "INSERT INTO sessions (session_id, user_id, key_id, access_hash, access_expires_at,
                               refresh_hash, refresh_expires_at, created_at, client)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            session.session_id,
            session.user_id,
            session.key_id,
            tokens.access_hash.to_vec(),
            tokens.access_expires_at,
            tokens.refresh_hash.to_vec(),
            tokens.refresh_expires_at,
            at,
            session.client
        ],
    )?;
    Ok(())
}

const SESSION_COLUMNS: &str = "s.session_id, s.user_id, u.email, u.sa_id, s.key_id,
    s.access_expires_at, s.revoked_at IS NOT NULL, s.refresh_expires_at, s.created_at,
    s.revoked_at, s.client";

fn session_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        session_id: r.get(0)?,
        user_id: r.get(1)?,
        email: r.get(2)?,
        sa_id: r.get(3)?,
        key_id: r.get(4)?,
        access_expires_at: r.get(5)?,
        revoked: r.get(6)?,
        refresh_expires_at: r.get(7)?,
        created_at: r.get(8)?,
        revoked_at: r.get(9)?,
        client: r.get(10)?,
    })
}

/// A user's sessions, newest first.
pub fn user_sessions(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id
         WHERE s.user_id = ?1 ORDER BY s.created_at DESC, s.session_id"
    ))?;
    stmt.query_map([user_id], session_from)?.collect()
}

/// The stored secret `name`, or `candidate` stored now.
pub fn server_secret(conn: &Connection, name: &str, candidate: &str) -> rusqlite::Result<String> {
    conn.execute(
        "INSERT INTO server_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        params![name, candidate],
    )?;
    conn.query_row(
        "SELECT value FROM server_secrets WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
}

/// The session an access or refresh token belongs to (expiry is the caller's business).
pub fn session_by_token(
    conn: &Connection,
    hash: &[u8; 32],
    refresh: bool,
) -> rusqlite::Result<Option<SessionRow>> {
    let column = if refresh {
        "refresh_hash"
    } else {
        "access_hash"
    };
    conn.query_row(
        &format!(
            "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id
             WHERE s.{column} = ?1"
        ),
        [hash.to_vec()],
        session_from,
    )
    .optional()
}

/// Swaps a valid refresh token for `next`; a token seen before ends its session.
pub fn rotate(
    conn: &Connection,
    presented: &[u8; 32],
    next: &TokenPair,
    now: i64,
    at: &str,
) -> rusqlite::Result<Rotation> {
    let reused: Option<String> = conn
        .query_row(
            "SELECT session_id FROM used_refresh_tokens WHERE refresh_hash = ?1",
            [presented.to_vec()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(session_id) = reused {
        revoke(conn, &session_id, at)?;
        return Ok(Rotation::Reused);
    }
    let current: Option<(String, i64, bool)> = conn
        .query_row(
            "SELECT session_id, refresh_expires_at, revoked_at IS NOT NULL FROM sessions
             WHERE refresh_hash = ?1",
            [presented.to_vec()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((session_id, expires_at, revoked)) = current else {
        return Ok(Rotation::Invalid);
    };
    if revoked || now >= expires_at {
        return Ok(Rotation::Invalid);
    }
    conn.execute(
        "INSERT INTO used_refresh_tokens (refresh_hash, session_id) VALUES (?1, ?2)",
        params![presented.to_vec(), session_id],
    )?;
    conn.execute(
        "UPDATE sessions SET access_hash = ?2, access_expires_at = ?3, refresh_hash = ?4,
                refresh_expires_at = ?5 WHERE session_id = ?1",
        params![
            session_id,
            next.access_hash.to_vec(),
            next.access_expires_at,
            next.refresh_hash.to_vec(),
            next.refresh_expires_at
        ],
    )?;
    let session = conn.query_row(
        &format!(
            "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id
             WHERE s.session_id = ?1"
        ),
        [&session_id],
        session_from,
    )?;
    Ok(Rotation::Rotated(Box::new(session)))
}

/// Ends a session; returns it (with `revoked` as it was before) when it exists.
pub fn revoke(
    conn: &Connection,
    session_id: &str,
    at: &str,
) -> rusqlite::Result<Option<SessionRow>> {
    let session = conn
        .query_row(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.user_id = s.user_id
                 WHERE s.session_id = ?1"
            ),
            [session_id],
            session_from,
        )
        .optional()?;
    conn.execute(
        "UPDATE sessions SET revoked_at = ?2 WHERE session_id = ?1 AND revoked_at IS NULL",
        params![session_id, at],
    )?;
    Ok(session)
}

pub fn insert_console_session(conn: &Connection, row: &ConsoleSessionRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO console_sessions (session_hash, session_id, sa_id, key_id,
                                       login_session_id, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.session_hash.to_vec(),
            row.session_id,
            row.sa_id,
            row.key_id,
            row.login_session_id,
            row.expires_at,
            row.created_at
        ],
    )?;
    Ok(())
}

pub fn console_session(
    conn: &Connection,
    hash: &[u8; 32],
) -> rusqlite::Result<Option<ConsoleSessionRow>> {
    conn.query_row(
        "SELECT session_id, sa_id, key_id, login_session_id, expires_at, created_at,
                revoked_at IS NOT NULL
         FROM console_sessions WHERE session_hash = ?1",
        [hash.to_vec()],
        |r| {
            Ok(ConsoleSessionRow {
                session_hash: *hash,
                session_id: r.get(0)?,
                sa_id: r.get(1)?,
                key_id: r.get(2)?,
                login_session_id: r.get(3)?,
                expires_at: r.get(4)?,
                created_at: r.get(5)?,
                revoked: r.get(6)?,
            })
        },
    )
    .optional()
}

/// Ends a console session (the first revocation's time is kept); returns it as it now is.
pub fn revoke_console_session(
    conn: &Connection,
    hash: &[u8; 32],
    at: &str,
) -> rusqlite::Result<Option<ConsoleSessionRow>> {
    conn.execute(
        "UPDATE console_sessions SET revoked_at = COALESCE(revoked_at, ?2)
         WHERE session_hash = ?1",
        params![hash.to_vec(), at],
    )?;
    console_session(conn, hash)
}

/// Marks an account revoked and revokes its keys; the account and its keys afterwards.
pub fn delete_account(
    conn: &Connection,
    sa_id: &str,
    at: &str,
) -> rusqlite::Result<Option<(AccountRow, Vec<KeyRow>)>> {
    let changed = conn.execute(
        "UPDATE service_accounts SET status = 'revoked',
                updated_at = CASE WHEN status = 'revoked' THEN updated_at ELSE ?2 END
         WHERE sa_id = ?1",
        params![sa_id, at],
    )?;
    if changed == 0 {
        return Ok(None);
    }
    conn.execute(
        "UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?2)
         WHERE sa_id = ?1",
        params![sa_id, at],
    )?;
    let account = conn.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM service_accounts WHERE sa_id = ?1"),
        [sa_id],
        account_row,
    )?;
    let keys = conn
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE sa_id = ?1"
        ))?
        .query_map([sa_id], key_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some((account, keys)))
}
