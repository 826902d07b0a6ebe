//! `/openapi.json`: every route the router serves, with its path and query parameters.
//!
//! How a new route gets in: add a [`Route`] to [`ROUTES`] beside its `.route(…)` call.
//! The test `every_served_route_is_documented` reads the `.route(…)` calls of every file in
//! `src/server/http/` and fails when a path and method served there is missing here (or
//! documented but no longer served), so a route cannot be added without its entry.
//! Bodies are still typed as `object` (issue 10, point 9: schemas from the handlers' types
//! are the next step).

use serde_json::{Map, Value, json};

/// One documented operation.
pub struct Route {
    pub method: &'static str,
    /// The path as clients call it (`{name}` for a path parameter).
    pub path: &'static str,
    pub summary: &'static str,
    /// Needs an API key (or a session's bearer token).
    pub auth: bool,
    /// Query parameters it reads.
    pub query: &'static [&'static str],
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    query: &'static [&'static str],
) -> Route {
    Route {
        method,
        path,
        summary,
        auth: true,
        query,
    }
}

const fn open(method: &'static str, path: &'static str, summary: &'static str) -> Route {
    Route {
        method,
        path,
        summary,
        auth: false,
        query: &[],
    }
}

const STREAM: &[&str] = &["since", "wait_seconds"];

pub const ROUTES: &[Route] = &[
    open("get", "/health", "Liveness"),
    open("get", "/metrics", "Prometheus metrics"),
    open("get", "/openapi.json", "This document"),
    op(
        "get",
        "/v1/capabilities",
        "Capabilities of this gateway",
        &[],
    ),
    op(
        "post",
        "/v1/intents",
        "Create an intent (Idempotency-Key supported)",
        &[],
    ),
    op(
        "get",
        "/v1/intents",
        "List intents, newest first",
        &["status", "to_agent", "limit", "cursor"],
    ),
    op("get", "/v1/intents/{intent_id}", "Get an intent", &[]),
    op(
        "get",
        "/v1/intents/{intent_id}/events",
        "Events with seq > since",
        &["since"],
    ),
    op(
        "get",
        "/v1/intents/{intent_id}/events/stream",
        "SSE stream of an intent's events",
        STREAM,
    ),
    op(
        "post",
        "/v1/intents/{intent_id}/resolve",
        "Resolve: COMPLETED, FAILED or CANCELED",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/intents/{intent_id}/resume",
        "Resume: agent result, task result or control",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/intents/{intent_id}/cancel",
        "Cancel (resolve CANCELED)",
        &["owner_agent"],
    ),
    op(
        "get",
        "/v1/intents/counts",
        "Intents the caller may see, per status",
        &[],
    ),
    op(
        "get",
        "/v1/intents/changes/stream",
        "SSE stream of changed intents the caller may see",
        &["wait_seconds"],
    ),
    op(
        "get",
        "/v1/agents",
        "List agents of the workspace",
        &["org_id", "workspace_id", "limit"],
    ),
    op("get", "/v1/agents/{address}", "Get an agent", &[]),
    op(
        "get",
        "/v1/agents/{address}/policy",
        "An agent's receive policy (who of other workspaces may send to it)",
        &[],
    ),
    op(
        "put",
        "/v1/agents/{address}/policy",
        "Set an agent's receive policy type (and entries)",
        &[],
    ),
    op(
        "post",
        "/v1/agents/{address}/policy/entries",
        "Add a sender pattern to a receive policy",
        &[],
    ),
    op(
        "delete",
        "/v1/agents/{address}/policy/entries/{entry_id}",
        "Remove a sender pattern from a receive policy",
        &[],
    ),
    op(
        "get",
        "/v1/agents/{address}/intents/stream",
        "SSE delivery stream of an agent",
        &["since", "wait_seconds", "status"],
    ),
    op(
        "post",
        "/v1/workspaces",
        "Create a workspace with its admin key",
        &[],
    ),
    op(
        "post",
        "/v1/service-accounts",
        "Create a service account",
        &[],
    ),
    op("get", "/v1/service-accounts", "List service accounts", &[]),
    op(
        "get",
        "/v1/service-accounts/{sa_id}",
        "Get a service account",
        &[],
    ),
    op(
        "patch",
        "/v1/service-accounts/{sa_id}",
        "Set an agent's delivery mode and callback",
        &[],
    ),
    op(
        "post",
        "/v1/service-accounts/{sa_id}/keys",
        "Create an API key (token shown once)",
        &[],
    ),
    op(
        "post",
        "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke",
        "Revoke an API key",
        &[],
    ),
    open(
        "post",
        "/v1/auth/login-intent",
        "Ask for a sign-in code by email",
    ),
    open(
        "post",
        "/v1/auth/login-intent/{login_id}/verify",
        "Sign in with the code",
    ),
    open("post", "/v1/auth/refresh", "Rotate a session's tokens"),
    open("post", "/v1/auth/logout", "End a session"),
    op(
        "get",
        "/v1/portal/personal/context",
        "Who the credentials act as",
        &[],
    ),
    op(
        "post",
        "/v1/scenarios/validate",
        "Check a scenario bundle",
        &[],
    ),
    op(
        "post",
        "/v1/scenarios/apply",
        "Apply a scenario bundle (Idempotency-Key supported)",
        &[],
    ),
    op(
        "get",
        "/v1/me/tasks",
        "Human tasks of the caller",
        &["owner_agent", "status"],
    ),
    op(
        "get",
        "/v1/inbox",
        "Inbox threads of the caller (or of owner_agent)",
        &["owner_agent", "status"],
    ),
    op(
        "get",
        "/v1/inbox/changes",
        "The owner's threads in the order they changed (cursor pagination)",
        &["owner_agent", "cursor", "limit"],
    ),
    op(
        "get",
        "/v1/inbox/{thread_id}",
        "One inbox thread",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/inbox/{thread_id}/reply",
        "Reply in a thread (a new id starts one; Idempotency-Key supported)",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/inbox/{thread_id}/delegate",
        "Hand a thread to another owner",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/inbox/{thread_id}/approve",
        "Approve a thread (it is done afterwards)",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/inbox/{thread_id}/reject",
        "Reject a thread (it is done afterwards)",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/inbox/{thread_id}/read",
        "Mark a thread read",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/inbox/{thread_id}/messages/delete",
        "Delete messages of a thread",
        &["owner_agent"],
    ),
    op(
        "post",
        "/v1/approvals/{approval_id}/decision",
        "Decide an approval (an intent waiting for a human: answers its task)",
        &[],
    ),
];

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let mut params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(route.query.iter().map(|name| {
            json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}})
        }));
        let ok = if route.path.ends_with("/stream") {
            json!({"description": "Server-sent events", "content": {"text/event-stream": {"schema": {"type": "string"}}}})
        } else if route.path == "/metrics" {
            json!({"description": "Prometheus text", "content": {"text/plain": {"schema": {"type": "string"}}}})
        } else {
            json!({"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}})
        };
        let mut responses = Map::new();
        responses.insert("200".into(), ok);
        for status in [
            "400", "401", "403", "404", "408", "409", "410", "413", "422", "429", "502", "503",
        ] {
            responses.insert(status.into(), error_ref());
        }
        let mut op = json!({
            "summary": route.summary,
            "parameters": params,
            "responses": responses,
        });
        if !route.auth {
            op["security"] = json!([]);
        }
        if matches!(route.method, "post" | "patch" | "put") {
            op["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[route.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "axme server (AXP gateway)", "version": env!("CARGO_PKG_VERSION")},
        "security": [{"apiKey": []}, {"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "responses": {
                "Error": {
                    "description": "Error (spec §5.4); 429 and 503 carry Retry-After",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                }
            },
            "schemas": {
                "ErrorBody": {
                    "type": "object",
                    "required": ["ok", "error", "detail"],
                    "properties": {
                        "ok": {"type": "boolean"},
                        "detail": {"type": "string"},
                        "error": {"type": "object", "required": ["code", "message"], "properties": {
                            "code": {"type": "string"}, "message": {"type": "string"},
                            "category": {"type": "string"}, "retryable": {"type": "boolean"},
                            "details": {"type": "object"}
                        }}
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// `(method, path)` of every `.route("path", get(…).post(…))` in src/server/http/.
    fn served() -> BTreeSet<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/http");
        let mut out = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("openapi.rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            for call in text.split(".route(").skip(1) {
                let Some(path) = call.split('"').nth(1) else {
                    continue;
                };
                // The method router runs to the parenthesis that closes `.route(`.
                let mut depth = 1;
                let end = call
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(call.len(), |(i, _)| i);
                let router = &call[..end];
                for method in ["get", "post", "patch", "put", "delete"] {
                    let called = format!("{method}(");
                    let found = router.match_indices(&called).any(|(i, _)| {
                        i == 0 || !router[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    });
                    if found {
                        out.insert((method.to_string(), path.to_string()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_served_route_is_documented() {
        let served = served();
        assert!(served.len() > 20, "the scan found too little: {served:?}");
        let documented: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        for (method, path) in &served {
            // A catch-all route serves every documented path under its prefix.
            let covered = match path.split_once("{*") {
                Some((prefix, _)) => documented
                    .iter()
                    .any(|(m, p)| m == method && p.starts_with(prefix)),
                None => documented.contains(&(method.clone(), path.clone())),
            };
            assert!(
                covered,
                "{} {path} is served but not in /openapi.json: add a Route to openapi::ROUTES",
                method.to_uppercase()
            );
        }
        for (method, path) in &documented {
            let served_here = served.iter().any(|(m, p)| {
                m == method
                    && match p.split_once("{*") {
                        Some((prefix, _)) => path.starts_with(prefix),
                        None => p == path,
                    }
            });
            assert!(served_here, "{method} {path} is documented but not served");
        }
    }

    #[test]
    fn query_parameters_are_listed() {
        let doc = document();
        let list = &doc["paths"]["/v1/intents"]["get"]["parameters"];
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(names, ["status", "to_agent", "limit", "cursor"]);
    }
}
