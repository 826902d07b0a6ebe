//! SQLite implementation of [`Store`]: one writer thread with group commit (see
//! [`writer`]), a small pool of reader connections used from `spawn_blocking`.

mod reads;
pub mod schema;
mod writer;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

pub use schema::SyncMode;
use writer::{Staged, Writer};

use super::{
    AccountRow, CommitObserver, CreateOutcome, Decide, DeliveryQuery, DirectorySnapshot, IntentRow,
    KeyRow, ListPage, ListQuery, NewIntent, OrgRow, Store, StoreFuture, Transitioned, WorkspaceRow,
};
use crate::server::error::{ApiError, ApiResult};

pub struct SqliteStore {
    writer: Writer,
    readers: Arc<ReadPool>,
}

impl SqliteStore {
    /// Opens (or creates) the database at `path`, applies migrations and starts the writer.
    pub fn open(
        path: &Path,
        sync: SyncMode,
        observer: Arc<dyn CommitObserver>,
    ) -> rusqlite::Result<Self> {
        let conn = schema::open_writer(path, sync)?;
        let writer = Writer::start(conn, observer)?;
        Ok(SqliteStore {
            writer,
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
        let pool = self.readers.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || pool.with(f))
                .await
                .map_err(|_| ApiError::internal("a read task failed"))?
        })
    }

    fn write<R, F>(&self, job: F) -> StoreFuture<'_, R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection, &mut writer::WriterState) -> ApiResult<Staged<R>> + Send + 'static,
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
    fn with<R>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> ApiResult<R> {
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

    fn create_intent(&self, intent: NewIntent) -> StoreFuture<'_, CreateOutcome> {
        self.write(move |conn, state| writes::create_intent(conn, state, intent))
    }

    fn transition(&self, intent_id: String, decide: Decide) -> StoreFuture<'_, Transitioned> {
        self.write(move |conn, _| writes::transition(conn, &intent_id, decide))
    }

    fn get_intent(&self, intent_id: String) -> StoreFuture<'_, Option<IntentRow>> {
        self.read(move |conn| Ok(reads::get_intent(conn, &intent_id)?.map(|(_, row)| row)))
    }

    fn events_after(
        &self,
        intent_id: String,
        since: u64,
    ) -> StoreFuture<'_, Option<(IntentRow, Vec<String>)>> {
        self.read(move |conn| reads::events_after(conn, &intent_id, since))
    }

    fn list_intents(&self, query: ListQuery) -> StoreFuture<'_, ListPage> {
        self.read(move |conn| reads::list_intents(conn, &query))
    }

    fn deliveries(&self, query: DeliveryQuery) -> StoreFuture<'_, Vec<IntentRow>> {
        self.read(move |conn| reads::deliveries(conn, &query))
    }

    fn purge_idempotency(&self, age_seconds: u64) -> StoreFuture<'_, usize> {
        self.write(move |conn, _| {
            let deleted = conn
                .prepare_cached("DELETE FROM idempotency WHERE created_at < unixepoch() - ?1")?
                .execute([age_seconds.min(i64::MAX as u64) as i64])?;
            Ok(Staged::quiet(deleted))
        })
    }

    fn shutdown(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.writer.stop().await;
            Ok(())
        })
    }
}
