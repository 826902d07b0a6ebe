//! `axme scenarios validate|apply`: scenario bundles (agents, humans, workflow, intent);
//! `create` and `list-templates` are in scenario_create.rs.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use serde_json::{Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::provision::{local_errors, provision_agents, read_bundle};
use super::remote::{Remote, from_client, outcome, run_interruptible};
use super::timeline;
use crate::client::{Client, ClientError};

#[derive(Debug, Subcommand)]
pub enum ScenariosCommand {
    /// Check a scenario bundle and report errors with their JSON paths.
    Validate(ValidateArgs),
    /// Provision the bundle's agents and start its intent.
    Apply(ApplyArgs),
    /// List the gateway's workflow macro templates (a bundle's workflow.macro_id).
    ListTemplates,
    /// Build a scenario bundle by answering questions (stdin), save it, maybe apply it.
    Create(super::scenario_create::CreateArgs),
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

pub fn run(ctx: &Ctx, command: ScenariosCommand) -> CliResult {
    match command {
        ScenariosCommand::Validate(args) => validate(ctx, args),
        ScenariosCommand::ListTemplates => super::scenario_create::list_templates(ctx),
        ScenariosCommand::Create(args) => super::scenario_create::create(ctx, args),
        ScenariosCommand::Apply(args) => {
            let bundle = read_bundle(&args.file)?;
            let errors = local_errors(&bundle);
            if !errors.is_empty() {
                return Err(invalid(ctx, &errors));
            }
            let remote = Remote::connect(ctx, true)?;
            run_interruptible(apply(ctx, &remote.client, bundle, args.watch, true))
        }
    }
}

fn strings(v: &Value, field: &str) -> Vec<String> {
    v.get(field)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Prints the errors (text) and returns the error that ends the command.
fn invalid(ctx: &Ctx, errors: &[String]) -> CliError {
    if !ctx.out.is_machine() {
        for e in errors {
            let _ = ctx.out.line(format!("✗ {e}"));
        }
    } else {
        let _ = ctx
            .out
            .json(&json!({"ok": true, "valid": false, "errors": errors, "warnings": []}));
    }
    CliError::failure(format!("the scenario bundle has {} error(s)", errors.len()))
}

fn validate(ctx: &Ctx, args: ValidateArgs) -> CliResult {
    let bundle = read_bundle(&args.file)?;
    let errors = local_errors(&bundle);
    if !errors.is_empty() {
        return Err(invalid(ctx, &errors));
    }
    // The gateway knows more (tool ids, assignees); ask it when we can.
    let remote = Remote::connect(ctx, true)?;
    let answer = super::remote::block_on(remote.client.validate_scenario(&bundle))?;
    let (errors, warnings) = match answer {
        Ok(v) => (strings(&v, "errors"), strings(&v, "warnings")),
        Err(ClientError::Rejected { message, .. }) => (vec![message], Vec::new()),
        Err(e) => return Err(from_client(e)),
    };
    if !errors.is_empty() {
        return Err(invalid(ctx, &errors));
    }
    if ctx.out.is_machine() {
        return ctx
            .out
            .json(&json!({"ok": true, "valid": true, "errors": [], "warnings": warnings}));
    }
    for w in &warnings {
        ctx.out.line(format!("⚠ {w}"))?;
    }
    ctx.out.line(format!(
        "✓ {} is a valid scenario bundle",
        args.file.display()
    ))
}

/// Provisions the agents, applies the bundle, and (with `watch`) follows the parent intent.
/// `keys_kept`: the provisioned keys stay in scenario-agents.json afterwards (not so for the
/// throwaway gateway of `examples run`), so saying where they are is true.
pub async fn apply(
    ctx: &Ctx,
    client: &Client,
    bundle: Value,
    watch: bool,
    keys_kept: bool,
) -> CliResult {
    let text_mode = ctx.out.is_text();
    let scenario = bundle
        .get("scenario_id")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    if text_mode {
        ctx.out.line(format!("applying {scenario}"))?;
    }
    let provisioned = provision_agents(ctx, client, &bundle).await?;
    if text_mode {
        for agent in bundle
            .get("agents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = agent
                .get("display_name")
                .or_else(|| agent.get("address"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            let mode = agent
                .get("delivery_mode")
                .and_then(Value::as_str)
                .unwrap_or("stream");
            ctx.out.line(format!("  agent  {name}  ({mode})"))?;
        }
        for human in bundle
            .get("humans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = human
                .get("display_name")
                .or_else(|| human.get("role"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            let contact = human.get("contact").and_then(Value::as_str).unwrap_or("");
            ctx.out.line(format!("  human  {name}  {contact}"))?;
        }
        if !provisioned.is_empty() && keys_kept {
            ctx.out.notice(format!(
                "agent keys for {} are in scenario-agents.json (not shown)",
                provisioned.join(", ")
            ));
        }
    }
    let key = format!("axme-cli-{}", uuid::Uuid::new_v4());
    let applied = client
        .apply_scenario(&bundle, Some(&key))
        .await
        .map_err(from_client)?;
    let Some(intent_id) = applied
        .get("intent_id")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Err(CliError::failure(
            "the gateway applied the scenario but returned no intent_id",
        ));
    };
    if text_mode {
        ctx.out.line(format!("  intent {intent_id}"))?;
    } else {
        let mut answer = applied.clone();
        answer["provisioned_agents"] = json!(provisioned);
        ctx.out.json(&answer)?;
    }
    if !watch {
        if text_mode {
            ctx.out
                .notice(format!("follow it with: axme intents watch {intent_id}"));
        }
        return Ok(());
    }
    let status = timeline::follow(&ctx.out, client, &intent_id, 0, true).await?;
    let intent = client.get_intent(&intent_id).await.map_err(from_client)?;
    if text_mode {
        let mut line = format!("final  {}", timeline::status_label(status));
        if let Some(r) = &intent.result {
            line.push_str(&format!("  result: {r}"));
        }
        ctx.out.line(line)?;
    }
    outcome(status)
}
