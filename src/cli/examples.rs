//! `axme examples list|run`: built-in end-to-end examples.

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Subcommand)]
pub enum ExamplesCommand {
    /// List the built-in examples.
    #[command(alias = "ls")]
    List,
    /// Run an example end to end (starts a throwaway gateway when none is reachable).
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Example name, e.g. durable-api
    pub name: String,
}

pub fn run(_ctx: &Ctx, command: ExamplesCommand) -> CliResult {
    Err(CliError::not_yet_available(match command {
        ExamplesCommand::List => "examples list",
        ExamplesCommand::Run(_) => "examples run",
    }))
}
