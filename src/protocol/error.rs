//! The error body every 4xx/5xx answer carries (spec §5.4), shaped so that the official
//! SDKs (`error.message`), the public CLI (`detail`) and FastAPI-style readers all find
//! the message.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    #[serde(default)]
    pub ok: bool,
    pub error: ErrorDetail,
    /// The same text as `error.message`.
    #[serde(default)]
    pub detail: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_platform_api_key`, `schema_invalid`.
    pub code: String,
    pub message: String,
    /// `validation`, `auth`, `policy`, `transport`, `timeout` or `internal` (spec §5.4).
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

impl ErrorBody {
    pub fn new(code: &str, category: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ErrorBody {
            ok: false,
            error: ErrorDetail {
                code: code.to_string(),
                message: message.clone(),
                category: category.to_string(),
                retryable: matches!(category, "internal" | "transport" | "timeout"),
                details: Value::Null,
            },
            detail: Value::String(message),
            request_id: None,
        }
    }

    /// Best-effort message from any error body a gateway may send (ours, FastAPI's, plain).
    pub fn message_from(body: &Value) -> Option<String> {
        if let Some(s) = body.get("error").and_then(Value::as_str) {
            return Some(s.to_string());
        }
        if let Some(s) = body
            .get("error")
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
        {
            return Some(s.to_string());
        }
        match body.get("detail") {
            Some(Value::String(s)) => return Some(s.clone()),
            Some(Value::Array(items)) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|i| {
                        let msg = i.get("msg")?.as_str()?;
                        let loc = i
                            .get("loc")
                            .and_then(Value::as_array)
                            .map(|l| {
                                l.iter()
                                    .map(|p| match p {
                                        Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })
                                    .collect::<Vec<_>>()
                                    .join(".")
                            })
                            .unwrap_or_default();
                        Some(if loc.is_empty() {
                            msg.to_string()
                        } else {
                            format!("{loc}: {msg}")
                        })
                    })
                    .collect();
                if !parts.is_empty() {
                    return Some(parts.join("; "));
                }
            }
            _ => {}
        }
        body.get("message")
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn message_from_each_dialect() {
        let ours = serde_json::to_value(ErrorBody::new("x_y", "validation", "bad thing")).unwrap();
        assert_eq!(ErrorBody::message_from(&ours).unwrap(), "bad thing");
        let fastapi = json!({"detail":[{"loc":["body","payload"],"msg":"field required"}]});
        assert_eq!(
            ErrorBody::message_from(&fastapi).unwrap(),
            "body.payload: field required"
        );
        assert_eq!(
            ErrorBody::message_from(&json!({"detail":"nope"})).unwrap(),
            "nope"
        );
        assert!(ErrorBody::message_from(&json!({"x":1})).is_none());
    }
}
