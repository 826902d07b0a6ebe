//! The workspace change feed behind the console's live lists: `GET /v1/intents/counts`
//! and `GET /v1/intents/changes/stream` show only what the caller may see; the list and
//! the counts filter by status, receiver, type and text in the store; listeners coming and
//! going reach the streams of keys that may list the workspace's agents.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{TestServer, sse};

#[tokio::test]
async fn changes_and_counts_show_only_what_the_key_may_see() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bob = server.provision_agent(&admin, "bob").await;
    let eve = server.provision_agent(&admin, "eve").await;
    let other = server.create_workspace(&admin, "other").await;
    let path = "/v1/intents/changes/stream?wait_seconds=1";
    let (admin_stream, admin_at) = sse::open(&server, path, &admin, &[]).await;
    let (eve_stream, eve_at) = sse::open(&server, path, &eve.key, &[]).await;
    let (other_stream, other_at) = sse::open(&server, path, &other.admin_key, &[]).await;

    let id = server
        .create_intent(&admin, &bob.address, json!({ "n": 1 }))
        .await;
    server
        .post(&format!("/v1/intents/{id}/cancel"), &admin, &json!({}))
        .await
        .expect_ok();

    let limit = Duration::from_secs(10);
    let seen = sse::read_all(admin_stream, admin_at, limit).await;
    assert_eq!(seen.status, 200);
    assert!(seen.ended, "an idle change stream ends after wait_seconds");
    let changed: Vec<_> = seen
        .frames()
        .into_iter()
        .filter(|f| f.event.as_deref() == Some("intent.changed"))
        .map(|f| f.json())
        .collect();
    assert!(
        changed.iter().all(|i| i["intent_id"] == json!(id)),
        "{changed:?}"
    );
    assert_eq!(
        changed.last().map(|i| i["status"].clone()),
        Some(json!("CANCELED")),
        "{}",
        seen.raw
    );
    let last = seen.frames().last().cloned().unwrap();
    assert_eq!(last.event.as_deref(), Some("stream.timeout"));
    for (stream, at) in [(eve_stream, eve_at), (other_stream, other_at)] {
        let seen = sse::read_all(stream, at, limit).await;
        assert!(!seen.raw.contains("intent.changed"), "{}", seen.raw);
        assert!(seen.raw.contains("stream.timeout"), "{}", seen.raw);
    }

    let counts = server.get("/v1/intents/counts", &admin).await;
    counts.expect_ok();
    assert_eq!(counts.body["counts"], json!({ "CANCELED": 1 }));
    assert_eq!(counts.body["total"], 1);
    for key in [&eve.key, &other.admin_key] {
        let counts = server.get("/v1/intents/counts", key).await;
        assert_eq!(counts.body["total"], 0, "{}", counts.text);
    }
    let bobs = server.get("/v1/intents/counts", &bob.key).await;
    assert_eq!(bobs.body["total"], 1, "{}", bobs.text);
    server
        .call(reqwest::Method::GET, "/v1/intents/counts", None, None)
        .await
        .expect_error(401, "missing_platform_api_key");
}

#[tokio::test]
async fn lists_and_counts_filter_by_type_and_text_in_the_store() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bob = server.provision_agent(&admin, "bob").await;
    let eve = server.provision_agent(&admin, "eve").await;
    let send = |to: String, intent_type: &str, payload: serde_json::Value| {
        let body = json!({ "intent_type": intent_type, "to_agent": to, "payload": payload });
        let (server, admin) = (&server, &admin);
        async move {
            let r = server.post("/v1/intents", admin, &body).await;
            r.expect_ok();
            r.body["intent_id"].as_str().unwrap().to_string()
        }
    };
    let a = send(
        bob.address.clone(),
        "intent.release.v1",
        json!({ "note": "Ship 1.2.3" }),
    )
    .await;
    let b = send(
        bob.address.clone(),
        "intent.release.v2",
        json!({ "note": "later" }),
    )
    .await;
    let c = send(
        eve.address.clone(),
        "intent.invoice.v1",
        json!({ "customer": "ACME" }),
    )
    .await;
    let ids = |r: &crate::common::Resp| -> Vec<String> {
        r.body["intents"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", r.text))
            .iter()
            .map(|i| i["intent_id"].as_str().unwrap().to_string())
            .collect()
    };
    let list = |query: &str| {
        let (server, admin) = (&server, &admin);
        let path = format!("/v1/intents?{query}");
        async move { server.get(&path, admin).await }
    };
    assert_eq!(
        ids(&list("intent_type=intent.release.v1").await),
        [a.as_str()]
    );
    assert_eq!(
        ids(&list("intent_type=intent.release.*").await),
        [b.as_str(), a.as_str()]
    );
    assert_eq!(ids(&list("text=ship%201.2").await), [a.as_str()]);
    assert_eq!(ids(&list("text=acme&to_agent=eve").await), [c.as_str()]);
    assert!(ids(&list("text=acme&to_agent=bob").await).is_empty());
    assert!(ids(&list("text=acme&status=COMPLETED").await).is_empty());
    // Paging keeps the filter: one per page, then the next.
    let first = list("intent_type=intent.release.*&limit=1").await;
    assert_eq!(ids(&first), [b.as_str()]);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second = list(&format!(
        "intent_type=intent.release.*&limit=1&cursor={cursor}"
    ))
    .await;
    assert_eq!(ids(&second), [a.as_str()]);
    assert!(second.body.get("next_cursor").is_none(), "{}", second.text);
    // Counts take the same filters.
    let counts = server
        .get("/v1/intents/counts?intent_type=intent.release.*", &admin)
        .await;
    assert_eq!(counts.body["total"], 2, "{}", counts.text);
    let counts = server.get("/v1/intents/counts?text=ACME", &admin).await;
    assert_eq!(counts.body["total"], 1, "{}", counts.text);
    // Bad filters are refused with the error body, never a 500.
    let long = "x".repeat(201);
    list(&format!("text={long}"))
        .await
        .expect_error(422, "schema_invalid");
    list("intent_type=a%00b")
        .await
        .expect_error(422, "schema_invalid");
    list("text=%01").await.expect_error(422, "schema_invalid");
    server
        .get("/v1/intents/counts?text=%00", &admin)
        .await
        .expect_error(422, "schema_invalid");
}

/// A key of `admin`'s workspace with only these scopes.
async fn scoped_key(server: &TestServer, admin: &str, name: &str, scopes: Value) -> String {
    let r = server
        .post(
            "/v1/service-accounts",
            admin,
            &json!({ "name": name, "role": "agent" }),
        )
        .await;
    r.expect_ok();
    let sa_id = r.body["service_account"]["service_account_id"]
        .as_str()
        .unwrap()
        .to_string();
    let k = server
        .post(
            &format!("/v1/service-accounts/{sa_id}/keys"),
            admin,
            &json!({ "scopes": scopes }),
        )
        .await;
    k.expect_ok();
    k.body["key"]["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn listeners_coming_and_going_reach_streams_that_may_list_agents() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let dave = server.provision_agent(&admin, "dave").await;
    let reader = scoped_key(&server, &admin, "reader", json!(["intents:read"])).await;
    let other = server.create_workspace(&admin, "other").await;
    let path = "/v1/intents/changes/stream?wait_seconds=5";
    let (admin_stream, admin_at) = sse::open(&server, path, &admin, &[]).await;
    let (reader_stream, reader_at) = sse::open(&server, path, &reader, &[]).await;
    let (other_stream, other_at) = sse::open(&server, path, &other.admin_key, &[]).await;

    // Dave listens for one response of a second, then goes away.
    let listening = server
        .http
        .get(server.endpoint("/v1/agents/dave/intents/stream?wait_seconds=1"))
        .header("x-api-key", &dave.key)
        .send()
        .await
        .unwrap();
    assert_eq!(listening.status(), 200);
    let _ = listening.text().await;

    let limit = Duration::from_secs(20);
    let seen = sse::read_all(admin_stream, admin_at, limit).await;
    let agents: Vec<Value> = seen
        .frames()
        .into_iter()
        .filter(|f| f.event.as_deref() == Some("agent.changed"))
        .map(|f| f.json())
        .collect();
    // One when it came, one when it stopped being connected.
    assert!(agents.len() >= 2, "{}", seen.raw);
    assert!(
        agents.iter().all(|a| a["address"] == json!(dave.address)),
        "{agents:?}"
    );
    for (stream, at) in [(reader_stream, reader_at), (other_stream, other_at)] {
        let seen = sse::read_all(stream, at, limit).await;
        assert!(!seen.raw.contains("agent.changed"), "{}", seen.raw);
    }
}
