//! Workflow macro templates (spec §6.1 `workflow.macro_id` + `parameters`, §6.3 step 5,
//! `GET /v1/tool-registry/macros`): named step lists with parameters, built from our own
//! examples, that a bundle names instead of writing its steps. Shared by the gateway (the
//! registry routes, and apply/validate expanding `macro_id`) and the CLI (`axme scenarios
//! create --from-template` asks for the parameters the registry lists).
//!
//! A parameter is given as a string or a number (the CLI's wizard sends strings); a missing
//! or blank one takes its default. A role parameter (`agent_role`, `human_role`) whose
//! value names no role of the bundle falls back to the bundle's only agent (human) role,
//! so a macro fits a bundle whose roles are named otherwise.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

/// One parameter of a macro and its default (a string; empty: none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MacroParameter {
    pub name: String,
    pub default: String,
    pub description: String,
}

/// A macro as the registry lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MacroSummary {
    pub macro_id: String,
    pub description: String,
    pub parameters: Vec<MacroParameter>,
}

/// `GET /v1/tool-registry/macros`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MacrosResponse {
    pub ok: bool,
    pub macros: Vec<MacroSummary>,
}

/// One macro with the steps its defaults expand to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MacroDetail {
    pub macro_id: String,
    pub description: String,
    pub parameters: Vec<MacroParameter>,
    /// The steps with every parameter at its default (`workflow.steps` form).
    pub steps: Vec<Value>,
}

/// `GET /v1/tool-registry/macros/{macro_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MacroResponse {
    pub ok: bool,
    #[serde(rename = "macro")]
    pub detail: MacroDetail,
}

/// A registered macro: its parameters and how it expands.
struct Macro {
    id: &'static str,
    description: &'static str,
    /// `(name, default, what it is)`.
    parameters: &'static [(&'static str, &'static str, &'static str)],
    expand: fn(&Args<'_>) -> Vec<Value>,
}

const AGENT_ROLE: (&str, &str, &str) = (
    "agent_role",
    "agent1",
    "the agents[] role that does the work",
);
const HUMAN_ROLE: (&str, &str, &str) = ("human_role", "human1", "the humans[] role that approves");
const DEADLINE: (&str, &str, &str) = (
    "step_deadline_seconds",
    "300",
    "how long each step may take before it times out",
);
const REMIND: (&str, &str, &str) = (
    "remind_after_seconds",
    "1800",
    "first reminder to the approver after this many seconds (again at the same interval)",
);
const MAX_REMINDERS: (&str, &str, &str) = ("max_reminders", "3", "reminders before the escalation");
const ESCALATE: (&str, &str, &str) = (
    "escalate_to",
    "",
    "who is told after the last reminder (empty: the initiator)",
);

const MACROS: &[Macro] = &[
    Macro {
        id: "agent.task.v1",
        description: "One agent does the work and answers (the durable API operation)",
        parameters: &[
            AGENT_ROLE,
            ("step_deadline_seconds", "120", DEADLINE.2),
            (
                "max_retries",
                "0",
                "how often a failed step is dispatched again",
            ),
        ],
        expand: agent_task,
    },
    Macro {
        id: "approval.human.v1",
        description: "A person approves or rejects, reminded and escalated while silent",
        parameters: &[HUMAN_ROLE, DEADLINE, REMIND, MAX_REMINDERS, ESCALATE],
        expand: human_approval,
    },
    Macro {
        id: "approval.agent_then_human.v1",
        description: "An agent checks the request, then a person approves it",
        parameters: &[
            AGENT_ROLE,
            HUMAN_ROLE,
            DEADLINE,
            REMIND,
            MAX_REMINDERS,
            ESCALATE,
        ],
        expand: agent_then_human,
    },
    Macro {
        id: "task.then_notify.v1",
        description: "An agent does the work, then the contacts are told by inbox and e-mail",
        parameters: &[
            AGENT_ROLE,
            ("step_deadline_seconds", "120", DEADLINE.2),
            (
                "subject",
                "{{intent_type}} {{intent_id}} is done",
                "the notification's subject ({{…}} fields filled in)",
            ),
            (
                "body",
                "The workflow {{intent_id}} finished its work.",
                "the notification's text ({{…}} fields filled in)",
            ),
            (
                "channels",
                "inbox,email",
                "where it goes: inbox, email or both",
            ),
        ],
        expand: task_then_notify,
    },
];

/// A macro's parameters as a bundle gave them, with the bundle's roles.
pub struct Args<'a> {
    defaults: &'static [(&'static str, &'static str, &'static str)],
    given: Option<&'a Map<String, Value>>,
    agent_roles: &'a [String],
    human_roles: &'a [String],
}

impl Args<'_> {
    /// The parameter as text: given (a string or a number), else its default.
    fn text(&self, name: &str) -> String {
        let given = self.given.and_then(|g| g.get(name)).and_then(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        });
        given.unwrap_or_else(|| {
            self.defaults
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, d, _)| (*d).to_string())
                .unwrap_or_default()
        })
    }

    /// A whole number (`"60"`, `60`); anything else is none.
    fn number(&self, name: &str) -> Option<u64> {
        self.text(name).parse::<u64>().ok()
    }

    /// A role parameter: as given when the bundle has that role, else its only one.
    fn role(&self, name: &str, roles: &[String]) -> String {
        let wanted = self.text(name);
        if roles.contains(&wanted) || roles.len() != 1 {
            wanted
        } else {
            roles[0].clone()
        }
    }

    fn agent(&self) -> String {
        self.role("agent_role", self.agent_roles)
    }

    fn human(&self) -> String {
        self.role("human_role", self.human_roles)
    }

    /// The reminder fields of a human step, those given a value.
    fn reminders(&self, step: &mut Value) {
        if let Some(after) = self.number("remind_after_seconds").filter(|n| *n > 0) {
            step["remind_after_seconds"] = json!(after);
            step["remind_interval_seconds"] = json!(after);
            if let Some(max) = self.number("max_reminders") {
                step["max_reminders"] = json!(max);
            }
        }
        let escalate = self.text("escalate_to");
        if !escalate.is_empty() {
            step["escalate_to"] = json!(escalate);
        }
    }

    fn deadline(&self, step: &mut Value) {
        if let Some(seconds) = self.number("step_deadline_seconds").filter(|n| *n > 0) {
            step["step_deadline_seconds"] = json!(seconds);
        }
    }
}

fn agent_step(args: &Args<'_>, step_id: &str) -> Value {
    let mut step = json!({
        "step_id": step_id,
        "tool_id": super::AGENT_TOOL,
        "assigned_to": args.agent(),
    });
    args.deadline(&mut step);
    step
}

fn approval_step(args: &Args<'_>) -> Value {
    let mut step = json!({
        "step_id": "approve",
        "tool_id": "tool.approval.human_signoff",
        "assigned_to": args.human(),
        "human_task": {
            "title": "Approve {{intent_type}}",
            "task_type": "approval",
            "allowed_outcomes": ["approved", "rejected"],
        },
    });
    args.deadline(&mut step);
    args.reminders(&mut step);
    step
}

fn agent_task(args: &Args<'_>) -> Vec<Value> {
    let mut step = agent_step(args, "work");
    if let Some(retries) = args.number("max_retries").filter(|n| *n > 0) {
        step["retry"] = json!({"max_retries": retries});
    }
    vec![step]
}

fn human_approval(args: &Args<'_>) -> Vec<Value> {
    vec![approval_step(args)]
}

fn agent_then_human(args: &Args<'_>) -> Vec<Value> {
    vec![agent_step(args, "check"), approval_step(args)]
}

fn task_then_notify(args: &Args<'_>) -> Vec<Value> {
    let channels: Vec<String> = args
        .text("channels")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    vec![
        agent_step(args, "work"),
        json!({
            "step_id": "notify",
            "runtime_type": "notification",
            "config": {
                "channels": channels,
                "subject": args.text("subject"),
                "body": args.text("body"),
            },
        }),
    ]
}

fn summary(m: &Macro) -> MacroSummary {
    MacroSummary {
        macro_id: m.id.to_string(),
        description: m.description.to_string(),
        parameters: m
            .parameters
            .iter()
            .map(|(name, default, description)| MacroParameter {
                name: (*name).to_string(),
                default: (*default).to_string(),
                description: (*description).to_string(),
            })
            .collect(),
    }
}

/// Every registered macro.
pub fn list() -> Vec<MacroSummary> {
    MACROS.iter().map(summary).collect()
}

/// One macro, its steps expanded with the defaults; `None` for an unknown id.
pub fn detail(macro_id: &str) -> Option<MacroDetail> {
    let m = MACROS.iter().find(|m| m.id == macro_id)?;
    let s = summary(m);
    let args = Args {
        defaults: m.parameters,
        given: None,
        agent_roles: &[],
        human_roles: &[],
    };
    Some(MacroDetail {
        macro_id: s.macro_id,
        description: s.description,
        parameters: s.parameters,
        steps: (m.expand)(&args),
    })
}

/// The steps `macro_id` expands to with `parameters`, for a bundle with these roles; an
/// error message for an unknown id.
pub fn expand(
    macro_id: &str,
    parameters: Option<&Map<String, Value>>,
    agent_roles: &[String],
    human_roles: &[String],
) -> Result<Vec<Value>, String> {
    let m = MACROS.iter().find(|m| m.id == macro_id).ok_or_else(|| {
        let known: Vec<&str> = MACROS.iter().map(|m| m.id).collect();
        format!("unknown macro '{macro_id}' (known: {})", known.join(", "))
    })?;
    let args = Args {
        defaults: m.parameters,
        given: parameters,
        agent_roles,
        human_roles,
    };
    Ok((m.expand)(&args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_macro_lists_its_parameters_and_expands() {
        let all = list();
        assert!(all.len() >= 4);
        for m in &all {
            let d = detail(&m.macro_id).unwrap();
            assert!(!d.steps.is_empty(), "{}", m.macro_id);
            assert!(d.steps.iter().all(|s| s["step_id"].is_string()));
        }
        assert!(detail("nope").is_none());
        assert!(
            expand("nope", None, &[], &[])
                .unwrap_err()
                .contains("agent.task.v1")
        );
    }

    #[test]
    fn parameters_and_roles_fill_the_steps() {
        let given = json!({"step_deadline_seconds": "60", "remind_after_seconds": 30,
                           "max_reminders": "2", "escalate_to": "boss@example.com"});
        let steps = expand(
            "approval.agent_then_human.v1",
            given.as_object(),
            &["checker".to_string()],
            &["manager".to_string()],
        )
        .unwrap();
        assert_eq!(steps[0]["assigned_to"], "checker");
        assert_eq!(steps[0]["step_deadline_seconds"], 60);
        assert_eq!(steps[1]["assigned_to"], "manager");
        assert_eq!(steps[1]["remind_after_seconds"], 30);
        assert_eq!(steps[1]["max_reminders"], 2);
        assert_eq!(steps[1]["escalate_to"], "boss@example.com");
        // Two agent roles: the role parameter is taken as given (or its default).
        let two = ["a".to_string(), "b".to_string()];
        let steps = expand("agent.task.v1", None, &two, &[]).unwrap();
        assert_eq!(steps[0]["assigned_to"], "agent1");
        let steps = expand("task.then_notify.v1", None, &[], &[]).unwrap();
        assert_eq!(steps[1]["config"]["channels"], json!(["inbox", "email"]));
    }
}
