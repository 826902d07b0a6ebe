//! Where axme keeps its files: the platform config dir, or `AXME_CONFIG_DIR`.

use std::path::{Path, PathBuf};

use super::atomic::create_private_dir;
use super::{ConfigError, env};

/// The config dir: `AXME_CONFIG_DIR` if set, else `<platform config dir>/axme`
/// (`~/.config/axme` on Linux, `~/Library/Application Support/axme` on macOS,
/// `%APPDATA%\axme` on Windows).
pub fn config_dir() -> Result<PathBuf, ConfigError> {
    if let Some(dir) = env::get(env::CONFIG_DIR) {
        return Ok(PathBuf::from(dir));
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.config_dir().join("axme"))
        .ok_or(ConfigError::NoConfigDir)
}

/// The files in one config dir.
#[derive(Debug, Clone)]
pub struct ConfigPaths {
    pub dir: PathBuf,
}

impl ConfigPaths {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ConfigPaths { dir: dir.into() }
    }

    /// The paths of the dir [`config_dir`] picks.
    pub fn discover() -> Result<Self, ConfigError> {
        config_dir().map(Self::new)
    }

    pub fn config_json(&self) -> PathBuf {
        self.dir.join("config.json")
    }

    pub fn secrets_json(&self) -> PathBuf {
        self.dir.join("secrets.json")
    }

    pub fn scenario_agents_json(&self) -> PathBuf {
        self.dir.join("scenario-agents.json")
    }

    /// Hold an exclusive lock on the config dir until the returned file is dropped, so two
    /// axme processes rewriting config.json or secrets.json never lose each other's changes
    /// (each read-modify-write runs under the lock).
    pub fn lock(&self) -> Result<std::fs::File, ConfigError> {
        create_private_dir(&self.dir)?;
        let path = self.dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| ConfigError::io(&path, "open", e))?;
        file.lock().map_err(|e| ConfigError::io(&path, "lock", e))?;
        Ok(file)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
