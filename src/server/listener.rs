//! The HTTP/1.1 accept loop: hyper's HTTP/1 connection serving the axum router directly,
//! over plain TCP or TLS (rustls), with every connection bounded.
//!
//! Why not `axum::serve`: it runs each connection through hyper-util's HTTP/1+2 detection,
//! and an idle keep-alive connection cost ~30 KB there; thousands of SSE watchers are
//! mostly idle connections (DESIGN.md: 10,000 watchers within 300 MB). Nobody speaks
//! cleartext HTTP/2 to this API, so serving HTTP/1.1 only is no loss.
//!
//! Bounds: at most `max_connections` open connections and `max_connections_per_client`
//! per client address; one past either gets a canned 503 with `Retry-After` and is closed,
//! counted in `/metrics` (`axme_connections_refused_total{cap}`),
//! so the process never runs out of descriptors (the cap is kept below the descriptor
//! limit, raised to its hard maximum at start). A client has `header_timeout` to send each
//! request head (and TLS handshake); bodies are timed in `http::body`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tower::ServiceExt;

use super::http::throttle::ClientAddr;
use super::limits::{Limits, client_of};
use super::metrics::Metrics;

/// How long shutdown waits for in-flight requests before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Descriptors kept free for the database, logs and outgoing pushes.
const FD_RESERVE: u64 = 256;

/// Counts open connections, in total and per client address.
struct Gate {
    max_total: usize,
    max_per_client: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One admitted connection; leaving frees its place.
struct Admitted {
    gate: Arc<Gate>,
    client: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if let Ok(mut open) = self.gate.open.lock() {
            open.0 = open.0.saturating_sub(1);
            if let Some(n) = open.1.get_mut(&self.client) {
                *n -= 1;
                if *n == 0 {
                    open.1.remove(&self.client);
                }
            }
        }
    }
}

impl Gate {
    /// A place for one more connection of `client`, or the counter of the cap it hit.
    fn admit<'m>(
        self: &Arc<Self>,
        client: IpAddr,
        metrics: &'m Metrics,
    ) -> Result<Admitted, &'m AtomicU64> {
        let Ok(mut open) = self.open.lock() else {
            return Err(&metrics.refused_at_total_cap);
        };
        let mine = open.1.get(&client).copied().unwrap_or(0);
        if open.0 >= self.max_total {
            return Err(&metrics.refused_at_total_cap);
        }
        if mine >= self.max_per_client {
            return Err(&metrics.refused_at_client_cap);
        }
        open.0 += 1;
        *open.1.entry(client).or_default() += 1;
        Ok(Admitted {
            gate: self.clone(),
            client,
        })
    }
}

/// Raises the soft limit of open descriptors to the hard one; returns the soft limit now
/// in force (None where it cannot be read).
pub fn raise_fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return None;
            }
            if limit.rlim_cur < limit.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: limit.rlim_max,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit.rlim_cur = limit.rlim_max;
                }
            }
        }
        // rlim_t is u64 on Linux, not everywhere.
        #[allow(clippy::unnecessary_cast)]
        Some(limit.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    None
}

/// The connection cap actually used: the setting, kept below the descriptor limit.
pub fn effective_max_connections(setting: usize, fd_limit: Option<u64>) -> usize {
    match fd_limit {
        Some(fds) => setting.min(crate::num::usize_from_u64(
            fds.saturating_sub(FD_RESERVE).max(16),
        )),
        None => setting,
    }
}

/// The body of the canned answer to a connection over a cap.
const BUSY: &str = "{\"ok\":false,\"error\":{\"code\":\"too_many_connections\",\"message\":\"this gateway has too many open connections; retry shortly\",\"category\":\"transport\",\"retryable\":true,\"details\":{}},\"detail\":\"this gateway has too many open connections; retry shortly\"}";

async fn refuse<S: AsyncWrite + Unpin>(mut io: S) {
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BUSY}",
        BUSY.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = io.write_all(answer.as_bytes()).await;
        let _ = io.shutdown().await;
    })
    .await;
}

/// Serves until `stop` turns true, then lets open connections finish their current
/// request (SSE streams end on the same signal) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    limits: &Limits,
    max_connections: usize,
    metrics: &Metrics,
    mut stop: watch::Receiver<bool>,
) {
    // Each connection task holds a clone; `recv` returns `None` once all are gone.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    let mut http = http1::Builder::new();
    http.keep_alive(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let gate = Arc::new(Gate {
        max_total: max_connections,
        max_per_client: limits.max_connections_per_client,
        open: Mutex::new((0, HashMap::new())),
    });
    let handshake_timeout = limits.header_timeout;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            // `wait_for` sees a stop sent before this receiver was subscribed (a SIGTERM
            // right after the banner); `changed` would wait for a second one forever.
            _ = stop.wait_for(|stopping| *stopping) => break,
        };
        let (tcp, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small SSE frames and answers must leave at once, not wait for a delayed ACK.
        let _ = tcp.set_nodelay(true);
        let admitted = gate
            .admit(client_of(peer.ip()), metrics)
            .map_err(|refused| refused.fetch_add(1, Ordering::Relaxed))
            .ok();
        let router = router.clone();
        let tls = tls.clone();
        let http = http.clone();
        let stop = stop.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            let _alive = alive;
            match tls {
                None => match admitted {
                    Some(admitted) => {
                        serve_connection(&http, tcp, peer.ip(), router, stop).await;
                        drop(admitted);
                    }
                    None => refuse(tcp).await,
                },
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(handshake_timeout, acceptor.accept(tcp)).await;
                    let Ok(Ok(stream)) = handshake else {
                        return;
                    };
                    match admitted {
                        Some(admitted) => {
                            serve_connection(&http, stream, peer.ip(), router, stop).await;
                            drop(admitted);
                        }
                        None => refuse(stream).await,
                    }
                }
            }
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

async fn serve_connection<S>(
    http: &http1::Builder,
    io: S,
    peer: IpAddr,
    router: Router,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // The client's address rides with each request, for the per-client rate limits.
    let service = router.map_request(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ClientAddr(peer));
        request
    });
    let connection = http
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_caps_in_total_and_per_client() {
        let gate = Arc::new(Gate {
            max_total: 3,
            max_per_client: 2,
            open: Mutex::new((0, HashMap::new())),
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let m = Metrics::default();
        let a1 = gate.admit(a, &m).ok().unwrap();
        let _a2 = gate.admit(a, &m).ok().unwrap();
        let refused = gate.admit(a, &m).err().unwrap();
        assert!(
            std::ptr::eq(refused, &m.refused_at_client_cap),
            "per client"
        );
        let _b1 = gate.admit(b, &m).ok().unwrap();
        let refused = gate.admit(b, &m).err().unwrap();
        assert!(std::ptr::eq(refused, &m.refused_at_total_cap), "in total");
        drop(a1);
        assert!(gate.admit(b, &m).is_ok());
    }

    #[test]
    fn the_cap_stays_below_the_descriptor_limit() {
        assert_eq!(effective_max_connections(20_000, Some(1024)), 768);
        assert_eq!(effective_max_connections(100, Some(1_048_576)), 100);
        assert_eq!(effective_max_connections(100, None), 100);
    }
}
