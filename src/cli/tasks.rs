//! `axme tasks …`: the human-task inbox (intents waiting for a person's decision).

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// List the tasks waiting for you, with their allowed outcomes.
    #[command(alias = "ls")]
    List,
    /// Show one task.
    Show(IdArgs),
    /// Approve a task.
    Approve(DecisionArgs),
    /// Reject a task.
    Reject(DecisionArgs),
    /// Answer a task with any of its allowed outcomes.
    Submit(SubmitArgs),
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Intent id of the task
    pub intent_id: String,
}

#[derive(Debug, Args)]
pub struct DecisionArgs {
    /// Intent id of the task
    pub intent_id: String,
    /// Comment recorded with the decision
    #[arg(short, long, value_name = "TEXT")]
    pub comment: Option<String>,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Intent id of the task
    pub intent_id: String,
    /// One of the task's allowed outcomes
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: String,
    /// Extra data for the result: inline JSON, @FILE, or - for stdin
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub data: Option<String>,
    /// Comment recorded with the decision
    #[arg(short, long, value_name = "TEXT")]
    pub comment: Option<String>,
}

pub fn run(_ctx: &Ctx, command: TasksCommand) -> CliResult {
    Err(CliError::not_yet_available(match command {
        TasksCommand::List => "tasks list",
        TasksCommand::Show(_) => "tasks show",
        TasksCommand::Approve(_) => "tasks approve",
        TasksCommand::Reject(_) => "tasks reject",
        TasksCommand::Submit(_) => "tasks submit",
    }))
}
