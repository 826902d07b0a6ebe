//! The tools `/mcp` offers: each one's name, what it does, its arguments (from which its
//! `inputSchema` is written and against which a call is checked) and the gateway operation
//! it runs (`call.rs`).

use serde_json::{Map, Value, json};

use crate::protocol::mcp::{RpcError, Tool};

/// The JSON type of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Object,
    Boolean,
    /// Any JSON value.
    Json,
}

impl Kind {
    fn schema(self) -> Value {
        match self {
            Kind::Text => json!({"type": "string"}),
            Kind::Integer => json!({"type": "integer", "minimum": 0}),
            Kind::Object => json!({"type": "object"}),
            Kind::Boolean => json!({"type": "boolean"}),
            Kind::Json => json!({}),
        }
    }

    fn admits(self, value: &Value) -> bool {
        match self {
            Kind::Text => value.is_string(),
            Kind::Integer => value.is_u64(),
            Kind::Object => value.is_object(),
            Kind::Boolean => value.is_boolean(),
            Kind::Json => true,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Text => "a string",
            Kind::Integer => "a non-negative integer",
            Kind::Object => "an object",
            Kind::Boolean => "true or false",
            Kind::Json => "any JSON",
        }
    }
}

/// One argument of a tool.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub about: &'static str,
}

const fn req(name: &'static str, kind: Kind, about: &'static str) -> Arg {
    Arg {
        name,
        kind,
        required: true,
        about,
    }
}

const fn opt(name: &'static str, kind: Kind, about: &'static str) -> Arg {
    Arg {
        name,
        kind,
        required: false,
        about,
    }
}

/// What a tool does in the gateway (`call.rs` runs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// A send whose result lands in the owner's inbox unless `reply_to` says otherwise.
    Send,
    /// `POST /v1/intents` as it is.
    SendAsIs,
    SendMessage,
    GetIntent,
    ListIntents,
    Resolve,
    Resume,
    Cancel,
    ListInbox,
    GetThread,
    Reply,
    CheckNick,
    RegisterNick,
    ResolveNick,
}

pub struct ToolDef {
    pub name: &'static str,
    pub about: &'static str,
    pub args: &'static [Arg],
    pub op: Op,
}

/// Arguments every tool takes (the Python SDK adds them to any call).
pub const COMMON: [Arg; 2] = [
    opt(
        "owner_agent",
        Kind::Text,
        "The agent to act for (agent://org/workspace/name or a name of your workspace); \
         default: the key's own agent",
    ),
    opt(
        "idempotency_key",
        Kind::Text,
        "Makes a retried write happen once (1 to 255 visible ASCII characters)",
    ),
];

const SEND_ARGS: &[Arg] = &[
    req(
        "to_agent",
        Kind::Text,
        "The receiving agent: agent://org/workspace/name, a name of your workspace, or a \
         nick (@alice, alice@ax)",
    ),
    opt(
        "intent_type",
        Kind::Text,
        "The kind of work, e.g. invoice.approve.v1 (default axme.message.v1)",
    ),
    opt("payload", Kind::Object, "The work's input (default {})"),
    opt(
        "reply_to",
        Kind::Text,
        "Whose inbox gets the result (default: owner_agent)",
    ),
    opt(
        "deadline_seconds",
        Kind::Integer,
        "Ends the intent TIMED_OUT if unfinished after this many seconds",
    ),
    opt("correlation_id", Kind::Text, "Your own id for the work"),
];

const INTENT_ID: Arg = req("intent_id", Kind::Text, "The intent's id (a UUID)");
const THREAD_ID: Arg = req("thread_id", Kind::Text, "The inbox thread's id");
const NICK: Arg = req("nick", Kind::Text, "The nick, e.g. @alice");

pub const TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "axme.send",
        about: "Send a durable intent (a piece of work) to an agent; answers its intent_id. \
                The result lands in owner_agent's inbox unless reply_to says otherwise.",
        args: SEND_ARGS,
        op: Op::Send,
    },
    ToolDef {
        name: "axme.intents_send",
        about: "Send a durable intent exactly as POST /v1/intents takes it \
                (intent_type, to_agent and payload required).",
        args: &[
            req(
                "intent_type",
                Kind::Text,
                "The kind of work, e.g. invoice.approve.v1",
            ),
            req("to_agent", Kind::Text, "The receiving agent"),
            req("payload", Kind::Object, "The work's input"),
            opt("reply_to", Kind::Text, "Whose inbox gets the result"),
            opt("deadline_seconds", Kind::Integer, "Deadline in seconds"),
            opt("correlation_id", Kind::Text, "Your own id for the work"),
        ],
        op: Op::SendAsIs,
    },
    ToolDef {
        name: "axme.send_message",
        about: "Send a text message to an agent (an intent of type axme.message.v1 with \
                payload {text}).",
        args: &[
            req(
                "to_agent",
                Kind::Text,
                "The receiving agent (an address, a name, or a nick: @alice)",
            ),
            req("text", Kind::Text, "The message"),
            opt("reply_to", Kind::Text, "Whose inbox gets the answer"),
        ],
        op: Op::SendMessage,
    },
    ToolDef {
        name: "axme.get_intent",
        about: "An intent's current state and its lifecycle events (seq > since).",
        args: &[
            INTENT_ID,
            opt(
                "since",
                Kind::Integer,
                "Only events after this seq (default 0: all)",
            ),
        ],
        op: Op::GetIntent,
    },
    ToolDef {
        name: "axme.list_intents",
        about: "Intents you sent or receive (newest first).",
        args: &[
            opt(
                "status",
                Kind::Text,
                "Only these statuses, comma-separated (e.g. WAITING,IN_PROGRESS)",
            ),
            opt("to_agent", Kind::Text, "Only intents to this agent"),
            opt(
                "limit",
                Kind::Integer,
                "At most this many (1 to 500, default 50)",
            ),
        ],
        op: Op::ListIntents,
    },
    ToolDef {
        name: "axme.resolve_intent",
        about: "End an intent: COMPLETED with a result, FAILED with an error, or CANCELED.",
        args: &[
            INTENT_ID,
            req("status", Kind::Text, "COMPLETED, FAILED or CANCELED"),
            opt("result", Kind::Json, "The result (COMPLETED)"),
            opt("error", Kind::Json, "What went wrong (FAILED)"),
            opt("reason", Kind::Text, "Why, in words"),
        ],
        op: Op::Resolve,
    },
    ToolDef {
        name: "axme.resume_intent",
        about: "Answer a delivered intent (action complete|fail|in_progress with a result) \
                or a human task waiting on it (task_result {outcome, comment, …}).",
        args: &[
            INTENT_ID,
            opt("action", Kind::Text, "complete, fail or in_progress"),
            opt("result", Kind::Json, "The result of the work"),
            opt("reason", Kind::Text, "Why it failed (action fail)"),
            opt(
                "task_result",
                Kind::Object,
                "A human task's answer, e.g. {\"outcome\": \"approved\"}",
            ),
            opt("outcome", Kind::Text, "success or failure (the SDKs' form)"),
            opt(
                "approve_current_step",
                Kind::Boolean,
                "Continue a workflow waiting at a human gate",
            ),
        ],
        op: Op::Resume,
    },
    ToolDef {
        name: "axme.cancel_intent",
        about: "Cancel an intent that has not finished.",
        args: &[INTENT_ID, opt("reason", Kind::Text, "Why")],
        op: Op::Cancel,
    },
    ToolDef {
        name: "axme.list_inbox",
        about: "Threads in owner_agent's inbox: results of intents sent with reply_to, \
                replies and messages.",
        args: &[opt("status", Kind::Text, "Only threads with this status")],
        op: Op::ListInbox,
    },
    ToolDef {
        name: "axme.list_threads",
        about: "The same as axme.list_inbox.",
        args: &[opt("status", Kind::Text, "Only threads with this status")],
        op: Op::ListInbox,
    },
    ToolDef {
        name: "axme.get_thread",
        about: "One inbox thread with its messages.",
        args: &[THREAD_ID],
        op: Op::GetThread,
    },
    ToolDef {
        name: "axme.reply",
        about: "Reply in an inbox thread (a new thread id starts a thread).",
        args: &[THREAD_ID, req("message", Kind::Text, "The reply")],
        op: Op::Reply,
    },
    ToolDef {
        name: "axme.check_nick",
        about: "Whether a nick is free to register (GET /v1/users/check-nick).",
        args: &[NICK],
        op: Op::CheckNick,
    },
    ToolDef {
        name: "axme.register_nick",
        about: "Register a nick for owner_agent, so others can send to it as @nick \
                (POST /v1/users/register-nick).",
        args: &[
            NICK,
            opt("display_name", Kind::Text, "A name to show beside the nick"),
        ],
        op: Op::RegisterNick,
    },
    ToolDef {
        name: "axme.resolve_nick",
        about: "The agent a nick names (GET /v1/users/resolve-nick); status \
                contact_not_found when nobody holds it.",
        args: &[NICK],
        op: Op::ResolveNick,
    },
];

pub fn find(name: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|t| t.name == name)
}

impl ToolDef {
    fn all_args(&self) -> impl Iterator<Item = &Arg> {
        self.args.iter().chain(COMMON.iter())
    }

    /// The tool as `tools/list` shows it.
    pub fn describe(&self) -> Tool {
        let mut properties = Map::new();
        for arg in self.all_args() {
            let mut schema = arg.kind.schema();
            schema["description"] = Value::String(arg.about.to_string());
            properties.insert(arg.name.to_string(), schema);
        }
        let required: Vec<&str> = self
            .args
            .iter()
            .filter(|a| a.required)
            .map(|a| a.name)
            .collect();
        Tool {
            name: self.name.to_string(),
            description: self.about.to_string(),
            input_schema: json!({
                "type": "object",
                "properties": properties,
                "required": required,
            }),
        }
    }

    /// Checks `arguments` against the tool's arguments: an object, every required one
    /// present and not null, each of its type. Unknown arguments are ignored (§10.1).
    pub fn check(&self, arguments: &Value) -> Result<(), RpcError> {
        let Some(map) = arguments.as_object() else {
            return Err(RpcError::invalid_field("arguments", "must be an object"));
        };
        for arg in self.all_args() {
            match map.get(arg.name) {
                None | Some(Value::Null) if arg.required => {
                    return Err(RpcError::invalid_field(arg.name, "is required"));
                }
                None | Some(Value::Null) => {}
                Some(value) if !arg.kind.admits(value) => {
                    return Err(RpcError::invalid_field(
                        arg.name,
                        format!("must be {}", arg.kind.name()),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The arguments this tool defines (common ones left out), as a request body.
    pub fn body(&self, arguments: &Value) -> Value {
        let mut body = Map::new();
        if let Some(map) = arguments.as_object() {
            for arg in self.args {
                if let Some(value) = map.get(arg.name).filter(|v| !v.is_null()) {
                    body.insert(arg.name.to_string(), value.clone());
                }
            }
        }
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_schemas_list_their_required_arguments() {
        let mut names: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len());
        let send = find("axme.send").unwrap().describe();
        assert_eq!(send.input_schema["required"], json!(["to_agent"]));
        assert_eq!(
            send.input_schema["properties"]["owner_agent"]["type"],
            "string"
        );
    }

    #[test]
    fn a_bad_argument_is_named() {
        let send = find("axme.send").unwrap();
        let field = |args: Value| send.check(&args).unwrap_err().data["field"].clone();
        assert_eq!(field(json!({})), "to_agent");
        assert_eq!(field(json!({"to_agent": 5})), "to_agent");
        assert_eq!(field(json!({"to_agent": "a", "payload": []})), "payload");
        assert_eq!(
            field(json!({"to_agent": "a", "deadline_seconds": -1})),
            "deadline_seconds"
        );
        assert_eq!(
            field(json!({"to_agent": "a", "owner_agent": 1})),
            "owner_agent"
        );
        assert_eq!(field(json!([1])), "arguments");
        assert!(send.check(&json!({"to_agent": "a", "extra": 1})).is_ok());
    }
}
