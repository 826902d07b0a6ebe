//! Human tasks: `GET /v1/me/tasks` (spec §8.3) lists the caller's workspace's intents
//! waiting for a human. The inbox is `inbox.rs`.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::AppState;
use super::error::ApiResult;
use super::extract::{Params, json_of};
use super::owner;
use crate::protocol::access::Scope;
use crate::protocol::task::{MyTask, TasksResponse};
use crate::protocol::{AgentRef, Intent, Status, WaitingReason};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::{ListQuery, Party};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/me/tasks", get(my_tasks))
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
            ..ListQuery::default()
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
