//! [`App`]: everything a request handler can reach, and [`build`], which opens the
//! database and assembles it. Binding a socket and handling signals are the caller's
//! (`axme server` in cli/server.rs); tests build an `App` in their own process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{Notify, watch};

use super::engine::directory::{Directory, new_account_id, new_key};
use super::engine::hub::Hub;
use super::engine::reactor::Engine;
use super::engine::scheduler::Scheduler;
use super::limits;
use super::metrics::Metrics;
use super::store::pg::PgStore;
use super::store::sqlite::SqliteStore;
use super::store::{self, AccountRow, CommitObserver, Notice, OrgRow, Store, WorkspaceRow};
use super::{DEFAULT_ORG, DEFAULT_WORKSPACE, Database, ServerConfig, Settings};
use crate::protocol::access::Role;
use crate::protocol::{Banner, Timestamp};

/// Everything a request handler can reach.
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) directory: Directory,
    pub(crate) hub: Arc<Hub>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) engine: Arc<Engine>,
    pub(crate) scheduler: Arc<Scheduler>,
    pub(crate) settings: Settings,
    /// Request-rate buckets (`http::throttle`).
    pub(crate) limiter: limits::Limiter,
    /// Sign-in attempts per email address (`http::auth`).
    pub(crate) login_guard: limits::LoginGuard,
    /// Signs and checks access tokens (JWT, the database's key: `server::jwt`).
    pub(crate) signer: super::jwt::Signer,
    /// Flips to `true` when shutdown begins; open streams end on it.
    pub(crate) shutdown: watch::Sender<bool>,
    /// TLS of `--tls-cert/--tls-key`; None serves plain HTTP.
    pub(crate) tls: Option<tokio_rustls::TlsAcceptor>,
    /// Where the data lives, as the banner says it.
    pub(crate) database: String,
    /// `sqlite` or `postgres` (`/health`).
    pub(crate) store_kind: &'static str,
    /// This node's name among several on one database (`/health`, `/metrics`).
    pub(crate) node_id: String,
    /// The admin key made on the first start of a database (never stored); shown once.
    pub(crate) first_admin_key: Option<String>,
    /// Another node changed tenants, keys or agent settings: reload them (`run`).
    pub(super) directory_stale: Arc<Notify>,
    /// Where media uploads keep their bytes (`http/media.rs`).
    pub(crate) media_dir: PathBuf,
    /// An ephemeral database's directory, removed when the app is dropped.
    _temp_dir: Option<tempfile::TempDir>,
}

impl App {
    pub(crate) fn now(&self) -> Timestamp {
        self.engine.now()
    }

    /// The startup banner for a server listening on `local`.
    pub fn banner(&self, local: SocketAddr) -> Banner {
        let login_codes = match &self.settings.mailer {
            Some(mailer) => format!("mailed via {}", mailer.endpoint()),
            None if self.settings.log_login_codes => "written to this log".to_string(),
            None => "off (no --smtp-url; see --login-codes-in-log)".to_string(),
        };
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        Banner {
            version: env!("CARGO_PKG_VERSION").to_string(),
            url: format!("{scheme}://{local}"),
            database: self.database.clone(),
            workspace: format!("agent://{DEFAULT_ORG}/{DEFAULT_WORKSPACE}"),
            login_codes,
            admin_key: self.first_admin_key.clone(),
        }
    }
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

/// Opens (or creates) the database, loads tenants, keys and agent settings, and makes the
/// default workspace and its admin on a new database. Nothing runs yet: [`super::run`]
/// serves it.
pub async fn build(config: ServerConfig) -> Result<App, String> {
    let clock = config.clock.clone();
    let tls = config.tls.as_ref().map(super::tls::acceptor).transpose()?;
    let (path, temp_dir, description) = match &config.database {
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
    let directory_stale = Arc::new(Notify::new());
    let observer = Arc::new(Observer {
        hub: hub.clone(),
        metrics: metrics.clone(),
        scheduler: scheduler.clone(),
        directory_stale: directory_stale.clone(),
    });
    let engine = Arc::new(Engine::new(
        config.settings.timing.clone(),
        Vec::new(),
        clock,
    ));
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
    let key_file = match (&config.secret_key_file, &config.database) {
        (Some(file), _) => file.clone(),
        (None, Database::Postgres(_)) => super::default_db_path()
            .and_then(|p| p.parent().map(|d| d.join("secret.key")))
            .ok_or("no data directory for the secret key file: pass --secret-key-file")?,
        (None, _) => super::sealer::key_file_beside(&path),
    };
    let media_dir = match (&config.media_dir, &config.database) {
        (Some(dir), _) => dir.clone(),
        (None, Database::Postgres(_)) => super::default_db_path()
            .and_then(|p| p.parent().map(|d| d.join("media")))
            .ok_or("no data directory for media uploads: pass --media-dir")?,
        (None, _) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".media");
            PathBuf::from(name)
        }
    };
    let sealer = super::sealer::Sealer::load_or_create(&key_file)?;
    let signer = super::jwt::Signer::load_or_create(store.as_ref(), &sealer).await?;
    engine.set_sealer(sealer);
    if let Some(mailer) = &config.settings.mailer {
        engine.set_mailer(mailer.clone());
    }
    let mut unsealed = Vec::new();
    for stored in store
        .agent_deliveries()
        .await
        .map_err(|e| format!("cannot read the database: {e}"))?
    {
        let plaintext = stored
            .secret
            .as_deref()
            .is_some_and(|s| !super::sealer::Sealer::is_sealed(s));
        let row = engine.opened_row(stored)?;
        if plaintext {
            unsealed.push(engine.sealed_row(&row));
        }
        engine.set_agent(row);
    }
    // Secrets an earlier release stored in plain text are sealed now.
    if !unsealed.is_empty() {
        let count = unsealed.len();
        store
            .run(move |tx| {
                for row in &unsealed {
                    tx.put_agent_delivery(row)?;
                }
                Ok(())
            })
            .await
            .map_err(|e| format!("cannot seal the stored push secrets: {e}"))?;
        tracing::info!(count, key_file = %key_file.display(), "sealed push secrets stored in plain text");
    }
    engine.set_policies(
        store
            .receive_policies()
            .await
            .map_err(|e| format!("cannot read the database: {e}"))?,
    );
    let snapshot = store
        .load_directory()
        .await
        .map_err(|e| format!("cannot read the database: {e}"))?;
    load_kills(&store, &engine)
        .await
        .map_err(|e| format!("cannot read the database: {e}"))?;
    let (shutdown, _) = watch::channel(false);
    let mut app = App {
        store,
        directory: Directory::from_snapshot(snapshot),
        hub,
        metrics,
        engine,
        scheduler,
        limiter: limits::Limiter::new(config.settings.limits.rates.clone()),
        login_guard: limits::LoginGuard::new(config.settings.limits.login.clone()),
        signer,
        settings: config.settings,
        shutdown,
        tls,
        database: description,
        store_kind: match config.database {
            Database::Postgres(_) => "postgres",
            Database::File(_) | Database::Ephemeral => "sqlite",
        },
        node_id: config.node_id.clone(),
        first_admin_key: None,
        directory_stale,
        media_dir,
        _temp_dir: temp_dir,
    };
    app.first_admin_key = bootstrap(&app).await?;
    Ok(app)
}

/// The kills in force, as stored: a killed agent stays killed across restarts.
pub(super) async fn load_kills(store: &Arc<dyn Store>, engine: &Engine) -> store::StoreResult<()> {
    let rows = store.mesh_agents(None).await?;
    engine.mesh.load_kills(rows.into_iter().filter_map(|r| {
        let at = r.killed_at.as_deref()?.parse::<Timestamp>().ok()?;
        Some((
            r.address,
            super::engine::mesh::Kill {
                at,
                by: r.killed_by.unwrap_or_default(),
            },
        ))
    }));
    Ok(())
}

/// Creates org `local`, workspace `default` and its admin on a new database; returns the
/// admin token, which is never stored.
async fn bootstrap(app: &App) -> Result<Option<String>, String> {
    if !app.directory.is_empty() {
        return Ok(None);
    }
    let at = app.now().to_string();
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
        role: Role::Admin,
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
