//! `axme status` and `axme doctor`: is the gateway there, and is this setup sound.

use std::time::Instant;

use clap::Args;
use serde::Serialize;
use serde_json::{Value, json};

use super::error::{CliError, CliResult, KEYRING_LOCKED_HINT};
use super::global::Ctx;
use super::output::Style;
use super::remote::{Remote, block_on, from_client};
use crate::client::Client;
use crate::config::{ConfigFile, EnvOverrides, KeyringState, SecretBackend, SecretStore, resolve};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Health checks to time (the latency shown is the median)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub samples: u32,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {}

/// Times `GET /health`; the median of `samples` round trips, in milliseconds.
async fn probe(client: &Client, samples: u32) -> Result<(Value, f64), crate::client::ClientError> {
    let mut times = Vec::new();
    let mut body = Value::Null;
    for _ in 0..samples.clamp(1, 50) {
        let started = Instant::now();
        body = client.health().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((body, times[times.len() / 2]))
}

pub fn status(ctx: &Ctx, args: StatusArgs) -> CliResult {
    let remote = Remote::connect(ctx, false)?;
    let base = remote.client.base_url().to_string();
    let (body, ms) = block_on(probe(&remote.client, args.samples))?.map_err(from_client)?;
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "ok": body.get("ok").and_then(Value::as_bool).unwrap_or(true),
            "base_url": base,
            "latency_ms": (ms * 100.0).round() / 100.0,
            "health": body,
        }));
    }
    let service = body
        .get("service")
        .and_then(Value::as_str)
        .unwrap_or("gateway");
    let version = body
        .get("version")
        .and_then(Value::as_str)
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    ctx.out.line(format!("gateway  {base}  ok"))?;
    ctx.out.line(format!("service  {service}{version}"))?;
    ctx.out.line(format!(
        "latency  {ms:.1} ms (median of {})",
        args.samples.clamp(1, 50)
    ))
}

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    ok: bool,
    /// Not run (another check's failure made it moot): neither a pass nor a failure.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    skipped: bool,
    detail: String,
}

pub fn doctor(ctx: &Ctx, _args: DoctorArgs) -> CliResult {
    let mut checks = Vec::new();
    let mut add = |check, ok, detail: String| {
        checks.push(Check {
            check,
            ok,
            skipped: false,
            detail,
        })
    };

    // Config: the dir and config.json must be readable (a missing file is fine).
    let paths = ctx.paths();
    let config = paths.as_ref().ok().map(|p| ctx.load_config(p));
    match (&paths, &config) {
        (Ok(p), Some(Ok(c))) => add(
            "config",
            true,
            format!(
                "{} ({} context{})",
                p.config_json().display(),
                c.contexts.len(),
                if c.contexts.len() == 1 { "" } else { "s" }
            ),
        ),
        (Ok(p), Some(Err(e))) => add(
            "config",
            false,
            format!("{}: {}", p.config_json().display(), e.message),
        ),
        (Err(e), _) => add("config", false, e.message.clone()),
        (Ok(_), None) => add("config", false, "unreadable".into()),
    }

    // Secrets: the store writes go to, and the one holding the effective context's secrets.
    let store = paths.as_ref().ok().map(SecretStore::from_env);
    let mut hint = None;
    match (&store, &config) {
        (Some(Ok(s)), config) => {
            let recorded = match config {
                Some(Ok(c)) => effective_name(ctx, c).and_then(|n| c.get(&n)?.secret_store()),
                _ => None,
            };
            let (ok, detail, advice) = secrets_check(s, recorded);
            hint = advice;
            add("secrets", ok, detail);
        }
        (Some(Err(e)), _) => add("secrets", false, e.to_string()),
        (None, _) => add("secrets", false, "no config dir".into()),
    }

    // The effective context, without failing the whole report on a bad one.
    let effective = match (&config, &store) {
        (Some(Ok(c)), Some(Ok(s))) => resolve(
            c,
            &ctx.global.flag_overrides(),
            &EnvOverrides::from_process(),
            |n, stored| s.load(n, stored.secret_store()),
        )
        .map_err(|e| e.to_string()),
        _ => Err("config or secrets unavailable".into()),
    };
    let effective = match effective {
        Ok(e) => {
            add(
                "context",
                true,
                format!(
                    "{} ({}), gateway {} ({})",
                    e.name.value,
                    e.name.source.as_str(),
                    e.base_url.value,
                    e.base_url.source.as_str()
                ),
            );
            Some(e)
        }
        Err(e) => {
            add("context", false, e);
            None
        }
    };

    if let Some(e) = &effective {
        let key = e.api_key.as_ref().map(|k| k.value.clone());
        match &e.api_key {
            Some(k) => add(
                "credentials",
                true,
                format!("API key from {}", k.source.as_str()),
            ),
            None => add(
                "credentials",
                false,
                "no API key: run `axme login` or set AXME_API_KEY".into(),
            ),
        }
        let roots = super::remote::trusted_roots(e.ca_cert.as_ref())?;
        match Client::new(&e.base_url.value, key.clone(), &roots) {
            Ok(client) => {
                let reached = block_on(probe(&client, 1))?;
                match reached {
                    Ok((_, ms)) => add(
                        "connectivity",
                        true,
                        format!("{} answered in {ms:.1} ms", e.base_url.value),
                    ),
                    Err(err) => add("connectivity", false, from_client(err).message),
                }
                if key.is_some() {
                    match block_on(client.list_agents(1))? {
                        Ok(_) => add("auth", true, "the gateway accepts the API key".into()),
                        Err(err) => add("auth", false, from_client(err).message),
                    }
                } else {
                    checks.push(Check {
                        check: "auth",
                        ok: false,
                        skipped: true,
                        detail: "skipped: no API key to check".into(),
                    });
                }
            }
            Err(err) => add("connectivity", false, err.to_string()),
        }
    }

    if ctx.out.is_machine() {
        ctx.out.json_list(&checks)?;
    } else {
        let rows = checks
            .iter()
            .map(|c| {
                vec![
                    c.check.to_string(),
                    match (c.ok, c.skipped) {
                        (true, _) => ctx.out.paint("pass", Style::Green),
                        (false, true) => ctx.out.paint("skip", Style::Dim),
                        (false, false) => ctx.out.paint("FAIL", Style::Red),
                    },
                    c.detail.clone(),
                ]
            })
            .collect();
        ctx.out.table(&["CHECK", "RESULT", "DETAIL"], rows)?;
    }
    let failed = checks.iter().filter(|c| !c.ok && !c.skipped).count();
    let run = checks.iter().filter(|c| !c.skipped).count();
    if failed == 0 {
        return Ok(());
    }
    let failed = CliError::failure(format!("{failed} of {run} checks failed"));
    Err(match hint {
        Some(hint) => failed.with_hint(hint),
        None => failed,
    })
}

/// The context a command would use, by name (flag > env > active), as `resolve` picks it.
fn effective_name(ctx: &Ctx, config: &ConfigFile) -> Option<String> {
    ctx.global
        .context
        .clone()
        .or(EnvOverrides::from_process().context)
        .or_else(|| config.active().map(str::to_string))
}

/// Whether the secret store works: pass/fail, the detail, and a hint when it fails. The
/// keyring must be usable when new secrets go there (asked for, or present though locked) or
/// when the effective context's secrets are there. Locked fails: reading or storing a secret
/// then fails, or waits for someone to unlock it.
fn secrets_check(
    store: &SecretStore,
    recorded: Option<SecretBackend>,
) -> (bool, String, Option<&'static str>) {
    let file = store.file_path().display();
    let target = match store.write_target() {
        Ok(target) => target,
        Err(e) => {
            let hint = "AXME_SECRET_STORAGE=keyring insists on the keyring: start or unlock it, \
                        or set AXME_SECRET_STORAGE=file";
            return (false, e.to_string(), Some(hint));
        }
    };
    let needs_keyring =
        target.0 == SecretBackend::Keyring || recorded == Some(SecretBackend::Keyring);
    match store.keyring_state() {
        KeyringState::Locked if needs_keyring => {
            let detail = "the OS keyring is locked: secrets cannot be read or stored there \
                          until it is unlocked";
            return (false, detail.into(), Some(KEYRING_LOCKED_HINT));
        }
        KeyringState::Unavailable(why) if needs_keyring => {
            let detail = format!(
                "the context's secrets are in the OS keyring, which is not usable here: {why}"
            );
            let hint = "run axme where the keyring is usable (e.g. your desktop session)";
            return (false, detail, Some(hint));
        }
        _ => {}
    }
    let mut detail = match target {
        (SecretBackend::Keyring, _) => "keyring".to_string(),
        (SecretBackend::File, Some(why)) => format!("file ({file}; keyring not usable: {why})"),
        (SecretBackend::File, None) => format!("file ({file})"),
    };
    if let Some(held) = recorded.filter(|b| *b != target.0) {
        detail.push_str(&format!(
            "; the context's secrets are still in the {} until its next write",
            held.name()
        ));
    }
    (true, detail, None)
}
