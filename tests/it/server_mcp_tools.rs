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

    // Nicks (the registry of /v1/users): alpha takes one through MCP, beta sends to it.
    let free = tool(
        &server,
        &alpha.key,
        "axme.check_nick",
        json!({"nick": "@alpha-mcp"}),
    )
    .await;
    assert_eq!(free["data"]["available"], true, "{free}");
    let taken = tool(
        &server,
        &alpha.key,
        "axme.register_nick",
        json!({"nick": "@Alpha-MCP", "display_name": "Alpha", "idempotency_key": "nick-1"}),
    )
    .await;
    assert_eq!(taken["status"], "completed", "{taken}");
    let check = tool(
        &server,
        &beta.key,
        "axme.check_nick",
        json!({"nick": "alpha-mcp"}),
    )
    .await;
    assert_eq!(check["data"]["available"], false, "{check}");
    let holder = tool(
        &server,
        &beta.key,
        "axme.resolve_nick",
        json!({"nick": "@alpha-mcp"}),
    )
    .await;
    assert_eq!(
        holder["data"]["owner_agent"],
        json!(alpha.address),
        "{holder}"
    );
    for to in ["@alpha-mcp", "alpha-mcp@ax"] {
        let sent = tool(
            &server,
            &beta.key,
            "axme.send_message",
            json!({"to_agent": to, "text": "by nick"}),
        )
        .await;
        let id = sent["data"]["intent_id"]
            .as_str()
            .expect("an intent")
            .to_string();
        assert_eq!(
            server.intent(&alpha.key, &id).await["to_agent"],
            json!(alpha.address)
        );
    }
    // Nobody holds it: contact_not_found, nothing sent.
    let before = server.get("/v1/intents?limit=500", &beta.key).await.body["intents"]
        .as_array()
        .unwrap()
        .len();
    let nobody = tool(
        &server,
        &beta.key,
        "axme.send",
        json!({"to_agent": "@nobody-here"}),
    )
    .await;
    assert_eq!(
        (
            nobody["ok"].clone(),
            nobody["status"].clone(),
            nobody["isError"].clone()
        ),
        (json!(false), json!("contact_not_found"), json!(true)),
        "{nobody}"
    );
    let after = server.get("/v1/intents?limit=500", &beta.key).await.body["intents"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    let unknown = tool(
        &server,
        &beta.key,
        "axme.resolve_nick",
        json!({"nick": "nobody-here"}),
    )
    .await;
    assert_eq!(unknown["status"], "contact_not_found", "{unknown}");
    // A nick another agent holds cannot be taken; a bad one names the field.
    let e = tool_error(
        &server,
        Some(&beta.key),
        json!({"name": "axme.register_nick", "arguments": {"nick": "@alpha-mcp"}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["http_status"].clone()),
        (json!(-32010), json!(409)),
        "{e}"
    );
    let e = tool_error(
        &server,
        Some(&beta.key),
        json!({"name": "axme.check_nick", "arguments": {"nick": "a b"}}),
    )
    .await;
    assert_eq!(
        (e["code"].clone(), e["data"]["field"].clone()),
        (json!(-32602), json!("nick")),
        "{e}"
    );
}
