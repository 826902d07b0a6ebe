//! `POST /mcp` (spec §9.5) over real HTTP: every method, batches, the transport, every
//! error code of the spec, auth and owner scope. The tools at work: `server_mcp_tools`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Resp, TestServer};

pub async fn post(server: &TestServer, key: Option<&str>, body: &Value) -> Resp {
    server.call(Method::POST, "/mcp", key, Some(body)).await
}

pub fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// A `tools/call` answered with a result; returns the result.
pub async fn tool(server: &TestServer, key: &str, name: &str, arguments: Value) -> Value {
    let r = post(
        server,
        Some(key),
        &request(
            7,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["error"].is_null(), "{name}: {}", r.text);
    let result = r.body["result"].clone();
    assert_eq!(result["tool"], json!(name), "{}", r.text);
    result
}

/// A `tools/call` refused with a JSON-RPC error on a 200; returns the error.
pub async fn tool_error(server: &TestServer, key: Option<&str>, params: Value) -> Value {
    let r = post(server, key, &request(9, "tools/call", params)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], json!(9), "{}", r.text);
    assert!(r.body["result"].is_null(), "{}", r.text);
    assert!(r.body["error"]["message"].is_string(), "{}", r.text);
    r.body["error"].clone()
}

#[tokio::test]
async fn methods_batches_and_the_transport() {
    let server = TestServer::in_process();
    let admin = server.admin();

    let r = post(&server, Some(&admin), &request(1, "initialize", json!({"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["jsonrpc"], "2.0");
    assert_eq!(r.body["id"], 1);
    let result = &r.body["result"];
    assert_eq!(result["protocolVersion"], "2024-11-05");
    assert_eq!(result["capabilities"]["tools"]["listChanged"], false);
    assert_eq!(result["serverInfo"]["name"], "axme");
    assert!(r.header("mcp-session-id").is_some_and(|s| s.len() >= 16));
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );

    // A notification is not answered: 202 and no body.
    let r = post(
        &server,
        Some(&admin),
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert!(r.text.is_empty());

    let r = post(&server, Some(&admin), &request(2, "ping", json!({}))).await;
    assert_eq!(r.body["result"], json!({"pong": true}), "{}", r.text);

    let r = post(&server, Some(&admin), &request(3, "tools/list", json!({}))).await;
    let tools = r.body["result"]["tools"].as_array().expect("tools").clone();
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    for name in [
        "axme.send",
        "axme.intents_send",
        "axme.send_message",
        "axme.get_intent",
        "axme.list_inbox",
        "axme.list_threads",
        "axme.get_thread",
        "axme.reply",
        "axme.resolve_intent",
        "axme.resume_intent",
        "axme.check_nick",
        "axme.register_nick",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for tool in &tools {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool["inputSchema"]["properties"]["owner_agent"].is_object());
        assert!(tool["description"].as_str().is_some_and(|d| !d.is_empty()));
    }

    for (method, key) in [("resources/list", "resources"), ("prompts/list", "prompts")] {
        let r = post(&server, Some(&admin), &request(4, method, json!({}))).await;
        assert_eq!(r.body["result"][key], json!([]), "{}", r.text);
    }

    // A batch: answers in order, the notification left out, an error beside results.
    let batch = json!([
        request(10, "initialize", json!({"protocolVersion": "2024-11-05"})),
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        request(11, "tools/list", json!({})),
        {"jsonrpc": "2.0", "id": "twelve", "method": "no/such"},
        request(13, "ping", json!({})),
    ]);
    let r = post(&server, Some(&admin), &batch).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let answers = r.body.as_array().expect("a batch answer");
    let ids: Vec<&Value> = answers.iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&json!(10), &json!(11), &json!("twelve"), &json!(13)]);
    assert_eq!(answers[2]["error"]["code"], -32601);
    assert_eq!(answers[3]["result"]["pong"], true);

    // Notifications only: 202.
    let r = post(
        &server,
        Some(&admin),
        &json!([{"jsonrpc": "2.0", "method": "notifications/initialized"}]),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);

    // A client that accepts only an event stream gets its answer as one SSE message.
    let r = server
        .http
        .post(server.endpoint("/mcp"))
        .header("x-api-key", &admin)
        .header("accept", "text/event-stream")
        .json(&request(5, "ping", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let text = r.text().await.unwrap();
    let data = text
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .expect("a data line");
    assert_eq!(
        serde_json::from_str::<Value>(data).unwrap()["result"]["pong"],
        true
    );

    // Advertised beside the API's other capabilities.
    let r = server.get("/v1/capabilities", &admin).await;
    assert!(
        r.body["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("mcp.tools")),
        "{}",
        r.text
    );

    // The transport's server-to-client stream is not offered.
    let r = server.call(Method::GET, "/mcp", Some(&admin), None).await;
    r.expect_error(405, "method_not_allowed");
}

#[tokio::test]
async fn every_error_code_of_the_spec() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;

    // −32600: not JSON, not a request, an empty batch, a wrong version.
    let r = server
        .http
        .post(server.endpoint("/mcp"))
        .header("x-api-key", &admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32600, "{body}");
    assert_eq!(body["id"], Value::Null);
    for bad in [
        json!([]),
        json!(5),
        json!({"jsonrpc": "1.0", "id": 1, "method": "ping"}),
    ] {
        let r = post(&server, Some(&alpha.key), &bad).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["error"]["code"], -32600, "{bad}: {}", r.text);
    }

    // −32601.
    let r = post(
        &server,
        Some(&alpha.key),
        &request(1, "tools/run", json!({})),
    )
    .await;
    assert_eq!(r.body["error"]["code"], -32601, "{}", r.text);

    // −32602 naming the field: our own check, an unknown tool, the gateway's 422.
    let e = tool_error(
        &server,
        Some(&alpha.key),
        json!({"name": "axme.send", "arguments": {}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["field"].clone()),
        (json!(-32602), json!("to_agent"))
    );
    let e = tool_error(&server, Some(&alpha.key), json!({"name": "axme.nope"})).await;
    assert_eq!(
        (e["code"].clone(), e["data"]["field"].clone()),
        (json!(-32602), json!("name"))
    );
    let e = tool_error(
        &server,
        Some(&alpha.key),
        json!({"name": "axme.send", "arguments": {"to_agent": "beta", "intent_type": "has space"}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["field"].clone()),
        (json!(-32602), json!("intent_type")),
        "{e}"
    );
    assert_eq!(e["data"]["http_status"], 422);

    // −32001: no key, an unknown key.
    for key in [None, Some("axme_sa_nobody")] {
        let e = tool_error(&server, key, json!({"name": "axme.list_inbox"})).await;
        assert_eq!(e["code"], -32001, "{e}");
        assert_eq!(e["data"]["http_status"], 401);
    }
    let r = post(&server, None, &request(3, "initialize", json!({}))).await;
    assert_eq!(r.body["error"]["code"], -32001, "{}", r.text);

    // −32002: an owner named but blank.
    let e = tool_error(
        &server,
        Some(&alpha.key),
        json!({"name": "axme.list_inbox", "arguments": {"owner_agent": " "}}),
    )
    .await;
    assert_eq!(e["code"], -32002, "{e}");

    // −32003: an owner the caller may not act for; two owners that disagree.
    let e = tool_error(
        &server,
        Some(&beta.key),
        json!({"name": "axme.list_inbox", "arguments": {"owner_agent": alpha.address}}),
    )
    .await;
    assert_eq!(e["code"], -32003, "{e}");
    let e = tool_error(
        &server,
        Some(&admin),
        json!({"name": "axme.list_inbox", "arguments": {"owner_agent": "alpha"}, "owner_agent": "beta"}),
    )
    .await;
    assert_eq!(e["code"], -32003, "{e}");
    let r = server
        .http
        .post(server.endpoint("/mcp"))
        .header("x-api-key", &admin)
        .header("x-owner-agent", "beta")
        .json(&request(
            9,
            "tools/call",
            json!({"name": "axme.list_inbox", "arguments": {"owner_agent": "alpha"}}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], -32003);
    // The same owner named everywhere is fine, and reported.
    let r = tool(
        &server,
        &admin,
        "axme.list_inbox",
        json!({"owner_agent": "alpha"}),
    )
    .await;
    assert_eq!(r["owner_agent"], json!(alpha.address));

    // −32011: nothing by that id; −32010: the gateway refuses (a finished intent).
    let e = tool_error(
        &server,
        Some(&alpha.key),
        json!({"name": "axme.get_intent", "arguments": {"intent_id": uuid::Uuid::new_v4().to_string()}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["http_status"].clone()),
        (json!(-32011), json!(404)),
        "{e}"
    );
    let id = server
        .create_intent(&beta.key, &alpha.address, json!({}))
        .await;
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &alpha.key,
            &json!({"status": "COMPLETED", "result": {}}),
        )
        .await
        .expect_ok();
    let e = tool_error(
        &server,
        Some(&alpha.key),
        json!({"name": "axme.resolve_intent", "arguments": {"intent_id": id, "status": "FAILED"}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["http_status"].clone()),
        (json!(-32010), json!(409)),
        "{e}"
    );
}

/// −32004: a batch pays for each call beyond the first (the HTTP request paid for that);
/// past the key's write rate the rest are refused, and then the request itself gets 429.
#[tokio::test]
async fn a_batch_pays_for_each_call() {
    let mut settings = axme::server::Settings::default();
    settings.limits.rates = axme::server::limits::RateLimits::off();
    settings.limits.rates.apply("key.write=3/min").unwrap();
    let server = TestServer::embedded(settings);
    let admin = server.admin();
    // Two writes of the admin's key: its account and its key.
    let gamma = server.provision_agent(&admin, "gamma").await;
    let call = |id: u64| request(id, "tools/call", json!({"name": "axme.list_inbox"}));
    let batch = json!([call(1), call(2), call(3), call(4), call(5)]);
    let r = post(&server, Some(&gamma.key), &batch).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let codes: Vec<Value> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["error"]["code"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            Value::Null,
            Value::Null,
            Value::Null,
            json!(-32004),
            json!(-32004)
        ],
        "{}",
        r.text
    );
    assert!(
        r.body[3]["error"]["data"]["retry_after"]
            .as_u64()
            .is_some_and(|s| s >= 1)
    );
    let r = post(&server, Some(&gamma.key), &call(6)).await;
    r.expect_error(429, "rate_limit_exceeded");
}
