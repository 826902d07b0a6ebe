//! The portal API (issue 12): the personal context's membership inventory (the public
//! CLI's shape), selecting a workspace (one's own, not another's), a person's profile;
//! and `axme org list`, `axme workspace list|use` and `axme whoami` against it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cli_login::login_by_code;
use crate::common::*;
use crate::server_authz::login;
use crate::server_sessions::bearer_call;

fn token(signed_in: &Value) -> String {
    signed_in["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn personal_context_lists_memberships_and_selects_only_its_own() {
    let server = TestServer::start();
    let signed_in = login(&server, "grace@example.com").await;
    let token = token(&signed_in);
    let ctx = bearer_call(
        &server,
        Method::GET,
        "/v1/portal/personal/context",
        &token,
        None,
    )
    .await;
    ctx.expect_ok();
    let body = &ctx.body;
    let org_id = signed_in["org_id"].as_str().unwrap();
    let ws_id = signed_in["workspace_id"].as_str().unwrap();
    assert_eq!(body["context"]["org_id"], org_id, "{body}");
    assert_eq!(body["context"]["workspace_id"], ws_id);
    let org = &body["organizations"][0];
    assert_eq!(org["org_id"], org_id);
    assert_eq!(org["name"], "local");
    assert_eq!(org["status"], "active");
    assert_eq!(org["roles"], json!(["admin"]), "codes in the log: an admin");
    let ws = &org["workspaces"][0];
    assert_eq!(ws["workspace_id"], ws_id);
    assert_eq!(ws["name"], "default");
    assert_eq!(ws["environment"], "self-hosted");
    assert_eq!(ws["status"], "active");
    assert_eq!(ws["roles"], json!(["admin"]));
    assert_eq!(body["workspaces"], json!([ws.clone()]));
    assert_eq!(body["selected_workspace"], *ws);
    assert_eq!(body["selected_organization"]["org_id"], org_id);
    assert_eq!(body["guidance"]["workspace_count"], 1);
    assert_eq!(body["account"]["email"], "grace@example.com");
    assert_eq!(body["account"]["display_name"], Value::Null);

    // An API key alone reads it too (no person).
    let admin = server.admin();
    let by_key = server.get("/v1/portal/personal/context", &admin).await;
    by_key.expect_ok();
    assert_eq!(by_key.body["account"], Value::Null);
    assert_eq!(by_key.body["workspaces"][0]["workspace_id"], ws_id);

    // Selecting its own workspace, by id or by name, answers the context.
    for wanted in [ws_id, "Default"] {
        let r = bearer_call(
            &server,
            Method::POST,
            "/v1/portal/personal/workspace-selection",
            &token,
            Some(&json!({"org_id": org_id, "workspace_id": wanted})),
        )
        .await;
        r.expect_ok();
        assert_eq!(r.body["context"]["workspace_id"], ws_id, "{}", r.text);
        assert_eq!(r.body["selected_workspace"]["name"], "default");
    }
    // Another workspace is outside the membership, in the words the public CLI reads.
    let other = server
        .post("/v1/workspaces", &admin, &json!({"name": "elsewhere"}))
        .await;
    other.expect_ok();
    let other_id = other.body["workspace"]["workspace_id"].as_str().unwrap();
    let r = bearer_call(
        &server,
        Method::POST,
        "/v1/portal/personal/workspace-selection",
        &token,
        Some(&json!({"workspace_id": other_id})),
    )
    .await;
    r.expect_error(403, "outside_membership_scope");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("outside actor membership scope"),
        "{}",
        r.text
    );
    // A blank workspace is 422; no credentials 401.
    bearer_call(
        &server,
        Method::POST,
        "/v1/portal/personal/workspace-selection",
        &token,
        Some(&json!({"workspace_id": " "})),
    )
    .await
    .expect_error(422, "schema_invalid");
    server
        .call(
            Method::POST,
            "/v1/portal/personal/workspace-selection",
            None,
            Some(&json!({"workspace_id": ws_id})),
        )
        .await
        .expect_error(401, "missing_actor_token");
}

#[tokio::test]
async fn a_profile_is_a_signed_in_persons() {
    let server = TestServer::start();
    let token = token(&login(&server, "lin@example.com").await);
    let set = |body: Value| {
        let (server, token) = (&server, token.clone());
        async move {
            bearer_call(
                server,
                Method::POST,
                "/v1/portal/personal/profile",
                &token,
                Some(&body),
            )
            .await
        }
    };
    let r = set(json!({"display_name": " Lin ", "company": "Acme"})).await;
    r.expect_ok();
    assert_eq!(r.body["profile"]["display_name"], "Lin", "{}", r.text);
    assert_eq!(r.body["profile"]["email"], "lin@example.com");
    // A field left out is kept; a blank one clears it.
    let r = set(json!({"company": ""})).await;
    r.expect_ok();
    assert_eq!(r.body["profile"]["display_name"], "Lin");
    assert_eq!(r.body["profile"]["company"], Value::Null);
    let ctx = bearer_call(
        &server,
        Method::GET,
        "/v1/portal/personal/context",
        &token,
        None,
    )
    .await;
    assert_eq!(ctx.body["account"]["display_name"], "Lin", "{}", ctx.text);
    set(json!({"company": "x".repeat(256)}))
        .await
        .expect_error(422, "schema_invalid");
    // An API key is no person; a bad token is refused as one.
    server
        .post(
            "/v1/portal/personal/profile",
            &server.admin(),
            &json!({"company": "Acme"}),
        )
        .await
        .expect_error(401, "missing_actor_token");
    bearer_call(
        &server,
        Method::POST,
        "/v1/portal/personal/profile",
        "eyJhbGciOiJIUzI1NiJ9.e30.bad",
        Some(&json!({})),
    )
    .await
    .expect_error(401, "invalid_actor_token");
}

#[test]
fn org_and_workspace_commands_read_and_select_memberships() {
    let server = TestServer::start();
    let axme = Axme::new();
    login_by_code(&axme, &server, "kay@example.com").assert_code(0);

    let orgs = axme.run(&["org", "list"]);
    orgs.assert_code(0);
    assert!(orgs.stdout.contains("ORG_ID"), "{}", orgs.stdout);
    let row = orgs.stdout.lines().find(|l| l.contains("local")).unwrap();
    assert!(row.contains('*') && row.contains("admin"), "{row}");
    let orgs = axme.run(&["org", "list", "-o", "json"]).json();
    assert_eq!(orgs["organizations"][0]["name"], "local", "{orgs}");
    assert_eq!(orgs["organization_count"], 1);
    assert_eq!(orgs["membership_count"], 1);

    let list = axme.run(&["workspace", "list"]);
    list.assert_code(0);
    for header in ["WORKSPACE_ID", "NAME", "ENV", "ROLES"] {
        assert!(list.stdout.contains(header), "{}", list.stdout);
    }
    let row = list.stdout.lines().find(|l| l.contains("default")).unwrap();
    assert!(row.contains('*') && row.contains("self-hosted"), "{row}");
    let listed = axme.run(&["workspace", "list", "-o", "json"]).json();
    let ws_id = listed["workspaces"][0]["workspace_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(listed["selected_workspace"]["workspace_id"], json!(ws_id));

    // Selecting by name stores the ids in the context.
    let used = axme.run(&["workspace", "use", "DEFAULT"]);
    used.assert_code(0);
    assert!(
        used.stdout
            .contains("Switched to workspace: default (local)"),
        "{}",
        used.stdout
    );
    let used = axme.run(&["workspace", "use", &ws_id, "-o", "json"]).json();
    assert_eq!(used["workspace_id"], json!(ws_id), "{used}");
    assert_eq!(used["stored"], true);
    let config = std::fs::read_to_string(axme.file("config.json")).unwrap();
    assert!(config.contains(&ws_id), "{config}");

    // A name not among the memberships is a usage error; so is a session-less context.
    let missing = axme.run(&["workspace", "use", "elsewhere"]);
    missing.assert_code(2);
    assert!(
        missing.stderr.contains("workspace list"),
        "{}",
        missing.stderr
    );
    let who = axme.run(&["whoami", "-o", "json"]).json();
    assert_eq!(who["selected_workspace"]["workspace_id"], json!(ws_id));
    let bare = Axme::new();
    let refused = bare.run(&["workspace", "list", "--base-url", &server.url]);
    refused.assert_code(2);
    assert!(refused.stderr.contains("axme login"), "{}", refused.stderr);
}
