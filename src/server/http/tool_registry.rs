//! The tool registry's workflow macros (spec §6.3, `GET /v1/tool-registry/macros[/{id}]`):
//! the templates of `protocol::scenario::macros`, which a bundle's `workflow.macro_id`
//! expands on validate and apply. Read-only; any key may read them.

use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use crate::protocol::scenario::macros::{self, MacroResponse, MacrosResponse};
use crate::server::engine::directory::Caller;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tool-registry/macros", get(list))
        .route("/v1/tool-registry/macros/{macro_id}", get(one))
}

async fn list(_caller: Caller) -> ApiResult<Response> {
    Ok(json_of(&MacrosResponse {
        ok: true,
        macros: macros::list(),
    }))
}

async fn one(_caller: Caller, Path(macro_id): Path<String>) -> ApiResult<Response> {
    let detail = macros::detail(macro_id.trim()).ok_or_else(|| {
        let shown: String = macro_id.chars().take(255).collect();
        ApiError::not_found(
            "macro_not_found",
            format!("no macro template '{shown}': GET /v1/tool-registry/macros lists them"),
        )
    })?;
    Ok(json_of(&MacroResponse { ok: true, detail }))
}
