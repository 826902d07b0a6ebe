//! Human tasks (spec §8): the task an intent or a workflow step waits on, and
//! `GET /v1/me/tasks`.
//!
//! Task specs come from users' bundles and requests, which carry fields of their own and
//! sometimes give a known field an unexpected type. So a [`HumanTask`] reads any JSON
//! object: the fields it knows are typed when their type is right, and everything else is
//! kept as given in [`HumanTask::extra`] and written back unchanged.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::event::PendingWith;
use super::status::{Status, WaitingReason};
use super::time::Timestamp;

/// `task_type` (§8.1). Types this release does not know are kept by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskType {
    Approval,
    Review,
    Clarification,
    ProvideData,
    AttachFile,
    ManualAction,
    Confirmation,
    ValidateRealWorld,
    ValidateOutput,
    Assignment,
    Delegation,
    Reroute,
    Override,
    Escalate,
    /// Listed by the marketing docs; an approval whose outcome comes with form data.
    Form,
    Other(String),
}

const TASK_TYPES: [(&str, TaskType); 15] = [
    ("approval", TaskType::Approval),
    ("review", TaskType::Review),
    ("clarification", TaskType::Clarification),
    ("provide_data", TaskType::ProvideData),
    ("attach_file", TaskType::AttachFile),
    ("manual_action", TaskType::ManualAction),
    ("confirmation", TaskType::Confirmation),
    ("validate_real_world", TaskType::ValidateRealWorld),
    ("validate_output", TaskType::ValidateOutput),
    ("assignment", TaskType::Assignment),
    ("delegation", TaskType::Delegation),
    ("reroute", TaskType::Reroute),
    ("override", TaskType::Override),
    ("escalate", TaskType::Escalate),
    ("form", TaskType::Form),
];

impl TaskType {
    pub fn as_str(&self) -> &str {
        match self {
            TaskType::Other(name) => name,
            known => TASK_TYPES
                .iter()
                .find(|(_, t)| t == known)
                .map_or("", |(name, _)| name),
        }
    }

    pub fn from_name(name: &str) -> TaskType {
        TASK_TYPES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| TaskType::Other(name.to_string()), |(_, t)| t.clone())
    }
}

impl fmt::Display for TaskType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcomes a task allows when it lists none: its type's (spec §12.5's table).
pub fn default_outcomes(task_type: Option<&TaskType>) -> Vec<String> {
    let list: &[&str] = match task_type {
        Some(TaskType::Review) => &["approved", "changes_requested", "rejected"],
        Some(TaskType::ProvideData) => &["submitted", "cannot_assess"],
        Some(TaskType::Assignment) => &["assigned", "declined"],
        Some(TaskType::Clarification) => &["provided", "declined"],
        Some(TaskType::Confirmation) => &["confirmed", "denied"],
        Some(TaskType::ManualAction) => &["completed", "failed"],
        Some(TaskType::Override) => &["override_approved", "rejected"],
        _ => &["approved", "rejected"],
    };
    list.iter().map(|s| (*s).to_string()).collect()
}

/// In `/openapi.json`: an object with the known fields typed; any other field is kept.
impl utoipa::PartialSchema for HumanTask {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::AdditionalProperties;
        use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let flag = || ObjectBuilder::new().schema_type(Type::Boolean);
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("title", text())
            .property("description", text())
            .property("task_type", text())
            .property("allowed_outcomes", ArrayBuilder::new().items(text()))
            .property("required_comment", flag())
            .property("evidence_required", flag())
            .property("step_id", text())
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .into()
    }
}

impl utoipa::ToSchema for HumanTask {}

/// What a person is asked to do (HumanTaskSpec, §8.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Map<String, Value>", into = "Map<String, Value>")]
pub struct HumanTask {
    pub title: Option<String>,
    pub description: Option<String>,
    pub task_type: Option<TaskType>,
    /// Outcomes an answer may give; default approved/rejected.
    pub allowed_outcomes: Option<Vec<String>>,
    /// An answer must carry a non-empty `comment`.
    pub required_comment: Option<bool>,
    pub evidence_required: Option<bool>,
    /// The workflow step that waits on this task (set by the gateway).
    pub step_id: Option<String>,
    /// Every other field, as given (`assignees`, `form_schema`, `notify_email`, …), and a
    /// known field whose type was unexpected.
    pub extra: Map<String, Value>,
}

impl HumanTask {
    /// True when `required_comment` is set.
    pub fn requires_comment(&self) -> bool {
        self.required_comment == Some(true)
    }
}

impl From<Map<String, Value>> for HumanTask {
    fn from(mut map: Map<String, Value>) -> Self {
        fn take<T>(
            map: &mut Map<String, Value>,
            key: &str,
            read: fn(&Value) -> Option<T>,
        ) -> Option<T> {
            let value = read(map.get(key)?)?;
            map.remove(key);
            Some(value)
        }
        let string = |v: &Value| v.as_str().map(str::to_string);
        let strings = |v: &Value| {
            v.as_array()?
                .iter()
                .map(|o| o.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
        };
        HumanTask {
            title: take(&mut map, "title", string),
            description: take(&mut map, "description", string),
            task_type: take(&mut map, "task_type", |v| {
                v.as_str().map(TaskType::from_name)
            }),
            allowed_outcomes: take(&mut map, "allowed_outcomes", strings),
            required_comment: take(&mut map, "required_comment", Value::as_bool),
            evidence_required: take(&mut map, "evidence_required", Value::as_bool),
            step_id: take(&mut map, "step_id", string),
            extra: map,
        }
    }
}

impl From<HumanTask> for Map<String, Value> {
    fn from(task: HumanTask) -> Self {
        let mut map = task.extra;
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                map.insert(key.to_string(), value);
            }
        };
        put("title", task.title.map(Value::String));
        put("description", task.description.map(Value::String));
        put(
            "task_type",
            task.task_type
                .map(|t| Value::String(t.as_str().to_string())),
        );
        put(
            "allowed_outcomes",
            task.allowed_outcomes
                .map(|o| Value::Array(o.into_iter().map(Value::String).collect())),
        );
        put("required_comment", task.required_comment.map(Value::Bool));
        put("evidence_required", task.evidence_required.map(Value::Bool));
        put("step_id", task.step_id.map(Value::String));
        map
    }
}

/// An entry of `GET /v1/me/tasks`: an intent of the caller's workspace waiting for a human,
/// with the task's headline fields lifted to the top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MyTask {
    #[serde(default)]
    pub allowed_outcomes: Option<Vec<String>>,
    #[serde(default)]
    pub assigned_at: Option<Timestamp>,
    #[serde(default)]
    pub due_at: Option<Timestamp>,
    #[serde(default)]
    pub from_agent: Option<String>,
    pub human_task: HumanTask,
    pub intent_id: String,
    #[serde(default)]
    pub intent_type: String,
    #[serde(default)]
    pub pending_with: Option<PendingWith>,
    pub status: Status,
    #[serde(default)]
    pub step_id: Option<String>,
    #[serde(default, with = "task_type_name")]
    #[schema(value_type = Option<String>)]
    pub task_type: Option<TaskType>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub waiting_reason: Option<WaitingReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TasksResponse {
    #[serde(default)]
    pub ok: bool,
    pub tasks: Vec<MyTask>,
}

/// `GET /v1/inbox`: the caller's reply threads (`items` is the same list under another
/// client's name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboxResponse {
    pub ok: bool,
    pub threads: Vec<Value>,
    pub items: Vec<Value>,
}

/// `GET /v1/inbox/{thread_id}` and the answer of each thread action (reply, delegate,
/// approve, reject, read, messages/delete; the last adds what it deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ThreadResponse {
    pub ok: bool,
    pub thread: Value,
    /// messages/delete: `self` or `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ids: Option<Vec<String>>,
}

/// `GET /v1/inbox/changes`: the owner's threads in the order they changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboxChangesResponse {
    pub ok: bool,
    pub changes: Vec<InboxChange>,
    /// Pass back as `cursor`; `null` when there was nothing.
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboxChange {
    pub cursor: String,
    pub thread: Value,
}

/// `POST /v1/inbox/{thread_id}/reply` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplyRequest {
    pub message: String,
}

/// `POST /v1/inbox/{thread_id}/delegate` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DelegateRequest {
    /// The new owner's address.
    pub delegate_to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /v1/inbox/{thread_id}/approve|reject` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommentRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `POST /v1/inbox/{thread_id}/messages/delete` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeleteMessagesRequest {
    /// `self` (default: only for the owner) or `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// At most 100; absent: the newest `limit` messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ids: Option<Vec<String>>,
    /// 1 to 100 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

/// `POST /v1/approvals/{approval_id}/decision` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// `approve` or `reject` (also `approved`, `rejected`).
    pub decision: String,
    /// Also read as `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `POST /v1/approvals/{approval_id}/decision` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DecisionResponse {
    pub ok: bool,
    pub approval: Approval,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Approval {
    pub approval_id: String,
    /// `approve` or `reject`.
    pub decision: String,
    pub comment: Option<String>,
    pub decided_at: super::time::Timestamp,
    pub actor: String,
}

/// `task_type` as its name (`null` when absent).
mod task_type_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::TaskType;

    pub fn serialize<S: Serializer>(t: &Option<TaskType>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(t.as_str()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TaskType>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(|n| TaskType::from_name(&n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_task_reads_any_object_and_writes_it_back() {
        let raw = json!({
            "title": "Approve?", "task_type": "provide_data", "allowed_outcomes": ["a", "b"],
            "required_comment": "yes", "form_schema": {"type": "object"}, "notify_email": "x@y",
        });
        let task: HumanTask = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(task.title.as_deref(), Some("Approve?"));
        assert_eq!(task.task_type, Some(TaskType::ProvideData));
        assert_eq!(task.allowed_outcomes, Some(vec!["a".into(), "b".into()]));
        // A known field with an unexpected type is kept as given, not lost.
        assert_eq!(task.required_comment, None);
        assert_eq!(task.extra["required_comment"], "yes");
        assert_eq!(serde_json::to_value(&task).unwrap(), raw);
        assert_eq!(TaskType::from_name("novel").as_str(), "novel");
    }
}
