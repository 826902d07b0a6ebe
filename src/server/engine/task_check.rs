//! Answers to human tasks (spec §8.2, §12.5): one check for a workflow's human step and a
//! direct intent's task alike. The outcome (rules 1–2; a task that names no outcomes gets
//! its type's), a required comment, evidence for a positive outcome, and the answer against
//! the task's `form_schema` (JSON Schema 2020-12, through the `jsonschema` crate), its string
//! values first coerced to the types the schema asks for (`axme tasks … --data k=v` sends
//! every value as a string).

use serde_json::{Map, Value, json};

use super::refusal::Refusal;
use crate::protocol::HumanTask;
use crate::protocol::task::default_outcomes;

/// Outcomes that complete a step; any other fails it.
pub const POSITIVE: [&str; 8] = [
    "approved",
    "confirmed",
    "completed",
    "assigned",
    "provided",
    "submitted",
    "override_approved",
    "acknowledged",
];

/// Outcomes that turn a task down: `rejected`, and the negative outcomes of the lists that
/// lack it, which `rejected` stands for (rule 2).
pub const NEGATIVE: [&str; 3] = ["rejected", "denied", "declined"];

/// A checked answer: whether its outcome completes the task, and the answer as it is
/// recorded (the given fields, coerced, plus `outcome`).
#[derive(Debug, Clone)]
pub struct Checked {
    pub positive: bool,
    pub answer: Map<String, Value>,
}

impl Checked {
    /// The outcome, as recorded.
    pub fn outcome(&self) -> &str {
        self.answer
            .get("outcome")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The answer turns the task down (spec §8.2: a direct task then ends CANCELED): a
    /// negative outcome, or a positive one its form contradicts (`approved: false`). Other
    /// outcomes that are not positive (`changes_requested`, `deferred`, `failed`, …) answer
    /// the task without turning it down.
    pub fn rejects(&self) -> bool {
        let outcome = self.outcome();
        NEGATIVE.contains(&outcome) || (POSITIVE.contains(&outcome) && !self.positive)
    }
}

/// The outcome of an answer (§12.5 rule 1): `outcome`, else `approved`/`acknowledged`.
fn outcome_of(task: &Map<String, Value>) -> Option<String> {
    if let Some(o) = task.get("outcome").and_then(Value::as_str) {
        return Some(o.to_string());
    }
    match task.get("approved").or_else(|| task.get("acknowledged")) {
        Some(Value::Bool(true)) => Some("approved".into()),
        Some(Value::Bool(false)) => Some("rejected".into()),
        Some(Value::String(s)) if s == "true" => Some("approved".into()),
        Some(Value::String(s)) if s == "false" => Some("rejected".into()),
        _ => None,
    }
}

fn non_empty(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

/// Checks `task` (a `task_result`) against `spec`.
pub fn check(spec: &HumanTask, task: Map<String, Value>) -> Result<Checked, Refusal> {
    let outcome = outcome_of(&task)
        .ok_or_else(|| Refusal::invalid_field("task_result.outcome", "is required"))?;
    let allowed = spec
        .allowed_outcomes
        .clone()
        .unwrap_or_else(|| default_outcomes(spec.task_type.as_ref()));
    // "reject" stands for the list's negative outcome (denied, declined …) too: the CLI's own
    // hints say `reject` for confirmation and clarification tasks.
    if !allowed.contains(&outcome) && outcome != "rejected" {
        return Err(Refusal::invalid_field(
            "task_result.outcome",
            format!("'{outcome}' is not one of {}", allowed.join(", ")),
        ));
    }
    if spec.requires_comment() && !non_empty(task.get("comment")) {
        return Err(Refusal::invalid_field(
            "task_result.comment",
            "this task requires a comment",
        ));
    }
    let mut answer = task;
    let positive = POSITIVE.contains(&outcome.as_str())
        && !matches!(answer.get("approved"), Some(Value::Bool(false)));
    let evidence_required = spec.evidence_required == Some(true);
    let data_evidence = answer.get("data").and_then(|d| d.get("evidence"));
    if evidence_required
        && positive
        && !non_empty(answer.get("evidence"))
        && !non_empty(data_evidence)
    {
        return Err(Refusal::invalid_field(
            "task_result.evidence",
            "this task requires evidence (task_result.evidence or task_result.data.evidence)",
        ));
    }
    if let Some(schema) = spec.extra.get("form_schema").filter(|s| s.is_object()) {
        check_form(schema, &mut answer, &outcome, positive)?;
    }
    answer.insert("outcome".into(), Value::String(outcome));
    Ok(Checked { positive, answer })
}

/// Validates the form data — `task_result.data` when that is an object, else `task_result`
/// itself — plus the outcome, after coercing strings to the schema's types (written back into
/// the answer, so the recorded result has the types the form asked for).
fn check_form(
    schema: &Value,
    answer: &mut Map<String, Value>,
    outcome: &str,
    positive: bool,
) -> Result<(), Refusal> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            // The task's author wrote it; refusing every answer would strand the task.
            tracing::warn!(error = %e, "a task's form_schema is not a valid JSON Schema; not checked");
            return Ok(());
        }
    };
    let in_data = answer.get("data").is_some_and(Value::is_object);
    let form = if in_data {
        answer.get_mut("data").and_then(Value::as_object_mut)
    } else {
        Some(&mut *answer)
    };
    let Some(form) = form else {
        return Ok(());
    };
    coerce(schema, form);
    let mut instance = form.clone();
    let properties = schema.get("properties").and_then(Value::as_object);
    let declares = |name: &str| properties.is_some_and(|p| p.contains_key(name));
    let requires = |name: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    if declares("outcome") || requires("outcome") {
        instance
            .entry("outcome")
            .or_insert_with(|| Value::String(outcome.to_string()));
    }
    // `axme tasks approve` sends no `approved`: the outcome says it.
    if requires("approved") && !instance.contains_key("approved") {
        instance.insert("approved".into(), Value::Bool(positive));
        form.insert("approved".into(), Value::Bool(positive));
    }
    // Fields of the answer itself, not the form, unless the form declares them.
    if !in_data {
        for field in ["comment", "evidence", "outcome"] {
            if !declares(field) && !requires(field) {
                instance.remove(field);
            }
        }
    }
    let instance = Value::Object(instance);
    let base = if in_data {
        "/task_result/data"
    } else {
        "/task_result"
    };
    let errors: Vec<Value> = validator
        .iter_errors(&instance)
        .map(|e| {
            let mut path = format!("{base}{}", e.instance_path().as_str());
            if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind()
                && let Some(name) = property.as_str()
            {
                path = format!("{path}/{name}");
            }
            json!({ "path": path, "message": e.to_string() })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::FormInvalid { errors })
    }
}

/// Turns string values into the boolean, integer or number their schema asks for (nested
/// objects too); anything that does not parse is left for the validator to report.
fn coerce(schema: &Value, form: &mut Map<String, Value>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, prop) in properties {
        let Some(value) = form.get_mut(name) else {
            continue;
        };
        let types: Vec<&str> = match prop.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if let Value::Object(inner) = value {
            coerce(prop, inner);
            continue;
        }
        let Value::String(text) = value else {
            continue;
        };
        if types.contains(&"string") {
            continue;
        }
        let text = text.trim().to_string();
        let parsed = if types.contains(&"boolean") && matches!(text.as_str(), "true" | "false") {
            Some(Value::Bool(text == "true"))
        } else if types.contains(&"integer") {
            text.parse::<i64>().ok().map(Value::from)
        } else if types.contains(&"number") {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        } else {
            None
        };
        if let Some(parsed) = parsed {
            *value = parsed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(v: Value) -> HumanTask {
        HumanTask::from(v.as_object().cloned().unwrap_or_default())
    }

    fn answer(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn default_outcomes_follow_the_task_type() {
        let confirm = task(json!({"title": "t", "task_type": "confirmation"}));
        assert!(
            check(&confirm, answer(json!({"outcome": "confirmed"})))
                .unwrap()
                .positive
        );
        assert!(
            !check(&confirm, answer(json!({"outcome": "rejected"})))
                .unwrap()
                .positive
        );
        assert!(check(&confirm, answer(json!({"outcome": "approved"}))).is_err());
        let assign = task(json!({"title": "t", "task_type": "assignment"}));
        assert!(
            check(&assign, answer(json!({"outcome": "assigned"})))
                .unwrap()
                .positive
        );
        let plain = task(json!({"title": "t"}));
        assert!(
            check(&plain, answer(json!({"approved": true})))
                .unwrap()
                .positive
        );
        assert!(check(&plain, answer(json!({}))).is_err());
    }

    #[test]
    fn evidence_is_required_for_a_positive_outcome_only() {
        let t =
            task(json!({"title": "t", "task_type": "manual_action", "evidence_required": true}));
        assert!(check(&t, answer(json!({"outcome": "completed"}))).is_err());
        assert!(
            check(
                &t,
                answer(json!({"outcome": "completed", "evidence": "photo.jpg"}))
            )
            .is_ok()
        );
        let nested = json!({"outcome": "completed", "data": {"evidence": ["a"]}});
        assert!(check(&t, answer(nested)).is_ok());
        assert!(check(&t, answer(json!({"outcome": "failed"}))).is_ok());
    }

    #[test]
    fn form_schema_coerces_then_names_each_bad_path() {
        let t = task(json!({
            "title": "t",
            "task_type": "provide_data",
            "form_schema": {
                "type": "object",
                "required": ["outcome", "risk_level", "rollback_available"],
                "properties": {
                    "outcome": {"type": "string"},
                    "risk_level": {"enum": ["low", "high"]},
                    "rollback_available": {"type": "boolean"},
                    "hosts": {"type": "integer", "minimum": 0}
                }
            }
        }));
        let bad = check(
            &t,
            answer(json!({"outcome": "submitted", "risk_level": "huge", "hosts": "-3"})),
        );
        let Err(Refusal::FormInvalid { errors }) = bad else {
            panic!("{bad:?}");
        };
        let paths: Vec<&str> = errors.iter().filter_map(|e| e["path"].as_str()).collect();
        assert!(paths.contains(&"/task_result/risk_level"), "{paths:?}");
        assert!(
            paths.contains(&"/task_result/rollback_available"),
            "{paths:?}"
        );
        assert!(paths.contains(&"/task_result/hosts"), "{paths:?}");
        let good = check(
            &t,
            answer(json!({"outcome": "submitted", "risk_level": "low", "rollback_available": "true", "hosts": "3"})),
        )
        .unwrap();
        assert_eq!(good.answer["rollback_available"], json!(true));
        assert_eq!(good.answer["hosts"], json!(3));
    }

    #[test]
    fn a_required_approved_is_derived_from_the_outcome() {
        let t = task(json!({
            "title": "t",
            "form_schema": {"type": "object", "required": ["approved"],
                            "properties": {"approved": {"type": "boolean"}}}
        }));
        let ok = check(&t, answer(json!({"outcome": "approved"}))).unwrap();
        assert_eq!(ok.answer["approved"], json!(true));
    }
}
