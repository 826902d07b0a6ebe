//! Running one `--exec` handler: the intent's JSON on stdin, in its own process group, stopped
//! (SIGTERM, then SIGKILL) when the intent ends under it.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::error::{CliError, CliResult};
use crate::client::IntentStream;
use crate::protocol::Status;

/// What a handler process produced.
pub struct CommandRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub enum Finished {
    /// The handler ran to its end.
    Exited(CommandRun),
    /// The intent ended (`status`) while the handler ran; it was stopped (`forced`: SIGKILL).
    Stopped { status: Status, forced: bool },
}

impl CommandRun {
    /// The `resume` body: exit 0 completes with stdout (JSON object, other JSON under
    /// `result`, text under `output`), anything else fails with the tail of stderr.
    pub fn resume_body(&self) -> Value {
        if self.code == Some(0) {
            let stdout = self.stdout.trim();
            let mut body = match serde_json::from_str::<Value>(stdout) {
                Ok(Value::Object(map)) => map,
                Ok(other) => single("result", other),
                Err(_) if stdout.is_empty() => serde_json::Map::new(),
                Err(_) => single("output", json!(stdout)),
            };
            body.insert("action".into(), json!("complete"));
            return Value::Object(body);
        }
        let stderr = tail(self.stderr.trim(), 2000);
        let code = self
            .code
            .map_or("a signal".to_string(), |c| format!("exit code {c}"));
        let reason = if stderr.is_empty() {
            format!("the handler ended with {code}")
        } else {
            stderr
        };
        json!({"action": "fail", "reason": reason, "exit_code": self.code})
    }
}

fn single(key: &str, value: Value) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert(key.into(), value);
    map
}

fn tail(s: &str, max: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(max)).collect()
}

/// The handler's process group. Dropping it (the listener was interrupted) ends the group:
/// a handler in its own group would not see the terminal's Ctrl-C.
struct Group {
    pid: Option<u32>,
}

impl Group {
    fn signal(&self, _kill: bool) {
        #[cfg(unix)]
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            let signal = if _kill { libc::SIGKILL } else { libc::SIGTERM };
            // SAFETY: kill(2) with a negative pid signals that process group; no memory is
            // involved, and a group that is already gone just makes it fail with ESRCH.
            unsafe {
                libc::kill(-pid, signal);
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal(false);
    }
}

/// Runs `cmd` for `intent_id` and waits for it, or for `ended` to show a terminal event, in
/// which case the process group gets SIGTERM and, after `kill_after`, SIGKILL.
pub async fn run_handler(
    cmd: &str,
    intent_id: &str,
    intent: &Value,
    mut ended: IntentStream,
    kill_after: Duration,
) -> CliResult<Finished> {
    #[cfg(unix)]
    let mut command = {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(cmd).process_group(0);
        c
    };
    #[cfg(not(unix))]
    let mut command = {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    };
    let mut child = command
        .env("AXME_INTENT_ID", intent_id)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CliError::failure(format!("cannot run --exec command {cmd:?}: {e}")))?;
    let mut group = Group { pid: child.id() };
    if let Some(mut stdin) = child.stdin.take() {
        let input = format!("{intent}\n");
        // Written beside the wait, so a handler that never reads a large intent cannot
        // deadlock us; a handler that ignores stdin is fine (broken pipe ignored).
        tokio::spawn(async move {
            let _ = stdin.write_all(input.as_bytes()).await;
        });
    }
    let output = child.wait_with_output();
    tokio::pin!(output);
    let terminal = async {
        loop {
            match ended.next().await {
                Some(Ok(event)) if event.is_terminal() => return event.status,
                Some(Ok(_)) => {}
                // The watch broke for good (e.g. the key lost access): the handler runs on.
                Some(Err(_)) | None => std::future::pending::<()>().await,
            }
        }
    };
    let status = tokio::select! {
        out = &mut output => {
            // It ended by itself: nothing left to stop.
            group.pid = None;
            let out = out.map_err(|e| {
                CliError::failure(format!("--exec command {cmd:?} failed to run: {e}"))
            })?;
            return Ok(Finished::Exited(CommandRun {
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }));
        }
        status = terminal => status,
    };
    group.signal(false);
    let forced = tokio::time::timeout(kill_after, &mut output).await.is_err();
    if forced {
        group.signal(true);
        let _ = tokio::time::timeout(kill_after, output).await;
    }
    group.pid = None;
    Ok(Finished::Stopped { status, forced })
}
