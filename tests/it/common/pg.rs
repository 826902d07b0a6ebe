//! A fresh PostgreSQL database per test on the server of `AXME_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), dropped afterwards. No server → the test
//! fails and says how to get one (`. .ci/setup/50-postgres.sh`).

use std::path::PathBuf;

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct PgDb {
    admin: String,
    name: String,
    /// The database's URL, for `axme server --db`.
    pub url: String,
}

fn admin_url() -> String {
    std::env::var("AXME_TEST_PG_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_string())
}

fn with_dbname(url: &str, dbname: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .expect("AXME_TEST_PG_URL must be a postgres:// URL");
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match tail.split_once('?') {
        Some((_, q)) => format!("{scheme}://{authority}/{dbname}?{q}"),
        None => format!("{scheme}://{authority}/{dbname}"),
    }
}

/// Runs a statement as the admin role, on a thread of its own (the blocking driver cannot
/// run inside a tokio runtime, and tests may be async).
pub fn admin_exec(sql: &str) -> Result<(), String> {
    let admin = admin_url();
    let sql = sql.to_string();
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).map_err(|e| {
            format!(
                "PostgreSQL tests need a server, and none answered at AXME_TEST_PG_URL or \
                 {DEFAULT_ADMIN_URL} ({e}). Run `. .ci/setup/50-postgres.sh` (uses a server on \
                 127.0.0.1:5432, else installs or starts one and exports AXME_TEST_PG_URL), or \
                 set AXME_TEST_PG_URL=postgres://USER@HOST:PORT/DB for a role that may CREATE \
                 DATABASE"
            )
        })?;
        client
            .batch_execute(&sql)
            .map_err(|e| format!("{sql}: {e}"))
    })
    .join()
    .unwrap_or_else(|_| Err("admin thread panicked".into()))
}

impl PgDb {
    pub fn create() -> PgDb {
        let name = format!(
            "axme_it_{}_{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        );
        admin_exec(&format!("CREATE DATABASE {name}")).unwrap_or_else(|e| panic!("{e}"));
        PgDb {
            url: with_dbname(&admin_url(), &name),
            admin: admin_url(),
            name,
        }
    }

    /// The secret key file this database's nodes share ([`key_file_for`]).
    pub fn key_file(&self) -> PathBuf {
        key_file_for(&self.url).expect("a postgres:// URL")
    }

    /// A blocking client on this database, for checks the API does not expose.
    pub fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> T + Send + 'static,
    ) -> T {
        let url = self.url.clone();
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            f(&mut client)
        })
        .join()
        .expect("query thread")
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let _ = &self.admin;
        if let Err(e) = admin_exec(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )) {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
        let _ = std::fs::remove_file(self.key_file());
        let _ = std::fs::remove_dir_all(self.key_file().with_extension("media"));
    }
}

/// True when `AXME_TEST_STORE=postgres`: every `TestServer::start()` then runs on a fresh
/// PostgreSQL database, so the whole HTTP suite can be run against the PostgreSQL store.
pub fn suite_on_postgres() -> bool {
    std::env::var("AXME_TEST_STORE").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}

/// The secret key file of the gateway nodes on the test database at `url` (None for a
/// SQLite `--db`): in the temp dir, named after the database, removed with it by
/// [`PgDb`]'s drop. A PostgreSQL node given none would read, or create, `secret.key` in the
/// platform data dir of the real home directory; and the nodes of one database must share
/// one file (the token signing key in the database is sealed with it).
pub fn key_file_for(url: &str) -> Option<PathBuf> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return None;
    }
    let path = url.split('?').next()?;
    let name = path.rsplit_once('/')?.1;
    Some(std::env::temp_dir().join(format!("{name}.secret-key")))
}

/// `AXME_SECRET_KEY_FILE` for an `axme server` (or `axme bench`) command line whose `--db`
/// is a PostgreSQL URL ([`key_file_for`]); a `--secret-key-file` on the line still wins.
pub fn key_file_of_args(args: &[&str]) -> Option<PathBuf> {
    args.windows(2)
        .find(|w| w[0] == "--db")
        .and_then(|w| key_file_for(w[1]))
}
