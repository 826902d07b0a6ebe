//! Webhook subscriptions, events and deliveries (`store::webhooks`) in PostgreSQL: the
//! [`WebhookTable`] of the writer's connection, which `Tx::webhooks` hands out inside the
//! writer's transaction. Rows read to be changed are locked (`FOR UPDATE`), so two nodes
//! never both record an attempt's outcome.

use postgres::Row;

use super::conn::{PgConn, storage};
use crate::server::store::{
    DeliveryState, StoreResult, SubscriptionRow, WebhookDeliveryRow, WebhookEventRow, WebhookTable,
};

const SUBSCRIPTION_COLUMNS: &str =
    "subscription_id, workspace_id, owner_agent, callback_url, secret, active, revoked_at, body";

fn subscription_of(r: &Row) -> SubscriptionRow {
    SubscriptionRow {
        subscription_id: r.get(0),
        workspace_id: r.get(1),
        owner: r.get(2),
        callback_url: r.get(3),
        secret: r.get(4),
        active: r.get(5),
        revoked_at: r.get(6),
        body: r.get(7),
    }
}

impl WebhookTable for PgConn {
    fn subscription(&mut self, id: &str) -> StoreResult<Option<SubscriptionRow>> {
        Ok(self
            .query_opt(
                &format!(
                    "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions \
                     WHERE subscription_id = $1 FOR UPDATE"
                ),
                &[&id],
            )
            .map_err(storage)?
            .map(|r| subscription_of(&r)))
    }

    fn subscriptions(
        &mut self,
        workspace_id: &str,
        owner: &str,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        Ok(self
            .query(
                &format!(
                    "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions \
                     WHERE workspace_id = $1 AND owner_agent = $2 ORDER BY created_seq"
                ),
                &[&workspace_id, &owner],
            )
            .map_err(storage)?
            .iter()
            .map(subscription_of)
            .collect())
    }

    fn put_subscription(&mut self, row: &SubscriptionRow) -> StoreResult<()> {
        self.execute(
            "INSERT INTO webhook_subscriptions (subscription_id, workspace_id, owner_agent, \
             callback_url, secret, active, revoked_at, body, created_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
               (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM webhook_subscriptions)) \
             ON CONFLICT (subscription_id) DO UPDATE SET workspace_id = excluded.workspace_id, \
             owner_agent = excluded.owner_agent, callback_url = excluded.callback_url, \
             secret = excluded.secret, active = excluded.active, revoked_at = excluded.revoked_at, \
             body = excluded.body",
            &[
                &row.subscription_id,
                &row.workspace_id,
                &row.owner,
                &row.callback_url,
                &row.secret,
                &row.active,
                &row.revoked_at,
                &row.body,
            ],
        )
        .map_err(storage)?;
        Ok(())
    }

    fn event(&mut self, event_id: &str) -> StoreResult<Option<WebhookEventRow>> {
        Ok(self
            .query_opt(
                "SELECT event_id, workspace_id, owner_agent, event_type, source, payload, \
                 created_at FROM webhook_events WHERE event_id = $1",
                &[&event_id],
            )
            .map_err(storage)?
            .map(|r| WebhookEventRow {
                event_id: r.get(0),
                workspace_id: r.get(1),
                owner: r.get(2),
                event_type: r.get(3),
                source: r.get(4),
                payload: r.get(5),
                created_at: r.get(6),
            }))
    }

    fn put_event(&mut self, row: &WebhookEventRow) -> StoreResult<()> {
        self.execute(
            "INSERT INTO webhook_events \
             (event_id, workspace_id, owner_agent, event_type, source, payload, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &row.event_id,
                &row.workspace_id,
                &row.owner,
                &row.event_type,
                &row.source,
                &row.payload,
                &row.created_at,
            ],
        )
        .map_err(storage)?;
        Ok(())
    }

    fn deliveries(&mut self, event_id: &str) -> StoreResult<Vec<WebhookDeliveryRow>> {
        Ok(self
            .query(
                "SELECT event_id, subscription_id, state, attempts, last_error, updated_at \
                 FROM webhook_deliveries WHERE event_id = $1 ORDER BY subscription_id FOR UPDATE",
                &[&event_id],
            )
            .map_err(storage)?
            .iter()
            .map(|r| WebhookDeliveryRow {
                event_id: r.get(0),
                subscription_id: r.get(1),
                state: DeliveryState::parse(r.get::<_, &str>(2)),
                attempts: u32::try_from(r.get::<_, i64>(3)).unwrap_or(u32::MAX),
                last_error: r.get(4),
                updated_at: r.get(5),
            })
            .collect())
    }

    fn put_delivery(&mut self, row: &WebhookDeliveryRow) -> StoreResult<()> {
        self.execute(
            "INSERT INTO webhook_deliveries \
             (event_id, subscription_id, state, attempts, last_error, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, subscription_id) DO UPDATE SET \
             state = excluded.state, attempts = excluded.attempts, \
             last_error = excluded.last_error, updated_at = excluded.updated_at",
            &[
                &row.event_id,
                &row.subscription_id,
                &row.state.as_str(),
                &i64::from(row.attempts),
                &row.last_error,
                &row.updated_at,
            ],
        )
        .map_err(storage)?;
        Ok(())
    }
}
