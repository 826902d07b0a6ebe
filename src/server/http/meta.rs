//! Health, metrics, OpenAPI and capabilities.

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::AppState;
use super::extract::{json_ok, json_value};
use crate::server::engine::directory::Caller;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/v1/capabilities", get(capabilities))
}

async fn health() -> Response {
    json_value(&json!({
        "ok": true,
        "service": "axme-server",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

async fn metrics(State(app): State<AppState>) -> Response {
    let mut text = app.metrics.render();
    text.push_str("# HELP axme_rate_limited_total Requests refused with 429, by bucket scope and route class.\n");
    text.push_str("# TYPE axme_rate_limited_total counter\n");
    for (scope, class, n) in app.limiter.refusals() {
        let _ = writeln!(
            text,
            "axme_rate_limited_total{{scope=\"{scope}\",class=\"{class}\"}} {n}"
        );
    }
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    response
}

async fn capabilities(_caller: Caller) -> Response {
    json_value(&json!({
        "ok": true,
        "capabilities": [
            "intent.submit",
            "intent.status.read",
            "intent.events.read",
            "intent.events.stream",
            "intent.resolve",
            "intent.resume",
            "agent.delivery.stream",
            "agents.read",
            "service_accounts.manage",
            "idempotency.keys",
        ],
        "supported_intent_types": ["intent.ask.v1", "intent.reply.v1"],
        "server": { "name": "axme-server", "version": env!("CARGO_PKG_VERSION") },
    }))
}

/// `(method, path, summary, needs an API key)`.
const ROUTES: &[(&str, &str, &str, bool)] = &[
    ("get", "/health", "Liveness", false),
    ("get", "/metrics", "Prometheus metrics", false),
    ("get", "/openapi.json", "This document", false),
    (
        "get",
        "/v1/capabilities",
        "Capabilities of this gateway",
        true,
    ),
    (
        "post",
        "/v1/intents",
        "Create an intent (Idempotency-Key supported)",
        true,
    ),
    (
        "get",
        "/v1/intents",
        "List intents: status, to_agent, limit, cursor",
        true,
    ),
    ("get", "/v1/intents/{intent_id}", "Get an intent", true),
    (
        "get",
        "/v1/intents/{intent_id}/events",
        "Events with seq > since",
        true,
    ),
    (
        "get",
        "/v1/intents/{intent_id}/events/stream",
        "SSE stream of an intent's events",
        true,
    ),
    (
        "post",
        "/v1/intents/{intent_id}/resolve",
        "Resolve: COMPLETED, FAILED or CANCELED",
        true,
    ),
    (
        "post",
        "/v1/intents/{intent_id}/resume",
        "Resume: agent result, task result or control",
        true,
    ),
    (
        "post",
        "/v1/intents/{intent_id}/cancel",
        "Cancel (resolve CANCELED)",
        true,
    ),
    ("get", "/v1/agents", "List agents of the workspace", true),
    ("get", "/v1/agents/{address}", "Get an agent", true),
    (
        "get",
        "/v1/agents/{address}/intents/stream",
        "SSE delivery stream of an agent",
        true,
    ),
    (
        "post",
        "/v1/workspaces",
        "Create a workspace with its admin key",
        true,
    ),
    (
        "post",
        "/v1/service-accounts",
        "Create a service account",
        true,
    ),
    ("get", "/v1/service-accounts", "List service accounts", true),
    (
        "get",
        "/v1/service-accounts/{sa_id}",
        "Get a service account",
        true,
    ),
    (
        "post",
        "/v1/service-accounts/{sa_id}/keys",
        "Create an API key (token shown once)",
        true,
    ),
    (
        "post",
        "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke",
        "Revoke an API key",
        true,
    ),
];

fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, auth) in ROUTES {
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let sse = path.ends_with("/stream");
        let ok = if sse {
            json!({"description": "Server-sent events", "content": {"text/event-stream": {"schema": {"type": "string"}}}})
        } else {
            json!({"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}})
        };
        let mut op = json!({
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": ok,
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "409": {"$ref": "#/components/responses/Error"},
                "413": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"},
            },
        });
        if !auth {
            op["security"] = json!([]);
        }
        if *method == "post" {
            op["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        let entry = paths
            .entry(path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "axme server (AXP gateway)", "version": env!("CARGO_PKG_VERSION")},
        "security": [{"apiKey": []}, {"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "responses": {
                "Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            },
            "schemas": {
                "ErrorBody": {
                    "type": "object",
                    "required": ["ok", "error", "detail"],
                    "properties": {
                        "ok": {"type": "boolean"},
                        "detail": {"type": "string"},
                        "error": {"type": "object", "required": ["code", "message"], "properties": {
                            "code": {"type": "string"}, "message": {"type": "string"},
                            "category": {"type": "string"}, "retryable": {"type": "boolean"},
                            "details": {"type": "object"}
                        }}
                    }
                }
            }
        }
    })
}

async fn openapi() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    json_ok(DOC.get_or_init(|| document().to_string()).clone())
}
