//! Webhook delivery (spec §9.2, §7.6): an event (ingested by `POST /v1/webhooks/events`,
//! or raised by the gateway when it writes an inbox thread) gets one delivery per active
//! subscription of its owner that names its type. Each delivery is a row
//! (`store::webhooks`) driven by a [`Timer::Webhook`] keyed `<event_id>/<subscription_id>`,
//! all written in the transaction that stored the event, so nothing queued is lost to a
//! crash or restart.
//!
//! When the timer fires ([`attempt_due`]) it is re-armed as a lease and the signed POST
//! runs after the commit ([`run`]); its outcome is recorded in another job: 2xx →
//! `delivered`; otherwise the next attempt after 1×, 4×, 20× the push retry interval, and
//! after the last attempt (`max_delivery_attempts`, default 3) `dead_lettered`. A crash
//! mid-POST leaves the lease, which fires the same attempt again: at least once, never
//! lost. [`replay`] queues an event's finished deliveries again.
//!
//! Subscriber URLs are chosen by API keys, so the POST is a server-side request on their
//! behalf (SSRF): only `http(s)://` is accepted, redirects are not followed, no proxy is
//! used, nothing of the answer but its status is kept or shown, and every attempt is
//! bounded by `--push-timeout`. Loopback and private addresses are allowed (local
//! subscribers are the common case); SECURITY.md says what an operator exposing the
//! gateway should restrict.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::push::{SIGNATURE_HEADER, signature};
use super::reactor::Engine;
use super::timers::{Timer, kind_name, millis};
use crate::protocol::Timestamp;
use crate::protocol::webhook::{DeliveryCounts, Subscription, WebhookDelivery};
use crate::server::store::{
    DeliveryState, Store, StoreResult, SubscriptionRow, Tx, WebhookDeliveryRow, WebhookEventRow,
};

/// A POST to run after the commit that armed its lease.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookJob {
    pub event_id: String,
    pub subscription_id: String,
    pub url: String,
    pub secret: Option<String>,
    pub event_type: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempt: u32,
}

/// The timer key of one delivery.
pub fn delivery_key(event_id: &str, subscription_id: &str) -> String {
    format!("{event_id}/{subscription_id}")
}

fn split_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('/')
}

/// The subscription's view, as stored.
pub fn view(row: &SubscriptionRow) -> Option<Subscription> {
    serde_json::from_str(&row.body).ok()
}

fn live(row: &SubscriptionRow) -> bool {
    row.active && row.revoked_at.is_none()
}

fn wants(row: &SubscriptionRow, event_type: &str) -> bool {
    live(row) && view(row).is_some_and(|s| s.event_types.iter().any(|t| t == event_type))
}

/// Queues one delivery (again): pending, no attempts, its first attempt due now.
fn queue(
    engine: &Engine,
    tx: &mut dyn Tx,
    event_id: &str,
    subscription_id: &str,
) -> StoreResult<()> {
    tx.webhooks().put_delivery(&WebhookDeliveryRow {
        event_id: event_id.to_string(),
        subscription_id: subscription_id.to_string(),
        state: DeliveryState::Pending,
        attempts: 0,
        last_error: None,
        updated_at: engine.now().to_string(),
    })?;
    tx.set_timer(
        Timer::Webhook { attempt: 0 }
            .row(&delivery_key(event_id, subscription_id), engine.now_ms()),
    )
}

/// Stores an event and queues a delivery to every live subscription of its owner that
/// names its type; returns the event and how many were queued.
pub fn raise(
    engine: &Engine,
    tx: &mut dyn Tx,
    event: WebhookEventRow,
) -> StoreResult<(WebhookEventRow, u32)> {
    tx.webhooks().put_event(&event)?;
    let mut queued = 0;
    for sub in tx
        .webhooks()
        .subscriptions(&event.workspace_id, &event.owner)?
    {
        if wants(&sub, &event.event_type) {
            queue(engine, tx, &event.event_id, &sub.subscription_id)?;
            queued += 1;
        }
    }
    Ok((event, queued))
}

/// An event the gateway raises itself (an inbox thread was written): stored only when a
/// subscription of the owner wants it.
pub fn notify(
    engine: &Engine,
    tx: &mut dyn Tx,
    workspace_id: &str,
    owner: &str,
    event_type: &str,
    payload: Value,
) -> StoreResult<()> {
    let subs = tx.webhooks().subscriptions(workspace_id, owner)?;
    if !subs.iter().any(|s| wants(s, event_type)) {
        return Ok(());
    }
    raise(
        engine,
        tx,
        WebhookEventRow {
            event_id: uuid::Uuid::new_v4().to_string(),
            workspace_id: workspace_id.to_string(),
            owner: owner.to_string(),
            event_type: event_type.to_string(),
            source: "axme".to_string(),
            payload: payload.to_string(),
            created_at: engine.now().to_string(),
        },
    )?;
    Ok(())
}

/// Queues every delivery of the event that is not pending (delivered or dead-lettered)
/// again, to subscriptions still live; returns how many.
pub fn replay(engine: &Engine, tx: &mut dyn Tx, event_id: &str) -> StoreResult<u32> {
    let mut queued = 0;
    for delivery in tx.webhooks().deliveries(event_id)? {
        if delivery.state == DeliveryState::Pending {
            continue;
        }
        let Some(sub) = tx.webhooks().subscription(&delivery.subscription_id)? else {
            continue;
        };
        if live(&sub) {
            queue(engine, tx, event_id, &sub.subscription_id)?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Where the event's deliveries stand; `queued` by the request that asks.
pub fn counts(tx: &mut dyn Tx, event_id: &str, queued: u32) -> StoreResult<DeliveryCounts> {
    let mut counts = DeliveryCounts {
        queued_deliveries: queued,
        ..DeliveryCounts::default()
    };
    for d in tx.webhooks().deliveries(event_id)? {
        match d.state {
            DeliveryState::Pending => counts.pending += 1,
            DeliveryState::Delivered => counts.delivered += 1,
            DeliveryState::DeadLettered => counts.dead_lettered += 1,
        }
    }
    counts.processed_deliveries = counts.delivered + counts.dead_lettered;
    Ok(counts)
}

/// A delivery's timer fired: re-arm it as a lease and hand back the POST; nothing when the
/// delivery has an outcome already. A subscription revoked or paused meanwhile
/// dead-letters the delivery (a replay after it is live again sends it).
pub fn attempt_due(
    engine: &Engine,
    tx: &mut dyn Tx,
    key: &str,
    attempt: u32,
) -> StoreResult<Option<WebhookJob>> {
    let Some((event_id, subscription_id)) = split_key(key) else {
        return Ok(None);
    };
    let Some(mut delivery) = tx
        .webhooks()
        .deliveries(event_id)?
        .into_iter()
        .find(|d| d.subscription_id == subscription_id)
    else {
        return Ok(None);
    };
    if delivery.state != DeliveryState::Pending {
        return Ok(None);
    }
    let sub = tx.webhooks().subscription(subscription_id)?.filter(live);
    let event = tx.webhooks().event(event_id)?;
    let (Some(sub), Some(event)) = (sub, event) else {
        delivery.state = DeliveryState::DeadLettered;
        delivery.last_error = Some("the subscription was revoked or paused".into());
        delivery.updated_at = engine.now().to_string();
        return tx.webhooks().put_delivery(&delivery).map(|()| None);
    };
    let secret = match sub
        .secret
        .as_deref()
        .map(|s| engine.open_secret(subscription_id, s))
    {
        None => None,
        Some(Ok(secret)) => Some(secret),
        Some(Err(e)) => {
            tracing::warn!(subscription_id, error = e, "webhook secret does not open");
            record(
                engine,
                tx,
                event_id,
                subscription_id,
                delivery.attempts,
                Err(e),
            )?;
            return Ok(None);
        }
    };
    // Re-arm first: if the POST never reports back (crash), the attempt is made again.
    let lease = millis(engine.timing.push_timeout) + 1000;
    tx.set_timer(Timer::Webhook { attempt }.row(key, engine.now_ms() + lease))?;
    let body = WebhookDelivery {
        event_id: event.event_id.clone(),
        event_type: event.event_type.clone(),
        source: event.source.clone(),
        owner_agent: event.owner.clone(),
        subscription_id: subscription_id.to_string(),
        occurred_at: event
            .created_at
            .parse::<Timestamp>()
            .unwrap_or_else(|_| engine.now()),
        payload: serde_json::from_str(&event.payload).unwrap_or(Value::Null),
    };
    Ok(Some(WebhookJob {
        event_id: event.event_id,
        subscription_id: subscription_id.to_string(),
        url: sub.callback_url,
        secret,
        event_type: event.event_type,
        body: serde_json::to_string(&body).unwrap_or_default(),
        attempt: delivery.attempts,
    }))
}

/// The outcome of attempt `attempt` (0-based): delivered, the next attempt armed, or dead
/// letter after the last. An outcome for an attempt the row has moved past (a replay, or
/// a lease that fired meanwhile) changes nothing.
fn record(
    engine: &Engine,
    tx: &mut dyn Tx,
    event_id: &str,
    subscription_id: &str,
    attempt: u32,
    outcome: Result<(), String>,
) -> StoreResult<()> {
    let Some(mut delivery) = tx
        .webhooks()
        .deliveries(event_id)?
        .into_iter()
        .find(|d| d.subscription_id == subscription_id)
    else {
        return Ok(());
    };
    if delivery.state != DeliveryState::Pending || delivery.attempts != attempt {
        return Ok(());
    }
    let key = delivery_key(event_id, subscription_id);
    delivery.attempts = attempt + 1;
    delivery.updated_at = engine.now().to_string();
    match outcome {
        Ok(()) => {
            delivery.state = DeliveryState::Delivered;
            delivery.last_error = None;
            tx.clear_timer(&key, kind_name::WEBHOOK)?;
        }
        Err(error) => {
            delivery.last_error = Some(error);
            if delivery.attempts >= engine.timing.default_max_delivery_attempts.max(1) {
                delivery.state = DeliveryState::DeadLettered;
                tx.clear_timer(&key, kind_name::WEBHOOK)?;
            } else {
                let factor = match delivery.attempts {
                    0 | 1 => 1,
                    2 => 4,
                    _ => 20,
                };
                let wait = millis(engine.timing.push_retry).saturating_mul(factor);
                let next = Timer::Webhook {
                    attempt: delivery.attempts,
                };
                tx.set_timer(next.row(&key, engine.now_ms() + wait))?;
            }
        }
    }
    tx.webhooks().put_delivery(&delivery)
}

/// No redirects (a subscriber cannot bounce the gateway elsewhere), no proxy.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

/// The signed POST of one attempt, then its outcome recorded.
pub async fn run(store: Arc<dyn Store>, engine: Arc<Engine>, job: WebhookJob) {
    let mut request = client()
        .post(&job.url)
        .timeout(engine.timing.push_timeout)
        .header("content-type", "application/json")
        .header("x-axme-event-id", &job.event_id)
        .header("x-axme-event-type", &job.event_type)
        .header("x-axme-attempt", (job.attempt + 1).to_string());
    if let Some(secret) = &job.secret {
        request = request.header(SIGNATURE_HEADER, signature(secret, job.body.as_bytes()));
    }
    let outcome = match request.body(job.body.clone()).send().await {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("the subscriber answered {}", r.status().as_u16())),
        Err(e) if e.is_timeout() => Err("the subscriber did not answer in time".to_string()),
        Err(_) => Err("the subscriber could not be reached".to_string()),
    };
    tracing::debug!(
        event_id = job.event_id,
        subscription_id = job.subscription_id,
        attempt = job.attempt + 1,
        delivered = outcome.is_ok(),
        "webhook attempt"
    );
    let WebhookJob {
        event_id,
        subscription_id,
        attempt,
        ..
    } = job;
    let recording = engine.clone();
    let done = store
        .run(move |tx| {
            record(
                &recording,
                tx,
                &event_id,
                &subscription_id,
                attempt,
                outcome,
            )
        })
        .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "could not record a webhook attempt");
    }
}
