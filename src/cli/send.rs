//! Sending an intent (`axme intents send`, and `retry`'s new intent): its idempotency key
//! and the correlation id derived from it, so a re-run command sends identical bytes; the
//! create; a warning when nobody will receive it; following it to the end with `--wait` or
//! `--watch`.

use serde_json::{Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::intents::SendArgs;
use super::output::OutputFormat;
use super::remote::{Remote, from_client, outcome, read_json_object};
use super::timeline::{self, compact};
use crate::client::Client;
use crate::protocol::{CreateIntentRequest, Intent, Status};

/// A UUID derived from the idempotency key (so a retried command sends identical bytes).
pub(super) fn correlation_for(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("axme-correlation:{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A fresh key per command: printing it lets the user retry the same command safely.
pub(super) fn new_idempotency_key() -> String {
    format!("axme-cli-{}", uuid::Uuid::new_v4())
}

pub(super) async fn send(ctx: &Ctx, remote: &Remote, args: SendArgs) -> CliResult {
    let payload = match &args.payload {
        Some(raw) => read_json_object(raw, "--payload")?,
        None => json!({}),
    };
    let deadline_at = match args.deadline {
        Some(d) => {
            let d = chrono::Duration::from_std(d)
                .map_err(|_| CliError::usage("--deadline is too far in the future"))?;
            Some(crate::protocol::Timestamp::from_datetime(
                chrono::Utc::now() + d,
            ))
        }
        None => None,
    };
    let request = CreateIntentRequest {
        intent_type: args
            .intent_type
            .clone()
            .unwrap_or_else(|| "intent.ask.v1".into()),
        correlation_id: None,
        to_agent: args.to.trim().to_string(),
        payload,
        deadline_at,
        // Sent beside the absolute time, for our gateway's idempotency fingerprint: the same
        // command re-run with the same key then replays instead of differing in deadline_at.
        deadline_seconds: args.deadline.map(|d| d.as_secs().max(1)),
        ..Default::default()
    };
    let key = args
        .idempotency_key
        .clone()
        .unwrap_or_else(new_idempotency_key);
    // The same key must send the same body, or the gateway answers 409 on a retry.
    let request = CreateIntentRequest {
        correlation_id: Some(correlation_for(&key)),
        ..request
    };
    let given = args.idempotency_key.is_some();
    submit(
        ctx,
        &remote.client,
        &request,
        &key,
        given,
        args.wait,
        args.watch,
    )
    .await
}

/// Creates the intent, prints its id and key, and optionally follows it to the end.
pub(super) async fn submit(
    ctx: &Ctx,
    client: &Client,
    request: &CreateIntentRequest,
    key: &str,
    given_key: bool,
    wait: bool,
    watch: bool,
) -> CliResult {
    let (created, replayed) = client
        .create_intent_checked(request, key)
        .await
        .map_err(from_client)?;
    // A key the user chose may name an intent sent before: show where it is now, not "sent".
    let status = if given_key && replayed {
        client
            .get_intent(&created.intent_id)
            .await
            .map_err(from_client)?
            .status
    } else {
        created.status
    };
    let out = &ctx.out;
    match out.format {
        OutputFormat::Text | OutputFormat::Wide => {
            out.line(&created.intent_id)?;
            if replayed {
                out.notice(format!(
                    "already sent with idempotency key {key}: intent to {} is {} (nothing new was sent)",
                    request.to_agent,
                    out.status(status)
                ));
            } else {
                out.notice(format!(
                    "sent to {} ({status}); idempotency key {key} (pass --idempotency-key {key} to retry without sending twice)",
                    request.to_agent
                ));
            }
        }
        // When waiting, scripts get one document: the final intent (below).
        _ if wait || watch => {
            out.notice(format!("sent {}; idempotency key {key}", created.intent_id))
        }
        _ => out.json(&json!({
            "ok": true,
            "intent_id": created.intent_id,
            "status": status,
            "created_at": created.created_at,
            "idempotency_key": key,
            "replayed": replayed,
        }))?,
    }
    if !replayed && !out.quiet {
        warn_if_unheard(out, client, &request.to_agent).await;
    }
    if !wait && !watch {
        return Ok(());
    }
    let status = timeline::follow(out, client, &created.intent_id, 0, watch).await?;
    finish(ctx, client, &created.intent_id, status, wait).await
}

/// Says at once when nobody will receive the intent: the target has no live listener (a
/// gateway that reports listeners), or is no agent at all. Otherwise the intent would wait
/// out its delivery attempts in silence.
async fn warn_if_unheard(out: &super::output::Output, client: &Client, to: &str) {
    let bare = !to.contains("://") && !to.contains('/');
    match client.get_agent(to).await {
        Ok(agent) => {
            let mode = agent
                .get("delivery_mode")
                .and_then(Value::as_str)
                .unwrap_or("stream");
            let nobody = agent
                .get("listeners")
                .and_then(Value::as_array)
                .is_some_and(|l| l.is_empty());
            if nobody && matches!(mode, "stream" | "poll") {
                out.warn(format!(
                    "nobody is listening on {to} right now: the intent waits for a listener \
                     (e.g. `axme agents listen {to} --exec CMD`) and fails after its delivery \
                     attempts"
                ));
            }
        }
        Err(crate::client::ClientError::NotFound { .. }) if bare => out.warn(format!(
            "there is no agent {to} in this workspace and nobody listens on it: the intent \
             fails after its delivery attempts unless an agent starts listening"
        )),
        Err(_) => {}
    }
}

/// After waiting: the final state (text line, or the intent as JSON), then the outcome code.
async fn finish(
    ctx: &Ctx,
    client: &Client,
    id: &str,
    status: Status,
    print_final: bool,
) -> CliResult {
    if print_final {
        let intent = client.get_intent(id).await.map_err(from_client)?;
        match ctx.out.format {
            OutputFormat::Text | OutputFormat::Wide => {
                ctx.out.line(final_line(&ctx.out, &intent))?
            }
            _ => ctx.out.json(&intent)?,
        }
    }
    outcome(status)
}

pub(super) fn final_line(out: &super::output::Output, intent: &Intent) -> String {
    let mut line = format!("{} {}", intent.intent_id, out.status(intent.status));
    if let Some(result) = &intent.result {
        line.push_str(&format!("  result: {}", compact(result)));
    }
    if let Some(error) = &intent.error {
        line.push_str(&format!("  error: {}", compact(error)));
    }
    line
}
