//! A blocking connection with a statement cache (the writer's), and the mapping of driver
//! errors to refusals.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Row, Statement};
use tokio_postgres::error::SqlState;

use crate::server::store::StoreError;

pub type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The writer's connection: every statement is prepared once and reused.
pub struct PgConn {
    pub client: postgres::Client,
    statements: HashMap<String, Statement>,
    /// A statement failed since [`PgConn::clear_failed`]: PostgreSQL then refuses
    /// everything up to the next rollback (and turns COMMIT into ROLLBACK), so the writer
    /// must not report such a job as committed, even if it went on after the error.
    failed: bool,
    /// The next statement opens a savepoint first (see [`PgConn::arm_savepoint`]).
    savepoint_armed: bool,
    /// A savepoint was opened since the last [`PgConn::arm_savepoint`].
    savepoint_taken: bool,
    /// Statements sent (savepoints included): a load-independent cost measure.
    pub statements_sent: u64,
}

/// The writer session's planner setting. Its statements are prepared once and, after five
/// runs, PostgreSQL keeps one generic plan for them. Made while a fresh database's tables
/// are empty, that plan scans the whole table (an `UPDATE … FROM unnest(…)` by a hash join
/// over a sequential scan of intents), and it is kept until the next ANALYZE: every batch
/// then reads the whole table, more each second. Every statement of the writer finds its
/// rows by key, so sequential scans are priced out for this session: plans stay index
/// lookups whatever the statistics said when they were made.
const SESSION_SETUP: &str = "SET enable_seqscan = off";

/// Prepares a connection for the writer (blocking: call it off the async runtime).
pub fn writer_session(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    client.batch_execute(SESSION_SETUP)
}

impl PgConn {
    pub fn new(client: postgres::Client) -> Self {
        PgConn {
            client,
            statements: HashMap::new(),
            failed: false,
            savepoint_armed: false,
            savepoint_taken: false,
            statements_sent: 0,
        }
    }

    /// The job about to run gets a savepoint, opened only when it sends its first
    /// statement: a job that never touches the database (a create staged for the end of
    /// the batch, a refusal decided from memory) costs no round trip.
    pub fn arm_savepoint(&mut self, armed: bool) {
        self.savepoint_armed = armed;
        self.savepoint_taken = false;
    }

    /// Whether the armed savepoint was opened (and must be released or rolled back to).
    pub fn savepoint_taken(&self) -> bool {
        self.savepoint_taken
    }

    fn open_savepoint(&mut self) -> Result<(), postgres::Error> {
        if self.savepoint_armed {
            self.savepoint_armed = false;
            self.statements_sent += 1;
            let result = self.client.batch_execute("SAVEPOINT job");
            self.note(result)?;
            self.savepoint_taken = true;
        }
        Ok(())
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    /// After a rollback (to a savepoint): the transaction works again.
    pub fn clear_failed(&mut self) {
        self.failed = false;
    }

    fn note<T>(&mut self, result: Result<T, postgres::Error>) -> Result<T, postgres::Error> {
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn prepared(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        self.open_savepoint()?;
        self.statements_sent += 1;
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql);
        let statement = self.note(statement)?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    pub fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, postgres::Error> {
        let statement = self.prepared(sql)?;
        let result = self.client.execute(&statement, params);
        self.note(result)
    }

    pub fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.prepared(sql)?;
        let result = self.client.query(&statement, params);
        self.note(result)
    }

    pub fn query_opt(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<Row>, postgres::Error> {
        let statement = self.prepared(sql)?;
        let result = self.client.query_opt(&statement, params);
        self.note(result)
    }

    /// Statements without parameters, as one simple-protocol round trip.
    pub fn batch(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.statements_sent += 1;
        let result = self.client.batch_execute(sql);
        self.note(result)
    }
}

pub fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// A driver error as a store error: lock conflicts between nodes and a lost connection
/// ask the client to retry; anything else is a backend failure (logged by http/).
pub fn storage(e: postgres::Error) -> StoreError {
    let code = e.code();
    if code == Some(&SqlState::T_R_DEADLOCK_DETECTED)
        || code == Some(&SqlState::T_R_SERIALIZATION_FAILURE)
        || code == Some(&SqlState::LOCK_NOT_AVAILABLE)
    {
        tracing::warn!(error = %e, "write conflict between nodes");
        return StoreError::Unavailable(
            "another node changed the same data at the same moment; retry".into(),
        );
    }
    if e.is_closed() {
        return StoreError::Unavailable("the database connection was lost; retry".into());
    }
    StoreError::Backend(e.to_string())
}
