//! The embedded AXP gateway behind `axme server`.
//!
//! # Layers (arrows point down)
//!
//! - [`http`]: axum routers per resource (`intents`, `sse`, `agents`, `accounts`, `meta`),
//!   the `Caller` auth extractor, lenient validation, error → response mapping.
//! - [`engine`]: decisions and coordination. `lifecycle` holds pure functions from the
//!   committed intent and a request to new events; `directory` keeps tenants and key
//!   hashes in memory; `hub` wakes waiting SSE streams after a commit.
//! - [`store`]: the `Store` trait and its SQLite implementation.
//! - [`console`]: the web console at `/ui/` (assets compiled in, cookie sessions acting as
//!   an API key through `/ui/api/v1/…`).
//! - [`approve`]: the page at `/login/cli` where a person approves a CLI's browser sign-in
//!   (in every build).
//!
//! # The data path of a write
//!
//! The handler validates and (for a create) builds and serializes the intent and its first
//! events on its own task. The store's single writer thread drains a queue and commits
//! many jobs per transaction (group commit); a mutation of an existing intent is a
//! read-check-write inside the writer, calling the engine's decide function on committed
//! state, so per-intent `seq` has no gaps and commit order is seq order. After the commit
//! the writer wakes the hub (per intent id and per agent address), then answers each job.
//! Reads use their own WAL connections.
//!
//! # Interface
//!
//! `axme server [--listen ADDR:PORT] [--db PATH | --ephemeral] [--sync normal|full]`; logs go
//! to stderr (`RUST_LOG`, default `info`; per-request lines at `debug`). Once listening, a
//! banner is printed to stdout and flushed:
//!
//! ```text
//! axme server 0.1.0
//!   listening   http://127.0.0.1:8100
//!   console     http://127.0.0.1:8100/ui/
//!   database    /path/axme.db (sqlite, synchronous=NORMAL)
//!   workspace   agent://local/default
//!   login codes written to this log        (or: mailed via smtp://host:port)
//!   admin key   axme_sa_…   (shown once; store it now)
//! ```
//!
//! On later starts of the same database the admin line reads
//! `admin key   (already created; see the first start's banner)`.
//!
//! `--smtp-url URL --smtp-from ADDRESS` (`AXME_SMTP_URL`, `AXME_SMTP_FROM`,
//! `AXME_SMTP_PASSWORD`) mails login codes instead of logging them (see [`mail`]).
//!
//! The banner's one definition (written here, read by the CLI, `axme bench` and the tests)
//! is `protocol::Banner`.
//!
//! Timing flags (all in `axme server --help`): `--delivery-attempt-interval` (15s: how
//! long a new intent may wait for a live listener before an attempt counts as failed),
//! `--delivery-retry-interval` (5s, later windows), `--push-retry-interval` (30s; then
//! 4x, 20x), `--push-timeout` (10s), `--time-scale` (1.0; multiplies every duration a
//! scenario gives in seconds).
//!
//! # Workflows and timers
//!
//! `engine::reactor` runs inside every write transaction (timers, workflow advance, inbox);
//! `engine::workflow` walks scenario steps; `engine::scheduler` is the one loop that fires
//! timer rows; `engine::push` delivers to http agents. Routes: `/v1/scenarios/validate`,
//! `/v1/scenarios/apply`, `/v1/me/tasks`, `/v1/inbox…` (`http/inbox.rs`, actions in
//! `engine::inbox`), `/v1/approvals/{id}/decision`,
//! `PATCH /v1/service-accounts/{id}`. See docs/ARCHITECTURE.md.

mod app;
pub(crate) mod approve;
pub mod clock;
pub(crate) mod console;
pub(crate) mod engine;
pub(crate) mod http;
pub(crate) mod jwt;
pub mod limits;
mod listener;
pub(crate) mod mail;
pub(crate) mod metrics;
mod run;
pub(crate) mod sealer;
pub(crate) mod store;
pub(crate) mod tls;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use app::{App, build};
use clock::{SharedClock, SystemClock};
pub use engine::reactor::Timing;
pub use run::run;
pub use store::pg::PgUrl;
use store::sqlite::SyncMode;

/// Where the database lives.
#[derive(Debug, Clone)]
pub enum Database {
    File(PathBuf),
    /// A temporary directory removed when the server exits.
    Ephemeral,
    /// A PostgreSQL database, which several nodes may share.
    Postgres(store::pg::PgUrl),
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub database: Database,
    /// This node's name among several on one PostgreSQL database (`/health`, logs).
    pub node_id: String,
    pub sync: SyncMode,
    /// Serve HTTPS with this certificate and key (`--tls-cert/--tls-key`).
    pub tls: Option<tls::TlsFiles>,
    pub settings: Settings,
    /// Where "now" comes from: the wall clock, or a test's `ManualClock`.
    pub clock: SharedClock,
    /// The key that seals push secrets at rest (`sealer`); None: beside a SQLite file,
    /// `<platform data dir>/secret.key` for PostgreSQL.
    pub secret_key_file: Option<PathBuf>,
    /// Where media uploads keep their bytes (`--media-dir`); None: `<db>.media` beside a
    /// SQLite file, `<platform data dir>/media` for PostgreSQL.
    pub media_dir: Option<PathBuf>,
}

impl ServerConfig {
    /// A server on `database` with default settings, plain HTTP and the wall clock.
    pub fn new(database: Database) -> Self {
        ServerConfig {
            database,
            node_id: "node".into(),
            sync: SyncMode::Normal,
            tls: None,
            settings: Settings::default(),
            clock: Arc::new(SystemClock),
            secret_key_file: None,
            media_dir: None,
        }
    }
}

/// Tunables of the running server.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a stream that wrote something stays open for more (spec §2.4: ≤ ~1 s).
    pub linger: Duration,
    /// Interval of `: keepalive` comments on idle streams.
    pub heartbeat: Duration,
    /// Delivery attempt windows, push backoff, bundle time scale.
    pub timing: Timing,
    /// Where login codes go: mailed through this relay, or (None) written to the log.
    pub mailer: Option<mail::Mailer>,
    /// Without a mailer, whether codes may go to the log: only on a loopback-bound
    /// gateway or with `--login-codes-in-log`; else email sign-in is refused.
    pub log_login_codes: bool,
    /// Rates, sign-in attempts, connections, streams, body time (`limits`).
    pub limits: limits::Limits,
    /// The largest media upload taken (`--max-media-bytes`, 100 MiB).
    pub max_media_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            linger: Duration::from_millis(250),
            heartbeat: Duration::from_secs(15),
            timing: Timing::default(),
            mailer: None,
            log_login_codes: true,
            limits: limits::Limits::default(),
            max_media_bytes: DEFAULT_MAX_MEDIA_BYTES,
        }
    }
}

/// 100 MiB, the gateway limit the spec names (§5.5).
pub const DEFAULT_MAX_MEDIA_BYTES: u64 = 104_857_600;

pub const DEFAULT_ORG: &str = "local";
pub const DEFAULT_WORKSPACE: &str = "default";

/// The default database file: `<platform data dir>/axme.db`.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "axme").map(|d| d.data_dir().join("axme.db"))
}
