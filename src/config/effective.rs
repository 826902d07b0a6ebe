//! The effective context: which gateway and which credentials a command uses, and where each
//! value came from. Precedence: flag > environment > stored context > built-in default.
//! (Unlike the public CLI, an environment variable beats a stored context.)

use serde::Serialize;

use super::{
    ConfigError, ConfigFile, ContextSecrets, DEFAULT_BASE_URL, DEFAULT_CONTEXT_NAME, StoredContext,
    env,
};

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Flag,
    Env,
    Context,
    Default,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::Context => "context",
            Source::Default => "default",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// What the global flags say (`None` = flag not given).
#[derive(Debug, Clone, Default)]
pub struct FlagOverrides {
    pub context: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<String>,
    pub ca_cert: Option<String>,
}

/// What the environment says; [`EnvOverrides::from_process`] reads the real one.
#[derive(Debug, Clone, Default)]
pub struct EnvOverrides {
    pub context: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<String>,
    pub ca_cert: Option<String>,
}

impl EnvOverrides {
    pub fn from_process() -> Self {
        EnvOverrides {
            context: env::get(env::CONTEXT),
            base_url: env::get(env::BASE_URL),
            api_key: env::get(env::API_KEY),
            ca_cert: env::get(env::CA_CERT),
        }
    }
}

/// The resolved settings a command runs with.
#[derive(Debug, Clone)]
pub struct EffectiveContext {
    pub name: Sourced<String>,
    /// Whether a context of that name is stored in config.json.
    pub stored: bool,
    pub base_url: Sourced<String>,
    pub api_key: Option<Sourced<String>>,
    /// The account session of the stored context; only used when the API key is the stored one
    /// too (an explicit key means an explicit identity: we do not mix it with a stored session).
    pub actor_token: Option<String>,
    pub refresh_token: Option<String>,
    pub org_id: Option<Sourced<String>>,
    pub workspace_id: Option<Sourced<String>>,
    pub owner_agent: Option<Sourced<String>>,
    pub environment: Option<Sourced<String>>,
    /// A PEM file of certificates the client trusts beside the built-in roots.
    pub ca_cert: Option<Sourced<String>>,
}

/// Resolve the effective context. `load_secrets` (given the stored context's name and entry)
/// is called only when its secrets are needed (no API key from a flag or the environment), so
/// an explicit key works even where the secret store does not.
pub fn resolve(
    config: &ConfigFile,
    flags: &FlagOverrides,
    environment: &EnvOverrides,
    load_secrets: impl FnOnce(&str, &StoredContext) -> Result<ContextSecrets, ConfigError>,
) -> Result<EffectiveContext, ConfigError> {
    let name = pick(&flags.context, &environment.context)
        .or_else(|| {
            config
                .active()
                .map(|n| Sourced::new(n.to_string(), Source::Context))
        })
        .unwrap_or_else(|| Sourced::new(DEFAULT_CONTEXT_NAME.to_string(), Source::Default));
    let stored = config.get(&name.value);
    if stored.is_none() && matches!(name.source, Source::Flag | Source::Env) {
        return Err(ConfigError::UnknownContext { name: name.value });
    }
    let empty = StoredContext::default();
    let context = stored.unwrap_or(&empty);

    let base_url = match pick(&flags.base_url, &environment.base_url) {
        Some(url) => url,
        None if !context.base_url.trim().is_empty() => {
            Sourced::new(context.base_url.clone(), Source::Context)
        }
        None => Sourced::new(DEFAULT_BASE_URL.to_string(), Source::Default),
    };
    let base_url = Sourced::new(normalize_base_url(&base_url)?, base_url.source);

    let (api_key, actor_token, refresh_token) = match pick(&flags.api_key, &environment.api_key) {
        Some(key) => (Some(key), None, None),
        None if stored.is_some() => {
            let mut secrets = load_secrets(&name.value, context)?;
            let legacy = context.legacy_secrets();
            secrets.api_key = secrets.api_key.or(legacy.api_key);
            secrets.actor_token = secrets.actor_token.or(legacy.actor_token);
            let key = secrets.api_key.map(|k| Sourced::new(k, Source::Context));
            (key, secrets.actor_token, secrets.refresh_token)
        }
        None => (None, None, None),
    };

    let from_context = |v: &Option<String>| {
        v.clone()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Sourced::new(v, Source::Context))
    };
    Ok(EffectiveContext {
        stored: stored.is_some(),
        base_url,
        api_key,
        actor_token,
        refresh_token,
        org_id: from_context(&context.org_id),
        workspace_id: from_context(&context.workspace_id),
        owner_agent: from_context(&context.owner_agent),
        environment: from_context(&context.environment),
        ca_cert: pick(&flags.ca_cert, &environment.ca_cert)
            .or_else(|| from_context(&context.ca_cert)),
        name,
    })
}

/// The flag's value if given, else the environment's.
fn pick(flag: &Option<String>, environment: &Option<String>) -> Option<Sourced<String>> {
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    clean(flag)
        .map(|v| Sourced::new(v, Source::Flag))
        .or_else(|| clean(environment).map(|v| Sourced::new(v, Source::Env)))
}

/// Check that a base URL is an absolute http(s) URL and drop trailing slashes.
pub fn normalize_base_url(url: &Sourced<String>) -> Result<String, ConfigError> {
    let origin = match url.source {
        Source::Flag => "--base-url",
        Source::Env => env::BASE_URL,
        Source::Context => "base_url of the stored context",
        Source::Default => "default base URL",
    };
    let trimmed = url.value.trim().trim_end_matches('/');
    // Every path the client uses starts with /v1: a base URL copied from an API example
    // (`…/v1`) would double it.
    let trimmed = trimmed
        .strip_suffix("/v1")
        .map_or(trimmed, |t| t.trim_end_matches('/'));
    let parsed = reqwest::Url::parse(trimmed).map_err(|e| ConfigError::Invalid {
        what: format!("base URL {trimmed:?} (from {origin})"),
        detail: format!("{e}; expected e.g. {DEFAULT_BASE_URL}"),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ConfigError::Invalid {
            what: format!("base URL {trimmed:?} (from {origin})"),
            detail: format!("must be an http:// or https:// URL, e.g. {DEFAULT_BASE_URL}"),
        });
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_v1_is_dropped_from_the_base_url() {
        let url = Sourced::new("http://gw.example.com/v1/".to_string(), Source::Flag);
        assert_eq!(normalize_base_url(&url).unwrap(), "http://gw.example.com");
    }

    fn config_with(name: &str, url: &str) -> ConfigFile {
        let mut config = ConfigFile {
            active_context: name.into(),
            ..Default::default()
        };
        config.contexts.insert(name.into(), StoredContext::new(url));
        config
    }

    fn stored_key(_: &str, _: &StoredContext) -> Result<ContextSecrets, ConfigError> {
        Ok(ContextSecrets {
            api_key: Some("stored-key".into()),
            ..Default::default()
        })
    }

    fn some(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn flag_beats_env_beats_context_beats_default() {
        let config = config_with("c", "https://ctx.example");
        let none = FlagOverrides::default();
        let env = EnvOverrides {
            base_url: some("https://env.example/"),
            ..Default::default()
        };
        let flags = FlagOverrides {
            base_url: some("https://flag.example"),
            ..Default::default()
        };
        let r = resolve(&config, &flags, &env, stored_key).unwrap();
        assert_eq!(
            r.base_url,
            Sourced::new("https://flag.example".into(), Source::Flag)
        );
        let r = resolve(&config, &none, &env, stored_key).unwrap();
        assert_eq!(
            r.base_url,
            Sourced::new("https://env.example".into(), Source::Env)
        );
        let r = resolve(&config, &none, &EnvOverrides::default(), stored_key).unwrap();
        assert_eq!(r.base_url.source, Source::Context);
        assert_eq!(r.api_key.unwrap().value, "stored-key");
        let r = resolve(
            &ConfigFile::default(),
            &none,
            &EnvOverrides::default(),
            stored_key,
        )
        .unwrap();
        assert_eq!(r.base_url.value, DEFAULT_BASE_URL);
        assert_eq!(r.name.source, Source::Default);
        assert!(r.api_key.is_none());
    }

    #[test]
    fn explicit_key_does_not_touch_the_secret_store() {
        let config = config_with("c", "https://ctx.example");
        let env = EnvOverrides {
            api_key: some("env-key"),
            ..Default::default()
        };
        let r = resolve(&config, &FlagOverrides::default(), &env, |_, _| {
            Err(ConfigError::Keyring {
                detail: "must not be called".into(),
            })
        })
        .unwrap();
        assert_eq!(r.api_key, Some(Sourced::new("env-key".into(), Source::Env)));
    }

    #[test]
    fn unknown_explicit_context_and_bad_url_are_errors() {
        let flags = FlagOverrides {
            context: some("nope"),
            ..Default::default()
        };
        let err = resolve(
            &ConfigFile::default(),
            &flags,
            &EnvOverrides::default(),
            stored_key,
        );
        assert!(matches!(err, Err(ConfigError::UnknownContext { .. })));
        let flags = FlagOverrides {
            base_url: some("ftp://x"),
            ..Default::default()
        };
        let err = resolve(
            &ConfigFile::default(),
            &flags,
            &EnvOverrides::default(),
            stored_key,
        );
        assert!(matches!(err, Err(ConfigError::Invalid { .. })));
    }
}
