//! Credentials in a real OS keyring: gnome-keyring's Secret Service on a private D-Bus
//! session (see `common::keyring`), the CLI forced to it with `AXME_SECRET_STORAGE=keyring`,
//! every stored secret checked with `secret-tool`. Also: each context's secrets live in one
//! store only, a locked keyring fails `doctor` and does not stop `context list`.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli_login::logged_code;
use crate::common::*;

const OLD: &str = "axme_sa_old0_0123456789abcdefOLDKEY";
const NEW: &str = "axme_sa_new0_0123456789abcdefNEWKEY";
const NEWER: &str = "axme_sa_nwr0_0123456789abcdefNEWERK";
const FIELDS: [&str; 3] = ["api_key", "actor_token", "refresh_token"];

/// The CLI of one throwaway installation, on one keyring's session bus.
struct Cli<'a> {
    axme: Axme,
    keyring: &'a Keyring,
}

impl<'a> Cli<'a> {
    fn new(keyring: &'a Keyring) -> Self {
        Cli {
            axme: Axme::new(),
            keyring,
        }
    }

    /// A command on the keyring's bus with `AXME_SECRET_STORAGE=keyring`.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.axme.command(args);
        self.keyring.apply(&mut cmd);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        capture(&mut self.command(args))
    }

    /// Like `run`, with the default storage choice (keyring when usable, else the file).
    fn run_auto(&self, args: &[&str]) -> Run {
        capture(self.command(args).env_remove("AXME_SECRET_STORAGE"))
    }

    /// As from a shell with no D-Bus session (e.g. over SSH), default storage choice.
    fn run_without_dbus(&self, args: &[&str]) -> Run {
        let nowhere = format!(
            "unix:path={}",
            self.axme.home.path().join("no-bus").display()
        );
        capture(
            self.command(args)
                .env_remove("AXME_SECRET_STORAGE")
                .env("DBUS_SESSION_BUS_ADDRESS", nowhere),
        )
    }

    fn run_file(&self, args: &[&str]) -> Run {
        capture(self.command(args).env("AXME_SECRET_STORAGE", "file"))
    }

    fn shown_key(&self, context: &str) -> Value {
        let run = self.run_auto(&["context", "show", context, "--show-key", "-o", "json"]);
        run.assert_code(0);
        run.json()["api_key"].clone()
    }

    /// secrets.json's entry for a context (`Null` when there is none or no file).
    fn in_file(&self, context: &str) -> Value {
        match std::fs::read_to_string(self.axme.file("secrets.json")) {
            Ok(text) => serde_json::from_str::<Value>(&text).unwrap()[context].clone(),
            Err(_) => Value::Null,
        }
    }

    fn config(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.axme.file("config.json")).unwrap())
            .unwrap()
    }
}

fn no_warning(run: &Run) {
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn context_set_show_rotate_and_delete_keep_the_key_in_the_keyring_only() {
    let keyring = Keyring::start();
    let cli = Cli::new(&keyring);
    let run = cli.run(&[
        "context",
        "set",
        "k1",
        "--base-url",
        "http://k1.example",
        "--api-key",
        OLD,
    ]);
    run.assert_code(0);
    no_warning(&run);
    assert_eq!(keyring.lookup("k1", "api_key").as_deref(), Some(OLD));
    assert!(!cli.axme.file("secrets.json").exists());
    let config = std::fs::read_to_string(cli.axme.file("config.json")).unwrap();
    assert!(!config.contains(OLD), "{config}");
    assert_eq!(cli.config()["contexts"]["k1"]["secret_store"], "keyring");
    assert_eq!(cli.shown_key("k1"), OLD);

    // Rotate: the keyring item is replaced, and the new key is the one shown.
    cli.run(&["context", "set", "k1", "--api-key", NEW])
        .assert_code(0);
    assert_eq!(keyring.lookup("k1", "api_key").as_deref(), Some(NEW));
    assert_eq!(cli.shown_key("k1"), NEW);
    let list = cli.run(&["context", "list", "-o", "json"]);
    list.assert_code(0);
    assert_eq!(list.json()[0]["secret_store"], "keyring");
    assert_eq!(list.json()[0]["has_api_key"], true);

    cli.run(&["context", "delete", "k1"]).assert_code(0);
    for field in FIELDS {
        assert_eq!(keyring.lookup("k1", field), None, "{field}");
    }
    assert!(cli.config()["contexts"].get("k1").is_none());
}

/// `axme login --email` with the code the gateway logged, fed on stdin.
fn login_by_code(cli: &Cli, server: &TestServer, context: &str, email: &str) -> Run {
    let mut child = cli
        .command(&[
            "login",
            "--base-url",
            &server.url,
            "--email",
            email,
            "--context",
            context,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn login");
    let code = logged_code(server, email);
    writeln!(child.stdin.take().unwrap(), "{code}").unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn login_by_key_and_by_code_and_logout_keep_every_token_in_the_keyring() {
    let keyring = Keyring::start();
    let server = TestServer::start();
    let admin = server.admin();
    let cli = Cli::new(&keyring);

    let run = cli.run(&[
        "login",
        "--base-url",
        &server.url,
        "--api-key",
        &admin,
        "--context",
        "ci",
    ]);
    run.assert_code(0);
    no_warning(&run);
    assert_eq!(keyring.lookup("ci", "api_key"), Some(admin));
    cli.run(&["intents", "list", "--context", "ci"])
        .assert_code(0);

    let run = login_by_code(&cli, &server, "web", "ada@example.com");
    run.assert_code(0);
    no_warning(&run);
    let api_key = keyring.lookup("web", "api_key").expect("api_key stored");
    assert!(api_key.starts_with("axme_sa_"), "{api_key}");
    let refresh = keyring
        .lookup("web", "refresh_token")
        .expect("refresh_token");
    assert!(
        keyring.lookup("web", "actor_token").is_some(),
        "actor_token"
    );
    assert!(!cli.axme.file("secrets.json").exists());
    let who = cli.run(&["whoami", "--context", "web", "--json"]);
    who.assert_code(0);
    assert_eq!(who.json()["account"]["email"], "ada@example.com");

    // logout ends the session on the gateway and removes all three items.
    cli.run(&["logout", "--context", "web"]).assert_code(0);
    for field in FIELDS {
        assert_eq!(keyring.lookup("web", field), None, "{field}");
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(server.post(
        "/v1/auth/refresh",
        "",
        &serde_json::json!({ "refresh_token": refresh }),
    ))
    .expect_error_status(401);
    cli.run(&["logout", "--context", "ci"]).assert_code(0);
    assert_eq!(keyring.lookup("ci", "api_key"), None);
}

#[test]
fn a_key_lives_in_one_store_and_the_rotated_one_is_used_after_switching() {
    let keyring = Keyring::start();
    let cli = Cli::new(&keyring);
    cli.run(&["context", "set", "k1", "--api-key", OLD])
        .assert_code(0);

    // Without D-Bus the keyring copy cannot be removed: refused, nothing changes.
    let run = cli.run_without_dbus(&["context", "set", "k1", "--api-key", NEW]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("keeps its secrets in the OS keyring")
            && run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
    assert_eq!(keyring.lookup("k1", "api_key").as_deref(), Some(OLD));
    assert_eq!(cli.in_file("k1"), Value::Null);
    // …and reading says where the key is instead of acting as if there were none.
    let run = cli.run_without_dbus(&["context", "show", "k1"]);
    run.assert_code(1);
    assert!(run.stderr.contains("OS keyring"), "{}", run.stderr);

    // Choosing the file moves the key there: the keyring copy goes, the new key is used.
    let run = cli.run_file(&["context", "set", "k1", "--api-key", NEW]);
    run.assert_code(0);
    assert!(run.stderr.contains("moved the secrets"), "{}", run.stderr);
    assert_eq!(keyring.lookup("k1", "api_key"), None);
    assert_eq!(cli.in_file("k1")["api_key"], NEW);
    assert_eq!(cli.config()["contexts"]["k1"]["secret_store"], "file");
    assert_eq!(cli.shown_key("k1"), NEW);

    // And back: the file copy goes.
    cli.run(&["context", "set", "k1", "--api-key", NEWER])
        .assert_code(0);
    assert_eq!(keyring.lookup("k1", "api_key").as_deref(), Some(NEWER));
    assert_eq!(cli.in_file("k1"), Value::Null);
    assert_eq!(cli.shown_key("k1"), NEWER);

    // A write that falls back to the file says so, every time.
    for key in [OLD, NEW] {
        let run = cli.run_without_dbus(&["context", "set", "k2", "--api-key", key]);
        run.assert_code(0);
        assert!(
            run.stderr.contains("warning: the OS keyring is not usable")
                && run.stderr.contains("secrets.json"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(cli.shown_key("k2"), NEW);
    // Where the keyring works again, the next write moves the key into it.
    cli.run_auto(&["context", "set", "k2", "--api-key", NEWER])
        .assert_code(0);
    assert_eq!(keyring.lookup("k2", "api_key").as_deref(), Some(NEWER));
    assert_eq!(cli.in_file("k2"), Value::Null);
}

#[test]
fn a_config_without_the_record_finds_the_key_and_the_next_write_keeps_one_copy() {
    let keyring = Keyring::start();
    let cli = Cli::new(&keyring);
    cli.run(&["context", "set", "k1", "--api-key", OLD])
        .assert_code(0);
    // An older config.json (or the public CLI's) does not say where secrets are.
    let path = cli.axme.file("config.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(r#""secret_store": "keyring""#, r#""other": 1"#);
    std::fs::write(&path, text).unwrap();
    assert_eq!(cli.shown_key("k1"), OLD);

    // Older versions could leave a newer copy in secrets.json beside the keyring's.
    std::fs::write(
        cli.axme.file("secrets.json"),
        format!(r#"{{"k1": {{"api_key": "{NEW}"}}}}"#),
    )
    .unwrap();
    assert_eq!(cli.shown_key("k1"), NEW);
    cli.run(&["context", "set", "k1", "--api-key", NEWER])
        .assert_code(0);
    assert_eq!(keyring.lookup("k1", "api_key").as_deref(), Some(NEWER));
    assert_eq!(cli.in_file("k1"), Value::Null);
    assert_eq!(cli.config()["contexts"]["k1"]["secret_store"], "keyring");
    assert_eq!(cli.config()["contexts"]["k1"]["other"], 1);
}

fn secrets_check(run: &Run) -> Value {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "secrets")
        .cloned()
        .unwrap()
}

#[test]
fn doctor_fails_the_secrets_check_on_a_locked_keyring() {
    let keyring = Keyring::start();
    let server = TestServer::start();
    let cli = Cli::new(&keyring);
    cli.run(&[
        "login",
        "--base-url",
        &server.url,
        "--api-key",
        &server.admin(),
    ])
    .assert_code(0);
    let run = cli.run(&["doctor", "-o", "json"]);
    run.assert_code(0);
    assert_eq!(secrets_check(&run)["detail"], "keyring");

    keyring.lock();
    for run in [
        cli.run(&["doctor", "-o", "json"]),
        cli.run_auto(&["doctor", "-o", "json"]),
    ] {
        run.assert_code(1);
        let check = secrets_check(&run);
        assert_eq!(check["ok"], false, "{check}");
        assert!(
            check["detail"].as_str().unwrap().contains("locked"),
            "{check}"
        );
        assert!(run.stderr.contains("hint: unlock"), "{}", run.stderr);
    }
}

#[test]
fn context_list_works_with_a_locked_keyring() {
    let keyring = Keyring::start();
    let cli = Cli::new(&keyring);
    cli.run(&["context", "set", "k1", "--api-key", OLD])
        .assert_code(0);
    cli.run(&["context", "set", "k2", "--base-url", "http://k2.example"])
        .assert_code(0);
    cli.run_file(&["context", "set", "k3", "--api-key", NEW])
        .assert_code(0);
    keyring.lock();

    let run = cli.run(&["context", "list", "-o", "json"]);
    run.assert_code(0);
    let rows = run.json();
    let row = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("k1")["has_api_key"], true);
    assert_eq!(row("k1")["secret_store"], "keyring");
    assert_eq!(row("k2")["has_api_key"], false);
    assert_eq!(row("k3")["secret_store"], "file");
    let run = cli.run(&["context", "list"]);
    run.assert_code(0);
    assert!(run.stdout.contains("k1") && run.stdout.contains("k3"));

    // Nothing secret is needed to change other settings or the active context.
    cli.run(&["context", "set", "k1", "--org-id", "org_1"])
        .assert_code(0);
    cli.run(&["context", "use", "k2"]).assert_code(0);
    // The key itself cannot be read: a clear error at once, no hang.
    let started = Instant::now();
    let run = cli.run(&["context", "show", "k1", "--show-key"]);
    run.assert_code(1);
    assert!(run.stderr.contains("locked"), "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(15));
    // A context kept in the file is unaffected.
    assert_eq!(cli.shown_key("k3"), NEW);
}
