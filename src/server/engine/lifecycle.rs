//! Lifecycle decisions: pure functions from the committed intent and a request to the new
//! events and projection. No I/O; the store runs them inside the writer (read-check-write).
//!
//! Every status change goes through [`Status::can_transition_to`]; terminal intents refuse
//! everything ([`Refusal::AlreadyTerminal`]).

use serde_json::{Map, Value, json};

use super::directory::Caller;
use super::refusal::Refusal;
use crate::protocol::event::kind;
use crate::protocol::{
    CreateIntentRequest, Intent, IntentEvent, PendingWith, ResumeBody, Status, Timestamp,
    WaitingReason,
};
use crate::server::store::{Decision, IntentMeta};

/// A validated create request with everything the server derives.
pub struct CreateInput {
    pub intent_id: String,
    pub request: CreateIntentRequest,
    pub from_agent: String,
    pub to_agent: String,
    pub correlation_id: String,
    pub now: Timestamp,
}

pub fn blank_event(intent: &Intent, kind: &str, status: Status, now: &Timestamp) -> IntentEvent {
    IntentEvent {
        intent_id: intent.intent_id.clone(),
        seq: intent.last_seq.unwrap_or(0) + 1,
        event_type: kind.to_string(),
        status,
        at: *now,
        waiting_reason: None,
        pending_with: None,
        actor: None,
        handler: None,
        reason: None,
        result: None,
        error: None,
        human_task: None,
        details: Value::Null,
    }
}

/// Folds one event into the projection.
fn apply(intent: &mut Intent, event: &IntentEvent) {
    intent.status = event.status;
    intent.lifecycle_status = event.status;
    intent.legacy_status = Some(event.status.legacy().to_string());
    if event.status == Status::Waiting {
        intent.waiting_reason = event.waiting_reason;
        intent.lifecycle_waiting_reason = event.waiting_reason;
        if event.pending_with.is_some() {
            intent.pending_with = event.pending_with.clone();
        }
    } else {
        intent.waiting_reason = None;
        intent.lifecycle_waiting_reason = None;
        intent.pending_with = None;
    }
    if event.result.is_some() {
        intent.result = event.result.clone();
    }
    if event.error.is_some() {
        intent.error = event.error.clone();
    }
    intent.updated_at = Some(event.at);
    intent.last_seq = Some(event.seq);
}

/// Appends an event: folds it into the projection and records it.
pub fn push(intent: &mut Intent, events: &mut Vec<IntentEvent>, event: IntentEvent) {
    apply(intent, &event);
    events.push(event);
}

/// The intent and its first events (`intent.created` seq 1, `intent.submitted` seq 2, and
/// for a human task `intent.human_task_assigned`, WAITING_FOR_HUMAN).
pub fn create(input: CreateInput) -> (Intent, Vec<IntentEvent>) {
    let r = input.request;
    let mut intent = Intent {
        intent_id: input.intent_id,
        intent_type: r.intent_type,
        correlation_id: Some(input.correlation_id),
        from_agent: Some(input.from_agent.clone()),
        to_agent: input.to_agent,
        payload: r.payload,
        status: Status::Created,
        lifecycle_status: Status::Created,
        waiting_reason: None,
        lifecycle_waiting_reason: None,
        pending_with: None,
        legacy_status: None,
        created_at: input.now,
        updated_at: None,
        reply_to: r.reply_to,
        due_at: r.deadline_at,
        deadline_at: r.deadline_at,
        remind_after_seconds: r.remind_after_seconds,
        remind_interval_seconds: r.remind_interval_seconds,
        max_reminders: r.max_reminders,
        remind_count: Some(0),
        escalate_to: r.escalate_to,
        max_delivery_attempts: r.max_delivery_attempts,
        delivery_attempt: Some(0),
        human_task: r.human_task,
        result: None,
        error: None,
        handler: None,
        policy_generation: Some(0),
        last_seq: Some(0),
        parent_intent_id: None,
        step_id: None,
        compile_id: None,
    };
    let now = input.now;
    let mut events = Vec::with_capacity(3);
    let mut created = blank_event(&intent, kind::CREATED, Status::Created, &now);
    created.actor = Some(input.from_agent);
    push(&mut intent, &mut events, created);
    let submitted = blank_event(&intent, kind::SUBMITTED, Status::Submitted, &now);
    push(&mut intent, &mut events, submitted);
    if let Some(task) = intent.human_task.clone() {
        let mut assigned = blank_event(&intent, kind::HUMAN_TASK_ASSIGNED, Status::Waiting, &now);
        assigned.waiting_reason = Some(WaitingReason::WaitingForHuman);
        assigned.pending_with = Some(PendingWith {
            kind: "human".into(),
            reference: intent.to_agent.clone(),
            name: task.title.clone(),
        });
        assigned.human_task = Some(task);
        push(&mut intent, &mut events, assigned);
    }
    (intent, events)
}

/// Not found when the caller's workspace cannot see the intent; forbidden when it can see
/// it but may not change it. Allowed: the receiver (`to_agent`), the sender, an admin of
/// the workspace.
pub fn authorize_change(
    caller: &Caller,
    meta: &IntentMeta,
    intent: &Intent,
) -> Result<(), Refusal> {
    super::access::may_change(caller, meta, &intent.intent_id)
}

pub fn check_transition(intent: &Intent, next: Status) -> Result<(), Refusal> {
    if intent.status.is_terminal() {
        return Err(Refusal::AlreadyTerminal {
            intent_id: intent.intent_id.clone(),
            status: intent.status,
        });
    }
    if !intent.status.can_transition_to(next) {
        return Err(Refusal::InvalidTransition {
            intent_id: intent.intent_id.clone(),
            from: intent.status,
            to: next,
        });
    }
    Ok(())
}

/// `expected_policy_generation` of a resolve or resume must match the intent's.
pub fn check_generation(intent: &Intent, expected: Option<u64>) -> Result<(), Refusal> {
    let current = intent.policy_generation.unwrap_or(0);
    match expected {
        Some(expected) if expected != current => {
            Err(Refusal::StaleGeneration { expected, current })
        }
        _ => Ok(()),
    }
}

/// `POST /v1/intents/{id}/resolve`: a terminal outcome chosen by the caller.
pub struct ResolveInput {
    pub status: Status,
    pub actor: Option<String>,
    pub result: Option<Value>,
    pub error: Option<Value>,
    pub reason: Option<String>,
}

pub fn resolve(
    caller: &Caller,
    meta: &IntentMeta,
    mut intent: Intent,
    input: ResolveInput,
    now: &Timestamp,
) -> Result<Decision, Refusal> {
    authorize_change(caller, meta, &intent)?;
    // A terminal intent answers 409 whatever the body lacks; only then the conditional
    // fields of spec §3.7 are checked.
    check_transition(&intent, input.status)?;
    let missing = match input.status {
        Status::Completed if input.result.is_none() => Some(("result", "COMPLETED")),
        Status::Failed if input.error.is_none() => Some(("error", "FAILED")),
        Status::Canceled if input.reason.is_none() => Some(("reason", "CANCELED")),
        _ => None,
    };
    if let Some((field, status)) = missing {
        return Err(Refusal::invalid_field(
            field,
            format!("is required when status is {status}"),
        ));
    }
    let event_kind = match input.status {
        Status::Completed => kind::COMPLETED,
        Status::Failed => kind::FAILED,
        _ => kind::CANCELED,
    };
    let mut event = blank_event(&intent, event_kind, input.status, now);
    let mut details = Map::new();
    if let Some(result) = &input.result {
        details.insert("result".into(), result.clone());
    }
    if let Some(error) = &input.error {
        details.insert("error".into(), error.clone());
    }
    if let Some(reason) = &input.reason {
        details.insert("reason".into(), Value::String(reason.clone()));
    }
    event.details = Value::Object(details);
    event.actor = Some(input.actor.unwrap_or_else(|| caller.address.clone()));
    event.result = input.result;
    event.error = input.error;
    event.reason = input.reason;
    let mut events = Vec::with_capacity(1);
    push(&mut intent, &mut events, event);
    Ok(Decision { intent, events })
}

/// `POST /v1/intents/{id}/resume` in any of its three dialects (spec §3.8).
pub fn resume(
    caller: &Caller,
    meta: &IntentMeta,
    mut intent: Intent,
    body: ResumeBody,
    now: &Timestamp,
) -> Result<Decision, Refusal> {
    authorize_change(caller, meta, &intent)?;
    let mut events = Vec::with_capacity(1);
    match body {
        ResumeBody::Complete(fields) => {
            check_transition(&intent, Status::Completed)?;
            let mut event = blank_event(&intent, kind::COMPLETED, Status::Completed, now);
            event.actor = Some(caller.address.clone());
            event.result = Some(Value::Object(fields));
            event.details = json!({});
            push(&mut intent, &mut events, event);
        }
        ResumeBody::Fail(mut fields) => {
            check_transition(&intent, Status::Failed)?;
            let reason = fields
                .get("reason")
                .and_then(Value::as_str)
                .map(str::to_string);
            fields
                .entry("code")
                .or_insert_with(|| Value::String("handler_failed".into()));
            let message = reason
                .clone()
                .unwrap_or_else(|| "the handler reported a failure".into());
            fields.entry("message").or_insert(Value::String(message));
            let mut event = blank_event(&intent, kind::FAILED, Status::Failed, now);
            event.actor = Some(caller.address.clone());
            event.reason = reason;
            event.error = Some(Value::Object(fields));
            event.details = json!({});
            push(&mut intent, &mut events, event);
        }
        ResumeBody::Start(fields) => {
            // Already working (a retried start): nothing to record.
            if intent.status != Status::InProgress {
                check_transition(&intent, Status::InProgress)?;
                let mut event = blank_event(&intent, kind::IN_PROGRESS, Status::InProgress, now);
                event.actor = Some(caller.address.clone());
                event.reason = fields
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                push(&mut intent, &mut events, event);
            }
        }
        ResumeBody::TaskResult(task) => {
            let (task, rejects) = check_task_result(&intent, task)?;
            if rejects {
                // Spec §8.2, §1.3: a direct task turned down ends CANCELED.
                check_transition(&intent, Status::Canceled)?;
                let mut event = blank_event(&intent, kind::CANCELED, Status::Canceled, now);
                event.actor = Some(caller.address.clone());
                event.reason = Some(rejection_reason(&task));
                event.details = json!({ "task_result": task });
                push(&mut intent, &mut events, event);
            } else {
                check_transition(&intent, Status::Completed)?;
                let mut event = blank_event(&intent, kind::COMPLETED, Status::Completed, now);
                event.actor = Some(caller.address.clone());
                event.details = json!({ "task_result": task.clone() });
                event.result = Some(Value::Object(task));
                push(&mut intent, &mut events, event);
            }
        }
        ResumeBody::Control(fields) => {
            if fields.get("internal_scheduler").and_then(Value::as_bool) == Some(true) {
                return Err(Refusal::Forbidden(
                    "internal_scheduler is reserved for the gateway's own scheduler".into(),
                ));
            }
            if intent.status.is_terminal() {
                check_transition(&intent, Status::InProgress)?;
            }
            if intent.status == Status::Waiting {
                check_transition(&intent, Status::InProgress)?;
                let mut event = blank_event(&intent, kind::IN_PROGRESS, Status::InProgress, now);
                event.actor = Some(
                    fields
                        .get("actor")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| caller.address.clone()),
                );
                event.reason = fields
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                push(&mut intent, &mut events, event);
            }
        }
    }
    Ok(Decision { intent, events })
}

/// Checks a human task answer against the task (`task_check`); returns the answer as
/// recorded and whether it turns the task down. Without a task any answer completes.
pub fn check_task_result(
    intent: &Intent,
    task: Map<String, Value>,
) -> Result<(Map<String, Value>, bool), Refusal> {
    match &intent.human_task {
        None => Ok((task, false)),
        Some(spec) => {
            let checked = super::task_check::check(spec, task)?;
            let rejects = checked.rejects();
            Ok((checked.answer, rejects))
        }
    }
}

/// `intent.canceled`'s reason for a task turned down: the outcome, and the comment if any.
fn rejection_reason(task: &Map<String, Value>) -> String {
    let outcome = task
        .get("outcome")
        .and_then(Value::as_str)
        .unwrap_or("rejected");
    match task
        .get("comment")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(comment) => format!("task {outcome}: {comment}"),
        None => format!("task {outcome}"),
    }
}

/// First write of the intent to a live listener: SUBMITTED → DELIVERED. Anything else is
/// left as it is (a redelivery).
pub fn deliver(mut intent: Intent, now: &Timestamp) -> Decision {
    let mut events = Vec::new();
    if intent.status == Status::Submitted {
        let mut event = blank_event(&intent, kind::DELIVERED, Status::Delivered, now);
        event.actor = Some("gateway".into());
        event.handler = Some(intent.to_agent.clone());
        intent.delivery_attempt = Some(intent.delivery_attempt.unwrap_or(0) + 1);
        push(&mut intent, &mut events, event);
    }
    Decision { intent, events }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(address: &str, admin: bool) -> Caller {
        Caller {
            sa_id: format!("sa_{address}"),
            key_id: "k".into(),
            name: "n".into(),
            org_id: "o".into(),
            org_slug: "local".into(),
            workspace_id: "w".into(),
            workspace_slug: "default".into(),
            role: if admin {
                crate::protocol::access::Role::Admin
            } else {
                crate::protocol::access::Role::Agent
            },
            scopes: crate::protocol::access::Scopes::ALL,
            address: address.into(),
        }
    }

    fn fresh(human_task: Option<Value>) -> (Intent, Vec<IntentEvent>, IntentMeta) {
        let (intent, events) = create(CreateInput {
            intent_id: "i1".into(),
            request: CreateIntentRequest {
                intent_type: "demo.v1".into(),
                to_agent: "agent://local/default/bob".into(),
                payload: json!({"a": 1}),
                human_task: human_task.map(|t| serde_json::from_value(t).unwrap()),
                ..Default::default()
            },
            from_agent: "agent://local/default/alice".into(),
            to_agent: "agent://local/default/bob".into(),
            correlation_id: "c".into(),
            now: crate::protocol::Timestamp::now(),
        });
        let meta = IntentMeta {
            workspace_id: "w".into(),
            to_workspace_id: Some("w".into()),
            sender_sa_id: "sa_agent://local/default/alice".into(),
            to_agent: "agent://local/default/bob".into(),
        };
        (intent, events, meta)
    }

    #[test]
    fn create_then_deliver_then_complete() {
        let (intent, events, meta) = fresh(None);
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].seq, 2);
        assert_eq!(intent.status, Status::Submitted);
        let d = deliver(intent, &crate::protocol::Timestamp::now());
        assert_eq!(d.events[0].seq, 3);
        assert_eq!(d.intent.status, Status::Delivered);
        let bob = caller("agent://local/default/bob", false);
        let body = ResumeBody::classify(json!({"action": "complete", "ok": true})).unwrap();
        let d = resume(
            &bob,
            &meta,
            d.intent,
            body,
            &crate::protocol::Timestamp::now(),
        )
        .unwrap();
        assert_eq!(d.intent.status, Status::Completed);
        assert_eq!(d.intent.result, Some(json!({"ok": true})));
        let again = ResolveInput {
            status: Status::Canceled,
            actor: None,
            result: None,
            error: None,
            reason: Some("x".into()),
        };
        let err = resolve(
            &bob,
            &meta,
            d.intent,
            again,
            &crate::protocol::Timestamp::now(),
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::AlreadyTerminal { .. }));
    }

    #[test]
    fn strangers_are_refused_and_outcomes_checked() {
        let (intent, _, meta) = fresh(Some(
            json!({"title": "ok?", "allowed_outcomes": ["approved"]}),
        ));
        assert_eq!(intent.status, Status::Waiting);
        let eve = caller("agent://local/default/eve", false);
        let body = ResumeBody::classify(json!({"action": "complete"})).unwrap();
        let err = resume(
            &eve,
            &meta,
            intent.clone(),
            body,
            &crate::protocol::Timestamp::now(),
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::Forbidden(_)));
        let admin = caller("agent://local/default/admin", true);
        let bad = ResumeBody::classify(json!({"task_result": {"outcome": "maybe"}})).unwrap();
        let err = resume(
            &admin,
            &meta,
            intent.clone(),
            bad,
            &crate::protocol::Timestamp::now(),
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::InvalidField { .. }));
        let control = ResumeBody::classify(json!({"approve_current_step": true})).unwrap();
        let d = resume(
            &admin,
            &meta,
            intent,
            control,
            &crate::protocol::Timestamp::now(),
        )
        .unwrap();
        assert_eq!(d.intent.status, Status::InProgress);
    }
}
