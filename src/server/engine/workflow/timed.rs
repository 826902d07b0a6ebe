//! Workflow timers on the parent (`engine::timers` fires them): a retry of a failed step,
//! the end of a delay step, a human step's deadline, and its reminders.

use serde_json::json;

use super::{Failure, WorkflowState, enter, fail, human, load, parent_live, save, succeed};
use crate::protocol::scenario::StepKind;
use crate::server::engine::reactor::Engine;
use crate::server::engine::timers;
use crate::server::store::{StoreResult, Tx};

/// The workflow of `parent` when `step` is still its current step and the parent still
/// runs: a timer armed for an earlier step (or a finished parent) does nothing.
fn at_step(tx: &mut dyn Tx, parent: &str, step: usize) -> StoreResult<Option<WorkflowState>> {
    let Some(state) = load(tx, parent)? else {
        return Ok(None);
    };
    if state.current != Some(step) || step >= state.steps.len() || !parent_live(tx, parent)? {
        return Ok(None);
    }
    Ok(Some(state))
}

/// [`Timer::Retry`]: dispatch the failed step again.
pub fn retry_step(engine: &Engine, tx: &mut dyn Tx, parent: &str, step: usize) -> StoreResult<()> {
    let Some(mut state) = at_step(tx, parent, step)? else {
        return Ok(());
    };
    enter(engine, tx, &mut state, step)?;
    save(tx, &state)
}

/// [`Timer::Delay`]: a delay step ends (or, with `then_timeout`, fails as a timeout).
pub fn delay_ended(engine: &Engine, tx: &mut dyn Tx, parent: &str, step: usize) -> StoreResult<()> {
    let Some(mut state) = at_step(tx, parent, step)? else {
        return Ok(());
    };
    match state.steps[step].kind {
        StepKind::Delay {
            then_timeout: true, ..
        } => fail(engine, tx, &mut state, step, Failure::Timeout)?,
        StepKind::Delay { seconds, .. } => succeed(
            engine,
            tx,
            &mut state,
            step,
            json!({ "waited_seconds": seconds }),
        )?,
        _ => {}
    }
    save(tx, &state)
}

/// [`Timer::StepDeadline`]: a human step was not answered in time.
pub fn step_deadline_passed(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &str,
    step: usize,
) -> StoreResult<()> {
    let Some(mut state) = at_step(tx, parent, step)? else {
        return Ok(());
    };
    tx.clear_timer(parent, timers::kind_name::REMINDER)?;
    fail(engine, tx, &mut state, step, Failure::Timeout)?;
    save(tx, &state)
}

/// [`Timer::Reminder`]: remind about (or escalate) a human step that waits.
pub fn remind(
    engine: &Engine,
    tx: &mut dyn Tx,
    parent: &str,
    step: usize,
    count: u32,
) -> StoreResult<()> {
    let Some(state) = at_step(tx, parent, step)? else {
        return Ok(());
    };
    human::remind(engine, tx, &state, step, count)?;
    save(tx, &state)
}
