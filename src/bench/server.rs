//! The gateway under test: either our own `axme server --ephemeral` started as a separate
//! process (so client and server costs are not mixed in one process), or a running one
//! named by URL. Also reads a process's resident memory from /proc.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::http::Target;

/// How long our own server may take to print its banner.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// What the banner of `axme server` told us.
#[derive(Debug, Clone)]
pub struct Banner {
    pub url: String,
    pub admin_key: String,
    /// `NORMAL` or `FULL`.
    pub synchronous: String,
}

/// Reads the banner lines (`listening`, `database … synchronous=X …`, `admin key`).
pub fn parse_banner(lines: &[String]) -> Option<Banner> {
    let value = |label: &str| {
        lines.iter().find_map(|l| {
            l.trim_start()
                .strip_prefix(label)
                .map(|rest| rest.trim().to_string())
        })
    };
    let url = value("listening")?;
    let admin_key = value("admin key")?.split_whitespace().next()?.to_string();
    let database = value("database").unwrap_or_default();
    let synchronous = database
        .split("synchronous=")
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect()
        })
        .unwrap_or_default();
    Some(Banner {
        url,
        admin_key,
        synchronous,
    })
}

/// Our own gateway process; stopped with SIGTERM when dropped.
pub struct OwnServer {
    child: Child,
    pub banner: Banner,
}

impl OwnServer {
    /// Starts `<this exe> server --ephemeral --listen 127.0.0.1:0 [--sync full]`.
    pub fn start(sync_full: bool) -> Result<OwnServer, String> {
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot find the axme executable: {e}"))?;
        let mut command = Command::new(exe);
        command
            .args(["server", "--ephemeral", "--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if sync_full {
            command.args(["--sync", "full"]);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start the gateway: {e}"))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err("cannot read the gateway's banner".into());
        };
        // Read the banner on a thread so a silent server cannot hang us past the timeout.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = Vec::new();
            let mut sent = false;
            // Keeps reading after the banner so the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sent {
                    continue;
                }
                let admin = line.trim_start().starts_with("admin key");
                lines.push(line);
                if admin {
                    let _ = tx.send(std::mem::take(&mut lines));
                    sent = true;
                }
            }
            if !sent {
                let _ = tx.send(lines);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let lines = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_default();
        match parse_banner(&lines) {
            Some(banner) => Ok(OwnServer { child, banner }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err("the gateway did not print its banner (see its log above)".into())
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then wait up to 10 s (SIGKILL after that).
    pub fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The socket address of a loopback `http://` URL; other targets are refused, so a
/// benchmark never floods a remote gateway by mistake.
pub fn loopback_target(url: &str, api_key: String) -> Result<Target, String> {
    let rest = url
        .trim_end_matches('/')
        .strip_prefix("http://")
        .ok_or_else(|| format!("'{url}': bench speaks plain http:// to a local gateway only"))?;
    if rest.contains('/') {
        return Err(format!(
            "'{url}': give the gateway's root URL, without a path"
        ));
    }
    let with_port = if rest
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        rest.to_string()
    } else {
        format!("{rest}:80")
    };
    let addr: SocketAddr = with_port
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve '{url}': {e}"))?
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| {
            format!("'{url}' is not a loopback address; bench only targets this machine")
        })?;
    Ok(Target { addr, api_key })
}

/// Resident memory of a process in bytes (VmRSS in /proc/<pid>/status), Linux only.
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_banner_and_refuses_remote_targets() {
        let lines: Vec<String> = [
            "axme server 0.1.0",
            "  listening   http://127.0.0.1:4242",
            "  database    ephemeral (/tmp/x/axme.db, sqlite, synchronous=NORMAL; removed at exit)",
            "  workspace   agent://local/default",
            "  admin key   axme_sa_abc.def   (shown once; store it now)",
        ]
        .map(String::from)
        .to_vec();
        let banner = parse_banner(&lines).unwrap();
        assert_eq!(banner.url, "http://127.0.0.1:4242");
        assert_eq!(banner.admin_key, "axme_sa_abc.def");
        assert_eq!(banner.synchronous, "NORMAL");
        assert!(loopback_target("http://127.0.0.1:4242", String::new()).is_ok());
        assert!(loopback_target("https://127.0.0.1:4242", String::new()).is_err());
        assert!(loopback_target("http://192.0.2.1:80", String::new()).is_err());
    }
}
