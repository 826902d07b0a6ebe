//! One typed method per AXP endpoint the CLI uses.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Client, ClientResult, segment};
pub use crate::protocol::auth::{LoginIntent, LoginTokens};
use crate::protocol::bulk::BulkCancelRequest;
use crate::protocol::webhook::{
    RevokeSubscriptionResponse, Subscription, SubscriptionResponse, SubscriptionsResponse,
    UpsertSubscriptionRequest,
};
use crate::protocol::{
    CreateIntentRequest, CreateIntentResponse, EventsResponse, GetIntentResponse, Intent,
    IntentEvent, ListIntentsResponse, ResolveRequest, ResolveResponse, ResumeResponse,
};

/// Filters of `GET /v1/intents`.
#[derive(Debug, Clone, Default)]
pub struct IntentFilter {
    pub status: Option<String>,
    pub to_agent: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn some(v: &Option<impl ToString>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl Client {
    /// `GET /health` (no credentials needed).
    pub async fn health(&self) -> ClientResult<Value> {
        self.get("/health", &[]).await
    }

    /// Creates an intent and tells whether the gateway replayed an earlier answer for this
    /// idempotency key: the intent was created more than a second before the answer's `Date`
    /// (whole seconds, so a replay is recognised from about 2 s after the first send).
    pub async fn create_intent_checked(
        &self,
        request: &CreateIntentRequest,
        idempotency_key: &str,
    ) -> ClientResult<(CreateIntentResponse, bool)> {
        let body = serde_json::to_value(request).unwrap_or(Value::Null);
        let (value, date) = self
            .call_dated(
                Method::POST,
                "/v1/intents",
                &[],
                Some(&body),
                Some(idempotency_key),
            )
            .await?;
        let created: CreateIntentResponse = super::decode("/v1/intents", value)?;
        let answered = date.and_then(|d| chrono::DateTime::parse_from_rfc2822(&d).ok());
        let made = created.created_at.datetime();
        let replayed = answered.is_some_and(|a| (a.to_utc() - made).num_milliseconds() > 1000);
        Ok((created, replayed))
    }

    pub async fn get_intent(&self, id: &str) -> ClientResult<Intent> {
        let r: GetIntentResponse = self
            .get(&format!("/v1/intents/{}", segment(id)), &[])
            .await?;
        Ok(r.intent)
    }

    /// The raw intent object (for printing everything the server sent).
    pub async fn get_intent_raw(&self, id: &str) -> ClientResult<Value> {
        let v: Value = self
            .get(&format!("/v1/intents/{}", segment(id)), &[])
            .await?;
        Ok(v.get("intent").cloned().unwrap_or(v))
    }

    /// `POST /v1/intents/bulk-cancel`, waiting up to five minutes (it may cancel thousands).
    pub async fn bulk_cancel(&self, request: &BulkCancelRequest) -> ClientResult<Value> {
        let body = serde_json::to_value(request).unwrap_or(Value::Null);
        let path = "/v1/intents/bulk-cancel";
        let five_minutes = std::time::Duration::from_secs(300);
        let (value, _) = self
            .call_within(Method::POST, path, &[], Some(&body), None, five_minutes)
            .await?;
        Ok(value)
    }

    pub async fn list_intents(&self, filter: &IntentFilter) -> ClientResult<ListIntentsResponse> {
        let query = [
            ("status", some(&filter.status)),
            ("to_agent", some(&filter.to_agent)),
            ("limit", some(&filter.limit)),
            ("cursor", some(&filter.cursor)),
        ];
        self.get("/v1/intents", &query).await
    }

    /// Recorded events with `seq > since`.
    pub async fn events(&self, id: &str, since: u64) -> ClientResult<Vec<IntentEvent>> {
        let query = [("since", since.to_string())];
        let r: EventsResponse = self
            .get(&format!("/v1/intents/{}/events", segment(id)), &query)
            .await?;
        Ok(r.events)
    }

    pub async fn resolve(
        &self,
        id: &str,
        request: &ResolveRequest,
        idempotency_key: Option<&str>,
    ) -> ClientResult<ResolveResponse> {
        let body = serde_json::to_value(request).unwrap_or(Value::Null);
        self.post(
            &format!("/v1/intents/{}/resolve", segment(id)),
            &body,
            idempotency_key,
        )
        .await
    }

    /// `POST /v1/intents/{id}/resume` with any of its body dialects.
    pub async fn resume(
        &self,
        id: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> ClientResult<ResumeResponse> {
        self.post(
            &format!("/v1/intents/{}/resume", segment(id)),
            body,
            idempotency_key,
        )
        .await
    }

    pub async fn list_agents(&self, limit: u32) -> ClientResult<Vec<Value>> {
        let v: Value = self
            .get("/v1/agents", &[("limit", limit.max(1).to_string())])
            .await?;
        Ok(v.get("agents")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// `address` is a full `agent://…` address or a bare name.
    pub async fn get_agent(&self, address: &str) -> ClientResult<Value> {
        let rest = address.trim().trim_start_matches("agent://");
        let path: Vec<String> = rest.split('/').map(segment).collect();
        let v: Value = self
            .get(&format!("/v1/agents/{}", path.join("/")), &[])
            .await?;
        Ok(v.get("agent").cloned().unwrap_or(v))
    }

    pub async fn list_service_accounts(&self) -> ClientResult<Vec<Value>> {
        let v: Value = self.get("/v1/service-accounts", &[]).await?;
        Ok(v.get("service_accounts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    pub async fn create_service_account(
        &self,
        name: &str,
        display_name: Option<&str>,
    ) -> ClientResult<Value> {
        let body = json!({ "name": name, "display_name": display_name });
        let v: Value = self.post("/v1/service-accounts", &body, None).await?;
        Ok(v.get("service_account").cloned().unwrap_or(v))
    }

    /// Mints a key; the answer's `key.token` is shown only this once.
    pub async fn create_key(&self, sa_id: &str) -> ClientResult<Value> {
        let v: Value = self
            .post(
                &format!("/v1/service-accounts/{}/keys", segment(sa_id)),
                &json!({}),
                None,
            )
            .await?;
        Ok(v.get("key").cloned().unwrap_or(v))
    }

    pub async fn validate_scenario(&self, bundle: &Value) -> ClientResult<Value> {
        self.post("/v1/scenarios/validate", bundle, None).await
    }

    pub async fn apply_scenario(
        &self,
        bundle: &Value,
        idempotency_key: Option<&str>,
    ) -> ClientResult<Value> {
        self.post("/v1/scenarios/apply", bundle, idempotency_key)
            .await
    }

    /// `GET /v1/me/tasks`: intents of my workspace waiting for a human.
    /// `GET /v1/inbox`: the threads of `owner` (default: the caller's own).
    pub async fn inbox(
        &self,
        owner: Option<&str>,
        status: Option<&str>,
    ) -> ClientResult<Vec<Value>> {
        let mut query = Vec::new();
        if let Some(owner) = owner {
            query.push(("owner_agent", owner.to_string()));
        }
        if let Some(status) = status {
            query.push(("status", status.to_string()));
        }
        let v: Value = self.get("/v1/inbox", &query).await?;
        Ok(v.get("threads")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// `GET /v1/inbox/{id}`: one thread.
    pub async fn inbox_thread(&self, id: &str, owner: Option<&str>) -> ClientResult<Value> {
        let query: Vec<_> = owner
            .map(|o| ("owner_agent", o.to_string()))
            .into_iter()
            .collect();
        let path = format!("/v1/inbox/{}", segment(id));
        let v: Value = self.get(&path, &query).await?;
        Ok(v.get("thread").cloned().unwrap_or(Value::Null))
    }

    /// `POST /v1/inbox/{id}/reply`: the thread after the reply.
    pub async fn inbox_reply(
        &self,
        id: &str,
        message: &str,
        owner: Option<&str>,
        idempotency_key: &str,
    ) -> ClientResult<Value> {
        let query: Vec<_> = owner
            .map(|o| ("owner_agent", o.to_string()))
            .into_iter()
            .collect();
        let path = format!("/v1/inbox/{}/reply", segment(id));
        let body = json!({ "message": message });
        let v = self
            .call(
                Method::POST,
                &path,
                &query,
                Some(&body),
                Some(idempotency_key),
            )
            .await?;
        Ok(v.get("thread").cloned().unwrap_or(Value::Null))
    }

    pub async fn my_tasks(&self) -> ClientResult<Vec<Value>> {
        let v: Value = self.get("/v1/me/tasks", &[]).await?;
        Ok(v.get("tasks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    pub async fn login_intent(&self, email: &str) -> ClientResult<LoginIntent> {
        self.post("/v1/auth/login-intent", &json!({ "email": email }), None)
            .await
    }

    pub async fn verify_login(&self, intent_id: &str, code: &str) -> ClientResult<LoginTokens> {
        self.post(
            &format!("/v1/auth/login-intent/{}/verify", segment(intent_id)),
            &json!({ "code": code }),
            None,
        )
        .await
    }

    /// Ends the account session server side (the refresh token dies with it).
    pub async fn logout_session(&self, refresh_token: Option<&str>) -> ClientResult<Value> {
        let body = json!({ "refresh_token": refresh_token });
        self.call(Method::POST, "/v1/auth/logout", &[], Some(&body), None)
            .await
    }

    /// `GET /v1/webhooks/subscriptions`: the live ones of `owner` (default: the caller's),
    /// or all of them.
    pub async fn webhook_subscriptions(
        &self,
        owner: Option<&str>,
        all: bool,
    ) -> ClientResult<Vec<Subscription>> {
        let mut query = vec![("include_inactive", all.to_string())];
        if let Some(owner) = owner {
            query.push(("owner_agent", owner.to_string()));
        }
        let v: SubscriptionsResponse = self.get("/v1/webhooks/subscriptions", &query).await?;
        Ok(v.subscriptions)
    }

    /// `POST /v1/webhooks/subscriptions` (the owner's one for the same URL is updated).
    pub async fn add_webhook(
        &self,
        request: &UpsertSubscriptionRequest,
        owner: Option<&str>,
        idempotency_key: &str,
    ) -> ClientResult<SubscriptionResponse> {
        let query: Vec<_> = owner
            .map(|o| ("owner_agent", o.to_string()))
            .into_iter()
            .collect();
        let body = serde_json::to_value(request).unwrap_or(Value::Null);
        let path = "/v1/webhooks/subscriptions";
        let v = self
            .call(
                Method::POST,
                path,
                &query,
                Some(&body),
                Some(idempotency_key),
            )
            .await?;
        super::decode(path, v)
    }

    /// `DELETE /v1/webhooks/subscriptions/{id}`.
    pub async fn remove_webhook(
        &self,
        id: &str,
        owner: Option<&str>,
    ) -> ClientResult<RevokeSubscriptionResponse> {
        let query: Vec<_> = owner
            .map(|o| ("owner_agent", o.to_string()))
            .into_iter()
            .collect();
        let path = format!("/v1/webhooks/subscriptions/{}", segment(id));
        let v = self.call(Method::DELETE, &path, &query, None, None).await?;
        super::decode(&path, v)
    }

    /// Who the credentials act as: org, workspace, address, account.
    pub async fn personal_context(&self) -> ClientResult<Value> {
        self.get("/v1/portal/personal/context", &[]).await
    }
}
