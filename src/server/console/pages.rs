//! The console's pages and assets (built with the `console` feature).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::session;
use crate::server::http::AppState;
use crate::server::http::error::ApiError;

const INDEX_HTML: &str = include_str!("assets/index.html");
const SIGN_IN_HTML: &str = include_str!("assets/sign-in.html");
const JS: &str = "text/javascript; charset=utf-8";

/// The files under `/ui/assets/`: name, body, type, and whether an anonymous visitor gets it
/// (the sign-in page's own); the rest go to signed-in visitors only.
const SERVED: &[(&str, &str, &str, bool)] = &[
    (
        "console.css",
        include_str!("assets/console.css"),
        "text/css; charset=utf-8",
        true,
    ),
    ("sign-in.js", include_str!("assets/sign-in.js"), JS, true),
    ("app.js", include_str!("assets/app.js"), JS, false),
    ("intents.js", include_str!("assets/intents.js"), JS, false),
    ("agents.js", include_str!("assets/agents.js"), JS, false),
    ("tasks.js", include_str!("assets/tasks.js"), JS, false),
    (
        "scenarios.js",
        include_str!("assets/scenarios.js"),
        JS,
        false,
    ),
];

/// The bytes of every file compiled in (the two documents and the assets).
#[cfg(test)]
pub fn asset_bytes() -> usize {
    INDEX_HTML.len() + SIGN_IN_HTML.len() + SERVED.iter().map(|a| a.1.len()).sum::<usize>()
}

/// The console's own routes (the API proxy is added by `http::router`).
pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui/") }))
        .route("/ui", get(|| async { Redirect::permanent("/ui/") }))
        .route("/ui/", get(index))
        .route("/ui/sign-in", get(sign_in_page))
        .route("/ui/assets/{name}", get(asset))
        .route("/ui/session", get(session::describe).post(session::sign_in))
        .route("/ui/sign-out", post(session::sign_out))
}

/// The headers of every console document: no framing, no outside sources, no caching.
fn document(body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ),
    );
    no_store(headers);
    response
}

pub(super) fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

fn to_sign_in() -> Response {
    let mut response = Redirect::to("/ui/sign-in").into_response();
    no_store(response.headers_mut());
    response
}

async fn index(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    Ok(match session::current(&app, &headers).await? {
        Some(_) => document(INDEX_HTML),
        None => to_sign_in(),
    })
}

async fn sign_in_page(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(match session::current(&app, &headers).await? {
        Some(_) => Redirect::to("/ui/").into_response(),
        None => document(SIGN_IN_HTML),
    })
}

async fn asset(
    State(app): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(&(_, body, kind, public)) = SERVED.iter().find(|a| a.0 == name) else {
        return Err(ApiError::not_found(
            "asset_not_found",
            "no such console asset",
        ));
    };
    if !public && session::current(&app, &headers).await?.is_none() {
        return Ok(to_sign_in());
    }
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    no_store(headers);
    Ok(response)
}

#[cfg(test)]
mod tests {
    /// The assets are a small part of the binary (issue 14: the console adds at most 10 %;
    /// a release binary is tens of MB, see README "What the console costs"). A budget keeps
    /// them from growing unnoticed.
    #[test]
    fn the_assets_stay_small() {
        let total = super::asset_bytes();
        assert!(total < 96 * 1024, "the console's assets are {total} bytes");
    }
}
