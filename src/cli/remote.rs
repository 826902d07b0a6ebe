//! What the API commands share: the client for the effective context, the async runtime,
//! turning client errors into one-line CLI errors, reading JSON arguments, exit codes of
//! an intent's outcome.

use std::future::Future;
use std::io::Read;
use std::sync::Arc;

use serde_json::Value;

use super::error::{CliError, CliResult, Exit};
use super::global::Ctx;
use super::output::Output;
use crate::client::{Client, ClientError, OnOutage, Outage, Session};
use crate::config::{EffectiveContext, Source, Sourced};
use crate::protocol::Status;

/// Runs a future to completion on a small runtime (one per command).
pub fn block_on<F: Future>(future: F) -> CliResult<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

/// Like [`block_on`], but Ctrl-C ends the command with exit 130.
pub fn run_interruptible<F: Future<Output = CliResult>>(future: F) -> CliResult {
    block_on(async {
        tokio::select! {
            result = future => result,
            _ = tokio::signal::ctrl_c() => Err(CliError::new(Exit::Interrupted, "")),
        }
    })?
}

/// The certificates to trust beside the built-in roots: `--ca-cert`, `AXME_CA_CERT` or the
/// context's `ca_cert` (none: the built-in roots only).
pub fn trusted_roots(ca_cert: Option<&Sourced<String>>) -> CliResult<Vec<reqwest::Certificate>> {
    let Some(ca) = ca_cert else {
        return Ok(Vec::new());
    };
    let origin = match ca.source {
        Source::Flag => "--ca-cert",
        Source::Env => crate::config::env::CA_CERT,
        Source::Context | Source::Default => "ca_cert of the stored context",
    };
    crate::client::load_ca_cert(std::path::Path::new(&ca.value))
        .map_err(|e| CliError::usage(format!("{e} (from {origin})")))
}

/// The effective context and a client for it.
pub struct Remote {
    pub context: EffectiveContext,
    pub client: Client,
}

impl Remote {
    /// A client for the effective context; `need_key` refuses to start without an API key.
    pub fn connect(ctx: &Ctx, need_key: bool) -> CliResult<Remote> {
        let context = ctx.effective_context()?;
        let api_key = context.api_key.as_ref().map(|k| k.value.clone());
        if need_key && api_key.is_none() {
            return Err(no_credentials(&context));
        }
        let roots = trusted_roots(context.ca_cert.as_ref())?;
        let client = Client::new(&context.base_url.value, api_key, &roots).map_err(from_client)?;
        let session = Session {
            access_token: context.actor_token.clone(),
            refresh_token: context.refresh_token.clone(),
        };
        // Rotated session tokens are stored at once: the old refresh token is dead.
        let hook = (context.stored && context.refresh_token.is_some()).then(|| {
            let name = context.name.value.clone();
            let paths = ctx.paths().ok();
            Arc::new(move |s: &Session| {
                let Some(paths) = &paths else { return };
                let stored = crate::config::SecretStore::from_env(paths).and_then(|store| {
                    let writes = crate::config::store_session(
                        paths,
                        &store,
                        &name,
                        s.access_token.clone(),
                        s.refresh_token.clone(),
                    )?;
                    for write in &writes {
                        if let Some(why) = &write.fell_back {
                            super::output::eprintln_safe(&format!(
                                "warning: {}",
                                super::global::fallback_warning(&store, write, why)
                            ));
                        }
                    }
                    Ok(())
                });
                if let Err(e) = stored {
                    super::output::eprintln_safe(&format!(
                        "warning: could not store the refreshed session ({e}); run `axme login` if later commands fail"
                    ));
                }
            }) as crate::client::OnRefresh
        });
        let client = client.with_session(session, hook);
        Ok(Remote { context, client })
    }
}

fn no_credentials(context: &EffectiveContext) -> CliError {
    CliError::usage(format!(
        "no API key for {} (context {:?})",
        context.base_url.value, context.name.value
    ))
    .with_hint(
        "run `axme login`, pass --api-key, or set AXME_API_KEY (a local `axme server` writes a \
         `local` context on its first start)",
    )
}

/// One line for every client error, with the documented exit code.
pub fn from_client(err: ClientError) -> CliError {
    match &err {
        ClientError::Unreachable { base_url, detail }
            if base_url.starts_with("https://") && speaks_plain_http(detail) =>
        {
            CliError::failure(format!(
                "the gateway at {base_url} answered in plain HTTP, not TLS"
            ))
            .with_hint(format!(
                "use --base-url {} (a local `axme server` speaks plain HTTP)",
                base_url.replacen("https://", "http://", 1)
            ))
        }
        // rustls: "invalid peer certificate: UnknownIssuer" (self-signed, private CA), …
        ClientError::Unreachable { base_url, detail } if detail.contains("certificate") => {
            CliError::failure(format!(
                "the gateway at {base_url} presented a TLS certificate that is not trusted \
                 here ({detail})"
            ))
            .with_hint(
                "if it is self-signed or from a private CA, trust that PEM file with --ca-cert \
                 FILE or AXME_CA_CERT, or store it: axme context set NAME --ca-cert FILE",
            )
        }
        ClientError::Unreachable { base_url, .. } => CliError::failure(format!(
            "cannot reach the gateway at {base_url} — is `axme server` running?"
        ))
        .with_hint("start one with `axme server`, or point at another with --base-url"),
        ClientError::Timeout { .. } => CliError::failure(err.to_string()),
        ClientError::Auth {
            status, message, ..
        } => {
            let what = if *status == 403 {
                "the credentials are not allowed to do this"
            } else {
                "the gateway did not accept the credentials"
            };
            CliError::usage(format!("{what}: {message}"))
                .with_hint("check your API key, or run `axme login`")
        }
        ClientError::NotFound { message } => CliError::failure(format!("not found: {message}")),
        ClientError::Rejected { code, message, .. } if code == "idempotency_conflict" => {
            CliError::failure(message.clone()).with_hint(
                "that idempotency key was used for a different request (payload, type or \
                 --deadline differ); pass a new --idempotency-key to send a new intent",
            )
        }
        ClientError::Rejected { message, .. } => CliError::failure(message.clone()),
        ClientError::RateLimited { .. } => {
            CliError::failure(err.to_string()).with_hint("wait a little and try again")
        }
        ClientError::Server { .. } | ClientError::Protocol { .. } => {
            CliError::failure(err.to_string())
        }
    }
}

/// A TLS handshake met an HTTP answer (rustls reports the bytes as a corrupt record).
fn speaks_plain_http(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    [
        "corrupt message",
        "invalidcontenttype",
        "wrong version number",
        "http request",
    ]
    .iter()
    .any(|m| d.contains(m))
}

/// Exit code of a command that waited for an intent to end.
pub fn exit_for(status: Status) -> Exit {
    match status {
        Status::Failed => Exit::IntentFailed,
        Status::TimedOut => Exit::IntentTimedOut,
        Status::Canceled => Exit::IntentCanceled,
        _ => Exit::Success,
    }
}

/// Ends the command with the outcome's exit code (silently: the outcome was printed).
pub fn outcome(status: Status) -> CliResult {
    match exit_for(status) {
        Exit::Success => Ok(()),
        exit => Err(CliError::new(exit, "")),
    }
}

/// A JSON argument: inline JSON, `@FILE`, or `-` for stdin. `what` names the flag.
pub fn read_json_arg(raw: &str, what: &str) -> CliResult<Value> {
    let (text, origin) = if raw == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read {what} from stdin: {e}")))?;
        (text, "stdin".to_string())
    } else if let Some(path) = raw.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {what} file {path}: {e}")))?;
        (text, path.to_string())
    } else {
        (raw.to_string(), "the command line".to_string())
    };
    serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!("{what} from {origin} is not valid JSON: {e}")).with_hint(
            "pass a JSON object, e.g. '{\"key\": \"value\"}', @file.json, or - for stdin",
        )
    })
}

/// Like [`read_json_arg`] but the value must be an object.
pub fn read_json_object(raw: &str, what: &str) -> CliResult<Value> {
    let value = read_json_arg(raw, what)?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(CliError::usage(format!("{what} must be a JSON object")))
    }
}

/// Tells the user on stderr that the gateway went away and when the next try comes, and that
/// it is back. Quiet until a wait reaches a second (a restart's blip stays silent), then about
/// one line per 10 s however many activities (a stream, handlers' results) share it.
pub fn outage_notice(out: &Output, base_url: &str) -> OnOutage {
    let out = out.clone();
    let base_url = base_url.to_string();
    let last: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);
    Arc::new(move |outage: &Outage| {
        let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
        match outage {
            Outage::Waiting {
                error,
                retry_in,
                down_for,
                ..
            } if *retry_in >= std::time::Duration::from_secs(1)
                && last.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(9)) =>
            {
                *last = Some(std::time::Instant::now());
                let reason = error
                    .strip_prefix(&format!("cannot reach the gateway at {base_url} "))
                    .unwrap_or(error);
                out.notice(format!(
                    "{}  gateway {base_url} unreachable {reason}; retrying in {} (down {})",
                    super::listen::stamp(),
                    seconds(*retry_in),
                    seconds(*down_for),
                ));
            }
            Outage::Recovered { down_for } if last.take().is_some() => {
                out.notice(format!(
                    "{}  gateway {base_url} reachable again after {}",
                    super::listen::stamp(),
                    seconds(*down_for)
                ));
            }
            _ => {}
        }
    })
}

/// `8 s`, `1.6 s`, `2 min 5 s`.
pub fn seconds(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{:.1} s", s).replace(".0 s", " s")
    } else if s < 120.0 {
        format!("{} s", s.round())
    } else {
        format!("{} min {} s", (s / 60.0).floor(), (s % 60.0).round())
    }
}
