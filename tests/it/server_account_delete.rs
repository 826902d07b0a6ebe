//! `DELETE /v1/service-accounts/{id}` and the top-level aliases of account and key creation
//! (issue 12): a deleted account's keys stop at once, its agent leaves `/v1/agents`, it gets
//! no new keys; runners read `service_account_id`, `address` and `api_key` at the top.

use reqwest::Method;
use serde_json::json;

use crate::common::TestServer;

#[tokio::test]
async fn creation_answers_carry_top_level_aliases() {
    let server = TestServer::start();
    let admin = server.admin();
    let made = server
        .post(
            "/v1/service-accounts",
            &admin,
            &json!({"name": "aliased", "display_name": "Aliased"}),
        )
        .await;
    made.expect_ok();
    let sa = made.body["service_account"].clone();
    assert_eq!(
        made.body["service_account_id"], sa["service_account_id"],
        "{}",
        made.text
    );
    assert_eq!(made.body["address"], sa["address"]);
    assert_eq!(made.body["address"], "agent://local/default/aliased");
    let sa_id = sa["service_account_id"].as_str().unwrap().to_string();

    let key = server
        .post(
            &format!("/v1/service-accounts/{sa_id}/keys"),
            &admin,
            &json!({}),
        )
        .await;
    key.expect_ok();
    assert_eq!(
        key.body["api_key"], key.body["key"]["token"],
        "{}",
        key.text
    );
    assert!(
        key.body["api_key"]
            .as_str()
            .unwrap()
            .starts_with("axme_sa_")
    );
    assert_eq!(key.body["key_id"], key.body["key"]["key_id"]);
    assert_eq!(key.body["service_account_id"], json!(sa_id));
    // A revocation shows no secret.
    let key_id = key.body["key_id"].as_str().unwrap();
    let revoked = server
        .post(
            &format!("/v1/service-accounts/{sa_id}/keys/{key_id}/revoke"),
            &admin,
            &json!({}),
        )
        .await;
    revoked.expect_ok();
    assert!(revoked.body.get("api_key").is_none(), "{}", revoked.text);
    // GET carries the aliases too.
    let got = server
        .get(&format!("/v1/service-accounts/{sa_id}"), &admin)
        .await;
    assert_eq!(got.body["service_account_id"], json!(sa_id));
}

#[tokio::test]
async fn a_deleted_account_loses_its_keys_and_its_agent() {
    let server = TestServer::start();
    let admin = server.admin();
    let doomed = server.provision_agent(&admin, "doomed").await;
    let second = server
        .post(
            &format!("/v1/service-accounts/{}/keys", doomed.sa_id),
            &admin,
            &json!({}),
        )
        .await;
    second.expect_ok();
    let second_key = second.body["api_key"].as_str().unwrap().to_string();
    server.get("/v1/intents", &doomed.key).await.expect_ok();

    // Only an admin, not itself, not another workspace's.
    let path = format!("/v1/service-accounts/{}", doomed.sa_id);
    server
        .call(Method::DELETE, &path, Some(&doomed.key), None)
        .await
        .expect_error(403, "policy_denied");
    let other = server.create_workspace(&admin, "faraway").await;
    server
        .call(Method::DELETE, &path, Some(&other.admin_key), None)
        .await
        .expect_error(404, "service_account_not_found");
    let me = server.get("/v1/me", &admin).await;
    let own = me.body["service_account_id"].as_str().unwrap();
    server
        .call(
            Method::DELETE,
            &format!("/v1/service-accounts/{own}"),
            Some(&admin),
            None,
        )
        .await
        .expect_error(409, "cannot_delete_self");
    server
        .call(
            Method::DELETE,
            "/v1/service-accounts/sa_nosuch",
            Some(&admin),
            None,
        )
        .await
        .expect_error(404, "service_account_not_found");

    let gone = server.call(Method::DELETE, &path, Some(&admin), None).await;
    gone.expect_ok();
    assert_eq!(gone.body["deleted"], true);
    assert_eq!(gone.body["keys_revoked"], 2, "{}", gone.text);
    assert_eq!(gone.body["service_account"]["status"], "revoked");
    for key in [&doomed.key, &second_key] {
        server
            .get("/v1/intents", key)
            .await
            .expect_error(401, "invalid_platform_api_key");
    }
    let agents = server.get("/v1/agents", &admin).await;
    assert!(
        !agents.text.contains(&doomed.address),
        "a deleted agent is still listed: {}",
        agents.text
    );
    server
        .post(&format!("{path}/keys"), &admin, &json!({}))
        .await
        .expect_error(409, "service_account_revoked");
    // Again: the same answer, nothing left to revoke.
    let again = server.call(Method::DELETE, &path, Some(&admin), None).await;
    again.expect_ok();
    assert_eq!(again.body["service_account"]["status"], "revoked");
}
