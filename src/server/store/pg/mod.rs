//! PostgreSQL storage, for several `axme server` nodes sharing one database.
//!
//! - [`connect`]: connection strings (`postgres://…`, `sslmode`), TLS through [`tls`].
//! - [`schema`]: migrations, applied at start under an advisory lock.
//! - [`writer`]: the node's writer thread, group commit on a blocking connection (the
//!   engine's `Tx` is synchronous and runs the reactor inside the transaction, so one
//!   engine serves both stores); [`tx`] holds the write bodies, [`creates`] the batch's
//!   creates written together in one statement, [`keyed`] the keys of those that carry an
//!   `Idempotency-Key`, claimed together.
//! - [`reads`]: a few pipelined async connections for reads.
//! - [`notify`]: what a commit tells the other nodes (`NOTIFY`, ids only).
//! - [`import`]: `axme server migrate`, a SQLite database copied into an empty one.

mod auth;
mod cache;
#[cfg(test)]
mod cluster_tests;
mod conn;
pub mod connect;
mod creates;
pub mod import;
mod inbox;
mod invites;
mod keyed;
pub mod listen;
mod media;
mod mesh;
pub mod notify;
mod portal;
mod reads;
pub mod schema;
mod schemas;
mod stale;
#[cfg(test)]
pub mod testdb;
mod timer_ops;
pub mod tls;
mod transitions;
mod tx;
mod users;
mod webhooks;
mod writer;
mod writes;

use std::sync::Arc;

pub use connect::PgUrl;
use reads::Readers;
use writer::{Staged, Writer};

use super::auth::{CodeCheck, LoginCodeRow, Rotation, SessionRow, TokenPair, UserRow};
use super::{
    AccountRow, AgentDeliveryRow, CommitObserver, CreateOutcome, Decide, DeliveryQuery,
    DirectorySnapshot, IdempotencyKey, InboxQuery, IntentRow, KeyRow, ListPage, ListQuery,
    NewIntent, OrgRow, Reactor, Render, StaleQuery, Store, StoreFuture, ThreadRow, Transitioned,
    TxJob, TxValue, WorkspaceRow,
};
use crate::protocol::access::ReceivePolicy;
use crate::server::store::StoreResult;
use conn::{PgConn, storage};

/// Async connections for reads, per node.
const READ_CONNECTIONS: usize = 4;

pub struct PgStore {
    writer: Writer,
    readers: Arc<Readers>,
    /// Recent intents of this node's commits, kept only while other nodes' are heard.
    cache: Arc<cache::NodeCache>,
}

impl PgStore {
    /// Connects, migrates and starts the writer. `node_id` names this node in what it
    /// tells the others.
    pub async fn open(
        url: &PgUrl,
        node_id: &str,
        observer: Arc<dyn CommitObserver>,
        reactor: Option<Arc<dyn Reactor>>,
        remote: Option<Arc<dyn listen::Remote>>,
    ) -> Result<Self, String> {
        let settings = url.settings()?;
        let redacted = url.redacted();
        let blocking = settings.clone();
        let client = tokio::task::spawn_blocking(move || {
            let mut client = blocking
                .connect_blocking()
                .map_err(|e| format!("cannot connect to PostgreSQL at {redacted}: {e}"))?;
            schema::migrate(&mut client)?;
            conn::writer_session(&mut client)
                .map_err(|e| format!("cannot set up the writer's session: {e}"))?;
            Ok::<_, String>(client)
        })
        .await
        .map_err(|e| format!("connection task failed: {e}"))??;
        let cache = Arc::new(cache::NodeCache::default());
        if let Some(inner) = remote {
            let remote = Arc::new(cache::CacheRemote {
                cache: cache.clone(),
                inner,
            });
            listen::spawn(settings.clone(), node_id.to_string(), remote);
        }
        let writer = Writer::start(
            settings.clone(),
            PgConn::new(client),
            node_id.to_string(),
            observer,
            reactor,
            cache.clone(),
        )?;
        Ok(PgStore {
            writer,
            readers: Arc::new(Readers::new(settings, READ_CONNECTIONS)),
            cache,
        })
    }

    fn write<R, F>(&self, job: F) -> StoreFuture<'_, R>
    where
        R: Send + 'static,
        F: FnOnce(&mut PgConn, &mut writer::WriterState) -> StoreResult<Staged<R>> + Send + 'static,
    {
        Box::pin(self.writer.submit(job))
    }
}

impl Store for PgStore {
    fn load_directory(&self) -> StoreFuture<'_, DirectorySnapshot> {
        Box::pin(self.readers.load_directory())
    }

    fn bootstrap(
        &self,
        org: OrgRow,
        workspace: WorkspaceRow,
        admin: AccountRow,
        key: KeyRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, state| {
            writes::insert_org(conn, &org)?;
            writes::insert_workspace(conn, &workspace)?;
            writes::insert_account(conn, &admin)?;
            writes::insert_key(conn, &key)?;
            state.directory_changed = true;
            Ok(Staged::quiet(()))
        })
    }

    fn create_workspace(
        &self,
        workspace: WorkspaceRow,
        admin: AccountRow,
        key: KeyRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, state| {
            writes::insert_workspace(conn, &workspace)?;
            writes::insert_account(conn, &admin)?;
            writes::insert_key(conn, &key)?;
            state.directory_changed = true;
            Ok(Staged::quiet(()))
        })
    }

    fn create_account(&self, account: AccountRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, state| {
            writes::insert_account(conn, &account)?;
            state.directory_changed = true;
            Ok(Staged::quiet(()))
        })
    }

    fn create_key(&self, key: KeyRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, state| {
            writes::insert_key(conn, &key)?;
            state.directory_changed = true;
            Ok(Staged::quiet(()))
        })
    }

    fn revoke_key(
        &self,
        sa_id: String,
        key_id: String,
        at: String,
    ) -> StoreFuture<'_, Option<KeyRow>> {
        self.write(move |conn, state| {
            let key = writes::revoke_key(conn, &sa_id, &key_id, &at)?;
            state.directory_changed = key.is_some();
            Ok(Staged::quiet(key))
        })
    }

    fn delete_account(
        &self,
        sa_id: String,
        at: String,
    ) -> StoreFuture<'_, Option<(AccountRow, Vec<KeyRow>)>> {
        self.write(move |conn, state| {
            let deleted = auth::delete_account(conn, &sa_id, &at)?;
            state.directory_changed = deleted.is_some();
            Ok(Staged::quiet(deleted))
        })
    }

    fn create_intent(&self, intent: NewIntent) -> StoreFuture<'_, CreateOutcome> {
        if intent.idempotency.is_none() {
            return self.write(move |_, state| creates::stage(state, intent));
        }
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job = self
            .writer
            .submit(move |conn, state| keyed::stage_or_run(conn, state, intent, answer));
        Box::pin(async move {
            match job.await? {
                Some(done) => Ok(done),
                // Staged: answered during the batch, read once its commit is known.
                None => answered.await.unwrap_or_else(|_| {
                    Err(crate::server::store::StoreError::internal(
                        "the writer stopped",
                    ))
                }),
            }
        })
    }

    fn transition(&self, intent_id: String, decide: Decide) -> StoreFuture<'_, Transitioned> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job = self.writer.submit(move |conn, state| {
            transitions::stage_or_run(conn, state, intent_id, decide, answer)
        });
        Box::pin(async move {
            match job.await? {
                Some(done) => Ok(done),
                // Staged: answered during the batch, read once its commit is known.
                None => answered.await.unwrap_or_else(|_| {
                    Err(crate::server::store::StoreError::internal(
                        "the writer stopped",
                    ))
                }),
            }
        })
    }

    fn transition_idempotent(
        &self,
        intent_id: String,
        decide: Decide,
        key: IdempotencyKey,
        render: Render,
    ) -> StoreFuture<'_, String> {
        self.write(move |conn, state| {
            tx::transition_idempotent(conn, state, &intent_id, decide, &key, render)
        })
    }

    fn get_intent(&self, intent_id: String) -> StoreFuture<'_, Option<IntentRow>> {
        if let Some(row) = self.cache.get_intent(&intent_id) {
            return Box::pin(async move { Ok(Some(row)) });
        }
        Box::pin(async move { self.readers.get_intent(&intent_id).await })
    }

    fn events_after(
        &self,
        intent_id: String,
        since: u64,
    ) -> StoreFuture<'_, Option<(IntentRow, Vec<String>)>> {
        if let Some(found) = self.cache.events_after(&intent_id, since) {
            return Box::pin(async move { Ok(Some(found)) });
        }
        Box::pin(async move { self.readers.events_after(&intent_id, since).await })
    }

    fn list_intents(&self, query: ListQuery) -> StoreFuture<'_, ListPage> {
        Box::pin(async move { self.readers.list_intents(&query).await })
    }

    fn count_intents(&self, query: ListQuery) -> StoreFuture<'_, Vec<(String, u64)>> {
        Box::pin(async move { self.readers.count_intents(&query).await })
    }

    fn deliveries(&self, query: DeliveryQuery) -> StoreFuture<'_, Vec<IntentRow>> {
        Box::pin(async move { self.readers.deliveries(&query).await })
    }

    fn stale_intents(&self, query: StaleQuery) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move { stale::stale_intents(&self.readers, &query).await })
    }

    fn run_job(&self, job: TxJob) -> StoreFuture<'_, TxValue> {
        self.write(move |conn, state| {
            let mut tx = tx::PgTx::new(conn, state);
            let value = job(&mut tx)?;
            Ok(tx.finish(value))
        })
    }

    fn next_timer_due(&self) -> StoreFuture<'_, Option<i64>> {
        Box::pin(async move {
            let row = self
                .readers
                .query_opt("SELECT MIN(due_ms) FROM timers", &[])
                .await?;
            Ok(row.and_then(|r| r.get(0)))
        })
    }

    fn receive_policies(&self) -> StoreFuture<'_, Vec<ReceivePolicy>> {
        Box::pin(async move {
            let rows = self
                .readers
                .query("SELECT body FROM receive_policies", &[])
                .await?;
            let bodies: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            Ok(crate::server::store::parse_policies(&bodies))
        })
    }

    fn agent_deliveries(&self) -> StoreFuture<'_, Vec<AgentDeliveryRow>> {
        Box::pin(async move {
            let rows = self
                .readers
                .query(
                    "SELECT address, sa_id, workspace_id, delivery_mode, callback_url, secret \
                     FROM agent_delivery",
                    &[],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    let mode: String = r.get(3);
                    Ok(AgentDeliveryRow {
                        address: r.get(0),
                        sa_id: r.get(1),
                        workspace_id: r.get(2),
                        delivery_mode: mode.parse().map_err(|e| {
                            crate::server::store::StoreError::internal(format!(
                                "stored delivery mode is unreadable: {e}"
                            ))
                        })?,
                        callback_url: r.get(4),
                        secret: r.get(5),
                    })
                })
                .collect()
        })
    }

    fn inbox_threads(&self, workspace_id: String, owner: String) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            let rows = self
                .readers
                .query(
                    "SELECT body FROM inbox_threads WHERE workspace_id = $1 AND owner_agent = $2 \
                     ORDER BY change_seq DESC LIMIT 200",
                    &[&workspace_id, &owner],
                )
                .await?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn inbox_thread(&self, thread_id: String) -> StoreFuture<'_, Option<ThreadRow>> {
        Box::pin(async move {
            let row = self
                .readers
                .query_opt(
                    "SELECT thread_id, workspace_id, owner_agent, updated_at, change_seq, body \
                     FROM inbox_threads WHERE thread_id = $1",
                    &[&thread_id],
                )
                .await?;
            Ok(row.map(|r| inbox::thread_of(&r)))
        })
    }

    fn inbox_changes(&self, query: InboxQuery) -> StoreFuture<'_, Vec<ThreadRow>> {
        Box::pin(async move {
            let limit = i64::from(query.limit);
            let rows = self
                .readers
                .query(
                    "SELECT thread_id, workspace_id, owner_agent, updated_at, change_seq, body \
                     FROM inbox_threads \
                     WHERE workspace_id = $1 AND owner_agent = $2 AND change_seq > $3 \
                     ORDER BY change_seq LIMIT $4",
                    &[&query.workspace_id, &query.owner, &query.after, &limit],
                )
                .await?;
            Ok(rows.iter().map(inbox::thread_of).collect())
        })
    }

    fn purge_idempotency(&self, age_seconds: u64) -> StoreFuture<'_, usize> {
        let age = i64::try_from(age_seconds).unwrap_or(i64::MAX);
        self.write(move |conn, _| {
            let deleted = conn
                .execute(
                    "DELETE FROM idempotency \
                     WHERE created_at < extract(epoch FROM now())::bigint - $1",
                    &[&age],
                )
                .map_err(storage)?;
            Ok(Staged::quiet(
                usize::try_from(deleted).unwrap_or(usize::MAX),
            ))
        })
    }

    fn shutdown(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.writer.stop().await;
            Ok(())
        })
    }

    fn create_login_code(&self, row: LoginCodeRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::insert_code(conn, &row)?)))
    }

    fn check_login_code(
        &self,
        login_id: String,
        code_hash: [u8; 32],
        now: crate::protocol::Timestamp,
        max_attempts: u32,
    ) -> StoreFuture<'_, CodeCheck> {
        let at = now.to_string();
        let now = now.unix_seconds();
        self.write(move |conn, _| {
            Ok(Staged::quiet(auth::check_code(
                conn,
                &login_id,
                &code_hash,
                now,
                max_attempts,
                &at,
            )?))
        })
    }

    fn user_by_email(&self, email: String) -> StoreFuture<'_, Option<UserRow>> {
        Box::pin(async move { auth::user_by_email(&self.readers, &email).await })
    }

    fn create_user(&self, user: UserRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::insert_user(conn, &user)?)))
    }

    fn set_profile(&self, row: crate::server::store::auth::ProfileRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(portal::upsert_profile(conn, &row)?)))
    }

    fn profile(
        &self,
        user_id: String,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::ProfileRow>> {
        Box::pin(async move { portal::profile(&self.readers, &user_id).await })
    }

    fn create_cli_grant(
        &self,
        row: crate::server::store::auth::CliGrantRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(portal::insert_cli_grant(conn, &row)?)))
    }

    fn cli_grant(
        &self,
        grant_id: String,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::CliGrantRow>> {
        Box::pin(async move { portal::cli_grant(&self.readers, &grant_id).await })
    }

    fn step_cli_grant(
        &self,
        step: crate::server::store::auth::GrantStep,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::CliGrantRow>> {
        self.write(move |conn, _| Ok(Staged::quiet(portal::step_cli_grant(conn, &step)?)))
    }

    fn create_session(
        &self,
        session: crate::server::store::auth::NewSession,
        now: crate::protocol::Timestamp,
    ) -> StoreFuture<'_, ()> {
        let at = now.to_string();
        self.write(move |conn, _| Ok(Staged::quiet(auth::insert_session(conn, &session, &at)?)))
    }

    fn user_sessions(&self, user_id: String) -> StoreFuture<'_, Vec<SessionRow>> {
        Box::pin(async move { auth::user_sessions(&self.readers, &user_id).await })
    }

    fn server_secret(&self, name: String, candidate: String) -> StoreFuture<'_, String> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::server_secret(conn, &name, &candidate)?)))
    }

    fn session_by_token(
        &self,
        hash: [u8; 32],
        refresh: bool,
    ) -> StoreFuture<'_, Option<SessionRow>> {
        Box::pin(async move { auth::session_by_token(&self.readers, &hash, refresh).await })
    }

    fn rotate_refresh(
        &self,
        presented: [u8; 32],
        next: TokenPair,
        now: crate::protocol::Timestamp,
    ) -> StoreFuture<'_, Rotation> {
        let at = now.to_string();
        let now = now.unix_seconds();
        self.write(move |conn, _| {
            Ok(Staged::quiet(auth::rotate(
                conn, &presented, &next, now, &at,
            )?))
        })
    }

    fn revoke_session(
        &self,
        session_id: String,
        now: crate::protocol::Timestamp,
    ) -> StoreFuture<'_, Option<SessionRow>> {
        let at = now.to_string();
        self.write(move |conn, _| Ok(Staged::quiet(auth::revoke(conn, &session_id, &at)?)))
    }

    fn create_console_session(
        &self,
        row: crate::server::store::auth::ConsoleSessionRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::insert_console_session(conn, &row)?)))
    }

    fn console_session(
        &self,
        hash: [u8; 32],
    ) -> StoreFuture<'_, Option<crate::server::store::auth::ConsoleSessionRow>> {
        Box::pin(async move { auth::console_session(&self.readers, &hash).await })
    }

    fn revoke_console_session(
        &self,
        hash: [u8; 32],
        now: crate::protocol::Timestamp,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::ConsoleSessionRow>> {
        let at = now.to_string();
        self.write(move |conn, _| {
            Ok(Staged::quiet(auth::revoke_console_session(
                conn, &hash, &at,
            )?))
        })
    }

    fn record_heartbeat(&self, row: super::mesh::HeartbeatRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(mesh::heartbeat(conn, &row)?)))
    }

    fn mesh_agents(
        &self,
        workspace_id: Option<String>,
    ) -> StoreFuture<'_, Vec<super::mesh::MeshAgentRow>> {
        Box::pin(async move { mesh::agents(&self.readers, workspace_id.as_deref()).await })
    }

    fn set_killed(&self, change: super::mesh::KillChange) -> StoreFuture<'_, ()> {
        self.write(move |conn, state| {
            mesh::set_killed(conn, &change)?;
            // The other nodes reload their kills with the directory.
            state.directory_changed = true;
            Ok(Staged::quiet(()))
        })
    }

    fn mesh_events(
        &self,
        query: super::mesh::MeshEventQuery,
    ) -> StoreFuture<'_, Vec<super::mesh::MeshEventRow>> {
        Box::pin(async move { mesh::events(&self.readers, &query).await })
    }

    fn intents_created_since(&self, workspace_id: String, since: String) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            portal::intents_created_since(&self.readers, &workspace_id, &since).await
        })
    }

    fn intents_received_since(
        &self,
        workspace_id: String,
        since: String,
    ) -> StoreFuture<'_, Vec<(String, u64)>> {
        Box::pin(
            async move { mesh::intents_received_since(&self.readers, &workspace_id, &since).await },
        )
    }
}
