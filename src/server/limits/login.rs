//! Per-address sign-in limits, in memory: codes issued per hour (mails sent) and wrong
//! codes before the address is locked. Kept per node: with several nodes on one
//! PostgreSQL database a guesser gets at most that many times the tries, still bounded.
//! A code a node issued is remembered with its address, so a locked address is refused
//! before its code is even checked.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::LoginLimits;

/// Addresses remembered at once; past it, ones with nothing recent are forgotten.
const MAX_ADDRESSES: usize = 100_000;
/// Codes live 10 minutes; their address is remembered a little longer.
const CODE_MEMORY: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(3600);

#[derive(Default)]
struct Address {
    issued: VecDeque<Instant>,
    failures: VecDeque<Instant>,
}

#[derive(Default)]
struct State {
    addresses: HashMap<String, Address>,
    /// login id → (address, issued at).
    codes: HashMap<String, (String, Instant)>,
}

/// Why a sign-in step is refused, and for how long.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginRefusal {
    /// Too many codes for this address this hour.
    TooManyCodes { retry_after: Duration },
    /// Too many wrong codes: the address is locked.
    Locked { retry_after: Duration },
}

pub struct LoginGuard {
    limits: LoginLimits,
    state: Mutex<State>,
}

impl LoginGuard {
    pub fn new(limits: LoginLimits) -> LoginGuard {
        LoginGuard {
            limits,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// May a code be issued for `email` now? Counts it if so.
    pub fn issue(&self, email: &str, login_id: &str) -> Result<(), LoginRefusal> {
        self.issue_at(email, login_id, Instant::now())
    }

    fn issue_at(&self, email: &str, login_id: &str, now: Instant) -> Result<(), LoginRefusal> {
        let mut state = self.state();
        if state.addresses.len() >= MAX_ADDRESSES {
            forget_idle(&mut state, self.limits.lockout, now);
        }
        let lockout = self.limits.lockout;
        let entry = state.addresses.entry(email.to_string()).or_default();
        prune(entry, lockout, now);
        if let Some(refusal) = self.locked(entry, now) {
            return Err(refusal);
        }
        if entry.issued.len() as u64 >= u64::from(self.limits.codes_per_hour) {
            let oldest = entry.issued.front().copied().unwrap_or(now);
            return Err(LoginRefusal::TooManyCodes {
                retry_after: (oldest + HOUR).saturating_duration_since(now),
            });
        }
        entry.issued.push_back(now);
        state
            .codes
            .insert(login_id.to_string(), (email.to_string(), now));
        Ok(())
    }

    /// Before a code is checked: refuses when the address it was issued for is locked.
    pub fn before_check(&self, login_id: &str) -> Result<(), LoginRefusal> {
        let now = Instant::now();
        let mut state = self.state();
        let Some((email, _)) = state.codes.get(login_id).cloned() else {
            return Ok(());
        };
        let lockout = self.limits.lockout;
        match state.addresses.get_mut(&email) {
            Some(entry) => {
                prune(entry, lockout, now);
                self.locked(entry, now).map_or(Ok(()), Err)
            }
            None => Ok(()),
        }
    }

    /// After a code was checked: a wrong one counts against its address; a right one for
    /// a locked address is refused all the same (a guess must never win while locked).
    pub fn after_check(&self, email: &str, wrong: bool) -> Result<(), LoginRefusal> {
        self.after_check_at(email, wrong, Instant::now())
    }

    fn after_check_at(&self, email: &str, wrong: bool, now: Instant) -> Result<(), LoginRefusal> {
        let mut state = self.state();
        let lockout = self.limits.lockout;
        let entry = state.addresses.entry(email.to_string()).or_default();
        prune(entry, lockout, now);
        let before = self.locked(entry, now);
        if wrong {
            entry.failures.push_back(now);
        }
        match before {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }

    fn locked(&self, entry: &Address, now: Instant) -> Option<LoginRefusal> {
        let limit = self.limits.failures_before_lockout;
        if (entry.failures.len() as u64) < u64::from(limit) {
            return None;
        }
        // Locked until enough failures age out of the window to drop below the limit.
        let index = entry.failures.len() - limit as usize;
        let until = entry.failures[index] + self.limits.lockout;
        Some(LoginRefusal::Locked {
            retry_after: until.saturating_duration_since(now),
        })
    }
}

fn prune(entry: &mut Address, lockout: Duration, now: Instant) {
    while entry
        .issued
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= HOUR)
    {
        entry.issued.pop_front();
    }
    while entry
        .failures
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= lockout)
    {
        entry.failures.pop_front();
    }
}

fn forget_idle(state: &mut State, lockout: Duration, now: Instant) {
    state
        .codes
        .retain(|_, (_, at)| now.saturating_duration_since(*at) < CODE_MEMORY);
    state.addresses.retain(|_, entry| {
        prune(entry, lockout, now);
        !entry.issued.is_empty() || !entry.failures.is_empty()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> LoginGuard {
        LoginGuard::new(LoginLimits {
            codes_per_hour: 3,
            failures_before_lockout: 4,
            lockout: Duration::from_secs(600),
        })
    }

    #[test]
    fn codes_per_address_are_capped_per_hour() {
        let g = guard();
        let t0 = Instant::now();
        for i in 0..3 {
            g.issue_at("a@x.io", &format!("l{i}"), t0).unwrap();
        }
        assert_eq!(
            g.issue_at("a@x.io", "l4", t0 + Duration::from_secs(60)),
            Err(LoginRefusal::TooManyCodes {
                retry_after: Duration::from_secs(3540)
            })
        );
        g.issue_at("b@x.io", "l5", t0).unwrap();
        g.issue_at("a@x.io", "l6", t0 + HOUR).unwrap();
    }

    #[test]
    fn wrong_codes_lock_the_address() {
        let g = guard();
        let t0 = Instant::now();
        g.issue_at("a@x.io", "l1", t0).unwrap();
        for _ in 0..4 {
            g.after_check_at("a@x.io", true, t0).unwrap();
        }
        // Even the right code is refused now, and no new code is issued.
        assert!(matches!(
            g.after_check_at("a@x.io", false, t0),
            Err(LoginRefusal::Locked { .. })
        ));
        assert!(matches!(
            g.before_check("l1"),
            Err(LoginRefusal::Locked { .. })
        ));
        assert!(matches!(
            g.issue_at("a@x.io", "l2", t0),
            Err(LoginRefusal::Locked { retry_after }) if retry_after == Duration::from_secs(600)
        ));
        // Other addresses are not affected; the lock ends with the window.
        g.after_check_at("b@x.io", false, t0).unwrap();
        g.issue_at("a@x.io", "l3", t0 + Duration::from_secs(601))
            .unwrap();
    }
}
