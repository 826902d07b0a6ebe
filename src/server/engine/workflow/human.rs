//! Human steps: the task shown to people, answers checked against it (spec §8.2, §12.5),
//! and reminders with one escalation (§8.4).

use serde_json::{Map, Value, json};

use super::{Failure, WorkflowState, fail, load, save, succeed};
use crate::protocol::event::kind;
use crate::protocol::scenario::StepSpec;
use crate::protocol::task::default_outcomes;
use crate::protocol::{HumanTask, Intent, Status, TaskType, WaitingReason};
use crate::server::engine::lifecycle::{self, blank_event, push};
use crate::server::engine::reactor::{Engine, ORCHESTRATOR};
use crate::server::engine::refusal::Refusal;
use crate::server::engine::task_check;
use crate::server::engine::timers::{Timer, kind_name};
use crate::server::store::{Decision, StoreResult, Tx};

/// The step's task, with the defaults a human step gets: a title, an approval with the
/// outcomes approved/rejected, and the step's id. A field the bundle gave (even with an
/// unexpected type) is kept.
pub(super) fn default_task(step: &StepSpec) -> HumanTask {
    let mut task = step.human_task.clone().unwrap_or_default();
    if task.title.is_none() && !task.extra.contains_key("title") {
        task.title = Some(format!("Approve step {}", step.step_id));
    }
    if task.task_type.is_none() && !task.extra.contains_key("task_type") {
        task.task_type = Some(TaskType::Approval);
    }
    if task.allowed_outcomes.is_none() && !task.extra.contains_key("allowed_outcomes") {
        task.allowed_outcomes = Some(default_outcomes(task.task_type.as_ref()));
    }
    task.extra.remove("step_id");
    task.step_id = Some(step.step_id.clone());
    task
}

/// `resume` with `task_result` on a workflow parent waiting for a human: checks the answer
/// against the task (refused otherwise) and records it; the reactor then advances the
/// workflow.
pub fn answer(
    caller_address: &str,
    mut intent: Intent,
    task: Map<String, Value>,
    now: &crate::protocol::Timestamp,
) -> Result<Decision, Refusal> {
    lifecycle::check_transition(&intent, Status::InProgress)?;
    if intent.waiting_reason != Some(WaitingReason::WaitingForHuman) {
        return Err(Refusal::NotWaitingForHuman {
            intent_id: intent.intent_id.clone(),
        });
    }
    let spec = intent.human_task.clone().unwrap_or_default();
    let checked = task_check::check(&spec, task)?;
    let (answer, positive) = (checked.answer, checked.positive);
    let mut events = Vec::new();
    let mut e = blank_event(&intent, kind::IN_PROGRESS, Status::InProgress, now);
    e.actor = Some(caller_address.to_string());
    e.details = json!({ "task_result": answer, "positive": positive, "step_id": spec.step_id });
    push(&mut intent, &mut events, e);
    Ok(Decision { intent, events })
}

pub fn human_answered(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &Intent,
    details: &Value,
) -> StoreResult<()> {
    let Some(mut state) = load(tx, &parent.intent_id)? else {
        return Ok(());
    };
    let Some(index) = state.current else {
        return Ok(());
    };
    tx.clear_timer(&parent.intent_id, kind_name::STEP_DEADLINE)?;
    tx.clear_timer(&parent.intent_id, kind_name::REMINDER)?;
    let answer = details.get("task_result").cloned().unwrap_or(json!({}));
    if details.get("positive").and_then(Value::as_bool) == Some(true) {
        succeed(engine, tx, &mut state, index, answer)?;
    } else {
        fail(engine, tx, &mut state, index, Failure::Rejected(answer))?;
    }
    save(tx, &state)
}

/// Reminder k of a human step (§8.4), then one escalation an interval after the last.
pub(super) fn remind(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &WorkflowState,
    index: usize,
    count: u32,
) -> StoreResult<()> {
    let step = &state.steps[index];
    let parent = state.parent_intent_id.as_str();
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
    let now = engine.now();
    tx.transition(
        parent,
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
        let due = engine.now_ms() + engine.scaled_ms(interval);
        let next = Timer::Reminder {
            step: index,
            count: count + 1,
        };
        tx.set_timer(next.row(parent, due))?;
    }
    Ok(())
}
