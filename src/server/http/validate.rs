//! Lenient request validation (spec §10.1): unknown fields are ignored, and each problem
//! is a 422 naming its field.

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};
use crate::protocol::{CreateIntentRequest, HumanTask, Status, Timestamp};
use crate::server::engine::lifecycle::ResolveInput;

fn object<'a>(body: &'a Value, what: &str) -> ApiResult<&'a Map<String, Value>> {
    body.as_object()
        .ok_or_else(|| ApiError::invalid_field("body", format!("{what} must be a JSON object")))
}

fn opt_string(map: &Map<String, Value>, field: &str, max: usize) -> ApiResult<Option<String>> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= max => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(ApiError::invalid_field(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(_) => Err(ApiError::invalid_field(field, "must be a string")),
    }
}

fn req_string(map: &Map<String, Value>, field: &str, min: usize, max: usize) -> ApiResult<String> {
    let value = opt_string(map, field, max)?
        .ok_or_else(|| ApiError::invalid_field(field, "is required"))?;
    if value.trim().chars().count() < min {
        return Err(ApiError::invalid_field(
            field,
            format!("must be at least {min} characters"),
        ));
    }
    Ok(value)
}

fn opt_positive(map: &Map<String, Value>, field: &str, max: u64) -> ApiResult<Option<u64>> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid_field(
                field,
                format!("must be an integer from 1 to {max}"),
            )),
        },
    }
}

/// camelCase spellings of the create-intent fields that public clients' examples send
/// (§10.1 parses leniently); the snake_case field wins when both are present.
const CREATE_ALIASES: &[(&str, &str)] = &[
    ("intentType", "intent_type"),
    ("toAgent", "to_agent"),
    ("fromAgent", "from_agent"),
    ("correlationId", "correlation_id"),
    ("replyTo", "reply_to"),
    ("deadlineAt", "deadline_at"),
    ("remindAfterSeconds", "remind_after_seconds"),
    ("remindIntervalSeconds", "remind_interval_seconds"),
    ("maxReminders", "max_reminders"),
    ("escalateTo", "escalate_to"),
    ("maxDeliveryAttempts", "max_delivery_attempts"),
    ("humanTask", "human_task"),
];

/// The create body with every camelCase alias renamed to its snake_case field (unless that
/// field is present too). Non-objects are returned as they are, for `create_request` to refuse.
pub fn with_snake_case_fields(body: &Value) -> Value {
    let Some(map) = body.as_object() else {
        return body.clone();
    };
    let mut out = map.clone();
    for (camel, snake) in CREATE_ALIASES {
        if let Some(value) = out.remove(*camel)
            && !out.contains_key(*snake)
        {
            out.insert((*snake).to_string(), value);
        }
    }
    Value::Object(out)
}

/// 422 for a create without `payload`: names the top-level fields it did get (often the
/// payload's own fields, sent flat) and shows the shape that works.
fn missing_payload(map: &Map<String, Value>) -> ApiError {
    let found: Vec<&str> = map.keys().map(String::as_str).collect();
    let shape = r#"{"intent_type": "…", "to_agent": "…", "payload": {…}}"#;
    ApiError::invalid_field(
        "payload",
        format!(
            "is required (an object holding the intent's data); the body has the top-level fields [{}]: send {shape}, with your data inside payload",
            found.join(", ")
        ),
    )
    .with_details(serde_json::json!({
        "field": "payload",
        "found_fields": found,
        "expected_shape": {"intent_type": "string", "to_agent": "string", "payload": "object"},
    }))
}

/// `POST /v1/intents` body (snake_case; see [`with_snake_case_fields`]).
pub fn create_request(body: &Value) -> ApiResult<CreateIntentRequest> {
    let map = object(body, "the intent")?;
    let intent_type = req_string(map, "intent_type", 1, 255)?;
    if intent_type.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid_field(
            "intent_type",
            "must not contain whitespace",
        ));
    }
    let to_agent = req_string(map, "to_agent", 3, 383)?.trim().to_string();
    for (field, value) in [("intent_type", &intent_type), ("to_agent", &to_agent)] {
        if value.chars().any(char::is_control) {
            return Err(ApiError::invalid_field(
                field,
                "must not contain control characters (NUL, newlines…)",
            ));
        }
    }
    let payload = match map.get("payload") {
        Some(Value::Object(p)) => Value::Object(p.clone()),
        None | Some(Value::Null) => return Err(missing_payload(map)),
        Some(_) => return Err(ApiError::invalid_field("payload", "must be a JSON object")),
    };
    let deadline_at = match opt_string(map, "deadline_at", 64)? {
        None => None,
        Some(d) => match chrono::DateTime::parse_from_rfc3339(&d) {
            Ok(at) => Some(Timestamp::from_datetime(at.to_utc())),
            Err(_) => {
                return Err(ApiError::invalid_field(
                    "deadline_at",
                    "must be an RFC 3339 timestamp",
                ));
            }
        },
    };
    let human_task = match map.get("human_task") {
        None | Some(Value::Null) => None,
        Some(Value::Object(t)) => Some(HumanTask::from(t.clone())),
        Some(_) => {
            return Err(ApiError::invalid_field(
                "human_task",
                "must be a JSON object",
            ));
        }
    };
    let u32_max = u64::from(u32::MAX);
    Ok(CreateIntentRequest {
        intent_type,
        correlation_id: opt_string(map, "correlation_id", 255)?.filter(|c| !c.trim().is_empty()),
        to_agent,
        payload,
        from_agent: None,
        reply_to: opt_string(map, "reply_to", 383)?,
        deadline_at,
        // Ten years at most: the deadline must stay a valid time.
        deadline_seconds: opt_positive(map, "deadline_seconds", 315_360_000)?,
        remind_after_seconds: opt_positive(map, "remind_after_seconds", u32_max)?,
        remind_interval_seconds: opt_positive(map, "remind_interval_seconds", u32_max)?,
        max_reminders: opt_positive(map, "max_reminders", 1000)?.map(crate::num::u32_from_u64),
        escalate_to: opt_string(map, "escalate_to", 383)?,
        max_delivery_attempts: opt_positive(map, "max_delivery_attempts", 1000)?
            .map(crate::num::u32_from_u64),
        human_task,
    })
}

/// `POST /v1/intents/{id}/resolve` body. The conditional fields (`result` for COMPLETED,
/// `error` for FAILED, `reason` for CANCELED) are checked by the engine, after the
/// terminal-state check, so a repeated resolve answers 409 rather than 422.
pub fn resolve_request(body: &Value) -> ApiResult<(ResolveInput, Option<u64>)> {
    let map = object(body, "the resolve request")?;
    let raw = req_string(map, "status", 1, 32)?;
    let status = raw
        .parse::<Status>()
        .map_err(|e| ApiError::invalid_field("status", e))?;
    if !matches!(
        status,
        Status::Completed | Status::Failed | Status::Canceled
    ) {
        return Err(ApiError::invalid_field(
            "status",
            "must be COMPLETED, FAILED or CANCELED",
        ));
    }
    let expected = match map.get("expected_policy_generation") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            ApiError::invalid_field("expected_policy_generation", "must be an integer ≥ 0")
        })?),
    };
    let reason = opt_string(map, "reason", 2000)?;
    Ok((
        ResolveInput {
            status,
            actor: opt_string(map, "actor", 255)?,
            result: map.get("result").filter(|v| !v.is_null()).cloned(),
            error: map.get("error").filter(|v| !v.is_null()).cloned(),
            reason,
        },
        expected,
    ))
}

/// Names for service accounts and workspaces: `^[a-z0-9][a-z0-9._-]{0,62}$`.
pub fn slug(field: &str, value: &str) -> ApiResult<()> {
    let ok = !value.is_empty()
        && value.len() <= 63
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            field,
            format!(
                "'{value}' is not a valid name: use 1–63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_aliases_yield_to_snake_case() {
        let body = with_snake_case_fields(&json!({
            "intentType": "a.v1", "toAgent": "bob", "to_agent": "alice",
            "correlationId": "c-1", "payload": {"innerCamel": 1}
        }));
        let request = create_request(&body).unwrap();
        assert_eq!(request.intent_type, "a.v1");
        assert_eq!(request.to_agent, "alice");
        assert_eq!(request.correlation_id.as_deref(), Some("c-1"));
        assert_eq!(request.payload, json!({"innerCamel": 1}));
        assert!(body.get("toAgent").is_none());
    }

    #[test]
    fn names_the_bad_field() {
        let err =
            create_request(&json!({"intent_type": "a\u{0}.v1", "to_agent": "bob", "payload": {}}))
                .unwrap_err();
        assert_eq!(err.body.error.details["field"], "intent_type");
        let err =
            create_request(&json!({"intent_type": "a.v1", "to_agent": "bo\u{0}b", "payload": {}}))
                .unwrap_err();
        assert_eq!(err.body.error.details["field"], "to_agent");
        let err = create_request(&json!({"intent_type": "a.v1", "to_agent": "bob"})).unwrap_err();
        assert_eq!(err.body.error.details["field"], "payload");
        let err = create_request(&json!({"intent_type": "a.v1", "to_agent": "bo", "payload": {}}))
            .unwrap_err();
        assert_eq!(err.body.error.details["field"], "to_agent");
        let ok = create_request(
            &json!({"intent_type": "a.v1", "to_agent": "bob", "payload": {}, "extra": 1}),
        );
        assert!(ok.is_ok());
        let err = create_request(&json!({"intent_type": "a.v1", "to_agent": "bob", "city": "x"}))
            .unwrap_err();
        assert!(
            err.body
                .error
                .message
                .contains("[city, intent_type, to_agent]")
        );
        assert_eq!(err.body.error.details["found_fields"][0], "city");
        assert!(slug("name", "report-api.demo_1").is_ok());
        assert!(slug("name", "-x").is_err());
    }
}
