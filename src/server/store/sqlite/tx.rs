//! [`Tx`] on the writer's connection: the operations a job (and the engine's [`Reactor`])
//! may combine in one transaction. Every transition runs the reactor, so follow-up changes
//! (a parent's advance, timers, inbox threads) commit with the change that caused them.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::hot::HotUpdate;
use super::reads::{ACCOUNT_COLUMNS, account_row};
use super::writer::{Staged, WriterState};
use super::writes;
use crate::protocol::Intent;
use crate::protocol::access::ReceivePolicy;
use crate::server::store::KeyRow;
use crate::server::store::invites::InviteRow;
use crate::server::store::media::MediaRow;
use crate::server::store::schemas::SchemaRow;
use crate::server::store::users::ProfileRow;
use crate::server::store::{
    AccountRow, AgentDeliveryRow, CreateOutcome, Decide, IdempotencyKey, IntentMeta, NewIntent,
    Notice, Reactor, Render, StoreError, StoreResult, ThreadRow, TimerRow, Transitioned, Tx,
    WebhookTable,
};

/// Reactions may cause reactions (a step ends → its parent ends → …); bounded for safety.
const MAX_DEPTH: u32 = 16;

pub struct SqliteTx<'a> {
    conn: &'a Connection,
    state: &'a mut WriterState,
    reactor: Option<Arc<dyn Reactor>>,
    notices: Vec<Notice>,
    events: usize,
    depth: u32,
}

impl<'a> SqliteTx<'a> {
    pub fn new(conn: &'a Connection, state: &'a mut WriterState) -> Self {
        let reactor = state.reactor.clone();
        SqliteTx {
            conn,
            state,
            reactor,
            notices: Vec::new(),
            events: 0,
            depth: 0,
        }
    }

    pub fn finish<R>(self, value: R) -> Staged<R> {
        Staged {
            value,
            notices: self.notices,
            events: self.events,
        }
    }
}

pub fn insert_timer(conn: &Connection, t: &TimerRow) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO timers (intent_id, kind, due_ms, data) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (intent_id, kind) DO UPDATE SET due_ms = excluded.due_ms, data = excluded.data",
    )?
    .execute(params![t.intent_id, t.kind, t.due_ms, t.data])?;
    Ok(())
}

impl Tx for SqliteTx<'_> {
    fn intent(&mut self, intent_id: &str) -> StoreResult<Option<(IntentMeta, Intent)>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT workspace_id, to_workspace_id, sender_sa_id, body, to_agent FROM intents \
                 WHERE intent_id = ?1",
            )?
            .query_row([intent_id], |r| {
                Ok((
                    IntentMeta {
                        workspace_id: r.get(0)?,
                        to_workspace_id: r.get(1)?,
                        sender_sa_id: r.get(2)?,
                        to_agent: r.get(4)?,
                    },
                    r.get::<_, String>(3)?,
                ))
            })
            .optional()?;
        match row {
            None => Ok(None),
            Some((meta, body)) => {
                let intent = serde_json::from_str(&body).map_err(|e| {
                    StoreError::internal(format!("stored intent is unreadable: {e}"))
                })?;
                Ok(Some((meta, intent)))
            }
        }
    }

    fn transition(&mut self, intent_id: &str, decide: Decide) -> StoreResult<Transitioned> {
        let staged = writes::transition(self.conn, self.state, intent_id, decide)?;
        self.notices.extend(staged.notices);
        self.events += staged.events;
        let done = staged.value;
        if let Some(reactor) = self.reactor.clone()
            && !done.events.is_empty()
            && self.depth < MAX_DEPTH
        {
            self.depth += 1;
            let reacted = reactor.changed(self, &done);
            self.depth -= 1;
            reacted?;
        }
        Ok(done)
    }

    fn create(&mut self, intent: NewIntent) -> StoreResult<CreateOutcome> {
        let staged = writes::create_intent(self.conn, self.state, intent)?;
        self.notices.extend(staged.notices);
        self.events += staged.events;
        Ok(staged.value)
    }

    fn set_timer(&mut self, timer: TimerRow) -> StoreResult<()> {
        insert_timer(self.conn, &timer)?;
        self.notices.push(Notice::Timer(timer.due_ms));
        Ok(())
    }

    fn clear_timer(&mut self, intent_id: &str, kind: &str) -> StoreResult<()> {
        self.conn
            .prepare_cached("DELETE FROM timers WHERE intent_id = ?1 AND kind = ?2")?
            .execute(params![intent_id, kind])?;
        Ok(())
    }

    /// The `from` row becomes `timer` in place (one statement instead of a delete and an
    /// insert on the hot path of every delivery); inserted when there is none.
    fn replace_timer(&mut self, from: &str, timer: TimerRow) -> StoreResult<()> {
        let moved = self
            .conn
            .prepare_cached(
                "UPDATE OR REPLACE timers SET kind = ?3, due_ms = ?4, data = ?5 \
                 WHERE intent_id = ?1 AND kind = ?2",
            )?
            .execute(params![
                timer.intent_id,
                from,
                timer.kind,
                timer.due_ms,
                timer.data
            ])?;
        if moved == 0 {
            insert_timer(self.conn, &timer)?;
        }
        self.notices.push(Notice::Timer(timer.due_ms));
        Ok(())
    }

    fn clear_timers(&mut self, intent_id: &str) -> StoreResult<()> {
        self.conn
            .prepare_cached("DELETE FROM timers WHERE intent_id = ?1")?
            .execute([intent_id])?;
        Ok(())
    }

    fn take_due_timers(&mut self, now_ms: i64, limit: u32) -> StoreResult<Vec<TimerRow>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT intent_id, kind, due_ms, data FROM timers WHERE due_ms <= ?1 \
                 ORDER BY due_ms LIMIT ?2",
            )?
            .query_map(params![now_ms, limit], |r| {
                Ok(TimerRow {
                    intent_id: r.get(0)?,
                    kind: r.get(1)?,
                    due_ms: r.get(2)?,
                    data: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for t in &rows {
            self.clear_timer(&t.intent_id, &t.kind)?;
        }
        Ok(rows)
    }

    fn workflow(&mut self, parent_intent_id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT body FROM workflows WHERE parent_intent_id = ?1")?
            .query_row([parent_intent_id], |r| r.get(0))
            .optional()?)
    }

    fn put_workflow(&mut self, parent_intent_id: &str, body: &str) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO workflows (parent_intent_id, body) VALUES (?1, ?2) \
                 ON CONFLICT (parent_intent_id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![parent_intent_id, body])?;
        Ok(())
    }

    fn ensure_account(&mut self, a: &AccountRow) -> StoreResult<(AccountRow, bool)> {
        let existing = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM service_accounts \
                     WHERE workspace_id = ?1 AND name = ?2"
            ))?
            .query_row(params![a.workspace_id, a.name], account_row)
            .optional()?;
        match existing {
            Some(row) => Ok((row, false)),
            None => {
                writes::insert_account(self.conn, a)?;
                Ok((a.clone(), true))
            }
        }
    }

    fn put_agent_delivery(&mut self, row: &AgentDeliveryRow) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO agent_delivery (address, sa_id, workspace_id, delivery_mode, \
                 callback_url, secret) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (address) DO UPDATE SET sa_id = excluded.sa_id, \
                 workspace_id = excluded.workspace_id, delivery_mode = excluded.delivery_mode, \
                 callback_url = excluded.callback_url, secret = excluded.secret",
            )?
            .execute(params![
                row.address,
                row.sa_id,
                row.workspace_id,
                row.delivery_mode.as_str(),
                row.callback_url,
                row.secret
            ])?;
        Ok(())
    }

    fn receive_policy(&mut self, address: &str) -> StoreResult<Option<ReceivePolicy>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM receive_policies WHERE address = ?1")?
            .query_row([address], |r| r.get(0))
            .optional()?;
        body.map(|b| {
            serde_json::from_str(&b)
                .map_err(|e| StoreError::internal(format!("stored receive policy unreadable: {e}")))
        })
        .transpose()
    }

    fn put_receive_policy(
        &mut self,
        workspace_id: &str,
        policy: &ReceivePolicy,
    ) -> StoreResult<()> {
        let body = StoreError::encode(policy)?;
        self.conn
            .prepare_cached(
                "INSERT INTO receive_policies (address, workspace_id, body) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (address) DO UPDATE SET workspace_id = excluded.workspace_id, \
                 body = excluded.body",
            )?
            .execute(params![policy.address, workspace_id, body])?;
        Ok(())
    }

    fn rearm_deliveries(&mut self, address: &str, kind: &str, due_ms: i64) -> StoreResult<usize> {
        let moved = self
            .conn
            .prepare_cached(
                "UPDATE timers SET due_ms = ?2 WHERE kind = ?3 AND intent_id IN \
                 (SELECT intent_id FROM intents WHERE to_agent = ?1 AND status = 'SUBMITTED')",
            )?
            .execute(params![address, due_ms, kind])?;
        if moved > 0 {
            self.notices.push(Notice::Timer(due_ms));
        }
        Ok(moved)
    }

    fn redeliver(&mut self, intent_id: &str) -> StoreResult<bool> {
        let cursor = self.state.next_cursor();
        let to_agent: Option<String> = self
            .conn
            .prepare_cached(
                "UPDATE intents SET delivery_cursor = ?2 WHERE intent_id = ?1 RETURNING to_agent",
            )?
            .query_row(params![intent_id, crate::num::i64_from_u64(cursor)], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(to_agent) = to_agent else {
            return Ok(false);
        };
        self.state.hot.push(HotUpdate::Requeued {
            intent_id: intent_id.to_string(),
            cursor,
        });
        self.notices.push(Notice::Agent(to_agent));
        Ok(true)
    }

    fn thread(&mut self, thread_id: &str) -> StoreResult<Option<ThreadRow>> {
        super::inbox::thread(self.conn, thread_id)
    }

    fn put_thread(&mut self, row: &ThreadRow) -> StoreResult<i64> {
        super::inbox::put_thread(self.conn, row)
    }

    fn approval(&mut self, approval_id: &str) -> StoreResult<Option<(String, String)>> {
        super::inbox::approval(self.conn, approval_id)
    }

    fn put_approval(
        &mut self,
        approval_id: &str,
        workspace_id: &str,
        body: &str,
    ) -> StoreResult<bool> {
        super::inbox::put_approval(self.conn, approval_id, workspace_id, body)
    }

    fn replay(&mut self, key: &IdempotencyKey) -> StoreResult<Option<String>> {
        writes::idempotent_replay(self.conn, key)
    }

    fn remember(&mut self, key: &IdempotencyKey, response: &str) -> StoreResult<()> {
        writes::remember(self.conn, key, response)
    }

    fn webhooks(&mut self) -> &mut dyn WebhookTable {
        &mut self.conn
    }

    fn profile(&mut self, owner_agent: &str) -> StoreResult<Option<ProfileRow>> {
        super::users::profile(self.conn, owner_agent)
    }

    fn profile_by_nick(&mut self, normalized: &str) -> StoreResult<Option<ProfileRow>> {
        super::users::profile_by_nick(self.conn, normalized)
    }

    fn put_profile(&mut self, row: &ProfileRow) -> StoreResult<()> {
        super::users::put_profile(self.conn, row)
    }

    fn media(&mut self, upload_id: &str) -> StoreResult<Option<MediaRow>> {
        super::media::media(self.conn, upload_id)
    }

    fn put_media(&mut self, row: &MediaRow) -> StoreResult<()> {
        super::media::put_media(self.conn, row)
    }

    fn invite(&mut self, token_hash: &str) -> StoreResult<Option<InviteRow>> {
        super::invites::invite(self.conn, token_hash)
    }

    fn put_invite(&mut self, row: &InviteRow) -> StoreResult<()> {
        super::invites::put_invite(self.conn, row)
    }

    fn put_key(&mut self, key: &KeyRow) -> StoreResult<()> {
        writes::insert_key(self.conn, key)
    }

    fn semantic_schema(
        &mut self,
        workspace_id: &str,
        semantic_type: &str,
    ) -> StoreResult<Option<SchemaRow>> {
        super::schemas::schema(self.conn, workspace_id, semantic_type)
    }

    fn core_schema(&mut self, semantic_type: &str) -> StoreResult<Option<SchemaRow>> {
        super::schemas::core_schema(self.conn, semantic_type)
    }

    fn put_semantic_schema(&mut self, row: &SchemaRow) -> StoreResult<()> {
        super::schemas::put_schema(self.conn, row)
    }
}

/// [`Tx::transition`] as a whole job.
pub fn transition(
    conn: &Connection,
    state: &mut WriterState,
    intent_id: &str,
    decide: Decide,
) -> StoreResult<Staged<Transitioned>> {
    let mut tx = SqliteTx::new(conn, state);
    let done = tx.transition(intent_id, decide)?;
    Ok(tx.finish(done))
}

/// A transition under an `Idempotency-Key`: the rendered answer is stored with it.
pub fn transition_idempotent(
    conn: &Connection,
    state: &mut WriterState,
    intent_id: &str,
    decide: Decide,
    key: &IdempotencyKey,
    render: Render,
) -> StoreResult<Staged<String>> {
    let mut tx = SqliteTx::new(conn, state);
    if let Some(response) = tx.replay(key)? {
        return Ok(Staged::quiet(response));
    }
    let done = tx.transition(intent_id, decide)?;
    let response = render(&done)?;
    tx.remember(key, &response)?;
    Ok(tx.finish(response))
}
