//! PostgreSQL storage, for several `axme server` nodes sharing one database.
//!
//! - [`connect`]: connection strings (`postgres://…`, `sslmode`), TLS through [`tls`].
//! - [`schema`]: migrations, applied at start under an advisory lock.
//!
//! The `Store` implementation follows (issue 11): a writer thread per node doing group
//! commit on a blocking connection (the engine's `Tx` is synchronous and runs the
//! reactor inside the transaction), reads on async connections, `LISTEN/NOTIFY` between
//! nodes.

pub mod connect;
pub mod schema;
#[cfg(test)]
pub mod testdb;
pub mod tls;

pub use connect::{PgSettings, PgUrl};

/// Connects, applies pending migrations, and returns the schema version. Blocking: runs
/// on a thread of its own when called from async code.
pub async fn prepare(url: &PgUrl) -> Result<usize, String> {
    let settings = url.settings()?;
    let redacted = url.redacted();
    tokio::task::spawn_blocking(move || {
        let mut client = settings
            .connect_blocking()
            .map_err(|e| format!("cannot connect to PostgreSQL at {redacted}: {e}"))?;
        schema::migrate(&mut client)
    })
    .await
    .map_err(|e| format!("migration task failed: {e}"))?
}
