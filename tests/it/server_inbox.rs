//! The inbox over HTTP (spec §7.5, §8.5, §9.1): `reply_to` in any `agent://` form lands
//! where the same form is queried; threads without `owner_agent`; reply, delegate,
//! approve, reject, read, delete messages; the change feed; approval decisions; and the
//! 4xx of each.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestServer, intent_body, str_field};

/// Sends an intent with `reply_to` and completes it; returns its id (= the thread id).
async fn completed_with_reply_to(server: &TestServer, key: &str, reply_to: &str) -> String {
    let mut body = intent_body("agent://local/default/worker", json!({"n": 1}));
    body["reply_to"] = json!(reply_to);
    let r = server.post("/v1/intents", key, &body).await;
    r.expect_ok();
    let id = str_field(&r.body, "intent_id");
    let done = server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            key,
            &json!({"status": "COMPLETED", "result": {"answer": 42}}),
        )
        .await;
    done.expect_ok();
    assert_eq!(
        done.body["completion_delivery"]["delivered"], true,
        "{}",
        done.text
    );
    id
}

fn thread_ids(r: &crate::common::Resp) -> Vec<String> {
    r.body["threads"]
        .as_array()
        .unwrap_or_else(|| panic!("no threads: {}", r.text))
        .iter()
        .map(|t| t["thread_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn reply_to_of_any_form_is_stored_as_it_is_queried() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bare = completed_with_reply_to(&server, &admin, "owner").await;
    let two = completed_with_reply_to(&server, &admin, "agent://acme/owner").await;
    let one = completed_with_reply_to(&server, &admin, "agent://solo").await;

    for query in [
        "owner",
        "agent://local/default/owner",
        "agent%3A%2F%2Flocal%2Fdefault%2Fowner",
    ] {
        let r = server
            .get(&format!("/v1/inbox?owner_agent={query}"), &admin)
            .await;
        r.expect_ok();
        assert_eq!(thread_ids(&r), vec![bare.clone()], "{query}: {}", r.text);
    }
    let r = server
        .get("/v1/inbox?owner_agent=agent://acme/owner", &admin)
        .await;
    r.expect_ok();
    assert_eq!(thread_ids(&r), vec![two.clone()], "{}", r.text);
    assert_eq!(r.body["threads"][0]["owner_agent"], "agent://acme/owner");
    let r = server.get("/v1/inbox?owner_agent=solo", &admin).await;
    assert_eq!(thread_ids(&r), vec![one], "{}", r.text);
    let thread = &r.body["threads"][0];
    assert_eq!(thread["status"], "done");
    assert_eq!(thread["completion"]["result"], json!({"answer": 42}));

    // Malformed owners are 422; another workspace's admin sees nothing of ours.
    for bad in ["a//b", "agent://a/b/c/d", "has%20space"] {
        server
            .get(&format!("/v1/inbox?owner_agent={bad}"), &admin)
            .await
            .expect_error(422, "schema_invalid");
    }
    let other = server.create_workspace(&admin, "elsewhere").await;
    let r = server
        .get("/v1/inbox?owner_agent=agent://acme/owner", &other.admin_key)
        .await;
    r.expect_ok();
    assert!(thread_ids(&r).is_empty(), "{}", r.text);
    server
        .get(&format!("/v1/inbox/{two}"), &other.admin_key)
        .await
        .expect_error(404, "thread_not_found");
    // The query and the header must agree.
    let r = server
        .http
        .get(server.endpoint("/v1/inbox?owner_agent=owner"))
        .header("x-api-key", &admin)
        .header("x-owner-agent", "agent://acme/owner")
        .send()
        .await
        .unwrap();
    crate::common::Resp::read(r)
        .await
        .expect_error(400, "owner_scope_conflict");
}

#[tokio::test]
async fn an_owner_reads_its_thread_without_owner_agent_and_nobody_else_does() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let me = server.provision_agent(&admin, "me").await;
    let stranger = server.provision_agent(&admin, "stranger").await;
    let id = completed_with_reply_to(&server, &admin, &me.address).await;

    let r = server.get(&format!("/v1/inbox/{id}"), &me.key).await;
    r.expect_ok();
    assert_eq!(r.body["thread"]["thread_id"], json!(id));
    assert_eq!(r.body["thread"]["messages"][0]["role"], "agent");
    server
        .get(&format!("/v1/inbox/{id}"), &admin)
        .await
        .expect_ok();
    server
        .get(&format!("/v1/inbox/{id}"), &stranger.key)
        .await
        .expect_error(404, "thread_not_found");
    server
        .get(
            &format!("/v1/inbox?owner_agent={}", me.address),
            &stranger.key,
        )
        .await
        .expect_error(403, "policy_denied");
    let own = server.get("/v1/inbox", &me.key).await;
    assert_eq!(thread_ids(&own), vec![id.clone()]);
    // Naming another owner than the thread's is a 404, not a leak.
    server
        .get(
            &format!("/v1/inbox/{id}?owner_agent=agent://local/default/other"),
            &admin,
        )
        .await
        .expect_error(404, "thread_not_found");
    server
        .get("/v1/inbox/not%20an%20id", &admin)
        .await
        .expect_error(404, "thread_not_found");
}

#[tokio::test]
async fn owner_actions_change_the_thread() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let me = server.provision_agent(&admin, "me").await;
    let deputy = server.provision_agent(&admin, "deputy").await;
    let id = completed_with_reply_to(&server, &admin, "agent://acme/approvals").await;
    // A completion thread is done: it takes no more conversation.
    server
        .post(
            &format!("/v1/inbox/{id}/reply?owner_agent=agent://acme/approvals"),
            &admin,
            &json!({"message": "x"}),
        )
        .await
        .expect_error(409, "thread_done");

    // A reply to an id nobody used starts a thread (conformance expects 200).
    let tid = uuid::Uuid::new_v4().to_string();
    let r = server
        .post(
            &format!("/v1/inbox/{tid}/reply"),
            &me.key,
            &json!({"message": "hello"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["thread"]["thread_id"], json!(tid));
    assert_eq!(r.body["thread"]["owner_agent"], json!(me.address));
    assert_eq!(r.body["thread"]["messages"][0]["content"], "hello");
    let r = server
        .post(
            &format!("/v1/inbox/{tid}/reply"),
            &me.key,
            &json!({"message": "again"}),
        )
        .await;
    r.expect_ok();
    let messages = r.body["thread"]["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 2);
    for (body, field) in [
        (json!({}), "message"),
        (json!({"message": ""}), "message"),
        (json!({"message": 5}), "message"),
    ] {
        let r = server
            .post(&format!("/v1/inbox/{tid}/reply"), &me.key, &body)
            .await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(r.body["error"]["details"]["field"], field);
    }

    let r = server
        .call(
            Method::POST,
            &format!("/v1/inbox/{tid}/read"),
            Some(&me.key),
            None,
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["thread"]["unread"], false);

    let first = messages[0]["message_id"].as_str().unwrap();
    let r = server
        .post(
            &format!("/v1/inbox/{tid}/messages/delete"),
            &me.key,
            &json!({"mode": "both", "message_ids": [first, "nope"]}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["deleted_count"], 1, "{}", r.text);
    assert_eq!(r.body["message_ids"], json!([first]));
    assert_eq!(r.body["mode"], "both");
    assert_eq!(r.body["thread"]["messages"].as_array().unwrap().len(), 1);
    for bad in [
        json!({"mode": "all"}),
        json!({"limit": 0}),
        json!({"message_ids": "x"}),
    ] {
        server
            .post(&format!("/v1/inbox/{tid}/messages/delete"), &me.key, &bad)
            .await
            .expect_error(422, "schema_invalid");
    }

    // Delegation moves the thread to the deputy's inbox.
    server
        .post(
            &format!("/v1/inbox/{tid}/delegate"),
            &me.key,
            &json!({"note": "x"}),
        )
        .await
        .expect_error(422, "schema_invalid");
    let r = server
        .post(
            &format!("/v1/inbox/{tid}/delegate"),
            &me.key,
            &json!({"delegate_to": "deputy", "note": "yours"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["thread"]["owner_agent"], json!(deputy.address));
    server
        .get(&format!("/v1/inbox/{tid}"), &me.key)
        .await
        .expect_error(404, "thread_not_found");
    server
        .get(&format!("/v1/inbox/{tid}"), &deputy.key)
        .await
        .expect_ok();

    // Approve ends it; nothing but read and delete afterwards.
    server
        .post(&format!("/v1/inbox/{tid}/approve"), &me.key, &json!({}))
        .await
        .expect_error(404, "thread_not_found");
    let r = server
        .post(
            &format!("/v1/inbox/{tid}/approve"),
            &deputy.key,
            &json!({"comment": "fine"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["thread"]["status"], "done");
    assert_eq!(r.body["thread"]["decision"]["decision"], "approved");
    let events: Vec<&str> = r.body["thread"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "thread.created",
            "message.sent",
            "message.sent",
            "messages.deleted",
            "thread.delegated",
            "thread.approved"
        ]
    );
    server
        .post(&format!("/v1/inbox/{tid}/reject"), &deputy.key, &json!({}))
        .await
        .expect_error(409, "thread_done");
    server
        .post(
            &format!("/v1/inbox/{tid}/reject"),
            &deputy.key,
            &json!({"comment": "x".repeat(2001)}),
        )
        .await
        .expect_error(422, "schema_invalid");
    // Unknown threads: only a reply starts one.
    for action in ["approve", "reject", "read", "delegate", "messages/delete"] {
        let unknown = uuid::Uuid::new_v4();
        server
            .post(
                &format!("/v1/inbox/{unknown}/{action}"),
                &me.key,
                &json!({"delegate_to": "x"}),
            )
            .await
            .expect_error(404, "thread_not_found");
    }
}

#[tokio::test]
async fn a_keyed_reply_is_applied_once() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let tid = uuid::Uuid::new_v4().to_string();
    let send = |message: &'static str| {
        let server = &server;
        let admin = admin.clone();
        let tid = tid.clone();
        async move {
            let r = server
                .http
                .post(server.endpoint(&format!("/v1/inbox/{tid}/reply")))
                .header("x-api-key", admin)
                .header("Idempotency-Key", "reply-0001")
                .json(&json!({"message": message}))
                .send()
                .await
                .unwrap();
            crate::common::Resp::read(r).await
        }
    };
    let a = send("once").await;
    a.expect_ok();
    let b = send("once").await;
    assert_eq!(a.body, b.body);
    let r = server.get(&format!("/v1/inbox/{tid}"), &admin).await;
    assert_eq!(r.body["thread"]["messages"].as_array().unwrap().len(), 1);
    send("other")
        .await
        .expect_error(409, "idempotency_conflict");
}

#[tokio::test]
async fn the_change_feed_pages_with_a_cursor() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let mut ids = Vec::new();
    for n in 0..3 {
        let tid = format!("feed-{n}");
        server
            .post(
                &format!("/v1/inbox/{tid}/reply"),
                &admin,
                &json!({"message": "m"}),
            )
            .await
            .expect_ok();
        ids.push(tid);
    }
    let page = server.get("/v1/inbox/changes?limit=2", &admin).await;
    page.expect_ok();
    let got = |r: &crate::common::Resp| -> Vec<String> {
        r.body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["thread"]["thread_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(got(&page), ids[..2].to_vec(), "{}", page.text);
    assert_eq!(page.body["has_more"], true);
    let cursor = page.body["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(page.body["changes"][1]["cursor"], json!(cursor));
    let rest = server
        .get(
            &format!("/v1/inbox/changes?limit=2&cursor={cursor}"),
            &admin,
        )
        .await;
    assert_eq!(got(&rest), ids[2..].to_vec(), "{}", rest.text);
    assert_eq!(rest.body["has_more"], false);
    let last = rest.body["next_cursor"].as_str().unwrap().to_string();
    // A change to an older thread comes after the cursor.
    server
        .call(Method::POST, "/v1/inbox/feed-0/read", Some(&admin), None)
        .await
        .expect_ok();
    let next = server
        .get(&format!("/v1/inbox/changes?cursor={last}"), &admin)
        .await;
    assert_eq!(got(&next), vec!["feed-0".to_string()], "{}", next.text);
    let empty = server
        .get(
            &format!(
                "/v1/inbox/changes?cursor={}",
                next.body["next_cursor"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    assert_eq!(empty.body["changes"], json!([]));
    assert_eq!(empty.body["next_cursor"], Value::Null);
    assert_eq!(empty.body["has_more"], false);
    for bad in ["cursor=abc", "limit=0", "limit=501"] {
        server
            .get(&format!("/v1/inbox/changes?{bad}"), &admin)
            .await
            .expect_error(422, "schema_invalid");
    }
}

#[tokio::test]
async fn approval_decisions() {
    let server = TestServer::in_process();
    let admin = server.admin();
    // A random id is recorded (conformance); a second decision is 409.
    let id = uuid::Uuid::new_v4().to_string();
    let path = format!("/v1/approvals/{id}/decision");
    let r = server
        .post(
            &path,
            &admin,
            &json!({"decision": "approve", "comment": "ok"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["approval"]["approval_id"], json!(id));
    assert_eq!(r.body["approval"]["decision"], "approve");
    assert_eq!(r.body["approval"]["comment"], "ok");
    assert!(r.body["approval"]["decided_at"].is_string());
    server
        .post(&path, &admin, &json!({"decision": "reject"}))
        .await
        .expect_error(409, "approval_decided");
    for bad in [
        json!({}),
        json!({"decision": "maybe"}),
        json!({"decision": "approve", "comment": "x".repeat(1001)}),
    ] {
        server
            .post(
                &format!("/v1/approvals/{}/decision", uuid::Uuid::new_v4()),
                &admin,
                &bad,
            )
            .await
            .expect_error(422, "schema_invalid");
    }
    // Another workspace cannot see ours.
    let other = server.create_workspace(&admin, "elsewhere").await;
    server
        .post(&path, &other.admin_key, &json!({"decision": "approve"}))
        .await
        .expect_error(404, "approval_not_found");

    // An intent waiting for a human: the decision answers its task.
    let mut body = intent_body("agent://agent_core", json!({}));
    body["human_task"] = json!({"title": "Ship it?"});
    let created = server.post("/v1/intents", &admin, &body).await;
    created.expect_ok();
    let intent_id = str_field(&created.body, "intent_id");
    assert_eq!(server.intent(&admin, &intent_id).await["status"], "WAITING");
    server
        .post(
            &format!("/v1/approvals/{intent_id}/decision"),
            &admin,
            &json!({"decision": "approve"}),
        )
        .await
        .expect_ok();
    let done = server.intent(&admin, &intent_id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    // A finished intent is not waiting for anyone.
    let plain = server
        .create_intent(&admin, "agent://local/default/w", json!({}))
        .await;
    server
        .post(
            &format!("/v1/approvals/{plain}/decision"),
            &admin,
            &json!({"decision": "reject"}),
        )
        .await
        .expect_error(409, "not_waiting_for_human");
}

#[tokio::test]
async fn inbox_routes_need_the_inbox_scope() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let reader = crate::server_authz::account_with_key(
        &server,
        &admin,
        "reader",
        "agent",
        Some(json!(["intents:read"])),
    )
    .await;
    for path in ["/v1/inbox", "/v1/inbox/changes", "/v1/inbox/x"] {
        server
            .get(path, &reader.key)
            .await
            .expect_error(403, "insufficient_scope");
    }
    for action in [
        "reply",
        "delegate",
        "approve",
        "reject",
        "read",
        "messages/delete",
    ] {
        server
            .post(
                &format!("/v1/inbox/x/{action}"),
                &reader.key,
                &json!({"message": "m"}),
            )
            .await
            .expect_error(403, "insufficient_scope");
    }
    server
        .post(
            "/v1/approvals/x/decision",
            &reader.key,
            &json!({"decision": "approve"}),
        )
        .await
        .expect_error(403, "insufficient_scope");
    server
        .get("/v1/inbox", "nope")
        .await
        .expect_error_status(401);
}
