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

pub mod apply;
mod human;
mod notify;
mod parent;
mod timed;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use human::default_task;
pub use human::{answer, human_answered};
pub use parent::parent_ended;
use parent::{Wait, end_parent, parent_live, wait_parent};
pub use timed::{delay_ended, remind, retry_step, step_deadline_passed};

use super::lifecycle;
use super::reactor::{Engine, ORCHESTRATOR};
use super::timers::{self, Timer};
use crate::protocol::event::kind;
use crate::protocol::scenario::{StepKind, StepSpec};
use crate::protocol::{Intent, PendingWith, Status, WaitingReason};
use crate::server::store::{IntentMeta, NewIntent, StoreError, StoreResult, Tx};

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
    /// The bundle's `humans[].contact` values: whom `notification` steps tell (absent in
    /// rows of earlier releases: the initiator is told).
    #[serde(default)]
    pub contacts: Vec<String>,
}

enum Failure {
    Timeout,
    Delivery(u32),
    Error(Value),
    Rejected(Value),
}

fn load(tx: &mut dyn Tx, parent: &str) -> StoreResult<Option<WorkflowState>> {
    match tx.workflow(parent)? {
        None => Ok(None),
        Some(body) => serde_json::from_str(&body)
            .map(Some)
            .map_err(|e| StoreError::internal(format!("stored workflow is unreadable: {e}"))),
    }
}

fn save(tx: &mut dyn Tx, state: &WorkflowState) -> StoreResult<()> {
    tx.put_workflow(&state.parent_intent_id, &StoreError::encode(state)?)
}

/// Starts a new workflow at `entry` (the parent was created in this transaction).
pub fn start(
    engine: &Engine,
    tx: &mut dyn Tx,
    mut state: WorkflowState,
    entry: usize,
) -> StoreResult<()> {
    enter(engine, tx, &mut state, entry)?;
    save(tx, &state)
}

fn enter(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &mut WorkflowState,
    index: usize,
) -> StoreResult<()> {
    let Some(step) = state.steps.get(index).cloned() else {
        return finish(engine, tx, state);
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
                name: task.title.clone(),
            };
            wait_parent(
                engine,
                tx,
                &parent,
                Wait {
                    event_kind: kind::HUMAN_TASK_ASSIGNED,
                    reason: WaitingReason::WaitingForHuman,
                    pending,
                    human_task: Some(task),
                    step_id: step.step_id.clone(),
                },
            )?;
            if let Some(seconds) = step.step_deadline_seconds {
                let due = engine.now_ms() + engine.scaled_ms(seconds);
                tx.set_timer(Timer::StepDeadline { step: index }.row(&parent, due))?;
            }
            if let Some(after) = step.remind_after_seconds.or(state.remind_after_seconds) {
                let due = engine.now_ms() + engine.scaled_ms(after);
                tx.set_timer(
                    Timer::Reminder {
                        step: index,
                        count: 0,
                    }
                    .row(&parent, due),
                )?;
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
                engine,
                tx,
                &parent,
                Wait {
                    event_kind: kind::WAITING,
                    reason: WaitingReason::WaitingForTime,
                    pending,
                    human_task: None,
                    step_id: step.step_id.clone(),
                },
            )?;
            let due = engine.now_ms() + engine.scaled_ms(*seconds);
            tx.set_timer(Timer::Delay { step: index }.row(&parent, due))
        }
        StepKind::Instant { runtime_type } if runtime_type == "notification" => {
            let result = notify::send(engine, tx, state, &step, engine.now())?;
            succeed(engine, tx, state, index, result)
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
) -> StoreResult<()> {
    let now = engine.now();
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
    let deadline_at = step
        .step_deadline_seconds
        .map(|s| now.plus_ms(engine.scaled_ms(s)));
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
        now,
    });
    intent.parent_intent_id = Some(state.parent_intent_id.clone());
    intent.step_id = Some(step.step_id.clone());
    let mut encoded = Vec::new();
    for e in &events {
        encoded.push((e.seq, StoreError::encode(e)?));
    }
    let timers = timers::initial_timers(engine, &intent);
    tx.create(NewIntent {
        meta: IntentMeta {
            workspace_id: state.meta_workspace_id.clone(),
            to_workspace_id: b.to_workspace_id.clone(),
            sender_sa_id: state.sender_sa_id.clone(),
            to_agent: b.address.clone(),
        },
        intent_id: intent_id.clone(),
        status: intent.status,
        created_at: now.to_string(),
        intent_json: StoreError::encode(&intent)?,
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
        engine,
        tx,
        &state.parent_intent_id.clone(),
        Wait {
            event_kind: kind::WAITING,
            reason: WaitingReason::WaitingForAgent,
            pending,
            human_task: None,
            step_id: step.step_id.clone(),
        },
    )
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
) -> StoreResult<()> {
    let step = &state.steps[index];
    state.results.insert(step.step_id.clone(), result);
    state.attempt = 0;
    match next_index(state, index, &step.on_success.clone()) {
        Some(next) => enter(engine, tx, state, next),
        None => finish(engine, tx, state),
    }
}

fn finish(engine: &Engine, tx: &mut dyn Tx, state: &mut WorkflowState) -> StoreResult<()> {
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
        engine,
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
) -> StoreResult<()> {
    let step = state.steps[index].clone();
    let agent_step = matches!(step.kind, StepKind::Agent { .. } | StepKind::Address { .. });
    if agent_step && !matches!(failure, Failure::Rejected(_)) && state.attempt < step.max_retries {
        state.attempt += 1;
        state.step_intent = None;
        let due = engine.now_ms() + engine.scaled_ms(step.retry_delay_seconds);
        return tx.set_timer(Timer::Retry { step: index }.row(&state.parent_intent_id, due));
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
            engine,
            tx,
            &parent,
            Status::TimedOut,
            kind::TIMED_OUT,
            json!({"code": "step_timeout", "message": format!("step {step_id} passed its deadline"), "step_id": step_id}),
            json!({"step_id": step_id, "reason": "step_timeout"}),
        ),
        Failure::Delivery(attempt) => end_parent(
            engine,
            tx,
            &parent,
            Status::Failed,
            kind::DELIVERY_FAILED,
            json!({"code": "delivery_failed", "message": format!("step {step_id} was not delivered after {attempt} attempts"), "step_id": step_id}),
            json!({"step_id": step_id, "delivery_attempt": attempt}),
        ),
        Failure::Error(error) => end_parent(
            engine,
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
                engine,
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
pub fn step_ended(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &str,
    step: &Intent,
) -> StoreResult<()> {
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
