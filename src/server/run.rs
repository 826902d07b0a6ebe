//! [`run`]: serves a built [`App`] on a listener until told to stop, with the background
//! work of a running node (the timer scheduler, directory reloads, idempotency purge).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use super::app::App;
use super::{http, listener};

/// Serves `app` on `listener` until `shutdown` resolves, then ends open streams, lets
/// requests in flight finish and flushes the database.
pub async fn run(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    tokio::spawn(purge_idempotency_records(app.clone()));
    tokio::spawn(reload_directory(app.clone()));
    tokio::spawn(announce_listeners(app.clone()));
    // Timers resume from their rows: whatever fell due while the server was down fires now.
    let push_client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build the HTTP push client: {e}"))?;
    tokio::spawn(app.scheduler.clone().run(
        app.store.clone(),
        app.engine.clone(),
        push_client,
        app.shutdown.subscribe(),
    ));
    let limits = &app.settings.limits;
    let fd_limit = listener::raise_fd_limit();
    let max_connections = listener::effective_max_connections(limits.max_connections, fd_limit);
    if max_connections < limits.max_connections {
        tracing::warn!(
            max_connections,
            fd_limit,
            "the descriptor limit caps open connections below the setting"
        );
    }
    tracing::info!(
        rates = %limits.rates.describe(),
        max_connections,
        max_streams = limits.max_streams,
        "limits"
    );
    let router = http::router(app.clone());
    // Subscribed before the shutdown task exists: a receiver made after the send would
    // never see the change, and the accept loop would wait forever.
    let stop = app.shutdown.subscribe();
    let stopping = app.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: ending open streams");
        let _ = stopping.shutdown.send(true);
    });
    listener::serve(
        listener,
        router,
        app.tls.clone(),
        limits,
        max_connections,
        &app.metrics,
        stop,
    )
    .await;
    app.store
        .shutdown()
        .await
        .map_err(|e| format!("could not flush the database: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves once shutdown has begun.
async fn stopping(app: &App) {
    let mut stop = app.shutdown.subscribe();
    let _ = stop.wait_for(|stopping| *stopping).await;
}

/// Once a second, tells the change streams which addresses' listeners changed (the
/// console's Agents page follows them; see `engine/listeners.rs`).
async fn announce_listeners(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stopping(&app) => return,
        }
        for address in app.engine.listeners.sweep(std::time::Instant::now()) {
            app.hub.listeners_changed(&address);
        }
    }
}

/// Reloads tenants, keys and agent settings when another node changed them (PostgreSQL):
/// a key revoked on one node is refused on every node once its notification arrives.
async fn reload_directory(app: Arc<App>) {
    loop {
        tokio::select! {
            () = app.directory_stale.notified() => {}
            () = stopping(&app) => return,
        }
        // A local change while the snapshot was read may be missing from it: read again.
        loop {
            let seen = app.directory.generation();
            match app.store.load_directory().await {
                Ok(snapshot) => {
                    if app.directory.replace_if_unchanged(snapshot, seen) {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not reload the directory");
                    break;
                }
            }
        }
        match app.store.agent_deliveries().await {
            Ok(rows) => {
                for row in rows {
                    match app.engine.opened_row(row) {
                        Ok(row) => app.engine.set_agent(row),
                        Err(e) => tracing::error!(error = %e, "could not open a push secret"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not reload agent settings"),
        }
        match app.store.receive_policies().await {
            Ok(policies) => app.engine.set_policies(policies),
            Err(e) => tracing::warn!(error = %e, "could not reload receive policies"),
        }
        if let Err(e) = super::app::load_kills(&app.store, &app.engine).await {
            tracing::warn!(error = %e, "could not reload the mesh kills");
        }
    }
}

/// Idempotency records are kept two days (the spec asks for at least 24 h), then purged
/// once an hour so the table does not grow without bound.
async fn purge_idempotency_records(app: Arc<App>) {
    const KEEP: u64 = 48 * 3600;
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = stopping(&app) => return,
        }
        match app.store.purge_idempotency(KEEP).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "purged old idempotency records"),
            Err(e) => tracing::warn!(error = %e, "could not purge idempotency records"),
        }
    }
}
