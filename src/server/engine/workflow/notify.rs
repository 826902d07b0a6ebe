//! `notification` steps (spec §12.4): the message, its `{{…}}` template fields filled in,
//! lands in the initiator's inbox as a thread of its own, and the workflow goes on at once
//! (nobody has to read it). The step result says what was sent.

use serde_json::{Value, json};

use super::WorkflowState;
use crate::protocol::Timestamp;
use crate::protocol::scenario::StepSpec;
use crate::server::engine::reactor::ORCHESTRATOR;
use crate::server::store::{StoreResult, ThreadRow, Tx};

/// `text` with `{{intent_id}}` (the workflow's), `{{parent_intent_id}}`, `{{step_id}}`,
/// `{{intent_type}}`, `{{correlation_id}}` and `{{payload.FIELD}}` / `{{FIELD}}` (a field of
/// the workflow's payload) replaced; unknown fields are left as written.
pub fn fill(text: &str, state: &WorkflowState, step: &StepSpec) -> String {
    let mut out = text
        .replace("{{intent_id}}", &state.parent_intent_id)
        .replace("{{parent_intent_id}}", &state.parent_intent_id)
        .replace("{{step_id}}", &step.step_id)
        .replace("{{intent_type}}", &state.intent_type)
        .replace("{{correlation_id}}", &state.correlation_id);
    if let Some(payload) = state.payload.as_object() {
        for (name, value) in payload {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out = out
                .replace(&format!("{{{{payload.{name}}}}}"), &shown)
                .replace(&format!("{{{{{name}}}}}"), &shown);
        }
    }
    out
}

/// Writes the notification thread; returns the step's result.
pub fn send(
    engine: &crate::server::engine::reactor::Engine,
    tx: &mut dyn Tx,
    state: &WorkflowState,
    step: &StepSpec,
    now: Timestamp,
) -> StoreResult<Value> {
    let config = &step.config;
    let text = |field: &str| {
        config
            .get(field)
            .and_then(Value::as_str)
            .map(|t| fill(t, state, step))
    };
    let subject = text("subject").unwrap_or_else(|| format!("Notification: {}", step.step_id));
    let body = text("body").unwrap_or_default();
    let channels: Vec<String> = match config.get("channels").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        None => vec!["inbox".into()],
    };
    let owner = state.from_agent.clone();
    let thread_id = uuid::Uuid::new_v4().to_string();
    let thread = json!({
        "thread_id": thread_id,
        "intent_id": state.parent_intent_id,
        "status": "pending",
        "owner_agent": owner,
        "from_agent": ORCHESTRATOR,
        "to_agent": owner,
        "intent_type": state.intent_type,
        "subject": subject,
        "created_at": now,
        "updated_at": now,
        "messages": [{
            "message_id": uuid::Uuid::new_v4().to_string(),
            "role": "system",
            "content": body,
            "text": body,
            "at": now,
        }],
        "timeline": [{
            "event_id": uuid::Uuid::new_v4().to_string(),
            "event_type": "notification.sent",
            "actor": "gateway",
            "at": now,
            "details": { "step_id": step.step_id },
        }],
    });
    tx.put_thread(&ThreadRow {
        thread_id: thread_id.clone(),
        workspace_id: state.meta_workspace_id.clone(),
        owner: owner.clone(),
        updated_at: now.to_string(),
        change_seq: 0,
        body: thread.to_string(),
    })?;
    crate::server::engine::webhooks::notify(
        engine,
        tx,
        &state.meta_workspace_id,
        &owner,
        crate::protocol::webhook::INBOX_THREAD_CREATED,
        json!({ "thread_id": thread_id, "thread": thread }),
    )?;
    // E-mail is not sent from a workflow yet: recorded, never a failure (spec §12.4).
    let emailed = channels.iter().any(|c| c == "email");
    Ok(json!({
        "runtime_type": "notification",
        "channels": channels,
        "recipients": [owner],
        "subject": subject,
        "body": body,
        "thread_id": thread_id,
        "email": if emailed { "not sent: no mail from workflows yet" } else { "not requested" },
    }))
}
