//! Lenient request validation (spec §10.1): unknown fields are ignored, and each problem
//! is a 422 naming its field. The `RequestBody` impls of the request types: what serde
//! cannot check, and the leniency beyond serde, per type (see `typed`).

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};
use super::typed::{RequestBody, at_most, within};
use crate::protocol::intent::{CancelRequest, ResumeRequest};
use crate::protocol::{CreateIntentRequest, ResolveRequest, Status};

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
pub fn with_snake_case_fields(mut body: Value) -> Value {
    // In place: cloning the body (payload included) on every create cost more than the rest
    // of this check.
    if let Some(map) = body.as_object_mut() {
        for (camel, snake) in CREATE_ALIASES {
            if let Some(value) = map.remove(*camel)
                && !map.contains_key(*snake)
            {
                map.insert((*snake).to_string(), value);
            }
        }
    }
    body
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

/// `POST /v1/intents` (spec §3.3), decoded by serde; what serde cannot say is checked here.
impl RequestBody for CreateIntentRequest {
    /// camelCase aliases are renamed (see [`with_snake_case_fields`]); `from_agent` is
    /// dropped unread, whatever its type: the server derives the sender from the key.
    fn prepare(raw: Value) -> Value {
        let mut body = with_snake_case_fields(raw);
        if let Some(map) = body.as_object_mut() {
            map.remove("from_agent");
        }
        body
    }

    fn check(mut self, raw: &Value) -> ApiResult<Self> {
        let intent_type = &self.intent_type;
        at_most("intent_type", Some(intent_type), 255)?;
        if intent_type.trim().is_empty() {
            return Err(ApiError::invalid_field(
                "intent_type",
                "must be at least 1 characters",
            ));
        }
        if intent_type.chars().any(char::is_whitespace) {
            return Err(ApiError::invalid_field(
                "intent_type",
                "must not contain whitespace",
            ));
        }
        at_most("to_agent", Some(&self.to_agent), 383)?;
        self.to_agent = self.to_agent.trim().to_string();
        if self.to_agent.chars().count() < 3 {
            return Err(ApiError::invalid_field(
                "to_agent",
                "must be at least 3 characters",
            ));
        }
        for (field, value) in [("intent_type", intent_type), ("to_agent", &self.to_agent)] {
            if value.chars().any(char::is_control) {
                return Err(ApiError::invalid_field(
                    field,
                    "must not contain control characters (NUL, newlines…)",
                ));
            }
        }
        match &self.payload {
            Value::Object(_) => {}
            Value::Null => return Err(Self::missing("payload", raw)),
            _ => return Err(ApiError::invalid_field("payload", "must be a JSON object")),
        }
        at_most("correlation_id", self.correlation_id.as_deref(), 255)?;
        self.correlation_id = self.correlation_id.filter(|c| !c.trim().is_empty());
        at_most("reply_to", self.reply_to.as_deref(), 383)?;
        at_most("escalate_to", self.escalate_to.as_deref(), 383)?;
        let u32_max = u64::from(u32::MAX);
        // Ten years at most: the deadline must stay a valid time.
        within("deadline_seconds", self.deadline_seconds, 1, 315_360_000)?;
        within(
            "remind_after_seconds",
            self.remind_after_seconds,
            1,
            u32_max,
        )?;
        within(
            "remind_interval_seconds",
            self.remind_interval_seconds,
            1,
            u32_max,
        )?;
        within("max_reminders", self.max_reminders.map(u64::from), 1, 1000)?;
        within(
            "max_delivery_attempts",
            self.max_delivery_attempts.map(u64::from),
            1,
            1000,
        )?;
        Ok(self)
    }

    fn missing(field: &str, raw: &Value) -> ApiError {
        match (field, raw.as_object()) {
            ("payload", Some(map)) => missing_payload(map),
            _ => ApiError::invalid_field(field, "is required"),
        }
    }
}

/// `POST /v1/intents/{id}/resolve`. The conditional fields (`result` for COMPLETED,
/// `error` for FAILED, `reason` for CANCELED) are checked by the engine, after the
/// terminal-state check, so a repeated resolve answers 409 rather than 422.
impl RequestBody for ResolveRequest {
    /// `status` is read case-insensitively (`completed`), as the CLI's `--status` is.
    fn prepare(mut raw: Value) -> Value {
        if let Some(Value::String(status)) = raw.get_mut("status") {
            *status = status.trim().to_ascii_uppercase();
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        match self.status {
            None => return Err(ApiError::invalid_field("status", "is required")),
            Some(Status::Completed | Status::Failed | Status::Canceled) => {}
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "status",
                    "must be COMPLETED, FAILED or CANCELED",
                ));
            }
        }
        at_most("actor", self.actor.as_deref(), 255)?;
        at_most("reason", self.reason.as_deref(), 2000)?;
        Ok(self)
    }
}

impl RequestBody for CancelRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("actor", self.actor.as_deref(), 255)?;
        at_most("reason", self.reason.as_deref(), 2000)?;
        Ok(self)
    }
}

/// The named fields are decoded for their types; the dialect is then told apart from the
/// whole JSON by `ResumeBody::classify`, because fields not named in `ResumeRequest` are
/// kept (with `action`/`outcome` they are the agent's result).
impl RequestBody for ResumeRequest {}

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

    fn create_request(body: &Value) -> ApiResult<CreateIntentRequest> {
        super::super::typed::decode(body)
    }

    #[test]
    fn camel_case_aliases_yield_to_snake_case() {
        let body = with_snake_case_fields(json!({
            "intentType": "a.v1", "toAgent": "bob", "to_agent": "alice",
            "correlationId": "c-1", "payload": {"innerCamel": 1}
        }));
        let request = create_request(&body).unwrap();
        let raw = json!({"intentType": "a.v1", "to_agent": "bob", "fromAgent": 7, "payload": {}});
        assert!(create_request(&CreateIntentRequest::prepare(raw)).is_ok());
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
