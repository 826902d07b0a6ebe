//! Helpers for tests that drive the real `axme` binary with a private config dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use axme::protocol::{Banner, BannerReader};

pub const BIN: &str = env!("CARGO_BIN_EXE_axme");

/// One isolated axme "installation": its own config dir, file-backed secrets, no colour,
/// and none of the caller's AXME_* variables.
pub struct Axme {
    pub home: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Axme {
    pub fn new() -> Self {
        Axme {
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config")
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.config_dir().join(name)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("AXME_CONFIG_DIR", self.config_dir())
            .env("AXME_SECRET_STORAGE", "file")
            .env("HOME", self.home.path())
            .env("NO_COLOR", "1")
            .env_remove("AXME_BASE_URL")
            .env_remove("AXME_API_KEY")
            .env_remove("AXME_CONTEXT")
            .env_remove("AXME_CA_CERT")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        capture(&mut cmd)
    }
}

pub fn capture(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run axme");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// A port that was free a moment ago (for servers that must come back on the same address).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a free port")
}

/// `axme server` on a fixed port and database, with its config dir set to `config_dir` (so the
/// `local` context it may write lands there). Returns the child and its banner.
pub fn spawn_server_at(port: u16, db: &Path, config_dir: &Path) -> (std::process::Child, String) {
    spawn_server_with(port, db, config_dir, &[])
}

/// `spawn_server_at` with extra server arguments.
pub fn spawn_server_with(
    port: u16,
    db: &Path,
    config_dir: &Path,
    extra: &[&str],
) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(BIN)
        .args(["server", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db)
        .args(extra)
        .env("AXME_CONFIG_DIR", config_dir)
        .env("AXME_SECRET_STORAGE", "file")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn axme server");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut banner = String::new();
    let mut reader = BannerReader::default();
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        banner.push_str(&line);
        banner.push('\n');
        if reader.line(&line) {
            break;
        }
    }
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    assert!(reader.is_complete(), "no banner:\n{banner}");
    (child, banner)
}

/// SIGTERM (graceful), then wait.
pub fn stop(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
    }
    #[cfg(not(unix))]
    let _ = child.kill();
    let _ = child.wait();
}

/// The admin key of a banner (first start of a database only).
pub fn admin_key_of(banner: &str) -> Option<String> {
    Banner::parse(banner).and_then(|b| b.admin_key)
}
