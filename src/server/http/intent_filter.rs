//! The filters of `GET /v1/intents` and `GET /v1/intents/counts`, read from the query string
//! the same way for both, and applied by the store (so a page holds only matching intents):
//!
//! - `status`: comma-separated statuses (the list only; counts are per status anyway);
//! - `to_agent`: the receiver, a full `agent://` address or a bare name in the caller's
//!   workspace;
//! - `intent_type`: the whole type, or its beginning when it ends in `*`
//!   (`intent.release.*`);
//! - `text`: a piece of the intent's JSON (ids, type, addresses, payload, result, error),
//!   ASCII letters matched without regard to case.

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::Params;
use super::intents::{parse_statuses, resolve_address};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::{ListQuery, TypeFilter};

/// The longest `intent_type` or `text` filter accepted.
pub const MAX_FILTER_CHARS: u64 = 200;

/// A text filter: trimmed, empty meaning none, at most [`MAX_FILTER_CHARS`] characters and
/// no control characters (PostgreSQL refuses NUL in text).
fn text_filter<'a>(params: &'a Params, name: &str) -> ApiResult<Option<&'a str>> {
    let Some(raw) = params.get(name).map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if raw.chars().count() as u64 > MAX_FILTER_CHARS {
        return Err(ApiError::invalid_field(
            name,
            format!("at most {MAX_FILTER_CHARS} characters"),
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            name,
            "must not contain control characters",
        ));
    }
    Ok(Some(raw))
}

/// The caller's list query with the filters of `params` (no cursor, no limit yet).
pub fn from_params(app: &AppState, caller: &Caller, params: &Params) -> ApiResult<ListQuery> {
    let statuses = params
        .get("status")
        .map(parse_statuses)
        .transpose()?
        .unwrap_or_default();
    let to_agent = text_filter(params, "to_agent")?.map(|raw| resolve_address(app, caller, raw).0);
    let intent_type = text_filter(params, "intent_type")?.map(TypeFilter::parse);
    let text = text_filter(params, "text")?.map(str::to_string);
    Ok(ListQuery {
        workspace_id: caller.workspace_id.clone(),
        party: access::list_filter(caller),
        statuses,
        to_agent,
        intent_type,
        text,
        before: None,
        limit: 0,
    })
}
