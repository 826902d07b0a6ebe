//! Token buckets, sharded by a hash of what they count so requests on different keys do
//! not contend for one lock. The table is bounded: full buckets (idle clients) are
//! forgotten first, since a forgotten bucket comes back full anyway.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Class, Rate, RateLimits, Scope};

const SHARDS: usize = 16;
/// Buckets per shard before idle ones are swept (16 × 8,192 ≈ 131,000 clients).
const SHARD_CAPACITY: usize = 8_192;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Who {
    Key(String),
    Ip(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What one bucket said about a request: the `X-RateLimit-*` numbers, and whether it may
/// go on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub scope: Scope,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset: u64,
    /// Seconds until one request is allowed again (at least 1).
    pub retry_after: u64,
}

pub struct Limiter {
    rates: RateLimits,
    shards: Vec<Mutex<HashMap<(Class, Who), Bucket>>>,
    /// Refusals by (scope, class), for `/metrics`.
    refused: [[AtomicU64; 4]; 2],
}

impl Limiter {
    pub fn new(rates: RateLimits) -> Limiter {
        Limiter {
            rates,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            refused: Default::default(),
        }
    }

    /// Takes a token from the key's bucket (if the caller authenticated) and the client
    /// address's bucket. Returns the refusal, else the tighter of the two (for headers);
    /// None when neither is limited.
    pub fn check(&self, class: Class, key: Option<&str>, ip: IpAddr) -> Option<Decision> {
        self.check_at(class, key, ip, Instant::now())
    }

    fn check_at(
        &self,
        class: Class,
        key: Option<&str>,
        ip: IpAddr,
        now: Instant,
    ) -> Option<Decision> {
        let by_ip = self
            .rates
            .get(Scope::Ip, class)
            .map(|rate| self.take(class, Who::Ip(ip), Scope::Ip, rate, now));
        if let Some(d) = by_ip.filter(|d| !d.allowed) {
            return Some(self.refused(class, d));
        }
        let by_key = match (key, self.rates.get(Scope::Key, class)) {
            (Some(key), Some(rate)) => {
                Some(self.take(class, Who::Key(key.to_string()), Scope::Key, rate, now))
            }
            _ => None,
        };
        if let Some(d) = by_key.filter(|d| !d.allowed) {
            return Some(self.refused(class, d));
        }
        match (by_key, by_ip) {
            (Some(k), Some(i)) => {
                let share = |d: &Decision| f64::from(d.remaining) / f64::from(d.limit.max(1));
                Some(if share(&i) < share(&k) { i } else { k })
            }
            (k, i) => k.or(i),
        }
    }

    fn refused(&self, class: Class, decision: Decision) -> Decision {
        let scope = match decision.scope {
            Scope::Key => 0,
            Scope::Ip => 1,
        };
        self.refused[scope][class as usize].fetch_add(1, Ordering::Relaxed);
        decision
    }

    /// Refusals so far: `(scope, class, count)`.
    pub fn refusals(&self) -> Vec<(&'static str, &'static str, u64)> {
        let mut out = Vec::new();
        for (s, scope) in [Scope::Key, Scope::Ip].into_iter().enumerate() {
            for class in Class::ALL {
                out.push((
                    scope.name(),
                    class.name(),
                    self.refused[s][class as usize].load(Ordering::Relaxed),
                ));
            }
        }
        out
    }

    fn take(&self, class: Class, who: Who, scope: Scope, rate: Rate, now: Instant) -> Decision {
        let capacity = f64::from(rate.count);
        let refill = rate.refill();
        let mut hasher = DefaultHasher::new();
        (class, &who).hash(&mut hasher);
        let shard = &self.shards[crate::num::bucket(hasher.finish(), SHARDS)];
        let mut map = match shard.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        if map.len() >= SHARD_CAPACITY && !map.contains_key(&(class, who.clone())) {
            sweep(&mut map, &self.rates, now);
        }
        let bucket = map.entry((class, who)).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * refill).min(capacity);
        bucket.at = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let missing = capacity - bucket.tokens;
        let seconds = |tokens: f64| crate::num::u64_from_f64((tokens.max(0.0) / refill).ceil());
        Decision {
            allowed,
            scope,
            limit: rate.count,
            remaining: crate::num::u32_from_u64(crate::num::u64_from_f64(bucket.tokens.floor())),
            reset: seconds(missing),
            retry_after: seconds(1.0 - bucket.tokens).max(1),
        }
    }
}

/// Forgets buckets that have refilled completely (they would be created full again); if
/// that frees nothing, forgets the least recently used half.
fn sweep(map: &mut HashMap<(Class, Who), Bucket>, rates: &RateLimits, now: Instant) {
    map.retain(|(class, who), bucket| {
        let scope = match who {
            Who::Key(_) => Scope::Key,
            Who::Ip(_) => Scope::Ip,
        };
        let Some(rate) = rates.get(scope, *class) else {
            return false;
        };
        let full_after = Duration::from_secs_f64(rate.per.as_secs_f64());
        now.saturating_duration_since(bucket.at) < full_after
    });
    if map.len() >= SHARD_CAPACITY {
        let mut ages: Vec<Instant> = map.values().map(|b| b.at).collect();
        ages.sort_unstable();
        let cut = ages[ages.len() / 2];
        map.retain(|_, b| b.at > cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(setting: &str) -> Limiter {
        let mut rates = RateLimits::off();
        rates.apply(setting).unwrap();
        Limiter::new(rates)
    }

    #[test]
    fn a_bucket_empties_then_refills() {
        let l = limiter("key.write=3/s");
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for left in [2, 1, 0] {
            let d = l.check_at(Class::Write, Some("k1"), ip, t0).unwrap();
            assert!(d.allowed);
            assert_eq!((d.limit, d.remaining), (3, left));
        }
        let refused = l.check_at(Class::Write, Some("k1"), ip, t0).unwrap();
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after, 1);
        assert_eq!(refused.reset, 1);
        // Another key has its own bucket; another class is not limited.
        assert!(
            l.check_at(Class::Write, Some("k2"), ip, t0)
                .unwrap()
                .allowed
        );
        assert!(l.check_at(Class::Read, Some("k1"), ip, t0).is_none());
        let later = t0 + Duration::from_millis(400);
        assert!(
            l.check_at(Class::Write, Some("k1"), ip, later)
                .unwrap()
                .allowed
        );
        assert_eq!(l.refusals().iter().map(|r| r.2).sum::<u64>(), 1);
    }

    #[test]
    fn per_minute_rates_say_how_long_to_wait() {
        let l = limiter("ip.login=2/min");
        let ip: IpAddr = "10.1.1.1".parse().unwrap();
        let t0 = Instant::now();
        l.check_at(Class::Login, None, ip, t0);
        l.check_at(Class::Login, None, ip, t0);
        let d = l.check_at(Class::Login, None, ip, t0).unwrap();
        assert!(!d.allowed);
        assert_eq!(d.scope, Scope::Ip);
        assert_eq!(d.retry_after, 30);
        assert_eq!(d.reset, 60);
    }

    #[test]
    fn the_table_stays_bounded() {
        let l = limiter("ip.read=5/s");
        let t0 = Instant::now();
        for i in 0..u32::try_from(SHARDS * SHARD_CAPACITY * 2).unwrap() {
            let ip = IpAddr::from(i.to_be_bytes());
            l.check_at(
                Class::Read,
                None,
                ip,
                t0 + Duration::from_micros(u64::from(i)),
            );
        }
        let total: usize = l.shards.iter().map(|s| s.lock().unwrap().len()).sum();
        assert!(total <= SHARDS * SHARD_CAPACITY, "{total}");
    }
}
