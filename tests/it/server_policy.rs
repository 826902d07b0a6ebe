//! Cross-workspace sends and owner scope (spec §4.3–4.5, issue 10 point 2): an agent takes
//! intents from other workspaces only as its receive policy says (closed by default), and
//! `owner_agent` / `x-owner-agent` name only an owner the caller acts for.

use serde_json::{Value, json};

use crate::common::{TestServer, intent_body, urlencode};
use crate::server_authz::account_with_key;

async fn set_policy(server: &TestServer, admin: &str, address: &str, body: Value) -> Value {
    let r = server
        .call(
            reqwest::Method::PUT,
            &format!("/v1/agents/{}/policy", urlencode(address)),
            Some(admin),
            Some(&body),
        )
        .await;
    r.expect_ok();
    r.body["policy"].clone()
}

async fn send(server: &TestServer, key: &str, to: &str) -> crate::common::Resp {
    server
        .post("/v1/intents", key, &intent_body(to, json!({})))
        .await
}

#[tokio::test]
async fn other_workspaces_send_only_as_the_receivers_policy_says() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let ws = server.create_workspace(&admin, "elsewhere").await;
    let bot = server.provision_agent(&ws.admin_key, "bot").await;
    let eve = server.provision_agent(&ws.admin_key, "eve").await;
    let to = alpha.address.as_str();

    // Closed until alpha's admin opens it; its own workspace always may send.
    let r = send(&server, &bot.key, to).await;
    r.expect_error(403, "receiver_agent_closed");
    assert_eq!(r.body["error"]["details"]["sender"], json!(bot.address));
    send(&server, &admin, to).await.expect_ok();
    let policy = server
        .get(&format!("/v1/agents/{}/policy", urlencode(to)), &alpha.key)
        .await;
    policy.expect_ok();
    assert_eq!(policy.body["policy"]["policy_type"], "closed");
    // reply_to into alpha's inbox, and a bundle naming alpha, are sends too.
    let mut body = intent_body(&bot.address, json!({}));
    body["reply_to"] = json!(to);
    server
        .post("/v1/intents", &bot.key, &body)
        .await
        .expect_error(403, "receiver_agent_closed");

    // An allowlist admits whom it names, and no one else.
    let p = set_policy(
        &server,
        &admin,
        to,
        json!({"policy_type": "allowlist", "entries": [bot.address]}),
    )
    .await;
    assert_eq!(p["entries"][0]["sender_pattern"], json!(bot.address));
    let id = crate::common::str_field(&send(&server, &bot.key, to).await.body, "intent_id");
    server
        .get(&format!("/v1/intents/{id}"), &alpha.key)
        .await
        .expect_ok();
    server
        .get(&format!("/v1/intents/{id}"), &bot.key)
        .await
        .expect_ok();
    send(&server, &eve.key, to)
        .await
        .expect_error(403, "sender_not_in_receive_allowlist");
    // A workspace pattern added as an entry admits all of it.
    let r = server
        .post(
            &format!("/v1/agents/{}/policy/entries", urlencode(to)),
            &admin,
            &json!({"sender_pattern": "agent://local/elsewhere/*"}),
        )
        .await;
    r.expect_ok();
    send(&server, &eve.key, to).await.expect_ok();
    let entry = r.body["policy"]["entries"][1]["entry_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/agents/{}/policy/entries/{entry}", urlencode(to));
    let r = server
        .call(reqwest::Method::DELETE, &path, Some(&admin), None)
        .await;
    r.expect_ok();
    send(&server, &eve.key, to)
        .await
        .expect_error(403, "sender_not_in_receive_allowlist");
    server
        .call(reqwest::Method::DELETE, &path, Some(&admin), None)
        .await
        .expect_error(404, "policy_entry_not_found");

    // A denylist refuses whom it names; open admits every workspace.
    set_policy(
        &server,
        &admin,
        to,
        json!({"policy_type": "denylist", "entries": [eve.address]}),
    )
    .await;
    send(&server, &eve.key, to)
        .await
        .expect_error(403, "policy_denied");
    send(&server, &bot.key, to).await.expect_ok();
    set_policy(&server, &admin, to, json!({"policy_type": "open"})).await;
    send(&server, &eve.key, to).await.expect_ok();
    let bundle = json!({
        "scenario_id": "test.policy.v1",
        "agents": [{"role": "a", "address": to}],
        "workflow": {"steps": [{"step_id": "s", "tool_id": "tool.agent.task.v1", "assigned_to": "a"}]},
        "intent": {"type": "intent.policy.v1", "payload": {}}
    });
    server
        .post("/v1/scenarios/apply", &eve.key, &bundle)
        .await
        .expect_ok();

    // Bad requests: a type or a pattern that means nothing.
    for bad in [
        json!({"policy_type": "friends"}),
        json!({}),
        json!({"policy_type": "allowlist", "entries": ["agent://A/b/c"]}),
    ] {
        let r = server
            .call(
                reqwest::Method::PUT,
                &format!("/v1/agents/{}/policy", urlencode(to)),
                Some(&admin),
                Some(&bad),
            )
            .await;
        r.expect_error_status(422);
    }
}

#[tokio::test]
async fn owner_scope_names_only_an_owner_the_caller_acts_for() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;
    let mia = account_with_key(&server, &admin, "mia", "member", None).await;
    let inbox = |owner: &str| format!("/v1/inbox?owner_agent={}", urlencode(owner));
    let with_header = |path: &str, key: &str, owner: &str| {
        server
            .http
            .get(server.endpoint(path))
            .header("x-api-key", key)
            .header("x-owner-agent", owner)
            .send()
    };

    // Its own inbox, by query, header or neither; an admin also its workspace's agents'.
    server
        .get(&inbox(&alpha.address), &alpha.key)
        .await
        .expect_ok();
    server.get(&inbox("alpha"), &alpha.key).await.expect_ok();
    let r = with_header("/v1/inbox", &alpha.key, &alpha.address)
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.get(&inbox(&alpha.address), &admin).await.expect_ok();

    // Query and header naming different owners: 400, even for an admin.
    let r = crate::common::Resp::read(
        with_header(&inbox(&alpha.address), &admin, &beta.address)
            .await
            .unwrap(),
    )
    .await;
    r.expect_error(400, "owner_scope_conflict");
    // The same owner twice (a bare name and its address) is no conflict.
    let r = crate::common::Resp::read(
        with_header(&inbox("alpha"), &alpha.key, &alpha.address)
            .await
            .unwrap(),
    )
    .await;
    r.expect_ok();

    // Another owner: 403 for an agent or a member, on every owner-scoped route.
    for key in [&beta.key, &mia.key] {
        server
            .get(&inbox(&alpha.address), key)
            .await
            .expect_error(403, "policy_denied");
        server
            .get(
                &format!("/v1/me/tasks?owner_agent={}", urlencode(&alpha.address)),
                key,
            )
            .await
            .expect_error(403, "policy_denied");
    }
    let id = server
        .create_intent(&mia.key, &alpha.address, json!({}))
        .await;
    let path = format!(
        "/v1/intents/{id}/resolve?owner_agent={}",
        urlencode(&beta.address)
    );
    let done = json!({"status": "COMPLETED", "result": {}});
    server
        .post(&path, &alpha.key, &done)
        .await
        .expect_error(403, "policy_denied");
    let path = format!(
        "/v1/intents/{id}/resolve?owner_agent={}",
        urlencode(&alpha.address)
    );
    server.post(&path, &alpha.key, &done).await.expect_ok();

    // An admin lists the tasks of the owner it names; a wrong address is a 422.
    let r = server
        .get(
            &format!("/v1/me/tasks?owner_agent={}", urlencode(&mia.address)),
            &admin,
        )
        .await;
    r.expect_ok();
    server
        .get("/v1/inbox?owner_agent=not%20an%20address", &admin)
        .await
        .expect_error_status(422);
}

/// A policy changed on one node is enforced by the others (they reload it with the
/// directory), within a few seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_set_on_one_node_holds_on_another() {
    let db = crate::common::PgDb::create();
    let a = TestServer::start_node(&db.url, "a", &[]);
    let admin = a.admin();
    let b = TestServer::start_node(&db.url, "b", &[]);
    let alpha = a.provision_agent(&admin, "alpha").await;
    let ws = a.create_workspace(&admin, "elsewhere").await;
    let bot = a.provision_agent(&ws.admin_key, "bot").await;
    let limit = std::time::Duration::from_secs(5);
    crate::server_cluster::wait_accepted(&b, &bot.key, limit).await;
    send(&b, &bot.key, &alpha.address)
        .await
        .expect_error(403, "receiver_agent_closed");

    set_policy(
        &a,
        &admin,
        &alpha.address,
        json!({"policy_type": "allowlist", "entries": [bot.address]}),
    )
    .await;
    let started = std::time::Instant::now();
    loop {
        let r = send(&b, &bot.key, &alpha.address).await;
        if r.status == 200 {
            break;
        }
        r.expect_error(403, "receiver_agent_closed");
        assert!(started.elapsed() < limit, "node b never saw the new policy");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let seen = b
        .get(
            &format!("/v1/agents/{}/policy", urlencode(&alpha.address)),
            &admin,
        )
        .await;
    seen.expect_ok();
    assert_eq!(seen.body["policy"]["policy_type"], "allowlist");
}
