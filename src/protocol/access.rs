//! Who may do what (issue 10): an account's role, a key's scopes, an agent's receive policy.
//! The vocabulary only; the gateway's decisions live in `server::engine::access`.
//!
//! - A **role** belongs to an account and bounds what it sees: an `admin` sees its whole
//!   workspace; a `member` (a person signed in by email) and an `agent` (a machine) see the
//!   intents they sent or that are addressed to them — which covers a workflow's step
//!   intents for the agent that handles them and a workflow's human tasks for whoever
//!   started it.
//! - A **scope** belongs to a key and bounds what it may do. A key holds the scopes it was
//!   created with, never more than its account's role allows; a key created without a list
//!   holds them all.
//! - A **receive policy** belongs to an agent and says which senders of *other* workspaces
//!   may send to it (its own workspace always may).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// An account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees and manages its workspace: accounts, keys, agents, policies, every intent.
    Admin,
    /// A person: sends intents, answers tasks, sees its own intents.
    Member,
    /// A machine: receives and answers intents addressed to it, sends its own.
    Agent,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Member, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Agent => "agent",
        }
    }

    /// The most a key of this role may hold (and what a key made without a list holds).
    pub fn ceiling(self) -> Scopes {
        match self {
            Role::Admin => Scopes::ALL,
            Role::Member | Role::Agent => Scopes::of(&[
                Scope::IntentsRead,
                Scope::IntentsWrite,
                Scope::AgentsRead,
                Scope::Deliveries,
                Scope::Tasks,
                Scope::Inbox,
                Scope::Webhooks,
            ]),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("'{s}' is not a role (admin, member or agent)"))
    }
}

/// One permission a key may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Read intents, their events and event streams (within what the role sees).
    IntentsRead,
    /// Send, resolve, resume and cancel intents; apply scenarios.
    IntentsWrite,
    /// Read the agents registry and service accounts.
    AgentsRead,
    /// Create workspaces, service accounts and keys; change agents' delivery and receive
    /// policies; create or change agents from a scenario.
    AgentsAdmin,
    /// Listen on an agent delivery stream.
    Deliveries,
    /// List human tasks and answer them.
    Tasks,
    /// Read inbox threads.
    Inbox,
    /// Subscribe to, raise and replay webhook events of the agents the key acts for.
    Webhooks,
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Scope::IntentsRead,
        Scope::IntentsWrite,
        Scope::AgentsRead,
        Scope::AgentsAdmin,
        Scope::Deliveries,
        Scope::Tasks,
        Scope::Inbox,
        Scope::Webhooks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::IntentsRead => "intents:read",
            Scope::IntentsWrite => "intents:write",
            Scope::AgentsRead => "agents:read",
            Scope::AgentsAdmin => "agents:admin",
            Scope::Deliveries => "deliveries",
            Scope::Tasks => "tasks",
            Scope::Inbox => "inbox",
            Scope::Webhooks => "webhooks",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
                format!("'{s}' is not a scope (one of {})", known.join(", "))
            })
    }
}

/// A set of scopes. On the wire a JSON array of names; stored as the names joined by
/// spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scopes(u16);

impl Scopes {
    pub const ALL: Scopes = Scopes((1 << Scope::ALL.len()) - 1);

    pub fn of(scopes: &[Scope]) -> Scopes {
        Scopes(scopes.iter().fold(0, |bits, s| bits | s.bit()))
    }

    pub fn has(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn intersect(self, other: Scopes) -> Scopes {
        Scopes(self.0 & other.0)
    }

    pub fn is_subset_of(self, other: Scopes) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.has(*s))
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Scope::as_str).collect()
    }

    /// A key's stored scopes: `None` (NULL) holds all its role allows; a list that no
    /// longer reads (a scope this build does not know) holds only the names it knows.
    pub fn from_stored(stored: Option<&str>) -> Option<Scopes> {
        stored.map(|s| {
            Scopes::of(
                &s.split([' ', ','])
                    .filter_map(|p| p.parse::<Scope>().ok())
                    .collect::<Vec<_>>(),
            )
        })
    }

    /// Parses names separated by spaces or commas.
    pub fn parse_list(s: &str) -> Result<Scopes, String> {
        s.split([' ', ','])
            .filter(|p| !p.trim().is_empty())
            .map(Scope::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(|list| Scopes::of(&list))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(" "))
    }
}

/// In `/openapi.json`: the scope names, as serialized.
impl utoipa::PartialSchema for Scopes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
        ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .into()
    }
}

impl utoipa::ToSchema for Scopes {}

impl Serialize for Scopes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Scopes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        Scopes::parse_list(&names.join(" ")).map_err(serde::de::Error::custom)
    }
}

/// Which senders of other workspaces an agent accepts (spec §3.11 agent policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PolicyType {
    /// Any sender of this gateway.
    Open,
    /// Only senders matching an entry.
    Allowlist,
    /// Any sender but those matching an entry.
    Denylist,
    /// No sender of another workspace: the default.
    Closed,
}

impl PolicyType {
    pub const ALL: [PolicyType; 4] = [
        PolicyType::Open,
        PolicyType::Allowlist,
        PolicyType::Denylist,
        PolicyType::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Open => "open",
            PolicyType::Allowlist => "allowlist",
            PolicyType::Denylist => "denylist",
            PolicyType::Closed => "closed",
        }
    }
}

impl FromStr for PolicyType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyType::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("'{s}' is not a policy type (open, allowlist, denylist, closed)")
            })
    }
}

/// One sender pattern of a receive policy: an address (`agent://org/ws/name`), every agent
/// of a workspace (`agent://org/ws/*`) or of an org (`agent://org/*`), or `*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyEntry {
    pub entry_id: String,
    pub sender_pattern: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// An agent's receive policy as `GET|PUT /v1/agents/{address}/policy` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReceivePolicy {
    pub address: String,
    pub policy_type: PolicyType,
    #[serde(default)]
    pub entries: Vec<PolicyEntry>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// The answer of every receive-policy route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyResponse {
    pub ok: bool,
    pub policy: ReceivePolicy,
}

/// `PUT /v1/agents/{address}/policy` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PutPolicyRequest {
    pub policy_type: PolicyType,
    /// Sender patterns replacing the current entries (at most 1,000); absent: kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<String>>,
}

/// `POST /v1/agents/{address}/policy/entries` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AddPolicyEntryRequest {
    /// `agent://org/ws/name`, `agent://org/ws/*`, `agent://org/*` or `*`.
    pub sender_pattern: String,
}

impl ReceivePolicy {
    /// The policy of an agent that never set one: closed to other workspaces.
    pub fn default_for(address: &str) -> ReceivePolicy {
        ReceivePolicy {
            address: address.to_string(),
            policy_type: PolicyType::Closed,
            entries: Vec::new(),
            updated_at: None,
        }
    }
}

/// Whether `pattern` names `sender` (a full `agent://org/ws/name` address).
pub fn pattern_matches(pattern: &str, sender: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == "*" {
        return true;
    }
    let scheme = super::address::SCHEME;
    let pattern = pattern.strip_prefix(scheme).unwrap_or(pattern);
    let sender = sender.strip_prefix(scheme).unwrap_or(sender);
    match pattern.strip_suffix("/*") {
        Some(prefix) => sender
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/')),
        None => pattern == sender,
    }
}

/// Whether `pattern` is one this gateway understands.
pub fn valid_pattern(pattern: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == "*" {
        return true;
    }
    let rest = pattern
        .strip_prefix(super::address::SCHEME)
        .unwrap_or(pattern);
    let parts: Vec<&str> = rest.split('/').collect();
    let segment = |p: &&str| {
        !p.is_empty()
            && p.len() <= 63
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    };
    match parts.as_slice() {
        [org, "*"] => segment(org),
        [org, ws, "*"] => segment(org) && segment(ws),
        [org, ws, name] => segment(org) && segment(ws) && segment(name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_print_and_bound() {
        let s = Scopes::parse_list("intents:read, tasks").unwrap();
        assert!(s.has(Scope::IntentsRead) && s.has(Scope::Tasks));
        assert!(!s.has(Scope::IntentsWrite));
        assert_eq!(s.to_string(), "intents:read tasks");
        assert!(Scopes::parse_list("intents:delete").is_err());
        assert!(s.is_subset_of(Role::Agent.ceiling()));
        assert!(!Scopes::of(&[Scope::AgentsAdmin]).is_subset_of(Role::Member.ceiling()));
        assert_eq!(Role::Admin.ceiling(), Scopes::ALL);
        assert_eq!(Scopes::ALL.iter().count(), Scope::ALL.len());
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"["intents:read","tasks"]"#);
        assert_eq!(serde_json::from_str::<Scopes>(&json).unwrap(), s);
    }

    #[test]
    fn roles_parse() {
        assert_eq!("Member".parse::<Role>().unwrap(), Role::Member);
        assert!("owner".parse::<Role>().is_err());
    }

    #[test]
    fn patterns_match_addresses_workspaces_and_orgs() {
        let sender = "agent://acme/ops/bot";
        assert!(pattern_matches("*", sender));
        assert!(pattern_matches("agent://acme/ops/bot", sender));
        assert!(pattern_matches("acme/ops/bot", sender));
        assert!(pattern_matches("agent://acme/ops/*", sender));
        assert!(pattern_matches("agent://acme/*", sender));
        assert!(!pattern_matches("agent://acme/op/*", sender));
        assert!(!pattern_matches("agent://acm/*", sender));
        assert!(!pattern_matches("agent://acme/ops/bo", sender));
        for ok in ["*", "agent://a/*", "agent://a/b/*", "a/b/c"] {
            assert!(valid_pattern(ok), "{ok}");
        }
        for bad in ["", "agent://*", "agent://a/b/c/d", "agent://A/b/c", "a/*/c"] {
            assert!(!valid_pattern(bad), "{bad}");
        }
    }
}
