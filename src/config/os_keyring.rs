//! The OS keyring half of the secret store: entries under the public CLI's names (service
//! `axme-cli`, account `context:<name>:<field>`), plus what the `keyring` crate cannot tell us —
//! whether the keyring is locked, and which entries exist without unlocking it (Linux's Secret
//! Service; elsewhere a plain read stands in for both).

use super::ConfigError;
use super::secrets::{ContextSecrets, FIELDS, Presence};

const SERVICE: &str = "axme-cli";

/// What the keyring looks like from here, probed once per command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringState {
    Usable,
    /// There, but locked: reading or writing a secret needs the user to unlock it (a desktop
    /// session prompts for the password; without one the prompt is dismissed at once).
    Locked,
    /// Not there or not working (no D-Bus session, no Secret Service, no default keyring).
    Unavailable(String),
}

impl KeyringState {
    /// A short phrase for messages: "is locked", "is not usable here (why)".
    pub fn describe(&self) -> String {
        match self {
            KeyringState::Usable => "is usable".into(),
            KeyringState::Locked => "is locked".into(),
            KeyringState::Unavailable(why) => format!("is not usable here ({why})"),
        }
    }
}

fn account(context: &str, field: &str) -> String {
    format!("context:{context}:{field}")
}

fn entry(context: &str, field: &str) -> Result<keyring::Entry, keyring::Error> {
    keyring::Entry::new(SERVICE, &account(context, field))
}

/// The secrets of `context` in the keyring (empty when it holds none).
pub fn load(context: &str) -> Result<ContextSecrets, keyring::Error> {
    let mut secrets = ContextSecrets::default();
    for field in FIELDS {
        match entry(context, field)?.get_password() {
            Ok(value) => *secrets.field_mut(field) = Some(value),
            Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(secrets.normalized())
}

/// Replace the secrets of `context` (fields that are `None` are deleted).
pub fn store(context: &str, secrets: &ContextSecrets) -> Result<(), keyring::Error> {
    for field in FIELDS {
        let entry = entry(context, field)?;
        match secrets.field(field) {
            Some(value) => entry.set_password(value)?,
            None => match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(e),
            },
        }
    }
    Ok(())
}

/// Turn a failure of the `keyring` crate into our error, saying "locked" when it is.
pub fn error(state: &KeyringState, err: keyring::Error) -> ConfigError {
    match state {
        KeyringState::Locked => ConfigError::KeyringLocked {
            detail: err.to_string(),
        },
        _ => ConfigError::Keyring {
            detail: err.to_string(),
        },
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use std::collections::HashMap;

    use dbus_secret_service::{EncryptionType, Error, SecretService};

    use super::{FIELDS, KeyringState, Presence, SERVICE, account};

    fn connect() -> Result<SecretService, String> {
        SecretService::connect(EncryptionType::Plain).map_err(|e| unreachable(&e))
    }

    /// Why the Secret Service cannot be reached, in words rather than a raw D-Bus error.
    fn unreachable(err: &Error) -> String {
        let Error::Dbus(e) = err else {
            return err.to_string();
        };
        let name = e.name().unwrap_or_default();
        let message = e.message().unwrap_or("unknown error");
        if name.ends_with("ServiceUnknown") || name.ends_with("NameHasNoOwner") {
            "no Secret Service (such as gnome-keyring) on the D-Bus session bus".into()
        } else if name.ends_with("NoReply") || name.ends_with("Timeout") {
            "the Secret Service did not answer within 2 s".into()
        } else if name.contains(".Spawn.") {
            format!("the Secret Service could not be started: {message}")
        } else if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)".into()
        } else {
            format!("cannot use the D-Bus session bus: {message}")
        }
    }

    /// The Secret Service on the session bus, and whether its default collection (where new
    /// secrets go) is locked. Reads nothing secret and never prompts.
    pub fn probe() -> KeyringState {
        let service = match connect() {
            Ok(service) => service,
            Err(why) => return KeyringState::Unavailable(why),
        };
        let collection = match service.get_default_collection() {
            Ok(collection) => collection,
            Err(Error::NoResult) => {
                return KeyringState::Unavailable(
                    "the Secret Service has no default keyring".into(),
                );
            }
            Err(e) => return KeyringState::Unavailable(unreachable(&e)),
        };
        match collection.is_locked() {
            Ok(true) => KeyringState::Locked,
            Ok(false) => KeyringState::Usable,
            Err(e) => KeyringState::Unavailable(unreachable(&e)),
        }
    }

    /// Which of the context's entries exist, locked or not: a search needs no unlocking.
    pub fn presence(context: &str) -> Result<Presence, String> {
        let service = connect()?;
        let mut presence = Presence::default();
        for field in FIELDS {
            let user = account(context, field);
            let found = service
                .search_items(HashMap::from([
                    ("service", SERVICE),
                    ("username", user.as_str()),
                ]))
                .map_err(|e| unreachable(&e))?;
            if !found.unlocked.is_empty() || !found.locked.is_empty() {
                presence.set(field);
            }
        }
        Ok(presence)
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use super::{KeyringState, Presence, SERVICE};

    /// Read an entry that does not exist: "no entry" means the keyring answers.
    pub fn probe() -> KeyringState {
        let entry = match keyring::Entry::new(SERVICE, "axme-probe:does-not-exist") {
            Ok(entry) => entry,
            Err(e) => return KeyringState::Unavailable(e.to_string()),
        };
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => KeyringState::Usable,
            Err(e) => KeyringState::Unavailable(e.to_string()),
        }
    }

    /// These keyrings unlock with the user's login: reading is the way to know.
    pub fn presence(context: &str) -> Result<Presence, String> {
        super::load(context)
            .map(|s| Presence::of(&s))
            .map_err(|e| e.to_string())
    }
}

pub use platform::{presence, probe};
