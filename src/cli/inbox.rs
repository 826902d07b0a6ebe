//! `axme inbox …`: the threads finished intents left for you (their `reply_to`), and your
//! replies (spec §7.5, §9.1).

use clap::{Args, Subcommand};
use serde_json::Value;

use super::error::CliResult;
use super::global::Ctx;
use super::remote::{Remote, block_on, from_client};
use crate::client::Client;

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// List your inbox threads, most recently changed first.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Show one thread with its messages.
    Show(ShowArgs),
    /// Reply in a thread (a new thread id starts one).
    Reply(ReplyArgs),
}

#[derive(Debug, Args)]
pub struct OwnerArg {
    /// Whose inbox: an agent address or name (an admin may name any agent of its
    /// workspace); default: your own
    #[arg(long, value_name = "ADDRESS")]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only threads in this state
    #[arg(long, value_parser = ["pending", "active", "done"])]
    pub status: Option<String>,
    #[command(flatten)]
    pub owner: OwnerArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Thread id (the id of the intent that finished)
    pub thread_id: String,
    #[command(flatten)]
    pub owner: OwnerArg,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    /// Thread id
    pub thread_id: String,
    /// The reply
    #[arg(short, long, value_name = "TEXT")]
    pub message: String,
    #[command(flatten)]
    pub owner: OwnerArg,
}

pub fn run(ctx: &Ctx, command: InboxCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    let client = &remote.client;
    match command {
        InboxCommand::List(args) => list(ctx, client, &args),
        InboxCommand::Show(args) => show(ctx, client, &args),
        InboxCommand::Reply(args) => reply(ctx, client, &args),
    }
}

fn text(v: &Value, field: &str) -> String {
    match v.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn list(ctx: &Ctx, client: &Client, args: &ListArgs) -> CliResult {
    let threads = block_on(client.inbox(args.owner.owner.as_deref(), args.status.as_deref()))?
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json_list(&threads);
    }
    if threads.is_empty() {
        ctx.out.notice("the inbox is empty");
        return Ok(());
    }
    let ids: Vec<String> = threads.iter().map(|t| text(t, "thread_id")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let rows = threads
        .iter()
        .zip(ctx.out.short_ids(&ids))
        .map(|(t, id)| {
            let subject = Some(text(t, "subject"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| text(t, "intent_type"));
            let messages = t
                .get("messages")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            vec![
                id,
                text(t, "status"),
                subject,
                text(t, "to_agent"),
                messages.to_string(),
                text(t, "updated_at"),
            ]
        })
        .collect();
    ctx.out.table(
        &[
            "THREAD ID",
            "STATUS",
            "SUBJECT",
            "FROM",
            "MESSAGES",
            "UPDATED",
        ],
        rows,
    )
}

/// A thread as lines: its fields, then one line per message.
fn render(thread: &Value) -> String {
    let rows = [
        ("thread", text(thread, "thread_id")),
        ("status", text(thread, "status")),
        ("subject", text(thread, "subject")),
        ("owner", text(thread, "owner_agent")),
        ("from", text(thread, "to_agent")),
        ("updated", text(thread, "updated_at")),
    ];
    let mut lines: Vec<String> = rows
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k:<8} {v}"))
        .collect();
    if let Some(completion) = thread.get("completion").filter(|c| !c.is_null()) {
        lines.push(format!("{:<8} {}", "result", text(completion, "status")));
    }
    let messages = thread
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !messages.is_empty() {
        lines.push(String::new());
    }
    for m in &messages {
        let content = Some(text(m, "content"))
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| text(m, "text"));
        lines.push(format!(
            "{}  {:<6} {content}",
            text(m, "at"),
            text(m, "role")
        ));
    }
    lines.join("\n")
}

fn show(ctx: &Ctx, client: &Client, args: &ShowArgs) -> CliResult {
    let thread = block_on(client.inbox_thread(&args.thread_id, args.owner.owner.as_deref()))?
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&thread);
    }
    ctx.out.line(render(&thread))
}

fn reply(ctx: &Ctx, client: &Client, args: &ReplyArgs) -> CliResult {
    // One key per command run: the client's own retries never post the reply twice.
    let key = format!("axme-cli-reply-{}", uuid::Uuid::new_v4());
    let thread = block_on(client.inbox_reply(
        &args.thread_id,
        &args.message,
        args.owner.owner.as_deref(),
        &key,
    ))?
    .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&thread);
    }
    let count = thread
        .get("messages")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    ctx.out.line(format!(
        "{}  replied ({count} message{} in the thread)",
        text(&thread, "thread_id"),
        if count == 1 { "" } else { "s" }
    ))
}
