//! A fresh PostgreSQL database per test on the server of `AXME_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), dropped afterwards. No server → the test
//! fails and says how to get one (`. .ci/setup/50-postgres.sh`).

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
    }
}

/// True when `AXME_TEST_STORE=postgres`: every `TestServer::start()` then runs on a fresh
/// PostgreSQL database, so the whole HTTP suite can be run against the PostgreSQL store.
pub fn suite_on_postgres() -> bool {
    std::env::var("AXME_TEST_STORE").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}
