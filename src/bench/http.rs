//! A lean HTTP/1.1 client for the load generator: one keep-alive TCP connection per
//! [`Conn`], requests written from pre-built header bytes, responses parsed in place.
//!
//! Why not reqwest: its pool, redirect and header machinery cost client CPU on the same two
//! cores the gateway runs on, and every microsecond the client spends is taken from the
//! server's figures. The gateway speaks plain HTTP/1.1 (content-length or chunked bodies),
//! which is all this client understands; it is not a general-purpose client.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest response head accepted; the gateway's are a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
/// Longest body accepted (bench responses are small JSON documents).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Where requests go and how they authenticate.
#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub api_key: String,
}

#[derive(Debug)]
enum Body {
    /// No body left to read on this response.
    Done,
    Length(usize),
    /// Bytes left in the current chunk; `None` before the first size line.
    Chunked(Option<usize>),
}

pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    body: Body,
    /// `Host` and auth headers, written after the request line of every request.
    fixed_headers: Vec<u8>,
    out: Vec<u8>,
    /// The server asked to close after this response.
    closing: bool,
}

fn bad(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

impl Conn {
    pub async fn connect(target: &Target) -> io::Result<Conn> {
        let stream = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(target.addr))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
        stream.set_nodelay(true)?;
        let fixed_headers = format!(
            "Host: {}\r\nx-api-key: {}\r\nAccept: */*\r\n",
            target.addr, target.api_key
        )
        .into_bytes();
        Ok(Conn {
            stream,
            buf: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            body: Body::Done,
            fixed_headers,
            out: Vec::with_capacity(1024),
            closing: false,
        })
    }

    /// Whether the connection can carry another request.
    pub fn reusable(&self) -> bool {
        !self.closing && matches!(self.body, Body::Done)
    }

    /// Sends a request and reads the whole response; returns status and body.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> io::Result<(u16, Vec<u8>)> {
        let status = self.send_head(method, path, body).await?;
        let mut out = Vec::new();
        while let Some(piece) = self.body_piece().await? {
            if out.len() + piece.len() > MAX_BODY {
                return Err(bad("response body too large"));
            }
            out.extend_from_slice(piece);
        }
        Ok((status, out))
    }

    /// Sends a request and reads only the response head; read the body with
    /// [`Conn::body_piece`] (for SSE streams, one chunk per call).
    pub async fn send_head(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> io::Result<u16> {
        if !self.reusable() {
            return Err(bad("connection is not idle"));
        }
        self.out.clear();
        self.out.extend_from_slice(method.as_bytes());
        self.out.push(b' ');
        self.out.extend_from_slice(path.as_bytes());
        self.out.extend_from_slice(b" HTTP/1.1\r\n");
        self.out.extend_from_slice(&self.fixed_headers);
        if let Some(body) = body {
            self.out
                .extend_from_slice(b"Content-Type: application/json\r\nContent-Length: ");
            self.out
                .extend_from_slice(body.len().to_string().as_bytes());
            self.out.extend_from_slice(b"\r\n\r\n");
            self.out.extend_from_slice(body);
        } else {
            self.out.extend_from_slice(b"\r\n");
        }
        self.stream.write_all(&self.out).await?;
        self.read_head().await
    }

    /// Reads more bytes into the buffer; error on EOF.
    async fn fill(&mut self) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let grown = self.buf.len() * 2;
                self.buf.resize(grown, 0);
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..]).await?;
        if n == 0 {
            self.closing = true;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        self.end += n;
        Ok(())
    }

    /// Position (absolute) of the next CRLF at or after `from`, reading more as needed.
    async fn find_crlf(&mut self, from_offset: usize) -> io::Result<usize> {
        let mut scanned = from_offset;
        loop {
            let window = &self.buf[self.start + scanned..self.end];
            if let Some(i) = window.windows(2).position(|w| w == b"\r\n") {
                return Ok(self.start + scanned + i);
            }
            scanned = (self.end - self.start).saturating_sub(1);
            if self.end - self.start > MAX_HEAD {
                return Err(bad("response line too long"));
            }
            self.fill().await?;
        }
    }

    async fn read_head(&mut self) -> io::Result<u16> {
        // The whole head ends with an empty line.
        let head_end = loop {
            let window = &self.buf[self.start..self.end];
            if let Some(i) = window.windows(4).position(|w| w == b"\r\n\r\n") {
                break self.start + i + 4;
            }
            if window.len() > MAX_HEAD {
                return Err(bad("response head too long"));
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[self.start..head_end])
            .map_err(|_| bad("response head is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("malformed status line"))?;
        let mut body = Body::Length(0);
        let mut closing = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                body = Body::Length(value.parse().map_err(|_| bad("bad content-length"))?);
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && value.eq_ignore_ascii_case("chunked")
            {
                body = Body::Chunked(None);
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
            {
                closing = true;
            }
        }
        self.start = head_end;
        self.closing = closing;
        self.body = match body {
            Body::Length(0) => Body::Done,
            other => other,
        };
        Ok(status)
    }

    /// The next piece of the current response body, `None` at its end.
    pub async fn body_piece(&mut self) -> io::Result<Option<&[u8]>> {
        loop {
            match self.body {
                Body::Done => return Ok(None),
                Body::Length(left) => {
                    if self.start == self.end {
                        self.fill().await?;
                    }
                    let take = left.min(self.end - self.start);
                    let from = self.start;
                    self.start += take;
                    self.body = if take == left {
                        Body::Done
                    } else {
                        Body::Length(left - take)
                    };
                    return Ok(Some(&self.buf[from..from + take]));
                }
                Body::Chunked(None) => {
                    let crlf = self.find_crlf(0).await?;
                    let line = std::str::from_utf8(&self.buf[self.start..crlf])
                        .map_err(|_| bad("bad chunk size"))?;
                    let size_text = line.split(';').next().unwrap_or("").trim();
                    let size =
                        usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
                    self.start = crlf + 2;
                    if size == 0 {
                        // Trailers (none from the gateway), then the closing empty line.
                        loop {
                            let crlf = self.find_crlf(0).await?;
                            let empty = crlf == self.start;
                            self.start = crlf + 2;
                            if empty {
                                break;
                            }
                        }
                        self.body = Body::Done;
                        return Ok(None);
                    }
                    if size > MAX_BODY {
                        return Err(bad("chunk too large"));
                    }
                    self.body = Body::Chunked(Some(size));
                }
                Body::Chunked(Some(left)) => {
                    // The chunk and its trailing CRLF must be in the buffer together.
                    while self.end - self.start < left + 2 {
                        self.fill().await?;
                    }
                    let from = self.start;
                    self.start += left + 2;
                    self.body = Body::Chunked(None);
                    return Ok(Some(&self.buf[from..from + left]));
                }
            }
        }
    }
}

/// Frames of a `text/event-stream` body, scanned without copying into strings.
#[derive(Default)]
pub struct SseScanner {
    pending: Vec<u8>,
}

/// One frame: its `event:` name and `data:` line (the gateway writes one data line).
pub struct SseFrame<'a> {
    pub event: &'a str,
    pub id: Option<&'a str>,
    pub data: &'a str,
}

impl SseScanner {
    /// Adds a body piece and calls `each` for every complete frame.
    pub fn feed(&mut self, piece: &[u8], mut each: impl FnMut(SseFrame<'_>)) {
        self.pending.extend_from_slice(piece);
        let mut consumed = 0;
        while let Some(i) = self.pending[consumed..]
            .windows(2)
            .position(|w| w == b"\n\n")
        {
            let frame = &self.pending[consumed..consumed + i];
            consumed += i + 2;
            let Ok(text) = std::str::from_utf8(frame) else {
                continue;
            };
            let mut event = "";
            let mut id = None;
            let mut data = "";
            for line in text.split('\n') {
                if let Some(v) = line.strip_prefix("event: ") {
                    event = v;
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = v;
                } else if let Some(v) = line.strip_prefix("id: ") {
                    id = Some(v);
                }
            }
            if !event.is_empty() {
                each(SseFrame { event, id, data });
            }
        }
        self.pending.drain(..consumed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_splits_frames_across_pieces() {
        let wire = b"id: 3\nevent: intent.delivered\ndata: {\"a\":1}\n\n: keepalive\n\nevent: x\ndata: {}\n\n";
        let mut scanner = SseScanner::default();
        let mut seen = Vec::new();
        for piece in wire.chunks(7) {
            scanner.feed(piece, |f| {
                seen.push((
                    f.event.to_string(),
                    f.id.map(str::to_string),
                    f.data.to_string(),
                ))
            });
        }
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].0, "intent.delivered");
        assert_eq!(seen[0].1.as_deref(), Some("3"));
        assert_eq!(seen[1].2, "{}");
    }
}
