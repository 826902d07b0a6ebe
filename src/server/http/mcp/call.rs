//! `tools/call`: checks the arguments, settles whom the call acts for, and runs the tool's
//! gateway operation by calling the very handler its HTTP route serves (same checks,
//! same store code, same answer; no request goes over the network). The handler's answer
//! becomes the result's `data`; its refusal a JSON-RPC error.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use serde_json::{Value, json};

use super::tools::{self, Op, ToolDef};
use crate::protocol::mcp::{Content, RpcError, ToolResult, ToolStatus, code};
use crate::server::engine::directory::Caller;
use crate::server::http::error::{ApiError, ApiResult};
use crate::server::http::extract::Params;
use crate::server::http::typed::Typed;
use crate::server::http::{AppState, inbox, intents, owner, users};

/// The intent type of `axme.send_message`, and of `axme.send` when none is given.
pub const MESSAGE_TYPE: &str = "axme.message.v1";

/// A handler's answer is read whole; none is larger than a page of intents.
const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// The owners a request names outside the tool's arguments: the `owner_agent` query
/// parameter and the `x-owner-agent` header.
pub struct OwnerHints {
    pub query: Option<String>,
    pub header: Option<String>,
}

/// Whom a call acts for.
struct Owner {
    address: String,
    /// Named by the request (so handed to the handler), not the caller by default.
    named: bool,
}

/// Runs one `tools/call` (`params`: `{name, arguments, owner_agent?}`).
pub async fn call(
    app: &AppState,
    caller: &Caller,
    hints: &OwnerHints,
    params: &Value,
) -> Result<Value, RpcError> {
    let name = match params.get("name") {
        Some(Value::String(name)) => name.trim(),
        Some(_) => return Err(RpcError::invalid_field("name", "must be a string")),
        None => return Err(RpcError::invalid_field("name", "is required")),
    };
    let tool = tools::find(name).ok_or_else(|| {
        RpcError::invalid_field("name", format!("no tool named '{name}' (see tools/list)"))
    })?;
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => json!({}),
        Some(arguments) => arguments.clone(),
    };
    tool.check(&arguments)?;
    let owner = owner_of(caller, hints, params, &arguments)?;
    let mut headers = HeaderMap::new();
    if let Some(key) = arguments.get("idempotency_key").and_then(Value::as_str) {
        let value = HeaderValue::from_str(key).map_err(|_| {
            RpcError::invalid_field(
                "idempotency_key",
                "must be 1 to 255 visible ASCII characters",
            )
        })?;
        headers.insert("idempotency-key", value);
    }
    let (status, data) = run(app, caller, tool, &arguments, &owner, headers)
        .await
        .map_err(refused)?;
    let ok = status == ToolStatus::Completed;
    let text = serde_json::to_string(&data).unwrap_or_default();
    let result = ToolResult {
        ok,
        tool: tool.name.to_string(),
        status,
        owner_agent: owner.address,
        data,
        content: vec![Content {
            kind: "text".into(),
            text,
        }],
        is_error: !ok,
    };
    serde_json::to_value(&result).map_err(|e| RpcError::new(code::GATEWAY_ERROR, e.to_string()))
}

/// The owner a call names (its arguments, its params, the query, the header), all of
/// which must agree and be one the caller may act for; none named: the caller itself.
fn owner_of(
    caller: &Caller,
    hints: &OwnerHints,
    params: &Value,
    arguments: &Value,
) -> Result<Owner, RpcError> {
    let from_params = match params.get("owner_agent") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(RpcError::invalid_field("owner_agent", "must be a string")),
    };
    let named = [
        arguments.get("owner_agent").and_then(Value::as_str),
        from_params,
        hints.query.as_deref(),
        hints.header.as_deref(),
    ];
    let mut chosen: Option<String> = None;
    for raw in named.into_iter().flatten() {
        if raw.trim().is_empty() {
            return Err(RpcError::new(
                code::OWNER_REQUIRED,
                "owner_agent is blank: name the agent to act for, or leave it out to act as \
                 the key's own agent",
            )
            .with_data(json!({ "field": "owner_agent" })));
        }
        let address = owner::canonical(caller, raw.trim(), "owner_agent").map_err(|_| {
            RpcError::invalid_field(
                "owner_agent",
                "is not an agent address (agent://org/workspace/name, agent://org/name or a name)",
            )
        })?;
        match &chosen {
            Some(first) if *first != address => {
                return Err(RpcError::new(
                    code::OWNER_MISMATCH,
                    format!("owner mismatch: the request names both {first} and {address}"),
                )
                .with_data(json!({ "owner_agent": [first, address] })));
            }
            _ => chosen = Some(address),
        }
    }
    match chosen {
        None => Ok(Owner {
            address: caller.address.clone(),
            named: false,
        }),
        Some(address) if owner::may_act_for(caller, &address) => Ok(Owner {
            address,
            named: true,
        }),
        Some(address) => Err(RpcError::new(
            code::OWNER_MISMATCH,
            format!(
                "owner mismatch: {} may not act for {address} (a key acts for its own agent, \
                 an admin for its workspace's)",
                caller.address
            ),
        )
        .with_data(json!({ "owner_agent": address, "caller": caller.address }))),
    }
}

fn params_of(pairs: &[(&str, Option<String>)]) -> Params {
    let map: HashMap<String, String> = pairs
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
        .collect();
    Params(map)
}

/// An argument as a query parameter's text.
fn text(arguments: &Value, name: &str) -> Option<String> {
    match arguments.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn required(arguments: &Value, name: &str) -> String {
    // `ToolDef::check` has seen it present and a string.
    text(arguments, name).unwrap_or_default()
}

/// A nick where an agent goes (`@alice`, `alice@ax`), without its decoration.
fn nick_in(to_agent: &str) -> Option<&str> {
    let to_agent = to_agent.trim();
    to_agent
        .strip_prefix('@')
        .or_else(|| to_agent.strip_suffix("@ax"))
        .filter(|nick| !nick.is_empty() && !nick.contains(['@', '/', ':']))
}

/// The agent a nick names (`users::resolve_nick`), or None when nobody holds it.
async fn resolve_nick(app: &AppState, caller: &Caller, nick: &str) -> ApiResult<Option<Value>> {
    let params = params_of(&[("nick", Some(nick.to_string()))]);
    match users::resolve_nick(State(app.clone()), caller.clone(), params).await {
        Ok(answer) => Ok(Some(json_of(answer).await?)),
        Err(e) if e.status.as_u16() == 404 => Ok(None),
        Err(e) => Err(e),
    }
}

/// `contact_not_found`: what a nick-named call answers when nobody holds the nick.
fn no_contact(nick: &str) -> (ToolStatus, Value) {
    (
        ToolStatus::ContactNotFound,
        json!({ "nick": nick, "reason": format!("nobody holds the nick @{nick}") }),
    )
}

/// Runs the tool's operation through its HTTP handler: its status and the handler's JSON.
async fn run(
    app: &AppState,
    caller: &Caller,
    tool: &ToolDef,
    arguments: &Value,
    owner: &Owner,
    headers: HeaderMap,
) -> ApiResult<(ToolStatus, Value)> {
    let state = || State(app.clone());
    let who = caller.clone();
    let owner_param = || params_of(&[("owner_agent", owner.named.then(|| owner.address.clone()))]);
    let mut body = tool.body(arguments);
    let answer = match tool.op {
        Op::Send | Op::SendAsIs | Op::SendMessage => {
            // A nick names an agent of any workspace (its receive policy still decides).
            if tool.op != Op::SendAsIs
                && let Some(nick) = body["to_agent"]
                    .as_str()
                    .and_then(nick_in)
                    .map(str::to_string)
            {
                match resolve_nick(app, caller, &nick).await? {
                    Some(holder) => body["to_agent"] = holder["owner_agent"].clone(),
                    None => return Ok(no_contact(&nick)),
                }
            }
            if tool.op == Op::SendMessage {
                body = json!({
                    "to_agent": body["to_agent"],
                    "payload": {"text": body["text"]},
                    "reply_to": body.get("reply_to"),
                });
            }
            if tool.op != Op::SendAsIs {
                let defaults = [
                    ("intent_type", json!(MESSAGE_TYPE)),
                    ("payload", json!({})),
                    ("reply_to", json!(owner.address)),
                ];
                for (field, value) in defaults {
                    if body.get(field).is_none_or(Value::is_null) {
                        body[field] = value;
                    }
                }
            }
            intents::create(state(), who, headers, Typed::from_json(body)).await
        }
        Op::GetIntent => {
            let id = required(arguments, "intent_id");
            let intent =
                json_of(intents::get_one(state(), who.clone(), Path(id.clone())).await?).await?;
            let since = params_of(&[("since", text(arguments, "since"))]);
            let events = json_of(intents::events(state(), who, Path(id), since).await?).await?;
            let data = json!({
                "ok": true,
                "intent": intent["intent"],
                "events": events["events"],
            });
            return Ok((ToolStatus::Completed, data));
        }
        Op::ListIntents => {
            let params = params_of(&[
                ("status", text(arguments, "status")),
                ("to_agent", text(arguments, "to_agent")),
                ("limit", text(arguments, "limit")),
            ]);
            intents::list(state(), who, params).await
        }
        Op::Resolve | Op::Resume | Op::Cancel => {
            let id = Path(required(arguments, "intent_id"));
            if let Some(map) = body.as_object_mut() {
                map.remove("intent_id");
            }
            let params = owner_param();
            match tool.op {
                Op::Resolve => {
                    let body = Typed::from_json(body);
                    intents::resolve(state(), who, id, params, headers, body).await
                }
                Op::Resume => {
                    let body = Typed::from_json(body);
                    intents::resume(state(), who, id, params, headers, body).await
                }
                _ => {
                    let body = Typed::from_json(body);
                    intents::cancel(state(), who, id, params, headers, body).await
                }
            }
        }
        Op::ListInbox => {
            let params = params_of(&[
                ("owner_agent", owner.named.then(|| owner.address.clone())),
                ("status", text(arguments, "status")),
            ]);
            inbox::list(state(), who, params, HeaderMap::new()).await
        }
        Op::GetThread => {
            let id = Path(required(arguments, "thread_id"));
            inbox::show(state(), who, id, owner_param(), HeaderMap::new()).await
        }
        Op::Reply => {
            let id = Path(required(arguments, "thread_id"));
            let body = Typed::from_json(json!({ "message": body["message"] }));
            inbox::reply(state(), who, id, owner_param(), headers, body).await
        }
        Op::CheckNick => {
            let params = params_of(&[("nick", text(arguments, "nick"))]);
            users::check_nick(state(), who, params).await
        }
        Op::RegisterNick => {
            let body = Typed::from_json(body);
            users::register_nick(state(), who, owner_param(), headers, body).await
        }
        Op::ResolveNick => {
            let nick = required(arguments, "nick");
            let bare = nick.trim().trim_start_matches('@').to_string();
            return Ok(match resolve_nick(app, caller, &nick).await? {
                Some(holder) => (ToolStatus::Completed, holder),
                None => no_contact(&bare),
            });
        }
    };
    Ok((ToolStatus::Completed, json_of(answer?).await?))
}

/// The JSON a handler answered.
async fn json_of(response: Response) -> ApiResult<Value> {
    let bytes = axum::body::to_bytes(response.into_body(), MAX_ANSWER)
        .await
        .map_err(|e| ApiError::internal(format!("reading the answer: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::internal(format!("the answer: {e}")))
}

/// A handler's refusal as the JSON-RPC error of spec §9.5: 401/403 → −32001, 400/422 →
/// −32602 (naming the field), 404 → −32011, 429 → −32004, anything else → −32010. `data`
/// carries the HTTP status and the gateway's error object.
pub fn refused(e: ApiError) -> RpcError {
    let status = e.status.as_u16();
    let rpc_code = match status {
        401 | 403 => code::AUTH_REQUIRED,
        400 | 422 => code::INVALID_PARAMS,
        404 => code::RESOLUTION_ERROR,
        429 => code::RATE_LIMITED,
        _ => code::GATEWAY_ERROR,
    };
    let mut data = json!({ "http_status": status, "error": e.body.error });
    if let Some(field) = e.body.error.details.get("field") {
        data["field"] = field.clone();
    }
    if let Some(seconds) = e.retry_after {
        data["retry_after"] = json!(seconds);
    }
    RpcError::new(rpc_code, e.body.error.message.clone()).with_data(data)
}
