//! `axme tasks …`: the human-task inbox (intents waiting for a person's decision).

use clap::{Args, Subcommand};
use clap_complete::ArgValueCompleter;

use serde_json::{Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::{Remote, block_on, from_client, read_json_arg};
use super::timeline::status_label;
use crate::client::Client;

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
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
    pub intent_id: String,
}

#[derive(Debug, Args)]
pub struct DecisionArgs {
    /// Intent id of the task
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
    pub intent_id: String,
    /// Comment recorded with the decision
    #[arg(short, long, value_name = "TEXT")]
    pub comment: Option<String>,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Intent id of the task
    #[arg(add = ArgValueCompleter::new(super::complete::intent_ids))]
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

pub fn run(ctx: &Ctx, command: TasksCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    let client = &remote.client;
    // Any unique prefix of an id names the intent (see ids.rs).
    let full = |raw: &str| block_on(super::ids::resolve(client, raw))?;
    let command = match command {
        TasksCommand::Show(mut a) => {
            a.intent_id = full(&a.intent_id)?;
            TasksCommand::Show(a)
        }
        TasksCommand::Approve(mut a) => {
            a.intent_id = full(&a.intent_id)?;
            TasksCommand::Approve(a)
        }
        TasksCommand::Reject(mut a) => {
            a.intent_id = full(&a.intent_id)?;
            TasksCommand::Reject(a)
        }
        TasksCommand::Submit(mut a) => {
            a.intent_id = full(&a.intent_id)?;
            TasksCommand::Submit(a)
        }
        other => other,
    };
    match command {
        TasksCommand::List => list(ctx, client),
        TasksCommand::Show(args) => show(ctx, client, &args.intent_id),
        TasksCommand::Approve(args) => {
            answer(ctx, client, &args.intent_id, "approved", args.comment, None)
        }
        TasksCommand::Reject(args) => {
            answer(ctx, client, &args.intent_id, "rejected", args.comment, None)
        }
        TasksCommand::Submit(args) => {
            let data = match &args.data {
                Some(raw) => Some(read_json_arg(raw, "--data")?),
                None => None,
            };
            answer(
                ctx,
                client,
                &args.intent_id,
                &args.outcome,
                args.comment,
                data,
            )
        }
    }
}

fn text(v: &Value, field: &str) -> String {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The task's allowed outcomes (its type's when it names none, as the gateway decides).
fn outcomes(task: &Value) -> Vec<String> {
    let listed: Vec<String> = task
        .get("allowed_outcomes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if listed.is_empty() {
        let task_type = task
            .get("task_type")
            .and_then(Value::as_str)
            .map(crate::protocol::TaskType::from_name);
        crate::protocol::task::default_outcomes(task_type.as_ref())
    } else {
        listed
    }
}

fn list(ctx: &Ctx, client: &Client) -> CliResult {
    let tasks = block_on(client.my_tasks())?.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json_list(&tasks);
    }
    if tasks.is_empty() {
        ctx.out.notice("no tasks are waiting for you");
        return Ok(());
    }
    let ids: Vec<String> = tasks.iter().map(|t| text(t, "intent_id")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let rows = tasks
        .iter()
        .zip(ctx.out.short_ids(&ids))
        .map(|(t, id)| {
            let task = t.get("human_task").cloned().unwrap_or(Value::Null);
            vec![
                id,
                text(&task, "task_type"),
                text(&task, "title"),
                outcomes(&task).join(", "),
            ]
        })
        .collect();
    ctx.out
        .table(&["INTENT ID", "TYPE", "TITLE", "OUTCOMES"], rows)
}

/// The intent and the human task it waits on.
fn task_of(client: &Client, id: &str) -> CliResult<(Value, Value)> {
    let intent = block_on(client.get_intent_raw(id))?.map_err(from_client)?;
    let task = intent.get("human_task").cloned().unwrap_or(Value::Null);
    Ok((intent, task))
}

fn show(ctx: &Ctx, client: &Client, id: &str) -> CliResult {
    let (intent, task) = task_of(client, id)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({"intent": intent, "human_task": task}));
    }
    if task.is_null() {
        return Err(CliError::failure(format!(
            "intent {id} is not a human task"
        )));
    }
    let rows = [
        ("intent", id.to_string()),
        ("status", text(&intent, "status")),
        ("title", text(&task, "title")),
        ("type", text(&task, "task_type")),
        ("about", text(&task, "description")),
        ("from", text(&intent, "from_agent")),
        ("due", text(&intent, "due_at")),
        ("outcomes", outcomes(&task).join(", ")),
    ];
    let lines: Vec<String> = rows
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k:<9} {v}"))
        .collect();
    ctx.out.line(lines.join("\n"))?;
    ctx.out.notice(format!(
        "answer with: axme tasks approve {id} | axme tasks reject {id} | axme tasks submit {id} --outcome X"
    ));
    Ok(())
}

fn answer(
    ctx: &Ctx,
    client: &Client,
    id: &str,
    outcome: &str,
    comment: Option<String>,
    data: Option<Value>,
) -> CliResult {
    let (_, task) = task_of(client, id)?;
    // Checked here too, so a typo never reaches the gateway.
    if !task.is_null() {
        let allowed = outcomes(&task);
        // `reject` also stands for the list's negative outcome (denied, declined …).
        if !allowed.iter().any(|o| o == outcome) && outcome != "rejected" {
            return Err(CliError::usage(format!(
                "{outcome:?} is not an outcome of this task (allowed: {})",
                allowed.join(", ")
            )));
        }
        if task.get("required_comment").and_then(Value::as_bool) == Some(true)
            && comment.as_deref().is_none_or(|c| c.trim().is_empty())
        {
            return Err(CliError::usage(
                "this task requires a comment (--comment TEXT)",
            ));
        }
    }
    let mut result = serde_json::Map::new();
    match data {
        Some(Value::Object(map)) => result.extend(map),
        Some(other) => {
            result.insert("data".into(), other);
        }
        None => {}
    }
    result.insert("outcome".into(), json!(outcome));
    if let Some(c) = comment {
        result.insert("comment".into(), json!(c));
    }
    let body = json!({ "task_result": result });
    let key = format!("axme-cli-task-{id}-{outcome}");
    let r = block_on(client.resume(id, &body, Some(&key)))?.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&r.intent);
    }
    ctx.out.line(format!(
        "{id}  {outcome}  → {}",
        status_label(r.intent.status)
    ))
}
