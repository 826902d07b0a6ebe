//! `axme scenarios validate|apply`: scenario bundles (agents, humans, workflow, intent).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Subcommand)]
pub enum ScenariosCommand {
    /// Check a scenario bundle and report errors with their JSON paths.
    Validate(ValidateArgs),
    /// Provision the bundle's agents and start its intent.
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario bundle (JSON)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Scenario bundle (JSON)
    pub file: PathBuf,
    /// Follow the started intent live until it ends
    #[arg(short, long)]
    pub watch: bool,
}

pub fn run(_ctx: &Ctx, command: ScenariosCommand) -> CliResult {
    Err(CliError::not_yet_available(match command {
        ScenariosCommand::Validate(_) => "scenarios validate",
        ScenariosCommand::Apply(_) => "scenarios apply",
    }))
}
