//! [`Tx`] on the writer's connection, and the bodies of write jobs. Mirrors the SQLite
//! store's `tx.rs`/`writes.rs`; what differs is locking, since several nodes write: an
//! intent's row is locked before its next `seq` is chosen, idempotency keys are claimed
//! with `ON CONFLICT DO NOTHING`, and timers are claimed with `SKIP LOCKED`.

use std::sync::Arc;

use postgres::Row;

use super::conn::{PgConn, is_unique_violation, storage};
use super::timer_ops::{self, TimerOp};
use super::writer::{Staged, WriterState};
use crate::protocol::Intent;
use crate::protocol::access::{ReceivePolicy, Role};
use crate::server::store::sqlite::hot::HotUpdate;
use crate::server::store::{
    AccountRow, AgentDeliveryRow, CreateOutcome, Decide, Duplicate, IdempotencyKey, IntentMeta,
    KeyRow, NewIntent, Notice, OrgRow, Reactor, Render, SubscriptionRow, ThreadRow, TimerRow,
    Transitioned, Tx, WebhookDeliveryRow, WebhookEventRow, WorkspaceRow,
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

fn duplicate_or(e: postgres::Error, duplicate: Duplicate) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Duplicate(duplicate)
    } else {
        storage(e)
    }
}

pub fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn insert_org(conn: &mut PgConn, org: &OrgRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO orgs (org_id, slug, created_at) VALUES ($1, $2, $3)",
        &[&org.org_id, &org.slug, &org.created_at],
    )
    .map_err(|e| {
        duplicate_or(
            e,
            Duplicate::Org {
                slug: org.slug.clone(),
            },
        )
    })?;
    Ok(())
}

pub fn insert_workspace(conn: &mut PgConn, ws: &WorkspaceRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO workspaces (workspace_id, org_id, slug, created_at) VALUES ($1, $2, $3, $4)",
        &[&ws.workspace_id, &ws.org_id, &ws.slug, &ws.created_at],
    )
    .map_err(|e| {
        duplicate_or(
            e,
            Duplicate::Workspace {
                slug: ws.slug.clone(),
            },
        )
    })?;
    Ok(())
}

pub fn insert_account(conn: &mut PgConn, a: &AccountRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO service_accounts (sa_id, org_id, workspace_id, name, display_name, \
         description, status, is_admin, created_at, updated_at, role) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .map_err(|e| {
        duplicate_or(
            e,
            Duplicate::Account {
                name: a.name.clone(),
            },
        )
    })?;
    Ok(())
}

pub fn insert_key(conn: &mut PgConn, k: &KeyRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO api_keys (key_id, sa_id, secret_hash, key_hint, status, created_at, \
         expires_at, revoked_at, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &k.key_id,
            &k.sa_id,
            &&k.secret_hash[..],
            &k.key_hint,
            &k.status,
            &k.created_at,
            &k.expires_at,
            &k.revoked_at,
            &k.scopes.map(|s| s.to_string()),
        ],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn revoke_key(
    conn: &mut PgConn,
    sa_id: &str,
    key_id: &str,
    at: &str,
) -> StoreResult<Option<KeyRow>> {
    let row = conn
        .query_opt(
            &format!(
                "UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, $3) \
                 WHERE sa_id = $1 AND key_id = $2 RETURNING {}",
                super::reads::KEY_COLUMNS
            ),
            &[&sa_id, &key_id, &at],
        )
        .map_err(storage)?;
    Ok(row.as_ref().map(super::reads::key_row))
}

/// The earlier answer under this key, or a 409 when the key came with another body.
pub fn idempotent_replay(conn: &mut PgConn, idem: &IdempotencyKey) -> StoreResult<Option<String>> {
    let earlier = conn
        .query_opt(
            "SELECT body_hash, response FROM idempotency \
             WHERE sa_id = $1 AND endpoint = $2 AND key = $3",
            &[&idem.sa_id, &idem.endpoint, &idem.key],
        )
        .map_err(storage)?;
    match earlier {
        None => Ok(None),
        Some(row) => {
            let hash: Vec<u8> = row.get(0);
            if hash == idem.body_hash {
                Ok(Some(row.get(1)))
            } else {
                Err(StoreError::IdempotencyConflict {
                    key: idem.key.clone(),
                })
            }
        }
    }
}

/// Claims the key for this answer. Another node's transaction holding the same key is
/// waited for; if it committed, its answer is returned instead (`Some`).
fn claim(conn: &mut PgConn, idem: &IdempotencyKey, response: &str) -> StoreResult<Option<String>> {
    let inserted = conn
        .execute(
            "INSERT INTO idempotency (sa_id, endpoint, key, body_hash, response, created_at) \
             VALUES ($1, $2, $3, $4, $5, extract(epoch FROM now())::bigint) \
             ON CONFLICT DO NOTHING",
            &[
                &idem.sa_id,
                &idem.endpoint,
                &idem.key,
                &&idem.body_hash[..],
                &response,
            ],
        )
        .map_err(storage)?;
    if inserted == 1 {
        return Ok(None);
    }
    idempotent_replay(conn, idem)?
        .map(Some)
        .ok_or_else(|| StoreError::internal("idempotency record vanished"))
}

pub fn create_intent(
    conn: &mut PgConn,
    state: &mut WriterState,
    n: NewIntent,
) -> StoreResult<Staged<CreateOutcome>> {
    if let Some(idem) = &n.idempotency {
        if let Some(response) = idempotent_replay(conn, idem)? {
            return Ok(Staged::quiet(CreateOutcome::Replayed { response }));
        }
        if let Some(response) = claim(conn, idem, &n.response_json)? {
            return Ok(Staged::quiet(CreateOutcome::Replayed { response }));
        }
    }
    insert_intent(conn, state, &n)?;
    let mut notices = vec![Notice::Agent(n.meta.to_agent), Notice::Intent(n.intent_id)];
    notices.extend(n.timers.iter().map(|t| Notice::Timer(t.due_ms)));
    Ok(Staged {
        events: n.events.len(),
        notices,
        value: CreateOutcome::Created {
            response: n.response_json,
        },
    })
}

/// The rows of a new intent: the intent, its events, its timers. Its delivery cursor is
/// set when the transaction ends (see `writer::finish`).
pub fn insert_intent(conn: &mut PgConn, state: &mut WriterState, n: &NewIntent) -> StoreResult<()> {
    let last_seq = to_i64(n.events.last().map(|(seq, _)| *seq).unwrap_or(0));
    let row = conn
        .query_opt(
            "INSERT INTO intents (intent_id, workspace_id, to_workspace_id, sender_sa_id, \
             to_agent, status, last_seq, delivery_cursor, created_at, updated_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9) RETURNING id",
            &[
                &n.intent_id,
                &n.meta.workspace_id,
                &n.meta.to_workspace_id,
                &n.meta.sender_sa_id,
                &n.meta.to_agent,
                &n.status.as_str(),
                &last_seq,
                &n.created_at,
                &n.intent_json,
            ],
        )
        .map_err(storage)?
        .ok_or_else(|| StoreError::internal("insert returned no row"))?;
    let rowid: i64 = row.get(0);
    insert_events(conn, rowid, &n.events)?;
    state.created.push(rowid);
    for timer in &n.timers {
        insert_timer(conn, timer)?;
    }
    Ok(())
}

fn insert_events(conn: &mut PgConn, rowid: i64, events: &[(u64, String)]) -> StoreResult<()> {
    let seqs: Vec<i64> = events.iter().map(|(s, _)| to_i64(*s)).collect();
    let bodies: Vec<&str> = events.iter().map(|(_, j)| j.as_str()).collect();
    conn.execute(
        "INSERT INTO intent_events (intent_rowid, seq, body) \
         SELECT $1, s, b FROM unnest($2::bigint[], $3::text[]) AS e(s, b)",
        &[&rowid, &seqs, &bodies],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn insert_timer(conn: &mut PgConn, t: &TimerRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO timers (intent_id, kind, due_ms, data) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (intent_id, kind) DO UPDATE SET due_ms = excluded.due_ms, data = excluded.data",
        &[&t.intent_id, &t.kind, &t.due_ms, &t.data],
    )
    .map_err(storage)?;
    Ok(())
}

/// The meta of a row whose workspace, receiver workspace and sender are columns `first`,
/// `first + 1`, `first + 2`, and whose `to_agent` is column `to_agent`.
fn meta_of(row: &Row, first: usize, to_agent: usize) -> IntentMeta {
    IntentMeta {
        workspace_id: row.get(first),
        to_workspace_id: row.get(first + 1),
        sender_sa_id: row.get(first + 2),
        to_agent: row.get(to_agent),
    }
}

fn parse_intent(body: &str) -> StoreResult<Intent> {
    serde_json::from_str(body)
        .map_err(|e| StoreError::internal(format!("stored intent is unreadable: {e}")))
}

pub fn transition(
    conn: &mut PgConn,
    hot: &mut Vec<HotUpdate>,
    intent_id: &str,
    decide: Decide,
) -> StoreResult<Staged<Transitioned>> {
    // The row lock orders appends to this intent across nodes: the next seq is chosen
    // only while holding it, and it is held until commit.
    let row = conn
        .query_opt(
            "SELECT id, workspace_id, to_workspace_id, sender_sa_id, last_seq, body, to_agent \
             FROM intents WHERE intent_id = $1 FOR UPDATE",
            &[&intent_id],
        )
        .map_err(storage)?;
    let Some(row) = row else {
        return Err(StoreError::IntentNotFound(intent_id.to_string()));
    };
    let rowid: i64 = row.get(0);
    let meta = meta_of(&row, 1, 6);
    let last_seq: i64 = row.get(4);
    let body: &str = row.get(5);
    let current = parse_intent(body)?;
    let previous = current.status;
    let decision = decide(&meta, current)?;
    let intent_json = StoreError::encode(&decision.intent)?;
    if decision.events.is_empty() {
        // A change that is no event (a failed delivery attempt counted): the row only.
        if intent_json != body {
            conn.execute(
                "UPDATE intents SET body = $2 WHERE id = $1",
                &[&rowid, &intent_json],
            )
            .map_err(storage)?;
            hot.push(HotUpdate::Transitioned {
                intent_id: intent_id.to_string(),
                status: decision.intent.status,
                json: intent_json.clone(),
                events: Vec::new(),
            });
        }
        // No event, so no watcher needs waking; other nodes are still told, so that
        // their copies of this intent are dropped.
        let notices = if intent_json != body {
            vec![Notice::Intent(intent_id.to_string())]
        } else {
            Vec::new()
        };
        return Ok(Staged {
            events: 0,
            notices,
            value: Transitioned {
                meta,
                previous,
                intent: decision.intent,
                intent_json,
                events: Vec::new(),
            },
        });
    }
    let mut encoded = Vec::with_capacity(decision.events.len());
    for (i, event) in decision.events.iter().enumerate() {
        // The log has no gaps: the engine must continue exactly after the stored seq.
        if to_i64(event.seq) != last_seq + 1 + i64::try_from(i).unwrap_or(i64::MAX) {
            return Err(StoreError::internal("event sequence out of order"));
        }
        encoded.push((event.seq, StoreError::encode(event)?));
    }
    let new_last = to_i64(decision.events.last().map(|e| e.seq).unwrap_or(0));
    let updated_at = decision
        .intent
        .updated_at
        .unwrap_or(decision.intent.created_at)
        .to_string();
    conn.execute(
        "UPDATE intents SET status = $2, last_seq = $3, updated_at = $4, body = $5 WHERE id = $1",
        &[
            &rowid,
            &decision.intent.status.as_str(),
            &new_last,
            &updated_at,
            &intent_json,
        ],
    )
    .map_err(storage)?;
    insert_events(conn, rowid, &encoded)?;
    hot.push(HotUpdate::Transitioned {
        intent_id: intent_id.to_string(),
        status: decision.intent.status,
        json: intent_json.clone(),
        events: encoded,
    });
    Ok(Staged {
        events: decision.events.len(),
        notices: vec![Notice::Intent(intent_id.to_string())],
        value: Transitioned {
            meta,
            previous,
            intent: decision.intent,
            intent_json,
            events: decision.events,
        },
    })
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
        // Webhook delivery timers belong to no intent (keyed `<event>/<subscription>`):
        // claimed on their own row; their delivery row is locked when they fire.
        let webhooks = self
            .conn
            .query(
                "WITH due AS (\
                   SELECT t.intent_id, t.kind FROM timers t \
                   WHERE t.kind = 'webhook' AND t.due_ms <= $1 ORDER BY t.due_ms LIMIT $2 \
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
                "DELETE FROM timers t WHERE t.due_ms <= $1 AND t.kind <> 'webhook' \
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

    fn subscription(&mut self, subscription_id: &str) -> StoreResult<Option<SubscriptionRow>> {
        super::webhooks::subscription(self.conn, subscription_id)
    }

    fn subscriptions(
        &mut self,
        workspace_id: &str,
        owner: &str,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        super::webhooks::subscriptions(self.conn, workspace_id, owner)
    }

    fn put_subscription(&mut self, row: &SubscriptionRow) -> StoreResult<()> {
        super::webhooks::put_subscription(self.conn, row)
    }

    fn webhook_event(&mut self, event_id: &str) -> StoreResult<Option<WebhookEventRow>> {
        super::webhooks::event(self.conn, event_id)
    }

    fn put_webhook_event(&mut self, row: &WebhookEventRow) -> StoreResult<()> {
        super::webhooks::put_event(self.conn, row)
    }

    fn webhook_deliveries(&mut self, event_id: &str) -> StoreResult<Vec<WebhookDeliveryRow>> {
        super::webhooks::deliveries(self.conn, event_id)
    }

    fn put_webhook_delivery(&mut self, row: &WebhookDeliveryRow) -> StoreResult<()> {
        super::webhooks::put_delivery(self.conn, row)
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
