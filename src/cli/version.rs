//! `axme version`. Reads no file: it must start in a couple of milliseconds.

use serde_json::json;

use super::error::CliResult;
use super::global::Ctx;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Set by release builds (`AXME_BUILD_COMMIT=$(git rev-parse --short HEAD) cargo build`);
/// no build script needed.
pub const COMMIT: Option<&str> = option_env!("AXME_BUILD_COMMIT");

pub fn run(ctx: &Ctx) -> CliResult {
    if ctx.out.is_machine() {
        let mut value = json!({ "version": VERSION });
        if let Some(commit) = COMMIT {
            value["commit"] = json!(commit);
        }
        return ctx.out.json(&value);
    }
    match COMMIT {
        Some(commit) => ctx.out.line(format!("axme {VERSION} ({commit})")),
        None => ctx.out.line(format!("axme {VERSION}")),
    }
}
