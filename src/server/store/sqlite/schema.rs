//! Connection settings and schema migrations.
//!
//! `schema_version` holds one row: the number of migrations applied. A database written by
//! an older `axme` opens after an upgrade because only the missing migrations run. Never
//! edit a released migration: append a new one.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Durability of a commit (the banner states which one a run uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// WAL + `synchronous=NORMAL`: every commit survives a process crash (`kill -9`); the
    /// last ones may be lost on power failure.
    Normal,
    /// WAL + `synchronous=FULL`: commits also survive power failure.
    Full,
}

impl SyncMode {
    pub fn pragma(self) -> &'static str {
        match self {
            SyncMode::Normal => "NORMAL",
            SyncMode::Full => "FULL",
        }
    }
}

const MIGRATIONS: &[&str] = &[
    // 1: tenants, credentials, intents, events, idempotency records.
    r#"
    CREATE TABLE orgs (
        org_id      TEXT PRIMARY KEY,
        slug        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE workspaces (
        workspace_id TEXT PRIMARY KEY,
        org_id       TEXT NOT NULL,
        slug         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (org_id, slug)
    );
    CREATE TABLE service_accounts (
        sa_id        TEXT PRIMARY KEY,
        org_id       TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        name         TEXT NOT NULL,
        display_name TEXT,
        description  TEXT,
        status       TEXT NOT NULL,
        is_admin     INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (workspace_id, name)
    );
    CREATE TABLE api_keys (
        key_id      TEXT PRIMARY KEY,
        sa_id       TEXT NOT NULL,
        secret_hash BLOB NOT NULL,
        key_hint    TEXT NOT NULL,
        status      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT,
        revoked_at  TEXT
    );
    CREATE TABLE intents (
        id              INTEGER PRIMARY KEY,
        intent_id       TEXT NOT NULL UNIQUE,
        workspace_id    TEXT NOT NULL,
        to_workspace_id TEXT,
        sender_sa_id    TEXT NOT NULL,
        to_agent        TEXT NOT NULL,
        status          TEXT NOT NULL,
        last_seq        INTEGER NOT NULL,
        delivery_cursor INTEGER NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        body            TEXT NOT NULL
    );
    CREATE INDEX intents_by_workspace ON intents (workspace_id, id);
    CREATE INDEX intents_by_receiver_workspace ON intents (to_workspace_id, id);
    CREATE INDEX intents_by_agent ON intents (to_agent, delivery_cursor);
    CREATE TABLE intent_events (
        intent_rowid INTEGER NOT NULL,
        seq          INTEGER NOT NULL,
        body         TEXT NOT NULL,
        PRIMARY KEY (intent_rowid, seq)
    ) WITHOUT ROWID;
    CREATE TABLE idempotency (
        sa_id      TEXT NOT NULL,
        endpoint   TEXT NOT NULL,
        key        TEXT NOT NULL,
        body_hash  BLOB NOT NULL,
        response   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (sa_id, endpoint, key)
    ) WITHOUT ROWID;
    "#,
    // 2: timers, workflow state, agent delivery settings, inbox threads (issue 4).
    r#"
    CREATE TABLE timers (
        intent_id TEXT NOT NULL,
        kind      TEXT NOT NULL,
        due_ms    INTEGER NOT NULL,
        data      TEXT NOT NULL,
        PRIMARY KEY (intent_id, kind)
    ) WITHOUT ROWID;
    CREATE INDEX timers_by_due ON timers (due_ms);
    CREATE TABLE workflows (
        parent_intent_id TEXT PRIMARY KEY,
        body             TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE agent_delivery (
        address       TEXT PRIMARY KEY,
        sa_id         TEXT NOT NULL,
        workspace_id  TEXT NOT NULL,
        delivery_mode TEXT NOT NULL,
        callback_url  TEXT,
        secret        TEXT
    ) WITHOUT ROWID;
    CREATE TABLE inbox_threads (
        thread_id   TEXT PRIMARY KEY,
        owner_agent TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        body        TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX inbox_by_owner ON inbox_threads (owner_agent, updated_at);
    "#,
    // 3: email login: one-time codes, users, sessions (tokens stored as SHA-256 hashes).
    r#"
    CREATE TABLE login_codes (
        login_id   TEXT PRIMARY KEY,
        email      TEXT NOT NULL,
        code_hash  BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts   INTEGER NOT NULL,
        used_at    TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE users (
        user_id    TEXT PRIMARY KEY,
        email      TEXT NOT NULL UNIQUE,
        sa_id      TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        session_id         TEXT PRIMARY KEY,
        user_id            TEXT NOT NULL,
        key_id             TEXT,
        access_hash        BLOB NOT NULL UNIQUE,
        access_expires_at  INTEGER NOT NULL,
        refresh_hash       BLOB NOT NULL UNIQUE,
        refresh_expires_at INTEGER NOT NULL,
        revoked_at         TEXT,
        created_at         TEXT NOT NULL
    );
    CREATE TABLE used_refresh_tokens (
        refresh_hash BLOB PRIMARY KEY,
        session_id   TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 4: least privilege (issue 10): account roles, key scopes (NULL: all the role
    //    allows), agents' receive policies (JSON bodies).
    r#"
    ALTER TABLE service_accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'agent';
    UPDATE service_accounts SET role = 'admin' WHERE is_admin = 1;
    UPDATE service_accounts SET role = 'member'
        WHERE is_admin = 0 AND sa_id IN (SELECT sa_id FROM users);
    ALTER TABLE api_keys ADD COLUMN scopes TEXT;
    CREATE TABLE receive_policies (
        address      TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        body         TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 5: the answer lease (issue 10): intents an earlier release left DELIVERED get one, so
    // one whose handler died before this upgrade is delivered again (in 5 minutes).
    r#"
    INSERT OR IGNORE INTO timers (intent_id, kind, due_ms, data)
        SELECT intent_id, 'redeliver', CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 300000, 'null'
        FROM intents WHERE status = 'DELIVERED';
    "#,
    // 6: web console sessions (issue 14); the cookie's token is stored as a SHA-256 hash.
    r#"
    CREATE TABLE console_sessions (
        session_hash     BLOB PRIMARY KEY,
        session_id       TEXT NOT NULL UNIQUE,
        sa_id            TEXT NOT NULL,
        key_id           TEXT NOT NULL,
        login_session_id TEXT,
        expires_at       INTEGER NOT NULL,
        revoked_at       TEXT,
        created_at       TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 7: the inbox (issue 12): a thread belongs to a workspace (no owner address, of any
    //    form, reaches across workspaces) and carries its place in the owner's change feed;
    //    owners an earlier release stored bare are qualified as they are now queried;
    //    approval decisions.
    r#"
    ALTER TABLE inbox_threads ADD COLUMN workspace_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE inbox_threads ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    UPDATE inbox_threads SET workspace_id = i.workspace_id
        FROM intents AS i WHERE i.intent_id = inbox_threads.thread_id;
    UPDATE inbox_threads SET owner_agent = 'agent://' || o.slug || '/' || w.slug || '/' || owner_agent
        FROM workspaces AS w JOIN orgs AS o ON o.org_id = w.org_id
        WHERE w.workspace_id = inbox_threads.workspace_id AND owner_agent NOT LIKE '%/%';
    UPDATE inbox_threads SET change_seq = n.seq FROM (
        SELECT thread_id, row_number() OVER (ORDER BY updated_at, thread_id) AS seq
        FROM inbox_threads) AS n
        WHERE n.thread_id = inbox_threads.thread_id;
    DROP INDEX inbox_by_owner;
    CREATE INDEX inbox_by_owner ON inbox_threads (workspace_id, owner_agent, change_seq);
    CREATE INDEX inbox_by_change ON inbox_threads (change_seq);
    CREATE TABLE approvals (
        approval_id  TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        body         TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 8: the agent mesh (issue 15): last heartbeat and kill state per address, and the
    //    kill/resume events.
    r#"
    CREATE TABLE mesh_agents (
        address           TEXT PRIMARY KEY,
        workspace_id      TEXT NOT NULL,
        last_heartbeat_at TEXT,
        metrics           TEXT,
        killed_at         TEXT,
        killed_by         TEXT
    ) WITHOUT ROWID;
    CREATE INDEX mesh_agents_by_workspace ON mesh_agents (workspace_id);
    CREATE TABLE mesh_events (
        id           INTEGER PRIMARY KEY,
        event_id     TEXT NOT NULL UNIQUE,
        workspace_id TEXT NOT NULL,
        address      TEXT NOT NULL,
        event_type   TEXT NOT NULL,
        details      TEXT NOT NULL,
        actor        TEXT NOT NULL,
        created_at   TEXT NOT NULL
    );
    CREATE INDEX mesh_events_by_workspace ON mesh_events (workspace_id, id);
    "#,
    // 9: webhooks (issue 12): subscriptions (secret sealed), events, one delivery per
    //    (event, subscription); retries are `webhook` timers keyed `<event>/<subscription>`.
    r#"
    CREATE TABLE webhook_subscriptions (
        subscription_id TEXT PRIMARY KEY,
        workspace_id    TEXT NOT NULL,
        owner_agent     TEXT NOT NULL,
        callback_url    TEXT NOT NULL,
        secret          TEXT,
        active          INTEGER NOT NULL,
        revoked_at      TEXT,
        body            TEXT NOT NULL,
        created_seq     INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX webhook_subscriptions_by_owner
        ON webhook_subscriptions (workspace_id, owner_agent, created_seq);
    CREATE TABLE webhook_events (
        event_id     TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        owner_agent  TEXT NOT NULL,
        event_type   TEXT NOT NULL,
        source       TEXT NOT NULL,
        payload      TEXT NOT NULL,
        created_at   TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE webhook_deliveries (
        event_id        TEXT NOT NULL,
        subscription_id TEXT NOT NULL,
        state           TEXT NOT NULL,
        attempts        INTEGER NOT NULL,
        last_error      TEXT,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (event_id, subscription_id)
    ) WITHOUT ROWID;
    "#,
    // 10: accounts and sessions (issue 12): the gateway's own secrets (the JWT signing key,
    //    sealed), which client made a login session, a user's sessions by user.
    r#"
    CREATE TABLE server_secrets (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE sessions ADD COLUMN client TEXT;
    CREATE INDEX sessions_by_user ON sessions (user_id);
    "#,
    // 11: the portal (issue 12): what a signed-in person says about themselves.
    r#"
    CREATE TABLE user_profiles (
        user_id      TEXT PRIMARY KEY,
        display_name TEXT,
        company      TEXT,
        updated_at   TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 12: live intents by age (issue 12, `POST /v1/intents/bulk-cancel`): a partial index,
    //     so terminal intents (most of them) cost it nothing; its condition is
    //     `store::LIVE_CONDITION`, which the query repeats.
    r#"
    CREATE INDEX intents_live_by_age ON intents (created_at)
        WHERE status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT');
    "#,
    // 13: the nick registry (issue 12, spec §9.6): one profile per agent address, its nick
    //    unique on the gateway in lower case.
    r#"
    CREATE TABLE nick_profiles (
        owner_agent     TEXT PRIMARY KEY,
        user_id         TEXT NOT NULL UNIQUE,
        workspace_id    TEXT NOT NULL,
        sa_id           TEXT,
        nick            TEXT NOT NULL,
        normalized_nick TEXT NOT NULL UNIQUE,
        display_name    TEXT,
        phone           TEXT,
        email           TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 14: semantic schemas (issue 12, spec §9.6): one JSON Schema per (workspace, type).
    r#"
    CREATE TABLE semantic_schemas (
        workspace_id       TEXT NOT NULL,
        semantic_type      TEXT NOT NULL,
        schema_ref         TEXT NOT NULL,
        schema_hash        TEXT NOT NULL,
        compatibility_mode TEXT NOT NULL,
        scope              TEXT NOT NULL,
        owner_agent        TEXT,
        active             INTEGER NOT NULL,
        schema_json        TEXT NOT NULL,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        PRIMARY KEY (workspace_id, semantic_type)
    ) WITHOUT ROWID;
    CREATE INDEX semantic_schemas_core ON semantic_schemas (semantic_type, scope);
    "#,
    // 15: invites (issue 12, spec §9.6): only the token's SHA-256 is kept.
    r#"
    CREATE TABLE invites (
        token_hash           TEXT PRIMARY KEY,
        workspace_id         TEXT NOT NULL,
        owner_agent          TEXT NOT NULL,
        recipient_hint       TEXT,
        created_at           TEXT NOT NULL,
        expires_at           TEXT NOT NULL,
        accepted_at          TEXT,
        accepted_owner_agent TEXT,
        accepted_sa_id       TEXT,
        nick                 TEXT
    ) WITHOUT ROWID;
    "#,
    // 16: media uploads (issue 12, spec §9.6); the bytes are files under the media dir.
    r#"
    CREATE TABLE media_uploads (
        upload_id       TEXT PRIMARY KEY,
        workspace_id    TEXT NOT NULL,
        owner_agent     TEXT NOT NULL,
        filename        TEXT NOT NULL,
        mime_type       TEXT NOT NULL,
        size_bytes      INTEGER NOT NULL,
        declared_sha256 TEXT,
        received_bytes  INTEGER,
        sha256          TEXT,
        status          TEXT NOT NULL,
        object_path     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        expires_at      TEXT NOT NULL,
        finalized_at    TEXT
    ) WITHOUT ROWID;
    "#,
    // 17: the CLI's browser sign-in (issue 12): grants a person approves on the gateway's
    //    page; their credentials are minted when collected, never stored.
    r#"
    CREATE TABLE cli_grants (
        grant_id   TEXT PRIMARY KEY,
        user_code  TEXT NOT NULL,
        state      TEXT NOT NULL,
        email      TEXT,
        client     TEXT,
        expires_at INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
];

/// Opens the write connection: WAL, the chosen sync mode, then pending migrations.
pub fn open_writer(path: &Path, sync: SyncMode) -> rusqlite::Result<Connection> {
    owner_only(path);
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", sync.pragma())?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    conn.pragma_update(None, "cache_size", -16000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Checkpoints run on their own connection and thread (see `writer`): an automatic one
    // on the writer stalled every commit queued behind its fsyncs (p99 latency).
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    migrate(&conn)?;
    Ok(conn)
}

/// The database holds payloads and key hashes: it is created 0600 (SQLite gives its
/// `-wal` and `-shm` files the database's mode), and files an earlier release left
/// readable by others are narrowed to 0600.
fn owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            if let Ok(meta) = std::fs::metadata(file)
                && meta.permissions().mode() & 0o077 != 0
            {
                let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Opens the connection that copies the WAL back into the database file. `synchronous`
/// is per connection: the checkpoint syncs as the chosen mode says.
pub fn open_checkpointer(path: &Path, sync: SyncMode) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", sync.pragma())?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    Ok(conn)
}

/// Opens a read connection (WAL lets it read beside the writer).
pub fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    conn.pragma_update(None, "query_only", true)?;
    conn.pragma_update(None, "cache_size", -8000)?;
    // The bundled SQLite has STAT4: without the planner stability guarantee a statement
    // whose plan may depend on a bound value is marked expired on every rebind and
    // re-parsed on its next step (`sqlite3Reprepare` was ~1 % of server CPU per read).
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(conn)
}

pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let current: Option<i64> = conn
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .ok();
    let current = usize::try_from(current.unwrap_or(0)).unwrap_or(0);
    if current > MIGRATIONS.len() {
        // Written by a newer axme: its tables may mean things this build does not know.
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "the database has schema version {current}, newer than this axme understands ({}); \
             upgrade axme or use another --db",
            MIGRATIONS.len()
        )));
    }
    if current == 0 {
        conn.execute("INSERT INTO schema_version (version) VALUES (0)", [])?;
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "UPDATE schema_version SET version = ?1",
            [i64::try_from(index + 1).unwrap_or(i64::MAX)],
        )?;
        tx.commit()?;
        tracing::info!(version = index + 1, "applied schema migration");
    }
    Ok(())
}

#[cfg(test)]
fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT version FROM schema_version", [], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, SyncMode::Normal).unwrap();
        assert_eq!(
            schema_version(&conn).unwrap(),
            i64::try_from(MIGRATIONS.len()).unwrap()
        );
        drop(conn);
        let conn = open_writer(&path, SyncMode::Full).unwrap();
        assert_eq!(
            schema_version(&conn).unwrap(),
            i64::try_from(MIGRATIONS.len()).unwrap()
        );
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode.to_lowercase(), "wal");
    }

    /// A database written by the first release opens after an upgrade, its rows intact.
    #[test]
    fn an_old_database_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_version (version INTEGER NOT NULL);
                 INSERT INTO schema_version (version) VALUES (1);",
            )
            .unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch("CREATE TABLE keep_me (v TEXT); INSERT INTO keep_me VALUES ('x');")
                .unwrap();
        }
        let conn = open_writer(&path, SyncMode::Normal).unwrap();
        assert_eq!(
            schema_version(&conn).unwrap(),
            i64::try_from(MIGRATIONS.len()).unwrap()
        );
        let kept: String = conn
            .query_row("SELECT v FROM keep_me", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "x");
    }

    /// Intents an earlier release left DELIVERED get an answer lease on upgrade.
    #[test]
    fn delivered_intents_get_a_lease_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_version (version INTEGER NOT NULL);
                 INSERT INTO schema_version (version) VALUES (3);",
            )
            .unwrap();
            for sql in &MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            for (id, status) in [("a", "DELIVERED"), ("b", "IN_PROGRESS"), ("c", "DELIVERED")] {
                conn.execute(
                    "INSERT INTO intents (intent_id, workspace_id, sender_sa_id, to_agent, \
                     status, last_seq, delivery_cursor, created_at, updated_at, body) \
                     VALUES (?1, 'w', 's', 'agent://o/w/x', ?2, 2, 2, 't', 't', '{}')",
                    [id, status],
                )
                .unwrap();
            }
        }
        let conn = open_writer(&path, SyncMode::Normal).unwrap();
        let leased: Vec<String> = conn
            .prepare("SELECT intent_id FROM timers WHERE kind = 'redeliver' ORDER BY intent_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(leased, ["a", "c"]);
    }

    /// Threads an earlier release wrote get their workspace, a qualified owner (a bare
    /// `reply_to` was stored bare) and their place in the change feed.
    #[test]
    fn inbox_threads_are_placed_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v6.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_version (version INTEGER NOT NULL);
                 INSERT INTO schema_version (version) VALUES (6);",
            )
            .unwrap();
            for sql in &MIGRATIONS[..6] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO orgs VALUES ('o1', 'acme', 't');
                 INSERT INTO workspaces VALUES ('w1', 'o1', 'prod', 't');
                 INSERT INTO intents (intent_id, workspace_id, sender_sa_id, to_agent, status,
                     last_seq, delivery_cursor, created_at, updated_at, body)
                     VALUES ('i1', 'w1', 's', 'x', 'COMPLETED', 3, 1, 't', 't', '{}'),
                            ('i2', 'w1', 's', 'x', 'COMPLETED', 3, 2, 't', 't', '{}');
                 INSERT INTO inbox_threads VALUES ('i2', 'owner', 'b', '{}');
                 INSERT INTO inbox_threads VALUES ('i1', 'agent://acme/prod/me', 'a', '{}');",
            )
            .unwrap();
        }
        let conn = open_writer(&path, SyncMode::Normal).unwrap();
        let rows: Vec<(String, String, String, i64)> = conn
            .prepare(
                "SELECT thread_id, workspace_id, owner_agent, change_seq FROM inbox_threads \
                 ORDER BY thread_id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let row = |id: &str, owner: &str, seq| (id.into(), "w1".into(), owner.into(), seq);
        assert_eq!(
            rows,
            [
                row("i1", "agent://acme/prod/me", 1),
                row("i2", "agent://acme/prod/owner", 2)
            ]
        );
    }

    #[test]
    fn a_newer_database_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        {
            let conn = open_writer(&path, SyncMode::Normal).unwrap();
            conn.execute("UPDATE schema_version SET version = 999", [])
                .unwrap();
        }
        let err = open_writer(&path, SyncMode::Normal)
            .unwrap_err()
            .to_string();
        assert!(err.contains("newer than this axme"), "{err}");
    }
}
