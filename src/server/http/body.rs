//! Request bodies under a deadline, and left clean for the next request.
//!
//! - A body must arrive whole within `body_timeout` of the request's start: a client that
//!   trickles bytes gets 408 and loses the connection instead of holding it for ever.
//! - A handler that answers before reading the body (a 401, a 404, a 429) leaves unread
//!   bytes on a keep-alive connection. They are drained here, up to a bound, before the
//!   answer goes out, so the connection stays usable; a body too large or too slow to
//!   drain closes the connection (`Connection: close`) instead of resetting it mid-send.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use http_body::Frame;
use tokio::time::{Instant, Sleep};

use super::AppState;

/// Unread bytes drained after the answer at most; past it the connection is closed.
const DRAIN_MAX: usize = 1024 * 1024;
/// How long draining may add to an answer at most.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// The error a guarded body reports when its deadline passed.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

struct Inner {
    body: Body,
    finished: bool,
}

/// The handler's view of the body: the shared inner body under a deadline.
struct Guarded {
    inner: Arc<Mutex<Inner>>,
    deadline: Instant,
    /// Armed only once the body makes the reader wait.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl HttpBody for Guarded {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = {
            let mut inner = match self.inner.lock() {
                Ok(inner) => inner,
                Err(poisoned) => poisoned.into_inner(),
            };
            let polled = Pin::new(&mut inner.body).poll_frame(cx);
            if let Poll::Ready(None) = polled {
                inner.finished = true;
            }
            polled
        };
        match polled {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => {
                let deadline = self.deadline;
                let sleep = self
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut)))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner
            .lock()
            .map(|i| i.body.is_end_stream())
            .unwrap_or(false)
    }
}

/// The slowest a media upload may arrive: 64 KiB/s.
const UPLOAD_MIN_RATE: u64 = 64 * 1024;

/// The extra time a media upload's body gets: its length (or, sent in chunks, the largest
/// upload taken) at [`UPLOAD_MIN_RATE`].
fn upload_allowance(request: &Request, max_bytes: u64) -> Duration {
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(max_bytes)
        .min(max_bytes);
    Duration::from_secs(length / UPLOAD_MIN_RATE)
}

fn has_body(request: &Request) -> bool {
    let headers = request.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0")
}

/// The body deadline and drain around `next` (the rest of the request's way in).
pub async fn guard_body(
    app: &AppState,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    if !has_body(&request) {
        return next(request).await;
    }
    let mut deadline = Instant::now() + app.settings.limits.body_timeout;
    if super::media::is_upload(request.method(), request.uri().path()) {
        deadline += upload_allowance(&request, app.settings.max_media_bytes);
    }
    let (parts, body) = request.into_parts();
    let inner = Arc::new(Mutex::new(Inner {
        body,
        finished: false,
    }));
    let guarded = Guarded {
        inner: inner.clone(),
        deadline,
        sleep: None,
    };
    let mut response = next(Request::from_parts(parts, Body::new(guarded))).await;
    let rest = match inner.lock() {
        Ok(mut inner) if !inner.finished && !inner.body.is_end_stream() => {
            Some(std::mem::take(&mut inner.body))
        }
        _ => None,
    };
    if let Some(rest) = rest {
        let until = deadline.min(Instant::now() + DRAIN_TIME);
        if !drain(rest, until).await {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
    }
    response
}

/// Reads and drops what is left of a body; false when it is too much, too slow or broken.
async fn drain(body: Body, until: Instant) -> bool {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut seen = 0usize;
    loop {
        match tokio::time::timeout_at(until, stream.next()).await {
            Ok(None) => return true,
            Ok(Some(Ok(chunk))) => {
                seen += chunk.len();
                if seen > DRAIN_MAX {
                    return false;
                }
            }
            Ok(Some(Err(_))) | Err(_) => return false,
        }
    }
}

/// Whether a body read error is this module's deadline.
pub fn is_timeout(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<BodyTimedOut>() {
            return true;
        }
        source = e.source();
    }
    false
}
