//! `axme bench`: throughput and latency of a gateway (its own embedded one by default).
//! The load generator itself is the `bench` layer; this file maps flags and prints.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;

use super::error::{CliError, CliResult};
use super::global::Ctx;
use crate::bench::{self, Figures, Gateway, Options, Report};
use crate::config::env;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Intents acknowledged per second
    Submit,
    /// Full lifecycles per second with no-op agents
    Lifecycle,
    /// p50/p90/p99 latencies at a light fixed rate
    Latency,
    /// Many SSE watchers of one intent
    Fanout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchSync {
    /// WAL + synchronous=NORMAL (the server's default): survives kill -9
    Normal,
    /// WAL + synchronous=FULL: also survives power loss
    Full,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Without --base-url, bench starts its own gateway (`axme server \
                        --ephemeral`) on a temporary database in a separate process (with \
                        --db, on an empty PostgreSQL database, --nodes of them). With \
                        --base-url (loopback http:// URLs only, comma-separated for nodes of \
                        one cluster) it needs --api-key or AXME_API_KEY with an admin key of \
                        that gateway's workspace.\n\
                        Figures of a debug build are not comparable with the published ones: \
                        build with `cargo build --release`."
)]
pub struct BenchArgs {
    /// What to measure
    #[arg(long, value_enum, default_value = "submit")]
    pub scenario: Scenario,
    /// How long to measure, e.g. 10s (after a warm-up of a tenth of it, at most 1 s)
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub duration: Duration,
    /// Concurrent clients (submit) or lifecycles in flight (lifecycle)
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// SSE watchers of one intent (fanout)
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub watchers: u32,
    /// Intents per second (latency)
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate: u32,
    /// No-op agents listening for deliveries (lifecycle)
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub agents: u32,
    /// Durability of the gateway bench starts itself (ignored with --base-url)
    #[arg(long, value_enum, default_value = "normal")]
    pub sync: BenchSync,
    /// Process id of the --base-url gateway, to read its resident memory (fanout)
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Run bench's own gateway on this PostgreSQL database (postgres://…; it must be
    /// empty) instead of a throwaway SQLite file
    #[arg(long, value_name = "URL", conflicts_with = "sync")]
    pub db: Option<String>,
    /// With --db: start this many gateway nodes on it; intents are submitted to the
    /// first, agents listen on the second, watchers follow on the third. (Against
    /// running nodes: --base-url URL1,URL2,URL3.)
    #[arg(long, value_name = "N", default_value_t = 1, requires = "db", value_parser = clap::value_parser!(u32).range(1..=3))]
    pub nodes: u32,
}

pub fn run(ctx: &Ctx, args: BenchArgs) -> CliResult {
    let longest = Duration::from_secs(3600);
    if args.duration.is_zero() || args.duration > longest {
        return Err(CliError::usage("--duration must be between 1ms and 1h"));
    }
    if let Some(db) = &args.db
        && !crate::server::store::pg::PgUrl::looks_like(db)
    {
        return Err(CliError::usage(format!("--db: '{db}' is not a postgres:// URL"))
            .with_hint("bench's own SQLite gateway needs no --db; e.g. --db postgres://postgres@127.0.0.1:5432/bench"));
    }
    let gateway = match &ctx.global.base_url {
        None => Gateway::Own {
            sync_full: args.sync == BenchSync::Full,
            postgres: args.db.clone(),
            nodes: args.nodes,
        },
        Some(url) => {
            let api_key = ctx
                .global
                .api_key
                .clone()
                .or_else(|| env::get(env::API_KEY))
                .ok_or_else(|| {
                    CliError::usage("bench --base-url needs an API key")
                        .with_hint("pass --api-key KEY or set AXME_API_KEY (an admin key)")
                })?;
            if args.db.is_some() {
                return Err(CliError::usage(
                    "--db starts bench's own gateway; not with --base-url",
                ));
            }
            Gateway::External {
                urls: url.split(',').map(|u| u.trim().to_string()).collect(),
                api_key,
                pid: args.server_pid,
            }
        }
    };
    let options = Options {
        scenario: match args.scenario {
            Scenario::Submit => bench::Scenario::Submit,
            Scenario::Lifecycle => bench::Scenario::Lifecycle,
            Scenario::Latency => bench::Scenario::Latency,
            Scenario::Fanout => bench::Scenario::Fanout,
        },
        gateway,
        duration: args.duration,
        concurrency: args.concurrency,
        agents: args.agents,
        watchers: args.watchers,
        rate: args.rate,
    };
    let progress = if std::io::stderr().is_terminal() && !ctx.global.quiet {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(100),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {msg:24} [{bar:30}] {pos}/{len}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = bench::run(options, progress).map_err(CliError::failure)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&report);
    }
    for line in text(&report) {
        ctx.out.line(line)?;
    }
    Ok(())
}

fn ms(p: &bench::stats::Percentiles) -> String {
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
    format!(
        "p50 {} / p90 {} / p99 {} / max {} ms ({} samples)",
        f(p.p50_ms),
        f(p.p90_ms),
        f(p.p99_ms),
        f(p.max_ms),
        p.samples
    )
}

/// The report for a person: the figures, then each bar and whether it was met.
fn text(r: &Report) -> Vec<String> {
    let sync = r
        .durability
        .sqlite_synchronous
        .as_deref()
        .unwrap_or("unknown");
    let store = match r.durability.database {
        "postgres" => "PostgreSQL".to_string(),
        _ => format!("SQLite WAL synchronous={sync}"),
    };
    let mut lines = vec![format!(
        "axme bench {} — axme {} ({} build), {} cores, {} gateway at {}, {store}",
        r.scenario, r.axme_version, r.build, r.cores, r.server.kind, r.server.url
    )];
    let (error_count, first_error) = match &r.figures {
        Figures::Submit(f) => {
            lines.push(format!(
                "  intents/s          {:.0} ({} acknowledged in {:.1} s, {} concurrent)",
                f.intents_per_s, f.intents_acknowledged, f.duration_s, f.concurrency
            ));
            lines.push(format!("  ack latency        {}", ms(&f.ack_latency)));
            (f.errors, f.first_error.clone())
        }
        Figures::Lifecycle(f) => {
            lines.push(format!(
                "  lifecycles/s       {:.0} ({} completed in {:.1} s, {} in flight, {} agents)",
                f.lifecycles_per_s, f.lifecycles_completed, f.duration_s, f.concurrency, f.agents
            ));
            lines.push(format!(
                "  submit → COMPLETED {}",
                ms(&f.submit_to_completed_at_watcher)
            ));
            (f.errors, f.first_error.clone())
        }
        Figures::Latency(f) => {
            lines.push(format!(
                "  rate               {}/s for {:.1} s ({} intents)",
                f.rate_per_s, f.duration_s, f.intents
            ));
            lines.push(format!(
                "  → agent receives   {}",
                ms(&f.submit_to_agent_receives)
            ));
            lines.push(format!(
                "  → watcher DELIVERED {}",
                ms(&f.submit_to_delivered_at_watcher)
            ));
            lines.push(format!(
                "  → watcher COMPLETED {}",
                ms(&f.submit_to_completed_at_watcher)
            ));
            (f.errors, f.first_error.clone())
        }
        Figures::Fanout(f) => {
            lines.push(format!(
                "  watchers           {} connected of {} in {:.2} s; {} received the event",
                f.watchers_connected, f.watchers_requested, f.connect_s, f.watchers_received
            ));
            let all = f
                .all_received_ms
                .map_or("-".into(), |v| format!("{v:.1} ms"));
            lines.push(format!("  all received after {all}; {}", ms(&f.receive)));
            let mb = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1} MB"));
            lines.push(format!(
                "  server RSS         {} before, {} with the watchers ({} KB each)",
                mb(f.server_rss_before_watchers_mb),
                mb(f.server_rss_with_watchers_mb),
                f.server_rss_per_watcher_kb
                    .map_or("-".into(), |v| format!("{v:.1}"))
            ));
            (f.errors, f.first_error.clone())
        }
    };
    if error_count > 0 {
        lines.push(format!(
            "  errors             {error_count} (first: {})",
            first_error.unwrap_or_default()
        ));
    }
    for bar in &r.bars {
        let sign = if bar.kind == "min" { "≥" } else { "≤" };
        let measured = bar.measured.map_or("-".into(), |m| format!("{m}"));
        let verdict = if bar.met { "met" } else { "NOT met" };
        lines.push(format!(
            "  bar {} {sign} {}: measured {measured}, {verdict}",
            bar.metric, bar.bar
        ));
    }
    if r.build == "debug" {
        lines.push("  (debug build: not comparable with the bars)".into());
    }
    lines
}
