//! `axme server`: flags of the embedded gateway.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::error::{CliError, CliResult};
use crate::server::engine::reactor::Timing;
use crate::server::limits::{Limits, LoginLimits, RateLimits};
use crate::server::mail::Mailer;
use crate::server::store::pg::PgUrl;
use crate::server::store::sqlite::SyncMode;
use crate::server::tls::{TlsFiles, is_loopback};
use crate::server::{Database, ServerConfig, Settings, default_db_path};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SyncArg {
    /// WAL + synchronous=NORMAL: commits survive a crash of the process (kill -9).
    Normal,
    /// WAL + synchronous=FULL: commits also survive power loss.
    Full,
}

#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// A database task instead of serving.
    #[command(subcommand)]
    pub command: Option<super::server_migrate::ServerCommand>,
    /// Address to listen on (port 0 picks a free port; the banner shows it).
    /// Beyond loopback it needs --tls-cert/--tls-key (or --insecure-http).
    #[arg(
        long,
        default_value = "127.0.0.1:8100",
        value_name = "ADDR:PORT",
        overrides_with = "listen"
    )]
    pub listen: String,
    /// The database: a SQLite file (PATH or sqlite://PATH) [default: <platform data
    /// dir>/axme.db], or PostgreSQL (postgres://user@host:port/db[?sslmode=require]),
    /// which several nodes may share. Also AXME_DB_URL.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "ephemeral")]
    pub db: Option<String>,
    /// This node's name when several share one PostgreSQL database [default: the host
    /// name and process id].
    #[arg(long, value_name = "NAME")]
    pub node_id: Option<String>,
    /// Use a throwaway database in a temporary directory, removed at exit.
    #[arg(long)]
    pub ephemeral: bool,
    /// Durability of each commit.
    #[arg(long, value_enum, default_value = "normal")]
    pub sync: SyncArg,
    /// How long (ms) a stream that sent something stays open for more before it ends.
    #[arg(long, default_value_t = 250, value_name = "MS", hide = true)]
    pub sse_linger_ms: u64,
    /// Seconds between heartbeat comments on idle streams.
    #[arg(long, default_value_t = 15, value_name = "SECONDS", hide = true)]
    pub heartbeat_seconds: u64,
    /// How long a new intent may wait for a live listener before its first delivery
    /// attempt counts as failed (stream/poll agents).
    #[arg(long, default_value = "15s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub delivery_attempt_interval: Duration,
    /// Window of each later delivery attempt; after max_delivery_attempts (default 3)
    /// failed attempts the intent ends FAILED (intent.delivery_failed).
    #[arg(long, default_value = "5s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub delivery_retry_interval: Duration,
    /// First retry delay of a failed HTTP push; later retries wait 4x and 20x as long.
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub push_retry_interval: Duration,
    /// Timeout of one HTTP push request.
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub push_timeout: Duration,
    /// The answer lease: an intent handed to an agent (stream or push) whose handler has
    /// not answered (progress, resume, resolve) within this time is delivered again, to a
    /// listener of the same address, and again after each further lease.
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub redeliver_after: Duration,
    /// Agent mesh: an agent with no heartbeat and no listener for this long is degraded
    /// (also how recent a failed delivery must be to count, and how long a delivered intent
    /// may go unanswered)
    #[arg(long, default_value = "90s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub mesh_degraded_after: Duration,
    /// Agent mesh: an agent with no heartbeat and no listener for this long is unreachable
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub mesh_unreachable_after: Duration,
    /// Multiplies every duration a scenario gives in seconds (step deadlines, retry delays,
    /// reminders, delay steps); e.g. 0.01 turns 120 s into 1.2 s for a demo or a test.
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub time_scale: f64,
    /// SMTP relay that mails login codes: smtp://host:port (plain), smtp+starttls://host:port
    /// or smtps://host:port (implicit TLS); user and password may sit in the URL, or the
    /// password in AXME_SMTP_PASSWORD. Without it, login codes are written to this log.
    #[arg(
        long,
        env = "AXME_SMTP_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub smtp_url: Option<String>,
    /// Sender address of login mails (required with --smtp-url).
    #[arg(
        long,
        env = "AXME_SMTP_FROM",
        hide_env_values = true,
        value_name = "ADDRESS"
    )]
    pub smtp_from: Option<String>,
    /// Without --smtp-url, write login codes to this log even when listening beyond
    /// loopback (by default a non-loopback gateway without SMTP refuses email sign-in).
    #[arg(long)]
    pub login_codes_in_log: bool,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The key file sealing HTTP push secrets at rest, made 0600 when missing [default:
    /// <db>.secret-key beside a SQLite database; <platform data dir>/secret.key for
    /// PostgreSQL, and every node of one database needs the same file].
    #[arg(
        long,
        value_name = "PATH",
        env = "AXME_SECRET_KEY_FILE",
        hide_env_values = true
    )]
    pub secret_key_file: Option<PathBuf>,
    /// Where media uploads keep their bytes [default: <db>.media beside a SQLite database;
    /// <platform data dir>/media for PostgreSQL, which several nodes must share for any
    /// node to serve any upload].
    #[arg(
        long,
        value_name = "PATH",
        env = "AXME_MEDIA_DIR",
        hide_env_values = true
    )]
    pub media_dir: Option<PathBuf>,
    /// The largest media upload taken, in bytes.
    #[arg(long, default_value_t = crate::server::DEFAULT_MAX_MEDIA_BYTES, value_name = "BYTES")]
    pub max_media_bytes: u64,
    /// Allow plain HTTP on a non-loopback --listen address (keys and payloads then cross
    /// the network in clear). Without it such a bind needs --tls-cert/--tls-key.
    #[arg(long)]
    pub insecure_http: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Bounds of the gateway (SECURITY.md explains each).
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Request rate of a route class, per API key or per client address:
    /// SCOPE.CLASS=N/s|N/min|N/h|off, SCOPE key or ip, CLASS read, write, stream or login;
    /// repeatable. Defaults: key.read=2000/s key.write=1000/s key.stream=200/s
    /// ip.read=5000/s ip.write=3000/s ip.stream=500/s ip.login=30/min.
    #[arg(long = "rate-limit", value_name = "SCOPE.CLASS=RATE")]
    pub rate_limit: Vec<String>,
    /// Lift every request-rate and sign-in limit (benchmarks; `axme bench` does this for
    /// the gateway it starts). Connection and stream caps stay.
    #[arg(long)]
    pub no_rate_limits: bool,
    /// Sign-in codes (mails) per email address per hour.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub login_codes_per_hour: u32,
    /// Wrong sign-in codes for one address within --login-lockout that lock it.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub login_lockout_failures: u32,
    /// The window of --login-lockout-failures, and so the longest lock.
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub login_lockout: Duration,
    /// Open connections at once (kept below the descriptor limit); one more gets a 503.
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub max_connections: usize,
    /// Open connections per client address (IPv6: per /64); one more gets a 503.
    #[arg(long, default_value_t = 2_000, value_name = "N")]
    pub max_connections_per_client: usize,
    /// Open SSE streams at once; one more gets a 503 with Retry-After.
    #[arg(long, default_value_t = 16_000, value_name = "N")]
    pub max_streams: usize,
    /// Time to send a request head (and an idle keep-alive connection's life).
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub header_timeout: Duration,
    /// Time to send a whole request body; a slower one gets 408 and loses the connection.
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub body_timeout: Duration,
}

impl LimitArgs {
    fn limits(&self) -> CliResult<Limits> {
        let mut rates = RateLimits::default();
        for setting in &self.rate_limit {
            rates.apply(setting).map_err(|e| {
                CliError::usage(format!("--rate-limit {e}"))
                    .with_hint("e.g. --rate-limit key.write=500/s or --rate-limit ip.login=off")
            })?;
        }
        let mut login = LoginLimits {
            codes_per_hour: self.login_codes_per_hour.max(1),
            failures_before_lockout: self.login_lockout_failures.max(1),
            lockout: self.login_lockout.max(Duration::from_secs(1)),
        };
        if self.no_rate_limits {
            rates = RateLimits::off();
            login = LoginLimits::off();
        }
        Ok(Limits {
            rates,
            login,
            max_connections: self.max_connections.max(1),
            max_connections_per_client: self.max_connections_per_client.max(1),
            max_streams: self.max_streams,
            header_timeout: self.header_timeout.max(Duration::from_millis(100)),
            body_timeout: self.body_timeout.max(Duration::from_millis(100)),
        })
    }
}

/// The login-code mailer of `--smtp-url`/`--smtp-from`, or None to write codes to the log.
fn mailer(url: Option<String>, from: Option<String>) -> CliResult<Option<Mailer>> {
    let url = url.filter(|u| !u.trim().is_empty());
    let from = from.filter(|f| !f.trim().is_empty());
    match (url, from) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(CliError::usage("--smtp-from needs --smtp-url")
            .with_hint("pass --smtp-url smtp://host:port (or set AXME_SMTP_URL)")),
        (Some(_), None) => Err(CliError::usage("--smtp-url needs --smtp-from ADDRESS")
            .with_hint("pass the sender address with --smtp-from (or AXME_SMTP_FROM)")),
        (Some(url), Some(from)) => {
            let password = std::env::var("AXME_SMTP_PASSWORD").ok();
            Mailer::new(&url, &from, password)
                .map(Some)
                .map_err(CliError::usage)
        }
    }
}

/// `--db`: `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite://PATH` or a plain
/// path is a SQLite file.
fn database_at(location: &str) -> CliResult<Database> {
    if PgUrl::looks_like(location) {
        let url = PgUrl::parse(location).map_err(|e| {
            CliError::usage(e).with_hint("e.g. --db postgres://axme@127.0.0.1:5432/axme")
        })?;
        return Ok(Database::Postgres(url));
    }
    let path = location.strip_prefix("sqlite://").unwrap_or(location);
    if path.is_empty() || path.contains("://") {
        return Err(CliError::usage(format!("--db: cannot use '{location}'"))
            .with_hint("pass a SQLite file path, sqlite://PATH or postgres://…"));
    }
    Ok(Database::File(PathBuf::from(path)))
}

/// `<host name>-<pid>`: unique among nodes running at one time.
fn default_node_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!("{host}-{}", std::process::id())
}

pub fn run(mut args: ServerArgs) -> CliResult {
    if let Some(command) = args.command.take() {
        return super::server_migrate::run(command);
    }
    let mailer = mailer(args.smtp_url, args.smtp_from)?;
    let limits = args.limits.limits()?;
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    let loopback = is_loopback(&args.listen);
    if !loopback && tls.is_none() && !args.insecure_http {
        return Err(CliError::usage(format!(
            "refusing to serve plain HTTP on {}, which other machines can reach",
            args.listen
        ))
        .with_hint(
            "pass --tls-cert FILE --tls-key FILE, listen on 127.0.0.1, or accept the risk with --insecure-http",
        ));
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    if !loopback && tls.is_none() {
        tracing::warn!(
            listen = %args.listen,
            "--insecure-http: serving plain HTTP beyond loopback; API keys and payloads cross the network unencrypted"
        );
    }
    // Read here rather than by clap: an inherited AXME_DB_URL must not clash with the
    // --ephemeral of a child server (`axme bench`, `examples run`).
    let from_env = || {
        std::env::var("AXME_DB_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
    };
    let database = match (args.ephemeral, args.db.or_else(from_env)) {
        (true, _) => Database::Ephemeral,
        (false, Some(location)) => database_at(&location)?,
        (false, None) => Database::File(default_db_path().ok_or_else(|| {
            CliError::usage("cannot find a data directory for the database")
                .with_hint("pass --db PATH or --ephemeral")
        })?),
    };
    let keeps_address = matches!(database, Database::File(_) | Database::Postgres(_))
        && !args.listen.ends_with(":0");
    let mut config = ServerConfig::new(database);
    config.node_id = args.node_id.unwrap_or_else(default_node_id);
    config.tls = tls;
    config.secret_key_file = args.secret_key_file;
    config.media_dir = args.media_dir;
    config.sync = match args.sync {
        SyncArg::Normal => SyncMode::Normal,
        SyncArg::Full => SyncMode::Full,
    };
    config.settings = Settings {
        linger: Duration::from_millis(args.sse_linger_ms.min(1000)),
        heartbeat: Duration::from_secs(args.heartbeat_seconds.max(1)),
        timing: Timing {
            delivery_first: args.delivery_attempt_interval,
            delivery_retry: args.delivery_retry_interval,
            push_retry: args.push_retry_interval,
            push_timeout: args.push_timeout,
            time_scale: if args.time_scale.is_finite() && args.time_scale > 0.0 {
                args.time_scale
            } else {
                1.0
            },
            default_max_delivery_attempts: 3,
            redeliver_after: args.redeliver_after.max(Duration::from_millis(100)),
            mesh: crate::server::engine::mesh::MeshThresholds {
                degraded_after: args.mesh_degraded_after,
                unreachable_after: args.mesh_unreachable_after.max(args.mesh_degraded_after),
            },
        },
        log_login_codes: loopback || args.login_codes_in_log,
        mailer,
        limits,
        max_media_bytes: args.max_media_bytes,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
    // Writes the `local` CLI context on a database's first start (see cli/local_context.rs).
    let mut stdout =
        super::local_context::LocalContextBanner::new(std::io::stdout(), keeps_address);
    let result = runtime.block_on(serve(config, &args.listen, &mut stdout));
    // Do not wait for idle blocking-pool threads (database readers) to time out.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result.map_err(CliError::failure)
}

/// Builds the gateway, binds `listen`, prints the banner and serves until SIGTERM or
/// Ctrl-C.
async fn serve(config: ServerConfig, listen: &str, banner: &mut dyn Write) -> Result<(), String> {
    // Registered before the banner: a signal right after it must start a graceful
    // shutdown, not kill the process.
    let signals = ShutdownSignals::register()?;
    let app = Arc::new(crate::server::build(config).await?);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    // The admin key stays last: tools read the banner up to that line.
    banner
        .write_all(app.banner(local).render().as_bytes())
        .and_then(|()| banner.flush())
        .map_err(|e| format!("cannot write the banner: {e}"))?;
    tracing::info!(%local, "listening");
    crate::server::run(listener, app, signals.recv()).await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_takes_a_path_a_sqlite_url_or_a_postgres_url() {
        let file = |s: &str| match database_at(s) {
            Ok(Database::File(p)) => p,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(file("./a.db"), PathBuf::from("./a.db"));
        assert_eq!(file("sqlite:///var/axme.db"), PathBuf::from("/var/axme.db"));
        assert_eq!(file("sqlite://rel.db"), PathBuf::from("rel.db"));
        assert!(matches!(
            database_at("postgresql://u@h/db"),
            Ok(Database::Postgres(_))
        ));
        assert!(database_at("mysql://h/db").is_err());
        assert!(database_at("postgres://u@h/db?sslmode=nope").is_err());
    }
}
