//! Every timer the gateway arms, in one place: the [`Timer`] kinds, their encoding in the
//! timer row (`kind` column + JSON `data`, read back by [`Timer::decode`]), the timers a
//! new intent starts with, and [`fire`], the one exhaustive match that applies a due timer.
//!
//! Where an intent times out: [`Timer::Deadline`] → [`deadline_passed`]. Where delivery is
//! retried: [`Timer::DeliveryAttempt`] → [`delivery_window_passed`] (stream/poll windows,
//! HTTP push leases and backoff) and [`count_failed_attempt`]. Workflow timers (retry, delay,
//! step deadline, reminder/escalation) act on the parent through `workflow`. Where a
//! DELIVERED intent nobody answers is handed over again: [`Timer::Redeliver`] → [`redeliver`].

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::lifecycle::{blank_event, push};
use super::mail_out::{self, MailJob};
use super::reactor::{Engine, ORCHESTRATOR};
use super::webhooks::{self, WebhookJob};
use super::workflow;
use crate::protocol::event::kind;
use crate::protocol::{DeliveryMode, Intent, Status, Timestamp};
use crate::server::store::{Decision, StoreResult, TimerRow, Tx};

/// The `kind` column of each timer (stable: rows outlive a release).
pub mod kind_name {
    pub const DEADLINE: &str = "deadline";
    pub const DELIVERY: &str = "delivery";
    pub const RETRY: &str = "retry";
    pub const DELAY: &str = "delay";
    pub const STEP_DEADLINE: &str = "step_deadline";
    pub const REMINDER: &str = "reminder";
    pub const REDELIVER: &str = "redeliver";
    /// A webhook delivery's next attempt; the row's key is `<event_id>/<subscription_id>`,
    /// not an intent id (`engine::webhooks`).
    pub const WEBHOOK: &str = "webhook";
    /// A notification mail's next attempt; the row's key is the inbox thread's id
    /// (`engine::mail_out`).
    pub const MAIL: &str = "mail";
}

/// A timer of one intent; at most one of each kind per intent (re-arming replaces it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The intent's `deadline_at` (step intents: their step deadline).
    Deadline,
    /// The window of delivery attempt `attempt` (0-based) ended with nobody receiving the
    /// intent (stream/poll), or push attempt `attempt` is due (http).
    DeliveryAttempt { attempt: u32 },
    /// Workflow parent: dispatch failed step `step` again.
    Retry { step: usize },
    /// Workflow parent: delay step `step` ends.
    Delay { step: usize },
    /// Workflow parent: human step `step` passed its deadline.
    StepDeadline { step: usize },
    /// Workflow parent: reminder `count + 1` of human step `step`, or, past the last
    /// reminder, its escalation.
    Reminder { step: usize, count: u32 },
    /// The answer lease of a DELIVERED intent ended with no answer from its handler:
    /// deliver it again.
    Redeliver,
    /// Attempt `attempt` (0-based) of a webhook delivery is due, or the lease of one in
    /// flight ended without an outcome (crash): try it.
    Webhook { attempt: u32 },
    /// Attempt `attempt` (0-based) of a `notification` step's mail is due, or the lease of
    /// one in flight ended without an outcome (crash): send it.
    Mail { attempt: u32 },
}

/// The `data` column: what each kind carries. Missing fields read as absent, so rows
/// written by earlier releases decode.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Data {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attempt: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
}

impl Timer {
    /// The `kind` column.
    pub fn kind(self) -> &'static str {
        match self {
            Timer::Deadline => kind_name::DEADLINE,
            Timer::DeliveryAttempt { .. } => kind_name::DELIVERY,
            Timer::Retry { .. } => kind_name::RETRY,
            Timer::Delay { .. } => kind_name::DELAY,
            Timer::StepDeadline { .. } => kind_name::STEP_DEADLINE,
            Timer::Reminder { .. } => kind_name::REMINDER,
            Timer::Redeliver => kind_name::REDELIVER,
            Timer::Webhook { .. } => kind_name::WEBHOOK,
            Timer::Mail { .. } => kind_name::MAIL,
        }
    }

    /// The row that arms this timer for `intent_id` at `due_ms` (Unix ms).
    pub fn row(self, intent_id: &str, due_ms: i64) -> TimerRow {
        let data = match self {
            Timer::Deadline | Timer::Redeliver => None,
            Timer::DeliveryAttempt { attempt }
            | Timer::Webhook { attempt }
            | Timer::Mail { attempt } => Some(Data {
                attempt: Some(attempt),
                ..Data::default()
            }),
            Timer::Retry { step } | Timer::Delay { step } | Timer::StepDeadline { step } => {
                Some(Data {
                    step: Some(step),
                    ..Data::default()
                })
            }
            Timer::Reminder { step, count } => Some(Data {
                step: Some(step),
                count: Some(count),
                ..Data::default()
            }),
        };
        TimerRow {
            intent_id: intent_id.to_string(),
            kind: self.kind().to_string(),
            due_ms,
            data: data
                .and_then(|d| serde_json::to_string(&d).ok())
                .unwrap_or_else(|| "null".to_string()),
        }
    }

    /// Reads a row back; `None` for a kind or data this release does not know.
    pub fn decode(row: &TimerRow) -> Option<Timer> {
        let data: Data = serde_json::from_str::<Option<Data>>(&row.data)
            .ok()
            .flatten()
            .unwrap_or_default();
        Some(match row.kind.as_str() {
            kind_name::DEADLINE => Timer::Deadline,
            kind_name::DELIVERY => Timer::DeliveryAttempt {
                attempt: data.attempt.unwrap_or(0),
            },
            kind_name::RETRY => Timer::Retry { step: data.step? },
            kind_name::DELAY => Timer::Delay { step: data.step? },
            kind_name::STEP_DEADLINE => Timer::StepDeadline { step: data.step? },
            kind_name::REMINDER => Timer::Reminder {
                step: data.step?,
                count: data.count.unwrap_or(0),
            },
            kind_name::REDELIVER => Timer::Redeliver,
            kind_name::WEBHOOK => Timer::Webhook {
                attempt: data.attempt.unwrap_or(0),
            },
            kind_name::MAIL => Timer::Mail {
                attempt: data.attempt.unwrap_or(0),
            },
            _ => return None,
        })
    }
}

/// An HTTP push that a delivery timer asks for, run after the transaction commits
/// (`engine::push`).
#[derive(Debug, Clone, PartialEq)]
pub struct PushJob {
    pub intent_id: String,
    pub url: String,
    pub secret: Option<String>,
    /// Failed attempts so far.
    pub attempt: u32,
    /// The intent was pushed before and its answer lease ended: push the DELIVERED intent
    /// again (a failure here only waits for the next lease).
    pub redelivery: bool,
}

/// Work a fired timer asks for, run after its transaction commits.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterCommit {
    Push(PushJob),
    Webhook(WebhookJob),
    Mail(MailJob),
}

/// Applies one due timer (already removed from the table). Returns the POST to run after
/// the commit. A row this release cannot read is dropped with a warning.
pub fn fire(engine: &Engine, tx: &mut dyn Tx, row: &TimerRow) -> StoreResult<Option<AfterCommit>> {
    let Some(timer) = Timer::decode(row) else {
        tracing::warn!(kind = row.kind, data = row.data, "unreadable timer dropped");
        return Ok(None);
    };
    let id = row.intent_id.as_str();
    let push = |job: Option<PushJob>| job.map(AfterCommit::Push);
    match timer {
        Timer::Deadline => deadline_passed(engine, tx, id).map(|()| None),
        Timer::DeliveryAttempt { attempt } => {
            delivery_window_passed(engine, tx, id, attempt).map(push)
        }
        Timer::Retry { step } => workflow::retry_step(engine, tx, id, step).map(|()| None),
        Timer::Delay { step } => workflow::delay_ended(engine, tx, id, step).map(|()| None),
        Timer::StepDeadline { step } => {
            workflow::step_deadline_passed(engine, tx, id, step).map(|()| None)
        }
        Timer::Reminder { step, count } => {
            workflow::remind(engine, tx, id, step, count).map(|()| None)
        }
        Timer::Redeliver => redeliver(engine, tx, id).map(push),
        Timer::Webhook { attempt } => {
            webhooks::attempt_due(engine, tx, id, attempt).map(|j| j.map(AfterCommit::Webhook))
        }
        Timer::Mail { attempt } => {
            mail_out::attempt_due(engine, tx, row, attempt).map(|j| j.map(AfterCommit::Mail))
        }
    }
}

/// Timers a new intent starts with: its deadline and its first delivery check.
pub fn initial_timers(engine: &Engine, intent: &Intent) -> Vec<TimerRow> {
    let mut timers = Vec::new();
    if let Some(due) = intent.deadline_at.map(Timestamp::unix_ms) {
        timers.push(Timer::Deadline.row(&intent.intent_id, due));
    }
    if intent.status == Status::Submitted && intent.to_agent != ORCHESTRATOR {
        let wait = if engine.is_push(&intent.to_agent) {
            0
        } else {
            millis(engine.timing.delivery_first)
        };
        let due = engine.now_ms() + wait;
        timers.push(Timer::DeliveryAttempt { attempt: 0 }.row(&intent.intent_id, due));
    }
    timers
}

/// A duration in whole milliseconds, saturating (settings are far below the limit).
pub fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The deadline passed: a live intent ends TIMED_OUT.
fn deadline_passed(engine: &Engine, tx: &mut dyn Tx, intent_id: &str) -> StoreResult<()> {
    let now = engine.now();
    tx.transition(
        intent_id,
        Box::new(move |_, mut current| {
            let mut events = Vec::new();
            if !current.status.is_terminal() {
                let mut e = blank_event(&current, kind::TIMED_OUT, Status::TimedOut, &now);
                e.actor = Some("gateway".into());
                e.reason = Some("deadline_exceeded".into());
                e.error = Some(json!({
                    "code": "deadline_exceeded",
                    "message": "the intent's deadline passed before it finished",
                }));
                push(&mut current, &mut events, e);
            }
            Ok(Decision {
                intent: current,
                events,
            })
        }),
    )?;
    Ok(())
}

/// A delivery check fired: if the intent is still SUBMITTED, nobody received it in the
/// window. For an http agent this is a push attempt instead: the timer is re-armed as a
/// lease and the push is returned, to run after the commit.
fn delivery_window_passed(
    engine: &Engine,
    tx: &mut dyn Tx,
    intent_id: &str,
    attempt: u32,
) -> StoreResult<Option<PushJob>> {
    let Some((meta, intent)) = tx.intent(intent_id)? else {
        return Ok(None);
    };
    if intent.status != Status::Submitted {
        return Ok(None);
    }
    if engine.mesh.killed(&intent.to_agent).is_some() {
        let due = engine.now_ms() + millis(engine.timing.delivery_retry);
        tx.set_timer(Timer::DeliveryAttempt { attempt }.row(intent_id, due))?;
        return Ok(None);
    }
    if let Some(agent) = engine.agent(&intent.to_agent)
        && agent.delivery_mode == DeliveryMode::Http
        && let (Some(url), true) = (
            agent.callback_url.clone(),
            // Never push to a callback of another workspace.
            meta.to_workspace_id.as_deref() == Some(agent.workspace_id.as_str()),
        )
    {
        // Re-arm first: if the push never reports back (crash), it is tried again.
        let lease = millis(engine.timing.push_timeout) + 1000;
        let due = engine.now_ms() + lease;
        tx.set_timer(Timer::DeliveryAttempt { attempt }.row(intent_id, due))?;
        return Ok(Some(PushJob {
            intent_id: intent.intent_id,
            url,
            secret: agent.secret,
            attempt,
            redelivery: false,
        }));
    }
    count_failed_attempt(engine, tx, &intent, attempt)?;
    Ok(None)
}

/// The answer lease of a DELIVERED intent ended: its handler took it and never answered
/// (crashed, hung, or its process was killed). It gets a new delivery cursor, so every
/// listener of its address, whatever cursor it resumes from, receives it again; an http
/// agent gets it pushed again. The lease starts over; the intent's deadline, if any, is
/// what finally ends an intent nobody answers.
fn redeliver(engine: &Engine, tx: &mut dyn Tx, intent_id: &str) -> StoreResult<Option<PushJob>> {
    let Some((meta, intent)) = tx.intent(intent_id)? else {
        return Ok(None);
    };
    if intent.status != Status::Delivered {
        return Ok(None);
    }
    tracing::info!(
        intent_id,
        to_agent = intent.to_agent,
        "no answer from the handler within the lease; delivering again"
    );
    tx.redeliver(intent_id)?;
    let due = engine.now_ms() + millis(engine.timing.redeliver_after);
    tx.set_timer(Timer::Redeliver.row(intent_id, due))?;
    if let Some(agent) = engine.agent(&intent.to_agent)
        && agent.delivery_mode == DeliveryMode::Http
        // A killed agent is pushed nothing until it is resumed.
        && engine.mesh.killed(&intent.to_agent).is_none()
        && let (Some(url), true) = (
            agent.callback_url.clone(),
            meta.to_workspace_id.as_deref() == Some(agent.workspace_id.as_str()),
        )
    {
        return Ok(Some(PushJob {
            intent_id: intent.intent_id,
            url,
            secret: agent.secret,
            attempt: intent.delivery_attempt.unwrap_or(1),
            redelivery: true,
        }));
    }
    Ok(None)
}

/// One more failed delivery attempt (`before` failed so far): re-arm, or end the intent
/// FAILED with `intent.delivery_failed` when the attempts are used up. Push retries back
/// off 1×, 4×, 20× the push retry interval.
pub fn count_failed_attempt(
    engine: &Engine,
    tx: &mut dyn Tx,
    intent: &Intent,
    before: u32,
) -> StoreResult<()> {
    let attempt = before + 1;
    engine.mesh.delivery_failed(&intent.to_agent, engine.now());
    if attempt >= engine.max_attempts(intent) {
        let now = engine.now();
        tx.transition(
            &intent.intent_id,
            Box::new(move |_, mut current| {
                let mut events = Vec::new();
                if current.status == Status::Submitted {
                    let mut e = blank_event(&current, kind::DELIVERY_FAILED, Status::Failed, &now);
                    e.actor = Some("gateway".into());
                    e.error = Some(json!({
                        "code": "delivery_failed",
                        "message": format!("no delivery after {attempt} attempts"),
                    }));
                    e.details = json!({ "delivery_attempt": attempt });
                    current.delivery_attempt = Some(attempt);
                    push(&mut current, &mut events, e);
                }
                Ok(Decision {
                    intent: current,
                    events,
                })
            }),
        )?;
        return Ok(());
    }
    // The intent shows how many attempts failed so far (spec §7.2), which `--wait` reads as
    // "attempt n of m". Not an event: nothing happened to the intent itself.
    tx.transition(
        &intent.intent_id,
        Box::new(move |_, mut current| {
            if current.status == Status::Submitted {
                current.delivery_attempt = Some(attempt);
            }
            Ok(Decision {
                intent: current,
                events: Vec::new(),
            })
        }),
    )?;
    let wait = if engine.is_push(&intent.to_agent) {
        let factor = match attempt {
            0 | 1 => 1,
            2 => 4,
            _ => 20,
        };
        millis(engine.timing.push_retry).saturating_mul(factor)
    } else {
        millis(engine.timing.delivery_retry)
    };
    let due = engine.now_ms() + wait;
    tx.set_timer(Timer::DeliveryAttempt { attempt }.row(&intent.intent_id, due))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, data: &str) -> TimerRow {
        TimerRow {
            intent_id: "i".into(),
            kind: kind.into(),
            due_ms: 1,
            data: data.into(),
        }
    }

    #[test]
    fn every_timer_round_trips_through_its_row() {
        for timer in [
            Timer::Deadline,
            Timer::DeliveryAttempt { attempt: 2 },
            Timer::Retry { step: 1 },
            Timer::Delay { step: 3 },
            Timer::StepDeadline { step: 0 },
            Timer::Reminder { step: 4, count: 2 },
            Timer::Redeliver,
            Timer::Webhook { attempt: 1 },
            Timer::Mail { attempt: 2 },
        ] {
            assert_eq!(Timer::decode(&timer.row("i", 5)), Some(timer));
        }
    }

    #[test]
    fn rows_of_earlier_releases_decode() {
        // The shapes the first release wrote (`serde_json::Value` data).
        assert_eq!(
            Timer::decode(&row("deadline", "null")),
            Some(Timer::Deadline)
        );
        assert_eq!(
            Timer::decode(&row("delivery", r#"{"attempt":0}"#)),
            Some(Timer::DeliveryAttempt { attempt: 0 })
        );
        assert_eq!(
            Timer::decode(&row("reminder", r#"{"step":2,"count":1}"#)),
            Some(Timer::Reminder { step: 2, count: 1 })
        );
        assert_eq!(
            Timer::decode(&row("step_deadline", r#"{"step":1}"#)),
            Some(Timer::StepDeadline { step: 1 })
        );
        assert_eq!(Timer::decode(&row("retry", "null")), None);
        assert_eq!(Timer::decode(&row("mystery", "{}")), None);
        assert_eq!(
            Timer::Reminder { step: 2, count: 1 }.row("i", 1).data,
            r#"{"step":2,"count":1}"#
        );
    }
}
