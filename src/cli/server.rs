//! `axme server`: flags of the embedded gateway.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use super::error::{CliError, CliResult};
use crate::server::engine::reactor::Timing;
use crate::server::mail::Mailer;
use crate::server::store::pg::PgUrl;
use crate::server::store::sqlite::SyncMode;
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
    /// Address to listen on (port 0 picks a free port; the banner shows it).
    #[arg(long, default_value = "127.0.0.1:8100", value_name = "ADDR:PORT")]
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

pub fn run(args: ServerArgs) -> CliResult {
    let mailer = mailer(args.smtp_url, args.smtp_from)?;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
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
    let config = ServerConfig {
        listen: args.listen,
        database,
        node_id: args.node_id.unwrap_or_else(default_node_id),
        sync: match args.sync {
            SyncArg::Normal => SyncMode::Normal,
            SyncArg::Full => SyncMode::Full,
        },
        settings: Settings {
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
            },
            mailer,
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
    // Writes the `local` CLI context on a database's first start (see cli/local_context.rs).
    let mut stdout =
        super::local_context::LocalContextBanner::new(std::io::stdout(), keeps_address);
    let result = runtime.block_on(crate::server::serve(config, &mut stdout));
    // Do not wait for idle blocking-pool threads (database readers) to time out.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result.map_err(CliError::failure)
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
