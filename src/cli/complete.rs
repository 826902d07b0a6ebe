//! Values completed on <TAB>: context names and example names from this machine, intent ids
//! and agent addresses from the gateway of the effective context. The shell asks the binary
//! itself (`COMPLETE=<shell> axme -- <words>`, clap_complete's dynamic completion; the
//! scripts of `axme completions` set that up). A completer never prints an error and never
//! keeps the shell waiting: no answer within a second and a half means no candidates.

use std::ffi::OsStr;
use std::future::Future;
use std::sync::mpsc;
use std::time::Duration;

use clap_complete::engine::CompletionCandidate;

use super::global::{Ctx, GlobalArgs};
use super::output::ColorChoice;
use super::remote::Remote;
use crate::client::{Client, IntentFilter};
use crate::config::{ConfigFile, ConfigPaths};

/// How long a completion may wait for the gateway: a <TAB> must feel instant.
const GATEWAY_LIMIT: Duration = Duration::from_millis(1500);
/// How many recent intents are offered.
const RECENT_INTENTS: u32 = 50;
/// How many agents are offered.
const AGENTS: u32 = 200;

/// When the shell asks for completions (`COMPLETE` is set), answers and exits; else returns.
pub fn answer_the_shell() {
    clap_complete::CompleteEnv::with_factory(super::command).complete();
}

/// Stored context names (`--context`, `context use|show|delete`), each with its gateway.
pub fn context_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(config) = ConfigPaths::discover()
        .ok()
        .and_then(|paths| ConfigFile::load(&paths.config_json()).ok())
    else {
        return Vec::new();
    };
    config
        .contexts
        .iter()
        .map(|(name, stored)| (name.clone(), Some(stored.base_url.clone())))
        .filter_map(|(value, help)| candidate(current, value, help))
        .collect()
}

/// The built-in examples (`examples run`).
pub fn example_names(current: &OsStr) -> Vec<CompletionCandidate> {
    super::examples::EXAMPLES
        .iter()
        .filter_map(|(name, title)| candidate(current, (*name).into(), Some((*title).into())))
        .collect()
}

/// The most recent intents the caller may see, newest first, with status and type.
pub fn intent_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let found = from_gateway(|client| async move {
        let filter = IntentFilter {
            limit: Some(RECENT_INTENTS),
            ..IntentFilter::default()
        };
        let list = client.list_intents(&filter).await.ok()?;
        Some(
            list.intents
                .into_iter()
                .map(|i| (i.intent_id, Some(format!("{} {}", i.status, i.intent_type))))
                .collect(),
        )
    });
    found
        .into_iter()
        .filter_map(|(value, help)| candidate(current, value, help))
        .collect()
}

/// The addresses of the agents the caller may see.
pub fn agent_addresses(current: &OsStr) -> Vec<CompletionCandidate> {
    let found = from_gateway(|client| async move {
        let agents = client.list_agents(AGENTS).await.ok()?;
        let addresses = agents
            .iter()
            .filter_map(|a| a.get("address").and_then(serde_json::Value::as_str))
            .map(|a| (a.to_string(), None))
            .collect();
        Some(addresses)
    });
    found
        .into_iter()
        .filter_map(|(value, help)| candidate(current, value, help))
        .collect()
}

fn candidate(current: &OsStr, value: String, help: Option<String>) -> Option<CompletionCandidate> {
    let typed = current.to_str()?;
    value
        .starts_with(typed)
        .then(|| CompletionCandidate::new(value).help(help.map(clap::builder::StyledStr::from)))
}

/// Runs `fetch` with a client for the effective context on a thread of its own: a gateway
/// that does not answer, or a keyring that does not either, costs at most the time limit.
fn from_gateway<F, Fut>(fetch: F) -> Vec<(String, Option<String>)>
where
    F: FnOnce(Client) -> Fut + Send + 'static,
    Fut: Future<Output = Option<Vec<(String, Option<String>)>>>,
{
    let (found, answer) = mpsc::channel();
    std::thread::spawn(move || {
        let ctx = Ctx::new(typed_global_args());
        let Ok(remote) = Remote::connect(&ctx, true) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        let client = remote.client;
        let fetched = runtime
            .block_on(async move { tokio::time::timeout(GATEWAY_LIMIT, fetch(client)).await });
        if let Ok(Some(values)) = fetched {
            let _ = found.send(values);
        }
    });
    answer
        .recv_timeout(GATEWAY_LIMIT + Duration::from_millis(250))
        .unwrap_or_default()
}

/// The `--context`, `--base-url` and `--api-key` typed on the command line being completed
/// (the words after `--`), so values come from the gateway the command will talk to.
fn typed_global_args() -> GlobalArgs {
    let words: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(1).collect();
    let flag = |name: &str| -> Option<String> {
        let long = format!("--{name}");
        let with_value = format!("--{name}=");
        let value = words.iter().enumerate().find_map(|(i, w)| {
            if w == &long {
                words.get(i + 1).cloned()
            } else {
                w.strip_prefix(&with_value).map(str::to_string)
            }
        });
        value.filter(|v| !v.is_empty())
    };
    GlobalArgs {
        context: flag("context"),
        base_url: flag("base-url"),
        api_key: flag("api-key"),
        ca_cert: flag("ca-cert"),
        json: false,
        output: None,
        color: ColorChoice::Never,
        quiet: true,
        verbose: 0,
    }
}
