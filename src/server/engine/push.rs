//! HTTP push delivery (spec §7.3): POST the delivery frame to the agent's `callback_url`,
//! signed `X-Axme-Signature: sha256=<hex HMAC-SHA256(secret, body)>`. A 2xx marks the
//! intent DELIVERED; anything else counts a failed attempt (backoff, then FAILED with
//! `intent.delivery_failed`). The attempt's timer was re-armed before the POST, so a crash
//! mid-push only means the push is tried again. A DELIVERED intent whose answer lease
//! ended is pushed again (`timers::redeliver`); that push's outcome changes nothing.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::lifecycle;
use super::reactor::Engine;
use super::timers::{PushJob, count_failed_attempt};
use crate::protocol::{AgentDelivery, Intent, Status};
use crate::server::store::Store;

pub const SIGNATURE_HEADER: &str = "X-Axme-Signature";

/// `sha256=<hex>` of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub async fn run(store: Arc<dyn Store>, engine: Arc<Engine>, http: reqwest::Client, job: PushJob) {
    let PushJob {
        intent_id,
        url,
        secret,
        attempt,
        redelivery,
    } = job;
    let Ok(Some(row)) = store.get_intent(intent_id.clone()).await else {
        return;
    };
    let Ok(intent) = serde_json::from_str::<Intent>(&row.json) else {
        return;
    };
    let due = match intent.status {
        Status::Submitted => true,
        // The answer lease ended: the agent took it once and never answered.
        Status::Delivered => redelivery,
        _ => false,
    };
    if !due {
        return;
    }
    // The same object an agent stream frame carries, marked as the delivery it makes.
    let mut frame = AgentDelivery::of(&intent, row.delivery_cursor, engine.now());
    frame.status = Status::Delivered;
    let Ok(body) = serde_json::to_string(&frame) else {
        return;
    };
    let mut request = http
        .post(&url)
        .timeout(engine.timing.push_timeout)
        .header("content-type", "application/json")
        .header("x-axme-attempt", (attempt + 1).to_string());
    if let Some(secret) = &secret {
        request = request.header(SIGNATURE_HEADER, signature(secret, body.as_bytes()));
    }
    let outcome = request.body(body).send().await;
    let delivered = matches!(&outcome, Ok(r) if r.status().is_success());
    engine
        .mesh
        .push_outcome(&intent.to_agent, engine.now(), delivered);
    tracing::debug!(
        intent_id,
        url = url.as_str(),
        attempt = attempt + 1,
        delivered,
        "push attempt"
    );
    if redelivery {
        // The intent is DELIVERED already and its lease was re-armed: nothing to count.
        return;
    }
    if delivered {
        let now = engine.now();
        let done = store
            .transition(
                intent_id,
                Box::new(move |_, current| Ok(lifecycle::deliver(current, &now))),
            )
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not mark a pushed intent delivered");
        }
        return;
    }
    let counting = engine.clone();
    let failed = store
        .run(move |tx| {
            if let Some((_, current)) = tx.intent(&intent_id)?
                && current.status == Status::Submitted
            {
                count_failed_attempt(&counting, tx, &current, attempt)?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = failed {
        tracing::warn!(error = %e, "could not record a failed push");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signature_is_lowercase_hex_hmac() {
        // RFC 4231 test case 2.
        let sig = super::signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
