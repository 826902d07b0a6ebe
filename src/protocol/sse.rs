//! Server-Sent Events framing (spec §2.4), shared by the gateway (encoding) and the
//! client (decoding). Frames are `id: …`, `event: …`, `data: <one line of JSON>`, then a
//! blank line; clients are picky about the single space after each colon.

/// Encodes one frame. `data` must be a single line (serde_json's compact output is).
pub fn encode_frame(id: Option<u64>, event: &str, data: &str) -> String {
    debug_assert!(!data.contains('\n'));
    let mut out = String::with_capacity(data.len() + event.len() + 32);
    if let Some(id) = id {
        out.push_str("id: ");
        out.push_str(&id.to_string());
        out.push('\n');
    }
    out.push_str("event: ");
    out.push_str(event);
    out.push_str("\ndata: ");
    out.push_str(data);
    out.push_str("\n\n");
    out
}

/// A comment line: ignored by every client, used as a heartbeat.
pub const HEARTBEAT: &str = ": keepalive\n\n";

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frame {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

/// Incremental decoder: feed bytes as they arrive, take complete frames out.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: String,
    current: Frame,
    has_data: bool,
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a chunk and returns every frame it completed.
    pub fn push(&mut self, chunk: &str) -> Vec<Frame> {
        self.buf.push_str(chunk);
        let mut frames = Vec::new();
        while let Some(pos) = self.buf.find('\n') {
            let line: String = self.buf.drain(..=pos).collect();
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if self.has_data || self.current.event.is_some() {
                    frames.push(std::mem::take(&mut self.current));
                }
                self.current = Frame::default();
                self.has_data = false;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line, ""),
            };
            match field {
                "id" => self.current.id = Some(value.to_string()),
                "event" => self.current.event = Some(value.to_string()),
                "data" => {
                    if self.has_data {
                        self.current.data.push('\n');
                    }
                    self.current.data.push_str(value);
                    self.has_data = true;
                }
                _ => {}
            }
        }
        frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_across_chunk_boundaries() {
        let wire = format!(
            "{}{}{}",
            encode_frame(Some(3), "intent.waiting", r#"{"seq":3}"#),
            HEARTBEAT,
            encode_frame(None, "stream.timeout", r#"{"next_seq":3}"#)
        );
        let mut d = Decoder::new();
        let mut frames = Vec::new();
        for chunk in wire.as_bytes().chunks(5) {
            frames.extend(d.push(std::str::from_utf8(chunk).unwrap()));
        }
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].id.as_deref(), Some("3"));
        assert_eq!(frames[0].event.as_deref(), Some("intent.waiting"));
        assert_eq!(frames[0].data, r#"{"seq":3}"#);
        assert_eq!(frames[1].event.as_deref(), Some("stream.timeout"));
    }
}
