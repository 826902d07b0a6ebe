//! The authorization matrix (issue 10, proof): every route the gateway serves × seven
//! callers, each cell asserting allow or deny (status and error code).
//!
//! The routes come from the served `/openapi.json`, whose own test fails for a served route
//! it lacks; this test fails for a documented route without a row here. So a new route
//! cannot ship without someone deciding who may call it.
//!
//! The subject of every row is the agent `alpha` of the default workspace and what concerns
//! it: an intent a member sent to it, its account, its key, its inbox. Each cell gets fresh
//! subjects, so an allowed change in one cell never decides the next.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::common::{Agent, TestServer, urlencode};
use crate::server_authz::account_with_key;

/// Who calls, in the column order of [`ROWS`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    /// The default workspace's admin key (the banner's).
    Admin,
    /// A person's key: an account of role `member`.
    Member,
    /// The key of `alpha`, the agent the row concerns.
    Agent,
    /// The key of `beta`, another agent of the same workspace.
    OtherAgent,
    /// The admin key of another workspace.
    OtherWorkspace,
    /// A revoked admin key.
    Revoked,
    /// No key at all.
    NoKey,
}

const CALLERS: [Who; 7] = [
    Who::Admin,
    Who::Member,
    Who::Agent,
    Who::OtherAgent,
    Who::OtherWorkspace,
    Who::Revoked,
    Who::NoKey,
];

/// One cell: allowed (a 2xx without a JSON-RPC error), refused with this status and error
/// code, or (`/mcp`) refused with this JSON-RPC error code on a 200.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Ok,
    No(u16, &'static str),
    Rpc(i64),
}

use Cell::{No, Ok, Rpc};

const DENIED: Cell = No(403, "policy_denied");
const GONE: Cell = No(401, "invalid_platform_api_key");
const NO_KEY: Cell = No(401, "missing_platform_api_key");
const NO_INTENT: Cell = No(404, "intent_not_found");
const NO_ACCOUNT: Cell = No(404, "service_account_not_found");
const NO_AGENT: Cell = No(404, "agent_not_found");
const CLOSED: Cell = No(403, "receiver_agent_closed");
const NO_ACTOR: Cell = No(401, "missing_actor_token");

/// `(method, path as documented, [admin, member, agent, other agent, other workspace,
/// revoked, no key])`.
type Row = (&'static str, &'static str, [Cell; 7]);

const ROWS: &[Row] = &[
    ("get", "/health", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("get", "/v1/health", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("get", "/metrics", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("get", "/openapi.json", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    (
        "get",
        "/v1/capabilities",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    // A send to alpha; another workspace's agents are closed to it by default.
    (
        "post",
        "/v1/intents",
        [Ok, Ok, Ok, Ok, CLOSED, GONE, NO_KEY],
    ),
    // Everyone lists what it sees (the filter is asserted in server_authz).
    ("get", "/v1/intents", [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY]),
    // The console's live lists: counts and changes of what each caller sees (the filter is
    // asserted in server_changes).
    (
        "get",
        "/v1/intents/counts",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/intents/changes/stream",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    // The intent the member sent to alpha: its parties and the admin see it.
    (
        "get",
        "/v1/intents/{intent_id}",
        [Ok, Ok, Ok, NO_INTENT, NO_INTENT, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/intents/{intent_id}/events",
        [Ok, Ok, Ok, NO_INTENT, NO_INTENT, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/intents/{intent_id}/events/stream",
        [Ok, Ok, Ok, NO_INTENT, NO_INTENT, GONE, NO_KEY],
    ),
    // Changes: its receiver, its sender or an admin.
    (
        "post",
        "/v1/intents/{intent_id}/resolve",
        [Ok, Ok, Ok, DENIED, NO_INTENT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/intents/{intent_id}/resume",
        [Ok, Ok, Ok, DENIED, NO_INTENT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/intents/{intent_id}/cancel",
        [Ok, Ok, Ok, DENIED, NO_INTENT, GONE, NO_KEY],
    ),
    // Bulk cancel (a dry run here): everyone, each within what it may cancel one by one
    // (the filter is asserted in server_bulk_cancel).
    (
        "post",
        "/v1/intents/bulk-cancel",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    ("get", "/v1/agents", [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY]),
    (
        "get",
        "/v1/agents/{address}",
        [Ok, Ok, Ok, Ok, NO_AGENT, GONE, NO_KEY],
    ),
    // Alpha's receive policy: alpha and its admin read it, only the admin changes it
    // (kept closed here, so the cross-workspace cells below stay what they say).
    (
        "get",
        "/v1/agents/{address}/policy",
        [Ok, DENIED, Ok, DENIED, NO_AGENT, GONE, NO_KEY],
    ),
    (
        "put",
        "/v1/agents/{address}/policy",
        [Ok, DENIED, DENIED, DENIED, NO_AGENT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/agents/{address}/policy/entries",
        [Ok, DENIED, DENIED, DENIED, NO_AGENT, GONE, NO_KEY],
    ),
    (
        "delete",
        "/v1/agents/{address}/policy/entries/{entry_id}",
        [Ok, DENIED, DENIED, DENIED, NO_AGENT, GONE, NO_KEY],
    ),
    // Alpha's deliveries: alpha itself, or its workspace's admin.
    (
        "get",
        "/v1/agents/{address}/intents/stream",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    // A workspace of the caller's organisation, made by an admin.
    (
        "post",
        "/v1/workspaces",
        [Ok, DENIED, DENIED, DENIED, Ok, GONE, NO_KEY],
    ),
    // Accounts are made by admins, in their own workspace.
    (
        "post",
        "/v1/service-accounts",
        [Ok, DENIED, DENIED, DENIED, Ok, GONE, NO_KEY],
    ),
    // An admin lists its workspace; others their own account.
    (
        "get",
        "/v1/service-accounts",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    // Alpha's account: alpha or its admin; another workspace's admin does not find it.
    (
        "get",
        "/v1/service-accounts/{sa_id}",
        [Ok, DENIED, Ok, DENIED, NO_ACCOUNT, GONE, NO_KEY],
    ),
    (
        "patch",
        "/v1/service-accounts/{sa_id}",
        [Ok, DENIED, DENIED, DENIED, NO_ACCOUNT, GONE, NO_KEY],
    ),
    // Deleting an account (a fresh one per cell): its admin only.
    (
        "delete",
        "/v1/service-accounts/{sa_id}",
        [Ok, DENIED, DENIED, DENIED, NO_ACCOUNT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/service-accounts/{sa_id}/keys",
        [Ok, DENIED, DENIED, DENIED, NO_ACCOUNT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke",
        [Ok, DENIED, DENIED, DENIED, NO_ACCOUNT, GONE, NO_KEY],
    ),
    // Sign-in needs no key, and a key changes nothing.
    (
        "post",
        "/v1/auth/login-intent",
        [Ok, Ok, Ok, Ok, Ok, Ok, Ok],
    ),
    (
        "post",
        "/v1/auth/login-intent/{login_id}/verify",
        [WRONG_CODE; 7],
    ),
    ("post", "/v1/auth/refresh", [BAD_REFRESH; 7]),
    // A browser sign-in starts without credentials (a key changes nothing); polling an
    // unknown grant is 404 whoever asks (the flow: cli_login_browser).
    ("post", "/v1/auth/cli-grants", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    (
        "get",
        "/v1/auth/cli-grants/{grant_id}",
        [No(404, "grant_not_found"); 7],
    ),
    ("post", "/v1/auth/logout", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    (
        "get",
        "/v1/portal/personal/context",
        [Ok, Ok, Ok, Ok, Ok, GONE, No(401, "missing_actor_token")],
    ),
    // Selecting the default workspace: its keys may (it is theirs); another workspace's is
    // outside its membership.
    (
        "post",
        "/v1/portal/personal/workspace-selection",
        [
            Ok,
            Ok,
            Ok,
            Ok,
            No(403, "outside_membership_scope"),
            GONE,
            NO_ACTOR,
        ],
    ),
    // The quota overview of the default workspace: its keys; another workspace's key is
    // outside it.
    (
        "get",
        "/v1/portal/enterprise/overview",
        [
            Ok,
            Ok,
            Ok,
            Ok,
            No(403, "outside_membership_scope"),
            GONE,
            NO_ACTOR,
        ],
    ),
    // A profile is a signed-in person's: no API key is one (server_portal has the session).
    ("post", "/v1/portal/personal/profile", [NO_ACTOR; 7]),
    // Every key reads who it is (a session's bearer too: server_sessions).
    ("get", "/v1/me", [Ok, Ok, Ok, Ok, Ok, GONE, NO_ACTOR]),
    // A person's sessions need that person's access token: no API key is one (the
    // session cases are in server_sessions).
    ("get", "/v1/auth/sessions", [NO_ACTOR; 7]),
    ("post", "/v1/auth/sessions/revoke", [NO_ACTOR; 7]),
    ("post", "/v1/auth/logout-all", [NO_ACTOR; 7]),
    (
        "post",
        "/v1/scenarios/validate",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    // A workflow whose step goes to alpha (settings unchanged): anyone of its workspace
    // who may send; another workspace is refused like a direct send.
    (
        "post",
        "/v1/scenarios/apply",
        [Ok, Ok, Ok, Ok, CLOSED, GONE, NO_KEY],
    ),
    // The workflow macro templates: any key reads them.
    (
        "get",
        "/v1/tool-registry/macros",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/tool-registry/macros/{macro_id}",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    ("get", "/v1/me/tasks", [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY]),
    // The mesh: every key beats for itself and reads its workspace's fleet; another
    // workspace does not find alpha; only an admin kills and resumes (a fresh agent).
    (
        "post",
        "/v1/mesh/heartbeat",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    ("get", "/v1/mesh/agents", [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY]),
    (
        "get",
        "/v1/mesh/agents/{address_id}",
        [Ok, Ok, Ok, Ok, NO_AGENT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/mesh/agents/{address_id}/kill",
        [Ok, DENIED, DENIED, DENIED, NO_AGENT, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/mesh/agents/{address_id}/resume",
        [Ok, DENIED, DENIED, DENIED, NO_AGENT, GONE, NO_KEY],
    ),
    ("get", "/v1/mesh/events", [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY]),
    (
        "post",
        "/v1/auth/dashboard-token",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    // Alpha's inbox (`owner_agent` names it): alpha or its admin.
    (
        "get",
        "/v1/inbox",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    // A thread of alpha's inbox: others are not told it exists.
    (
        "get",
        "/v1/inbox/{thread_id}",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    // Alpha's change feed: as its inbox.
    (
        "get",
        "/v1/inbox/changes",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    // Actions on an open thread of alpha's: alpha or its admin; others are not told it
    // exists.
    (
        "post",
        "/v1/inbox/{thread_id}/reply",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/inbox/{thread_id}/delegate",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/inbox/{thread_id}/approve",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/inbox/{thread_id}/reject",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/inbox/{thread_id}/read",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/inbox/{thread_id}/messages/delete",
        [Ok, NO_THREAD, Ok, NO_THREAD, NO_THREAD, GONE, NO_KEY],
    ),
    // A decision on an approval id of no intent is recorded for whoever may answer tasks.
    (
        "post",
        "/v1/approvals/{approval_id}/decision",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    // Alpha's webhooks (`owner_agent` names it): alpha or its admin; a subscription or an
    // event of alpha's is not shown to exist to anyone else.
    (
        "post",
        "/v1/webhooks/subscriptions",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/webhooks/subscriptions",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    (
        "delete",
        "/v1/webhooks/subscriptions/{subscription_id}",
        [
            Ok,
            NO_SUBSCRIPTION,
            Ok,
            NO_SUBSCRIPTION,
            NO_SUBSCRIPTION,
            GONE,
            NO_KEY,
        ],
    ),
    (
        "post",
        "/v1/webhooks/events",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/webhooks/events/{event_id}/replay",
        [Ok, NO_EVENT, Ok, NO_EVENT, NO_EVENT, GONE, NO_KEY],
    ),
    // MCP: alpha's inbox through `axme.list_inbox` (owner_agent names alpha), as
    // `GET /v1/inbox` decides it; every refusal a JSON-RPC error on a 200.
    (
        "post",
        "/mcp",
        [Ok, RPC_OWNER, Ok, RPC_OWNER, RPC_OWNER, RPC_AUTH, RPC_AUTH],
    ),
    // Nicks (spec §9.6): every key registers its own agent's and checks or resolves any;
    // alpha's profile is alpha's and its admin's.
    (
        "post",
        "/v1/users/register-nick",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/users/check-nick",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/users/resolve-nick",
        [Ok, Ok, Ok, Ok, Ok, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/users/rename-nick",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/users/profile",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/users/profile/update",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    // Alpha's uploads: alpha or its admin make, fill and finalize them; any key of the
    // workspace reads them (an intent to another agent may name one).
    (
        "post",
        "/v1/media/create-upload",
        [Ok, DENIED, Ok, DENIED, DENIED, GONE, NO_KEY],
    ),
    (
        "put",
        "/v1/media/{upload_id}/content",
        [Ok, DENIED, Ok, DENIED, NO_UPLOAD, GONE, NO_KEY],
    ),
    (
        "post",
        "/v1/media/finalize-upload",
        [Ok, DENIED, Ok, DENIED, NO_UPLOAD, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/media/{upload_id}",
        [Ok, Ok, Ok, Ok, NO_UPLOAD, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/media/{upload_id}/content",
        [Ok, Ok, Ok, Ok, NO_UPLOAD, GONE, NO_KEY],
    ),
    // Invites: an admin invites as an agent of its workspace; the token is the
    // credential of the invitee, who has no key yet.
    (
        "post",
        "/v1/invites/create",
        [Ok, DENIED, DENIED, DENIED, DENIED, GONE, NO_KEY],
    ),
    ("get", "/v1/invites/{token}", [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    (
        "post",
        "/v1/invites/{token}/accept",
        [Ok, Ok, Ok, Ok, Ok, Ok, Ok],
    ),
    // Semantic schemas: an admin registers its workspace's; every key reads them.
    (
        "post",
        "/v1/schemas",
        [Ok, DENIED, DENIED, DENIED, Ok, GONE, NO_KEY],
    ),
    (
        "get",
        "/v1/schemas/{semantic_type}",
        [Ok, Ok, Ok, Ok, NO_SCHEMA, GONE, NO_KEY],
    ),
];

const RPC_AUTH: Cell = Rpc(-32001);
const RPC_OWNER: Cell = Rpc(-32003);

const NO_SUBSCRIPTION: Cell = No(404, "subscription_not_found");
const NO_EVENT: Cell = No(404, "event_not_found");
const WRONG_CODE: Cell = No(404, "login_not_found");
const BAD_REFRESH: Cell = No(401, "invalid_refresh_token");
const NO_THREAD: Cell = No(404, "thread_not_found");
const NO_UPLOAD: Cell = No(404, "upload_not_found");
const NO_SCHEMA: Cell = No(404, "schema_not_found");

/// The callers' keys and the subjects every row is about.
struct World {
    server: TestServer,
    admin: String,
    member: Agent,
    alpha: Agent,
    beta: Agent,
    other_ws: String,
    revoked: String,
}

impl World {
    async fn new() -> World {
        let mut settings = axme::server::Settings::default();
        // Hundreds of requests from one address in a second: not what this test is about.
        settings.limits.rates = axme::server::limits::RateLimits::off();
        settings.limits.login = axme::server::limits::LoginLimits::off();
        let server = TestServer::embedded(settings);
        let admin = server.admin();
        let member = account_with_key(&server, &admin, "mia", "member", None).await;
        let alpha = server.provision_agent(&admin, "alpha").await;
        let beta = server.provision_agent(&admin, "beta").await;
        let other_ws = server.create_workspace(&admin, "elsewhere").await.admin_key;
        let gone = account_with_key(&server, &admin, "former", "admin", None).await;
        server
            .post(
                &format!(
                    "/v1/service-accounts/{}/keys/{}/revoke",
                    gone.sa_id, gone.key_id
                ),
                &admin,
                &json!({}),
            )
            .await
            .expect_ok();
        World {
            server,
            admin,
            member,
            alpha,
            beta,
            other_ws,
            revoked: gone.key,
        }
    }

    fn key(&self, who: Who) -> Option<&str> {
        match who {
            Who::Admin => Some(&self.admin),
            Who::Member => Some(&self.member.key),
            Who::Agent => Some(&self.alpha.key),
            Who::OtherAgent => Some(&self.beta.key),
            Who::OtherWorkspace => Some(&self.other_ws),
            Who::Revoked => Some(&self.revoked),
            Who::NoKey => None,
        }
    }

    /// A fresh intent from the member to alpha.
    async fn intent_to_alpha(&self) -> String {
        self.server
            .create_intent(&self.member.key, &self.alpha.address, json!({"n": 1}))
            .await
    }

    /// A fresh open thread of alpha's inbox (alpha replied to a new id): its id.
    async fn open_thread_of_alpha(&self) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.server
            .post(
                &format!("/v1/inbox/{id}/reply"),
                &self.alpha.key,
                &json!({"message": "first"}),
            )
            .await
            .expect_ok();
        id
    }

    /// A fresh finished intent whose completion landed in alpha's inbox: its thread id.
    async fn thread_of_alpha(&self) -> String {
        let mut body = crate::common::intent_body(&self.beta.address, json!({}));
        body["reply_to"] = json!(self.alpha.address);
        let r = self
            .server
            .post("/v1/intents", &self.alpha.key, &body)
            .await;
        r.expect_ok();
        let id = crate::common::str_field(&r.body, "intent_id");
        self.server
            .post(
                &format!("/v1/intents/{id}/resolve"),
                &self.beta.key,
                &json!({"status": "COMPLETED", "result": {}}),
            )
            .await
            .expect_ok();
        id
    }

    /// The concrete request of a row for one cell: path and body.
    async fn request(&self, method: &str, route: &str, cell: usize) -> (String, Option<Value>) {
        let alpha = urlencode(&self.alpha.address);
        let sa = &self.alpha.sa_id;
        let with_id = |id: &str| route.replace("{intent_id}", id);
        match (method, route) {
            ("post", "/v1/intents") => (
                route.into(),
                Some(crate::common::intent_body(&self.alpha.address, json!({}))),
            ),
            ("get", "/v1/intents/changes/stream") => (format!("{route}?wait_seconds=1"), None),
            ("get", "/v1/intents/{intent_id}/events/stream") => (
                format!("{}?wait_seconds=1", with_id(&self.intent_to_alpha().await)),
                None,
            ),
            (_, p) if p.starts_with("/v1/intents/{intent_id}") => {
                let body = match p.rsplit('/').next() {
                    Some("resolve") => Some(json!({"status": "COMPLETED", "result": {}})),
                    Some("resume") => Some(json!({"result": {"done": true}})),
                    Some("cancel") => Some(json!({"reason": "matrix"})),
                    _ => None,
                };
                (with_id(&self.intent_to_alpha().await), body)
            }
            ("get", "/v1/tool-registry/macros/{macro_id}") => {
                ("/v1/tool-registry/macros/agent.task.v1".into(), None)
            }
            ("get", "/v1/agents/{address}") => (format!("/v1/agents/{alpha}"), None),
            ("get", "/v1/agents/{address}/policy") => (format!("/v1/agents/{alpha}/policy"), None),
            ("put", "/v1/agents/{address}/policy") => (
                format!("/v1/agents/{alpha}/policy"),
                Some(json!({"policy_type": "closed"})),
            ),
            ("post", "/v1/agents/{address}/policy/entries") => (
                format!("/v1/agents/{alpha}/policy/entries"),
                Some(json!({"sender_pattern": format!("agent://local/ws{cell}/*")})),
            ),
            ("delete", "/v1/agents/{address}/policy/entries/{entry_id}") => {
                let r = self
                    .server
                    .post(
                        &format!("/v1/agents/{alpha}/policy/entries"),
                        &self.admin,
                        &json!({"sender_pattern": format!("agent://local/gone{cell}/*")}),
                    )
                    .await;
                r.expect_ok();
                let entry = r.body["policy"]["entries"]
                    .as_array()
                    .and_then(|e| {
                        e.iter().find(|e| {
                            e["sender_pattern"] == json!(format!("agent://local/gone{cell}/*"))
                        })
                    })
                    .map(|e| crate::common::str_field(e, "entry_id"))
                    .unwrap_or_else(|| panic!("no entry in {}", r.text));
                (format!("/v1/agents/{alpha}/policy/entries/{entry}"), None)
            }
            ("get", "/v1/agents/{address}/intents/stream") => (
                format!("/v1/agents/{alpha}/intents/stream?wait_seconds=1"),
                None,
            ),
            ("post", "/v1/workspaces") => {
                (route.into(), Some(json!({"name": format!("ws{cell}")})))
            }
            ("post", "/v1/service-accounts") => {
                (route.into(), Some(json!({"name": format!("made{cell}")})))
            }
            ("get" | "patch", "/v1/service-accounts/{sa_id}") => (
                format!("/v1/service-accounts/{sa}"),
                (method == "patch").then(|| json!({"delivery_mode": "stream"})),
            ),
            ("delete", "/v1/service-accounts/{sa_id}") => {
                let fresh = self
                    .server
                    .provision_agent(&self.admin, &format!("doomed{cell}"))
                    .await;
                (format!("/v1/service-accounts/{}", fresh.sa_id), None)
            }
            ("post", "/v1/service-accounts/{sa_id}/keys") => {
                (format!("/v1/service-accounts/{sa}/keys"), Some(json!({})))
            }
            ("post", "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke") => {
                let k = self
                    .server
                    .post(
                        &format!("/v1/service-accounts/{sa}/keys"),
                        &self.admin,
                        &json!({}),
                    )
                    .await;
                k.expect_ok();
                let key_id = crate::common::str_field(&k.body["key"], "key_id");
                (
                    format!("/v1/service-accounts/{sa}/keys/{key_id}/revoke"),
                    Some(json!({})),
                )
            }
            ("post", "/v1/auth/login-intent") => (
                route.into(),
                Some(json!({"email": format!("matrix{cell}@example.com")})),
            ),
            ("post", "/v1/auth/login-intent/{login_id}/verify") => (
                format!("/v1/auth/login-intent/{}/verify", uuid_like(cell)),
                Some(json!({"code": "000000"})),
            ),
            ("get", "/v1/auth/cli-grants/{grant_id}") => {
                (format!("/v1/auth/cli-grants/grt_matrix{cell}"), None)
            }
            ("post", "/v1/auth/refresh") => (
                route.into(),
                Some(json!({"refresh_token": "axme_rt_nothing"})),
            ),
            ("post", "/v1/auth/logout") => (
                route.into(),
                Some(json!({"refresh_token": "axme_rt_nothing"})),
            ),
            ("get", "/v1/portal/enterprise/overview") => {
                (format!("{route}?workspace_id=default"), None)
            }
            ("post", "/v1/portal/personal/workspace-selection") => {
                (route.into(), Some(json!({"workspace_id": "default"})))
            }
            ("post", "/v1/portal/personal/profile") => {
                (route.into(), Some(json!({"display_name": "Matrix"})))
            }
            ("post", "/v1/scenarios/validate" | "/v1/scenarios/apply") => {
                (route.into(), Some(self.bundle()))
            }
            ("get", "/v1/mesh/agents/{address_id}") => {
                (format!("/v1/mesh/agents/{}", self.alpha.sa_id), None)
            }
            ("post", p) if p.starts_with("/v1/mesh/agents/") => {
                // Killing alpha would decide the rows after it: a fresh agent per cell.
                let action = p.rsplit('/').next().unwrap_or("kill");
                let fresh = self
                    .server
                    .provision_agent(&self.admin, &format!("{action}{cell}"))
                    .await;
                (
                    format!("/v1/mesh/agents/{}/{action}", fresh.address),
                    Some(json!({})),
                )
            }
            ("get", "/v1/inbox") => (format!("/v1/inbox?owner_agent={alpha}"), None),
            ("get", "/v1/inbox/{thread_id}") => {
                (format!("/v1/inbox/{}", self.thread_of_alpha().await), None)
            }
            ("get", "/v1/inbox/changes") => {
                (format!("/v1/inbox/changes?owner_agent={alpha}"), None)
            }
            ("post", action) if action.starts_with("/v1/inbox/{thread_id}/") => {
                let thread = self.open_thread_of_alpha().await;
                let body = json!({
                    "message": "m",
                    "delegate_to": self.alpha.address,
                    "mode": "self",
                });
                (action.replace("{thread_id}", &thread), Some(body))
            }
            ("post", "/v1/approvals/{approval_id}/decision") => (
                format!("/v1/approvals/{}/decision", uuid::Uuid::new_v4()),
                Some(json!({"decision": "approve"})),
            ),
            ("post" | "get", "/v1/webhooks/subscriptions") => (
                format!("{route}?owner_agent={alpha}"),
                (method == "post").then(|| self.subscription(cell)),
            ),
            ("delete", "/v1/webhooks/subscriptions/{subscription_id}") => {
                let r = self
                    .server
                    .post(
                        "/v1/webhooks/subscriptions",
                        &self.alpha.key,
                        &self.subscription(cell),
                    )
                    .await;
                r.expect_ok();
                let id = crate::common::str_field(&r.body["subscription"], "subscription_id");
                (format!("/v1/webhooks/subscriptions/{id}"), None)
            }
            ("post", "/v1/webhooks/events") => (
                format!("{route}?owner_agent={alpha}"),
                Some(self.webhook_event()),
            ),
            ("post", "/v1/webhooks/events/{event_id}/replay") => {
                let r = self
                    .server
                    .post(
                        "/v1/webhooks/events",
                        &self.alpha.key,
                        &self.webhook_event(),
                    )
                    .await;
                r.expect_ok();
                let id = crate::common::str_field(&r.body, "event_id");
                (format!("/v1/webhooks/events/{id}/replay"), None)
            }
            ("post", "/mcp") => (
                route.into(),
                Some(json!({
                    "jsonrpc": "2.0",
                    "id": cell,
                    "method": "tools/call",
                    "params": {
                        "name": "axme.list_inbox",
                        "arguments": {"owner_agent": self.alpha.address},
                    },
                })),
            ),
            ("post", "/v1/users/register-nick") => {
                (route.into(), Some(json!({"nick": format!("matrix{cell}")})))
            }
            ("get", "/v1/users/check-nick") => (format!("{route}?nick=anyone"), None),
            ("get", "/v1/users/resolve-nick") => {
                let nick = self.nick_of_alpha().await;
                (format!("{route}?nick={nick}"), None)
            }
            ("post", "/v1/users/rename-nick") => {
                self.nick_of_alpha().await;
                (
                    route.into(),
                    Some(
                        json!({"owner_agent": self.alpha.address, "nick": format!("alpha{cell}")}),
                    ),
                )
            }
            ("get", "/v1/users/profile") => {
                self.nick_of_alpha().await;
                (format!("{route}?owner_agent={alpha}"), None)
            }
            ("post", "/v1/users/profile/update") => {
                self.nick_of_alpha().await;
                (
                    route.into(),
                    Some(json!({"owner_agent": self.alpha.address, "display_name": "Alpha"})),
                )
            }
            ("post", "/v1/schemas") => (
                route.into(),
                Some(
                    json!({"semantic_type": format!("matrix.cell{cell}.made.v1"),
                            "schema_json": {"type": "object"}, "compatibility_mode": "warn"}),
                ),
            ),
            ("get", "/v1/schemas/{semantic_type}") => {
                self.server
                    .post(
                        "/v1/schemas",
                        &self.admin,
                        &json!({"semantic_type": "matrix.thing.happened.v1",
                                "schema_json": {"type": "object"}, "compatibility_mode": "warn"}),
                    )
                    .await
                    .expect_ok();
                ("/v1/schemas/matrix.thing.happened.v1".into(), None)
            }
            ("post", "/v1/invites/create") => (
                route.into(),
                Some(json!({"owner_agent": self.alpha.address})),
            ),
            ("get", "/v1/invites/{token}") => {
                (format!("/v1/invites/{}", self.invite().await), None)
            }
            ("post", "/v1/invites/{token}/accept") => (
                format!("/v1/invites/{}/accept", self.invite().await),
                Some(json!({"nick": format!("invitee{cell}")})),
            ),
            ("post", "/v1/media/create-upload") => (
                route.into(),
                Some(
                    json!({"owner_agent": self.alpha.address, "filename": "m.json",
                            "mime_type": "application/json", "size_bytes": 2}),
                ),
            ),
            // The matrix sends `{}` as the bytes: two of them, as declared.
            ("put", "/v1/media/{upload_id}/content") => (
                format!(
                    "/v1/media/{}/content",
                    self.upload_of_alpha(false, false).await
                ),
                Some(json!({})),
            ),
            ("post", "/v1/media/finalize-upload") => (
                route.into(),
                Some(
                    json!({"upload_id": self.upload_of_alpha(true, false).await, "size_bytes": 2}),
                ),
            ),
            ("get", "/v1/media/{upload_id}") => (
                format!("/v1/media/{}", self.upload_of_alpha(false, false).await),
                None,
            ),
            ("get", "/v1/media/{upload_id}/content") => (
                format!(
                    "/v1/media/{}/content",
                    self.upload_of_alpha(true, true).await
                ),
                None,
            ),
            _ => (route.into(), (method != "get").then(|| json!({}))),
        }
    }

    /// A fresh upload of alpha's (2 bytes declared): its id; with its bytes sent, and
    /// finalized, as asked.
    async fn upload_of_alpha(&self, filled: bool, finalized: bool) -> String {
        let r = self
            .server
            .post(
                "/v1/media/create-upload",
                &self.alpha.key,
                &json!({"owner_agent": self.alpha.address, "filename": "m.json",
                        "mime_type": "application/json", "size_bytes": 2}),
            )
            .await;
        r.expect_ok();
        let id = crate::common::str_field(&r.body, "upload_id");
        if filled {
            self.server
                .call(
                    reqwest::Method::PUT,
                    &format!("/v1/media/{id}/content"),
                    Some(&self.alpha.key),
                    Some(&json!({})),
                )
                .await
                .expect_ok();
        }
        if finalized {
            self.server
                .post(
                    "/v1/media/finalize-upload",
                    &self.alpha.key,
                    &json!({"upload_id": id, "size_bytes": 2}),
                )
                .await
                .expect_ok();
        }
        id
    }

    /// A fresh invite by the admin: its token.
    async fn invite(&self) -> String {
        let r = self
            .server
            .post(
                "/v1/invites/create",
                &self.admin,
                &json!({"owner_agent": "agent://local/default/admin"}),
            )
            .await;
        r.expect_ok();
        crate::common::str_field(&r.body, "token")
    }

    /// Alpha's nick (lower case), registered first if alpha has none.
    async fn nick_of_alpha(&self) -> String {
        let mine = || self.server.get("/v1/users/profile", &self.alpha.key);
        let r = mine().await;
        if r.status == 200 {
            return crate::common::str_field(&r.body, "normalized_nick");
        }
        // Cells run at once: one registers, the others may find it taken (409).
        self.server
            .post(
                "/v1/users/register-nick",
                &self.alpha.key,
                &json!({"nick": "alpha-matrix"}),
            )
            .await;
        let r = mine().await;
        r.expect_ok();
        crate::common::str_field(&r.body, "normalized_nick")
    }

    /// A subscription body (a callback nobody serves; nothing here waits for delivery).
    fn subscription(&self, cell: usize) -> Value {
        json!({
            "callback_url": format!("http://127.0.0.1:9/matrix{cell}"),
            "event_types": ["inbox.thread_created"],
        })
    }

    fn webhook_event(&self) -> Value {
        json!({"event_type": "inbox.thread_created", "source": "matrix", "payload": {"n": 1}})
    }

    /// A one-step workflow for alpha, named by its full address, its settings unchanged.
    fn bundle(&self) -> Value {
        json!({
            "scenario_id": "test.matrix.v1",
            "agents": [{"role": "a", "address": self.alpha.address}],
            "workflow": {"steps": [{"step_id": "s", "tool_id": "tool.agent.task.v1", "assigned_to": "a"}]},
            "intent": {"type": "intent.matrix.v1", "payload": {}}
        })
    }
}

fn uuid_like(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// `(method, path)` of every operation in the served `/openapi.json`.
async fn documented(server: &TestServer) -> BTreeSet<(String, String)> {
    let r = server
        .call(reqwest::Method::GET, "/openapi.json", None, None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let paths = r.body["paths"].as_object().expect("paths in /openapi.json");
    paths
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn every_route_times_every_caller() {
    let world = World::new().await;
    let rows: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(rows.len(), ROWS.len(), "a route has two rows");
    let served = documented(&world.server).await;
    let missing: Vec<_> = served.difference(&rows).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix (decide who may call them): {missing:?}"
    );
    let stale: Vec<_> = rows.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "rows for routes no longer served: {stale:?}"
    );

    let mut wrong = Vec::new();
    for (method, route, cells) in ROWS {
        let runs = CALLERS
            .iter()
            .zip(cells)
            .enumerate()
            .map(|(i, (who, cell))| {
                let world = &world;
                async move {
                    let (path, body) = world.request(method, route, i).await;
                    let verb = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
                        .expect("an HTTP method");
                    let r = world
                        .server
                        .call(verb, &path, world.key(*who), body.as_ref())
                        .await;
                    let fine = match cell {
                        Ok => (200..300).contains(&r.status) && !r.body["error"]["code"].is_i64(),
                        No(status, code) => {
                            r.status == *status && r.body["error"]["code"] == json!(code)
                        }
                        Rpc(code) => r.status == 200 && r.body["error"]["code"] == json!(code),
                    };
                    (!fine).then(|| {
                        format!(
                            "{} {route} as {who:?}: expected {cell:?}, got {} {}",
                            method.to_uppercase(),
                            r.status,
                            r.text.chars().take(300).collect::<String>()
                        )
                    })
                }
            });
        wrong.extend(
            futures_util::future::join_all(runs)
                .await
                .into_iter()
                .flatten(),
        );
    }
    assert!(wrong.is_empty(), "wrong cells:\n{}", wrong.join("\n"));
}
