//! A fresh PostgreSQL database per test, dropped afterwards. The server is the one of
//! `AXME_TEST_PG_URL` (a URL of a role allowed to CREATE DATABASE), by default the local
//! `postgres://postgres@127.0.0.1:5432/postgres`. With no server there, the test fails
//! and says how to get one: a PostgreSQL test never passes by skipping.

use super::connect::PgUrl;

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestDb {
    admin: PgUrl,
    name: String,
    url: PgUrl,
}

/// The admin URL the tests use.
pub fn admin_url() -> PgUrl {
    let raw = std::env::var("AXME_TEST_PG_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_string());
    PgUrl::parse(&raw).unwrap_or_else(|e| panic!("AXME_TEST_PG_URL is not usable: {e}"))
}

/// `url` with its database name replaced (URL form only).
pub fn with_dbname(url: &PgUrl, dbname: &str) -> PgUrl {
    let raw = url.as_str();
    let (scheme, rest) = raw
        .split_once("://")
        .unwrap_or_else(|| panic!("AXME_TEST_PG_URL must be a postgres:// URL"));
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let query = tail.split_once('?').map(|(_, q)| q);
    let rebuilt = match query {
        Some(q) => format!("{scheme}://{authority}/{dbname}?{q}"),
        None => format!("{scheme}://{authority}/{dbname}"),
    };
    PgUrl::parse(&rebuilt).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs blocking driver calls on a thread of their own: the `postgres` crate cannot be
/// used from inside a tokio runtime, and tests may be async.
fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|_| panic!("admin thread panicked"))
    })
}

fn admin_exec(admin: &PgUrl, sql: &str) -> Result<(), String> {
    let settings = admin.settings()?;
    off_runtime(|| {
        let mut client = settings.connect_blocking().map_err(|e| {
            format!(
                "PostgreSQL tests need a server, and none answered at {} ({e}). Run \
                 `. .ci/setup/50-postgres.sh` (uses a server on 127.0.0.1:5432, else installs \
                 or starts one and exports AXME_TEST_PG_URL), or set \
                 AXME_TEST_PG_URL=postgres://USER@HOST:PORT/DB for a role that may CREATE DATABASE",
                admin.redacted()
            )
        })?;
        client.batch_execute(sql).map_err(|e| format!("{sql}: {e}"))
    })
}

impl TestDb {
    pub fn create() -> TestDb {
        let admin = admin_url();
        let mut bytes = [0u8; 6];
        rand::fill(&mut bytes[..]);
        let name = format!("axme_test_{}_{}", std::process::id(), hex::encode(bytes));
        if let Err(e) = admin_exec(&admin, &format!("CREATE DATABASE {name}")) {
            panic!("{e}");
        }
        let url = with_dbname(&admin, &name);
        TestDb { admin, name, url }
    }

    pub fn url(&self) -> &PgUrl {
        &self.url
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = admin_exec(&self.admin, &sql) {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}
