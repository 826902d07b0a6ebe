//! Writing a context and its secrets in one locked step: used by `axme login` and by
//! `axme server` (the `local` context of a fresh install).

use super::{
    ConfigError, ConfigFile, ConfigPaths, ContextSecrets, SecretStore, StorageChoice, StoredContext,
};

/// The name of the context `axme server` writes for the user who started it.
pub const LOCAL_CONTEXT_NAME: &str = "local";

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

/// Applies `update` to context `name` under the config-dir lock. Returns whether anything
/// was written.
pub fn update_context(
    paths: &ConfigPaths,
    name: &str,
    update: ContextUpdate,
) -> Result<bool, ConfigError> {
    let _lock = paths.lock()?;
    let mut config = ConfigFile::load(&paths.config_json())?;
    if update.only_if_missing && config.contexts.contains_key(name) {
        return Ok(false);
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
    // Secrets first: config.json never names a context whose secrets are not stored yet.
    if let Some(secrets) = &update.secrets {
        let store = SecretStore::open(StorageChoice::from_env()?, paths.secrets_json())?;
        store.store(name, secrets)?;
    }
    config.contexts.insert(name.to_string(), context);
    let active_missing = config
        .active()
        .is_none_or(|a| !config.contexts.contains_key(a) || a == name);
    if update.activate || active_missing {
        config.active_context = name.to_string();
    }
    config.save(&paths.config_json())?;
    Ok(true)
}

/// Stores secrets of an existing context (e.g. rotated session tokens), keeping the others.
pub fn store_session(
    paths: &ConfigPaths,
    name: &str,
    actor_token: Option<String>,
    refresh_token: Option<String>,
) -> Result<(), ConfigError> {
    let _lock = paths.lock()?;
    let store = SecretStore::open(StorageChoice::from_env()?, paths.secrets_json())?;
    let mut secrets = store.load(name)?;
    secrets.actor_token = actor_token;
    secrets.refresh_token = refresh_token;
    store.store(name, &secrets)
}

/// For `axme server`: when its database was just created (so `admin_key` is new) and the
/// user has no `local` context yet, write one pointing at the server with that key, and make
/// it active if no other context is. A fresh machine then needs no login.
pub fn write_local_context(base_url: &str, admin_key: &str) -> Result<bool, ConfigError> {
    let paths = ConfigPaths::discover()?;
    update_context(
        &paths,
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
