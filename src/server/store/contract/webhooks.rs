//! Webhook subscriptions, events and deliveries on both stores, and the `webhook` timers
//! that drive deliveries (keyed by no intent) being claimed like any other and surviving a
//! reopen.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::{
    DeliveryState, SubscriptionRow, TimerRow, WebhookDeliveryRow, WebhookEventRow,
};

fn sub(id: &str, workspace: &str, owner: &str) -> SubscriptionRow {
    SubscriptionRow {
        subscription_id: id.into(),
        workspace_id: workspace.into(),
        owner: owner.into(),
        callback_url: "http://127.0.0.1:9/hook".into(),
        secret: Some("sealed1:00".into()),
        active: true,
        revoked_at: None,
        body: format!("{{\"subscription_id\":\"{id}\"}}"),
    }
}

fn delivery(
    event: &str,
    subscription: &str,
    state: DeliveryState,
    attempts: u32,
) -> WebhookDeliveryRow {
    WebhookDeliveryRow {
        event_id: event.into(),
        subscription_id: subscription.into(),
        state,
        attempts,
        last_error: None,
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

async fn webhooks_persist(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let me = "agent://o/w/me";
    store
        .run(move |tx| {
            tx.webhooks().put_subscription(&sub("s1", "ws1", me))?;
            tx.webhooks().put_subscription(&sub("s2", "ws1", me))?;
            tx.webhooks().put_subscription(&sub("s3", "ws2", me))?;
            tx.webhooks()
                .put_subscription(&sub("s4", "ws1", "agent://o/w/other"))?;
            // An update keeps the subscription's place.
            let mut s1 = tx.webhooks().subscription("s1")?.expect("s1 is there");
            s1.active = false;
            s1.revoked_at = Some("2026-01-02T00:00:00.000Z".into());
            s1.secret = None;
            tx.webhooks().put_subscription(&s1)?;
            tx.webhooks().put_event(&WebhookEventRow {
                event_id: "e1".into(),
                workspace_id: "ws1".into(),
                owner: me.into(),
                event_type: "inbox.thread_created".into(),
                source: "test".into(),
                payload: "{\"n\":1}".into(),
                created_at: "2026-01-01T00:00:00.000Z".into(),
            })?;
            tx.webhooks()
                .put_delivery(&delivery("e1", "s2", DeliveryState::Pending, 0))?;
            tx.webhooks()
                .put_delivery(&delivery("e1", "s1", DeliveryState::Delivered, 1))?;
            let mut failed = delivery("e1", "s2", DeliveryState::DeadLettered, 3);
            failed.last_error = Some("the subscriber answered 500".into());
            tx.webhooks().put_delivery(&failed)?;
            tx.set_timer(TimerRow {
                intent_id: "e1/s2".into(),
                kind: "webhook".into(),
                due_ms: 5,
                data: "{\"attempt\":2}".into(),
            })
        })
        .await
        .unwrap();
    store.shutdown().await.unwrap();
    drop(store);

    let store = place.open(Arc::new(Count::default())).await;
    let (mine, s1, event, deliveries, timers, none) = store
        .run(move |tx| {
            Ok((
                tx.webhooks().subscriptions("ws1", me)?,
                tx.webhooks().subscription("s1")?,
                tx.webhooks().event("e1")?,
                tx.webhooks().deliveries("e1")?,
                tx.take_due_timers(10, 10)?,
                (
                    tx.webhooks().subscription("none")?,
                    tx.webhooks().event("none")?,
                ),
            ))
        })
        .await
        .unwrap();
    let ids: Vec<&str> = mine.iter().map(|s| s.subscription_id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2"], "the owner's, in creation order");
    let s1 = s1.unwrap();
    assert!(!s1.active && s1.revoked_at.is_some() && s1.secret.is_none());
    assert_eq!(mine[1].secret.as_deref(), Some("sealed1:00"));
    let event = event.unwrap();
    assert_eq!(
        (event.owner.as_str(), event.payload.as_str()),
        (me, "{\"n\":1}")
    );
    assert_eq!(deliveries.len(), 2);
    assert_eq!(
        (
            deliveries[0].subscription_id.as_str(),
            deliveries[0].state,
            deliveries[0].attempts
        ),
        ("s1", DeliveryState::Delivered, 1)
    );
    assert_eq!(
        (
            deliveries[1].state,
            deliveries[1].attempts,
            deliveries[1].last_error.as_deref()
        ),
        (
            DeliveryState::DeadLettered,
            3,
            Some("the subscriber answered 500")
        )
    );
    // A webhook timer has no intent row, and is claimed all the same (once).
    assert_eq!(timers.len(), 1, "{timers:?}");
    assert_eq!(
        (timers[0].intent_id.as_str(), timers[0].data.as_str()),
        ("e1/s2", "{\"attempt\":2}")
    );
    assert_eq!(none, (None, None));
    let again = store.run(|tx| tx.take_due_timers(10, 10)).await.unwrap();
    assert!(again.is_empty());
    store.shutdown().await.unwrap();
}

both_stores!(webhooks_persist);
