//! `axme sessions list|revoke` (alias `session`, the public CLI's name): the signed-in
//! person's login sessions on the gateway. Both need an account session (`axme login`);
//! an API key alone is not a person.

use clap::{Args, Subcommand};
use serde_json::json;

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::output::Style;
use super::remote::{Remote, from_client, run_interruptible};
use super::table::Col;
use crate::protocol::session::{SessionView, SessionsResponse};

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Your sessions: which is this one, what signed in, when each ends.
    #[command(alias = "ls")]
    List(ListArgs),
    /// End a session (and the API key it was given): by id, or this one with --current.
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also list sessions that ended (revoked or expired)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The session to end (`axme sessions list` shows the ids)
    #[arg(value_name = "SESSION_ID", required_unless_present = "current")]
    pub session_id: Option<String>,
    /// End the session this context is signed in with
    #[arg(long, conflicts_with = "session_id")]
    pub current: bool,
}

pub fn run(ctx: &Ctx, command: SessionsCommand) -> CliResult {
    let remote = Remote::connect(ctx, false)?;
    if remote.context.actor_token.is_none() && remote.context.refresh_token.is_none() {
        return Err(CliError::usage(format!(
            "this command needs an account session: context {:?} has none",
            remote.context.name.value
        ))
        .with_hint("run `axme login` to sign in, then try again"));
    }
    run_interruptible(async move {
        let client = &remote.client;
        match command {
            SessionsCommand::List(args) => {
                let answer = client.sessions(args.all).await.map_err(from_client)?;
                list(ctx, &answer)
            }
            SessionsCommand::Revoke(args) => {
                let (session_id, mode) = match args.session_id {
                    Some(id) => (id, "explicit_session"),
                    None => {
                        let answer = client.sessions(false).await.map_err(from_client)?;
                        let current = answer
                            .sessions
                            .into_iter()
                            .find(|s| s.is_current)
                            .ok_or_else(|| {
                                CliError::failure(
                                    "the gateway lists no current session for this context",
                                )
                                .with_hint("run `axme sessions list` to see your sessions")
                            })?;
                        (current.session_id, "current_session")
                    }
                };
                let answer = client
                    .revoke_session(&session_id)
                    .await
                    .map_err(from_client)?;
                if ctx.out.is_machine() {
                    return ctx.out.json(&json!({
                        "ok": answer.ok,
                        "session_id": answer.session_id,
                        "revoked": answer.revoked,
                        "mode": mode,
                    }));
                }
                if answer.revoked {
                    ctx.out.line(format!("Session {session_id} revoked."))?;
                    if mode == "current_session" {
                        ctx.out.notice(
                            "This context's session has ended: run `axme login` to sign in again.",
                        );
                    }
                } else {
                    ctx.out
                        .line(format!("Session {session_id} had already ended."))?;
                }
                Ok(())
            }
        }
    })
}

/// Counts for `-o json` and the line under the table.
fn summary(answer: &SessionsResponse) -> serde_json::Value {
    let active = answer
        .sessions
        .iter()
        .filter(|s| s.status == "active")
        .count();
    let current = answer.sessions.iter().find(|s| s.is_current);
    json!({
        "session_count": answer.sessions.len(),
        "active_count": active,
        "revoked_count": answer.sessions.iter().filter(|s| s.revoked).count(),
        "include_revoked": answer.include_revoked,
        "has_current_session": current.is_some(),
        "current_session_id": current.map(|s| s.session_id.clone()),
    })
}

fn status_cell(ctx: &Ctx, s: &SessionView) -> String {
    match s.status.as_str() {
        "active" => ctx.out.paint("active", Style::Green),
        "revoked" => ctx.out.paint("revoked", Style::Red),
        other => other.to_string(),
    }
}

fn list(ctx: &Ctx, answer: &SessionsResponse) -> CliResult {
    let summary = summary(answer);
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "include_revoked": answer.include_revoked,
            "sessions": answer.sessions,
            "summary": summary,
        }));
    }
    if answer.sessions.is_empty() {
        ctx.out.notice("no sessions");
        return Ok(());
    }
    let rows = answer
        .sessions
        .iter()
        .map(|s| {
            vec![
                s.session_id.clone(),
                if s.is_current {
                    "*".into()
                } else {
                    String::new()
                },
                status_cell(ctx, s),
                s.client_type.clone().unwrap_or_else(|| "-".into()),
                s.created_at.clone(),
                s.expires_at.clone(),
                s.revoked_at.clone().unwrap_or_default(),
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("SESSION_ID"),
            Col::new("CURRENT"),
            Col::new("STATUS"),
            Col::new("CLIENT").shrink().drop(3),
            Col::new("CREATED_AT").drop(2),
            Col::new("EXPIRES_AT").drop(1),
            Col::new("REVOKED_AT").wide(),
        ],
        rows,
    )?;
    let active = summary["active_count"].as_u64().unwrap_or(0);
    ctx.out.notice(format!(
        "{active} active session{}{}",
        if active == 1 { "" } else { "s" },
        match summary["current_session_id"].as_str() {
            Some(id) => format!("; this context is signed in with {id}"),
            None => "; none is this context's".into(),
        }
    ));
    Ok(())
}
