//! The typed AXP client: one place that knows the headers, the retry rules and how an HTTP
//! answer becomes a value or a [`ClientError`]. Used by every API command of the CLI.
//!
//! Retries (with backoff 0.2 s × 2ⁿ, at most 2) only where repeating cannot do harm: reads,
//! and writes that carry an `Idempotency-Key`. A 429 waits for its integer `Retry-After`.
//! Streams never retry a request: they reconnect from their cursor instead (see [`stream`]).

mod api;
mod error;
mod mesh;
mod portal;
pub mod retry;
mod sessions;
pub mod stream;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use api::{IntentFilter, LoginTokens};
pub use error::{ClientError, ClientResult};
pub use retry::{Backoff, OnOutage, Outage, Persist};
pub use stream::{AgentStream, IntentStream};

/// `X-Axme-Client` value.
pub const CLIENT_ID: &str = concat!("axme-cli/", env!("CARGO_PKG_VERSION"));
const MAX_RETRIES: u32 = 2;
/// Bound of one request's attempt (streams have none).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const RETRY_AFTER_CAP: Duration = Duration::from_secs(10);

/// The certificates of a PEM file to trust beside the built-in roots: a private CA, or a
/// gateway's self-signed certificate (`axme server --tls-cert`). Verification stays on.
pub fn load_ca_cert(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let roots = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("{} is not a PEM certificate file: {e}", path.display()))?;
    if roots.is_empty() {
        return Err(format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(roots)
}

/// Account session tokens (login by email code). The API key stays the machine credential.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
}

/// Called with the new token pair after a refresh rotated them, so they can be stored.
pub type OnRefresh = Arc<dyn Fn(&Session) + Send + Sync>;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<String>,
    session: Arc<Mutex<Session>>,
    on_refresh: Option<OnRefresh>,
}

impl Client {
    /// A client for `base_url` (already normalized: absolute http(s), no trailing slash)
    /// that trusts `extra_roots` (see [`load_ca_cert`]) beside the built-in roots.
    pub fn new(
        base_url: &str,
        api_key: Option<String>,
        extra_roots: &[reqwest::Certificate],
    ) -> ClientResult<Client> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true);
        for root in extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        let http = builder.build().map_err(|e| ClientError::Protocol {
            detail: format!("cannot build the HTTP client: {e}"),
        })?;
        Ok(Client {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            session: Arc::default(),
            on_refresh: None,
        })
    }

    pub fn with_session(self, session: Session, on_refresh: Option<OnRefresh>) -> Client {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = session;
        Client { on_refresh, ..self }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// The same gateway with another key (agents act with their own key).
    pub fn with_api_key(&self, api_key: Option<String>) -> Client {
        Client {
            api_key,
            session: Arc::default(),
            on_refresh: None,
            ..self.clone()
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    fn access_token(&self) -> Option<String> {
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .access_token
            .clone()
    }

    /// A request with every standard header; `timeout` None = no overall limit (streams).
    fn builder(&self, method: Method, path: &str, timeout: Option<Duration>) -> RequestBuilder {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("X-Axme-Client", CLIENT_ID)
            .header("X-Trace-Id", uuid::Uuid::new_v4().to_string());
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        if let Some(key) = &self.api_key {
            req = req.header("x-api-key", key);
        }
        if let Some(token) = self.access_token() {
            req = req.bearer_auth(token);
        }
        req
    }

    fn transport_error(&self, err: &reqwest::Error) -> ClientError {
        if err.is_timeout() {
            ClientError::Timeout {
                base_url: self.base_url.clone(),
            }
        } else {
            ClientError::Unreachable {
                base_url: self.base_url.clone(),
                detail: error::transport_detail(err),
            }
        }
    }

    /// Sends a JSON request and returns the JSON answer of a 2xx, with the retry rules above.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> ClientResult<Value> {
        self.call_dated(method, path, query, body, idempotency_key)
            .await
            .map(|(value, _)| value)
    }

    /// [`Client::call`], also returning the answer's `Date` header (the gateway's clock).
    pub async fn call_dated(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> ClientResult<(Value, Option<String>)> {
        self.call_within(method, path, query, body, idempotency_key, REQUEST_TIMEOUT)
            .await
    }

    /// [`Client::call_dated`] with its own bound on each attempt (a long bulk operation).
    pub async fn call_within(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
        timeout: Duration,
    ) -> ClientResult<(Value, Option<String>)> {
        let retryable = method == Method::GET || idempotency_key.is_some();
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            let mut req = self
                .builder(method.clone(), path, Some(timeout))
                .header("accept", "application/json");
            let query: Vec<&(&str, String)> =
                query.iter().filter(|(_, v)| !v.trim().is_empty()).collect();
            if !query.is_empty() {
                req = req.query(&query);
            }
            if let Some(key) = idempotency_key {
                req = req.header("Idempotency-Key", key);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            let outcome = match req.send().await {
                Ok(resp) => Self::read(resp).await.map_err(|e| match e {
                    ReadError::Status(status, text, retry_after) => {
                        (ClientError::from_response(status, &text), retry_after)
                    }
                    ReadError::Transport(e) => (self.transport_error(&e), None),
                }),
                Err(e) => Err((self.transport_error(&e), None)),
            };
            let (err, retry_after) = match outcome {
                Ok((text, date)) => {
                    if text.trim().is_empty() {
                        return Ok((Value::Object(Default::default()), date));
                    }
                    return serde_json::from_str(&text).map(|v| (v, date)).map_err(|e| {
                        ClientError::Protocol {
                            detail: format!("the answer to {path} is not JSON ({e})"),
                        }
                    });
                }
                Err(e) => e,
            };
            if !refreshed && self.is_expired_session(&err) && self.refresh_session().await.is_ok() {
                refreshed = true;
                continue;
            }
            let transient = matches!(
                err,
                ClientError::Unreachable { .. }
                    | ClientError::Timeout { .. }
                    | ClientError::RateLimited { .. }
            ) || matches!(err, ClientError::Server { status, .. } if status >= 500);
            if !retryable || !transient || attempt >= MAX_RETRIES {
                return Err(err);
            }
            let backoff = Duration::from_millis(200 * (1 << attempt));
            let wait = retry_after.map_or(backoff, |s| s.min(RETRY_AFTER_CAP));
            tracing::debug!(%err, ?wait, attempt, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// GET and decode.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ClientResult<T> {
        let value = self.call(Method::GET, path, query, None, None).await?;
        decode(path, value)
    }

    /// POST and decode.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> ClientResult<T> {
        let value = self
            .call(Method::POST, path, &[], Some(body), idempotency_key)
            .await?;
        decode(path, value)
    }

    async fn read(resp: Response) -> Result<(String, Option<String>), ReadError> {
        let status = resp.status();
        let date = resp
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = resp.text().await.map_err(ReadError::Transport)?;
        if status.is_success() {
            Ok((text, date))
        } else {
            Err(ReadError::Status(status.as_u16(), text, retry_after))
        }
    }

    /// A 401 about the account token (not the API key) while we hold a refresh token.
    fn is_expired_session(&self, err: &ClientError) -> bool {
        let has_refresh = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .refresh_token
            .is_some();
        has_refresh
            && err.status() == Some(StatusCode::UNAUTHORIZED.as_u16())
            && matches!(
                err.code(),
                "invalid_actor_token" | "token_expired" | "missing_actor_token"
            )
    }

    /// Trades the refresh token for a new pair (the old refresh token is dead afterwards).
    pub async fn refresh_session(&self) -> ClientResult<Session> {
        let Some(refresh) = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .refresh_token
            .clone()
        else {
            return Err(ClientError::Auth {
                status: 401,
                code: "missing_refresh_token".into(),
                message: "no session to refresh".into(),
            });
        };
        let body = serde_json::json!({ "refresh_token": refresh });
        let resp = self
            .http
            .post(self.url("/v1/auth/refresh"))
            .header("X-Axme-Client", CLIENT_ID)
            .timeout(Duration::from_secs(30))
            .json(&body)
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let (text, _) = Self::read(resp).await.map_err(|e| match e {
            ReadError::Status(s, t, _) => ClientError::from_response(s, &t),
            ReadError::Transport(e) => self.transport_error(&e),
        })?;
        let tokens: LoginTokens = decode(
            "/v1/auth/refresh",
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )?;
        let session = Session {
            access_token: tokens.access(),
            refresh_token: tokens.refresh_token.clone().or(Some(refresh)),
        };
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = session.clone();
        if let Some(hook) = &self.on_refresh {
            hook(&session);
        }
        Ok(session)
    }
}

enum ReadError {
    Status(u16, String, Option<Duration>),
    Transport(reqwest::Error),
}

fn decode<T: DeserializeOwned>(path: &str, value: Value) -> ClientResult<T> {
    serde_json::from_value(value).map_err(|e| ClientError::Protocol {
        detail: format!("the answer to {path} has an unexpected shape ({e})"),
    })
}

/// Percent-encodes one path segment (intent ids are UUIDs, but input is input).
pub(crate) fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
