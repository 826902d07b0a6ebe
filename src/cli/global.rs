//! Options every command accepts, and the per-run context commands get: output settings plus
//! lazy access to the config dir (so `axme version` never reads a file).

use clap::Args;

use super::error::CliResult;
use super::output::{ColorChoice, Output, OutputFormat};
use crate::config::{
    self, ConfigError, ConfigFile, ConfigPaths, EffectiveContext, EnvOverrides, FlagOverrides,
    SecretStore, StorageChoice,
};

const HEADING: &str = "Global options";

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Use this stored context for this run [env: AXME_CONTEXT]
    #[arg(long, global = true, value_name = "NAME", alias = "context-name", help_heading = HEADING)]
    pub context: Option<String>,

    /// Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = HEADING)]
    pub base_url: Option<String>,

    /// API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)
    #[arg(long, global = true, value_name = "KEY", help_heading = HEADING)]
    pub api_key: Option<String>,

    /// Print JSON (same as `-o json`)
    #[arg(long, global = true, help_heading = HEADING)]
    pub json: bool,

    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT", help_heading = HEADING)]
    pub output: Option<OutputFormat>,

    /// When to use colour (NO_COLOR turns off `auto`)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value = "auto", help_heading = HEADING)]
    pub color: ColorChoice,

    /// Print only results and errors: no notices, no progress
    #[arg(short, long, global = true, help_heading = HEADING)]
    pub quiet: bool,

    /// Log what axme does to stderr (-v debug, -vv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = HEADING)]
    pub verbose: u8,
}

impl GlobalArgs {
    pub fn output_format(&self) -> OutputFormat {
        match (self.json, self.output) {
            (true, Some(OutputFormat::Jsonl)) => OutputFormat::Jsonl,
            (true, _) => OutputFormat::Json,
            (false, format) => format.unwrap_or(OutputFormat::Text),
        }
    }

    pub fn flag_overrides(&self) -> FlagOverrides {
        FlagOverrides {
            context: self.context.clone(),
            base_url: self.base_url.clone(),
            api_key: self.api_key.clone(),
        }
    }
}

/// What a command runs with.
pub struct Ctx {
    pub global: GlobalArgs,
    pub out: Output,
}

impl Ctx {
    pub fn new(global: GlobalArgs) -> Self {
        let out = Output::new(
            global.output_format(),
            global.color,
            global.quiet,
            global.verbose,
        );
        Ctx { global, out }
    }

    pub fn paths(&self) -> CliResult<ConfigPaths> {
        let paths = ConfigPaths::discover()?;
        tracing::debug!(dir = %paths.dir.display(), "config dir");
        Ok(paths)
    }

    /// config.json as stored (empty when there is none yet).
    pub fn load_config(&self, paths: &ConfigPaths) -> CliResult<ConfigFile> {
        Ok(ConfigFile::load(&paths.config_json())?)
    }

    /// Open the secret store named by `AXME_SECRET_STORAGE` (or probed). When the keyring was
    /// wanted but not usable, say so once and remember that we did in config.json.
    pub fn secret_store(
        &self,
        paths: &ConfigPaths,
        config: &mut ConfigFile,
    ) -> Result<SecretStore, ConfigError> {
        let store = SecretStore::open(StorageChoice::from_env()?, paths.secrets_json())?;
        tracing::debug!(backend = store.backend().name(), "secret store");
        if let Some(reason) = store.fallback_reason()
            && !config.file_store_notice_seen
            && !self.out.quiet
        {
            self.out.notice(format!(
                "note: the OS keyring is not usable here ({reason}); secrets are kept in {} \
                 (mode 0600) instead. Set AXME_SECRET_STORAGE=file to choose this explicitly.",
                store.file_path().display()
            ));
            // Remembering is a courtesy: if it fails the notice shows again next time. Not
            // while an old config.json still holds secrets: saving would drop them unmigrated.
            if !config.has_legacy_secrets() {
                config.file_store_notice_seen = true;
                let _ = config.save(&paths.config_json());
            }
        }
        Ok(store)
    }

    /// The effective context (flag > env > stored context > default) every API command uses.
    #[allow(dead_code)] // the API commands of the next issues call it
    pub fn effective_context(&self) -> CliResult<EffectiveContext> {
        self.effective_context_with(self.global.flag_overrides())
    }

    pub fn effective_context_with(&self, flags: FlagOverrides) -> CliResult<EffectiveContext> {
        let paths = self.paths()?;
        let mut config = self.load_config(&paths)?;
        let resolved = config::resolve(
            &config.clone(),
            &flags,
            &EnvOverrides::from_process(),
            |name| self.secret_store(&paths, &mut config)?.load(name),
        )?;
        Ok(resolved)
    }
}
