//! How much any caller may consume: request rates (token buckets per key and per client
//! address, per route class), sign-in attempts, connections, streams, body read time.
//!
//! Every number is a server setting with a documented default (`axme server --help`,
//! SECURITY.md); `--no-rate-limits` lifts the request and sign-in rates (what `axme bench`
//! does for the gateway it starts). Connection and stream caps stay: they protect the
//! process itself.

mod bucket;
mod login;

use std::time::Duration;

pub(crate) use bucket::{Decision, Limiter};
pub(crate) use login::{LoginGuard, LoginRefusal};

/// Route classes, each with its own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// GET and HEAD (not streams).
    Read,
    /// Every other method.
    Write,
    /// Opening an SSE stream.
    Stream,
    /// `/v1/auth/*` and the CLI approval page `/login/*`: sign-in without a key.
    Login,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Read, Class::Write, Class::Stream, Class::Login];

    pub fn name(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::Write => "write",
            Class::Stream => "stream",
            Class::Login => "login",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The class of a request from its method and matched route.
    pub fn of(method: &axum::http::Method, route: &str) -> Class {
        if route.starts_with("/v1/auth/") || route.starts_with("/login/") {
            Class::Login
        } else if route.ends_with("/stream") {
            Class::Stream
        } else if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
            Class::Read
        } else {
            Class::Write
        }
    }
}

/// Who a bucket counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One API key (only keys that authenticated).
    Key,
    /// One client address (IPv6: its /64).
    Ip,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Key => "key",
            Scope::Ip => "ip",
        }
    }
}

/// `count` requests per `per`: a bucket of `count` tokens refilled at `count / per`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Rate {
    pub const fn per_second(count: u32) -> Rate {
        Rate {
            count,
            per: Duration::from_secs(1),
        }
    }

    pub const fn per_minute(count: u32) -> Rate {
        Rate {
            count,
            per: Duration::from_secs(60),
        }
    }

    /// Tokens added per second.
    fn refill(self) -> f64 {
        f64::from(self.count) / self.per.as_secs_f64().max(1e-3)
    }

    /// `N/s`, `N/min`, `N/h`, or `off`.
    pub fn parse(text: &str) -> Result<Option<Rate>, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (count, unit) = text
            .split_once('/')
            .ok_or_else(|| format!("'{text}': expected N/s, N/min, N/h or off"))?;
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("'{text}': the count must be a positive integer"))?;
        let per = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            other => return Err(format!("'{text}': unknown unit '{other}' (s, min or h)")),
        };
        Ok(Some(Rate { count, per }))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.per.as_secs() {
            1 => "s",
            60 => "min",
            3600 => "h",
            _ => return write!(f, "{}/{}s", self.count, self.per.as_secs_f64()),
        };
        write!(f, "{}/{unit}", self.count)
    }
}

/// The rate of each (scope, class); `None` is unlimited.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    key: [Option<Rate>; 4],
    ip: [Option<Rate>; 4],
}

impl Default for RateLimits {
    /// Generous for one honest client, far below what it takes to starve the others; the
    /// sign-in class is strict because it is the one a guesser needs.
    fn default() -> Self {
        RateLimits {
            key: [
                Some(Rate::per_second(2000)),
                Some(Rate::per_second(1000)),
                Some(Rate::per_second(200)),
                None,
            ],
            ip: [
                Some(Rate::per_second(5000)),
                Some(Rate::per_second(3000)),
                Some(Rate::per_second(500)),
                Some(Rate::per_minute(30)),
            ],
        }
    }
}

impl RateLimits {
    /// No request-rate limit at all.
    pub fn off() -> Self {
        RateLimits {
            key: [None; 4],
            ip: [None; 4],
        }
    }

    pub fn get(&self, scope: Scope, class: Class) -> Option<Rate> {
        match scope {
            Scope::Key => self.key[class.index()],
            Scope::Ip => self.ip[class.index()],
        }
    }

    pub fn set(&mut self, scope: Scope, class: Class, rate: Option<Rate>) {
        match scope {
            Scope::Key => self.key[class.index()] = rate,
            Scope::Ip => self.ip[class.index()] = rate,
        }
    }

    /// One `--rate-limit SCOPE.CLASS=RATE` setting, e.g. `key.write=500/s`, `ip.login=off`.
    pub fn apply(&mut self, setting: &str) -> Result<(), String> {
        let (name, rate) = setting
            .split_once('=')
            .ok_or_else(|| format!("'{setting}': expected SCOPE.CLASS=RATE"))?;
        let (scope, class) = name
            .trim()
            .split_once('.')
            .ok_or_else(|| format!("'{name}': expected SCOPE.CLASS, e.g. key.write"))?;
        let scope = match scope {
            "key" => Scope::Key,
            "ip" => Scope::Ip,
            other => return Err(format!("'{other}': the scope is key or ip")),
        };
        let class = Class::ALL
            .into_iter()
            .find(|c| c.name() == class)
            .ok_or_else(|| format!("'{class}': the class is read, write, stream or login"))?;
        self.set(scope, class, Rate::parse(rate)?);
        Ok(())
    }

    /// `key.read=2000/s ip.login=30/min …` for the log.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for scope in [Scope::Key, Scope::Ip] {
            for class in Class::ALL {
                if let Some(rate) = self.get(scope, class) {
                    parts.push(format!("{}.{}={rate}", scope.name(), class.name()));
                }
            }
        }
        if parts.is_empty() {
            "off".into()
        } else {
            parts.join(" ")
        }
    }
}

/// Sign-in limits per email address (the per-address side of brute-force protection; the
/// per-client side is the `ip.login` rate).
#[derive(Debug, Clone, PartialEq)]
pub struct LoginLimits {
    /// Codes issued (mailed or logged) per address per hour.
    pub codes_per_hour: u32,
    /// Wrong codes within `lockout` that lock the address for the rest of that window.
    pub failures_before_lockout: u32,
    pub lockout: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            codes_per_hour: 5,
            failures_before_lockout: 10,
            lockout: Duration::from_secs(3600),
        }
    }
}

impl LoginLimits {
    pub fn off() -> Self {
        LoginLimits {
            codes_per_hour: u32::MAX,
            failures_before_lockout: u32::MAX,
            lockout: Duration::from_secs(3600),
        }
    }
}

/// Every bound of the gateway, in one place.
#[derive(Debug, Clone)]
pub struct Limits {
    pub rates: RateLimits,
    pub login: LoginLimits,
    /// Open connections at once; past it a new connection gets a 503 and is closed.
    pub max_connections: usize,
    /// Open connections per client address (IPv6: per /64).
    pub max_connections_per_client: usize,
    /// Open SSE responses at once; past it a stream request gets a 503 with Retry-After.
    pub max_streams: usize,
    /// Time a client has to send a request's head (also an idle keep-alive connection's
    /// life between requests), and a request's whole body.
    pub header_timeout: Duration,
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rates: RateLimits::default(),
            login: LoginLimits::default(),
            max_connections: 20_000,
            max_connections_per_client: 2_000,
            max_streams: 16_000,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
        }
    }
}

/// The client address buckets and caps count: IPv4 as is, IPv6 by its /64 (one
/// subscriber usually holds a whole /64).
pub fn client_of(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => std::net::IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                std::net::IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_print() {
        assert_eq!(Rate::parse("20/s"), Ok(Some(Rate::per_second(20))));
        assert_eq!(Rate::parse("30/min"), Ok(Some(Rate::per_minute(30))));
        assert_eq!(Rate::parse("off"), Ok(None));
        assert!(Rate::parse("0/s").is_err());
        assert!(Rate::parse("5/week").is_err());
        assert!(Rate::parse("5").is_err());
        assert_eq!(Rate::per_minute(30).to_string(), "30/min");
    }

    #[test]
    fn settings_name_a_scope_and_a_class() {
        let mut limits = RateLimits::default();
        limits.apply("key.write=5/s").unwrap();
        limits.apply("ip.login=off").unwrap();
        assert_eq!(
            limits.get(Scope::Key, Class::Write),
            Some(Rate::per_second(5))
        );
        assert_eq!(limits.get(Scope::Ip, Class::Login), None);
        assert!(limits.apply("user.write=5/s").is_err());
        assert!(limits.apply("key.delete=5/s").is_err());
        assert!(limits.apply("key.write").is_err());
        assert_eq!(RateLimits::off().describe(), "off");
    }

    #[test]
    fn classes_follow_method_and_route() {
        use axum::http::Method;
        assert_eq!(Class::of(&Method::GET, "/v1/intents"), Class::Read);
        assert_eq!(Class::of(&Method::POST, "/v1/intents"), Class::Write);
        assert_eq!(
            Class::of(&Method::GET, "/v1/intents/{intent_id}/events/stream"),
            Class::Stream
        );
        assert_eq!(
            Class::of(&Method::POST, "/v1/auth/login-intent"),
            Class::Login
        );
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(client_of(a), client_of(b));
        let v4: std::net::IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(client_of(v4).to_string(), "10.0.0.1");
    }
}
