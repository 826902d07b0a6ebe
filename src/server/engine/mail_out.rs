//! The e-mail of workflows' `notification` steps (spec §12.4), through the SMTP relay of
//! `--smtp-url` (`server::mail`), at least once and never inside a transaction.
//!
//! The step's transaction queues each mail as a `mail` timer due at once, keyed
//! `mail/<uuid>`, whose row carries the mail itself ([`Mail`]) — so a mail committed with its
//! step survives a crash. Firing re-arms the row as a lease and returns the send, which
//! runs after the commit ([`run`]); its outcome is recorded in a second job: sent (the row
//! goes), refused for good (bad address, 5xx: the row goes), or unavailable (the next
//! attempt after 1×, 4×, 20× `--push-retry-interval`, up to `max_delivery_attempts`). When
//! the mail has an inbox thread (the `inbox` channel too), the thread shows the mail's
//! state (`email.state`: `pending`, `sent`, `failed`) and gets an `email.sent` /
//! `email.failed` timeline entry. A send cut short by a crash is made again when its lease
//! fires.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::reactor::Engine;
use super::timers::{kind_name, millis};
use crate::server::mail::{MailError, SEND_TIMEOUT};
use crate::server::store::{Store, StoreResult, TimerRow, Tx};

/// One notification mail, as its timer row keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The inbox thread that shows the mail's state, if the notification wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// The workflow it came from (for the log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_id: Option<String>,
}

/// The timer row's `data`: the mail and its attempt (0-based), read by `Timer::decode` too.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    attempt: u32,
    #[serde(flatten)]
    mail: Mail,
}

/// A send a fired timer asks for, run after its transaction commits.
#[derive(Debug, Clone, PartialEq)]
pub struct MailJob {
    /// The timer's key.
    pub key: String,
    pub attempt: u32,
    pub mail: Mail,
}

fn row(key: &str, attempt: u32, mail: &Mail, due_ms: i64) -> StoreResult<TimerRow> {
    let pending = Pending {
        attempt,
        mail: mail.clone(),
    };
    Ok(TimerRow {
        intent_id: key.to_string(),
        kind: kind_name::MAIL.to_string(),
        due_ms,
        data: crate::server::store::StoreError::encode(&pending)?,
    })
}

/// Queues `mail` in this transaction: it goes out once the transaction commits.
pub fn queue(engine: &Engine, tx: &mut dyn Tx, mail: &Mail) -> StoreResult<()> {
    let key = format!("mail/{}", uuid::Uuid::new_v4());
    tx.set_timer(row(&key, 0, mail, engine.now_ms())?)
}

/// How long a send may take before its timer fires again (a crash mid-send).
fn lease() -> Duration {
    SEND_TIMEOUT + Duration::from_secs(5)
}

/// Attempt `attempt` is due: re-armed as a lease, the send returned. A row this release
/// cannot read, or a node without a mail server, drops the mail (logged; the thread says so).
pub fn attempt_due(
    engine: &Engine,
    tx: &mut dyn Tx,
    timer: &TimerRow,
    attempt: u32,
) -> StoreResult<Option<MailJob>> {
    let Ok(pending) = serde_json::from_str::<Pending>(&timer.data) else {
        tracing::warn!(
            key = timer.intent_id,
            "unreadable notification mail dropped"
        );
        return Ok(None);
    };
    if engine.mailer().is_none() {
        let error = "no mail server is configured on the node that sent it".to_string();
        mark(engine, tx, &pending.mail, attempt, Err(error))?;
        return Ok(None);
    }
    let due = engine.now_ms() + millis(lease());
    tx.set_timer(row(&timer.intent_id, attempt, &pending.mail, due)?)?;
    Ok(Some(MailJob {
        key: timer.intent_id.clone(),
        attempt,
        mail: pending.mail,
    }))
}

/// Sends one attempt, then records its outcome.
pub async fn run(store: Arc<dyn Store>, engine: Arc<Engine>, job: MailJob) {
    let outcome = match engine.mailer() {
        Some(mailer) => {
            let m = &job.mail;
            mailer.send_notification(&m.to, &m.subject, &m.body).await
        }
        None => Err(MailError::Unavailable(
            "no mail server is configured".into(),
        )),
    };
    match &outcome {
        Ok(()) => tracing::info!(
            to = job.mail.to,
            intent_id = job.mail.intent_id,
            "notification mailed"
        ),
        Err(e) => tracing::warn!(
            to = job.mail.to,
            intent_id = job.mail.intent_id,
            attempt = job.attempt + 1,
            error = %e,
            "notification mail not sent"
        ),
    }
    let recording = engine.clone();
    let done = store
        .run(move |tx| record(&recording, tx, &job, outcome))
        .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "could not record a notification mail's attempt");
    }
}

/// Sent or refused for good: the row goes. Unavailable: the next attempt, or failed after
/// the last.
fn record(
    engine: &Engine,
    tx: &mut dyn Tx,
    job: &MailJob,
    outcome: Result<(), MailError>,
) -> StoreResult<()> {
    let attempts = job.attempt + 1;
    let result = match outcome {
        Ok(()) => Ok(()),
        Err(MailError::Unavailable(detail))
            if attempts < engine.timing.default_max_delivery_attempts.max(1) =>
        {
            let factor = match attempts {
                0 | 1 => 1,
                2 => 4,
                _ => 20,
            };
            let wait = millis(engine.timing.push_retry).saturating_mul(factor);
            let next = row(&job.key, attempts, &job.mail, engine.now_ms() + wait)?;
            tx.set_timer(next)?;
            return note(engine, tx, &job.mail, attempts, "pending", Some(detail));
        }
        Err(e) => Err(e.to_string()),
    };
    tx.clear_timer(&job.key, kind_name::MAIL)?;
    mark(engine, tx, &job.mail, attempts, result)
}

/// The mail's final state on its thread.
fn mark(
    engine: &Engine,
    tx: &mut dyn Tx,
    mail: &Mail,
    attempts: u32,
    result: Result<(), String>,
) -> StoreResult<()> {
    match result {
        Ok(()) => note(engine, tx, mail, attempts, "sent", None),
        Err(error) => note(engine, tx, mail, attempts, "failed", Some(error)),
    }
}

/// Writes the mail's state into its thread (if it has one), with a timeline entry for a
/// final one, and tells the owner's webhook subscribers.
fn note(
    engine: &Engine,
    tx: &mut dyn Tx,
    mail: &Mail,
    attempts: u32,
    state: &str,
    error: Option<String>,
) -> StoreResult<()> {
    let Some(thread_id) = &mail.thread_id else {
        return Ok(());
    };
    let Some(mut row) = tx.thread(thread_id)? else {
        return Ok(());
    };
    let Ok(mut thread) = serde_json::from_str::<Value>(&row.body) else {
        return Ok(());
    };
    let now = engine.now();
    thread["email"] = json!({
        "to": mail.to,
        "state": state,
        "attempts": attempts,
        "last_error": error,
    });
    thread["updated_at"] = json!(now);
    let entry = if state == "sent" {
        "email.sent"
    } else {
        "email.failed"
    };
    if state != "pending"
        && let Some(timeline) = thread["timeline"].as_array_mut()
    {
        timeline.push(json!({
            "event_id": uuid::Uuid::new_v4().to_string(),
            "event_type": entry,
            "actor": "gateway",
            "at": now,
            "details": { "to": mail.to, "attempts": attempts, "error": error },
        }));
    }
    row.updated_at = now.to_string();
    row.body = thread.to_string();
    tx.put_thread(&row)?;
    super::webhooks::notify(
        engine,
        tx,
        &row.workspace_id,
        &row.owner,
        crate::protocol::webhook::INBOX_THREAD_UPDATED,
        json!({ "thread_id": thread_id, "thread": thread }),
    )
}
