//! Workflow execution (spec §6.4): a scenario's parent intent walks its steps.
//!
//! The state (steps, bindings, current step, retries used, results) is a JSON row per
//! parent, read and written only inside the writer's transaction. Agent steps become step
//! intents; human steps make the parent wait for a `task_result`; delays are timers.
//! Decisions:
//! - success → `on_success`, else the next step in array order; after the last, the
//!   parent COMPLETES with the last result plus `step_results`;
//! - failure → `retry` (a new step intent after `retry_delay_seconds`), then `on_failure`,
//!   else the parent ends: TIMED_OUT for a deadline, FAILED (`intent.delivery_failed`)
//!   when nobody received the step, FAILED otherwise — a human rejection included
//!   (`error.code = "human_rejected"`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::lifecycle::{self, blank_event, push};
use super::reactor::{Engine, ORCHESTRATOR, now_ms, timer};
use crate::protocol::event::kind;
use crate::protocol::scenario::{StepKind, StepSpec};
use crate::protocol::{Intent, PendingWith, Status, WaitingReason};
use crate::server::error::{ApiError, ApiResult};
use crate::server::store::{Decision, IntentMeta, NewIntent, TimerRow, Tx};

/// Where an agent role's step intents go.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    pub address: String,
    pub to_workspace_id: Option<String>,
    /// `delivery_mode: internal`: completed by the runtime with this result.
    pub internal: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkflowState {
    pub compile_id: String,
    pub parent_intent_id: String,
    pub steps: Vec<StepSpec>,
    pub bindings: std::collections::HashMap<String, Binding>,
    pub meta_workspace_id: String,
    pub sender_sa_id: String,
    pub from_agent: String,
    pub correlation_id: String,
    pub intent_type: String,
    pub payload: Value,
    pub max_delivery_attempts: Option<u32>,
    pub remind_after_seconds: Option<u64>,
    pub remind_interval_seconds: Option<u64>,
    pub max_reminders: Option<u32>,
    pub escalate_to: Option<String>,
    pub current: Option<usize>,
    pub attempt: u32,
    pub step_intent: Option<String>,
    pub results: Map<String, Value>,
}

enum Failure {
    Timeout,
    Delivery(u32),
    Error(Value),
    Rejected(Value),
}

fn load(tx: &mut dyn Tx, parent: &str) -> ApiResult<Option<WorkflowState>> {
    match tx.workflow(parent)? {
        None => Ok(None),
        Some(body) => serde_json::from_str(&body)
            .map(Some)
            .map_err(|e| ApiError::internal(format!("stored workflow is unreadable: {e}"))),
    }
}

fn save(tx: &mut dyn Tx, state: &WorkflowState) -> ApiResult<()> {
    let body = serde_json::to_string(state).map_err(|e| ApiError::internal(e.to_string()))?;
    tx.put_workflow(&state.parent_intent_id, &body)
}

fn parent_live(tx: &mut dyn Tx, parent: &str) -> ApiResult<bool> {
    Ok(tx
        .intent(parent)?
        .is_some_and(|(_, i)| !i.status.is_terminal()))
}

/// Starts a new workflow at `entry` (the parent was created in this transaction).
pub fn start(
    engine: &Engine,
    tx: &mut dyn Tx,
    mut state: WorkflowState,
    entry: usize,
) -> ApiResult<()> {
    enter(engine, tx, &mut state, entry)?;
    save(tx, &state)
}

/// Moves the parent to WAITING with a new holder (through IN_PROGRESS when it already
/// waits, since WAITING → WAITING is no transition).
fn wait_parent(
    tx: &mut dyn Tx,
    parent: &str,
    event_kind: &'static str,
    reason: WaitingReason,
    pending: PendingWith,
    human_task: Option<Value>,
    step_id: String,
) -> ApiResult<()> {
    let now = crate::protocol::now();
    tx.transition(
        parent,
        Box::new(move |_, mut intent| {
            let mut events = Vec::new();
            if intent.status.is_terminal() {
                return Ok(Decision { intent, events });
            }
            if intent.status == Status::Waiting {
                let mut e = blank_event(&intent, kind::IN_PROGRESS, Status::InProgress, &now);
                e.actor = Some(ORCHESTRATOR.into());
                push(&mut intent, &mut events, e);
            }
            intent.human_task = human_task.clone();
            let mut e = blank_event(&intent, event_kind, Status::Waiting, &now);
            e.actor = Some(ORCHESTRATOR.into());
            e.waiting_reason = Some(reason);
            e.pending_with = Some(pending);
            e.human_task = human_task;
            e.details = json!({ "step_id": step_id });
            push(&mut intent, &mut events, e);
            Ok(Decision { intent, events })
        }),
    )?;
    Ok(())
}

fn end_parent(
    tx: &mut dyn Tx,
    parent: &str,
    status: Status,
    event_kind: &'static str,
    body: Value,
    details: Value,
) -> ApiResult<()> {
    let now = crate::protocol::now();
    tx.transition(
        parent,
        Box::new(move |_, mut intent| {
            let mut events = Vec::new();
            if intent.status.is_terminal() {
                return Ok(Decision { intent, events });
            }
            let mut e = blank_event(&intent, event_kind, status, &now);
            e.actor = Some(ORCHESTRATOR.into());
            if status == Status::Completed {
                e.result = Some(body);
            } else {
                e.error = Some(body);
            }
            if let Some(attempt) = details.get("delivery_attempt").and_then(Value::as_u64) {
                intent.delivery_attempt = Some(attempt as u32);
            }
            e.details = details;
            push(&mut intent, &mut events, e);
            Ok(Decision { intent, events })
        }),
    )?;
    Ok(())
}

fn default_task(step: &StepSpec) -> Value {
    let mut task = step
        .human_task
        .clone()
        .and_then(|t| t.as_object().cloned())
        .unwrap_or_default();
    task.entry("title")
        .or_insert_with(|| Value::String(format!("Approve step {}", step.step_id)));
    task.entry("task_type").or_insert_with(|| json!("approval"));
    task.entry("allowed_outcomes")
        .or_insert_with(|| json!(["approved", "rejected"]));
    task.insert("step_id".into(), Value::String(step.step_id.clone()));
    Value::Object(task)
}

fn enter(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &mut WorkflowState,
    index: usize,
) -> ApiResult<()> {
    let Some(step) = state.steps.get(index).cloned() else {
        return finish(tx, state);
    };
    state.current = Some(index);
    state.step_intent = None;
    let parent = state.parent_intent_id.clone();
    match &step.kind {
        StepKind::Agent { role } => {
            let binding = state.bindings.get(role).cloned();
            match binding {
                Some(Binding {
                    internal: Some(outcome),
                    ..
                }) => succeed(engine, tx, state, index, outcome),
                Some(b) => dispatch(engine, tx, state, &step, b),
                None => fail(
                    engine,
                    tx,
                    state,
                    index,
                    Failure::Error(
                        json!({"code": "unknown_role", "message": format!("no agent for role {role}")}),
                    ),
                ),
            }
        }
        StepKind::Address { address } => {
            let b = Binding {
                address: address.clone(),
                to_workspace_id: None,
                internal: None,
            };
            dispatch(engine, tx, state, &step, b)
        }
        StepKind::Human => {
            let task = default_task(&step);
            let pending = PendingWith {
                kind: "human".into(),
                reference: state.from_agent.clone(),
                name: task
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            };
            wait_parent(
                tx,
                &parent,
                kind::HUMAN_TASK_ASSIGNED,
                WaitingReason::WaitingForHuman,
                pending,
                Some(task),
                step.step_id.clone(),
            )?;
            if let Some(seconds) = step.step_deadline_seconds {
                tx.set_timer(TimerRow {
                    intent_id: parent.clone(),
                    kind: timer::STEP_DEADLINE.into(),
                    due_ms: now_ms() + engine.scaled_ms(seconds),
                    data: json!({"step": index}),
                })?;
            }
            if let Some(after) = step.remind_after_seconds.or(state.remind_after_seconds) {
                tx.set_timer(TimerRow {
                    intent_id: parent,
                    kind: timer::REMINDER.into(),
                    due_ms: now_ms() + engine.scaled_ms(after),
                    data: json!({"step": index, "count": 0}),
                })?;
            }
            Ok(())
        }
        StepKind::Delay { seconds, .. } => {
            let pending = PendingWith {
                kind: "internal".into(),
                reference: ORCHESTRATOR.into(),
                name: Some("agent_core".into()),
            };
            wait_parent(
                tx,
                &parent,
                kind::WAITING,
                WaitingReason::WaitingForTime,
                pending,
                None,
                step.step_id.clone(),
            )?;
            tx.set_timer(TimerRow {
                intent_id: parent,
                kind: timer::DELAY.into(),
                due_ms: now_ms() + engine.scaled_ms(*seconds),
                data: json!({"step": index}),
            })
        }
        StepKind::Instant { runtime_type } => {
            let result = json!({ "runtime_type": runtime_type, "config": step.config });
            succeed(engine, tx, state, index, result)
        }
    }
}

/// Creates the step intent for an agent step and makes the parent wait for it.
fn dispatch(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &mut WorkflowState,
    step: &StepSpec,
    b: Binding,
) -> ApiResult<()> {
    let now = crate::protocol::now();
    let mut payload = state.payload.as_object().cloned().unwrap_or_default();
    payload.insert("parent_payload".into(), state.payload.clone());
    payload.insert("parent_intent_id".into(), json!(state.parent_intent_id));
    payload.insert("step_id".into(), json!(step.step_id));
    payload.insert("tool_id".into(), json!(step.tool_id));
    payload.insert("input".into(), step.input.clone());
    payload.insert(
        "previous_results".into(),
        Value::Object(state.results.clone()),
    );
    let deadline_at = step.step_deadline_seconds.map(|s| {
        let at = chrono::Utc::now() + chrono::Duration::milliseconds(engine.scaled_ms(s));
        crate::protocol::timestamp(at)
    });
    let intent_id = uuid::Uuid::now_v7().to_string();
    let (mut intent, events) = lifecycle::create(lifecycle::CreateInput {
        intent_id: intent_id.clone(),
        request: crate::protocol::CreateIntentRequest {
            intent_type: state.intent_type.clone(),
            to_agent: b.address.clone(),
            payload: Value::Object(payload),
            deadline_at,
            max_delivery_attempts: state.max_delivery_attempts,
            ..Default::default()
        },
        from_agent: state.from_agent.clone(),
        to_agent: b.address.clone(),
        correlation_id: state.correlation_id.clone(),
        now: now.clone(),
    });
    intent.parent_intent_id = Some(state.parent_intent_id.clone());
    intent.step_id = Some(step.step_id.clone());
    let mut encoded = Vec::new();
    for e in &events {
        encoded.push((e.seq, encode(e)?));
    }
    let timers = engine.initial_timers(&intent);
    tx.create(NewIntent {
        meta: IntentMeta {
            workspace_id: state.meta_workspace_id.clone(),
            to_workspace_id: b.to_workspace_id.clone(),
            sender_sa_id: state.sender_sa_id.clone(),
        },
        intent_id: intent_id.clone(),
        to_agent: b.address.clone(),
        status: intent.status,
        created_at: now,
        intent_json: encode(&intent)?,
        events: encoded,
        idempotency: None,
        response_json: String::new(),
        timers,
    })?;
    state.step_intent = Some(intent_id);
    let pending = PendingWith {
        kind: "agent".into(),
        reference: b.address,
        name: Some(step.step_id.clone()),
    };
    wait_parent(
        tx,
        &state.parent_intent_id.clone(),
        kind::WAITING,
        WaitingReason::WaitingForAgent,
        pending,
        None,
        step.step_id.clone(),
    )
}

fn encode<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))
}

fn next_index(state: &WorkflowState, index: usize, target: &Option<String>) -> Option<usize> {
    match target {
        Some(id) => state.steps.iter().position(|s| &s.step_id == id),
        None => (index + 1 < state.steps.len()).then_some(index + 1),
    }
}

fn succeed(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &mut WorkflowState,
    index: usize,
    result: Value,
) -> ApiResult<()> {
    let step = &state.steps[index];
    state.results.insert(step.step_id.clone(), result);
    state.attempt = 0;
    match next_index(state, index, &step.on_success.clone()) {
        Some(next) => enter(engine, tx, state, next),
        None => finish(tx, state),
    }
}

fn finish(tx: &mut dyn Tx, state: &mut WorkflowState) -> ApiResult<()> {
    state.current = None;
    state.step_intent = None;
    let last = state
        .steps
        .iter()
        .rev()
        .find_map(|s| state.results.get(&s.step_id))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut result = last;
    result.insert("step_results".into(), Value::Object(state.results.clone()));
    end_parent(
        tx,
        &state.parent_intent_id.clone(),
        Status::Completed,
        kind::COMPLETED,
        Value::Object(result),
        json!({}),
    )
}

fn fail(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &mut WorkflowState,
    index: usize,
    failure: Failure,
) -> ApiResult<()> {
    let step = state.steps[index].clone();
    let agent_step = matches!(step.kind, StepKind::Agent { .. } | StepKind::Address { .. });
    if agent_step && !matches!(failure, Failure::Rejected(_)) && state.attempt < step.max_retries {
        state.attempt += 1;
        state.step_intent = None;
        return tx.set_timer(TimerRow {
            intent_id: state.parent_intent_id.clone(),
            kind: timer::RETRY.into(),
            due_ms: now_ms() + engine.scaled_ms(step.retry_delay_seconds),
            data: json!({ "step": index }),
        });
    }
    state.attempt = 0;
    if let Some(next) = step
        .on_failure
        .as_ref()
        .and_then(|id| state.steps.iter().position(|s| &s.step_id == id))
    {
        return enter(engine, tx, state, next);
    }
    state.current = None;
    let parent = state.parent_intent_id.clone();
    let step_id = step.step_id.clone();
    match failure {
        Failure::Timeout => end_parent(
            tx,
            &parent,
            Status::TimedOut,
            kind::TIMED_OUT,
            json!({"code": "step_timeout", "message": format!("step {step_id} passed its deadline"), "step_id": step_id}),
            json!({"step_id": step_id, "reason": "step_timeout"}),
        ),
        Failure::Delivery(attempt) => end_parent(
            tx,
            &parent,
            Status::Failed,
            kind::DELIVERY_FAILED,
            json!({"code": "delivery_failed", "message": format!("step {step_id} was not delivered after {attempt} attempts"), "step_id": step_id}),
            json!({"step_id": step_id, "delivery_attempt": attempt}),
        ),
        Failure::Error(error) => end_parent(
            tx,
            &parent,
            Status::Failed,
            kind::FAILED,
            json!({"code": "step_failed", "message": format!("step {step_id} failed"), "step_id": step_id, "error": error}),
            json!({"step_id": step_id}),
        ),
        Failure::Rejected(answer) => {
            let outcome = answer.get("outcome").cloned().unwrap_or(Value::Null);
            end_parent(
                tx,
                &parent,
                Status::Failed,
                kind::FAILED,
                json!({"code": "human_rejected", "message": format!("step {step_id} was answered {outcome}"), "step_id": step_id, "details": {"outcome": outcome}}),
                json!({"step_id": step_id, "outcome": outcome, "task_result": answer}),
            )
        }
    }
}

/// A step intent finished: advance its workflow (same transaction).
pub fn step_ended(engine: &Engine, tx: &mut dyn Tx, parent: &str, step: &Intent) -> ApiResult<()> {
    let Some(mut state) = load(tx, parent)? else {
        return Ok(());
    };
    if state.step_intent.as_deref() != Some(step.intent_id.as_str()) || !parent_live(tx, parent)? {
        return Ok(());
    }
    let Some(index) = state.current else {
        return Ok(());
    };
    state.step_intent = None;
    match step.status {
        Status::Completed => succeed(
            engine,
            tx,
            &mut state,
            index,
            step.result.clone().unwrap_or(json!({})),
        )?,
        Status::TimedOut => fail(engine, tx, &mut state, index, Failure::Timeout)?,
        _ if step.delivery_attempt.is_some_and(|a| a > 0)
            && step
                .error
                .as_ref()
                .and_then(|e| e.get("code"))
                .and_then(Value::as_str)
                == Some("delivery_failed") =>
        {
            let attempt = step.delivery_attempt.unwrap_or(0);
            fail(engine, tx, &mut state, index, Failure::Delivery(attempt))?
        }
        _ => fail(
            engine,
            tx,
            &mut state,
            index,
            Failure::Error(step.error.clone().unwrap_or(json!({"status": step.status}))),
        )?,
    }
    save(tx, &state)
}

/// The parent ended (completed, deadline, canceled): cancel a step still running.
pub fn parent_ended(tx: &mut dyn Tx, parent: &Intent) -> ApiResult<()> {
    let Some(state) = load(tx, &parent.intent_id)? else {
        return Ok(());
    };
    let Some(step_id) = state.step_intent.clone() else {
        return Ok(());
    };
    if !tx
        .intent(&step_id)?
        .is_some_and(|(_, i)| !i.status.is_terminal())
    {
        return Ok(());
    }
    let now = crate::protocol::now();
    let reason = format!("parent intent ended {}", parent.status);
    tx.transition(
        &step_id,
        Box::new(move |_, mut intent| {
            let mut events = Vec::new();
            let mut e = blank_event(&intent, kind::CANCELED, Status::Canceled, &now);
            e.actor = Some(ORCHESTRATOR.into());
            e.reason = Some(reason);
            push(&mut intent, &mut events, e);
            Ok(Decision { intent, events })
        }),
    )?;
    Ok(())
}

const POSITIVE: [&str; 8] = [
    "approved",
    "confirmed",
    "completed",
    "assigned",
    "provided",
    "submitted",
    "override_approved",
    "acknowledged",
];

/// The outcome of an answer (§12.5 rule 1): `outcome`, else `approved`/`acknowledged`.
fn outcome_of(task: &Map<String, Value>) -> Option<String> {
    if let Some(o) = task.get("outcome").and_then(Value::as_str) {
        return Some(o.to_string());
    }
    match task.get("approved").or_else(|| task.get("acknowledged")) {
        Some(Value::Bool(true)) => Some("approved".into()),
        Some(Value::Bool(false)) => Some("rejected".into()),
        _ => None,
    }
}

/// `resume` with `task_result` on a workflow parent waiting for a human: checks the answer
/// against the task (422 otherwise) and records it; the reactor then advances the workflow.
pub fn answer(
    caller_address: &str,
    mut intent: Intent,
    task: Map<String, Value>,
    now: &str,
) -> ApiResult<Decision> {
    lifecycle::check_transition(&intent, Status::InProgress)?;
    if intent.waiting_reason != Some(WaitingReason::WaitingForHuman) {
        return Err(ApiError::conflict(
            "not_waiting_for_human",
            format!(
                "intent {} is not waiting for a human answer",
                intent.intent_id
            ),
        ));
    }
    let spec = intent.human_task.clone().unwrap_or(Value::Null);
    let outcome = outcome_of(&task)
        .ok_or_else(|| ApiError::invalid_field("task_result.outcome", "is required"))?;
    let allowed: Vec<String> = spec
        .get("allowed_outcomes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_else(|| vec!["approved".into(), "rejected".into()]);
    if !allowed.contains(&outcome) && outcome != "rejected" {
        return Err(ApiError::invalid_field(
            "task_result.outcome",
            format!("'{outcome}' is not one of {}", allowed.join(", ")),
        ));
    }
    if spec.get("required_comment").and_then(Value::as_bool) == Some(true)
        && task
            .get("comment")
            .and_then(Value::as_str)
            .is_none_or(|c| c.trim().is_empty())
    {
        return Err(ApiError::invalid_field(
            "task_result.comment",
            "this task requires a comment",
        ));
    }
    let positive =
        POSITIVE.contains(&outcome.as_str()) && task.get("approved") != Some(&Value::Bool(false));
    let mut answer = task;
    answer.insert("outcome".into(), Value::String(outcome));
    let mut events = Vec::new();
    let mut e = blank_event(&intent, kind::IN_PROGRESS, Status::InProgress, now);
    e.actor = Some(caller_address.to_string());
    e.details =
        json!({ "task_result": answer, "positive": positive, "step_id": spec.get("step_id") });
    push(&mut intent, &mut events, e);
    Ok(Decision { intent, events })
}

pub fn human_answered(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &Intent,
    details: &Value,
) -> ApiResult<()> {
    let Some(mut state) = load(tx, &parent.intent_id)? else {
        return Ok(());
    };
    let Some(index) = state.current else {
        return Ok(());
    };
    tx.clear_timer(&parent.intent_id, timer::STEP_DEADLINE)?;
    tx.clear_timer(&parent.intent_id, timer::REMINDER)?;
    let answer = details.get("task_result").cloned().unwrap_or(json!({}));
    if details.get("positive").and_then(Value::as_bool) == Some(true) {
        succeed(engine, tx, &mut state, index, answer)?;
    } else {
        fail(engine, tx, &mut state, index, Failure::Rejected(answer))?;
    }
    save(tx, &state)
}

/// Workflow timers on the parent: retry, delay, human step deadline, reminders.
pub fn fire(engine: &Engine, tx: &mut dyn Tx, t: &TimerRow) -> ApiResult<()> {
    let Some(mut state) = load(tx, &t.intent_id)? else {
        return Ok(());
    };
    let index = t
        .data
        .get("step")
        .and_then(Value::as_u64)
        .map(|i| i as usize);
    if state.current != index || index.is_none() || !parent_live(tx, &t.intent_id)? {
        return Ok(());
    }
    let index = index.unwrap_or_default();
    let step = state.steps[index].clone();
    match t.kind.as_str() {
        timer::RETRY => enter(engine, tx, &mut state, index)?,
        timer::DELAY => match step.kind {
            StepKind::Delay {
                then_timeout: true, ..
            } => fail(engine, tx, &mut state, index, Failure::Timeout)?,
            StepKind::Delay { seconds, .. } => succeed(
                engine,
                tx,
                &mut state,
                index,
                json!({ "waited_seconds": seconds }),
            )?,
            _ => {}
        },
        timer::STEP_DEADLINE => {
            tx.clear_timer(&t.intent_id, timer::REMINDER)?;
            fail(engine, tx, &mut state, index, Failure::Timeout)?
        }
        timer::REMINDER => remind(engine, tx, &state, &step, t)?,
        _ => {}
    }
    save(tx, &state)
}

/// Reminder k of a human step (§8.4), then one escalation an interval after the last.
fn remind(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &WorkflowState,
    step: &StepSpec,
    t: &TimerRow,
) -> ApiResult<()> {
    let count = t.data.get("count").and_then(Value::as_u64).unwrap_or(0) as u32;
    let max = step.max_reminders.or(state.max_reminders).unwrap_or(1);
    let interval = step
        .remind_interval_seconds
        .or(step.remind_after_seconds)
        .or(state.remind_interval_seconds)
        .or(state.remind_after_seconds)
        .unwrap_or(60);
    let escalate = count >= max;
    let escalated_to = step
        .escalate_to
        .clone()
        .or(state.escalate_to.clone())
        .unwrap_or(state.from_agent.clone());
    let now = crate::protocol::now();
    tx.transition(
        &t.intent_id,
        Box::new(move |_, mut intent| {
            let mut events = Vec::new();
            let event_kind = if escalate {
                kind::ESCALATED
            } else {
                kind::REMINDER
            };
            let mut e = blank_event(&intent, event_kind, intent.status, &now);
            e.actor = Some(ORCHESTRATOR.into());
            e.waiting_reason = intent.waiting_reason;
            e.pending_with = intent.pending_with.clone();
            e.details = if escalate {
                json!({ "escalated_to": escalated_to })
            } else {
                json!({ "reminder": count + 1, "max_reminders": max })
            };
            if !escalate {
                intent.remind_count = Some(count + 1);
            }
            push(&mut intent, &mut events, e);
            Ok(Decision { intent, events })
        }),
    )?;
    if !escalate {
        tx.set_timer(TimerRow {
            due_ms: now_ms() + engine.scaled_ms(interval),
            data: json!({ "step": t.data.get("step"), "count": count + 1 }),
            ..t.clone()
        })?;
    }
    Ok(())
}
