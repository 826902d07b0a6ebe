//! `POST /mcp` (spec §9.5): the gateway as an MCP server, JSON-RPC 2.0 over HTTP, one
//! request or a batch, protocol version 2024-11-05, in the Streamable HTTP transport's
//! stateless form: a POST is answered with `application/json` (or one `text/event-stream`
//! response when that is all the client accepts), a POST of notifications only with 202,
//! `initialize` hands out an `Mcp-Session-Id` that is accepted but not needed, and `GET
//! /mcp` (a server-to-client stream) is 405.
//!
//! Every error is a JSON-RPC error on a 200 (the SDK reads `error` from a 200); only the
//! rate limiter in front of every route (`throttle`) answers 429. Auth is the API's: a
//! request without a valid key gets −32001 for each of its calls. The tools (`mcp/tools.rs`)
//! run the API's own handlers (`mcp/call.rs`).

mod call;
mod tools;

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::extract::{Params, json_bytes};
use super::throttle::ClientAddr;
use super::typed::Rpc;
use crate::protocol::mcp::{
    PROTOCOL_VERSION, RpcAnswer, RpcError, RpcPost, RpcResponse, SESSION_HEADER, code,
};
use crate::server::engine::directory::Caller;
use crate::server::limits::Class;

pub fn routes() -> Router<AppState> {
    Router::new().route("/mcp", post(rpc))
}

/// Requests one batch may hold.
pub const MAX_BATCH: usize = 64;

/// One POST: who asks, and the owner it names outside the calls.
struct Session<'a> {
    app: &'a AppState,
    caller: Result<Caller, ApiError>,
    hints: call::OwnerHints,
    client: Option<std::net::IpAddr>,
}

pub(super) async fn rpc(
    State(app): State<AppState>,
    caller: Result<Caller, ApiError>,
    params: Result<Params, ApiError>,
    headers: HeaderMap,
    client: Option<Extension<ClientAddr>>,
    body: Rpc<RpcPost>,
) -> Response {
    let raw = match body.read {
        Ok(raw) => raw,
        Err(e) => {
            let error = RpcError::new(
                code::INVALID_REQUEST,
                format!(
                    "the body is not a JSON-RPC request: {}",
                    e.body.error.message
                ),
            )
            .with_data(json!({ "http_status": e.status.as_u16(), "error": e.body.error }));
            return answer(
                &headers,
                Some(RpcAnswer::One(RpcResponse::error(Value::Null, error))),
                false,
            );
        }
    };
    let query_owner = match &params {
        Ok(params) => params.get("owner_agent").map(str::to_string),
        Err(_) => None,
    };
    let header_owner = headers
        .get("x-owner-agent")
        .map(|v| v.to_str().unwrap_or("\u{0}").to_string());
    let session = Session {
        app: &app,
        caller,
        hints: call::OwnerHints {
            query: query_owner,
            header: header_owner,
        },
        client: client.map(|Extension(ClientAddr(ip))| ip),
    };
    let (batch, items) = match raw {
        Value::Array(items) => (true, items),
        one => (false, vec![one]),
    };
    if batch && (items.is_empty() || items.len() > MAX_BATCH) {
        let error = RpcError::new(
            code::INVALID_REQUEST,
            format!(
                "a batch holds 1 to {MAX_BATCH} requests, this one {}",
                items.len()
            ),
        );
        let out = RpcAnswer::One(RpcResponse::error(Value::Null, error));
        return answer(&headers, Some(out), false);
    }
    let mut out = Vec::new();
    let mut initialized = false;
    for (index, item) in items.into_iter().enumerate() {
        let request = match read_request(item) {
            Read::Request(request) => request,
            Read::Ignored => continue,
            Read::Invalid(response) => {
                out.push(response);
                continue;
            }
        };
        let result = session.handle(&request, index).await;
        initialized |= request.method == "initialize" && result.is_ok();
        if let Some(id) = request.id {
            out.push(match result {
                Ok(value) => RpcResponse::result(id, value),
                Err(error) => RpcResponse::error(id, error),
            });
        }
    }
    let out = match (batch, out.len()) {
        (_, 0) => None,
        (false, _) => out.pop().map(RpcAnswer::One),
        (true, _) => Some(RpcAnswer::Batch(out)),
    };
    answer(&headers, out, initialized)
}

/// A request read from one element of the body.
struct Request {
    /// None for a notification.
    id: Option<Value>,
    method: String,
    params: Value,
}

enum Read {
    Request(Request),
    /// A response or a notification's answer nobody waits for: the gateway sends no
    /// requests of its own, so a client's response answers nothing.
    Ignored,
    Invalid(RpcResponse),
}

fn read_request(item: Value) -> Read {
    let Value::Object(map) = item else {
        let error = RpcError::new(code::INVALID_REQUEST, "a JSON-RPC request is an object");
        return Read::Invalid(RpcResponse::error(Value::Null, error));
    };
    let id = match map.get("id") {
        None => None,
        Some(id @ (Value::String(_) | Value::Number(_) | Value::Null)) => Some(id.clone()),
        Some(_) => {
            let error = RpcError::new(code::INVALID_REQUEST, "id must be a string or a number");
            return Read::Invalid(RpcResponse::error(Value::Null, error));
        }
    };
    let invalid = |message: &str| {
        let error = RpcError::new(code::INVALID_REQUEST, message);
        match &id {
            Some(id) => Read::Invalid(RpcResponse::error(id.clone(), error)),
            None => Read::Ignored,
        }
    };
    if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("jsonrpc must be \"2.0\"");
    }
    let method = match map.get("method") {
        Some(Value::String(method)) => method.clone(),
        None if map.contains_key("result") || map.contains_key("error") => return Read::Ignored,
        _ => return invalid("method must be a string"),
    };
    let params = match map.get("params") {
        None | Some(Value::Null) => json!({}),
        Some(params @ (Value::Object(_) | Value::Array(_))) => params.clone(),
        Some(_) => {
            let error = RpcError::invalid_field("params", "must be an object");
            return match id {
                Some(id) => Read::Invalid(RpcResponse::error(id, error)),
                None => Read::Ignored,
            };
        }
    };
    Read::Request(Request { id, method, params })
}

impl Session<'_> {
    async fn handle(&self, request: &Request, index: usize) -> Result<Value, RpcError> {
        let caller = match &self.caller {
            Ok(caller) => caller,
            Err(e) => {
                return Err(
                    RpcError::new(code::AUTH_REQUIRED, e.body.error.message.clone()).with_data(
                        json!({ "http_status": e.status.as_u16(), "error": e.body.error }),
                    ),
                );
            }
        };
        match request.method.as_str() {
            "initialize" => Ok(initialize()),
            "ping" => Ok(json!({ "pong": true })),
            "tools/list" => {
                let tools: Vec<_> = tools::TOOLS.iter().map(tools::ToolDef::describe).collect();
                Ok(json!({ "tools": tools }))
            }
            "tools/call" => {
                // The HTTP request paid for its first call; a batch pays for each other one.
                if index > 0 {
                    self.charge(caller)?;
                }
                call::call(self.app, caller, &self.hints, &request.params).await
            }
            "resources/list" => Ok(json!({ "resources": [] })),
            "resources/templates/list" => Ok(json!({ "resourceTemplates": [] })),
            "prompts/list" => Ok(json!({ "prompts": [] })),
            method if method.starts_with("notifications/") => Ok(Value::Null),
            method => Err(RpcError::new(
                code::METHOD_NOT_FOUND,
                format!("method not found: {method}"),
            )
            .with_data(json!({ "method": method }))),
        }
    }

    /// Charges the key's write bucket for one more call of a batch.
    fn charge(&self, caller: &Caller) -> Result<(), RpcError> {
        let ip = self.client.map_or(
            std::net::IpAddr::from([0, 0, 0, 0]),
            crate::server::limits::client_of,
        );
        match self
            .app
            .limiter
            .check(Class::Write, Some(caller.key_id.as_str()), ip)
        {
            Some(d) if !d.allowed => Err(RpcError::new(
                code::RATE_LIMITED,
                format!(
                    "rate limit: this key may make {} write calls per window; retry in {} s",
                    d.limit, d.retry_after
                ),
            )
            .with_data(json!({ "retry_after": d.retry_after, "limit": d.limit }))),
            _ => Ok(()),
        }
    }
}

fn initialize() -> Value {
    json!({
        "protocolVersion": PROTOCOL_VERSION,
        "capabilities": {
            "tools": {"listChanged": false},
            "resources": {"subscribe": false, "listChanged": false},
            "prompts": {"listChanged": false},
        },
        "serverInfo": {"name": "axme", "version": env!("CARGO_PKG_VERSION")},
        "instructions": "Durable intents: axme.send hands work to an agent and answers its \
                         intent_id; axme.get_intent follows it; results land in your inbox \
                         (axme.list_inbox, axme.get_thread, axme.reply).",
    })
}

/// The HTTP answer: 202 without a body when nothing is answered, else JSON (or one SSE
/// message when the client accepts only `text/event-stream`).
fn answer(headers: &HeaderMap, out: Option<RpcAnswer>, initialized: bool) -> Response {
    let Some(out) = out else {
        let mut response = Response::new(axum::body::Body::empty());
        *response.status_mut() = StatusCode::ACCEPTED;
        return response;
    };
    let text = serde_json::to_string(&out).unwrap_or_else(|_| {
        r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32010,"message":"encoding the answer failed"}}"#
            .to_string()
    });
    let mut response = if sse_only(headers) {
        let mut response = Response::new(axum::body::Body::from(format!(
            "event: message\ndata: {text}\n\n"
        )));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        response
    } else {
        json_bytes(StatusCode::OK, text)
    };
    if initialized && let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().simple().to_string())
    {
        response.headers_mut().insert(SESSION_HEADER, id);
    }
    response
}

/// The client accepts `text/event-stream` but not JSON.
fn sse_only(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    accept.contains("text/event-stream")
        && !accept.contains("application/json")
        && !accept.contains("*/*")
        && !accept.contains("application/*")
}
