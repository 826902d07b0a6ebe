//! `axme intents cleanup`: cancel the zombie intents — live ones older than `--older-than`
//! hours — through `POST /v1/intents/bulk-cancel`. A dry run unless `--dry-run=false`.

use clap::{ArgAction, Args};
use serde_json::Value;

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::from_client;
use crate::client::{Client, ClientError};
use crate::protocol::bulk::BulkCancelRequest;

/// The statuses `--status` names by default, as typed.
const DEFAULT_STATUSES: &str = "DELIVERED,WAITING,IN_PROGRESS,SUBMITTED,ACKNOWLEDGED";

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Only intents created more than this many hours ago
    #[arg(long, value_name = "HOURS", default_value_t = 24.0)]
    pub older_than: f64,
    /// Only list what would be canceled; cancel with --dry-run=false
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub dry_run: bool,
    /// Why, recorded on every canceled intent
    #[arg(long, value_name = "TEXT", default_value = "zombie cleanup via CLI")]
    pub reason: String,
    /// At most this many intents, oldest first
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub limit: u64,
    /// Only intents in these statuses (comma-separated)
    #[arg(long, value_name = "STATUSES", default_value = DEFAULT_STATUSES)]
    pub status: String,
}

pub async fn run(ctx: &Ctx, client: &Client, args: CleanupArgs) -> CliResult {
    let statuses: Vec<String> = args
        .status
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let request = BulkCancelRequest {
        older_than_hours: Some(args.older_than),
        dry_run: Some(args.dry_run),
        reason: Some(args.reason.clone()),
        limit: Some(args.limit),
        status_filter: Some(statuses),
    };
    let answer = client.bulk_cancel(&request).await.map_err(|e| match e {
        ClientError::Rejected { message, .. }
        | ClientError::Server { message, .. }
        | ClientError::NotFound { message } => {
            CliError::failure(format!("cleanup failed: {message}"))
        }
        other => from_client(other),
    })?;
    if ctx.out.is_machine() {
        return ctx.out.json(&answer);
    }
    let count = |field: &str| answer.get(field).and_then(Value::as_u64).unwrap_or(0);
    if !args.dry_run {
        return ctx.out.line(format!(
            "Canceled {} zombie intents (reason: {})",
            count("canceled"),
            args.reason
        ));
    }
    let would = count("would_cancel");
    ctx.out.line(format!(
        "Dry run: {would} intents would be canceled (statuses: {})",
        args.status
    ))?;
    for id in answer
        .get("intent_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        ctx.out.line(format!("  {id}"))?;
    }
    if would > 0 {
        ctx.out.line("")?;
        ctx.out.line("Run with --dry-run=false to execute.")?;
    }
    Ok(())
}
