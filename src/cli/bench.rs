//! `axme bench`: throughput and latency of a gateway (its own embedded one by default).

use std::time::Duration;

use clap::Args;

use super::error::{CliError, CliResult};
use super::global::Ctx;

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

#[derive(Debug, Args)]
#[command(
    after_help = "Without --base-url, bench starts its own gateway on a temporary database \
                        in a separate process."
)]
pub struct BenchArgs {
    /// What to measure
    #[arg(long, value_enum, default_value = "submit")]
    pub scenario: Scenario,
    /// How long to measure, e.g. 10s
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub duration: Duration,
    /// Concurrent clients
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub concurrency: u32,
    /// SSE watchers (fanout scenario)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub watchers: u32,
}

pub fn run(_ctx: &Ctx, _args: BenchArgs) -> CliResult {
    Err(CliError::not_yet_available("bench"))
}
