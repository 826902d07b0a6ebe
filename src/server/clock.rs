//! The server's one source of "now": timestamps of intents and events, the due times of
//! timers and the scheduler's sleep until the next one. [`SystemClock`] is the wall clock;
//! [`ManualClock`] is moved by hand, so a test of "three failed delivery attempts, 15 s
//! apart" advances it and takes milliseconds.
//!
//! Intervals that only bound a wait (SSE heartbeats, linger, a stream's `wait_seconds`,
//! push timeouts) run on tokio's timer and are settings instead.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::protocol::Timestamp;

pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

pub trait Clock: std::fmt::Debug + Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Resolves once this clock reads `due_ms` (Unix milliseconds) or later.
    fn sleep_until(&self, due_ms: i64) -> Sleep<'_>;

    fn now_ms(&self) -> i64 {
        self.now().unix_ms()
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn sleep_until(&self, due_ms: i64) -> Sleep<'_> {
        let wait = u64::try_from(due_ms.saturating_sub(self.now_ms())).unwrap_or(0);
        Box::pin(tokio::time::sleep(Duration::from_millis(wait)))
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it; sleepers wake as
/// soon as it passes their due time.
#[derive(Debug)]
pub struct ManualClock {
    ms: AtomicI64,
    moved: watch::Sender<i64>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            ms: AtomicI64::new(start.unix_ms()),
            moved: watch::Sender::new(start.unix_ms()),
        }
    }

    /// Starts at the wall clock's now.
    pub fn starting_now() -> Self {
        Self::new(Timestamp::now())
    }

    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let now = self.ms.fetch_add(by, Ordering::SeqCst).saturating_add(by);
        self.moved.send_replace(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        let ms = self.ms.load(Ordering::SeqCst);
        Timestamp::from_unix_ms(ms).unwrap_or_else(Timestamp::now)
    }

    fn sleep_until(&self, due_ms: i64) -> Sleep<'_> {
        let mut moved = self.moved.subscribe();
        Box::pin(async move {
            // An error means the clock is gone: nothing will ever be due.
            if moved.wait_for(|now| *now >= due_ms).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_wakes_its_sleepers_when_moved_past_them() {
        let clock = Arc::new(ManualClock::starting_now());
        let due = clock.now_ms() + 15_000;
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep_until(due).await })
        };
        clock.advance(Duration::from_secs(10));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(5));
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(clock.now_ms(), due);
    }
}
