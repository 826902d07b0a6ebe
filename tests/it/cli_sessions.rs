//! `axme sessions list|revoke` and `axme logout --all-sessions` against a real gateway
//! (issue 12): a table with the current session marked, `-o json` with a summary,
//! revoking another session and this one, signing out everywhere; refusals without an
//! account session.

use serde_json::{Value, json};

use crate::cli_login::login_by_code;
use crate::common::*;
use crate::server_authz::login;
use crate::server_sessions::bearer_call;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

#[test]
fn sessions_are_listed_and_revoked_from_the_cli() {
    let server = TestServer::start();
    let axme = Axme::new();
    login_by_code(&axme, &server, "sam@example.com").assert_code(0);
    let rt = runtime();
    // A second session of the same person, signed in elsewhere.
    let elsewhere: Value = rt.block_on(login(&server, "sam@example.com"));
    let other_id = elsewhere["session_id"].as_str().unwrap().to_string();
    let other_token = elsewhere["access_token"].as_str().unwrap().to_string();

    let listed = axme.run(&["sessions", "list", "-o", "json"]);
    listed.assert_code(0);
    let listed = listed.json();
    let sessions = listed["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{listed}");
    let current = sessions.iter().find(|s| s["is_current"] == true).unwrap();
    let mine = current["session_id"].as_str().unwrap().to_string();
    assert_ne!(mine, other_id);
    assert!(
        current["client_type"]
            .as_str()
            .is_some_and(|c| c.starts_with("axme-cli/")),
        "{current}"
    );
    assert_eq!(listed["summary"]["active_count"], 2);
    assert_eq!(listed["summary"]["current_session_id"], json!(mine));

    // The table marks this context's session; `session` is an alias.
    let table = axme.run(&["session", "list"]);
    table.assert_code(0);
    assert!(table.stdout.contains("SESSION_ID"), "{}", table.stdout);
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains(&mine))
        .unwrap_or_else(|| panic!("no row for {mine}:\n{}", table.stdout));
    assert!(row.contains('*'), "{row}");
    assert!(
        table.stderr.contains("2 active sessions"),
        "{}",
        table.stderr
    );

    // Revoke the other session by id: its token stops working.
    let revoked = axme.run(&["sessions", "revoke", &other_id]);
    revoked.assert_code(0);
    assert!(
        revoked
            .stdout
            .contains(&format!("Session {other_id} revoked.")),
        "{}",
        revoked.stdout
    );
    rt.block_on(bearer_call(
        &server,
        reqwest::Method::GET,
        "/v1/me",
        &other_token,
        None,
    ))
    .expect_error(401, "invalid_actor_token");
    let again = axme.run(&["sessions", "revoke", &other_id, "-o", "json"]);
    again.assert_code(0);
    assert_eq!(again.json()["revoked"], false);
    let unknown = axme.run(&["sessions", "revoke", "ses_nosuch"]);
    assert_ne!(unknown.code, 0, "{}", unknown.stdout);
    assert!(
        unknown.stderr.contains("no such session"),
        "{}",
        unknown.stderr
    );
    axme.run(&["sessions", "revoke"]).assert_code(2);
    axme.run(&["sessions", "revoke", "x", "--current"])
        .assert_code(2);

    let all = axme.run(&["sessions", "list", "--all", "-o", "json"]);
    all.assert_code(0);
    let all = all.json();
    assert_eq!(all["include_revoked"], true);
    assert_eq!(all["summary"]["revoked_count"], 1, "{all}");

    // This session, by --current.
    let current = axme.run(&["sessions", "revoke", "--current", "-o", "json"]);
    current.assert_code(0);
    let current = current.json();
    assert_eq!(current["mode"], "current_session");
    assert_eq!(current["session_id"], json!(mine));
    assert_eq!(current["revoked"], true);
}

#[test]
fn logout_all_sessions_ends_every_session_and_a_key_alone_is_refused() {
    let server = TestServer::start();
    let axme = Axme::new();
    login_by_code(&axme, &server, "ruth@example.com").assert_code(0);
    let rt = runtime();
    let elsewhere: Value = rt.block_on(login(&server, "ruth@example.com"));
    let other_key = elsewhere["api_key"].as_str().unwrap().to_string();

    let out = axme.run(&["logout", "--all-sessions", "-o", "json"]);
    out.assert_code(0);
    let out = out.json();
    assert_eq!(out["server_logout"]["mode"], "all_sessions", "{out}");
    assert_eq!(out["server_logout"]["revoked"], true);
    assert_eq!(out["server_logout"]["sessions_revoked"], 2);
    // The other session's key ended with it; this context holds nothing now.
    rt.block_on(server.get("/v1/intents", &other_key))
        .expect_error(401, "invalid_platform_api_key");
    let run = axme.run(&["sessions", "list"]);
    run.assert_code(2);
    assert!(run.stderr.contains("axme login"), "{}", run.stderr);

    // A context with an API key and no account session.
    let admin = server.admin();
    axme.run(&[
        "login",
        "--base-url",
        &server.url,
        "--api-key",
        &admin,
        "--context",
        "ci",
    ])
    .assert_code(0);
    let run = axme.run(&["sessions", "list", "--context", "ci"]);
    run.assert_code(2);
    assert!(run.stderr.contains("account session"), "{}", run.stderr);
}
