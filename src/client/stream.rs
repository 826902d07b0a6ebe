//! SSE streams that survive dropped connections and gateway restarts.
//!
//! Both streams keep a cursor (the last `seq` handed out), reconnect with `since=<cursor>`
//! (exclusive, spec §2.3) whenever a response ends — after `stream.timeout`, after the
//! server's linger, or when the connection breaks — and drop anything at or below the
//! cursor, so the caller sees each event once and in order. A gap (an event past
//! cursor + 1) is filled from `GET …/events` before moving on.
//!
//! We read reqwest's byte stream and decode with `protocol::sse::Decoder` rather than use
//! an EventSource crate: one fewer dependency, and exact control of `since` on reconnect.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};

use super::retry::{Backoff, OnOutage, Persist};
use super::{Client, ClientError, ClientResult, segment};
use crate::protocol::AgentDelivery;
use crate::protocol::IntentEvent;
use crate::protocol::event::kind;
use crate::protocol::sse::{Decoder, Frame};

/// How long a stream keeps trying to reconnect to a gateway that went away, unless told
/// otherwise with `persist`.
const RECONNECT_BUDGET: Duration = Duration::from_secs(60);

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Vec<u8>>> + Send>>;

/// One open SSE response, decoded frame by frame.
struct Connection {
    body: ByteStream,
    decoder: Decoder,
    /// Bytes after the last newline: may end inside a UTF-8 character.
    partial: Vec<u8>,
    idle_limit: Duration,
}

impl Connection {
    /// The next batch of frames; `Ok(None)` when the response ended.
    async fn frames(&mut self) -> Result<Option<Vec<Frame>>, String> {
        loop {
            let chunk = match tokio::time::timeout(self.idle_limit, self.body.next()).await {
                Err(_) => return Err("the stream went silent".into()),
                Ok(None) => return Ok(None),
                Ok(Some(Err(e))) => return Err(super::error::transport_detail(&e)),
                Ok(Some(Ok(chunk))) => chunk,
            };
            self.partial.extend_from_slice(&chunk);
            let Some(cut) = self.partial.iter().rposition(|b| *b == b'\n') else {
                continue;
            };
            let complete: Vec<u8> = self.partial.drain(..=cut).collect();
            let frames = self.decoder.push(&String::from_utf8_lossy(&complete));
            if !frames.is_empty() {
                return Ok(Some(frames));
            }
        }
    }
}

impl Client {
    /// Opens `path` as an event stream. Errors before streaming are normal JSON errors.
    async fn open_stream(
        &self,
        path: &str,
        query: &[(&str, String)],
        wait_seconds: u64,
        listener: Option<&str>,
    ) -> ClientResult<Connection> {
        let mut req = self.builder(reqwest::Method::GET, path, None);
        if let Some(id) = listener {
            // Names this process, so its reconnects count as one listener on the gateway.
            req = req.header("X-Axme-Listener", id);
        }
        let resp = req
            .header("accept", "text/event-stream")
            .query(query)
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let status = resp.status();
        if !status.is_success() {
            let text = resp.text().await.unwrap_or_default();
            return Err(ClientError::from_response(status.as_u16(), &text));
        }
        let body = resp.bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed();
        Ok(Connection {
            body,
            decoder: Decoder::new(),
            partial: Vec::new(),
            // Heartbeats come every 15 s by default; a response never outlives wait_seconds.
            idle_limit: Duration::from_secs(wait_seconds + 20),
        })
    }
}

/// The lifecycle events of one intent, live, from `since`; ends after the terminal event.
pub struct IntentStream {
    client: Client,
    intent_id: String,
    last_seq: u64,
    wait_seconds: u64,
    queue: VecDeque<IntentEvent>,
    conn: Option<Connection>,
    reconnect: Backoff,
    finished: bool,
}

impl IntentStream {
    pub fn new(client: &Client, intent_id: &str, since: u64) -> Self {
        IntentStream {
            client: client.clone(),
            intent_id: intent_id.to_string(),
            last_seq: since,
            wait_seconds: 15,
            queue: VecDeque::new(),
            conn: None,
            reconnect: Backoff::new(Persist::Budget(RECONNECT_BUDGET), None),
            finished: false,
        }
    }

    /// How long to keep reconnecting, and who hears about each wait.
    pub fn persist(mut self, persist: Persist, on_outage: Option<OnOutage>) -> Self {
        self.reconnect = Backoff::new(persist, on_outage);
        self
    }

    /// The next event; `None` after the terminal one.
    pub async fn next(&mut self) -> Option<ClientResult<IntentEvent>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(Ok(event));
            }
            if self.finished {
                return None;
            }
            let Some(conn) = self.conn.as_mut() else {
                let path = format!("/v1/intents/{}/events/stream", segment(&self.intent_id));
                let query = [
                    ("since", self.last_seq.to_string()),
                    ("wait_seconds", self.wait_seconds.to_string()),
                ];
                match self
                    .client
                    .open_stream(&path, &query, self.wait_seconds, None)
                    .await
                {
                    Ok(conn) => {
                        self.reconnect.succeeded();
                        self.conn = Some(conn);
                    }
                    Err(e) => {
                        if let Err(e) = self.reconnect.failed(e).await {
                            return Some(Err(e));
                        }
                    }
                }
                continue;
            };
            match conn.frames().await {
                Ok(Some(frames)) => {
                    if let Err(e) = self.accept(frames).await {
                        return Some(Err(e));
                    }
                }
                // The response ended (stream.timeout, linger, shutdown): resume at once.
                Ok(None) => self.conn = None,
                Err(detail) => {
                    self.conn = None;
                    let err = ClientError::Unreachable {
                        base_url: self.client.base_url().to_string(),
                        detail,
                    };
                    if let Err(e) = self.reconnect.failed(err).await {
                        return Some(Err(e));
                    }
                }
            }
        }
    }

    async fn accept(&mut self, frames: Vec<Frame>) -> ClientResult<()> {
        for frame in frames {
            if frame.event.as_deref() == Some(kind::STREAM_TIMEOUT) {
                continue;
            }
            let Ok(event) = serde_json::from_str::<IntentEvent>(&frame.data) else {
                tracing::debug!(data = %frame.data, "skipping a frame that is not an event");
                continue;
            };
            if event.seq <= self.last_seq {
                continue;
            }
            if event.seq > self.last_seq + 1 {
                // Never skip: fetch what is missing from the recorded log.
                for missing in self.client.events(&self.intent_id, self.last_seq).await? {
                    if missing.seq > self.last_seq && missing.seq < event.seq {
                        self.push(missing);
                    }
                }
            }
            self.push(event);
            if self.finished {
                break;
            }
        }
        Ok(())
    }

    fn push(&mut self, event: IntentEvent) {
        if event.seq <= self.last_seq || self.finished {
            return;
        }
        self.last_seq = event.seq;
        if event.is_terminal() {
            self.finished = true;
            self.conn = None;
        }
        self.queue.push_back(event);
    }
}

/// Intents delivered to one agent address, live, until an error it does not wait out.
pub struct AgentStream {
    client: Client,
    address: String,
    cursor: u64,
    wait_seconds: u64,
    queue: VecDeque<AgentDelivery>,
    conn: Option<Connection>,
    reconnect: Backoff,
    /// Sent as `X-Axme-Listener`: one id per stream, so the gateway counts it once.
    listener: String,
}

impl AgentStream {
    /// `address`: `agent://org/ws/name` or a bare name in the key's workspace.
    pub fn new(client: &Client, address: &str, since: u64) -> Self {
        AgentStream {
            client: client.clone(),
            address: address.trim().trim_start_matches("agent://").to_string(),
            cursor: since,
            wait_seconds: 15,
            queue: VecDeque::new(),
            conn: None,
            reconnect: Backoff::new(Persist::Budget(RECONNECT_BUDGET), None),
            listener: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// How long to keep reconnecting, and who hears about each wait.
    pub fn persist(mut self, persist: Persist, on_outage: Option<OnOutage>) -> Self {
        self.reconnect = Backoff::new(persist, on_outage);
        self
    }

    pub async fn next(&mut self) -> ClientResult<AgentDelivery> {
        loop {
            if let Some(d) = self.queue.pop_front() {
                return Ok(d);
            }
            let Some(conn) = self.conn.as_mut() else {
                let path: Vec<String> = self.address.split('/').map(segment).collect();
                let path = format!("/v1/agents/{}/intents/stream", path.join("/"));
                let query = [
                    ("since", self.cursor.to_string()),
                    ("wait_seconds", self.wait_seconds.to_string()),
                ];
                match self
                    .client
                    .open_stream(&path, &query, self.wait_seconds, Some(&self.listener))
                    .await
                {
                    Ok(conn) => {
                        self.reconnect.succeeded();
                        self.conn = Some(conn);
                    }
                    Err(e) => self.reconnect.failed(e).await?,
                }
                continue;
            };
            match conn.frames().await {
                Ok(Some(frames)) => {
                    for frame in frames {
                        if frame.event.as_deref() == Some(kind::STREAM_TIMEOUT) {
                            continue;
                        }
                        let Ok(mut delivery) = serde_json::from_str::<AgentDelivery>(&frame.data)
                        else {
                            continue;
                        };
                        // A gateway that leaves `seq` out numbers the frame instead.
                        if delivery.seq == 0 {
                            match frame.id.as_deref().and_then(|i| i.trim().parse().ok()) {
                                Some(seq) => delivery.seq = seq,
                                None => continue,
                            }
                        }
                        if delivery.seq <= self.cursor {
                            continue;
                        }
                        self.cursor = delivery.seq;
                        self.queue.push_back(delivery);
                    }
                }
                Ok(None) => self.conn = None,
                Err(detail) => {
                    self.conn = None;
                    let err = ClientError::Unreachable {
                        base_url: self.client.base_url().to_string(),
                        detail,
                    };
                    self.reconnect.failed(err).await?;
                }
            }
        }
    }
}
