//! What can go wrong talking to a gateway, sorted by what the user should do about it.
//! The CLI maps each kind to an exit code and a one-line message.

use std::fmt;

use serde_json::Value;

use crate::protocol::ErrorBody;

#[derive(Debug, Clone)]
pub enum ClientError {
    /// No TCP connection (refused, DNS, TLS): the gateway is not there.
    Unreachable { base_url: String, detail: String },
    /// The request was sent but no answer came in time.
    Timeout { base_url: String },
    /// 401/403: the credentials are missing, wrong or not allowed.
    Auth {
        status: u16,
        code: String,
        message: String,
    },
    /// 404.
    NotFound { message: String },
    /// 400/409/410/413/422: the request was understood and refused.
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    /// 429 after the retries ran out.
    RateLimited { message: String },
    /// 5xx or an unexpected status.
    Server { status: u16, message: String },
    /// A 2xx whose body is not what the protocol says.
    Protocol { detail: String },
}

pub type ClientResult<T> = Result<T, ClientError>;

impl ClientError {
    /// Builds the error for a non-2xx answer from its status and (maybe JSON) body.
    pub fn from_response(status: u16, body: &str) -> Self {
        let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let code = json
            .get("error")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let message = ErrorBody::message_from(&json).unwrap_or_else(|| {
            let text = body.trim();
            if text.is_empty() || text.len() > 200 || text.contains('\n') {
                format!("HTTP {status}")
            } else {
                text.to_string()
            }
        });
        match status {
            401 | 403 => ClientError::Auth {
                status,
                code,
                message,
            },
            404 => ClientError::NotFound { message },
            429 => ClientError::RateLimited { message },
            400..=499 => ClientError::Rejected {
                status,
                code,
                message,
            },
            _ => ClientError::Server { status, message },
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Auth { status, .. }
            | ClientError::Rejected { status, .. }
            | ClientError::Server { status, .. } => Some(*status),
            ClientError::NotFound { .. } => Some(404),
            ClientError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The server's error code (`error.code`), when it sent one.
    pub fn code(&self) -> &str {
        match self {
            ClientError::Auth { code, .. } | ClientError::Rejected { code, .. } => code,
            _ => "",
        }
    }

    /// Worth trying again after a pause (the stream loops use this to reconnect).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClientError::Unreachable { .. }
                | ClientError::Timeout { .. }
                | ClientError::RateLimited { .. }
                | ClientError::Server { .. }
        )
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Unreachable { base_url, detail } => {
                write!(f, "cannot reach the gateway at {base_url} ({detail})")
            }
            ClientError::Timeout { base_url } => {
                write!(f, "the gateway at {base_url} did not answer in time")
            }
            ClientError::Auth { message, .. } => write!(f, "not authorized: {message}"),
            ClientError::NotFound { message } => write!(f, "not found: {message}"),
            ClientError::Rejected { message, .. } => f.write_str(message),
            ClientError::RateLimited { message } => write!(f, "rate limited: {message}"),
            ClientError::Server { status, message } => {
                write!(f, "the gateway failed (HTTP {status}): {message}")
            }
            ClientError::Protocol { detail } => {
                write!(f, "unexpected answer from the gateway: {detail}")
            }
        }
    }
}

impl std::error::Error for ClientError {}

/// The innermost cause of a reqwest error, without the URL reqwest prefixes.
pub(crate) fn transport_detail(err: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(err);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    last.unwrap_or_else(|| err.to_string())
}
