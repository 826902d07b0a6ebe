//! A private, real Secret Service for one test: gnome-keyring inside its own
//! `dbus-run-session`, with throwaway HOME and XDG dirs, unlocked with a known password. The
//! CLI runs on that session's bus with `AXME_SECRET_STORAGE=keyring`, so a silent fallback to
//! the file fails; `secret-tool` reads what it stored. Missing tools fail the test, saying how
//! to install them (never a silent skip).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOOLS: [&str; 4] = [
    "dbus-run-session",
    "gnome-keyring-daemon",
    "secret-tool",
    "dbus-send",
];

/// Starts the daemon unlocked, waits until it owns the Secret Service name, prints the bus
/// address, then holds the session open until the test closes stdin.
const SESSION_SCRIPT: &str = r#"
printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
tries=0
until dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || { echo "gnome-keyring did not take the Secret Service name" >&2; exit 1; }
    sleep 0.05
done
echo "bus=$DBUS_SESSION_BUS_ADDRESS"
exec cat >/dev/null
"#;

pub struct Keyring {
    session: Child,
    stdin: Option<ChildStdin>,
    /// The session bus address the CLI and `secret-tool` are pointed at.
    pub bus: String,
    log: Arc<Mutex<String>>,
    _dirs: tempfile::TempDir,
}

/// Fails the test unless every tool the keyring tests need is installed.
fn require_tools() {
    let missing: Vec<&str> = TOOLS
        .into_iter()
        .filter(|tool| {
            !std::env::var_os("PATH")
                .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
                .unwrap_or(false)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "the keyring tests need {} (missing: {}): install them with \
         `bash .ci/setup/30-keyring.sh` (as root: apt-get install gnome-keyring libsecret-tools dbus)",
        TOOLS.join(", "),
        missing.join(", ")
    );
}

impl Keyring {
    /// A fresh keyring, unlocked, with nothing in it.
    pub fn start() -> Keyring {
        require_tools();
        let dirs = tempfile::tempdir().expect("temp dir");
        let dir = |name: &str| {
            let path = dirs.path().join(name);
            std::fs::create_dir_all(&path).expect("create dir");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                    .expect("chmod");
            }
            path
        };
        let mut session = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", SESSION_SCRIPT])
            .env("HOME", dir("home"))
            .env("XDG_RUNTIME_DIR", dir("run"))
            .env("XDG_DATA_HOME", dir("data"))
            .env("XDG_CONFIG_HOME", dir("config"))
            .env("XDG_CACHE_HOME", dir("cache"))
            .env("KEYRING_PASSWORD", "axme-test-password")
            // No display: an unlock prompt must be dismissed at once, never shown.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dbus-run-session");
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = session.stderr.take().expect("piped stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut log) = sink.lock() {
                    log.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let stdout = session.stdout.take().expect("piped stdout");
        let bus = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("bus=").map(str::to_string));
        let stdin = session.stdin.take();
        let mut keyring = Keyring {
            session,
            stdin,
            bus: bus.unwrap_or_default(),
            log,
            _dirs: dirs,
        };
        if keyring.bus.is_empty() {
            keyring.end();
            panic!(
                "the private D-Bus session with gnome-keyring did not start:\n{}",
                keyring.log()
            );
        }
        keyring
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Point a command at this keyring, insisting on it (`AXME_SECRET_STORAGE=keyring`).
    pub fn apply<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("AXME_SECRET_STORAGE", "keyring")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
    }

    /// `secret-tool lookup service axme-cli username context:NAME:FIELD`: the stored value,
    /// or `None` when there is no such item.
    pub fn lookup(&self, context: &str, field: &str) -> Option<String> {
        let account = format!("context:{context}:{field}");
        let out = Command::new("secret-tool")
            .args(["lookup", "service", "axme-cli", "username", &account])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .stdin(Stdio::null())
            .output()
            .expect("run secret-tool");
        // "Not found" is a bare exit 1; anything on stderr means the lookup itself failed,
        // which must not pass for "deleted".
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.trim().is_empty(),
            "secret-tool lookup {account} failed: {stderr}\n--- session log ---\n{}",
            self.log()
        );
        let value = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !value.is_empty()).then_some(value)
    }

    /// One `dbus-send` call on the session; retried for a while (a loaded machine can make a
    /// call time out), then the test fails with what dbus-send and the session said.
    fn dbus_send(&self, args: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = Command::new("dbus-send")
                .args(["--session", "--print-reply=literal"])
                .args(args)
                .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
                .stdin(Stdio::null())
                .output()
                .expect("run dbus-send");
            if out.status.success() {
                return String::from_utf8_lossy(&out.stdout).trim().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "dbus-send {args:?} failed: {}\n--- session log ---\n{}",
                String::from_utf8_lossy(&out.stderr),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Lock the default collection through the Secret Service API (`Service.Lock`), as a
    /// screen lock or a timeout would, and wait until it says it is locked.
    pub fn lock(&self) {
        let service = "/org/freedesktop/secrets";
        let dest = "--dest=org.freedesktop.secrets";
        let collection = self.dbus_send(&[
            dest,
            service,
            "org.freedesktop.Secret.Service.ReadAlias",
            "string:default",
        ]);
        assert!(
            collection.starts_with("/org/freedesktop/secrets/collection/"),
            "no default collection: {collection:?}"
        );
        self.dbus_send(&[
            dest,
            service,
            "org.freedesktop.Secret.Service.Lock",
            &format!("array:objpath:{collection}"),
        ]);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let locked = self.dbus_send(&[
                dest,
                &collection,
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Collection",
                "string:Locked",
            ]);
            if locked.contains("true") {
                return;
            }
            assert!(Instant::now() < deadline, "the keyring did not lock");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// End the session: closing its stdin ends the script, and with it the bus and daemon.
    fn end(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.session.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.session.kill();
        let _ = self.session.wait();
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        self.end();
    }
}
