//! `axme agents list|show|listen`: agents are service accounts with an agent:// address.

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// List the agents of the workspace.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Show one agent.
    Show(ShowArgs),
    /// Act as an agent: receive its intents and answer them (with --exec, by a command).
    Listen(ListenArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// At most this many
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// agent://org/workspace/name, or a bare name in your workspace
    pub address: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "With --exec, each delivered intent's JSON goes to CMD's stdin. Exit 0 \
                        completes the intent with CMD's stdout (JSON) as the result; a non-zero \
                        exit fails it with CMD's stderr."
)]
pub struct ListenArgs {
    /// agent://org/workspace/name, or a bare name in your workspace
    pub address: String,
    /// Run this shell command for each delivered intent
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Stop after the first intent
    #[arg(long)]
    pub once: bool,
}

pub fn run(_ctx: &Ctx, command: AgentsCommand) -> CliResult {
    Err(CliError::not_yet_available(match command {
        AgentsCommand::List(_) => "agents list",
        AgentsCommand::Show(_) => "agents show",
        AgentsCommand::Listen(_) => "agents listen",
    }))
}
