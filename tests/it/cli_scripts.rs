//! What a CI script meets: idempotent sends (flag and AXME_IDEMPOTENCY_KEY, a replay shows the
//! real status), pagination (`--all`, `next_cursor`, hints keeping every filter, `--limit 0`),
//! and the small refusals and messages of issue 13's point 14.

use crate::common::*;
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

fn env<'a>(server: &'a TestServer, key: &'a str) -> [(&'static str, &'a str); 2] {
    [("AXME_BASE_URL", &server.url), ("AXME_API_KEY", key)]
}

#[test]
fn a_retried_send_with_the_same_key_sends_nothing_new_and_shows_the_real_status() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = env(&server, &admin);
    let first = axme.run_with(
        &[
            "intents",
            "send",
            "--to",
            "admin",
            "--idempotency-key",
            "ci-42",
        ],
        &env,
    );
    first.assert_code(0);
    let id = first.stdout.trim().to_string();
    axme.run_with(&["intents", "resume", &id, "--data", "{}"], &env)
        .assert_code(0);
    // A replay is told apart from a send by the gateway's clock (the answer's `Date`, whole
    // seconds): from about 2 s after the first send.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let mut with_env = env.to_vec();
    with_env.push(("AXME_IDEMPOTENCY_KEY", "ci-42"));
    let again = axme.run_with(&["intents", "send", "--to", "admin"], &with_env);
    again.assert_code(0);
    assert_eq!(again.stdout.trim(), id);
    assert!(again.stderr.contains("already sent"), "{}", again.stderr);
    assert!(again.stderr.contains("COMPLETED"), "{}", again.stderr);
    let json = axme.run_with(
        &["intents", "send", "--to", "admin", "-o", "json"],
        &with_env,
    );
    json.assert_code(0);
    let json = json.json();
    assert_eq!(json["intent_id"], id.as_str());
    assert_eq!(json["status"], "COMPLETED");
    assert_eq!(json["replayed"], true);
    let list = axme
        .run_with(&["intents", "list", "-o", "json"], &env)
        .json();
    assert_eq!(list["intents"].as_array().unwrap().len(), 1, "{list}");
    // The help shows the variable without a value.
    let help = axme.run_with(&["intents", "send", "--help"], &with_env);
    assert!(
        help.stdout.contains("[env: AXME_IDEMPOTENCY_KEY]"),
        "{}",
        help.stdout
    );
}

#[test]
fn all_follows_every_cursor_of_a_thousand_intents() {
    let server = TestServer::start();
    let admin = server.admin();
    let rt = runtime();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for chunk in 0..10 {
            let (url, key) = (server.url.clone(), admin.clone());
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::new();
                for i in 0..100 {
                    let r = http
                        .post(format!("{url}/v1/intents"))
                        .header("x-api-key", &key)
                        .json(&intent_body(
                            if i % 2 == 0 {
                                "even-agent"
                            } else {
                                "odd-agent"
                            },
                            json!({"n": chunk * 100 + i}),
                        ))
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success());
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
    let axme = Axme::new();
    let env = env(&server, &admin);
    let all = axme.run_with(&["intents", "list", "--all", "-o", "json"], &env);
    all.assert_code(0);
    let all = all.json();
    let intents = all["intents"].as_array().unwrap();
    assert_eq!(intents.len(), 1000);
    let mut ids: Vec<&str> = intents
        .iter()
        .map(|i| i["intent_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "no intent twice");
    assert_eq!(all["next_cursor"], Value::Null);
    let lines = axme.run_with(
        &["intents", "list", "--all", "--limit", "500", "-o", "jsonl"],
        &env,
    );
    assert_eq!(lines.stdout.lines().count(), 1000);

    // One page: the JSON carries the cursor, the hint keeps every filter.
    let page = axme.run_with(
        &[
            "intents",
            "list",
            "--to-agent",
            "even-agent",
            "--status",
            "submitted",
            "--limit",
            "7",
            "-o",
            "json",
        ],
        &env,
    );
    page.assert_code(0);
    let page_json = page.json();
    assert_eq!(page_json["intents"].as_array().unwrap().len(), 7);
    let cursor = page_json["next_cursor"]
        .as_str()
        .expect("a next cursor")
        .to_string();
    assert!(
        page.stderr.contains(&format!(
            "axme intents list --status submitted --to-agent even-agent --limit 7 --cursor {cursor}"
        )),
        "{}",
        page.stderr
    );
    let rest = axme.run_with(
        &[
            "intents",
            "list",
            "--to-agent",
            "even-agent",
            "--cursor",
            &cursor,
            "--all",
            "-o",
            "json",
        ],
        &env,
    );
    rest.assert_code(2);
    let rest = axme.run_with(
        &[
            "intents",
            "list",
            "--to-agent",
            "even-agent",
            "--limit",
            "500",
            "--cursor",
            &cursor,
            "-o",
            "json",
        ],
        &env,
    );
    assert_eq!(rest.json()["intents"].as_array().unwrap().len(), 493);
    // --limit 0 is refused rather than quietly returning one row.
    let zero = axme.run_with(&["intents", "list", "--limit", "0"], &env);
    zero.assert_code(2);
}

#[test]
fn small_refusals_and_messages() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = env(&server, &admin);
    // --json with -o text: a conflict, not silently JSON.
    let r = axme.run_with(&["version", "--json", "-o", "text"], &env);
    r.assert_code(2);
    assert!(r.stderr.starts_with("error:"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    // A base URL copied with its /v1 works.
    let v1 = format!("{}/v1", server.url);
    axme.run_with(&["intents", "list", "--base-url", &v1], &env)
        .assert_code(0);

    // https:// against the plain gateway says it spoke plain HTTP.
    let https = server.url.replace("http://", "https://");
    let r = axme.run_with(&["status", "--base-url", &https], &env);
    r.assert_code(1);
    assert!(r.stderr.contains("plain HTTP"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("is `axme server` running"),
        "{}",
        r.stderr
    );

    // whoami and logout without credentials.
    let bare = Axme::new();
    let r = bare.run_with(&["whoami"], &[("AXME_BASE_URL", server.url.as_str())]);
    r.assert_code(2);
    assert!(r.stderr.contains("not signed in"), "{}", r.stderr);
    bare.run(&[
        "context",
        "set",
        "ci",
        "--api-key",
        "axme_sa_x_0123456789abcdef",
        "--use",
    ])
    .assert_code(0);
    let first = bare.run(&["logout"]);
    first.assert_code(0);
    assert!(first.stderr.contains("removed"), "{}", first.stderr);
    let second = bare.run(&["logout"]);
    second.assert_code(0);
    assert!(
        second.stderr.contains("Already signed out"),
        "{}",
        second.stderr
    );
    assert!(!second.stderr.contains("removed"), "{}", second.stderr);

    // doctor: a skipped check is not a failure; "1 context".
    let r = bare.run_with(
        &["doctor", "--json"],
        &[("AXME_BASE_URL", server.url.as_str())],
    );
    let checks = r.json();
    let auth = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "auth")
        .unwrap();
    assert_eq!(auth["skipped"], true, "{checks}");
    let config = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "config")
        .unwrap();
    assert!(
        config["detail"].as_str().unwrap().ends_with("(1 context)"),
        "{config}"
    );
    let r = bare.run_with(&["doctor"], &[("AXME_BASE_URL", server.url.as_str())]);
    // Only the credentials check fails; the skipped one is not counted.
    assert!(r.stderr.contains("1 of 5 checks failed"), "{}", r.stderr);
    assert!(r.stdout.contains("skip"), "{}", r.stdout);
}
