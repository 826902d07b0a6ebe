//! `axme agents list|show|listen`: agents are service accounts with an agent:// address.

use clap::{Args, Subcommand};
use clap_complete::ArgValueCompleter;

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
    #[arg(add = ArgValueCompleter::new(super::complete::agent_addresses))]
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
                health_cell(ctx, a),
                listeners_cell(a),
                a.get("pending").map(Value::to_string).unwrap_or_default(),
                text(a, "delivery_mode"),
                text(a, "display_name"),
                text(a, "status"),
                text(a, "created_at"),
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("ADDRESS"),
            Col::new("HEALTH").drop(4),
            Col::new("LISTENERS"),
            Col::new("PENDING"),
            Col::new("MODE").drop(2),
            Col::new("DISPLAY NAME").drop(3).shrink(),
            Col::new("STATUS").wide(),
            Col::new("CREATED").drop(1),
        ],
        rows,
    )
}

/// The mesh health, coloured; empty when the gateway does not report it.
fn health_cell(ctx: &Ctx, agent: &Value) -> String {
    agent
        .get("health_status")
        .and_then(Value::as_str)
        .and_then(|h| h.parse().ok())
        .map(|h| super::mesh::health_cell(ctx, h))
        .unwrap_or_default()
}

/// `2`, `1 (poll)`, `0`; empty when the gateway does not report listeners.
fn listeners_cell(agent: &Value) -> String {
    let Some(list) = agent.get("listeners").and_then(Value::as_array) else {
        return String::new();
    };
    let polling = list
        .iter()
        .filter(|l| l.get("mode").and_then(Value::as_str) == Some("poll"))
        .count();
    match polling {
        0 => list.len().to_string(),
        p => format!("{} ({p} poll)", list.len()),
    }
}

/// One line per live listener: how, since when, last seen.
fn listener_lines(agent: &Value) -> Vec<String> {
    let Some(list) = agent.get("listeners").and_then(Value::as_array) else {
        return Vec::new();
    };
    if list.is_empty() {
        return vec!["listeners none: nobody receives this agent's intents right now".into()];
    }
    list.iter()
        .enumerate()
        .map(|(i, l)| {
            let label = if i == 0 { "listeners" } else { "" };
            let connected = l.get("connected").and_then(Value::as_bool) == Some(true);
            format!(
                "{label:<9} {} since {}, {}",
                text(l, "mode"),
                text(l, "since"),
                if connected {
                    "connected now".to_string()
                } else {
                    format!("last seen {}", text(l, "last_seen"))
                }
            )
        })
        .collect()
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
        ("mode", "delivery_mode"),
        ("created", "created_at"),
        ("updated", "updated_at"),
    ];
    let mut lines: Vec<String> = fields
        .iter()
        .map(|(label, field)| (label, text(&agent, field)))
        .filter(|(_, v)| !v.is_empty())
        .map(|(label, v)| format!("{label:<9} {v}"))
        .collect();
    if agent.get("registered").and_then(Value::as_bool) == Some(false) {
        lines.push("account   none: a key listens on this name without an agent account".into());
    }
    lines.extend(listener_lines(&agent));
    if let Some(pending) = agent.get("pending").and_then(Value::as_u64) {
        lines.push(format!("pending   {pending} intent(s) not ended yet"));
    }
    ctx.out.line(lines.join("\n"))
}
