//! `POST /v1/intents/bulk-cancel` (spec §3.12, the CLI's `axme intents cleanup`): the live
//! intents created more than `older_than_hours` ago in the given statuses, oldest first, at
//! most `limit` — reported (a dry run, the default) or canceled.
//!
//! The caller cancels what it could cancel one by one (`access::may_change`): an admin the
//! intents its workspace sees, anyone else those it sent or that are addressed to it. The
//! candidates come from the store's index of live intents by age; each is then canceled by
//! the same decision as `POST /v1/intents/{id}/cancel` (`lifecycle::resolve`), in writer
//! jobs of [`CHUNK`] intents, so every cancel is a real transition: its `intent.canceled`
//! event, the reactor (timers cleared, a workflow parent told, a `reply_to` thread and its
//! webhooks) and, after the commit, the watchers woken. An intent that changed since it was
//! read (ended, moved to another status) is left alone and not counted.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::typed::{RequestBody, Typed, at_most};
use crate::protocol::access::Scope;
use crate::protocol::bulk::{
    BulkCancelRequest, BulkCancelResponse, DEFAULT_LIMIT, DEFAULT_OLDER_THAN_HOURS,
    DEFAULT_STATUSES, MAX_LIMIT,
};
use crate::protocol::{Status, Timestamp};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::engine::lifecycle::{self, ResolveInput};
use crate::server::store::{Decide, Decision, StaleQuery};

/// Intents canceled per writer job: the writer serves other requests between jobs.
const CHUNK: usize = 100;
/// `older_than_hours` at most a hundred years.
const MAX_HOURS: f64 = 876_000.0;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/intents/bulk-cancel", post(bulk_cancel))
}

impl RequestBody for BulkCancelRequest {
    /// `status_filter` may be one comma-separated string, as the CLI's `--status` is.
    fn prepare(mut raw: Value) -> Value {
        if let Some(filter) = raw.get_mut("status_filter")
            && let Value::String(list) = filter
        {
            let names = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect();
            *filter = Value::Array(names);
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        if let Some(hours) = self.older_than_hours
            && !(0.0..=MAX_HOURS).contains(&hours)
        {
            return Err(ApiError::invalid_field(
                "older_than_hours",
                format!("must be a number of hours from 0 to {MAX_HOURS}"),
            ));
        }
        if let Some(limit) = self.limit
            && !(1..=MAX_LIMIT).contains(&limit)
        {
            return Err(ApiError::invalid_field(
                "limit",
                format!("must be an integer from 1 to {MAX_LIMIT}"),
            ));
        }
        at_most("reason", self.reason.as_deref(), 1000)?;
        statuses(self.status_filter.as_deref())?;
        Ok(self)
    }
}

/// The statuses of `status_filter` (none or empty: the defaults); a terminal one cannot be
/// canceled and is refused, as is a name that is no status.
fn statuses(filter: Option<&[String]>) -> ApiResult<Vec<Status>> {
    let Some(names) = filter.filter(|names| !names.is_empty()) else {
        return Ok(DEFAULT_STATUSES.to_vec());
    };
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let field = format!("status_filter[{i}]");
        let status: Status = name
            .parse()
            .map_err(|e| ApiError::invalid_field(&field, e))?;
        if status.is_terminal() {
            return Err(ApiError::invalid_field(
                &field,
                format!("{status} is terminal: only live intents can be canceled"),
            ));
        }
        if !out.contains(&status) {
            out.push(status);
        }
    }
    Ok(out)
}

pub(super) async fn bulk_cancel(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<BulkCancelRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsWrite)?;
    let (request, _) = body.decoded()?;
    let statuses = statuses(request.status_filter.as_deref())?;
    let hours = request.older_than_hours.unwrap_or(DEFAULT_OLDER_THAN_HOURS);
    let now = app.engine.now();
    // Whole milliseconds: the wire form of `created_at` has no finer ones.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "at most 876000 h, far inside i64 milliseconds"
    )]
    let age_ms = (hours * 3_600_000.0).round() as i64;
    let created_before = Timestamp::from_unix_ms(now.unix_ms().saturating_sub(age_ms))
        .ok_or_else(|| ApiError::invalid_field("older_than_hours", "reaches before year 0"))?;
    let limit = request.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let query = StaleQuery {
        workspace_id: caller.workspace_id.clone(),
        party: access::list_filter(&caller),
        statuses: statuses.clone(),
        created_before: created_before.to_string(),
        limit: u32::try_from(limit).unwrap_or(u32::MAX),
    };
    let found = app.store.stale_intents(query).await?;
    if request.dry_run.unwrap_or(true) {
        return Ok(json_of(&BulkCancelResponse {
            ok: true,
            dry_run: true,
            would_cancel: Some(found.len() as u64),
            canceled: None,
            intent_ids: found,
        }));
    }
    let reason = request
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "bulk cancel".to_string());
    let mut canceled = Vec::with_capacity(found.len());
    for chunk in found.chunks(CHUNK) {
        let (chunk, caller, reason, statuses) = (
            chunk.to_vec(),
            caller.clone(),
            reason.clone(),
            statuses.clone(),
        );
        let now = app.engine.now();
        let done: Vec<String> = app
            .store
            .run(move |tx| {
                let mut done = Vec::with_capacity(chunk.len());
                for id in chunk {
                    let decide = cancel_one(&caller, &statuses, &reason, now);
                    if !tx.transition(&id, decide)?.events.is_empty() {
                        done.push(id);
                    }
                }
                Ok(done)
            })
            .await?;
        canceled.extend(done);
    }
    tracing::info!(
        caller = caller.address,
        canceled = canceled.len(),
        hours,
        "bulk cancel"
    );
    Ok(json_of(&BulkCancelResponse {
        ok: true,
        dry_run: false,
        would_cancel: None,
        canceled: Some(canceled.len() as u64),
        intent_ids: canceled,
    }))
}

/// Cancels the intent as `POST /v1/intents/{id}/cancel` would, when it is still live, in
/// one of `statuses` and the caller's to change; otherwise changes nothing (no refusal:
/// one intent that moved on must not roll back the others of the job).
fn cancel_one(caller: &Caller, statuses: &[Status], reason: &str, now: Timestamp) -> Decide {
    let (caller, statuses, reason) = (caller.clone(), statuses.to_vec(), reason.to_string());
    Box::new(move |meta, intent| {
        if !statuses.contains(&intent.status)
            || !intent.status.can_transition_to(Status::Canceled)
            || access::may_change(&caller, meta, &intent.intent_id).is_err()
        {
            return Ok(Decision {
                intent,
                events: Vec::new(),
            });
        }
        let input = ResolveInput {
            status: Status::Canceled,
            actor: None,
            result: None,
            error: None,
            reason: Some(reason),
        };
        lifecycle::resolve(&caller, meta, intent, input, &now)
    })
}
