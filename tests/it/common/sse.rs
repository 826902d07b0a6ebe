//! A deliberately strict SSE reader for the tests: keeps the raw bytes, when each chunk
//! arrived and when the response ended, so tests can check framing and timing exactly.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::TestServer;

/// One frame as it appeared on the wire (comment-only blocks are skipped).
#[derive(Debug, Clone)]
pub struct Frame {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: Option<String>,
    /// The frame's lines exactly as sent, without the trailing blank line.
    pub lines: Vec<String>,
}

impl Frame {
    /// The `data:` line parsed as JSON (panics with the frame when it is not).
    pub fn json(&self) -> Value {
        let data = self
            .data
            .as_deref()
            .unwrap_or_else(|| panic!("frame without data: {self:?}"));
        serde_json::from_str(data).unwrap_or_else(|e| panic!("data is not JSON ({e}): {data}"))
    }

    pub fn is_intent_event(&self) -> bool {
        self.event
            .as_deref()
            .is_some_and(|e| e.starts_with("intent."))
    }
}

/// A whole SSE response, read until the server ended it or a limit passed.
#[derive(Debug)]
pub struct Stream {
    pub status: u16,
    pub headers: HeaderMap,
    pub raw: String,
    /// When the response headers arrived.
    pub connected_at: Instant,
    /// Arrival time and text of every body chunk.
    pub chunks: Vec<(Instant, String)>,
    /// When the body ended (or when reading gave up).
    pub ended_at: Instant,
    /// True when the server closed the body; false when the read limit passed first.
    pub ended: bool,
}

impl Stream {
    pub fn frames(&self) -> Vec<Frame> {
        parse_frames(&self.raw)
    }

    pub fn intent_frames(&self) -> Vec<Frame> {
        self.frames()
            .into_iter()
            .filter(Frame::is_intent_event)
            .collect()
    }

    /// When the bytes containing `needle` had arrived.
    pub fn arrival_of(&self, needle: &str) -> Option<Instant> {
        let mut seen = String::new();
        for (at, text) in &self.chunks {
            seen.push_str(text);
            if seen.contains(needle) {
                return Some(*at);
            }
        }
        None
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// How long the response stayed open after its headers arrived.
    pub fn open_for(&self) -> Duration {
        self.ended_at - self.connected_at
    }
}

/// Splits a body into frames. Blocks made only of comment lines are dropped.
pub fn parse_frames(raw: &str) -> Vec<Frame> {
    let mut frames = Vec::new();
    for block in raw.split("\n\n") {
        let lines: Vec<String> = block
            .split('\n')
            .filter(|l| !l.is_empty() && !l.starts_with(':'))
            .map(str::to_string)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let field = |prefix: &str| {
            lines
                .iter()
                .find_map(|l| l.strip_prefix(prefix))
                .map(str::to_string)
        };
        frames.push(Frame {
            id: field("id: "),
            event: field("event: "),
            data: field("data: "),
            lines,
        });
    }
    frames
}

/// Opens `path` with `key` (plus extra headers) and returns the response once headers are in.
pub async fn open(
    server: &TestServer,
    path: &str,
    key: &str,
    extra_headers: &[(&str, &str)],
) -> (reqwest::Response, Instant) {
    let mut req = server
        .http
        .get(server.endpoint(path))
        .header("x-api-key", key);
    for (name, value) in extra_headers {
        req = req.header(*name, *value);
    }
    let resp = req.send().await.expect("stream request reaches the server");
    (resp, Instant::now())
}

/// Reads the body until the server ends it or `limit` passes (measured from the headers).
pub async fn read_all(resp: reqwest::Response, connected_at: Instant, limit: Duration) -> Stream {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut resp = resp;
    let mut raw = String::new();
    let mut chunks = Vec::new();
    let deadline = tokio::time::Instant::from_std(connected_at + limit);
    let ended = loop {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(bytes))) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                raw.push_str(&text);
                chunks.push((Instant::now(), text));
            }
            // A clean end of body.
            Ok(Ok(None)) => break true,
            // The connection went away (e.g. the server exited): the stream ended too.
            Ok(Err(_)) => break true,
            Err(_) => break false,
        }
    };
    Stream {
        status,
        headers,
        raw,
        connected_at,
        chunks,
        ended_at: Instant::now(),
        ended,
    }
}

/// `open` + `read_all` in one call.
pub async fn get(
    server: &TestServer,
    path: &str,
    key: &str,
    extra_headers: &[(&str, &str)],
    limit: Duration,
) -> Stream {
    let (resp, at) = open(server, path, key, extra_headers).await;
    read_all(resp, at, limit).await
}
