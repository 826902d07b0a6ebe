//! Health, metrics, OpenAPI and capabilities.

use std::fmt::Write as _;
use std::sync::OnceLock;

use super::AppState;
use super::extract::{json_of, json_ok};
use crate::protocol::meta::{CapabilitiesResponse, HealthResponse, ServerInfo};
use crate::server::engine::directory::Caller;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        // The Go SDK's `Health()` calls the versioned path.
        .route("/v1/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/v1/capabilities", get(capabilities))
}

/// Liveness, with what a load balancer or an operator checks: which database and node.
async fn health(State(app): State<AppState>) -> Response {
    json_of(&HealthResponse {
        ok: true,
        service: "axme-server".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: app.store_kind.to_string(),
        node_id: app.node_id.clone(),
    })
}

async fn metrics(State(app): State<AppState>) -> Response {
    let mut text = app.metrics.render();
    // Each node is scraped on its own; this names it (join on `node` across a cluster).
    text.push_str("# HELP axme_node_info The node serving these metrics and its database.\n");
    text.push_str("# TYPE axme_node_info gauge\n");
    let _ = writeln!(
        text,
        "axme_node_info{{node=\"{}\",database=\"{}\"}} 1",
        app.node_id.replace(['\\', '"', '\n'], "_"),
        app.store_kind
    );
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
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    json_of(&CapabilitiesResponse {
        ok: true,
        capabilities: names(&[
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
            // `POST /mcp` (spec §9.5).
            "mcp.tools",
        ]),
        supported_intent_types: names(&["intent.ask.v1", "intent.reply.v1"]),
        server: ServerInfo {
            name: "axme-server".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
    })
}

async fn openapi() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    json_ok(
        DOC.get_or_init(|| super::openapi::document().to_string())
            .clone(),
    )
}
