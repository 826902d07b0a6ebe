//! Webhook refusals (spec §9.2): what a subscription or an event must look like (422
//! naming the field), what is not the caller's (404 as if it did not exist, 403 for an
//! owner it may not act for), a key without the `webhooks` scope, and no key.

use serde_json::{Value, json};

use crate::common::{TestServer, str_field, urlencode};
use crate::server_webhooks::{event, subscription};

#[tokio::test]
async fn refusals() {
    let server = TestServer::start();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;
    let other = server.create_workspace(&admin, "other").await;
    let good = subscription("http://127.0.0.1:9/hook", &["inbox.thread_created"]);
    let post = |path: &'static str, key: String, body: Value| {
        let server = &server;
        async move { server.post(path, &key, &body).await }
    };

    for (body, field) in [
        (
            json!({"callback_url": "ftp://127.0.0.1/x", "event_types": ["inbox.thread_created"]}),
            "callback_url",
        ),
        (
            json!({"callback_url": "not a url at all", "event_types": ["inbox.thread_created"]}),
            "callback_url",
        ),
        (
            json!({"callback_url": "file:///etc/passwd", "event_types": ["inbox.thread_created"]}),
            "callback_url",
        ),
        (
            json!({"event_types": ["inbox.thread_created"]}),
            "callback_url",
        ),
        (
            json!({"callback_url": "http://127.0.0.1:9/h", "event_types": []}),
            "event_types",
        ),
        (
            json!({"callback_url": "http://127.0.0.1:9/h", "event_types": ["intent.nothing"]}),
            "event_types",
        ),
        (
            json!({"callback_url": "http://127.0.0.1:9/h", "event_types": "inbox.thread_created"}),
            "event_types",
        ),
        (
            json!({"callback_url": "http://127.0.0.1:9/h", "event_types": ["inbox.thread_created"], "secret": "short"}),
            "secret",
        ),
        (
            json!({"callback_url": "http://127.0.0.1:9/h", "event_types": ["inbox.thread_created"], "active": "yes"}),
            "active",
        ),
        (json!([1, 2]), "body"),
    ] {
        let r = post(
            "/v1/webhooks/subscriptions",
            alpha.key.clone(),
            body.clone(),
        )
        .await;
        assert_eq!(r.status, 422, "{body} → {}", r.text);
        assert!(r.text.contains(field), "{body} → {}", r.text);
    }
    for body in [
        json!({"event_type": "inbox.nothing", "source": "t", "payload": {}}),
        json!({"event_type": "inbox.thread_created", "source": "t", "payload": {}}),
        json!({"event_type": "inbox.thread_created", "source": "tests"}),
        json!({"event_type": "inbox.thread_created", "source": "tests", "payload": [1]}),
    ] {
        let r = post("/v1/webhooks/events", alpha.key.clone(), body.clone()).await;
        assert_eq!(r.status, 422, "{body} → {}", r.text);
    }

    let made = post(
        "/v1/webhooks/subscriptions",
        alpha.key.clone(),
        good.clone(),
    )
    .await;
    made.expect_ok();
    let sub_id = str_field(&made.body["subscription"], "subscription_id");
    let delete = |id: String, key: String| {
        let server = &server;
        async move {
            server
                .call(
                    reqwest::Method::DELETE,
                    &format!("/v1/webhooks/subscriptions/{id}"),
                    Some(&key),
                    None,
                )
                .await
        }
    };
    // Not alpha's: as if it did not exist.
    delete(sub_id.clone(), beta.key.clone())
        .await
        .expect_error(404, "subscription_not_found");
    delete(sub_id.clone(), other.admin_key.clone())
        .await
        .expect_error(404, "subscription_not_found");
    delete(uuid::Uuid::new_v4().to_string(), alpha.key.clone())
        .await
        .expect_error(404, "subscription_not_found");
    delete("not-a-uuid".into(), alpha.key.clone())
        .await
        .expect_error(404, "subscription_not_found");
    // Beta may not act for alpha.
    server
        .get(
            &format!(
                "/v1/webhooks/subscriptions?owner_agent={}",
                urlencode(&alpha.address)
            ),
            &beta.key,
        )
        .await
        .expect_error(403, "policy_denied");
    server
        .get(
            "/v1/webhooks/subscriptions?include_inactive=maybe",
            &alpha.key,
        )
        .await
        .expect_error_status(422);

    let published = post(
        "/v1/webhooks/events",
        alpha.key.clone(),
        event("inbox.thread_created", 1),
    )
    .await;
    published.expect_ok();
    let event_id = str_field(&published.body, "event_id");
    for (id, key) in [
        (event_id.clone(), beta.key.clone()),
        (event_id.clone(), other.admin_key.clone()),
        (uuid::Uuid::new_v4().to_string(), alpha.key.clone()),
        ("nope".to_string(), alpha.key.clone()),
    ] {
        server
            .post(
                &format!("/v1/webhooks/events/{id}/replay"),
                &key,
                &json!({}),
            )
            .await
            .expect_error(404, "event_not_found");
    }

    // Revoking twice answers the first revocation.
    let first = delete(sub_id.clone(), alpha.key.clone()).await;
    first.expect_ok();
    let second = delete(sub_id.clone(), alpha.key.clone()).await;
    second.expect_ok();
    assert_eq!(first.body["revoked_at"], second.body["revoked_at"]);

    // A key without the webhooks scope.
    let narrow = crate::server_authz::account_with_key(
        &server,
        &admin,
        "narrow",
        "agent",
        Some(json!(["intents:read"])),
    )
    .await;
    post(
        "/v1/webhooks/subscriptions",
        narrow.key.clone(),
        good.clone(),
    )
    .await
    .expect_error(403, "insufficient_scope");
    server
        .call(
            reqwest::Method::POST,
            "/v1/webhooks/events",
            None,
            Some(&event("inbox.thread_created", 1)),
        )
        .await
        .expect_error(401, "missing_platform_api_key");
}
