//! HTTP layer: one router per resource, the auth extractor, error → response mapping and
//! a middleware that echoes trace/request ids and counts requests.

mod accounts;
mod agents;
mod approvals;
pub(crate) mod auth;
mod body;
mod bulk_cancel;
mod changes;
pub(crate) mod cli_grants;
mod delivery;
pub mod error;
pub mod extract;
mod inbox;
mod intent_filter;
mod intents;
mod invites;
mod mcp;
mod media;
mod media_content;
mod mesh;
mod meta;
mod openapi;
mod overview;
mod owner;
mod policy;
mod portal;
mod scenarios;
mod schemas;
mod sessions;
pub(crate) mod sign_in;
mod sse;
mod tasks;
pub mod throttle;
mod tool_registry;
pub mod typed;
mod users;
pub mod validate;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;

use super::App;
use error::ApiError;

pub type AppState = Arc<App>;

tokio::task_local! {
    /// The request id of the request being handled, for error bodies.
    pub static CURRENT_REQUEST_ID: HeaderValue;
}

static TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");
static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole gateway: the `/v1` API and the web console (`server::console`), which reaches
/// the same API through its session at `/ui/api/v1/…`.
pub fn router(app: AppState) -> Router {
    let api = guarded(
        &app,
        Router::new()
            .merge(meta::routes())
            .merge(intents::routes())
            .merge(changes::routes())
            .merge(bulk_cancel::routes())
            .merge(sse::routes())
            .merge(agents::routes())
            .merge(accounts::routes())
            .merge(auth::routes())
            .merge(cli_grants::routes())
            .merge(sessions::routes())
            .merge(portal::routes())
            .merge(overview::routes())
            .merge(scenarios::routes())
            .merge(tool_registry::routes())
            .merge(tasks::routes())
            .merge(inbox::routes())
            .merge(approvals::routes())
            .merge(mesh::routes())
            .merge(webhooks::routes())
            .merge(mcp::routes())
            .merge(users::routes())
            .merge(media::routes())
            .merge(invites::routes())
            .merge(schemas::routes())
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed),
    );
    // One route table for the API and the console (the API's fallback answers the rest):
    // a request is routed once, not first through the console's table and then the API's.
    // The page that approves a CLI's browser sign-in: HTML, in every build (not the console).
    let api = api.merge(guarded(&app, crate::server::approve::routes()));
    let proxy_to = api.clone().with_state(app.clone());
    api.merge(console_routes(&app, proxy_to)).with_state(app)
}

/// The web console's pages and its proxy to `api`.
#[cfg(feature = "console")]
fn console_routes(app: &AppState, api: Router) -> Router<AppState> {
    // The proxy route is added after the layers: the API it forwards to has its own.
    guarded(
        app,
        crate::server::console::pages().method_not_allowed_fallback(method_not_allowed),
    )
    .route(
        crate::server::console::API_PROXY_ROUTE,
        axum::routing::any(move |State(app): State<AppState>, request: Request| {
            crate::server::console::api_proxy(app, api.clone(), request)
        }),
    )
}

/// Built without the console: everything goes to the API.
#[cfg(not(feature = "console"))]
fn console_routes(_app: &AppState, _api: Router) -> Router<AppState> {
    Router::new()
}

/// Body time limits, request counting and rate limits, outermost first, as one layer
/// ([`edge`]): each layer of its own cost a clone of the route service, a boxed future and
/// a copy of the request's state per request.
fn guarded(app: &AppState, routes: Router<AppState>) -> Router<AppState> {
    routes.layer(middleware::from_fn_with_state(app.clone(), edge))
}

/// What runs before every handler: `body::guard_body` (outermost), [`observe`], then
/// `throttle::throttle`.
async fn edge(State(app): State<AppState>, request: Request, next: Next) -> Response {
    body::guard_body(&app, request, async |request| {
        observe(&app, request, async |request| {
            throttle::throttle(&app, request, async move |request| next.run(request).await).await
        })
        .await
    })
    .await
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such route")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "validation",
        "this route does not accept that method",
    )
}

/// Echoes `X-Trace-Id` and `x-request-id` (generated when absent) and counts the request.
async fn observe(
    app: &AppState,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let trace = header_or_new(&request, &TRACE_ID);
    let request_id = header_or_new(&request, &REQUEST_ID);
    let method = request.method().clone();
    let started = std::time::Instant::now();
    let mut response = CURRENT_REQUEST_ID
        .scope(request_id.clone(), next(request))
        .await;
    let route = route.as_deref().unwrap_or("unmatched");
    let status = response.status().as_u16();
    app.metrics.request(route, status);
    tracing::debug!(
        %method,
        route,
        status,
        latency_us = crate::num::u64_from_u128(started.elapsed().as_micros()),
        trace_id = trace.to_str().unwrap_or(""),
        request_id = request_id.to_str().unwrap_or(""),
        "request"
    );
    let headers = response.headers_mut();
    headers.insert(TRACE_ID.clone(), trace);
    headers.insert(REQUEST_ID.clone(), request_id);
    response
}

fn header_or_new(request: &Request, name: &HeaderName) -> HeaderValue {
    request
        .headers()
        .get(name)
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                .unwrap_or(HeaderValue::from_static("unknown"))
        })
}
