//! Parsing of the bundle's parts on raw JSON, reporting problems with their paths.

use serde_json::{Map, Value};

use crate::protocol::{DeliveryMode, HumanTask};

use super::{
    AGENT_TOOL, AgentSpec, HUMAN_TOOLS, HumanSpec, IntentSpec, RUNTIME_TYPES, Report, StepKind,
    StepSpec,
};

pub(super) fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// A non-negative whole number; numeric strings and floats are accepted (runner output).
pub(super) fn number(map: &Map<String, Value>, key: &str) -> Option<u64> {
    match map.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0)
                .map(|f| crate::num::u64_from_f64(f.ceil()))
        }),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .map(|f| crate::num::u64_from_f64(f.max(0.0).ceil())),
        _ => None,
    }
}

/// Like [`number`], but a present value that is not a number is reported.
pub(super) fn checked_number(
    map: &Map<String, Value>,
    key: &str,
    path: &str,
    r: &mut Report,
) -> Option<u64> {
    match map.get(key) {
        None | Some(Value::Null) => None,
        Some(_) => {
            let n = number(map, key);
            if n.is_none() {
                r.error(&format!("{path}.{key}"), "must be a non-negative number");
            }
            n
        }
    }
}

pub(super) fn valid_dotted_id(s: &str, allow_hyphen: bool) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || c == '.'
                || (allow_hyphen && c == '-')
        })
}

pub(super) fn implicit_step(agent: &AgentSpec) -> StepSpec {
    StepSpec {
        step_id: "main".into(),
        kind: StepKind::Agent {
            role: agent.role.clone(),
        },
        tool_id: Some(AGENT_TOOL.into()),
        step_deadline_seconds: None,
        max_retries: 0,
        retry_delay_seconds: 30,
        human_task: None,
        on_success: None,
        on_failure: None,
        input: Value::Null,
        config: Value::Null,
        remind_after_seconds: None,
        remind_interval_seconds: None,
        max_reminders: None,
        escalate_to: None,
    }
}

pub(super) fn parse_intent(
    raw: Option<&Value>,
    durability: Option<&Map<String, Value>>,
    r: &mut Report,
) -> IntentSpec {
    let Some(map) = raw.and_then(Value::as_object) else {
        r.error("intent", "is required and must be an object");
        return IntentSpec::default();
    };
    let intent_type = match text(map, "type").or_else(|| text(map, "intent_type")) {
        Some(t) if valid_dotted_id(&t, false) => t,
        Some(t) => {
            r.error(
                "intent.type",
                format!("'{t}' must be lower-case words joined by dots"),
            );
            t
        }
        None => {
            r.error("intent.type", "is required");
            String::new()
        }
    };
    let payload = match map.get("payload") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => {
            r.error("intent.payload", "must be an object");
            Value::Object(Map::new())
        }
    };
    let empty = Map::new();
    let dur = durability.unwrap_or(&empty);
    // Precedence (§12.2): deadline_at > deadline_seconds > deadline_minutes > …_from_now.
    let deadline_seconds = number(dur, "deadline_seconds")
        .or_else(|| number(dur, "deadline_minutes").map(|m| m * 60))
        .or_else(|| number(map, "deadline_minutes").map(|m| m * 60))
        .or_else(|| number(dur, "deadline_minutes_from_now").map(|m| m * 60));
    let deadline_at = text(map, "deadline_at");
    if let Some(at) = &deadline_at
        && chrono::DateTime::parse_from_rfc3339(at).is_err()
    {
        r.error(
            "intent.deadline_at",
            format!("'{at}' is not an RFC 3339 timestamp"),
        );
    }
    let either = |key: &str| number(map, key).or_else(|| number(dur, key));
    let max_delivery_attempts = either("max_delivery_attempts").map(|n| n.clamp(1, 100) as u32);
    let human_task = map
        .get("human_task")
        .and_then(Value::as_object)
        .cloned()
        .map(HumanTask::from);
    let reply_to = text(map, "reply_to");
    IntentSpec {
        intent_type,
        payload,
        deadline_at,
        deadline_seconds,
        remind_after_seconds: either("remind_after_seconds"),
        remind_interval_seconds: either("remind_interval_seconds"),
        max_reminders: either("max_reminders").map(|n| n.min(100) as u32),
        escalate_to: text(map, "escalate_to").or_else(|| text(dur, "escalate_to")),
        max_delivery_attempts,
        reply_to,
        human_task,
        to_agent: text(map, "to_agent"),
    }
}

fn array<'a>(raw: Option<&'a Value>, path: &str, r: &mut Report) -> &'a [Value] {
    match raw {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            r.error(path, "must be an array");
            &[]
        }
    }
}

pub(super) fn parse_agents(raw: Option<&Value>, r: &mut Report) -> Vec<AgentSpec> {
    let mut agents: Vec<AgentSpec> = Vec::new();
    for (i, item) in array(raw, "agents", r).iter().enumerate() {
        let path = format!("agents[{i}]");
        let Some(map) = item.as_object() else {
            r.error(&path, "must be an object");
            continue;
        };
        let address = text(map, "address");
        let role = text(map, "role").or_else(|| address.clone());
        let (Some(role), Some(address)) = (role, address) else {
            r.error(&format!("{path}.address"), "is required");
            continue;
        };
        if agents.iter().any(|a| a.role == role) {
            r.error(&format!("{path}.role"), format!("duplicate role '{role}'"));
        }
        let delivery_mode = match text(map, "delivery_mode").map(|m| m.parse::<DeliveryMode>()) {
            None => None,
            Some(Ok(mode)) => Some(mode),
            Some(Err(problem)) => {
                r.error(&format!("{path}.delivery_mode"), problem);
                None
            }
        };
        let callback_url = text(map, "callback_url");
        if let Some(url) = &callback_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            r.error(
                &format!("{path}.callback_url"),
                "must be an http:// or https:// URL",
            );
        }
        if delivery_mode == Some(DeliveryMode::Http) && callback_url.is_none() {
            r.warn(
                &format!("{path}.callback_url"),
                "http delivery without a callback_url: set it later with PATCH /v1/service-accounts/{id}",
            );
        }
        let handler = map.get("handler").and_then(Value::as_object);
        agents.push(AgentSpec {
            role,
            address,
            display_name: text(map, "display_name"),
            create_if_missing: map.get("create_if_missing").and_then(Value::as_bool) != Some(false),
            delivery_mode,
            callback_url,
            internal_outcome: handler.and_then(|h| h.get("outcome")).cloned(),
        });
    }
    agents
}

pub(super) fn parse_humans(raw: Option<&Value>, r: &mut Report) -> Vec<HumanSpec> {
    let mut humans = Vec::new();
    for (i, item) in array(raw, "humans", r).iter().enumerate() {
        let path = format!("humans[{i}]");
        let Some(map) = item.as_object() else {
            r.error(&path, "must be an object");
            continue;
        };
        let Some(role) = text(map, "role") else {
            r.error(&format!("{path}.role"), "is required");
            continue;
        };
        humans.push(HumanSpec {
            role,
            contact: text(map, "contact"),
            display_name: text(map, "display_name"),
        });
    }
    humans
}

pub(super) fn parse_step(
    raw: &Value,
    path: &str,
    agents: &[AgentSpec],
    humans: &[HumanSpec],
    r: &mut Report,
) -> Option<StepSpec> {
    let Some(map) = raw.as_object() else {
        r.error(path, "must be an object");
        return None;
    };
    let step_id = match text(map, "step_id") {
        Some(id) if id.len() <= 100 => id,
        Some(_) => {
            r.error(&format!("{path}.step_id"), "must be at most 100 characters");
            return None;
        }
        None => {
            r.error(&format!("{path}.step_id"), "is required");
            return None;
        }
    };
    let tool_id = text(map, "tool_id");
    let runtime_type = text(map, "runtime_type");
    let assigned_to = text(map, "assigned_to");
    let config = map
        .get("runtime_config")
        .or_else(|| map.get("config"))
        .filter(|v| v.is_object())
        .cloned()
        .unwrap_or(Value::Null);
    let human_task = map
        .get("human_task")
        .and_then(Value::as_object)
        .cloned()
        .map(HumanTask::from);
    let requires_approval = map.get("requires_approval").and_then(Value::as_bool) == Some(true);
    let is_human_tool = tool_id.as_deref().is_some_and(|t| HUMAN_TOOLS.contains(&t));
    let kind = if let Some(rt) = &runtime_type {
        let seconds = [
            "seconds",
            "delay_seconds",
            "duration_seconds",
            "timeout_seconds",
        ]
        .iter()
        .find_map(|k| config.as_object().and_then(|c| number(c, k)))
        .unwrap_or(0);
        match rt.as_str() {
            "delay" => StepKind::Delay {
                seconds,
                then_timeout: false,
            },
            "timeout" => StepKind::Delay {
                seconds,
                then_timeout: true,
            },
            "human_approval" => StepKind::Human,
            other if RUNTIME_TYPES.contains(&other) => StepKind::Instant {
                runtime_type: other.to_string(),
            },
            other => {
                r.error(
                    &format!("{path}.runtime_type"),
                    format!(
                        "unknown runtime_type '{other}' (known: {})",
                        RUNTIME_TYPES.join(", ")
                    ),
                );
                return None;
            }
        }
    } else if let Some(target) = &assigned_to {
        let agent = agents
            .iter()
            .find(|a| &a.role == target || &a.address == target);
        let human = humans.iter().any(|h| &h.role == target);
        match (agent, human) {
            (_, true) => StepKind::Human,
            (Some(a), _) if is_human_tool || requires_approval || human_task.is_some() => {
                // A human gate "assigned" to an agent role: still a human step.
                let _ = a;
                StepKind::Human
            }
            (Some(a), _) => StepKind::Agent {
                role: a.role.clone(),
            },
            (None, false) if target.starts_with("agent://") => StepKind::Address {
                address: target.clone(),
            },
            (None, false) => {
                let mut roles: Vec<&str> = agents.iter().map(|a| a.role.as_str()).collect();
                roles.extend(humans.iter().map(|h| h.role.as_str()));
                r.error(
                    &format!("{path}.assigned_to"),
                    format!(
                        "'{target}' is not a role of this bundle (roles: {})",
                        if roles.is_empty() {
                            "none".to_string()
                        } else {
                            roles.join(", ")
                        }
                    ),
                );
                return None;
            }
        }
    } else if is_human_tool || requires_approval || human_task.is_some() {
        StepKind::Human
    } else if tool_id.is_some() {
        r.error(
            &format!("{path}.assigned_to"),
            format!(
                "is required for tool_id '{}'",
                tool_id.as_deref().unwrap_or_default()
            ),
        );
        return None;
    } else {
        r.error(path, "needs a tool_id, a runtime_type or assigned_to");
        return None;
    };
    let retry = map.get("retry").and_then(Value::as_object);
    let empty = Map::new();
    let retry = retry.unwrap_or(&empty);
    Some(StepSpec {
        step_id,
        kind,
        tool_id,
        step_deadline_seconds: checked_number(map, "step_deadline_seconds", path, r)
            .map(|n| n.max(1)),
        max_retries: number(retry, "max_retries").unwrap_or(0).min(100) as u32,
        retry_delay_seconds: number(retry, "retry_delay_seconds").unwrap_or(30),
        human_task,
        on_success: text(map, "on_success"),
        on_failure: text(map, "on_failure"),
        input: map.get("input").cloned().unwrap_or(Value::Null),
        config,
        remind_after_seconds: checked_number(map, "remind_after_seconds", path, r),
        remind_interval_seconds: checked_number(map, "remind_interval_seconds", path, r),
        max_reminders: number(map, "max_reminders").map(|n| n.min(100) as u32),
        escalate_to: text(map, "escalate_to"),
    })
}

/// Unique step ids and existing `on_success`/`on_failure` targets.
pub(super) fn check_step_graph(steps: &[StepSpec], steps_path: &str, r: &mut Report) {
    for (i, step) in steps.iter().enumerate() {
        if steps[..i].iter().any(|s| s.step_id == step.step_id) {
            r.error(
                &format!("{steps_path}[{i}].step_id"),
                format!("duplicate step_id '{}'", step.step_id),
            );
        }
        for (field, target) in [
            ("on_success", &step.on_success),
            ("on_failure", &step.on_failure),
        ] {
            if let Some(target) = target
                && !steps.iter().any(|s| &s.step_id == target)
            {
                r.error(
                    &format!("{steps_path}[{i}].{field}"),
                    format!("no step has step_id '{target}'"),
                );
            }
        }
    }
}
