use super::*;
use serde_json::json;

#[test]
fn the_shared_bundle_is_valid() {
    let raw: Value = serde_json::from_str(include_str!(
        "../../../tests/it/fixtures/durable-api-operations.json"
    ))
    .unwrap();
    let (bundle, report) = normalize(&raw);
    assert!(report.errors.is_empty(), "{report:?}");
    let bundle = bundle.unwrap();
    assert_eq!(bundle.steps.len(), 1);
    assert_eq!(bundle.steps[0].step_deadline_seconds, Some(120));
    assert_eq!(bundle.intent.max_delivery_attempts, Some(3));
}

#[test]
fn errors_name_their_paths() {
    let raw = json!({
        "scenario_id": "x.y",
        "agents": [{"role": "a", "address": "a"}],
        "workflow": {"steps": [
            {"step_id": "s", "assigned_to": "a"},
            {"step_id": "s", "assigned_to": "nobody"},
            {"step_id": "t", "runtime_type": "dance"}
        ]},
        "intent": {"payload": {}}
    });
    let v = validate(&raw);
    assert!(!v.valid);
    let all = v.errors.join("\n");
    assert!(all.contains("intent.type: is required"), "{all}");
    assert!(all.contains("workflow.steps[1].assigned_to"), "{all}");
    assert!(all.contains("workflow.steps[2].runtime_type"), "{all}");
}

#[test]
fn runner_specs_fold_durability() {
    let raw = json!({
        "scenario_id": "delivery.stream-agent.v1",
        "_note": "ignored",
        "agents": [{"role": "w", "address": "w"}],
        "humans": [{"role": "boss"}],
        "workflow_steps": [
            {"step_id": "a", "tool_id": "tool.custom", "assigned_to": "w"},
            {"step_id": "b", "tool_id": "tool.approval.human_signoff", "assigned_to": "boss"},
            {"step_id": "c", "runtime_type": "delay", "config": {"seconds": 2}}
        ],
        "durability": {"deadline_minutes": 5, "max_delivery_attempts": 5},
        "intent": {"type": "a.b", "payload": {"k": 1}}
    });
    let (bundle, report) = normalize(&raw);
    assert!(report.errors.is_empty(), "{report:?}");
    let b = bundle.unwrap();
    assert_eq!(b.intent.deadline_seconds, Some(300));
    assert_eq!(b.intent.max_delivery_attempts, Some(5));
    assert_eq!(b.steps[1].kind, StepKind::Human);
    assert!(matches!(
        b.steps[2].kind,
        StepKind::Delay { seconds: 2, .. }
    ));
}
