//! `GET /v1/portal/enterprise/overview?org_id=&workspace_id=` (the public API's quota
//! overview, read by `axme quota show`): the gateway's real limits and what the workspace
//! uses of them. Limits come from the server's settings (`axme server --help`), usage from
//! the store (intents created since UTC midnight), the directory (accounts) and the
//! process (open streams, on this node). A dimension the gateway does not bound has limit
//! 0. Any key or session reads its own workspace's; naming another is 403
//! `outside_membership_scope`, like the workspace selection.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use super::portal::membership;
use super::sessions::{Who, who};
use crate::protocol::Timestamp;
use crate::protocol::access::Role;
use crate::protocol::intent::MAX_PAYLOAD_BYTES;
use crate::protocol::overview::{
    ACTORS_TOTAL, INTENTS_PER_DAY, Overview, OverviewResponse, PAYLOAD_MAX_BYTES, QuotaPolicy,
    RATE_LIMIT_PER_MINUTE, SERVICE_ACCOUNTS, SSE_STREAMS_MAX, Usage, UsageSummary,
};
use crate::server::limits::{Class, Scope};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/portal/enterprise/overview", get(overview))
}

/// Requests a key may make per minute: its write rate, the tighter of the two buckets
/// every write is charged (0 when neither limits it).
fn writes_per_minute(app: &AppState) -> u64 {
    let rates = &app.settings.limits.rates;
    [Scope::Key, Scope::Ip]
        .into_iter()
        .filter_map(|scope| rates.get(scope, Class::Write))
        .map(|rate| {
            let per_second = f64::from(rate.count) / rate.per.as_secs_f64().max(1e-3);
            crate::num::u64_from_f64((per_second * 60.0).floor())
        })
        .min()
        .unwrap_or(0)
}

/// Today's UTC midnight in the wire form.
fn midnight(now: &Timestamp) -> String {
    let ms = now.unix_ms();
    let day_ms = ms - ms.rem_euclid(86_400_000);
    Timestamp::from_unix_ms(day_ms)
        .map(|t| t.to_string())
        .unwrap_or_else(|| now.to_string())
}

async fn overview(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let Who { account, .. } = who(&app, &headers).await?;
    let (org, ws) = membership(&app, &account);
    for (name, id, slug) in [
        ("org_id", &org.org_id, &org.name),
        ("workspace_id", &ws.workspace_id, &ws.name),
    ] {
        if let Some(given) = params.get(name).map(str::trim).filter(|g| !g.is_empty())
            && given != id
            && !given.eq_ignore_ascii_case(slug)
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "outside_membership_scope",
                "policy",
                format!(
                    "{name} {given} is outside actor membership scope: these credentials see \
                     workspace {} of organization {} only",
                    ws.name, org.name
                ),
            ));
        }
    }
    let now = app.now();
    let since = midnight(&now);
    let created = app
        .store
        .intents_created_since(ws.workspace_id.clone(), since.clone())
        .await?;
    let accounts: Vec<_> = app
        .directory
        .accounts_in(&ws.workspace_id)
        .into_iter()
        .filter(|a| a.status == "active")
        .collect();
    let people = accounts.iter().filter(|a| a.role != Role::Agent).count();
    let agents = accounts.len() - people;
    let open_streams = app.metrics.open_streams.load(Ordering::Relaxed).max(0);
    let rows: [(&str, u64, u64); 6] = [
        (INTENTS_PER_DAY, created, 0),
        (RATE_LIMIT_PER_MINUTE, 0, writes_per_minute(&app)),
        (
            PAYLOAD_MAX_BYTES,
            0,
            crate::num::u64_from_usize(MAX_PAYLOAD_BYTES),
        ),
        (ACTORS_TOTAL, crate::num::u64_from_usize(people), 0),
        (SERVICE_ACCOUNTS, crate::num::u64_from_usize(agents), 0),
        (
            SSE_STREAMS_MAX,
            open_streams.unsigned_abs(),
            crate::num::u64_from_usize(app.settings.limits.max_streams),
        ),
    ];
    let limits: BTreeMap<String, u64> = rows.iter().map(|(k, _, l)| (k.to_string(), *l)).collect();
    let usage = rows
        .iter()
        .map(|(k, used, limit)| {
            (
                k.to_string(),
                Usage {
                    used: *used,
                    limit: *limit,
                },
            )
        })
        .collect();
    Ok(json_of(&OverviewResponse {
        ok: true,
        org_id: org.org_id.clone(),
        workspace_id: ws.workspace_id.clone(),
        overview: Overview {
            quota_policy: QuotaPolicy {
                tier: "self_hosted".into(),
                overage_mode: "reject".into(),
                hard_enforcement: true,
                dimensions: limits,
            },
            usage_summary: UsageSummary {
                window_start: since,
                dimensions: usage,
            },
        },
    }))
}
