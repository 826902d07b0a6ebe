//! Least privilege (issue 10): scenario apply cannot take over another agent's deliveries,
//! and every email gets an account of its own.

use crate::common::TestServer;
use crate::common::workflow::{apply, expect_delivery};
use serde_json::{Value, json};

/// The attack of issue 10 point 1: with agent2's key, a bundle naming agent1 with an http
/// callback would switch agent1 to push and hand its signing secret to the attacker.
fn hijack_bundle(victim: &str) -> Value {
    json!({
        "scenario_id": "test.hijack.v1",
        "agents": [{"role": "victim", "address": victim, "delivery_mode": "http",
                    "callback_url": "http://127.0.0.1:9/hook"}],
        "workflow": {"steps": [{"step_id": "s", "tool_id": "tool.agent.task.v1", "assigned_to": "victim"}]},
        "intent": {"type": "intent.hijack.v1", "payload": {}}
    })
}

#[tokio::test]
async fn apply_cannot_hijack_another_agents_deliveries() {
    let server = TestServer::start();
    let admin = server.admin();
    let agent1 = server.provision_agent(&admin, "agent1").await;
    let agent2 = server.provision_agent(&admin, "agent2").await;

    for victim in ["agent1", agent1.address.as_str()] {
        let r = server
            .post("/v1/scenarios/apply", &agent2.key, &hijack_bundle(victim))
            .await;
        r.expect_error(403, "policy_denied");
        assert!(!r.text.contains("whsec_"), "a secret leaked: {}", r.text);
    }
    // agent1 is untouched: still a stream agent, and its next intent reaches its stream.
    let sa = server
        .get(&format!("/v1/service-accounts/{}", agent1.sa_id), &admin)
        .await;
    sa.expect_ok();
    assert_ne!(
        sa.body["service_account"]["delivery_mode"], "http",
        "{}",
        sa.text
    );
    let id = server
        .create_intent(&agent2.key, &agent1.address, json!({"secret": "s3"}))
        .await;
    let delivered = expect_delivery(&server, &agent1.key, "agent1").await;
    assert_eq!(delivered["intent_id"], json!(id));
    assert_eq!(delivered["payload"]["secret"], "s3");

    // Naming an existing agent with its current settings changes nothing: allowed.
    let mut same = hijack_bundle("agent1");
    same["agents"][0] = json!({"role": "victim", "address": "agent1", "delivery_mode": "stream"});
    let applied = apply(&server, &agent2.key, &same).await;
    assert!(
        applied["agents"][0]["callback_secret"].is_null(),
        "{applied}"
    );
    assert_eq!(applied["agents"][0]["created"], false);

    // The workspace admin administers agent1 and may switch it.
    let applied = apply(&server, &admin, &hijack_bundle("agent1")).await;
    assert!(
        applied["agents"][0]["callback_secret"].is_string(),
        "{applied}"
    );
}

pub(crate) async fn login(server: &TestServer, email: &str) -> Value {
    let r = server
        .call(
            reqwest::Method::POST,
            "/v1/auth/login-intent",
            None,
            Some(&json!({ "email": email })),
        )
        .await;
    r.expect_ok();
    let login_id = r.body["intent_id"].as_str().unwrap().to_string();
    let code = logged_code(server, &login_id).await;
    let r = server
        .call(
            reqwest::Method::POST,
            &format!("/v1/auth/login-intent/{login_id}/verify"),
            None,
            Some(&json!({ "code": code })),
        )
        .await;
    r.expect_ok();
    r.body.clone()
}

/// The code the server logged for `login_id` (no SMTP configured).
pub(crate) async fn logged_code(server: &TestServer, login_id: &str) -> String {
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

/// Issue 10 point 4: accounts are keyed by the exact, normalised email.
#[tokio::test]
async fn each_email_gets_its_own_account() {
    let server = TestServer::start();
    let long = |tail: &str| format!("{}{tail}@example.com", "a".repeat(60));
    let emails = [
        "alice.smith@example.com".to_string(),
        "alice-smith@example.com".to_string(),
        "alice_smith@example.com".to_string(),
        long("1"),
        long("2"),
    ];
    let mut addresses = Vec::new();
    for email in &emails {
        let who = login(&server, email).await;
        assert_eq!(who["email"], json!(email));
        let address = who["address"].as_str().unwrap().to_string();
        assert!(
            !addresses.contains(&address),
            "{email} merged into {address}"
        );
        addresses.push(address);
    }
    // The same email, in another case and with spaces, is the same account.
    let again = login(&server, "  Alice.Smith@EXAMPLE.com ").await;
    assert_eq!(again["address"], json!(addresses[0]));
    assert_eq!(again["email"], "alice.smith@example.com");
}

/// A service account of `role` with one key (of `scopes`, or all its role allows).
pub async fn account_with_key(
    server: &TestServer,
    admin: &str,
    name: &str,
    role: &str,
    scopes: Option<Value>,
) -> crate::common::Agent {
    let r = server
        .post(
            "/v1/service-accounts",
            admin,
            &json!({"name": name, "role": role}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["service_account"]["role"], role, "{}", r.text);
    let sa = &r.body["service_account"];
    let sa_id = crate::common::str_field(sa, "service_account_id");
    let mut body = json!({});
    if let Some(scopes) = scopes {
        body["scopes"] = scopes;
    }
    let k = server
        .post(&format!("/v1/service-accounts/{sa_id}/keys"), admin, &body)
        .await;
    k.expect_ok();
    crate::common::Agent {
        sa_id,
        org_id: String::new(),
        workspace_id: String::new(),
        address: crate::common::str_field(sa, "address"),
        key_id: crate::common::str_field(&k.body["key"], "key_id"),
        key: crate::common::str_field(&k.body["key"], "token"),
    }
}

fn ids(r: &crate::common::Resp) -> Vec<String> {
    r.body["intents"]
        .as_array()
        .unwrap_or_else(|| panic!("no intents in {}", r.text))
        .iter()
        .map(|i| i["intent_id"].as_str().unwrap().to_string())
        .collect()
}

/// Issue 10 point 2: an agent key sees the intents addressed to or sent by its agent and
/// the steps it handles; a member what it sent and its tasks; an admin the workspace.
#[tokio::test]
async fn each_role_sees_only_its_own_intents() {
    let server = TestServer::start();
    let admin = server.admin();
    let member = account_with_key(&server, &admin, "mia", "member", None).await;
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;

    let to_alpha = server
        .create_intent(&member.key, &alpha.address, json!({"card": "4111"}))
        .await;
    let alpha_to_beta = server
        .create_intent(&alpha.key, &beta.address, json!({}))
        .await;
    let admins_own = server.create_intent(&admin, "nobody", json!({})).await;

    let sees = |key: &str, id: &str| {
        let path = format!("/v1/intents/{id}");
        let key = key.to_string();
        let server = &server;
        async move { server.get(&path, &key).await.status == 200 }
    };
    // (key, intent, visible)
    let cases = [
        (&member.key, &to_alpha, true),
        (&alpha.key, &to_alpha, true),
        (&beta.key, &to_alpha, false),
        (&admin, &to_alpha, true),
        (&member.key, &alpha_to_beta, false),
        (&alpha.key, &alpha_to_beta, true),
        (&beta.key, &alpha_to_beta, true),
        (&member.key, &admins_own, false),
        (&alpha.key, &admins_own, false),
        (&admin, &admins_own, true),
    ];
    for (key, id, visible) in cases {
        assert_eq!(sees(key, id).await, visible, "key {key} intent {id}");
        if !visible {
            for path in [
                format!("/v1/intents/{id}"),
                format!("/v1/intents/{id}/events"),
                format!("/v1/intents/{id}/events/stream?wait_seconds=1"),
            ] {
                server
                    .get(&path, key)
                    .await
                    .expect_error(404, "intent_not_found");
            }
        }
    }
    let list = |key: String| {
        let server = &server;
        async move {
            let r = server.get("/v1/intents?limit=100", &key).await;
            r.expect_ok();
            let mut ids = ids(&r);
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<String>>()
    };
    assert_eq!(list(member.key.clone()).await, sorted(vec![&to_alpha]));
    assert_eq!(
        list(alpha.key.clone()).await,
        sorted(vec![&to_alpha, &alpha_to_beta])
    );
    assert_eq!(list(beta.key.clone()).await, sorted(vec![&alpha_to_beta]));
    assert_eq!(
        list(admin.clone()).await,
        sorted(vec![&to_alpha, &alpha_to_beta, &admins_own])
    );
}

/// A workflow started by a member: the agent of the step sees the step intent (not the
/// parent), the member sees both and its human task, another member sees nothing.
#[tokio::test]
async fn workflow_steps_and_tasks_are_seen_by_their_parties() {
    let server = TestServer::start();
    let admin = server.admin();
    let mia = account_with_key(&server, &admin, "mia", "member", None).await;
    let max = account_with_key(&server, &admin, "max", "member", None).await;
    let worker = server.provision_agent(&admin, "worker").await;
    let bundle = json!({
        "scenario_id": "test.visibility.v1",
        "agents": [{"role": "w", "address": "worker"}],
        "humans": [{"role": "boss"}],
        "workflow": {"steps": [
            {"step_id": "approve", "tool_id": "tool.approval.human_signoff", "assigned_to": "boss"},
            {"step_id": "work", "tool_id": "tool.agent.task.v1", "assigned_to": "w"}
        ]},
        "intent": {"type": "intent.visibility.v1", "payload": {"n": 1}}
    });
    let parent = apply(&server, &mia.key, &bundle).await["intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let tasks = server.get("/v1/me/tasks", &mia.key).await;
    tasks.expect_ok();
    assert_eq!(
        tasks.body["tasks"][0]["intent_id"],
        json!(parent),
        "{}",
        tasks.text
    );
    let none = server.get("/v1/me/tasks", &max.key).await;
    none.expect_ok();
    assert_eq!(none.body["tasks"], json!([]), "{}", none.text);
    // Another member can neither read nor answer the task.
    server
        .get(&format!("/v1/intents/{parent}"), &max.key)
        .await
        .expect_error(404, "intent_not_found");
    server
        .post(
            &format!("/v1/intents/{parent}/resume"),
            &max.key,
            &json!({"task_result": {"outcome": "approved"}}),
        )
        .await
        .expect_error(403, "policy_denied");
    server
        .post(
            &format!("/v1/intents/{parent}/resume"),
            &mia.key,
            &json!({"task_result": {"outcome": "approved"}}),
        )
        .await
        .expect_ok();

    let step = expect_delivery(&server, &worker.key, "worker").await;
    let step_id = step["intent_id"].as_str().unwrap().to_string();
    server
        .get(&format!("/v1/intents/{step_id}"), &worker.key)
        .await
        .expect_ok();
    server
        .get(&format!("/v1/intents/{step_id}"), &mia.key)
        .await
        .expect_ok();
    server
        .get(&format!("/v1/intents/{parent}"), &worker.key)
        .await
        .expect_error(404, "intent_not_found");
    server
        .get(&format!("/v1/intents/{step_id}"), &max.key)
        .await
        .expect_error(404, "intent_not_found");
    crate::common::workflow::complete(&server, &worker.key, &step_id, json!({"done": 1})).await;
    let done = crate::common::workflow::wait_terminal(
        &server,
        &mia.key,
        &parent,
        std::time::Duration::from_secs(20),
    )
    .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
}

/// Per-key scopes: a key does only what its scopes allow, never more than its role.
#[tokio::test]
async fn scoped_keys_do_only_what_they_hold() {
    let server = TestServer::start();
    let admin = server.admin();
    let reader = account_with_key(
        &server,
        &admin,
        "reader",
        "agent",
        Some(json!(["intents:read"])),
    )
    .await;
    let who = server.get("/v1/portal/personal/context", &reader.key).await;
    who.expect_ok();
    assert_eq!(who.body["principal"]["role"], "agent");
    assert_eq!(who.body["principal"]["scopes"], json!(["intents:read"]));

    server.get("/v1/intents", &reader.key).await.expect_ok();
    let r = server
        .post(
            "/v1/intents",
            &reader.key,
            &crate::common::intent_body("x", json!({})),
        )
        .await;
    r.expect_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["scope"], "intents:write");
    server
        .get(
            "/v1/agents/reader/intents/stream?wait_seconds=1",
            &reader.key,
        )
        .await
        .expect_error(403, "insufficient_scope");
    server
        .get("/v1/me/tasks", &reader.key)
        .await
        .expect_error(403, "insufficient_scope");

    // More than the role allows is refused when the key is made.
    let sa = server.get("/v1/service-accounts", &admin).await.body["service_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "reader")
        .unwrap()["service_account_id"]
        .as_str()
        .unwrap()
        .to_string();
    server
        .post(
            &format!("/v1/service-accounts/{sa}/keys"),
            &admin,
            &json!({"scopes": ["agents:admin"]}),
        )
        .await
        .expect_error(422, "schema_invalid");
    server
        .post(
            &format!("/v1/service-accounts/{sa}/keys"),
            &admin,
            &json!({"scopes": ["intents:delete"]}),
        )
        .await
        .expect_error(422, "schema_invalid");

    // An admin's read-only key sees the workspace but changes nothing.
    let auditor = account_with_key(
        &server,
        &admin,
        "auditor",
        "admin",
        Some(json!("intents:read agents:read")),
    )
    .await;
    let id = server.create_intent(&admin, "somewhere", json!({})).await;
    server
        .get(&format!("/v1/intents/{id}"), &auditor.key)
        .await
        .expect_ok();
    server
        .post("/v1/service-accounts", &auditor.key, &json!({"name": "x"}))
        .await
        .expect_error(403, "insufficient_scope");
    server
        .post(
            &format!("/v1/intents/{id}/cancel"),
            &auditor.key,
            &json!({"reason": "no"}),
        )
        .await
        .expect_error(403, "insufficient_scope");
    // Non-admins see their own service account only.
    let plain = server.provision_agent(&admin, "plain").await;
    let own = server.get("/v1/service-accounts", &plain.key).await;
    own.expect_ok();
    assert_eq!(
        own.body["service_accounts"].as_array().unwrap().len(),
        1,
        "{}",
        own.text
    );
    assert_eq!(own.body["service_accounts"][0]["name"], "plain");
}
