//! PostgreSQL connection strings: parsing, TLS choice, redaction, connecting.
//!
//! Both libpq forms are accepted: `postgres://user:pass@host:port/db?sslmode=require` and
//! `host=… user=… dbname=…`. TLS is used when `sslmode` is `require`, `verify-ca` or
//! `verify-full`, always with the server's certificate verified (webpki roots, or the CA
//! file named by `sslrootcert`); `disable`, `allow` and `prefer` (libpq's default) connect
//! in plain text. A connection string may hold a password: it is never printed, only its
//! [`PgUrl::redacted`] form.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::tls::RustlsConnect;

/// A PostgreSQL connection string as the user gave it.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    raw: String,
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({})", self.redacted())
    }
}

impl PgUrl {
    /// True for strings meant as PostgreSQL: `postgres://` and `postgresql://` URLs.
    pub fn looks_like(s: &str) -> bool {
        let lower = s.trim_start().to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    }

    /// Checks the string now, so a typo is a usage error at start, not a failure later.
    pub fn parse(raw: &str) -> Result<PgUrl, String> {
        let url = PgUrl {
            raw: raw.trim().to_string(),
        };
        url.settings()?;
        Ok(url)
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The string with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        if let Some((scheme, rest)) = self.raw.split_once("://") {
            let (authority, tail) = match rest.find(['/', '?']) {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let authority = match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _)) => format!("{user}:***@{host}"),
                    None => authority.to_string(),
                },
                None => authority.to_string(),
            };
            let tail = redact_query(tail);
            format!("{scheme}://{authority}{tail}")
        } else {
            self.raw
                .split_whitespace()
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    /// The driver's settings and the TLS connector the string asks for.
    pub fn settings(&self) -> Result<PgSettings, String> {
        let mut tls_wanted = false;
        let mut root_cert = None;
        // Our own options are taken out; the driver knows only disable|prefer|require.
        let mut take = |key: &str, value: &str| -> Result<Option<String>, String> {
            match key {
                "sslmode" => {
                    tls_wanted = match value {
                        "disable" | "allow" | "prefer" => false,
                        "require" | "verify-ca" | "verify-full" => true,
                        other => {
                            return Err(format!(
                                "unknown sslmode '{other}' (use disable, prefer, require, \
                                 verify-ca or verify-full)"
                            ));
                        }
                    };
                    Ok(None)
                }
                "sslrootcert" => {
                    root_cert = Some(PathBuf::from(value));
                    Ok(None)
                }
                _ => Ok(Some(value.to_string())),
            }
        };
        let driver_string = if let Some((base, query)) = self.raw.split_once('?') {
            let mut kept = Vec::new();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                if let Some(value) = take(key, value)? {
                    kept.push(format!("{key}={value}"));
                }
            }
            if kept.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{}", kept.join("&"))
            }
        } else if self.raw.contains("://") {
            self.raw.clone()
        } else {
            let mut kept = Vec::new();
            for pair in self.raw.split_whitespace() {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                if let Some(value) = take(key, value)? {
                    kept.push(format!("{key}={value}"));
                }
            }
            kept.join(" ")
        };
        let mut config = tokio_postgres::Config::from_str(&driver_string)
            .map_err(|e| format!("invalid PostgreSQL connection string: {e}"))?;
        if config.get_application_name().is_none() {
            config.application_name("axme");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if tls_wanted {
            config.ssl_mode(tokio_postgres::config::SslMode::Require);
        } else {
            config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        }
        let tls = if tls_wanted {
            Some(RustlsConnect::new(root_cert.as_deref())?)
        } else {
            None
        };
        Ok(PgSettings { config, tls })
    }
}

fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_string();
    };
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}

/// What to connect with.
#[derive(Clone)]
pub struct PgSettings {
    pub config: tokio_postgres::Config,
    pub tls: Option<RustlsConnect>,
}

impl PgSettings {
    /// A blocking connection (the `postgres` crate runs its own small runtime). Call it from
    /// a thread of its own, never from inside a tokio runtime.
    pub fn connect_blocking(&self) -> Result<postgres::Client, postgres::Error> {
        let config = postgres::Config::from(self.config.clone());
        match &self.tls {
            Some(tls) => config.connect(tls.clone()),
            None => config.connect(tokio_postgres::NoTls),
        }
    }

    /// An async connection; its I/O runs on a task of the current runtime.
    pub async fn connect(&self) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        match &self.tls {
            Some(tls) => {
                let (client, connection) = self.config.connect(tls.clone()).await?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
            None => {
                let (client, connection) = self.config.connect(tokio_postgres::NoTls).await?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
        }
    }

    /// `host:port/db` for the banner and `/health` (no user, no password).
    pub fn describe(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let db = self
            .config
            .get_dbname()
            .or(self.config.get_user())
            .unwrap_or("postgres");
        let tls = if self.tls.is_some() { ", tls" } else { "" };
        format!("{host}:{port}/{db}{tls}")
    }
}

async fn drive<S, T>(connection: tokio_postgres::Connection<S, T>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    if let Err(e) = connection.await {
        tracing::warn!(error = %e, "PostgreSQL connection ended");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let url =
            PgUrl::parse("postgres://axme:s3cret@db.example:5433/axme?sslmode=disable").unwrap();
        assert_eq!(
            url.redacted(),
            "postgres://axme:***@db.example:5433/axme?sslmode=disable"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        let kv = PgUrl::parse("host=db user=axme password=s3cret dbname=axme").unwrap();
        assert_eq!(kv.redacted(), "host=db user=axme password=*** dbname=axme");
        let q = PgUrl::parse("postgres://db/axme?user=a&password=s3cret").unwrap();
        assert!(!q.redacted().contains("s3cret"));
    }

    #[test]
    fn sslmode_picks_tls() {
        let plain = PgUrl::parse("postgres://u@h/db")
            .unwrap()
            .settings()
            .unwrap();
        assert!(plain.tls.is_none());
        assert_eq!(plain.describe(), "h:5432/db");
        for mode in ["require", "verify-ca", "verify-full"] {
            let s = PgUrl::parse(&format!("postgresql://u@h:6000/db?sslmode={mode}"))
                .unwrap()
                .settings()
                .unwrap();
            assert!(s.tls.is_some(), "{mode}");
            assert_eq!(s.describe(), "h:6000/db, tls");
        }
        let err = PgUrl::parse("postgres://u@h/db?sslmode=sometimes").unwrap_err();
        assert!(err.contains("sslmode"), "{err}");
        let err = PgUrl::parse("postgres://u@h/db?sslmode=require&sslrootcert=/nonexistent.pem")
            .unwrap_err();
        assert!(err.contains("sslrootcert"), "{err}");
        assert!(PgUrl::looks_like("PostgreSQL://x"));
        assert!(!PgUrl::looks_like("./axme.db"));
    }
}
