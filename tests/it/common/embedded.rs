//! The gateway embedded in the test process: `axme::server::build` and `run` on a listener
//! on port 0, on a runtime thread of its own. For tests that need no process boundary:
//! no binary to start, settings in milliseconds, and a [`ManualClock`] the test moves, so a
//! timer due in 15 s fires as soon as the test says so. Tests of what only a process shows
//! (kill -9, the banner, signals, logs, the CLI, the Python SDK) start the binary instead.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axme::server::clock::ManualClock;
use axme::server::{Database, ServerConfig, Settings};
use tokio::sync::oneshot;

use super::server::TestServer;

/// The running embedded gateway: how to stop it.
pub struct Embedded {
    stop: oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Embedded {
    /// Stops serving (streams end, requests in flight finish) and waits for the thread.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

impl TestServer {
    /// [`TestServer::embedded`] with the default settings.
    pub fn in_process() -> TestServer {
        Self::embedded(Settings::default())
    }

    /// A gateway in this process on a throwaway database (PostgreSQL under
    /// `AXME_TEST_STORE=postgres`), with these settings and the wall clock.
    pub fn embedded(settings: Settings) -> TestServer {
        Self::embedded_with(settings, None)
    }

    /// [`TestServer::embedded`] on `clock`, which only moves when the test advances it.
    pub fn embedded_on(settings: Settings, clock: Arc<ManualClock>) -> TestServer {
        Self::embedded_with(settings, Some(clock))
    }

    fn embedded_with(settings: Settings, clock: Option<Arc<ManualClock>>) -> TestServer {
        let own_db = super::pg::suite_on_postgres().then(super::pg::PgDb::create);
        let database = match &own_db {
            Some(db) => Database::Postgres(
                axme::server::PgUrl::parse(&db.url).expect("a test database URL"),
            ),
            None => Database::Ephemeral,
        };
        let mut config = ServerConfig::new(database);
        config.secret_key_file = own_db.as_ref().map(super::pg::PgDb::key_file);
        // Media bytes beside it (`<db>.media`), not in the real home's data dir.
        config.media_dir = own_db
            .as_ref()
            .map(|db| db.key_file().with_extension("media"));
        config.settings = settings;
        if let Some(clock) = clock {
            config.clock = clock;
        }
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime for the embedded gateway");
            runtime.block_on(async move {
                let app = match axme::server::build(config).await {
                    Ok(app) => Arc::new(app),
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a free loopback port");
                let local = listener.local_addr().expect("the listening address");
                let _ = ready_tx.send(Ok((app.clone(), local)));
                let _ = axme::server::run(listener, app, async {
                    let _ = stopped.await;
                })
                .await;
            });
            runtime.shutdown_timeout(Duration::from_millis(200));
        });
        let (app, local) = ready_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the embedded gateway started")
            .unwrap_or_else(|e| panic!("the embedded gateway did not start: {e}"));
        let banner = app.banner(local);
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(90))
            .build()
            .expect("build reqwest client");
        TestServer {
            child: None,
            url: banner.url.clone(),
            admin_key: banner.admin_key.clone(),
            banner: banner.render(),
            stderr: Arc::new(Mutex::new(String::new())),
            http,
            own_db,
            embedded: Some(Embedded { stop, thread }),
        }
    }
}
