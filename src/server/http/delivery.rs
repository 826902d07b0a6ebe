//! `PATCH /v1/service-accounts/{id}` (spec §7.1): an agent's `delivery_mode` and
//! `callback_url`. Switching to http push mints the signing secret, shown once here.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::AppState;
use super::accounts::{account_view, own_account, require_admin};
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::scenarios::new_push_secret;
use super::typed::{RequestBody, Typed};
use crate::protocol::DeliveryMode;
use crate::protocol::account::{
    DeliverySettings, PatchServiceAccountRequest, ServiceAccountResponse,
};
use crate::server::engine::directory::Caller;
use crate::server::engine::timers::kind_name;
use crate::server::store::AgentDeliveryRow;

impl RequestBody for PatchServiceAccountRequest {
    /// `delivery_mode` is read case-insensitively (`HTTP`).
    fn prepare(mut raw: Value) -> Value {
        if let Some(Value::String(mode)) = raw.get_mut("delivery_mode") {
            *mode = mode.trim().to_ascii_lowercase();
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        if let Some(Some(url)) = &self.callback_url
            && !((url.starts_with("http://") || url.starts_with("https://")) && url.len() <= 2048)
        {
            return Err(ApiError::invalid_field(
                "callback_url",
                "must be an http:// or https:// URL",
            ));
        }
        Ok(self)
    }
}

pub async fn patch_account(
    State(app): State<AppState>,
    caller: Caller,
    Path(sa_id): Path<String>,
    body: Typed<PatchServiceAccountRequest>,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let account = own_account(&app, &caller, &sa_id)?;
    let (request, _) = body.decoded()?;
    let address = app.directory.address_of(&account);
    let known = app.engine.agent(&address);
    let mode = request
        .delivery_mode
        .or_else(|| known.as_ref().map(|k| k.delivery_mode));
    let callback_url = match request.callback_url {
        None => known.as_ref().and_then(|k| k.callback_url.clone()),
        Some(url) => url,
    };
    let mode = mode.unwrap_or(if callback_url.is_some() {
        DeliveryMode::Http
    } else {
        DeliveryMode::Stream
    });
    if mode == DeliveryMode::Http && callback_url.is_none() {
        return Err(ApiError::invalid_field(
            "callback_url",
            "is required for delivery_mode http",
        ));
    }
    let rotate = request.rotate_secret == Some(true);
    let mut secret = known.and_then(|k| k.secret).filter(|_| !rotate);
    let mut shown = None;
    if mode == DeliveryMode::Http && secret.is_none() {
        let fresh = new_push_secret();
        shown = Some(fresh.clone());
        secret = Some(fresh);
    }
    let row = AgentDeliveryRow {
        address,
        sa_id: account.sa_id.clone(),
        workspace_id: account.workspace_id.clone(),
        delivery_mode: mode,
        callback_url: callback_url.clone(),
        secret,
    };
    let stored = app.engine.sealed_row(&row);
    // Known before the commit, so a re-armed timer that fires at once already pushes.
    app.engine.set_agent(row);
    let now = app.engine.now_ms();
    app.store
        .run(move |tx| {
            tx.put_agent_delivery(&stored)?;
            if stored.delivery_mode == DeliveryMode::Http {
                tx.rearm_deliveries(&stored.address, kind_name::DELIVERY, now)?;
            }
            Ok(())
        })
        .await?;
    let mut service_account = account_view(&app, &account);
    service_account.delivery = Some(DeliverySettings {
        callback_secret: shown.clone(),
        callback_url,
        delivery_mode: mode,
    });
    Ok(json_of(&ServiceAccountResponse::of(service_account, shown)))
}
