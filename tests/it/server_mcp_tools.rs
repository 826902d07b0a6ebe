//! The MCP tools running real gateway operations: an intent sent through `/mcp`, completed
//! by its agent, followed and answered through `/mcp`, and every other tool.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::server_mcp::{tool, tool_error};

#[tokio::test]
async fn an_intent_sent_through_mcp_is_completed_by_its_agent() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;

    let sent = tool(
        &server,
        &beta.key,
        "axme.send",
        json!({"to_agent": "alpha", "intent_type": "invoice.approve.v1", "payload": {"amount": 5}, "idempotency_key": "mcp-send-1"}),
    )
    .await;
    assert_eq!(sent["ok"], true);
    assert_eq!(sent["status"], "completed");
    assert_eq!(sent["isError"], false);
    assert_eq!(sent["owner_agent"], json!(beta.address));
    let id = sent["data"]["intent_id"]
        .as_str()
        .expect("intent_id")
        .to_string();
    let text = sent["content"][0]["text"].as_str().unwrap();
    assert_eq!(sent["content"][0]["type"], "text");
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), sent["data"]);
    // The same key again: the same intent.
    let again = tool(
        &server,
        &beta.key,
        "axme.send",
        json!({"to_agent": "alpha", "intent_type": "invoice.approve.v1", "payload": {"amount": 5}, "idempotency_key": "mcp-send-1"}),
    )
    .await;
    assert_eq!(again["data"]["intent_id"], json!(id));

    // The intent is real: alpha sees it over HTTP, and completes it through MCP.
    let intent = server.intent(&alpha.key, &id).await;
    assert_eq!(intent["intent_type"], "invoice.approve.v1");
    assert_eq!(intent["payload"], json!({"amount": 5}));
    assert_eq!(intent["reply_to"], json!(beta.address));
    let done = tool(
        &server,
        &alpha.key,
        "axme.resume_intent",
        json!({"intent_id": id, "action": "complete", "result": {"approved": true}}),
    )
    .await;
    assert_eq!(done["data"]["intent"]["status"], "COMPLETED", "{done}");

    let got = tool(
        &server,
        &beta.key,
        "axme.get_intent",
        json!({"intent_id": id}),
    )
    .await;
    assert_eq!(got["data"]["intent"]["status"], "COMPLETED");
    let events = got["data"]["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["status"], "COMPLETED", "{got}");
    let later = tool(
        &server,
        &beta.key,
        "axme.get_intent",
        json!({"intent_id": id, "since": events.len() - 1}),
    )
    .await;
    assert_eq!(later["data"]["events"].as_array().unwrap().len(), 1);

    // The result landed in beta's inbox; beta reads and answers it through MCP.
    let inbox = tool(&server, &beta.key, "axme.list_inbox", json!({})).await;
    let threads = inbox["data"]["threads"].as_array().unwrap();
    assert!(
        threads.iter().any(|t| t["thread_id"] == json!(id)),
        "{inbox}"
    );
    let thread = tool(
        &server,
        &beta.key,
        "axme.get_thread",
        json!({"thread_id": id}),
    )
    .await;
    assert_eq!(thread["data"]["thread"]["thread_id"], json!(id));
    // A finished intent's thread takes no more replies (the gateway's 409); a new id
    // starts a conversation.
    let e = tool_error(
        &server,
        Some(&beta.key),
        json!({"name": "axme.reply", "arguments": {"thread_id": id, "message": "thanks"}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["error"]["code"].clone()),
        (json!(-32010), json!("thread_done")),
        "{e}"
    );
    let replied = tool(
        &server,
        &beta.key,
        "axme.reply",
        json!({"thread_id": "mcp-chat-1", "message": "thanks"}),
    )
    .await;
    assert!(
        replied["data"]["thread"].to_string().contains("thanks"),
        "{replied}"
    );
    let chat = tool(
        &server,
        &beta.key,
        "axme.get_thread",
        json!({"thread_id": "mcp-chat-1"}),
    )
    .await;
    assert!(
        chat["data"]["thread"].to_string().contains("thanks"),
        "{chat}"
    );
    let listed = tool(
        &server,
        &beta.key,
        "axme.list_intents",
        json!({"status": "COMPLETED"}),
    )
    .await;
    assert!(
        listed["data"]["intents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["intent_id"] == json!(id))
    );

    // Others do not see it; the other tools end what they should.
    let e = tool_error(
        &server,
        Some(&server.provision_agent(&admin, "gamma").await.key),
        json!({"name": "axme.get_intent", "arguments": {"intent_id": id}}),
    )
    .await;
    assert_eq!(e["code"], -32011);
    let message = tool(
        &server,
        &alpha.key,
        "axme.send_message",
        json!({"to_agent": "beta", "text": "hi"}),
    )
    .await;
    let mid = message["data"]["intent_id"].as_str().unwrap().to_string();
    let m = server.intent(&beta.key, &mid).await;
    assert_eq!(
        (m["intent_type"].clone(), m["payload"].clone()),
        (json!("axme.message.v1"), json!({"text": "hi"}))
    );
    let canceled = tool(
        &server,
        &alpha.key,
        "axme.cancel_intent",
        json!({"intent_id": mid, "reason": "never mind"}),
    )
    .await;
    assert_eq!(canceled["data"]["intent"]["status"], "CANCELED");
    let other = server
        .create_intent(&beta.key, &alpha.address, json!({}))
        .await;
    let resolved = tool(
        &server,
        &alpha.key,
        "axme.resolve_intent",
        json!({"intent_id": other, "status": "FAILED", "error": {"why": "no"}}),
    )
    .await;
    assert_eq!(resolved["data"]["intent"]["status"], "FAILED");
    let raw = tool(
        &server,
        &alpha.key,
        "axme.intents_send",
        json!({"intent_type": "t.v1", "to_agent": "beta", "payload": {}}),
    )
    .await;
    let raw_id = raw["data"]["intent_id"].as_str().unwrap().to_string();
    assert!(server.intent(&alpha.key, &raw_id).await["reply_to"].is_null());

    // Nick tools wait for the nick registry.
    let nick = tool(
        &server,
        &alpha.key,
        "axme.check_nick",
        json!({"nick": "@alpha"}),
    )
    .await;
    assert_eq!(
        (
            nick["ok"].clone(),
            nick["status"].clone(),
            nick["isError"].clone()
        ),
        (json!(false), json!("not_implemented"), json!(true))
    );
}
