//! [`Tx`] on the writer's connection: the operations a job (and the engine's [`Reactor`])
//! may combine in one transaction, and the reactor's run after each transition. Mirrors
//! the SQLite store's `tx.rs`; the rows it writes are `writes.rs`'s. What differs from
//! SQLite is locking, since several nodes write: timers are claimed with `SKIP LOCKED`.

use std::sync::Arc;

use super::conn::{PgConn, storage};
use super::timer_ops::{self, TimerOp};
use super::writer::{Staged, WriterState};
use super::writes::{claim, create_intent, idempotent_replay, meta_of, parse_intent, transition};
use crate::protocol::Intent;
use crate::protocol::access::{ReceivePolicy, Role};
use crate::server::store::KeyRow;
use crate::server::store::invites::InviteRow;
use crate::server::store::media::MediaRow;
use crate::server::store::schemas::SchemaRow;
use crate::server::store::sqlite::hot::HotUpdate;
use crate::server::store::users::ProfileRow;
use crate::server::store::{
    AccountRow, AgentDeliveryRow, CreateOutcome, Decide, IdempotencyKey, IntentMeta, NewIntent,
    Notice, Reactor, Render, ThreadRow, TimerRow, Transitioned, Tx, WebhookTable,
};
use crate::server::store::{StoreError, StoreResult};

/// Reactions may cause reactions (a step ends → its parent ends → …); bounded for safety.
const MAX_DEPTH: u32 = 16;

pub struct PgTx<'a> {
    conn: &'a mut PgConn,
    state: &'a mut WriterState,
    reactor: Option<Arc<dyn Reactor>>,
    notices: Vec<Notice>,
    events: usize,
    depth: u32,
}

impl<'a> PgTx<'a> {
    pub fn new(conn: &'a mut PgConn, state: &'a mut WriterState) -> Self {
        let reactor = state.reactor.clone();
        PgTx {
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

impl Tx for PgTx<'_> {
    fn intent(&mut self, intent_id: &str) -> StoreResult<Option<(IntentMeta, Intent)>> {
        let row = self
            .conn
            .query_opt(
                "SELECT workspace_id, to_workspace_id, sender_sa_id, body, to_agent FROM intents \
                 WHERE intent_id = $1",
                &[&intent_id],
            )
            .map_err(storage)?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some((meta_of(&row, 0, 4), parse_intent(row.get(3))?))),
        }
    }

    fn transition(&mut self, intent_id: &str, decide: Decide) -> StoreResult<Transitioned> {
        let staged = transition(self.conn, &mut self.state.hot, intent_id, decide)?;
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
        let staged = create_intent(self.conn, self.state, intent)?;
        self.notices.extend(staged.notices);
        self.events += staged.events;
        Ok(staged.value)
    }

    // Timer changes are queued and written with the batch (`timer_ops`).
    fn set_timer(&mut self, timer: TimerRow) -> StoreResult<()> {
        self.notices.push(Notice::Timer(timer.due_ms));
        self.state.timer_ops.push(TimerOp::Set(timer));
        Ok(())
    }

    fn clear_timer(&mut self, intent_id: &str, kind: &str) -> StoreResult<()> {
        self.state.timer_ops.push(TimerOp::Clear {
            intent_id: intent_id.to_string(),
            kind: kind.to_string(),
        });
        Ok(())
    }

    fn clear_timers(&mut self, intent_id: &str) -> StoreResult<()> {
        self.state
            .timer_ops
            .push(TimerOp::ClearAll(intent_id.to_string()));
        Ok(())
    }

    fn take_due_timers(&mut self, now_ms: i64, limit: u32) -> StoreResult<Vec<TimerRow>> {
        timer_ops::flush(self.conn, &mut self.state.timer_ops)?;
        // Lock order across nodes: an intent's row before its timers, as every transition
        // does (it locks the intent, then its reactor sets or clears the timers). So the
        // claim locks both the timer and its intent with SKIP LOCKED: a timer whose intent
        // another node is changing right now is left for a later claim instead of waiting
        // on it while that node waits on the timer (a deadlock). The delete commits with
        // the timers' effects, so each fires once across the cluster; a node that dies
        // mid-claim rolls back and its timers are claimed again by the others.
        let rows = self
            .conn
            .query(
                "WITH due AS (\
                   SELECT t.intent_id, t.kind FROM intents i \
                   JOIN timers t ON t.intent_id = i.intent_id \
                   WHERE t.due_ms <= $1 ORDER BY t.due_ms LIMIT $2 \
                   FOR UPDATE OF i, t SKIP LOCKED) \
                 DELETE FROM timers USING due \
                 WHERE timers.intent_id = due.intent_id AND timers.kind = due.kind \
                 RETURNING timers.intent_id, timers.kind, timers.due_ms, timers.data",
                &[&now_ms, &i64::from(limit)],
            )
            .map_err(storage)?;
        // Webhook delivery timers belong to no intent (keyed `<event>/<subscription>`), nor
        // do notification mails (keyed by their thread): claimed on their own row; their
        // delivery row or thread is locked when they fire.
        let webhooks = self
            .conn
            .query(
                "WITH due AS (\
                   SELECT t.intent_id, t.kind FROM timers t \
                   WHERE t.kind IN ('webhook', 'mail') AND t.due_ms <= $1 \
                   ORDER BY t.due_ms LIMIT $2 \
                   FOR UPDATE SKIP LOCKED) \
                 DELETE FROM timers USING due \
                 WHERE timers.intent_id = due.intent_id AND timers.kind = due.kind \
                 RETURNING timers.intent_id, timers.kind, timers.due_ms, timers.data",
                &[&now_ms, &i64::from(limit)],
            )
            .map_err(storage)?;
        // A due timer of no intent could never be claimed above (and would keep the
        // scheduler awake): it goes, as firing it would change nothing.
        self.conn
            .execute(
                "DELETE FROM timers t WHERE t.due_ms <= $1 AND t.kind NOT IN ('webhook', 'mail') \
                 AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.intent_id = t.intent_id)",
                &[&now_ms],
            )
            .map_err(storage)?;
        let mut timers: Vec<TimerRow> = rows
            .iter()
            .chain(webhooks.iter())
            .map(|r| TimerRow {
                intent_id: r.get(0),
                kind: r.get(1),
                due_ms: r.get(2),
                data: r.get(3),
            })
            .collect();
        timers.sort_by_key(|t| t.due_ms);
        Ok(timers)
    }

    fn workflow(&mut self, parent_intent_id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_opt(
                "SELECT body FROM workflows WHERE parent_intent_id = $1",
                &[&parent_intent_id],
            )
            .map_err(storage)?
            .map(|r| r.get(0)))
    }

    fn put_workflow(&mut self, parent_intent_id: &str, body: &str) -> StoreResult<()> {
        self.conn
            .execute(
                "INSERT INTO workflows (parent_intent_id, body) VALUES ($1, $2) \
                 ON CONFLICT (parent_intent_id) DO UPDATE SET body = excluded.body",
                &[&parent_intent_id, &body],
            )
            .map_err(storage)?;
        Ok(())
    }

    fn ensure_account(&mut self, a: &AccountRow) -> StoreResult<(AccountRow, bool)> {
        let inserted = self
            .conn
            .execute(
                "INSERT INTO service_accounts (sa_id, org_id, workspace_id, name, display_name, \
                 description, status, is_admin, created_at, updated_at, role) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (workspace_id, name) DO NOTHING",
                &[
                    &a.sa_id,
                    &a.org_id,
                    &a.workspace_id,
                    &a.name,
                    &a.display_name,
                    &a.description,
                    &a.status,
                    &(a.role == Role::Admin),
                    &a.created_at,
                    &a.updated_at,
                    &a.role.as_str(),
                ],
            )
            .map_err(storage)?;
        if inserted == 1 {
            self.state.directory_changed = true;
            return Ok((a.clone(), true));
        }
        let row = self
            .conn
            .query_opt(
                &format!(
                    "SELECT {} FROM service_accounts WHERE workspace_id = $1 AND name = $2",
                    super::reads::ACCOUNT_COLUMNS
                ),
                &[&a.workspace_id, &a.name],
            )
            .map_err(storage)?
            .ok_or_else(|| StoreError::internal("account vanished"))?;
        Ok((super::reads::account_row(&row), false))
    }

    fn receive_policy(&mut self, address: &str) -> StoreResult<Option<ReceivePolicy>> {
        let row = self
            .conn
            .query_opt(
                "SELECT body FROM receive_policies WHERE address = $1 FOR UPDATE",
                &[&address],
            )
            .map_err(storage)?;
        row.map(|r| {
            serde_json::from_str(r.get::<_, &str>(0))
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
            .execute(
                "INSERT INTO receive_policies (address, workspace_id, body) VALUES ($1, $2, $3) \
                 ON CONFLICT (address) DO UPDATE SET workspace_id = excluded.workspace_id, \
                 body = excluded.body",
                &[&policy.address, &workspace_id, &body],
            )
            .map_err(storage)?;
        // Other nodes reload their policies with the directory.
        self.state.directory_changed = true;
        Ok(())
    }

    fn put_agent_delivery(&mut self, row: &AgentDeliveryRow) -> StoreResult<()> {
        self.conn
            .execute(
                "INSERT INTO agent_delivery (address, sa_id, workspace_id, delivery_mode, \
                 callback_url, secret) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (address) DO UPDATE SET sa_id = excluded.sa_id, \
                 workspace_id = excluded.workspace_id, delivery_mode = excluded.delivery_mode, \
                 callback_url = excluded.callback_url, secret = excluded.secret",
                &[
                    &row.address,
                    &row.sa_id,
                    &row.workspace_id,
                    &row.delivery_mode.as_str(),
                    &row.callback_url,
                    &row.secret,
                ],
            )
            .map_err(storage)?;
        self.state.directory_changed = true;
        Ok(())
    }

    fn rearm_deliveries(&mut self, address: &str, kind: &str, due_ms: i64) -> StoreResult<usize> {
        timer_ops::flush(self.conn, &mut self.state.timer_ops)?;
        let moved = self
            .conn
            .execute(
                "UPDATE timers SET due_ms = $2 WHERE kind = $3 AND intent_id IN \
                 (SELECT intent_id FROM intents WHERE to_agent = $1 AND status = 'SUBMITTED')",
                &[&address, &due_ms, &kind],
            )
            .map_err(storage)?;
        if moved > 0 {
            self.notices.push(Notice::Timer(due_ms));
        }
        Ok(usize::try_from(moved).unwrap_or(usize::MAX))
    }

    fn redeliver(&mut self, intent_id: &str) -> StoreResult<bool> {
        // The row is locked until commit; its new cursor is handed out at the end of the
        // batch, under the counter's lock, like a new intent's.
        let row = self
            .conn
            .query_opt(
                "SELECT id, to_agent FROM intents WHERE intent_id = $1 FOR UPDATE",
                &[&intent_id],
            )
            .map_err(storage)?;
        let Some(row) = row else {
            return Ok(false);
        };
        self.state.created.push(row.get(0));
        self.state.hot.push(HotUpdate::Forget {
            intent_id: intent_id.to_string(),
        });
        self.notices.push(Notice::Agent(row.get(1)));
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
        idempotent_replay(self.conn, key)
    }

    fn webhooks(&mut self) -> &mut dyn WebhookTable {
        self.conn
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
        super::writes::insert_key(self.conn, key)?;
        self.state.directory_changed = true;
        Ok(())
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

    fn remember(&mut self, key: &IdempotencyKey, response: &str) -> StoreResult<()> {
        match claim(self.conn, key, response)? {
            None => Ok(()),
            // Another node answered the same key at the same moment and committed first.
            Some(_) => Err(StoreError::Unavailable(
                "a request with this Idempotency-Key was answered at the same moment; retry \
                 to get its answer"
                    .into(),
            )),
        }
    }
}

/// The reactor on a transition written by the batch's staged transitions, as
/// [`Tx::transition`] runs it; what it changed besides.
pub fn react(
    conn: &mut PgConn,
    state: &mut WriterState,
    done: &Transitioned,
) -> StoreResult<(Vec<Notice>, usize)> {
    let mut tx = PgTx::new(conn, state);
    if let Some(reactor) = tx.reactor.clone() {
        tx.depth = 1;
        reactor.changed(&mut tx, done)?;
    }
    Ok((tx.notices, tx.events))
}

/// [`Tx::transition`] as a whole job.
pub fn transition_job(
    conn: &mut PgConn,
    state: &mut WriterState,
    intent_id: &str,
    decide: Decide,
) -> StoreResult<Staged<Transitioned>> {
    let mut tx = PgTx::new(conn, state);
    let done = tx.transition(intent_id, decide)?;
    Ok(tx.finish(done))
}

/// A transition under an `Idempotency-Key`: the rendered answer is stored with it.
pub fn transition_idempotent(
    conn: &mut PgConn,
    state: &mut WriterState,
    intent_id: &str,
    decide: Decide,
    key: &IdempotencyKey,
    render: Render,
) -> StoreResult<Staged<String>> {
    let mut tx = PgTx::new(conn, state);
    if let Some(response) = tx.replay(key)? {
        return Ok(Staged::quiet(response));
    }
    let done = tx.transition(intent_id, decide)?;
    let response = render(&done)?;
    tx.remember(key, &response)?;
    Ok(tx.finish(response))
}
