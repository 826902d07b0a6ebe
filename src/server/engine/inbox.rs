//! Inbox threads (spec §7.5, §8.5, §9.1): what each owner action does to a thread. Pure
//! functions over the thread's JSON; `http/inbox.rs` reads the thread and writes the result
//! in one writer job, so two actions on one thread never lose each other's change.

use serde_json::{Map, Value, json};

use super::refusal::Refusal;
use crate::protocol::Timestamp;

/// `POST /v1/inbox/{id}/messages/delete` modes: hide from the owner, or from everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteMode {
    OwnerOnly,
    Everyone,
}

impl DeleteMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DeleteMode::OwnerOnly => "self",
            DeleteMode::Everyone => "both",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    Reply {
        message: String,
    },
    /// Hands the thread to another owner (canonical address).
    Delegate {
        to: String,
        note: Option<String>,
    },
    /// Approve (`true`) or reject the thread; it is done afterwards.
    Decide {
        approve: bool,
        comment: Option<String>,
    },
    Read,
    DeleteMessages {
        mode: DeleteMode,
        /// Empty: the newest `limit` messages.
        message_ids: Vec<String>,
        limit: usize,
    },
}

/// A thread after an action: its JSON, its (possibly new) owner and, for a delete, the ids
/// removed.
#[derive(Debug, Clone)]
pub struct Changed {
    pub thread: Value,
    pub owner: String,
    pub deleted: Vec<String>,
}

/// A thread that starts with the owner's action on an id nobody used yet (conformance
/// replies to a random thread id and expects 200 with that id).
pub fn new_thread(thread_id: &str, owner: &str, actor: &str, now: Timestamp) -> Value {
    json!({
        "thread_id": thread_id,
        "intent_id": thread_id,
        "status": "active",
        "owner_agent": owner,
        "from_agent": actor,
        "to_agent": owner,
        "subject": Value::Null,
        "created_at": now,
        "updated_at": now,
        "messages": [],
        "timeline": [timeline_entry("thread.created", actor, now, json!({}))],
    })
}

fn timeline_entry(event_type: &str, actor: &str, at: Timestamp, details: Value) -> Value {
    json!({
        "event_id": uuid::Uuid::new_v4().to_string(),
        "event_type": event_type,
        "actor": actor,
        "at": at,
        "details": details,
    })
}

fn array<'a>(thread: &'a mut Map<String, Value>, field: &str) -> &'a mut Vec<Value> {
    let slot = thread
        .entry(field)
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    match slot {
        Value::Array(items) => items,
        _ => unreachable!("just made an array"),
    }
}

/// Applies `action` by `actor` to the thread `owner` holds.
pub fn apply(
    thread: Value,
    owner: &str,
    actor: &str,
    action: Action,
    now: Timestamp,
) -> Result<Changed, Refusal> {
    let Value::Object(mut map) = thread else {
        return Err(Refusal::invalid_field("thread", "is not a JSON object"));
    };
    let thread_id = map
        .get("thread_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let done = map.get("status").and_then(Value::as_str) == Some("done");
    let changes_conversation = !matches!(action, Action::Read | Action::DeleteMessages { .. });
    if done && changes_conversation {
        return Err(Refusal::ThreadDone { thread_id });
    }
    let mut owner = owner.to_string();
    let mut deleted = Vec::new();
    match action {
        Action::Reply { message } => {
            let message_id = uuid::Uuid::new_v4().to_string();
            array(&mut map, "messages").push(json!({
                "message_id": message_id,
                "role": "owner",
                "actor": actor,
                "content": message,
                "text": message,
                "at": now,
            }));
            let entry = timeline_entry(
                "message.sent",
                actor,
                now,
                json!({ "message_id": message_id }),
            );
            array(&mut map, "timeline").push(entry);
            map.insert("status".into(), json!("active"));
        }
        Action::Delegate { to, note } => {
            let details = json!({ "from": owner, "to": to, "note": note });
            array(&mut map, "timeline").push(timeline_entry(
                "thread.delegated",
                actor,
                now,
                details,
            ));
            map.insert("owner_agent".into(), json!(to));
            map.insert("delegated_to".into(), json!(to));
            owner = to;
        }
        Action::Decide { approve, comment } => {
            let (decision, event) = if approve {
                ("approved", "thread.approved")
            } else {
                ("rejected", "thread.rejected")
            };
            let details = json!({ "decision": decision, "comment": comment });
            array(&mut map, "timeline").push(timeline_entry(event, actor, now, details));
            map.insert(
                "decision".into(),
                json!({ "decision": decision, "comment": comment, "actor": actor, "decided_at": now }),
            );
            map.insert("status".into(), json!("done"));
        }
        Action::Read => {
            map.insert("read_at".into(), json!(now));
            map.insert("unread".into(), json!(false));
        }
        Action::DeleteMessages {
            mode,
            message_ids,
            limit,
        } => {
            let messages = array(&mut map, "messages");
            let chosen: Vec<String> = if message_ids.is_empty() {
                messages
                    .iter()
                    .rev()
                    .filter_map(|m| m.get("message_id").and_then(Value::as_str))
                    .take(limit)
                    .map(str::to_string)
                    .collect()
            } else {
                message_ids.into_iter().take(limit).collect()
            };
            messages.retain(|m| {
                let id = m
                    .get("message_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let hit = chosen.iter().any(|c| c == id);
                if hit {
                    deleted.push(id.to_string());
                }
                !hit
            });
            let details = json!({ "mode": mode.as_str(), "message_ids": deleted });
            array(&mut map, "timeline").push(timeline_entry(
                "messages.deleted",
                actor,
                now,
                details,
            ));
        }
    }
    map.insert("updated_at".into(), json!(now));
    Ok(Changed {
        thread: Value::Object(map),
        owner,
        deleted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        Timestamp::now()
    }

    #[test]
    fn reply_delegate_decide_read_delete() {
        let owner = "agent://o/w/me";
        let thread = new_thread("t1", owner, owner, at());
        let r = apply(
            thread,
            owner,
            owner,
            Action::Reply {
                message: "hi".into(),
            },
            at(),
        )
        .unwrap();
        assert_eq!(r.thread["messages"][0]["content"], "hi");
        assert_eq!(r.thread["status"], "active");
        let id = r.thread["messages"][0]["message_id"]
            .as_str()
            .unwrap()
            .to_string();

        let to = "agent://o/w/other".to_string();
        let d = apply(
            r.thread,
            owner,
            owner,
            Action::Delegate {
                to: to.clone(),
                note: None,
            },
            at(),
        )
        .unwrap();
        assert_eq!(d.owner, to);
        assert_eq!(d.thread["owner_agent"], json!(to));

        let del = Action::DeleteMessages {
            mode: DeleteMode::Everyone,
            message_ids: vec![id.clone(), "missing".into()],
            limit: 100,
        };
        let x = apply(d.thread, &to, &to, del, at()).unwrap();
        assert_eq!(x.deleted, vec![id]);
        assert_eq!(x.thread["messages"], json!([]));

        let done = apply(
            x.thread,
            &to,
            &to,
            Action::Decide {
                approve: false,
                comment: Some("no".into()),
            },
            at(),
        )
        .unwrap();
        assert_eq!(done.thread["status"], "done");
        assert_eq!(done.thread["decision"]["decision"], "rejected");
        let again = apply(
            done.thread.clone(),
            &to,
            &to,
            Action::Reply {
                message: "x".into(),
            },
            at(),
        );
        assert!(matches!(again, Err(Refusal::ThreadDone { .. })));
        let read = apply(done.thread, &to, &to, Action::Read, at()).unwrap();
        assert_eq!(read.thread["unread"], false);
    }
}
