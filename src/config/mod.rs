//! Contexts, secrets and the files in the config dir.
//!
//! Everything here is plain data plus file I/O; nothing prints. The CLI layer turns
//! [`ConfigError`] into one-line errors and exit codes.

mod atomic;
mod contexts;
mod effective;
mod error;
mod os_keyring;
mod paths;
mod scenario_agents;
mod secret_file;
mod secrets;
mod store_context;

pub use atomic::write_atomic;
pub use contexts::{ConfigFile, DEFAULT_BASE_URL, DEFAULT_CONTEXT_NAME, StoredContext};
pub use effective::{
    EffectiveContext, EnvOverrides, FlagOverrides, Source, Sourced, normalize_base_url, resolve,
};
pub use error::ConfigError;
pub use os_keyring::KeyringState;
pub use paths::ConfigPaths;
pub use scenario_agents::{ScenarioAgent, ScenarioAgents};
pub use secrets::{ContextSecrets, SecretBackend, SecretStore, SecretWrite};
pub use store_context::{
    ContextUpdate, LOCAL_CONTEXT_NAME, commit, set_secrets, store_session, update_context,
    write_local_context,
};

/// Environment variable names, declared once so help text, code and tests agree.
pub mod env {
    pub const BASE_URL: &str = "AXME_BASE_URL";
    pub const API_KEY: &str = "AXME_API_KEY";
    pub const CONTEXT: &str = "AXME_CONTEXT";
    pub const CA_CERT: &str = "AXME_CA_CERT";
    pub const CONFIG_DIR: &str = "AXME_CONFIG_DIR";
    pub const SECRET_STORAGE: &str = "AXME_SECRET_STORAGE";
    pub const NO_COLOR: &str = "NO_COLOR";

    /// The variable's value when set and not blank.
    pub fn get(name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}
