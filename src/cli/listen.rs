//! `axme agents listen`: act as an agent, for as long as you like.
//!
//! An agent outlives its intents and its gateway. A delivered intent that ends under its
//! handler (canceled, timed out) stops the handler's process group and is logged; a result the
//! gateway refuses (the intent ended meanwhile) is logged; a gateway that goes away is waited
//! out forever with capped backoff and a notice on stderr, and the stream resumes from its
//! cursor, so work is neither lost nor run twice. Only an error no wait can fix (a wrong key,
//! an unknown agent) ends the listener.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use clap_complete::ArgValueCompleter;
use serde_json::{Value, json};

use super::error::CliResult;
use super::global::Ctx;
use super::handler::{Finished, run_handler};
use super::output::Output;
use super::remote::{from_client, outage_notice};
use super::timeline::compact;
use crate::client::retry::persist;
use crate::client::{AgentStream, Backoff, Client, ClientError, IntentStream, OnOutage, Persist};
use crate::protocol::Status;

#[derive(Debug, Args)]
#[command(
    after_help = "With --exec, each delivered intent's JSON goes to CMD's stdin (its id is in \
                  AXME_INTENT_ID) and the intent is marked IN_PROGRESS. Exit 0 completes the \
                  intent with CMD's stdout (JSON) as the result; a non-zero exit fails it with \
                  CMD's stderr. CMD runs in its own process group: when the intent is canceled \
                  or passes its deadline meanwhile, the group gets SIGTERM (SIGKILL after \
                  --kill-after).\n\n\
                  The listener keeps serving when an intent ends early or a result is refused, \
                  and waits out a gateway that is down (retrying with capped backoff, said on \
                  stderr), resuming where it left off. It stops on Ctrl-C, with --once, or when \
                  the gateway refuses its key or does not know the agent.\n\n\
                  Examples:\n  \
                  axme agents listen echo --exec cat\n  \
                  axme agents listen agent://local/default/reports --exec ./report.sh --concurrency 4\n  \
                  axme agents listen echo -o jsonl          # print deliveries, handle nothing"
)]
pub struct ListenArgs {
    /// agent://org/workspace/name, or a bare name in your workspace
    #[arg(add = ArgValueCompleter::new(super::complete::agent_addresses))]
    pub address: String,
    /// Run this shell command for each delivered intent
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Stop after the first intent
    #[arg(long)]
    pub once: bool,
    /// Run up to N handlers at the same time
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// How long a handler has between SIGTERM and SIGKILL when its intent ends under it
    #[arg(long, value_name = "DURATION", default_value = "5s",
          value_parser = humantime::parse_duration)]
    pub kill_after: Duration,
    /// How often to tell the gateway's mesh this agent is alive (a heartbeat)
    #[arg(long, value_name = "DURATION", default_value = "30s",
          value_parser = humantime::parse_duration)]
    pub heartbeat_interval: Duration,
}

/// Heartbeats to the gateway's mesh (`POST /v1/mesh/heartbeat`) while the listener runs,
/// so `axme mesh list` shows it healthy; stopped when dropped. A missed beat is not an
/// error: the stream's own retries report an outage.
struct Heartbeats(tokio::task::JoinHandle<()>);

impl Heartbeats {
    fn start(client: Client, address: String, every: Duration) -> Self {
        let every = every.max(Duration::from_millis(100));
        Heartbeats(tokio::spawn(async move {
            loop {
                if let Err(e) = client.heartbeat(Some(&address), None).await {
                    tracing::debug!(error = %e, "heartbeat not sent");
                }
                tokio::time::sleep(every).await;
            }
        }))
    }
}

impl Drop for Heartbeats {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Intent ids this listener has taken, so a redelivery never runs a handler twice.
struct Seen {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    const CAP: usize = 100_000;

    fn first_time(&mut self, id: &str) -> bool {
        if !self.set.insert(id.to_string()) {
            return false;
        }
        self.order.push_back(id.to_string());
        if self.order.len() > Self::CAP
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

/// A local timestamp for log lines: a listener runs for days.
pub fn stamp() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

pub async fn listen(ctx: &Ctx, client: &Client, args: ListenArgs) -> CliResult {
    let out = ctx.out.clone();
    let notice = outage_notice(&out, client.base_url());
    let mut stream =
        AgentStream::new(client, &args.address, 0).persist(Persist::Forever, Some(notice.clone()));
    out.notice(format!(
        "{}  listening as {} (Ctrl-C to stop){}",
        stamp(),
        args.address,
        match &args.exec {
            Some(_) if args.concurrency > 1 =>
                format!("; up to {} handlers at once", args.concurrency),
            Some(_) => String::new(),
            None => "; without --exec intents are only printed".into(),
        }
    ));
    let _heartbeats = Heartbeats::start(
        client.clone(),
        args.address.clone(),
        args.heartbeat_interval,
    );
    let slots = Arc::new(tokio::sync::Semaphore::new(args.concurrency as usize));
    let mut seen = Seen {
        set: HashSet::new(),
        order: VecDeque::new(),
    };
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.try_join_next().is_some() {}
        // A free slot first: deliveries wait in the stream rather than in memory.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let delivery = stream.next().await.map_err(from_client)?;
        if delivery.status.is_terminal() || !seen.first_time(&delivery.intent_id) {
            continue;
        }
        let Some(cmd) = &args.exec else {
            print_delivery(&out, &delivery)?;
            if args.once {
                return Ok(());
            }
            continue;
        };
        let job = Job {
            client: client.clone(),
            out: out.clone(),
            cmd: cmd.clone(),
            kill_after: args.kill_after,
            intent_id: delivery.intent_id.clone(),
            notice: notice.clone(),
        };
        if args.once {
            job.run().await;
            return Ok(());
        }
        running.spawn(async move {
            job.run().await;
            drop(slot);
        });
    }
}

fn print_delivery(out: &Output, delivery: &crate::protocol::AgentDelivery) -> CliResult {
    if out.is_machine() {
        // One delivery per line, as the gateway sent it.
        let line = serde_json::to_string(delivery)
            .map_err(|e| super::CliError::failure(format!("cannot encode output as JSON: {e}")))?;
        return out.line(line);
    }
    out.line(format!(
        "{}  {}  {}  {}  {}",
        stamp(),
        delivery.intent_id,
        delivery.status,
        delivery.intent_type,
        compact(&delivery.payload)
    ))
}

/// One delivered intent handled by the --exec command.
struct Job {
    client: Client,
    out: Output,
    cmd: String,
    kill_after: Duration,
    intent_id: String,
    /// Shared with the stream, so an outage is told once whoever meets it.
    notice: OnOutage,
}

impl Job {
    fn log(&self, text: impl AsRef<str>) {
        self.out.notice(format!(
            "{}  {}  {}",
            stamp(),
            self.intent_id,
            text.as_ref()
        ));
    }

    /// Never fails: whatever happens to one intent is logged and the listener goes on.
    async fn run(self) {
        let id = self.intent_id.clone();
        let mut backoff = Backoff::new(Persist::Forever, Some(self.notice.clone()));
        let intent = match persist(&mut backoff, || self.client.get_intent_raw(&id)).await {
            Ok(intent) => intent,
            Err(e) => return self.log(format!("skipped: cannot read the intent ({e})")),
        };
        let status = intent
            .get("status")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Status>().ok());
        if let Some(status) = status.filter(|s| s.is_terminal()) {
            return self.log(format!("skipped: already {status}"));
        }
        self.mark_started().await;
        let since = intent.get("last_seq").and_then(Value::as_u64).unwrap_or(0);
        let ended = IntentStream::new(&self.client, &id, since).persist(Persist::Forever, None);
        let started = Instant::now();
        self.log("handler started");
        let finished = match run_handler(&self.cmd, &id, &intent, ended, self.kill_after).await {
            Ok(f) => f,
            Err(e) => return self.log(format!("handler did not run: {e}")),
        };
        let took = started.elapsed();
        let run = match finished {
            Finished::Stopped { status, forced } => {
                let how = if forced { "SIGKILL" } else { "SIGTERM" };
                self.log(format!(
                    "the intent ended {status}; stopped the handler ({how})"
                ));
                return self.result_line(status, None, took, true);
            }
            Finished::Exited(run) => run,
        };
        let body = run.resume_body();
        let key = format!("axme-listen-{id}");
        match persist(&mut backoff, || self.client.resume(&id, &body, Some(&key))).await {
            Ok(done) => self.result_line(done.intent.status, run.code, took, false),
            Err(ClientError::Rejected {
                status: 409,
                message,
                ..
            }) => self.log(format!("result not recorded: {message}")),
            Err(e) => self.log(format!("result not recorded: {e}")),
        }
    }

    /// Tells the gateway the handler is working (IN_PROGRESS). Best effort: a gateway that
    /// does not know the action, or an intent already past it, changes nothing here.
    async fn mark_started(&self) {
        let key = format!("axme-listen-start-{}", self.intent_id);
        let body = json!({"action": "in_progress", "reason": "handler started"});
        if let Err(e) = self.client.resume(&self.intent_id, &body, Some(&key)).await {
            tracing::debug!(%e, "could not mark the intent IN_PROGRESS");
        }
    }

    fn result_line(&self, status: Status, code: Option<i32>, took: Duration, stopped: bool) {
        let id = &self.intent_id;
        let line = if self.out.is_machine() {
            json!({
                "at": crate::protocol::now(),
                "intent_id": id,
                "status": status,
                "exit_code": code,
                "stopped": stopped,
                "duration_ms": crate::num::u64_from_u128(took.as_millis()),
            })
            .to_string()
        } else {
            let handler = match (stopped, code) {
                (true, _) => "handler stopped".to_string(),
                (false, Some(c)) => format!("handler exit {c}"),
                (false, None) => "handler killed".to_string(),
            };
            format!(
                "{}  {id}  {}  ({handler}, {:.1} s)",
                stamp(),
                self.out.status(status),
                took.as_secs_f64()
            )
        };
        let _ = self.out.line(line);
    }
}
