//! A small W3C WebDriver client over reqwest, and the chromedriver it talks to, for the web
//! console's browser tests. No new dependency: the protocol is JSON over HTTP.
//!
//! Chromium and its driver are Debian's `chromium` and `chromium-driver`
//! (`.ci/setup/60-chromium.sh`), or `AXME_CHROMIUM` / `AXME_CHROMEDRIVER`. When they are
//! missing the test fails and says so: a browser test never passes without a browser.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a wait for the page may take before the test fails.
const WAIT: Duration = Duration::from_secs(20);

fn find(env: &str, names: &[&str]) -> PathBuf {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&dirs).chain([PathBuf::from("/usr/lib/chromium")]) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "the console's browser tests need Chromium and its WebDriver, and found no {} \
         (looked for {names:?} on PATH; set {env} to its path). Install Debian's `chromium` \
         and `chromium-driver`: `. .ci/setup/60-chromium.sh`",
        names[0]
    );
}

/// Where the tests' screenshots go: `target/ui-screens/`.
pub fn screens_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target dir")
        .join("ui-screens");
    std::fs::create_dir_all(&dir).expect("target/ui-screens");
    dir
}

/// A Chromium session driven through chromedriver; dropping it stops both.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
    /// The page size asked for, which every screenshot must have.
    size: (u32, u32),
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver runs in its own process group with the browser it started.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium whose page is `width`×`height`.
    pub async fn start(width: u32, height: u32) -> Browser {
        use std::os::unix::process::CommandExt;
        let chromium = find("AXME_CHROMIUM", &["chromium", "chromium-browser", "chrome"]);
        let chromedriver = find("AXME_CHROMEDRIVER", &["chromedriver"]);
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            http,
            _profile: profile,
            size: (width, height),
        };
        let started = Instant::now();
        loop {
            let ready = browser
                .http
                .get(format!("{}/status", browser.base))
                .send()
                .await;
            if let Ok(r) = ready
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == json!(true)
            {
                break;
            }
            assert!(started.elapsed() < WAIT, "chromedriver did not get ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        }}});
        let session = browser.command("POST", "/session", caps).await;
        browser.session = session["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {session}"))
            .to_string();
        // The window holds the page: grow it by whatever the browser's frame takes.
        let frame = browser
            .js("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]", json!([]))
            .await;
        let extra = |i: usize| u32::try_from(frame[i].as_u64().unwrap_or(0)).unwrap_or(0);
        browser
            .session_command(
                "POST",
                "/window/rect",
                json!({ "width": width + extra(0), "height": height + extra(1) }),
            )
            .await;
        browser
    }

    async fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("chromedriver: {e}"));
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(
            status.is_success(),
            "WebDriver {method} {path} failed ({status}): {value}"
        );
        value["value"].clone()
    }

    async fn session_command(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.command(method, &path, body).await
    }

    pub async fn go(&self, url: &str) {
        self.session_command("POST", "/url", json!({ "url": url }))
            .await;
    }

    /// Runs `script` in the page (`arguments[i]` are `args`) and returns what it returns.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.session_command(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Waits until `script` returns something truthy; panics naming `what` after [`WAIT`].
    pub async fn wait_for(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.js(script, json!([])).await;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!("")
                && value != json!(0);
            if truthy {
                return value;
            }
            if started.elapsed() > WAIT {
                let page = self
                    .js(
                        "return location.href + '\\n' + document.body.innerText",
                        json!([]),
                    )
                    .await;
                panic!(
                    "waited {WAIT:?} for {what}; the page:\n{}",
                    page.as_str().unwrap_or("")
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .session_command(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.session_command("POST", &format!("/element/{id}/click"), json!({}))
            .await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.session_command(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// The browser's cookies, HttpOnly ones included.
    pub async fn cookies(&self) -> Vec<Value> {
        match self.session_command("GET", "/cookie", json!({})).await {
            Value::Array(cookies) => cookies,
            _ => Vec::new(),
        }
    }

    /// Saves a PNG of the page as `target/ui-screens/NAME.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.session_command("GET", "/screenshot", json!({})).await;
        let png = base64_decode(encoded.as_str().unwrap_or(""));
        assert_eq!(
            png_size(&png),
            Some(self.size),
            "the {name} screenshot's size"
        );
        let path = screens_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

/// Width and height from a PNG's header chunk.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    Some((be(16), be(20)))
}

/// Standard base64 (the screenshot's encoding), without a crate for it.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or(0));
        }
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
}
