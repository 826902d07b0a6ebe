//! Waiting out a gateway that went away: capped exponential backoff, within a budget or
//! forever, telling the caller about each wait so a long-lived command (an agent, a watcher)
//! can say so on stderr instead of dying or going quiet.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{ClientError, ClientResult};

/// The longest pause between two tries.
pub const MAX_WAIT: Duration = Duration::from_secs(10);

/// How long to keep trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persist {
    /// Give up once failures have lasted this long. A failure before anything ever
    /// succeeded is returned at once (a wrong URL is an error, not a wait).
    Budget(Duration),
    /// Until the caller stops (Ctrl-C, its own timeout). Only transient errors are retried.
    Forever,
}

/// What a [`Backoff`] tells its observer.
#[derive(Debug, Clone)]
pub enum Outage {
    /// A try failed; the next one comes after `retry_in`.
    Waiting {
        error: String,
        retry_in: Duration,
        down_for: Duration,
    },
    /// A try succeeded after failures that lasted `down_for`.
    Recovered { down_for: Duration },
}

pub type OnOutage = Arc<dyn Fn(&Outage) + Send + Sync>;

/// Pause before try `attempt + 1`: 0.1 s doubling, capped at [`MAX_WAIT`].
pub fn delay(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.min(10)).min(MAX_WAIT)
}

/// Counts failures of one long-lived activity and sleeps between its tries.
pub struct Backoff {
    persist: Persist,
    on_outage: Option<OnOutage>,
    failing_since: Option<Instant>,
    attempt: u32,
    ever_succeeded: bool,
}

impl Backoff {
    pub fn new(persist: Persist, on_outage: Option<OnOutage>) -> Self {
        Backoff {
            persist,
            on_outage,
            failing_since: None,
            attempt: 0,
            ever_succeeded: false,
        }
    }

    fn tell(&self, outage: &Outage) {
        if let Some(hook) = &self.on_outage {
            hook(outage);
        }
    }

    /// The activity works (again).
    pub fn succeeded(&mut self) {
        self.ever_succeeded = true;
        if let Some(since) = self.failing_since.take() {
            self.tell(&Outage::Recovered {
                down_for: since.elapsed(),
            });
        }
        self.attempt = 0;
    }

    /// Waits before the next try, or returns the error when it is not worth another one.
    pub async fn failed(&mut self, err: ClientError) -> ClientResult<()> {
        if !err.is_transient() {
            return Err(err);
        }
        let since = *self.failing_since.get_or_insert_with(Instant::now);
        if let Persist::Budget(budget) = self.persist
            && (!self.ever_succeeded || since.elapsed() > budget)
        {
            return Err(err);
        }
        let wait = delay(self.attempt);
        tracing::debug!(%err, attempt = self.attempt, ?wait, "retrying");
        self.tell(&Outage::Waiting {
            error: err.to_string(),
            retry_in: wait,
            down_for: since.elapsed(),
        });
        self.attempt = self.attempt.saturating_add(1);
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

/// Runs `op` until it succeeds or fails with an error [`Backoff`] will not wait out.
pub async fn persist<T, F, Fut>(backoff: &mut Backoff, mut op: F) -> ClientResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ClientResult<T>>,
{
    loop {
        match op().await {
            Ok(value) => {
                backoff.succeeded();
                return Ok(value);
            }
            Err(e) => backoff.failed(e).await?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_the_cap() {
        assert_eq!(delay(0), Duration::from_millis(100));
        assert_eq!(delay(3), Duration::from_millis(800));
        assert_eq!(delay(7), MAX_WAIT);
        assert_eq!(delay(u32::MAX), MAX_WAIT);
    }

    #[tokio::test]
    async fn forever_waits_out_transient_errors_and_reports_recovery() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let hook: OnOutage = Arc::new(move |o| sink.lock().unwrap().push(format!("{o:?}")));
        let mut backoff = Backoff::new(Persist::Forever, Some(hook));
        let mut tries = 0;
        let value = persist(&mut backoff, || {
            tries += 1;
            let t = tries;
            async move {
                if t < 3 {
                    Err(ClientError::Unreachable {
                        base_url: "http://x".into(),
                        detail: "refused".into(),
                    })
                } else {
                    Ok(t)
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(value, 3);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen[2].starts_with("Recovered"), "{seen:?}");
    }

    #[tokio::test]
    async fn a_budget_returns_a_first_failure_and_permanent_errors_at_once() {
        let mut backoff = Backoff::new(Persist::Budget(Duration::from_secs(60)), None);
        let unreachable = ClientError::Unreachable {
            base_url: "http://x".into(),
            detail: "refused".into(),
        };
        assert!(backoff.failed(unreachable).await.is_err());
        let mut forever = Backoff::new(Persist::Forever, None);
        let denied = ClientError::Auth {
            status: 401,
            code: String::new(),
            message: "no".into(),
        };
        assert!(forever.failed(denied).await.is_err());
    }
}
