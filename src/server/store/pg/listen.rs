//! The `LISTEN` side: a dedicated connection (outside the pool) receives what other nodes
//! committed and hands it to the node. After every (re)connect the node is told to re-read
//! from each waiter's cursor, since notifications sent while it was down are gone.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{AsyncMessage, Socket};

use super::connect::PgSettings;
use super::notify;
use crate::server::store::Notice;

/// What the node does with other nodes' commits.
pub trait Remote: Send + Sync + 'static {
    /// Another node committed these changes.
    fn remote(&self, notices: &[Notice], directory_changed: bool);
    /// The listening connection is (again) up: anything may have been missed.
    fn resync(&self);
    /// The listening connection is down: other nodes' changes go unseen until `resync`.
    fn lost(&self) {}
}

/// Listens until the process ends, reconnecting with a capped backoff.
pub fn spawn(settings: PgSettings, node_id: String, remote: Arc<dyn Remote>) {
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(100);
        loop {
            let ended = match settings.tls.clone() {
                Some(tls) => listen_once(&settings, tls, &node_id, &remote).await,
                None => listen_once(&settings, tokio_postgres::NoTls, &node_id, &remote).await,
            };
            remote.lost();
            match ended {
                Ok(()) => backoff = Duration::from_millis(100),
                Err(e) => tracing::warn!(error = %e, "LISTEN connection lost; reconnecting"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(2));
        }
    });
}

async fn listen_once<T>(
    settings: &PgSettings,
    tls: T,
    node_id: &str,
    remote: &Arc<dyn Remote>,
) -> Result<(), tokio_postgres::Error>
where
    T: MakeTlsConnect<Socket>,
    T::Stream: Send + 'static,
{
    let (client, mut connection) = settings.config.connect(tls).await?;
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_string()).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "LISTEN connection failed");
                    return;
                }
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {}", notify::CHANNEL))
        .await?;
    remote.resync();
    while let Some(payload) = rx.recv().await {
        let received = notify::parse(&payload);
        if received.node_id == node_id {
            continue;
        }
        remote.remote(&received.notices, received.directory_changed);
    }
    driver.abort();
    Ok(())
}
