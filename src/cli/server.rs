//! `axme server`: flags of the embedded gateway.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use super::error::{CliError, CliResult};
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
    /// SQLite database file [default: <platform data dir>/axme.db].
    #[arg(long, value_name = "PATH", conflicts_with = "ephemeral")]
    pub db: Option<PathBuf>,
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
}

pub fn run(args: ServerArgs) -> CliResult {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let database = match (args.ephemeral, args.db) {
        (true, _) => Database::Ephemeral,
        (false, Some(path)) => Database::File(path),
        (false, None) => Database::File(default_db_path().ok_or_else(|| {
            CliError::usage("cannot find a data directory for the database")
                .with_hint("pass --db PATH or --ephemeral")
        })?),
    };
    let keeps_address = matches!(database, Database::File(_)) && !args.listen.ends_with(":0");
    let config = ServerConfig {
        listen: args.listen,
        database,
        sync: match args.sync {
            SyncArg::Normal => SyncMode::Normal,
            SyncArg::Full => SyncMode::Full,
        },
        settings: Settings {
            linger: Duration::from_millis(args.sse_linger_ms.min(1000)),
            heartbeat: Duration::from_secs(args.heartbeat_seconds.max(1)),
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
