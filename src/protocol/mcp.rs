//! MCP over HTTP (spec §9.5): JSON-RPC 2.0 messages posted to `/mcp`, one or a batch, and
//! the shapes of the answers the gateway gives (`initialize`, `tools/list`, `tools/call`).
//! The gateway reads requests leniently by hand (a malformed one is a JSON-RPC error, not
//! a 422); these types are what it writes and what `/openapi.json` documents.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The protocol version the gateway speaks and answers `initialize` with.
pub const PROTOCOL_VERSION: &str = "2024-11-05";

/// The session id the gateway hands out on `initialize` (the Streamable HTTP transport's
/// header). Every request is complete in itself, so any id a client sends back is accepted.
pub const SESSION_HEADER: &str = "mcp-session-id";

/// JSON-RPC error codes (spec §9.5). What the Python SDK makes of each: −32001 and −32003
/// are 403, −32004 429, −32602 422, any other at or below −32000 a 502.
pub mod code {
    /// The body is not JSON, or not a JSON-RPC request (the spec's code for both).
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Invalid params or tool arguments; `data.field` names the one at fault.
    pub const INVALID_PARAMS: i64 = -32602;
    /// No valid API key, or the key may not do what the tool does.
    pub const AUTH_REQUIRED: i64 = -32001;
    /// An owner scope was named but left blank.
    pub const OWNER_REQUIRED: i64 = -32002;
    /// The owners named disagree, or the caller may not act for the one named.
    pub const OWNER_MISMATCH: i64 = -32003;
    /// A batch asked for more calls than the key's rate allows.
    pub const RATE_LIMITED: i64 = -32004;
    /// The gateway refused the operation (a conflict, a closed receiver, …).
    pub const GATEWAY_ERROR: i64 = -32010;
    /// What the tool names was not found (an intent, a thread).
    pub const RESOLUTION_ERROR: i64 = -32011;
}

/// One JSON-RPC request (a notification when `id` is absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RpcRequest {
    /// Always `"2.0"`.
    pub jsonrpc: String,
    /// A string or a number; absent for a notification (which gets no answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    /// `initialize`, `notifications/initialized`, `ping`, `tools/list`, `tools/call`,
    /// `resources/list`, `prompts/list`.
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
}

/// `POST /mcp` body: one request, or a batch of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RpcPost {
    One(RpcRequest),
    Batch(Vec<RpcRequest>),
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RpcError {
    /// See [`code`].
    pub code: i64,
    pub message: String,
    /// `field` for invalid params; `http_status` and the gateway's `error` for a refused
    /// operation; `retry_after` for a rate limit.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub data: Value,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
            data: Value::Null,
        }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }

    /// −32602 naming the argument at fault (`data.field`).
    pub fn invalid_field(field: &str, problem: impl std::fmt::Display) -> Self {
        RpcError::new(code::INVALID_PARAMS, format!("{field}: {problem}"))
            .with_data(serde_json::json!({ "field": field }))
    }
}

/// One JSON-RPC answer: `result` or `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RpcResponse {
    pub jsonrpc: String,
    /// The request's id; null when the request could not be read.
    pub id: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
}

impl RpcResponse {
    pub fn result(id: Value, result: Value) -> Self {
        RpcResponse {
            jsonrpc: "2.0".into(),
            id,
            result: Some(result),
            error: None,
        }
    }

    pub fn error(id: Value, error: RpcError) -> Self {
        RpcResponse {
            jsonrpc: "2.0".into(),
            id,
            result: None,
            error: Some(error),
        }
    }
}

/// `POST /mcp` answer: one response, or a batch's (in request order, notifications left
/// out). A post of notifications only is answered 202 with no body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RpcAnswer {
    One(RpcResponse),
    Batch(Vec<RpcResponse>),
}

/// One tool of `tools/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tool {
    /// `axme.send`, `axme.get_intent`, …
    pub name: String,
    pub description: String,
    /// A JSON Schema (draft 2020-12 subset: object, properties, required, type).
    #[serde(rename = "inputSchema")]
    pub input_schema: Value,
}

/// What became of a tool call (spec §9.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToolStatus {
    Completed,
    PendingUpload,
    NeedsClarification,
    ContactNotFound,
    Disabled,
    NotImplemented,
}

/// One item of a tool result's `content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Content {
    /// Always `text`.
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
}

/// `tools/call` result: the spec's fields and MCP's `content` / `isError`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ToolResult {
    pub ok: bool,
    pub tool: String,
    pub status: ToolStatus,
    /// The agent the call acted for (the one named, else the caller's own address).
    pub owner_agent: String,
    /// The gateway's answer (the same JSON its HTTP route gives).
    pub data: Value,
    /// `data` as JSON text, for MCP hosts that show only text.
    pub content: Vec<Content>,
    #[serde(rename = "isError")]
    pub is_error: bool,
}
