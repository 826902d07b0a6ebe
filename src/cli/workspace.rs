//! `axme org list` and `axme workspace list|use`: the organizations and workspaces the
//! credentials belong to (`GET /v1/portal/personal/context`), and selecting the one to act
//! in (`POST /v1/portal/personal/workspace-selection`, then stored in the context).

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::{Remote, from_client, run_interruptible};
use super::table::Col;
use crate::client::ClientError;
use crate::config::{ContextUpdate, update_context};
use crate::protocol::access::Role;
use crate::protocol::portal::{PersonalContext, WorkspaceMembership};

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// The organizations your credentials belong to, with your roles.
    #[command(alias = "ls")]
    List,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// The workspaces your credentials belong to; `*` marks the selected one.
    #[command(alias = "ls")]
    List,
    /// Act in a workspace: select it on the gateway and store it in the context.
    Use(UseArgs),
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// Workspace id, or its name (any case)
    #[arg(value_name = "WORKSPACE")]
    pub workspace: String,
}

/// The membership inventory, or the error a person can act on.
async fn inventory(remote: &Remote) -> CliResult<PersonalContext> {
    remote.client.membership().await.map_err(membership_error)
}

/// 401 without credentials or with a dead session: say how to sign in; 403 outside the
/// memberships: say where to look.
fn membership_error(err: ClientError) -> CliError {
    match &err {
        ClientError::Auth {
            status: 401,
            code,
            message,
        } => {
            let what = if code == "missing_actor_token" {
                "this command needs credentials: an account session or an API key".to_string()
            } else {
                format!("the gateway did not accept the credentials: {message}")
            };
            CliError::usage(what).with_hint("run `axme login` to sign in, then try again")
        }
        ClientError::Auth {
            status: 403,
            message,
            ..
        } if message.contains("outside actor membership scope") => {
            CliError::usage("that workspace is not one of your account's memberships")
                .with_hint("run `axme workspace list` to see the workspaces you may use")
        }
        _ => from_client(err),
    }
}

fn roles(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The counts and sentence every inventory answer carries in `-o json`.
fn summary(who: &PersonalContext) -> Value {
    json!({
        "server_context": who.context,
        "selected_organization": who.selected_organization,
        "selected_workspace": who.selected_workspace,
        "server_guidance": who.guidance,
        "membership_count": who.workspaces.len(),
        "organization_count": who.organizations.len(),
        "guidance_message": who.guidance.message,
    })
}

fn with_summary(mut value: Value, who: &PersonalContext) -> Value {
    if let (Some(out), Value::Object(extra)) = (value.as_object_mut(), summary(who)) {
        for (k, v) in extra {
            out.entry(k).or_insert(v);
        }
    }
    value
}

pub fn org(ctx: &Ctx, command: OrgCommand) -> CliResult {
    let remote = Remote::connect(ctx, false)?;
    run_interruptible(async move {
        let OrgCommand::List = command;
        let who = inventory(&remote).await?;
        if ctx.out.is_machine() {
            return ctx.out.json(&with_summary(
                json!({ "organizations": who.organizations }),
                &who,
            ));
        }
        let selected = who
            .selected_organization
            .as_ref()
            .map(|o| o.org_id.as_str());
        let rows = who
            .organizations
            .iter()
            .map(|o| {
                vec![
                    if Some(o.org_id.as_str()) == selected {
                        "*".into()
                    } else {
                        String::new()
                    },
                    o.org_id.clone(),
                    o.name.clone(),
                    o.status.clone(),
                    roles(&o.roles),
                    o.workspaces.len().to_string(),
                ]
            })
            .collect();
        ctx.out.table_cols(
            &[
                Col::new("SELECTED"),
                Col::new("ORG_ID").shrink(),
                Col::new("NAME"),
                Col::new("STATUS").drop(2),
                Col::new("ROLES").drop(1),
                Col::new("WORKSPACES"),
            ],
            rows,
        )?;
        ctx.out.notice(&who.guidance.message);
        Ok(())
    })
}

pub fn workspace(ctx: &Ctx, command: WorkspaceCommand) -> CliResult {
    let remote = Remote::connect(ctx, false)?;
    run_interruptible(async move {
        match command {
            WorkspaceCommand::List => list(ctx, &inventory(&remote).await?),
            WorkspaceCommand::Use(args) => use_workspace(ctx, &remote, &args.workspace).await,
        }
    })
}

fn list(ctx: &Ctx, who: &PersonalContext) -> CliResult {
    if ctx.out.is_machine() {
        return ctx.out.json(&with_summary(
            json!({
                "workspaces": who.workspaces,
                "selected_org": who.selected_organization,
            }),
            who,
        ));
    }
    let selected = who
        .selected_workspace
        .as_ref()
        .map(|w| w.workspace_id.as_str());
    let rows = who
        .workspaces
        .iter()
        .map(|w| {
            vec![
                if Some(w.workspace_id.as_str()) == selected {
                    "*".into()
                } else {
                    String::new()
                },
                w.workspace_id.clone(),
                w.name.clone(),
                w.org_id.clone(),
                w.org_name.clone(),
                w.environment.clone(),
                w.status.clone(),
                roles(&w.roles),
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("SELECTED"),
            Col::new("WORKSPACE_ID").shrink(),
            Col::new("NAME"),
            Col::new("ORG_ID").shrink().drop(4),
            Col::new("ORG_NAME").drop(3),
            Col::new("ENV").drop(5),
            Col::new("STATUS").drop(2),
            Col::new("ROLES").drop(1),
        ],
        rows,
    )?;
    ctx.out.notice(&who.guidance.message);
    Ok(())
}

/// The workspace `wanted` names: its exact id, else its name in any case (one only).
fn pick<'a>(who: &'a PersonalContext, wanted: &str) -> CliResult<&'a WorkspaceMembership> {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return Err(CliError::usage("a workspace id or name is required"));
    }
    if let Some(ws) = who.workspaces.iter().find(|w| w.workspace_id == wanted) {
        return Ok(ws);
    }
    let named: Vec<_> = who
        .workspaces
        .iter()
        .filter(|w| w.name.eq_ignore_ascii_case(wanted))
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(
            CliError::usage(format!("no workspace {wanted:?} among your memberships"))
                .with_hint("run `axme workspace list` to see the workspaces you may use"),
        ),
        _ => Err(
            CliError::usage(format!("several workspaces are named {wanted:?}"))
                .with_hint("pass its workspace id (`axme workspace list` shows them)"),
        ),
    }
}

async fn use_workspace(ctx: &Ctx, remote: &Remote, wanted: &str) -> CliResult {
    let who = inventory(remote).await?;
    let ws = pick(&who, wanted)?;
    let answer = remote
        .client
        .select_workspace(&ws.org_id, &ws.workspace_id)
        .await
        .map_err(membership_error)?;
    let name = remote.context.name.value.clone();
    let stored = remote.context.stored;
    if stored {
        let paths = ctx.paths()?;
        let store = ctx.secret_store(&paths)?;
        update_context(
            &paths,
            &store,
            &name,
            ContextUpdate {
                org_id: Some(answer.context.org_id.clone()),
                workspace_id: Some(answer.context.workspace_id.clone()),
                ..Default::default()
            },
        )?;
    }
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "ok": true,
            "context": name,
            "stored": stored,
            "org_id": answer.context.org_id,
            "workspace_id": answer.context.workspace_id,
            "selected_workspace": answer.selected_workspace,
            "selected_organization": answer.selected_organization,
            "server_context": answer.context,
        }));
    }
    ctx.out.line(format!(
        "Switched to workspace: {} ({})",
        answer.selected_workspace.name, answer.selected_organization.name
    ))?;
    if !stored {
        ctx.out.notice(format!(
            "context {name:?} is not stored, so the selection was not saved (`axme context set` \
             stores one)"
        ));
    }
    Ok(())
}
