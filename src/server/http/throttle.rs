//! Request-rate limits (spec §5.5) and the stream cap, before any handler runs.
//!
//! The key is authenticated here once (a hash and a map lookup) and handed to the `Caller`
//! extractor through the request's extensions, so a key's bucket is only ever charged for
//! requests that really carry that key: a forged token counts against its client address.
//! Every limited answer carries `X-RateLimit-Limit/Remaining/Reset` of the tighter bucket;
//! a refusal is 429 `rate_limit_exceeded` with `Retry-After` (whole seconds).

use std::net::IpAddr;
use std::sync::atomic::Ordering;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::extract::token_of_headers;
use crate::server::engine::directory::Caller;
use crate::server::limits::{Class, Decision};

/// The client address of a connection, set by the listener.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// A caller authenticated by this middleware (read by the `Caller` extractor).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

/// Authenticates, charges the buckets and counts streams, then runs `next` (the handler).
pub async fn throttle(
    app: &AppState,
    mut request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let class = Class::of(request.method(), request.uri().path());
    // The web console's proxy has already authenticated its session's key.
    let caller = match request.extensions_mut().remove::<Authenticated>() {
        Some(Authenticated(caller)) => Some(caller),
        None => token_of_headers(request.headers())
            .and_then(|token| app.directory.authenticate(token).ok()),
    };
    let ip = request
        .extensions()
        .get::<ClientAddr>()
        .map(|c| crate::server::limits::client_of(c.0))
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let decision = app
        .limiter
        .check(class, caller.as_ref().map(|c| c.key_id.as_str()), ip);
    // Moved, not cloned: the `Caller` extractor takes it out again.
    if let Some(caller) = caller {
        request.extensions_mut().insert(Authenticated(caller));
    }
    if let Some(d) = decision.filter(|d| !d.allowed) {
        return too_many_requests(d, class);
    }
    if class == Class::Stream {
        let open = app.metrics.open_streams.load(Ordering::Relaxed);
        if usize::try_from(open).is_ok_and(|open| open >= app.settings.limits.max_streams) {
            app.metrics.streams_refused.fetch_add(1, Ordering::Relaxed);
            return too_many_streams(app.settings.limits.max_streams);
        }
    }
    let mut response = next(request).await;
    if let Some(d) = decision {
        rate_headers(response.headers_mut(), &d);
    }
    response
}

fn rate_headers(headers: &mut HeaderMap, d: &Decision) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(d.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(d.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(d.reset));
}

fn too_many_requests(d: Decision, class: Class) -> Response {
    let scope = match d.scope {
        crate::server::limits::Scope::Key => "API key",
        crate::server::limits::Scope::Ip => "client address",
    };
    let mut error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limit_exceeded",
        "transport",
        format!(
            "too many {} requests from this {scope} ({} allowed per window); retry in {} s",
            class.name(),
            d.limit,
            d.retry_after
        ),
    )
    .with_details(json!({
        "class": class.name(),
        "scope": d.scope.name(),
        "limit": d.limit,
        "retry_after": d.retry_after,
    }));
    error.body.error.retryable = true;
    let mut response = error.with_retry_after(d.retry_after).into_response();
    rate_headers(response.headers_mut(), &d);
    response
}

fn too_many_streams(max: usize) -> Response {
    let mut error = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "too_many_streams",
        "transport",
        format!("this gateway serves at most {max} open streams; retry shortly"),
    )
    .with_details(json!({ "max_streams": max }));
    error.body.error.retryable = true;
    error.with_retry_after(5).into_response()
}
