//! Extractors and response helpers shared by the handlers. Every rejection is an
//! [`ApiError`], so clients always get the JSON error body, never axum's plain text.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::throttle::Authenticated;
use crate::protocol::intent::MAX_PAYLOAD_BYTES;
use crate::server::engine::directory::{AuthFailure, Caller};

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        if self.body.request_id.is_none() {
            self.body.request_id = super::CURRENT_REQUEST_ID
                .try_with(|id| id.to_str().ok().map(str::to_string))
                .ok()
                .flatten();
        }
        let body = serde_json::to_vec(&self.body).unwrap_or_else(|_| b"{\"ok\":false}".to_vec());
        let mut response = json_bytes(self.status, body);
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

pub fn json_bytes(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// 200 with an already-encoded JSON body (stored projections are passed through as-is).
pub fn json_ok(body: String) -> Response {
    json_bytes(StatusCode::OK, body)
}

pub fn json_value(value: &Value) -> Response {
    json_ok(value.to_string())
}

/// 200 with a wire type of `protocol` as its body.
pub fn json_of<T: serde::Serialize>(body: &T) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => json_ok(text),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

/// The API key of a request: `x-api-key`, else `Authorization: Bearer <key>`.
fn token_of(parts: &Parts) -> Option<&str> {
    token_of_headers(&parts.headers)
}

pub fn token_of_headers(headers: &HeaderMap) -> Option<&str> {
    if let Some(v) = headers.get("x-api-key").and_then(|v| v.to_str().ok())
        && !v.trim().is_empty()
    {
        return Some(v.trim());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, value) = auth.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !value.trim().is_empty()).then(|| value.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        // Already authenticated by the rate limiter (`throttle`); a handler extracts its
        // caller once, so it is taken rather than cloned.
        if let Some(Authenticated(caller)) = parts.extensions.remove::<Authenticated>() {
            return Ok(caller);
        }
        let Some(token) = token_of(parts) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_platform_api_key",
                "auth",
                "missing API key: send it as x-api-key or Authorization: Bearer",
            )
            .with_details(json!({ "header": "x-api-key" })));
        };
        app.directory
            .authenticate(token)
            .map_err(|AuthFailure::Invalid| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_platform_api_key",
                    "auth",
                    "the API key is unknown or revoked",
                )
            })
    }
}

/// A JSON request body of at most 128 KiB (spec §5.5) nested at most [`MAX_JSON_DEPTH`]
/// deep: larger → 413, deeper or malformed → 422, too slow → 408.
pub struct JsonBody(pub Value);

/// How deep a request body's arrays and objects may nest. The client reads answers with
/// serde_json's limit of 128, and an intent wraps its payload a few levels deeper, so
/// anything the server accepts the CLI and agents can read back.
pub const MAX_JSON_DEPTH: usize = 64;

/// The deepest nesting of arrays and objects in JSON text (strings skipped).
pub fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let bytes = read_limited(req.into_body()).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(Value::Object(Default::default())));
        }
        if json_depth(&bytes) > MAX_JSON_DEPTH {
            return Err(ApiError::invalid_field(
                "body",
                format!("nested more than {MAX_JSON_DEPTH} levels deep"),
            )
            .with_details(json!({ "field": "body", "max_depth": MAX_JSON_DEPTH })));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::invalid_field("body", format!("malformed JSON: {e}")))
    }
}

/// Bodies past this are cut off without being read to the end.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Reads at most [`MAX_PAYLOAD_BYTES`]. A larger body is still read (up to a bound) before
/// the 413, so the client finishes sending and can read the answer instead of a reset.
async fn read_limited(body: Body) -> Result<Vec<u8>, ApiError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            if super::body::is_timeout(&e) {
                ApiError::body_timeout()
            } else {
                ApiError::invalid_field("body", format!("unreadable body: {e}"))
            }
        })?;
        seen += chunk.len();
        if seen <= MAX_PAYLOAD_BYTES {
            buf.extend_from_slice(&chunk);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    if seen > MAX_PAYLOAD_BYTES {
        return Err(ApiError::payload_too_large(MAX_PAYLOAD_BYTES));
    }
    Ok(buf)
}

/// Query parameters as strings; each handler parses and names the bad one.
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Query(map)| Params(map))
            .map_err(|e| ApiError::invalid_field("query", e.body_text()))
    }
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// An optional integer within `min..=max`.
    pub fn int(&self, name: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        match raw.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid_field(
                name,
                format!("must be an integer from {min} to {max}, got '{raw}'"),
            )),
        }
    }
}

/// The `Idempotency-Key` header (spec §5.1), the one parser every route uses: absent is
/// None; present, it must be 1 to 255 visible ASCII characters (surrounding spaces are
/// trimmed), else 422.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(v) if !v.trim().is_empty() && v.len() <= 255 => Ok(Some(v.trim().to_string())),
        _ => Err(ApiError::invalid_field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        )),
    }
}
