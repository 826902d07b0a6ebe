//! `scenario-agents.json`: API keys of agents provisioned by `scenarios apply`, kept so the
//! built-in agents of `examples run` can act as them. Mode 0600, upsert by (address, base_url).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ConfigError, contexts::corrupt, write_atomic};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioAgent {
    pub address: String,
    #[serde(default)]
    pub service_account_id: String,
    #[serde(default)]
    pub key_id: String,
    #[serde(default)]
    pub api_key: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioAgents {
    #[serde(default)]
    pub agents: Vec<ScenarioAgent>,
}

impl ScenarioAgents {
    /// Read the file; missing or empty means no agents. A corrupt file is an error naming it
    /// (rather than silently starting over and losing the keys in it).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) if text.trim().is_empty() => Ok(Self::default()),
            Ok(text) => serde_json::from_str(&text).map_err(|e| corrupt(path, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(ConfigError::io(path, "read", e)),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| ConfigError::Invalid {
            what: "scenario agents".into(),
            detail: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomic(path, &bytes)
    }

    /// Replace the entry with the same address and base URL, or append a new one.
    pub fn upsert(&mut self, agent: ScenarioAgent) {
        match self
            .agents
            .iter_mut()
            .find(|a| a.address == agent.address && a.base_url == agent.base_url)
        {
            Some(existing) => *existing = agent,
            None => self.agents.push(agent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(address: &str, base_url: &str, key: &str) -> ScenarioAgent {
        ScenarioAgent {
            address: address.into(),
            base_url: base_url.into(),
            api_key: key.into(),
            ..Default::default()
        }
    }

    #[test]
    fn upsert_replaces_same_address_and_base_url() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scenario-agents.json");
        let mut agents = ScenarioAgents::load(&path).unwrap();
        agents.upsert(agent("agent://o/w/a", "http://x", "k1"));
        agents.upsert(agent("agent://o/w/a", "http://x", "k2"));
        agents.upsert(agent("agent://o/w/a", "http://y", "k3"));
        agents.save(&path).unwrap();
        let agents = ScenarioAgents::load(&path).unwrap();
        assert_eq!(agents.agents.len(), 2);
        let key_at = |base_url: &str| {
            let found = agents.agents.iter().find(|a| a.base_url == base_url);
            found.map(|a| a.api_key.as_str())
        };
        assert_eq!(key_at("http://x"), Some("k2"));
        assert_eq!(key_at("http://y"), Some("k3"));
    }
}
