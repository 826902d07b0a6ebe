//! Every served operation, with its query parameters and the Rust types of its request body
//! and 200 answer (their schemas are derived from those types; see `super`).

use super::super::intent_filter::MAX_FILTER_CHARS;
use super::{Answer, Query, Route, handler, typed};
use crate::protocol::EventsResponse;
use crate::protocol::access::PolicyResponse;
use crate::protocol::account::{
    AgentResponse, AgentsResponse, CreateWorkspaceResponse, DeleteServiceAccountResponse,
    KeyResponse, ServiceAccountResponse, ServiceAccountsResponse,
};
use crate::protocol::auth::{LoginIntent, LoginTokens, LogoutResponse};
use crate::protocol::bulk::BulkCancelResponse;
use crate::protocol::cli_grant::{CliGrant, CliGrantStatus};
use crate::protocol::intent::{
    CreateIntentResponse, GetIntentResponse, IntentCountsResponse, ListIntentsResponse,
    ResolveResponse, ResumeResponse,
};
use crate::protocol::mcp::RpcAnswer;
use crate::protocol::mesh::{
    DashboardToken, HeartbeatResponse, MeshAgentResponse, MeshAgentsResponse, MeshEventsResponse,
};
use crate::protocol::meta::{CapabilitiesResponse, HealthResponse};
use crate::protocol::overview::OverviewResponse;
use crate::protocol::portal::{PersonalContext, ProfileResponse, WorkspaceSelectionResponse};
use crate::protocol::scenario::macros::{MacroResponse, MacrosResponse};
use crate::protocol::scenario::{ApplyResponse, ValidateResponse};
use crate::protocol::session::{
    LogoutAllResponse, MeResponse, RevokeSessionResponse, SessionsResponse,
};
use crate::protocol::task::{
    DecisionResponse, InboxChangesResponse, InboxResponse, TasksResponse, ThreadResponse,
};
use crate::protocol::webhook::{
    PublishEventResponse, ReplayEventResponse, RevokeSubscriptionResponse, SubscriptionResponse,
    SubscriptionsResponse,
};

const STATUSES: Query = Query::text(
    "status",
    "Comma-separated statuses (e.g. `SUBMITTED,DELIVERED`)",
);
const SINCE: Query = Query::int(
    "since",
    0,
    i64::MAX.unsigned_abs(),
    "Only events with a larger seq",
);
const WAIT: Query = Query::int(
    "wait_seconds",
    1,
    60,
    "How long an idle response stays open (default 15)",
);
const OWNER: Query = Query::text(
    "owner_agent",
    "Act for this agent of the caller's workspace (admins)",
);

const TO_AGENT: Query = Query::text("to_agent", "Only intents to this address or bare name");
const INTENT_TYPE: Query = Query::short_text(
    "intent_type",
    MAX_FILTER_CHARS,
    "Only intents of this type; ending in `*`, of a type beginning so (`intent.release.*`)",
);
const TEXT: Query = Query::short_text(
    "text",
    MAX_FILTER_CHARS,
    "Only intents whose JSON (ids, type, addresses, payload, result, error) contains this \
     text; ASCII letters match in either case",
);

pub const ROUTES: &[Route] = &[
    Route::open("get", "/health", "Liveness, database and node")
        .answer(Answer::Json(typed::<HealthResponse>)),
    Route::open("get", "/v1/health", "Liveness (alias of /health)")
        .answer(Answer::Json(typed::<HealthResponse>)),
    Route::open("get", "/metrics", "Prometheus metrics").answer(Answer::Text),
    Route::key(
        "post",
        "/v1/mesh/heartbeat",
        "An agent's heartbeat (metrics optional)",
    )
    .takes(handler!(mesh::heartbeat))
    .answer(Answer::Json(typed::<HeartbeatResponse>)),
    Route::key(
        "get",
        "/v1/mesh/agents",
        "Agents with their health, intents and cost in a window, and a summary",
    )
    .query(&[
        Query::int("limit", 1, 1000, "At most this many (default 100)"),
        Query::text(
            "health",
            "healthy, degraded, unreachable, killed or unknown",
        ),
        Query::text("window", "day (default), week or month"),
    ])
    .answer(Answer::Json(typed::<MeshAgentsResponse>)),
    Route::key(
        "get",
        "/v1/mesh/agents/{address_id}",
        "One agent's health and mesh events",
    )
    .query(&[Query::text("window", "day (default), week or month")])
    .answer(Answer::Json(typed::<MeshAgentResponse>)),
    Route::key(
        "post",
        "/v1/mesh/agents/{address_id}/kill",
        "Kill switch: refuse the agent's intents and sends",
    )
    .takes(handler!(mesh::act))
    .answer(Answer::Json(typed::<MeshAgentResponse>)),
    Route::key("post", "/v1/mesh/agents/{address_id}/resume", "Undo a kill")
        .takes(handler!(mesh::act))
        .answer(Answer::Json(typed::<MeshAgentResponse>)),
    Route::key("get", "/v1/mesh/events", "Kills and resumes, newest first")
        .query(&[
            Query::int("limit", 1, 500, "At most this many (default 50)"),
            Query::text("event_type", "agent.killed or agent.resumed"),
            Query::text("address", "Only this agent's events"),
        ])
        .answer(Answer::Json(typed::<MeshEventsResponse>)),
    Route::key(
        "post",
        "/v1/auth/dashboard-token",
        "A single-use dashboard token (5 min)",
    )
    .takes(handler!(mesh::dashboard_token))
    .answer(Answer::Json(typed::<DashboardToken>)),
    Route::open("get", "/openapi.json", "This document").answer(Answer::Document),
    Route::key("get", "/v1/capabilities", "Capabilities of this gateway")
        .answer(Answer::Json(typed::<CapabilitiesResponse>)),
    Route::key(
        "post",
        "/v1/intents",
        "Create an intent (Idempotency-Key supported)",
    )
    .takes(handler!(intents::create))
    .answer(Answer::Json(typed::<CreateIntentResponse>)),
    Route::key("get", "/v1/intents", "List intents, newest first")
        .query(&[
            STATUSES,
            TO_AGENT,
            INTENT_TYPE,
            TEXT,
            Query::int("limit", 1, 500, "Page size (default 50)"),
            Query::text("cursor", "`next_cursor` of the previous page"),
        ])
        .answer(Answer::Json(typed::<ListIntentsResponse>)),
    Route::key("get", "/v1/intents/{intent_id}", "Get an intent")
        .answer(Answer::Json(typed::<GetIntentResponse>)),
    Route::key(
        "get",
        "/v1/intents/{intent_id}/events",
        "Events with seq > since",
    )
    .query(&[SINCE])
    .answer(Answer::Json(typed::<EventsResponse>)),
    Route::key(
        "get",
        "/v1/intents/{intent_id}/events/stream",
        "SSE stream of an intent's events",
    )
    .query(&[SINCE, WAIT])
    .answer(Answer::Events),
    Route::key(
        "post",
        "/v1/intents/{intent_id}/resolve",
        "Resolve: COMPLETED, FAILED or CANCELED",
    )
    .query(&[OWNER])
    .takes(handler!(intents::resolve))
    .answer(Answer::Json(typed::<ResolveResponse>)),
    Route::key(
        "post",
        "/v1/intents/{intent_id}/resume",
        "Resume: agent result, task result or control",
    )
    .query(&[OWNER])
    .takes(handler!(intents::resume))
    .answer(Answer::Json(typed::<ResumeResponse>)),
    Route::key(
        "post",
        "/v1/intents/{intent_id}/cancel",
        "Cancel (resolve CANCELED)",
    )
    .query(&[OWNER])
    .takes(handler!(intents::cancel))
    .answer(Answer::Json(typed::<ResolveResponse>)),
    Route::key(
        "post",
        "/v1/intents/bulk-cancel",
        "Cancel the live intents older than a number of hours (a dry run by default)",
    )
    .takes(handler!(bulk_cancel::bulk_cancel))
    .answer(Answer::Json(typed::<BulkCancelResponse>)),
    Route::key(
        "get",
        "/v1/intents/counts",
        "Intents the caller may see, per status",
    )
    .query(&[TO_AGENT, INTENT_TYPE, TEXT])
    .answer(Answer::Json(typed::<IntentCountsResponse>)),
    Route::key(
        "get",
        "/v1/intents/changes/stream",
        "SSE stream of changed intents the caller may see (and of agents' listeners)",
    )
    .query(&[WAIT])
    .answer(Answer::Events),
    Route::key("get", "/v1/agents", "List agents of the workspace")
        .query(&[
            Query::text("org_id", "Must be the caller's own organisation"),
            Query::text("workspace_id", "Must be the caller's own workspace"),
            Query::int("limit", 1, 1000, "At most this many (default 100)"),
        ])
        .answer(Answer::Json(typed::<AgentsResponse>)),
    Route::key("get", "/v1/agents/{address}", "Get an agent")
        .answer(Answer::Json(typed::<AgentResponse>)),
    Route::key(
        "get",
        "/v1/agents/{address}/policy",
        "An agent's receive policy (who of other workspaces may send to it)",
    )
    .answer(Answer::Json(typed::<PolicyResponse>)),
    Route::key(
        "put",
        "/v1/agents/{address}/policy",
        "Set an agent's receive policy type (and entries)",
    )
    .takes(handler!(policy::put_policy))
    .answer(Answer::Json(typed::<PolicyResponse>)),
    Route::key(
        "post",
        "/v1/agents/{address}/policy/entries",
        "Add a sender pattern to a receive policy",
    )
    .takes(handler!(policy::post_entry))
    .answer(Answer::Json(typed::<PolicyResponse>)),
    Route::key(
        "delete",
        "/v1/agents/{address}/policy/entries/{entry_id}",
        "Remove a sender pattern from a receive policy",
    )
    .answer(Answer::Json(typed::<PolicyResponse>)),
    Route::key(
        "get",
        "/v1/agents/{address}/intents/stream",
        "SSE delivery stream of an agent",
    )
    .query(&[SINCE, WAIT, STATUSES])
    .answer(Answer::Events),
    Route::key(
        "post",
        "/v1/workspaces",
        "Create a workspace with its admin key",
    )
    .takes(handler!(accounts::create_workspace))
    .answer(Answer::Json(typed::<CreateWorkspaceResponse>)),
    Route::key("post", "/v1/service-accounts", "Create a service account")
        .takes(handler!(accounts::create_account))
        .answer(Answer::Json(typed::<ServiceAccountResponse>)),
    Route::key("get", "/v1/service-accounts", "List service accounts")
        .answer(Answer::Json(typed::<ServiceAccountsResponse>)),
    Route::key(
        "get",
        "/v1/service-accounts/{sa_id}",
        "Get a service account",
    )
    .answer(Answer::Json(typed::<ServiceAccountResponse>)),
    Route::key(
        "patch",
        "/v1/service-accounts/{sa_id}",
        "Set an agent's delivery mode and callback",
    )
    .takes(handler!(delivery::patch_account))
    .answer(Answer::Json(typed::<ServiceAccountResponse>)),
    Route::key(
        "delete",
        "/v1/service-accounts/{sa_id}",
        "Delete a service account (admin): it is revoked with all its keys",
    )
    .answer(Answer::Json(typed::<DeleteServiceAccountResponse>)),
    Route::key(
        "post",
        "/v1/service-accounts/{sa_id}/keys",
        "Create an API key (token shown once)",
    )
    .takes(handler!(accounts::create_key))
    .answer(Answer::Json(typed::<KeyResponse>)),
    Route::key(
        "post",
        "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke",
        "Revoke an API key",
    )
    .answer(Answer::Json(typed::<KeyResponse>)),
    Route::open(
        "post",
        "/v1/auth/login-intent",
        "Ask for a sign-in code by email",
    )
    .takes(handler!(auth::login_intent))
    .answer(Answer::Json(typed::<LoginIntent>)),
    Route::open(
        "post",
        "/v1/auth/login-intent/{login_id}/verify",
        "Sign in with the code",
    )
    .takes(handler!(auth::verify))
    .answer(Answer::Json(typed::<LoginTokens>)),
    Route::open("post", "/v1/auth/refresh", "Rotate a session's tokens")
        .takes(handler!(auth::refresh))
        .answer(Answer::Json(typed::<LoginTokens>)),
    Route::open(
        "post",
        "/v1/auth/cli-grants",
        "Start a browser sign-in of the CLI (no credentials)",
    )
    .takes(handler!(cli_grants::create_grant))
    .answer(Answer::Json(typed::<CliGrant>)),
    Route::open(
        "get",
        "/v1/auth/cli-grants/{grant_id}",
        "Poll a browser sign-in: pending, or approved with the session (once)",
    )
    .answer(Answer::Json(typed::<CliGrantStatus>)),
    Route::open("post", "/v1/auth/logout", "End a session")
        .takes(handler!(auth::logout))
        .answer(Answer::Json(typed::<LogoutResponse>)),
    Route::key(
        "get",
        "/v1/portal/personal/context",
        "Who the credentials act as: organizations, workspaces, roles, the selection",
    )
    .answer(Answer::Json(typed::<PersonalContext>)),
    Route::key(
        "post",
        "/v1/portal/personal/workspace-selection",
        "Select the workspace to act in (one of the caller's)",
    )
    .takes(handler!(portal::select_workspace))
    .answer(Answer::Json(typed::<WorkspaceSelectionResponse>)),
    Route::key(
        "get",
        "/v1/portal/enterprise/overview",
        "The workspace's limits and its usage of them (quota)",
    )
    .query(&[
        Query::text(
            "org_id",
            "The caller's organization (id or name); another is 403",
        ),
        Query::text(
            "workspace_id",
            "The caller's workspace (id or name); another is 403",
        ),
    ])
    .answer(Answer::Json(typed::<OverviewResponse>)),
    Route::key(
        "post",
        "/v1/portal/personal/profile",
        "Set the signed-in person's name and company (access token)",
    )
    .takes(handler!(portal::update_profile))
    .answer(Answer::Json(typed::<ProfileResponse>)),
    Route::key("get", "/v1/me", "The caller's account and agent address")
        .answer(Answer::Json(typed::<MeResponse>)),
    Route::key(
        "get",
        "/v1/auth/sessions",
        "The signed-in person's sessions (access token)",
    )
    .query(&[Query::text(
        "include_revoked",
        "`true` lists ended sessions too (default false)",
    )])
    .answer(Answer::Json(typed::<SessionsResponse>)),
    Route::key(
        "post",
        "/v1/auth/sessions/revoke",
        "End one of the signed-in person's sessions (and its key)",
    )
    .takes(handler!(sessions::revoke_session))
    .answer(Answer::Json(typed::<RevokeSessionResponse>)),
    Route::key(
        "post",
        "/v1/auth/logout-all",
        "End every session of the signed-in person (and their keys)",
    )
    .takes(handler!(sessions::logout_all))
    .answer(Answer::Json(typed::<LogoutAllResponse>)),
    Route::key("post", "/v1/scenarios/validate", "Check a scenario bundle")
        .takes(handler!(scenarios::validate_bundle))
        .answer(Answer::Json(typed::<ValidateResponse>)),
    Route::key(
        "post",
        "/v1/scenarios/apply",
        "Apply a scenario bundle (Idempotency-Key supported)",
    )
    .takes(handler!(scenarios::apply))
    .answer(Answer::Json(typed::<ApplyResponse>)),
    Route::key(
        "get",
        "/v1/tool-registry/macros",
        "Workflow macro templates (a bundle's workflow.macro_id)",
    )
    .answer(Answer::Json(typed::<MacrosResponse>)),
    Route::key(
        "get",
        "/v1/tool-registry/macros/{macro_id}",
        "One macro template: its parameters and the steps its defaults expand to",
    )
    .answer(Answer::Json(typed::<MacroResponse>)),
    Route::key("get", "/v1/me/tasks", "Human tasks of the caller")
        .query(&[OWNER, STATUSES])
        .answer(Answer::Json(typed::<TasksResponse>)),
    Route::key(
        "get",
        "/v1/inbox",
        "Inbox threads of the caller (or of owner_agent)",
    )
    .query(&[
        OWNER,
        Query::text("status", "Only threads with this status"),
    ])
    .answer(Answer::Json(typed::<InboxResponse>)),
    Route::key(
        "get",
        "/v1/inbox/changes",
        "The owner's threads in the order they changed (cursor pagination)",
    )
    .query(&[
        OWNER,
        Query::text("cursor", "`next_cursor` of the previous page"),
        Query::int("limit", 1, 500, "Page size (default 50)"),
    ])
    .answer(Answer::Json(typed::<InboxChangesResponse>)),
    Route::key("get", "/v1/inbox/{thread_id}", "One inbox thread")
        .query(&[OWNER])
        .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key(
        "post",
        "/v1/inbox/{thread_id}/reply",
        "Reply in a thread (a new id starts one; Idempotency-Key supported)",
    )
    .query(&[OWNER])
    .takes(handler!(inbox::reply))
    .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key(
        "post",
        "/v1/inbox/{thread_id}/delegate",
        "Hand a thread to another owner",
    )
    .query(&[OWNER])
    .takes(handler!(inbox::delegate))
    .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key(
        "post",
        "/v1/inbox/{thread_id}/approve",
        "Approve a thread (it is done afterwards)",
    )
    .query(&[OWNER])
    .takes(handler!(inbox::approve))
    .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key(
        "post",
        "/v1/inbox/{thread_id}/reject",
        "Reject a thread (it is done afterwards)",
    )
    .query(&[OWNER])
    .takes(handler!(inbox::reject))
    .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key("post", "/v1/inbox/{thread_id}/read", "Mark a thread read")
        .query(&[OWNER])
        .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key(
        "post",
        "/v1/inbox/{thread_id}/messages/delete",
        "Delete messages of a thread",
    )
    .query(&[OWNER])
    .takes(handler!(inbox::delete_messages))
    .answer(Answer::Json(typed::<ThreadResponse>)),
    Route::key(
        "post",
        "/v1/approvals/{approval_id}/decision",
        "Decide an approval (an intent waiting for a human: answers its task)",
    )
    .takes(handler!(approvals::decide))
    .answer(Answer::Json(typed::<DecisionResponse>)),
    Route::key(
        "post",
        "/v1/webhooks/subscriptions",
        "Subscribe to webhook events (the owner's live subscription to the same URL is updated)",
    )
    .query(&[OWNER])
    .takes(handler!(webhooks::upsert))
    .answer(Answer::Json(typed::<SubscriptionResponse>)),
    Route::key(
        "get",
        "/v1/webhooks/subscriptions",
        "Webhook subscriptions of the caller (or of owner_agent)",
    )
    .query(&[
        OWNER,
        Query::text(
            "include_inactive",
            "`true` lists paused and revoked ones too",
        ),
    ])
    .answer(Answer::Json(typed::<SubscriptionsResponse>)),
    Route::key(
        "delete",
        "/v1/webhooks/subscriptions/{subscription_id}",
        "Revoke a webhook subscription",
    )
    .query(&[OWNER])
    .answer(Answer::Json(typed::<RevokeSubscriptionResponse>)),
    Route::key(
        "post",
        "/v1/webhooks/events",
        "Raise a webhook event: delivered, signed, to the owner's subscriptions of its type",
    )
    .query(&[OWNER])
    .takes(handler!(webhooks::publish))
    .answer(Answer::Json(typed::<PublishEventResponse>)),
    Route::key(
        "post",
        "/v1/webhooks/events/{event_id}/replay",
        "Deliver an event again (its delivered and dead-lettered deliveries)",
    )
    .query(&[OWNER])
    .answer(Answer::Json(typed::<ReplayEventResponse>)),
    Route::key(
        "post",
        "/mcp",
        "MCP: JSON-RPC 2.0 (one request or a batch; errors as JSON-RPC errors on a 200, \
         notifications only: 202)",
    )
    .query(&[OWNER])
    .takes(handler!(mcp::rpc))
    .answer(Answer::Json(typed::<RpcAnswer>)),
];
