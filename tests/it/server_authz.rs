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

async fn login(server: &TestServer, email: &str) -> Value {
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
