//! Browser sign-in (issue 12): `POST /v1/auth/cli-grants` without credentials, polling
//! (pending, approved once with the session, 409 after, 410 past its time, 404 unknown),
//! the gateway's approval page driven by plain form posts (CSRF cookie and origin, the
//! email code, single use), and `axme login --browser --no-browser` end to end (`-o jsonl`:
//! the grant on the first line, the result on the last).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;
use crate::server_authz::logged_code;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// The `value` of the form field `name` in a page.
fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name} in:\n{html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

struct Posted {
    status: u16,
    html: String,
}

async fn post_form(
    server: &TestServer,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    fields: &[(&str, &str)],
) -> Posted {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut req = server
        .http
        .post(server.endpoint(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    let r = req.send().await.expect("form post");
    Posted {
        status: r.status().as_u16(),
        html: r.text().await.unwrap_or_default(),
    }
}

/// Approves the grant of `approval_url` as `email` the way a browser would: the page, the
/// email form, the code from the server's log, the approval.
pub(crate) async fn approve_in_browser(server: &TestServer, approval_url: &str, email: &str) {
    let page = server.http.get(approval_url).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let set_cookie = headers["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    let grant = field(&html, "grant");
    let csrf = field(&html, "csrf");
    let own = server.url.as_str();

    // The CSRF pair: no cookie, another token, another site: refused, nothing sent.
    for (cookie, token, origin) in [
        (None, csrf.as_str(), None),
        (Some(cookie.as_str()), "0000", None),
        (
            Some(cookie.as_str()),
            csrf.as_str(),
            Some("http://evil.example"),
        ),
    ] {
        let r = post_form(
            server,
            "/login/cli/email",
            cookie,
            origin,
            &[("grant", &grant), ("csrf", token), ("email", email)],
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.html);
    }
    let sent = post_form(
        server,
        "/login/cli/email",
        Some(&cookie),
        Some(own),
        &[("grant", &grant), ("csrf", &csrf), ("email", email)],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.html);
    assert!(sent.html.contains("gateway&#39;s log"), "{}", sent.html);
    let login_id = field(&sent.html, "login_id");
    let code = logged_code(server, &login_id).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let again = post_form(
        server,
        "/login/cli/approve",
        Some(&cookie),
        None,
        &[
            ("grant", &grant),
            ("csrf", &csrf),
            ("login_id", &login_id),
            ("code", wrong),
        ],
    )
    .await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(again.html.contains("wrong code"), "{}", again.html);
    let approved = post_form(
        server,
        "/login/cli/approve",
        Some(&cookie),
        Some(own),
        &[
            ("grant", &grant),
            ("csrf", &csrf),
            ("login_id", &login_id),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.html);
    assert!(
        approved.html.contains("Sign-in approved"),
        "{}",
        approved.html
    );
    // Single use: the page is closed, the code spent.
    let closed = server.http.get(approval_url).send().await.unwrap();
    assert_eq!(closed.status(), 410);
    let replay = post_form(
        server,
        "/login/cli/approve",
        Some(&cookie),
        None,
        &[
            ("grant", &grant),
            ("csrf", &csrf),
            ("login_id", &login_id),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(replay.status, 410, "{}", replay.html);
}

#[tokio::test]
async fn grants_are_pending_then_collected_once() {
    let server = TestServer::start();
    let created = server
        .call(Method::POST, "/v1/auth/cli-grants", None, None)
        .await;
    created.expect_ok();
    let grant = &created.body;
    let id = str_field(grant, "grant_id");
    let url = str_field(grant, "approval_url");
    assert_eq!(
        url,
        format!("{}/login/cli?grant={id}", server.url),
        "{grant}"
    );
    let code = str_field(grant, "user_code");
    assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "{code}");
    assert_eq!(grant["poll_interval"], 3);
    assert_eq!(grant["expires_in"], 600);
    let poll = format!("/v1/auth/cli-grants/{id}");
    let pending = server.call(Method::GET, &poll, None, None).await;
    pending.expect_ok();
    assert_eq!(pending.body["state"], "pending");
    assert!(pending.body.get("api_key").is_none());
    server
        .call(Method::GET, "/v1/auth/cli-grants/grt_nothing", None, None)
        .await
        .expect_error(404, "grant_not_found");

    approve_in_browser(&server, &url, "bo@example.com").await;
    let approved = server.call(Method::GET, &poll, None, None).await;
    approved.expect_ok();
    assert_eq!(approved.body["state"], "approved", "{}", approved.text);
    assert_eq!(approved.body["email"], "bo@example.com");
    let key = str_field(&approved.body, "api_key");
    let token = str_field(&approved.body, "account_session_token");
    assert!(approved.body["refresh_token"].is_string());
    assert!(approved.body["org_id"].is_string() && approved.body["workspace_id"].is_string());
    // The credentials work, and belong to the person who approved.
    let me =
        crate::server_sessions::bearer_call(&server, Method::GET, "/v1/me", &token, None).await;
    assert_eq!(me.body["account"]["email"], "bo@example.com", "{}", me.text);
    server.get("/v1/me", &key).await.expect_ok();
    // Once only.
    server
        .call(Method::GET, &poll, None, None)
        .await
        .expect_error(409, "grant_already_used");
}

#[tokio::test]
async fn a_grant_expires() {
    let server =
        TestServer::start_with(&["--ephemeral"], &[("AXME_CLI_GRANT_TTL", Path::new("1"))]);
    let created = server
        .call(Method::POST, "/v1/auth/cli-grants", None, Some(&json!({})))
        .await;
    created.expect_ok();
    let id = str_field(&created.body, "grant_id");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    server
        .call(
            Method::GET,
            &format!("/v1/auth/cli-grants/{id}"),
            None,
            None,
        )
        .await
        .expect_error(410, "grant_expired");
    let page = server
        .http
        .get(str_field(&created.body, "approval_url"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
}

#[test]
fn login_browser_signs_in_once_approved() {
    let server = TestServer::start();
    let axme = Axme::new();
    let mut child = axme
        .command(&[
            "login",
            "--browser",
            "--no-browser",
            "--base-url",
            &server.url,
            "-o",
            "jsonl",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn login --browser");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["ok"], true, "{first}");
    let url = first["approval_url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{}/login/cli?grant=", server.url)),
        "{url}"
    );
    assert!(first["user_code"].is_string());
    runtime().block_on(approve_in_browser(&server, &url, "cy@example.com"));
    let status = child.wait().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(status.code(), Some(0), "{rest:?}");
    let done: Value = serde_json::from_str(rest.last().unwrap()).unwrap();
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["email"], "cy@example.com");
    let secrets: Value =
        serde_json::from_str(&std::fs::read_to_string(axme.file("secrets.json")).unwrap()).unwrap();
    let stored = &secrets["default"];
    assert!(
        stored["api_key"].as_str().unwrap().starts_with("axme_sa_"),
        "{secrets}"
    );
    assert!(stored["actor_token"].is_string() && stored["refresh_token"].is_string());
    let who = axme.run(&["whoami", "-o", "json"]);
    who.assert_code(0);
    assert_eq!(who.json()["account"]["email"], "cy@example.com");
    // --no-browser needs --browser.
    axme.run(&["login", "--no-browser"]).assert_code(2);
}
