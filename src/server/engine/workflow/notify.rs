//! `notification` steps (spec §12.4): the message, its `{{…}}` template fields filled in,
//! goes to each recipient, and the workflow goes on at once (nobody has to read it; a mail
//! that cannot go out never fails it). The step result says what was sent.
//!
//! Recipients: the step's `config.to` (one or a list), else the bundle's `humans[].contact`
//! values, else the initiator. An e-mail contact's inbox is that person's account in the
//! workflow's workspace (the one `axme login --email` makes, `user_account_name`), an
//! address is its own inbox. Channels (`config.channels`, default `["inbox"]`): `inbox`
//! writes a thread to each recipient's inbox; `email` mails each e-mail recipient through
//! the gateway's SMTP relay when one is configured (`engine::mail_out`, after the commit,
//! retried), and records why not otherwise.

use serde_json::{Value, json};

use super::WorkflowState;
use crate::protocol::address::inbox_address;
use crate::protocol::scenario::StepSpec;
use crate::protocol::{AgentAddress, Timestamp};
use crate::server::engine::directory::user_account_name;
use crate::server::engine::mail_out::{self, Mail};
use crate::server::engine::reactor::{Engine, ORCHESTRATOR};
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

/// One recipient: an e-mail address (normalised: trimmed, lower case) or an inbox address.
#[derive(Debug, Clone, PartialEq)]
enum Recipient {
    Email(String),
    Address(String),
}

/// The recipients named by `config.to`, else the contacts, else the initiator; a name that
/// is neither an e-mail address nor an agent address is left out (and listed as skipped).
fn recipients(state: &WorkflowState, config: &Value) -> (Vec<Recipient>, Vec<String>) {
    let given: Vec<String> = match config.get("to") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    let named: Vec<String> = [given, state.contacts.clone()]
        .into_iter()
        .find(|list| list.iter().any(|r| !r.trim().is_empty()))
        .unwrap_or_else(|| vec![state.from_agent.clone()]);
    let home = AgentAddress::parse(&state.from_agent);
    let (mut out, mut skipped) = (Vec::new(), Vec::new());
    for raw in named {
        let raw = raw.trim();
        let recipient = if raw.contains('@') && !raw.starts_with("agent://") {
            Some(Recipient::Email(raw.to_lowercase()))
        } else {
            home.as_ref()
                .and_then(|h| inbox_address(raw, &h.org, &h.workspace))
                .map(Recipient::Address)
        };
        match recipient {
            Some(r) if !out.contains(&r) => out.push(r),
            Some(_) => {}
            None if raw.is_empty() => {}
            None => skipped.push(raw.to_string()),
        }
    }
    (out, skipped)
}

/// The inbox of a recipient: an address's own, an e-mail contact's account's.
fn owner_of(recipient: &Recipient, state: &WorkflowState) -> String {
    match recipient {
        Recipient::Address(address) => address.clone(),
        Recipient::Email(email) => match AgentAddress::parse(&state.from_agent) {
            Some(home) => {
                AgentAddress::new(&home.org, &home.workspace, &user_account_name(email)).to_string()
            }
            None => state.from_agent.clone(),
        },
    }
}

/// Sends the notification; returns the step's result.
pub fn send(
    engine: &Engine,
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
    let to_inbox = channels.iter().any(|c| c == "inbox");
    let by_mail = channels.iter().any(|c| c == "email");
    let (recipients, skipped) = recipients(state, config);
    let mut threads = Vec::new();
    let mut queued = Vec::new();
    let mut unmailed = Vec::new();
    for recipient in &recipients {
        let owner = owner_of(recipient, state);
        let email = match recipient {
            Recipient::Email(e) if by_mail => Some(e.clone()),
            _ => None,
        };
        let mailing = email.is_some() && engine.mailer().is_some();
        let thread_id = to_inbox.then(|| uuid::Uuid::new_v4().to_string());
        if let Some(thread_id) = &thread_id {
            let mail_state = email.as_ref().map(|to| {
                if mailing {
                    json!({"to": to, "state": "pending", "attempts": 0})
                } else {
                    json!({"to": to, "state": "not_sent", "last_error": NO_MAILER})
                }
            });
            let note = Note {
                thread_id,
                owner: &owner,
                subject: &subject,
                body: &body,
                mail_state,
            };
            write_thread(engine, tx, state, step, now, note)?;
            threads.push(json!({"owner_agent": owner, "thread_id": thread_id}));
        }
        if let Some(to) = email {
            if mailing {
                let mail = Mail {
                    to: to.clone(),
                    subject: subject.clone(),
                    body: body.clone(),
                    thread_id: thread_id.clone(),
                    intent_id: Some(state.parent_intent_id.clone()),
                };
                mail_out::queue(engine, tx, &mail)?;
                queued.push(to);
            } else {
                unmailed.push(to);
            }
        }
    }
    let shown: Vec<String> = recipients
        .iter()
        .map(|r| match r {
            Recipient::Email(e) => e.clone(),
            Recipient::Address(a) => a.clone(),
        })
        .collect();
    let email = if !by_mail {
        json!("not requested")
    } else if queued.is_empty() && unmailed.is_empty() {
        json!({"sent_to": [], "note": "no recipient has an e-mail address"})
    } else if unmailed.is_empty() {
        json!({"sent_to": queued})
    } else {
        json!({"sent_to": queued, "not_sent": unmailed, "reason": NO_MAILER})
    };
    let mut result = json!({
        "runtime_type": "notification",
        "channels": channels,
        "recipients": shown,
        "subject": subject,
        "body": body,
        "inbox": threads,
        "email": email,
    });
    if let Some(first) = threads.first() {
        result["thread_id"] = first["thread_id"].clone();
    }
    if !skipped.is_empty() {
        result["skipped"] = json!(skipped);
    }
    Ok(result)
}

/// Why an e-mail recipient got no mail.
const NO_MAILER: &str = "no mail server is configured (axme server --smtp-url)";

/// One recipient's thread: where it goes, what it says, and its mail's state.
struct Note<'a> {
    thread_id: &'a str,
    owner: &'a str,
    subject: &'a str,
    body: &'a str,
    mail_state: Option<Value>,
}

/// The notification as a thread of its own in the owner's inbox, its mail's state with it.
fn write_thread(
    engine: &Engine,
    tx: &mut dyn Tx,
    state: &WorkflowState,
    step: &StepSpec,
    now: Timestamp,
    note: Note<'_>,
) -> StoreResult<()> {
    let Note {
        thread_id,
        owner,
        subject,
        body,
        mail_state,
    } = note;
    let mut thread = json!({
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
    if let Some(mail_state) = mail_state {
        thread["email"] = mail_state;
    }
    tx.put_thread(&ThreadRow {
        thread_id: thread_id.to_string(),
        workspace_id: state.meta_workspace_id.clone(),
        owner: owner.to_string(),
        updated_at: now.to_string(),
        change_seq: 0,
        body: thread.to_string(),
    })?;
    crate::server::engine::webhooks::notify(
        engine,
        tx,
        &state.meta_workspace_id,
        owner,
        crate::protocol::webhook::INBOX_THREAD_CREATED,
        json!({ "thread_id": thread_id, "thread": thread }),
    )
}
