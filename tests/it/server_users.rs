//! The nick registry (spec §9.6) over HTTP: register, check, resolve, rename, profile and
//! its update; a nick unique on the gateway whatever its case, resolving to the agent's
//! address and account; and the refusals (422 naming the field, 409 taken or already
//! registered, 404 unregistered, 403 another's profile, 401 without a key).

use serde_json::{Value, json};

use crate::common::{TestServer, str_field, urlencode};

fn field(r: &crate::common::Resp) -> &str {
    r.body["error"]["details"]["field"].as_str().unwrap_or("")
}

#[tokio::test]
async fn nicks_register_resolve_and_rename() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;
    let other = server.create_workspace(&admin, "other").await;

    let r = server
        .post(
            "/v1/users/register-nick",
            &alpha.key,
            &json!({"nick": "@Alice", "display_name": "Alice A.", "email": "alice@example.com"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["nick"], "@Alice");
    assert_eq!(r.body["normalized_nick"], "alice");
    assert_eq!(r.body["public_address"], "alice@ax");
    assert_eq!(r.body["owner_agent"], json!(alpha.address));
    assert_eq!(r.body["display_name"], "Alice A.");
    let user_id = str_field(&r.body, "user_id");
    assert!(uuid::Uuid::parse_str(&user_id).is_ok(), "{user_id}");
    assert!(r.body["created_at"].is_string());

    // Taken whatever the case, and visible as such from another workspace too.
    let check = |nick: &'static str, key: String| {
        let server = &server;
        async move {
            server
                .get(
                    &format!("/v1/users/check-nick?nick={}", urlencode(nick)),
                    &key,
                )
                .await
        }
    };
    let r = check("@ALICE", other.admin_key.clone()).await;
    r.expect_ok();
    assert_eq!(
        (
            &r.body["nick"],
            &r.body["normalized_nick"],
            &r.body["public_address"],
            &r.body["available"]
        ),
        (
            &json!("@ALICE"),
            &json!("alice"),
            &json!("alice@ax"),
            &json!(false)
        )
    );
    let r = check("bob.1", beta.key.clone()).await;
    assert_eq!(r.body["available"], json!(true), "{}", r.text);

    let r = server
        .post(
            "/v1/users/register-nick",
            &beta.key,
            &json!({"nick": "aLiCe"}),
        )
        .await;
    r.expect_error(409, "nick_taken");
    let r = server
        .post(
            "/v1/users/register-nick",
            &alpha.key,
            &json!({"nick": "second"}),
        )
        .await;
    r.expect_error(409, "nick_already_registered");
    server
        .post(
            "/v1/users/register-nick",
            &beta.key,
            &json!({"nick": "Beta"}),
        )
        .await
        .expect_ok();

    // Resolving names the address and account; phone and email stay private.
    let r = server
        .get("/v1/users/resolve-nick?nick=ALICE", &other.admin_key)
        .await;
    r.expect_ok();
    assert_eq!(r.body["owner_agent"], json!(alpha.address));
    assert_eq!(r.body["service_account_id"], json!(alpha.sa_id));
    assert_eq!(r.body["user_id"], json!(user_id));
    assert_eq!(r.body["nick"], "@Alice");
    assert!(
        r.body.get("email").is_none() && r.body.get("phone").is_none(),
        "{}",
        r.text
    );
    server
        .get("/v1/users/resolve-nick?nick=nobody", &alpha.key)
        .await
        .expect_error(404, "nick_not_found");

    // Rename: the old nick is free again, the new one resolves; the user stays the same.
    let r = server
        .post(
            "/v1/users/rename-nick",
            &alpha.key,
            &json!({"owner_agent": alpha.address, "nick": "Alicia", "phone": "+15550100"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(
        (&r.body["nick"], &r.body["user_id"]),
        (&json!("@Alicia"), &json!(user_id))
    );
    assert!(r.body["renamed_at"].is_string());
    assert_eq!(
        check("alice", beta.key.clone()).await.body["available"],
        json!(true)
    );
    let r = server
        .get("/v1/users/resolve-nick?nick=alicia", &beta.key)
        .await;
    assert_eq!(r.body["owner_agent"], json!(alpha.address), "{}", r.text);
    // Its own nick in another case is no conflict.
    server
        .post(
            "/v1/users/rename-nick",
            &alpha.key,
            &json!({"owner_agent": alpha.address, "nick": "ALICIA"}),
        )
        .await
        .expect_ok();
    let r = server
        .post(
            "/v1/users/rename-nick",
            &beta.key,
            &json!({"owner_agent": beta.address, "nick": "alicia"}),
        )
        .await;
    r.expect_error(409, "nick_taken");

    // Profile: the owner's and its admin's; the fields given change, the others stay.
    let r = server.get("/v1/users/profile", &alpha.key).await;
    r.expect_ok();
    assert_eq!(
        (
            &r.body["nick"],
            &r.body["phone"],
            &r.body["email"],
            &r.body["display_name"]
        ),
        (
            &json!("@ALICIA"),
            &json!("+15550100"),
            &json!("alice@example.com"),
            &json!("Alice A.")
        )
    );
    let r = server
        .post(
            "/v1/users/profile/update",
            &admin,
            &json!({"owner_agent": alpha.address, "display_name": "Alicia", "email": "a@example.org"}),
        )
        .await;
    r.expect_ok();
    let path = format!(
        "/v1/users/profile?owner_agent={}",
        urlencode(&alpha.address)
    );
    let r = server.get(&path, &admin).await;
    r.expect_ok();
    assert_eq!(
        (
            &r.body["display_name"],
            &r.body["email"],
            &r.body["phone"],
            &r.body["normalized_nick"]
        ),
        (
            &json!("Alicia"),
            &json!("a@example.org"),
            &json!("+15550100"),
            &json!("alicia")
        )
    );
    // A bare name is alpha in the caller's workspace.
    server
        .get("/v1/users/profile?owner_agent=alpha", &admin)
        .await
        .expect_ok();
}

#[tokio::test]
async fn refusals() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;
    let other = server.create_workspace(&admin, "other").await;
    server
        .post(
            "/v1/users/register-nick",
            &alpha.key,
            &json!({"nick": "alpha"}),
        )
        .await
        .expect_ok();

    let bodies: [(Value, &str); 9] = [
        (json!({}), "nick"),
        (json!({"nick": "ab"}), "nick"),
        (json!({"nick": "@@abc"}), "nick"),
        (json!({"nick": "with space"}), "nick"),
        (json!({"nick": "x".repeat(33)}), "nick"),
        (json!({"nick": 7}), "nick"),
        (json!({"nick": "fine", "display_name": ""}), "display_name"),
        (json!({"nick": "fine", "phone": "1"}), "phone"),
        (json!({"nick": "fine", "email": "x".repeat(256)}), "email"),
    ];
    for (body, name) in bodies {
        let r = server
            .post("/v1/users/register-nick", &beta.key, &body)
            .await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(field(&r), name, "{body}: {}", r.text);
    }
    for path in [
        "/v1/users/check-nick",
        "/v1/users/check-nick?nick=a",
        "/v1/users/resolve-nick",
        "/v1/users/resolve-nick?nick=%C3%A9mile",
    ] {
        let r = server.get(path, &beta.key).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(field(&r), "nick", "{path}");
    }
    // Another's profile: only its admin; another workspace's admin not at all.
    let r = server
        .post(
            "/v1/users/rename-nick",
            &beta.key,
            &json!({"owner_agent": alpha.address, "nick": "mine"}),
        )
        .await;
    r.expect_error(403, "policy_denied");
    let r = server
        .post(
            "/v1/users/profile/update",
            &other.admin_key,
            &json!({"owner_agent": alpha.address, "phone": "+1555"}),
        )
        .await;
    r.expect_error(403, "policy_denied");
    let path = format!(
        "/v1/users/profile?owner_agent={}",
        urlencode(&alpha.address)
    );
    server
        .get(&path, &beta.key)
        .await
        .expect_error(403, "policy_denied");
    // Unregistered: 404 everywhere a profile is needed.
    server
        .get("/v1/users/profile", &beta.key)
        .await
        .expect_error(404, "profile_not_found");
    let r = server
        .post(
            "/v1/users/rename-nick",
            &beta.key,
            &json!({"owner_agent": beta.address, "nick": "betty"}),
        )
        .await;
    r.expect_error(404, "profile_not_found");
    // Body problems name their field.
    for (path, body, name) in [
        (
            "/v1/users/rename-nick",
            json!({"nick": "x1y"}),
            "owner_agent",
        ),
        (
            "/v1/users/rename-nick",
            json!({"owner_agent": alpha.address}),
            "nick",
        ),
        (
            "/v1/users/rename-nick",
            json!({"owner_agent": alpha.address, "nick": "a"}),
            "nick",
        ),
        (
            "/v1/users/profile/update",
            json!({"owner_agent": "agent://"}),
            "owner_agent",
        ),
        (
            "/v1/users/profile/update",
            json!({"owner_agent": alpha.address, "email": "x"}),
            "email",
        ),
        (
            "/v1/users/profile/update",
            json!({"owner_agent": alpha.address, "nick": "!!!"}),
            "nick",
        ),
    ] {
        let r = server.post(path, &alpha.key, &body).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(field(&r), name, "{path} {body}: {}", r.text);
    }
    // Without a key.
    let r = server
        .call(
            reqwest::Method::GET,
            "/v1/users/check-nick?nick=abc",
            None,
            None,
        )
        .await;
    r.expect_error(401, "missing_platform_api_key");
    let r = server
        .call(
            reqwest::Method::POST,
            "/v1/users/register-nick",
            None,
            Some(&json!({"nick": "abc"})),
        )
        .await;
    r.expect_error(401, "missing_platform_api_key");
}
