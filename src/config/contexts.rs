//! `config.json`: the stored contexts, in the public CLI's layout, and never a secret.
//!
//! Layout: `{"active_context": "...", "contexts": {"<name>": {"base_url", "org_id",
//! "workspace_id", "owner_agent", "environment", "secret_store"}}}`. `secret_store` (`keyring`
//! or `file`) is ours: where the context's secrets are; a context without it (written by an
//! older version or the public CLI) has them looked up. Unknown keys (e.g. the public CLI's
//! `last_login_email`) are kept on rewrite.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ConfigError, ContextSecrets, SecretBackend, write_atomic};

/// Where the gateway is when nothing says otherwise: a local `axme server`.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8100";
/// The name of the context used when none is active.
pub const DEFAULT_CONTEXT_NAME: &str = "default";

/// One stored context: where the gateway is and who we are there. Secrets live elsewhere.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StoredContext {
    #[serde(default)]
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// A PEM file of certificates to trust for this gateway beside the built-in roots (a
    /// private CA, or the gateway's self-signed certificate); an absolute path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<String>,
    /// Which store holds the context's secrets (never a secret itself); see
    /// [`StoredContext::secret_store`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_store: Option<String>,
    /// Secrets an old config.json may hold: read (so they keep working) but never written back;
    /// [`ConfigFile::take_legacy_secrets`] moves them to the secret store on the next save.
    #[serde(default, skip_serializing)]
    api_key: Option<String>,
    #[serde(default, skip_serializing)]
    actor_token: Option<String>,
    #[serde(default, skip_serializing)]
    bearer_token: Option<String>,
    /// Keys we do not know, kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl StoredContext {
    pub fn new(base_url: impl Into<String>) -> Self {
        StoredContext {
            base_url: base_url.into(),
            ..Default::default()
        }
    }

    /// The store config.json records for the context's secrets; `None` when it has none, or
    /// names one this version does not know.
    pub fn secret_store(&self) -> Option<SecretBackend> {
        self.secret_store.as_deref().and_then(SecretBackend::parse)
    }

    pub fn set_secret_store(&mut self, backend: Option<SecretBackend>) {
        self.secret_store = backend.map(|b| b.name().to_string());
    }

    /// Secrets found in an old config.json for this context, if any.
    pub fn legacy_secrets(&self) -> ContextSecrets {
        ContextSecrets {
            api_key: clean(&self.api_key),
            actor_token: clean(&self.actor_token).or_else(|| clean(&self.bearer_token)),
            refresh_token: None,
        }
    }
}

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The whole config.json.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ConfigFile {
    #[serde(default)]
    pub active_context: String,
    #[serde(default)]
    pub contexts: BTreeMap<String, StoredContext>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConfigFile {
    /// Read config.json. A missing or empty file is an empty config (nothing is written just by
    /// reading); a file that is not our JSON is an error naming it, and is left untouched.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(ConfigError::io(path, "read", e)),
        };
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let mut config: Self = serde_json::from_str(&text).map_err(|e| corrupt(path, &e))?;
        // Earlier versions showed the file-store notice once and remembered it here; it now
        // shows on every write that falls back, so the flag goes on the next save.
        config.extra.remove("file_store_notice_seen");
        Ok(config)
    }

    /// Write config.json atomically (0600). Legacy secrets are never serialized.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| ConfigError::Invalid {
            what: "configuration".into(),
            detail: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomic(path, &bytes)
    }

    /// The active context's name, if one is set.
    pub fn active(&self) -> Option<&str> {
        Some(self.active_context.trim()).filter(|name| !name.is_empty())
    }

    pub fn get(&self, name: &str) -> Option<&StoredContext> {
        self.contexts.get(name)
    }

    /// Remove and return secrets an old config.json held, so the caller can store them properly.
    pub fn take_legacy_secrets(&mut self) -> Vec<(String, ContextSecrets)> {
        let mut found = Vec::new();
        for (name, context) in &mut self.contexts {
            let secrets = context.legacy_secrets();
            if !secrets.is_empty() {
                found.push((name.clone(), secrets));
            }
            context.api_key = None;
            context.actor_token = None;
            context.bearer_token = None;
        }
        found
    }
}

pub(crate) fn corrupt(path: &Path, err: &serde_json::Error) -> ConfigError {
    ConfigError::Corrupt {
        path: PathBuf::from(path),
        detail: format!("not valid JSON of the expected shape ({err}); fix or move the file away"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_public_cli_layout_and_keeps_unknown_keys() {
        let text = r#"{"active_context":"prod","contexts":{"prod":{"base_url":"https://x","org_id":"o","api_key":"k","future":1}},"last_login_email":"a@b"}"#;
        let mut config: ConfigFile = serde_json::from_str(text).unwrap();
        assert_eq!(config.active(), Some("prod"));
        assert_eq!(
            config
                .get("prod")
                .unwrap()
                .legacy_secrets()
                .api_key
                .as_deref(),
            Some("k")
        );
        let legacy = config.take_legacy_secrets();
        assert_eq!(legacy.len(), 1);
        let out = serde_json::to_string(&config).unwrap();
        assert!(!out.contains("\"k\""), "{out}");
        assert!(
            out.contains("last_login_email") && out.contains("future"),
            "{out}"
        );
    }

    #[test]
    fn legacy_secrets_are_never_serialized() {
        let text = r#"{"contexts":{"a":{"base_url":"u","api_key":"secret","actor_token":"t"}}}"#;
        let config: ConfigFile = serde_json::from_str(text).unwrap();
        let out = serde_json::to_string(&config).unwrap();
        assert!(!out.contains("secret") && !out.contains("\"t\""), "{out}");
    }
}
