//! `axme mesh list|show|kill|resume|events`: the fleet's health and the kill switch
//! (spec §9.4).

use clap::{Args, Subcommand};

use super::error::CliResult;
use super::global::Ctx;
use super::output::Style;
use super::remote::{Remote, from_client, run_interruptible};
use super::table::Col;
use crate::client::Client;
use crate::protocol::mesh::{Health, MeshAgent, MeshSummary};

#[derive(Debug, Subcommand)]
pub enum MeshCommand {
    /// Every agent of the workspace with its health, last heartbeat, intents and cost.
    #[command(alias = "ls")]
    List(ListArgs),
    /// One agent's health and its kill/resume history.
    Show(AgentArg),
    /// Kill switch: refuse new intents to the agent and its own sends; end its streams.
    Kill(KillArgs),
    /// Undo a kill: the agent's intents flow again.
    Resume(AgentArg),
    /// Kills and resumes, newest first, with who did them.
    Events(EventsArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only agents in this health: healthy, degraded, unreachable, killed, unknown
    #[arg(long, value_name = "HEALTH")]
    pub health: Option<Health>,
    /// Period of the intents and cost columns: day, week or month
    #[arg(long, value_name = "WINDOW", default_value = "day")]
    pub window: String,
    /// At most this many
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct AgentArg {
    /// agent://org/workspace/name, a bare name in your workspace, or an address_id
    pub agent: String,
}

#[derive(Debug, Args)]
pub struct KillArgs {
    /// agent://org/workspace/name, a bare name in your workspace, or an address_id
    pub agent: String,
    /// Why (recorded in the mesh events)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only events of this type: agent.killed or agent.resumed
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    /// Only events of this agent
    #[arg(long, value_name = "AGENT")]
    pub agent: Option<String>,
    /// At most this many
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
}

pub fn run(ctx: &Ctx, command: MeshCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    run_interruptible(async move {
        let client = &remote.client;
        match command {
            MeshCommand::List(args) => list(ctx, client, args).await,
            MeshCommand::Show(args) => show(ctx, client, &args.agent).await,
            MeshCommand::Kill(args) => {
                switch(ctx, client, &args.agent, true, args.reason.as_deref()).await
            }
            MeshCommand::Resume(args) => switch(ctx, client, &args.agent, false, None).await,
            MeshCommand::Events(args) => events(ctx, client, args).await,
        }
    })
}

/// Green healthy, yellow degraded, red unreachable and killed, plain unknown.
pub fn health_cell(ctx: &Ctx, health: Health) -> String {
    let style = match health {
        Health::Healthy => Some(Style::Green),
        Health::Degraded => Some(Style::Yellow),
        Health::Unreachable | Health::Killed => Some(Style::Red),
        Health::Unknown => None,
    };
    match style {
        Some(style) => ctx.out.paint(health.as_str(), style),
        None => health.as_str().to_string(),
    }
}

fn since(at: Option<crate::protocol::Timestamp>) -> String {
    at.map_or_else(
        || "never".to_string(),
        |t| format!("{} ago", super::intents::age(chrono::Utc::now(), t)),
    )
}

async fn list(ctx: &Ctx, client: &Client, args: ListArgs) -> CliResult {
    let health = args.health.map(Health::as_str);
    let answer = client
        .mesh_agents(args.limit, health, Some(&args.window))
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&answer);
    }
    if answer.agents.is_empty() {
        ctx.out.notice("no agents match");
        return Ok(());
    }
    let here = super::intents::workspace_prefix(ctx, client).await;
    let rows = answer
        .agents
        .iter()
        .map(|a| {
            vec![
                super::intents::relative(&a.address, here.as_deref()),
                health_cell(ctx, a.health_status),
                since(a.last_heartbeat_at),
                a.live_listeners.to_string(),
                a.intents_period.to_string(),
                format!("${:.2}", a.cost_period),
                a.health_reason.clone(),
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("AGENT").shrink(),
            Col::new("HEALTH"),
            Col::new("HEARTBEAT").drop(3),
            Col::new("LISTENERS").drop(1),
            Col::new("INTENTS").drop(4),
            Col::new("COST").drop(2),
            Col::new("WHY").wide(),
        ],
        rows,
    )?;
    ctx.out
        .notice(summary_line(&answer.summary, &answer.window));
    Ok(())
}

/// `3 agents: 1 healthy, 2 unknown (window: day)`: the healths present, in order.
fn summary_line(s: &MeshSummary, window: &str) -> String {
    let counts = [
        (s.healthy, "healthy"),
        (s.degraded, "degraded"),
        (s.unreachable, "unreachable"),
        (s.killed, "killed"),
        (s.unknown, "unknown"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, name)| format!("{n} {name}"))
        .collect();
    format!(
        "{} agent{}: {} (window: {window})",
        s.total,
        if s.total == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

fn agent_lines(ctx: &Ctx, a: &MeshAgent) -> Vec<String> {
    let mut lines = vec![
        format!("address   {}", a.address),
        format!("id        {}", a.address_id),
        format!(
            "health    {} ({})",
            health_cell(ctx, a.health_status),
            a.health_reason
        ),
        format!("heartbeat {}", since(a.last_heartbeat_at)),
        format!("listeners {}", a.live_listeners),
        format!("intents   {} in the window", a.intents_period),
        format!("cost      ${:.2}", a.cost_period),
    ];
    if let (Some(at), Some(by)) = (a.killed_at, &a.killed_by) {
        lines.push(format!("killed    {at} by {by}"));
    }
    lines
}

async fn show(ctx: &Ctx, client: &Client, agent: &str) -> CliResult {
    let answer = client.mesh_agent(agent).await.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&answer);
    }
    let mut lines = agent_lines(ctx, &answer.agent);
    for e in &answer.events {
        lines.push(format!(
            "event     {} {} by {}",
            e.created_at, e.event_type, e.actor_id
        ));
    }
    ctx.out.line(lines.join("\n"))
}

async fn switch(
    ctx: &Ctx,
    client: &Client,
    agent: &str,
    kill: bool,
    reason: Option<&str>,
) -> CliResult {
    let answer = client
        .mesh_switch(agent, kill, reason)
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&answer);
    }
    let a = &answer.agent;
    if kill {
        ctx.out.line(format!(
            "killed {}: new intents to it and its own sends are refused, its streams ended\n(undo: axme mesh resume {})",
            a.address, a.address
        ))
    } else {
        ctx.out.line(format!(
            "resumed {}: its intents flow again (health {})",
            a.address,
            health_cell(ctx, a.health_status)
        ))
    }
}

async fn events(ctx: &Ctx, client: &Client, args: EventsArgs) -> CliResult {
    let answer = client
        .mesh_events(
            args.limit,
            args.event_type.as_deref(),
            args.agent.as_deref(),
        )
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&answer);
    }
    if answer.events.is_empty() {
        ctx.out.notice("no mesh events");
        return Ok(());
    }
    let rows = answer
        .events
        .iter()
        .map(|e| {
            vec![
                e.created_at.to_string(),
                e.event_type.clone(),
                e.address.clone(),
                e.actor_id.clone(),
                e.details
                    .get("reason")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("TIME").drop(2),
            Col::new("EVENT"),
            Col::new("AGENT").shrink(),
            Col::new("BY").drop(1).shrink(),
            Col::new("REASON").drop(3).shrink(),
        ],
        rows,
    )
}
