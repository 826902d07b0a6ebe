//! The parent intent's side of a workflow: waiting on a new holder, ending, and
//! cancelling a step that still runs when the parent ends first.

use serde_json::{Value, json};

use super::load;
use crate::protocol::event::kind;
use crate::protocol::{HumanTask, Intent, PendingWith, Status, WaitingReason};
use crate::server::engine::lifecycle::{blank_event, push};
use crate::server::engine::reactor::{Engine, ORCHESTRATOR};
use crate::server::store::{Decision, StoreResult, Tx};

/// What a parent waits on next: the event that says so, why, for whom, and the step.
pub(super) struct Wait {
    pub event_kind: &'static str,
    pub reason: WaitingReason,
    pub pending: PendingWith,
    pub human_task: Option<HumanTask>,
    pub step_id: String,
}

/// Moves the parent to WAITING with a new holder (through IN_PROGRESS when it already
/// waits, since WAITING → WAITING is no transition).
pub(super) fn wait_parent(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &str,
    wait: Wait,
) -> StoreResult<()> {
    let now = engine.now();
    let Wait {
        event_kind,
        reason,
        pending,
        human_task,
        step_id,
    } = wait;
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

pub(super) fn end_parent(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &str,
    status: Status,
    event_kind: &'static str,
    body: Value,
    details: Value,
) -> StoreResult<()> {
    let now = engine.now();
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
                intent.delivery_attempt = Some(crate::num::u32_from_u64(attempt));
            }
            e.details = details;
            push(&mut intent, &mut events, e);
            Ok(Decision { intent, events })
        }),
    )?;
    Ok(())
}

/// The parent ended (completed, deadline, canceled): cancel a step still running.
pub fn parent_ended(engine: &Engine, tx: &mut dyn Tx, parent: &Intent) -> StoreResult<()> {
    let Some(state) = load(tx, &parent.intent_id)? else {
        return Ok(());
    };
    let Some(step_id) = state.step_intent.clone() else {
        return Ok(());
    };
    if tx
        .intent(&step_id)?
        .is_none_or(|(_, i)| i.status.is_terminal())
    {
        return Ok(());
    }
    let now = engine.now();
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

pub(super) fn parent_live(tx: &mut dyn Tx, parent: &str) -> StoreResult<bool> {
    Ok(tx
        .intent(parent)?
        .is_some_and(|(_, i)| !i.status.is_terminal()))
}
