//! The one error type of the CLI and its exit codes (documented in the README).

use std::fmt;

use crate::config::ConfigError;

/// Process exit codes. Scripts depend on these: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// Anything that went wrong at run time: network, server error, I/O.
    Failure = 1,
    /// Bad usage or missing/invalid credentials: fix the command line or log in.
    Usage = 2,
    /// A command that waited for an intent saw it end FAILED.
    IntentFailed = 3,
    /// … end TIMED_OUT.
    IntentTimedOut = 4,
    /// … end CANCELED.
    IntentCanceled = 5,
    /// Interrupted by Ctrl-C.
    Interrupted = 130,
}

/// What went wrong, in one line, and what to do about it.
#[derive(Debug, Clone)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

pub type CliResult<T = ()> = Result<T, CliError>;

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    /// A run-time failure (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Exit::Failure, message)
    }

    /// A usage or credentials problem (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// stdout was closed by the reader (`axme … | head`): stop quietly, successfully.
    pub fn broken_pipe() -> Self {
        Self::new(Exit::Success, "")
    }

    /// Nothing to print (the error was already reported, or there is no error to report).
    pub fn is_silent(&self) -> bool {
        self.message.is_empty()
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

/// What to do about a locked keyring (also `axme doctor`'s advice).
pub const KEYRING_LOCKED_HINT: &str = "unlock the OS keyring (your desktop session does at login; \
     a keyring manager such as Seahorse can too) and try again, or set AXME_SECRET_STORAGE=file \
     to keep new secrets in a 0600 file in the config dir";

impl From<ConfigError> for CliError {
    fn from(err: ConfigError) -> Self {
        let message = err.to_string();
        match err {
            ConfigError::UnknownContext { .. } => {
                CliError::usage(message).with_hint("`axme context list` shows the stored contexts")
            }
            ConfigError::Invalid { .. } | ConfigError::BadStorageChoice { .. } => {
                CliError::usage(message)
            }
            ConfigError::Keyring { .. } => CliError::failure(message).with_hint(
                "set AXME_SECRET_STORAGE=file to keep secrets in a 0600 file in the config dir",
            ),
            ConfigError::KeyringLocked { .. } => {
                CliError::failure(message).with_hint(KEYRING_LOCKED_HINT)
            }
            ConfigError::SecretsInKeyring { .. } => CliError::failure(message).with_hint(
                "run it where the OS keyring is unlocked (e.g. your desktop session); to use \
                 another key meanwhile without storing it, set AXME_API_KEY",
            ),
            ConfigError::NoConfigDir | ConfigError::Io { .. } | ConfigError::Corrupt { .. } => {
                CliError::failure(message)
            }
        }
    }
}
