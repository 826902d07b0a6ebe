//! A readable line per lifecycle event, and the loop that follows an intent to its end.

use serde_json::Value;

use super::error::CliResult;
use super::output::{Output, OutputFormat, status_style};
use super::remote::{from_client, outage_notice};
use crate::client::{Client, IntentStream, Persist};
use crate::protocol::{IntentEvent, Status};

/// `12:00:01  #3  DELIVERED     intent.delivered   (holder)  detail`.
pub fn event_line(out: &Output, event: &IntentEvent) -> String {
    let time = event.at.datetime().format("%H:%M:%S");
    let status = format!("{:<12}", status_label(event.status));
    let status = match status_style(event.status) {
        Some(s) => out.paint(&status, s),
        None => status,
    };
    let mut line = format!("{time}  #{:<3} {status} {}", event.seq, event.event_type);
    if let Some(reason) = event.waiting_reason {
        line.push_str(&format!(
            "  {}",
            reason.as_str().to_lowercase().replace('_', " ")
        ));
    }
    if let Some(holder) = holder(event) {
        line.push_str(&format!("  → {holder}"));
    }
    if let Some(title) = event.human_task.as_ref().and_then(|t| t.title.as_deref()) {
        line.push_str(&format!("  task: {title}"));
    }
    if let Some(result) = &event.result {
        line.push_str(&format!("  result: {}", compact(result)));
    }
    if let Some(error) = &event.error {
        line.push_str(&format!("  error: {}", compact(error)));
    }
    if let Some(reason) = &event.reason
        && event.error.is_none()
    {
        line.push_str(&format!("  reason: {reason}"));
    }
    line
}

/// Who holds the intent after this event (the step's agent or human), if known.
pub fn holder(event: &IntentEvent) -> Option<String> {
    let p = event.pending_with.as_ref()?;
    let name = p
        .name
        .as_deref()
        .filter(|n| !n.is_empty() && *n != p.reference);
    match (p.reference.is_empty(), name) {
        (false, Some(name)) => Some(format!("{} ({name})", p.reference)),
        (false, None) => Some(p.reference.clone()),
        (true, name) => name.map(str::to_string),
    }
}

pub fn status_label(status: Status) -> String {
    match status {
        Status::Completed => "COMPLETED ✓".into(),
        Status::Failed => "FAILED ✗".into(),
        Status::TimedOut => "TIMED_OUT ✗".into(),
        other => other.as_str().into(),
    }
}

/// On a terminal, long values are cut so one event stays one line; piped, never.
pub fn compact(value: &Value) -> String {
    let text = value.to_string();
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) && text.chars().count() > 160 {
        let cut: String = text.chars().take(157).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Follows `intent_id` from `since` to its terminal event, printing each event (text line or
/// one JSON object per line) unless `print` is false. Returns the final status.
pub async fn follow(
    out: &Output,
    client: &Client,
    intent_id: &str,
    since: u64,
    print: bool,
) -> CliResult<Status> {
    // Already over and nothing left to show: a stream would wait for events that never come.
    let current = client.get_intent(intent_id).await.map_err(from_client)?;
    if current.status.is_terminal() && current.last_seq.is_some_and(|last| last <= since) {
        return Ok(current.status);
    }
    // A watcher waits out a gateway that is down, for as long as the user lets it.
    let mut stream = IntentStream::new(client, intent_id, since).persist(
        Persist::Forever,
        Some(outage_notice(out, client.base_url())),
    );
    let mut last = None;
    // While waiting silently (--wait), a terminal shows where the intent is, live.
    let mut live = (!print).then(|| Live::new(out, intent_id, &current));
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        let event = tokio::select! {
            event = stream.next() => event,
            _ = tick.tick(), if live.as_ref().is_some_and(Live::shown) => {
                if let Some(live) = live.as_mut() {
                    live.tick(client).await;
                }
                continue;
            }
        };
        let Some(event) = event else { break };
        let event = event.map_err(from_client)?;
        if print {
            match out.format {
                OutputFormat::Text | OutputFormat::Wide => out.line(event_line(out, &event))?,
                _ => out.line(serde_json::to_string(&event).unwrap_or_default())?,
            }
        }
        if let Some(live) = live.as_mut() {
            live.status = event.status;
            live.draw();
        }
        last = Some(event.status);
        if event.is_terminal() {
            break;
        }
    }
    drop(live);
    match last {
        Some(status) if status.is_terminal() => Ok(status),
        // Started after the end (since ≥ last seq): ask for the current state.
        _ => Ok(client
            .get_intent(intent_id)
            .await
            .map_err(from_client)?
            .status),
    }
}

/// The spinner line of `--wait`: status, time waited, delivery attempt n of m.
struct Live {
    spinner: super::output::Spinner,
    intent_id: String,
    status: Status,
    started: std::time::Instant,
    attempt: Option<(u32, u32)>,
    ticks: u32,
}

impl Live {
    fn new(out: &Output, intent_id: &str, intent: &crate::protocol::Intent) -> Live {
        let live = Live {
            spinner: out.spinner(""),
            intent_id: intent_id.to_string(),
            status: intent.status,
            started: std::time::Instant::now(),
            attempt: attempts(intent),
            ticks: 0,
        };
        live.draw();
        live
    }

    fn shown(&self) -> bool {
        self.spinner.is_shown()
    }

    fn draw(&self) {
        let mut text = format!(
            "waiting for {}: {}  {}",
            self.intent_id,
            self.status,
            super::remote::seconds(self.started.elapsed())
        );
        if let (Some((n, m)), Status::Submitted | Status::Created) = (self.attempt, self.status) {
            // Gateways that count attempts on the intent show the count; else the limit.
            text.push_str(&if n > 1 {
                format!("  (no agent has taken it yet; delivery attempt {n} of {m})")
            } else {
                format!("  (no agent has taken it yet; up to {m} delivery attempts)")
            });
        }
        self.spinner.set_message(text);
    }

    /// Every second: the time; every 3 s while nobody took the intent, its attempt count.
    async fn tick(&mut self, client: &Client) {
        self.ticks += 1;
        if self.ticks.is_multiple_of(3)
            && matches!(self.status, Status::Submitted | Status::Created)
            && let Ok(intent) = client.get_intent(&self.intent_id).await
        {
            self.attempt = attempts(&intent);
        }
        self.draw();
    }
}

fn attempts(intent: &crate::protocol::Intent) -> Option<(u32, u32)> {
    let max = intent.max_delivery_attempts.unwrap_or(3);
    Some((
        intent
            .delivery_attempt
            .unwrap_or(0)
            .saturating_add(1)
            .min(max),
        max,
    ))
}
