//! Secrets per context (`api_key`, `actor_token`, `refresh_token`), each context's in exactly
//! one store: the OS keyring or `secrets.json` (mode 0600). config.json records which one
//! (the context's `secret_store`); a context without that record (an older config.json, or the
//! public CLI's) is looked up in both.
//!
//! Writes go where `AXME_SECRET_STORAGE` says: by default the keyring when there is one, else
//! the file (callers warn every time that happens). A write into the other store than the one
//! holding the context's secrets moves them: the new copy is written, config.json records it,
//! then [`SecretStore::finish`] removes the old copy. When the old copy is in a keyring that
//! cannot be used here it could not be removed, so such a write is refused instead.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::os_keyring::{self, KeyringState};
use super::secret_file::SecretFile;
use super::{ConfigError, ConfigPaths, env};

pub(crate) const FIELDS: [&str; 3] = ["api_key", "actor_token", "refresh_token"];

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
    pub(crate) fn normalized(mut self) -> Self {
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

    pub(crate) fn field(&self, name: &str) -> Option<&String> {
        match name {
            "api_key" => self.api_key.as_ref(),
            "actor_token" => self.actor_token.as_ref(),
            _ => self.refresh_token.as_ref(),
        }
    }

    pub(crate) fn field_mut(&mut self, name: &str) -> &mut Option<String> {
        match name {
            "api_key" => &mut self.api_key,
            "actor_token" => &mut self.actor_token,
            _ => &mut self.refresh_token,
        }
    }
}

/// Which secrets a context has, known without reading them (a locked keyring can tell).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presence {
    pub api_key: bool,
    pub actor_token: bool,
    pub refresh_token: bool,
}

impl Presence {
    pub fn of(secrets: &ContextSecrets) -> Self {
        Presence {
            api_key: secrets.api_key.is_some(),
            actor_token: secrets.actor_token.is_some(),
            refresh_token: secrets.refresh_token.is_some(),
        }
    }

    pub(crate) fn set(&mut self, field: &str) {
        match field {
            "api_key" => self.api_key = true,
            "actor_token" => self.actor_token = true,
            _ => self.refresh_token = true,
        }
    }

    pub fn any(&self) -> bool {
        self.api_key || self.actor_token || self.refresh_token
    }
}

/// What `AXME_SECRET_STORAGE` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageChoice {
    /// Unset: the keyring if there is one, else the file (with a warning on every write).
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

/// One of the two stores; also what config.json records per context.
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

    /// The recorded name; anything else (a later version's store) counts as not recorded.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "keyring" => Some(SecretBackend::Keyring),
            "file" => Some(SecretBackend::File),
            _ => None,
        }
    }
}

/// A write whose new copy is stored. Record `backend` in config.json, save it, then pass this
/// to [`SecretStore::finish`] to remove the old copy.
#[must_use]
#[derive(Debug, Clone)]
pub struct SecretWrite {
    pub context: String,
    /// Where the context's secrets are now (`None`: it has none left anywhere).
    pub backend: Option<SecretBackend>,
    /// Why they went to the file although nobody asked for it (the keyring is not usable).
    pub fell_back: Option<String>,
    /// The store they moved out of.
    pub moved_from: Option<SecretBackend>,
    remove_from: Vec<SecretBackend>,
}

#[derive(Debug)]
pub struct SecretStore {
    choice: StorageChoice,
    file: SecretFile,
    keyring: OnceCell<KeyringState>,
}

impl SecretStore {
    /// No store is touched until a secret is needed; the keyring is probed at most once.
    pub fn new(choice: StorageChoice, secrets_file: PathBuf) -> Self {
        SecretStore {
            choice,
            file: SecretFile::new(secrets_file),
            keyring: OnceCell::new(),
        }
    }

    /// The store `AXME_SECRET_STORAGE` asks for, on the config dir's secrets.json.
    pub fn from_env(paths: &ConfigPaths) -> Result<Self, ConfigError> {
        Ok(Self::new(StorageChoice::from_env()?, paths.secrets_json()))
    }

    pub fn file_path(&self) -> &Path {
        self.file.path()
    }

    pub fn keyring_state(&self) -> &KeyringState {
        self.keyring.get_or_init(os_keyring::probe)
    }

    /// Where a write goes now, and why it is the file when the keyring was not ruled out.
    pub fn write_target(&self) -> Result<(SecretBackend, Option<String>), ConfigError> {
        match (self.choice, self.keyring_state()) {
            (StorageChoice::File, _) => Ok((SecretBackend::File, None)),
            (StorageChoice::Keyring, KeyringState::Unavailable(why)) => Err(ConfigError::Keyring {
                detail: why.clone(),
            }),
            (StorageChoice::Auto, KeyringState::Unavailable(why)) => {
                Ok((SecretBackend::File, Some(why.clone())))
            }
            // Locked counts as there: using it prompts the user to unlock it, or fails with a
            // clear error where no one can.
            _ => Ok((SecretBackend::Keyring, None)),
        }
    }

    /// The context's secrets, from the store config.json records (`recorded`), else from
    /// wherever they are.
    pub fn load(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
    ) -> Result<ContextSecrets, ConfigError> {
        match recorded {
            Some(SecretBackend::File) => self.file.load(context),
            Some(SecretBackend::Keyring) => {
                self.reachable_keyring(context, "they cannot be read")?;
                self.keyring_load(context)
            }
            None => {
                // Older versions removed the file's copy whenever they wrote the keyring, so
                // when both hold one, the file's is the newer.
                let from_file = self.file.load(context)?;
                if !from_file.is_empty() || !self.keyring_holds(context)? {
                    return Ok(from_file);
                }
                self.keyring_load(context)
            }
        }
    }

    /// Which secrets the context has, without unlocking the keyring (for listings).
    pub fn presence(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
    ) -> Result<Presence, ConfigError> {
        match recorded {
            Some(SecretBackend::File) => Ok(Presence::of(&self.file.load(context)?)),
            Some(SecretBackend::Keyring) => {
                self.reachable_keyring(context, "they cannot be listed")?;
                self.keyring_presence(context)
            }
            None => {
                let from_file = Presence::of(&self.file.load(context)?);
                if from_file.any() || !self.may_search_keyring() {
                    return Ok(from_file);
                }
                self.keyring_presence(context)
            }
        }
    }

    /// Replace the context's secrets (fields that are `None` are removed) in the store a write
    /// goes to now. The old copy, if it is elsewhere, stays until [`SecretStore::finish`].
    pub fn write(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
        secrets: &ContextSecrets,
    ) -> Result<SecretWrite, ConfigError> {
        let secrets = secrets.clone().normalized();
        let (target, fell_back, remove_from) =
            self.plan_write(context, recorded, secrets.is_empty())?;
        match target {
            SecretBackend::Keyring => os_keyring::store(context, &secrets)
                .map_err(|e| os_keyring::error(self.keyring_state(), e))?,
            SecretBackend::File => self.file.store(context, &secrets)?,
        }
        let stored = !secrets.is_empty();
        Ok(SecretWrite {
            context: context.to_string(),
            backend: stored.then_some(target),
            fell_back: fell_back.filter(|_| stored),
            moved_from: remove_from.first().copied().filter(|_| stored),
            remove_from,
        })
    }

    /// Fails, as [`SecretStore::write`] would, when new secrets for the context cannot be
    /// stored here without leaving the old ones behind (checked before asking for anything).
    pub fn check_writable(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
    ) -> Result<(), ConfigError> {
        self.plan_write(context, recorded, false).map(|_| ())
    }

    /// Where a write goes, why it fell back, and which stores then hold an old copy to remove;
    /// refused when that old copy is in a keyring that cannot be used now.
    fn plan_write(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
        emptying: bool,
    ) -> Result<(SecretBackend, Option<String>, Vec<SecretBackend>), ConfigError> {
        let (target, fell_back) = self.write_target()?;
        let remove_from: Vec<SecretBackend> = self
            .holders(context, recorded)?
            .into_iter()
            .filter(|b| *b != target)
            .collect();
        if remove_from.contains(&SecretBackend::Keyring)
            && *self.keyring_state() != KeyringState::Usable
        {
            let consequence = if emptying {
                "they cannot be removed from here, so nothing was changed"
            } else {
                "storing new ones in secrets.json would leave the old ones there, so nothing was \
                 changed"
            };
            return Err(self.in_keyring(context, consequence));
        }
        Ok((target, fell_back, remove_from))
    }

    /// Remove the old copy of a write, once config.json records where the new one is.
    pub fn finish(&self, write: &SecretWrite) -> Result<(), ConfigError> {
        for backend in &write.remove_from {
            match backend {
                SecretBackend::File => self.file.forget(&write.context)?,
                SecretBackend::Keyring => {
                    os_keyring::store(&write.context, &ContextSecrets::default())
                        .map_err(|e| os_keyring::error(self.keyring_state(), e))?
                }
            }
        }
        Ok(())
    }

    /// Remove every secret of the context, wherever it is.
    pub fn delete(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
    ) -> Result<(), ConfigError> {
        let mut holders = self.holders(context, recorded)?;
        if !holders.contains(&SecretBackend::File) {
            holders.push(SecretBackend::File);
        }
        if holders.contains(&SecretBackend::Keyring) {
            self.reachable_keyring(
                context,
                "they cannot be removed from here, so nothing was changed",
            )?;
        }
        self.finish(&SecretWrite {
            context: context.to_string(),
            backend: None,
            fell_back: None,
            moved_from: None,
            remove_from: holders,
        })
    }

    /// The stores holding secrets of the context: the recorded one, else those found.
    fn holders(
        &self,
        context: &str,
        recorded: Option<SecretBackend>,
    ) -> Result<Vec<SecretBackend>, ConfigError> {
        if let Some(backend) = recorded {
            return Ok(vec![backend]);
        }
        let mut found = Vec::new();
        if !self.file.load(context)?.is_empty() {
            found.push(SecretBackend::File);
        }
        if self.keyring_holds(context)? {
            found.push(SecretBackend::Keyring);
        }
        Ok(found)
    }

    /// Whether an unrecorded context may have secrets in the keyring that we can see: never
    /// looked for when the file was asked for, or when there is no keyring.
    fn may_search_keyring(&self) -> bool {
        self.choice != StorageChoice::File
            && !matches!(self.keyring_state(), KeyringState::Unavailable(_))
    }

    fn keyring_holds(&self, context: &str) -> Result<bool, ConfigError> {
        Ok(self.may_search_keyring() && self.keyring_presence(context)?.any())
    }

    fn keyring_presence(&self, context: &str) -> Result<Presence, ConfigError> {
        os_keyring::presence(context).map_err(|detail| ConfigError::Keyring { detail })
    }

    fn keyring_load(&self, context: &str) -> Result<ContextSecrets, ConfigError> {
        os_keyring::load(context).map_err(|e| os_keyring::error(self.keyring_state(), e))
    }

    /// Fails when the context's secrets are in a keyring that is not there.
    fn reachable_keyring(
        &self,
        context: &str,
        consequence: &'static str,
    ) -> Result<(), ConfigError> {
        match self.keyring_state() {
            KeyringState::Unavailable(_) => Err(self.in_keyring(context, consequence)),
            _ => Ok(()),
        }
    }

    fn in_keyring(&self, context: &str, consequence: &'static str) -> ConfigError {
        ConfigError::SecretsInKeyring {
            context: context.to_string(),
            state: self.keyring_state().describe(),
            consequence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_store(dir: &Path) -> SecretStore {
        SecretStore::new(StorageChoice::File, dir.join("secrets.json"))
    }

    fn write(store: &SecretStore, context: &str, secrets: &ContextSecrets) {
        let done = store.write(context, None, secrets).unwrap();
        store.finish(&done).unwrap();
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
        write(&store, "a", &a);
        write(&store, "b", &b);
        let file = Some(SecretBackend::File);
        assert_eq!(store.load("a", file).unwrap(), a);
        assert_eq!(
            store.load("b", None).unwrap().refresh_token.as_deref(),
            Some("rt")
        );
        assert!(store.presence("b", file).unwrap().refresh_token);
        store.delete("a", file).unwrap();
        assert!(store.load("a", file).unwrap().is_empty());
        assert!(!store.load("b", file).unwrap().is_empty());
    }

    #[test]
    fn a_write_says_where_the_secrets_are_and_an_empty_one_leaves_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(dir.path());
        let key = ContextSecrets {
            api_key: Some("k".into()),
            ..Default::default()
        };
        let done = store.write("a", None, &key).unwrap();
        assert_eq!(done.backend, Some(SecretBackend::File));
        assert!(done.fell_back.is_none() && done.moved_from.is_none());
        let done = store
            .write("a", done.backend, &ContextSecrets::default())
            .unwrap();
        assert_eq!(done.backend, None);
    }

    #[test]
    fn corrupt_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secrets.json"), "{nope").unwrap();
        let err = file_store(dir.path())
            .load("a", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("secrets.json"), "{err}");
    }
}
