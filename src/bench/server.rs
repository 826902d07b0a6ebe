//! The gateway under test: either our own `axme server --ephemeral` started as a separate
//! process (so client and server costs are not mixed in one process), or a running one
//! named by URL. Also reads a process's resident memory from /proc.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::http::Target;
use crate::protocol::{Banner, BannerReader};

/// How long our own server may take to print its banner.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Our own gateway process; stopped with SIGTERM when dropped.
pub struct OwnServer {
    child: Child,
    pub banner: Banner,
}

impl OwnServer {
    /// Starts `<this exe> server --ephemeral --listen 127.0.0.1:0 --no-rate-limits …
    /// [--sync full]`, or with `--db URL --node-id NAME` on a PostgreSQL database. The
    /// banner must carry a new admin key unless `admin_expected` is false (a later node of
    /// one database).
    pub fn start(
        sync_full: bool,
        postgres: Option<(&str, &str)>,
        admin_expected: bool,
    ) -> Result<OwnServer, String> {
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot find the axme executable: {e}"))?;
        let mut command = Command::new(exe);
        command.args(["server", "--listen", "127.0.0.1:0"]);
        match postgres {
            Some((url, node)) => command.args(["--db", url, "--node-id", node]),
            None => command.arg("--ephemeral"),
        };
        command
            // Limits lifted: one client on one address is the whole load here. The
            // connection cap stays, below the descriptor limit.
            .args([
                "--no-rate-limits",
                "--max-connections-per-client",
                "1000000",
            ])
            .args(["--max-streams", "1000000", "--max-connections", "1000000"])
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
            let mut reader = Some(BannerReader::default());
            // Keeps reading after the banner so the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(r) = reader.as_mut()
                    && r.line(&line)
                {
                    let _ = tx.send(reader.take().and_then(BannerReader::banner));
                }
            }
            if reader.is_some() {
                let _ = tx.send(None);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let banner = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()
            .flatten();
        match banner {
            Some(banner) if banner.admin_key.is_some() || !admin_expected => {
                Ok(OwnServer { child, banner })
            }
            Some(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(
                    "bench --db needs an empty database: its gateway makes a new admin key \
                     on the first start (create a fresh database, e.g. with createdb)"
                        .into(),
                )
            }
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
    fn refuses_remote_targets() {
        assert!(loopback_target("http://127.0.0.1:4242", String::new()).is_ok());
        assert!(loopback_target("https://127.0.0.1:4242", String::new()).is_err());
        assert!(loopback_target("http://192.0.2.1:80", String::new()).is_err());
    }
}
