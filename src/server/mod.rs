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
//! `/v1/scenarios/apply`, `/v1/me/tasks`, `/v1/inbox[/{thread_id}]`,
//! `PATCH /v1/service-accounts/{id}`. See docs/ARCHITECTURE.md.

pub mod engine;
pub mod http;
pub mod limits;
mod listener;
pub mod mail;
pub mod metrics;
pub mod store;
pub mod tls;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use engine::directory::{Directory, new_account_id, new_key};
use engine::hub::Hub;
use engine::reactor::{Engine, Timing};
use engine::scheduler::Scheduler;
use metrics::Metrics;
use store::pg::PgStore;
use store::sqlite::{SqliteStore, SyncMode};
use store::{AccountRow, CommitObserver, Notice, OrgRow, Store, WorkspaceRow};

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
    pub listen: String,
    pub database: Database,
    /// This node's name among several on one PostgreSQL database (`/health`, logs).
    pub node_id: String,
    pub sync: SyncMode,
    /// Serve HTTPS with this certificate and key (`--tls-cert/--tls-key`).
    pub tls: Option<tls::TlsFiles>,
    pub settings: Settings,
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
        }
    }
}

/// Everything a request handler can reach.
pub struct App {
    pub store: Arc<dyn Store>,
    pub directory: Directory,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    pub engine: Arc<Engine>,
    pub scheduler: Arc<Scheduler>,
    pub settings: Settings,
    /// Request-rate buckets (`http::throttle`).
    pub limiter: limits::Limiter,
    /// Sign-in attempts per email address (`http::auth`).
    pub login_guard: limits::LoginGuard,
    /// Flips to `true` when shutdown begins; open streams end on it.
    pub shutdown: watch::Sender<bool>,
}

struct Observer {
    hub: Arc<Hub>,
    metrics: Arc<Metrics>,
    scheduler: Arc<Scheduler>,
    /// Another node changed tenants, keys or agent settings: reload them.
    directory_stale: Arc<tokio::sync::Notify>,
}

impl store::pg::listen::Remote for Observer {
    fn remote(&self, notices: &[Notice], directory_changed: bool) {
        self.hub.publish_notices(notices);
        for notice in notices {
            if let Notice::Timer(due) = notice {
                self.scheduler.armed(*due);
            }
        }
        if directory_changed {
            self.directory_stale.notify_one();
        }
    }

    fn resync(&self) {
        self.hub.publish_all();
        self.scheduler.armed(i64::MIN);
        self.directory_stale.notify_one();
    }
}

impl CommitObserver for Observer {
    fn committed(&self, notices: &[Notice], jobs: usize, events: usize) {
        self.hub.publish_notices(notices);
        for notice in notices {
            if let Notice::Timer(due) = notice {
                self.scheduler.armed(*due);
            }
        }
        self.metrics.batch(jobs, events);
    }
}

pub const DEFAULT_ORG: &str = "local";
pub const DEFAULT_WORKSPACE: &str = "default";

/// Creates org `local`, workspace `default` and its admin on a new database; returns the
/// admin token, which is never stored.
async fn bootstrap(app: &App) -> Result<Option<String>, String> {
    if !app.directory.is_empty() {
        return Ok(None);
    }
    let at = crate::protocol::now();
    let org = OrgRow {
        org_id: uuid::Uuid::new_v4().to_string(),
        slug: DEFAULT_ORG.into(),
        created_at: at.clone(),
    };
    let workspace = WorkspaceRow {
        workspace_id: uuid::Uuid::new_v4().to_string(),
        org_id: org.org_id.clone(),
        slug: DEFAULT_WORKSPACE.into(),
        created_at: at.clone(),
    };
    let admin = AccountRow {
        sa_id: new_account_id(),
        org_id: org.org_id.clone(),
        workspace_id: workspace.workspace_id.clone(),
        name: "admin".into(),
        display_name: Some("Workspace admin".into()),
        description: None,
        status: "active".into(),
        is_admin: true,
        created_at: at.clone(),
        updated_at: at.clone(),
    };
    let key = new_key(&admin.sa_id, &at);
    app.store
        .bootstrap(
            org.clone(),
            workspace.clone(),
            admin.clone(),
            key.row.clone(),
        )
        .await
        .map_err(|e| format!("could not initialize the database: {e}"))?;
    app.directory.add_org(org);
    app.directory.add_workspace(workspace);
    app.directory.add_account(admin);
    app.directory.add_key(key.row);
    Ok(Some(key.token))
}

const EPHEMERAL_PREFIX: &str = "axme-ephemeral-";
const PID_FILE: &str = "server.pid";

/// Removes ephemeral databases left behind by servers that were killed (`kill -9` gives
/// them no chance to clean up): directories whose recorded process no longer runs.
fn sweep_stale_ephemeral() {
    #[cfg(target_os = "linux")]
    {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name.to_string_lossy().starts_with(EPHEMERAL_PREFIX) {
                continue;
            }
            let Ok(pid) = std::fs::read_to_string(entry.path().join(PID_FILE)) else {
                continue;
            };
            let alive = std::path::Path::new("/proc").join(pid.trim()).exists();
            if !pid.trim().is_empty() && !alive {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The default database file: `<platform data dir>/axme.db`.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "axme").map(|d| d.data_dir().join("axme.db"))
}

/// Runs the server until SIGTERM or Ctrl-C. The banner goes to `banner` once listening.
pub async fn serve(config: ServerConfig, banner: &mut dyn Write) -> Result<(), String> {
    let signals = ShutdownSignals::register()?;
    let (path, _temp_dir, description) = match &config.database {
        Database::Postgres(_) => (PathBuf::new(), None, String::new()),
        Database::File(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            let d = format!(
                "{} (sqlite, synchronous={})",
                path.display(),
                config.sync.pragma()
            );
            (path.clone(), None, d)
        }
        Database::Ephemeral => {
            sweep_stale_ephemeral();
            let dir = tempfile::Builder::new()
                .prefix(EPHEMERAL_PREFIX)
                .tempdir()
                .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
            let _ = std::fs::write(dir.path().join(PID_FILE), std::process::id().to_string());
            let path = dir.path().join("axme.db");
            let d = format!(
                "ephemeral ({}, sqlite, synchronous={}; removed at exit)",
                path.display(),
                config.sync.pragma()
            );
            (path, Some(dir), d)
        }
    };

    let hub = Arc::new(Hub::default());
    let metrics = Arc::new(Metrics::default());
    let scheduler = Arc::new(Scheduler::default());
    let directory_stale = Arc::new(tokio::sync::Notify::new());
    let observer = Arc::new(Observer {
        hub: hub.clone(),
        metrics: metrics.clone(),
        scheduler: scheduler.clone(),
        directory_stale: directory_stale.clone(),
    });
    let engine = Arc::new(Engine::new(config.settings.timing.clone(), Vec::new()));
    let (store, description): (Arc<dyn Store>, String) = match &config.database {
        Database::Postgres(url) => {
            let remote: Arc<dyn store::pg::listen::Remote> = observer.clone();
            let store = PgStore::open(
                url,
                &config.node_id,
                observer,
                Some(engine.clone()),
                Some(remote),
            )
            .await?;
            let where_ = url.settings()?.describe();
            let d = format!("{where_} (postgres, node {})", config.node_id);
            (Arc::new(store), d)
        }
        _ => {
            let store = SqliteStore::open_with(&path, config.sync, observer, Some(engine.clone()))
                .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
            (Arc::new(store), description)
        }
    };
    for row in store
        .agent_deliveries()
        .await
        .map_err(|e| format!("cannot read the database: {e}"))?
    {
        engine.set_agent(row);
    }
    let snapshot = store
        .load_directory()
        .await
        .map_err(|e| format!("cannot read the database: {e}"))?;
    let (shutdown, _) = watch::channel(false);
    let app = Arc::new(App {
        store: store.clone(),
        directory: Directory::from_snapshot(snapshot),
        hub,
        metrics,
        engine: engine.clone(),
        scheduler: scheduler.clone(),
        settings: config.settings.clone(),
        limiter: limits::Limiter::new(config.settings.limits.rates.clone()),
        login_guard: limits::LoginGuard::new(config.settings.limits.login.clone()),
        shutdown,
    });
    let admin_token = bootstrap(&app).await?;

    let acceptor = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let fd_limit = listener::raise_fd_limit();
    let max_connections =
        listener::effective_max_connections(config.settings.limits.max_connections, fd_limit);
    if max_connections < config.settings.limits.max_connections {
        tracing::warn!(
            max_connections,
            fd_limit,
            "the descriptor limit caps open connections below the setting"
        );
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;

    let login_codes = match &config.settings.mailer {
        Some(mailer) => format!("mailed via {}", mailer.endpoint()),
        None if config.settings.log_login_codes => "written to this log".to_string(),
        None => "off (no --smtp-url; see --login-codes-in-log)".to_string(),
    };
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let text = crate::protocol::Banner {
        version: env!("CARGO_PKG_VERSION").to_string(),
        url: format!("{scheme}://{local}"),
        database: description,
        workspace: format!("agent://{DEFAULT_ORG}/{DEFAULT_WORKSPACE}"),
        login_codes,
        admin_key: admin_token,
    }
    .render();
    banner
        .write_all(text.as_bytes())
        .and_then(|()| banner.flush())
        .map_err(|e| format!("cannot write the banner: {e}"))?;
    tracing::info!(%local, "listening");

    tokio::spawn(purge_idempotency_records(store.clone()));
    tokio::spawn(reload_directory(app.clone(), directory_stale));
    // Timers resume from their rows: whatever fell due while the server was down fires now.
    let push_client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build the HTTP push client: {e}"))?;
    tokio::spawn(scheduler.run(store.clone(), engine, push_client, app.shutdown.subscribe()));
    let router = http::router(app.clone());
    // Subscribed before the signal task exists: a receiver made after the send would
    // never see the change, and the accept loop would wait forever.
    let stop = app.shutdown.subscribe();
    let stopping = app.clone();
    tokio::spawn(async move {
        signals.recv().await;
        tracing::info!("shutting down: ending open streams");
        let _ = stopping.shutdown.send(true);
    });
    tracing::info!(
        rates = %config.settings.limits.rates.describe(),
        max_connections,
        max_streams = config.settings.limits.max_streams,
        "limits"
    );
    listener::serve(
        listener,
        router,
        acceptor,
        &config.settings.limits,
        max_connections,
        stop,
    )
    .await;
    store
        .shutdown()
        .await
        .map_err(|e| format!("could not flush the database: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// Reloads tenants, keys and agent settings when another node changed them (PostgreSQL):
/// a key revoked on one node is refused on every node once its notification arrives.
async fn reload_directory(app: Arc<App>, stale: Arc<tokio::sync::Notify>) {
    loop {
        stale.notified().await;
        match app.store.load_directory().await {
            Ok(snapshot) => app.directory.replace(snapshot),
            Err(e) => tracing::warn!(error = %e, "could not reload the directory"),
        }
        match app.store.agent_deliveries().await {
            Ok(rows) => rows.into_iter().for_each(|row| app.engine.set_agent(row)),
            Err(e) => tracing::warn!(error = %e, "could not reload agent settings"),
        }
    }
}

/// Idempotency records are kept two days (the spec asks for at least 24 h), then purged
/// once an hour so the table does not grow without bound.
async fn purge_idempotency_records(store: Arc<dyn Store>) {
    const KEEP: u64 = 48 * 3600;
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        match store.purge_idempotency(KEEP).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "purged old idempotency records"),
            Err(e) => tracing::warn!(error = %e, "could not purge idempotency records"),
        }
    }
}

/// SIGTERM and Ctrl-C, registered before the banner is printed: a signal that arrives
/// right after the banner must start a graceful shutdown, not kill the process.
struct ShutdownSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    fn register() -> Result<Self, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind: SignalKind, name: &str| {
                signal(kind).map_err(|e| format!("cannot listen for {name}: {e}"))
            };
            Ok(ShutdownSignals {
                term: listen(SignalKind::terminate(), "SIGTERM")?,
                interrupt: listen(SignalKind::interrupt(), "SIGINT")?,
            })
        }
        #[cfg(not(unix))]
        Ok(ShutdownSignals {})
    }

    async fn recv(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.interrupt.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
