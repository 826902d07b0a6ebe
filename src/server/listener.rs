//! The HTTP/1.1 accept loop: hyper's HTTP/1 connection serving the axum router directly.
//!
//! Why not `axum::serve`: it runs each connection through hyper-util's HTTP/1+2 detection,
//! and an idle keep-alive connection cost ~30 KB there; thousands of SSE watchers are
//! mostly idle connections (DESIGN.md: 10,000 watchers within 300 MB). Nobody speaks
//! cleartext HTTP/2 to this API, so serving HTTP/1.1 only is no loss.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

/// How long shutdown waits for in-flight requests before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves until `stop` turns true, then lets open connections finish their current
/// request (SSE streams end on the same signal) and returns.
pub async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    // Each connection task holds a clone; `recv` returns `None` once all are gone.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    let mut http = http1::Builder::new();
    http.keep_alive(true)
        .timer(hyper_util::rt::TokioTimer::new());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            // `wait_for` sees a stop sent before this receiver was subscribed (a SIGTERM
            // right after the banner); `changed` would wait for a second one forever.
            _ = stop.wait_for(|stopping| *stopping) => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small SSE frames and answers must leave at once, not wait for a delayed ACK.
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = http
            .serve_connection(TokioIo::new(tcp), service)
            .with_upgrades();
        let mut stop = stop.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            let _alive = alive;
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stop.wait_for(|stopping| *stopping) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(alive);
    if tokio::time::timeout(DRAIN_TIMEOUT, all_done.recv())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still busy at shutdown");
    }
}
