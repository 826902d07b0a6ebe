//! ScenarioBundle (spec §6.1, §12): the lenient normaliser shared by the gateway
//! (`/v1/scenarios/validate|apply`) and the CLI (`axme scenarios validate`).
//!
//! Real bundles carry fields the published schema forbids, so parsing is done on the raw
//! JSON: unknown keys are ignored, `workflow_steps` and `durability` (runner specs) are
//! folded in, and only what is really wrong becomes an error, each naming its JSON path
//! (`workflow.steps[1].assigned_to: …`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::delivery::DeliveryMode;
use super::task::HumanTask;

mod apply;
pub mod macros;
mod parse;
#[cfg(test)]
mod tests;

pub use apply::{ApplyResponse, ProvisionedAgent};
use parse::{
    check_step_graph, implicit_step, parse_agents, parse_humans, parse_intent, parse_step, text,
    valid_dotted_id,
};

/// `POST /v1/scenarios/validate` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ValidateResponse {
    pub ok: bool,
    pub valid: bool,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentSpec {
    pub role: String,
    pub address: String,
    pub display_name: Option<String>,
    /// Absent means true (runner specs omit it and the runner forces it, §12.2).
    pub create_if_missing: bool,
    pub delivery_mode: Option<DeliveryMode>,
    pub callback_url: Option<String>,
    /// For `internal` agents: the result their steps complete with.
    pub internal_outcome: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HumanSpec {
    pub role: String,
    pub contact: Option<String>,
    pub display_name: Option<String>,
}

/// What a step does once classified (§12.3 step 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    /// A step intent to the agent of `role`.
    Agent { role: String },
    /// A step intent to an address outside the bundle's roles (`agent://…`).
    Address { address: String },
    /// The parent waits for a `task_result`.
    Human,
    /// A pause of `seconds`; `then_timeout` ends the workflow TIMED_OUT (`timeout`).
    Delay { seconds: u64, then_timeout: bool },
    /// Completes at once (notification, reminder, escalation runtime steps).
    Instant { runtime_type: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepSpec {
    pub step_id: String,
    pub kind: StepKind,
    pub tool_id: Option<String>,
    pub step_deadline_seconds: Option<u64>,
    pub max_retries: u32,
    pub retry_delay_seconds: u64,
    pub human_task: Option<HumanTask>,
    pub on_success: Option<String>,
    pub on_failure: Option<String>,
    pub input: Value,
    pub config: Value,
    pub remind_after_seconds: Option<u64>,
    pub remind_interval_seconds: Option<u64>,
    pub max_reminders: Option<u32>,
    pub escalate_to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntentSpec {
    pub intent_type: String,
    pub payload: Value,
    pub deadline_at: Option<String>,
    /// Relative deadline (from `durability`), counted from apply time.
    pub deadline_seconds: Option<u64>,
    pub remind_after_seconds: Option<u64>,
    pub remind_interval_seconds: Option<u64>,
    pub max_reminders: Option<u32>,
    pub escalate_to: Option<String>,
    pub max_delivery_attempts: Option<u32>,
    pub reply_to: Option<String>,
    pub human_task: Option<HumanTask>,
    pub to_agent: Option<String>,
}

/// The body of `POST /v1/scenarios/validate|apply` as `/openapi.json` documents it: a
/// ScenarioBundle (spec §6.1) on the wire, before [`validate`] normalises it. Parsing is
/// lenient (see the module comment), so the parts are any JSON here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScenarioBundleBody {
    pub scenario_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub humans: Option<Vec<Value>>,
    /// `{"steps": […], "entry_step": …}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<Value>,
    /// Runner specs' step list, used when `workflow.steps` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_steps: Option<Vec<Value>>,
    /// The parent intent: `intent_type`, `payload`, deadlines, `reply_to` ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durability: Option<Value>,
}

/// A bundle after normalisation: everything the gateway needs, nothing it ignores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub scenario_id: String,
    pub title: Option<String>,
    pub idempotency_key: Option<String>,
    pub agents: Vec<AgentSpec>,
    pub humans: Vec<HumanSpec>,
    pub steps: Vec<StepSpec>,
    pub entry_step: Option<String>,
    pub intent: IntentSpec,
}

pub const AGENT_TOOL: &str = "tool.agent.task.v1";
pub(super) const HUMAN_TOOLS: [&str; 3] = [
    "tool.approval.human_signoff",
    "tool.notification.notify_owner",
    "tool.human.approval.v1",
];
pub(super) const RUNTIME_TYPES: [&str; 6] = [
    "human_approval",
    "timeout",
    "reminder",
    "delay",
    "escalation",
    "notification",
];

/// Errors and warnings, each prefixed with the JSON path it concerns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

impl Report {
    pub(super) fn error(&mut self, path: &str, message: impl std::fmt::Display) {
        self.errors.push(format!("{path}: {message}"));
    }

    pub(super) fn warn(&mut self, path: &str, message: impl std::fmt::Display) {
        self.warnings.push(format!("{path}: {message}"));
    }
}

/// Normalises a bundle. `None` when the body is not a JSON object at all.
pub fn normalize(raw: &Value) -> (Option<Bundle>, Report) {
    let mut r = Report::default();
    let Some(top) = raw.as_object() else {
        r.error("$", "the bundle must be a JSON object");
        return (None, r);
    };
    let scenario_id = match text(top, "scenario_id") {
        Some(id) if id.len() >= 3 && id.len() <= 255 && valid_dotted_id(&id, true) => id,
        Some(id) => {
            r.error(
                "scenario_id",
                format!("'{id}' must be 3 to 255 characters of a-z, 0-9, '_', '.', '-'"),
            );
            id
        }
        None => {
            r.error("scenario_id", "is required");
            String::new()
        }
    };
    let durability = top.get("durability").and_then(Value::as_object);
    let intent = parse_intent(top.get("intent"), durability, &mut r);
    let agents = parse_agents(top.get("agents"), &mut r);
    let humans = parse_humans(top.get("humans"), &mut r);
    let workflow = top.get("workflow").and_then(Value::as_object);
    if top
        .get("workflow")
        .is_some_and(|w| !w.is_object() && !w.is_null())
    {
        r.error("workflow", "must be an object");
    }
    let listed = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .filter(|a| !a.is_empty())
            .cloned()
    };
    let (steps_raw, steps_path) = match (
        listed(workflow.and_then(|w| w.get("steps"))),
        listed(top.get("workflow_steps")),
    ) {
        (Some(steps), other) => {
            if other.is_some() {
                r.warn("workflow_steps", "ignored: workflow.steps is used");
            }
            (steps, "workflow.steps")
        }
        (None, Some(steps)) => (steps, "workflow_steps"),
        (None, None) => (Vec::new(), "workflow.steps"),
    };
    // A macro template (spec §6.1): its steps, unless the bundle wrote its own.
    let macro_id = workflow.and_then(|w| text(w, "macro_id"));
    let (steps_raw, steps_path) = match macro_id {
        Some(id) if steps_raw.is_empty() => {
            let agent_roles: Vec<String> = agents.iter().map(|a| a.role.clone()).collect();
            let human_roles: Vec<String> = humans.iter().map(|h| h.role.clone()).collect();
            let parameters = workflow
                .and_then(|w| w.get("parameters"))
                .and_then(Value::as_object);
            match macros::expand(&id, parameters, &agent_roles, &human_roles) {
                Ok(steps) => (steps, "workflow.macro_id"),
                Err(e) => {
                    r.error("workflow.macro_id", e);
                    (Vec::new(), "workflow.macro_id")
                }
            }
        }
        Some(_) => {
            r.warn(
                "workflow.macro_id",
                "ignored: the bundle's own steps are used",
            );
            (steps_raw, steps_path)
        }
        None => (steps_raw, steps_path),
    };
    let mut steps = Vec::new();
    if steps_raw.is_empty() && steps_path != "workflow.macro_id" {
        // §12.3: one agent and no humans → an implicit single agent step.
        if agents.len() == 1 && humans.is_empty() {
            steps.push(implicit_step(&agents[0]));
        } else if intent.to_agent.is_none() && intent.human_task.is_none() {
            r.error(
                steps_path,
                "is required: a bundle without steps needs exactly one agent and no humans",
            );
        }
    }
    for (i, raw_step) in steps_raw.iter().enumerate() {
        let path = format!("{steps_path}[{i}]");
        if let Some(step) = parse_step(raw_step, &path, &agents, &humans, &mut r) {
            steps.push(step);
        }
    }
    check_step_graph(&steps, steps_path, &mut r);
    let entry_step = workflow.and_then(|w| text(w, "entry_step"));
    if let Some(entry) = &entry_step
        && !steps.iter().any(|s| &s.step_id == entry)
    {
        r.error(
            "workflow.entry_step",
            format!("no step has step_id '{entry}'"),
        );
    }
    let bundle = Bundle {
        scenario_id,
        title: text(top, "title"),
        idempotency_key: text(top, "idempotency_key"),
        agents,
        humans,
        steps,
        entry_step,
        intent,
    };
    (Some(bundle), r)
}

/// Validates a bundle the way `POST /v1/scenarios/validate` answers.
pub fn validate(raw: &Value) -> ValidateResponse {
    let (_, report) = normalize(raw);
    ValidateResponse {
        ok: true,
        valid: report.errors.is_empty(),
        errors: report.errors,
        warnings: report.warnings,
    }
}
