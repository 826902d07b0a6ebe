//! Intent ids as people type them: any unique prefix of an id (as the short ids of a table
//! show them) names the intent. A full id is used as it is, without a request.

use super::error::{CliError, CliResult};
use super::remote::from_client;
use crate::client::{Client, IntentFilter};

/// How many of the newest intents a prefix is looked up among.
const SEARCHED: usize = 2_000;

/// The full id `raw` names: itself when it is a whole UUID, else the one intent among the
/// newest [`SEARCHED`] whose id starts with it.
pub async fn resolve(client: &Client, raw: &str) -> CliResult<String> {
    let raw = raw.trim();
    if raw.len() == 36 || raw.is_empty() || !raw.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    {
        return Ok(raw.to_string());
    }
    let prefix = raw.to_ascii_lowercase();
    let mut filter = IntentFilter {
        limit: Some(500),
        ..Default::default()
    };
    let mut found: Vec<String> = Vec::new();
    let mut seen = 0;
    loop {
        let page = client.list_intents(&filter).await.map_err(from_client)?;
        seen += page.intents.len();
        found.extend(
            page.intents
                .into_iter()
                .map(|i| i.intent_id)
                .filter(|id| id.starts_with(&prefix)),
        );
        match page.next_cursor {
            Some(cursor) if seen < SEARCHED && found.len() < 2 => filter.cursor = Some(cursor),
            _ => break,
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(CliError::failure(format!(
            "no intent id starts with {raw} (among the {SEARCHED} newest)"
        ))
        .with_hint("pass the full id (`axme intents list -o wide` shows them)")),
        _ => Err(CliError::usage(format!(
            "{raw} is the start of several intent ids ({}, …)",
            found[..found.len().min(3)].join(", ")
        ))
        .with_hint("type more of the id")),
    }
}
