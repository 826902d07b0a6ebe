//! The web console (issue 14): pages served by the gateway itself, from hand-written
//! HTML/CSS/JS compiled into the binary (`assets/`, `include_str!`), so nothing is fetched
//! from anywhere else and nothing is read or built at start-up.
//!
//! - `/` redirects to `/ui/`; `/ui/` is the console for a signed-in visitor and redirects
//!   to `/ui/sign-in` for anyone else. The sign-in page, its script and the style sheet
//!   are the only things an anonymous visitor gets.
//! - A session (`session.rs`) is an HttpOnly, SameSite=Strict cookie scoped to `/ui`,
//!   stored hashed in the store, acting as one API key. The console reads and writes
//!   through `/ui/api/v1/…`, which forwards to the `/v1` API as that key, so it sees
//!   exactly what the key may see; every state-changing request carries the session's CSRF
//!   token (`x-csrf-token`).
//! - Pages are client-side routes after `#` (`/ui/#/intents/ID`), so one document serves
//!   them all.

mod session;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::http::AppState;
use super::http::error::ApiError;
pub use session::{API_PROXY_ROUTE, api_proxy};

const INDEX_HTML: &str = include_str!("assets/index.html");
const SIGN_IN_HTML: &str = include_str!("assets/sign-in.html");
const CONSOLE_CSS: &str = include_str!("assets/console.css");
const SIGN_IN_JS: &str = include_str!("assets/sign-in.js");
const APP_JS: &str = include_str!("assets/app.js");

/// Where a console page lives, for the banner and `axme open`.
pub fn url(base: &str, intent_id: Option<&str>) -> String {
    let base = base.trim_end_matches('/');
    match intent_id {
        Some(id) => format!("{base}/ui/#/intents/{id}"),
        None => format!("{base}/ui/"),
    }
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

fn no_store(headers: &mut HeaderMap) {
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
    let (body, kind, public) = match name.as_str() {
        "console.css" => (CONSOLE_CSS, "text/css; charset=utf-8", true),
        "sign-in.js" => (SIGN_IN_JS, "text/javascript; charset=utf-8", true),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8", false),
        _ => {
            return Err(ApiError::not_found(
                "asset_not_found",
                "no such console asset",
            ));
        }
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
    #[test]
    fn console_urls() {
        assert_eq!(super::url("http://h:1/", None), "http://h:1/ui/");
        assert_eq!(
            super::url("http://h:1", Some("abc")),
            "http://h:1/ui/#/intents/abc"
        );
    }
}
