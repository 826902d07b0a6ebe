//! The load generator behind `axme bench`: drives a gateway over HTTP and SSE like real
//! clients and agents do, and reports throughput and latency against the bars of
//! DESIGN.md.
//!
//! It is its own layer beside `cli`: it uses the `protocol` wire types and its own lean
//! HTTP/1.1 client ([`http`]), and starts the gateway under test as a separate process
//! ([`server`]) so the client's CPU is not counted as the server's (both share the
//! machine's cores all the same; the report states how many).
//!
//! Scenarios ([`scenarios`]): `submit`, `lifecycle`, `latency`, `fanout`. Every loop is
//! bounded by count and time; only loopback targets are accepted.

pub mod http;
mod scenarios;
pub mod server;
pub mod stats;

use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use serde::Serialize;

use http::Target;
pub use scenarios::Figures;
use server::OwnServer;

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Submit,
    Lifecycle,
    Latency,
    Fanout,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Submit => "submit",
            Scenario::Lifecycle => "lifecycle",
            Scenario::Latency => "latency",
            Scenario::Fanout => "fanout",
        }
    }
}

/// The gateway under test.
#[derive(Debug, Clone)]
pub enum Gateway {
    /// Start `axme server --ephemeral` as a child process (`--sync full` when asked), or
    /// `nodes` of them on the (empty) PostgreSQL database `postgres`.
    Own {
        sync_full: bool,
        postgres: Option<String>,
        nodes: u32,
    },
    /// Running gateways on this machine: one, or nodes of one cluster (see [`Run`]).
    External {
        urls: Vec<String>,
        api_key: String,
        /// Its process id, to read its resident memory (fanout).
        pid: Option<u32>,
    },
}

#[derive(Debug, Clone)]
pub struct Options {
    pub scenario: Scenario,
    pub gateway: Gateway,
    /// Measured time (submit, lifecycle, latency); a warm-up of a tenth of it, at most a
    /// second, comes first and is not counted.
    pub duration: Duration,
    /// Concurrent clients (submit), or lifecycles in flight (lifecycle).
    pub concurrency: u32,
    /// No-op agents (lifecycle).
    pub agents: u32,
    /// SSE watchers of one intent (fanout).
    pub watchers: u32,
    /// Intents per second (latency).
    pub rate: u32,
}

/// Everything a scenario runs with. With several nodes, each role uses its own: intents
/// are submitted to the first, agents listen and answer on the second, watchers follow on
/// the third (roles wrap around with two nodes; all are the same with one).
pub struct Run {
    /// Where intents are submitted.
    pub target: Target,
    /// Where agents listen and answer.
    pub agent_target: Target,
    /// Where watchers follow intents.
    pub watch_target: Target,
    pub options: Options,
    pub progress: ProgressBar,
    pub server_pid: Option<u32>,
}

impl Run {
    /// Warm-up end and measurement end, counted from now.
    fn window(&self) -> (Instant, Instant) {
        let warm = (self.options.duration / 10).min(Duration::from_secs(1));
        let start = Instant::now() + warm;
        (start, start + self.options.duration)
    }
}

#[derive(Debug, Serialize)]
pub struct ServerInfo {
    /// `own process` (started by bench) or `external`.
    pub kind: &'static str,
    pub url: String,
    pub pid: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Durability {
    /// `sqlite` or `postgres` (bench's own gateway), `unknown` (an external one).
    pub database: &'static str,
    /// `WAL` on SQLite.
    pub sqlite_journal_mode: Option<&'static str>,
    /// `NORMAL` or `FULL`; `null` when an external server did not tell us.
    pub sqlite_synchronous: Option<String>,
    /// What a commit acknowledged by the gateway survives in this mode.
    pub acknowledged_writes_survive: &'static str,
}

/// One bar of DESIGN.md next to what this run measured.
#[derive(Debug, Serialize)]
pub struct BarCheck {
    pub metric: &'static str,
    /// `min` (measured must be at least `bar`) or `max` (at most).
    pub kind: &'static str,
    pub bar: f64,
    pub measured: Option<f64>,
    pub met: bool,
}

impl BarCheck {
    fn at_least(metric: &'static str, bar: f64, measured: Option<f64>) -> Self {
        BarCheck {
            metric,
            kind: "min",
            bar,
            measured,
            met: measured.is_some_and(|m| m >= bar),
        }
    }

    fn at_most(metric: &'static str, bar: f64, measured: Option<f64>) -> Self {
        BarCheck {
            metric,
            kind: "max",
            bar,
            measured,
            met: measured.is_some_and(|m| m <= bar),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub scenario: &'static str,
    pub axme_version: &'static str,
    /// `release` or `debug` (of this binary, which is also the gateway's when bench
    /// started its own). Only release figures compare with the bars.
    pub build: &'static str,
    pub cores: usize,
    pub server: ServerInfo,
    pub durability: Durability,
    #[serde(flatten)]
    pub figures: Figures,
    pub bars: Vec<BarCheck>,
}

pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Runs one scenario from start to report. Blocks; builds its own async runtime.
pub fn run(options: Options, progress: ProgressBar) -> Result<Report, String> {
    let (mut own, targets, url, synchronous, server_pid, kind) = match &options.gateway {
        Gateway::Own {
            sync_full,
            postgres,
            nodes,
        } => {
            progress.set_message("starting the gateway");
            let mut own: Vec<OwnServer> = Vec::new();
            let mut targets = Vec::new();
            let mut admin_key = String::new();
            for n in 0..(*nodes).max(1) {
                let node = format!("bench-{}", n + 1);
                let server = OwnServer::start(
                    *sync_full,
                    postgres.as_deref().map(|url| (url, node.as_str())),
                    n == 0,
                )?;
                if n == 0 {
                    admin_key = server.banner.admin_key.clone().unwrap_or_default();
                }
                targets.push(server::loopback_target(
                    &server.banner.url,
                    admin_key.clone(),
                )?);
                own.push(server);
            }
            let first = &own[0];
            let url = own
                .iter()
                .map(|s| s.banner.url.as_str())
                .collect::<Vec<_>>()
                .join(",");
            let sync = first
                .banner
                .synchronous()
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let pid = first.pid();
            (own, targets, url, sync, Some(pid), "own process")
        }
        Gateway::External { urls, api_key, pid } => {
            let targets = urls
                .iter()
                .map(|url| server::loopback_target(url, api_key.clone()))
                .collect::<Result<Vec<_>, _>>()?;
            (Vec::new(), targets, urls.join(","), None, *pid, "external")
        }
    };
    let database = match &options.gateway {
        Gateway::Own { postgres: None, .. } => "sqlite",
        Gateway::Own { .. } => "postgres",
        Gateway::External { .. } => "unknown",
    };
    let role = |n: usize| targets[n % targets.len()].clone();
    // One thread: the load generator needs less than a core, and keeping its tasks on
    // one thread avoids cross-thread wake-ups that would take CPU from the gateway.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let run = Arc::new(Run {
        target: role(0),
        agent_target: role(1),
        watch_target: role(2),
        options: options.clone(),
        progress: progress.clone(),
        server_pid,
    });
    let figures = runtime.block_on(scenarios::run(run));
    runtime.shutdown_timeout(Duration::from_millis(100));
    if !own.is_empty() {
        progress.set_message("stopping the gateway");
    }
    for server in &mut own {
        server.stop();
    }
    progress.finish_and_clear();
    let figures = figures?;
    let survive = match (database, synchronous.as_deref()) {
        ("postgres", _) => {
            "what a PostgreSQL commit survives (synchronous_commit as the server has it)"
        }
        (_, Some("FULL")) => "process crash (kill -9) and power loss",
        (_, Some("NORMAL")) => {
            "process crash (kill -9); the last commits may be lost on power loss"
        }
        _ => "unknown: see the server's banner",
    };
    Ok(Report {
        scenario: options.scenario.name(),
        axme_version: env!("CARGO_PKG_VERSION"),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        cores: cores(),
        server: ServerInfo {
            kind,
            url,
            pid: server_pid,
        },
        durability: Durability {
            database,
            sqlite_journal_mode: (database == "sqlite").then_some("WAL"),
            sqlite_synchronous: synchronous,
            acknowledged_writes_survive: survive,
        },
        bars: figures.bars(database == "postgres"),
        figures,
    })
}
