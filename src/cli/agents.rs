//! `axme agents list|show|listen`: agents are service accounts with an agent:// address.

use clap::{Args, Subcommand};

use serde_json::Value;

use super::error::CliResult;
use super::global::Ctx;
use super::remote::{Remote, from_client, run_interruptible};
use super::table::Col;
use crate::client::Client;

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// List the agents of the workspace.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Show one agent.
    Show(ShowArgs),
    /// Act as an agent: receive its intents and answer them (with --exec, by a command).
    Listen(super::listen::ListenArgs),
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

pub fn run(ctx: &Ctx, command: AgentsCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    run_interruptible(async move {
        match command {
            AgentsCommand::List(args) => list(ctx, &remote.client, args.limit).await,
            AgentsCommand::Show(args) => show(ctx, &remote.client, &args.address).await,
            AgentsCommand::Listen(args) => super::listen::listen(ctx, &remote.client, args).await,
        }
    })
}

fn text(v: &Value, field: &str) -> String {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

async fn list(ctx: &Ctx, client: &Client, limit: u32) -> CliResult {
    let agents = client.list_agents(limit).await.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json_list(&agents);
    }
    if agents.is_empty() {
        ctx.out.notice("no agents in this workspace yet");
        return Ok(());
    }
    let here = super::intents::workspace_prefix(ctx, client).await;
    let rows = agents
        .iter()
        .map(|a| {
            vec![
                super::intents::relative(&text(a, "address"), here.as_deref()),
                text(a, "display_name"),
                text(a, "status"),
                text(a, "created_at"),
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("ADDRESS"),
            Col::new("DISPLAY NAME").drop(2).shrink(),
            Col::new("STATUS"),
            Col::new("CREATED").drop(1),
        ],
        rows,
    )
}

async fn show(ctx: &Ctx, client: &Client, address: &str) -> CliResult {
    let agent = client.get_agent(address).await.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&agent);
    }
    let fields = [
        ("address", "address"),
        ("name", "service_account_name"),
        ("display", "display_name"),
        ("account", "service_account_id"),
        ("status", "status"),
        ("created", "created_at"),
        ("updated", "updated_at"),
    ];
    let lines: Vec<String> = fields
        .iter()
        .map(|(label, field)| (label, text(&agent, field)))
        .filter(|(_, v)| !v.is_empty())
        .map(|(label, v)| format!("{label:<8} {v}"))
        .collect();
    ctx.out.line(lines.join("\n"))
}
