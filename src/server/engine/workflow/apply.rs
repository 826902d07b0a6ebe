//! Applying a scenario bundle (spec §6.3, §12.3): from the normalised bundle and its
//! agents (resolved by http/ against the caller's workspace and rights) to the parent
//! intent, its workflow and the answer, committed in one transaction.
//!
//! [`plan`] decides everything that needs no database: the role bindings, where the parent
//! goes, its deadline, its first events and timers, the workflow state and the answer's
//! agent list. [`commit`] runs in the writer: replays an earlier answer under the same
//! `Idempotency-Key`, else provisions the accounts and delivery settings, creates the
//! parent, starts its workflow and keeps the answer for replays.

use std::collections::HashMap;

use serde_json::json;

use super::{Binding, WorkflowState, start};
use crate::protocol::scenario::{ApplyResponse, Bundle, ProvisionedAgent};
use crate::protocol::{CreateIntentRequest, DeliveryMode, Timestamp};
use crate::server::engine::lifecycle::{self, CreateInput};
use crate::server::engine::reactor::{Engine, ORCHESTRATOR};
use crate::server::engine::timers;
use crate::server::store::{
    AccountRow, AgentDeliveryRow, IdempotencyKey, IntentMeta, NewIntent, StoreError, StoreResult,
    Tx,
};

/// One agent of the bundle, resolved against the caller's workspace.
#[derive(Debug, Clone)]
pub struct ResolvedAgent {
    pub role: String,
    pub address: String,
    /// The workspace hosting `address`, when it is one this gateway knows.
    pub to_workspace_id: Option<String>,
    /// Set when the agent lives in the caller's workspace (created when `!exists`).
    pub account: Option<AccountRow>,
    pub exists: bool,
    /// New delivery settings to store (only the caller's own agents; None keeps them).
    pub delivery: Option<AgentDeliveryRow>,
    /// A push secret made by this apply, shown once in the answer.
    pub new_secret: Option<String>,
}

/// Who applies the bundle.
#[derive(Debug, Clone)]
pub struct Applicant {
    pub sa_id: String,
    pub workspace_id: String,
    pub address: String,
    /// Where the parent's completion goes (`reply_to`, resolved; default the applicant).
    pub reply_to: String,
}

/// Everything [`commit`] writes, decided before the transaction.
pub struct Plan {
    parent_id: String,
    compile_id: String,
    scenario_id: String,
    deadline_at: Option<Timestamp>,
    accounts: Vec<AccountRow>,
    deliveries: Vec<AgentDeliveryRow>,
    parent: NewIntent,
    /// The workflow and its entry step; None for a bundle without steps (a direct intent).
    workflow: Option<(WorkflowState, usize)>,
    provisioned: Vec<ProvisionedAgent>,
    idempotency: Option<IdempotencyKey>,
}

/// The parent's deadline: `deadline_at`, else `deadline_seconds` (scaled) from now.
fn deadline_of(engine: &Engine, bundle: &Bundle, now: Timestamp) -> Option<Timestamp> {
    if let Some(at) = &bundle.intent.deadline_at {
        return chrono::DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|t| Timestamp::from_datetime(t.to_utc()));
    }
    let seconds = bundle.intent.deadline_seconds?;
    Some(now.plus_ms(engine.scaled_ms(seconds)))
}

/// Decides what applying `bundle` writes. `agents` are the bundle's agents in order.
pub fn plan(
    engine: &Engine,
    bundle: &Bundle,
    agents: &[ResolvedAgent],
    applicant: &Applicant,
    idempotency: Option<IdempotencyKey>,
) -> StoreResult<Plan> {
    let bindings: HashMap<String, Binding> = bundle
        .agents
        .iter()
        .zip(agents)
        .map(|(spec, r)| {
            let internal = (spec.delivery_mode == Some(DeliveryMode::Internal))
                .then(|| spec.internal_outcome.clone().unwrap_or(json!({})));
            let binding = Binding {
                address: r.address.clone(),
                to_workspace_id: r.to_workspace_id.clone(),
                internal,
            };
            (r.role.clone(), binding)
        })
        .collect();
    let now = engine.now();
    let parent_id = uuid::Uuid::now_v7().to_string();
    let compile_id = format!("cmp-{}", uuid::Uuid::new_v4().simple());
    let direct = bundle.steps.is_empty();
    // A direct intent goes to its role's agent; a workflow's parent to the orchestrator,
    // which no agent stream delivers.
    let target = match (&bundle.intent.to_agent, direct) {
        (Some(role), true) => bindings.get(role),
        _ => None,
    };
    let to_agent = target.map_or_else(|| ORCHESTRATOR.to_string(), |b| b.address.clone());
    let to_workspace_id = target.and_then(|b| b.to_workspace_id.clone());
    let i = &bundle.intent;
    let (mut parent, events) = lifecycle::create(CreateInput {
        intent_id: parent_id.clone(),
        request: CreateIntentRequest {
            intent_type: i.intent_type.clone(),
            to_agent: to_agent.clone(),
            payload: i.payload.clone(),
            reply_to: Some(applicant.reply_to.clone()),
            deadline_at: deadline_of(engine, bundle, now),
            remind_after_seconds: i.remind_after_seconds,
            remind_interval_seconds: i.remind_interval_seconds,
            max_reminders: i.max_reminders,
            escalate_to: i.escalate_to.clone(),
            max_delivery_attempts: i.max_delivery_attempts,
            human_task: if direct { i.human_task.clone() } else { None },
            ..Default::default()
        },
        from_agent: applicant.address.clone(),
        to_agent: to_agent.clone(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
        now,
    });
    if !direct {
        parent.compile_id = Some(compile_id.clone());
    }
    let mut encoded = Vec::with_capacity(events.len());
    for e in &events {
        encoded.push((e.seq, StoreError::encode(e)?));
    }
    let workflow = (!direct).then(|| {
        let entry = bundle
            .entry_step
            .as_ref()
            .and_then(|id| bundle.steps.iter().position(|s| &s.step_id == id))
            .unwrap_or(0);
        let state = WorkflowState {
            compile_id: compile_id.clone(),
            parent_intent_id: parent_id.clone(),
            steps: bundle.steps.clone(),
            bindings,
            meta_workspace_id: applicant.workspace_id.clone(),
            sender_sa_id: applicant.sa_id.clone(),
            from_agent: applicant.address.clone(),
            correlation_id: parent.correlation_id.clone().unwrap_or_default(),
            intent_type: i.intent_type.clone(),
            payload: i.payload.clone(),
            max_delivery_attempts: i.max_delivery_attempts,
            remind_after_seconds: i.remind_after_seconds,
            remind_interval_seconds: i.remind_interval_seconds,
            max_reminders: i.max_reminders,
            escalate_to: i.escalate_to.clone(),
            current: None,
            attempt: 0,
            step_intent: None,
            results: serde_json::Map::new(),
            contacts: bundle
                .humans
                .iter()
                .filter_map(|h| h.contact.clone())
                .collect(),
        };
        (state, entry)
    });
    let provisioned = agents
        .iter()
        .map(|a| {
            let sa_id = a.account.as_ref().map(|acc| acc.sa_id.clone());
            ProvisionedAgent {
                address: a.address.clone(),
                agent_address: Some(a.address.clone()),
                callback_secret: a.new_secret.clone(),
                callback_url: a.delivery.as_ref().and_then(|d| d.callback_url.clone()),
                created: !a.exists,
                delivery_mode: a.delivery.as_ref().map(|d| d.delivery_mode),
                role: a.role.clone(),
                sa_id: sa_id.clone(),
                service_account_id: sa_id,
            }
        })
        .collect();
    Ok(Plan {
        parent_id: parent_id.clone(),
        compile_id,
        scenario_id: bundle.scenario_id.clone(),
        deadline_at: parent.deadline_at,
        accounts: agents.iter().filter_map(|a| a.account.clone()).collect(),
        deliveries: agents.iter().filter_map(|a| a.delivery.clone()).collect(),
        parent: NewIntent {
            meta: IntentMeta {
                workspace_id: applicant.workspace_id.clone(),
                to_workspace_id,
                sender_sa_id: applicant.sa_id.clone(),
                to_agent,
            },
            intent_id: parent_id,
            status: parent.status,
            created_at: now.to_string(),
            intent_json: StoreError::encode(&parent)?,
            events: encoded,
            idempotency: None,
            response_json: String::new(),
            timers: timers::initial_timers(engine, &parent),
        },
        workflow,
        provisioned,
        idempotency,
    })
}

/// What a commit did: the answer, and the ids of the accounts it created (for the
/// in-memory directory, updated once the transaction committed).
pub struct Applied {
    pub response: ApplyResponse,
    pub created_accounts: Vec<String>,
}

/// Writes `plan` inside the writer's transaction (see the module docs).
pub fn commit(engine: &Engine, tx: &mut dyn Tx, plan: Plan) -> StoreResult<Applied> {
    if let Some(key) = &plan.idempotency
        && let Some(earlier) = tx.replay(key)?
    {
        let mut response: ApplyResponse = serde_json::from_str(&earlier)
            .map_err(|e| StoreError::internal(format!("stored apply answer is unreadable: {e}")))?;
        response.idempotent = true;
        return Ok(Applied {
            response,
            created_accounts: Vec::new(),
        });
    }
    let mut created_accounts = Vec::new();
    for account in &plan.accounts {
        let (stored, was_created) = tx.ensure_account(account)?;
        if was_created {
            created_accounts.push(stored.sa_id);
        }
    }
    for d in &plan.deliveries {
        tx.put_agent_delivery(&engine.sealed_row(d))?;
    }
    tx.create(plan.parent)?;
    if let Some((state, entry)) = plan.workflow {
        start(engine, tx, state, entry)?;
    }
    let (_, parent) = tx
        .intent(&plan.parent_id)?
        .ok_or_else(|| StoreError::internal("the new parent intent vanished"))?;
    let response = ApplyResponse {
        agents: plan.provisioned.clone(),
        agents_provisioned: plan.provisioned,
        compile_id: Some(plan.compile_id.clone()),
        created_at: Some(parent.created_at),
        deadline_at: plan.deadline_at,
        idempotent: false,
        intent_id: plan.parent_id,
        ok: true,
        pending_with: parent.pending_with,
        scenario_id: Some(plan.scenario_id),
        status: parent.status,
        workflow_compile_id: Some(plan.compile_id),
    };
    if let Some(key) = &plan.idempotency {
        tx.remember(key, &StoreError::encode(&response)?)?;
    }
    Ok(Applied {
        response,
        created_accounts,
    })
}
