//! Reading scenario bundles, checking their shape locally (errors carry JSON paths), and
//! provisioning their agents' keys into `scenario-agents.json` (reference §4.4). Keys are
//! never printed.

use std::path::Path;

use serde_json::Value;

use super::error::{CliError, CliResult};
use super::global::Ctx;
use crate::client::Client;
use crate::config::{ScenarioAgent, ScenarioAgents};

/// Reads a bundle file: a missing file or bad JSON is a usage error naming it.
pub fn read_bundle(path: &Path) -> CliResult<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("{} is not valid JSON: {e}", path.display())))?;
    Ok(value)
}

/// Shape checks the gateway would also make, reported as `$.path: problem`.
pub fn local_errors(bundle: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(map) = bundle.as_object() else {
        return vec!["$: a scenario bundle must be a JSON object".into()];
    };
    match map.get("intent") {
        Some(Value::Object(intent)) => {
            let ty = intent.get("type").or_else(|| intent.get("intent_type"));
            if !ty.is_some_and(Value::is_string) {
                errors.push("$.intent.type: required (a string such as intent.ask.v1)".into());
            }
            if let Some(p) = intent.get("payload")
                && !p.is_object()
            {
                errors.push("$.intent.payload: must be an object".into());
            }
        }
        Some(_) => errors.push("$.intent: must be an object".into()),
        None => errors.push("$.intent: required".into()),
    }
    if let Some(agents) = map.get("agents") {
        match agents.as_array() {
            Some(list) => {
                for (i, a) in list.iter().enumerate() {
                    if !a.get("address").is_some_and(Value::is_string) {
                        errors.push(format!("$.agents[{i}].address: required (a string)"));
                    }
                }
            }
            None => errors.push("$.agents: must be an array".into()),
        }
    }
    if let Some(workflow) = map.get("workflow") {
        match workflow.get("steps") {
            Some(Value::Array(steps)) => {
                let mut seen = std::collections::HashSet::new();
                for (i, s) in steps.iter().enumerate() {
                    match s.get("step_id").and_then(Value::as_str) {
                        Some(id) if !seen.insert(id.to_string()) => {
                            errors.push(format!("$.workflow.steps[{i}].step_id: duplicate {id:?}"))
                        }
                        Some(_) => {}
                        None => errors.push(format!("$.workflow.steps[{i}].step_id: required")),
                    }
                }
            }
            Some(_) => errors.push("$.workflow.steps: must be an array".into()),
            None if !workflow.is_object() => errors.push("$.workflow: must be an object".into()),
            None => {}
        }
    }
    errors
}

fn text(v: &Value, field: &str) -> Option<String> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

/// The bare name of an address (`agent://o/w/name` or `name`).
fn name_of(address: &str) -> &str {
    address.rsplit('/').next().unwrap_or(address)
}

/// Creates a key (and the service account when missing) for every agent with
/// `create_if_missing`, storing them in scenario-agents.json. Failures are warnings: the
/// apply goes on. Returns the provisioned addresses (full form).
pub async fn provision_agents(
    ctx: &Ctx,
    client: &Client,
    bundle: &Value,
) -> CliResult<Vec<String>> {
    let wanted: Vec<&Value> = bundle
        .get("agents")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|a| a.get("create_if_missing").and_then(Value::as_bool) == Some(true))
                .collect()
        })
        .unwrap_or_default();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let paths = ctx.paths()?;
    let file = paths.scenario_agents_json();
    let mut store = ScenarioAgents::load(&file)?;
    let base_url = client.base_url().to_string();
    let mut accounts = client.list_service_accounts().await.unwrap_or_default();
    let mut provisioned = Vec::new();
    for agent in wanted {
        let Some(address) = text(agent, "address") else {
            continue;
        };
        let name = name_of(&address).to_string();
        let known = store.agents.iter().find(|a| {
            a.base_url == base_url && name_of(&a.address) == name && !a.api_key.is_empty()
        });
        if let Some(known) = known {
            provisioned.push(known.address.clone());
            continue;
        }
        let found = accounts
            .iter()
            .find(|a| text(a, "name").as_deref() == Some(&name))
            .cloned();
        let account = match found {
            Some(a) => a,
            None => {
                let display = text(agent, "display_name");
                match client
                    .create_service_account(&name, display.as_deref())
                    .await
                {
                    Ok(a) => {
                        accounts.push(a.clone());
                        a
                    }
                    Err(e) => {
                        ctx.out.warn(format!("could not create agent {name}: {e}"));
                        continue;
                    }
                }
            }
        };
        let Some(sa_id) = text(&account, "service_account_id").or_else(|| text(&account, "id"))
        else {
            ctx.out
                .warn(format!("the gateway returned no account id for {name}"));
            continue;
        };
        let key = match client.create_key(&sa_id).await {
            Ok(k) => k,
            Err(e) => {
                ctx.out
                    .warn(format!("could not create a key for {name}: {e}"));
                continue;
            }
        };
        let full = text(&account, "address")
            .or_else(|| text(&account, "agent_address"))
            .unwrap_or(address.clone());
        store.upsert(ScenarioAgent {
            address: full.clone(),
            service_account_id: sa_id,
            key_id: text(&key, "key_id").unwrap_or_default(),
            api_key: text(&key, "token").unwrap_or_default(),
            created_at: text(&key, "created_at").unwrap_or_default(),
            base_url: base_url.clone(),
            ..Default::default()
        });
        provisioned.push(full);
    }
    store.save(&file)?;
    Ok(provisioned)
}

/// The stored key of the agent named `name` at `base_url`, if one was provisioned.
pub fn agent_key(ctx: &Ctx, base_url: &str, name: &str) -> CliResult<Option<(String, String)>> {
    let paths = ctx.paths()?;
    let store = ScenarioAgents::load(&paths.scenario_agents_json())?;
    Ok(store
        .agents
        .iter()
        .rev()
        .find(|a| a.base_url == base_url && name_of(&a.address) == name && !a.api_key.is_empty())
        .map(|a| (a.address.clone(), a.api_key.clone())))
}

/// Drops the stored keys of a gateway that is gone (the throwaway one of `examples run`).
pub fn forget_agents(ctx: &Ctx, base_url: &str) -> CliResult {
    let paths = ctx.paths()?;
    let file = paths.scenario_agents_json();
    let mut store = ScenarioAgents::load(&file)?;
    let before = store.agents.len();
    store.agents.retain(|a| a.base_url != base_url);
    if store.agents.len() != before {
        store.save(&file)?;
    }
    Ok(())
}
