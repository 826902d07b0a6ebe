//! `axme mcp`: the configuration an MCP host (Cursor, Claude Desktop) needs to use the
//! current context's gateway as an MCP server (`POST /mcp`). The key is referred to, not
//! printed, unless `--show-key` asks for it.

use clap::{Args, ValueEnum};
use serde_json::json;

use super::error::{CliError, CliResult};
use super::global::Ctx;
use crate::config::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Host {
    /// `mcpServers` with `url` and `headers` (Cursor, Windsurf, Claude Code, …)
    Cursor,
    /// `mcpServers` with a command: Claude Desktop reaches HTTP servers through `mcp-remote`
    ClaudeDesktop,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Which host's configuration format to print
    #[arg(long, value_enum, default_value = "cursor")]
    pub host: Host,
    /// The server's name in the host's configuration
    #[arg(long, value_name = "NAME", default_value = "axme")]
    pub name: String,
    /// Put the API key itself in the configuration instead of a reference to it
    #[arg(long)]
    pub show_key: bool,
}

/// The environment variable the printed configuration reads the key from.
const KEY_VARIABLE: &str = "AXME_API_KEY";

pub fn run(ctx: &Ctx, args: McpArgs) -> CliResult {
    let context = ctx.effective_context()?;
    let url = endpoint(&context.base_url.value);
    let key = context.api_key.as_ref();
    if args.show_key && key.is_none() {
        return Err(
            CliError::usage(format!("context '{}' has no API key", context.name.value))
                .with_hint("sign in with `axme login`, or give one with --api-key"),
        );
    }
    let how_to_get_key = format!(
        "axme context show {} --show-key -o json",
        context.name.value
    );
    let key_text = match (args.show_key, key) {
        (true, Some(key)) => key.value.clone(),
        _ => format!("<{how_to_get_key}>"),
    };
    let server = match args.host {
        Host::Cursor => {
            let header = if args.show_key {
                key_text.clone()
            } else {
                format!("${{env:{KEY_VARIABLE}}}")
            };
            json!({ "url": url, "headers": { "x-api-key": header } })
        }
        Host::ClaudeDesktop => json!({
            "command": "npx",
            "args": ["-y", "mcp-remote", url, "--header", format!("x-api-key:${{{KEY_VARIABLE}}}")],
            "env": { KEY_VARIABLE: key_text },
        }),
    };
    let mut servers = serde_json::Map::new();
    servers.insert(args.name.clone(), server);
    let config = json!({ "mcpServers": servers });
    let key_source = key.map(|k| match k.source {
        Source::Flag => "flag",
        Source::Env => "env",
        Source::Context | Source::Default => "context",
    });
    if ctx.out.is_machine() {
        return ctx.out.json(&json!({
            "ok": true,
            "context": context.name.value,
            "host": args.host.to_possible_value().map(|v| v.get_name().to_string()),
            "url": url,
            "key_variable": KEY_VARIABLE,
            "key_source": key_source,
            "key_shown": args.show_key,
            "key_command": how_to_get_key,
            "config": config,
        }));
    }
    ctx.out.json(&config)?;
    note(ctx, &context.name.value, key_source, args, &how_to_get_key);
    Ok(())
}

/// The gateway's MCP endpoint: `<base>/mcp`.
pub fn endpoint(base_url: &str) -> String {
    format!("{}/mcp", base_url.trim_end_matches('/'))
}

/// What to do with the key, on stderr (stdout is the configuration alone).
fn note(ctx: &Ctx, context: &str, key_source: Option<&str>, args: McpArgs, command: &str) {
    if key_source.is_none() {
        ctx.out.warn(format!(
            "context '{context}' has no API key yet: sign in with `axme login` first"
        ));
        return;
    }
    if args.show_key {
        ctx.out
            .notice("this configuration holds the API key itself: keep the file private");
        return;
    }
    match args.host {
        Host::Cursor => ctx.out.notice(format!(
            "the host reads the key from {KEY_VARIABLE}; its value: `{command}` (api_key)"
        )),
        Host::ClaudeDesktop => ctx.out.notice(format!(
            "replace the {KEY_VARIABLE} placeholder with the key: `{command}` (api_key), or \
             run again with --show-key"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_under_the_base_url() {
        assert_eq!(
            endpoint("http://127.0.0.1:8100/"),
            "http://127.0.0.1:8100/mcp"
        );
        assert_eq!(
            endpoint("https://gw.example/axme"),
            "https://gw.example/axme/mcp"
        );
    }
}
