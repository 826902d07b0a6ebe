//! Errors of the config layer. Each names the file it is about, so the user knows what to fix.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum ConfigError {
    /// No config dir could be determined (no home directory and no `AXME_CONFIG_DIR`).
    NoConfigDir,
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// A file exists but is not what we wrote: we refuse to touch it.
    Corrupt { path: PathBuf, detail: String },
    /// A context named on the command line or in `AXME_CONTEXT` is not stored.
    UnknownContext { name: String },
    /// A value the user gave is not acceptable (e.g. a base URL that is not http(s)).
    Invalid { what: String, detail: String },
    /// `AXME_SECRET_STORAGE` holds something other than `keyring` or `file`.
    BadStorageChoice { value: String },
    /// The OS keyring was required (or chosen) but failed.
    Keyring { detail: String },
    /// The OS keyring is locked, and using it failed (no one could unlock it).
    KeyringLocked { detail: String },
    /// A context's secrets are in the OS keyring, which cannot be used here; `consequence`
    /// says what that means for this command.
    SecretsInKeyring {
        context: String,
        /// "is locked", "is not usable here (why)".
        state: String,
        consequence: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoConfigDir => write!(
                f,
                "cannot find a config directory (no home directory); set AXME_CONFIG_DIR"
            ),
            ConfigError::Io {
                path,
                action,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            ConfigError::Corrupt { path, detail } => {
                write!(f, "{} is corrupt: {detail}", path.display())
            }
            ConfigError::UnknownContext { name } => write!(f, "context not found: {name}"),
            ConfigError::Invalid { what, detail } => write!(f, "invalid {what}: {detail}"),
            ConfigError::BadStorageChoice { value } => write!(
                f,
                "unsupported AXME_SECRET_STORAGE value {value:?} (supported: keyring, file)"
            ),
            ConfigError::Keyring { detail } => {
                write!(f, "the OS keyring is not usable: {detail}")
            }
            ConfigError::KeyringLocked { detail } => {
                write!(f, "the OS keyring is locked: {detail}")
            }
            ConfigError::SecretsInKeyring {
                context,
                state,
                consequence,
            } => write!(
                f,
                "context {context:?} keeps its secrets in the OS keyring, which {state}; {consequence}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        source: std::io::Error,
    ) -> Self {
        ConfigError::Io {
            path: path.into(),
            action,
            source,
        }
    }
}
