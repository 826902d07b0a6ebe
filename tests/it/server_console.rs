//! The web console's server side (issue 14), black-box over HTTP: anonymous visitors get
//! only the sign-in page; a session is an HttpOnly, SameSite=Strict cookie on `/ui`; the
//! console's API calls act as the signed-in key and need the CSRF token to change
//! anything; sign-out ends the session.

use reqwest::Method;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::common::{Resp, TestServer};

/// A client that shows redirects instead of following them, and keeps no cookies.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

struct Signed {
    cookie: String,
    csrf: String,
    set_cookie: String,
}

async fn sign_in(server: &TestServer, body: Value) -> Signed {
    let r = browser()
        .post(server.endpoint("/ui/session"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let r = Resp::read(r).await;
    r.expect_ok();
    let set_cookie = r.header("set-cookie").expect("a session cookie");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    Signed {
        cookie,
        csrf: r.body["csrf_token"].as_str().unwrap().to_string(),
        set_cookie,
    }
}

async fn console_call(
    server: &TestServer,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
    body: Option<&Value>,
) -> Resp {
    let mut request = browser().request(method, server.endpoint(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    Resp::read(request.send().await.unwrap()).await
}

#[tokio::test]
async fn anonymous_visitors_get_only_the_sign_in_page() {
    let server = TestServer::in_process();
    for (path, to) in [
        ("/", "/ui/"),
        ("/ui", "/ui/"),
        ("/ui/", "/ui/sign-in"),
        ("/ui/assets/app.js", "/ui/sign-in"),
        ("/ui/assets/intents.js", "/ui/sign-in"),
        ("/ui/assets/agents.js", "/ui/sign-in"),
        ("/ui/assets/tasks.js", "/ui/sign-in"),
        ("/ui/assets/scenarios.js", "/ui/sign-in"),
    ] {
        let r = console_call(&server, Method::GET, path, None, None, None).await;
        assert!(
            [303, 307, 308].contains(&r.status),
            "{path}: {} {}",
            r.status,
            r.text
        );
        assert_eq!(r.header("location").as_deref(), Some(to), "{path}");
    }
    let page = console_call(&server, Method::GET, "/ui/sign-in", None, None, None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text.contains("API key"), "{}", page.text);
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    for path in ["/ui/assets/console.css", "/ui/assets/sign-in.js"] {
        let r = console_call(&server, Method::GET, path, None, None, None).await;
        assert_eq!(r.status, 200, "{path}");
    }
    // The session and the API behind the console answer 401 with the error body.
    console_call(&server, Method::GET, "/ui/session", None, None, None)
        .await
        .expect_error(401, "console_session_required");
    console_call(&server, Method::GET, "/ui/api/v1/intents", None, None, None)
        .await
        .expect_error(401, "console_session_required");
    // A forged cookie is no session.
    let forged = "axme_console=axme_cs_00112233";
    console_call(
        &server,
        Method::GET,
        "/ui/api/v1/intents",
        Some(forged),
        None,
        None,
    )
    .await
    .expect_error(401, "console_session_required");
    console_call(&server, Method::GET, "/ui/assets/nope.js", None, None, None)
        .await
        .expect_error(404, "asset_not_found");
}

#[tokio::test]
async fn a_session_cookie_is_http_only_strict_and_scoped_to_the_console() {
    let server = TestServer::in_process();
    let signed = sign_in(&server, json!({ "api_key": server.admin() })).await;
    let flags: Vec<&str> = signed.set_cookie.split(';').map(str::trim).collect();
    assert!(flags[0].starts_with("axme_console=axme_cs_"), "{flags:?}");
    assert!(flags.contains(&"HttpOnly"), "{flags:?}");
    assert!(flags.contains(&"SameSite=Strict"), "{flags:?}");
    assert!(flags.contains(&"Path=/ui"), "{flags:?}");
    // With the cookie the console is served and the session describes its key.
    let page = console_call(
        &server,
        Method::GET,
        "/ui/",
        Some(&signed.cookie),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("/ui/assets/app.js"));
    let me = console_call(
        &server,
        Method::GET,
        "/ui/session",
        Some(&signed.cookie),
        None,
        None,
    )
    .await;
    me.expect_ok();
    assert_eq!(me.body["principal"]["role"], "admin");
    assert_eq!(me.body["csrf_token"], json!(signed.csrf));
    // The cookie is not a credential for /v1 itself.
    let direct = console_call(
        &server,
        Method::GET,
        "/v1/intents",
        Some(&signed.cookie),
        None,
        None,
    )
    .await;
    direct.expect_error(401, "missing_platform_api_key");
    // A wrong key signs nobody in.
    let r = console_call(
        &server,
        Method::POST,
        "/ui/session",
        None,
        None,
        Some(&json!({ "api_key": "axme_sa_nosuch_00" })),
    )
    .await;
    r.expect_error(401, "invalid_platform_api_key");
    assert!(r.header("set-cookie").is_none());
}

#[tokio::test]
async fn changes_need_the_csrf_token_and_reads_see_only_what_the_key_may() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bob = server.provision_agent(&admin, "bob").await;
    let eve = server.provision_agent(&admin, "eve").await;
    let to_bob = server
        .create_intent(&admin, &bob.address, json!({ "n": 1 }))
        .await;
    // Eve signs in to the console with her agent key: she sees nothing of Bob's.
    let signed = sign_in(&server, json!({ "api_key": eve.key })).await;
    let cookie = Some(signed.cookie.as_str());
    let list = console_call(
        &server,
        Method::GET,
        "/ui/api/v1/intents",
        cookie,
        None,
        None,
    )
    .await;
    list.expect_ok();
    assert_eq!(list.body["intents"], json!([]), "{}", list.text);
    console_call(
        &server,
        Method::GET,
        &format!("/ui/api/v1/intents/{to_bob}"),
        cookie,
        None,
        None,
    )
    .await
    .expect_error_status(404);

    // The admin's session sees it, and may cancel it, but only with the CSRF token.
    let signed = sign_in(&server, json!({ "api_key": admin })).await;
    let cookie = Some(signed.cookie.as_str());
    let one = console_call(
        &server,
        Method::GET,
        &format!("/ui/api/v1/intents/{to_bob}"),
        cookie,
        None,
        None,
    )
    .await;
    one.expect_ok();
    let cancel = format!("/ui/api/v1/intents/{to_bob}/cancel");
    let body = json!({ "reason": "from the console" });
    console_call(&server, Method::POST, &cancel, cookie, None, Some(&body))
        .await
        .expect_error(403, "csrf_token_invalid");
    console_call(
        &server,
        Method::POST,
        &cancel,
        cookie,
        Some("0123"),
        Some(&body),
    )
    .await
    .expect_error(403, "csrf_token_invalid");
    let r = browser()
        .post(server.endpoint(&cancel))
        .header("cookie", &signed.cookie)
        .header("x-csrf-token", &signed.csrf)
        .header("origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    Resp::read(r)
        .await
        .expect_error(403, "cross_origin_refused");
    console_call(
        &server,
        Method::POST,
        &cancel,
        cookie,
        Some(&signed.csrf),
        Some(&body),
    )
    .await
    .expect_ok();
    let after = server.intent(&admin, &to_bob).await;
    assert_eq!(after["status"], "CANCELED", "{after}");
    // Only the API is reachable through the proxy.
    console_call(&server, Method::GET, "/ui/api/health", cookie, None, None)
        .await
        .expect_error(404, "route_not_found");
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let server = TestServer::in_process();
    let signed = sign_in(&server, json!({ "api_key": server.admin() })).await;
    let cookie = Some(signed.cookie.as_str());
    console_call(&server, Method::POST, "/ui/sign-out", cookie, None, None)
        .await
        .expect_error(403, "csrf_token_invalid");
    let out = console_call(
        &server,
        Method::POST,
        "/ui/sign-out",
        cookie,
        Some(&signed.csrf),
        None,
    )
    .await;
    out.expect_ok();
    assert_eq!(out.body["revoked"], true);
    let cleared = out.header("set-cookie").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie no longer works anywhere.
    console_call(
        &server,
        Method::GET,
        "/ui/api/v1/intents",
        cookie,
        None,
        None,
    )
    .await
    .expect_error(401, "console_session_required");
    let page = console_call(&server, Method::GET, "/ui/", cookie, None, None).await;
    assert_eq!(page.header("location").as_deref(), Some("/ui/sign-in"));
    // The key it acted as still works: sign-out ends the console session only.
    server.get("/v1/intents", &server.admin()).await.expect_ok();
}

#[tokio::test]
async fn revoking_the_key_ends_its_console_sessions() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bob = server.provision_agent(&admin, "bob").await;
    let signed = sign_in(&server, json!({ "api_key": bob.key })).await;
    let cookie = Some(signed.cookie.as_str());
    console_call(
        &server,
        Method::GET,
        "/ui/api/v1/intents",
        cookie,
        None,
        None,
    )
    .await
    .expect_ok();
    server
        .post(
            &format!(
                "/v1/service-accounts/{}/keys/{}/revoke",
                bob.sa_id, bob.key_id
            ),
            &admin,
            &json!({}),
        )
        .await
        .expect_ok();
    console_call(
        &server,
        Method::GET,
        "/ui/api/v1/intents",
        cookie,
        None,
        None,
    )
    .await
    .expect_error(401, "console_session_required");
}

#[tokio::test]
async fn email_code_sign_in_and_sign_out_revokes_its_key() {
    let server = TestServer::start();
    let intent = server
        .call(
            Method::POST,
            "/v1/auth/login-intent",
            None,
            Some(&json!({ "email": "ops@example.com" })),
        )
        .await;
    intent.expect_ok();
    let login_id = intent.body["intent_id"].as_str().unwrap().to_string();
    let code = logged_code(&server, &login_id).await;
    let signed = sign_in(&server, json!({ "login_id": login_id, "code": code })).await;
    let cookie = Some(signed.cookie.as_str());
    let me = console_call(&server, Method::GET, "/ui/session", cookie, None, None).await;
    assert_eq!(me.body["email_login"], true, "{}", me.text);
    assert!(
        me.body["principal"]["name"]
            .as_str()
            .unwrap()
            .starts_with("user-ops-example-com"),
        "{}",
        me.text
    );
    console_call(
        &server,
        Method::POST,
        "/ui/sign-out",
        cookie,
        Some(&signed.csrf),
        None,
    )
    .await
    .expect_ok();
    // Signing in again with the same (used) code fails.
    let again = console_call(
        &server,
        Method::POST,
        "/ui/session",
        None,
        None,
        Some(&json!({ "login_id": login_id, "code": code })),
    )
    .await;
    again.expect_error(409, "login_code_used");
}

async fn logged_code(server: &TestServer, login_id: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let log = server.stderr();
        if let Some(line) = log
            .lines()
            .find(|l| l.contains("LOGIN CODE") && l.contains(login_id))
        {
            let after = line.split("LOGIN CODE ").nth(1).unwrap();
            return after.chars().take(6).collect();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no code logged:\n{log}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
