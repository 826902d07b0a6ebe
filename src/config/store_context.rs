//! Writing contexts and their secrets under the config-dir lock: used by `axme context`,
//! `axme login`/`logout`, session refreshes and `axme server` (the `local` context of a fresh
//! install).

use super::{
    ConfigError, ConfigFile, ConfigPaths, ContextSecrets, SecretStore, SecretWrite, StoredContext,
};

/// The name of the context `axme server` writes for the user who started it.
pub const LOCAL_CONTEXT_NAME: &str = "local";

/// Replace the secrets of context `name` (already in `config`) and record in `config` which
/// store holds them now. Secrets first: config.json never names a store before it holds them.
/// Pass the result to [`commit`].
pub fn set_secrets(
    store: &SecretStore,
    config: &mut ConfigFile,
    name: &str,
    secrets: &ContextSecrets,
) -> Result<SecretWrite, ConfigError> {
    let recorded = config.get(name).and_then(StoredContext::secret_store);
    let write = store.write(name, recorded, secrets)?;
    if let Some(context) = config.contexts.get_mut(name) {
        context.set_secret_store(write.backend);
    }
    Ok(write)
}

/// Save config.json, then remove the old copies `writes` left (so there is always one copy
/// that config.json points at). Secrets an old config.json held are moved into the secret
/// store first: saving drops them from the file. Returns every write, for the caller to tell
/// the user where secrets went.
pub fn commit(
    paths: &ConfigPaths,
    store: &SecretStore,
    config: &mut ConfigFile,
    mut writes: Vec<SecretWrite>,
) -> Result<Vec<SecretWrite>, ConfigError> {
    for (name, found) in config.take_legacy_secrets() {
        let recorded = config.get(&name).and_then(StoredContext::secret_store);
        let mut current = store.load(&name, recorded)?;
        current.api_key = current.api_key.or(found.api_key);
        current.actor_token = current.actor_token.or(found.actor_token);
        writes.push(set_secrets(store, config, &name, &current)?);
    }
    config.save(&paths.config_json())?;
    for write in &writes {
        store.finish(write)?;
    }
    Ok(writes)
}

/// What to change in one context; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ContextUpdate {
    pub base_url: Option<String>,
    pub org_id: Option<String>,
    pub workspace_id: Option<String>,
    pub owner_agent: Option<String>,
    /// Replaces all three secrets when set (login starts a new identity).
    pub secrets: Option<ContextSecrets>,
    /// Make it the active context. When false it still becomes active if none is.
    pub activate: bool,
    /// Do nothing when a context of that name already exists.
    pub only_if_missing: bool,
}

/// Applies `update` to context `name` under the config-dir lock. Returns the secret writes
/// done, or `None` when nothing was written (`only_if_missing` and the context exists).
pub fn update_context(
    paths: &ConfigPaths,
    store: &SecretStore,
    name: &str,
    update: ContextUpdate,
) -> Result<Option<Vec<SecretWrite>>, ConfigError> {
    let _lock = paths.lock()?;
    let mut config = ConfigFile::load(&paths.config_json())?;
    if update.only_if_missing && config.contexts.contains_key(name) {
        return Ok(None);
    }
    let mut context = config
        .get(name)
        .cloned()
        .unwrap_or_else(|| StoredContext::new(update.base_url.clone().unwrap_or_default()));
    if let Some(url) = update.base_url {
        context.base_url = url;
    }
    for (slot, value) in [
        (&mut context.org_id, update.org_id),
        (&mut context.workspace_id, update.workspace_id),
        (&mut context.owner_agent, update.owner_agent),
    ] {
        if value.is_some() {
            *slot = value;
        }
    }
    config.contexts.insert(name.to_string(), context);
    let mut writes = Vec::new();
    if let Some(secrets) = &update.secrets {
        writes.push(set_secrets(store, &mut config, name, secrets)?);
    }
    let active_missing = config
        .active()
        .is_none_or(|a| !config.contexts.contains_key(a) || a == name);
    if update.activate || active_missing {
        config.active_context = name.to_string();
    }
    commit(paths, store, &mut config, writes).map(Some)
}

/// Stores secrets of an existing context (e.g. rotated session tokens), keeping the others.
pub fn store_session(
    paths: &ConfigPaths,
    store: &SecretStore,
    name: &str,
    actor_token: Option<String>,
    refresh_token: Option<String>,
) -> Result<Vec<SecretWrite>, ConfigError> {
    let _lock = paths.lock()?;
    let mut config = ConfigFile::load(&paths.config_json())?;
    let Some(stored) = config.get(name) else {
        return Ok(Vec::new());
    };
    let mut secrets = store.load(name, stored.secret_store())?;
    secrets.actor_token = actor_token;
    secrets.refresh_token = refresh_token;
    let write = set_secrets(store, &mut config, name, &secrets)?;
    commit(paths, store, &mut config, vec![write])
}

/// For `axme server`: when its database was just created (so `admin_key` is new) and the
/// user has no `local` context yet, write one pointing at the server with that key, and make
/// it active if no other context is. A fresh machine then needs no login.
pub fn write_local_context(
    base_url: &str,
    admin_key: &str,
) -> Result<Option<Vec<SecretWrite>>, ConfigError> {
    let paths = ConfigPaths::discover()?;
    let store = SecretStore::from_env(&paths)?;
    update_context(
        &paths,
        &store,
        LOCAL_CONTEXT_NAME,
        ContextUpdate {
            base_url: Some(base_url.to_string()),
            secrets: Some(ContextSecrets {
                api_key: Some(admin_key.to_string()),
                ..Default::default()
            }),
            only_if_missing: true,
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SecretBackend;
    use crate::config::secrets::StorageChoice;

    fn key(k: &str) -> ContextSecrets {
        ContextSecrets {
            api_key: Some(k.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_write_records_the_store_and_keeps_secrets_an_old_config_held() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ConfigPaths::new(dir.path());
        let store = SecretStore::new(StorageChoice::File, paths.secrets_json());
        std::fs::write(
            paths.config_json(),
            r#"{"contexts":{"old":{"base_url":"http://o","api_key":"legacy-key"}}}"#,
        )
        .unwrap();
        let update = ContextUpdate {
            base_url: Some("http://n".into()),
            secrets: Some(key("new-key")),
            ..Default::default()
        };
        let writes = update_context(&paths, &store, "new", update)
            .unwrap()
            .unwrap();
        assert_eq!(writes.len(), 2, "the login's write and the migration's");

        let config = ConfigFile::load(&paths.config_json()).unwrap();
        for (name, secret) in [("new", "new-key"), ("old", "legacy-key")] {
            let stored = config.get(name).unwrap();
            assert_eq!(stored.secret_store(), Some(SecretBackend::File), "{name}");
            let loaded = store.load(name, stored.secret_store()).unwrap();
            assert_eq!(loaded.api_key.as_deref(), Some(secret), "{name}");
        }
        let text = std::fs::read_to_string(paths.config_json()).unwrap();
        assert!(!text.contains("legacy-key"), "{text}");
    }

    #[test]
    fn emptied_secrets_clear_the_record_and_an_unknown_one_is_looked_up() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ConfigPaths::new(dir.path());
        let store = SecretStore::new(StorageChoice::File, paths.secrets_json());
        let mut config = ConfigFile::default();
        config
            .contexts
            .insert("a".into(), StoredContext::new("http://a"));
        let write = set_secrets(&store, &mut config, "a", &key("k")).unwrap();
        commit(&paths, &store, &mut config, vec![write]).unwrap();
        // A later version's store name counts as unrecorded: the secret is found anyway.
        let text = std::fs::read_to_string(paths.config_json()).unwrap();
        std::fs::write(paths.config_json(), text.replace("\"file\"", "\"vault\"")).unwrap();
        let mut config = ConfigFile::load(&paths.config_json()).unwrap();
        assert_eq!(config.get("a").unwrap().secret_store(), None);
        assert_eq!(store.load("a", None).unwrap().api_key.as_deref(), Some("k"));

        let write = set_secrets(&store, &mut config, "a", &ContextSecrets::default()).unwrap();
        commit(&paths, &store, &mut config, vec![write]).unwrap();
        let config = ConfigFile::load(&paths.config_json()).unwrap();
        assert_eq!(config.get("a").unwrap().secret_store(), None);
        assert!(store.load("a", None).unwrap().is_empty());
    }
}
