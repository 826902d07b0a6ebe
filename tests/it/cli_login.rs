//! Login against the real gateway: the email one-time code (read from the server's log),
//! refresh-token rotation, `login --api-key`, `logout`, and the code's limits.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// The code the server logged for `email` after `after` bytes of its log.
pub(crate) fn logged_code(server: &TestServer, email: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = server.stderr();
        if let Some(line) = log
            .lines()
            .rev()
            .find(|l| l.contains("LOGIN CODE") && l.contains(email))
        {
            let after = line.split("LOGIN CODE ").nth(1).expect("code after marker");
            return after.chars().take(6).collect();
        }
        assert!(Instant::now() < deadline, "no code in the log:\n{log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn secrets(axme: &Axme) -> Value {
    serde_json::from_str(&std::fs::read_to_string(axme.file("secrets.json")).unwrap()).unwrap()
}

pub(crate) fn login_by_code(axme: &Axme, server: &TestServer, email: &str) -> Run {
    let mut child = axme
        .command(&["login", "--base-url", &server.url, "--email", email])
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

/// Waits until the gateway answers 401 to `access_token` (it expired), polling `/v1/me`,
/// instead of sleeping for its lifetime and hoping the clock agrees.
async fn wait_refused(server: &TestServer, access_token: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = server
            .http
            .get(server.endpoint("/v1/me"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request reaches the server")
            .status();
        if status == 401 {
            return;
        }
        assert_eq!(status, 200, "GET /v1/me with the access token");
        assert!(Instant::now() < deadline, "the access token never expired");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[test]
fn login_by_code_then_refresh_rotates_and_logout_ends_it() {
    // Access tokens live 3 s: long enough that a token minted by a refresh is still good
    // when the retried request reaches a loaded gateway (a refresh commits before it
    // answers), short enough to wait out below.
    let server = TestServer::start_with(
        &["--ephemeral"],
        &[("AXME_SESSION_ACCESS_TTL", Path::new("3"))],
    );
    let axme = Axme::new();
    let run = login_by_code(&axme, &server, "ada@example.com");
    run.assert_code(0);
    assert!(run.stderr.contains("ada@example.com"), "{}", run.stderr);
    let stored = secrets(&axme)["default"].clone();
    let first_refresh = stored["refresh_token"].as_str().unwrap().to_string();
    assert!(stored["api_key"].as_str().unwrap().starts_with("axme_sa_"));
    assert!(
        !std::fs::read_to_string(axme.file("config.json"))
            .unwrap()
            .contains("axme_")
    );

    // The stored key works for API commands, and whoami shows the account.
    axme.run(&["intents", "send", "--to", "admin"])
        .assert_code(0);
    let who = axme.run(&["whoami", "--json"]);
    who.assert_code(0);
    assert_eq!(who.json()["account"]["email"], "ada@example.com");

    // Once the gateway refuses the stored access token (expired: it lived 3 to 4 s, its exp
    // is whole seconds), the next whoami refreshes it and stores the rotated pair.
    let access = secrets(&axme)["default"]["actor_token"]
        .as_str()
        .unwrap()
        .to_string();
    runtime().block_on(wait_refused(&server, &access));
    let who = axme.run(&["whoami", "--json"]);
    who.assert_code(0);
    assert_eq!(who.json()["account"]["email"], "ada@example.com");
    let second_refresh = secrets(&axme)["default"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(
        first_refresh, second_refresh,
        "refresh token was not rotated"
    );

    // The old refresh token is refused, and its reuse ends the session.
    let rt = runtime();
    let r = rt.block_on(server.post(
        "/v1/auth/refresh",
        "",
        &json!({"refresh_token": first_refresh}),
    ));
    r.expect_error(401, "refresh_token_reused");
    let r = rt.block_on(server.post(
        "/v1/auth/refresh",
        "",
        &json!({"refresh_token": second_refresh}),
    ));
    r.expect_error_status(401);

    // logout clears the context's credentials.
    let run = axme.run(&["logout"]);
    run.assert_code(0);
    let stored = secrets(&axme);
    assert!(
        stored
            .get("default")
            .is_none_or(|d| d.get("api_key").is_none()),
        "{stored}"
    );
    axme.run(&["whoami"]).assert_code(2);
}

#[test]
fn logout_revokes_the_session_key() {
    let server = TestServer::start();
    let axme = Axme::new();
    login_by_code(&axme, &server, "bob@example.com").assert_code(0);
    let key = secrets(&axme)["default"]["api_key"]
        .as_str()
        .unwrap()
        .to_string();
    let refresh = secrets(&axme)["default"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    axme.run(&["logout"]).assert_code(0);
    let rt = runtime();
    rt.block_on(server.get("/v1/intents", &key))
        .expect_error_status(401);
    rt.block_on(server.post("/v1/auth/refresh", "", &json!({"refresh_token": refresh})))
        .expect_error_status(401);
}

#[test]
fn codes_expire_after_five_wrong_tries_and_are_single_use() {
    let server = TestServer::start();
    let rt = runtime();
    let start = |email: &str| {
        let r = rt.block_on(server.post("/v1/auth/login-intent", "", &json!({"email": email})));
        r.expect_ok();
        r.body["intent_id"].as_str().unwrap().to_string()
    };
    let id = start("eve@example.com");
    let code = logged_code(&server, "eve@example.com");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let verify = |id: &str, code: &str| {
        rt.block_on(server.post(
            &format!("/v1/auth/login-intent/{id}/verify"),
            "",
            &json!({"code": code}),
        ))
    };
    for _ in 0..5 {
        verify(&id, wrong).expect_error(422, "invalid_login_code");
    }
    verify(&id, &code).expect_error(410, "login_code_locked");

    let id = start("fay@example.com");
    let code = logged_code(&server, "fay@example.com");
    verify(&id, &code).expect_ok();
    verify(&id, &code).expect_error(409, "login_code_used");
    rt.block_on(server.post("/v1/auth/login-intent", "", &json!({"email": "nope"})))
        .expect_error_status(422);
}

#[test]
fn login_with_an_api_key_for_ci() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let run = axme.run(&[
        "login",
        "--base-url",
        &server.url,
        "--api-key",
        &admin,
        "--context",
        "ci",
    ]);
    run.assert_code(0);
    axme.run(&["intents", "list"]).assert_code(0);
    let who = axme.run(&["whoami", "--json"]);
    who.assert_code(0);
    assert_eq!(
        who.json()["principal"]["address"],
        "agent://local/default/admin"
    );

    // From the environment too, into another context.
    let other = Axme::new();
    other
        .run_with(
            &["login", "--base-url", &server.url],
            &[("AXME_API_KEY", &admin)],
        )
        .assert_code(0);
    assert_eq!(secrets(&other)["default"]["api_key"], admin.as_str());

    // A wrong key is refused and not stored.
    let bad = Axme::new();
    let run = bad.run(&[
        "login",
        "--base-url",
        &server.url,
        "--api-key",
        "axme_sa_x_y",
    ]);
    run.assert_code(2);
    assert!(
        !bad.file("secrets.json").exists()
            || !std::fs::read_to_string(bad.file("secrets.json"))
                .unwrap()
                .contains("axme_sa_x_y")
    );

    // No key and no terminal: fail at once, never wait for input.
    let started = Instant::now();
    let run = bad.run(&["login", "--base-url", &server.url]);
    run.assert_code(2);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(run.stderr.contains("--api-key"), "{}", run.stderr);
}

#[test]
fn login_in_two_steps_with_code_for_ci() {
    let server = TestServer::start();
    let axme = Axme::new();
    let url = server.url.as_str();
    // No code requested yet: --code has nothing to finish.
    let early = axme.run(&[
        "login",
        "--base-url",
        url,
        "--email",
        "ci@example.com",
        "--code",
        "000000",
    ]);
    early.assert_code(2);
    assert!(early.stderr.contains("--no-input"), "{}", early.stderr);

    let sent = axme.run(&[
        "login",
        "--base-url",
        url,
        "--email",
        "ci@example.com",
        "--no-input",
    ]);
    sent.assert_code(0);
    assert!(sent.stderr.contains("--code"), "{}", sent.stderr);
    let code = logged_code(&server, "ci@example.com");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = axme.run(&[
        "login",
        "--base-url",
        url,
        "--email",
        "ci@example.com",
        "--code",
        wrong,
    ]);
    bad.assert_code(1);
    assert!(bad.stderr.contains("attempts left"), "{}", bad.stderr);
    // A wrong code leaves the request usable: the right one still signs in.
    let good = axme.run(&[
        "login",
        "--base-url",
        url,
        "--email",
        "ci@example.com",
        "--code",
        &code,
    ]);
    good.assert_code(0);
    assert_eq!(
        axme.run(&["whoami", "--json"]).json()["account"]["email"],
        "ci@example.com"
    );
}

#[test]
fn a_wrong_code_typed_on_a_terminal_is_asked_again() {
    let server = TestServer::start();
    let axme = Axme::new();
    // `script` gives the login a terminal; what we write to it is what the user types.
    let line = format!(
        "{} login --base-url {} --email tty@example.com",
        BIN, server.url
    );
    let mut child = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("AXME_CONFIG_DIR", axme.config_dir())
        .env("AXME_SECRET_STORAGE", "file")
        .env("NO_COLOR", "1")
        .env_remove("AXME_API_KEY")
        .env_remove("AXME_BASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let code = logged_code(&server, "tty@example.com");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{wrong}").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    writeln!(stdin, "{code}").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("attempts left"), "{text}");
    assert_eq!(text.matches("Code:").count(), 2, "{text}");
    assert!(text.contains("Signed in"), "{text}");
}
