//! `axme agents list|show|listen`: agents are service accounts with an agent:// address.

use clap::{Args, Subcommand};

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::{Remote, from_client, run_interruptible};
use super::timeline::compact;
use crate::client::{AgentDelivery, AgentStream, Client};
use crate::protocol::Status;

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

pub fn run(ctx: &Ctx, command: AgentsCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    run_interruptible(async move {
        match command {
            AgentsCommand::List(args) => list(ctx, &remote.client, args.limit).await,
            AgentsCommand::Show(args) => show(ctx, &remote.client, &args.address).await,
            AgentsCommand::Listen(args) => listen(ctx, &remote.client, args).await,
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
    let rows = agents
        .iter()
        .map(|a| {
            vec![
                text(a, "address"),
                text(a, "display_name"),
                text(a, "status"),
                text(a, "created_at"),
            ]
        })
        .collect();
    ctx.out
        .table(&["ADDRESS", "DISPLAY NAME", "STATUS", "CREATED"], rows)
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

async fn listen(ctx: &Ctx, client: &Client, args: ListenArgs) -> CliResult {
    let mut stream = AgentStream::new(client, &args.address, 0);
    ctx.out.notice(format!(
        "listening as {} (Ctrl-C to stop){}",
        args.address,
        if args.exec.is_some() {
            ""
        } else {
            "; without --exec intents are only printed"
        }
    ));
    loop {
        let delivery = stream.next().await.map_err(from_client)?;
        let status = delivery.status.parse::<Status>().ok();
        if status.is_some_and(Status::is_terminal) {
            continue;
        }
        match &args.exec {
            Some(cmd) => handle(ctx, client, &delivery, cmd).await?,
            None => {
                if ctx.out.is_machine() {
                    ctx.out.line(delivery.data.to_string())?;
                } else {
                    ctx.out.line(format!(
                        "{}  {}  {}  {}",
                        delivery.intent_id,
                        delivery.status,
                        text(&delivery.data, "intent_type"),
                        compact(delivery.data.get("payload").unwrap_or(&Value::Null))
                    ))?;
                }
            }
        }
        if args.once {
            return Ok(());
        }
    }
}

/// Runs CMD with the intent's JSON on stdin and resumes the intent with what it produced.
async fn handle(ctx: &Ctx, client: &Client, delivery: &AgentDelivery, cmd: &str) -> CliResult {
    let intent = client
        .get_intent_raw(&delivery.intent_id)
        .await
        .map_err(from_client)?;
    let status = intent
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if status.parse::<Status>().is_ok_and(Status::is_terminal) {
        return Ok(());
    }
    let run = run_command(cmd, &delivery.intent_id, &intent).await?;
    let body = if run.code == Some(0) {
        let stdout = run.stdout.trim();
        let mut body = match serde_json::from_str::<Value>(stdout) {
            Ok(Value::Object(map)) => map,
            Ok(other) => {
                let mut map = serde_json::Map::new();
                map.insert("result".into(), other);
                map
            }
            Err(_) if stdout.is_empty() => serde_json::Map::new(),
            Err(_) => {
                let mut map = serde_json::Map::new();
                map.insert("output".into(), json!(stdout));
                map
            }
        };
        body.insert("action".into(), json!("complete"));
        Value::Object(body)
    } else {
        let stderr = tail(run.stderr.trim(), 2000);
        let code = run
            .code
            .map_or("a signal".to_string(), |c| format!("exit code {c}"));
        let reason = if stderr.is_empty() {
            format!("the handler ended with {code}")
        } else {
            stderr
        };
        json!({"action": "fail", "reason": reason, "exit_code": run.code})
    };
    let key = format!("axme-listen-{}", delivery.intent_id);
    let done = client
        .resume(&delivery.intent_id, &body, Some(&key))
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        ctx.out.json(&json!({
            "intent_id": delivery.intent_id,
            "status": done.intent.status,
            "exit_code": run.code,
        }))
    } else {
        ctx.out.line(format!(
            "{}  {}  (handler {})",
            delivery.intent_id,
            done.intent.status,
            run.code.map_or("killed".into(), |c| format!("exit {c}"))
        ))
    }
}

struct CommandRun {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

async fn run_command(cmd: &str, intent_id: &str, intent: &Value) -> CliResult<CommandRun> {
    #[cfg(unix)]
    let mut command = {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(cmd);
        c
    };
    #[cfg(not(unix))]
    let mut command = {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    };
    let mut child = command
        .env("AXME_INTENT_ID", intent_id)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CliError::failure(format!("cannot run --exec command {cmd:?}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let input = format!("{intent}\n");
        // Written beside the wait, so a handler that never reads a large intent cannot
        // deadlock us; a handler that ignores stdin is fine (broken pipe ignored).
        tokio::spawn(async move {
            let _ = stdin.write_all(input.as_bytes()).await;
        });
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| CliError::failure(format!("--exec command {cmd:?} failed to run: {e}")))?;
    Ok(CommandRun {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

fn tail(s: &str, max: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(max)).collect()
}
