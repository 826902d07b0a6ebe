//! `axme intents …`: send, inspect, watch, cancel, resume and retry intents (sending is in
//! send.rs; `cleanup`, the bulk cancel, in cleanup.rs).

use std::time::Duration;

use clap::{Args, Subcommand};
use clap_complete::ArgValueCompleter;

use serde_json::{Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::output::OutputFormat;
use super::remote::{Remote, from_client, outcome, read_json_arg, run_interruptible};
use super::send;
use super::table::Col;
use super::timeline::{self, compact, event_line};
use crate::client::{Client, IntentFilter};
use crate::protocol::{CreateIntentRequest, Intent, ResolveRequest, Status};

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
    /// Cancel the live intents older than --older-than hours (a dry run unless
    /// --dry-run=false).
    Cleanup(super::cleanup::CleanupArgs),
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Intent id
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
    pub intent_id: String,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Receiving agent: agent://org/workspace/name, or a bare name in your workspace
    #[arg(long, value_name = "AGENT", add = ArgValueCompleter::new(super::complete::agent_addresses))]
    pub to: String,
    /// Intent type (default: intent.ask.v1)
    #[arg(long = "type", value_name = "TYPE")]
    pub intent_type: Option<String>,
    /// Payload: inline JSON, @FILE, or - for stdin
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub payload: Option<String>,
    /// Idempotency key: the same key sends at most one intent, so a CI step can be retried
    /// (one is generated and printed when omitted)
    #[arg(
        long,
        value_name = "KEY",
        env = "AXME_IDEMPOTENCY_KEY",
        hide_env_values = true
    )]
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
    /// At most this many (1-500; with --all, the page size)
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: u32,
    /// Continue from the cursor a previous page printed
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
    /// Every page: follow the cursors to the end
    #[arg(long, conflicts_with = "cursor")]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Intent id
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
    pub intent_id: String,
    /// Start after this event sequence number (0 = from the beginning)
    #[arg(long, value_name = "SEQ", default_value_t = 0)]
    pub since: u64,
    /// Exit with the intent's outcome code (3 FAILED, 4 TIMED_OUT, 5 CANCELED) instead of 0
    #[arg(long)]
    pub exit_status: bool,
    /// Stop watching after this long (exit 1); without it, watch until the intent ends or
    /// Ctrl-C, waiting out a gateway that is down
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Intent id
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
    pub intent_id: String,
    /// Only events after this sequence number
    #[arg(long, value_name = "SEQ", default_value_t = 0)]
    pub since: u64,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Intent id
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
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
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
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

pub fn run(ctx: &Ctx, command: IntentsCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    run_interruptible(async move {
        let c = &remote.client;
        // Any unique prefix of an id names the intent (see ids.rs).
        let full = |raw: String| async move { super::ids::resolve(c, &raw).await };
        match command {
            IntentsCommand::Send(args) => send::send(ctx, &remote, args).await,
            IntentsCommand::Get(args) => get(ctx, c, &full(args.intent_id).await?).await,
            IntentsCommand::List(args) => list(ctx, c, args).await,
            IntentsCommand::Watch(mut args) => {
                args.intent_id = full(args.intent_id).await?;
                watch(ctx, c, args).await
            }
            IntentsCommand::Events(mut args) => {
                args.intent_id = full(args.intent_id).await?;
                events(ctx, c, args).await
            }
            IntentsCommand::Cancel(mut args) => {
                args.intent_id = full(args.intent_id).await?;
                cancel(ctx, c, args).await
            }
            IntentsCommand::Resume(mut args) => {
                args.intent_id = full(args.intent_id).await?;
                resume(ctx, c, args).await
            }
            IntentsCommand::Retry(args) => retry(ctx, c, &full(args.intent_id).await?).await,
            IntentsCommand::Cleanup(args) => super::cleanup::run(ctx, c, args).await,
        }
    })
}

async fn get(ctx: &Ctx, client: &Client, id: &str) -> CliResult {
    let raw = client.get_intent_raw(id).await.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&raw);
    }
    let intent: Intent = serde_json::from_value(raw.clone())
        .map_err(|e| CliError::failure(format!("unexpected intent from the gateway: {e}")))?;
    let mut rows: Vec<(&str, String)> = vec![
        ("intent", intent.intent_id.clone()),
        ("status", ctx.out.status(intent.status)),
        ("type", intent.intent_type.clone()),
        ("to", shown_address(&intent.to_agent)),
        ("from", intent.from_agent.clone().unwrap_or_default()),
        ("created", intent.created_at.to_string()),
        (
            "updated",
            intent.updated_at.map(|t| t.to_string()).unwrap_or_default(),
        ),
    ];
    if let Some(r) = intent.waiting_reason {
        rows.push(("waiting", r.as_str().to_string()));
    }
    if let Some(p) = &intent.pending_with {
        rows.push((
            "holder",
            p.name.clone().unwrap_or_else(|| p.reference.clone()),
        ));
    }
    if let Some(d) = &intent.deadline_at {
        rows.push(("deadline", d.to_string()));
    }
    if let Some(parent) = &intent.parent_intent_id {
        rows.push(("parent", parent.clone()));
    }
    rows.push(("payload", compact(&intent.payload)));
    if let Some(r) = &intent.result {
        rows.push(("result", compact(r)));
    }
    if let Some(e) = &intent.error {
        rows.push(("error", compact(e)));
    }
    let text: Vec<String> = rows
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k:<9} {v}"))
        .collect();
    ctx.out.line(text.join("\n"))
}

async fn list(ctx: &Ctx, client: &Client, args: ListArgs) -> CliResult {
    if let Some(s) = &args.status {
        for part in s.split(',') {
            part.parse::<Status>()
                .map_err(|e| CliError::usage(format!("--status: {e}")))?;
        }
    }
    let mut filter = IntentFilter {
        status: args.status.clone().map(|s| s.to_uppercase()),
        to_agent: args.to_agent.clone(),
        limit: Some(args.limit),
        cursor: args.cursor.clone(),
    };
    let mut intents = Vec::new();
    let next_cursor = loop {
        let page = client.list_intents(&filter).await.map_err(from_client)?;
        intents.extend(page.intents);
        match page.next_cursor {
            Some(cursor) if args.all => filter.cursor = Some(cursor),
            other => break other,
        }
    };
    match ctx.out.format {
        OutputFormat::Json => ctx.out.json(&json!({
            "ok": true,
            "intents": intents,
            "next_cursor": next_cursor,
        }))?,
        OutputFormat::Jsonl => ctx.out.json_list(&intents)?,
        OutputFormat::Text | OutputFormat::Wide if intents.is_empty() => {
            ctx.out.notice("no intents")
        }
        OutputFormat::Text | OutputFormat::Wide => {
            let now = chrono::Utc::now();
            let here = workspace_prefix(ctx, client).await;
            let ids: Vec<&str> = intents.iter().map(|i| i.intent_id.as_str()).collect();
            let rows = intents
                .iter()
                .zip(ctx.out.short_ids(&ids))
                .map(|(i, id)| {
                    vec![
                        id,
                        ctx.out.status(i.status),
                        age(now, i.updated_at.unwrap_or(i.created_at)),
                        i.intent_type.clone(),
                        relative(&shown_address(&i.to_agent), here.as_deref()),
                        relative(i.from_agent.as_deref().unwrap_or(""), here.as_deref()),
                        i.created_at.to_string(),
                    ]
                })
                .collect();
            ctx.out.table_cols(
                &[
                    Col::new("ID"),
                    Col::new("STATUS"),
                    Col::new("AGE").drop(2),
                    Col::new("TYPE").drop(1).shrink(),
                    Col::new("TO").shrink(),
                    Col::new("FROM").wide(),
                    Col::new("CREATED").wide(),
                ],
                rows,
            )?;
        }
    }
    if let Some(cursor) = &next_cursor {
        // Every filter of this command, so the hint continues the same listing.
        let mut more = String::from("axme intents list");
        if let Some(s) = &args.status {
            more.push_str(&format!(" --status {s}"));
        }
        if let Some(a) = &args.to_agent {
            more.push_str(&format!(" --to-agent {a}"));
        }
        if args.limit != 50 {
            more.push_str(&format!(" --limit {}", args.limit));
        }
        ctx.out
            .notice(format!("more: {more} --cursor {cursor}  (or --all)"));
    }
    Ok(())
}

/// `agent://org/ws/` of the context's own workspace, when text shows addresses relative to
/// it (not with `-o wide`, which shows them whole). One request; None if it fails.
pub async fn workspace_prefix(ctx: &Ctx, client: &Client) -> Option<String> {
    if ctx.out.format != OutputFormat::Text {
        return None;
    }
    let who = client.personal_context().await.ok()?;
    let address = who.pointer("/principal/address")?.as_str()?;
    let (prefix, _) = address.rsplit_once('/')?;
    Some(format!("{prefix}/"))
}

/// `address` without the workspace prefix `here` (a bare name means "in this workspace").
pub fn relative(address: &str, here: Option<&str>) -> String {
    match here.and_then(|h| address.strip_prefix(h)) {
        Some(name) if !name.is_empty() && !name.contains('/') => name.to_string(),
        _ => address.to_string(),
    }
}

/// Where an intent goes, as a person reads it: a workflow's parent is addressed to the
/// gateway's own runtime, not to an agent.
pub fn shown_address(address: &str) -> String {
    if address.ends_with("://agent_core") || address == "agent_core" {
        "(workflow)".into()
    } else {
        address.to_string()
    }
}

/// `42s`, `5m`, `3h`, `2d` since `at`.
pub fn age(now: chrono::DateTime<chrono::Utc>, at: crate::protocol::Timestamp) -> String {
    let secs = (now - at.datetime()).num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

async fn watch(ctx: &Ctx, client: &Client, args: WatchArgs) -> CliResult {
    if ctx.out.is_text() {
        ctx.out.notice(format!(
            "watching {} (live; Ctrl-C stops watching, not the intent)",
            args.intent_id
        ));
    }
    let following = timeline::follow(&ctx.out, client, &args.intent_id, args.since, true);
    let status = match args.timeout {
        None => following.await?,
        Some(limit) => match tokio::time::timeout(limit, following).await {
            Ok(status) => status?,
            Err(_) => {
                let now = client
                    .get_intent(&args.intent_id)
                    .await
                    .map(|i| format!("; it is still {}", i.status))
                    .unwrap_or_default();
                return Err(CliError::failure(format!(
                    "stopped watching {} after {}{now}",
                    args.intent_id,
                    humantime::format_duration(limit)
                )));
            }
        },
    };
    if ctx.out.is_text() {
        ctx.out.notice(format!("ended {status}"));
    }
    if args.exit_status {
        outcome(status)
    } else {
        Ok(())
    }
}

async fn events(ctx: &Ctx, client: &Client, args: EventsArgs) -> CliResult {
    let events = client
        .events(&args.intent_id, args.since)
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json_list(&events);
    }
    for event in &events {
        ctx.out.line(event_line(&ctx.out, event))?;
    }
    Ok(())
}

async fn cancel(ctx: &Ctx, client: &Client, args: CancelArgs) -> CliResult {
    let request = ResolveRequest {
        status: Some(Status::Canceled),
        reason: Some(
            args.reason
                .unwrap_or_else(|| "canceled with axme intents cancel".into()),
        ),
        ..Default::default()
    };
    let key = send::new_idempotency_key();
    let r = client
        .resolve(&args.intent_id, &request, Some(&key))
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&r.intent);
    }
    ctx.out.line(format!(
        "{} {}",
        r.intent.intent_id,
        ctx.out.status(r.intent.status)
    ))
}

async fn resume(ctx: &Ctx, client: &Client, args: ResumeArgs) -> CliResult {
    let mut body = match &args.data {
        Some(raw) => match read_json_arg(raw, "--data")? {
            Value::Object(map) => map,
            other => {
                let mut map = serde_json::Map::new();
                map.insert("result".into(), other);
                map
            }
        },
        None => serde_json::Map::new(),
    };
    let action = match args.action {
        ResumeAction::Complete => "complete",
        ResumeAction::Fail => "fail",
    };
    body.insert("action".into(), json!(action));
    if let Some(reason) = args.reason {
        body.insert("reason".into(), json!(reason));
    }
    let key = send::new_idempotency_key();
    let r = client
        .resume(&args.intent_id, &Value::Object(body), Some(&key))
        .await
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&r.intent);
    }
    ctx.out.line(send::final_line(&ctx.out, &r.intent))
}

async fn retry(ctx: &Ctx, client: &Client, id: &str) -> CliResult {
    let old = client.get_intent(id).await.map_err(from_client)?;
    if !matches!(
        old.status,
        Status::Failed | Status::Canceled | Status::TimedOut
    ) {
        return Err(CliError::usage(format!(
            "intent {id} is {}; only a FAILED, CANCELED or TIMED_OUT intent can be retried",
            old.status
        )));
    }
    let request = CreateIntentRequest {
        intent_type: old.intent_type,
        correlation_id: Some(send::correlation_for(&format!("axme-cli-retry-{id}"))),
        to_agent: old.to_agent,
        payload: old.payload,
        reply_to: old.reply_to,
        ..Default::default()
    };
    // Derived from the old id: retrying the retry command does not send a third intent.
    let key = format!("axme-cli-retry-{id}");
    send::submit(ctx, client, &request, &key, true, false, false).await
}
