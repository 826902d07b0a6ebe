//! `axme quota show`: the workspace's limits and what it uses of them
//! (`GET /v1/portal/enterprise/overview`), as the public CLI shows them: one row per
//! dimension, used, limit and the share used, then the policy.

use clap::Subcommand;

use super::error::CliResult;
use super::global::Ctx;
use super::output::Style;
use super::remote::{Remote, from_client, run_interruptible};
use super::table::Col;
use crate::protocol::overview::{DIMENSIONS, OverviewResponse, is_bytes};

#[derive(Debug, Subcommand)]
pub enum QuotaCommand {
    /// The workspace's limits and usage (`-o json`: the gateway's answer as it is).
    Show,
}

pub fn run(ctx: &Ctx, command: QuotaCommand) -> CliResult {
    let QuotaCommand::Show = command;
    let remote = Remote::connect(ctx, false)?;
    let org = remote.context.org_id.as_ref().map(|s| s.value.clone());
    let ws = remote
        .context
        .workspace_id
        .as_ref()
        .map(|s| s.value.clone());
    run_interruptible(async move {
        let answer = remote
            .client
            .overview(org.as_deref(), ws.as_deref())
            .await
            .map_err(from_client)?;
        show(ctx, &answer)
    })
}

/// `1.5 MB`: 1024-based, one decimal; small counts in bytes.
fn bytes(n: u64) -> String {
    const UNITS: [(&str, f64); 3] = [
        ("GB", 1024.0 * 1024.0 * 1024.0),
        ("MB", 1024.0 * 1024.0),
        ("KB", 1024.0),
    ];
    let x = crate::num::f64_from_u64(n);
    UNITS.iter().find(|(_, size)| x >= *size).map_or_else(
        || format!("{n} B"),
        |(unit, size)| format!("{:.1} {unit}", x / size),
    )
}

fn amount(key: &str, n: u64) -> String {
    if is_bytes(key) && n > 0 {
        bytes(n)
    } else {
        n.to_string()
    }
}

fn show(ctx: &Ctx, answer: &OverviewResponse) -> CliResult {
    if ctx.out.is_machine() {
        return ctx.out.json(answer);
    }
    let policy = &answer.overview.quota_policy;
    let usage = &answer.overview.usage_summary.dimensions;
    if policy.dimensions.is_empty() {
        ctx.out.line("No quota policy found for this workspace.")?;
        return Ok(());
    }
    let known = DIMENSIONS
        .iter()
        .filter(|(key, _)| policy.dimensions.contains_key(*key))
        .map(|(key, label)| (key.to_string(), label.to_string()));
    let unknown = policy
        .dimensions
        .keys()
        .filter(|k| !DIMENSIONS.iter().any(|(key, _)| key == k))
        .map(|k| (k.clone(), k.replace('_', " ")));
    let rows = known
        .chain(unknown)
        .map(|(key, label)| {
            let limit = policy.dimensions.get(&key).copied().unwrap_or(0);
            let used = usage.get(&key).map_or(0, |u| u.used);
            // No limit (0): no share.
            let share = match used.saturating_mul(100).checked_div(limit) {
                None => "-".to_string(),
                Some(pct) if pct >= 90 => ctx.out.paint(&format!("{pct}% ⚠"), Style::Red),
                Some(pct) if pct >= 70 => ctx.out.paint(&format!("{pct}% !"), Style::Yellow),
                Some(pct) => format!("{pct}%"),
            };
            vec![
                label,
                amount(&key, used),
                if limit == 0 {
                    "none".into()
                } else {
                    amount(&key, limit)
                },
                share,
            ]
        })
        .collect();
    ctx.out.table_cols(
        &[
            Col::new("DIMENSION"),
            Col::new("USED"),
            Col::new("LIMIT"),
            Col::new("USAGE%"),
        ],
        rows,
    )?;
    let tier = match policy.tier.as_str() {
        "email_verified" => "Starter".to_string(),
        "corporate" => "Business".to_string(),
        "self_hosted" => "self-hosted".to_string(),
        other => other.to_string(),
    };
    ctx.out.line(format!(
        "\nTier: {tier}\noverage_mode={}  hard_enforcement={}",
        policy.overage_mode, policy.hard_enforcement
    ))?;
    if policy.tier == "self_hosted" {
        ctx.out.notice(
            "These are the gateway's own settings (`axme server --help`: --rate-limit, \
             --max-streams, …); \"none\" means it sets no such limit.",
        );
    }
    Ok(())
}
