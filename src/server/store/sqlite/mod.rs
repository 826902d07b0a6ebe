//! SQLite implementation of [`Store`]: one writer thread with group commit (see
//! [`writer`]), a small pool of reader connections used inline by the async workers.

mod auth;
pub(in crate::server::store) mod hot;
mod inbox;
mod invites;
mod media;
mod mesh;
mod portal;
mod reads;
pub mod schema;
mod schemas;
mod stale;
mod tx;
mod users;
mod webhooks;
mod writer;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

pub use schema::SyncMode;
use writer::{Staged, Writer};

use super::{
    AccountRow, AgentDeliveryRow, CommitObserver, CreateOutcome, Decide, DeliveryQuery,
    DirectorySnapshot, IdempotencyKey, InboxQuery, IntentRow, KeyRow, ListPage, ListQuery,
    NewIntent, OrgRow, Reactor, Render, StaleQuery, Store, StoreError, StoreFuture, StoreResult,
    ThreadRow, Transitioned, TxJob, TxValue, WorkspaceRow,
};
use crate::protocol::access::ReceivePolicy;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

pub struct SqliteStore {
    writer: Writer,
    hot: Arc<hot::HotIntents>,
    readers: Arc<ReadPool>,
}

impl SqliteStore {
    /// Opens (or creates) the database at `path`, applies migrations and starts the writer.
    #[cfg(test)]
    pub fn open(
        path: &Path,
        sync: SyncMode,
        observer: Arc<dyn CommitObserver>,
    ) -> rusqlite::Result<Self> {
        Self::open_with(path, sync, observer, None)
    }

    /// [`SqliteStore::open`] with the engine's hook run on every transition.
    pub fn open_with(
        path: &Path,
        sync: SyncMode,
        observer: Arc<dyn CommitObserver>,
        reactor: Option<Arc<dyn Reactor>>,
    ) -> rusqlite::Result<Self> {
        let conn = schema::open_writer(path, sync)?;
        let checkpointer = schema::open_checkpointer(path, sync)?;
        let hot = Arc::new(hot::HotIntents::default());
        let writer = Writer::start(conn, checkpointer, observer, reactor, hot.clone())?;
        Ok(SqliteStore {
            writer,
            hot,
            readers: Arc::new(ReadPool {
                path: path.to_path_buf(),
                idle: Mutex::new(Vec::new()),
            }),
        })
    }

    fn read<R, F>(&self, f: F) -> StoreFuture<'_, R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        // Reads run inline on the calling worker: they are short indexed lookups on a warm
        // page cache (tens of microseconds), and handing each to the blocking pool cost two
        // thread wake-ups, more than the read itself (profile of `axme bench lifecycle`).
        let result = self.readers.with(f);
        Box::pin(async move { result })
    }

    fn write<R, F>(&self, job: F) -> StoreFuture<'_, R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection, &mut writer::WriterState) -> StoreResult<Staged<R>> + Send + 'static,
    {
        Box::pin(self.writer.submit(job))
    }
}

/// Reader connections, opened on demand and reused. The mutex is held only to pop or push.
struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl ReadPool {
    fn with<R>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> StoreResult<R> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match pooled {
            Some(conn) => conn,
            None => schema::open_reader(&self.path)?,
        };
        let result = f(&conn);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < 16
        {
            idle.push(conn);
        }
        Ok(result?)
    }
}

impl Store for SqliteStore {
    fn load_directory(&self) -> StoreFuture<'_, DirectorySnapshot> {
        self.read(reads::load_directory)
    }

    fn bootstrap(
        &self,
        org: OrgRow,
        workspace: WorkspaceRow,
        admin: AccountRow,
        key: KeyRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| {
            writes::insert_org(conn, &org)?;
            writes::insert_workspace(conn, &workspace)?;
            writes::insert_account(conn, &admin)?;
            writes::insert_key(conn, &key)?;
            Ok(Staged::quiet(()))
        })
    }

    fn create_workspace(
        &self,
        workspace: WorkspaceRow,
        admin: AccountRow,
        key: KeyRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| {
            writes::insert_workspace(conn, &workspace)?;
            writes::insert_account(conn, &admin)?;
            writes::insert_key(conn, &key)?;
            Ok(Staged::quiet(()))
        })
    }

    fn create_account(&self, account: AccountRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| {
            writes::insert_account(conn, &account)?;
            Ok(Staged::quiet(()))
        })
    }

    fn create_key(&self, key: KeyRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| {
            writes::insert_key(conn, &key)?;
            Ok(Staged::quiet(()))
        })
    }

    fn revoke_key(
        &self,
        sa_id: String,
        key_id: String,
        at: String,
    ) -> StoreFuture<'_, Option<KeyRow>> {
        self.write(move |conn, _| {
            Ok(Staged::quiet(writes::revoke_key(
                conn, &sa_id, &key_id, &at,
            )?))
        })
    }

    fn delete_account(
        &self,
        sa_id: String,
        at: String,
    ) -> StoreFuture<'_, Option<(AccountRow, Vec<KeyRow>)>> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::delete_account(conn, &sa_id, &at)?)))
    }

    fn create_intent(&self, intent: NewIntent) -> StoreFuture<'_, CreateOutcome> {
        self.write(move |conn, state| writes::create_intent(conn, state, intent))
    }

    fn transition(&self, intent_id: String, decide: Decide) -> StoreFuture<'_, Transitioned> {
        self.write(move |conn, state| tx::transition(conn, state, &intent_id, decide))
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
        if let Some(row) = self.hot.get_intent(&intent_id) {
            return Box::pin(async move { Ok(Some(row)) });
        }
        self.read(move |conn| Ok(reads::get_intent(conn, &intent_id)?.map(|(_, row)| row)))
    }

    fn events_after(
        &self,
        intent_id: String,
        since: u64,
    ) -> StoreFuture<'_, Option<(IntentRow, Vec<String>)>> {
        if let Some(found) = self.hot.events_after(&intent_id, since) {
            return Box::pin(async move { Ok(Some(found)) });
        }
        self.read(move |conn| reads::events_after(conn, &intent_id, since))
    }

    fn list_intents(&self, query: ListQuery) -> StoreFuture<'_, ListPage> {
        self.read(move |conn| reads::list_intents(conn, &query))
    }

    fn count_intents(&self, query: ListQuery) -> StoreFuture<'_, Vec<(String, u64)>> {
        self.read(move |conn| reads::count_intents(conn, &query))
    }

    fn deliveries(&self, query: DeliveryQuery) -> StoreFuture<'_, Vec<IntentRow>> {
        self.read(move |conn| reads::deliveries(conn, &query))
    }

    fn stale_intents(&self, query: StaleQuery) -> StoreFuture<'_, Vec<String>> {
        self.read(move |conn| stale::stale_intents(conn, &query))
    }

    fn run_job(&self, job: TxJob) -> StoreFuture<'_, TxValue> {
        self.write(move |conn, state| {
            let mut tx = tx::SqliteTx::new(conn, state);
            let value = job(&mut tx)?;
            Ok(tx.finish(value))
        })
    }

    fn next_timer_due(&self) -> StoreFuture<'_, Option<i64>> {
        self.read(|conn| {
            conn.prepare_cached("SELECT MIN(due_ms) FROM timers")?
                .query_row([], |r| r.get(0))
        })
    }

    fn receive_policies(&self) -> StoreFuture<'_, Vec<ReceivePolicy>> {
        self.read(|conn| {
            let bodies = conn
                .prepare("SELECT body FROM receive_policies")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(super::parse_policies(&bodies))
        })
    }

    fn agent_deliveries(&self) -> StoreFuture<'_, Vec<AgentDeliveryRow>> {
        self.read(|conn| {
            conn.prepare(
                "SELECT address, sa_id, workspace_id, delivery_mode, callback_url, secret \
                 FROM agent_delivery",
            )?
            .query_map([], |r| {
                let mode: String = r.get(3)?;
                let delivery_mode = mode.parse().map_err(|e: String| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?;
                Ok(AgentDeliveryRow {
                    address: r.get(0)?,
                    sa_id: r.get(1)?,
                    workspace_id: r.get(2)?,
                    delivery_mode,
                    callback_url: r.get(4)?,
                    secret: r.get(5)?,
                })
            })?
            .collect()
        })
    }

    fn inbox_threads(&self, workspace_id: String, owner: String) -> StoreFuture<'_, Vec<String>> {
        self.read(move |conn| inbox::threads(conn, &workspace_id, &owner))
    }

    fn inbox_thread(&self, thread_id: String) -> StoreFuture<'_, Option<ThreadRow>> {
        self.read(move |conn| inbox::read_thread(conn, &thread_id))
    }

    fn inbox_changes(&self, query: InboxQuery) -> StoreFuture<'_, Vec<ThreadRow>> {
        self.read(move |conn| inbox::changes(conn, &query))
    }

    fn purge_idempotency(&self, age_seconds: u64) -> StoreFuture<'_, usize> {
        self.write(move |conn, _| {
            let deleted = conn
                .prepare_cached("DELETE FROM idempotency WHERE created_at < unixepoch() - ?1")?
                .execute([crate::num::i64_from_u64(age_seconds)])?;
            Ok(Staged::quiet(deleted))
        })
    }

    fn shutdown(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.writer.stop().await;
            Ok(())
        })
    }

    fn create_login_code(
        &self,
        row: crate::server::store::auth::LoginCodeRow,
    ) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::insert_code(conn, &row)?)))
    }

    fn check_login_code(
        &self,
        login_id: String,
        code_hash: [u8; 32],
        now: crate::protocol::Timestamp,
        max_attempts: u32,
    ) -> StoreFuture<'_, crate::server::store::auth::CodeCheck> {
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

    fn user_by_email(
        &self,
        email: String,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::UserRow>> {
        self.read(move |conn| auth::user_by_email(conn, &email))
    }

    fn create_user(&self, user: crate::server::store::auth::UserRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::insert_user(conn, &user)?)))
    }

    fn set_profile(&self, row: crate::server::store::auth::ProfileRow) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(portal::upsert_profile(conn, &row)?)))
    }

    fn profile(
        &self,
        user_id: String,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::ProfileRow>> {
        self.read(move |conn| portal::profile(conn, &user_id))
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
        self.read(move |conn| portal::cli_grant(conn, &grant_id))
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

    fn user_sessions(
        &self,
        user_id: String,
    ) -> StoreFuture<'_, Vec<crate::server::store::auth::SessionRow>> {
        self.read(move |conn| auth::user_sessions(conn, &user_id))
    }

    fn server_secret(&self, name: String, candidate: String) -> StoreFuture<'_, String> {
        self.write(move |conn, _| Ok(Staged::quiet(auth::server_secret(conn, &name, &candidate)?)))
    }

    fn session_by_token(
        &self,
        hash: [u8; 32],
        refresh: bool,
    ) -> StoreFuture<'_, Option<crate::server::store::auth::SessionRow>> {
        self.read(move |conn| auth::session_by_token(conn, &hash, refresh))
    }

    fn rotate_refresh(
        &self,
        presented: [u8; 32],
        next: crate::server::store::auth::TokenPair,
        now: crate::protocol::Timestamp,
    ) -> StoreFuture<'_, crate::server::store::auth::Rotation> {
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
    ) -> StoreFuture<'_, Option<crate::server::store::auth::SessionRow>> {
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
        self.read(move |conn| auth::console_session(conn, &hash))
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
        self.read(move |conn| mesh::agents(conn, workspace_id.as_deref()))
    }

    fn set_killed(&self, change: super::mesh::KillChange) -> StoreFuture<'_, ()> {
        self.write(move |conn, _| Ok(Staged::quiet(mesh::set_killed(conn, &change)?)))
    }

    fn mesh_events(
        &self,
        query: super::mesh::MeshEventQuery,
    ) -> StoreFuture<'_, Vec<super::mesh::MeshEventRow>> {
        self.read(move |conn| mesh::events(conn, &query))
    }

    fn intents_created_since(&self, workspace_id: String, since: String) -> StoreFuture<'_, u64> {
        self.read(move |conn| portal::intents_created_since(conn, &workspace_id, &since))
    }

    fn intents_received_since(
        &self,
        workspace_id: String,
        since: String,
    ) -> StoreFuture<'_, Vec<(String, u64)>> {
        self.read(move |conn| mesh::intents_received_since(conn, &workspace_id, &since))
    }
}
