//! `axme login --browser [--no-browser]`: sign in by approving in a browser (the public
//! CLI's device flow). The CLI asks the gateway for a grant without credentials, shows its
//! approval page (opened in the browser unless `--no-browser` or there is no desktop) and
//! code, and polls until a person approves it there; the session it then collects is
//! stored like an email login's (API key, access and refresh tokens, org and workspace).

use std::time::{Duration, Instant};

use serde_json::json;

use super::auth::{Target, report, save};
use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::{from_client, run_interruptible};
use crate::client::{Client, ClientError};
use crate::protocol::cli_grant::CliGrantStatus;

fn start_again(message: &str) -> CliError {
    CliError::failure(message.to_string()).with_hint("run `axme login --browser` again")
}

pub fn login_with_browser(ctx: &Ctx, target: &Target, no_browser: bool) -> CliResult {
    // No credentials: the grant is what signs in.
    let client = Client::new(&target.base_url, None, &target.roots).map_err(from_client)?;
    run_interruptible(async move {
        ctx.out.notice("Starting a browser sign-in…");
        let grant = client.create_cli_grant().await.map_err(|e| match &e {
            ClientError::Auth { message, .. } => CliError::failure(format!(
                "the gateway does not offer browser sign-in: {message}"
            ))
            .with_hint("sign in with `axme login --email`, or pass --api-key"),
            _ => from_client(e),
        })?;
        if ctx.out.is_machine() {
            ctx.out.json(&json!({
                "ok": true,
                "grant_id": grant.grant_id,
                "user_code": grant.user_code,
                "approval_url": grant.approval_url,
                "expires_in": grant.expires_in,
                "message": "open approval_url in a browser and approve the sign-in there",
            }))?;
        }
        let opened =
            !no_browser && !ctx.out.is_machine() && super::open::launch(&grant.approval_url);
        ctx.out.notice(format!(
            "\n  {} {}\n\n  Check that the page shows this code:\n\n      {}\n\n  Waiting for \
             approval (at most {} s)…",
            if opened {
                "Opened in your browser:"
            } else {
                "Open this page in a browser to approve:"
            },
            grant.approval_url,
            grant.user_code,
            grant.expires_in
        ));
        let approved = wait(
            ctx,
            &client,
            &grant.grant_id,
            grant.poll_interval,
            grant.expires_in,
        )
        .await?;
        let api_key = approved.api_key.clone().ok_or_else(|| {
            CliError::failure("the sign-in was approved but no API key came back")
        })?;
        save(
            ctx,
            target,
            api_key,
            approved
                .account_session_token
                .clone()
                .or(approved.access_token.clone()),
            approved.refresh_token.clone(),
            approved.org_id.clone(),
            approved.workspace_id.clone(),
        )?;
        let who = json!({
            "account": { "email": approved.email },
            "principal": { "address": approved.address },
        });
        report(ctx, target, Some(&who))
    })
}

/// Polls every `interval` seconds until the grant is approved (transient failures are
/// waited out), expired, or used elsewhere.
async fn wait(
    ctx: &Ctx,
    client: &Client,
    grant_id: &str,
    interval: u64,
    expires_in: u64,
) -> CliResult<CliGrantStatus> {
    let deadline = Instant::now() + Duration::from_secs(expires_in.max(1));
    let _spinner = ctx.out.spinner("waiting for the approval in the browser…");
    loop {
        tokio::time::sleep(Duration::from_secs(interval.clamp(1, 30))).await;
        if Instant::now() > deadline {
            return Err(start_again(
                "the sign-in request expired before it was approved",
            ));
        }
        match client.poll_cli_grant(grant_id).await {
            Ok(status) if status.state == "approved" => return Ok(status),
            Ok(_) => {}
            Err(ClientError::Rejected { status: 410, .. }) => {
                return Err(start_again(
                    "the sign-in request expired before it was approved",
                ));
            }
            Err(ClientError::Rejected { status: 409, .. }) => {
                return Err(start_again(
                    "this sign-in was already collected by another command",
                ));
            }
            Err(
                ClientError::Unreachable { .. }
                | ClientError::Timeout { .. }
                | ClientError::Server { .. }
                | ClientError::RateLimited { .. },
            ) => {}
            Err(e) => return Err(from_client(e)),
        }
    }
}
