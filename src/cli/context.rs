//! `axme context list|show|use|set|delete`: named gateways and their credentials. No server
//! needed: these only read and write the config dir.

use clap::{Args, Subcommand};
use clap_complete::ArgValueCompleter;
use serde_json::{Map, Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::output::{Style, mask_secret};
use crate::config::{
    ConfigError, DEFAULT_BASE_URL, EffectiveContext, Source, Sourced, StoredContext, commit,
    normalize_base_url, set_secrets,
};

#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// List the stored contexts (the active one is marked with *).
    #[command(alias = "ls")]
    List,
    /// Show the effective context: what a command would use now, and where each value came from.
    Show(ShowArgs),
    /// Make a stored context the active one.
    Use(UseArgs),
    /// Create or update a context (takes the global --base-url, --api-key and --ca-cert as values to store).
    Set(SetArgs),
    /// Delete a context and its secrets.
    #[command(alias = "rm")]
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Show this stored context instead of the effective one (same as --context NAME)
    #[arg(add = ArgValueCompleter::new(super::complete::context_names))]
    pub name: Option<String>,
    /// Print the API key in full (it is masked otherwise)
    #[arg(long)]
    pub show_key: bool,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// Name of a stored context
    #[arg(add = ArgValueCompleter::new(super::complete::context_names))]
    pub name: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  axme context set local --base-url http://127.0.0.1:8100 --api-key \"$KEY\" --use\n  \
                        axme context set prod --org-id org_123 --workspace-id ws_456\n\n\
                        Secrets go to the OS keyring or secrets.json (0600), never to config.json. \
                        AXME_API_KEY and AXME_BASE_URL are never stored: pass the flags."
)]
pub struct SetArgs {
    /// Name of the context to create or update (letters, digits, '.', '_', '-')
    #[arg(add = ArgValueCompleter::new(super::complete::context_names))]
    pub name: String,
    /// Organization id
    #[arg(long, value_name = "ID")]
    pub org_id: Option<String>,
    /// Workspace id
    #[arg(long, value_name = "ID")]
    pub workspace_id: Option<String>,
    /// Agent address requests act for (sent as x-owner-agent)
    #[arg(long, value_name = "ADDRESS")]
    pub owner_agent: Option<String>,
    /// Free-form environment label (e.g. staging, production)
    #[arg(long, value_name = "LABEL")]
    pub environment: Option<String>,
    /// Account session token (normally stored by `axme login`)
    #[arg(long, value_name = "TOKEN", hide = true)]
    pub actor_token: Option<String>,
    /// Clear a stored field
    #[arg(long, value_enum, value_name = "FIELD")]
    pub unset: Vec<Field>,
    /// Also make it the active context
    #[arg(long = "use")]
    pub activate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Field {
    OrgId,
    WorkspaceId,
    OwnerAgent,
    Environment,
    CaCert,
    ApiKey,
    ActorToken,
    RefreshToken,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Name of a stored context
    #[arg(add = ArgValueCompleter::new(super::complete::context_names))]
    pub name: String,
}

pub fn run(ctx: &Ctx, command: ContextCommand) -> CliResult {
    match command {
        ContextCommand::List => list(ctx),
        ContextCommand::Show(args) => show(ctx, args),
        ContextCommand::Use(args) => use_context(ctx, args),
        ContextCommand::Set(args) => set(ctx, args),
        ContextCommand::Delete(args) => delete(ctx, args),
    }
}

fn list(ctx: &Ctx) -> CliResult {
    let paths = ctx.paths()?;
    let config = ctx.load_config(&paths)?;
    let store = ctx.secret_store(&paths)?;
    let active = config.active().unwrap_or_default().to_string();
    let mut rows = Vec::new();
    let mut unknown = None;
    for (name, stored) in &config.contexts {
        // Listing needs no secret: a keyring that is locked (or gone) leaves a row's
        // credentials unknown, never the listing undone.
        let presence = match store.presence(name, stored.secret_store()) {
            Ok(presence) => Some(presence),
            Err(
                e @ (ConfigError::Keyring { .. }
                | ConfigError::KeyringLocked { .. }
                | ConfigError::SecretsInKeyring { .. }),
            ) => {
                unknown.get_or_insert(e.to_string());
                None
            }
            Err(e) => return Err(e.into()),
        };
        let legacy = stored.legacy_secrets();
        let has = |found: Option<bool>, in_config: bool| match found {
            Some(found) => json!(found || in_config),
            None if in_config => json!(true),
            None => Value::Null,
        };
        rows.push(json!({
            "name": name,
            "active": *name == active,
            "base_url": stored.base_url,
            "org_id": stored.org_id,
            "workspace_id": stored.workspace_id,
            "owner_agent": stored.owner_agent,
            "environment": stored.environment,
            "secret_store": stored.secret_store().map(|b| b.name()),
            "has_api_key": has(presence.map(|p| p.api_key), legacy.api_key.is_some()),
            "has_actor_token": has(presence.map(|p| p.actor_token), legacy.actor_token.is_some()),
            "has_refresh_token": has(presence.map(|p| p.refresh_token), false),
        }));
    }
    if let Some(why) = unknown {
        ctx.out
            .warn(format!("some contexts' credentials are not known ({why})"));
    }
    if ctx.out.is_machine() {
        return ctx.out.json_list(&rows);
    }
    if rows.is_empty() {
        ctx.out.notice(
            "no contexts stored yet; create one with `axme context set NAME --base-url URL --api-key KEY`",
        );
        return Ok(());
    }
    let text = |v: &Value| {
        v.as_str()
            .filter(|s| !s.is_empty())
            .unwrap_or("-")
            .to_string()
    };
    let table_rows = rows
        .iter()
        .map(|r| {
            let mut creds = Vec::new();
            if r["has_api_key"] == true {
                creds.push("api key");
            }
            if r["has_actor_token"] == true {
                creds.push("session");
            }
            let mut creds = match (creds.is_empty(), r["has_api_key"].is_null()) {
                (_, true) => "?".to_string(),
                (true, false) => "-".to_string(),
                (false, false) => creds.join(", "),
            };
            if let Some(store) = r["secret_store"].as_str() {
                creds.push_str(&format!(" ({store})"));
            }
            vec![
                if r["active"] == true {
                    "*".into()
                } else {
                    String::new()
                },
                text(&r["name"]),
                text(&r["base_url"]),
                text(&r["org_id"]),
                text(&r["workspace_id"]),
                text(&r["environment"]),
                creds,
            ]
        })
        .collect();
    ctx.out.table(
        &[
            "CURRENT",
            "NAME",
            "BASE_URL",
            "ORG",
            "WORKSPACE",
            "ENV",
            "CREDENTIALS",
        ],
        table_rows,
    )
}

fn show(ctx: &Ctx, args: ShowArgs) -> CliResult {
    let mut flags = ctx.global.flag_overrides();
    if let Some(name) = args.name {
        flags.context = Some(name);
    }
    let effective = ctx.effective_context_with(flags)?;
    let view = describe(&effective, args.show_key);
    if ctx.out.is_machine() {
        return ctx.out.json(&view);
    }
    let mut lines = Vec::new();
    let sources = &view["sources"];
    let mut add = |label: &str, value: &Value, source: &Value| {
        let value = value.as_str().filter(|s| !s.is_empty()).unwrap_or("-");
        let from = match source.as_str() {
            Some(s) => format!(
                "  {}",
                ctx.out
                    .paint(&format!("({})", origin(s, label)), Style::Dim)
            ),
            None => String::new(),
        };
        lines.push(format!("{label:<14}{value}{from}"));
    };
    add("context", &view["name"], &sources["name"]);
    add("base_url", &view["base_url"], &sources["base_url"]);
    let key = view
        .get("api_key")
        .or(view.get("api_key_masked"))
        .cloned()
        .unwrap_or(Value::Null);
    add("api_key", &key, &sources["api_key"]);
    for field in [
        "org_id",
        "workspace_id",
        "owner_agent",
        "environment",
        "ca_cert",
    ] {
        add(field, &view[field], &sources[field]);
    }
    let session = if effective.actor_token.is_some() {
        "yes"
    } else {
        "no"
    };
    add("session", &Value::String(session.into()), &Value::Null);
    ctx.out.line(lines.join("\n"))?;
    if !effective.stored {
        ctx.out.notice(format!(
            "note: context {:?} is not stored; store one with `axme context set {} --base-url URL --api-key KEY`",
            effective.name.value, effective.name.value
        ));
    }
    Ok(())
}

/// Where a value came from, in words.
fn origin(source: &str, label: &str) -> String {
    match (source, label) {
        ("flag", "context") => "from --context".into(),
        ("flag", _) => format!("from --{}", label.replace('_', "-")),
        ("env", "context") => "from AXME_CONTEXT".into(),
        ("env", "base_url") => "from AXME_BASE_URL".into(),
        ("env", "api_key") => "from AXME_API_KEY".into(),
        ("env", "ca_cert") => "from AXME_CA_CERT".into(),
        ("context", "context") => "active context".into(),
        ("context", _) => "stored context".into(),
        ("default", _) => "default".into(),
        (other, _) => other.into(),
    }
}

/// The effective context as JSON: `api_key` only with `--show-key`, a masked form always.
fn describe(effective: &EffectiveContext, show_key: bool) -> Value {
    let mut sources = Map::new();
    let mut put = |key: &str, value: &Option<Sourced<String>>, view: &mut Map<String, Value>| {
        view.insert(key.into(), json!(value.as_ref().map(|v| &v.value)));
        if let Some(v) = value {
            sources.insert(key.into(), json!(v.source));
        }
    };
    let mut view = Map::new();
    view.insert("name".into(), json!(effective.name.value));
    view.insert("stored".into(), json!(effective.stored));
    put("base_url", &Some(effective.base_url.clone()), &mut view);
    for (key, value) in [
        ("org_id", &effective.org_id),
        ("workspace_id", &effective.workspace_id),
        ("owner_agent", &effective.owner_agent),
        ("environment", &effective.environment),
        ("ca_cert", &effective.ca_cert),
    ] {
        put(key, value, &mut view);
    }
    view.insert("has_api_key".into(), json!(effective.api_key.is_some()));
    view.insert(
        "has_actor_token".into(),
        json!(effective.actor_token.is_some()),
    );
    if let Some(key) = &effective.api_key {
        view.insert("api_key_masked".into(), json!(mask_secret(&key.value)));
        if show_key {
            view.insert("api_key".into(), json!(key.value));
        }
        sources.insert("api_key".into(), json!(key.source));
    }
    sources.insert("name".into(), json!(effective.name.source));
    view.insert("sources".into(), Value::Object(sources));
    Value::Object(view)
}

fn use_context(ctx: &Ctx, args: UseArgs) -> CliResult {
    let paths = ctx.paths()?;
    let _lock = paths.lock()?;
    let mut config = ctx.load_config(&paths)?;
    let Some(stored) = config.get(&args.name) else {
        return Err(unknown(&args.name));
    };
    let base_url = stored.base_url.clone();
    config.active_context = args.name.clone();
    let store = ctx.secret_store(&paths)?;
    let writes = commit(&paths, &store, &mut config, Vec::new())?;
    ctx.report_writes(&store, &writes);
    if ctx.out.is_machine() {
        return ctx
            .out
            .json(&json!({"ok": true, "active_context": args.name}));
    }
    ctx.out
        .line(format!("Active context is now {} ({base_url})", args.name))
}

fn set(ctx: &Ctx, args: SetArgs) -> CliResult {
    validate_name(&args.name)?;
    let paths = ctx.paths()?;
    let _lock = paths.lock()?;
    let mut config = ctx.load_config(&paths)?;
    let store = ctx.secret_store(&paths)?;
    let created = !config.contexts.contains_key(&args.name);
    let mut context = config
        .get(&args.name)
        .cloned()
        .unwrap_or_else(|| StoredContext::new(DEFAULT_BASE_URL));
    if let Some(url) = &ctx.global.base_url {
        context.base_url = normalize_base_url(&Sourced::new(url.clone(), Source::Flag))?;
    }
    // Stored as an absolute path, once it is known to hold a certificate.
    if let Some(file) = ctx
        .global
        .ca_cert
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        let sourced = Sourced::new(file.to_string(), Source::Flag);
        super::remote::trusted_roots(Some(&sourced))?;
        let absolute = std::path::absolute(file)
            .map_err(|e| CliError::usage(format!("cannot resolve --ca-cert {file}: {e}")))?;
        context.ca_cert = Some(absolute.display().to_string());
    }
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let fields = [
        (&mut context.org_id, &args.org_id),
        (&mut context.workspace_id, &args.workspace_id),
        (&mut context.owner_agent, &args.owner_agent),
        (&mut context.environment, &args.environment),
    ];
    for (slot, value) in fields {
        if let Some(value) = text(value) {
            *slot = Some(value);
        }
    }
    for field in &args.unset {
        match field {
            Field::OrgId => context.org_id = None,
            Field::WorkspaceId => context.workspace_id = None,
            Field::OwnerAgent => context.owner_agent = None,
            Field::Environment => context.environment = None,
            Field::CaCert => context.ca_cert = None,
            Field::ApiKey | Field::ActorToken | Field::RefreshToken => {}
        }
    }
    let api_key = text(&ctx.global.api_key);
    let actor_token = text(&args.actor_token);
    let secret_unset = |f: Field| args.unset.contains(&f);
    // The secret store is touched only when a secret changes: `set NAME --org-id X` works
    // with a locked keyring.
    let touches_secrets = api_key.is_some()
        || actor_token.is_some()
        || [Field::ApiKey, Field::ActorToken, Field::RefreshToken]
            .into_iter()
            .any(secret_unset);
    let recorded = context.secret_store();
    config.contexts.insert(args.name.clone(), context);
    let mut writes = Vec::new();
    if touches_secrets {
        store.check_writable(&args.name, recorded)?;
        let mut secrets = store.load(&args.name, recorded)?;
        if let Some(key) = api_key {
            secrets.api_key = Some(key);
        }
        if let Some(token) = actor_token {
            secrets.actor_token = Some(token);
        }
        for (field, slot) in [
            (Field::ApiKey, &mut secrets.api_key),
            (Field::ActorToken, &mut secrets.actor_token),
            (Field::RefreshToken, &mut secrets.refresh_token),
        ] {
            if secret_unset(field) {
                *slot = None;
            }
        }
        writes.push(set_secrets(&store, &mut config, &args.name, &secrets)?);
    }
    let becomes_active = args.activate
        || config
            .active()
            .is_none_or(|a| !config.contexts.contains_key(a));
    if becomes_active {
        config.active_context = args.name.clone();
    }
    let writes = commit(&paths, &store, &mut config, writes)?;
    ctx.report_writes(&store, &writes);
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "ok": true, "context": args.name, "created": created,
            "active": config.active() == Some(args.name.as_str()),
        }));
    }
    let verb = if created { "Created" } else { "Updated" };
    let active = if config.active() == Some(args.name.as_str()) {
        " (active)"
    } else {
        ""
    };
    ctx.out
        .line(format!("{verb} context {}{active}", args.name))
}

fn delete(ctx: &Ctx, args: DeleteArgs) -> CliResult {
    let paths = ctx.paths()?;
    let _lock = paths.lock()?;
    let mut config = ctx.load_config(&paths)?;
    if !config.contexts.contains_key(&args.name) {
        return Err(unknown(&args.name));
    }
    let store = ctx.secret_store(&paths)?;
    let recorded = config.get(&args.name).and_then(StoredContext::secret_store);
    store.delete(&args.name, recorded)?;
    config.contexts.remove(&args.name);
    let was_active = config.active() == Some(args.name.as_str());
    if was_active {
        config.active_context.clear();
    }
    let writes = commit(&paths, &store, &mut config, Vec::new())?;
    ctx.report_writes(&store, &writes);
    if ctx.out.is_machine() {
        return ctx
            .out
            .json(&json!({"ok": true, "deleted": args.name, "was_active": was_active}));
    }
    ctx.out.line(format!("Deleted context {}", args.name))?;
    if was_active {
        ctx.out.notice(format!(
            "note: {} was the active context; none is active now (pick one with `axme context use NAME`)",
            args.name
        ));
    }
    Ok(())
}

fn unknown(name: &str) -> CliError {
    CliError::usage(format!("context not found: {name}"))
        .with_hint("`axme context list` shows the stored contexts")
}

fn validate_name(name: &str) -> CliResult {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "invalid context name {name:?}: use 1-64 letters, digits, '.', '_' or '-'"
        )))
    }
}
