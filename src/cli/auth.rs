//! `axme login|logout|whoami`: credentials of a context.
//!
//! `login` stores into the context named by `--context`/`AXME_CONTEXT`, else the active one,
//! else `default`, and makes it active. With an API key (`--api-key` or `AXME_API_KEY`) it just
//! stores the key (checked against the gateway when it is reachable). Otherwise it runs the
//! email one-time-code flow: the code is prompted for on a terminal, read as one line from
//! stdin when stdin is not a terminal (no prompt), and never waited for with `--no-input`.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use serde_json::{Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::remote::{Remote, block_on, from_client};
use crate::client::{Client, ClientError};
use crate::config::{
    ContextSecrets, ContextUpdate, DEFAULT_CONTEXT_NAME, EnvOverrides, Source, Sourced, commit,
    normalize_base_url, set_secrets, update_context,
};

#[derive(Debug, Args)]
#[command(
    after_help = "Non-interactive (CI): `axme login --base-url URL --api-key KEY` or set \
                        AXME_API_KEY. Interactive: a one-time code is sent to your email (a \
                        self-hosted `axme server` mails it when started with --smtp-url, \
                        else writes it to its log). When stdin is not a \
                        terminal the code is read from it as one line, without a prompt; a wrong \
                        code typed on a terminal is asked again while tries remain. In two steps \
                        (CI): `axme login --email EMAIL --no-input` sends the code, then \
                        `axme login --email EMAIL --code CODE` signs in. --context NAME picks the \
                        context the credentials are stored in. --browser signs in by approving \
                        on the gateway's page (the same email code proves who you are there), \
                        for a terminal where typing a code is awkward.\n\n\
                        Examples:\n  \
                        axme login --api-key \"$AXME_API_KEY\" --base-url https://gw.example.com\n  \
                        axme login --email you@example.com\n  \
                        axme login --browser --base-url https://gw.example.com\n  \
                        axme login --email you@example.com --no-input && \
                        axme login --email you@example.com --code 123456"
)]
pub struct LoginArgs {
    /// Email address to send the one-time code to (prompted for on a terminal)
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Never prompt or read stdin: with --email, send the code and stop (finish with --code)
    #[arg(long)]
    pub no_input: bool,
    /// The one-time code of an earlier `axme login --email EMAIL --no-input`
    #[arg(long, value_name = "CODE", requires = "email")]
    pub code: Option<String>,
    /// Sign in by approving in a browser: the gateway's approval page (check that it shows
    /// the code printed here), then this command collects the session
    #[arg(long, conflicts_with_all = ["email", "code", "no_input"])]
    pub browser: bool,
    /// With --browser: print the approval page's address instead of opening it
    #[arg(long, requires = "browser")]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// End every session of your account on the gateway, not only this one (and the API
    /// keys they were given)
    #[arg(long)]
    pub all_sessions: bool,
    /// Accepted for the public CLI's scripts: the API key is always cleared
    #[arg(long, hide = true)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {}

/// Where login stores: flag > env > active context > `default`.
pub(super) struct Target {
    pub name: String,
    pub base_url: String,
    /// Certificates trusted beside the built-in roots (`--ca-cert`, AXME_CA_CERT, context).
    pub roots: Vec<reqwest::Certificate>,
}

fn target(ctx: &Ctx) -> CliResult<Target> {
    let paths = ctx.paths()?;
    let config = ctx.load_config(&paths)?;
    let env = EnvOverrides::from_process();
    let name = ctx
        .global
        .context
        .clone()
        .or(env.context)
        .or_else(|| config.active().map(str::to_string))
        .unwrap_or_else(|| DEFAULT_CONTEXT_NAME.to_string());
    let ca_cert = ctx
        .global
        .ca_cert
        .clone()
        .map(|v| Sourced::new(v, Source::Flag))
        .or_else(|| env.ca_cert.map(|v| Sourced::new(v, Source::Env)))
        .or_else(|| {
            config
                .get(&name)
                .and_then(|c| c.ca_cert.clone())
                .map(|v| Sourced::new(v, Source::Context))
        });
    let roots = super::remote::trusted_roots(ca_cert.as_ref())?;
    let stored = config
        .get(&name)
        .map(|c| c.base_url.clone())
        .filter(|u| !u.trim().is_empty());
    let (url, source) = match (&ctx.global.base_url, env.base_url, stored) {
        (Some(flag), _, _) => (flag.clone(), Source::Flag),
        (None, Some(env), _) => (env, Source::Env),
        (None, None, Some(stored)) => (stored, Source::Context),
        (None, None, None) => (crate::config::DEFAULT_BASE_URL.to_string(), Source::Default),
    };
    let base_url = normalize_base_url(&Sourced::new(url, source))?;
    Ok(Target {
        name,
        base_url,
        roots,
    })
}

pub fn login(ctx: &Ctx, args: LoginArgs) -> CliResult {
    let target = target(ctx)?;
    if args.browser {
        return super::login_browser::login_with_browser(ctx, &target, args.no_browser);
    }
    let key = ctx
        .global
        .api_key
        .clone()
        .or_else(|| crate::config::env::get(crate::config::env::API_KEY));
    match key {
        Some(key) => login_with_key(ctx, &target, key.trim()),
        None => login_with_code(ctx, &target, args),
    }
}

fn login_with_key(ctx: &Ctx, target: &Target, key: &str) -> CliResult {
    let client =
        Client::new(&target.base_url, Some(key.to_string()), &target.roots).map_err(from_client)?;
    // A wrong key is refused now rather than at the next command; an unreachable gateway is
    // not an error (CI may store credentials before the gateway is up).
    let who = match block_on(client.personal_context())? {
        Ok(who) => Some(who),
        Err(e @ ClientError::Auth { .. }) => return Err(from_client(e)),
        Err(e) => {
            ctx.out
                .warn(format!("stored the key without checking it: {e}"));
            None
        }
    };
    let org = who.as_ref().and_then(|w| text(w, &["context", "org_id"]));
    let ws = who
        .as_ref()
        .and_then(|w| text(w, &["context", "workspace_id"]));
    save(ctx, target, key.to_string(), None, None, org, ws)?;
    report(ctx, target, who.as_ref())
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().map(str::to_string).filter(|s| !s.is_empty())
}

pub(super) fn save(
    ctx: &Ctx,
    target: &Target,
    api_key: String,
    actor_token: Option<String>,
    refresh_token: Option<String>,
    org_id: Option<String>,
    workspace_id: Option<String>,
) -> CliResult {
    let paths = ctx.paths()?;
    let store = ctx.secret_store(&paths)?;
    let writes = update_context(
        &paths,
        &store,
        &target.name,
        ContextUpdate {
            base_url: Some(target.base_url.clone()),
            org_id,
            workspace_id,
            secrets: Some(ContextSecrets {
                api_key: Some(api_key),
                actor_token,
                refresh_token,
            }),
            activate: true,
            ..Default::default()
        },
    )?;
    ctx.report_writes(&store, &writes.unwrap_or_default());
    Ok(())
}

pub(super) fn report(ctx: &Ctx, target: &Target, who: Option<&Value>) -> CliResult {
    let address = who.and_then(|w| text(w, &["principal", "address"]));
    let email = who.and_then(|w| text(w, &["account", "email"]));
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "ok": true, "context": target.name, "base_url": target.base_url,
            "address": address, "email": email,
        }));
    }
    let who = email
        .or(address)
        .map(|w| format!(" as {w}"))
        .unwrap_or_default();
    ctx.out.notice(format!(
        "Signed in to {}{who}; credentials stored in context {:?} (now active).",
        target.base_url, target.name
    ));
    Ok(())
}

/// One line from stdin: prompted on a terminal, read silently from a pipe.
fn read_line(prompt: &str, no_input: bool) -> CliResult<String> {
    if no_input {
        return Err(missing_credentials());
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
    let line = line.trim().to_string();
    if line.is_empty() {
        return Err(missing_credentials());
    }
    Ok(line)
}

fn missing_credentials() -> CliError {
    CliError::usage("no credentials to sign in with")
        .with_hint("pass --api-key KEY or set AXME_API_KEY, or run `axme login --email you@example.com` on a terminal")
}

/// A code requested by `login --email`, kept until it is used (0600 in the config dir), so
/// `login --email E --code C` can finish it from another process.
#[derive(serde::Serialize, serde::Deserialize)]
struct PendingLogin {
    base_url: String,
    email: String,
    login_id: String,
}

fn pending_path(ctx: &Ctx) -> CliResult<std::path::PathBuf> {
    Ok(ctx.paths()?.dir().join("login-pending.json"))
}

fn load_pending(ctx: &Ctx, target: &Target, email: &str) -> CliResult<Option<String>> {
    let Ok(text) = std::fs::read_to_string(pending_path(ctx)?) else {
        return Ok(None);
    };
    Ok(serde_json::from_str::<PendingLogin>(&text)
        .ok()
        .filter(|p| p.base_url == target.base_url && p.email.eq_ignore_ascii_case(email))
        .map(|p| p.login_id))
}

fn forget_pending(ctx: &Ctx) {
    if let Ok(path) = pending_path(ctx) {
        let _ = std::fs::remove_file(path);
    }
}

fn login_with_code(ctx: &Ctx, target: &Target, args: LoginArgs) -> CliResult {
    let email = match args.email {
        Some(e) => e,
        None if std::io::stdin().is_terminal() && !args.no_input => read_line("Email: ", false)?,
        None => return Err(missing_credentials()),
    };
    let client = Client::new(&target.base_url, None, &target.roots).map_err(from_client)?;
    let login_id = match &args.code {
        Some(_) => Some(load_pending(ctx, target, &email)?.ok_or_else(|| {
            CliError::usage(format!(
                "no sign-in code was requested for {email} at {}",
                target.base_url
            ))
            .with_hint(format!(
                "request one with `axme login --email {email} --no-input`, then pass its code"
            ))
        })?),
        None => request_code(ctx, &client, target, &email, args.no_input)?,
    };
    let Some(login_id) = login_id else {
        return Ok(());
    };
    let interactive = args.code.is_none() && std::io::stdin().is_terminal();
    let mut code = match &args.code {
        Some(code) => code.trim().to_string(),
        None => read_line("Code: ", args.no_input)?,
    };
    let tokens = loop {
        match block_on(client.verify_login(&login_id, &code))? {
            Ok(tokens) => break tokens,
            Err(ClientError::Rejected {
                status: 422,
                message,
                ..
            }) if interactive && !message.contains(" 0 attempts") => {
                ctx.out.warn(message);
                code = read_line("Code: ", false)?;
            }
            Err(e) => {
                if !matches!(&e, ClientError::Rejected { status: 422, .. }) {
                    forget_pending(ctx);
                }
                return Err(verify_error(e, &email));
            }
        }
    };
    forget_pending(ctx);
    let api_key = tokens
        .api_key
        .clone()
        .ok_or_else(|| CliError::failure("the gateway signed you in but returned no API key"))?;
    save(
        ctx,
        target,
        api_key.clone(),
        tokens.access(),
        tokens.refresh_token.clone(),
        tokens.org_id.clone(),
        tokens.workspace_id.clone(),
    )?;
    let who = json!({ "account": { "email": email } });
    report(ctx, target, Some(&who))
}

/// Asks the gateway to send a code; remembers the request. `None` when told not to wait for
/// the code (`--no-input`): the user finishes with `--code`.
fn request_code(
    ctx: &Ctx,
    client: &Client,
    target: &Target,
    email: &str,
    no_input: bool,
) -> CliResult<Option<String>> {
    let started = block_on(client.login_intent(email))?.map_err(|e| match &e {
        // The mail relay failed: the server's reason is the whole story, on one line.
        ClientError::Server {
            status: 502 | 503,
            message,
        } => CliError::failure(message.clone()),
        _ => from_client(e),
    })?;
    let pending = PendingLogin {
        base_url: target.base_url.clone(),
        email: email.to_string(),
        login_id: started.intent_id.clone(),
    };
    let text = serde_json::to_vec(&pending).unwrap_or_default();
    crate::config::write_atomic(&pending_path(ctx)?, &text)?;
    let minutes = started.expires_in.unwrap_or(600) / 60;
    ctx.out.notice(match started.delivery.as_deref() {
        Some("server_log") => format!(
            "A sign-in code for {email} was written to the gateway's log (it has no mail relay); it expires in {minutes} minutes."
        ),
        _ => format!("A sign-in code was sent to {email}; it expires in {minutes} minutes."),
    });
    if no_input {
        if ctx.out.is_machine() {
            ctx.out
                .json(&json!({"ok": true, "code_sent": true, "email": email}))?;
        }
        ctx.out.notice(format!(
            "Finish with: axme login --email {email} --code CODE"
        ));
        return Ok(None);
    }
    Ok(Some(started.intent_id))
}

fn verify_error(e: ClientError, email: &str) -> CliError {
    match &e {
        ClientError::Rejected {
            status: 409 | 410,
            message,
            ..
        } => CliError::failure(format!("sign-in failed: {message}")).with_hint(format!(
            "request a new code with `axme login --email {email}`"
        )),
        ClientError::Rejected { message, .. } => {
            CliError::failure(format!("sign-in failed: {message}"))
        }
        _ => from_client(e),
    }
}

pub fn logout(ctx: &Ctx, args: LogoutArgs) -> CliResult {
    let target = target(ctx)?;
    let paths = ctx.paths()?;
    let config = ctx.load_config(&paths)?;
    let Some(stored) = config.get(&target.name) else {
        ctx.out
            .notice(format!("context {:?} holds no credentials", target.name));
        return Ok(());
    };
    let store = ctx.secret_store(&paths)?;
    let secrets = store.load(&target.name, stored.secret_store())?;
    if secrets.is_empty() {
        if ctx.out.is_machine() {
            return ctx
                .out
                .json(&json!({"ok": true, "context": target.name, "removed": false}));
        }
        ctx.out.notice(format!(
            "Already signed out: context {:?} holds no credentials.",
            target.name
        ));
        return Ok(());
    }
    // End the session server side first (best effort: an unreachable gateway must not keep
    // the credentials on this machine).
    let mut server_logout = json!({"attempted": false, "revoked": false});
    if secrets.actor_token.is_some() || secrets.refresh_token.is_some() {
        server_logout["attempted"] = json!(true);
        if args.all_sessions {
            server_logout["mode"] = json!("all_sessions");
            // With the refresh token, so an expired access token is renewed first.
            let client = Client::new(&target.base_url, None, &target.roots)
                .map_err(from_client)?
                .with_session(
                    crate::client::Session {
                        access_token: secrets.actor_token.clone(),
                        refresh_token: secrets.refresh_token.clone(),
                    },
                    None,
                );
            match block_on(client.logout_all())? {
                Ok(done) => {
                    server_logout["revoked"] = json!(done.ok);
                    server_logout["sessions_revoked"] = json!(done.revoked);
                }
                Err(e) => {
                    ctx.out
                        .warn(format!("could not end the sessions on the gateway: {e}"));
                    server_logout["error"] = json!(e.to_string());
                }
            }
        } else {
            server_logout["mode"] = json!("current_session");
            let client = Client::new(&target.base_url, None, &target.roots)
                .map_err(from_client)?
                .with_session(
                    crate::client::Session {
                        access_token: secrets.actor_token.clone(),
                        refresh_token: None,
                    },
                    None,
                );
            match block_on(client.logout_session(secrets.refresh_token.as_deref()))? {
                Ok(done) => {
                    server_logout["revoked"] = done.get("revoked").cloned().unwrap_or(json!(false));
                }
                Err(e) => {
                    ctx.out
                        .warn(format!("could not end the session on the gateway: {e}"));
                    server_logout["error"] = json!(e.to_string());
                }
            }
        }
    } else if args.all_sessions {
        ctx.out.warn(
            "this context has no account session: no session on the gateway was ended \
             (sign in with `axme login` to end them all)",
        );
    }
    {
        let _lock = paths.lock()?;
        let mut config = ctx.load_config(&paths)?;
        if config.contexts.contains_key(&target.name) {
            let write = set_secrets(
                &store,
                &mut config,
                &target.name,
                &ContextSecrets::default(),
            )?;
            commit(&paths, &store, &mut config, vec![write])?;
        }
    }
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "ok": true,
            "context": target.name,
            "removed": true,
            "server_logout": server_logout,
        }));
    }
    ctx.out.notice(format!(
        "Signed out: removed the API key and session of context {:?}.",
        target.name
    ));
    if let Some(n) = server_logout["sessions_revoked"].as_u64() {
        ctx.out.notice(format!(
            "Ended {n} session{} of your account on the gateway.",
            if n == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

pub fn whoami(ctx: &Ctx, _args: WhoamiArgs) -> CliResult {
    let remote = Remote::connect(ctx, false)?;
    if !remote.client.has_api_key() && remote.context.actor_token.is_none() {
        return Err(CliError::usage(format!(
            "not signed in: context {:?} has no credentials for {}",
            remote.context.name.value,
            remote.client.base_url()
        ))
        .with_hint("run `axme login`, pass --api-key, or set AXME_API_KEY"));
    }
    let who = block_on(remote.client.personal_context())?.map_err(from_client)?;
    if ctx.out.is_machine() {
        let mut who = who;
        who["base_url"] = json!(remote.client.base_url());
        who["context"]["name"] = json!(remote.context.name.value);
        return ctx.out.json(&who);
    }
    let rows = [
        ("address", text(&who, &["principal", "address"])),
        ("account", text(&who, &["account", "email"])),
        ("org", text(&who, &["context", "org"])),
        ("workspace", text(&who, &["context", "workspace"])),
        (
            "admin",
            who.pointer("/principal/is_admin")
                .and_then(Value::as_bool)
                .map(|a| if a { "yes".into() } else { "no".into() }),
        ),
        ("role", text(&who, &["principal", "role"])),
        (
            "scopes",
            who.pointer("/principal/scopes")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
        ),
        ("gateway", Some(remote.client.base_url().to_string())),
        ("context", Some(remote.context.name.value.clone())),
    ];
    let lines: Vec<String> = rows
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k:<9} {v}")))
        .collect();
    ctx.out.line(lines.join("\n"))
}
