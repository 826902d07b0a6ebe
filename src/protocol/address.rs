//! Agent addresses: `agent://<org>/<workspace>/<name>` (spec §2.6, §3.3).

use std::fmt;

pub const SCHEME: &str = "agent://";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgentAddress {
    pub org: String,
    pub workspace: String,
    pub name: String,
}

impl AgentAddress {
    pub fn new(org: &str, workspace: &str, name: &str) -> Self {
        AgentAddress {
            org: org.to_string(),
            workspace: workspace.to_string(),
            name: name.to_string(),
        }
    }

    /// Parses a full address, with or without the `agent://` scheme, or with it
    /// URL-encoded (`agent%3A%2F%2F…`). A bare name is not an address: see [`AgentRef`].
    pub fn parse(s: &str) -> Option<AgentAddress> {
        match AgentRef::parse(s)? {
            AgentRef::Full(a) => Some(a),
            AgentRef::Bare(_) => None,
        }
    }
}

impl fmt::Display for AgentAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SCHEME}{}/{}/{}", self.org, self.workspace, self.name)
    }
}

/// How clients name an agent: a full address, or a bare service-account name that the
/// server resolves in the caller's workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentRef {
    Full(AgentAddress),
    Bare(String),
}

impl AgentRef {
    pub fn parse(s: &str) -> Option<AgentRef> {
        let s = s.trim();
        let decoded;
        let s = if s.contains('%') {
            decoded = percent_decode(s);
            decoded.as_str()
        } else {
            s
        };
        let rest = s.strip_prefix(SCHEME).unwrap_or(s);
        let parts: Vec<&str> = rest.split('/').collect();
        let valid = |p: &str| {
            !p.is_empty()
                && p.len() <= 128
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match parts.as_slice() {
            [name] if valid(name) => Some(AgentRef::Bare(name.to_string())),
            [org, ws, name] if valid(org) && valid(ws) && valid(name) => {
                Some(AgentRef::Full(AgentAddress::new(org, ws, name)))
            }
            _ => None,
        }
    }
}

/// The canonical form of an inbox owner or `reply_to` (spec §7.5, §9.1), so an address is
/// stored exactly as it is later queried. Any `agent://` form is accepted: three segments
/// (`agent://org/workspace/name`, the scheme optional), two (`agent://org/name`, kept as
/// given) and one (a bare name, or `agent://name`, which means an agent of the workspace
/// `org`/`workspace` names). `None` when it is none of these.
pub fn inbox_address(raw: &str, org: &str, workspace: &str) -> Option<String> {
    let raw = raw.trim();
    let decoded;
    let raw = if raw.contains('%') {
        decoded = percent_decode(raw);
        decoded.as_str()
    } else {
        raw
    };
    let (schemed, rest) = match raw.strip_prefix(SCHEME) {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let parts: Vec<&str> = rest.split('/').collect();
    if !parts.iter().all(|p| valid_segment(p)) {
        return None;
    }
    match parts.as_slice() {
        [name] => Some(AgentAddress::new(org, workspace, name).to_string()),
        [a, b] if schemed => Some(format!("{SCHEME}{a}/{b}")),
        [o, w, n] => Some(AgentAddress::new(o, w, n).to_string()),
        _ => None,
    }
}

fn valid_segment(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 128
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let full = AgentAddress::new("acme", "prod", "report-api-demo");
        assert_eq!(
            AgentRef::parse("agent://acme/prod/report-api-demo"),
            Some(AgentRef::Full(full.clone()))
        );
        assert_eq!(
            AgentRef::parse("acme/prod/report-api-demo"),
            Some(AgentRef::Full(full.clone()))
        );
        assert_eq!(
            AgentRef::parse("agent%3A%2F%2Facme%2Fprod%2Freport-api-demo"),
            Some(AgentRef::Full(full.clone()))
        );
        assert_eq!(
            AgentRef::parse("report-api-demo"),
            Some(AgentRef::Bare("report-api-demo".into()))
        );
        assert_eq!(full.to_string(), "agent://acme/prod/report-api-demo");
        assert_eq!(AgentRef::parse("a/b"), None);
        assert_eq!(AgentRef::parse(""), None);
    }

    #[test]
    fn inbox_addresses_of_every_form_are_canonical() {
        let at = |raw| inbox_address(raw, "acme", "prod");
        assert_eq!(at("owner").as_deref(), Some("agent://acme/prod/owner"));
        assert_eq!(
            at("agent://owner").as_deref(),
            Some("agent://acme/prod/owner")
        );
        assert_eq!(
            at("agent://acme/owner").as_deref(),
            Some("agent://acme/owner")
        );
        assert_eq!(at("agent://a/b/c").as_deref(), Some("agent://a/b/c"));
        assert_eq!(at("a/b/c").as_deref(), Some("agent://a/b/c"));
        assert_eq!(at("agent%3A%2F%2Fa%2Fb").as_deref(), Some("agent://a/b"));
        for bad in [
            "",
            "a/b",
            "agent://",
            "agent://a//b",
            "agent://a/b/c/d",
            "sp ace",
        ] {
            assert_eq!(at(bad), None, "{bad:?}");
        }
    }
}
