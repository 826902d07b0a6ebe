//! Authentication and tenancy: 401 without or with a bad/revoked key, Bearer form,
//! workspaces that cannot see each other, agent keys that stay in their lane.

use crate::common::{TestServer, sse};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn missing_and_invalid_keys_are_401_with_the_error_body() {
    let server = TestServer::in_process();
    let body = crate::common::intent_body("agent://local/default/x", json!({}));

    for (method, path, body) in [
        (Method::GET, "/v1/intents", None),
        (Method::POST, "/v1/intents", Some(&body)),
        (Method::GET, "/v1/agents", None),
        (Method::GET, "/v1/capabilities", None),
    ] {
        let r = server.call(method.clone(), path, None, body).await;
        r.expect_error(401, "missing_platform_api_key");

        let r = server
            .call(
                method.clone(),
                path,
                Some("axme_sa_nosuch_0123456789abcdef"),
                body,
            )
            .await;
        r.expect_error(401, "invalid_platform_api_key");

        let r = server.call(method, path, Some("garbage"), body).await;
        r.expect_error(401, "invalid_platform_api_key");
    }

    // A well-formed token whose secret is wrong is rejected too.
    let admin = server.admin();
    let mut forged = admin.clone();
    let last = forged.pop().expect("non-empty key");
    forged.push(if last == 'a' { 'b' } else { 'a' });
    server
        .get("/v1/intents", &forged)
        .await
        .expect_error(401, "invalid_platform_api_key");
}

#[tokio::test]
async fn bearer_form_is_accepted() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let r = server
        .http
        .get(server.endpoint("/v1/intents"))
        .header("Authorization", format!("Bearer {admin}"))
        .send()
        .await
        .expect("request");
    crate::common::Resp::read(r).await.expect_ok();

    let r = server
        .http
        .get(server.endpoint("/v1/intents"))
        .header("Authorization", "Bearer axme_sa_nosuch_0123456789abcdef")
        .send()
        .await
        .expect("request");
    crate::common::Resp::read(r)
        .await
        .expect_error(401, "invalid_platform_api_key");
}

#[tokio::test]
async fn revoked_key_stops_working_at_once() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "revokee").await;
    server.get("/v1/intents", &agent.key).await.expect_ok();

    let r = server
        .call(
            Method::POST,
            &format!(
                "/v1/service-accounts/{}/keys/{}/revoke",
                agent.sa_id, agent.key_id
            ),
            Some(&admin),
            None,
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["key"]["status"], "revoked", "{}", r.text);

    server
        .get("/v1/intents", &agent.key)
        .await
        .expect_error(401, "invalid_platform_api_key");
    // A fresh key of the same service account works.
    let k = server
        .post(
            &format!("/v1/service-accounts/{}/keys", agent.sa_id),
            &admin,
            &json!({}),
        )
        .await;
    k.expect_ok();
    let token = crate::common::str_field(&k.body["key"], "token");
    assert!(token.starts_with("axme_sa_"), "{token}");
    server.get("/v1/intents", &token).await.expect_ok();
}

#[tokio::test]
async fn workspaces_are_isolated() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "iso-agent").await;
    let id = server
        .create_intent(&admin, &agent.address, json!({"secret": 1}))
        .await;

    let other = server.create_workspace(&admin, "other").await;
    assert_eq!(other.address_prefix, "agent://local/other");
    let foreign = other.admin_key.as_str();

    server
        .get(&format!("/v1/intents/{id}"), foreign)
        .await
        .expect_error(404, "intent_not_found");
    server
        .get(&format!("/v1/intents/{id}/events"), foreign)
        .await
        .expect_error(404, "intent_not_found");
    server
        .get(
            &format!("/v1/intents/{id}/events/stream?since=0&wait_seconds=1"),
            foreign,
        )
        .await
        .expect_error(404, "intent_not_found");
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            foreign,
            &json!({"status": "CANCELED", "reason": "hostile"}),
        )
        .await
        .expect_error(404, "intent_not_found");
    server
        .post(
            &format!("/v1/intents/{id}/resume"),
            foreign,
            &json!({"action": "complete"}),
        )
        .await
        .expect_error(404, "intent_not_found");

    let list = server.get("/v1/intents", foreign).await;
    list.expect_ok();
    assert!(
        !list.text.contains(&id),
        "foreign list leaks: {}",
        list.text
    );
    let agents = server.get("/v1/agents", foreign).await;
    agents.expect_ok();
    assert!(
        !agents.text.contains("agent://local/default/"),
        "foreign agents list leaks: {}",
        agents.text
    );
    assert!(
        agents.text.contains("agent://local/other/admin"),
        "{}",
        agents.text
    );
    let sas = server.get("/v1/service-accounts", foreign).await;
    sas.expect_ok();
    assert!(
        !sas.text.contains(&agent.sa_id),
        "foreign SA list leaks: {}",
        sas.text
    );
    let sa = server
        .get(&format!("/v1/service-accounts/{}", agent.sa_id), foreign)
        .await;
    assert!(sa.status == 403 || sa.status == 404, "{}", sa.text);
    sa.expect_error_status(sa.status);
    let key = server
        .post(
            &format!("/v1/service-accounts/{}/keys", agent.sa_id),
            foreign,
            &json!({}),
        )
        .await;
    assert!(key.status == 403 || key.status == 404, "{}", key.text);

    // Listening on the first workspace's agent is forbidden.
    server
        .get(
            "/v1/agents/local/default/iso-agent/intents/stream?since=0&wait_seconds=1",
            foreign,
        )
        .await
        .expect_error_status(403);

    // The foreign workspace works on its own: its intents are invisible to the first.
    let theirs = server
        .create_intent(foreign, "agent://local/other/worker", json!({}))
        .await;
    assert_eq!(
        server.intent(foreign, &theirs).await["from_agent"],
        "agent://local/other/admin"
    );
    server
        .get(&format!("/v1/intents/{theirs}"), &admin)
        .await
        .expect_error(404, "intent_not_found");
    // The original intent is untouched.
    assert_eq!(server.intent(&admin, &id).await["status"], "SUBMITTED");
}

#[tokio::test]
async fn agent_keys_have_limited_rights() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "limited-a").await;
    let _beta = server.provision_agent(&admin, "limited-b").await;

    server
        .get(
            "/v1/agents/local/default/limited-b/intents/stream?since=0&wait_seconds=1",
            &alpha.key,
        )
        .await
        .expect_error_status(403);
    let own = sse::get(
        &server,
        "/v1/agents/local/default/limited-a/intents/stream?since=0&wait_seconds=1",
        &alpha.key,
        &[],
        std::time::Duration::from_secs(15),
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.raw);

    server
        .post(
            "/v1/service-accounts",
            &alpha.key,
            &json!({"name": "sneaky"}),
        )
        .await
        .expect_error_status(403);
    server
        .post(
            &format!("/v1/service-accounts/{}/keys", alpha.sa_id),
            &alpha.key,
            &json!({}),
        )
        .await
        .expect_error_status(403);
    server
        .post("/v1/workspaces", &alpha.key, &json!({"name": "mine"}))
        .await
        .expect_error_status(403);

    // An agent may send intents; from_agent is its own address whatever the body says.
    let mut body = crate::common::intent_body("agent://local/default/limited-b", json!({}));
    body["from_agent"] = json!("agent://local/default/admin");
    let r = server.post("/v1/intents", &alpha.key, &body).await;
    r.expect_ok();
    let id = crate::common::str_field(&r.body, "intent_id");
    assert_eq!(
        server.intent(&admin, &id).await["from_agent"],
        json!(alpha.address)
    );
}
