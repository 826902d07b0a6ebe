//! `axme open [INTENT]`: the current context's web console in the browser (`xdg-open`,
//! macOS `open`), or its URL on stdout where there is no browser to open.

use std::process::{Command, Stdio};

use clap::Args;
use serde_json::json;

use super::error::CliResult;
use super::global::Ctx;
use super::remote::{Remote, block_on};

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Intent to show (its id or a unique prefix); the intents list when absent
    #[arg(value_name = "INTENT")]
    pub intent_id: Option<String>,
    /// Print the URL instead of opening a browser
    #[arg(long)]
    pub print: bool,
}

pub fn run(ctx: &Ctx, args: OpenArgs) -> CliResult {
    let context = ctx.effective_context()?;
    let intent_id = match args.intent_id {
        Some(raw) => {
            // A prefix is completed by the gateway; a whole id needs no request.
            let remote = Remote::connect(ctx, false)?;
            Some(block_on(super::ids::resolve(&remote.client, &raw))??)
        }
        None => None,
    };
    let url = crate::server::console::url(&context.base_url.value, intent_id.as_deref());
    let opened = !args.print && launch(&url);
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({ "url": url, "opened": opened }));
    }
    if opened {
        super::output::eprintln_safe(&format!("opened {url} in the browser"));
        return Ok(());
    }
    ctx.out.line(url)
}

/// Hands `url` to the desktop's opener; false when there is none (or no desktop).
pub(super) fn launch(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        // Without a display xdg-open would start a text browser in this terminal.
        let desktop = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
        if !desktop {
            return false;
        }
        "xdg-open"
    };
    Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
