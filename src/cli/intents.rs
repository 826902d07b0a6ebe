//! `axme intents …`: send, inspect and watch intents. The flags are final; the behaviour
//! arrives with the client layer.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Subcommand)]
pub enum IntentsCommand {
    /// Send an intent to an agent (prints its id; --wait or --watch follows it to the end).
    Send(SendArgs),
    /// Show one intent.
    Get(IdArgs),
    /// List intents, newest first.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Follow an intent's lifecycle live until it ends.
    Watch(WatchArgs),
    /// Print an intent's recorded lifecycle events.
    Events(EventsArgs),
    /// Cancel an intent that has not ended yet.
    Cancel(CancelArgs),
    /// Resume a waiting intent: complete it, or fail it, with data.
    Resume(ResumeArgs),
    /// Send a new intent with the same target and payload as a failed or canceled one.
    Retry(IdArgs),
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Intent id
    pub intent_id: String,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Receiving agent: agent://org/workspace/name, or a bare name in your workspace
    #[arg(long, value_name = "AGENT")]
    pub to: String,
    /// Intent type (default: intent.ask.v1)
    #[arg(long = "type", value_name = "TYPE")]
    pub intent_type: Option<String>,
    /// Payload: inline JSON, @FILE, or - for stdin
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub payload: Option<String>,
    /// Idempotency key (one is generated and printed when omitted, so a retried command never
    /// submits twice)
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Give up after this long, e.g. 30s, 10m, 2h (the intent ends TIMED_OUT)
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub deadline: Option<Duration>,
    /// Wait until the intent ends; the exit code tells how (0 COMPLETED, 3 FAILED, 4 TIMED_OUT, 5 CANCELED)
    #[arg(long, conflicts_with = "watch")]
    pub wait: bool,
    /// Like --wait, printing each lifecycle event as it happens
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only intents in this status (e.g. WAITING, FAILED)
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Only intents sent to this agent
    #[arg(long, value_name = "AGENT")]
    pub to_agent: Option<String>,
    /// At most this many
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
    /// Continue from the cursor a previous page printed
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Intent id
    pub intent_id: String,
    /// Start after this event sequence number (0 = from the beginning)
    #[arg(long, value_name = "SEQ", default_value_t = 0)]
    pub since: u64,
    /// Exit with the intent's outcome code (3 FAILED, 4 TIMED_OUT, 5 CANCELED) instead of 0
    #[arg(long)]
    pub exit_status: bool,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Intent id
    pub intent_id: String,
    /// Only events after this sequence number
    #[arg(long, value_name = "SEQ", default_value_t = 0)]
    pub since: u64,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Intent id
    pub intent_id: String,
    /// Why, recorded in the intent's events
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResumeAction {
    Complete,
    Fail,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Intent id
    pub intent_id: String,
    /// Complete the intent or fail it
    #[arg(long, value_enum, default_value = "complete")]
    pub action: ResumeAction,
    /// Result (or error details): inline JSON, @FILE, or - for stdin
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub data: Option<String>,
    /// Human-readable reason
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

pub fn run(_ctx: &Ctx, command: IntentsCommand) -> CliResult {
    let name = match command {
        IntentsCommand::Send(_) => "intents send",
        IntentsCommand::Get(_) => "intents get",
        IntentsCommand::List(_) => "intents list",
        IntentsCommand::Watch(_) => "intents watch",
        IntentsCommand::Events(_) => "intents events",
        IntentsCommand::Cancel(_) => "intents cancel",
        IntentsCommand::Resume(_) => "intents resume",
        IntentsCommand::Retry(_) => "intents retry",
    };
    Err(CliError::not_yet_available(name))
}
