//! Options every command accepts, and the per-run context commands get: output settings plus
//! lazy access to the config dir (so `axme version` never reads a file).

use clap::Args;
use clap_complete::ArgValueCompleter;

use super::error::CliResult;
use super::output::{ColorChoice, Output, OutputFormat};
use crate::config::{
    self, ConfigError, ConfigFile, ConfigPaths, EffectiveContext, EnvOverrides, FlagOverrides,
    SecretBackend, SecretStore, SecretWrite,
};

const HEADING: &str = "Global options";

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Use this stored context for this run [env: AXME_CONTEXT]
    #[arg(long, global = true, value_name = "NAME", alias = "context-name", help_heading = HEADING, add = ArgValueCompleter::new(super::complete::context_names))]
    pub context: Option<String>,

    /// Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = HEADING)]
    pub base_url: Option<String>,

    /// API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)
    #[arg(long, global = true, value_name = "KEY", help_heading = HEADING)]
    pub api_key: Option<String>,

    /// Trust the certificates in this PEM file (a private CA, or the gateway's self-signed
    /// certificate) beside the built-in roots [env: AXME_CA_CERT]
    #[arg(long, global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = HEADING)]
    pub ca_cert: Option<String>,

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
            ca_cert: self.ca_cert.clone(),
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

    /// The secret store `AXME_SECRET_STORAGE` asks for (nothing is probed yet).
    pub fn secret_store(&self, paths: &ConfigPaths) -> Result<SecretStore, ConfigError> {
        SecretStore::from_env(paths)
    }

    /// Tell the user where written secrets went: a warning every time they went to the file
    /// only because the keyring is not usable, a notice when they moved between stores.
    pub fn report_writes(&self, store: &SecretStore, writes: &[SecretWrite]) {
        for write in writes {
            if let Some(why) = &write.fell_back {
                self.out.warn(fallback_warning(store, write, why));
            } else if let (Some(from), Some(to)) = (write.moved_from, write.backend) {
                self.out.notice(format!(
                    "note: moved the secrets of context {:?} from {} to {}",
                    write.context,
                    store_name(store, from),
                    store_name(store, to)
                ));
            }
        }
    }

    /// The effective context (flag > env > stored context > default) every API command uses.
    pub fn effective_context(&self) -> CliResult<EffectiveContext> {
        self.effective_context_with(self.global.flag_overrides())
    }

    pub fn effective_context_with(&self, flags: FlagOverrides) -> CliResult<EffectiveContext> {
        let paths = self.paths()?;
        let config = self.load_config(&paths)?;
        let resolved = config::resolve(
            &config,
            &flags,
            &EnvOverrides::from_process(),
            |name, stored| self.secret_store(&paths)?.load(name, stored.secret_store()),
        )?;
        Ok(resolved)
    }
}

/// The warning for secrets written to the file because the keyring is not usable.
pub fn fallback_warning(store: &SecretStore, write: &SecretWrite, why: &str) -> String {
    format!(
        "the OS keyring is not usable here ({why}); the secrets of context {:?} were stored in \
         {} (mode 0600) instead. Set AXME_SECRET_STORAGE=file to choose the file (and drop this \
         warning), or AXME_SECRET_STORAGE=keyring to fail instead",
        write.context,
        store.file_path().display()
    )
}

fn store_name(store: &SecretStore, backend: SecretBackend) -> String {
    match backend {
        SecretBackend::Keyring => "the OS keyring".into(),
        SecretBackend::File => store.file_path().display().to_string(),
    }
}
