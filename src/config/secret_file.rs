//! `secrets.json`: the file half of the secret store, in the public CLI's layout
//! (`{"<context>": {"api_key": ...}}`), mode 0600, replaced atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::secrets::ContextSecrets;
use super::{ConfigError, contexts::corrupt, write_atomic};

#[derive(Debug, Clone)]
pub struct SecretFile {
    path: PathBuf,
}

impl SecretFile {
    pub fn new(path: PathBuf) -> Self {
        SecretFile { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self, context: &str) -> Result<ContextSecrets, ConfigError> {
        Ok(self.read()?.remove(context).unwrap_or_default())
    }

    /// Replace the context's secrets, keeping every other context's.
    pub fn store(&self, context: &str, secrets: &ContextSecrets) -> Result<(), ConfigError> {
        let mut all = self.read()?;
        if secrets.is_empty() {
            if all.remove(context).is_none() {
                return Ok(());
            }
        } else {
            all.insert(context.to_string(), secrets.clone());
        }
        self.write(&all)
    }

    /// Remove the context's secrets (a missing file or context is fine).
    pub fn forget(&self, context: &str) -> Result<(), ConfigError> {
        if !self.path.exists() {
            return Ok(());
        }
        self.store(context, &ContextSecrets::default())
    }

    fn read(&self) -> Result<BTreeMap<String, ContextSecrets>, ConfigError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(ConfigError::io(&self.path, "read", e)),
        };
        if text.trim().is_empty() {
            return Ok(BTreeMap::new());
        }
        let all: BTreeMap<String, ContextSecrets> =
            serde_json::from_str(&text).map_err(|e| corrupt(&self.path, &e))?;
        Ok(all
            .into_iter()
            .map(|(name, s)| (name, s.normalized()))
            .collect())
    }

    fn write(&self, all: &BTreeMap<String, ContextSecrets>) -> Result<(), ConfigError> {
        let mut bytes = serde_json::to_vec_pretty(all).map_err(|e| ConfigError::Invalid {
            what: "secrets".into(),
            detail: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes)
    }
}
