//! `axme webhooks …`: subscriptions that get events (inbox threads, replies, …) POSTed,
//! signed, to a URL of yours (spec §9.2).

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::{Remote, block_on, from_client};
use crate::client::Client;
use crate::protocol::webhook::{EVENT_TYPES, Subscription, UpsertSubscriptionRequest};

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List your webhook subscriptions.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Subscribe a URL to events (the same URL again updates its subscription).
    Add(AddArgs),
    /// Revoke a subscription.
    #[command(alias = "rm")]
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct OwnerArg {
    /// Whose subscriptions: an agent address or name (an admin may name any agent of its
    /// workspace); default: your own
    #[arg(long, value_name = "ADDRESS")]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also paused and revoked subscriptions
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub owner: OwnerArg,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Where events are POSTed (http:// or https://)
    pub url: String,
    /// Event types to send, repeated or comma-separated
    #[arg(long = "event", short = 'e', value_name = "TYPE", required = true,
          value_delimiter = ',', value_parser = EVENT_TYPES)]
    pub events: Vec<String>,
    /// The signing secret (16 to 128 characters); default: the gateway makes one and
    /// shows it once
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
    /// A note shown in the list
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Create it paused (nothing is sent until it is added again without this)
    #[arg(long)]
    pub paused: bool,
    #[command(flatten)]
    pub owner: OwnerArg,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Subscription id (a unique prefix will do)
    pub subscription_id: String,
    #[command(flatten)]
    pub owner: OwnerArg,
}

pub fn run(ctx: &Ctx, command: WebhooksCommand) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    let client = &remote.client;
    match command {
        WebhooksCommand::List(args) => list(ctx, client, &args),
        WebhooksCommand::Add(args) => add(ctx, client, args),
        WebhooksCommand::Remove(args) => remove(ctx, client, &args),
    }
}

fn status(s: &Subscription) -> &'static str {
    match (s.revoked_at.is_some(), s.active) {
        (true, _) => "revoked",
        (false, true) => "active",
        (false, false) => "paused",
    }
}

fn list(ctx: &Ctx, client: &Client, args: &ListArgs) -> CliResult {
    let subs = block_on(client.webhook_subscriptions(args.owner.owner.as_deref(), args.all))?
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json_list(&subs);
    }
    if subs.is_empty() {
        ctx.out
            .notice("no webhook subscriptions (add one with `axme webhooks add URL --event TYPE`)");
        return Ok(());
    }
    let ids: Vec<&str> = subs.iter().map(|s| s.subscription_id.as_str()).collect();
    let rows = subs
        .iter()
        .zip(ctx.out.short_ids(&ids))
        .map(|(s, id)| {
            vec![
                id,
                status(s).to_string(),
                s.event_types.join(","),
                s.secret_hint.clone().unwrap_or_default(),
                s.created_at.to_string(),
                s.callback_url.clone(),
            ]
        })
        .collect();
    ctx.out.table(
        &["ID", "STATUS", "EVENTS", "SECRET", "CREATED", "URL"],
        rows,
    )
}

fn add(ctx: &Ctx, client: &Client, args: AddArgs) -> CliResult {
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        return Err(CliError::usage(format!(
            "'{}' is not an http:// or https:// URL",
            args.url
        )));
    }
    let request = UpsertSubscriptionRequest {
        callback_url: args.url,
        event_types: args.events,
        secret: args.secret,
        active: Some(!args.paused),
        description: args.description,
    };
    // One key per command run: the client's own retries never subscribe twice.
    let key = format!("axme-cli-webhook-{}", uuid::Uuid::new_v4());
    let made = block_on(client.add_webhook(&request, args.owner.owner.as_deref(), &key))?
        .map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&made);
    }
    let s = &made.subscription;
    ctx.out.line(format!(
        "{}  {} → {} ({})",
        s.subscription_id,
        status(s),
        s.callback_url,
        s.event_types.join(", ")
    ))?;
    if let Some(secret) = &made.secret {
        ctx.out.line(format!(
            "signing secret (shown once; verify X-Axme-Signature with it): {secret}"
        ))?;
    }
    Ok(())
}

fn remove(ctx: &Ctx, client: &Client, args: &RemoveArgs) -> CliResult {
    let owner = args.owner.owner.as_deref();
    let wanted = args.subscription_id.trim();
    let id = if uuid::Uuid::parse_str(wanted).is_ok() {
        wanted.to_string()
    } else {
        let subs = block_on(client.webhook_subscriptions(owner, false))?.map_err(from_client)?;
        let found: Vec<&Subscription> = subs
            .iter()
            .filter(|s| !wanted.is_empty() && s.subscription_id.starts_with(wanted))
            .collect();
        match found.as_slice() {
            [one] => one.subscription_id.clone(),
            [] => {
                return Err(CliError::usage(format!(
                    "no live subscription starts with '{wanted}'"
                ))
                .with_hint("see them with `axme webhooks list`"));
            }
            _ => {
                return Err(CliError::usage(format!(
                    "'{wanted}' is the start of {} subscriptions; give more of the id",
                    found.len()
                )));
            }
        }
    };
    let revoked = block_on(client.remove_webhook(&id, owner))?.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&revoked);
    }
    ctx.out.line(format!(
        "{}  revoked at {}",
        revoked.subscription_id, revoked.revoked_at
    ))
}
