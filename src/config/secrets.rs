//! Secrets per context (`api_key`, `actor_token`, `refresh_token`): in the OS keyring when one
//! is usable, else in `secrets.json` (mode 0600, written atomically).
//!
//! The keyring entries use the public CLI's names (service `axme-cli`, account
//! `context:<name>:<field>`) and secrets.json its layout (`{"<context>": {"api_key": ...}}`), so
//! both tools find each other's credentials.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{ConfigError, contexts::corrupt, env, write_atomic};

const KEYRING_SERVICE: &str = "axme-cli";
const FIELDS: [&str; 3] = ["api_key", "actor_token", "refresh_token"];

/// The secrets of one context. `None` and blank mean "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextSecrets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl ContextSecrets {
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none() && self.actor_token.is_none() && self.refresh_token.is_none()
    }

    /// Drop blank values so "set but empty" never counts as a credential.
    fn normalized(mut self) -> Self {
        for value in [
            &mut self.api_key,
            &mut self.actor_token,
            &mut self.refresh_token,
        ] {
            *value = value
                .take()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty());
        }
        self
    }

    fn field(&self, name: &str) -> Option<&String> {
        match name {
            "api_key" => self.api_key.as_ref(),
            "actor_token" => self.actor_token.as_ref(),
            _ => self.refresh_token.as_ref(),
        }
    }

    fn field_mut(&mut self, name: &str) -> &mut Option<String> {
        match name {
            "api_key" => &mut self.api_key,
            "actor_token" => &mut self.actor_token,
            _ => &mut self.refresh_token,
        }
    }
}

/// What `AXME_SECRET_STORAGE` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageChoice {
    /// Unset: the keyring if usable, else the file (with a one-time notice).
    Auto,
    Keyring,
    File,
}

impl StorageChoice {
    pub fn from_env() -> Result<Self, ConfigError> {
        match env::get(env::SECRET_STORAGE).map(|v| v.to_ascii_lowercase()) {
            None => Ok(StorageChoice::Auto),
            Some(v) if v == "keyring" => Ok(StorageChoice::Keyring),
            Some(v) if v == "file" => Ok(StorageChoice::File),
            Some(value) => Err(ConfigError::BadStorageChoice { value }),
        }
    }
}

/// Where secrets actually go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretBackend {
    Keyring,
    File,
}

impl SecretBackend {
    pub fn name(self) -> &'static str {
        match self {
            SecretBackend::Keyring => "keyring",
            SecretBackend::File => "file",
        }
    }
}

#[derive(Debug)]
pub struct SecretStore {
    backend: SecretBackend,
    choice: StorageChoice,
    file: PathBuf,
    fallback_reason: Option<String>,
}

impl SecretStore {
    /// Pick the backend. With [`StorageChoice::Auto`] the keyring is probed once (a read of an
    /// entry that does not exist: "no entry" means it works, anything else means it does not).
    pub fn open(choice: StorageChoice, secrets_file: PathBuf) -> Result<Self, ConfigError> {
        let (backend, fallback_reason) = match choice {
            StorageChoice::File => (SecretBackend::File, None),
            StorageChoice::Keyring => {
                probe_keyring().map_err(|detail| ConfigError::Keyring { detail })?;
                (SecretBackend::Keyring, None)
            }
            StorageChoice::Auto => match probe_keyring() {
                Ok(()) => (SecretBackend::Keyring, None),
                Err(reason) => (SecretBackend::File, Some(reason)),
            },
        };
        Ok(SecretStore {
            backend,
            choice,
            file: secrets_file,
            fallback_reason,
        })
    }

    pub fn backend(&self) -> SecretBackend {
        self.backend
    }

    /// Why the keyring was not used although nobody asked for the file store.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    pub fn file_path(&self) -> &Path {
        &self.file
    }

    pub fn load(&self, context: &str) -> Result<ContextSecrets, ConfigError> {
        match self.backend {
            SecretBackend::File => Ok(self.read_file()?.remove(context).unwrap_or_default()),
            SecretBackend::Keyring => {
                let found = keyring_load(context)?;
                // Chosen automatically: secrets a file store (ours or the public CLI's) kept
                // before still count, read-only, until the context is saved again.
                if found.is_empty() && self.choice == StorageChoice::Auto && self.file.exists() {
                    return Ok(self.read_file()?.remove(context).unwrap_or_default());
                }
                Ok(found)
            }
        }
    }

    /// Replace the context's secrets (fields that are `None` are removed).
    pub fn store(&self, context: &str, secrets: &ContextSecrets) -> Result<(), ConfigError> {
        let secrets = secrets.clone().normalized();
        match self.backend {
            SecretBackend::File => {
                let mut all = self.read_file()?;
                if secrets.is_empty() {
                    all.remove(context);
                } else {
                    all.insert(context.to_string(), secrets);
                }
                self.write_file(&all)
            }
            SecretBackend::Keyring => {
                keyring_store(context, &secrets)?;
                self.forget_in_file(context)
            }
        }
    }

    /// Remove every secret of the context, wherever it is.
    pub fn delete(&self, context: &str) -> Result<(), ConfigError> {
        if self.backend == SecretBackend::Keyring {
            keyring_store(context, &ContextSecrets::default())?;
        }
        self.forget_in_file(context)
    }

    fn forget_in_file(&self, context: &str) -> Result<(), ConfigError> {
        if !self.file.exists() {
            return Ok(());
        }
        let mut all = self.read_file()?;
        if all.remove(context).is_some() {
            self.write_file(&all)?;
        }
        Ok(())
    }

    fn read_file(&self) -> Result<BTreeMap<String, ContextSecrets>, ConfigError> {
        let text = match std::fs::read_to_string(&self.file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(ConfigError::io(&self.file, "read", e)),
        };
        if text.trim().is_empty() {
            return Ok(BTreeMap::new());
        }
        let all: BTreeMap<String, ContextSecrets> =
            serde_json::from_str(&text).map_err(|e| corrupt(&self.file, &e))?;
        Ok(all
            .into_iter()
            .map(|(name, s)| (name, s.normalized()))
            .collect())
    }

    fn write_file(&self, all: &BTreeMap<String, ContextSecrets>) -> Result<(), ConfigError> {
        let mut bytes = serde_json::to_vec_pretty(all).map_err(|e| ConfigError::Invalid {
            what: "secrets".into(),
            detail: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomic(&self.file, &bytes)
    }
}

fn keyring_entry(context: &str, field: &str) -> Result<keyring::Entry, ConfigError> {
    keyring::Entry::new(KEYRING_SERVICE, &format!("context:{context}:{field}")).map_err(|e| {
        ConfigError::Keyring {
            detail: e.to_string(),
        }
    })
}

fn probe_keyring() -> Result<(), String> {
    let entry = keyring::Entry::new(KEYRING_SERVICE, "axme-probe:does-not-exist")
        .map_err(|e| e.to_string())?;
    match entry.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

fn keyring_load(context: &str) -> Result<ContextSecrets, ConfigError> {
    let mut secrets = ContextSecrets::default();
    for field in FIELDS {
        match keyring_entry(context, field)?.get_password() {
            Ok(value) => *secrets.field_mut(field) = Some(value),
            Err(keyring::Error::NoEntry) => {}
            Err(e) => {
                return Err(ConfigError::Keyring {
                    detail: e.to_string(),
                });
            }
        }
    }
    Ok(secrets.normalized())
}

fn keyring_store(context: &str, secrets: &ContextSecrets) -> Result<(), ConfigError> {
    for field in FIELDS {
        let entry = keyring_entry(context, field)?;
        let result = match secrets.field(field) {
            Some(value) => entry.set_password(value),
            None => match entry.delete_credential() {
                Err(keyring::Error::NoEntry) => Ok(()),
                other => other,
            },
        };
        result.map_err(|e| ConfigError::Keyring {
            detail: e.to_string(),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_store(dir: &Path) -> SecretStore {
        SecretStore::open(StorageChoice::File, dir.join("secrets.json")).unwrap()
    }

    #[test]
    fn file_store_round_trip_keeps_other_contexts() {
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(dir.path());
        let a = ContextSecrets {
            api_key: Some("key-a".into()),
            ..Default::default()
        };
        let b = ContextSecrets {
            refresh_token: Some(" rt ".into()),
            ..Default::default()
        };
        store.store("a", &a).unwrap();
        store.store("b", &b).unwrap();
        assert_eq!(store.load("a").unwrap(), a);
        assert_eq!(
            store.load("b").unwrap().refresh_token.as_deref(),
            Some("rt")
        );
        store.delete("a").unwrap();
        assert!(store.load("a").unwrap().is_empty());
        assert!(!store.load("b").unwrap().is_empty());
    }

    #[test]
    fn corrupt_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secrets.json"), "{nope").unwrap();
        let err = file_store(dir.path()).load("a").unwrap_err().to_string();
        assert!(err.contains("secrets.json"), "{err}");
    }
}
