//! Human tasks and the inbox: `GET /v1/me/tasks` (spec §8.3) lists the caller's workspace's
//! intents waiting for a human; `GET /v1/inbox[/{thread_id}]` (§7.5, §9.1) shows completion
//! threads written for `reply_to`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of, json_ok};
use super::owner;
use crate::protocol::access::Scope;
use crate::protocol::task::{MyTask, TasksResponse};
use crate::protocol::{AgentRef, Intent, Status, WaitingReason};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::{ListQuery, Party};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/tasks", get(my_tasks))
        .route("/v1/inbox", get(inbox))
        .route("/v1/inbox/{thread_id}", get(thread))
}

/// The human tasks the caller sees: on intents it sent or that are addressed to it (an
/// admin: its workspace's). With an owner scope (§4.3), those of that owner.
async fn my_tasks(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Tasks)?;
    let party = match owner::named(&caller, &params, &headers)? {
        None => access::list_filter(&caller),
        Some(_) => {
            let address = owner::scope(&caller, &params, &headers)?;
            let sa_id = AgentRef::parse(&address)
                .and_then(|r| match r {
                    AgentRef::Full(a) => app.directory.account_named(&caller.workspace_id, &a.name),
                    AgentRef::Bare(name) => {
                        app.directory.account_named(&caller.workspace_id, &name)
                    }
                })
                .map(|a| a.sa_id)
                .unwrap_or_default();
            Some(Party { sa_id, address })
        }
    };
    let statuses = params
        .get("status")
        .map(super::intents::parse_statuses)
        .transpose()?
        .unwrap_or_default();
    if statuses.iter().any(|s| *s != Status::Waiting) {
        return Ok(json_of(&TasksResponse {
            ok: true,
            tasks: Vec::new(),
        }));
    }
    let page = app
        .store
        .list_intents(ListQuery {
            workspace_id: caller.workspace_id.clone(),
            party,
            statuses: vec![Status::Waiting],
            to_agent: None,
            before: None,
            limit: 500,
        })
        .await?;
    let tasks: Vec<MyTask> = page
        .rows
        .iter()
        .filter_map(|(_, json)| serde_json::from_str::<Intent>(json).ok())
        .filter(|i| i.waiting_reason == Some(WaitingReason::WaitingForHuman))
        .filter_map(|i| {
            let task = i.human_task?;
            Some(MyTask {
                allowed_outcomes: task.allowed_outcomes.clone(),
                assigned_at: i.updated_at,
                due_at: i.due_at,
                from_agent: i.from_agent,
                intent_id: i.intent_id,
                intent_type: i.intent_type,
                pending_with: i.pending_with,
                status: i.status,
                step_id: task.step_id.clone(),
                task_type: task.task_type.clone(),
                title: task.title.clone(),
                waiting_reason: i.waiting_reason,
                human_task: task,
            })
        })
        .collect();
    Ok(json_of(&TasksResponse { ok: true, tasks }))
}

async fn inbox(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let status = params.get("status").map(str::to_string);
    let threads = app.store.inbox_threads(owner).await?;
    let threads: Vec<&String> = threads
        .iter()
        .filter(|t| match &status {
            None => true,
            Some(s) => serde_json::from_str::<Value>(t).is_ok_and(|v| v["status"] == json!(s)),
        })
        .collect();
    let list = threads
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    Ok(json_ok(format!(
        "{{\"ok\":true,\"threads\":[{list}],\"items\":[{list}]}}"
    )))
}

async fn thread(
    State(app): State<AppState>,
    caller: Caller,
    Path(thread_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let not_found =
        || ApiError::not_found("thread_not_found", format!("no inbox thread {thread_id}"));
    let (stored_owner, body) = app
        .store
        .inbox_thread(thread_id.clone())
        .await?
        .ok_or_else(not_found)?;
    // An owner named and not the thread's, or one the caller may not act for: as if the
    // thread did not exist (spec §9.1).
    let named = owner::named(&caller, &params, &headers)?;
    let allowed = named.as_ref().is_none_or(|o| *o == stored_owner)
        && owner::may_act_for(&caller, &stored_owner);
    if !allowed {
        return Err(not_found());
    }
    Ok(json_ok(format!("{{\"ok\":true,\"thread\":{body}}}")))
}
